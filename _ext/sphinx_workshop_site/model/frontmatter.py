"""Talk and speaker pages: their front matter, read and checked without Sphinx.

A talk is ``abstracts/<id>.md``, a speaker ``speakers/<id>.md``; the id is the file stem.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from ..gate.urls import url_problem
from . import sourceyaml
from .errors import Problem, WorkshopError, did_you_mean
from .names import NAME_KEYS, NAME_ORDERS, NO_PARTS, NameParts, name_problems
from .schedule import CONTRIBUTION_TYPES, is_page_id
from .sourceyaml import LocMap, LocSeq, LocStr

# MyST's own settings key is refused on contributor pages: its html_meta wrote <meta> tags.
MYST_REFUSED = (
    "the 'myst' key is not allowed in a talk or speaker page: delete it and what is under it "
    "(the page's description comes from its text)"
)
TALK_KEYS = ("type", "speakers", "authors", "keywords", "board", "poster")
POSTER_ONLY_KEYS = ("board", "poster")
MAX_BOARD = 10_000
MAX_POSTER_FILES = 3  # e.g. the PDF to download and an image to show
AUTHOR_KEYS = ("name", "affiliation", "affiliations", "orcid", "corresponding", *NAME_KEYS)
SPEAKER_KEYS = ("affiliation", "homepage", "orcid", "photo", *NAME_KEYS)
# the other words for the name keys ('surname: Wang'), each pointed to the key to write
NAME_KEY_WORDS = {
    **dict.fromkeys(("surname", "last-name", "lastname", "family", "familyname"), "family-name"),
    **dict.fromkeys(("first-name", "firstname", "forename", "given", "givenname"), "given-name"),
    **dict.fromkeys(("sort", "sort-name", "sortname", "sort-key", "romanization", "romanisation"), "sort-as"),
    **dict.fromkeys(("order", "nameorder", "name-format", "display-order"), "name-order"),
}
ORCID_PATTERN = r"^[0-9]{4}-[0-9]{4}-[0-9]{4}-[0-9]{3}[0-9X]$"


@dataclass(frozen=True)
class Author:
    name: str
    affiliations: tuple[str, ...]
    orcid: str | None = None
    corresponding: bool = False
    parts: NameParts = NO_PARTS  # family-name, given-name, sort-as, name-order (names.py)


@dataclass(frozen=True)
class TalkMeta:
    id: str
    speakers: tuple[str, ...]
    authors: tuple[Author, ...]  # empty: the speakers are the authors
    keywords: tuple[str, ...]
    speaker_lines: tuple[int, ...] = field(default=(), compare=False)
    type: str = "talk"  # 'talk' | 'poster' (front matter 'type:'; model.CONTRIBUTION_TYPES)
    board: int | None = None  # a poster's own board number; contributions.poster_boards decides the rest
    board_line: int | None = field(default=None, compare=False)
    # a poster's files (PDF, PNG or JPEG), relative to the talks folder: 'poster:' one or a list
    posters: tuple[str, ...] = ()
    poster_lines: tuple[int | None, ...] = field(default=(), compare=False)

    @property
    def is_poster(self) -> bool:
        return self.type == "poster"

    @property
    def poster(self) -> str | None:
        """The first poster file (the one a single 'poster:' names)."""
        return self.posters[0] if self.posters else None


@dataclass(frozen=True)
class SpeakerMeta:
    id: str
    affiliation: str
    homepage: str | None
    orcid: str | None
    photo: str | None
    parts: NameParts = NO_PARTS  # family-name, given-name, sort-as, name-order (names.py)


@dataclass(frozen=True)
class FrontMatter:
    """Where a page's front matter is, as MyST reads it.

    MyST has two readers of it: the Markdown parser's front_matter rule (mdit_py_plugins), which
    decides what is *not* rendered as Markdown, and ``read_topmatter`` (myst_parser.config.main),
    which reads the page's ``myst:`` settings. ``text`` is set only when both agree on the lines;
    otherwise ``problem`` says where and why, and nothing is guessed.
    """

    start: int  # 1-based line of the opening '---'
    end: int  # 1-based last line either reader takes (its closing line, or the last line)
    text: str | None  # the YAML between the delimiters; None when there is a problem
    problem: tuple[str, int] | None = None  # (message, 1-based line)


# str.splitlines (read_topmatter) breaks lines at these; Markdown and YAML line numbers do not.
_SPLITLINES_ONLY_BREAKS = re.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
TAB_MESSAGE = "YAML syntax error: a tab in the front matter: indent with spaces, not tabs"
NOT_CLOSED = "the front matter opened on line {start} is never closed: add a line '---' after it"


def _lines(text: str) -> list[str]:
    """The lines as markdown-it counts them (a final newline opens no extra line)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if lines and lines[-1] == "" and len(lines) > 1:
        lines.pop()
    return lines


