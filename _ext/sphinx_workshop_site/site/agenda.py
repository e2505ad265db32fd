"""The reader's programme in the browser: My agenda, the reader's time zone, now and next.

Progressive enhancement: every page reads as before without JavaScript, and shows no control that
would do nothing (the controls are in the HTML, hidden when scripting is off and invisible until
the script runs, so nothing moves when it does). The script (``static/agenda.js``, deferred) is
added only to the pages that show one of these nodes; nothing is loaded from elsewhere and nothing
is sent anywhere: the stars stay in the browser's localStorage, under the edition's identifier.

- a star (``agenda_star``, a toggle button) on every talk and poster-session row of the main
  programme and on each talk and poster page: its value is the event's calendar UID, the one of
  ``program.ics`` (exports/programme.py), so the stars of one event agree wherever it is shown;
- ``{my-agenda}`` (on ``program/agenda.md``): the starred events, and their ``.ics`` made in the
  browser from the events of ``program.ics`` written by the same writer (exports/ical.py): the
  same UID, SEQUENCE, LAST-MODIFIED and times, so calendar apps update them, never duplicate them;
- the programme's tools (``agenda_tools``): the time-zone switch and the link to My agenda; the
  script reads each row's time from the table (no copy of the programme in the page);
- ``{now-next}`` (the home page) and the full programme: what is on now and next, per room,
  from the reader's clock, on the days of the event only.

The data a page's script needs is in the page (a ``<script type="application/json">``, the
script element's ``data-`` attributes), since a browser does not let a page fetch a file from
``file://``."""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import json
import re
from collections.abc import Callable

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from ..model.safetext import one_line
from ..model.schedule import format_date
from .nodes import LatePlaceholder
from .resolve import ResolveContext, register_resolver

SCRIPT = "agenda.js"  # in static/, beside workshop.css
STARRED_KINDS = ("talk", "poster")  # and every poster or spotlight session, whatever its kind
EVENT = re.compile(r"BEGIN:VEVENT\r\n.*?END:VEVENT\r\n", re.S)
UID_LINE = re.compile(r"^UID:(.+?)\r$", re.M)


# --------------------------------------------------------------------------- placeholders


class agenda_star(LatePlaceholder):
    """The star of a programme row (``slot``: its uid, ``schedule``: its file) or of a
    contribution's page (``talk``: its id): the event's UID is known once the programme is."""

    def tokens(self) -> set[str]:
        return {"schedule", *super().tokens() - {"*"}}


class now_next(LatePlaceholder):
    """What is on now and next; ``events`` false: the script reads them from the page's tables."""

    def tokens(self) -> set[str]:
        return {"*", "schedule"}


class my_agenda(LatePlaceholder):
    """The starred events and their export."""

    def tokens(self) -> set[str]:
        return {"*", "schedule"}


class agenda_tools(LatePlaceholder):
    """Above the programme: the time-zone switch and the link to My agenda."""

    def tokens(self) -> set[str]:
        return {"schedule"}


# --------------------------------------------------------------------------- what the HTML holds


class agenda_html(nodes.General, nodes.Element):
    """Markup made here, escaped here (``html``), for the HTML builders only."""


def _html(markup: str) -> agenda_html:
    return agenda_html(html=markup)


def visit_agenda_html(self, node: agenda_html) -> None:
    self.body.append(node["html"])
    raise nodes.SkipNode


def _skip(self, node) -> None:
    raise nodes.SkipNode


def star_markup(uid: str, label: str, visible: bool) -> str:
    """A toggle button (the script adds ``aria-pressed``), its star drawn by the stylesheet. On a
    contribution's page its name is its text, after a separator that goes with it; in a programme
    row (thousands of them at a large conference: the fewest bytes) the script names it after the
    row's title, as only screen readers read it."""
    value = html.escape(uid)
    if visible:
        button = f'<button type="button" class="agenda-star agenda-star-text" value="{value}">'
        return f'<span class="agenda-js"> · {button}{html.escape(label)}</button></span>'
    return f'<button class="agenda-star" value="{value}"></button>'


