"""The PDF proceedings of the real site (plus a talk full of LaTeX specials), built with make pdf."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from conftest import ROOT, copy_project, copy_site, make, require_tool, sphinx_build

OUTPUT = ROOT / "test-output" / "pdf"
PDF = "_build/pdf/lorainne24-proceedings.pdf"
DRAFT_PDF = "_build/pdf/lorainne24-proceedings-draft.pdf"
SPECIALS_TITLE = r"Rank-$k$ & 100% of {A}_x #1 ~ \emph ^"
SPECIALS_TALK = f"""\
---
speakers: [zhang-wei]
authors:
  - name: 张伟
    affiliation: Tsinghua University, Beijing
  - name: André Jérémy Éloïse
    affiliation: Université de Lorraine, Nancy
    orcid: 0000-0001-5109-3700
  - name: Wang Lei (王磊)
    affiliation: Peking University, Beijing
  - name: Αλέξανδρος Παπαδόπουλος
    affiliation: Πανεπιστήμιο Αθηνών
  - name: Дмитрий Иванов
    affiliation: Московский университет
---

# {SPECIALS_TITLE}

Specials in the body: 50% & more, $x_1$ and {{braces}}, a #hash, a ~tilde, \\emph and ^caret.
"""
SPECIALS_SPEAKER = "---\naffiliation: Tsinghua University, Beijing\n---\n\n# 张伟\n"
POSTER = """\
---
type: poster
speakers: [zhang-wei]
---

# Tensor trains on a poster board

A poster.
"""
COHEN_BIO = "Jérémy Cohen works on *nonnegative* tensor decompositions."
# The organizers' front pages and the imprint's settings (the 2024 book has neither front pages
# nor a licence, an ISBN or a DOI: the shared book sets them)
WELCOME = """\
# Welcome

Dear participants, welcome to Nancy. This book holds the programme, the abstracts and the
speakers of the workshop.

## Practical information

Coffee is served in the hall.
"""
COMMITTEES = "# Committees\n\nThe organizing committee: the editors of this book.\n"
FRONT_SETTINGS = """
workshop_book_front_pages = ["welcome", "committees"]  # not in alphabetical order
workshop_book_licence = "CC BY 4.0"
workshop_book_isbn = "978-3-16-148410-0"
workshop_book_doi = "10.5281/zenodo.1234567"
workshop_book_version = "1.0"
"""
HOSTILE_TALK = '---\nspeakers: [zhang-wei]\n---\n\n# \\<script>alert(1)\\</script> & "quotes" $x_1$ % # { } \\\\ ~ ^ _\n\nText.\n'


def pdftext(pdf: Path, *args: str) -> str:
    return subprocess.run(
        ["pdftotext", *args, str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def squash(text: str) -> str:
    """Join words hyphenated across lines, drop spacing and case: robust text matching."""
    text = re.sub(r"-\s*\n\s*", "", text)
    return re.sub(r"[\s\-‐]+", "", text).casefold()


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    for tool in ("xelatex", "bwrap", "pdftotext", "pdftoppm"):
        require_tool(tool, "the PDF tests need TeX, bubblewrap and poppler-utils (see README)")
    root = copy_project(tmp_path_factory.mktemp("book"))
    (root / "abstracts/specials.md").write_text(SPECIALS_TALK, encoding="utf-8")
    (root / "speakers/zhang-wei.md").write_text(SPECIALS_SPEAKER, encoding="utf-8")
    (root / "abstracts/hostile.md").write_text(HOSTILE_TALK, encoding="utf-8")
    (root / "abstracts/board-poster.md").write_text(POSTER, encoding="utf-8")
    with (root / "speakers/cohen.md").open("a", encoding="utf-8") as page:
        page.write(f"\n{COHEN_BIO}\n")
    schedule = root / "program/schedule.yaml"
    schedule.write_text(schedule.read_text().replace("posters: []", "posters: [board-poster]"))
    (root / "welcome.md").write_text(WELCOME, encoding="utf-8")
    (root / "committees.md").write_text(COMMITTEES, encoding="utf-8")
    with (root / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write(FRONT_SETTINGS)
    home = root / "index.md"  # on the site, ordinary pages
    home.write_text(home.read_text().replace("speakers/index\n", "speakers/index\nwelcome\ncommittees\n"))
    result = make(root, "pdf")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    (root / "make-pdf.out").write_text(result.stdout, encoding="utf-8")
    return root


def test_pdf_is_built_without_undefined_references(book):
    log = (book / "_build/latex/lorainne24-proceedings.log").read_text(errors="replace")
    assert not re.search(r"undefined (references|citations)|Reference `[^']*' on page \d+ undefined", log)
    assert "Missing character" not in log  # no glyph dropped (accents, CJK)
    assert "??" not in pdftext(book / PDF)


def test_cover_facts(book):
    cover = pdftext(book / PDF, "-f", "1", "-l", "1")
    for fact in (
        "LoRAINNe’24",
        "LOw-Rank Approximations and their Interactions",
        "Neural NEtworks",
        "26–27 November 2024",
        "IDMC",
        "Nancy",
        "Ricardo Borsoi",
        "Marianne Clausel",
        "Sebastian Miron",
        "Konstantin Usevich",
        "ANR LeaFleT",
        "ANR-19-CE23-0021",
        "Book of abstracts",
    ):
        assert squash(fact) in squash(cover), fact


def test_every_talk_speaker_and_reference(book):
    from pybtex.database import parse_file

    text = squash(pdftext(book / PDF))
    for page in sorted((book / "abstracts").glob("*.md")):
        if page.stem in ("index", "specials", "hostile"):
            continue
        title = re.search(r"^# (.+)$", page.read_text(), re.M).group(1)
        assert squash(title) in text, title
    for page in sorted((book / "speakers").glob("*.md")):
        if page.stem != "index":
            name = re.search(r"^# (.+)$", page.read_text(), re.M).group(1)
            assert squash(name) in text, name
    for bib in sorted((book / "abstracts").glob("*.bib")):
        for entry in parse_file(str(bib)).entries.values():
            title = re.sub(r"[{}]", "", entry.fields["title"])
            assert squash(title) in text, title


def test_references_stay_under_their_talk(book):
    """Each talk's list comes right after it, before the next talk starts."""
    text = squash(pdftext(book / PDF))
    talks = text.index(squash("Speaker: André de Almeida"))
    talk = text.rindex(
        squash("Overview of tensor decompositions and some applications to wireless"), 0, talks
    )
    kolda = text.index(squash("Tensor decompositions and applications"), talk)
    next_talk = text.index(squash("Decoupling multivariate functions using tensors"), talk)
    assert talk < kolda < next_talk


