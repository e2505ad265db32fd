"""The book in every script (#23, Scripts): names, affiliations and titles in Latin with
diacritics, Greek, Cyrillic, Chinese, Japanese, Korean, Arabic, Persian, Hebrew, Devanagari,
Bengali, Tamil, Thai, Georgian and Armenian, built with ``make pdf`` once for the module.

Checked as a reader sees the PDF: the fonts that drew each script (pdffonts, and the font of each
glyph in the page's content), the text in logical order (pdftotext, the PDF outline), the
shaping of Devanagari and Arabic (the glyphs the font's shaping chose, compared with HarfBuzz's
own result for the same font), and right-to-left runs drawn right to left.
"""

from __future__ import annotations

import html
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
# #23, Names: speaker id -> (name, front matter lines saying how it is filed, its letter in the index)
NAMED = {
    "wang-lei": ("Wang Lei (王磊)", ["family-name: Wang"], "W"),
    "nguyen": ("Nguyễn Văn An", ["family-name: Nguyễn"], "N"),
    "kovacs": ("Kovács János", ["name-order: family-first"], "K"),
    "yamada-taro": ("山田 太郎", ["sort-as: Yamada Taro"], "Y"),
    "sato": ("佐藤 花子", ["sort-as: Sato Hanako"], "S"),
    "levi-avraham": ("אברהם לוי", ["family-name: לוי", "sort-as: Levi Avraham"], "L"),
}
KOREAN_SORT = "sort-as: Kim Minjun"  # on 김민준's page (PEOPLE["Korean"]): filed under K, not G
NAMES_TALK = "names-filed"
# a reference by authors written family name first in BibTeX ({李, 娜}): printed 李娜
NAMES_BIB = (
    "@article{li2020,\n  author = {李, 娜 and 高橋, 健},\n  title = {低秩近似},\n"
    "  journal = {J. Low Rank},\n  year = {2020},\n  doi = {10.1000/li.2020}\n}\n"
)
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


def speaker_page(name: str, affiliation: str, lines: tuple[str, ...] = ()) -> str:
    return "\n".join(["---", f'affiliation: "{affiliation}"', *lines, "---", "", f"# {name}", ""])


def names_talk_page() -> str:
    """A talk by the NAMED speakers and 김민준 (their parts on their speaker pages: the talk lists
    no authors), citing NAMES_BIB; its text names no one (a name in running text may break)."""
    speakers = ", ".join([*NAMED, PEOPLE["Korean"][0]])
    text = "Low-rank names, as each page files them{footcite}`li2020`."
    return "\n".join(
        ["---", f"speakers: [{speakers}]", "---", "", "# Names filed by family name", "", text, ""]
    )


def write_site(root: Path) -> None:
    """The real site plus the three talks and their fifteen speakers."""
    for tid, (title, scripts) in TALKS.items():
        extra = MIXED if tid == "scripts-rtl" else None
        (root / f"abstracts/{tid}.md").write_text(talk_page(title, scripts, extra), encoding="utf-8")
    for sid, name, affiliation in [*PEOPLE.values(), MIXED]:
        lines = (KOREAN_SORT,) if name == PEOPLE["Korean"][1] else ()
        (root / f"speakers/{sid}.md").write_text(speaker_page(name, affiliation, lines), encoding="utf-8")
    for sid, (name, lines, _letter) in NAMED.items():
        page = speaker_page(name, "Université de Lorraine", tuple(lines))
        (root / f"speakers/{sid}.md").write_text(page, encoding="utf-8")
    (root / f"abstracts/{NAMES_TALK}.md").write_text(names_talk_page(), encoding="utf-8")
    (root / f"abstracts/{NAMES_TALK}.bib").write_text(NAMES_BIB, encoding="utf-8")
    write_programme(root)


# -- the hard book: a long title with math, eight authors, DOIs with hyphens ----------------------

