"""Sphinx glue for the exports: written into the HTML output when the build finishes, and
the head of each page (JSON-LD, OpenGraph, description). Every output is a view of the same
schedule and talk pages; no output re-parses another."""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import os
import posixpath
import re
from pathlib import Path
from urllib.parse import urlsplit
from xml.sax.saxutils import escape as xml_escape

from docutils import nodes
from sphinx.application import Sphinx

from ..config import series_name
from ..diagnostics import report
from ..domain import WorkshopDomain
from ..gate.imagefile import image_size
from ..gate.mathmacros import plain_text
from ..model import schedule as model
from ..model.errors import Problem, WorkshopError
from ..model.releases import revisions
from ..model.safetext import clean_text, one_line
from ..parallel import in_processes
from ..site.nodes import programme_exports
from ..site.pages import page_section, talk_id
from ..site.resolve import ResolveContext, load_releases, load_schedule, register_resolver
from . import cards, formats, ical, jsonld
from . import programme as exports

EXPORT_FILES = {"ics": "program.ics", "xml": "schedule.xml", "json": "schedule.json"}
DESCRIPTION_LENGTH = 200


# --------------------------------------------------------------------------- plain text


def shorten(text: str, limit: int = DESCRIPTION_LENGTH) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0] + "…"


def collect_texts(app: Sphinx, doctree: nodes.document) -> None:
    """doctree-read: each page's title and description, and a talk's abstract, as plain text."""
    docname = app.env.docname
    section = page_section(doctree)
    abstract = []
    if section is not None:
        for child in section.children[1:]:
            if isinstance(child, nodes.section):
                break
            if isinstance(child, nodes.paragraph | nodes.math_block | nodes.bullet_list | nodes.block_quote):
                abstract.append(plain_text(child))
    if not abstract:
        first = next(iter(doctree.findall(nodes.paragraph)), None)
        abstract = [plain_text(first)] if first is not None else []
    text = clean_text("\n\n".join(a.strip() for a in abstract if a.strip()))
    if docname == app.config.root_doc and own_description(doctree):  # the site's own words
        text = own_description(doctree)
    # a setext title ("line one\nline two\n===") keeps its line break in the doctree
    title = one_line(plain_text(section[0])) if section is not None and section.children else ""
    app.env.get_domain("workshop").data["texts"][docname] = (title, text)


# --------------------------------------------------------------------------- the programme


def base_url(app: Sphinx) -> str:
    base = app.config.html_baseurl or ""
    return base if base.endswith("/") or not base else base + "/"


def page_url(app: Sphinx, docname: str, anchor: str = "") -> str:
    uri = app.builder.get_target_uri(docname)
    return base_url(app) + uri + (f"#{anchor}" if anchor else "")


