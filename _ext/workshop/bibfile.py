"""Reading .bib files entry by entry, so that every problem names its file and line,
and merging the talks' files: one work may be cited, with the same key, by several talks."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from .errors import Problem, WorkshopError

ENTRY_START = re.compile(r"@\s*([A-Za-z]+)\s*([{(])")
KEY = re.compile(r"\s*([^,\s{}()]+)\s*,")


@dataclass(frozen=True)
class BibEntry:
    kind: str  # lower-case entry type: article, string, ...
    key: str | None  # None for @string and @preamble
    text: str
    file: str
    line: int

    @property
    def normalized(self) -> str:
        return re.sub(r"\s+", " ", self.text).strip()

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.text.encode()).hexdigest()[:24]


def split_bib(text: str, file: str) -> tuple[list[BibEntry], list[WorkshopError]]:
    """Split into entries by balanced braces; text between entries is a comment, as in BibTeX."""
    entries: list[BibEntry] = []
    problems: list[WorkshopError] = []
    pos = 0
    while match := ENTRY_START.search(text, pos):
        kind = match.group(1).lower()
        line = text.count("\n", 0, match.start()) + 1
        close = "}" if match.group(2) == "{" else ")"
        depth, end = 1, match.end()
        while end < len(text) and depth:
            char = text[end]
            if char == "{" or (close == ")" and char == "("):
                depth += 1
            elif char == "}" or (close == ")" and char == ")"):
                depth -= 1
            end += 1
        if depth:
            problems.append(
                WorkshopError(
                    f"@{kind} entry is never closed: a '{close}' is missing", file, line, Problem.BIB
                )
            )
            break
        body = text[match.end() : end - 1]
        pos = end
        if kind == "comment":
            continue
        key = None
        if kind not in ("string", "preamble"):
            key_match = KEY.match(body)
            if not key_match:
                problems.append(
                    WorkshopError(f"@{kind} entry has no key before its first ','", file, line, Problem.BIB)
                )
                continue
            key = key_match.group(1)
        entries.append(BibEntry(kind, key, text[match.start() : end], file, line))
    return entries, problems


def check_entry(entry: BibEntry) -> WorkshopError | None:
    """Let pybtex read the entry alone, so its syntax errors point into the right file."""
    # The parser class itself: pybtex.database.parse_string looks the plugin up each time (slow).
    from pybtex.database.input.bibtex import Parser
    from pybtex.scanner import PybtexSyntaxError

    if entry.key is None:
        return None
    try:
        Parser().parse_string(entry.text)
    except PybtexSyntaxError as err:
        line = entry.line + max(getattr(err, "lineno", 1) - 1, 0)
        detail = re.sub(r"^.*?line \d+:\s*", "", str(err)).strip() or err.error_type
        return WorkshopError(f"bib entry '{entry.key}': {detail}", entry.file, line, Problem.BIB)
    except Exception as err:  # pybtex raises plain errors for e.g. a bad name list
        return WorkshopError(f"bib entry '{entry.key}': {err}", entry.file, entry.line, Problem.BIB)
    return None


MAX_BIB_CHARS = 1_000_000


def merge(
    files: list[tuple[str, str]], known_good: set[str] | None = None
) -> tuple[str, dict[str, BibEntry], list[WorkshopError]]:
    """Merge (file name, text) pairs: one entry per key; an identical repeat is fine.

    ``known_good`` holds hashes of entries that pybtex read before (kept between builds, so an
    incremental build checks only new or edited entries); it is updated in place."""
    known_good = set() if known_good is None else known_good
    kept: dict[str, BibEntry] = {}
    other: list[BibEntry] = []
    problems: list[WorkshopError] = []
    for name, text in files:
        if len(text) > MAX_BIB_CHARS:
            problems.append(
                WorkshopError(
                    f"the bib file is over {MAX_BIB_CHARS:,} characters: is it the right file?",
                    name,
                    1,
                    Problem.BIB,
                )
            )
            continue
        entries, found = split_bib(text, name)
        problems.extend(found)
        for entry in entries:
            if entry.key is None:
                other.append(entry)
                continue
            digest = entry.digest
            if digest not in known_good:
                if (err := check_entry(entry)) is not None:
                    problems.append(err)
                    continue
                known_good.add(digest)
            first = kept.get(entry.key.lower())
            if first is None:
                kept[entry.key.lower()] = entry
            elif first.normalized != entry.normalized:
                problems.append(
                    WorkshopError(
                        f"bib key '{entry.key}' is already an entry in {first.file}:{first.line} with other "
                        "fields: copy that entry unchanged, or give this one another key",
                        entry.file,
                        entry.line,
                        Problem.DUPLICATE,
                    )
                )
    merged = "\n\n".join(e.text for e in other + list(kept.values())) + "\n"
    return merged, {e.key: e for e in kept.values()}, problems
