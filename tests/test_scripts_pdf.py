"""The book in every script (#23, Scripts): names, affiliations and titles in Latin with
diacritics, Greek, Cyrillic, Chinese, Japanese, Korean, Arabic, Persian, Hebrew, Devanagari,
Bengali, Tamil, Thai, Georgian and Armenian, built with ``make pdf`` once for the module.

Checked as a reader sees the PDF: the fonts that drew each script (pdffonts, and the font of each
glyph in the page's content), the text in logical order (pdftotext, the PDF outline), the
shaping of Devanagari and Arabic (the glyphs the font's shaping chose, compared with HarfBuzz's
own result for the same font), and right-to-left runs drawn right to left.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from conftest import copy_project, make, render_modes, require_tool

PDF = "_build/pdf/lorainne24-proceedings.pdf"
TEX = "_build/latex/lorainne24-proceedings.tex"

# script -> (speaker id, name, affiliation)
PEOPLE = {
    "Latin": ("le-hoang-phuc", "Lê Hoàng Phúc", "Đại học Quốc gia Hà Nội"),
    "Greek": ("papadopoulos", "Αλέξανδρος Παπαδόπουλος", "Εθνικό Μετσόβιο Πολυτεχνείο"),
    "Cyrillic": ("ivanov", "Дмитрий Иванов", "Московский государственный университет"),
    "Chinese": ("zhang-wei", "张伟", "清华大学"),
    "Japanese": ("yamada", "山田 さくら", "京都大学 ソフトウェア研究所"),
    "Korean": ("kim-minjun", "김민준", "서울대학교"),
    "Arabic": ("abdallah", "محمد عبد الرحمن", "جامعة القاهرة (فرع الخرطوم)"),
    "Persian": ("mirzakhani", "مریم میرزاخانی", "پژوهشگاه دانش\u200cهای بنیادی"),
    "Hebrew": ("cohen-david", "דוד כהן", "האוניברסיטה העברית בירושלים"),
    "Devanagari": ("sharma", "अमित शर्मा", "भारतीय विज्ञान संस्थान"),
    "Bengali": ("bose", "সত্যেন্দ্রনাথ বসু", "ঢাকা বিশ্ববিদ্যালয়"),
    "Tamil": ("ramanujan", "சீனிவாச ராமானுஜன்", "சென்னை பல்கலைக்கழகம்"),
    "Thai": ("somchai", "สมชาย ใจดี", "จุฬาลงกรณ์มหาวิทยาลัย"),
    "Georgian": ("beridze", "ნინო ბერიძე", "თბილისის სახელმწიფო უნივერსიტეტი"),
    "Armenian": ("sargsyan", "Արմեն Սարգսյան", "Երևանի պետական համալսարան"),
}
MIXED = ("levi", "Noa Levi (נועה לוי)", "Technion – מכון טכנולוגי לישראל")
# talk id -> (title, the scripts of its speakers and authors)
TALKS = {
    "scripts-rtl": (
        "Low-rank models: מודלים בדרגה נמוכה and نماذج منخفضة الرتبة",
        ["Arabic", "Persian", "Hebrew"],
    ),
    "scripts-indic": (
        "निम्न रैंक सन्निकटन, নিম্ন র‍্যাঙ্ক, தாழ்ந்த தரம் and การประมาณ",
        ["Devanagari", "Bengali", "Tamil", "Thai"],
    ),
    "scripts-world": (
        "Łukasiewicz: Λόγος, Тензоры, 张量, テンソル, 텐서, ტენზორი and Թենզոր",
        ["Latin", "Greek", "Cyrillic", "Chinese", "Japanese", "Korean", "Georgian", "Armenian"],
    ),
}


def talk_page(title: str, scripts: list[str], extra: tuple[str, str, str] | None = None) -> str:
    people = [PEOPLE[s] for s in scripts] + ([extra] if extra else [])
    lines = ["---", f"speakers: [{', '.join(p[0] for p in people)}]", "authors:"]
    for _, name, affiliation in people:
        lines += [f'  - name: "{name}"', f'    affiliation: "{affiliation}"']
    names = ", ".join(p[1] for p in people)
    body = f"The authors are {names}. They work at {'; '.join(p[2] for p in people)}."
    return "\n".join([*lines, "---", "", f"# {title}", "", body, ""])


def speaker_page(name: str, affiliation: str) -> str:
    return f'---\naffiliation: "{affiliation}"\n---\n\n# {name}\n'


def write_site(root: Path) -> None:
    """The real site plus the three talks and their fifteen speakers."""
    for tid, (title, scripts) in TALKS.items():
        extra = MIXED if tid == "scripts-rtl" else None
        (root / f"abstracts/{tid}.md").write_text(talk_page(title, scripts, extra), encoding="utf-8")
    for sid, name, affiliation in [*PEOPLE.values(), MIXED]:
        (root / f"speakers/{sid}.md").write_text(speaker_page(name, affiliation), encoding="utf-8")


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    for tool in ("xelatex", "bwrap", "pdftotext", "pdffonts"):
        require_tool(tool, "the PDF tests need TeX, bubblewrap and poppler-utils (see README)")
    root = copy_project(tmp_path_factory.mktemp("scripts"))
    write_site(root)
    result = make(root, "pdf")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return root


def pdftext(pdf: Path, *args: str) -> str:
    return subprocess.run(
        ["pdftotext", *args, str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def squash(text: str) -> str:
    """Spaces as one, joined Arabic forms as letters (NFKC), without the direction marks pdftotext
    adds around right-to-left runs."""
    text = re.sub(r"[\u202a-\u202e\u200c]", "", unicodedata.normalize("NFKC", text))
    return re.sub(r"\s+", " ", text).strip()


# -- the glyphs drawn, font by font ------------------------------------------------------------


def drawn_glyphs(pdf: Path) -> dict[str, list[int]]:
    """{font name without its subset tag: every glyph id it drew, in the order of the pages'
    content} (the book's fonts are embedded as Identity-H CID fonts: 2 bytes a glyph)."""
    import pikepdf

    glyphs: dict[str, list[int]] = {}
    with pikepdf.open(pdf) as document:
        for page in document.pages:
            fonts = page.Resources.get("/Font", {})
            font = None
            for operands, operator in pikepdf.parse_content_stream(page):
                if str(operator) == "Tf":
                    font = str(fonts[operands[0]].BaseFont).split("+", 1)[-1]
                elif str(operator) in ("Tj", "TJ") and font:
                    items = operands[0] if str(operator) == "TJ" else [operands[0]]
                    data = b"".join(bytes(i) for i in items if isinstance(i, pikepdf.String))
                    glyphs.setdefault(font, []).extend(
                        int.from_bytes(data[i : i + 2], "big") for i in range(0, len(data), 2)
                    )
    return glyphs


def font_file(family: str, style: str) -> Path:
    found = subprocess.run(["fc-match", "-f", "%{file}", f"{family}:style={style}"], capture_output=True,
                           text=True, check=True).stdout  # fmt: skip
    return Path(found)


def shaped(font: Path, word: str, *options: str) -> list[tuple[int, str]]:
    """HarfBuzz's shaping of ``word`` with ``font``: (glyph id, glyph name) in drawing order."""
    out = subprocess.run(["hb-shape", "--no-positions", "--no-clusters", *options, str(font), word],
                         capture_output=True, text=True, check=True).stdout  # fmt: skip
    names = out.strip().strip("[]").split("|")
    out = subprocess.run(["hb-shape", "--no-positions", "--no-clusters", "--no-glyph-names", *options,
                          str(font), word], capture_output=True, text=True, check=True).stdout  # fmt: skip
    ids = [int(g) for g in out.strip().strip("[]").split("|")]
    return list(zip(ids, names, strict=True))


def expected_glyphs(font: Path, text: str, rtl: bool) -> list[int]:
    """The glyphs ``font`` draws for ``text`` on a line (its words shaped one by one: spaces are
    TeX's glue, brackets and punctuation the text font's), left to right: a right-to-left text's
    last word first."""
    words = [[g for g, _ in shaped(font, word)] for word in re.findall(r"[^\s()\[\],;.:–-]+", text)]
    return [g for word in (reversed(words) if rtl else words) for g in word]


def contains(haystack: list[int], needle: list[int]) -> bool:
    n = len(needle)
    return any(haystack[i : i + n] == needle for i in range(len(haystack) - n + 1))


# script -> (serif family, sans family, right to left?)
NOTO = {
    "Arabic": ("Noto Naskh Arabic", "Noto Sans Arabic", True),
    "Persian": ("Noto Naskh Arabic", "Noto Sans Arabic", True),
    "Hebrew": ("Noto Serif Hebrew", "Noto Sans Hebrew", True),
    "Devanagari": ("Noto Serif Devanagari", "Noto Sans Devanagari", False),
    "Bengali": ("Noto Serif Bengali", "Noto Sans Bengali", False),
    "Tamil": ("Noto Serif Tamil", "Noto Sans Tamil", False),
    "Thai": ("Noto Serif Thai", "Noto Sans Thai", False),
    "Georgian": ("Noto Serif Georgian", "Noto Sans Georgian", False),
    "Armenian": ("Noto Serif Armenian", "Noto Sans Armenian", False),
}
# a word of each script in the talks' titles (bold sans)
TITLE_WORDS = {
    "Arabic": "نماذج منخفضة الرتبة",
    "Hebrew": "מודלים בדרגה נמוכה",
    "Devanagari": "निम्न रैंक सन्निकटन",
    "Bengali": "নিম্ন",
    "Tamil": "தாழ்ந்த தரம்",
    "Thai": "การประมาณ",
    "Georgian": "ტენზორი",
    "Armenian": "Թենզոր",
}


@pytest.fixture(scope="module")
def glyphs(book):
    require_tool("hb-shape", "the script tests compare the PDF's glyphs with HarfBuzz's (libharfbuzz-bin)")
    require_tool("fc-match", "the script tests find the fonts' files with fontconfig")
    return drawn_glyphs(book / PDF)


def test_no_character_lost(book):
    log = (book / "_build/latex/lorainne24-proceedings.log").read_text(encoding="utf-8", errors="replace")
    assert "Missing character" not in log


@pytest.mark.parametrize("script", NOTO)
def test_names_shaped_in_the_fonts_of_every_face(glyphs, script):
    """Each name and affiliation, glyph for glyph as HarfBuzz shapes it with the script's font
    (conjuncts, vowel signs before their consonant, Arabic joining), in the right order of words:
    upright in the talk's details, bold in the speakers part; the contents' italic names in the
    upright face (these scripts have no italic). A script set in the text font, unshaped, or its
    words left to right, fails."""
    serif, _sans, rtl = NOTO[script]
    _, name, affiliation = PEOPLE[script]
    wrong = []
    for style, texts in (("Regular", [name, affiliation]), ("Bold", [name])):
        font = font_file(serif, style)
        drew = glyphs.get(font.stem, [])
        for text in texts:
            if not contains(drew, expected_glyphs(font, text, rtl)):
                wrong.append(f"{text!r} in {font.stem}")
    assert not wrong, f"{script}: not drawn as shaped: {wrong}; fonts used: {sorted(glyphs)}"


@pytest.mark.parametrize("script", TITLE_WORDS)
def test_titles_shaped_in_bold_sans(glyphs, script):
    _serif, sans, rtl = NOTO[script]
    font = font_file(sans, "Bold")
    assert contains(glyphs.get(font.stem, []), expected_glyphs(font, TITLE_WORDS[script], rtl)), (
        f"{script} title words {TITLE_WORDS[script]!r} not drawn shaped in {font.stem}"
    )


def test_the_glyph_check_sees_shaping():
    """The comparison above can fail: shaped, अमित draws its i-sign before म (not in the order
    written), and محمد in joined forms (not the isolated letters)."""
    require_tool("hb-shape", "the script tests compare the PDF's glyphs with HarfBuzz's (libharfbuzz-bin)")
    deva = font_file("Noto Serif Devanagari", "Regular")
    nominal = [g for char in "अमित" for g, _ in shaped(deva, char)]
    assert [g for g, _ in shaped(deva, "अमित")] != nominal
    assert sorted(g for g, _ in shaped(deva, "अमित")) != sorted(nominal)  # a contextual i-sign
    arabic = font_file("Noto Naskh Arabic", "Regular")
    names = [n for _, n in shaped(arabic, "محمد")]
    isolated = [n for char in "محمد" for _, n in shaped(arabic, char)]
    assert set(names).isdisjoint(isolated), (names, isolated)


def test_every_face_has_its_font(book):
    """pdffonts: the script fonts in serif regular and bold, sans bold (titles), the Tamil
    slanted face for the contents' italic, the CJK font; the text fonts for Latin, Greek and
    Cyrillic in upright, italic, bold and sans."""
    fonts = subprocess.run(["pdffonts", str(book / PDF)], capture_output=True, text=True, check=True).stdout
    names = {row.split()[0].split("+", 1)[-1] for row in fonts.splitlines()[2:]}
    wanted = {"FreeSerif-Identity-H", "FreeSerifItalic-Identity-H", "FreeSerifBold-Identity-H",
              "FreeSansBold-Identity-H", "WenQuanYiMicroHei", "NotoSerifTamilSlanted-Regular"}  # fmt: skip
    for serif, sans, _ in NOTO.values():
        wanted |= {serif.replace(" ", "") + "-Regular", serif.replace(" ", "") + "-Bold"}
        wanted.add(sans.replace(" ", "") + "-Bold")
    assert not wanted - names, (wanted - names, names)


def test_cjk_in_a_bold_title_is_bold(book):
    """WenQuanYi Micro Hei has one weight: in a bold title it is emboldened (AutoFakeBold: drawn
    filled and stroked), in the text around it not."""
    pages = pdftext(book / PDF).split("\f")
    title = next(n for n, page in enumerate(pages) if page.count("张量") == 2)  # the heading and the foot
    modes = render_modes(book / PDF)[title]
    cjk = [font for font in modes if font.startswith("WenQuanYiMicroHei")]
    assert {mode for font in cjk for mode in modes[font]} == {0, 2}, modes  # 张量 bold, 张伟 not


def test_names_in_every_place_as_written(book):
    """Text in logical order: every name and affiliation, in the talk's details and the speakers
    part (pdftotext; Arabic compared after NFKC, which maps the joined forms to letters)."""
    text = squash(pdftext(book / PDF))
    missing = [
        f"{script}: {value}"
        for script, (_, name, affiliation) in PEOPLE.items()
        for value in (name, affiliation.replace("(", "").replace(")", ""))
        if not all(squash(part) in text for part in value.split(" "))
    ]
    for script, (_, name, _affiliation) in PEOPLE.items():
        if script not in ("Arabic", "Persian", "Hebrew") and squash(name) not in text:
            missing.append(f"{script}: {name} (as one string)")
    assert not missing, missing


def words_at(pdf: Path) -> dict[str, list[tuple[int, float, float]]]:
    """{word: [(page, y, x), …]} of every word poppler finds (it gives right-to-left words in
    drawing order: read back, without brackets and commas)."""
    found: dict[str, list[tuple[int, float, float]]] = {}
    for page, xml in enumerate(pdftext(pdf, "-bbox").split("<page ")[1:], 1):
        for x, y, word in re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)</word>', xml):
            if re.search(r"[\u0590-\u08ff]", word):
                word = word[::-1]
            found.setdefault(word.strip("()[],;"), []).append((page, float(y), float(x)))
    return found