def _indent_columns(line: str) -> tuple[int, int]:
    """(columns, characters) of the leading spaces and tabs; a tab goes to the next multiple of 4."""
    columns = chars = 0
    for char in line:
        if char == " ":
            columns += 1
        elif char == "\t":
            columns += 4 - columns % 4
        else:
            break
        chars += 1
    return columns, chars


def _markdown_end(lines: list[str]) -> int | None:
    """0-based closing line of mdit_py_plugins.front_matter's rule, or None (then it is no front
    matter at all: the page is rendered from line 1). Mirrors _front_matter_rule line by line."""
    opening = len(lines[0]) - len(lines[0].lstrip("-"))
    for index in range(1, len(lines)):
        line = lines[index]
        if line.startswith("...") and not line[3:].strip(" \t"):
            return index  # YAML's document end marker, at column 0
        columns, chars = _indent_columns(line)
        rest = line[chars:]
        if not rest.startswith("-") or columns >= 4:  # 4 columns: an indented code line
            continue
        dashes = len(rest) - len(rest.lstrip("-"))
        if dashes >= opening and not rest[dashes:].strip(" \t"):
            return index
    return None


def _topmatter_end(lines: list[str]) -> int | None:
    """0-based line where myst_parser's read_topmatter stops (any line starting with '---' or
    '...'), or None when it reads to the end. It splits lines with str.splitlines."""
    for index, line in enumerate(lines):
        parts = line.splitlines() or [""]
        for part in parts[1:] if index == 0 else parts:
            if part.startswith(("---", "...")):
                return index
    return None


def locate_front_matter(text: str) -> FrontMatter | None:
    """The front matter MyST would read, or None when the page has none (it must start with '---')."""
    if not text.startswith("---"):
        return None
    lines = _lines(text)
    markdown_end = _markdown_end(lines)
    topmatter_end = _topmatter_end(lines)
    # read_topmatter reads to the end when nothing stops it
    end = len(lines) - 1 if topmatter_end is None else max(topmatter_end, markdown_end or 0)
    span = FrontMatter(1, end + 1, None)
    if lines[0].rstrip(" \t") != "---":
        return _with(span, "the front matter must open with a line of exactly '---'", 1)
    for index in range(end + 1):
        if odd := _SPLITLINES_ONLY_BREAKS.search(lines[index]):
            message = f"the invisible line break U+{ord(odd.group()):04X} is not allowed here: delete it"
            return _with(span, message, index + 1)
    if markdown_end is None and topmatter_end is None:
        return _with(span, NOT_CLOSED.format(start=1), 1)
    if markdown_end != topmatter_end:
        if markdown_end is None or (topmatter_end is not None and topmatter_end < markdown_end):
            message = (
                f"'{lines[topmatter_end][:20]}' ends the front matter for one of MyST's readers and not "
                "for the other: end it with a line of exactly '---', and start no line of it "
                "with '---' or '...'"
            )
            return _with(span, message, topmatter_end + 1)
        message = (
            "an indented '---' ends the front matter for one of MyST's readers and not for the other: "
            "write '---' at the start of the line to end it there, or reword the line"
        )
        return _with(span, message, markdown_end + 1)
    return FrontMatter(1, end + 1, "\n".join(lines[1:end]))


