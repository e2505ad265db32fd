"""The schedule model: what a programme is (days, slots, poster sessions, spotlights), the
questions asked of it (where a contribution is, in which order, in which room) and how its dates
and times are said. The file is read and checked by :mod:`.schedulefile`; the checks that need
the contribution pages, and poster boards, are :mod:`.contributions`'.

Pure Python: no Sphinx, no docutils.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

SLOT_KINDS = ("talk", "break", "meal", "social", "poster", "session")
TALK_ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"  # the schema's form; Python code asks is_page_id
# What the site and the book say of a session whose list is still empty (posters: [], spotlights: [])
POSTERS_LATER = "Posters will be announced."
SPOTLIGHTS_LATER = "Spotlights will be announced."
PROGRAMME_LATER = "The programme will be announced."  # a day with 'slots: []' (an announce-first site)
WEEKDAYS = (
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
)
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
CONTRIBUTION_TYPES = ("talk", "poster")


@dataclass(frozen=True)
class Spotlight:
    """One short presentation of a spotlight slot: its contribution, its place in the order
    (1-based) and its time, when the file gives times or the slot divides evenly."""

    id: str
    order: int
    start: dt.time | None
    end: dt.time | None
    line: int

    @property
    def time_range(self) -> str | None:
        return format_time_range(self.start, self.end) if self.start and self.end else None


def is_page_id(text: str) -> bool:
    """Whether ``text`` is a talk or speaker id (the stem of ``<id>.md``): the one rule of the
    build, the schedule, ``make new-abstract`` and ``make check-pr`` (all of the text: 'jane\\n'
    is not an id, as '$' alone would allow)."""
    return re.fullmatch(TALK_ID_PATTERN, str(text)) is not None


def minutes_between(start: dt.time, end: dt.time) -> int:
    """The minutes from ``start`` to ``end`` on one day (a slot, a spotlight session): the one
    duration every output uses."""
    return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)


@dataclass(frozen=True)
class Slot:
    """One entry of a day. A talk slot has ``talk``; any other has ``title``.

    ``posters`` is None for a slot that is not a poster session, else the poster ids in board
    order (empty: to be announced). ``spotlights`` is None, or the ordered short presentations.
    """

    date: dt.date
    start: dt.time
    end: dt.time
    talk: str | None
    title: str | None
    kind: str
    room: str | None  # None: every room
    line: int
    talk_line: int
    posters: tuple[str, ...] | None = None
    poster_lines: tuple[int, ...] = ()
    spotlights: tuple[Spotlight, ...] | None = None
    cancelled: bool = False

    @property
    def time_range(self) -> str:
        return format_time_range(self.start, self.end)

    @property
    def is_poster_session(self) -> bool:
        return self.posters is not None

    @property
    def minutes(self) -> int:
        return minutes_between(self.start, self.end)

    @property
    def uid(self) -> str:
        """Stable across builds while the slot keeps its day, start and room."""
        room = re.sub(r"[^a-z0-9]+", "-", (self.room or "all").lower()).strip("-")
        return f"{self.date.isoformat()}-{self.start:%H%M}-{room}"


@dataclass(frozen=True)
class Day:
    date: dt.date
    label: str | None
    slots: tuple[Slot, ...]
    line: int

    @property
    def heading(self) -> str:
        return format_date(self.date)


@dataclass(frozen=True)
class Schedule:
    file: str
    timezone: str
    venue: str
    rooms: tuple[str, ...]
    days: tuple[Day, ...]
    address: str = ""  # optional: the venue's postal address (JSON-LD PostalAddress)

    def slots(self) -> Iterator[Slot]:
        for day in self.days:
            yield from day.slots

    @cached_property
    def _places(self) -> tuple[dict[str, Slot], dict[str, Slot], dict[str, tuple[Slot, Spotlight]]]:
        """(talk slots, poster sessions, spotlights) by contribution id, the first of each: pages
        ask once per contribution, so a lookup must not walk the whole programme."""
        talks: dict[str, Slot] = {}
        sessions: dict[str, Slot] = {}
        spots: dict[str, tuple[Slot, Spotlight]] = {}
        for slot in self.slots():
            if slot.talk:
                talks.setdefault(slot.talk, slot)
            for pid in slot.posters or ():
                sessions.setdefault(pid, slot)
            for spot in slot.spotlights or ():
                spots.setdefault(spot.id, (slot, spot))
        return talks, sessions, spots

    def slot_of(self, talk_id: str) -> Slot | None:
        """The talk slot (``talk: <id>``) of a contribution; None for a poster (see session_of)."""
        return self._places[0].get(talk_id)

    def session_of(self, poster_id: str) -> Slot | None:
        """The poster session (a slot with ``posters:``) that lists this poster."""
        return self._places[1].get(poster_id)

    def spotlight_of(self, contribution_id: str) -> tuple[Slot, Spotlight] | None:
        """The spotlight slot presenting this contribution, and its spotlight (order, time)."""
        return self._places[2].get(contribution_id)

    def poster_sessions(self) -> list[Slot]:
        return [s for s in self.slots() if s.is_poster_session]

    def poster_order(self) -> list[str]:
        """Poster ids in programme order: session by session, in board-list order (each once)."""
        seen: dict[str, None] = {}
        for slot in self.slots():
            for pid in slot.posters or ():
                seen.setdefault(pid, None)
        return list(seen)

    def scheduled_ids(self) -> set[str]:
        """Every contribution the programme places: in a talk slot, a poster session or a spotlight."""
        found = set(self.talk_order()) | set(self.poster_order())
        for slot in self.slots():
            found.update(spot.id for spot in slot.spotlights or ())
        return found

    def talk_order(self) -> list[str]:
        """Talk ids in programme order (each once)."""
        seen: dict[str, None] = {}
        for slot in self.slots():
            if slot.talk:
                seen.setdefault(slot.talk, None)
        return list(seen)

    def room_of(self, slot: Slot) -> str | None:
        """The room to name for a slot: its own, or the only room there is."""
        if slot.room:
            return slot.room
        return self.rooms[0] if len(self.rooms) == 1 else None


def format_date(day: dt.date) -> str:
    """'Tuesday 26 November 2024': computed, never typed, and never locale-dependent."""
    return f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]} {day.year}"


def format_date_range(first: dt.date, last: dt.date, short: bool = False) -> str:
    """'26–27 November 2024', '30 November – 1 December 2024', '31 December 2024 – 1 January 2025',
    '26 November 2024' (``short``: 'Nov'): the one way the site, the book and the logo say when."""
    names = tuple(m[:3] for m in MONTHS) if short else MONTHS

    def day(d: dt.date, year: bool = True) -> str:
        return f"{d.day} {names[d.month - 1]}" + (f" {d.year}" if year else "")

    if first == last:
        return day(first)
    if first.year != last.year:
        return f"{day(first)} – {day(last)}"
    if first.month != last.month:
        return f"{day(first, year=False)} – {day(last)}"
    return f"{first.day}–{day(last)}"


def format_time_range(start: dt.time, end: dt.time) -> str:
    return f"{start:%H:%M}–{end:%H:%M}"
