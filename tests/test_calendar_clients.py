"""The calendars as clients nobody here wrote read them: ical.js (Thunderbird's parser, with no
time zone registered, so only the file's VTIMEZONE gives offsets), vobject (dateutil's reader of
VTIMEZONE components) and python-icalendar turning the component itself into a tzinfo. Summer
and winter dates, one and two years, a southern and a no-summer-time zone."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
from conftest import ROOT, require, require_tool
from sphinx_workshop_site.exports import ical
from sphinx_workshop_site.exports import programme as exports
from sphinx_workshop_site.model.schedule import Day, Schedule, Slot

ICAL_JS = ROOT / "tools/node_modules/ical.js/dist/ical.es5.cjs"
READER = Path(__file__).parent / "clients" / "ical_read.cjs"


def ical_js(*files: Path) -> list[dict]:
    node = require_tool("node", "ical.js runs on Node.js")
    require(ICAL_JS.is_file(), "ical.js is not installed (npm install --prefix tools)")
    result = subprocess.run(
        [node, str(READER), str(ICAL_JS), *map(str, files)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def programme(zone: str, *days: dt.date) -> exports.Programme:
    """One talk at 10:00–11:00 local time on each day."""
    built = []
    for n, day in enumerate(days):
        slot = Slot(day, dt.time(10), dt.time(11), f"talk-{n}", None, "talk", None, 5 + n, 5 + n)
        built.append(Day(day, None, (slot,), 4 + n))
    schedule = Schedule("program/schedule.yaml", zone, "Venue", ("Main room",), tuple(built))
    items = tuple(
        exports.Item(d.slots[0], f"Talk {n}", f"https://x.org/abstracts/talk-{n}.html", talk=f"talk-{n}")
        for n, d in enumerate(built)
    )
    return exports.Programme(schedule, items, "Conf26", "Conference", "https://x.org/")


CASES = [
    ("Europe/Paris", (dt.date(2024, 6, 12), dt.date(2024, 11, 26))),  # summer +02:00, winter +01:00
    ("Europe/Paris", (dt.date(2025, 12, 30), dt.date(2026, 7, 1))),  # two years
    ("America/New_York", (dt.date(2025, 3, 1), dt.date(2025, 3, 20))),  # before and after 2nd Sunday
    ("Australia/Sydney", (dt.date(2025, 1, 15), dt.date(2025, 6, 15))),  # summer in January
    ("Asia/Tokyo", (dt.date(2025, 8, 1),)),  # no summer time at all
]


def expected_utc(zone: str, day: dt.date, hour: int) -> int:
    return int(dt.datetime.combine(day, dt.time(hour), ZoneInfo(zone)).timestamp())


@pytest.mark.parametrize(("zone", "days"), CASES)
def test_ical_js_reads_every_event_at_its_utc_time_from_the_embedded_vtimezone(tmp_path, zone, days):
    path = tmp_path / "programme.ics"
    path.write_bytes(ical.ics(programme(zone, *days)))
    events = ical_js(path)
    assert len(events) == len(days)
    for event, day in zip(events, days, strict=True):
        assert event["tzid"] == zone and event["registered"] is False  # only the file's VTIMEZONE
        assert event["start"] == expected_utc(zone, day, 10), (zone, day)
        assert event["end"] == expected_utc(zone, day, 11), (zone, day)


@pytest.mark.parametrize(("zone", "days"), CASES)
def test_icalendar_reads_offsets_from_the_vtimezone_component_alone(zone, days):
    calendar = icalendar.Calendar.from_ical(ical.ics(programme(zone, *days)))
    (component,) = calendar.walk("VTIMEZONE")
    tz = component.to_tz()  # a tzinfo built from the component's rules, not from the tz database
    for day in days:
        local = dt.datetime.combine(day, dt.time(10))
        assert local.replace(tzinfo=tz).utcoffset() == local.replace(tzinfo=ZoneInfo(zone)).utcoffset(), day


@pytest.mark.parametrize(("zone", "days"), CASES)
def test_vobject_reads_every_event_with_the_files_own_time_zone(zone, days):
    import vobject

    calendar = vobject.readOne(ical.ics(programme(zone, *days)).decode("utf-8"))
    own = calendar.vtimezone.gettzinfo()  # dateutil's tzical, built from the component
    events = calendar.contents["vevent"]
    assert len(events) == len(days)
    for event, day in zip(events, days, strict=True):
        start = event.dtstart.value
        assert type(start.tzinfo) is type(own)  # the file's zone, not the system's
        assert int(start.timestamp()) == expected_utc(zone, day, 10), (zone, day)


def test_vtimezone_is_written_with_rules_and_onsets_before_the_change():
    text = ical.ics(programme("Europe/Paris", dt.date(2024, 6, 12))).decode()
    vtimezone = text.split("BEGIN:VTIMEZONE", 1)[1].split("END:VTIMEZONE", 1)[0]
    assert "RDATE" not in vtimezone
    assert "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3" in vtimezone
    assert "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10" in vtimezone
    daylight = vtimezone.split("BEGIN:DAYLIGHT", 1)[1].split("END:DAYLIGHT", 1)[0]
    assert "T020000" in daylight  # 02:00 CET, when the clocks go forward (not 03:00)


def test_the_real_site_calendars_read_the_same_in_ical_js(site):
    files = [site.outdir / "program.ics", *sorted((site.outdir / "abstracts").glob("*.ics"))]
    events = ical_js(*files)
    reference = icalendar.Calendar.from_ical((site.outdir / "program.ics").read_bytes()).walk("VEVENT")
    starts = {str(e["uid"]): int(e["dtstart"].dt.timestamp()) for e in reference}
    assert len([e for e in events if e["file"].endswith("program.ics")]) == len(reference)
    for event in events:
        assert event["registered"] is False and event["start"] == starts[event["uid"]], event
        assert event["attendees"] == 0  # a published calendar has no ATTENDEE
    almeida = next(e for e in events if e["summary"].startswith("Overview of tensor decompositions"))
    assert almeida["start"] == int(dt.datetime(2024, 11, 26, 13, 15, tzinfo=dt.UTC).timestamp())
    assert "André de Almeida" in almeida["description"]