def data_markup(data: dict) -> str:
    """The data a script reads: JSON in an attribute of an empty hidden element (no script element
    in the page body: only the theme's and the extension's own scripts run), escaped as an
    attribute value."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return f'<div class="agenda-data" hidden data-json="{html.escape(text, quote=True)}"></div>'


# --------------------------------------------------------------------------- the programme's events


def programme(app: Sphinx):
    """The grouped programme of the exports (once per build), or None (a schedule with problems)."""
    from ..exports.record import programme as built

    return built(app)


def starrable(item) -> bool:
    """A talk (with a page or not) or a poster or spotlight session: what a reader picks."""
    return item.slot is not None and (bool(item.talk) or item.kind in STARRED_KINDS or item.is_session)


def _by_slot(prog) -> dict[str, object]:
    cache = prog.__dict__.setdefault("_agenda_by_slot", {})
    if not cache:
        for item in prog.items:
            if item.slot is not None:
                cache.setdefault(item.slot.uid, item)
    return cache


def star_item(prog, *, slot: str | None = None, talk: str | None = None):
    """The event a star stands for: a programme row's slot; a talk's own slot; a poster's
    session (its calendar event, as its "Add to calendar" is)."""
    if slot is not None:
        item = _by_slot(prog).get(slot)
    else:
        item = prog.item_of(talk)
        if item is None and (session := prog.session_of(talk)) is not None:
            item = session[0]
    return item if item is not None and starrable(item) else None


def instant(prog, item, end: bool = False) -> str:
    moment = prog.end(item) if end else prog.start(item)
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


Href = Callable[[object], str]  # an event -> the link to it from the page being written


def hrefs(ctx: ResolveContext) -> Href:
    """From the page being written to an event: a contribution's page, else its day in the programme."""

    def href(item) -> str:
        if item.talk and item.talk in ctx.domain.talks:
            return ctx.builder.get_relative_uri(ctx.docname, ctx.domain.talks[item.talk][0])
        program = ctx.schedule_doc()
        if program is None:
            return ""
        return ctx.builder.get_relative_uri(ctx.docname, program) + f"#day-{item.slot.date.isoformat()}"

    return href


def _room(prog, item) -> str | None:
    """The event's room when the programme has parallel rooms; None: every room (or the only one)."""
    if len(prog.schedule.rooms) < 2:
        return None
    return one_line(item.slot.room) if item.slot.room else None


def now_next_data(prog, href: Href) -> dict:
    """Every event that takes place (cancelled ones are left out), for the script's now and next:
    its start and end as UTC instants, its room (None: every room), title and link."""
    events = [
        {
            "s": instant(prog, item),
            "e": instant(prog, item, end=True),
            "room": _room(prog, item),
            "title": item.title,
            "href": href(item),
        }
        for item in prog.items
        if item.slot is not None and not item.cancelled
    ]
    return {"days": [d.date.isoformat() for d in prog.schedule.days], "events": events}


def agenda_calendar(prog) -> tuple[str, dict[str, str]]:
    """(the calendar's head: its properties and VTIMEZONE; each starrable event's VEVENT by UID),
    from the writer of program.ics: the same UID, SEQUENCE, LAST-MODIFIED, DTSTAMP and times.
    Only the abstracts are left out of the descriptions (the page would carry them all)."""
    cache = prog.__dict__.get("_agenda_calendar")
    if cache is not None:
        return cache
    from ..exports import ical

    short = dataclasses.replace(prog, items=tuple(dataclasses.replace(i, abstract="") for i in prog.items))
    chosen = tuple(i for i in short.items if starrable(i))
    text = ical.ics(short, chosen, name=f"{prog.acronym}: my agenda").decode("utf-8")
    head = text[: text.find("BEGIN:VEVENT")] if chosen else text[: text.rfind("END:VCALENDAR")]
    blocks = {}
    for block in EVENT.findall(text):
        uid = UID_LINE.search(block)
        if uid is not None:
            blocks[uid.group(1)] = block
    prog.__dict__["_agenda_calendar"] = (head, blocks)
    return head, blocks


