"""Sphinx glue for the exports: written into the HTML output when the build finishes (every
format of :mod:`.formats`, a .ics per talk, the link-preview cards, sitemap.xml, robots.txt), and
the links to them on the pages. Every output is a view of the same schedule and talk pages (the
record, :mod:`.record`); no output re-parses another."""

from __future__ import annotations

import dataclasses
import datetime as dt
import posixpath
from pathlib import Path
from urllib.parse import urlsplit
from xml.sax.saxutils import escape as xml_escape

from docutils import nodes
from sphinx.application import Sphinx

from ..diagnostics import report
from ..model.safetext import one_line
from ..parallel import in_processes
from ..site.nodes import programme_exports
from ..site.resolve import ResolveContext, register_resolver
from . import formats, ical, vtimezone
from . import programme as programme_module
from .fingerprints import Fingerprints, digest, files_digest
from .head import collect_texts, page_head, write_cards
from .record import base_url, conf_location, conf_problem, is_html, page_url, programme, reset_cache

EXPORT_FILES = {"ics": "program.ics", "xml": "schedule.xml", "json": "schedule.json"}


# --------------------------------------------------------------------------- writing


def talk_ics(talk: str, talks_dir: str) -> str:
    return f"{talks_dir}/{talk}.ics"


def write_exports(app: Sphinx, exception: Exception | None) -> None:
    """build-finished: every format of formats.FORMATS (checked against its schema), a .ics
    per talk, sitemap.xml, robots.txt."""
    if exception is not None or not is_html(app):
        return
    outdir = Path(app.outdir)
    write_sitemap(app, outdir)
    prog = programme(app)
    if prog is None:
        return
    base = base_url(app)
    if not base:
        message = (
            "html_baseurl is not set: calendar files and schedule.xml need the site's public address "
            "(set SITE_BASEURL or html_baseurl in conf.py)"
        )
        conf_problem(app, "html_baseurl", message)
    elif urlsplit(base).scheme not in ("http", "https") or not urlsplit(base).netloc:
        message = (
            f"html_baseurl '{one_line(base)}' is not an absolute http(s) address: calendars and conference "
            "apps need one (set SITE_BASEURL=https://…/); no export written"
        )
        conf_problem(app, "html_baseurl", message)
        return
    passed = Path(app.doctreedir) / FORMATS_PASSED
    for problem in formats.write_all(prog, outdir, conf_location(app, "workshop_acronym"), passed):
        report(problem)
    write_cards(app, outdir)
    # a talk's own event; a poster's is its session's (the same UID: one event in a calendar),
    # so a session's calendar is made once for all its posters (not once per poster); over the
    # build's processes (-j): at 5,000 contributions, a thousand calendars on every build
    talks_dir = app.config.workshop_talks_dir
    events = [(item, [item.talk] if item.talk else [p.id for p in item.posters]) for item in prog.items]
    events = [(item, [outdir / talk_ics(cid, talks_dir) for cid in cids]) for item, cids in events if cids]
    (outdir / talks_dir).mkdir(parents=True, exist_ok=True)
    wanted = {path for _item, paths in events for path in paths} | {outdir / EXPORT_FILES["ics"]}
    for old in (outdir / talks_dir).glob("*.ics"):  # of a contribution in no slot now, or gone
        if old not in wanted:
            old.unlink()
    made = Fingerprints(Path(app.doctreedir) / CALENDARS_MADE, calendars_scope(prog))
    changed = []
    for item, paths in events:
        fingerprint = calendar_fingerprint(prog, item)
        made.keep(paths[0].name, fingerprint)
        if not (made.unchanged(paths[0].name, fingerprint) and all(path.is_file() for path in paths)):
            changed.append((item, paths))

    def write_calendar(event) -> None:
        item, paths = event
        calendar = ical.ics(prog, (item,), name=item.title)
        for path in paths:
            path.write_bytes(calendar)

    in_processes(app, write_calendar, changed)
    made.save()
    reset_cache(app)


