"""The programme as iCalendar (RFC 5545): one calendar of every talk and poster session, or one
event's; VTIMEZONE as clients agree on it (vtimezone.py)."""

from __future__ import annotations

import datetime as dt

from ..model.safetext import clean_text, one_line
from .programme import GENERATOR, Item, Programme, describe_item, generator_version
from .vtimezone import vtimezone

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
    """A published calendar (METHOD:PUBLISH): no ATTENDEE (RFC 5546 forbids it there); the
    speakers are in the description, the organizers are the ORGANIZER when they have an address."""
    from icalendar import Calendar, Event, vCalAddress, vDuration, vText

    chosen = items if items is not None else programme.items
    cal = Calendar()
    cal.add("prodid", f"-//{programme.identifier}//{GENERATOR} {generator_version()}//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("name", _ical_value(name or programme.acronym))  # RFC 7986
    cal.add("x-wr-calname", _ical_value(name or programme.acronym))
    cal.add("x-wr-timezone", programme.schedule.timezone)
    if items is None:  # the whole programme, for subscription: clients fetch it again twice a day
        cal.add("refresh-interval", dt.timedelta(hours=12), parameters={"VALUE": "DURATION"})
        cal.add("x-published-ttl", vDuration(dt.timedelta(hours=12)))
        if programme.description:
            cal.add("x-wr-caldesc", _ical_value(programme.description, multiline=True))
    years = sorted({i.slot.date.year for i in chosen}) or [programme.stamp.year]
    cal.add_component(vtimezone(programme.schedule.timezone, years[0], years[-1]))
    for item in chosen:
        event = Event()
        event.add("uid", programme.uid(item))
        event.add("dtstamp", programme.stamp)
        event.add("dtstart", programme.start(item))
        event.add("dtend", programme.end(item))
        event.add("summary", _ical_value(item.shown_title))
        event.add("description", _ical_value(describe_item(item), multiline=True))
        event.add("location", _ical_value(programme.calendar_location(item)))
        event.add("url", item.url)
        event.add("categories", [item.kind])
        event.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
        revision = programme.revision(item)
        if revision is not None:  # calendar apps update an event whose SEQUENCE grew
            event.add("sequence", revision.sequence)
            event.add("last-modified", revision.modified)
        if programme.organizer_email:
            organizer = vCalAddress(f"mailto:{programme.organizer_email}")
            # a parameter value: quoted by icalendar, '"' written as ^' (RFC 6868)
            organizer.params["cn"] = vText(programme.organizer_name or programme.acronym)
            event.add("organizer", organizer, encode=0)
        cal.add_component(event)
    return cal.to_ical()
