"""Budgets per contributor page (budgets.py): headings, footnotes, formulas, characters, the
longest paragraph, combining marks on one character, image pixels and bytes. Each is accepted at
its limit and refused one past it, at the line where it is passed, with a message that names the
limit; real scripts pass the combining-marks budget; one shared build shows an over-budget page
refused at its line (emptied at source-read, before MyST parses it) while the rest builds."""

from __future__ import annotations

import struct
import unicodedata
import zlib
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import ROOT
from hostile_payloads import Case, speaker, talk
from sphinx_workshop_site.gate import budgets, imagefile
from sphinx_workshop_site.gate.budgets import (
    MAX_BLOCK_CHARS,
    MAX_COMBINING_MARKS,
    MAX_FOOTNOTES,
    MAX_FORMULAS,
    MAX_HEADINGS,
    MAX_IMAGE_PIXELS,
    MAX_PAGE_CHARS,
    MAX_PAGE_IMAGE_BYTES,
    MAX_PAGE_IMAGE_PIXELS,
)
from sphinx_workshop_site.gate.content import check_size
from test_hostile import assert_located, assert_sound, build, make_project

BODY = 7  # talk(): '---', front matter, '---', '', '# title', '', body


def problems(text: str) -> list[tuple[int, str]]:
    return [(p.line, p.message) for p in check_size(text, "abstracts/x.md")]


def refused_at(text: str, line: int, *parts: str) -> None:
    found = problems(text)
    assert len(found) == 1, found
    assert found[0][0] == line, found
    for part in parts:
        assert part in found[0][1], found


# -- headings ------------------------------------------------------------------------------------
def test_headings_at_the_limit_are_accepted():
    # the title is heading 1
    assert problems(talk("".join(f"## Part {i}\n\ntext\n\n" for i in range(MAX_HEADINGS - 1)))) == []


def test_one_heading_over_the_limit_is_refused_at_its_line():
    body = "".join(f"## Part {i}\n\ntext\n\n" for i in range(MAX_HEADINGS))
    refused_at(
        talk(body), BODY + 4 * (MAX_HEADINGS - 1), f"more than {MAX_HEADINGS} headings", "merge sections"
    )


@pytest.mark.parametrize(
    "heading",
    ["## -", "> ## -", "- ## -", "1. ## -", "   ###### -", "text\n===", "text\n---", "> text\n> ---"],
)
def test_headings_are_counted_however_they_are_written(heading):
    """In a quote, in a list, underlined: every way MyST makes a heading is counted."""
    found = problems(talk("\n\n".join([heading] * MAX_HEADINGS)))
    assert [message for _, message in found if "headings" in message], found


