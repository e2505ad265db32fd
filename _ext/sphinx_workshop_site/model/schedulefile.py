"""The schedule file (``program/schedule.yaml``): its keys, read and validated into the model
(:mod:`.schedule`), once per content (:class:`ScheduleCache`), and its JSON Schema, generated
from the same keys.

Pure Python: no Sphinx, no docutils. Every problem is a located WorkshopError; a file
with problems still yields every slot that could be read, so one run reports them all.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from . import sourceyaml
from .errors import Problem, WorkshopError, did_you_mean
from .safetext import describe, forbidden_char
from .schedule import (
    SLOT_KINDS,
    TALK_ID_PATTERN,
    Day,
    Schedule,
    Slot,
    Spotlight,
    format_date,
    format_time_range,
    is_page_id,
    minutes_between,
)
from .sourceyaml import LocMap, LocSeq, LocStr

TIME_RANGE_PATTERN = r"^([01]?[0-9]|2[0-3]):[0-5][0-9] *[-–] *([01]?[0-9]|2[0-3]):[0-5][0-9]$"
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


@dataclass(frozen=True)
class Field:
    """One key of the data file: the validator and the JSON Schema both read these."""

    name: str
    shape: str  # "string" | "strings" | "items" | "flag" (true or false)
    required: bool
    description: str
    pattern: str | None = None
    enum: tuple[str, ...] | None = None


SLOT_FIELDS = (
    Field(
        "time",
        "string",
        True,
        "Start and end, 24-hour clock: 13:45-14:00",
        TIME_RANGE_PATTERN,
    ),
    Field(
        "talk",
        "string",
        False,
        "A talk id: the file stem of abstracts/<id>.md",
        TALK_ID_PATTERN,
    ),
    Field("title", "string", False, "What happens, for a slot with no talk page"),
    Field(
        "kind",
        "string",
        False,
        "What sort of slot (talk when 'talk' is set)",
        enum=SLOT_KINDS,
    ),
    Field("room", "string", False, "One of 'rooms'; leave out for a slot in every room"),
    Field(
        "posters",
        "strings",
        False,
        "A poster session: poster ids (abstracts/<id>.md with 'type: poster') in board order; "
        "[] while posters are to be announced",
        TALK_ID_PATTERN,
    ),
    Field(
        "spotlights",
        "items",
        False,
        "Short presentations in order: contribution ids, or {id: <id>, time: HH:MM-HH:MM}; "
        "[] while they are to be announced",
    ),
    Field(
        "cancelled",
        "flag",
        False,
        "true: the slot stays listed, marked 'Cancelled' on the site and in the calendars",
    ),
)
SPOTLIGHT_FIELDS = (
    Field("id", "string", True, "A contribution id: the file stem of abstracts/<id>.md", TALK_ID_PATTERN),
    Field("time", "string", False, "Its start and end, within the slot: 17:15-17:20", TIME_RANGE_PATTERN),
)
DAY_FIELDS = (
    Field(
        "date",
        "string",
        True,
        "ISO date, e.g. 2026-06-03 (the weekday is computed)",
        DATE_PATTERN,
    ),
    Field("label", "string", False, "A short name for the day, e.g. Day 1"),
    Field("slots", "items", True, "The day's slots, in any order; [] while the programme is to be announced"),
)
TOP_FIELDS = (
    Field(
        "timezone",
        "string",
        True,
        "IANA time zone of every time in this file, e.g. Europe/Paris",
    ),
    Field("venue", "string", True, "Where the event takes place"),
    Field("address", "string", False, "The venue's postal address: street, postcode and town, country"),
    Field("rooms", "strings", False, "Room names; two or more make parallel tracks"),
    Field("days", "items", True, "One entry per day"),
)


# --------------------------------------------------------------------------- loading


class _Collector:
    """Gathers problems so one run reports all of them."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[WorkshopError] = []

    def add(self, message: str, line: int | None, subtype: Problem) -> None:
        self.problems.append(WorkshopError(message, self.file, line, subtype))

    def check_keys(
        self, mapping: LocMap, fields: tuple[Field, ...], where: str, unknown_is_fatal: bool = True
    ) -> bool:
        """Unknown keys (with did-you-mean), missing keys, and value shapes. True if usable."""
        names = [f.name for f in fields]
        ok = True
        for key in mapping:
            if key not in names:
                ok = ok and not unknown_is_fatal
                hint = did_you_mean(key, names) or f" (allowed: {', '.join(names)})"
                self.add(
                    f"unknown key '{key}' in {where}{hint}",
                    mapping.line_of(key),
                    Problem.KEY,
                )
        for field in fields:
            value = mapping.get(field.name)
            if value is None:
                if field.required:
                    self.add(
                        f"{where} has no '{field.name}': add '{field.name}:' ({field.description})",
                        mapping.line,
                        Problem.KEY,
                    )
                    ok = False
                continue
            expected = {"string": LocStr, "strings": LocSeq, "items": LocSeq, "flag": LocStr}[field.shape]
            bad_flag = field.shape == "flag" and value not in ("true", "false")
            if not isinstance(value, expected) or bad_flag:
                shape = {
                    "string": "a single value",
                    "strings": "a list",
                    "items": "a list",
                    "flag": "true or false",
                }
                self.add(
                    f"'{field.name}' in {where} must be {shape[field.shape]} ({field.description})",
                    mapping.line_of(field.name),
                    Problem.TYPE,
                )
                ok = False
        return ok


