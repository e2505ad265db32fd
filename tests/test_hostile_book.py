"""Hostile pull requests, round 3 (issue 21): channels the input checks did not see, built into
the real site's book and typeset as ``make pdf`` does (verified LaTeX, jailed XeLaTeX).

The harm these did before: a display equation's label written raw into ``\\label{…}`` ran any
TeX (it wrote an xindy module that ran a shell during ``make pdf``); class names written raw into
``\\DUrole{…}`` opened an ``\\iffalse`` on one page and closed it on another, erasing the
Speakers part. Now: each is refused at its line, the book's LaTeX holds nothing of it (the
verification finds nothing), and the book typesets whole.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import ROOT, require, require_tool
from hostile_payloads import PNG_1X1, Case, talk
from sphinx_workshop_site.book.jail import jail_problem
from sphinx_workshop_site.gate.texverify import verify_book
from test_hostile import (
    ENV_TOKEN,
    PASSWD_LINE,
    SECRET_ENV,
    TOKENS,
    assert_located,
    assert_sound,
    build,
    make_project,
)

MATH = "a = b"
CASES = {
    "label runs TeX": Case(
        {"abstracts/h3-label.md": talk(f"```{{math}}\n:label: x}}\\immediate\\write18{{id}}\n{MATH}\n```")},
        [("abstracts/h3-label.md", 7, "equation label 'x}\\immediate\\write18{id}' may hold only letters")],
    ),
    "name writes a file": Case(
        {
            "abstracts/h3-name.md": talk(
                f"```{{math}}\n:name: }}\\openout5=latin-lettergroups.xdy\n{MATH}\n```"
            )
        },
        [("abstracts/h3-name.md", 7, "equation label '}\\openout5=latin-lettergroups.xdy' may hold only")],
    ),
    "dollar label defines": Case(
        {"abstracts/h3-dollar.md": talk("$$ e = f $$ (eq}\\def\\workshopno#1{RETRACTED})")},
        [("abstracts/h3-dollar.md", 7, "equation label 'eq}\\def\\workshopno#1{RETRACTED}' may hold")],
    ),
    "label with JavaScript": Case(
        {
            "abstracts/h3-js.md": talk(
                "```{math}\n:label: x}\\special{pdf:obj <</S/JavaScript/JS(app.alert(1))>>}\n"
                f"{MATH}\n```"
            )
        },
        [("abstracts/h3-js.md", 7, "equation label 'x}\\special{pdf:obj <</S/JavaScript/JS(ap…'")],
    ),
    "class opens a conditional": Case(
        {"abstracts/h3-iffalse.md": talk("Words [hidden]{.\\iffalse} here.")},
        [("abstracts/h3-iffalse.md", 7, "class '\\iffalse' is not allowed")],
    ),
    "class closes it on another page": Case(
        {"abstracts/h3-fi.md": talk("Words [shown]{.\\fi} here.")},
        [("abstracts/h3-fi.md", 7, "class '\\fi' is not allowed")],
    ),
    "a class by a reserved prefix": Case(
        {"abstracts/h3-prefix.md": talk("Words [x]{.footcite-\\relax} here.")},
        [("abstracts/h3-prefix.md", 7, "class 'footcite-\\relax' is not allowed")],
    ),
    "a longer id's image (page 'de' of 'de-almeida')": Case(
        {
            "abstracts/de.md": talk("![their figure](de-almeida-fig.png)"),
            "abstracts/de-almeida-fig.png": PNG_1X1,
        },
        [("abstracts/de.md", 7, "image 'de-almeida-fig.png' is not one of your files")],
    ),
    "a longer id's poster (page 'q' of 'qi')": Case(
        {
            "abstracts/q.md": talk(
                "A poster.", front="type: poster\nspeakers: [ada]\nposter: qi-poster.pdf\n"
            ),
            "abstracts/qi-poster.pdf": b"%PDF-1.4\n%%EOF\n",
        },
        [("abstracts/q.md", 4, "'qi-poster.pdf' is not one of your files")],
    ),
}


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    root = make_project(tmp_path_factory.mktemp("round3"), CASES, site=True)
    return build(root, "latex", "-t", "proceedings", timeout=300)


@pytest.mark.parametrize("name", CASES)
def test_each_channel_is_refused_at_its_line(book, name):
    assert_sound(book)
    assert_located(book, CASES[name])


def test_nothing_of_them_reaches_the_book(book):
    tex = (book.outdir / "lorainne24-proceedings.tex").read_text(encoding="utf-8")
    assert verify_book(tex) == []
    for raw in ("\\write18", "\\openout", "\\def\\workshopno", "\\special", "\\iffalse", "\\fi}", "xdy"):
        body = tex[tex.index("\\begin{document}") :]
        assert raw not in body, raw
    for page in ("h3-iffalse", "h3-fi", "h3-prefix"):  # the words stay, without the class
        start = tex.index(f"% workshop-source: abstracts/{page}.md")
        assert "Words" in tex[start : tex.index("% workshop-source-end", start)]


def test_the_book_typesets_whole_in_the_jail(book):
    require_tool("xelatex", "the PDF case needs TeX (see README)")
    require_tool("pdftotext", "the PDF case needs poppler-utils (see README)")
    require(jail_problem() is None, f"the jail cannot start here: {jail_problem()}")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "_ext"), SECRET_ENV: ENV_TOKEN, "PDF_TIMEOUT": "240"}
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx_workshop_site.book.latexrun",
            str(book.outdir),
            "--name",
            "lorainne24-proceedings",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    pdf = book.outdir / "lorainne24-proceedings.pdf"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Speakers" in text and "Author index" in text  # no part erased
    assert "RETRACTED" not in text and PASSWD_LINE not in text and not any(t in text for t in TOKENS)
    assert b"/JavaScript" not in pdf.read_bytes() and b"/JS" not in pdf.read_bytes()
    written = {p.name for p in book.outdir.iterdir()}
    assert not any(name.endswith((".xdy", ".idx", ".ind", ".ilg", "latexmkrc")) for name in written), written