HARD_TITLE = (
    r"When does $\|X - \hat{X}\|_F \le (1+\varepsilon)\,\|X - X_r\|_F$ hold for sketched "
    "low-rank approximations of very large and very sparse matrices in streaming settings?"
)
# the outline's readable text of the title's math
HARD_OUTLINE = "‖X − X̂‖_F ≤ (1+ε) ‖X − X_r‖_F"
HARD_AUTHORS = [
    ("Lê Hoàng Phúc", "Đại học Quốc gia Hà Nội"),
    ("Ana Álvarez-Núñez", "Universidad Politécnica de Madrid"),
    ("Jürgen Müller-Lüdenscheidt", "Technische Universität München"),
    ("Zoë Ødegård", "Norges teknisk-naturvitenskapelige universitet"),
    ("Ngozi Adébáyọ̀", "University of Lagos"),
    ("Søren Kierkegaard-Hansen", "Københavns Universitet"),
    ("Yılmaz Çelik", "Orta Doğu Teknik Üniversitesi"),
    ("François Lefèvre", "Université de Lorraine, Nancy"),
]
HARD_DOIS = [
    "10.1137/22m1519882-supplementary-long-name",
    "10.1007/978-3-031-25599-1_1",
    "10.48550/arXiv.2403.18517",
]
HARD_BIB = "\n".join(
    f"@article{{hard{n},\n  author = {{Álvarez-Núñez, Ana and Lê, Hoàng Phúc}},\n"
    f"  title = {{A reference with a long {n}-hyphen DOI}},\n  journal = {{SIAM J. Matrix Anal. Appl.}},\n"
    f"  year = {{2023}},\n  doi = {{{doi}}}\n}}\n"
    for n, doi in enumerate(HARD_DOIS, 1)
)


def write_hard(root: Path) -> None:
    """A talk with a long math title, eight authors (one of them a speaker of another talk: one
    index entry, two pages), and references whose DOIs have hyphens."""
    lines = ["---", "speakers: [le-hoang-phuc]", "authors:"]
    for name, affiliation in HARD_AUTHORS:
        lines += [f'  - name: "{name}"', f'    affiliation: "{affiliation}"']
    cites = ", ".join(f"hard{n}" for n in range(1, len(HARD_DOIS) + 1))
    lines += ["---", "", f"# {HARD_TITLE}", "", f"Sketching works{{footcite}}`{cites}`.", ""]
    (root / "abstracts/hard-math.md").write_text("\n".join(lines), encoding="utf-8")
    (root / "abstracts/hard-math.bib").write_text(HARD_BIB, encoding="utf-8")


# -- the programme: three days, two parallel rooms, poster sessions (#23, the book's programme) --

ROOMS = ("Amphitheatre", "Seminar room")
BANDS = 32  # parallel 20-minute slots on day 1: its table runs onto a second page
POSTER_TITLE = "Boards and sessions on a poster"


