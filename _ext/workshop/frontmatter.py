"""Talk and speaker pages: their front matter, read and checked without Sphinx.

A talk is ``abstracts/<id>.md``, a speaker ``speakers/<id>.md``; the id is the file stem.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import sourceyaml
from .errors import Problem, WorkshopError, did_you_mean
from .model import TALK_ID_PATTERN
from .sourceyaml import LocMap, LocSeq, LocStr

# MyST's own key; on contributor pages only its 'html_meta' is allowed (see safety.py).
MYST_KEYS = ("myst",)
TALK_KEYS = ("speakers", "authors", "keywords")
AUTHOR_KEYS = ("name", "affiliation", "affiliations", "orcid", "corresponding")
SPEAKER_KEYS = ("affiliation", "homepage", "orcid", "photo")
ORCID_PATTERN = r"^[0-9]{4}-[0-9]{4}-[0-9]{4}-[0-9]{3}[0-9X]$"


@dataclass(frozen=True)
class Author:
    name: str
    affiliations: tuple[str, ...]
    orcid: str | None = None
    corresponding: bool = False


@dataclass(frozen=True)
class TalkMeta:
    id: str
    speakers: tuple[str, ...]
    authors: tuple[Author, ...]  # empty: the speakers are the authors
    keywords: tuple[str, ...]
    speaker_lines: tuple[int, ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class SpeakerMeta:
    id: str
    affiliation: str
    homepage: str | None
    orcid: str | None
    photo: str | None


def split_front_matter(text: str) -> tuple[str | None, int]:
    """Return (front matter text, line of its first line) or (None, 0)."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return None, 0
    for index, line in enumerate(lines[1:], start=1):
        if line.rstrip() in ("---", "..."):
            return "\n".join(lines[1:index]), 2
    return None, 0


def orcid_checksum_ok(orcid: str) -> bool:
    """ISO 7064 MOD 11-2, as ORCID defines its last character."""
    digits = orcid.replace("-", "")
    total = 0
    for char in digits[:-1]:
        total = (total + int(char)) * 2
    check = (12 - total % 11) % 11
    return digits[-1] == ("X" if check == 10 else str(check))


class _Reader:
    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[WorkshopError] = []

    def add(self, message: str, line: int | None, subtype: Problem) -> None:
        self.problems.append(WorkshopError(message, self.file, line, subtype))

    def mapping(self, text: str | None, first_line: int) -> LocMap | None:
        """The front matter as a mapping; None (with the problem noted) when there is none."""
        if text is None:
            self.add("the page has no front matter: start it with a '---' block", 1, Problem.KEY)
            return None
        try:
            data = sourceyaml.parse(text, self.file, line_offset=first_line - 1)
        except WorkshopError as err:
            self.problems.append(err)
            return None
        if data is None:
            return LocMap(first_line)
        if not isinstance(data, LocMap):
            self.add("the front matter must be 'key: value' lines", data.line, Problem.TYPE)
            return None
        return data

    def unknown_keys(self, data: LocMap, allowed: tuple[str, ...], where: str) -> None:
        for key in data:
            if key not in allowed:
                hint = did_you_mean(key, allowed) or f" (allowed: {', '.join(allowed)})"
                self.add(f"unknown key '{key}' in {where}{hint}", data.line_of(key), Problem.KEY)

    def string(self, data: LocMap, key: str) -> str | None:
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, LocStr):
            self.add(
                f"'{key}' must be a single value, not a list or mapping", data.line_of(key), Problem.TYPE
            )
            return None
        return str(value).strip() or None

    def strings(self, data: LocMap, key: str) -> list[LocStr]:
        """A list, or one value standing for a list of one."""
        value = data.get(key)
        if value is None:
            return []
        if isinstance(value, LocStr):
            return [value]
        if isinstance(value, LocSeq) and all(isinstance(v, LocStr) for v in value):
            return list(value)
        self.add(f"'{key}' must be a list of values", data.line_of(key), Problem.TYPE)
        return []

    def orcid(self, data: LocMap, key: str = "orcid") -> str | None:
        value = self.string(data, key)
        if value is None:
            return None
        value = value.removeprefix("https://orcid.org/")
        if not re.match(ORCID_PATTERN, value):
            self.add(
                f"ORCID '{value}' is not of the form 0000-0002-1825-0097", data.line_of(key), Problem.ORCID
            )
            return None
        if not orcid_checksum_ok(value):
            self.add(
                f"ORCID '{value}' has a wrong check digit: copy it from your ORCID record",
                data.line_of(key),
                Problem.ORCID,
            )
            return None
        return value

    def url(self, data: LocMap, key: str) -> str | None:
        value = self.string(data, key)
        if value is not None and not re.match(r"^https?://[^\s]+$", value):
            self.add(f"'{key}' must be an http:// or https:// address", data.line_of(key), Problem.TYPE)
            return None
        return value


