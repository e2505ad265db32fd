"""Front matter: where MyST ends it, the keys a page may have, one affiliation per list item, the
template's placeholders, and authors' ORCIDs on the talk page (HTML and the PDF's LaTeX)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import copy_site, sphinx_build
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it.renderer import RendererHTML
from myst_parser.config.main import MdParserConfig, read_topmatter
from myst_parser.parsers.mdit import create_md_parser
from sphinx_workshop_site.edition.scaffold import check_placeholders, new_abstract
from sphinx_workshop_site.model.frontmatter import (
    MYST_REFUSED,
    front_matter_span,
    locate_front_matter,
    read_speaker,
    read_talk,
    split_front_matter,
)

# The build's Markdown parser (conf.py's extensions), with the front_matter rule MyST adds.
MARKDOWN = create_md_parser(
    MdParserConfig(enable_extensions={"dollarmath", "amsmath", "colon_fence", "deflist", "attrs_inline"}),
    RendererHTML,
)
NOT_CLOSED = "the front matter opened on line 1 is never closed: add a line '---' after it"
QUOTE_IT = (
    "affiliation '{}' names a place, not an institution: YAML split the affiliation at its comma; "
    'quote it: "{}" (if it is an institution, write its full name)'
)
ONE_ITEM = (
    "affiliation '{}' names a place, not an institution: write it in one item with the one before: "
    '"{}" (if it is an institution, write its full name)'
)


def markdown_end(text: str) -> int | None:
    """1-based closing line of the front matter as MyST's Markdown parser sees it, or None."""
    tokens = MARKDOWN.parse(text)
    if tokens and tokens[0].type == "front_matter":
        return tokens[0].map[1]
    return None


def topmatter_end(text: str, monkeypatch) -> int | None:
    """1-based line where MyST's read_topmatter stops (None: it reads to the end or finds none)."""
    read: list[str] = []
    monkeypatch.setattr(yaml, "safe_load", lambda source: read.append(source) or {})
    read_topmatter(text)
    monkeypatch.undo()
    if not read:
        return None
    consumed = read[0].count("\n")
    return consumed + 2 if consumed + 1 < len(text.splitlines()) else None


def problems_of(text: str, file: str = "abstracts/alpha.md") -> list[str]:
    return [str(p) for p in read_talk("alpha", text, file)[1]]


# --------------------------------------------------------------------------- where it ends


def test_a_well_formed_front_matter():
    text = "---\nspeakers: [ada]\n---\n\n# T\n"
    found = locate_front_matter(text)
    assert (found.start, found.end, found.text, found.problem) == (1, 3, "speakers: [ada]", None)
    assert front_matter_span(text) == (1, 3)
    assert split_front_matter(text) == ("speakers: [ada]", 2)
    assert problems_of(text) == []


def test_yaml_document_end_closes_it_for_both_readers(monkeypatch):
    text = "---\nspeakers: [ada]\n...\n\n# T\n"
    assert locate_front_matter(text).text == "speakers: [ada]"
    assert markdown_end(text) == topmatter_end(text, monkeypatch) == 3


def test_a_missing_closing_line_says_so():
    text = "---\nspeakers: [ada]\nkeywords: [x]\n\n# Title\n\nText.\n"
    assert problems_of(text) == [f"abstracts/alpha.md:1: {NOT_CLOSED}"]
    assert front_matter_span(text) == (1, 7)  # read_topmatter would read the whole page
    assert split_front_matter(text) == (None, 0)


def test_no_front_matter_at_all():
    assert problems_of("# Title\n\nText.\n") == [
        "abstracts/alpha.md:1: the page has no front matter: start it with a '---' block"
    ]
    assert front_matter_span("# Title\n") is None


@pytest.mark.parametrize("opening", ["----", "--- speakers: [ada]", "---x"])
def test_the_opening_line_is_exactly_three_dashes(opening):
    text = f"{opening}\nspeakers: [ada]\n----\n\n# T\n"
    assert problems_of(text) == [
        "abstracts/alpha.md:1: the front matter must open with a line of exactly '---'"
    ]