def time_range_problem(text: str, example: str) -> str:
    """What is wrong with ``text``, a time range parse_time_range refused, as the end of a message
    after the quoted text: an hour or minute off the 24-hour clock ('25:00-26:00'), or the form."""
    shape = re.fullmatch(r"(\d{1,2}:\d{2}) *[-–] *(\d{1,2}:\d{2})", str(text).strip())
    for clock in shape.groups() if shape else ():
        hour, minute = (int(n) for n in clock.split(":"))
        if hour > 23 or minute > 59:
            what = "hour" if hour > 23 else "minute"
            return f"has an invalid {what} ({clock}): the 24-hour clock runs from 00:00 to 23:59"
    return f"is not a range: write HH:MM-HH:MM, e.g. {example}"


def parse_time_range(text: str) -> tuple[dt.time, dt.time] | None:
    match = re.match(TIME_RANGE_PATTERN, text.strip())
    if not match:
        return None
    start_text, end_text = re.split(r" *[-–] *", text.strip())
    return dt.time.fromisoformat(start_text.zfill(5)), dt.time.fromisoformat(end_text.zfill(5))


MAX_SCHEDULE_BYTES = 2_000_000  # a 500-talk programme is about 40 kB
MAX_DAYS = 100
MAX_SLOTS = 2_000  # the whole programme; a 500-talk programme has about 600
MAX_ROOMS = 100  # one column each in the programme's tables


def load_schedule(data: bytes, file: str) -> tuple[Schedule | None, list[WorkshopError]]:
    """Read and validate a schedule file's bytes. Never raises for bad input."""
    out = _Collector(file)
    if len(data) > MAX_SCHEDULE_BYTES:
        out.add(
            f"the file is {len(data) / 1e6:.1f} MB, over the {MAX_SCHEDULE_BYTES / 1e6:.0f} MB limit "
            "for a schedule: is it the right file?",
            1,
            Problem.FILE,
        )
        return None, out.problems
    try:
        text = sourceyaml.decode(data, file)
        if _check_raw_characters(text, out):
            return None, out.problems
        root = sourceyaml.parse(text, file)
    except WorkshopError as err:
        return None, [err]
    if root is None:
        out.add(
            "the schedule file is empty: start with 'timezone:', 'venue:' and 'days:'",
            1,
            Problem.EMPTY,
        )
        return None, out.problems
    if not isinstance(root, LocMap):
        out.add(
            "the schedule must be a mapping with 'timezone', 'venue' and 'days'",
            root.line,
            Problem.TYPE,
        )
        return None, out.problems
    # Every string reaches calendars, XML and pages: refuse what no output can carry, first,
    # so that no later message repeats such a string.
    if _check_characters(root, out) or not _check_sizes(root, out):
        return None, out.problems
    if not out.check_keys(root, TOP_FIELDS, "the schedule", unknown_is_fatal=False):
        return None, out.problems

    timezone = str(root["timezone"])
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        hint = did_you_mean(timezone, available_timezones()) or " (e.g. Europe/Paris)"
        out.add(
            f"unknown timezone '{timezone}'{hint}",
            root.line_of("timezone"),
            Problem.TIMEZONE,
        )

    rooms: list[str] = []
    for room in root.get("rooms") or []:
        if not isinstance(room, LocStr) or not room.strip():
            out.add("each room must be a name", root.line_of("rooms"), Problem.TYPE)
        elif room in rooms:
            out.add(f"room '{room}' is listed twice", room.line, Problem.DUPLICATE)
        else:
            rooms.append(str(room))

    if not root["days"]:
        out.add(
            "'days' is empty: add at least one day with its 'date' and 'slots'",
            root.line_of("days"),
            Problem.KEY,
        )
    days: list[Day] = []
    seen_dates: dict[dt.date, int] = {}
    for day_data in root["days"]:
        day = _load_day(day_data, rooms, out)
        if day is None:
            continue
        if day.date in seen_dates:
            out.add(
                f"{day.date} is already a day on line {seen_dates[day.date]}: merge the two",
                day.line,
                Problem.DUPLICATE,
            )
            continue
        seen_dates[day.date] = day.line
        days.append(day)
    days.sort(key=lambda d: d.date)
    for day in days:
        _check_overlaps(day, out)
    _check_poster_sessions(days, out)
    address = str(root["address"]) if isinstance(root.get("address"), LocStr) else ""
    schedule = Schedule(file, timezone, str(root["venue"]), tuple(rooms), tuple(days), address)
    return schedule, out.problems


