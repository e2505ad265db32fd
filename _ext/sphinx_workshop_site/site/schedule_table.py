"""The ``{schedule}`` directive: one table per day from the data file, titles filled late."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective, SphinxRole

from ..diagnostics import report, report_all
from ..domain import WorkshopDomain
from ..gate.recheck import unreadable_ids
from ..model.contributions import check_contributions
from ..model.errors import Problem, WorkshopError
from ..model.releases import Release, check_releases, diff
from ..model.schedule import (
    PROGRAMME_LATER,
    Day,
    Schedule,
    Slot,
    format_date,
    format_time_range,
)
from .agenda import programme_parts, row_star
from .contribution_nodes import talk_item, talk_order, written_title
from .nodes import programme_exports, talk_speakers, talk_title, unscheduled_talks
from .posters import slot_extras
from .resolve import (
    ResolveContext,
    load_releases,
    load_schedule,
    main_schedule_path,
    register_resolver,
    release_files,
)


class ScheduleDirective(SphinxDirective):
    """```{schedule} schedule.yaml``` with an optional ``:day: 2024-11-27``."""

    required_arguments = 1
    option_spec = {"day": directives.unchanged_required}

    def run(self) -> list[nodes.Node]:
        rel_path, abs_path = self.env.relfn2path(self.arguments[0], self.env.docname)
        try:
            Path(abs_path).resolve().relative_to(Path(self.env.srcdir).resolve())
        except ValueError:
            return self.problem(f"schedule file '{self.arguments[0]}' lies outside the source directory")
        self.env.note_dependency(rel_path)
        self.env.get_domain("workshop").note_schedule(self.env.docname, rel_path)
        schedule, _problems = load_schedule(self.env.srcdir, rel_path)  # reported at consistency check
        if schedule is None:
            return [nodes.paragraph("", "The programme could not be read (see the build's warnings).")]
        days = list(schedule.days)
        if "day" in self.options:
            wanted = self.options["day"].strip()
            days = [d for d in days if d.date.isoformat() == wanted]
            if not days:
                known = ", ".join(d.date.isoformat() for d in schedule.days)
                return self.problem(f"no day {wanted} in '{rel_path}' (days: {known})")
        container = nodes.container(classes=["workshop-schedule"])
        for day in days:
            container += day_table(schedule, day)
        if "day" not in self.options:
            container += unscheduled_talks(schedule=rel_path)
        if rel_path == self.config.workshop_schedule:
            tools = programme_parts(rel_path, full="day" not in self.options)
            return [*self.release_notes(rel_path), programme_exports(), *tools, container]
        return [container]

    def release_notes(self, rel_path: str) -> list[nodes.Node]:
        """Once the programme is released (program/releases/): 'Programme version N, released
        <date>' with a link to its changes page, and a 'tentative' banner until a final release."""
        releases, _problems = load_releases(self.env.srcdir, rel_path)  # reported at consistency check
        for path in release_files(self.env.srcdir, rel_path):
            self.env.note_dependency(str(path))
        if not releases:
            return []
        latest = releases[-1]
        line = _para(
            nodes.Text(f"Programme version {latest.version}, released {format_date(latest.date)}"),
            classes=("programme-version",),
        )
        changes = changes_docname(self.env, rel_path)
        if changes:
            link = addnodes.pending_xref(
                "",
                nodes.inline("", "what changed"),
                refdomain="std",
                reftype="doc",
                reftarget="/" + changes,
                refexplicit=True,
                refwarn=True,
            )
            line += [nodes.Text(" ("), link, nodes.Text(").")]
        else:
            line += nodes.Text(".")
        out: list[nodes.Node] = [line]
        if not latest.final:
            banner = nodes.admonition(classes=["programme-tentative"])
            banner += nodes.title("", "Tentative programme")
            notice = "This programme may still change: times, rooms and talks are not final yet."
            banner += _para(nodes.Text(notice))
            out.insert(0, banner)
        return out

    def problem(self, message: str) -> list[nodes.Node]:
        source, line = self.get_source_info()
        name = Path(source).resolve().relative_to(Path(self.env.srcdir).resolve()).as_posix()
        report(WorkshopError(message, name, line, Problem.FILE))
        return []


def _entry(*children: nodes.Node, morecols: int = 0, classes: tuple[str, ...] = ()) -> nodes.entry:
    entry = nodes.entry("", *children, classes=[*classes])
    if morecols:
        entry["morecols"] = morecols
    return entry


def _para(*children: nodes.Node, classes: tuple[str, ...] = ()) -> nodes.paragraph:
    return nodes.paragraph("", "", *children, classes=[*classes])