DISAGREEING = {
    # a line MyST's settings reader (read_topmatter) takes as the end, its Markdown parser does not
    "four dots": ("---\nspeakers: [ada]\n....\nkeywords: [x]\n---\n\n# T\n", 3, "'....' ends"),
    "dots then text": ("---\nspeakers: [ada]\n...and more\n---\n\n# T\n", 3, "'...and more' ends"),
    "dashes then text": ("---\nspeakers: [ada]\n--- # end\n---\n\n# T\n", 3, "'--- # end' ends"),
    "a YAML document marker": ("---\nspeakers: [ada]\n---x\n---\n\n# T\n", 3, "'---x' ends"),
    # and the other way round: an indented '---' ends it for the Markdown parser only
    "indented dashes": ("---\nspeakers: [ada]\n  ---\nkeywords: [x]\n---\n\n# T\n", 3, "an indented '---'"),
    "dashes in a block scalar": (
        "---\nspeakers: [ada]\nnote: |\n  ---\n---\n\n# T\n",
        4,
        "an indented '---'",
    ),
}


@pytest.mark.parametrize("case", DISAGREEING)
def test_where_mysts_readers_disagree_the_line_is_named(case, monkeypatch):
    text, line, start = DISAGREEING[case]
    assert markdown_end(text) != topmatter_end(text, monkeypatch)  # MyST itself would be ambiguous
    (problem,) = problems_of(text)
    location, message = problem.split(": ", 1)
    assert location == f"abstracts/alpha.md:{line}"
    assert message.startswith(start)
    assert "'---'" in message  # and says how to end the front matter


def test_the_messages_of_a_disagreement_in_full():
    text, _line, _start = DISAGREEING["four dots"]
    assert problems_of(text) == [
        "abstracts/alpha.md:3: '....' ends the front matter for one of MyST's readers and not for the "
        "other: end it with a line of exactly '---', and start no line of it with '---' or '...'"
    ]
    text, _line, _start = DISAGREEING["indented dashes"]
    assert problems_of(text) == [
        "abstracts/alpha.md:3: an indented '---' ends the front matter for one of MyST's readers and not "
        "for the other: write '---' at the start of the line to end it there, or reword the line"
    ]


@pytest.mark.parametrize("separator", ["\u2028", "\x0c", "\x85"])
def test_line_breaks_only_some_readers_see_are_refused(separator):
    text = f"---\nspeakers: [ada]\nkeywords: [x]{separator}---\n---\n\n# T\n"
    (problem,) = problems_of(text)
    assert problem.startswith(f"abstracts/alpha.md:3: the invisible line break U+{ord(separator):04X}")


FIRST_LINES = ["---", "---", "---", "--- ", "----", "---x", "-----"]
LINES = [
    "a: 1",
    "",
    "  ",
    "\t",
    "---",
    "---\t",
    "--- ",
    "----",
    "-----",
    " ---",
    "   ---",
    "    ---",
    "\t---",
    " \t---",
    "...",
    "... ",
    "....",
    "...x",
    " ...",
    "---x",
    "--- # c",
    "-",
    "--",
    "- a",
    "  - b",
    "b: |",
    "  text",
    "# c",
    "```",
    "% x",
]


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    first=st.sampled_from(FIRST_LINES),
    rest=st.lists(st.sampled_from(LINES), max_size=8),
    final_newline=st.booleans(),
)
def test_the_reading_agrees_with_both_of_mysts_readers(first, rest, final_newline, monkeypatch):
    text = "\n".join([first, *rest]) + ("\n" if final_newline else "")
    found = locate_front_matter(text)
    md_end, top_end = markdown_end(text), topmatter_end(text, monkeypatch)
    count = len(text.splitlines())
    assert found.end == (count if top_end is None else max(top_end, md_end or 0))
    if found.problem is None:
        assert md_end == top_end == found.end
        assert MARKDOWN.parse(text)[0].content == found.text
    else:
        _message, line = found.problem
        assert 1 <= line <= found.end
        assert first.rstrip() != "---" or md_end != top_end or md_end is None
    # Blanking the span leaves MyST no front matter to read, whatever the page held.
    lines = text.split("\n")
    lines[found.start - 1 : found.end] = [""] * (found.end - found.start + 1)
    blanked = "\n".join(lines)
    assert markdown_end(blanked) is None and read_topmatter(blanked) is None
    assert blanked.count("\n") == text.count("\n")


