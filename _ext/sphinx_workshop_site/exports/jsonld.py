"""The programme as schema.org JSON-LD: the workshop Event with a subEvent per talk and poster
session, places, persons, organizers; and the script element that carries it."""

from __future__ import annotations

import json
import re

from ..model.safetext import json_escape
from .programme import ORCID_URL, Item, Person, Poster, Programme

# --------------------------------------------------------------------------- JSON-LD


POSTAL_CODE = re.compile(r"^(?:[A-Z]{1,2}-)?(\d{4,6})\s+(.+)$")


def postal_address(address: str) -> dict:
    """'13 rue Michel Ney, 54000 Nancy, France' → a schema.org PostalAddress (street, postal
    code and town, country); without a postal code the last two parts are town and country
    ('Nancy, France'); a single part is the street address as written."""
    parts = [p.strip() for p in address.split(",") if p.strip()]
    data: dict = {"@type": "PostalAddress"}
    town = next((i for i, p in enumerate(parts) if POSTAL_CODE.match(p)), None)
    if town is None and len(parts) >= 2:  # no postal code: '[street, …,] town, country'
        if parts[:-2]:
            data["streetAddress"] = ", ".join(parts[:-2])
        data["addressLocality"], data["addressCountry"] = parts[-2], parts[-1]
        return data
    if town is None:
        data["streetAddress"] = address
        return data
    code, locality = POSTAL_CODE.match(parts[town]).groups()
    if parts[:town]:
        data["streetAddress"] = ", ".join(parts[:town])
    data["postalCode"], data["addressLocality"] = code, locality
    if parts[town + 1 :]:
        data["addressCountry"] = ", ".join(parts[town + 1 :])
    return data


def _place(programme: Programme, item: Item | None = None) -> dict:
    place: dict = {"@type": "Place", "name": programme.venue}
    if item is not None and item.slot is not None:
        place["name"] = programme.location(item)
    place["address"] = postal_address(programme.address) if programme.address else programme.venue
    return place


def person_ld(person: Person) -> dict:
    """A schema.org Person: name (as written), family and given names when the page gives them,
    page, ORCID as sameAs, affiliations as Organizations."""
    data: dict = {"@type": "Person", "name": person.name}
    if person.family:
        data["familyName"] = person.family
    if person.given:
        data["givenName"] = person.given
    if person.url:
        data["url"] = person.url
    if person.orcid:
        data["sameAs"] = ORCID_URL + person.orcid
    if person.affiliations:
        data["affiliation"] = [{"@type": "Organization", "name": a} for a in person.affiliations]
    return data


def organizer(programme: Programme) -> list[dict]:
    people = [{"@type": "Person", "name": n} for n in programme.organizers]
    if programme.organizer_name:
        group: dict = {"@type": "Organization", "name": programme.organizer_name, "url": programme.base_url}
        if programme.organizer_email:
            group["email"] = programme.organizer_email
        people.append(group)
    return people


def talk_event(programme: Programme, item: Item) -> dict:
    event = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": item.title,
        "url": item.url,
        "startDate": programme.start(item).isoformat(),
        "endDate": programme.end(item).isoformat(),
        "eventStatus": "https://schema.org/" + ("EventCancelled" if item.cancelled else "EventScheduled"),
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "location": _place(programme, item),
        "organizer": organizer(programme),
        "superEvent": {"@type": "Event", "name": programme.title, "url": programme.base_url},
    }
    if item.people:  # a session whose posters are announced later has no one yet
        event["performer"] = [person_ld(p) for p in item.people]
    if item.authors:  # the speakers perform; everyone who wrote the work contributed to it
        event["contributor"] = [person_ld(a) for a in item.authors]
    if item.abstract:
        event["description"] = item.abstract
    if programme.image is not None:
        event["image"] = [programme.image.url]
    if item.posters:  # a poster session: each poster is a sub-event at its board
        event["subEvent"] = [poster_event(programme, item, p, event) for p in item.posters]
    return event


def poster_event(
    programme: Programme, session: Item, poster: Poster, session_event: dict | None = None
) -> dict:
    """A poster as an Event: its session's time, the session's place with its board. Without
    ``session_event`` these are read from the session itself, not from its whole event (which
    holds every poster of the session: each poster page asking for it was quadratic)."""
    if session_event is None:
        start, end = programme.start(session).isoformat(), programme.end(session).isoformat()
        place = _place(programme, session)
    else:
        start, end = session_event["startDate"], session_event["endDate"]
        place = dict(session_event["location"])
    if poster.board is not None:
        place["name"] = f"{place['name']}, board {poster.board}"
    event = {
        "@type": "Event",
        "name": poster.title,
        "url": poster.url,
        "startDate": start,
        "endDate": end,
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "location": place,
        "performer": [person_ld(x) for x in poster.presenters],
    }
    if poster.abstract:
        event["description"] = poster.abstract
    return event


def workshop_event(programme: Programme) -> dict:
    """The workshop with one sub-event per scheduled talk and poster session; unscheduled talks
    have no date or place yet, so they are not events here."""
    days = programme.schedule.days
    shown = [i for i in programme.items if i.talk or i.is_session]
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
        "organizer": organizer(programme),
        "subEvent": [
            {
                k: v
                for k, v in talk_event(programme, i).items()
                if k not in ("@context", "superEvent", "organizer", "description")
            }
            for i in shown
        ],
    }
    if days:
        first, last = programme.first_start, programme.last_end
        event["startDate"] = first.isoformat() if first else str(days[0].date)
        event["endDate"] = last.isoformat() if last else str(days[-1].date)
    if programme.description:
        event["description"] = programme.description
    if programme.image is not None:
        event["image"] = [programme.image.url]
    return event


def script_json(data: dict) -> str:
    """JSON safe inside <script>: no '</' and no '<!--' can close or confuse the element, and no
    control character, line separator or bidi control appears raw (each is a \\u escape)."""
    return json_escape(json.dumps(data, ensure_ascii=False, indent=1))
