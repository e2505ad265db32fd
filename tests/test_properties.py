"""Property-based tests of the schedule loader and validator (hypothesis)."""

from __future__ import annotations

import datetime as dt

import icalendar
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sphinx_workshop_site.exports import frab, ical
from sphinx_workshop_site.exports import programme as exports
from sphinx_workshop_site.model.errors import WorkshopError
from sphinx_workshop_site.model.schedule import SLOT_KINDS
from sphinx_workshop_site.model.schedulefile import load_schedule
from sphinx_workshop_site.site.schedule_table import day_table

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assert_only_located_problems(data: bytes) -> None:
    schedule, problems = load_schedule(data, "program/schedule.yaml")  # never raises
    assert all(isinstance(p, WorkshopError) and p.file == "program/schedule.yaml" for p in problems)
    assert schedule is not None or problems


@FAST
@given(st.binary(max_size=400))
def test_any_bytes(data):
    assert_only_located_problems(data)


@FAST
@given(st.text(max_size=400))
def test_any_text(text):
    assert_only_located_problems(text.encode("utf-8", "surrogatepass"))


yaml_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=20)
    | st.dates()
    | st.sampled_from(["13:45-14:00", "25:00-26:00", "Europe/Paris", "2024-02-30", "talk"]),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "timezone",
                    "venue",
                    "rooms",
                    "days",
                    "date",
                    "slots",
                    "time",
                    "talk",
                    "title",
                    "kind",
                    "room",
                    "label",
                    "x",
                ]
            ),
            children,
            max_size=5,
        )
    ),
    max_leaves=25,
)


@FAST
@given(yaml_values)
def test_any_yaml_shape(value):
    assert_only_located_problems(yaml.safe_dump(value, allow_unicode=True).encode())


@st.composite
def valid_schedules(draw):
    """Days with sequential, non-overlapping slots in one room: every slot is valid."""
    first = draw(st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 12, 1)))
    days = []
    total = 0
    for offset in range(draw(st.integers(1, 3))):
        minute = draw(st.integers(6 * 60, 10 * 60))
        slots = []
        for _ in range(draw(st.integers(1, 8))):
            length = draw(st.sampled_from([5, 10, 15, 30, 45, 60, 90]))
            start, end = minute, minute + length
            minute = end + draw(st.sampled_from([0, 0, 5, 15]))
            slot = {"time": f"{start // 60:02d}:{start % 60:02d}-{end // 60:02d}:{end % 60:02d}"}
            if draw(st.booleans()):
                slot["talk"] = f"talk-{total}"
            else:
                slot["title"] = draw(
                    st.text(
                        st.characters(blacklist_categories=["Cs", "Cc", "Cf", "Zl", "Zp"]),
                        min_size=1,
                        max_size=30,
                    )
                )
                slot["kind"] = draw(st.sampled_from(SLOT_KINDS))
            total += 1
            slots.append(slot)
        days.append({"date": (first + dt.timedelta(days=offset)).isoformat(), "slots": slots})
    return {"timezone": "Europe/Paris", "venue": "Venue", "rooms": ["Main room"], "days": days}, total


@FAST
@given(valid_schedules())
def test_valid_schedules_give_tables_and_exports_with_every_slot(generated):
    data, count = generated
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    schedule, problems = load_schedule(text.encode(), "program/schedule.yaml")
    assert problems == [], [str(p) for p in problems]
    assert sum(len(day.slots) for day in schedule.days) == count
    rows = sum(
        len(list(day_table(schedule, day).findall(lambda n: n.tagname == "row"))) - 1 for day in schedule.days
    )
    assert rows == count  # one header row per table, one row per slot
    items = tuple(
        exports.Item(s, s.title or s.talk, f"https://x.org/{s.uid}", talk=s.talk) for s in schedule.slots()
    )
    programme = exports.Programme(schedule, items, "T24", "Test", "https://x.org/")
    events = icalendar.Calendar.from_ical(ical.ics(programme)).walk("VEVENT")
    assert len(events) == count and len({str(e["uid"]) for e in events}) == count
    schedule = frab.frab_json(programme)
    days = schedule["schedule"]["conference"]["days"]
    assert sum(len(room) for day in days for room in day["rooms"].values()) == count