def agenda_data(prog, href: Href, programme_href: str) -> dict:
    """The starrable events, with what My agenda lists and exports of each (its VEVENT)."""
    head, blocks = agenda_calendar(prog)
    events = []
    for item in prog.items:
        if not starrable(item):
            continue
        uid = prog.uid(item)
        events.append(
            {
                "uid": uid,
                "s": instant(prog, item),
                "e": instant(prog, item, end=True),
                "date": item.slot.date.isoformat(),
                "time": item.slot.time_range,
                "title": item.title,
                "href": href(item),
                "who": ", ".join(p.name for p in item.people),
                "room": one_line(prog.schedule.room_of(item.slot) or ""),
                "cancelled": item.cancelled,
                "ics": blocks.get(uid, ""),
            }
        )
    return {
        "calendar": head,
        "days": {d.date.isoformat(): format_date(d.date) for d in prog.schedule.days},
        "programme": programme_href,
        "events": events,
    }


def agenda_page(schedule_path: str) -> str:
    """My agenda's document: 'agenda' beside the schedule (program/agenda.md)."""
    folder = schedule_path.rpartition("/")[0]
    return f"{folder}/agenda" if folder else "agenda"


def agenda_docname(env, schedule_path: str) -> str | None:
    """My agenda's document, when the site has it."""
    docname = agenda_page(schedule_path)
    return docname if docname in env.found_docs else None


# --------------------------------------------------------------------------- resolvers


def _html_programme(ctx: ResolveContext):
    return programme(ctx.app) if ctx.builder.format == "html" else None


def resolve_star(ctx: ResolveContext, node: nodes.Element) -> list[nodes.Node]:
    if node.get("schedule") not in (None, ctx.app.config.workshop_schedule):
        return []  # another schedule's rows are no events of program.ics
    prog = _html_programme(ctx)
    item = prog and star_item(prog, slot=node.get("slot"), talk=node.get("talk"))
    if not item:
        return []
    # on a contribution's page, after "Add to calendar"; in a programme row, before the title
    return [_html(star_markup(prog.uid(item), "My agenda", visible="talk" in node))]


def resolve_now_next(ctx: ResolveContext, node: nodes.Element) -> list[nodes.Node]:
    prog = _html_programme(ctx)
    if not prog or not prog.schedule.days:
        return []
    data = data_markup(now_next_data(prog, hrefs(ctx))) if node.get("events", True) else ""
    label = "Now and next at " + html.escape(prog.acronym)
    return [_html(f'<div class="now-next" role="region" aria-label="{label}" hidden>{data}</div>')]


def resolve_my_agenda(ctx: ResolveContext, node: nodes.Element) -> list[nodes.Node]:
    if ctx.builder.format != "html":
        return []  # a browser's page: nothing on paper
    prog = programme(ctx.app)
    if not prog:
        return [nodes.paragraph("", "The programme could not be read (see the build's warnings).")]
    programme_link = ""
    program = ctx.schedule_doc()
    to_programme = ctx.builder.get_relative_uri(ctx.docname, program) if program else ""
    if to_programme:
        programme_link = f' The <a href="{html.escape(to_programme)}">programme</a> lists every talk.'
    return [
        _html(
            '<div class="my-agenda">'
            "<noscript><p>My agenda needs JavaScript: the talks you star are kept in your browser "
            f"and listed here by a script.{programme_link}</p></noscript>"
            '<div class="my-agenda-list agenda-js"></div>'
            '<p class="agenda-js"><button type="button" class="agenda-export" hidden>'
            "Download my agenda (.ics)</button></p>"
            f"{data_markup(agenda_data(prog, hrefs(ctx), to_programme))}</div>"
        )
    ]


