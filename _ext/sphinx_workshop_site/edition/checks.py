"""What changes from one edition to the next, and the checks that keep the site on one edition.

Everything edition-specific comes from the ``workshop_*`` settings (one block of conf.py) and the
schedule (dates, venue, rooms). This module derives the rest from them:

- the logo's caption ("City · 26–27 Nov 2024"), drawn into the project's logo at build time when
  the logo file holds the placeholders ``{{ name }}``, ``{{ mark }}`` and ``{{ caption }}``;
- ``{year}`` in ``copyright``, the year of the schedule's first day;
- a warning for each date written in the organizers' prose (home, programme, index pages) that
  falls outside the schedule's days, so last year's dates cannot survive a new edition unseen.

The functions above the Sphinx glue are pure (text in, text or located problems out).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import html
import re
from pathlib import Path

from ..model.errors import Problem, WorkshopError
from ..model.schedule import format_date_range

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
# Capitalized, as English writes month names ("2 may be" is not a date)
_MONTH = r"(?P<month>" + "|".join(sorted((m.capitalize() for m in MONTHS), key=len, reverse=True)) + r")\.?"
_DAYS = (
    r"(?P<days>\d{1,2}(?:(?:st|nd|rd|th)?(?:\s*[–—-]\s*|\s*,\s*|\s+and\s+|\s+to\s+)\d{1,2})*)(?:st|nd|rd|th)?"
)
# "26 November 2024", "26–27 Nov 2024", "26 and 27 November" (a day and month without a year too)
DAY_MONTH = re.compile(rf"(?<![\d-]){_DAYS}\s+(?:of\s+)?{_MONTH}\b(?:,?\s+(?P<year>\d{{4}})\b)?")
# "November 26, 2024", "Nov 26–27, 2024" (the year is required: "May 3" alone is too often not a date)
MONTH_DAY = re.compile(rf"\b{_MONTH}\s+{_DAYS},?\s+(?P<year>\d{{4}})\b")
ISO_DATE = re.compile(r"(?<![\d-])(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})(?![\d-])")


def dates_in_line(line: str) -> list[tuple[str, list[tuple[int | None, int, int]]]]:
    """The dates written in one line of prose, in reading order: each as written, with its days as
    (year or None, month, day) ("26 and 27 November 2024" is one date of two days)."""
    found: list[tuple[int, str, list[tuple[int | None, int, int]]]] = []
    taken: list[tuple[int, int]] = []
    for pattern in (ISO_DATE, MONTH_DAY, DAY_MONTH):
        for match in pattern.finditer(line):
            if any(start < match.end() and match.start() < end for start, end in taken):
                continue
            taken.append(match.span())
            if pattern is ISO_DATE:
                days = [(int(match["year"]), int(match["month"]), int(match["day"]))]
            else:
                year = int(match["year"]) if match["year"] else None
                month = MONTHS[match["month"].lower()]
                days = [(year, month, int(day)) for day in re.findall(r"\d{1,2}", match["days"])]
            found.append((match.start(), match.group(0), days))
    return [(text, days) for _start, text, days in sorted(found, key=lambda item: item[0])]


def prose_date_problems(text: str, file: str, first: dt.date, last: dt.date) -> list[WorkshopError]:
    """A located problem for each date in ``text`` with a day outside ``first``–``last`` (the
    schedule's days). A day without a year is in range when it is in one of the schedule's years."""
    problems = []
    years = range(first.year, last.year + 1)
    for number, line in enumerate(text.splitlines(), start=1):
        for written, days in dates_in_line(line):
            for year, month, day in days:
                candidates = []
                for y in [year] if year else years:
                    with contextlib.suppress(ValueError):
                        candidates.append(dt.date(y, month, day))
                if not candidates:
                    message = f"'{written}' is not a date: correct it"
                elif not any(first <= d <= last for d in candidates):
                    message = (
                        f"the date '{written}' is outside the schedule's days ({date_range(first, last)}): "
                        "left from another edition? Correct it (the dates are in the schedule file)"
                    )
                else:
                    continue
                problems.append(WorkshopError(message, file, number, Problem.EDITION))
                break  # one message per date as written
    return problems


def date_range(first: dt.date, last: dt.date) -> str:
    """'26–27 Nov 2024', '30 Nov – 1 Dec 2024', '31 Dec 2024 – 1 Jan 2025', '26 Nov 2024'."""
    return format_date_range(first, last, short=True)


def venue_city(venue: str) -> str:
    """The town of a venue written 'Place, Town, Country' or 'Place, Town' (else the venue)."""
    parts = [p.strip() for p in venue.split(",") if p.strip()]
    if len(parts) >= 3:
        return parts[-2]
    return parts[-1] if parts else ""


def logo_caption(venue: str, first: dt.date, last: dt.date) -> str:
    return " · ".join(p for p in (venue_city(venue), date_range(first, last)) if p)


def split_acronym(acronym: str) -> tuple[str, str]:
    """'LoRAINNe'24' → ('LoRAINNe', "'24"): the name and the edition mark a logo may colour apart."""
    match = re.fullmatch(r"(.*?)(\s*['’]\d{2,4}|\s+\d{4})?", acronym, re.S)
    name, mark = (match.group(1), match.group(2) or "") if match else (acronym, "")
    return (name, mark) if name else (acronym, "")


PLACEHOLDER = re.compile(r"\{\{\s*(name|mark|caption|acronym)\s*\}\}")


def render_logo(template: str, acronym: str, caption: str) -> str:
    """The logo with its placeholders filled, each value escaped for XML."""
    name, mark = split_acronym(acronym)
    values = {"name": name, "mark": mark, "caption": caption, "acronym": acronym}
    return PLACEHOLDER.sub(lambda m: html.escape(values[m.group(1)], quote=False), template)


# -- Sphinx glue ---------------------------------------------------------------------------------------


def _schedule_days(app) -> tuple[dt.date, dt.date, str] | None:
    from ..site.resolve import load_schedule, main_schedule_path

    schedule, _problems = load_schedule(app.srcdir, main_schedule_path(app.config))
    if schedule is None or not schedule.days:
        return None  # the schedule's own problems are reported where the schedule is shown
    dates = [day.date for day in schedule.days]
    return min(dates), max(dates), schedule.venue


def fill_copyright_year(app, config) -> None:
    """config-inited: ``{year}`` in ``copyright`` is the year of the schedule's first day."""
    if "{year}" in (config.copyright or ""):
        days = _schedule_days(app)
        if days:
            config.copyright = config.copyright.replace("{year}", str(days[0].year))


def organizer_page(app, docname: str) -> bool:
    """Pages the organizers write (home, programme, index pages), not contributors' pages."""
    from ..site.pages import speaker_id, talk_id

    return talk_id(app, docname) is None and speaker_id(app, docname) is None


def check_prose_dates(app, docname: str, source: list[str]) -> None:
    """source-read: dates in an organizer page outside the schedule's days, at their file:line."""
    if not organizer_page(app, docname):
        return
    days = _schedule_days(app)
    if days is None:
        return
    from ..diagnostics import report_all
    from ..site.pages import source_name

    report_all(prose_date_problems(source[0], source_name(app, docname), days[0], days[1]))


def reread_when_the_days_change(app, env, added, changed, removed) -> list[str]:
    """env-get-outdated: the organizers' pages are checked again when the schedule's first or last
    day changes (not on every schedule edit: a changed slot time re-reads no prose)."""
    days = _schedule_days(app)
    span = (days[0], days[1]) if days else None
    before = getattr(env, "workshop_prose_days", "first build")
    env.workshop_prose_days = span
    if before == "first build" or before == span:  # a first build reads every page anyway
        return []
    return sorted(d for d in env.found_docs if organizer_page(app, d) and d not in removed)


def write_logo(app, exception: Exception | None) -> None:
    """build-finished: the logo with its caption from the edition (setting, else the schedule)."""
    logo = app.config.html_logo
    if exception is not None or app.builder.format != "html" or not logo or "://" in logo:
        return
    source = Path(app.confdir) / logo
    target = Path(app.outdir) / "_static" / source.name
    if not source.is_file() or not target.parent.is_dir():
        return
    template = source.read_text(encoding="utf-8")
    if not PLACEHOLDER.search(template):
        return
    caption = app.config.workshop_logo_text
    if not caption:
        days = _schedule_days(app)
        caption = logo_caption(days[2], days[0], days[1]) if days else ""
    acronym = app.config.workshop_acronym or app.config.project
    target.write_text(render_logo(template, acronym, caption), encoding="utf-8")


def setup_edition(app) -> None:
    app.connect("config-inited", fill_copyright_year)
    app.connect("source-read", check_prose_dates)
    app.connect("env-get-outdated", reread_when_the_days_change)
    app.connect("build-finished", write_logo)
