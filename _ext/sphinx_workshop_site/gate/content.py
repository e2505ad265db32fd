"""Checks on a contributor file before any parser sees it: its size and its budgets (budgets.py),
and that it is a regular file (every other rule is decided on the parse, in gate/pages.py and
allowlist.py). Pure Python.

The budgets are counted on the raw text, each in one pass: a count is an upper bound of what MyST
will make of the text (a '#' line in a code block counts as a heading, a '$' in code as half a
formula), so no way of writing gets past it, and the budgets are set far above real pages.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from ..model.errors import Problem, WorkshopError
from ..model.frontmatter import front_matter_span
from .budgets import (
    MAX_BLOCK_CHARS,
    MAX_COMBINING_MARKS,
    MAX_FOOTNOTES,
    MAX_FORMULAS,
    MAX_HEADINGS,
    MAX_PAGE_CHARS,
)

# A heading: '#'s after what may open a line in a quote or a list ('> ', '- ', '1. ', indentation).
_ATX_HEADING = re.compile(r"^[ \t>*+\-0-9.)]*#{1,6}(?:[ \t]|$)", re.M)
# An underline ('===' or '---'): a heading when the line above is text.
_UNDERLINE = re.compile(r"^[ \t>]*(?:=+|-+)[ \t]*$", re.M)
_FOOTNOTE_MARK = re.compile(r"\[\^")
_FOOTNOTE_DEFINITION = re.compile(r"^[ \t>]*\[\^", re.M)
# '$' or '$$' (half a formula), {math} (a role or a directive), an amsmath block's \begin{…}.
_FORMULA_MARK = re.compile(r"\${1,2}|\{math\}|^[ \t>]*\\begin\{", re.M)
# A line that always starts a new block (it ends a paragraph): a bullet item at the line's start,
# a '#' heading.
_NEW_BLOCK = re.compile(r"[-*+][ \t]+\S| {0,3}#{1,6}(?:[ \t]|$)")


# Marks can only stack in a run of characters that are not ASCII: only such runs longer than the
# budget are looked at, character by character (no table of every mark in Unicode to build).
_LONG_NON_ASCII = re.compile(f"[^\\x00-\\x7f]{{{MAX_COMBINING_MARKS + 1},}}")
_JOINERS = "\u200c\u200d"


def _first_stacked_marks(text: str) -> tuple[int, int] | None:
    """(offset, count) of the first run of more than MAX_COMBINING_MARKS marks (Unicode's M
    categories, ZWNJ, ZWJ), or None."""
    for run in _LONG_NON_ASCII.finditer(text):
        start, count = 0, 0
        for offset, char in enumerate(run.group() + "x"):  # 'x' ends a run at the end
            if char in _JOINERS or unicodedata.category(char)[0] == "M":
                start, count = (start, count + 1) if count else (offset, 1)
            elif count > MAX_COMBINING_MARKS:
                return run.start() + start, count
            else:
                count = 0
    return None


def _line_of(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _body_start(text: str) -> int:
    """Offset of the first line after the front matter (MyST never sees the front matter)."""
    span = front_matter_span(text)
    if span is None:
        return 0
    pos = 0
    for _ in range(span[1]):
        pos = text.find("\n", pos) + 1
        if pos == 0:
            return len(text)
    return pos


def _nth(matches, n: int) -> int | None:
    """The start of the n-th match (1-based), or None: stops there (bounded work)."""
    for count, match in enumerate(matches, 1):
        if count == n:
            return match.start()
    return None


def _headings_over(text: str, start: int) -> int | None:
    """Offset of heading number MAX_HEADINGS + 1, or None."""
    positions = [m.start() for m in _ATX_HEADING.finditer(text, start)]
    if len(positions) <= MAX_HEADINGS:  # else the underlines need not be counted
        for match in _UNDERLINE.finditer(text, start):
            pos = match.start()
            above_end = pos - 1
            if above_end < start:
                continue
            above = text[text.rfind("\n", start, above_end) + 1 : above_end]
            if above.strip() and not _UNDERLINE.fullmatch(above):
                positions.append(pos)
        positions.sort()
    return positions[MAX_HEADINGS] if len(positions) > MAX_HEADINGS else None


def _formulas_over(text: str, start: int) -> int | None:
    """Offset of the mark that makes formulas number MAX_FORMULAS + 1, or None (a '$' or '$$'
    counts half: it opens or closes one)."""
    halves = 0
    for match in _FORMULA_MARK.finditer(text, start):
        halves += 1 if match.group().startswith("$") else 2
        if halves > 2 * MAX_FORMULAS:
            return match.start()
    return None


def _long_block(text: str) -> tuple[int, int] | None:
    """(first line, characters) of the first block of lines with no blank line between them that
    is over MAX_BLOCK_CHARS, or None."""
    if len(text) <= MAX_BLOCK_CHARS:
        return None
    first, size = 1, 0
    for number, line in enumerate(text.split("\n"), 1):
        blank = not line.strip()
        if blank or _NEW_BLOCK.match(line):
            if size > MAX_BLOCK_CHARS:
                return first, size
            first, size = number + blank, 0
        if line.strip():
            size += len(line) + (1 if size else 0)
    return (first, size) if size > MAX_BLOCK_CHARS else None


def stacked_marks(text: str) -> tuple[int, str] | None:
    """(line, message) for the first character with more than MAX_COMBINING_MARKS combining marks
    in ``text`` (a page, a .bib file, any text that reaches the book), or None."""
    if text.isascii() or not (found := _first_stacked_marks(text)):
        return None
    start, count = found
    line_start = text.rfind("\n", 0, start) + 1
    message = (
        f"the text has {count:,} combining marks on one character (column "
        f"{start - line_start}; at most {MAX_COMBINING_MARKS}): remove the extra accents"
    )
    return _line_of(text, start), message


def check_budgets(text: str, file: str) -> list[WorkshopError]:
    """The page's text against every budget of budgets.py but its size: one message per budget
    passed, at the line where it is passed."""
    problems = []

    def refuse(message: str, line: int) -> None:
        problems.append(WorkshopError(message, file, line, Problem.LENGTH))

    start = _body_start(text)
    if (pos := _headings_over(text, start)) is not None:
        refuse(
            f"the page has more than {MAX_HEADINGS} headings (this is heading {MAX_HEADINGS + 1}; "
            f"at most {MAX_HEADINGS} on a page): merge sections",
            _line_of(text, pos),
        )
    definitions = {m.end() - 2 for m in _FOOTNOTE_DEFINITION.finditer(text, start)}
    if len(definitions) > MAX_FOOTNOTES:
        pos = sorted(definitions)[MAX_FOOTNOTES]
        refuse(
            f"the page has more than {MAX_FOOTNOTES} footnotes (at most {MAX_FOOTNOTES} on a page): "
            f"put fewer notes, or more in each",
            _line_of(text, pos),
        )
    references = (m for m in _FOOTNOTE_MARK.finditer(text, start) if m.start() not in definitions)
    if (pos := _nth(references, MAX_FOOTNOTES + 1)) is not None:
        refuse(
            f"the page has more than {MAX_FOOTNOTES} footnote references ([^…]; at most "
            f"{MAX_FOOTNOTES} on a page): cite fewer notes",
            _line_of(text, pos),
        )
    if (pos := _formulas_over(text, start)) is not None:
        refuse(
            f"the page has more than {MAX_FORMULAS:,} formulas ($…$, $$…$$, {{math}}; at most "
            f"{MAX_FORMULAS:,} on a page, each typeset in the reader's browser): put fewer on the page",
            _line_of(text, pos),
        )
    if block := _long_block(text):
        refuse(
            f"this paragraph has {block[1]:,} characters with no blank line (at most "
            f"{MAX_BLOCK_CHARS:,}: the book's TeX reads a paragraph as one line): split it with blank lines",
            block[0],
        )
    if found := stacked_marks(text):
        refuse(found[1], found[0])
    return problems


def check_size(text: str, file: str) -> list[WorkshopError]:
    """A contributor page's size, then its budgets (:func:`check_budgets`)."""
    if len(text) <= MAX_PAGE_CHARS:
        return check_budgets(text, file)
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