def resolve_tools(ctx: ResolveContext, node: nodes.Element) -> list[nodes.Node]:
    prog = _html_programme(ctx)
    if not prog:
        return []
    agenda = agenda_docname(ctx.env, ctx.app.config.workshop_schedule)
    where = "My agenda"
    if agenda is not None:
        where = f'<a href="{html.escape(ctx.builder.get_relative_uri(ctx.docname, agenda))}">My agenda</a>'
    return [
        _html(
            '<div class="agenda-tools agenda-js">'
            f'<p><span class="agenda-star-key" aria-hidden="true"></span> Star the talks and poster '
            f"sessions you want to attend for {where} (kept in this browser only).</p>"
            '<p class="tz-line"><label><input type="checkbox" class="tz-switch"> '
            "Show the times in my time zone too</label> "
            f'<span class="tz-names">(the programme\'s: {html.escape(prog.schedule.timezone)})</span></p>'
            "</div>"
        )
    ]


# --------------------------------------------------------------------------- hooks


def programme_parts(schedule_path: str, full: bool) -> list[nodes.Node]:
    """What the {schedule} directive shows above the main programme's tables: the tools, and
    (the whole programme, not one day) now and next, read from the tables by the script."""
    return [agenda_tools(schedule=schedule_path), *([now_next(events=False)] if full else [])]


def row_star(schedule_path: str, slot) -> list[nodes.Node]:
    """A programme row's star, before its title (kept only for an event of the main programme)."""
    if slot.talk or slot.kind in STARRED_KINDS or slot.posters is not None or slot.spotlights is not None:
        return [agenda_star(schedule=schedule_path, slot=slot.uid)]
    return []


def page_star(ctx: ResolveContext, tid: str) -> list[nodes.Node]:
    """A contribution page's star, after its slot line (a poster's: its session's); made while
    that line is resolved (talks.resolve_talk_slot), so it follows the same rewrites."""
    return resolve_star(ctx, agenda_star(talk=tid))


class NowNextDirective(SphinxDirective):
    """```{now-next}```: on the days of the event, what is on now and next, per room."""

    def run(self) -> list[nodes.Node]:
        self.env.note_dependency(self.config.workshop_schedule)
        return [now_next()]


class MyAgendaDirective(SphinxDirective):
    """```{my-agenda}```: the reader's starred talks and sessions, and their calendar file."""

    def run(self) -> list[nodes.Node]:
        self.env.note_dependency(self.config.workshop_schedule)
        return [my_agenda()]


def agenda_page_outdated(app: Sphinx, env, added, changed, removed) -> list[str]:
    """env-get-outdated: My agenda's page added or removed: the programme's link to it follows."""
    if agenda_page(app.config.workshop_schedule) not in set(added) | set(removed):
        return []
    shown = env.get_domain("workshop").docs_showing(app.config.workshop_schedule)
    return sorted(set(shown) - set(added) - set(changed) - set(removed))


def add_script(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """html-page-context: the script, deferred, on the pages that show a star, a tool, My agenda
    or now and next; the edition's identifier (its storage's name) and the venue's time zone
    on its element."""
    if doctree is None or app.builder.format != "html":
        return
    if next(iter(doctree.findall(agenda_html)), None) is None:
        return
    prog = programme(app)
    if prog is None:
        return
    attributes = {"data-edition": prog.identifier, "data-tz": prog.schedule.timezone}
    app.add_js_file(SCRIPT, loading_method="defer", **attributes)


PLACEHOLDERS = {
    agenda_star: resolve_star,
    now_next: resolve_now_next,
    my_agenda: resolve_my_agenda,
    agenda_tools: resolve_tools,
}


def setup_agenda(app: Sphinx) -> None:
    skip = {fmt: (_skip, None) for fmt in ("latex", "text", "man", "texinfo")}
    app.add_node(agenda_html, html=(visit_agenda_html, None), **skip)
    for node_class, resolver in PLACEHOLDERS.items():
        app.add_node(node_class, html=(_skip, None), **skip)
        register_resolver(node_class, resolver)
    app.add_directive("now-next", NowNextDirective)
    app.add_directive("my-agenda", MyAgendaDirective)
    app.connect("html-page-context", add_script)
    app.connect("env-get-outdated", agenda_page_outdated)