def test_author_index(book):
    text = pdftext(book / PDF)
    index = text[text.rindex("Author index") :]
    for entry in (
        "Almeida, André de (No. 1)",
        "Cohen, Jérémy (No. 5)",
        "Zniyed, Yassine",
        "张伟 (No. ",
        "Éloïse, André Jérémy (No. 10)",
    ):
        assert entry in index, entry
    # one entry per person, all their contributions on it (written by the extension, not xindy)
    assert index.count("张伟") == 1 and re.search(r"张伟 \(No\. \d+\), \d+; \(No\. \d+\), \d+", index), index


def test_latex_specials_are_shown_literally(book):
    text = pdftext(book / PDF)
    assert "& 100% of {A}_x #1 ~ \\emph ^" in text
    assert "50% & more" in text and "{braces}" in text and "#hash" in text and "\\emph and ^caret" in text
    tex = (book / "_build/latex/lorainne24-proceedings.tex").read_text()
    assert r"Rank\sphinxhyphen{}\(k\)" in tex  # the math stays math


def test_hostile_title_is_literal(book):
    # the math's x is a mathematical italic x (unicode-math): NFKC reads it as x
    text = unicodedata.normalize("NFKC", pdftext(book / PDF)).replace("x_1", "x1")
    assert '<script>alert(1)</script> & "quotes" x1 % # { } \\ ~ ^ _' in text


def test_pages_rendered_for_review(book):
    OUTPUT.mkdir(parents=True, exist_ok=True)
    text_pages = pdftext(book / PDF).split("\f")

    def first(predicate) -> int:
        return next(i for i, p in enumerate(text_pages, 1) if predicate(p))

    shown = {
        "cover": 1,
        "imprint": 2,
        "welcome": first(lambda p: p.strip().startswith("Welcome")),
        "contents": first(lambda p: p.strip().startswith("Contents")),
        "programme": first(lambda p: p.strip().startswith("Programme")),
        "talk": first(lambda p: "Implicit Regularization in Regularized" in p and "Keywords" in p),
        "speakers": first(lambda p: p.strip().startswith("Speakers")),
        "index": len(text_pages) - 1,
    }
    for name, page in shown.items():
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "60",
                "-f",
                str(page),
                "-l",
                str(page),
                "-singlefile",
                str(book / PDF),
                str(OUTPUT / name),
            ],
            check=True,
        )
        assert (OUTPUT / f"{name}.png").stat().st_size > 10_000, name


def test_draft_has_its_own_name_mark_and_metadata(book):
    from pypdf import PdfReader

    result = make(book, "pdf", "DRAFT=1")
    assert result.returncode == 0, result.stdout[-2000:]
    draft = book / DRAFT_PDF
    # the mark is drawn rotated: poppler reads it letter by letter
    pages = pdftext(draft, "-raw").split("\f")[:-1]
    assert len(pages) > 10 and all("draft" in squash(page) for page in pages)
    assert "Draft" in PdfReader(draft).metadata["/Title"]
    packet = PdfReader(draft).trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert "<jav:journal_article_version>AO</jav:journal_article_version>" in packet
    assert "<xmpMM:RenditionClass>draft</xmpMM:RenditionClass>" in packet
    assert "Draft · Version 1.0 · Built on" in pdftext(draft, "-f", "2", "-l", "2")  # the imprint says it
    # the final book is another file, untouched
    assert "draft" not in squash(pdftext(book / PDF, "-raw", "-f", "1", "-l", "1"))
    assert "Draft" not in PdfReader(book / PDF).metadata["/Title"]


def line_of(path: Path, text: str) -> int:
    """The 1-based line of the first line of ``path`` that starts with ``text`` (spaces aside)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if line.strip().startswith(text))


def test_completeness_report_and_final_build(book):
    result = make(book, "pdf", "FINAL=1")
    assert result.returncode != 0
    out = result.stdout + result.stderr
    title = line_of(book / "abstracts/gusak.md", "# ")
    assert title > 1
    assert re.search(
        rf"abstracts/gusak\.md:{title}: WARNING: no abstract yet .*\[workshop\.unfinished\]", out
    )
    entry = line_of(book / "abstracts/zniyed.bib", "@article{pham2024enhanced")
    assert (
        f"abstracts/zniyed.bib:{entry}: WARNING: reference 'pham2024enhanced' has no DOI or arXiv id" in out
    )
    assert "The proceedings are in" not in out  # stopped before LaTeX


def test_final_build_reports_what_is_not_known_yet(book):
    """A placeholder title, a contribution without a slot, a talk slot that names no contribution
    and a spotlight slot with no spotlights: each one located warning with FINAL=1."""
    result = make(book, "pdf", "FINAL=1")
    out = result.stdout + result.stderr
    title = line_of(book / "abstracts/tudisco.md", "# Title to be announced")
    assert re.search(rf"abstracts/tudisco\.md:{title}: WARNING: the title 'Title to be announced' says", out)
    assert re.search(
        rf"abstracts/gusak\.md:{line_of(book / 'abstracts/gusak.md', '# ')}: WARNING: the title", out
    )
    assert re.search(
        rf"abstracts/qi\.md:{line_of(book / 'abstracts/qi.md', '# ')}: WARNING: 'qi' is not in the programme .*"
        r"give it a slot 'talk: qi' in program/schedule\.yaml \[workshop\.unfinished\]",
        out,
    )
    schedule = book / "program/schedule.yaml"
    for start in ("15:00-15:30", "15:30-16:00"):  # the two "Invited talk" slots
        line = line_of(schedule, f"- time: {start}")
        assert re.search(
            rf"program/schedule\.yaml:{line}: WARNING: the talk slot 'Invited talk' .* names no", out
        )
    spotlights = line_of(schedule, "- time: 17:15-17:30")
    assert f"program/schedule.yaml:{spotlights}: WARNING: the spotlight slot 'Spotlight posters'" in out
    assert not re.search(r"\S+:1: WARNING", out)  # every item at its own line


def test_make_pdf_ends_with_where_the_pdf_is(book):
    out = (book / "make-pdf.out").read_text(encoding="utf-8")
    assert "latexpdf" not in out and "Run 'make' in that directory" not in out
    # (make's own "Leaving directory" lines appear when make runs inside make, as under `make test`)
    lines = [line for line in out.strip().splitlines() if not line.startswith("make[")]
    assert lines[-1] == "The proceedings are in _build/pdf/lorainne24-proceedings.pdf"
    assert "Completeness:" in out and "program/schedule.yaml, line" in out  # the report, not warnings


# -- The book as a reader (and a repository) sees it ---------------------------------------------


def reader(book):
    from pypdf import PdfReader

    return PdfReader(book / PDF)


def test_metadata_info_and_language(book):
    pdf = reader(book)
    info = pdf.metadata
    assert info["/Title"] == "LoRAINNe’24: Book of abstracts"
    assert info["/Author"] == "Ricardo Borsoi, Marianne Clausel, Sebastian Miron, Konstantin Usevich"
    assert "Workshop on LOw-Rank Approximations" in info["/Subject"]
    assert "26–27 November 2024" in info["/Subject"]
    assert "LoRAINNe’24" in info["/Keywords"]
    assert pdf.trailer["/Root"]["/Lang"] == "en"
    xmp = pdf.xmp_metadata  # the XMP packet (hyperxmp): what repositories read
    assert xmp is not None
    assert xmp.dc_creator == ["Ricardo Borsoi", "Marianne Clausel", "Sebastian Miron", "Konstantin Usevich"]
    assert xmp.dc_language == ["en"]
    assert "LoRAINNe’24: Book of abstracts" in xmp.dc_title.values()


def test_page_labels_cover_roman_arabic(book):
    labels = reader(book).page_labels
    pages = pdftext(book / PDF).split("\f")
    programme = next(i for i, page in enumerate(pages) if page.strip().startswith("Programme"))
    assert labels[0] == "Cover"
    # the imprint, the contents and the front pages: roman; the programme opens page 1
    assert labels[1:programme] == ["ii", "iii", "iv", "v", "vi", "vii", "viii"]
    assert labels[programme] == "1"
    assert labels[-1].isdigit()


def test_contents_on_a_recto_and_blank_pages_without_folio(book):
    pages = pdftext(book / PDF).split("\f")
    contents = next(i for i, page in enumerate(pages) if page.strip().startswith("Contents"))
    assert contents % 2 == 0  # 0-based even: a physical odd page, a recto
    assert pages[1].strip().startswith("LoRAINNe’24: Book of abstracts")  # the imprint, on the verso
    assert not pages[1].strip().endswith("ii")  # without folio
    assert pages[3].strip() == ""  # the contents' verso: blank, no folio


def test_imprint_on_the_covers_verso(book):
    """Page ii: the book, its editors, ©, the licence with its address, ISBN, DOI, version and
    the build date, as a publisher's imprint (in that order)."""
    imprint = pdftext(book / PDF, "-f", "2", "-l", "2")
    facts = [
        "LoRAINNe’24: Book of abstracts",
        "Workshop on LOw-Rank Approximations and their Interactions with Neural NEtworks",
        "IDMC (Institut des Sciences du Digital), Nancy, France, 26–27 November 2024",
        "Edited by Ricardo Borsoi, Marianne Clausel, Sebastian Miron and Konstantin Usevich (SiMul group @ CRAN)",
        "© 2024 Workshop LoRaINNe",
        "This work is licensed under Creative Commons Attribution 4.0 International (CC BY 4.0)",
        "https://creativecommons.org/licenses/by/4.0/",
        "ISBN 978-3-16-148410-0",
        "DOI 10.5281/zenodo.1234567",
        "Version 1.0 · Built on ",
    ]
    at = [squash(imprint).find(squash(fact)) for fact in facts]
    assert -1 not in at and at == sorted(at), list(zip(facts, at, strict=True))
    assert re.search(r"Built on \d{1,2} [A-Z][a-z]+ 20\d\d", imprint), imprint
    assert "Draft" not in imprint