def same_line(at, a: str, b: str) -> list[tuple[float, float]]:
    """(x of a, x of b) for each line where both words are, one pair a line: the nearest."""
    pairs = {}
    for pa, ya, xa in at.get(a, []):
        for pb, yb, xb in at.get(b, []):
            if pa == pb and abs(ya - yb) < 3:
                key = (pa, round(ya))
                if key not in pairs or abs(xa - xb) < abs(pairs[key][0] - pairs[key][1]):
                    pairs[key] = (xa, xb)
    return list(pairs.values())


def index_page(pdf: Path) -> int:
    pages = pdftext(pdf).split("\f")
    return next(n for n, page in enumerate(pages, 1) if page.lstrip().startswith("Author index"))


def test_right_to_left_words_right_to_left(book):
    """Wherever 'דוד כהן' is printed (details, contents, programme, speakers), דוד is at the right
    of כהן; in the author index, 'כהן, דוד', כהן at the right; in 'Noa Levi (נועה לוי)' the Hebrew
    follows the Latin, נועה at the right of לוי."""
    at = words_at(book / PDF)
    index = index_page(book / PDF)
    body = {w: [o for o in found if o[0] < index] for w, found in at.items()}
    filed = {w: [o for o in found if o[0] >= index] for w, found in at.items()}
    pairs = same_line(body, "דוד", "כהן")
    assert len(pairs) >= 5 and all(xa > xb for xa, xb in pairs), pairs
    pairs = same_line(filed, "כהן", "דוד")
    assert len(pairs) == 1 and all(xa > xb for xa, xb in pairs), pairs
    levi = same_line(at, "נועה", "לוי")
    assert len(levi) >= 5 and all(xa > xb for xa, xb in levi), levi
    after = same_line(at, "לוי", "Levi")
    assert len(after) >= 5 and all(xa > xb for xa, xb in after), after


