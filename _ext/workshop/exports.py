"""Programme exports, from the one model: iCalendar (RFC 5545), frab schedule.xml and
schedule.json (conference apps), schema.org JSON-LD (search engines). Pure Python.

Every text is made safe on the way in (the dataclasses clean what they are given: one line for
titles and names, no control characters anywhere) and again where a writer puts it in its
format, so that no title taken from a page or a data file can break a calendar or an XML file."""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
import zlib
from dataclasses import dataclass, field
from xml.etree import ElementTree as ET
from zoneinfo import ZoneInfo

from .model import Schedule, Slot
from .safetext import clean_text, json_escape, one_line

GENERATOR = "lorainne24-workshop"
ORCID_URL = "https://orcid.org/"


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

    def __post_init__(self) -> None:
        _set_clean(
            self,
            name=one_line(self.name),
            affiliations=tuple(a for a in map(one_line, self.affiliations) if a),
            orcid=one_line(self.orcid),
        )

    @property
    def label(self) -> str:
        """'Name (Affiliation, Other)' for plain-text lists."""
        return f"{self.name} ({', '.join(self.affiliations)})" if self.affiliations else self.name


@dataclass(frozen=True)
class Item:
    """One slot as the exports show it: the slot, what happens, who, and where to read more."""

    slot: Slot | None  # None: a talk with no slot yet (JSON-LD only)
    title: str
    url: str
    abstract: str = ""
    persons: tuple[Person, ...] = ()  # the speakers
    talk: str | None = None
    authors: tuple[Person, ...] = ()  # empty: the speakers are the authors

    def __post_init__(self) -> None:
        _set_clean(self, title=one_line(self.title), abstract=clean_text(self.abstract))


@dataclass(frozen=True)
class Programme:
    schedule: Schedule
    items: tuple[Item, ...]
    acronym: str
    title: str
    base_url: str  # absolute, ending with '/'
    organizers: tuple[str, ...] = ()
    description: str = ""
    unscheduled: tuple[Item, ...] = ()
    version: str = "1"
    stamp: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC).replace(microsecond=0))

    def __post_init__(self) -> None:
        _set_clean(
            self,
            acronym=one_line(self.acronym),
            title=one_line(self.title),
            organizers=tuple(o for o in map(one_line, self.organizers) if o),
            description=clean_text(self.description),
        )

    @property
    def venue(self) -> str:
        return one_line(self.schedule.venue)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.schedule.timezone)

    @property
    def slug(self) -> str:
        """A frab acronym: lower-case letters, digits, '_' and '-'."""
        return re.sub(r"[^a-z0-9_]+", "", self.acronym.lower()) or "workshop"

    def start(self, item: Item) -> dt.datetime:
        return dt.datetime.combine(item.slot.date, item.slot.start, self.tz)

    def end(self, item: Item) -> dt.datetime:
        return dt.datetime.combine(item.slot.date, item.slot.end, self.tz)

    def location(self, item: Item) -> str:
        room = one_line(self.schedule.room_of(item.slot) or "")
        return f"{self.venue}, {room}" if room else self.venue

    def room(self, item: Item) -> str:
        return one_line(self.schedule.room_of(item.slot) or "") or "All rooms"

    def guid(self, name: str) -> str:
        """Stable across builds: a UUID 5 of the site address and the slot (or person)."""
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{self.base_url}#{name}"))


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


# --------------------------------------------------------------------------- iCalendar


def ical_text(text: str, multiline: bool = False) -> str:
    """RFC 5545 TEXT: '\\', ';', ',' and line breaks escaped; no other control character at
    all (icalendar would read a typed '\\N' as a line break and leave U+2028 raw)."""
    text = clean_text(text) if multiline else one_line(text)
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _ical_value(text: str, multiline: bool = False):
    from icalendar import vText

    class EscapedText(vText):  # the value is escaped here, once
        def to_ical(self) -> bytes:
            return ical_text(str(self), multiline).encode(self.encoding)

    return EscapedText(text)


