"""The one error type of the workshop model: a message located at file:line."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from enum import StrEnum

from .safetext import printable


class Problem(StrEnum):
    """Warning subtypes, shown as ``[workshop.<value>]`` and usable in ``suppress_warnings``."""

    ENCODING = "encoding"
    YAML = "yaml"
    EMPTY = "empty"
    KEY = "key"  # unknown or missing key
    TYPE = "type"  # a value of the wrong shape
    TIME = "time"
    DATE = "date"
    TIMEZONE = "timezone"
    OVERLAP = "overlap"
    ROOM = "room"
    REF = "ref"  # a talk or speaker id that names nothing
    DUPLICATE = "duplicate"
    FILE = "file"
    TITLE = "title"
    ORCID = "orcid"
    LENGTH = "length"
    FILENAME = "filename"
    CITATION = "citation"
    UNFINISHED = "unfinished"
    BIB = "bib"
    EXPORT = "export"
    SAFETY = "safety"
    BUILD = "build"  # a warning from MyST, docutils, Sphinx or sphinxcontrib-bibtex (make check)
    MATH = "math"  # math that would not render, or uses commands outside the allowed vocabulary
    EDITION = "edition"  # a date in the organizers' prose outside the schedule's days


class WorkshopError(Exception):
    """A problem in a source file: what is wrong, how to fix it, and where."""

    def __init__(self, message: str, file: str, line: int | None, subtype: Problem) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.subtype = subtype

    @property
    def location(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file

    def __str__(self) -> str:
        """``file:line: message`` for a terminal: control, bidi and format characters (from a file
        name, a bib key, a quoted value) shown as visible escapes (safetext.printable)."""
        return printable(f"{self.location}: {self.message}")

    def __eq__(self, other) -> bool:
        return isinstance(other, WorkshopError) and self.__reduce__() == other.__reduce__()

    def __hash__(self) -> int:
        return hash(self.__reduce__()[1])

    def __reduce__(self):  # picklable across parallel workers
        return (type(self), (self.message, self.file, self.line, self.subtype))


def closest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate closest to ``word``, or None when none is close."""
    matches = difflib.get_close_matches(str(word), sorted(candidates), n=1, cutoff=0.6)
    return matches[0] if matches else None


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """Return ' (did you mean 'x'?)' for the closest candidate, or ''."""
    match = closest(word, candidates)
    return f" (did you mean '{match}'?)" if match else ""