def test_lists_of_names_read_left_to_right(book):
    """A list of right-to-left names (the programme's, the contents') keeps its order: the first
    name at the left of the second."""
    at = words_at(book / PDF)
    first, second = PEOPLE["Hebrew"][1].split()[0], "Noa"
    pairs = same_line(at, first, second)
    assert len(pairs) >= 3 and all(xa < xb for xa, xb in pairs), pairs


def test_speakers_part_prints_rtl_names_in_reading_order(book):
    pages = pdftext(book / PDF).split("\f")
    start = next(i for i, page in enumerate(pages) if page.lstrip().startswith("Speakers"))
    part = squash("\n".join(pages[start : start + 4]))
    for script in ("Hebrew", "Arabic", "Persian"):
        assert squash(PEOPLE[script][1]) in part, script
    assert "כהן דוד" not in part


def test_outline_in_logical_order(book):
    from pypdf import PdfReader

    def titles(items):
        for item in items:
            yield from titles(item) if isinstance(item, list) else [item.title]

    outline = list(titles(PdfReader(book / PDF).outline))
    for title, _ in TALKS.values():
        assert any(t.endswith(". " + title) for t in outline), (title, outline)


def test_contents_programme_and_index_name_rtl_people(book):
    """The contents (italic), the programme and the author index: the Hebrew names in reading
    order, each where it belongs."""
    text = pdftext(book / PDF)
    pages = text.split("\f")
    contents = next(p for p in pages if p.lstrip().startswith("Contents"))
    start = next(i for i, p in enumerate(pages) if p.lstrip().startswith("Programme"))
    end = next(i for i, p in enumerate(pages) if p.lstrip().startswith("Abstracts"))
    programme = "\n".join(pages[start:end])
    index = text[text.rindex("Author index") :]
    for where, page in (("contents", contents), ("programme", programme)):
        assert "נועה לוי" in squash(page) and "דוד כהן" in squash(page), where
    assert "דוד" in squash(index) and "כהן" in squash(index)  # (its order: bbox test above)