# --------------------------------------------------------------------------- keys


def test_the_myst_key_is_refused_on_talk_and_speaker_pages():
    talk = "---\nspeakers: [ada]\nmyst:\n  html_meta:\n    description: x\n---\n\n# T\n"
    assert problems_of(talk) == [f"abstracts/alpha.md:3: {MYST_REFUSED}"]
    speaker = "---\naffiliation: Inria, Nancy\nmyst:\n  substitutions: {a: b}\n---\n\n# Ada\n"
    assert [str(p) for p in read_speaker("ada", speaker, "speakers/ada.md")[1]] == [
        f"speakers/ada.md:3: {MYST_REFUSED}"
    ]
    assert MYST_REFUSED == (
        "the 'myst' key is not allowed in a talk or speaker page: delete it and what is under it "
        "(the page's description comes from its text)"
    )


def test_unknown_keys_get_did_you_mean():
    assert problems_of("---\nspeakers: [ada]\nkeywrods: [x]\n---\n\n# T\n") == [
        "abstracts/alpha.md:3: unknown key 'keywrods' in a talk's front matter (did you mean 'keywords'?)"
    ]
    assert problems_of("---\nspeakers: [ada]\nauthors:\n  - name: A\n    afiliation: X\n---\n# T\n") == [
        "abstracts/alpha.md:5: unknown key 'afiliation' in an author (did you mean 'affiliation'?)"
    ]


# --------------------------------------------------------------------------- affiliations


def talk_with(affiliations: str) -> str:
    return f"---\nspeakers: [ada]\nauthors:\n  - name: Ada\n    affiliations: {affiliations}\n---\n\n# T\n"


def test_the_old_template_shape_is_two_items_and_the_city_is_flagged():
    meta, problems = read_talk("alpha", talk_with("[Université de Lorraine, Nancy]"), "abstracts/alpha.md")
    assert meta.authors[0].affiliations == ("Université de Lorraine", "Nancy")
    assert [str(p) for p in problems] == [
        f"abstracts/alpha.md:5: {QUOTE_IT.format('Nancy', 'Université de Lorraine, Nancy')}"
    ]


@pytest.mark.parametrize(
    "written",
    [
        '["Université de Lorraine, Nancy"]',
        "\n      - Université de Lorraine, Nancy",
        "'Université de Lorraine, Nancy'",
    ],
)
def test_one_list_item_is_one_affiliation(written):
    meta, problems = read_talk("alpha", talk_with(written), "abstracts/alpha.md")
    assert meta.authors[0].affiliations == ("Université de Lorraine, Nancy",)
    assert problems == []


@pytest.mark.parametrize(
    "items",
    [
        "[Inria, CNRS]",
        "[Université de Lorraine, LORIA]",
        "[Inria Nancy, Google]",
        "[Tsinghua University, DeepMind]",
        "[Université de Lorraine, KU Leuven]",
        '["ETH Zürich", "Hugging Face"]',
        "[Université Paris 13]",
    ],
)
def test_several_institutions_are_not_places(items):
    assert problems_of(talk_with(items)) == []


@pytest.mark.parametrize(
    ("items", "message", "line"),
    [
        ("[Inria, Paris]", QUOTE_IT.format("Paris", "Inria, Paris"), 5),
        (
            "[Université de Lorraine, Nancy, France]",
            QUOTE_IT.format("Nancy, France", "Université de Lorraine, Nancy, France"),
            5,
        ),
        (
            "\n      - Inria\n      - Villers-lès-Nancy",
            ONE_ITEM.format("Villers-lès-Nancy", "Inria, Villers-lès-Nancy"),
            7,
        ),
    ],
)
def test_places_are_flagged_on_their_line(items, message, line):
    assert problems_of(talk_with(items)) == [f"abstracts/alpha.md:{line}: {message}"]


def test_a_place_alone_or_first_is_accepted_as_written():
    # no split leaves a place first: an author may give only a town
    assert problems_of(talk_with("[Paris]")) == []
    assert problems_of(talk_with("[Nancy, Inria]")) == []