def check_id(page_id: str, file: str) -> list[WorkshopError]:
    if re.match(TALK_ID_PATTERN, page_id):
        return []
    return [
        WorkshopError(
            f"file name '{page_id}' must be lower-case letters, digits and '-' (e.g. jane-doe)",
            file,
            1,
            Problem.FILENAME,
        )
    ]


def read_talk(page_id: str, text: str, file: str) -> tuple[TalkMeta, list[WorkshopError]]:
    reader = _Reader(file)
    reader.problems.extend(check_id(page_id, file))
    data = reader.mapping(*split_front_matter(text))
    if data is None:
        return TalkMeta(page_id, (), (), ()), reader.problems
    reader.unknown_keys(data, TALK_KEYS + MYST_KEYS, "a talk's front matter")
    speakers = reader.strings(data, "speakers")
    if not speakers and "speakers" not in data:
        reader.add(
            "the talk has no 'speakers': list the speaker ids (speakers/<id>.md)", data.line, Problem.KEY
        )
    elif not speakers and isinstance(data.get("speakers"), LocSeq | type(None)):
        reader.add("'speakers' is empty: list at least one speaker id", data.line_of("speakers"), Problem.KEY)
    authors = []
    raw_authors = data.get("authors")
    if raw_authors is not None and not isinstance(raw_authors, LocSeq):
        reader.add("'authors' must be a list of mappings with 'name'", data.line_of("authors"), Problem.TYPE)
        raw_authors = None
    for item in raw_authors or []:
        if not isinstance(item, LocMap):
            reader.add("each author must be a mapping with 'name'", getattr(item, "line", None), Problem.TYPE)
            continue
        reader.unknown_keys(item, AUTHOR_KEYS, "an author")
        name = reader.string(item, "name")
        if not name:
            reader.add("the author has no 'name'", item.line, Problem.KEY)
            continue
        affiliations = [str(a) for a in reader.strings(item, "affiliations")]
        if aff := reader.string(item, "affiliation"):
            affiliations.insert(0, aff)
        corresponding = (reader.string(item, "corresponding") or "false").lower() in ("true", "yes")
        authors.append(Author(name, tuple(affiliations), reader.orcid(item), corresponding))
    seen: set[str] = set()
    for speaker in speakers:
        if speaker in seen:
            reader.add(f"speaker '{speaker}' is listed twice", speaker.line, Problem.DUPLICATE)
        seen.add(str(speaker))
    keywords = tuple(str(k) for k in reader.strings(data, "keywords"))
    meta = TalkMeta(
        page_id,
        tuple(str(s) for s in speakers),
        tuple(authors),
        keywords,
        tuple(s.line for s in speakers),
    )
    return meta, reader.problems


def read_speaker(page_id: str, text: str, file: str) -> tuple[SpeakerMeta, list[WorkshopError]]:
    reader = _Reader(file)
    reader.problems.extend(check_id(page_id, file))
    data = reader.mapping(*split_front_matter(text))
    if data is None:
        return SpeakerMeta(page_id, "", None, None, None), reader.problems
    reader.unknown_keys(data, SPEAKER_KEYS + MYST_KEYS, "a speaker's front matter")
    affiliation = reader.string(data, "affiliation")
    if affiliation is None and "affiliation" not in data:
        reader.add(
            "the speaker has no 'affiliation': add 'affiliation: <institution, city>'", data.line, Problem.KEY
        )
    meta = SpeakerMeta(
        page_id,
        affiliation or "",
        reader.url(data, "homepage"),
        reader.orcid(data),
        reader.string(data, "photo"),
    )
    return meta, reader.problems