def ics(programme: Programme, items: tuple[Item, ...] | None = None, name: str | None = None) -> bytes:
    from icalendar import Calendar, Event, vCalAddress, vText

    cal = Calendar()
    cal.add("prodid", f"-//{GENERATOR}//{programme.slug}//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", _ical_value(name or programme.acronym))
    cal.add("x-wr-timezone", programme.schedule.timezone)
    host = re.sub(r"^https?://", "", programme.base_url).split("/")[0] or "localhost"
    for item in items if items is not None else programme.items:
        event = Event()
        event.add("uid", f"{item.slot.uid}@{host}")
        event.add("dtstamp", programme.stamp)
        event.add("dtstart", programme.start(item))
        event.add("dtend", programme.end(item))
        event.add("summary", _ical_value(item.title))
        lines = []
        if item.persons:
            lines.append(f"Speakers: {', '.join(p.label for p in item.persons)}")
        if item.abstract:
            lines.append(item.abstract)
        lines.append(item.url)
        event.add("description", _ical_value("\n\n".join(lines), multiline=True))
        event.add("location", _ical_value(programme.location(item)))
        event.add("url", item.url)
        event.add("categories", [item.slot.kind])
        for person in item.persons:
            attendee = vCalAddress(person.url)
            # a parameter value: quoted by icalendar, '"' written as ^' (RFC 6868)
            attendee.params["cn"] = vText(one_line(person.name))
            attendee.params["role"] = vText("CHAIR")
            event.add("attendee", attendee, encode=0)
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()


# --------------------------------------------------------------------------- frab


def _duration(item: Item) -> str:
    minutes = (item.slot.end.hour * 60 + item.slot.end.minute) - (
        item.slot.start.hour * 60 + item.slot.start.minute
    )
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _day_bounds(programme: Programme, day) -> tuple[str, str]:
    items = [i for i in programme.items if i.slot.date == day.date]
    if not items:
        start = dt.datetime.combine(day.date, dt.time(0, 0), programme.tz)
        return start.isoformat(), start.isoformat()
    return (
        min(programme.start(i) for i in items).isoformat(),
        max(programme.end(i) for i in items).isoformat(),
    )


def _slug(programme: Programme, item: Item) -> str:
    return f"{programme.slug}-{item.talk or item.slot.uid}".lower().replace("_", "-")


def _xml_text(text: str, multiline: bool = False) -> str:
    """Only characters XML 1.0 allows (ElementTree escapes '<', '&' and quotes, not these)."""
    return clean_text(text) if multiline else one_line(text)


def frab_xml(programme: Programme) -> bytes:
    ids = stable_ids([i.slot.uid for i in programme.items])
    person_ids = stable_ids(sorted({p.id for i in programme.items for p in i.persons}))
    root = ET.Element("schedule")
    ET.SubElement(root, "generator", name=GENERATOR, version="1.0")
    ET.SubElement(root, "url").text = programme.base_url + "schedule.xml"
    ET.SubElement(root, "version").text = programme.version
    conference = ET.SubElement(root, "conference")
    days = programme.schedule.days
    for tag, text in (
        ("title", programme.title),
        ("acronym", programme.slug),
        ("start", days[0].date.isoformat() if days else ""),
        ("end", days[-1].date.isoformat() if days else ""),
        ("days", str(len(days))),
        ("timeslot_duration", "00:15"),
        ("base_url", programme.base_url),
        ("url", programme.base_url),
        ("time_zone_name", programme.schedule.timezone),
    ):
        if text:
            ET.SubElement(conference, tag).text = _xml_text(text)
    for index, day in enumerate(days, start=1):
        start, end = _day_bounds(programme, day)
        day_el = ET.SubElement(root, "day", index=str(index), date=day.date.isoformat(), start=start, end=end)
        for room in dict.fromkeys(programme.room(i) for i in programme.items if i.slot.date == day.date):
            room_el = ET.SubElement(day_el, "room", name=_xml_text(room), guid=programme.guid(f"room:{room}"))
            for item in (i for i in programme.items if i.slot.date == day.date and programme.room(i) == room):
                event = ET.SubElement(
                    room_el, "event", id=str(ids[item.slot.uid]), guid=programme.guid(item.slot.uid)
                )
                for tag, text in (
                    ("room", room),
                    ("title", item.title),
                    ("type", item.slot.kind),
                    ("date", programme.start(item).isoformat()),
                    ("start", f"{item.slot.start:%H:%M}"),
                    ("duration", _duration(item)),
                    ("abstract", item.abstract),
                    ("slug", _slug(programme, item)),
                    ("track", item.slot.kind),
                    ("language", "en"),
                    ("url", item.url),
                ):
                    ET.SubElement(event, tag).text = _xml_text(text, multiline=tag == "abstract")
                persons = ET.SubElement(event, "persons")
                for person in item.persons:
                    ET.SubElement(
                        persons,
                        "person",
                        id=str(person_ids[person.id]),
                        guid=programme.guid(f"person:{person.id}"),
                    ).text = _xml_text(person.name)
    ET.indent(root)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="utf-8") + b"\n"


