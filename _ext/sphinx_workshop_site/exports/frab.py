"""The programme as frab's schedule (XML and JSON, c3voc's schemas): days, rooms, events, persons."""

from __future__ import annotations

import json
from xml.etree import ElementTree as ET

from ..model.safetext import clean_text, one_line
from .programme import GENERATOR, Entry, Programme, generator_version, stable_ids

# --------------------------------------------------------------------------- frab


def _hours(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def frab_event(programme: Programme, entry: Entry) -> dict:
    """One event in the frab JSON form; the XML writer lays out the same record."""
    item = entry.item
    return {
        "guid": entry.guid,
        "id": entry.id,
        "date": programme.start(item).isoformat(),
        "start": f"{item.slot.start:%H:%M}",
        "end": programme.end(item).isoformat(),
        "duration": _hours(item.slot.minutes),
        "room": entry.room,
        "slug": entry.slug,
        "url": item.url,
        "title": item.shown_title,  # frab has no status: 'Cancelled: ' before the title, as frab users do
        "subtitle": "",
        "track": item.kind,
        "type": item.kind,
        "language": "en",
        "abstract": item.abstract,
        "description": "\n".join(
            [p.label for p in item.posters] + [f"{n}. {p.label}" for n, p in enumerate(item.spotlights, 1)]
        ),
        "persons": [
            {
                "name": p.name,
                "public_name": p.name,  # what frab clients (pyfahrplan, Giggity) read
                "guid": programme.guid(f"person/{p.id}"),
                **({"url": p.url} if p.url else {}),
            }
            for p in item.people
        ],
        "links": [{"url": item.url, "title": item.title, "type": "web"}],
    }


def _person_number(programme: Programme) -> dict[str, int]:
    return stable_ids(sorted({p.id for i in programme.items for p in i.people}))


def frab_json(programme: Programme) -> dict:
    return {
        "$schema": "https://c3voc.de/schedule/schema.json",
        "generator": {"name": GENERATOR, "version": generator_version()},
        "schedule": {
            "version": programme.version,
            "base_url": programme.base_url,
            "conference": {
                **_conference(programme),
                "daysCount": len(programme.schedule.days),
                "rooms": [{"name": r, "guid": programme.guid(f"room/{r}")} for r in programme.rooms()],
                "days": [
                    {
                        "index": day.index,
                        "date": day.date.isoformat(),
                        "day_start": day.start.isoformat(),
                        "day_end": day.end.isoformat(),
                        "rooms": {
                            room: [frab_event(programme, e) for e in entries] for room, entries in day.rooms
                        },
                    }
                    for day in programme.days
                ],
            },
        },
    }


def _conference(programme: Programme) -> dict:
    days = programme.schedule.days
    return {
        "acronym": programme.slug,
        "title": programme.title,
        "start": days[0].date.isoformat() if days else "",
        "end": days[-1].date.isoformat() if days else "",
        "timeslot_duration": "00:15",
        "time_zone_name": programme.schedule.timezone,
        "url": programme.base_url,
    }


def _xml_text(text: str, multiline: bool = False) -> str:
    """Only characters XML 1.0 allows (ElementTree escapes '<', '&' and quotes, not these)."""
    return clean_text(text) if multiline else one_line(text)


XML_MULTILINE = ("abstract", "description")
XML_NOT_IN_FORMAT = ("guid", "id", "end")  # attributes, or only in the JSON form
XML_OPTIONAL = ("subtitle", "description")  # left out when empty; the others are required


def frab_xml(programme: Programme) -> bytes:
    person_ids = _person_number(programme)
    root = ET.Element("schedule")
    ET.SubElement(root, "generator", name=GENERATOR, version=generator_version())
    ET.SubElement(root, "url").text = programme.base_url + "schedule.xml"
    ET.SubElement(root, "version").text = programme.version
    conference = ET.SubElement(root, "conference")
    fields = {
        **_conference(programme),
        "days": str(len(programme.schedule.days)),
        "base_url": programme.base_url,
    }
    for tag, text in fields.items():  # any order: the XSD makes <conference> a choice
        if text:
            ET.SubElement(conference, tag).text = _xml_text(text)
    for day in programme.days:
        day_el = ET.SubElement(
            root,
            "day",
            index=str(day.index),
            date=day.date.isoformat(),
            start=day.start.isoformat(),
            end=day.end.isoformat(),
        )
        for room, entries in day.rooms:
            room_el = ET.SubElement(day_el, "room", name=_xml_text(room), guid=programme.guid(f"room/{room}"))
            for entry in entries:
                record = frab_event(programme, entry)
                event = ET.SubElement(room_el, "event", id=str(record["id"]), guid=record["guid"])
                for tag, value in record.items():
                    if tag in XML_NOT_IN_FORMAT or value is None or (value == "" and tag in XML_OPTIONAL):
                        continue
                    if tag == "persons":
                        persons = ET.SubElement(event, "persons")
                        for person, source in zip(value, entry.item.people, strict=True):
                            number = str(person_ids[source.id])
                            element = ET.SubElement(persons, "person", id=number, guid=person["guid"])
                            element.text = _xml_text(person["public_name"])
                    elif tag == "links":
                        links = ET.SubElement(event, "links")
                        for link in value:
                            ET.SubElement(links, "link", href=link["url"]).text = _xml_text(link["title"])
                    else:
                        ET.SubElement(event, tag).text = _xml_text(str(value), tag in XML_MULTILINE)
    ET.indent(root)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="utf-8") + b"\n"


def frab_json_bytes(programme: Programme) -> bytes:
    return (json.dumps(frab_json(programme), ensure_ascii=False, indent=1) + "\n").encode("utf-8")