def _what(schedule: Schedule, slot: Slot) -> list[nodes.Node]:
    """The slot's title; a session's spotlights and posters under it (posters.py fills them). A
    cancelled slot stays, labelled 'Cancelled', its title struck (the class 'slot-name')."""
    title = talk_title(talk=slot.talk) if slot.talk else nodes.Text(slot.title or "")
    extras = [] if slot.talk else slot_extras(schedule.file, slot)
    star = row_star(schedule.file, slot)  # My agenda (agenda.py): HTML only
    if not slot.cancelled:
        return [*star, _para(title, classes=("slot-title",)), *extras]
    label = nodes.inline("", "Cancelled", classes=["cancelled-label"])
    struck = nodes.inline("", "", title, classes=["slot-name"])
    return [*star, _para(label, nodes.Text(": "), struck, classes=("slot-title", "cancelled")), *extras]


def _who(slot: Slot) -> nodes.paragraph:
    if slot.talk:
        return _para(talk_speakers(talk=slot.talk, affiliation=True), classes=("slot-speakers",))
    return _para()


def _table(day: Day, headers: list[str], widths: list[int], layout: str) -> tuple[nodes.table, nodes.tbody]:
    # colwidths-given: the LaTeX builder keeps these proportions, so tables fit the page
    table = nodes.table(
        classes=["schedule-day", layout, "colwidths-given"], ids=[f"day-{day.date.isoformat()}"]
    )
    heading = day.heading + (f" ({day.label})" if day.label else "")
    table += nodes.title("", heading)
    tgroup = nodes.tgroup(cols=len(headers))
    table += tgroup
    for width in widths:
        tgroup += nodes.colspec(colwidth=width)
    thead = nodes.thead()
    tgroup += thead
    thead += nodes.row("", *(_entry(_para(nodes.Text(h))) for h in headers))
    tbody = nodes.tbody()
    tgroup += tbody
    if not day.slots:  # the day is announced, its programme not yet
        tbody += nodes.row("", _entry(_para(nodes.Text(PROGRAMME_LATER)), morecols=len(headers) - 1))
    return table, tbody


def day_table(schedule: Schedule, day: Day) -> nodes.table:
    """One row per slot; with parallel rooms, one column per room and shared slots spanning."""
    if len(schedule.rooms) < 2:
        table, tbody = _table(day, ["Time", "Session", "Speaker"], [20, 46, 34], "schedule-single")
        for slot in day.slots:
            tbody += nodes.row(
                "",
                _entry(_para(nodes.Text(slot.time_range)), classes=("slot-time",)),
                _entry(*_what(schedule, slot)),
                _entry(_who(slot)),
                classes=[f"slot-{slot.kind}", *(["slot-cancelled"] if slot.cancelled else [])],
            )
        return table
    rooms = list(schedule.rooms)
    width = 80 // len(rooms)
    table, tbody = _table(day, ["Time", *rooms], [20] + [width] * len(rooms), "schedule-rooms")
    starts = sorted({slot.start for slot in day.slots})
    for start in starts:
        here = [s for s in day.slots if s.start == start]
        ends = {s.end for s in here}
        time_text = format_time_range(start, here[0].end) if len(ends) == 1 else f"{start:%H:%M}"
        row = nodes.row("", _entry(_para(nodes.Text(time_text)), classes=("slot-time",)))
        shared = next((s for s in here if s.room is None), None)
        if shared is not None:
            row += _entry(*_what(schedule, shared), _who(shared), morecols=len(rooms) - 1)
            row["classes"].append(f"slot-{shared.kind}")
        else:
            for room in rooms:
                slot = next((s for s in here if s.room == room), None)
                if slot is None:
                    row += _entry(_para())
                    continue
                cell = [*_what(schedule, slot), _who(slot)]
                if len(ends) > 1:
                    cell.insert(0, _para(nodes.Text(slot.time_range), classes=("slot-time",)))
                row += _entry(
                    *cell, classes=(f"slot-{slot.kind}", *(["slot-cancelled"] if slot.cancelled else []))
                )
        tbody += row
    return table


def changes_docname(env, schedule_path: str) -> str | None:
    """The programme's changes page: 'changes' beside the schedule (program/changes.md)."""
    folder = Path(schedule_path).parent.as_posix()
    docname = "changes" if folder in ("", ".") else f"{folder}/changes"
    return docname if docname in env.found_docs else None


