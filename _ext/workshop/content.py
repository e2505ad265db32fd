"""The one check on a contributor page's raw text, before any parser sees it: its size (every
other rule is decided on the parse, in gate.py and allowlist.py). Pure Python."""

from __future__ import annotations

from .errors import Problem, WorkshopError

MAX_PAGE_CHARS = 200_000  # an abstract page is a few kB


def check_size(text: str, file: str) -> list[WorkshopError]:
    if len(text) <= MAX_PAGE_CHARS:
        return []
    message = (
        f"the page has {len(text):,} characters, over the limit of {MAX_PAGE_CHARS:,}: is it the right file?"
    )
    return [WorkshopError(message, file, 1, Problem.FILE)]