def _check_raw_characters(text: str, out: _Collector) -> bool:
    """Control characters typed into the file itself (YAML would refuse some of them with no
    line, and read U+2028 as a line break, shifting every line after it). True if any."""
    found = False
    for number, line in enumerate(text.split("\n"), start=1):
        char = forbidden_char(line.replace("\t", " "))
        if char:
            out.add(f"this line holds {describe(char)}: remove it", number, Problem.SAFETY)
            found = True
    return found


def _check_characters(root: LocMap, out: _Collector) -> bool:
    """Every key and string, escapes included ("\\x07", "\\u2028", a '|' block's line breaks).
    True if any holds a forbidden character."""
    found = False
    pending: list[tuple[str, object]] = [("the schedule", root)]
    while pending:  # a loop, not recursion: nesting depth is the YAML reader's business
        key, node = pending.pop()
        if isinstance(node, LocMap):
            for name, value in node.items():
                if char := forbidden_char(name):
                    out.add(f"a key holds {describe(char)}: remove it", node.line_of(name), Problem.SAFETY)
                    found = True
                else:
                    pending.append((name, value))
        elif isinstance(node, LocSeq):
            pending.extend((key, item) for item in node)
        elif isinstance(node, LocStr) and (char := forbidden_char(node)):
            out.add(f"'{key}' holds {describe(char)}: remove it", node.line, Problem.SAFETY)
            found = True
    out.problems.sort(key=lambda p: p.line or 0)
    return found


def _check_sizes(root: LocMap, out: _Collector) -> bool:
    """Bounded work for any file: at most MAX_DAYS days, MAX_ROOMS rooms and MAX_SLOTS slots.
    True if within."""
    rooms = root.get("rooms")
    if isinstance(rooms, LocSeq) and len(rooms) > MAX_ROOMS:
        out.add(
            f"the schedule has {len(rooms)} rooms, over the limit of {MAX_ROOMS}: is it the right file?",
            root.line_of("rooms"),
            Problem.LENGTH,
        )
        return False
    days = root.get("days")
    if not isinstance(days, LocSeq):
        return True  # check_keys names the problem
    if len(days) > MAX_DAYS:
        out.add(
            f"the schedule has {len(days)} days, over the limit of {MAX_DAYS}: is it the right file?",
            root.line_of("days"),
            Problem.LENGTH,
        )
        return False
    count = 0
    for day in days:
        slots = day.get("slots") if isinstance(day, LocMap) else None
        if not isinstance(slots, LocSeq):
            continue
        if count + len(slots) > MAX_SLOTS:
            line = getattr(slots[MAX_SLOTS - count], "line", slots.line)
            out.add(
                f"this is slot {MAX_SLOTS + 1} of the programme, over the limit of {MAX_SLOTS}: "
                "split the programme or remove slots",
                line,
                Problem.LENGTH,
            )
            return False
        count += len(slots)
    return True


def _load_day(data, rooms: list[str], out: _Collector) -> Day | None:
    if not isinstance(data, LocMap):
        line = getattr(data, "line", None)
        out.add("each day must be a mapping with 'date' and 'slots'", line, Problem.TYPE)
        return None
    if not out.check_keys(data, DAY_FIELDS, "a day", unknown_is_fatal=False):
        return None
    date = _parse_date(data["date"], out)
    if date is None:
        return None
    slots = [s for s in (_load_slot(item, date, rooms, out) for item in data["slots"]) if s]
    slots.sort(key=lambda s: (s.start, s.end, s.room or ""))
    label = str(data["label"]) if data.get("label") else None
    return Day(date, label, tuple(slots), data.line)


