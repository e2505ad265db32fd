"""A VTIMEZONE component generated from the tz database, written as Thunderbird writes them: one
STANDARD or DAYLIGHT component per rule, with an RRULE (``FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU``)
and its onset in the local time *before* the change (RFC 5545 3.8.3.3).

Why not ``icalendar``'s ``add_missing_timezones``: it writes one component per transition, each
onset in the time *after* it (summer time an hour late), and clients that read only the first
date of an RDATE (ical.js, vobject) then place summer events at the winter offset. Pure Python."""

from __future__ import annotations

import calendar
import datetime as dt
import functools
from dataclasses import dataclass
from zoneinfo import ZoneInfo

WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True)
class Transition:
    """One change of UTC offset: the local wall time it happens at (before the change)."""

    onset: dt.datetime  # naive, local time before the change
    offset_from: dt.timedelta
    offset_to: dt.timedelta
    name: str
    daylight: bool

    @property
    def rule(self) -> tuple:
        """What repeats year after year: the month, the weekday and its place in the month."""
        day = self.onset.day
        last_days = calendar.monthrange(self.onset.year, self.onset.month)[1]
        week = -1 if day + 7 > last_days else (day - 1) // 7 + 1
        byday = f"{week}{WEEKDAY_CODES[self.onset.weekday()]}"
        return (
            self.onset.month,
            byday,
            self.onset.time(),
            self.offset_from,
            self.offset_to,
            self.name,
            self.daylight,
        )


def _offset_at(zone: ZoneInfo, moment: dt.datetime) -> tuple[dt.timedelta, str, bool]:
    local = moment.astimezone(zone)
    return local.utcoffset(), local.tzname() or "", bool(local.dst())


@functools.lru_cache(maxsize=32)  # one programme writes a calendar per talk, all in the same years
def transitions(zone: ZoneInfo, first_year: int, last_year: int) -> tuple[Transition, ...]:
    """Every offset change of the tz database from 1 January of ``first_year`` to the end of
    ``last_year``: found day by day, then to the minute by bisection."""
    out = []
    moment = dt.datetime(first_year, 1, 1, tzinfo=dt.UTC)
    end = dt.datetime(last_year + 1, 1, 1, tzinfo=dt.UTC)
    state = _offset_at(zone, moment)
    while moment < end:
        following = moment + dt.timedelta(days=1)
        new = _offset_at(zone, following)
        if new != state:
            low, high = moment, following  # the change is in (low, high]
            while high - low > dt.timedelta(minutes=1):
                middle = low + (high - low) / 2
                middle = middle.replace(second=0, microsecond=0)
                if middle <= low:
                    middle = low + dt.timedelta(minutes=1)
                if _offset_at(zone, middle) == state:
                    low = middle
                else:
                    high = middle
            onset = (high + state[0]).replace(tzinfo=None)
            out.append(Transition(onset, state[0], new[0], new[1], new[2]))
            state = new
        moment = following
    return tuple(out)


def vtimezone(tzid: str, first_year: int, last_year: int):
    """The VTIMEZONE of ``tzid`` valid for every date of the years ``first_year``..``last_year``.

    Starts a year early so that the rule in force on 1 January is in the component too."""
    from icalendar import Timezone, TimezoneDaylight, TimezoneStandard, vRecur

    zone = ZoneInfo(tzid)
    found = transitions(zone, first_year - 1, last_year)
    component = Timezone()
    component.add("tzid", tzid)
    if not found:  # a zone without changes in these years: one STANDARD from the start
        offset, name, _dst = _offset_at(zone, dt.datetime(first_year, 1, 1, tzinfo=dt.UTC))
        standard = TimezoneStandard()
        standard.add("dtstart", dt.datetime(first_year - 1, 1, 1))
        standard.add("tzoffsetfrom", offset)
        standard.add("tzoffsetto", offset)
        if name:
            standard.add("tzname", name)
        component.add_component(standard)
        return component
    # consecutive years following the same rule are one component with an RRULE
    runs: list[list[Transition]] = []
    open_runs: dict[tuple, list[Transition]] = {}
    for transition in found:
        run = open_runs.get(transition.rule)
        if run is not None and run[-1].onset.year == transition.onset.year - 1:
            run.append(transition)
        else:
            run = [transition]
            runs.append(run)
            open_runs[transition.rule] = run
    for run in runs:
        first = run[0]
        sub = TimezoneDaylight() if first.daylight else TimezoneStandard()
        sub.add("tzoffsetfrom", first.offset_from)
        sub.add("tzoffsetto", first.offset_to)
        if first.name:
            sub.add("tzname", first.name)
        sub.add("dtstart", first.onset)
        if len(run) > 1:
            month, byday = first.rule[0], first.rule[1]
            rule = {"freq": "yearly", "bymonth": month, "byday": byday}
            if run[-1].onset.year < last_year:  # the rule stopped inside the span: say when
                rule["until"] = (run[-1].onset - first.offset_from).replace(tzinfo=dt.UTC)
            sub.add("rrule", vRecur(rule))
        component.add_component(sub)
    return component
