"""What the reader's programme in the browser is made of (site/agenda.py), without a build: the
events a star stands for, the data embedded for the script, and My agenda's calendar, which must
be program.ics's own events (same UID, SEQUENCE, LAST-MODIFIED, times) so that calendar apps
update them. The script itself is tested in a real browser (test_browser.py)."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import icalendar
from bs4 import BeautifulSoup
from sphinx_workshop_site.exports import ical
from sphinx_workshop_site.exports import programme as exports
from sphinx_workshop_site.gate.htmlverify import verify_html
from sphinx_workshop_site.model.releases import Revision
from sphinx_workshop_site.model.schedule import Day, Schedule, Slot, Spotlight
from sphinx_workshop_site.site import agenda

DAY1, DAY2 = dt.date(2024, 11, 26), dt.date(2024, 11, 27)
MODIFIED = dt.datetime(2024, 11, 1, 10, tzinfo=dt.UTC)


def slot(day, start, end, talk=None, title=None, kind="talk", room=None, **extra) -> Slot:
    return Slot(day, dt.time(*start), dt.time(*end), talk, title, kind, room, 1, 1, **extra)


def item(s: Slot, title: str, talk: str | None = None, **extra) -> exports.Item:
    return exports.Item(s, title, f"https://x.org/{talk or 'program/index'}.html", talk=talk, **extra)


def programme(rooms=("Room A", "Room B")) -> exports.Programme:
    """Two days, two rooms: a break for every room, parallel talks, a poster session and a
    spotlight slot, a talk placed twice, a cancelled talk, a talk slot without a page."""
    spot = slot(
        DAY1,
        (12, 0),
        (12, 10),
        title="Spotlights",
        kind="poster",
        spotlights=(Spotlight("s1", 1, None, None, 1),),
    )
    day1 = (
        slot(DAY1, (9, 0), (9, 30), title="Coffee", kind="break"),
        slot(DAY1, (9, 30), (10, 30), "alpha", room="Room A"),
        slot(DAY1, (9, 30), (10, 30), "beta", room="Room B"),
        slot(DAY1, (10, 30), (12, 0), title="Posters", kind="social", posters=("p1", "p2")),
        spot,
    )
    day2 = (
        slot(DAY2, (9, 0), (10, 0), "alpha", room="Room A"),
        slot(DAY2, (9, 0), (10, 0), "gamma", room="Room B", cancelled=True),
        slot(DAY2, (10, 0), (11, 0), title="Invited talk", room="Room A"),
        slot(DAY2, (23, 0), (23, 45), title="Late talk", room="Room A"),
    )
    schedule = Schedule(
        "program/schedule.yaml",
        "Europe/Paris",
        "Venue",
        rooms,
        (Day(DAY1, None, day1, 1), Day(DAY2, None, day2, 2)),
    )
    speaker = exports.Person("ann", "Ann Author", "https://x.org/speakers/ann.html", ("Uni",))
    posters = tuple(
        exports.Poster(p, f"Poster {p}", f"https://x.org/{p}.html", n, (speaker,))
        for n, p in enumerate(("p1", "p2"), 1)
    )
    items = (
        item(day1[0], "Coffee"),
        item(day1[1], "Alpha", "alpha", abstract="The ABSTRACT of alpha.", persons=(speaker,)),
        item(day1[2], "Beta", "beta"),
        item(day1[3], "Posters", posters=posters),
        item(spot, "Spotlights", spotlights=(exports.Poster("s1", "Spot", "https://x.org/s1.html"),)),
        item(day2[0], "Alpha", "alpha", abstract="The ABSTRACT of alpha."),
        item(day2[1], "Gamma", "gamma"),
        item(day2[2], "Invited talk"),
        item(day2[3], "Late talk"),
    )
    return exports.Programme(
        schedule,
        items,
        "T24",
        "T24: a workshop",
        "https://x.org/",
        stamp=dt.datetime(2024, 10, 1, tzinfo=dt.UTC),
        revisions={"alpha": Revision(3, MODIFIED)},
    )


def events_of(text: str) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(text)
    return {str(e["uid"]): e for e in calendar.walk("VEVENT")}


def test_a_star_stands_for_the_event_of_its_row_or_page():
    prog = programme()
    by_title = {i.title: i for i in prog.items}
    assert agenda.star_item(prog, slot="2024-11-26-0930-room-a") is prog.items[1]
    assert agenda.star_item(prog, talk="alpha") is prog.items[1]  # a talk placed twice: its first
    assert agenda.star_item(prog, slot="2024-11-27-0900-room-a") is prog.items[5]  # its second row
    assert agenda.star_item(prog, talk="p2") is by_title["Posters"]  # a poster: its session
    assert agenda.star_item(prog, talk="s1") is None  # a spotlight alone: its page has no event
    assert agenda.star_item(prog, slot=by_title["Spotlights"].slot.uid) is by_title["Spotlights"]
    assert (
        agenda.star_item(prog, talk="gamma") is by_title["Gamma"]
    )  # cancelled: starrable (its event says so)
    assert agenda.star_item(prog, slot="2024-11-27-1000-room-a") is by_title["Invited talk"]
    assert agenda.star_item(prog, slot="2024-11-26-0900-all") is None  # a break
    assert agenda.star_item(prog, talk="nobody") is None
    assert prog.uid(prog.items[1]) != prog.uid(prog.items[5])


def test_my_agenda_exports_program_ics_own_events_without_abstracts():
    prog = programme()
    whole = events_of(ical.ics(prog).decode())
    head, blocks = agenda.agenda_calendar(prog)
    starrable = [i for i in prog.items if agenda.starrable(i)]
    assert [i.title for i in starrable] == [
        "Alpha",
        "Beta",
        "Posters",
        "Spotlights",
        "Alpha",
        "Gamma",
        "Invited talk",
        "Late talk",
    ]
    assert set(blocks) == {prog.uid(i) for i in starrable}
    exported = events_of(head + "".join(blocks.values()) + "END:VCALENDAR\r\n")
    assert set(exported) == set(blocks)
    for uid, event in exported.items():
        published = whole[uid]
        for key in ("summary", "location", "url", "status", "sequence", "last-modified", "dtstamp"):
            assert event.get(key) == published.get(key), (uid, key)
        assert event.decoded("dtstart") == published.decoded("dtstart")
        assert event.decoded("dtend") == published.decoded("dtend")
        assert "ABSTRACT" not in str(event["description"])
    alpha = exported[prog.uid(prog.items[1])]
    assert alpha["sequence"] == 3 and alpha.decoded("last-modified") == MODIFIED
    assert "Ann Author" in str(alpha["description"])  # the speakers stay
    assert exported[prog.uid(prog.items[6])]["status"] == "CANCELLED"
    assert "REFRESH-INTERVAL" not in head and "BEGIN:VTIMEZONE" in head and "TZID:Europe/Paris" in head


def test_the_embedded_events_are_utc_instants_with_their_rooms():
    prog = programme()
    data = agenda.now_next_data(prog, lambda i: f"link-{i.talk or i.slot.uid}")
    assert data["days"] == ["2024-11-26", "2024-11-27"]
    events = {(e["title"], e["s"]): e for e in data["events"]}
    assert ("Gamma", "2024-11-27T08:00:00Z") not in events  # cancelled: not on now
    coffee = events["Coffee", "2024-11-26T08:00:00Z"]
    assert coffee == {
        "s": "2024-11-26T08:00:00Z",
        "e": "2024-11-26T08:30:00Z",
        "room": None,
        "title": "Coffee",
        "href": "link-2024-11-26-0900-all",
    }
    assert events["Beta", "2024-11-26T08:30:00Z"]["room"] == "Room B"
    assert events["Late talk", "2024-11-27T22:00:00Z"]["e"] == "2024-11-27T22:45:00Z"
    one_room = agenda.now_next_data(programme(rooms=("Hall",)), lambda i: "")
    assert {e["room"] for e in one_room["events"]} == {None}  # one room: no room to tell apart


def test_my_agendas_data_lists_each_starrable_event_once_by_uid():
    prog = programme()
    data = agenda.agenda_data(prog, lambda i: f"{i.talk or 'program/index'}.html", "program/index.html")
    uids = [e["uid"] for e in data["events"]]
    assert len(uids) == len(set(uids)) == 8
    alpha = data["events"][0]
    assert alpha["date"] == "2024-11-26" and alpha["time"] == "09:30–10:30"
    assert alpha["who"] == "Ann Author" and alpha["room"] == "Room A" and alpha["href"] == "alpha.html"
    assert data["days"] == {
        "2024-11-26": "Tuesday 26 November 2024",
        "2024-11-27": "Wednesday 27 November 2024",
    }
    posters = next(e for e in data["events"] if e["title"] == "Posters")
    assert posters["who"] == "Ann Author"  # a session's presenters
    gamma = next(e for e in data["events"] if e["title"] == "Gamma")
    assert gamma["cancelled"] is True and "STATUS:CANCELLED" in gamma["ics"]
    zone = ZoneInfo("Europe/Paris")
    for event in data["events"]:
        start = dt.datetime.fromisoformat(event["s"]).astimezone(zone)
        assert start.date().isoformat() == event["date"]
        assert f"{start:%H:%M}" == event["time"][:5]
        assert event["ics"].startswith("BEGIN:VEVENT\r\n") and f"UID:{event['uid']}\r\n" in event["ics"]


def test_embedded_data_is_an_attribute_no_text_can_leave():
    data = {"title": '</div><script>alert(1)</script> " onmouseover="x" <!-- x', "n": "é"}
    markup = agenda.data_markup(data)
    soup = BeautifulSoup(markup, "html.parser")
    (element,) = soup.find_all(True)  # one element, nothing after it
    assert element.name == "div" and element.has_attr("hidden") and not soup.find("script")
    assert set(element.attrs) == {"class", "hidden", "data-json"}
    assert json.loads(element["data-json"]) == data


def test_a_contribution_pages_star_is_what_a_contributor_page_may_hold():
    """The talk page's star passes the written-page check (htmlverify) and escapes its label."""
    prog = programme()
    markup = agenda.star_markup(prog.uid(prog.items[1]), "My <agenda>", visible=True)
    assert verify_html(f"<article><p>When: … {markup}</p></article>") == []
    assert "My &lt;agenda&gt;" in markup and f'value="{prog.uid(prog.items[1])}"' in markup
    assert (
        agenda.star_markup("u&", "My agenda", visible=False)
        == '<button class="agenda-star" value="u&amp;"></button>'
    )
