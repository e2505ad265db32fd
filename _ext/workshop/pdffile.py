"""Contributor PDF files (a poster), checked by what the file is: a regular file of the contributor's
own, whose bytes say PDF, within a size limit, with nothing a PDF reader would run or open by itself.
Pure Python.

Refused: JavaScript (``/JS``, ``/JavaScript``), actions that start programs, open other files or
send data (``/Launch``, ``/GoToR``, ``/GoToE``, ``/SubmitForm``, ``/ImportData``), actions run on
opening or on events (``/OpenAction``, ``/AA``), embedded files and media (``/EmbeddedFile``,
``/EmbeddedFiles``, ``/RichMedia``), XFA forms, and encryption (``/Encrypt``: encrypted streams
cannot be looked into). Names are compared after decoding their ``#xx``
escapes (``/J#61vaScript`` is ``/JavaScript``), in the file and in its Flate-compressed streams
(where object streams hide dictionaries), so that neither spelling nor compression hides them.
Streams in encodings this check does not decode (LZW, ASCII85, ASCIIHex, run-length, Crypt) are
refused too, and so is a file whose streams inflate past the bound or that has too many streams:
what was not looked into is not published. A poster needs none of these.
"""

from __future__ import annotations

import posixpath
import re
import zlib
from pathlib import Path

from .content import regular_file_problem

MAX_PDF_BYTES = 20_000_000
# Decompressed bytes scanned per file: bounded work whatever the streams claim (a "zip bomb").
MAX_INFLATED_BYTES = 100_000_000
MAX_STREAMS = 50_000  # a poster has hundreds; each is tried as Flate once
INFLATE_PIECE = 16_384  # compressed bytes per step: at most ~17 MB out of one step
REFUSED_NAMES = {
    "JS": "JavaScript",
    "JavaScript": "JavaScript",
    "Launch": "an action that starts a program",
    "GoToR": "an action that opens another file",
    "GoToE": "an action that opens an embedded file",
    "SubmitForm": "a form that sends data",
    "ImportData": "an action that imports data",
    "OpenAction": "an action run when the file is opened",
    "AA": "actions run on page or form events",
    "EmbeddedFile": "an embedded file",
    "EmbeddedFiles": "embedded files",
    "RichMedia": "embedded media",
    "XFA": "an XFA form (it can hold scripts)",
    "Encrypt": "encryption (what it hides cannot be checked)",
    # encodings whose content this check does not read: a dictionary could hide in them
    "LZWDecode": "an LZW-encoded stream (its content cannot be checked)",
    "ASCII85Decode": "an ASCII85-encoded stream (its content cannot be checked)",
    "ASCIIHexDecode": "a hex-encoded stream (its content cannot be checked)",
    "RunLengthDecode": "a run-length-encoded stream (its content cannot be checked)",
    "Crypt": "an encrypted stream (its content cannot be checked)",
}


class _Unchecked(Exception):
    """The file could not be looked into within the bounds: it is refused, not trusted."""


_NAME = re.compile(rb"/([^\s/<>\[\]()%{}]+)")
_STREAM = re.compile(rb"stream\r?\n")


def _decoded(name: bytes) -> str:
    """A PDF name with its #xx escapes decoded (PDF 1.2 and later)."""
    return re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), name).decode("latin-1")


def _refused_name(data: bytes) -> str | None:
    for match in _NAME.finditer(data):
        name = _decoded(match.group(1))
        if name in REFUSED_NAMES:
            return name
    return None


def _inflated_streams(data: bytes):
    """The decompressed content of each stream that inflates (Flate). Raises _Unchecked past
    MAX_INFLATED_BYTES in all or MAX_STREAMS streams: bounded work whatever the file claims."""
    budget = MAX_INFLATED_BYTES
    view = memoryview(data)  # slices without copies
    for count, match in enumerate(_STREAM.finditer(data), start=1):
        if count > MAX_STREAMS:
            raise _Unchecked(f"more than {MAX_STREAMS:,} streams")
        try:
            chunk = _inflate(view, match.end(), budget)
        except zlib.error:
            continue  # not Flate (an image's own encoding, or not a stream at all)
        budget -= len(chunk)
        yield chunk


def _inflate(view: memoryview, start: int, budget: int) -> bytes:
    """One Flate stream from ``start``, fed in small pieces: what zlib keeps of the input after the
    stream ends is one piece, not the rest of the file (linear work however many streams), and
    every byte it gives counts against ``budget``."""
    inflater = zlib.decompressobj()
    parts, total, pos = [], 0, start
    while not inflater.eof and pos < len(view):
        part = inflater.decompress(view[pos : pos + INFLATE_PIECE])
        pos += INFLATE_PIECE
        total += len(part)
        if total > budget:
            raise _Unchecked(f"streams that inflate to more than {MAX_INFLATED_BYTES:,} bytes")
        parts.append(part)
    return b"".join(parts)


def pdf_bytes_problem(data: bytes, rel: str) -> str | None:
    """Why these bytes (of file ``rel``) are not a PDF the site may offer for download."""
    if not data.startswith(b"%PDF-"):
        return f"'{rel}' is not a PDF file (its content says otherwise): export the poster as PDF"
    if len(data) > MAX_PDF_BYTES:
        return f"'{rel}' has {len(data):,} bytes, over the limit of {MAX_PDF_BYTES:,}: export it smaller"
    try:
        for part in _parts(data):
            if name := _refused_name(part):
                return (
                    f"'{rel}' holds /{name} ({REFUSED_NAMES[name]}), which a poster does not need: "
                    "export it again as a plain PDF (e.g. 'Print to PDF')"
                )
    except _Unchecked as reason:
        return (
            f"'{rel}' has {reason}, too much to check: export it again as a plain, smaller PDF "
            "(e.g. 'Print to PDF')"
        )
    return None


def _parts(data: bytes):
    yield data
    yield from _inflated_streams(data)


def pdf_file_problem(root: Path, rel: str) -> str | None:
    """Why the file ``rel`` (relative to ``root``) may not be published as a contributor's PDF."""
    return regular_file_problem(root, rel, MAX_PDF_BYTES) or pdf_bytes_problem((root / rel).read_bytes(), rel)


SAFE_PDF_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*(?:/[a-z0-9][a-z0-9_-]*)?\.pdf$")


def own_pdf_problem(uri: str, page_id: str, folder: str) -> str | None:
    """Why ``uri`` (as written on the page in ``folder``) is not one of the contributor's PDF files:
    the same naming rule as images (imagefile.own_image_problem), ending in .pdf."""
    if re.match(r"^[a-z][a-z0-9+.-]*:", uri, re.I) or uri.startswith(("/", "//")):
        return f"'{uri}' must be a file of yours in {folder}/, not an address or an absolute path"
    name = posixpath.normpath(uri)
    if name.startswith("..") or not name.startswith((f"{page_id}-", f"{page_id}/")):
        return f"'{uri}' is not one of your files: name it {folder}/{page_id}-poster.pdf"
    if not SAFE_PDF_NAME.match(name):
        return f"file name '{name}' must be lower-case letters, digits, '-' and '_', ending in .pdf"
    return None