def _parse_date(value: LocStr, out: _Collector) -> dt.date | None:
    if not re.match(DATE_PATTERN, value):
        out.add(
            f"date '{value}' is not an ISO date: write YYYY-MM-DD, e.g. 2024-11-26",
            value.line,
            Problem.DATE,
        )
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        out.add(
            f"date '{value}' does not exist: check the month and day",
            value.line,
            Problem.DATE,
        )
        return None


def _load_slot(data, date: dt.date, rooms: list[str], out: _Collector) -> Slot | None:
    if not isinstance(data, LocMap):
        line = getattr(data, "line", None)
        out.add(
            "each slot must be a mapping with 'time' and 'talk' or 'title'",
            line,
            Problem.TYPE,
        )
        return None
    if not out.check_keys(data, SLOT_FIELDS, "a slot"):
        return None
    time_text = data["time"]
    parsed = parse_time_range(time_text)
    if parsed is None:
        out.add(
            f"time '{time_text}' {time_range_problem(time_text, '13:45-14:00')}",
            time_text.line,
            Problem.TIME,
        )
        return None
    start, end = parsed
    if end <= start:
        out.add(
            f"time '{time_text}' ends before it starts: the end must be after the start",
            time_text.line,
            Problem.TIME,
        )
        return None
    talk, title = data.get("talk"), data.get("title")
    sessions = [key for key in ("posters", "spotlights") if key in data]
    if talk is not None and sessions:
        out.add(
            f"a slot with '{sessions[0]}' is a session, not a talk: replace 'talk:' with its 'title:'",
            talk.line,
            Problem.KEY,
        )
        return None
    if talk is None and title is None:
        out.add(
            "the slot has neither 'talk' (a talk id) nor 'title': add one",
            data.line,
            Problem.KEY,
        )
        return None
    if talk is not None and title is not None:
        out.add(
            "the slot has both 'talk' and 'title': the talk page gives the title, remove 'title'",
            data.line_of("title"),
            Problem.KEY,
        )
        return None
    if talk is not None and not is_page_id(talk):
        out.add(
            f"talk id '{talk}' is not a file stem (lower-case letters, digits, '-')",
            talk.line,
            Problem.REF,
        )
        return None
    kind = data.get("kind") or ("talk" if talk else "poster" if sessions else "session")
    if kind not in SLOT_KINDS:
        hint = did_you_mean(kind, SLOT_KINDS) or f" (one of: {', '.join(SLOT_KINDS)})"
        out.add(f"unknown kind '{kind}'{hint}", data.line_of("kind"), Problem.KEY)
        return None
    room = data.get("room")
    if room is not None and room not in rooms:
        if rooms:
            hint = did_you_mean(room, rooms) or f" (rooms: {', '.join(rooms)})"
            out.add(f"unknown room '{room}'{hint}", room.line, Problem.ROOM)
        else:
            out.add(
                f"room '{room}' is not declared: list it under 'rooms:' at the top",
                room.line,
                Problem.ROOM,
            )
        return None
    talk_line = talk.line if talk is not None else data.line
    posters = _load_posters(data, out) if "posters" in data else None
    spotlights = _load_spotlights(data, start, end, out) if "spotlights" in data else None
    cancelled = data.get("cancelled") == "true"
    return Slot(
        date,
        start,
        end,
        str(talk) if talk else None,
        str(title) if title else None,
        str(kind),
        str(room) if room else None,
        data.line,
        talk_line,
        tuple(str(p) for p in posters) if posters is not None else None,
        tuple(p.line for p in posters or ()),
        spotlights,
        cancelled,
    )


def _load_posters(data: LocMap, out: _Collector) -> list[LocStr]:
    """The session's poster ids, in board order; a bad or repeated id is reported and left out."""
    posters: list[LocStr] = []
    seen: dict[str, int] = {}
    for item in data.get("posters") or ():
        if not isinstance(item, LocStr) or not is_page_id(item):
            line = getattr(item, "line", data.line_of("posters"))
            out.add(
                f"poster id '{item}' is not a file stem (lower-case letters, digits, '-')"
                if isinstance(item, LocStr)
                else "each poster must be a poster id (the file stem of abstracts/<id>.md)",
                line,
                Problem.REF,
            )
            continue
        if item in seen:
            where = "this session" if seen[item] == item.line else f"this session on line {seen[item]}"
            out.add(
                f"poster '{item}' is listed twice in {where}: list it once (a poster has one board)",
                item.line,
                Problem.DUPLICATE,
            )
            continue
        seen[str(item)] = item.line
        posters.append(item)
    return posters


