"""The contributor-mistakes suite: what a first-time contributor gets wrong, each in its own file
of one project. Every case must give its message at its file:line in the build (a warning: under
-W a failing build), again in a second build with nothing changed, and in `make check`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import ROOT, sphinx_build, write_files
from sphinx_workshop_site.cli import check_project
from sphinx_workshop_site.edition.scaffold import (
    EXAMPLE_ORCID,
    PLACEHOLDER_ABSTRACT,
    PLACEHOLDER_KEYWORDS,
    PLACEHOLDER_TITLE,
)

# Body on line 8; front matter lines 2-3.
TALK = "---\nspeakers: [ada]\nkeywords: [tensors]\n---\n\n# A talk\n\n{body}\n"
SPEAKER = "---\naffiliation: University of Nowhere\n{extra}---\n\n# Someone\n\nBio.\n"
BIB = "@article{{{key},\n  author = {{Doe, Jane}},\n  title = {{A paper}},\n  journal = {{J}},\n  year = {{2020}}{extra}\n}}\n"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415478"
    "9c63f8cfc0000003010100c9fe92ef0000000049454e44ae426082"
)


def talk(body: str = "Text.", front: str = "speakers: [ada]\nkeywords: [tensors]\n") -> str:
    return f"---\n{front}---\n\n# A talk\n\n{body}\n"


# name: ({file: content}, file with the problem, line, message part)
MISTAKES: dict[str, tuple[dict[str, str | bytes], str, int, str]] = {
    # citations
    "natbib's citep": (
        {"abstracts/m-cite.md": talk("See {citep}`k`.")},
        "abstracts/m-cite.md",
        8,
        "role '{citep}' is not allowed in a talk or speaker page (did you mean '{cite:p}'?)",
    ),
    "footcite misspelt": (
        {"abstracts/m-footcit.md": talk("See {footcit}`k`.")},
        "abstracts/m-footcit.md",
        8,
        "did you mean '{footcite}'?",
    ),
    "key not in any bib": (
        {
            "abstracts/m-key.md": talk("One.\nSee {footcite}`doe2020papr`."),
            "abstracts/m-key.bib": BIB.format(key="doe2020paper", extra=""),
        },
        "abstracts/m-key.md",
        9,
        "cited key 'doe2020papr' is in no .bib file (did you mean 'doe2020paper'?)",
    ),
    "Pandoc citation": (
        {"abstracts/m-pandoc.md": talk("As shown [@smith2020; @doe2021].")},
        "abstracts/m-pandoc.md",
        8,
        "'[@smith2020; @doe2021]' is Pandoc's citation, printed as written here: cite with {cite}`smith2020,doe2021`",
    ),
    "LaTeX cite": (
        {"abstracts/m-latexcite.md": talk("As shown in \\cite{x}.")},
        "abstracts/m-latexcite.md",
        8,
        "LaTeX '\\cite{…}' is not read here",
    ),
    # math
    "brace not closed": (
        {"abstracts/m-brace.md": talk("Let $\\frac{a}{b$ be.")},
        "abstracts/m-brace.md",
        8,
        "'{' is not closed",
    ),
    "display math never closed": (
        {"abstracts/m-dollars.md": talk("Text $$ x^2 and more.")},
        "abstracts/m-dollars.md",
        8,
        "unclosed $ or $$",
    ),
    "lone dollar": (
        {"abstracts/m-lonedollar.md": talk("One line.\nThe rank $r of W is small.")},
        "abstracts/m-lonedollar.md",
        9,
        "a lone '$'",
    ),
    "dollars paired wrongly": (
        {
            "abstracts/m-pairing.md": talk(
                "One.\nTwo.\nThe form $W + AB^\\top where $A \\in \\mathbb{R}^{m \\times r}$ and so on."
            )
        },
        "abstracts/m-pairing.md",
        10,
        "a lone '$'",
    ),
    "opening dollar dropped": (
        {"abstracts/m-noopen.md": talk("Let $A$ be.\nThen B \\in \\mathbb{R}^{n \\times r}$ holds.")},
        "abstracts/m-noopen.md",
        9,
        "a lone '$'",
    ),
    "display right after text": (
        {
            "abstracts/m-display.md": talk(
                "The error is bounded by\n$$\n\\|A - A_k\\|_2 = \\sigma_{k+1}\n$$\nwhich is sharp."
            )
        },
        "abstracts/m-display.md",
        9,
        "'$$' on its own line inside a paragraph: a display starts a block of its own: put a blank line before the opening '$$'",
    ),
    "dollar amounts": (
        {"abstracts/m-amounts.md": talk("One.\nIt costs $5 per run and $10 per day.")},
        "abstracts/m-amounts.md",
        9,
        "a lone '$' before '5' (a dollar amount?): write \\$5 for a dollar sign",
    ),
    "indented paragraph": (
        {"abstracts/m-indented.md": talk("Text.\n\n    An indented paragraph that escapes the limit.")},
        "abstracts/m-indented.md",
        10,
        "indented text becomes a code block",
    ),
    "tab-indented paragraph": (
        {"abstracts/m-tabbed.md": talk("Text.\n\n\tA paragraph after a tab.")},
        "abstracts/m-tabbed.md",
        10,
        "remove the indentation (or fence real code with ```)",
    ),
    "def": (
        {"abstracts/m-def.md": talk("Let $\\def\\R{x} y$.")},
        "abstracts/m-def.md",
        8,
        "'\\def' is not allowed in math: it defines commands by TeX's own rules: write \\newcommand",
    ),
    "math command misspelt": (
        {"abstracts/m-alpah.md": talk("Let $\\alpah$ be.")},
        "abstracts/m-alpah.md",
        8,
        "did you mean '\\alpha'?",
    ),
    "eps abbreviated": (
        {"abstracts/m-eps.md": talk("Let $\\eps > 0$.")},
        "abstracts/m-eps.md",
        8,
        "'\\eps' is not allowed in math (write \\epsilon or \\varepsilon)",
    ),
    "href in math": (
        {"abstracts/m-href.md": talk("Let $\\href{https://x.org}{y}$.")},
        "abstracts/m-href.md",
        8,
        "'\\href' is not allowed in math",
    ),
    "left without right": (
        {"abstracts/m-left.md": talk("Let $\\left( a$.")},
        "abstracts/m-left.md",
        8,
        "'\\left' has no matching '\\right'",
    ),
    # title and structure
    "no title": (
        {"abstracts/m-notitle.md": "---\nspeakers: [ada]\n---\n\nJust text.\n"},
        "abstracts/m-notitle.md",
        4,
        "the talk page has no title",
    ),
    "only a ## heading": (
        {"abstracts/m-h2.md": "---\nspeakers: [ada]\n---\n\n## A talk\n\nText.\n"},
        "abstracts/m-h2.md",
        4,
        "the talk page has no title",
    ),
    "two titles": (
        {"abstracts/m-twotitles.md": talk("# Another title\n\nText.")},
        "abstracts/m-twotitles.md",
        8,
        "the page has a second '# ' title",
    ),
    "heading level jump": (
        {"abstracts/m-jump.md": talk("### Deep\n\nText.")},
        "abstracts/m-jump.md",
        8,
        "Non-consecutive header level increase",
    ),
    "TODO left": (
        {"abstracts/m-todo.md": talk("% TODO write the abstract\n\nText.")},
        "abstracts/m-todo.md",
        8,
        "'% TODO' line",
    ),
    "placeholder title": (
        {"abstracts/m-phtitle.md": talk().replace("# A talk", f"# {PLACEHOLDER_TITLE}")},
        "abstracts/m-phtitle.md",
        6,
        "the title is still the template's placeholder",
    ),
    "placeholder abstract": (
        {"abstracts/m-phabstract.md": talk(PLACEHOLDER_ABSTRACT + ".")},
        "abstracts/m-phabstract.md",
        8,
        "the abstract is still the template's placeholder",
    ),
    "placeholder keyword": (
        {"abstracts/m-phkeyword.md": talk(front=f"speakers: [ada]\nkeywords: [{PLACEHOLDER_KEYWORDS[0]}]\n")},
        "abstracts/m-phkeyword.md",
        3,
        "is the template's placeholder",
    ),
    "word limit over two sections": (
        {"abstracts/m-words.md": talk("word " * 200 + "\n\n## More\n\n" + "word " * 150)},
        "abstracts/m-words.md",
        12,
        "the abstract has 351 words, more than the limit of 300",
    ),
    "undefined footnote": (
        {"abstracts/m-footnote.md": talk("Text[^nope].")},
        "abstracts/m-footnote.md",
        8,
        "nope",
    ),
    "link to a missing page": (
        {"abstracts/m-doc.md": talk("See {doc}`nowhere`.")},
        "abstracts/m-doc.md",
        8,
        "unknown document",
    ),
    # what a talk page may hold
    "raw HTML": (
        {"abstracts/m-html.md": talk("<b>bold</b>")},
        "abstracts/m-html.md",
        8,
        "raw HTML is not allowed",
    ),
    "include": (
        {"abstracts/m-include.md": talk("```{include} ../conf.py\n```")},
        "abstracts/m-include.md",
        8,
        "directive '{include}' is not allowed",
    ),
    "eval-rst": (
        {"abstracts/m-evalrst.md": talk("```{eval-rst}\n*x*\n```")},
        "abstracts/m-evalrst.md",
        8,
        "'{eval-rst}' is not allowed",
    ),
    "javascript link": (
        {"abstracts/m-jslink.md": talk("[x](javascript:alert(1))")},
        "abstracts/m-jslink.md",
        8,
        "a script or data address is not allowed",
    ),
    "link to a file": (
        {"abstracts/m-filelink.md": talk("[conf](../conf.py)")},
        "abstracts/m-filelink.md",
        8,
        "a link to the file '../conf.py' is not allowed",
    ),
    "image of another file": (
        {"abstracts/m-img.md": talk("![x](../speakers/ada.md)")},
        "abstracts/m-img.md",
        8,
        "is not one of your files",
    ),
    "image missing": (
        {"abstracts/m-imgmissing.md": talk("![x](m-imgmissing-plot.png)")},
        "abstracts/m-imgmissing.md",
        8,
        "does not exist",
    ),
    "image that is not a PNG": (
        {
            "abstracts/m-imgfake.md": talk("![x](m-imgfake-plot.png)"),
            "abstracts/m-imgfake-plot.png": b"GIF89a not a png",
        },
        "abstracts/m-imgfake.md",
        8,
        "is a GIF file: convert it to PNG or JPEG",
    ),
    "JPEG named .png": (
        {
            "abstracts/m-imgjpeg.md": talk("![x](m-imgjpeg-plot.png)"),
            "abstracts/m-imgjpeg-plot.png": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
        },
        "abstracts/m-imgjpeg.md",
        8,
        "is a JPEG file, not PNG: name it abstracts/m-imgjpeg-plot.jpg",
    ),
    "image of no known format": (
        {
            "abstracts/m-imgjunk.md": talk("![x](m-imgjunk-plot.jpg)"),
            "abstracts/m-imgjunk-plot.jpg": b"just some text",
        },
        "abstracts/m-imgjunk.md",
        8,
        "is not a JPEG file (its content says otherwise): save it as PNG or JPEG",
    ),
    "image name in capitals": (
        {"abstracts/m-imgname.md": talk("![x](m-imgname-Plot.png)"), "abstracts/m-imgname-Plot.png": PNG},
        "abstracts/m-imgname.md",
        8,
        "must be lower-case letters",
    ),
    # front matter
    "no space after #": (
        {"abstracts/m-nospace.md": "---\nspeakers: [ada]\n---\n\n#A talk\n\nText.\n"},
        "abstracts/m-nospace.md",
        5,
        "'#A talk' is not a title: Markdown needs a space after '#' (write '# A talk')",
    ),
    "colon in a value": (
        {"speakers/m-colon.md": "---\naffiliation: Inria: Lyon\n---\n\n# Someone\n\nBio.\n"},
        "speakers/m-colon.md",
        2,
        "the value of 'affiliation' holds ': ', which YAML reads as a new key: put the value in quotes, affiliation: \"Inria: Lyon\"",
    ),
    "misspelt key": (
        {"abstracts/m-keywrods.md": talk(front="speakers: [ada]\nkeywrods: [x]\n")},
        "abstracts/m-keywrods.md",
        3,
        "did you mean 'keywords'?",
    ),
    "no speakers": (
        {"abstracts/m-nospeakers.md": talk(front="speakers: []\n")},
        "abstracts/m-nospeakers.md",
        2,
        "'speakers' is empty",
    ),
    "unknown speaker": (
        {"abstracts/m-unknownspeaker.md": talk(front="speakers: [adaa]\n")},
        "abstracts/m-unknownspeaker.md",
        2,
        "unknown speaker 'adaa' (did you mean 'ada'?)",
    ),
    "front matter never closed": (
        {"abstracts/m-unclosed.md": "---\nspeakers: [ada]\n\n# A talk\n\nText.\n"},
        "abstracts/m-unclosed.md",
        1,
        "is never closed",
    ),
    "tab in front matter": (
        {"abstracts/m-tab.md": talk(front="speakers: [ada]\n\tkeywords: [x]\n")},
        "abstracts/m-tab.md",
        3,
        "indent with spaces, not tabs",
    ),
    "type given as a list": (
        {"abstracts/m-typelist.md": talk(front="speakers: [ada]\ntype: [poster]\nposter: m-typelist.pdf\n")},
        "abstracts/m-typelist.md",
        3,
        "'type' must be a single value",
    ),
    "misspelt key on a poster": (
        {"abstracts/m-pkeywrods.md": talk(front="type: poster\nspeakers: [ada]\nkeywrods: [x]\n")},
        "abstracts/m-pkeywrods.md",
        4,
        "unknown key 'keywrods' in a poster's front matter",
    ),
    "poster without title": (
        {"abstracts/m-pnotitle.md": "---\ntype: poster\nspeakers: [ada]\n---\n\nJust text.\n"},
        "abstracts/m-pnotitle.md",
        5,
        "the poster page has no title: start its body with '# <poster title>'",
    ),
    "key not in any bib, on a poster": (
        {"abstracts/m-pkey.md": talk("See {footcite}`nokeyatall`.", front="type: poster\nspeakers: [ada]\n")},
        "abstracts/m-pkey.md",
        8,
        "add the entry to the poster's .bib file",
    ),
    "placeholder keyword on a poster": (
        {
            "abstracts/m-pphkeyword.md": talk(
                front=f"type: poster\nspeakers: [ada]\nkeywords: [{PLACEHOLDER_KEYWORDS[0]}]\n"
            )
        },
        "abstracts/m-pphkeyword.md",
        4,
        "write your poster's keywords",
    ),
    "myst key": (
        {"abstracts/m-myst.md": talk(front="speakers: [ada]\nmyst:\n  html_meta:\n    description: x\n")},
        "abstracts/m-myst.md",
        3,
        "the 'myst' key is not allowed",
    ),
    "YAML alias": (
        {"abstracts/m-alias.md": talk(front="speakers: &s [ada]\nkeywords: *s\n")},
        "abstracts/m-alias.md",
        2,
        "YAML anchors and aliases",
    ),
    "affiliation split in two": (
        {
            "abstracts/m-aff.md": talk(
                front="speakers: [ada]\nauthors:\n  - name: Ada Lovelace\n    affiliations: [Université de Lorraine, Nancy]\n"
            )
        },
        "abstracts/m-aff.md",
        5,
        "affiliation 'Nancy' names a place, not an institution: YAML split the affiliation at its comma; quote it: \"Université de Lorraine, Nancy\"",
    ),
    "speaker affiliation split in two": (
        {
            "speakers/m-kth.md": SPEAKER.replace(
                "University of Nowhere", "[KTH Royal Institute of Technology, Stockholm]"
            ).format(extra="")
        },
        "speakers/m-kth.md",
        2,
        'quote it: affiliation: "KTH Royal Institute of Technology, Stockholm"',
    ),
    "ORCID check digit": (
        {
            "abstracts/m-orcid.md": talk(
                front="speakers: [ada]\nauthors:\n  - name: Ada Lovelace\n    orcid: 0000-0002-1825-0098\n"
            )
        },
        "abstracts/m-orcid.md",
        5,
        "has a wrong check digit",
    ),
    "author without name": (
        {
            "abstracts/m-noname.md": talk(
                front='speakers: [ada]\nauthors:\n  - affiliations: ["Inria, Nancy"]\n'
            )
        },
        "abstracts/m-noname.md",
        4,
        "the author has no 'name'",
    ),
    "control character in a keyword": (
        {"abstracts/m-control.md": talk(front='speakers: [ada]\nkeywords: ["a\\x07b"]\n')},
        "abstracts/m-control.md",
        3,
        "control character (U+0007)",
    ),
    "file name with capitals": (
        {"abstracts/M_Talk.md": talk()},
        "abstracts/M_Talk.md",
        1,
        "must be lower-case letters, digits and '-'",
    ),
    "page not UTF-8": (
        {"abstracts/m-latin1.md": talk("Caf\xe9.").encode("latin-1")},
        "abstracts/m-latin1.md",
        8,
        "is not UTF-8",
    ),
    # speaker pages
    "speaker without affiliation": (
        {"speakers/m-noaff.md": "---\nhomepage: https://example.org/m\n---\n\n# Someone\n"},
        "speakers/m-noaff.md",
        2,
        "the speaker has no 'affiliation'",
    ),
    "homepage without https": (
        {"speakers/m-home.md": SPEAKER.format(extra="homepage: www.example.org\n")},
        "speakers/m-home.md",
        3,
        "'homepage' must be an http:// or https:// address",
    ),
    "example ORCID": (
        {"speakers/m-exorcid.md": SPEAKER.format(extra=f"orcid: {EXAMPLE_ORCID}\n")},
        "speakers/m-exorcid.md",
        3,
        "is the template's example",
    ),
    # bib files
    "bib preamble": (
        {"abstracts/m-pre.bib": '@preamble{"\\input{x}"}\n'},
        "abstracts/m-pre.bib",
        1,
        "@preamble",
    ),
    "bib entry type misspelt": (
        {"abstracts/m-type.bib": BIB.format(key="typekey", extra="").replace("@article", "@artcle")},
        "abstracts/m-type.bib",
        1,
        "did you mean 'article'?",
    ),
    "bib comma missing": (
        {
            "abstracts/m-comma.md": talk("See {footcite}`commakey`.\n\n```{footbibliography}\n```"),
            "abstracts/m-comma.bib": BIB.format(key="commakey", extra="").replace("{A paper},", "{A paper}"),
        },
        "abstracts/m-comma.bib",
        3,
        "a comma is missing at the end of line 3?",
    ),
    "cited key, own bib broken": (
        {
            "abstracts/m-brokenbib.md": talk("See {footcite}`elsewhere`."),
            "abstracts/m-brokenbib.bib": "@article{brokenkey,\n  title = {A}\n  year = {2020}\n}\n",
        },
        "abstracts/m-brokenbib.md",
        8,
        "cited key 'elsewhere' is in no .bib file that could be read: abstracts/m-brokenbib.bib has an error",
    ),
    "bib DOI not a DOI": (
        {"abstracts/m-doi.bib": BIB.format(key="doikey", extra=",\n  doi = {not a doi}")},
        "abstracts/m-doi.bib",
        6,
        "is not a DOI",
    ),
    "bib script url": (
        {"abstracts/m-url.bib": BIB.format(key="urlkey", extra=",\n  url = {javascript:alert(1)}")},
        "abstracts/m-url.bib",
        6,
        "'javascript:' addresses are not allowed",
    ),
}


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> dict[str, list[str]]:
    """One project with every mistake, built twice and checked: the output lines of each run."""
    root = tmp_path_factory.mktemp("mistakes") / "site"
    shutil.copytree(ROOT / "tests/roots/test-schedule", root)
    conf = root / "conf.py"  # the real site's MyST extensions
    conf.write_text(
        conf.read_text().replace(
            'myst_enable_extensions = ["dollarmath"]',
            'myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist", "attrs_inline"]',
        )
    )
    for files, *_ in MISTAKES.values():
        write_files(root, files)
    first, second = sphinx_build(root), sphinx_build(root)
    assert first.returncode and second.returncode
    return {
        "build": first.output.splitlines(),
        "second build": second.output.splitlines(),
        "check": [str(p) for p in check_project(root)],
        "tracebacks": [first.output.count("Traceback") + second.output.count("Traceback")],
    }


# A mistake gives its own message, and not these knock-on ones: (file, what must not be said).
NO_KNOCK_ON = {
    "type given as a list": ("abstracts/m-typelist.md", "is for posters"),
    "prose check after a lone dollar": ("abstracts/m-pairing.md", "looks like text"),
    "cited key of a refused entry": ("abstracts/m-comma.md", "cited key"),
}


@pytest.mark.parametrize("case", sorted(NO_KNOCK_ON))
def test_no_knock_on_message(project, case):
    file, message = NO_KNOCK_ON[case]
    for run in ("build", "check"):
        said = [out for out in project[run] if file in out and message in out]
        assert not said, said


def test_the_suite_is_large_enough():
    assert len(MISTAKES) >= 40


def test_no_traceback(project):
    assert project["tracebacks"] == [0]


@pytest.mark.parametrize("run", ["build", "second build", "check"])
@pytest.mark.parametrize("case", sorted(MISTAKES))
def test_mistake_is_located(project, run, case):
    _files, file, line, message = MISTAKES[case]
    located = [out for out in project[run] if Path(out.split(":", 1)[0]).as_posix().endswith(file)]
    at_line = [out for out in located if out.split(":", 2)[1:2] == [str(line)] and message in out]
    assert at_line, "\n".join(located) or f"nothing about {file}"