def test_a_place_after_a_singular_affiliation_is_flagged_too():
    text = "---\nspeakers: [ada]\nauthors:\n  - name: Ada\n    affiliation: Inria\n    affiliations: [Nancy]\n---\n# T\n"
    assert problems_of(text) == [f"abstracts/alpha.md:6: {ONE_ITEM.format('Nancy', 'Inria, Nancy')}"]


# --------------------------------------------------------------------------- placeholders


@pytest.fixture
def scaffolded(tmp_path) -> tuple[str, str]:
    (tmp_path / "abstracts").mkdir()
    (tmp_path / "speakers").mkdir()
    new_abstract(tmp_path, "jane-doe", name="Jane Doe")
    talk = (tmp_path / "abstracts/jane-doe.md").read_text(encoding="utf-8")
    speaker = (tmp_path / "speakers/jane-doe.md").read_text(encoding="utf-8")
    return talk, speaker


def without_todo(text: str) -> str:
    return "".join(line for line in text.splitlines(keepends=True) if not line.startswith("% TODO"))


def test_the_untouched_template_is_all_placeholders(scaffolded):
    talk, speaker = scaffolded
    talk = without_todo(talk)
    lines = talk.split("\n")
    keywords = lines.index("keywords: [first keyword, second keyword]") + 1
    title = lines.index("# Title of the talk") + 1
    assert [str(p) for p in check_placeholders(talk, "abstracts/jane-doe.md")] == [
        f"abstracts/jane-doe.md:{keywords}: keyword 'first keyword' is the template's placeholder: "
        "write your talk's keywords",
        f"abstracts/jane-doe.md:{keywords}: keyword 'second keyword' is the template's placeholder: "
        "write your talk's keywords",
        f"abstracts/jane-doe.md:{title}: the title is still the template's placeholder: write your talk's title",
        f"abstracts/jane-doe.md:{title + 2}: the abstract is still the template's placeholder text: "
        "write your abstract",
    ]
    assert [str(p) for p in check_placeholders(without_todo(speaker), "speakers/jane-doe.md")] == [
        "speakers/jane-doe.md:2: affiliation 'Institution, City' is the template's placeholder: "
        "write your institution and its city"
    ]
    # the placeholders are no front matter problem: the untouched scaffold builds (make live)
    assert read_talk("jane-doe", talk, "abstracts/jane-doe.md")[1] == []


def test_the_templates_commented_lines_uncommented_are_placeholders_too(scaffolded):
    talk, speaker = scaffolded
    talk = talk.replace("# authors:\n", "authors:\n").replace("\n#   ", "\n  ").replace("\n#     ", "\n    ")
    lines = talk.split("\n")
    affiliation = next(n for n, line in enumerate(lines, 1) if "affiliations:" in line)
    assert read_talk("jane-doe", talk, "abstracts/jane-doe.md")[0].authors[0].affiliations == (
        "Institution, City",
    )
    problems = [str(p) for p in check_placeholders(talk, "abstracts/jane-doe.md")]
    assert (
        f"abstracts/jane-doe.md:{affiliation}: affiliation 'Institution, City' is the template's placeholder: "
        "write your institution and its city"
    ) in problems
    assert (
        f"abstracts/jane-doe.md:{affiliation + 1}: ORCID 0000-0002-1825-0097 is the template's example: "
        "write your own ORCID, or delete the line"
    ) in problems
    speaker = speaker.replace("# homepage:", "homepage:").replace("# orcid:", "orcid:")
    assert [str(p) for p in check_placeholders(speaker, "speakers/jane-doe.md")][1:] == [
        "speakers/jane-doe.md:3: homepage 'https://example.org/~you' is the template's example: "
        "write your own address, or delete the line",
        "speakers/jane-doe.md:4: ORCID 0000-0002-1825-0097 is the template's example: "
        "write your own ORCID, or delete the line",
    ]


def test_the_older_template_shape_is_a_placeholder():
    text = talk_with("[Institution, City]")
    assert [str(p) for p in check_placeholders(text, "a.md")] == [
        "a.md:5: affiliation 'Institution' is the template's placeholder: write your institution and its city",
        "a.md:5: affiliation 'City' is the template's placeholder: write your institution and its city",
    ]