def test_a_glyph_no_font_has_names_the_talk_the_face_and_leaves_no_pdf(book, tmp_path):
    """A title with a character no font of the book has (an Egyptian hieroglyph): the build
    fails, naming the character, the face (the title's bold sans) and the talk file; no PDF."""
    root = tmp_path / "site"
    shutil.copytree(book, root, symlinks=True, ignore=shutil.ignore_patterns("doctrees*"))
    (root / "abstracts/scripts-world.md").write_text(
        talk_page("Hieroglyphs \U00013000 in a title", ["Latin"]), encoding="utf-8"
    )
    result = make(root, "pdf")
    assert result.returncode != 0
    out = result.stdout + result.stderr
    assert re.search(
        r"error: \d+ character\(s\) would print as nothing, the font of their face has no glyph for "
        r"them: .*'\U00013000' \(U\+13000\) in FreeSansBold \(abstracts/scripts-world\.md",
        out,
    ), out[-2000:]
    assert not (root / PDF).exists() and not (root / "_build/latex/lorainne24-proceedings.pdf").exists()


# -- without TeX -------------------------------------------------------------------------------


def test_right_to_left_runs_in_the_latex():
    from sphinx.util import texescape
    from workshop.scripts import runs, tex_text

    texescape.init()
    assert runs("Noa Levi (נועה לוי)") == [("Noa Levi (", False), ("נועה לוי", True), (")", False)]
    assert tex_text("דוד כהן") == r"\workshopRL{דוד כהן}"
    # a Latin word ends a run; digits and spaces between right-to-left words stay in it
    assert tex_text("עברית English עברית") == r"\workshopRL{עברית} English \workshopRL{עברית}"
    assert tex_text("جامعة 2024 القاهرة") == r"\workshopRL{جامعة 2024 القاهرة}"
    # brackets inside a run are written mirrored (TeX--XeT reverses their order, not their glyph)
    assert tex_text("جامعة (فرع) القاهرة") == r"\workshopRL{جامعة )فرع( القاهرة}"
    # the writer's escapes stay whole inside a run; direction marks are not printed
    assert tex_text("דוד-כהן %") == r"\workshopRL{דוד\sphinxhyphen{}כהן} \%"
    assert tex_text("\u200fדוד\u200e x") == r"\workshopRL{דוד} x"
    assert tex_text("Jérémy Cohen") == "Jérémy Cohen"


def test_missing_glyph_message_names_character_face_and_file():
    from workshop.latexrun import missing_characters, missing_message, sources_of

    log = (
        "Missing character: There is no \u0905 (U+0905) in font [FreeSerifItalic.otf]/OT:scri\n"
        "pt=latn;language=dflt;mapping=tex-text;!\n"
        "Missing character: There is no \u0905 (U+0905) in font [FreeSerifItalic.otf]/OT:scri\n"
        "pt=latn;language=dflt;mapping=tex-text;!\n"
        "Missing character: There is no \u0905 (U+0905) in font FreeSans/B/OT:script=latn;!\n"
    )
    missing = missing_characters(log)
    assert missing == [("\u0905", "FreeSerifItalic"), ("\u0905", "FreeSans")]
    tex = ["\\begin{document}", "% workshop-source: proceedings.md", "x \u0905",
           "% workshop-source: abstracts/sharma.md", "\u0905", "% workshop-source-end"]  # fmt: skip
    message = missing_message(missing, sources_of(tex, ["\u0905"]), Path("book.log"))
    assert message.startswith("error: 2 character(s) would print as nothing")
    assert "'\u0905' (U+0905) in FreeSerifItalic (abstracts/sharma.md, proceedings.md)" in message
