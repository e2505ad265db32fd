"""Hostile contributor content: every rule is an error at file:line, in the build and in make
check; organizer pages are free; every output escapes text."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import icalendar
import pytest
from bs4 import BeautifulSoup
from conftest import ROOT, Batch, build_batch, copy_site, sphinx_build, write_files

TALK = "---\nspeakers: [ada]\n---\n\n# A talk\n\n{body}\n"
# A 1x1 PNG: images are checked by their content.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415478"
    "9c63f8cfc0000003010100c9fe92ef0000000049454e44ae426082"
)

RULES = {
    # name: (body, line in the file, message part)
    "html block": ("<div onclick='x()'>hi</div>", 7, "raw HTML is not allowed"),
    "html comment": ("<!-- hidden -->", 7, "raw HTML is not allowed"),
    "inline html": ("Text <img src=x onerror=alert(1)> here.", 7, "raw HTML is not allowed"),
    "raw directive": ("```{raw} html\n<script>alert(1)</script>\n```", 7, "directive '{raw}' is not allowed"),
    "include": ("```{include} ../conf.py\n```", 7, "directive '{include}' is not allowed"),
    "literalinclude": (
        "```{literalinclude} /etc/passwd\n```",
        7,
        "directive '{literalinclude}' is not allowed",
    ),
    "eval-rst": (
        "```{eval-rst}\n.. raw:: html\n\n   <b>x</b>\n```",
        7,
        "directive '{eval-rst}' is not allowed",
    ),
    "csv-table file": (
        "```{csv-table}\n:file: /etc/passwd\n```",
        7,
        "directive '{csv-table}' is not allowed",
    ),
    "raw in a note": (":::{note}\nFine text.\n\n<b>bold</b>\n:::", 10, "raw HTML is not allowed"),
    "raw role": ("Some {raw}`<b>x</b>` text.", 7, "role '{raw}' is not allowed"),
    "download role": ("Get {download}`../conf.py`.", 7, "role '{download}' is not allowed"),
    "javascript link": ("[click](javascript:alert(1))", 7, "a script or data address is not allowed"),
    "data link": ("<data:text/html;base64,PHNjcmlwdD4=>", 7, "a script or data address is not allowed"),
    "image outside": ("![x](../speakers/ada.md)", 7, "is not one of your files"),
    "image far outside": ("![x](../../../etc/passwd)", 7, "is not one of your files"),
    "remote image": ("![x](https://tracker.example.com/pixel.png)", 7, "not an address"),
    "figure outside": ("```{figure} ../_static/logo.svg\n```", 7, "is not one of your files"),
}

FRONT_MATTER = {
    "myst substitutions": (
        '---\nspeakers: [ada]\nmyst:\n  substitutions:\n    x: "{{ env.config }}"\n---\n\n# T\n\nText.\n',
        3,
        "the 'myst' key is not allowed",
    ),
}


def _cases():
    for name, (body, line, message) in RULES.items():
        yield name, "abstracts/alpha.md", TALK.format(body=body), line, message
    for name, (content, line, message) in FRONT_MATTER.items():
        yield name, "abstracts/alpha.md", content, line, message
    yield (
        "speaker photo outside",
        "speakers/ada.md",
        "---\naffiliation: X\nphoto: ../abstracts/alpha.md\n---\n\n# Ada Lovelace\n",
        1,
        "is not one of your files",
    )
    yield (
        "data homepage",
        "speakers/ada.md",
        '---\naffiliation: X\nhomepage: "data:text/html,<script>alert(1)</script>"\n---\n\n# Ada Lovelace\n',
        3,
        "'homepage' must be an http:// or https:// address",
    )


CASES = {case[0]: case[1:] for case in _cases()}


def own_file(case: str) -> str:
    """The case's page under an id of its own ("sr-<case>"), in the folder of the page it edits:
    the cases are built together."""
    folder = CASES[case][0].split("/")[0]
    return f"{folder}/sr-{re.sub(r'[^a-z0-9]+', '-', case.lower()).strip('-')}.md"


@pytest.fixture(scope="module")
def rules(tmp_path_factory) -> Batch:
    """Every rule's case in one project, built once (as make html) and checked once (make check)."""
    root = tmp_path_factory.mktemp("rules") / "schedule"
    shutil.copytree(ROOT / "tests/roots/test-schedule", root)
    write_files(root, {own_file(case): CASES[case][1] for case in CASES})
    return build_batch(root)


