"""Contributor images, checked by what the file is: a regular file of the contributor's own
(no link anywhere on its path), a name LaTeX and URLs take as it is, a PNG or JPEG whose bytes say
so, within size and dimension limits. Pure Python.

SVG is refused: opened directly from the site it runs script.
"""

from __future__ import annotations

import posixpath
import re
import struct
from pathlib import Path

from .content import regular_file_problem

ALLOWED_SUFFIXES = {".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg"}
MAX_IMAGE_BYTES = 5_000_000
MAX_IMAGE_SIDE = 8_000
SAFE_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*(?:/[a-z0-9][a-z0-9_-]*)?\.(?:png|jpe?g)$")
_URL = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)


def own_image_problem(uri: str, page_id: str, folder: str) -> str | None:
    """Why ``uri`` (as written on the page in ``folder``) is not one of the contributor's images."""
    if _URL.match(uri) or uri.startswith("//"):
        return f"image '{uri}' must be a file of yours in {folder}/, not an address"
    resolved = posixpath.normpath(posixpath.join(folder, uri)) if not uri.startswith("/") else uri
    name = resolved.removeprefix(folder + "/")
    mine = resolved.startswith(folder + "/") and name.startswith((f"{page_id}-", f"{page_id}/"))
    if not mine:
        return (
            f"image '{uri}' is not one of your files: name it {folder}/{page_id}-<name>.png "
            f"(or put it in {folder}/{page_id}/)"
        )
    if not SAFE_NAME.match(name):
        return (
            f"image name '{name}' must be lower-case letters, digits, '-' and '_', "
            f"ending in .png, .jpg or .jpeg"
        )
    return None


def _dimensions(data: bytes, kind: str) -> tuple[int, int] | None:
    if kind == "png":
        if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
            return None
        return struct.unpack(">II", data[16:24])
    if data[:3] != b"\xff\xd8\xff":
        return None
    pos = 2
    while pos + 9 < len(data):  # JPEG segments up to a start-of-frame marker
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        length = struct.unpack(">H", data[pos + 2 : pos + 4])[0]
        if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF):
            height, width = struct.unpack(">HH", data[pos + 5 : pos + 9])
            return width, height
        pos += 2 + length
    return None


def image_size(path: Path) -> tuple[tuple[int, int], str] | None:
    """((width, height), media type) of a PNG or JPEG file, from its header; None for any other."""
    try:
        with path.open("rb") as handle:
            head = handle.read(65_536)
    except OSError:
        return None
    for kind, media in (("png", "image/png"), ("jpeg", "image/jpeg")):
        if (dims := _dimensions(head, kind)) is not None:
            return dims, media
    return None


# What a file's first bytes say it is: to name the format in the message, and the fix.
SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "PNG"), (b"\xff\xd8\xff", "JPEG"), (b"GIF8", "GIF"), (b"%PDF-", "PDF"),
    (b"BM", "BMP"), (b"II*\x00", "TIFF"), (b"MM\x00*", "TIFF"), (b"<svg", "SVG"), (b"<?xml", "SVG or XML"),
)  # fmt: skip


def sniff(head: bytes) -> str | None:
    """The format the file's first bytes say, or None."""
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WebP"
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"avif"):
        return "AVIF" if head[8:12] == b"avif" else "HEIC"
    stripped = head.lstrip()
    return next((name for magic, name in SIGNATURES if stripped.startswith(magic)), None)


def _wrong_content(rel: str, expected: str, head: bytes) -> str:
    found = sniff(head)
    stem = posixpath.splitext(rel)[0]
    if found == expected:
        return f"image '{rel}' is a damaged {found} file (no size in its header): save it again"
    if found == "PNG" or (found == "JPEG" and expected == "PNG"):
        suffix = ".png" if found == "PNG" else ".jpg"
        return f"image '{rel}' is a {found} file, not {expected}: name it {stem}{suffix}"
    if found:
        return f"image '{rel}' is a {found} file: convert it to PNG or JPEG ({stem}.png or {stem}.jpg)"
    return f"image '{rel}' is not a {expected} file (its content says otherwise): save it as PNG or JPEG"


def image_file_problem(root: Path, rel: str) -> str | None:
    """Why the file ``rel`` (relative to ``root``) may not be published as a contributor image."""
    if problem := regular_file_problem(root, rel, MAX_IMAGE_BYTES, "image "):
        return problem
    path = root / rel
    kind = ALLOWED_SUFFIXES.get(path.suffix.lower())
    with path.open("rb") as handle:
        head = handle.read(65_536)
    dims = _dimensions(head, kind) if kind else None
    if dims is None:
        return _wrong_content(rel, kind.upper() if kind else "PNG or JPEG", head)
    if max(dims) > MAX_IMAGE_SIDE or min(dims) < 1:
        return f"image '{rel}' is {dims[0]}x{dims[1]} pixels: at most {MAX_IMAGE_SIDE} on a side"
    return None


def contributor_image_problem(srcdir: Path, uri: str, page_id: str, folder: str) -> str | None:
    """Why ``uri``, written on page ``<folder>/<page_id>``, may not be published: not the
    contributor's own image, or a file that is not what an image must be."""
    return own_image_problem(uri, page_id, folder) or image_file_problem(
        srcdir, posixpath.normpath(posixpath.join(folder, uri))
    )
