"""Checks on a talk page's body: word limit, citations, unfinished scaffolds. Pure Python."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .errors import Problem, WorkshopError
from .frontmatter import split_front_matter

WORD = re.compile(r"[^\W_](?:[\w'’-]*\w)?")
CITE_ROLE = re.compile(r"\{(?:foot)?cite(?::[a-z]+)?\}`([^`]*)`")
TODO_MARK = re.compile(r"^%\s*TODO\b")
FENCE = re.compile(r"^(`{3,}|~{3,}|:{3,})")


def body_lines(text: str) -> Iterator[tuple[int, str, bool]]:
    """(line number, line, inside a fenced block) for every line after the front matter."""
    fm_text, _ = split_front_matter(text)
    lines = text.split("\n")
    start = fm_text.count("\n") + 3 if fm_text is not None else 0
    fence = None
    for number, line in enumerate(lines[start:], start=start + 1):
        marker = FENCE.match(line.strip())
        if marker:
            char = marker.group(1)[0]
            fence = char if fence is None else (None if char == fence else fence)
            yield number, line, True
            continue
        yield number, line, fence is not None


MAX_PAGE_CHARS = 200_000  # an abstract page is a few kB


def check_size(text: str, file: str) -> list[WorkshopError]:
    if len(text) <= MAX_PAGE_CHARS:
        return []
    message = (
        f"the page has {len(text):,} characters, over the limit of {MAX_PAGE_CHARS:,}: is it the right file?"
    )
    return [WorkshopError(message, file, 1, Problem.FILE)]


def abstract_words(text: str) -> list[tuple[int, int]]:
    """(line, words on it) for the abstract: the text under the H1, up to the next heading."""
    counts = []
    started = False
    for number, line, fenced in body_lines(text):
        if not fenced and line.startswith("#"):
            if started:
                break
            started = line.startswith("# ")
            continue
        if started and not fenced and not line.lstrip().startswith("%"):
            counts.append((number, len(WORD.findall(CITE_ROLE.sub("", line)))))
    return counts


def check_word_limit(text: str, file: str, limit: int) -> list[WorkshopError]:
    counts = abstract_words(text)
    total = sum(n for _line, n in counts)
    if total <= limit:
        return []
    running = 0
    for number, words in counts:
        running += words
        if running > limit:
            message = (
                f"the abstract has {total} words, more than the limit of {limit} "
                f"(word {limit + 1} is on this line): shorten it"
            )
            return [WorkshopError(message, file, number, Problem.LENGTH)]
    return []  # pragma: no cover


def cited_keys(text: str) -> list[tuple[str, int]]:
    """Every (bib key, line) cited with {cite} or {footcite}."""
    found = []
    for number, line, fenced in body_lines(text):
        if fenced or line.lstrip().startswith("%"):  # code and MyST comments cite nothing
            continue
        for match in CITE_ROLE.finditer(line):
            found.extend((key.strip(), number) for key in match.group(1).split(",") if key.strip())
    return found


def check_citations(text: str, file: str, known: set[str]) -> list[WorkshopError]:
    from .errors import did_you_mean

    return [
        WorkshopError(
            f"cited key '{key}' is in no .bib file{did_you_mean(key, known) or ''}: "
            f"add the entry to the talk's .bib file",
            file,
            line,
            Problem.CITATION,
        )
        for key, line in cited_keys(text)
        if key not in known
    ]


def check_unfinished(text: str, file: str) -> list[WorkshopError]:
    return [
        WorkshopError(
            "the page still has a '% TODO' line from the template: do what it says, then delete it",
            file,
            number,
            Problem.UNFINISHED,
        )
        for number, line, fenced in body_lines(text)
        if not fenced and TODO_MARK.match(line.strip())
    ]