@pytest.mark.parametrize("case", sorted(CASES))
def test_content_rule(rules, case):
    _file, _content, line, message = CASES[case]
    file = own_file(case)
    assert any(
        w.startswith(f"{file}:{line}: WARNING: ") and message in w and "[workshop." in w
        for w in rules.about(file)
    ), "\n".join(rules.about(file)) or rules.build.output[-3000:]
    assert "Traceback" not in rules.build.output
    problems = rules.check
    assert any(p.startswith(f"{file}:{line}: ") and message in p for p in problems), problems


def test_the_rules_built_together_say_nothing_else(rules):
    """No case's message lands on another page, no traceback: the cases did not interfere."""
    assert rules.unexpected({own_file(case) for case in CASES}) == []
    assert "Traceback" not in rules.build.output


def test_no_raw_output_even_without_warnings_as_errors(build_root):
    """A build without -W still says no at the line and publishes the page, its text and not the
    raw HTML (the gate refuses the directive; the doctree check and htmlverify stand behind it)."""
    body = "Before the raw block.\n\n```{raw} html\n<script>alert(1)</script>\n```\n\nAfter the raw block."
    app, warnings = build_root("schedule", {"abstracts/alpha.md": TALK.format(body=body)})
    assert "abstracts/alpha.md:9: WARNING: directive '{raw}' is not allowed" in warnings, warnings
    page = BeautifulSoup((Path(app.outdir) / "abstracts/alpha.html").read_text(), "html.parser")
    article = page.select_one("div.body section")  # the talk as the reader gets it
    assert article.h1.get_text().strip("¶") == "A talk"
    paragraphs = [p.get_text() for p in article.find_all("p", recursive=False)]
    assert paragraphs == ["Before the raw block.", "After the raw block."]
    assert not article.find_all("script")
    assert "alert(1)" not in str(page)


COLON_CONF = (ROOT / "tests/roots/test-schedule/conf.py").read_text() + (
    'myst_enable_extensions = ["dollarmath", "colon_fence"]\n'
)
ORGANIZER_PAGE = (
    '# Programme\n\n<div class="note">Organizers may write HTML.</div>\n\n```{schedule} schedule.yaml\n```\n'
)
ALLOWED_BODY = (
    ":::{note}\nA note with $x$ and H{sub}`2`O.\n:::\n\n```{math}\nx^2\n```\n\n```python\nprint('<b>')\n```\n\n"
    "[a link](https://example.org) and ![figure](alpha-figure.png)"
)


@pytest.fixture(scope="module")
def allowed(tmp_path_factory) -> Batch:
    """What may be written, built and checked once: an organizer's page with HTML, a talk with
    what a contributor may write (the colon fences of the site's conf.py)."""
    root = tmp_path_factory.mktemp("allowed") / "schedule"
    shutil.copytree(ROOT / "tests/roots/test-schedule", root)
    write_files(
        root,
        {
            "program/index.md": ORGANIZER_PAGE,
            "abstracts/alpha.md": TALK.format(body=ALLOWED_BODY),
            "abstracts/alpha-figure.png": PNG,
            "conf.py": COLON_CONF,
        },
    )
    return build_batch(root)


def test_what_may_be_written_builds_without_a_word(allowed):
    assert allowed.build.returncode == 0, allowed.build.output[-3000:]
    assert "WARNING" not in allowed.build.output, allowed.build.output
    assert allowed.check == []


def test_organizer_pages_are_not_restricted(allowed):
    assert allowed.about("program/index.md") == []
    assert (
        '<div class="note">Organizers may write HTML.</div>'
        in (allowed.build.outdir / "program/index.html").read_text()
    )