def _with(span: FrontMatter, message: str, line: int) -> FrontMatter:
    return FrontMatter(span.start, span.end, None, (message, line))


def front_matter_span(text: str) -> tuple[int, int] | None:
    """(first, last) 1-based lines that either of MyST's readers takes as front matter, or None.

    For a well-formed page these are the opening and closing '---' lines. When the readers
    disagree it is the union of what they take, and when it is never closed it runs to the last
    line (read_topmatter reads the whole page then). Blanking every line from first to last
    inclusive (each replaced by an empty line, so line numbers stay) leaves MyST no front matter
    to read, whatever the page holds.
    """
    found = locate_front_matter(text)
    return None if found is None else (found.start, found.end)


def split_front_matter(text: str) -> tuple[str | None, int]:
    """Return (front matter text, line of its first line) or (None, 0).

    (None, 0) also when the front matter is malformed (never closed, MyST's readers disagree):
    ``locate_front_matter`` tells why, and the page readers report it.
    """
    found = locate_front_matter(text)
    if found is None or found.text is None:
        return None, 0
    return found.text, 2


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

    def front_matter(self, text: str) -> LocMap | None:
        """The page's front matter as a mapping; None (with the problem noted) when it has none."""
        found = locate_front_matter(text)
        if found is None:
            self.add("the page has no front matter: start it with a '---' block", 1, Problem.KEY)
            return None
        if found.problem is not None:
            message, line = found.problem
            self.add(message, line, Problem.YAML)
            return None
        first_line = found.start + 1
        try:
            data = sourceyaml.parse(found.text, self.file, line_offset=first_line - 1)
        except WorkshopError as err:
            if "'\\t'" in err.message:  # YAML's "found character '\t' that cannot start any token"
                err = WorkshopError(TAB_MESSAGE, err.file, err.line, err.subtype)
            self.problems.append(err)
            return None
        if data is None:
            return LocMap(first_line)
        if not isinstance(data, LocMap):
            self.add("the front matter must be 'key: value' lines", data.line, Problem.TYPE)
            return None
        if "myst" in data:
            self.add(MYST_REFUSED, data.line_of("myst"), Problem.KEY)
            del data["myst"]
        return data

    def unknown_keys(self, data: LocMap, allowed: tuple[str, ...], where: str) -> None:
        for key in data:
            if key not in allowed:
                word = NAME_KEY_WORDS.get(str(key).casefold().replace("_", "-"))
                hint = f" (did you mean '{word}'?)" if word in allowed else None
                hint = hint or did_you_mean(key, allowed) or f" (allowed: {', '.join(allowed)})"
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
        if not self.printable(value, key):
            return None
        return str(value).strip() or None

    def printable(self, value: LocStr, key: str) -> bool:
        """No control, format or separator character: every output shows front matter as text."""
        from .safetext import describe, forbidden_char

        if bad := forbidden_char(str(value)):
            self.add(f"'{key}' holds {describe(bad)}: remove it", value.line, Problem.TYPE)
            return False
        return True

    def strings(self, data: LocMap, key: str) -> list[LocStr]:
        """A list, or one value standing for a list of one."""
        value = data.get(key)
        if value is None:
            return []
        if isinstance(value, LocStr):
            return [value] if self.printable(value, key) else []
        if isinstance(value, LocSeq) and all(isinstance(v, LocStr) for v in value):
            return [v for v in value if self.printable(v, key)]
        self.add(f"'{key}' must be a list of values", data.line_of(key), Problem.TYPE)
        return []

    def affiliation(self, data: LocMap) -> LocStr | None:
        """The one 'affiliation:' value (stripped). Written in brackets and split at a comma in front
        of a place ('[KTH Royal Institute of Technology, Stockholm]'), it is named with the
        quoting fix and read as written without the brackets."""
        value = data.get("affiliation")
        if isinstance(value, LocSeq) and value and all(isinstance(v, LocStr) for v in value):
            from .safetext import forbidden_char

            splits = [] if any(forbidden_char(str(v)) for v in value) else place_splits(value, single=True)
            if splits:
                for message, line in splits:
                    self.add(message, line, Problem.TYPE)
                return LocStr(", ".join(str(v).strip() for v in value), value.line)
        text = self.string(data, "affiliation")
        return None if text is None else LocStr(text, data.line_of("affiliation"))

    def name_parts(self, data: LocMap, name: str | None) -> NameParts:
        """family-name, given-name, sort-as, name-order (each optional); with the ``name`` (an
        author's), each part is checked against it (a speaker's name is its page's title:
        speakers.read_speaker_names checks it)."""
        values: dict[str, str | None] = {}
        for key in NAME_KEYS:
            values[key] = self.string(data, key)
            if values[key] is None and key in data and isinstance(data.get(key), LocStr | type(None)):
                self.add(f"'{key}' is empty: write it, or delete the line", data.line_of(key), Problem.KEY)
        order = values["name-order"]
        if order is not None and order.casefold() not in NAME_ORDERS:
            hint = did_you_mean(order.casefold(), NAME_ORDERS)
            message = (
                f"unknown name-order '{order}'{hint}: write 'name-order: family-first' (Kovács János, "
                "山田 太郎) or 'name-order: given-first' (János Kovács)"
            )
            self.add(message, data.line_of("name-order"), Problem.KEY)
            order = None
        lines = tuple((key, data.line_of(key)) for key in NAME_KEYS if values[key] is not None)
        order = order.casefold() if order else None
        parts = NameParts(values["family-name"], values["given-name"], values["sort-as"], order, lines)
        if not name:
            return parts
        parts, problems = checked_name_parts(name, parts, self.file)
        self.problems.extend(problems)
        return parts

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
        """An http(s) address that passes the site's one URL policy (urls.py)."""
        value = self.string(data, key)
        if value is not None and (not re.match(r"^https?://", value) or url_problem(value)):
            reason = url_problem(value) if re.match(r"^https?://", value) else None
            reason = f": {reason}" if reason and "not allowed in an address" in reason else ""
            self.add(
                f"'{key}' must be an http:// or https:// address{reason}", data.line_of(key), Problem.TYPE
            )
            return None
        return value


