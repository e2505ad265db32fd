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