def test_a_filled_page_has_no_placeholder():
    text = (
        '---\nspeakers: [jane-doe]\nauthors:\n  - name: Jane Doe\n    affiliations: ["Inria, Nancy"]\n'
        "    orcid: 0000-0001-5109-3700\nkeywords: [tensors, low rank]\n---\n\n"
        "# Title of the talk, revisited\n\nThe abstract of a talk on titles of talks.\n"
    )
    assert check_placeholders(text, "a.md") == []


def test_unreadable_front_matter_is_left_to_the_front_matter_reader():
    assert check_placeholders("---\nkeywords: [first keyword\n---\n\n# Title of the talk\n", "a.md") == [
        check_placeholders("# Title of the talk\n", "a.md")[0].__class__(
            "the title is still the template's placeholder: write your talk's title", "a.md", 5, "unfinished"
        )
    ]


# --------------------------------------------------------------------------- ORCID on the page


ORCID_TALK = """\
---
speakers: [ada]
authors:
  - name: Ada Lovelace
    affiliations: ["Université de Lorraine, Nancy"]
    orcid: 0000-0001-5109-3700
  - name: Bob
    affiliation: Inria
---

# Alpha talk

The alpha abstract.
"""


def test_author_orcids_are_links_on_the_talk_page(build_root):
    from bs4 import BeautifulSoup

    app, warnings = build_root("schedule", {"abstracts/alpha.md": ORCID_TALK})
    assert "alpha.md" not in warnings, warnings
    page = BeautifulSoup((Path(app.outdir) / "abstracts/alpha.html").read_text("utf-8"), "html.parser")
    (link,) = page.select("a.orcid")
    assert link["href"] == "https://orcid.org/0000-0001-5109-3700"
    assert link.get_text() == "ORCID 0000-0001-5109-3700"
    assert link["title"] == "ORCID record of Ada Lovelace"
    authors = link.find_parent("dd") or link.find_parent("p")
    assert "Ada Lovelace1 (ORCID 0000-0001-5109-3700), Bob2" in authors.get_text()
    assert "1. Université de Lorraine, Nancy; 2. Inria" in authors.get_text()


def test_author_orcids_reach_the_pdf(tmp_path):
    root = copy_site(tmp_path / "site")
    talk = ORCID_TALK.replace("speakers: [ada]", "speakers: [de-almeida]")
    (root / "abstracts/orcid-talk.md").write_text(talk, encoding="utf-8")
    build = sphinx_build(root, "latex", "-t", "proceedings")
    assert "orcid-talk.md:" not in build.output, build.output  # no warning names it
    tex = next((build.outdir).glob("*.tex")).read_text(encoding="utf-8")
    assert build.returncode == 0, build.output
    # the book's talk details (booklayout.talk_details): a linked ORCID mark after the name (in a box:
    # a name never breaks across lines)
    assert (
        "\\mbox{Ada\u00a0Lovelace}\\textsuperscript{1}\\workshoporcid{0000-0001-5109-3700}, "
        "\\mbox{Bob}\\textsuperscript{2}" in tex
    )


def test_the_contributing_guides_example_reads_as_it_says():
    from conftest import ROOT

    guide = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    example = guide.split("```markdown\n", 1)[1].split("```\n", 1)[0]
    meta, problems = read_talk("jane-doe", example, "abstracts/jane-doe.md")
    assert problems == []
    assert [a.affiliations for a in meta.authors] == [
        ("Université de Lorraine, Nancy", "Inria, Nancy"),
        ("Tsinghua University, Beijing",),
    ]
    # its ORCID is ORCID's own example: fine to show, refused as a contributor's own
    assert [p.message for p in check_placeholders(example, "abstracts/jane-doe.md")] == [
        "ORCID 0000-0002-1825-0097 is the template's example: write your own ORCID, or delete the line"
    ]