def _load_spotlights(data: LocMap, start: dt.time, end: dt.time, out: _Collector) -> tuple[Spotlight, ...]:
    """Ordered short presentations: ids (times computed when the slot divides evenly) or
    ``{id, time}`` mappings (times as given, within the slot, in order, not overlapping)."""
    items: list[tuple[LocStr, tuple[dt.time, dt.time] | None, int]] = []
    seen: dict[str, int] = {}
    for item in data.get("spotlights") or ():
        time_range = None
        if isinstance(item, LocMap):
            if not out.check_keys(item, SPOTLIGHT_FIELDS, "a spotlight"):
                continue
            ident, time_text = item["id"], item.get("time")
            if time_text is not None:
                time_range = parse_time_range(time_text)
                if time_range is None or time_range[1] <= time_range[0]:
                    problem = (
                        time_range_problem(time_text, "17:15-17:20")
                        if time_range is None
                        else "ends before it starts: the end must be after the start"
                    )
                    out.add(f"spotlight time '{time_text}' {problem}", time_text.line, Problem.TIME)
                    continue
                if time_range[0] < start or time_range[1] > end:
                    out.add(
                        f"spotlight time '{time_text}' is outside its slot "
                        f"{format_time_range(start, end)}: move it inside",
                        time_text.line,
                        Problem.TIME,
                    )
                    continue
        elif isinstance(item, LocStr):
            ident = item
        else:
            out.add(
                "each spotlight must be a contribution id or {id: <id>, time: HH:MM-HH:MM}",
                getattr(item, "line", data.line_of("spotlights")),
                Problem.TYPE,
            )
            continue
        if not is_page_id(ident):
            out.add(
                f"spotlight id '{ident}' is not a file stem (lower-case letters, digits, '-')",
                ident.line,
                Problem.REF,
            )
            continue
        if ident in seen:
            out.add(
                f"'{ident}' is listed twice in these spotlights: list it once", ident.line, Problem.DUPLICATE
            )
            continue
        seen[str(ident)] = ident.line
        items.append((ident, time_range, getattr(item, "line", ident.line)))
    timed = [t for t in items if t[1] is not None]
    if timed and len(timed) != len(items):
        untimed = next(t for t in items if t[1] is None)
        out.add(
            f"spotlight '{untimed[0]}' has no 'time' while others have one: give every "
            "spotlight a time, or none (the slot is then divided evenly)",
            untimed[2],
            Problem.TIME,
        )
    previous = None
    for ident, time_range, line in timed:
        if previous is not None and time_range[0] < previous[1][1]:
            out.add(
                f"spotlight '{ident}' starts before spotlight '{previous[0]}' (line {previous[2]}) ends: "
                "list spotlights in time order, without overlaps",
                line,
                Problem.OVERLAP,
            )
        previous = (ident, time_range, line)
    total = minutes_between(start, end)
    even = not timed and items and total % len(items) == 0
    spots = []
    for order, (ident, time_range, line) in enumerate(items, start=1):
        if even:
            length = total // len(items)
            base = dt.datetime.combine(dt.date.min, start)
            time_range = (
                (base + dt.timedelta(minutes=length * (order - 1))).time(),
                (base + dt.timedelta(minutes=length * order)).time(),
            )
        if not (even or len(timed) == len(items)):
            time_range = None  # mixed: the message above; show the order only
        begin, finish = time_range or (None, None)
        spots.append(Spotlight(str(ident), order, begin, finish, line))
    return tuple(spots)


def _check_overlaps(day: Day, out: _Collector) -> None:
    """Two slots overlap when they share a room; a slot with no room is in every room.

    Slots come sorted by start: only those still running when a slot starts can overlap it,
    so the work grows with the slots running at once, not with the square of the day's slots."""
    running: list[Slot] = []
    for later in day.slots:
        running = [s for s in running if s.end > later.start]
        for earlier in running:
            shared = earlier.room is None or later.room is None or earlier.room == later.room
            if shared and earlier.start < later.end and later.start < earlier.end:
                where = f" in room '{later.room or earlier.room}'" if (later.room or earlier.room) else ""
                out.add(
                    f"slot {later.time_range} overlaps slot {earlier.time_range} (line {earlier.line})"
                    f"{where} on {format_date(day.date)}: change one of the times",
                    later.line,
                    Problem.OVERLAP,
                )
                break
        running.append(later)


