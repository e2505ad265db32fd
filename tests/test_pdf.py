"""The PDF proceedings of the real site (plus a talk full of LaTeX specials), built with make pdf."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, copy_site, require_tool

OUTPUT = ROOT / "test-output" / "pdf"
PDF = "_build/pdf/lorainne24-proceedings.pdf"
SPECIALS_TITLE = r"Rank-$k$ & 100% of {A}_x #1 ~ \emph ^"
SPECIALS_TALK = f"""\
---
speakers: [zhang-wei]
authors:
  - name: 张伟
    affiliation: Tsinghua University, Beijing
  - name: André Jérémy Éloïse
    affiliation: Université de Lorraine, Nancy
---

# {SPECIALS_TITLE}

Specials in the body: 50% & more, $x_1$ and {{braces}}, a #hash, a ~tilde, \\emph and ^caret.
"""
SPECIALS_SPEAKER = "---\naffiliation: Tsinghua University, Beijing\n---\n\n# 张伟\n"
HOSTILE_TALK = '---\nspeakers: [zhang-wei]\n---\n\n# \\<script>alert(1)\\</script> & "quotes" $x_1$ % # { } \\\\ ~ ^ _\n\nText.\n'


def make(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    venv = Path(sys.executable).parent.parent
    return subprocess.run(["make", *args, f"VENV={venv}"], cwd=cwd, capture_output=True, text=True)


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
    for tool in ("latexmk", "xelatex", "xindy", "pdftotext", "pdftoppm"):
        require_tool(tool, "the PDF tests need TeX and poppler-utils (see README)")
    root = copy_site(tmp_path_factory.mktemp("book"))
    for name in ("Makefile", "requirements.txt", "pyproject.toml"):
        shutil.copy2(ROOT / name, root / name)
    (root / "abstracts/specials.md").write_text(SPECIALS_TALK, encoding="utf-8")
    (root / "speakers/zhang-wei.md").write_text(SPECIALS_SPEAKER, encoding="utf-8")
    (root / "abstracts/hostile.md").write_text(HOSTILE_TALK, encoding="utf-8")
    result = make(root, "pdf")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return root


def test_pdf_is_built_without_undefined_references(book):
    log = (book / "_build/latex/lorainne24-proceedings.log").read_text(errors="replace")
    assert not re.search(r"undefined (references|citations)|Reference `[^']*' on page \d+ undefined", log)
    assert "Missing character" not in log  # no glyph dropped (accents, CJK)
    assert "??" not in pdftext(book / PDF)


def test_cover_facts(book):
    cover = pdftext(book / PDF, "-f", "1", "-l", "1")
    for fact in ("LoRAINNe'24", "LOw-Rank Approximations and their Interactions", "Neural NEtworks",
                 "Tuesday 26 November 2024", "Wednesday 27 November 2024", "IDMC", "Nancy",
                 "Ricardo Borsoi", "Marianne Clausel", "Sebastian Miron", "Konstantin Usevich",
                 "ANR LeaFleT", "ANR-19-CE23-0021", "Book of abstracts"):  # fmt: skip
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
    talks = text.index(squash("Every talk, in programme order"))
    talk = text.index(
        squash("Overview of tensor decompositions and some applications to wireless"), talks + 1
    )
    talk = text.index(squash("Overview of tensor decompositions and some applications to wireless"), talk + 1)
    kolda = text.index(squash("Tensor decompositions and applications"), talk)
    next_talk = text.index(squash("Decoupling multivariate functions using tensors"), talk)
    assert talk < kolda < next_talk


def test_author_index(book):
    text = pdftext(book / PDF)
    index = text[text.rindex("Author index") :]
    for entry in ("Almeida, André de", "Cohen, Jérémy", "Zniyed, Yassine", "张伟", "Éloïse, André Jérémy"):
        assert entry in index, entry


def test_latex_specials_are_shown_literally(book):
    text = pdftext(book / PDF)
    assert "& 100% of {A}_x #1 ~ \\emph ^" in text
    assert "50% & more" in text and "{braces}" in text and "#hash" in text and "\\emph and ^caret" in text
    tex = (book / "_build/latex/lorainne24-proceedings.tex").read_text()
    assert r"Rank\sphinxhyphen{}\(k\)" in tex  # the math stays math


def test_hostile_title_is_literal(book):
    assert '<script>alert(1)</script> & "quotes" x1 % # { } \\ ~ ^ _' in pdftext(book / PDF).replace(
        "x_1", "x1"
    )


def test_pages_rendered_for_review(book):
    OUTPUT.mkdir(parents=True, exist_ok=True)
    text_pages = pdftext(book / PDF).split("\f")
    talk_page = next(
        i
        for i, p in enumerate(text_pages, 1)
        if "Implicit Regularization in Regularized" in p and "Keywords" in p
    )
    for name, page in (("cover", 1), ("talk", talk_page)):
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", str(page), "-l", str(page), "-singlefile",
                        str(book / PDF), str(OUTPUT / name)], check=True)  # fmt: skip
        assert (OUTPUT / f"{name}.png").stat().st_size > 10_000


def test_draft_watermark_on_every_page(book):
    result = make(book, "pdf", "DRAFT=1")
    assert result.returncode == 0, result.stdout[-2000:]
    # the mark is drawn rotated: poppler reads it letter by letter
    pages = pdftext(book / PDF, "-raw").split("\f")[:-1]
    assert len(pages) > 10 and all("draft" in squash(page) for page in pages)
    assert make(book, "pdf").returncode == 0  # and back to the final version
    assert "draft" not in squash(pdftext(book / PDF, "-raw", "-f", "1", "-l", "1"))


def test_make_all_links_the_pdf_from_the_site(book):
    result = make(book, "all")
    assert result.returncode == 0, result.stdout[-2000:]
    home = (book / "_build/html/index.html").read_text()
    assert 'href="lorainne24-proceedings.pdf"' in home and "Download the proceedings" in home
    assert (book / "_build/html/lorainne24-proceedings.pdf").is_file()


def test_make_pdf_without_tex_names_the_packages(tmp_path):
    shutil.copy2(ROOT / "Makefile", tmp_path / "Makefile")
    shutil.copy2(ROOT / "requirements.txt", tmp_path / "requirements.txt")
    result = make(tmp_path, "pdf", "TEX_TOOLS=no-such-latexmk")
    assert result.returncode != 0
    message = (result.stdout + result.stderr).strip().splitlines()
    assert any(
        "make pdf needs TeX" in line and "texlive-xetex" in line and "apt-get install" in line
        for line in message
    )
