"""Programme exports, from the one model: iCalendar (RFC 5545), frab schedule.xml and
schedule.json (conference apps), schema.org JSON-LD (search engines). Pure Python.

One record feeds every format: :class:`Programme` holds the items (a slot and what happens in
it), gives each its identity (from the conference identifier and the talk id, never from the
slot or the site's address) and groups them by day and room once (:attr:`Programme.days`).
The writers only lay that record out; :mod:`.formats` lists them.

Every text is made safe on the way in (the dataclasses clean what they are given: one line for
titles and names, no control characters anywhere) and again where a writer puts it in its
format, so that no title taken from a page or a data file can break a calendar or an XML file."""

from __future__ import annotations

import datetime as dt
import functools
import re
import uuid
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from ..model.releases import Revision, session_key
from ..model.safetext import clean_text, one_line
from ..model.schedule import Schedule, Slot

GENERATOR = "sphinx-workshop-site"  # the package, as pyproject.toml names it (the edition: the settings)
ORCID_URL = "https://orcid.org/"
IDENTIFIER_PATTERN = r"^[a-z0-9_]{4,}$"  # what frab accepts as a conference acronym
CANCELLED = "Cancelled: "  # before a cancelled event's title where a format has no status (frab)


def generator_version() -> str:
    """The package's own version (``sphinx_workshop_site.__version__``, which pyproject.toml reads too)."""
    from .. import __version__

    return __version__


def identifier_from(name: str) -> str:
    """'XYZ'26' → 'xyz26': lower-case letters, digits and '_', at least four."""
    slug = re.sub(r"[^a-z0-9_]+", "", one_line(name).lower()) or "workshop"
    return slug if len(slug) >= 4 else slug + "_" * (4 - len(slug))


def _set_clean(obj, **values) -> None:
    """Assign cleaned values on a frozen dataclass (in __post_init__)."""
    for name, value in values.items():
        object.__setattr__(obj, name, value)


@dataclass(frozen=True)
class Person:
    """A speaker (with a page) or an author (url empty)."""

    id: str
    name: str
    url: str = ""
    affiliations: tuple[str, ...] = ()
    orcid: str = ""  # 0000-0002-1825-0097, checked by the front matter reader
    # the family and given names, when the page gives them (front matter family-name, given-name)
    family: str = ""
    given: str = ""

    def __post_init__(self) -> None:
        _set_clean(
            self,
            name=one_line(self.name),
            affiliations=tuple(a for a in map(one_line, self.affiliations) if a),
            orcid=one_line(self.orcid),
            family=one_line(self.family),
            given=one_line(self.given),
        )

    @property
    def label(self) -> str:
        """'Name (Affiliation, Other)' for plain-text lists."""
        return f"{self.name} ({', '.join(self.affiliations)})" if self.affiliations else self.name


@dataclass(frozen=True)
class Poster:
    """A contribution a session lists: a poster at its board, or a spotlight at its time."""

    id: str
    title: str
    url: str
    board: int | None = None
    presenters: tuple[Person, ...] = ()
    time: str = ""  # a spotlight's own time range, when the schedule gives one
    abstract: str = ""

    def __post_init__(self) -> None:
        _set_clean(
            self, title=one_line(self.title), time=one_line(self.time), abstract=clean_text(self.abstract)
        )

    @property
    def label(self) -> str:
        names = ", ".join(p.name for p in self.presenters)
        where = f"Board {self.board}: " if self.board is not None else f"{self.time} " if self.time else ""
        return f"{where}{self.title}" + (f" ({names})" if names else "")


@dataclass(frozen=True)
class Item:
    """One slot as the exports show it: the slot, what happens, who, and where to read more."""

    slot: Slot | None  # None: a talk with no slot yet
    title: str
    url: str
    abstract: str = ""
    persons: tuple[Person, ...] = ()  # the speakers
    talk: str | None = None
    authors: tuple[Person, ...] = ()  # empty: the speakers are the authors
    posters: tuple[Poster, ...] = ()  # a poster session's posters, in board order
    spotlights: tuple[Poster, ...] = ()  # a spotlight slot's short presentations, in order

    def __post_init__(self) -> None:
        _set_clean(self, title=one_line(self.title), abstract=clean_text(self.abstract))

    @property
    def kind(self) -> str:
        return self.slot.kind if self.slot is not None else "talk"

    @property
    def cancelled(self) -> bool:
        return self.slot is not None and self.slot.cancelled

    @property
    def shown_title(self) -> str:
        """The title, with 'Cancelled: ' before it when the slot is cancelled."""
        return CANCELLED + self.title if self.cancelled else self.title

    @property
    def is_session(self) -> bool:
        """A poster or spotlight session (its lists may still be empty: 'will be announced')."""
        return self.slot is not None and (self.slot.posters is not None or self.slot.spotlights is not None)

    @property
    def people(self) -> tuple[Person, ...]:
        """Who presents: the speakers of a talk, the presenters of a session's posters and
        spotlights (each once)."""
        if self.persons or not (self.posters or self.spotlights):
            return self.persons
        seen: dict[str, Person] = {}
        for contribution in self.posters + self.spotlights:
            for person in contribution.presenters:
                seen.setdefault(person.id, person)
        return tuple(seen.values())