def frab_json(programme: Programme) -> dict:
    ids = stable_ids([i.slot.uid for i in programme.items])
    person_ids = stable_ids(sorted({p.id for i in programme.items for p in i.persons}))
    days = programme.schedule.days
    rooms = list(dict.fromkeys(programme.room(i) for i in programme.items))
    day_list = []
    for index, day in enumerate(days, start=1):
        start, end = _day_bounds(programme, day)
        by_room: dict[str, list] = {}
        for item in (i for i in programme.items if i.slot.date == day.date):
            by_room.setdefault(programme.room(item), []).append(
                {
                    "guid": programme.guid(item.slot.uid),
                    "id": ids[item.slot.uid],
                    "date": programme.start(item).isoformat(),
                    "start": f"{item.slot.start:%H:%M}",
                    "end": programme.end(item).isoformat(),
                    "duration": _duration(item),
                    "room": programme.room(item),
                    "slug": _slug(programme, item),
                    "url": item.url,
                    "title": item.title,
                    "subtitle": None,
                    "track": item.slot.kind,
                    "type": item.slot.kind,
                    "language": "en",
                    "abstract": item.abstract,
                    "description": None,
                    "persons": [
                        {
                            "name": p.name,
                            "guid": programme.guid(f"person:{p.id}"),
                            "id": person_ids[p.id],
                            "url": p.url,
                        }
                        for p in item.persons
                    ],
                    "links": [{"url": item.url, "title": item.title, "type": "web"}],
                }
            )
        day_list.append({"index": index, "date": day.date.isoformat(), "day_start": start, "day_end": end,
                         "rooms": by_room})  # fmt: skip
    return {
        "$schema": "https://c3voc.de/schedule/schema.json",
        "generator": {"name": GENERATOR, "version": "1.0"},
        "schedule": {
            "version": programme.version,
            "base_url": programme.base_url,
            "conference": {
                "acronym": programme.slug,
                "title": programme.title,
                "start": days[0].date.isoformat() if days else "",
                "end": days[-1].date.isoformat() if days else "",
                "daysCount": len(days),
                "timeslot_duration": "00:15",
                "time_zone_name": programme.schedule.timezone,
                "url": programme.base_url,
                "rooms": [{"name": r, "guid": programme.guid(f"room:{r}")} for r in rooms],
                "days": day_list,
            },
        },
    }


# --------------------------------------------------------------------------- JSON-LD


def _place(programme: Programme, item: Item | None = None) -> dict:
    place = {"@type": "Place", "name": programme.venue, "address": programme.venue}
    if item is not None and item.slot is not None:
        place["name"] = programme.location(item)
    return place


def person_ld(person: Person) -> dict:
    """A schema.org Person: name, page, ORCID as sameAs, affiliations as Organizations."""
    data: dict = {"@type": "Person", "name": person.name}
    if person.url:
        data["url"] = person.url
    if person.orcid:
        data["sameAs"] = ORCID_URL + person.orcid
    if person.affiliations:
        data["affiliation"] = [{"@type": "Organization", "name": a} for a in person.affiliations]
    return data


def talk_event(programme: Programme, item: Item) -> dict:
    event = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": item.title,
        "url": item.url,
        "startDate": programme.start(item).isoformat(),
        "endDate": programme.end(item).isoformat(),
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "location": _place(programme, item),
        "performer": [person_ld(p) for p in item.persons],
        "superEvent": {"@type": "Event", "name": programme.title, "url": programme.base_url},
    }
    if item.authors:  # the speakers perform; everyone who wrote the work contributed to it
        event["contributor"] = [person_ld(a) for a in item.authors]
    if item.abstract:
        event["description"] = item.abstract
    return event


def workshop_event(programme: Programme) -> dict:
    days = programme.schedule.days
    talks = [i for i in programme.items if i.talk]
    event = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": programme.title,
        "alternateName": programme.acronym,
        "url": programme.base_url,
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "isAccessibleForFree": True,
        "location": _place(programme),
        "organizer": [{"@type": "Person", "name": n} for n in programme.organizers],
        "subEvent": [
            {
                k: v
                for k, v in talk_event(programme, i).items()
                if k not in ("@context", "superEvent", "description")
            }
            for i in talks
        ]
        + [
            {
                "@type": "Event",
                "name": i.title,
                "url": i.url,
                "performer": [person_ld(p) for p in i.persons],
                **({"contributor": [person_ld(a) for a in i.authors]} if i.authors else {}),
            }
            for i in programme.unscheduled
        ],
    }
    if days:
        event["startDate"] = (
            programme.start(programme.items[0]).isoformat() if programme.items else str(days[0].date)
        )
        event["endDate"] = (
            programme.end(programme.items[-1]).isoformat() if programme.items else str(days[-1].date)
        )
    if programme.description:
        event["description"] = programme.description
    return event


def script_json(data: dict) -> str:
    """JSON safe inside <script>: no '</' and no '<!--' can close or confuse the element, and no
    control character, line separator or bidi control appears raw (each is a \\u escape)."""
    return json_escape(json.dumps(data, ensure_ascii=False, indent=1))