def build_programme(app: Sphinx) -> exports.Programme | None:
    schedule, problems = load_schedule(app.srcdir, app.config.workshop_schedule)
    if schedule is None or problems:  # reported by the build; no export from bad data
        return None
    domain: WorkshopDomain = app.env.get_domain("workshop")
    texts = domain.data["texts"]
    program_docs = domain.docs_showing(app.config.workshop_schedule)
    names = domain.names()

    def parts(name: str, own) -> dict[str, str]:
        """The family and given names, when a page gives them (names.NameIndex)."""
        filed = names.file(name, own)
        return {"family": filed.family or "", "given": filed.given or ""}

    def speaker(sid: str) -> exports.Person | None:
        found = domain.speakers.get(sid)
        if found is None:
            return None
        docname, meta = found
        name = texts.get(docname, ("", ""))[0] or sid
        affiliations = (meta.affiliation,) if meta.affiliation else ()
        return exports.Person(
            sid, name, page_url(app, docname), affiliations, meta.orcid or "", **parts(name, meta.parts)
        )

    def talk_item(slot, tid: str) -> exports.Item:
        docname, meta = domain.talks[tid]
        title, abstract = texts.get(docname, ("", ""))
        persons = tuple(p for p in map(speaker, meta.speakers) if p is not None)
        authors = tuple(
            exports.Person(
                f"{tid}:author:{n}", a.name, "", a.affiliations, a.orcid or "", **parts(a.name, a.parts)
            )
            for n, a in enumerate(meta.authors)
        )
        return exports.Item(slot, title, page_url(app, docname), abstract, persons, tid, authors)

    def session_posters(slot) -> tuple[exports.Poster, ...]:
        """A poster session's posters (slot 'posters:'), with their boards, in board order."""
        ids = slot.posters or ()
        boards = domain.boards(schedule)  # model.poster_boards, computed once per build
        out = []
        for pid in ids:
            if pid in domain.talks:
                item = talk_item(None, pid)
                out.append(
                    exports.Poster(
                        pid, item.title, item.url, boards.get(pid), item.persons, "", item.abstract
                    )
                )
        return tuple(sorted(out, key=lambda p: (p.board is None, p.board or 0)))

    def slot_spotlights(slot) -> tuple[exports.Poster, ...]:
        """A spotlight slot's short presentations (slot 'spotlights:'), in order, with their times."""
        out = []
        for spot in slot.spotlights or ():
            if spot.id in domain.talks:
                item = talk_item(None, spot.id)
                out.append(
                    exports.Poster(
                        spot.id,
                        item.title,
                        item.url,
                        None,
                        item.persons,
                        spot.time_range or "",
                        item.abstract,
                    )
                )
        return tuple(out)

    items = []
    for slot in schedule.slots():
        if slot.talk in domain.talks:
            items.append(talk_item(slot, slot.talk))
            continue
        anchor = f"day-{slot.date.isoformat()}"
        url = page_url(app, program_docs[0], anchor) if program_docs else base_url(app)
        items.append(
            exports.Item(
                slot,
                slot.title or slot.talk or "",
                url,
                posters=session_posters(slot),
                spotlights=slot_spotlights(slot),
            )
        )
    released, _problems = load_releases(app.srcdir, app.config.workshop_schedule)  # reported by the build
    # the released version (frab <version>), else a digest of the programme as it is
    version = str(released[-1].version) if released else hashlib.sha256(repr(items).encode()).hexdigest()[:12]
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    stamp = dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch else None
    return exports.Programme(
        schedule,
        tuple(items),
        acronym=app.config.workshop_acronym or app.config.project,
        title=full_title(app),
        base_url=base_url(app),
        organizers=tuple(app.config.workshop_organizers),
        description=site_description(app),
        version=version,
        identifier=identifier(app),
        organizer_email=app.config.workshop_organizer_email,
        organizer_name=app.config.workshop_organizer_group
        or app.config.workshop_acronym
        or app.config.project,
        image=social_image(app),
        address=schedule.address,
        revisions=revisions(released),
        **({"stamp": stamp} if stamp else {}),
    )


def identifier(app: Sphinx) -> str:
    """workshop_identifier, or one made from the acronym (or `project`)."""
    given = app.config.workshop_identifier
    if given and not re.match(exports.IDENTIFIER_PATTERN, given):
        derived = exports.identifier_from(given)
        message = (
            f"workshop_identifier '{one_line(given)}' is not a conference identifier (at least four of "
            f"a-z, 0-9 and _, as frab requires): '{derived}' is used; write that"
        )
        conf_problem(app, "workshop_identifier", message)
        return derived
    return given or exports.identifier_from(app.config.workshop_acronym or app.config.project)


def site_description(app: Sphinx) -> str:
    """The home page's own description (its html_meta), else its first paragraphs."""
    return (
        app.env.get_domain("workshop")
        .data["texts"]
        .get(app.config.root_doc, ("", ""))[1][: DESCRIPTION_LENGTH * 2]
    )


def full_title(app: Sphinx) -> str:
    """'XYZ'31: Workshop on …' (workshop_series_words before the full name, as on the cover)."""
    acronym, name = app.config.workshop_acronym, app.config.workshop_full_name
    if acronym and name:
        return f"{acronym}: {series_name(app.config)}"
    return series_name(app.config) if name else acronym or app.config.project


class _Cache:
    """The programme and the preview image are made once per build and shared by every page.
    Kept on the application (``cache``), not in the module: nothing is shared between builds."""

    programme: exports.Programme | None = None
    built = False
    image: exports.Image | None = None
    image_read = False
    folder: cards.Folder | None = None


def cache(app: Sphinx) -> _Cache:
    found = getattr(app, "_workshop_publish_cache", None)
    if not isinstance(found, _Cache):
        found = app._workshop_publish_cache = _Cache()
    return found


def programme(app: Sphinx) -> exports.Programme | None:
    kept = cache(app)
    if not kept.built:
        kept.programme, kept.built = build_programme(app), True
    return kept.programme


def reset_cache(app: Sphinx, *args) -> None:
    app._workshop_publish_cache = _Cache()


def is_html(app: Sphinx) -> bool:
    return app.builder.format == "html" and app.builder.name != "singlehtml"


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
    for problem in formats.write_all(prog, outdir, conf_location(app, "workshop_acronym")):
        report(problem)
    write_cards(app, outdir)
    # a talk's own event; a poster's is its session's (the same UID: one event in a calendar),
    # so a session's calendar is made once for all its posters (not once per poster); over the
    # build's processes (-j): at 5,000 contributions, a thousand calendars on every build
    events = [(item, [item.talk] if item.talk else [p.id for p in item.posters]) for item in prog.items]
    folder = outdir / app.config.workshop_talks_dir
    folder.mkdir(parents=True, exist_ok=True)

    def write_calendar(event) -> None:
        item, contributions = event
        calendar = ical.ics(prog, (item,), name=item.title)
        for cid in contributions:
            (outdir / talk_ics(cid, app.config.workshop_talks_dir)).write_bytes(calendar)

    in_processes(app, write_calendar, [event for event in events if event[1]])
    reset_cache(app)