@dataclass(frozen=True)
class Image:
    """The picture a link preview shows: absolute URL, pixel size, alternative text."""

    url: str
    width: int
    height: int
    alt: str
    media_type: str = "image/png"


@dataclass(frozen=True)
class Entry:
    """One event in one room, as frab lists it (an all-rooms slot is one entry per room)."""

    item: Item
    room: str
    guid: str
    id: int
    slug: str


@dataclass(frozen=True)
class DayEntries:
    index: int
    date: dt.date
    start: dt.datetime
    end: dt.datetime
    rooms: tuple[tuple[str, tuple[Entry, ...]], ...]


@dataclass(frozen=True)
class Programme:
    schedule: Schedule
    items: tuple[Item, ...]
    acronym: str
    title: str
    base_url: str  # absolute, ending with '/'
    organizers: tuple[str, ...] = ()
    description: str = ""
    version: str = "1"
    stamp: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC).replace(microsecond=0))
    identifier: str = ""  # empty: from the acronym (workshop_identifier)
    organizer_email: str = ""  # the calendars' ORGANIZER; empty: none
    organizer_name: str = ""
    image: Image | None = None
    address: str = ""  # the venue's postal address, one line
    # a talk's id, or a poster or spotlight session's releases.session_key -> its releases' revision
    revisions: Mapping[str, Revision] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _set_clean(
            self,
            acronym=one_line(self.acronym),
            title=one_line(self.title),
            organizers=tuple(o for o in map(one_line, self.organizers) if o),
            description=clean_text(self.description),
            identifier=self.identifier or identifier_from(self.acronym),
            organizer_email=one_line(self.organizer_email),
            organizer_name=one_line(self.organizer_name),
            address=one_line(self.address),
        )

    @property
    def venue(self) -> str:
        return one_line(self.schedule.venue)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.schedule.timezone)

    @property
    def slug(self) -> str:
        """The frab acronym: the conference identifier."""
        return self.identifier

    def start(self, item: Item) -> dt.datetime:
        return dt.datetime.combine(item.slot.date, item.slot.start, self.tz)

    def end(self, item: Item) -> dt.datetime:
        return dt.datetime.combine(item.slot.date, item.slot.end, self.tz)

    def revision(self, item: Item) -> Revision | None:
        """The calendar revision of an item's event: a talk's, or a poster or spotlight session's
        (its event lists them; a poster's own calendar file is that event)."""
        if item.talk:
            return self.revisions.get(item.talk)
        if item.is_session:
            slot = item.slot
            return self.revisions.get(session_key(slot.date, slot.start, self.schedule.room_of(slot) or ""))
        return None

    def location(self, item: Item) -> str:
        room = one_line(self.schedule.room_of(item.slot) or "")
        return f"{self.venue}, {room}" if room else self.venue

    def calendar_location(self, item: Item) -> str:
        """The place as a calendar shows it and a map app looks it up (one field in iCalendar):
        the location, then the postal address unless the venue already says it."""
        where = self.location(item)
        if self.address and self.address.casefold() not in self.venue.casefold():
            return f"{where}, {self.address}"
        return where

    # ----------------------------------------------------------------------- identity

    @functools.cached_property
    def keys(self) -> dict[int, str]:
        """Each item's identity, by position: 'talk/<id>' (a talk placed twice: 'talk/<id>/2'),
        else 'slot/<day>-<start>-<room>'. Neither the base URL nor the slot of a talk is in it."""
        out, seen = {}, {}
        for index, item in enumerate(self.items):
            if item.talk:
                seen[item.talk] = seen.get(item.talk, 0) + 1
                count = seen[item.talk]
                out[index] = f"talk/{item.talk}" + (f"/{count}" if count > 1 else "")
            else:
                out[index] = f"slot/{item.slot.uid}"
        return out

    @functools.cached_property
    def _by_contribution(self) -> dict[str, tuple[Item | None, tuple[Item, Poster] | None]]:
        """contribution id -> (its talk item, (its poster session, its poster)): one index, so a
        page's head and card do not scan the whole programme (5,000 pages × 5,000 items)."""
        out: dict[str, tuple[Item | None, tuple[Item, Poster] | None]] = {}
        for item in self.items:
            if item.talk and item.talk not in out:
                out[item.talk] = (item, None)
            for poster in item.posters:
                talk, session = out.get(poster.id, (None, None))
                out[poster.id] = (talk, session or (item, poster))
        return out

    def item_of(self, cid: str) -> Item | None:
        """The talk's own item (its first, if placed twice)."""
        return self._by_contribution.get(cid, (None, None))[0]

    def session_of(self, cid: str) -> tuple[Item, Poster] | None:
        """The poster session listing ``cid``, and the poster as it lists it (its board)."""
        return self._by_contribution.get(cid, (None, None))[1]

    @functools.cached_property
    def _positions(self) -> dict[int, int]:
        return {id(item): index for index, item in enumerate(self.items)}

    def key(self, item: Item) -> str:
        index = self._positions.get(id(item))
        if index is not None and self.items[index] is item:
            return self.keys[index]
        return f"talk/{item.talk}" if item.talk else f"slot/{item.slot.uid}"

    def guid(self, name: str) -> str:
        """A UUID 5 of the conference identifier and a key: the same in every build and at any
        address (frab guid, calendar UID)."""
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"urn:workshop:{self.identifier}:{name}"))

    def uid(self, item: Item) -> str:
        return self.guid(self.key(item))

    # ----------------------------------------------------------------------- grouping

    def rooms(self) -> tuple[str, ...]:
        """The rooms frab lists: the schedule's, or the venue when it names none."""
        return tuple(map(one_line, self.schedule.rooms)) or (self.venue or "Venue",)

    @functools.cached_property
    def days(self) -> tuple[DayEntries, ...]:
        """The programme by day and room, once for every format. A slot for every room is in
        every room (as pretalx lists a break), each copy with its own guid."""
        rooms = self.rooms()
        keys = [self.keys[i] for i in range(len(self.items))]
        copies = []  # (item, room, key, slug)
        for item, key in zip(self.items, keys, strict=True):
            room = self.schedule.room_of(item.slot)
            if room is not None or len(rooms) == 1 or item.talk:
                # a talk for every room (a plenary) is one event, listed in the first room: a
                # reader's favourite keeps its guid when a room is added
                room = one_line(room) if room is not None else rooms[0]
                copies.append((item, room, key, self._event_slug(item, key, None)))
            else:
                # a break for every room is in each room; the first copy keeps the slot's own
                # identity, so adding a room changes no existing guid
                copies.append((item, rooms[0], key, self._event_slug(item, key, None)))
                copies.extend(
                    (item, r, f"{key}@{r}", self._event_slug(item, key, n))
                    for n, r in enumerate(rooms[1:], 2)
                )
        numbers = stable_ids([c[2] for c in copies])
        out = []
        for index, day in enumerate(self.schedule.days, start=1):
            on_day = [c for c in copies if c[0].slot.date == day.date]
            midnight = dt.datetime.combine(day.date, dt.time(0, 0), self.tz)
            by_room: dict[str, list[Entry]] = {r: [] for r in rooms}
            for item, room, key, slug in on_day:
                entry = Entry(item, room, self.guid(key), numbers[key], slug)
                by_room.setdefault(room, []).append(entry)
            out.append(
                DayEntries(
                    index,
                    day.date,
                    min((self.start(c[0]) for c in on_day), default=midnight),
                    max((self.end(c[0]) for c in on_day), default=midnight),
                    tuple((r, tuple(e)) for r, e in by_room.items() if e),
                )
            )
        return tuple(out)

    def _event_slug(self, item: Item, key: str, copy: int | None) -> str:
        """'<conference>-<talk id>-talk', '<conference>-<yyyymmdd>-<hhmm>_<room>-slot': valid
        frab slugs for every id the site accepts ('x', 'qi', 'a-very-long-one-'), each its own
        ('_' is in no talk id, so the suffixes cannot make two ids meet)."""
        if key.startswith("talk/"):
            parts = key.split("/")
            occurrence = f"_{parts[2]}" if len(parts) > 2 else ""
            return f"{self.slug}-{parts[1]}{occurrence}-talk" + (f"_{copy}" if copy else "")
        slot = item.slot
        room = slot.room and one_line(slot.room)
        where = str(self.rooms().index(room) + 1) if room in self.rooms() else "all"
        return f"{self.slug}-{slot.date:%Y%m%d}-{slot.start:%H%M}_{where}-slot" + (f"_{copy}" if copy else "")

    @property
    def first_start(self) -> dt.datetime | None:
        return min((self.start(i) for i in self.items), default=None)

    @property
    def last_end(self) -> dt.datetime | None:
        """The end of the latest slot, whichever room it is in."""
        return max((self.end(i) for i in self.items), default=None)


def stable_ids(names: list[str]) -> dict[str, int]:
    """Positive integers that stay the same across builds (a hash, probed on collision)."""
    taken: dict[int, str] = {}
    out = {}
    for name in sorted(names):
        number = zlib.crc32(name.encode()) % 900_000 + 1
        while number in taken:
            number = number % 900_000 + 1
        taken[number] = name
        out[name] = number
    return out


def describe_item(item: Item) -> str:
    """The plain-text description of an event: speakers, posters, abstract, link."""
    lines = []
    if item.persons:
        label = "Speaker" if len(item.persons) == 1 else "Speakers"
        lines.append(f"{label}: {', '.join(p.label for p in item.persons)}")
    if item.posters:
        lines.append("Posters:\n" + "\n".join(p.label for p in item.posters))
    if item.spotlights:
        lines.append("Spotlights:\n" + "\n".join(f"{n}. {p.label}" for n, p in enumerate(item.spotlights, 1)))
    if item.abstract:
        lines.append(item.abstract)
    lines.append(item.url)
    return "\n\n".join(lines)