def write_programme(root: Path) -> None:
    """A three-day schedule with two parallel rooms, a long first day (its table and its column
    at a glance are long), a poster session for every room (day 1) and one in a room (day 2),
    spotlights; the real talks and one of the scripts' talks in it; two posters."""
    (root / "speakers/prog-presenter.md").write_text(speaker_page("Ada Byron", "Analytical Engines Ltd"))
    for pid in ("prog-poster-one", "prog-poster-two"):
        page = f"---\ntype: poster\nspeakers: [prog-presenter]\n---\n\n# {POSTER_TITLE} ({pid[-3:]})\n\nA poster.\n"
        (root / f"abstracts/{pid}.md").write_text(page, encoding="utf-8")
    talks = {(1, "A"): "de-almeida", (1, "B"): "ishteva", (2, "A"): "tudisco", (3, "B"): "scripts-world"}

    def slot(time: str, room: str | None = None, **fields: str) -> list[str]:
        lines = [f"      - time: {time}"] + [f"        {k}: {v}" for k, v in fields.items()]
        return lines + ([f"        room: {room}"] if room else [])

    def at(minutes: int) -> str:
        return f"{minutes // 60:02d}:{minutes % 60:02d}"

    day1 = slot("08:30-09:00", title="Registration") + slot("09:00-09:15", title="Opening remarks")
    start = 9 * 60 + 15
    for band in range(1, BANDS + 1):
        if band == BANDS // 2 + 1:
            day1 += slot(f"{at(start)}-{at(start + 60)}", title="Lunch break", kind="meal")
            start += 60
        for room, letter in zip(ROOMS, "AB", strict=True):
            what = (
                {"talk": talks[(band, letter)]}
                if (band, letter) in talks
                else {"title": f"Session {letter}{band}"}
            )
            day1 += slot(f"{at(start)}-{at(start + 20)}", room, **what)
        start += 20
    day1 += slot(
        f"{at(start)}-{at(start + 10)}",
        title="Spotlight posters",
        kind="poster",
        spotlights="[prog-poster-one, prog-poster-two]",
    )
    day1 += slot(
        f"{at(start + 15)}-{at(start + 105)}",
        title="Cocktail + posters",
        kind="social",
        posters="[prog-poster-one]",
    )
    day1 += slot(f"{at(start + 105)}-{at(start + 180)}", title="Conference dinner", kind="social")
    day2 = slot("09:00-09:30", title="Welcome coffee", kind="break")
    day2 += slot("09:30-10:15", ROOMS[0], talk="mourrain") + slot("09:30-10:00", ROOMS[1], talk="cohen")
    day2 += slot("10:15-10:45", ROOMS[0], talk="gusak") + slot("10:15-10:45", ROOMS[1], talk="cerisara")
    day2 += slot("10:45-11:15", title="Coffee break", kind="break")
    day2 += slot("11:15-12:30", ROOMS[0], title="Panel discussion")
    day2 += slot("11:15-12:30", ROOMS[1], title="Poster session", kind="poster", posters="[prog-poster-two]")
    day2 += slot("12:30-14:00", title="Lunch break", kind="meal")
    day3 = slot("09:00-09:45", ROOMS[0], talk="qi") + slot("09:00-09:45", ROOMS[1], talk="zniyed")
    day3 += slot("09:45-10:30", title="Invited talk", kind="talk")
    day3 += slot("10:30-11:00", talk="scripts-rtl")  # for every room; right to left at a glance too
    day3 += slot("11:00-11:30", title="Closing remarks")
    lines = ["timezone: Europe/Paris", "venue: IDMC, Nancy, France", f"rooms: [{', '.join(ROOMS)}]", "days:"]
    for n, (date, slots) in enumerate((("2024-11-26", day1), ("2024-11-27", day2), ("2024-11-28", day3)), 1):
        lines += [f"  - date: {date}", f"    label: Day {n}", "    slots:", *slots]
    (root / "program/schedule.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    for tool in ("xelatex", "bwrap", "pdftotext", "pdffonts"):
        require_tool(tool, "the PDF tests need TeX, bubblewrap and poppler-utils (see README)")
    root = copy_project(tmp_path_factory.mktemp("scripts"))
    write_site(root)
    write_hard(root)
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
    found = subprocess.run(
        ["fc-match", "-f", "%{file}", f"{family}:style={style}"], capture_output=True, text=True, check=True
    ).stdout
    return Path(found)


def shaped(font: Path, word: str, *options: str) -> list[tuple[int, str]]:
    """HarfBuzz's shaping of ``word`` with ``font``: (glyph id, glyph name) in drawing order."""
    out = subprocess.run(
        ["hb-shape", "--no-positions", "--no-clusters", *options, str(font), word],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    names = out.strip().strip("[]").split("|")
    out = subprocess.run(
        ["hb-shape", "--no-positions", "--no-clusters", "--no-glyph-names", *options, str(font), word],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
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
    wanted = {
        "FreeSerif-Identity-H",
        "FreeSerifItalic-Identity-H",
        "FreeSerifBold-Identity-H",
        "FreeSansBold-Identity-H",
        "WenQuanYiMicroHei",
        "NotoSerifTamilSlanted-Regular",
    }
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


def index_groups(pdf: Path) -> dict[str, list[str]]:
    """{letter: the author index's entries under it, in order}: poppler's lines read column by
    column (right-to-left words read back as words_at does)."""
    xml = pdftext(pdf, "-bbox-layout", "-f", str(index_page(pdf)))
    lines = []
    for page, body in enumerate(xml.split("<page ")[1:]):
        width = float(re.search(r'width="([\d.]+)"', body).group(1))
        for x, y, inner in re.findall(r'<line xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>(.*?)</line>', body, re.S):
            words = [html.unescape(w) for w in re.findall(r"<word [^>]*>([^<]*)</word>", inner)]
            words = [w[::-1] if re.search(r"[\u0590-\u08ff]", w) else w for w in words]
            lines.append((page, float(x) > width / 2, float(y), squash(" ".join(words))))
    groups: dict[str, list[str]] = {}
    letter = None
    for *_place, text in sorted(lines):
        if re.fullmatch(r"[A-Z]|Symbols", text):
            letter = text
        elif letter is not None and "(No." in text:
            groups.setdefault(letter, []).append(text)
    return groups


def test_the_index_files_names_as_their_pages_say(book):
    """#23, Names: each name under the letter of its family name as its page gives it (family-name,
    sort-as, name-order), printed as written: Wang Lei (王磊) under W (the guess said 'Lei'),
    Nguyễn Văn An under N, Kovács János (family first) under K, 山田 太郎 under Y, 佐藤 花子 under
    S, 김민준 under K (its sort-as on its speaker page, its author entries elsewhere without it:
    one entry, both contributions), אברהם לוי under L as 'לוי, אברהם'."""
    groups = index_groups(book / PDF)
    bare = {letter: [re.sub(r"\s", "", e) for e in entries] for letter, entries in groups.items()}
    for name, _lines, letter in NAMED.values():
        written = "אברהם" if re.search(r"[\u0590-\u05ff]", name) else re.sub(r"\s", "", name)
        assert any(entry.startswith(written) or written in entry for entry in bare.get(letter, ())), (
            name,
            letter,
            groups,
        )
    assert [e.split("(No.")[0] for e in bare["K"]][-2:] == ["김민준", "KovácsJános"]  # kim < kovacs
    assert bare["W"][0].startswith("WangLei(王磊)(No.")
    (kim,) = [e for g in groups.values() for e in g if "김민준" in e]  # one entry, both contributions
    assert re.fullmatch(r"김민준 \(No\. \d+\), \d+; \(No\. \d+\), \d+", kim), kim
    entries = [e for g in groups.values() for e in g]
    assert not [e for e in entries if e.startswith(("Lei, Wang", "János, Kovács", "An, Nguyễn"))], entries
    assert sum("Kovács" in e for e in entries) == 1 and sum("王磊" in e for e in entries) == 1


def test_a_thai_name_is_filed_by_its_first_consonant(book):
    """ใจดี (Jaidee) begins with a vowel written before its consonant: filed as Thai dictionaries
    file it, by the consonant (chaidi: C), not by the vowel (A)."""
    groups = index_groups(book / PDF)
    letters = [letter for letter, entries in groups.items() for e in entries if "ใจดี" in e]
    assert letters == ["C"], groups


def test_the_speakers_part_is_in_family_name_order(book):
    pages = pdftext(book / PDF).split("\f")
    start = next(i for i, page in enumerate(pages) if page.lstrip().startswith("Speakers"))
    end = next(i for i, page in enumerate(pages) if page.lstrip().startswith("Author index"))
    part = squash("\n".join(pages[start:end]))
    order = ["김민준", "Kovács János", "אברהם", "Nguyễn Văn An", "佐藤 花子", "Wang Lei (王磊)", "山田 太郎"]
    at = [part.index(name) for name in order]
    assert at == sorted(at), list(zip(order, at, strict=True))


def test_names_are_never_broken_across_lines(book):
    """In the contents, the programme, the talk's details, the speakers part and the index, each
    name is whole on its line: broken, it would be found once more with the lines joined."""
    text = pdftext(book / PDF)
    joined = re.sub(r"\s+", " ", text)
    for name in ["Nguyễn Văn An", "Kovács János", "Wang Lei (王磊)", "山田 太郎", "佐藤 花子"]:
        assert text.count(name) == joined.count(name) >= 4, (name, text.count(name), joined.count(name))


def test_a_reference_in_cjk_characters_is_printed_family_name_first(book):
    """'{李, 娜}' in BibTeX (family name, given name) is printed 李娜, not '娜 李'."""
    text = squash(pdftext(book / PDF))
    assert "李娜 and 高橋健" in text, text[text.find("低秩近似") - 200 : text.find("低秩近似") + 50]
    assert "娜 李" not in text


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


# -- the programme: three days, two parallel rooms, poster sessions ---------------------------

DAY_HEADING = re.compile(r"^\w+day \d+ \w+ 2024 \(Day \d\)(?: \(continued\))?$")
ROW_TIME = re.compile(r"\d\d:\d\d–")


def programme_pages(pdf: Path) -> tuple[int, list[str]]:
    """(the glance's page, 0-based; the programme's pages up to the abstracts) as pdftotext
    -layout reads them."""
    pages = pdftext(pdf, "-layout").split("\f")
    start = next(i for i, page in enumerate(pages) if page.lstrip().startswith("Programme"))
    end = next(i for i, page in enumerate(pages) if page.lstrip().startswith("Abstracts"))
    return start, pages[:end]


def content_lines(page: str) -> list[str]:
    """The page's lines without the running head and the folio."""
    lines = [line.strip() for line in page.splitlines() if line.strip()]
    return [line for line in lines if not re.fullmatch(r"LoRAINNe’24|\d*\s*Programme\s*\d*|\d+", line)]


def bbox_words(pdf: Path) -> list[list[tuple[float, float, float, float, str]]]:
    """Each page's words: (xMin, yMin, xMax, yMax, word)."""
    pages = []
    for xml in pdftext(pdf, "-bbox").split("<page ")[1:]:
        found = re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', xml
        )
        pages.append([(float(a), float(b), float(c), float(d), w) for a, b, c, d, w in found])
    return pages


def test_programme_at_a_glance_fits_one_page(book):
    """Three days side by side on the page before the detailed programme, every slot of the long
    first day on it (the type shrinks to fit), the rooms named, nothing below the folio."""
    glance_at, pages = programme_pages(book / PDF)
    glance = pages[glance_at]
    assert "Programme at a glance" in glance
    for day in (
        "Tuesday 26 November (Day 1)",
        "Wednesday 27 November (Day 2)",
        "Thursday 28 November (Day 3)",
    ):
        assert day in glance, day
    assert re.search(r"Tuesday 26 November \(Day 1\)\s+Wednesday 27 November \(Day 2\)\s+Thursday", glance)
    assert "Rooms: A Amphitheatre, B Seminar room" in squash(glance)
    missing = [
        f"Session {x}{b}"
        for b in range(4, BANDS + 1)
        for x in "AB"
        if not re.search(rf"Session {x}{b}\b", glance)
    ]
    assert not missing, missing
    for last in ("Conference dinner", "Panel discussion", "Closing remarks", "Cocktail + posters (1 poster)"):
        assert last in glance, last
    following = pages[glance_at + 1]
    assert "Programme at a glance" not in following and "Session B24" not in content_lines(following)[0]
    assert content_lines(following)[0] == "Tuesday 26 November 2024 (Day 1)", following[:300]
    words = bbox_words(book / PDF)[glance_at]
    # parallel slots of a start in the rooms' order (A before B), whichever ends first
    mourrain, cohen = (next(w for w in words if w[4] == f"{name}:") for name in ("Mourrain", "Cohen"))
    assert mourrain[1] < cohen[1] and abs(mourrain[0] - cohen[0]) < 1, (mourrain, cohen)
    folio = max(words, key=lambda w: w[3])
    assert folio[4] == "1" and all(w[3] < folio[1] - 10 for w in words if w is not folio), folio


def test_glance_days_apart(book):
    """The days at a glance stand apart: every word of a day's column ends at least 4 pt before the
    next day's column begins (its heading's left edge), a cut title's ellipsis too."""
    glance_at, _pages = programme_pages(book / PDF)
    words = bbox_words(book / PDF)[glance_at]
    heads = [w for w in words if w[4] in ("Wednesday", "Thursday")]
    assert len(heads) == 2, heads
    top = min(w[1] for w in heads) - 1  # the columns: from the days' headings down
    for start in sorted(w[0] for w in heads):
        before = [w for w in words if w[0] < start - 1 and w[1] > top]
        close = [w for w in before if w[2] > start - 4]
        assert not close, (start, close)


def test_no_heading_alone_at_a_page_foot(book):
    """A day's heading (and 'Not yet scheduled') stays on the page of its table's first row: no
    page of the programme ends with a heading, and a table that runs on names itself again."""
    glance_at, pages = programme_pages(book / PDF)
    headings = re.compile(rf"{DAY_HEADING.pattern}|^Not yet scheduled(?: \(continued\))?$")
    for n, page in enumerate(pages[glance_at + 1 :]):
        lines = content_lines(page)
        assert lines and not headings.match(lines[-1]), (n, lines[-3:])
        assert headings.match(lines[0]), (n, lines[:2])
    assert "Not yet scheduled" in "\n".join(pages[glance_at + 1 :])


def test_a_day_that_runs_on_repeats_its_heading(book):
    """Day 1's table runs onto a second page: that page opens with 'Tuesday … (Day 1)
    (continued)' and the rooms' column heads; no page of the programme shows a row before a
    day's heading."""
    glance_at, pages = programme_pages(book / PDF)
    detailed = pages[glance_at + 1 :]
    continued = [
        i for i, page in enumerate(detailed) if "Tuesday 26 November 2024 (Day 1) (continued)" in page
    ]
    assert len(continued) == 1 and continued[0] > 0, detailed
    lines = content_lines(detailed[continued[0]])
    assert lines[0] == "Tuesday 26 November 2024 (Day 1) (continued)", lines[:3]
    assert re.fullmatch(r"Time\s+Amphitheatre\s+Seminar room", lines[1]), lines[:3]
    assert "Tuesday 26 November 2024 (Day 1)" in content_lines(detailed[continued[0] - 1])
    for n, page in enumerate(detailed):
        lines = content_lines(page)
        first = next((i for i, line in enumerate(lines) if DAY_HEADING.match(line)), len(lines))
        assert not any(ROW_TIME.search(line) for line in lines[:first]), (n, lines[: first + 1])
        # a session's title is not left at the foot of a page without its first poster or spotlight
        assert not (lines and re.search(r"Spotlight posters|Cocktail \+ posters", lines[-1])), (n, lines[-3:])


def test_parallel_rooms_are_columns(book):
    """Each day's table names the rooms over their columns (on every page); a parallel slot is
    in its room's column, level with the other room's; no 'time, room' in the time column."""
    glance_at, pages = programme_pages(book / PDF)
    detailed = "\n".join(pages[glance_at + 1 :])
    assert len(re.findall(r"Time\s+Amphitheatre\s+Seminar room", detailed)) == 4, (
        detailed
    )  # 3 days, 1 continued
    assert not re.search(r"\d\d:\d\d(?:–\d\d:\d\d)?, (?:Amphitheatre|Seminar room)", detailed)
    words = bbox_words(book / PDF)
    checked = 0
    for page in words[glance_at + 1 : len(pages)]:
        heads = {w[4]: w[0] for w in page if w[4] in ("Amphitheatre", "Seminar")}
        for band in range(4, BANDS + 1):
            a = [w for w in page if w[4] == f"A{band}"]
            b = [w for w in page if w[4] == f"B{band}"]
            if a and b:
                assert abs(a[0][1] - b[0][1]) < 1, (band, a, b)  # one row
                assert heads["Amphitheatre"] < a[0][0] < heads["Seminar"] < b[0][0], (band, heads, a, b)
                checked += 1
    assert checked == BANDS - 3


def test_poster_session_is_a_session_not_a_break(book):
    """'Cocktail + posters' (kind social, with posters) and the day-2 'Poster session' are set
    upright like a session, their posters under them with boards; a coffee break stays italic."""
    from pypdf import PdfReader

    glance_at, pages = programme_pages(book / PDF)
    reader = PdfReader(book / PDF)
    fonts: dict[str, set[str]] = {}
    for page in reader.pages[glance_at + 1 : len(pages)]:

        def seen(text, _cm, _tm, font, _size):
            for words in ("Cocktail + posters", "Poster session", "Coffee break", "Lunch break"):
                if words in text and font is not None:
                    fonts.setdefault(words, set()).add(str(font["/BaseFont"]).split("+", 1)[-1])

        page.extract_text(visitor_text=seen)
    assert fonts["Cocktail + posters"] == fonts["Poster session"] == {"FreeSerif-Identity-H"}, fonts
    assert fonts["Coffee break"] == fonts["Lunch break"] == {"FreeSerifItalic-Identity-H"}, fonts
    detailed = "\n".join(pages[glance_at + 1 :])
    assert re.search(
        r"Cocktail \+ posters\s*\n\s*board 1\s+\d+ Boards and sessions on a poster \(one\)", detailed
    )
    assert re.search(
        r"Poster session\s*\n.*board 1\s*\n.*\d+ Boards and sessions on a poster \(two\)", detailed
    )


# -- without TeX -------------------------------------------------------------------------------


def test_right_to_left_runs_in_the_latex():
    from sphinx.util import texescape
    from sphinx_workshop_site.book.scripts import runs, tex_text

    texescape.init()
    assert runs("Noa Levi (נועה לוי)") == [("Noa Levi (", False), ("נועה לוי", True), (")", False)]
    assert tex_text("דוד כהן") == r"\workshopRL{דוד כהן}"
    # a Latin word ends a run; digits and spaces between right-to-left words stay in it
    assert tex_text("עברית English עברית") == r"\workshopRL{עברית} English \workshopRL{עברית}"
    assert tex_text("جامعة 2024 القاهرة") == r"\workshopRL{جامعة 2024 القاهرة}"
    # brackets inside a run are written mirrored (TeX--XeT reverses their order, not their glyph)
    assert tex_text("جامعة (فرع) القاهرة") == r"\workshopRL{جامعة )فرع( القاهرة}"
    # a bracket opened in a run and closed after its last word is closed in it (PEOPLE["Arabic"]:
    # the ")" outside would print at the right end of the run, where it begins)
    assert tex_text("جامعة القاهرة (فرع الخرطوم)") == r"\workshopRL{جامعة القاهرة )فرع الخرطوم(}"
    assert tex_text("(דוד (כהן)) x") == r"(\workshopRL{דוד )כהן(}) x"
    # the writer's escapes stay whole inside a run; direction marks are not printed
    assert tex_text("דוד-כהן %") == r"\workshopRL{דוד\sphinxhyphen{}כהן} \%"
    assert tex_text("\u200fדוד\u200e x") == r"\workshopRL{דוד} x"
    assert tex_text("Jérémy Cohen") == "Jérémy Cohen"


def test_missing_glyph_message_names_character_face_and_file():
    from sphinx_workshop_site.book.latexrun import missing_characters, missing_message, sources_of

    log = (
        "Missing character: There is no \u0905 (U+0905) in font [FreeSerifItalic.otf]/OT:scri\n"
        "pt=latn;language=dflt;mapping=tex-text;!\n"
        "Missing character: There is no \u0905 (U+0905) in font [FreeSerifItalic.otf]/OT:scri\n"
        "pt=latn;language=dflt;mapping=tex-text;!\n"
        "Missing character: There is no \u0905 (U+0905) in font FreeSans/B/OT:script=latn;!\n"
    )
    missing = missing_characters(log)
    assert missing == [("\u0905", "FreeSerifItalic"), ("\u0905", "FreeSans")]
    tex = [
        "\\begin{document}",
        "% workshop-source: proceedings.md",
        "x \u0905",
        "% workshop-source: abstracts/sharma.md",
        "\u0905",
        "% workshop-source-end",
    ]
    message = missing_message(missing, sources_of(tex, ["\u0905"]), Path("book.log"))
    assert message.startswith("error: 2 character(s) would print as nothing")
    assert "'\u0905' (U+0905) in FreeSerifItalic (abstracts/sharma.md, proceedings.md)" in message


# -- the hard book -----------------------------------------------------------------------------


def test_dois_printed_as_written_broken_only_after_slash_or_dot(book):
    """Each DOI whole in the text (pdftotext, its line breaks joined), and where a line breaks
    inside it, the break comes after '/' or '.', never at one of its own hyphens."""
    text = pdftext(book / PDF)
    for doi in HARD_DOIS:
        found = re.search(r"\s*".join(re.escape(c) for c in doi), text)
        assert found, doi
        for piece in found.group(0).split("\n")[:-1]:
            assert piece.rstrip().endswith(("/", ".")), (doi, found.group(0))


def test_math_title_outline_reads_as_text(book):
    from pypdf import PdfReader

    def titles(items):
        for item in items:
            yield from titles(item) if isinstance(item, list) else [item.title]

    outline = list(titles(PdfReader(book / PDF).outline))
    hard = [t for t in outline if "sketched" in t]
    assert hard and HARD_OUTLINE.replace(" ", "") in hard[0].replace(" ", ""), hard or outline


def test_eight_authors_each_with_affiliation(book):
    text = squash(pdftext(book / PDF))
    for name, affiliation in HARD_AUTHORS:
        assert squash(name) in text and squash(affiliation) in text, name


def test_one_index_entry_per_person(book):
    """Lê Hoàng Phúc speaks in one contribution and is an author of another: one entry in the
    author index, with both."""
    pages = pdftext(book / PDF).split("\f")
    index = "\n".join(pages[index_page(book / PDF) - 1 :])
    entries = [line for line in index.splitlines() if "Lê" in line and "Phúc" in line]
    assert len(entries) == 1, entries
    assert len(re.findall(r"No\. \d+", entries[0])) == 2, entries


def test_running_foot_one_line_on_every_page(book):
    """The running foot (a talk's title, the folio) is one line on every page: no word of the
    foot's zone sits on another line than the folio's."""
    xml = pdftext(book / PDF, "-bbox")
    wrapped = []
    for number, page in enumerate(xml.split("<page ")[1:], 1):
        words = [
            (float(y0), float(y1), w)
            for y0, y1, w in re.findall(
                r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>', page
            )
        ]
        if not words:
            continue
        base = max(w[1] for w in words)  # the foot's line: the page's lowest
        foot = [w for w in words if w[1] > base - 20]  # body text ends a footskip (30 pt) above
        stray = [w for w in foot if abs(w[1] - base) > 6]  # half a line
        if stray:
            wrapped.append((number, [w[2] for w in foot]))
    assert not wrapped, wrapped
