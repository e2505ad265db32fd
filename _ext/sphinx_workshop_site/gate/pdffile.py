"""Contributor PDF files (a poster): what the file is, and the copy that is published.

A poster PDF is never published as its author's bytes. The checks here are those a file's kind
and place can answer: a regular file of the contributor's own (not a link), within a size limit,
whose bytes say PDF. Then pikepdf (qpdf) rewrites it (:mod:`sphinx_workshop_site.gate.pdfclean`): every filter
decoded, object streams and cross-reference tables regenerated, and every action, script, embedded
file, form script, media and non-http(s) link removed, unreferenced objects included; the rewrite is
opened again and verified, and only then published. Nothing is refused for what the rewrite removes
(a hyperref ``/OpenAction [page /Fit]`` is a view setting, kept): what was removed is said in one
INFO line. Refused, with one line naming the file: a file pikepdf cannot open, an encrypted file
that needs a password, and a file whose rewrite exceeds the memory or time limits (a "zip bomb").

The rewrite runs in a child process (``pdfclean.py`` run as a script with ``python -I``: no
environment, no code of the project's but that file) with limits on its address space, CPU time
and output size, and reads the file's bytes from its standard input: whatever the file holds, the
build spends bounded memory and time on it, and qpdf failing on it costs a refusal, not the build.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
import subprocess
import sys
import tempfile
from collections.abc import Collection
from pathlib import Path

from ..model.owners import owns
from .content import regular_file_problem

MAX_PDF_BYTES = 20_000_000
# The child process that rewrites one file: its address space (Python and pikepdf need ~40 MB; a
# 20 MB poster a few times its size) and CPU seconds; the wall-clock bound is a backstop for both.
REWRITE_MEMORY_BYTES = 1_500_000_000
REWRITE_CPU_SECONDS = 60
REWRITE_OUTPUT_BYTES = 2 * MAX_PDF_BYTES  # the rewrite (streams decoded and compressed again)
REWRITE_TIMEOUT_SECONDS = 180
PDFCLEAN = Path(__file__).with_name("pdfclean.py")
AGAIN = "export it again as a plain PDF (e.g. 'Print to PDF')"


class PdfRefused(Exception):
    """The file is not published; the message (one line, naming the file) says why and what to do."""


def pdf_bytes_problem(data: bytes, rel: str) -> str | None:
    """Why these bytes (of file ``rel``) are not a PDF at all, or too large to rewrite."""
    if not data.startswith(b"%PDF-"):
        return f"'{rel}' is not a PDF file (its content says otherwise): export the poster as PDF"
    if len(data) > MAX_PDF_BYTES:
        return f"'{rel}' has {len(data):,} bytes, over the limit of {MAX_PDF_BYTES:,}: export it smaller"
    return None


def pdf_file_problem(root: Path, rel: str) -> str | None:
    """Why the file ``rel`` (relative to ``root``) is not a PDF file of the contributor's own."""
    if problem := regular_file_problem(root, rel, MAX_PDF_BYTES):
        return problem
    with open(root / rel, "rb") as file:
        return pdf_bytes_problem(file.read(8), rel)


def rewrite_pdf_bytes(data: bytes, rel: str, target: Path) -> list[str]:
    """Rewrite the PDF ``data`` (of file ``rel``) into ``target`` with nothing left that runs or
    reaches out; return what was removed (in the author's words, possibly nothing). Raises
    PdfRefused, and then ``target`` is left as it was."""
    if problem := pdf_bytes_problem(data, rel):
        raise PdfRefused(problem)
    target.parent.mkdir(parents=True, exist_ok=True)
    # the child writes in a folder of its own, removed with whatever it left (a crash mid-save)
    with tempfile.TemporaryDirectory(prefix=".rewrite-", dir=target.parent) as work:
        part = os.path.join(work, target.name)
        outcome = _run_child(data, part)
        status = outcome.get("status")
        if status == "ok":
            os.replace(part, target)
            return [str(note) for note in outcome.get("removed", [])]
    if status == "encrypted":
        raise PdfRefused(f"'{rel}' is encrypted: export it without a password")
    if status == "unreadable":
        raise PdfRefused(f"'{rel}' cannot be read as a PDF (pikepdf cannot open or rewrite it): {AGAIN}")
    if status == "residue":
        found = ", ".join(_printable(str(f)) for f in outcome.get("found", []))[:200]
        raise PdfRefused(
            f"'{rel}' still holds {found} after its rewrite, so it is not published: a fault of the "
            f"build's PDF rewriting (pdfclean.py), please report it; meanwhile {AGAIN}"
        )
    raise PdfRefused(
        f"'{rel}' needs more than {REWRITE_MEMORY_BYTES // 1_000_000:,} MB of memory, "
        f"{REWRITE_CPU_SECONDS} s or a {REWRITE_OUTPUT_BYTES // 1_000_000:,} MB result to rewrite "
        f"(streams that expand past reason): {AGAIN}, smaller"
    )


def _run_child(data: bytes, part: str) -> dict:
    """pdfclean.py's outcome for ``data`` written to ``part``; {} when it ended any other way
    (a limit reached, a crash)."""
    command = [
        sys.executable,
        "-I",
        str(PDFCLEAN),
        "-",
        part,
        str(REWRITE_MEMORY_BYTES),
        str(REWRITE_CPU_SECONDS),
        str(REWRITE_OUTPUT_BYTES),
    ]
    try:
        proc = subprocess.run(command, input=data, capture_output=True, timeout=REWRITE_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        return {}
    lines = proc.stdout.decode("utf-8", "replace").strip().splitlines()
    if proc.returncode or not lines:
        return {}
    try:
        outcome = json.loads(lines[-1])
    except ValueError:
        return {}
    return outcome if isinstance(outcome, dict) else {}


def rewrite_pdf_file(root: Path, rel: str, target: Path) -> list[str]:
    """The contributor's file ``rel`` (below ``root``, never modified) checked and rewritten into
    ``target`` (see rewrite_pdf_bytes). Raises PdfRefused."""
    if problem := regular_file_problem(root, rel, MAX_PDF_BYTES):
        raise PdfRefused(problem)
    descriptor = os.open(root / rel, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))  # a link made since: refused
    with open(descriptor, "rb") as file:
        data = file.read(MAX_PDF_BYTES + 1)
    return rewrite_pdf_bytes(data, rel, target)


def _printable(text: str) -> str:
    return "".join(char if char.isprintable() else "?" for char in text)


SAFE_PDF_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*(?:/[a-z0-9][a-z0-9_-]*)?\.pdf$")


def own_pdf_problem(uri: str, page_id: str, folder: str, pages: Collection[str] = ()) -> str | None:
    """Why ``uri`` (as written on the page in ``folder``) is not one of the contributor's PDF files:
    the same naming rule as images (imagefile.own_image_problem, owners.owner), ending in .pdf."""
    if re.match(r"^[a-z][a-z0-9+.-]*:", uri, re.I) or uri.startswith(("/", "//")):
        return f"'{uri}' must be a file of yours in {folder}/, not an address or an absolute path"
    name = posixpath.normpath(uri)
    if (
        name.startswith("..")
        or not name.startswith((f"{page_id}-", f"{page_id}/"))
        or not owns(name, page_id, pages)
    ):
        return f"'{uri}' is not one of your files: name it {folder}/{page_id}-poster.pdf"
    if not SAFE_PDF_NAME.match(name):
        return f"file name '{name}' must be lower-case letters, digits, '-' and '_', ending in .pdf"
    return None