def conf_location(app: Sphinx, setting: str) -> tuple[str, int]:
    """conf.py and the line that sets ``setting`` (1 when no line does), for located messages."""
    try:
        lines = (Path(app.confdir) / "conf.py").read_text(encoding="utf-8").splitlines()
    except OSError:
        lines = []
    line = next((n for n, text in enumerate(lines, 1) if re.match(rf"{setting}\s*[:=]", text)), 1)
    return "conf.py", line


def conf_problem(app: Sphinx, setting: str, message: str) -> None:
    report(WorkshopError(message, *conf_location(app, setting), Problem.EXPORT))


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


# --------------------------------------------------------------------------- page head


def _meta(prop: str, content: str, attr: str = "property") -> str:
    """One <meta>: the attribute name is ours, both values escaped and on one line."""
    return f'<meta {attr}="{html.escape(one_line(prop))}" content="{html.escape(one_line(content))}" />\n'


def own_description(doctree: nodes.document) -> str:
    """The description a page gives itself (MyST front matter html_meta), read from the doctree."""
    for meta in doctree.findall(nodes.meta):
        if meta.get("name", "").lower() == "description" and meta.get("content"):
            return one_line(meta["content"])
    return ""


def social_image(app: Sphinx) -> exports.Image | None:
    """workshop_social_image (a PNG or JPEG in html_static_path) as an absolute URL with its size;
    read once per build, so a wrong file is one message, not one per page."""
    kept = cache(app)
    if not kept.image_read:
        kept.image, kept.image_read = _read_social_image(app), True
    return kept.image


SITE_CARD = "_site"  # the site card's file stem ('_' begins no talk id)


def site_card(app: Sphinx) -> cards.Card | None:
    """The site's own link-preview card, drawn from the edition block and the schedule (so the
    next edition's card is right without a drawing program): full name, acronym and dates, venue."""
    schedule = load_schedule(app.srcdir, app.config.workshop_schedule)[0]
    span, venue = "", ""
    if schedule is not None and schedule.days:
        span = model.format_date_range(schedule.days[0].date, schedule.days[-1].date)
        venue = one_line(schedule.venue)
    name = app.config.workshop_full_name or app.config.project
    acronym = app.config.workshop_acronym or app.config.project
    return cards.Card(one_line(name), "", venue, " · ".join(p for p in (one_line(acronym), span) if p))


def _read_social_image(app: Sphinx) -> exports.Image | None:
    source = app.config.workshop_social_image
    if not source and base_url(app) and cards.available():
        card = site_card(app)
        url = f"{base_url(app)}{CARDS_DIR}/{SITE_CARD}-{card.digest}.png"
        return exports.Image(url, cards.WIDTH, cards.HEIGHT, card.alt, "image/png")
    if not source or not base_url(app):
        return None
    found = image_size(Path(app.srcdir) / source)
    static = next((p for p in app.config.html_static_path if Path(source).is_relative_to(p)), None)
    if found is None or static is None:
        message = (
            f"workshop_social_image '{one_line(source)}' is not a PNG or JPEG file in html_static_path "
            "(link previews show it; 1200×630 px is best)"
        )
        report(WorkshopError(message, *conf_location(app, "workshop_social_image"), Problem.EXPORT))
        return None
    (width, height), media = found
    relative = Path(source).relative_to(static).as_posix()
    alt = app.config.workshop_social_image_alt or full_title(app)
    return exports.Image(f"{base_url(app)}_static/{relative}", width, height, alt, media)


CARDS_DIR = "_images/cards"


def page_card(app: Sphinx, pagename: str) -> cards.Card | None:
    """The link-preview card of a talk or poster page: title, speakers, when and where."""
    tid = talk_id(app, pagename)
    prog = programme(app)
    if not tid or prog is None or not app.config.workshop_social_cards:
        return None
    domain: WorkshopDomain = app.env.get_domain("workshop")
    if tid not in domain.talks:
        return None
    texts = domain.data["texts"]
    docname, meta = domain.talks[tid]
    names = [
        texts.get(domain.speakers[s][0], ("", ""))[0] or s for s in meta.speakers if s in domain.speakers
    ]
    when = ""
    item, listed = prog.item_of(tid), prog.session_of(tid)
    found = item or (listed[0] if listed else None)
    if found is not None:
        room = prog.schedule.room_of(found.slot) or ""
        when = " · ".join(p for p in (model.format_date(found.slot.date), found.slot.time_range, room) if p)
        if item is None:
            board = listed[1].board
            when += f" · poster, board {board}" if board is not None else " · poster"
    days = prog.schedule.days
    span = model.format_date_range(days[0].date, days[-1].date) if days else ""
    site = " · ".join(part for part in (prog.acronym, span) if part)
    return cards.Card(texts.get(docname, ("", ""))[0] or tid, ", ".join(names), when, site)