def test_front_pages_after_the_contents_in_the_order_listed(book):
    """workshop_book_front_pages ["welcome", "committees"]: chapters in that order after the
    contents, before the programme, at roman pages; their sections are not in the contents."""
    pages = pdftext(book / PDF, "-layout").split("\f")
    contents = next(page for page in pages if page.strip().startswith("Contents"))
    entries = [line.split()[0] for line in contents.splitlines()[1:] if line.strip()]
    assert entries[:3] == ["Welcome", "Committees", "Programme"], entries
    assert re.search(r"^Welcome\s+v$", contents, re.M) and re.search(r"^Committees\s+vii$", contents, re.M)
    assert "Practical information" not in contents
    welcome = next(i for i, page in enumerate(pages) if page.strip().startswith("Welcome"))
    assert "Dear participants, welcome to Nancy." in pages[welcome]
    assert "Practical information" in pages[welcome]
    assert reader(book).page_labels[welcome] == "v"


def test_outline_is_parts_and_numbered_talks(book):
    def titles(items):
        for item in items:
            if isinstance(item, list):
                yield from titles(item)
            else:
                yield item.title

    outline = reader(book).outline
    top = [item.title for item in outline if not isinstance(item, list)]
    front = ["Contents", "Welcome", "Committees"]
    assert top == [*front, "Programme", "Abstracts", "Posters", "Speakers", "Author index"]
    pages = pdftext(book / PDF).split("\f")
    contents = next(i for i, page in enumerate(pages) if page.strip().startswith("Contents"))
    assert reader(book).get_destination_page_number(outline[0]) == contents
    every = list(titles(outline))
    assert not {"References", "Related reading"} & set(every)
    talks = [t for t in every if re.match(r"\d+\. ", t)]
    assert talks[0].startswith("1. Overview of tensor decompositions")
    assert len(talks) == len(set(talks))  # two 'Title to be announced' are told apart