# A contribution's calendar is made again only when its fingerprint changed or a file is missing:
# it depends on the event (its slot, title, speakers, posters, abstract, link, UID, revision) and
# on the programme around it (settings, schedule, releases; not its version, which no calendar
# shows), never on the build's time but for its DTSTAMP, which an unchanged calendar keeps (when
# its event last changed). At 5,000 contributions, a thousand calendars: a third of an edit's
# rebuild. The fingerprints are ``repr``s of frozen dataclasses: a value whose ``repr`` is not
# the same from one build to the next only makes a calendar again.
CALENDARS_MADE = "workshop-calendars.json"
FORMATS_PASSED = "workshop-formats-passed.json"


def calendars_scope(prog) -> str:
    around = dataclasses.replace(prog, items=(), stamp=dt.datetime(2000, 1, 1, tzinfo=dt.UTC), version="")
    code = files_digest(*(Path(module.__file__) for module in (ical, programme_module, vtimezone)))
    return digest(repr(around), code)


def calendar_fingerprint(prog, item) -> str:
    """The event, its UID (which depends on the other events: a talk placed twice) and its
    releases' revision."""
    return digest(repr((item, prog.uid(item), prog.revision(item))))


def write_sitemap(app: Sphinx, outdir: Path) -> None:
    """sitemap.xml lists every page; robots.txt points to it. Crawlers read robots.txt only at
    the root of a host: under a sub-path base (https://host/edition/) it is not written, and the
    organizers' guide says which line to add to the host's own robots.txt."""
    base = base_url(app)
    if not base:
        return
    skip = {"genindex", "search", "py-modindex"}
    urls = [page_url(app, d) for d in sorted(app.env.found_docs) if d not in skip]
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    lines += [f"  <url><loc>{xml_escape(one_line(u))}</loc></url>" for u in urls]
    lines.append("</urlset>")
    (outdir / "sitemap.xml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    robots = outdir / "robots.txt"
    extra = getattr(app.config, "html_extra_path", None) or []
    if any((Path(app.confdir) / folder / "robots.txt").is_file() for folder in extra):
        return  # the site's own robots.txt (html_extra_path) is copied as it is
    if urlsplit(one_line(base)).path in ("", "/"):
        robots.write_text(
            f"User-agent: *\nAllow: /\nSitemap: {one_line(base)}sitemap.xml\n", encoding="utf-8"
        )
    elif robots.is_file():  # left by a build at the root address
        robots.unlink()


# --------------------------------------------------------------------------- links


def relative(ctx: ResolveContext, target: str) -> str:
    """A link from the page being written to an output file, for any HTML builder (dirhtml
    writes abstracts/cohen.md as abstracts/cohen/index.html)."""
    page = ctx.builder.get_target_uri(ctx.docname)
    return posixpath.relpath(target, posixpath.dirname(page) or ".")


def resolve_programme_exports(ctx: ResolveContext, node: nodes.Element) -> list[nodes.Node]:
    if ctx.builder.format != "html" or ctx.schedule() is None:
        return []
    links = [
        ("Add the whole programme to your calendar", EXPORT_FILES["ics"], " (iCalendar)"),
        ("schedule.xml for conference apps", EXPORT_FILES["xml"], " (frab format; also as "),
    ]
    para = nodes.paragraph(classes=["programme-exports"])
    for i, (text, target, after) in enumerate(links):
        if i:
            para += nodes.Text(" · ")
        para += nodes.reference("", text, refuri=relative(ctx, target))
        para += nodes.Text(after)
    para += nodes.reference("", "schedule.json", refuri=relative(ctx, EXPORT_FILES["json"]))
    para += nodes.Text(")")
    return [para]


def calendar_link(ctx: ResolveContext, tid: str) -> list[nodes.Node]:
    """' · Add to calendar' on a scheduled talk's page (HTML only)."""
    if ctx.builder.format != "html":
        return []
    target = relative(ctx, talk_ics(tid, ctx.app.config.workshop_talks_dir))
    return [
        nodes.Text(" · "),
        nodes.reference("", "Add to calendar", refuri=target, classes=["add-to-calendar"]),
    ]


def setup_publish(app: Sphinx) -> None:
    app.connect("doctree-read", collect_texts, priority=800)  # after the talk meta is inserted
    app.connect("builder-inited", reset_cache)
    app.connect("html-page-context", page_head)
    app.connect("build-finished", write_exports)
    register_resolver(programme_exports, resolve_programme_exports)