def card_image(app: Sphinx, pagename: str) -> exports.Image | None:
    """og:image of a talk or poster page: its own card (drawn when the build finishes)."""
    card = page_card(app, pagename) if base_url(app) and cards.available() else None
    if card is None:
        return None
    url = f"{base_url(app)}{CARDS_DIR}/{talk_id(app, pagename)}-{card.digest}.png"
    return exports.Image(url, cards.WIDTH, cards.HEIGHT, card.alt, "image/png")


def card_folder(app: Sphinx) -> cards.Folder:
    kept = cache(app)
    if kept.folder is None:
        kept.folder = cards.Folder(Path(app.outdir) / CARDS_DIR)
    return kept.folder


def write_cards(app: Sphinx, outdir: Path) -> None:
    """Every card that is missing drawn (over the build's processes: -j), no other card kept."""
    if not (base_url(app) and cards.available()):
        return
    folder = card_folder(app)
    wanted = [(site_card(app), SITE_CARD)] if not app.config.workshop_social_image else []
    domain: WorkshopDomain = app.env.get_domain("workshop")
    for tid, (docname, _meta) in sorted(domain.talks.items()):
        card = page_card(app, docname)
        if card is not None:
            wanted.append((card, tid))
    to_draw = [(card, folder.path(card, stem)) for card, stem in wanted if folder.missing(card, stem)]
    in_processes(app, lambda job: cards.draw(*job), to_draw)
    written = {folder.path(card, stem) for card, stem in wanted}
    for old in (outdir / CARDS_DIR).glob("*.png"):  # the cards of talks that are gone
        if old not in written:
            old.unlink()


def page_head(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """html-page-context: a description, OpenGraph and Twitter tags, and schema.org JSON-LD."""
    if doctree is None or not is_html(app):
        return
    domain: WorkshopDomain = app.env.get_domain("workshop")
    title, text = domain.data["texts"].get(pagename, ("", ""))
    tags = context.get("metatags", "")
    description = own_description(doctree)
    if not description:  # the page has none of its own: its first paragraphs, as plain text
        description = shorten(text)
        if description:
            tags += _meta("description", description, "name")
    title = title or app.config.project
    prog = programme(app)
    image = card_image(app, pagename) or (prog.image if prog is not None else social_image(app))
    tags += _meta("og:title", title)
    tags += _meta("og:type", "website" if pagename == app.config.root_doc else "article")
    tags += _meta("og:site_name", app.config.workshop_acronym or app.config.project)
    if description:
        tags += _meta("og:description", description)
    if base_url(app):
        tags += _meta("og:url", page_url(app, pagename))
    if image is not None:
        tags += _meta("og:image", image.url)
        tags += _meta("og:image:type", image.media_type)
        tags += _meta("og:image:width", str(image.width))
        tags += _meta("og:image:height", str(image.height))
        tags += _meta("og:image:alt", image.alt)
    tags += _meta("twitter:card", "summary_large_image" if image is not None else "summary", "name")
    tags += _meta("twitter:title", title, "name")
    if description:
        tags += _meta("twitter:description", description, "name")
    if image is not None:
        tags += _meta("twitter:image", image.url, "name")
        tags += _meta("twitter:image:alt", image.alt, "name")
    data = None
    if prog is not None and pagename == app.config.root_doc:
        data = jsonld.workshop_event(prog)
    elif prog is not None and (tid := talk_id(app, pagename)):
        item, listed = prog.item_of(tid), prog.session_of(tid)
        data = jsonld.talk_event(prog, item) if item else None
        if item is None and listed is not None:  # a poster: its session, at its board
            session, poster = listed
            data = {"@context": "https://schema.org", **jsonld.poster_event(prog, session, poster)}
            data["organizer"] = jsonld.organizer(prog)
            data["superEvent"] = {"@type": "Event", "name": session.title, "url": session.url}
    if data is not None and image is not None:
        data["image"] = [image.url]
    if data is not None:
        tags += f'<script type="application/ld+json">\n{jsonld.script_json(data)}\n</script>\n'
    context["metatags"] = tags


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
