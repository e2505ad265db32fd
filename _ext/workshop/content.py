"""Checks on a contributor file before any parser sees it: its size, and that it is a regular
file (every other rule is decided on the parse, in gate.py and allowlist.py). Pure Python."""

from __future__ import annotations

from pathlib import Path

from .errors import Problem, WorkshopError

MAX_PAGE_CHARS = 200_000  # an abstract page is a few kB


def check_size(text: str, file: str) -> list[WorkshopError]:
    if len(text) <= MAX_PAGE_CHARS:
        return []
    message = (
        f"the page has {len(text):,} characters, over the limit of {MAX_PAGE_CHARS:,}: is it the right file?"
    )
    return [WorkshopError(message, file, 1, Problem.FILE)]


def link_on_path(root: Path, path: Path) -> Path | None:
    """The first symbolic link on ``path`` below ``root`` (the file itself included), or None."""
    try:
        relative = path.relative_to(root)
    except ValueError:
        return path
    current = root
    for part in relative.parts:
        current = current / part
        if current.is_symlink():
            return current
    return None


def regular_file_problem(root: Path, rel: str, max_bytes: int, what: str = "") -> str | None:
    """Why ``rel`` (below ``root``) is not a regular file of at most ``max_bytes``: a link on its
    path, missing, or too large (``what``: 'image ' to name the kind of file in the message)."""
    path = root / rel
    if link := link_on_path(root, path):
        return f"{what}'{rel}' must be a regular file, not a link ({link.relative_to(root).as_posix()})"
    if not path.is_file():
        return f"{what}'{rel}' does not exist: add the file next to your page"
    size = path.stat().st_size
    if size > max_bytes:
        return f"{what}'{rel}' has {size:,} bytes, over the limit of {max_bytes:,}: make it smaller"
    return None