# One list item is one affiliation. "[KTH Royal Institute of Technology, Stockholm]" is YAML for two
# items, the second a town. An item that follows another in the same list and *is* a known place
# (places.py: a gazetteer of towns, countries and regions, not the shape of a word: "Skoltech",
# "МФТИ" and "Háskóli Íslands" are no place) is named at its line with the item to write. A place
# that stands first or alone is accepted as written: no split leaves it there, and an author may
# well give only a town. Organisations named like a town (Nokia, Mila) are not in the gazetteer.
PLACE_MESSAGE = "affiliation '{place}' names a place, not an institution: {fix}"
PLACE_FIXES = {
    "flow": "YAML split the affiliation at its comma; quote it: {item}",
    "block": "write it in one item with the one before: {item}",
    "single": "the brackets made a list, split at its comma; quote it: affiliation: {item}",
}
PLACE_ASIDE = " (if it is an institution, write its full name)"
MAX_PLACE_MESSAGES = 10  # per list; the rest counted in one line (bounded output for any page)
MAX_SHOWN = 300  # characters of a place or item shown in a message (a real one is shorter)


def _shown(text: str) -> str:
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "…"


def place_splits(items: list[LocStr], single: bool = False) -> list[tuple[str, int]]:
    """(message, line) for each run of places that follows another item of ``items`` (one
    author's affiliations in order); ``single``: the items are one 'affiliation:' in brackets."""
    from .places import is_place

    place: list[bool] = []
    for item in items:
        place.append(is_place(item, after_place=bool(place) and place[-1]))
    found = []
    start = 1
    while start < len(items):
        if not place[start]:
            start += 1
            continue
        end = start
        while end + 1 < len(items) and place[end + 1]:
            end += 1
        first, run = items[start], items[start : end + 1]
        joined = ", ".join(str(i).strip() for i in (items if single else items[start - 1 : end + 1]))
        style = "single" if single else "flow" if first.line == items[start - 1].line else "block"
        fix = PLACE_FIXES[style].format(item=_shown(json.dumps(joined, ensure_ascii=False))) + PLACE_ASIDE
        place_names = _shown(", ".join(str(i).strip() for i in run))
        found.append((PLACE_MESSAGE.format(place=place_names, fix=fix), first.line))
        start = end + 1
    if len(found) > MAX_PLACE_MESSAGES:
        more = len(found) - MAX_PLACE_MESSAGES
        message = f"affiliation: {more:,} more places split from their institution in this list: quote each"
        found[MAX_PLACE_MESSAGES:] = [(message, found[MAX_PLACE_MESSAGES][1])]
    return found