@pytest.mark.parametrize("homepage", ["https://", "https://exa mple.org", "https:///path", "http://\\\\evil"])
def test_homepage_passes_the_site_url_policy(homepage):
    page = f'---\naffiliation: Inria\nhomepage: "{homepage}"\n---\n\n# Ada\n'
    _meta, problems = read_speaker("ada", page, "speakers/ada.md")
    assert len(problems) == 1  # '\\' is named: "...address: '\\' (character 8) is not allowed ..."
    assert str(problems[0]).startswith("speakers/ada.md:3: 'homepage' must be an http:// or https:// address")


# --------------------------------------------------------------------------- names (#23)


def author_with(*lines: str, name: str = "Kovács János") -> str:
    body = "".join(f"    {line}\n" for line in lines)
    return f"---\nspeakers: [ada]\nauthors:\n  - name: {name}\n{body}---\n\n# T\n"


def test_an_authors_name_parts_are_read():
    meta, problems = read_talk(
        "alpha",
        author_with("family-name: Kovács", "sort-as: Kovacs Janos", "name-order: Family-First"),
        "a.md",
    )
    assert problems == []
    parts = meta.authors[0].parts
    assert (parts.family, parts.given, parts.sort, parts.order) == (
        "Kovács",
        None,
        "Kovacs Janos",
        "family-first",
    )


def test_a_speakers_name_parts_are_read():
    page = "---\naffiliation: Inria\nfamily-name: Wang\nsort-as: Wang Lei\n---\n\n# Wang Lei (王磊)\n"
    meta, problems = read_speaker("wang", page, "speakers/wang.md")
    assert problems == [] and (meta.parts.family, meta.parts.sort) == ("Wang", "Wang Lei")


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (
            ["family: Kovács"],
            "abstracts/alpha.md:5: unknown key 'family' in an author (did you mean 'family-name'?)",
        ),
        (
            ["family-name: [Kovács]"],
            "abstracts/alpha.md:5: 'family-name' must be a single value, not a list or mapping",
        ),
        (["sort-as:"], "abstracts/alpha.md:5: 'sort-as' is empty: write it, or delete the line"),
        (
            ["name-order: family first"],
            "abstracts/alpha.md:5: unknown name-order 'family first' (did you mean 'family-first'?): write "
            "'name-order: family-first' (Kovács János, 山田 太郎) or 'name-order: given-first' (János Kovács)",
        ),
        (
            ["affiliation: Inria", "family-name: Kovacs"],
            "abstracts/alpha.md:6: family-name 'Kovacs' is not part of the name 'Kovács János': write the "
            "family name as the name writes it (a spelling in Latin letters goes in 'sort-as')",
        ),
        (
            ["family-name: Kovács", "name-order: given-first"],
            "abstracts/alpha.md:6: name-order is given-first, but the name 'Kovács János' starts with its "
            "family name 'Kovács': write 'name-order: family-first'",
        ),
    ],
)
def test_a_wrong_name_part_is_one_line_at_its_line(lines, message):
    assert problems_of(author_with(*lines)) == [message]


def test_a_refused_name_part_is_left_out():
    meta, _problems = read_talk("alpha", author_with("family-name: Kovacs", "sort-as: Kovacs"), "a.md")
    assert (meta.authors[0].parts.family, meta.authors[0].parts.sort) == (None, "Kovacs")


@pytest.mark.parametrize(
    ("key", "meant"), [("surname", "family-name"), ("first_name", "given-name"), ("romanization", "sort-as")]
)
def test_a_speaker_pages_other_word_for_a_name_key_is_pointed_to_it(key, meant):
    page = f"---\naffiliation: Inria\n{key}: Wang\n---\n\n# Wang Lei\n"
    assert [str(p) for p in read_speaker("wang", page, "speakers/wang.md")[1]] == [
        f"speakers/wang.md:3: unknown key '{key}' in a speaker's front matter (did you mean '{meant}'?)"
    ]
    page = "---\naffiliation: Inria\nnickname: Wang\n---\n\n# Wang Lei\n"
    assert [str(p) for p in read_speaker("wang", page, "speakers/wang.md")[1]] == [
        "speakers/wang.md:3: unknown key 'nickname' in a speaker's front matter (allowed: affiliation, "
        "homepage, orcid, photo, family-name, given-name, sort-as, name-order)"
    ]