def test_fonts_embedded_and_index_not_monospace(book):
    fonts = subprocess.run(["pdffonts", str(book / PDF)], capture_output=True, text=True, check=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all(" yes " in row for row in rows), fonts
    count = len(pdftext(book / PDF).split("\f")) - 1
    index = subprocess.run(
        ["pdffonts", "-f", str(count), "-l", str(count), str(book / PDF)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "FreeSerif" in index and "Mono" not in index


def test_urls_and_dois_in_the_text_font(book):
    """The url package sets URLs in math mode: their ':' must not come from Computer Modern."""
    pages = pdftext(book / PDF).split("\f")
    with_links = [n for n, page in enumerate(pages, 1) if "doi:10." in page or "URL: https://" in page]
    assert len(with_links) >= 3
    for number in with_links:
        fonts = subprocess.run(
            ["pdffonts", "-f", str(number), "-l", str(number), str(book / PDF)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        names = [row.split()[0] for row in fonts.splitlines()[2:]]
        assert names and not [n for n in names if re.search(r"\+CM|^CM", n)], (number, fonts)


def test_speaker_names_without_a_stray_space(book):
    tex = (book / "_build/latex/lorainne24-proceedings.tex").read_text()
    assert "\\workshopspeaker{\n" not in tex
    assert "\\workshopspeaker{\\mbox{André\u00a0de\u00a0Almeida}}" in tex  # a name never breaks


def test_names_never_break_across_lines(book):
    """'Lê Hoàng / Phúc': every name in the details, the contents, the programme, the speakers part
    and the author index is one box (no break at its spaces, which are no-break spaces, at its
    hyphens or by hyphenation)."""
    tex = (book / "_build/latex/lorainne24-proceedings.tex").read_text()
    assert "\\workshoptocspeakers{\\mbox{André\u00a0de\u00a0Almeida}}" in tex
    assert "\\textbf{Speaker:} \\mbox{André\u00a0de\u00a0Almeida}" in tex
    assert "\\itshape \\mbox{André\u00a0de\u00a0Almeida}" in tex  # the programme
    assert "\\sphinxstyleindexentry{\\mbox{Almeida,\u00a0André\u00a0de}}" in tex
    text = pdftext(book / PDF)
    assert "André de\nAlmeida" not in text and "André\nde Almeida" not in text


def test_keywords_rights_and_version_in_the_metadata(book):
    pdf = reader(book)
    keywords = pdf.metadata["/Keywords"]
    assert keywords.startswith("LoRAINNe’24, LOw-Rank Approximations and their Interactions")
    cohen = (book / "abstracts/cohen.md").read_text(encoding="utf-8")
    own = re.search(r"^keywords: \[(.*)\]$", cohen, re.M).group(1).split(", ")
    assert own and all(keyword in keywords for keyword in own), (own, keywords)
    xmp = pdf.xmp_metadata
    packet = pdf.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert "<pdf:Keywords>LoRAINNe’24, LOw-Rank Approximations" in packet  # hyphens kept in XMP too
    assert "2024 Workshop LoRaINNe" in xmp.dc_rights["en"]
    assert "<xmpRights:Marked>True</xmpRights:Marked>" in packet
    version = re.search(r"<jav:journal_article_version>(\w+)</", packet).group(1)
    assert version == "VoR"  # NISO JAV: the book as published
    # the imprint's licence, ISBN and DOI (hyperxmp: xmpRights:WebStatement, prism:isbn, prism:doi)
    assert "https://creativecommons.org/licenses/by/4.0/" in packet
    assert "978-3-16-148410-0" in packet and "10.5281/zenodo.1234567" in packet


def test_programme_says_what_will_be_announced(book):
    pages = pdftext(book / PDF, "-layout").split("\f")
    start = next(i for i, page in enumerate(pages) if page.lstrip().startswith("Programme"))
    programme = "\n".join(pages[start : start + 3]).split("Abstracts")[0]
    # the fixture lists a poster; the spotlight slot has none yet: the site's words, under it
    assert re.search(r"Spotlight posters\s*\n\s*Spotlights will be announced\.", programme), programme
    assert "Posters will be announced." not in programme


def test_every_script_prints(book):
    log = (book / "_build/latex/lorainne24-proceedings.log").read_text(errors="replace")
    assert "Missing character" not in log
    text = pdftext(book / PDF)
    for name in ("Wang Lei (王磊)", "张伟", "Παπαδόπουλος", "Дмитрий Иванов", "André Jérémy Éloïse"):
        assert name in text, name


def test_missing_glyph_fails_latexrun(tmp_path):
    """A character no font has (an Egyptian hieroglyph) fails the run, naming it, after the first
    pass (each pass sets every page: more would find nothing new)."""
    require_tool("xelatex", "the PDF tests need TeX (see README)")
    (tmp_path / "glyph.tex").write_text(
        "\\documentclass{article}\n\\usepackage{fontspec}\n\\setmainfont{FreeSerif}\n"
        "\\begin{document}\nA name: \U00013000.\n\\end{document}\n",
        encoding="utf-8",
    )
    result = latexrun(tmp_path, "glyph")
    assert result.returncode == 1
    assert (
        "error: 1 character(s) would print as nothing, the font of their face has no glyph for them: "
        "'\U00013000' (U+13000) in FreeSerif (the book's own pages)"
    ) in result.stdout
    assert not (tmp_path / "glyph.pdf").exists()
    assert (tmp_path / "latex.out").read_text(errors="replace").count("This is XeTeX") == 1


def test_author_index_sorted_by_transliteration(book):
    text = pdftext(book / PDF)
    index = text[text.rindex("Author index") :]
    z_group = index[index.index("\nZ\n") :]
    assert "张伟" in z_group and z_group.index("张伟") < z_group.index("Zniyed")  # zhangwei < zniyed
    p_group = index[index.index("\nP\n") :]
    assert p_group.index("Παπαδόπουλος") < p_group.index("\n", p_group.index("Παπαδόπουλος"))
    assert index.index("Ivanov" if "Ivanov" in index else "Иванов") < index.index("Zniyed")


def programme_rows(text: str) -> dict[int, tuple[str, str]]:
    """{contribution number: (start of its title, printed page)} from the programme's rows."""
    rows = {}
    for line in text.splitlines():
        if match := re.match(r"^\s*(?:\d\d:\d\d–\d\d:\d\d)?\s+(\d+)\s{2,}(\S.*?)\s{2,}(\d+)\s*$", line):
            rows[int(match.group(1))] = (match.group(2)[:20], match.group(3))
    return rows


def test_programme_pages_match_where_each_abstract_starts(book):
    labels = reader(book).page_labels
    pages = pdftext(book / PDF, "-layout").split("\f")
    start = next(i for i, page in enumerate(pages) if page.lstrip().startswith("Programme"))
    programme = "\n".join(pages[start : start + 3]).split("Abstracts")[0]
    rows = programme_rows(programme)
    assert len(rows) >= 9, programme
    for number, (title, printed) in rows.items():
        heading = re.compile(rf"^\s*{number}\s+{re.escape(title)}", re.M)
        starts = [i for i, page in enumerate(pages) if i > start + 1 and heading.search(page)]
        assert starts, (number, title)
        assert labels[starts[0]] == printed, (number, title, printed, labels[starts[0]])


def test_posters_part_after_the_talks(book):
    from pypdf import PdfReader

    outline = PdfReader(book / PDF).outline
    top = [item.title for item in outline if not isinstance(item, list)]
    assert top[top.index("Programme") :] == ["Programme", "Abstracts", "Posters", "Speakers", "Author index"]
    at = next(i for i, item in enumerate(outline) if not isinstance(item, list) and item.title == "Posters")
    posters = outline[at + 1]
    assert len(posters) == 1 and posters[0].title.endswith(". Tensor trains on a poster board")
    text = pdftext(book / PDF)
    poster_page = next(
        p for p in text.split("\f") if "Tensor trains on a poster board" in p and "When: Cocktail" in p
    )
    # labelled as on the site, and as a talk's slot
    assert "When: Cocktail + posters: Tuesday 26 November 2024, 17:30–19:00, board 1" in poster_page
    programme = pdftext(book / PDF, "-layout")
    assert re.search(r"board 1\s+\d+\s+Tensor trains on a poster board", programme)
    index = text[text.rindex("Author index") :]
    assert "张伟" in index


def test_speakers_once_by_family_name_with_their_own_text(book):
    text = pdftext(book / PDF)
    pages = text.split("\f")
    first = next(i for i, page in enumerate(pages) if page.lstrip().startswith("Speakers\n"))
    part = "\f".join(pages[first:]).split("Author index")[0]
    names = ["André de Almeida", "Christophe Cerisara", "Jérémy Cohen", "Julia Gusak", "Mariya Ishteva"]
    assert [part.index(n) for n in names] == sorted(part.index(n) for n in names)  # family-name order
    assert "Jérémy Cohen works on nonnegative tensor decompositions." in part
    assert re.search(r"No\. 5, p\. \d+: Implicit Regularization", part)
    assert "Confirmed speaker at" not in text  # the site's shared wording, not a speaker's own text
    assert part.count("Jérémy Cohen\n") == 1


def test_citation_markers_tied_and_spaced(book):
    text = pdftext(book / PDF)
    assert "Cohen and Leplat [1]" in text
    assert "Leplat[1]" not in text and "Bader[1]" not in text
    tex = (book / "_build/latex/lorainne24-proceedings.tex").read_text()
    assert r"Leplat~\hyperref" in tex and r"\textup{[1]}" in tex


def html_links_pdf(book: Path) -> dict[str, bool]:
    pages = {"index.html": "", "program/index.html": "../", "abstracts/cohen.html": "../"}
    return {
        page: f'href="{prefix}lorainne24-proceedings.pdf"' in (book / "_build/html" / page).read_text()
        for page, prefix in pages.items()
    }


def test_make_all_links_the_pdf_from_every_page_and_html_keeps_it(book):
    pdf = book / PDF
    aside = book / "proceedings-aside.pdf"
    pdf.rename(aside)
    assert make(book, "html").returncode == 0
    assert not any(html_links_pdf(book).values())  # no PDF, no link
    aside.rename(pdf)
    # a talk edited since the book was typeset: the site links the older book, and says so
    edited = book / "abstracts/specials.md"
    text = edited.read_text(encoding="utf-8")
    edited.write_text(text + "\nA sentence added since.\n", encoding="utf-8")
    os.utime(edited, (pdf.stat().st_mtime + 10,) * 2)
    result = make(book, "html")
    assert result.returncode == 0  # the PDF appeared: every page is rewritten with the link
    assert all(html_links_pdf(book).values()), html_links_pdf(book)
    notes = [line for line in result.stdout.splitlines() if line.startswith("note: the site links")]
    assert notes == [
        f"note: the site links {Path(PDF).name}, typeset before abstracts/specials.md changed: "
        "make pdf (or make all) to publish them together"
    ]
    edited.write_text(text, encoding="utf-8")  # as it was: the book's LaTeX is the same
    result = make(book, "all")
    assert result.returncode == 0, result.stdout[-2000:]
    assert "it is up to date" in result.stdout  # not typeset again
    assert all(html_links_pdf(book).values())
    assert "note: the site links" not in result.stdout
    assert "Download the proceedings" in (book / "_build/html/program/index.html").read_text()
    assert (book / "_build/html/lorainne24-proceedings.pdf").is_file()


def test_the_site_names_the_sources_changed_since_the_pdf(tmp_path):
    """By their content, as the book recorded it: a file saved again unchanged is not one, a file
    edited, added or gone is; without the record (an older PDF), a file modified after it is."""
    from sphinx_workshop_site.book.sources import SOURCES_SUFFIX, book_sources, changed_since, write_record

    for name, text in {
        "abstracts/a.md": "A",
        "abstracts/b.md": "B",
        "abstracts/c.bib": "C",
        "x.yaml": "X",
    }.items():
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    pdf = tmp_path / "_build/pdf/book.pdf"
    pdf.parent.mkdir(parents=True)
    pdf.write_bytes(b"%PDF")

    def sources():
        return book_sources(tmp_path, ["abstracts", "speakers"], [tmp_path / "x.yaml"])

    write_record(pdf.with_suffix(SOURCES_SUFFIX), tmp_path, sources())
    later = pdf.stat().st_mtime + 10
    (tmp_path / "abstracts/a.md").write_text("A", encoding="utf-8")  # saved again, unchanged
    (tmp_path / "abstracts/b.md").write_text("B, edited", encoding="utf-8")
    (tmp_path / "abstracts/c.bib").unlink()
    (tmp_path / "abstracts/d.md").write_text("D", encoding="utf-8")
    for name in ("abstracts/a.md", "abstracts/b.md", "abstracts/d.md"):
        os.utime(tmp_path / name, (later, later))
    assert changed_since(pdf, tmp_path, sources()) == ["abstracts/b.md", "abstracts/c.bib", "abstracts/d.md"]
    pdf.with_suffix(SOURCES_SUFFIX).unlink()  # a PDF made before the record: by time
    assert changed_since(pdf, tmp_path, sources()) == ["abstracts/a.md", "abstracts/b.md", "abstracts/d.md"]


def test_make_pdf_without_tex_names_the_packages(tmp_path):
    shutil.copy2(ROOT / "Makefile", tmp_path / "Makefile")
    shutil.copy2(ROOT / "requirements.txt", tmp_path / "requirements.txt")
    shared = Path("_ext/sphinx_workshop_site/edition/site.mk")  # the targets every site shares
    (tmp_path / shared).parent.mkdir(parents=True)
    shutil.copy2(ROOT / shared, tmp_path / shared)
    result = make(tmp_path, "pdf", "TEX_TOOLS=no-such-latexmk")
    assert result.returncode != 0
    message = (result.stdout + result.stderr).strip().splitlines()
    assert any(
        "make pdf needs TeX" in line and "texlive-xetex" in line and "apt-get install" in line
        for line in message
    )


# -- LaTeX in a sandbox (sphinx_workshop_site.book.latexrun) -----------------------------------------------------


def latexrun(latexdir: Path, name: str, **env: str) -> subprocess.CompletedProcess:
    """`make pdf`'s LaTeX step, with extra variables in the caller's environment."""
    return subprocess.run(
        [sys.executable, "-m", "sphinx_workshop_site.book.latexrun", str(latexdir), "--name", name],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PYTHONPATH": str(ROOT / "_ext"), **env},
    )


def test_book_marks_where_each_talk_starts_and_ends(book):
    tex = (book / "_build/latex/lorainne24-proceedings.tex").read_text().splitlines()
    starts = [
        line.removeprefix("% workshop-source: ") for line in tex if line.startswith("% workshop-source: ")
    ]
    for page in sorted((book / "abstracts").glob("*.md")):
        if page.name != "index.md":  # the site's list of talks: the book has its own parts
            assert f"abstracts/{page.name}" in starts, page.name
    assert starts[0] == "proceedings.md"
    # the organizers' front pages, in the order listed: marked as front matter (texverify)
    front = [
        line.removeprefix("% workshop-front-source: ") for line in tex if line.startswith("% workshop-front-")
    ]
    assert front == ["welcome.md", "committees.md"]
    assert sum(line == "% workshop-source-end" for line in tex) == len(starts) + len(front) - 1


def test_latex_error_names_the_talk_it_came_from(book, tmp_path):
    """A command the book's layout never writes, in a talk's LaTeX (a channel the input checks
    missed): the verification names the talk and nothing is typeset."""
    latexdir = tmp_path / "latex"
    shutil.copytree(book / "_build/latex", latexdir)
    tex = latexdir / "lorainne24-proceedings.tex"
    lines = tex.read_text().splitlines()
    start = lines.index("% workshop-source: abstracts/cohen.md")
    lines.insert(start + 3, r"\workshopnosuchcommand")
    tex.write_text("\n".join(lines) + "\n")
    (latexdir / "latex.out").unlink()
    result = latexrun(latexdir, "lorainne24-proceedings")
    assert result.returncode == 1
    first = result.stdout.strip().splitlines()[0]
    assert (
        first
        == f"error: abstracts/cohen.md (book line {start + 4}): the control sequence \\workshopnosuchcommand"
    )
    assert not (latexdir / "lorainne24-proceedings.pdf").exists()  # nothing typeset, no stale book
    assert (
        not (latexdir / "latex.out").exists() or "This is XeTeX" not in (latexdir / "latex.out").read_text()
    )


def test_latex_own_error_names_the_talk_it_came_from(book, tmp_path):
    """LaTeX's own error in a talk's LaTeX (an '\\item' outside a list): its '! …' line and the
    talk file."""
    latexdir = tmp_path / "latex"
    shutil.copytree(book / "_build/latex", latexdir)
    tex = latexdir / "lorainne24-proceedings.tex"
    lines = tex.read_text().splitlines()
    start = lines.index("% workshop-source: abstracts/cohen.md")
    lines.insert(start + 3, r"\item")  # allowed, but only in a list
    tex.write_text("\n".join(lines) + "\n")
    result = latexrun(latexdir, "lorainne24-proceedings")
    assert result.returncode == 1
    last = result.stdout.strip().splitlines()[-1]
    assert last.startswith("error: abstracts/cohen.md: LaTeX failed: ! LaTeX Error: Lonely \\item"), (
        result.stdout
    )
    assert not (latexdir / "lorainne24-proceedings.pdf").exists()


BROKEN_MATH_TALK = """\
---
speakers: [cohen]
---

# A talk whose math LaTeX rejects

The rank is $x^2^3$.
"""


def test_make_pdf_names_the_talk_whose_math_latex_rejects(tmp_path):
    for tool in ("xelatex", "bwrap"):
        require_tool(tool, "the PDF tests need TeX (see README)")
    root = copy_project(tmp_path / "book")
    (root / "abstracts/broken-math.md").write_text(BROKEN_MATH_TALK, encoding="utf-8")
    result = make(root, "pdf")
    assert result.returncode != 0
    assert "error: abstracts/broken-math.md: LaTeX failed: ! Double superscript." in result.stdout, (
        result.stdout[-3000:]
    )
    assert not (root / PDF).exists()


def test_latex_time_limit_stops_a_loop(tmp_path):
    """A loop (in the preamble: the body's verification would refuse \\def) stops at the limit,
    the whole jail with it."""
    require_tool("xelatex", "the PDF tests need TeX (see README)")
    (tmp_path / "loop.tex").write_text(
        "\\documentclass{article}\n\\def\\a{\\a}\\AtBeginDocument{\\a}\n\\begin{document}\n"
        "% workshop-source: abstracts/loop.md\nText.\n% workshop-source-end\n\\end{document}\n"
    )
    result = latexrun(tmp_path, "loop", PDF_TIMEOUT="2")
    assert result.returncode == 1
    assert "error: LaTeX took longer than 2 s: stopped (a loop in a talk's math?)" in result.stdout
    still_running = subprocess.run(["pgrep", "-f", "loop.tex"], capture_output=True, text=True).stdout
    assert not still_running.strip()  # the whole process group was stopped
    assert not (tmp_path / "loop.pdf").exists()


def test_latex_cannot_read_host_files_or_the_environment(tmp_path):
    """TeX that got past the verification (here: in the preamble) runs jailed: no shell escape,
    no host file, no environment of the build."""
    require_tool("xelatex", "the PDF tests need TeX (see README)")
    secret = "workshop-secret-4f1c"
    outside = tmp_path.parent / f"{tmp_path.name}-secret.txt"
    outside.write_text(secret)
    for stem, payload in (
        ("environ", r"\input{/proc/self/environ}"),
        ("parent", r"\input{/proc/1/environ}"),
        ("host", rf"\input{{{outside}}}"),
        ("passwd", r"\input{/etc/passwd}"),
        (
            "shell",
            r"\immediate\write18{echo $SECRET_TOKEN > shell-escape.txt}\input{|kpsewhich --var-value=SECRET_TOKEN}",
        ),
        ("image", rf"\special{{pdf:image ({outside})}}"),
    ):
        (tmp_path / f"{stem}.tex").write_text(
            f"\\documentclass{{article}}\n\\AtBeginDocument{{{payload}}}\n\\begin{{document}}\nText.\n\\end{{document}}\n"
        )
        latexrun(tmp_path, stem, SECRET_TOKEN=secret)
        assert not (tmp_path / "shell-escape.txt").exists()
        for output in tmp_path.iterdir():
            if output.is_file() and output.suffix != ".tex":
                data = output.read_bytes()
                assert secret.encode() not in data and b"root:x:0" not in data, (stem, output.name)


FAKE_XELATEX = """#!/bin/sh
env > @OUT@/environment.txt
echo x > "$(basename "$(eval echo \\${$#})" .tex).pdf"
"""


def test_without_the_jail_latex_sees_only_the_environment_it_needs(tmp_path):
    """PDF_SANDBOX=off (the organizer's explicit choice): still an environment built from
    nothing, no caller variable but the locale and PATH, kpathsea's lockdown; and it says so."""
    bin_dir, latexdir = tmp_path / "bin", tmp_path / "latex"  # the fake's record outside the book
    bin_dir.mkdir()
    latexdir.mkdir()
    (bin_dir / "xelatex").write_text(FAKE_XELATEX.replace("@OUT@", str(bin_dir)))
    (bin_dir / "xelatex").chmod(0o755)
    (latexdir / "book.tex").write_text("\\documentclass{article}\n\\begin{document}\n\\end{document}\n")
    path = f"{bin_dir}{os.pathsep}{os.environ['PATH']}"
    result = latexrun(
        latexdir,
        "book",
        PATH=path,
        PDF_SANDBOX="off",
        SECRET_TOKEN="s3cret",
        GITHUB_TOKEN="g",
        AWS_SECRET_ACCESS_KEY="a",
    )
    assert result.returncode == 0, result.stdout
    assert "warning: PDF_SANDBOX=off: LaTeX runs without the sandbox" in result.stdout
    seen = dict(
        line.split("=", 1) for line in (bin_dir / "environment.txt").read_text().splitlines() if "=" in line
    )
    from sphinx_workshop_site.book.latexrun import KPATHSEA_LOCKDOWN, PASSED_THROUGH

    made_here = {"HOME", "TEXMFHOME", "TEXMFVAR", "TEXMFCONFIG", "PWD", "SHLVL", "_"}
    assert set(seen) <= set(PASSED_THROUGH) | set(KPATHSEA_LOCKDOWN) | made_here, set(seen)
    assert "s3cret" not in (bin_dir / "environment.txt").read_text()
    assert {key: seen.get(key) for key in ("shell_escape", "openin_any", "openout_any")} == {
        "shell_escape": "f",
        "openin_any": "p",
        "openout_any": "p",
    }
    assert seen["HOME"] != os.environ.get("HOME") and not Path(seen["HOME"]).exists()  # a temp home, gone


def test_latexrun_says_when_the_pdf_is_missing(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "xelatex").write_text("#!/bin/sh\nexit 0\n")
    (bin_dir / "xelatex").chmod(0o755)
    (tmp_path / "book.tex").write_text("\\documentclass{article}\n\\begin{document}\n\\end{document}\n")
    result = latexrun(tmp_path, "book", PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}", PDF_SANDBOX="off")
    assert result.returncode == 1 and "was not written" in result.stdout


def test_no_jail_no_book_unless_the_organizer_opts_out(tmp_path):
    """Where bubblewrap is missing (or cannot start), nothing is typeset; the message says why
    and how to opt out."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("xelatex", "env"):  # a PATH with TeX but no bwrap
        (bin_dir / tool).symlink_to(shutil.which(tool))
    (tmp_path / "book.tex").write_text(
        "\\documentclass{article}\n\\begin{document}\nText.\n\\end{document}\n"
    )
    result = latexrun(tmp_path, "book", PATH=str(bin_dir))
    assert result.returncode == 1
    assert "cannot start here: bubblewrap is not installed" in result.stdout
    assert "set PDF_SANDBOX=off" in result.stdout
    assert not (tmp_path / "book.pdf").exists()


def test_a_file_latex_writes_beside_the_book_stops_it(tmp_path):
    """TeX may write only its own outputs: a .sty that would shadow a package on the next run
    (or an index module) stops the build and is removed."""
    require_tool("xelatex", "the PDF tests need TeX (see README)")
    (tmp_path / "book.tex").write_text(
        "\\documentclass{article}\n\\AtBeginDocument{\\immediate\\openout5=hyperref.sty"
        "\\immediate\\write5{\\relax}\\immediate\\closeout5}\n\\begin{document}\nText.\n\\end{document}\n"
    )
    result = latexrun(tmp_path, "book")
    assert result.returncode == 1
    assert "LaTeX wrote files the book never writes (hyperref.sty)" in result.stdout
    assert not (tmp_path / "hyperref.sty").exists() and not (tmp_path / "book.pdf").exists()


# -- The book's LaTeX alone (no TeX run): the real site's schedule, settings -----------------------


def test_empty_poster_session_and_keyword_setting_in_the_latex(tmp_path):
    """The real schedule keeps 'posters: []': the book says what the site says, the report names
    the slot's line; workshop_pdf_keywords replaces the contributions' keywords."""
    root = copy_site(tmp_path / "site")
    build = sphinx_build(root, "latex", "-t", "proceedings")
    assert build.returncode == 0, build.output[-3000:]
    tex = (build.outdir / "lorainne24-proceedings.tex").read_text(encoding="utf-8")
    assert r"\itshape Posters will be announced." in tex and r"\itshape Spotlights will be announced." in tex
    line = line_of(root / "program/schedule.yaml", "- time: 17:30-19:00")
    assert (
        "the poster session 'Cocktail + posters' (Tuesday 26 November 2024, 17:30–19:00) lists no posters"
        in (build.output)
    )
    assert f"(program/schedule.yaml, line {line})" in build.output
    assert "latexpdf" not in build.output and "`make pdf` typesets it" in build.output
    assert "pdfkeywords={LoRAINNe’24, LOw-Rank Approximations" in tex
    assert "nonnegative matrix factorization" in tex.split(r"\begin{document}")[0]
    build = sphinx_build(root, "latex", "-t", "proceedings", "-D", "workshop_pdf_keywords=tensors,pruning")
    assert build.returncode == 0, build.output[-3000:]
    tex = (build.outdir / "lorainne24-proceedings.tex").read_text(encoding="utf-8")
    assert "pdfkeywords={LoRAINNe’24, tensors, pruning}" in tex


def test_imprint_settings_and_front_pages_checked_one_line_each(tmp_path, monkeypatch):
    """A bad ISBN, DOI or licence, or a front page that does not exist: one located line each,
    naming the setting (no traceback). Valid ones: the imprint's LaTeX, its date SOURCE_DATE_EPOCH's."""
    root = copy_site(tmp_path / "site")
    bad = [
        "workshop_book_isbn=978-3-16-148410-1",
        "workshop_book_doi=doi:11.1/x",
        "workshop_book_licence=CC BY 5.0",
        "workshop_book_front_pages=nothere",
    ]
    build = sphinx_build(root, "latex", "-t", "proceedings", *(f"-D{setting}" for setting in bad))
    assert build.returncode != 0 and "Traceback" not in build.output
    warnings = [line for line in build.output.splitlines() if "WARNING" in line]
    assert warnings == [
        "conf.py:1: WARNING: workshop_book_isbn '978-3-16-148410-1' has a wrong check digit (the last "
        "digit of this ISBN would be 0): a typo? [workshop.type]",
        "conf.py:1: WARNING: workshop_book_doi 'doi:11.1/x' is not a DOI: write it as "
        "'10.<registrant>/<suffix>', e.g. '10.5281/zenodo.1234567' [workshop.type]",
        "conf.py:1: WARNING: workshop_book_licence 'CC BY 5.0': Creative Commons licences have "
        "versions 1.0, 2.0, 2.5, 3.0, 4.0 [workshop.type]",
        "conf.py:1: WARNING: workshop_book_front_pages lists 'nothere', but nothere.md does not exist: "
        "write the page or take it off the list [workshop.file]",
    ], build.output[-3000:]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1732579200")  # 2024-11-26 00:00 UTC
    good = ("workshop_book_isbn=9783161484100", "workshop_book_licence=CC-BY-NC-SA-4.0")
    build = sphinx_build(root, "latex", "-t", "proceedings", *(f"-D{setting}" for setting in good))
    assert build.returncode == 0, build.output[-3000:]
    tex = (build.outdir / "lorainne24-proceedings.tex").read_text(encoding="utf-8")
    imprint = tex.split(r"\begin{workshopimprint}")[1].split(r"\end{workshopimprint}")[0]
    imprint = imprint.replace(r"\sphinxhyphen{}", "-")  # Sphinx's hyphen, as in the text
    assert "ISBN 9783161484100" in imprint and "DOI" not in imprint
    assert (
        "Creative Commons Attribution-NonCommercial-ShareAlike 4.0 International (CC BY-NC-SA 4.0)" in imprint
    )
    assert r"\href{https://creativecommons.org/licenses/by-nc-sa/4.0/}" in imprint
    assert imprint.rstrip().endswith("Built on 26 November 2024\\par")  # no git checkout: no version
    assert "\\workshopfrontmatter" not in tex and tex.count("\\workshopmainmatter") == 1  # no front pages


def test_the_cover_is_escaped_before_the_latex_builder_starts():
    """The cover, the imprint and the metadata are written at config-inited, before Sphinx's
    LaTeX builder fills its escape table: in a new interpreter, TeX's specials are escaped."""
    code = "from sphinx_workshop_site.book.front import tex; print(tex('R&D 100% #1 a_b'))"
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "_ext")},
    )
    assert result.stdout.strip() == r"R\&D 100\% \#1 a\_b", result.stdout + result.stderr


# --------------------------------------------------------------------------- citable (issue 25)

ORGANIZERS_FILED = ["Borsoi, Ricardo", "Clausel, Marianne", "Miron, Sebastian", "Usevich, Konstantin"]


def test_the_book_has_a_zenodo_record_and_a_citation_beside_it(book):
    import datetime as dt
    import json

    from pybtex.database import parse_string

    text = (book / "_build/pdf/lorainne24-proceedings.zenodo.json").read_text(encoding="utf-8")
    record = json.loads(text)
    assert record["upload_type"] == "publication" and record["publication_type"] == "book"
    assert record["title"] == "LoRAINNe'24: Book of abstracts"
    assert [c["name"] for c in record["creators"]] == ORGANIZERS_FILED  # the organizers, as editors
    assert [(c["name"], c["type"]) for c in record["contributors"]] == [
        (n, "Editor") for n in ORGANIZERS_FILED
    ]
    assert record["license"] == "cc-by-4.0"  # workshop_book_licence = "CC BY 4.0"
    assert record["doi"] == "10.5281/zenodo.1234567" and record["imprint_isbn"] == "978-3-16-148410-0"
    assert record["publication_date"] == "2024-11-26"  # the workshop's first day, not the build's
    assert record["conference_title"].startswith("Workshop on LOw-Rank Approximations")
    assert record["conference_acronym"] == "LoRAINNe'24" and record["version"] == "1.0"
    assert record["conference_dates"] == "26–27 November 2024" and "Nancy" in record["conference_place"]
    assert record["keywords"][0] == "LoRAINNe'24" and "tensor decompositions" in record["keywords"]
    assert "Nancy" in record["description"] and record["access_right"] == "open"
    # deterministic: keys sorted, no build date in it
    assert list(record) == sorted(record)
    assert dt.datetime.now(dt.UTC).date().isoformat() not in text
    bib = (book / "_build/pdf/lorainne24-proceedings.bib").read_text(encoding="utf-8")
    entry = parse_string(bib, "bibtex").entries["lorainne24"]
    assert entry.type == "proceedings"
    assert [str(p) for p in entry.persons["editor"]] == ORGANIZERS_FILED
    assert entry.fields["doi"] == "10.5281/zenodo.1234567" and entry.fields["isbn"] == "978-3-16-148410-0"
    assert entry.fields["url"].endswith("/lorainne24-proceedings.pdf") and entry.fields["year"] == "2024"


def test_each_abstract_cites_its_page_in_the_book(book):
    import json

    from bs4 import BeautifulSoup
    from pybtex.database import parse_string

    pages = json.loads((book / "_build/pdf/lorainne24-proceedings.pages.json").read_text(encoding="utf-8"))
    cohen = pages["abstracts/cohen"]
    # the page the book's own speakers part gives for the talk
    assert f"No. 5, p. {cohen}: Implicit Regularization" in pdftext(book / PDF)
    assert make(book, "html").returncode == 0  # the site, linking the book
    page = BeautifulSoup(
        (book / "_build/html/abstracts/cohen.html").read_text(encoding="utf-8"), "html.parser"
    )

    def meta(name: str) -> list[str]:
        return [m["content"] for m in page.find_all("meta", attrs={"name": name})]

    assert meta("citation_firstpage") == [str(cohen)]
    assert meta("citation_pdf_url") == ["https://lorainne24.example.org/lorainne24-proceedings.pdf"]
    assert meta("citation_doi") == ["10.5281/zenodo.1234567"]
    assert meta("citation_author") == ["Cohen, Jérémy"]
    bib = (book / "_build/html/abstracts/cohen.bib").read_text(encoding="utf-8")
    assert parse_string(bib, "bibtex").entries["cohen"].fields["pages"] == str(cohen)
    assert json.loads((book / "_build/html/abstracts/cohen.json").read_text())[0]["page"] == str(cohen)
    # the specials: names in any script, in order, none lost
    specials = json.loads((book / "_build/html/abstracts/specials.json").read_text(encoding="utf-8"))[0]
    assert specials["page"] == str(pages["abstracts/specials"])
    names = ["张伟", "André Jérémy Éloïse", "Wang Lei (王磊)", "Αλέξανδρος Παπαδόπουλος", "Дмитрий Иванов"]
    assert [a["literal"] for a in specials["author"]] == names


def test_an_unchanged_book_is_not_typeset_again(book):
    """`make pdf` twice: the second run finds the book's LaTeX (and every file TeX reads) what the
    PDF was typeset from, and keeps it without running TeX."""
    result = make(book, "pdf")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "it is up to date" in result.stdout, result.stdout
    assert (book / PDF).is_file()


def test_the_inputs_digest_sees_every_file_tex_reads(tmp_path):
    from sphinx_workshop_site.book.latexrun import inputs_digest

    (tmp_path / "book.tex").write_text("\\input{x}", encoding="utf-8")
    (tmp_path / "pics").mkdir()
    (tmp_path / "pics/a.png").write_bytes(b"png")
    first = inputs_digest(tmp_path, "book")
    (tmp_path / "book.log").write_text("a log", encoding="utf-8")  # TeX's own output: not an input
    assert inputs_digest(tmp_path, "book") == first
    (tmp_path / "pics/a.png").write_bytes(b"another png")
    assert inputs_digest(tmp_path, "book") != first