def checked_name_parts(name: str, parts: NameParts, file: str) -> tuple[NameParts, list[WorkshopError]]:
    """The parts that fit the name as written, and a problem at its line for each that does not
    (left out: the name is then filed as if the part were not given)."""
    problems = name_problems(name, parts)
    if not problems:
        return parts, []
    wrong = {key for key, _message in problems}
    kept = NameParts(
        None if "family-name" in wrong else parts.family,
        None if "given-name" in wrong else parts.given,
        parts.sort,
        None if "name-order" in wrong else parts.order,
        parts.lines,
    )
    return kept, [WorkshopError(message, file, parts.line_of(key), Problem.TYPE) for key, message in problems]


def check_id(page_id: str, file: str) -> list[WorkshopError]:
    if is_page_id(page_id):
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
    data = reader.front_matter(text)
    if data is None:
        return TalkMeta(page_id, (), (), ()), reader.problems
    kind = _contribution_type(reader, data)
    what = "poster" if kind == "poster" else "talk"
    reader.unknown_keys(data, TALK_KEYS, f"a {what}'s front matter")
    speakers = reader.strings(data, "speakers")
    if not speakers and "speakers" not in data:
        reader.add(
            f"the {what} has no 'speakers': list the speaker ids (speakers/<id>.md)", data.line, Problem.KEY
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
        listed = reader.strings(item, "affiliations")
        affiliations = [str(a) for a in listed]
        single = reader.affiliation(item)
        if single:
            affiliations.insert(0, str(single))
        if not name:
            raw = item.get("name")
            if not (isinstance(raw, LocStr) and str(raw).strip()):  # a bad name: string() said so
                reader.add("the author has no 'name'", item.line, Problem.KEY)
            continue
        for message, line in place_splits(([single] if single else []) + listed):
            reader.add(message, line, Problem.TYPE)
        corresponding = (reader.string(item, "corresponding") or "false").lower() in ("true", "yes")
        parts = reader.name_parts(item, name)
        authors.append(Author(name, tuple(affiliations), reader.orcid(item), corresponding, parts))
    seen: set[str] = set()
    for speaker in speakers:
        if speaker in seen:
            reader.add(f"speaker '{speaker}' is listed twice", speaker.line, Problem.DUPLICATE)
        seen.add(str(speaker))
    keywords = tuple(str(k) for k in reader.strings(data, "keywords"))
    board = _board(reader, data) if kind == "poster" else None
    posters = _poster_files(reader, data) if kind == "poster" else []
    if kind == "talk":  # None: an unknown type, reported once
        for key in POSTER_ONLY_KEYS:
            if key in data:
                reader.add(
                    f"'{key}' is for posters: add 'type: poster', or delete '{key}'",
                    data.line_of(key),
                    Problem.KEY,
                )
    meta = TalkMeta(
        page_id,
        tuple(str(s) for s in speakers),
        tuple(authors),
        keywords,
        tuple(s.line for s in speakers),
        kind or "talk",
        board,
        data.line_of("board") if board is not None else None,
        tuple(str(p) for p in posters),
        tuple(p.line for p in posters),
    )
    return meta, reader.problems


def _contribution_type(reader: _Reader, data: LocMap) -> str | None:
    """'talk' (the default) or 'poster'; None for anything else (reported; read as a talk)."""
    value = reader.string(data, "type")
    if value is None:
        if "type" not in data:
            return "talk"
        if isinstance(data.get("type"), LocStr | type(None)):
            reader.add(
                "'type' is empty: write 'type: talk' or 'type: poster'", data.line_of("type"), Problem.KEY
            )
        return None  # refused (a list, a mapping, an unprintable value): reported once, above
    if value.casefold() in CONTRIBUTION_TYPES:
        return value.casefold()
    hint = did_you_mean(value.casefold(), CONTRIBUTION_TYPES) or " (write 'type: talk' or 'type: poster')"
    reader.add(f"unknown type '{value}'{hint}", data.line_of("type"), Problem.KEY)
    return None


def _poster_files(reader: _Reader, data: LocMap) -> list[LocStr]:
    """'poster: x-poster.pdf', or a list of up to MAX_POSTER_FILES ([x-poster.pdf, x-poster.png]:
    the image is shown, each file offered for download)."""
    if "poster" not in data:
        return []
    files = [f for f in reader.strings(data, "poster") if f.strip()]
    if not files and isinstance(data.get("poster"), LocStr | LocSeq | type(None)):
        message = "'poster' is empty: name your poster's file (e.g. 'poster: <id>-poster.pdf'), or delete it"
        reader.add(message, data.line_of("poster"), Problem.KEY)
        return []
    if len(files) > MAX_POSTER_FILES:
        message = f"'poster' lists {len(files)} files: at most {MAX_POSTER_FILES} (e.g. the PDF and an image)"
        reader.add(message, data.line_of("poster"), Problem.TYPE)
        return []
    seen: set[str] = set()
    kept = []
    for item in files:
        name = str(item).strip()
        if name in seen:
            reader.add(f"poster file '{name}' is listed twice", item.line, Problem.DUPLICATE)
            continue
        seen.add(name)
        kept.append(LocStr(name, item.line) if name != str(item) else item)
    return kept


def _board(reader: _Reader, data: LocMap) -> int | None:
    """A poster's own board number: a whole number from 1."""
    value = reader.string(data, "board")
    if value is None:
        return None
    if not re.fullmatch(r"[+-]?[0-9]+", value) or not 1 <= int(value) <= MAX_BOARD:
        reader.add(
            f"board '{value}' must be a whole number from 1 to {MAX_BOARD:,}, e.g. 'board: 12' "
            "(or delete it: boards follow the session's list)",
            data.line_of("board"),
            Problem.TYPE,
        )
        return None
    return int(value)


def read_speaker(page_id: str, text: str, file: str) -> tuple[SpeakerMeta, list[WorkshopError]]:
    reader = _Reader(file)
    reader.problems.extend(check_id(page_id, file))
    data = reader.front_matter(text)
    if data is None:
        return SpeakerMeta(page_id, "", None, None, None), reader.problems
    reader.unknown_keys(data, SPEAKER_KEYS, "a speaker's front matter")
    affiliation = reader.affiliation(data)
    if affiliation is None and "affiliation" not in data:
        reader.add(
            "the speaker has no 'affiliation': add 'affiliation: <institution, city>'", data.line, Problem.KEY
        )
    meta = SpeakerMeta(
        page_id,
        str(affiliation or ""),
        reader.url(data, "homepage"),
        reader.orcid(data),
        reader.string(data, "photo"),
        reader.name_parts(data, None),  # the name is the page's title: speakers.read_speaker_names
    )
    return meta, reader.problems
