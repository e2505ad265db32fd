"""Contributor images, checked by what the file is: a regular file of the contributor's own
(no link anywhere on its path), a name LaTeX and URLs take as it is, a PNG or JPEG whose bytes say
so, within the budgets of budgets.py for one image and for all the images of a page. Pure Python.

SVG is refused: opened directly from the site it runs script.
"""

from __future__ import annotations

import bisect
import os
import posixpath
import re
import stat
import struct
from collections.abc import Collection
from pathlib import Path

from ..model.owners import folder_listing, owns
from .budgets import (
    MAX_IMAGE_BYTES,
    MAX_IMAGE_PIXELS,
    MAX_IMAGE_SIDE,
    MAX_PAGE_IMAGE_BYTES,
    MAX_PAGE_IMAGE_PIXELS,
)
from .content import regular_file_problem

ALLOWED_SUFFIXES = {".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg"}
SAFE_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*(?:/[a-z0-9][a-z0-9_-]*)?\.(?:png|jpe?g)$")
_URL = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)


def own_image_problem(uri: str, page_id: str, folder: str, pages: Collection[str] = ()) -> str | None:
    """Why ``uri`` (as written on the page in ``folder``) is not one of the contributor's images;
    ``pages``: the ids of the folder's pages, so that a longer id's files are not this page's
    (owners.owner: page ``de`` does not own ``de-almeida-fig.png`` of page ``de-almeida``)."""
    if _URL.match(uri) or uri.startswith("//"):
        return f"image '{uri}' must be a file of yours in {folder}/, not an address"
    resolved = posixpath.normpath(posixpath.join(folder, uri)) if not uri.startswith("/") else uri
    name = resolved.removeprefix(folder + "/")
    mine = (
        resolved.startswith(folder + "/")
        and name.startswith((f"{page_id}-", f"{page_id}/"))
        and owns(name, page_id, pages)
    )
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
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF8", "GIF"),
    (b"%PDF-", "PDF"),
    (b"BM", "BMP"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"<svg", "SVG"),
    (b"<?xml", "SVG or XML"),
)


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
    if dims[0] * dims[1] > MAX_IMAGE_PIXELS:
        return (
            f"image '{rel}' is {dims[0]}x{dims[1]} pixels ({_megapixels(dims[0] * dims[1])} megapixels; at "
            f"most {_megapixels(MAX_IMAGE_PIXELS)} in one image): scale it down"
        )
    return None


def _megapixels(pixels: int) -> str:
    return f"{pixels / 1_000_000:,.1f}".removesuffix(".0")


# (folder, page id, the folders' mtimes) -> ({image: why it is over the page's budget},
# {image: (size, mtime) when counted}): an image written again in place is counted again
_PAGE_BUDGETS: dict[tuple[str, str, str, int, int], tuple[dict[str, str], dict[str, tuple[int, int]]]] = {}


def _mtime(path: Path) -> int:
    try:
        return os.stat(path, follow_symlinks=False).st_mtime_ns
    except OSError:
        return 0


def _own_images(root: Path, folder: str, page_id: str) -> list[str]:
    """The page's own image files, sorted, as paths below ``root``: ``<folder>/<page_id>-<name>``
    (not ``<page_id>-two-<name>`` of a page ``<page_id>-two``) and ``<folder>/<page_id>/<name>``;
    regular files only (a link is refused where it is shown)."""
    found = []
    pages = folder_listing(root / folder)[1]
    for directory, prefix in ((f"{folder}", f"{page_id}-"), (f"{folder}/{page_id}", "")):
        names = folder_listing(root / directory)[0]
        start = bisect.bisect_left(names, prefix)
        mine = []
        for name in names[start:]:
            if not name.startswith(prefix):
                break
            mine.append(name)
        for name in mine:
            if posixpath.splitext(name)[1].lower() not in ALLOWED_SUFFIXES:
                continue
            if prefix and not owns(name, page_id, pages):  # a longer id's file (owners.owner)
                continue
            if (root / directory / name).is_file() and not (root / directory / name).is_symlink():
                found.append(f"{directory}/{name}")
    return sorted(found)


def _stamp(path: Path) -> tuple[int, int]:
    try:
        info = os.stat(path, follow_symlinks=False)
    except OSError:
        return (-1, -1)
    return info.st_size, info.st_mtime_ns


def _page_budget_problem(root: Path, folder: str, page_id: str, rel: str) -> str | None:
    """Why the image ``rel`` is refused by the budget of all the page's images together: the
    page's own images are counted in the order of their names, once per page (and again when a
    file changes), and those past the budget refused (the images before stay within it)."""
    key = (str(root), folder, page_id, _mtime(root / folder), _mtime(root / folder / page_id))
    cached = _PAGE_BUDGETS.get(key)
    if cached is None or cached[1].get(rel) != _stamp(root / rel):
        cached = _page_budget(root, folder, page_id)
        if len(_PAGE_BUDGETS) > 10_000:
            _PAGE_BUDGETS.clear()
        _PAGE_BUDGETS[key] = cached
    return cached[0].get(rel)


def _page_budget(root: Path, folder: str, page_id: str) -> tuple[dict[str, str], dict[str, tuple[int, int]]]:
    over: dict[str, str] = {}
    stamps: dict[str, tuple[int, int]] = {}
    total_bytes = total_pixels = 0
    for rel in _own_images(root, folder, page_id):
        path = root / rel
        try:
            info = os.stat(path, follow_symlinks=False)
        except OSError:
            continue
        stamps[rel] = info.st_size, info.st_mtime_ns
        found = image_size(path) if stat.S_ISREG(info.st_mode) else None
        if found is None or info.st_size > MAX_IMAGE_BYTES:
            continue  # refused on its own where it is shown
        (width, height), _media = found
        if width * height > MAX_IMAGE_PIXELS or max(width, height) > MAX_IMAGE_SIDE:
            continue
        total_bytes += info.st_size
        total_pixels += width * height
        if total_bytes > MAX_PAGE_IMAGE_BYTES:
            over[rel] = (
                f"image '{rel}' brings the page's images to {total_bytes:,} bytes (at most "
                f"{MAX_PAGE_IMAGE_BYTES:,} for all the images of a page): make them smaller"
            )
        elif total_pixels > MAX_PAGE_IMAGE_PIXELS:
            over[rel] = (
                f"image '{rel}' brings the page's images to {_megapixels(total_pixels)} megapixels (at "
                f"most {_megapixels(MAX_PAGE_IMAGE_PIXELS)} for all the images of a page): scale them down"
            )
    return over, stamps


def contributor_image_problem(srcdir: Path, uri: str, page_id: str, folder: str) -> str | None:
    """Why ``uri``, written on page ``<folder>/<page_id>``, may not be published: not the
    contributor's own image, a file that is not what an image must be, or one over the budget
    of all the page's images together."""
    rel = posixpath.normpath(posixpath.join(folder, uri))
    return (
        own_image_problem(uri, page_id, folder, folder_listing(srcdir / folder)[1])
        or image_file_problem(srcdir, rel)
        or _page_budget_problem(srcdir, folder, page_id, rel)
    )