def test_the_heading_attack_is_refused_before_any_parser():
    """199 kB of '## -' kept `make html` running over 15 minutes: the raw text's check refuses
    it at heading 101 (the title is heading 1), and says nothing else about the page."""
    page = talk("## -\n" * (199_000 // 5))
    assert len(page) < MAX_PAGE_CHARS
    refused_at(page, BODY + MAX_HEADINGS - 1, f"at most {MAX_HEADINGS} on a page")


def test_front_matter_is_not_counted():
    front = "speakers: [ada]\n" + "# a comment\n" * 200
    assert problems(talk("Text.", front=front)) == []


# -- footnotes -----------------------------------------------------------------------------------
def footnotes(n: int) -> str:
    return "".join(f"Text[^n{i}].\n\n" for i in range(n)) + "".join(f"[^n{i}]: A note.\n" for i in range(n))


def test_footnotes_at_the_limit_are_accepted():
    assert problems(talk(footnotes(MAX_FOOTNOTES))) == []


def test_one_footnote_over_the_limit_is_refused_at_its_line():
    """201 notes, each cited once: the 201st reference and the 201st definition, at their lines."""
    n = MAX_FOOTNOTES + 1
    found = problems(talk(footnotes(n)))
    assert [(line, message.split(" (")[0]) for line, message in found] == [
        (BODY + 2 * n + MAX_FOOTNOTES, f"the page has more than {MAX_FOOTNOTES} footnotes"),
        (BODY + 2 * MAX_FOOTNOTES, f"the page has more than {MAX_FOOTNOTES} footnote references"),
    ]


def test_references_past_the_limit_are_refused_without_definitions():
    refused_at(talk("See [^a].\n" * (MAX_FOOTNOTES + 1)), BODY + MAX_FOOTNOTES, "footnote references")


# -- formulas ------------------------------------------------------------------------------------
def test_formulas_at_the_limit_are_accepted():
    half = MAX_FORMULAS // 2
    body = "$x_i$ and\n" * half + "\n$$\ny^2\n$$\n" * (MAX_FORMULAS - half)
    assert problems(talk(body)) == []


@pytest.mark.parametrize("formula", ["$x$", "{math}`x`", "$$x$$"])
def test_one_formula_over_the_limit_is_refused_at_its_line(formula):
    body = f"{formula} and\n\n" * (MAX_FORMULAS + 1)
    refused_at(talk(body), BODY + 2 * MAX_FORMULAS, f"more than {MAX_FORMULAS:,} formulas", "put fewer")


def test_amsmath_blocks_are_formulas():
    body = "\\begin{align}\nx\n\\end{align}\n\n" * (MAX_FORMULAS + 1)
    refused_at(talk(body), BODY + 4 * MAX_FORMULAS, "formulas")


# -- characters ----------------------------------------------------------------------------------
def test_a_page_at_the_character_limit_is_accepted():
    page = talk("")
    page += ("word " * 19 + "word\n\n") * ((MAX_PAGE_CHARS - len(page)) // 101)
    page += "w" * (MAX_PAGE_CHARS - len(page))
    assert len(page) == MAX_PAGE_CHARS
    assert problems(page) == []


def test_a_page_over_the_character_limit_is_refused_at_line_one():
    refused_at("x\n\n" * (MAX_PAGE_CHARS // 3) + "xyz", 1, f"over the limit of {MAX_PAGE_CHARS:,}")


# -- the longest paragraph (one line of the book's .tex) ------------------------------------------
def test_a_paragraph_at_the_limit_is_accepted():
    paragraph = ("word " * 199 + "word\n") * (MAX_BLOCK_CHARS // 1000)
    assert len(paragraph) == MAX_BLOCK_CHARS
    assert problems(talk("Before.\n\n" + paragraph.rstrip("\n") + "\n\nAfter.")) == []


def test_a_paragraph_over_the_limit_is_refused_at_its_first_line():
    paragraph = "word " * (MAX_BLOCK_CHARS // 5) + "x"
    refused_at(talk("Before.\n\n" + paragraph), BODY + 2, f"at most {MAX_BLOCK_CHARS:,}", "blank lines")


def test_a_paragraph_of_one_line_is_refused():
    refused_at(talk("\\" * (MAX_BLOCK_CHARS + 1)), BODY, "paragraph")


def test_a_list_is_one_paragraph_per_item():
    items = "".join(f"- Item {i}: " + "word " * 30 + "\n" for i in range(200))
    assert len(items) > 3 * MAX_BLOCK_CHARS
    assert problems(talk(items)) == []


def test_lines_that_continue_a_paragraph_are_counted_in_it():
    """'2. x' cannot start a list inside a paragraph, an indented '- x' neither: still one paragraph."""
    for line in ("2. " + "word " * 30 + "\n", "    - " + "word " * 30 + "\n"):
        body = "Start\n" + line * (MAX_BLOCK_CHARS // len(line) + 1)
        assert "paragraph" in " ".join(m for _, m in problems(talk(body))), line


# -- combining marks -----------------------------------------------------------------------------
REAL_SCRIPTS = {
    "Vietnamese": "Tiếng Việt có dấu: Nguyễn, người, được, ở đây, Hồ Chí Minh",
    "Devanagari": "संस्कृतम् क्षत्रिय हिन्दी कूँ ज्ञान",
    "Thai": "ภาษาไทย ก็ ที่ นี้ กี่ ปี่ น้ำ",
    "Hebrew with niqqud and cantillation": "בְּרֵאשִׁ֖ית בָּרָ֣א אֱלֹהִ֑ים אֵ֥ת הַשָּׁמַ֖יִם וְאֵ֥ת הָאָֽרֶץ",
    "Arabic with harakat": "بِسْمِ ٱللَّٰهِ ٱلرَّحْمَٰنِ ٱلرَّحِيمِ",
    "Tibetan": "བསྒྲུབས། ཧཱུྃ",
    "Burmese": "မြန်မာဘာသာ သင်္ချိုင်း",
    "IPA": "[ɐ̃̀ː] [ə̃̈]",
    "emoji": "1️⃣ ❤️‍🔥 👨‍👩‍👧‍👦",
}


@pytest.mark.parametrize("form", ["NFC", "NFD"])
@pytest.mark.parametrize("script", list(REAL_SCRIPTS))
def test_real_scripts_are_accepted(script, form):
    text = unicodedata.normalize(form, REAL_SCRIPTS[script])
    assert problems(talk(f"{text}\n\n$x$ and {text}", title=text)) == []


def test_combining_marks_at_the_limit_are_accepted():
    assert problems(talk("Zalgo: e" + "\u0301" * MAX_COMBINING_MARKS + ".")) == []


def test_one_mark_over_the_limit_is_refused_at_its_line():
    refused_at(
        talk("Line.\nZalgo: e" + "\u0301\u0316" * 160 + "\u0301."),
        BODY + 1,
        f"has 321 combining marks on one character (column 8; at most {MAX_COMBINING_MARKS})",
    )


def test_marks_in_the_title_are_refused_at_the_title():
    refused_at(talk("Text.", title="T" + "\u0361" * 500), 5, "combining marks")


def test_joiners_do_not_hide_marks():
    refused_at(talk("a" + "\u0301\u200d" * MAX_COMBINING_MARKS), BODY, "combining marks")


def test_the_message_prints_no_marks():
    [(_, message)] = problems(talk("e" + "\u0301" * 500))
    assert not any(unicodedata.category(c)[0] == "M" for c in message)


# -- images --------------------------------------------------------------------------------------
def png(width: int, height: int, size: int = 0) -> bytes:
    """A PNG of that size in its header (what the checks read), padded to ``size`` bytes."""
    head = (
        b"\x89PNG\r\n\x1a\n"
        + struct.pack(">I", 13)
        + b"IHDR"
        + struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    )
    head += struct.pack(">I", zlib.crc32(head[12:]))
    return head + b"\0" * max(0, size - len(head))


def image_problem(root: Path, name: str) -> str | None:
    return imagefile.contributor_image_problem(root, name, "p", "abstracts")


def test_one_image_at_the_pixel_limit_is_accepted_and_one_over_refused(tmp_path):
    (tmp_path / "abstracts").mkdir()
    (tmp_path / "abstracts/p-a.png").write_bytes(png(8000, MAX_IMAGE_PIXELS // 8000))
    (tmp_path / "abstracts/p-b.png").write_bytes(png(8000, MAX_IMAGE_PIXELS // 8000 + 1))
    assert image_problem(tmp_path, "p-a.png") is None
    assert image_problem(tmp_path, "p-b.png") == (
        "image 'abstracts/p-b.png' is 8000x5001 pixels (40 megapixels; at most 40 in one image): scale it down"
    )


def test_the_images_of_a_page_share_a_pixel_budget(tmp_path):
    (tmp_path / "abstracts/p").mkdir(parents=True)
    side = 5000
    count = MAX_PAGE_IMAGE_PIXELS // (side * side)  # 2 at 25 MP within 60 MP, the third over
    for i in range(count + 1):
        (tmp_path / f"abstracts/p-{i}.png").write_bytes(png(side, side))
    (tmp_path / "abstracts/p-two.md").write_text("another page")
    (tmp_path / "abstracts/p-two-big.png").write_bytes(png(side, side))  # page p-two's, not p's
    (tmp_path / "abstracts/q-big.png").write_bytes(png(side, side))
    assert [image_problem(tmp_path, f"p-{i}.png") for i in range(count)] == [None] * count
    assert image_problem(tmp_path, f"p-{count}.png") == (
        f"image 'abstracts/p-{count}.png' brings the page's images to 75 megapixels (at most 60 for all "
        "the images of a page): scale them down"
    )
    (tmp_path / f"abstracts/p-{count}.png").unlink()
    assert image_problem(tmp_path, "p-0.png") is None
    (tmp_path / "abstracts/p/more.png").write_bytes(png(side, side))  # the page's folder counts too
    assert "brings the page's images to 75 megapixels" in image_problem(tmp_path, "p/more.png")


def test_the_images_of_a_page_share_a_byte_budget(tmp_path):
    (tmp_path / "abstracts").mkdir()
    each = MAX_PAGE_IMAGE_BYTES // 2
    for name in ("p-a.png", "p-b.png"):
        (tmp_path / "abstracts" / name).write_bytes(png(10, 10, each))
    assert image_problem(tmp_path, "p-a.png") is None
    assert image_problem(tmp_path, "p-b.png") is None  # exactly at the limit
    (tmp_path / "abstracts/p-c.png").write_bytes(png(10, 10, 1))
    assert image_problem(tmp_path, "p-c.png").endswith(
        f"(at most {MAX_PAGE_IMAGE_BYTES:,} for all the images of a page): make them smaller"
    )
    (tmp_path / "abstracts/p-b.png").write_bytes(png(10, 10, 1_000))  # both written again in place
    (tmp_path / "abstracts/p-c.png").write_bytes(png(10, 10, 2))  # (a rebuild in one process)
    assert image_problem(tmp_path, "p-c.png") is None


# -- the numbers in one place, the table in CONTRIBUTING.md ---------------------------------------
def test_contributing_lists_every_budget():
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    table = text[text.index("| Limit") :]
    for value, what in budgets.TABLE:
        assert f"| {what} | {value:,} |" in table, what


# -- one build: over-budget pages refused at their line, the rest built ---------------------------
BUDGET_PAGES = {
    "headings": Case(
        {"abstracts/bud-headings.md": talk("## -\n" * (199_000 // 5))},
        [("abstracts/bud-headings.md", BODY + MAX_HEADINGS - 1, f"more than {MAX_HEADINGS} headings")],
    ),
    "combining marks": Case(
        {"abstracts/bud-marks.md": talk("One.\n\nZ" + "\u0336\u0301" * 1000)},
        [
            (
                "abstracts/bud-marks.md",
                BODY + 2,
                f"2,000 combining marks on one character (column 1; at most {MAX_COMBINING_MARKS})",
            )
        ],
    ),
    "a long paragraph": Case(
        {"abstracts/bud-paragraph.md": talk("Short.\n\n" + "A sentence of words. " * 2000)},
        [("abstracts/bud-paragraph.md", BODY + 2, f"(at most {MAX_BLOCK_CHARS:,}")],
    ),
    "formulas": Case(
        {"abstracts/bud-formulas.md": talk("$x$\n\n" * 14_000)},
        [("abstracts/bud-formulas.md", BODY + 2 * MAX_FORMULAS, f"more than {MAX_FORMULAS:,} formulas")],
    ),
    "footnotes": Case(
        {"abstracts/bud-notes.md": talk("Text.\n\n" + "".join(f"[^n{i}]: A note.\n" for i in range(300)))},
        [("abstracts/bud-notes.md", BODY + 2 + MAX_FOOTNOTES, f"more than {MAX_FOOTNOTES} footnotes")],
    ),
    "a speaker page": Case(
        {"speakers/bud-eve.md": speaker("affiliation: Inria\n") + "\n" + "### x\n" * 200},
        [("speakers/bud-eve.md", 7 + MAX_HEADINGS - 1, "headings")],
    ),
    "images over the page's budget": Case(
        {
            "abstracts/bud-images.md": talk(
                "![a](bud-images-a.png)\n\n![b](bud-images-b.png)\n\n![c](bud-images-c.png)"
            ),
            "abstracts/bud-images-a.png": png(5000, 5000),
            "abstracts/bud-images-b.png": png(5000, 5000),
            "abstracts/bud-images-c.png": png(5000, 5000),
        },
        [("abstracts/bud-images.md", BODY + 4, "brings the page's images to 75 megapixels")],
    ),
    "real scripts within the budgets": Case(
        {"abstracts/bud-good.md": talk("\n\n".join(REAL_SCRIPTS.values()) + "\n\n## A section\n\n$x^2$")}, []
    ),
}


@pytest.fixture(scope="module")
def budget_build(tmp_path_factory):
    return build(make_project(tmp_path_factory.mktemp("budgets"), BUDGET_PAGES))


@pytest.mark.parametrize("name", [name for name in BUDGET_PAGES if BUDGET_PAGES[name].expect])
def test_an_over_budget_page_is_refused_at_its_line(budget_build, name):
    assert_sound(budget_build)
    assert_located(budget_build, BUDGET_PAGES[name])
    assert budget_build.returncode == 1


@pytest.mark.parametrize("page", ["bud-headings", "bud-marks", "bud-paragraph", "bud-formulas", "bud-notes"])
def test_a_refused_page_is_emptied_before_myst_parses_it(budget_build, page):
    """The page's one message is the budget's: MyST never saw its text (no message of its own,
    nothing of the text in the built page)."""
    messages = [line for line in budget_build.output.splitlines() if f"abstracts/{page}.md" in line]
    assert len(messages) == 1, messages
    html = (budget_build.outdir / f"abstracts/{page}.html").read_text(encoding="utf-8")
    body = str(BeautifulSoup(html, "html.parser").select_one("article, div.body, main"))
    assert "<h2" not in body and "A sentence of words" not in body and "A note." not in body
    assert "\u0301" not in body and "math notranslate" not in body
    assert f"<h1>{page}" in body  # the page is listed under its id: it has no text left


def test_the_rest_builds(budget_build):
    html = (budget_build.outdir / "abstracts/bud-good.html").read_text(encoding="utf-8")
    for text in REAL_SCRIPTS.values():
        assert text in html, text
    assert "A section" in html
    assert "bud-good" not in " ".join(line for line in budget_build.output.splitlines() if "WARNING" in line)


def test_a_bib_file_is_under_the_same_mark_budget():
    """A reference title reaches the book like a page's text: marks piled on one character are
    refused at their line of the .bib file (XeTeX hangs on them)."""
    from sphinx_workshop_site.gate.bibfile import read_bib

    text = "@misc{k,\n  author = {Doe, Jane},\n  title = {A" + "\u0301" * 50 + "},\n  year = {2020}\n}\n"
    entries, problems = read_bib(text, "abstracts/x.bib")
    assert entries == [] and [(p.line, p.message[:45]) for p in problems] == [
        (3, "the text has 50 combining marks on one charac")
    ]
    vietnamese = text.replace("A" + "\u0301" * 50, "Nguyễn Thị Ánh")
    assert read_bib(vietnamese, "abstracts/x.bib")[1] == []