def test_allowed_content_passes(allowed):
    """What a contributor may write builds without a word and reaches the reader whole: a note
    (colon fence, as on the site) with math and a subscript, a display equation, code shown as
    code, a link, an image of their own."""
    assert allowed.about("abstracts/alpha.md") == [] and allowed.about("abstracts/alpha-figure.png") == []
    assert not [p for p in allowed.check if p.startswith("abstracts/alpha")]
    page = BeautifulSoup((allowed.build.outdir / "abstracts/alpha.html").read_text(), "html.parser")
    article = page.select_one("div.body section")  # the talk as the reader gets it
    note = article.select_one("div.admonition.note")
    assert note.select_one("p.admonition-title").get_text() == "Note"
    assert note.select_one("span.math").get_text() == "\\(x\\)"
    assert note.sub.get_text() == "2" and "H2O." in note.get_text()
    assert article.select_one("div.math").get_text().strip() == "\\[x^2\\]"
    assert article.select_one("div.highlight-python pre").get_text() == "print('<b>')\n"
    assert not article.find("b")  # the code is shown, not run as HTML
    assert article.find("a", href="https://example.org").get_text() == "a link"
    image = article.find("img", alt="figure")
    assert (allowed.build.outdir / "abstracts" / image["src"]).read_bytes() == PNG


# --------------------------------------------------------------------------- escaping

HOSTILE_TITLE = '<script>alert(1)</script> & "quotes" $x_1$ % # { } \\ ~ ^ _'
HOSTILE_SOURCE = r'\<script>alert(1)\</script> & "quotes" $x_1$ % # { } \\ ~ ^ _'
LITERAL = '<script>alert(1)</script> & "quotes" x_1 % # { } \\ ~ ^ _'


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    root = copy_site(tmp_path_factory.mktemp("hostile"))
    text = (root / "abstracts/cohen.md").read_text()
    (root / "abstracts/cohen.md").write_text(
        re.sub(r"^# .+$", f"# {HOSTILE_SOURCE}", text, count=1, flags=re.M)
    )
    build = sphinx_build(root)
    assert build.returncode == 0, build.output[-3000:]
    return build


def test_hostile_title_is_literal_in_html(hostile_site):
    for page in hostile_site.outdir.rglob("*.html"):
        assert "<script>alert(1)</script>" not in page.read_text(), page
    page = BeautifulSoup(hostile_site.page("abstracts/cohen.html"), "html.parser")
    assert page.select_one("#jb-print-docs-body h1").get_text() == LITERAL  # the theme's print header
    h1 = page.select_one("article section h1")
    assert h1.select_one("span.math")  # math stays math
    assert h1.get_text().replace("\\(x_1\\)", "x_1").strip("¶# ") == LITERAL
    row = BeautifulSoup(hostile_site.page("program/index.html"), "html.parser").find(
        "a", href="../abstracts/cohen.html"
    )
    assert row.get_text().replace("\\(x_1\\)", "x_1") == LITERAL


def test_hostile_title_in_calendar_and_frab(hostile_site):
    cal = icalendar.Calendar.from_ical((hostile_site.outdir / "program.ics").read_bytes())
    assert LITERAL in [str(e["summary"]) for e in cal.walk("VEVENT")]
    from lxml import etree

    titles = [e.text for e in etree.parse(str(hostile_site.outdir / "schedule.xml")).iter("title")]
    assert LITERAL in titles
    data = json.loads(hostile_site.page("schedule.json"))
    events = [e for d in data["schedule"]["conference"]["days"] for r in d["rooms"].values() for e in r]
    assert LITERAL in [e["title"] for e in events]


def test_hostile_title_in_json_ld(hostile_site):
    for page in ("index.html", "abstracts/cohen.html"):
        script = BeautifulSoup(hostile_site.page(page), "html.parser").find(
            "script", type="application/ld+json"
        )
        assert "</script" not in script.string and "<script" not in script.string
        data = json.loads(script.string)
        names = [data["name"]] + [e["name"] for e in data.get("subEvent", [])]
        assert LITERAL in names


def test_hostile_title_in_meta_tags(hostile_site):
    head = BeautifulSoup(hostile_site.page("abstracts/cohen.html"), "html.parser").head
    assert head.find("meta", property="og:title")["content"] == LITERAL
