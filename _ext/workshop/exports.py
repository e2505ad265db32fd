"""Programme exports, from the one model: iCalendar (RFC 5545), frab schedule.xml and
schedule.json (conference apps), schema.org JSON-LD (search engines). Pure Python."""

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

GENERATOR = "lorainne24-workshop"


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    url: str
    affiliation: str = ""


@dataclass(frozen=True)
class Item:
    """One slot as the exports show it: the slot, what happens, who, and where to read more."""

    slot: Slot | None  # None: a talk with no slot yet (JSON-LD only)
    title: str
    url: str
    abstract: str = ""
    persons: tuple[Person, ...] = ()
    talk: str | None = None


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
        room = self.schedule.room_of(item.slot)
        return f"{self.schedule.venue}, {room}" if room else self.schedule.venue

    def room(self, item: Item) -> str:
        return self.schedule.room_of(item.slot) or "All rooms"

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


def ics(programme: Programme, items: tuple[Item, ...] | None = None, name: str | None = None) -> bytes:
    from icalendar import Calendar, Event, vCalAddress, vText

    cal = Calendar()
    cal.add("prodid", f"-//{GENERATOR}//{programme.acronym}//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name or programme.acronym)
    cal.add("x-wr-timezone", programme.schedule.timezone)
    host = re.sub(r"^https?://", "", programme.base_url).split("/")[0] or "localhost"
    for item in items if items is not None else programme.items:
        event = Event()
        event.add("uid", f"{item.slot.uid}@{host}")
        event.add("dtstamp", programme.stamp)
        event.add("dtstart", programme.start(item))
        event.add("dtend", programme.end(item))
        event.add("summary", item.title)
        lines = []
        if item.persons:
            people = ", ".join(
                f"{p.name} ({p.affiliation})" if p.affiliation else p.name for p in item.persons
            )
            lines.append(f"Speakers: {people}")
        if item.abstract:
            lines.append(item.abstract)
        lines.append(item.url)
        event.add("description", "\n\n".join(lines))
        event.add("location", programme.location(item))
        event.add("url", item.url)
        event.add("categories", [item.slot.kind])
        for person in item.persons:
            attendee = vCalAddress(person.url)
            attendee.params["cn"] = vText(person.name)
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
            ET.SubElement(conference, tag).text = text
    for index, day in enumerate(days, start=1):
        start, end = _day_bounds(programme, day)
        day_el = ET.SubElement(root, "day", index=str(index), date=day.date.isoformat(), start=start, end=end)
        for room in dict.fromkeys(programme.room(i) for i in programme.items if i.slot.date == day.date):
            room_el = ET.SubElement(day_el, "room", name=room, guid=programme.guid(f"room:{room}"))
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
                    ET.SubElement(event, tag).text = text
                persons = ET.SubElement(event, "persons")
                for person in item.persons:
                    ET.SubElement(
                        persons,
                        "person",
                        id=str(person_ids[person.id]),
                        guid=programme.guid(f"person:{person.id}"),
                    ).text = person.name
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
    place = {"@type": "Place", "name": programme.schedule.venue, "address": programme.schedule.venue}
    if item is not None and (room := programme.schedule.room_of(item.slot)):
        place["name"] = f"{programme.schedule.venue}, {room}"
    return place


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
        "performer": [{"@type": "Person", "name": p.name, "url": p.url} for p in item.persons],
        "superEvent": {"@type": "Event", "name": programme.title, "url": programme.base_url},
    }
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
                "performer": [{"@type": "Person", "name": p.name, "url": p.url} for p in i.persons],
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
    """JSON safe inside <script>: no '</' and no '<!--' can close or confuse the element."""
    text = json.dumps(data, ensure_ascii=False, indent=1)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