class ProgrammeChangesDirective(SphinxDirective):
    """```{programme-changes}```: per release, newest first, what changed since the one before
    (talks, posters and spotlights added, moved, retitled, cancelled), from program/releases/<N>.yaml."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        path = self.config.workshop_schedule
        releases, _problems = load_releases(self.env.srcdir, path)  # reported at consistency check
        for file in release_files(self.env.srcdir, path):
            self.env.note_dependency(str(file))
        if not releases:
            return [_para(nodes.Text("The programme has not been released yet."))]
        out = nodes.container(classes=["programme-changes"])
        for index in range(len(releases) - 1, -1, -1):
            out += release_section(releases[index], releases[index - 1] if index else None, self.env)
        return [out]


def release_section(release: Release, previous: Release | None, env) -> nodes.Node:
    final = " (final)" if release.final else ""
    heading = f"Version {release.version}, released {format_date(release.date)}{final}"
    section = nodes.container(classes=["programme-release"], ids=[f"version-{release.version}"])
    section += nodes.rubric("", heading, **{"heading-level": 2})
    changes = diff(previous, release)
    if previous is None:
        counts = [f"{len(release.talks)} talk(s)"]
        counts += [f"{len(release.of(f))} {f}(s)" for f in ("poster", "spotlight") if release.of(f)]
        section += _para(nodes.Text(f"The first published programme: {', '.join(counts)}."))
        changes = [c for c in changes if c.kind != "added" or c.after.cancelled]
    if not changes:
        if previous is not None:
            section += _para(nodes.Text("No talk, poster or spotlight changed."))
        return section
    items = nodes.bullet_list()
    for change in changes:
        said: list[nodes.Node] = []
        for kind, text in change.parts():  # a title as the site shows titles: its math as math
            said += [nodes.Text(text)] if kind == "text" else written_title(env, text)
        items += nodes.list_item("", _para(*said, classes=(f"change-{change.kind}",)))
    section += items
    return section


def resolve_unscheduled(ctx: ResolveContext, node: nodes.Element) -> list[nodes.Node]:
    """'Not yet scheduled': the talks and posters that no slot, poster session or spotlight of this
    schedule names (a poster is marked as one)."""
    schedule = ctx.schedule(node["schedule"])
    scheduled = schedule.scheduled_ids() if schedule else set()
    waiting = [tid for tid in talk_order(ctx, None) if tid not in scheduled]
    if not waiting:
        return []
    rubric = nodes.rubric("", "Not yet scheduled", ids=["not-yet-scheduled"], **{"heading-level": 2})
    listed = (talk_item(ctx, tid, mark_type=True, with_when=False) for tid in waiting)
    items = nodes.bullet_list("", *listed, classes=["unscheduled-talks"])
    return [rubric, items]


def check_schedules(app: Sphinx, env) -> None:
    """env-check-consistency: every schedule shown (and the main one) against the talk pages."""
    domain: WorkshopDomain = env.get_domain("workshop")
    paths = domain.schedule_files()
    main = main_schedule_path(app.config)
    if (Path(app.srcdir) / main).exists():
        paths.add(main)
    # a page set aside as not UTF-8 exists: its own message is enough
    types = dict.fromkeys(unreadable_ids(app, app.config.workshop_talks_dir), "unreadable")
    types.update(domain.contribution_types())
    for path in sorted(paths):
        schedule, problems = load_schedule(app.srcdir, path)
        report_all(problems)
        if schedule is not None:
            report_all(check_contributions(schedule, types, domain.board_claims()))
        if path == main and schedule is not None:
            releases, problems = load_releases(app.srcdir, path)
            report_all(problems)
            report_all(check_releases(releases, schedule, set(types)))


def releases_outdated(app: Sphinx, env, added, changed, removed) -> list[str]:
    """env-get-outdated: a release added, changed or removed re-reads the pages that show the
    releases (the programme's version line and banner, the changes page), whose own
    dependencies name only the release files that existed when they were read."""
    main = main_schedule_path(app.config)
    signature = tuple((p.name, p.stat().st_mtime_ns) for p in release_files(app.srcdir, main))
    before = getattr(env, "workshop_releases", None)
    env.workshop_releases = signature
    if before is None or before == signature:
        return []
    domain: WorkshopDomain = env.get_domain("workshop")
    docs = set(domain.docs_showing(main))
    if changes := changes_docname(env, main):
        docs.add(changes)
    return sorted(docs - set(added) - set(changed) - set(removed))


class DateRole(SphinxRole):
    """``{date}`2024-11-26``` → 'Tuesday 26 November 2024': weekdays are computed, never typed."""

    def run(self):
        try:
            day = dt.date.fromisoformat(self.text.strip())
        except ValueError:
            msg = self.inliner.reporter.error(
                f"'{self.text}' is not an ISO date (YYYY-MM-DD)", line=self.lineno
            )
            return [], [msg]
        return [nodes.inline("", format_date(day), classes=["date"])], []


def setup_schedule(app: Sphinx) -> None:
    app.add_directive("schedule", ScheduleDirective)
    app.add_directive("programme-changes", ProgrammeChangesDirective)
    app.add_role("date", DateRole())
    app.connect("env-check-consistency", check_schedules)
    app.connect("env-get-outdated", releases_outdated)
    register_resolver(unscheduled_talks, resolve_unscheduled)