def _check_poster_sessions(days: list[Day], out: _Collector) -> None:
    """A poster has one session, and a contribution one spotlight: a second one is reported."""
    first: dict[str, Slot] = {}
    spotlit: dict[str, int] = {}
    for day in days:
        for slot in day.slots:
            for spot in slot.spotlights or ():
                if spot.id in spotlit and spotlit[spot.id] != spot.line:
                    out.add(
                        f"'{spot.id}' is already a spotlight on line {spotlit[spot.id]}: a contribution "
                        "has one spotlight",
                        spot.line,
                        Problem.DUPLICATE,
                    )
                spotlit.setdefault(spot.id, spot.line)
            for pid, line in zip(slot.posters or (), slot.poster_lines, strict=True):
                if pid in first:
                    other = first[pid]
                    out.add(
                        f"poster '{pid}' is already in the poster session on line {other.line} "
                        f"({format_date(other.date)}, {other.time_range}): a poster has one session",
                        line,
                        Problem.DUPLICATE,
                    )
                else:
                    first[pid] = slot


class ScheduleCache:
    """Each data file is parsed once per content (keyed by its hash), not once per page."""

    def __init__(self) -> None:
        self._entries: dict[Path, tuple[str, Schedule | None, list[WorkshopError]]] = {}

    def load(self, path: Path, display_name: str) -> tuple[Schedule | None, list[WorkshopError]]:
        try:
            data = path.read_bytes()
        except OSError:
            err = WorkshopError(f"schedule file '{display_name}' not found", display_name, None, Problem.FILE)
            return None, [err]
        # Reading is cheap; parsing and validating are what the cache saves. A hash, unlike
        # an mtime, never serves stale data after a quick edit.
        key = hashlib.sha256(data).hexdigest()
        cached = self._entries.get(path)
        if cached and cached[0] == key:
            return cached[1], cached[2]
        schedule, problems = load_schedule(data, display_name)
        self._entries[path] = (key, schedule, problems)
        return schedule, problems


# --------------------------------------------------------------------------- JSON Schema


def _field_schema(field: Field) -> dict:
    schema: dict = {"description": field.description}
    if field.shape == "string":
        schema["type"] = "string"
    elif field.shape == "flag":
        schema["type"] = "boolean"
    elif field.shape == "strings":
        item = {"type": "string", "minLength": 1}
        if field.pattern:
            item["pattern"] = field.pattern
        schema.update(type="array", items=item, uniqueItems=True)
    if field.pattern and field.shape == "string":
        schema["pattern"] = field.pattern
    if field.enum:
        schema["enum"] = list(field.enum)
    return schema


def _object_schema(fields: tuple[Field, ...], **extra) -> dict:
    return {
        "type": "object",
        "properties": {f.name: _field_schema(f) for f in fields},
        "required": [f.name for f in fields if f.required],
        "additionalProperties": False,
        **extra,
    }


def schedule_json_schema() -> dict:
    """The JSON Schema of schedule.yaml, generated from the same fields the loader checks."""
    slot = _object_schema(
        SLOT_FIELDS,
        oneOf=[
            {"required": ["talk"], "not": {"required": ["title"]}},
            {"required": ["title"], "not": {"required": ["talk"]}},
        ],
    )
    spotlight = _object_schema(SPOTLIGHT_FIELDS)
    slot["properties"]["spotlights"].update(
        type="array",
        items={"oneOf": [{"type": "string", "pattern": TALK_ID_PATTERN}, {"$ref": "#/$defs/spotlight"}]},
    )
    slot["not"] = {"required": ["talk"], "anyOf": [{"required": ["posters"]}, {"required": ["spotlights"]}]}
    day = _object_schema(DAY_FIELDS)
    day["properties"]["slots"].update(type="array", items={"$ref": "#/$defs/slot"})
    top = _object_schema(TOP_FIELDS)
    top["properties"]["days"].update(type="array", items={"$ref": "#/$defs/day"}, minItems=1)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Workshop schedule (program/schedule.yaml)",
        **top,
        "$defs": {"day": day, "slot": slot, "spotlight": spotlight},
    }
