"""Sphinx glue for the exports: written into the HTML output when the build finishes, and
the head of each page (JSON-LD, OpenGraph, description). Every output is a view of the same
schedule and talk pages; no output re-parses another."""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import os
import posixpath
import re
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

from docutils import nodes
from sphinx.application import Sphinx

from . import exports
from .diagnostics import report
from .domain import WorkshopDomain
from .errors import Problem, WorkshopError
from .nodes import programme_exports
from .pages import page_section, talk_id
from .resolve import ResolveContext, load_schedule, register_resolver
from .safetext import clean_text, one_line

EXPORT_FILES = {"ics": "program.ics", "xml": "schedule.xml", "json": "schedule.json"}
DESCRIPTION_LENGTH = 200


# --------------------------------------------------------------------------- plain text


def tex_to_text(tex: str) -> str:
    """'\\mathbb{R}^{n}' → 'R^n': math read as plain text, never raw TeX."""
    text = re.sub(r"\\(?:left|right|mathrm|mathbb|mathcal|mathbf|operatorname|text|[,;:! ])", "", tex)
    text = re.sub(r"\\([a-zA-Z]+)", r"\1", text)
    return re.sub(r"\s+", " ", text.replace("{", "").replace("}", "")).strip()


def plain_text(node: nodes.Node) -> str:
    if isinstance(node, nodes.math | nodes.math_block):
        return tex_to_text(node.astext())
    if isinstance(node, nodes.Text):
        return str(node)
    if isinstance(node, nodes.footnote_reference | nodes.system_message | nodes.comment):
        return ""
    return "".join(plain_text(child) for child in node.children)


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

    def talk_item(slot, tid: str) -> exports.Item:
        docname, meta = domain.talks[tid]
        title, abstract = texts.get(docname, ("", ""))
        persons = []
        for sid in meta.speakers:
            speaker = domain.speakers.get(sid)
            if speaker is not None:
                docname_of_speaker, speaker_meta = speaker
                name = texts.get(docname_of_speaker, ("", ""))[0] or sid
                affiliations = (speaker_meta.affiliation,) if speaker_meta.affiliation else ()
                persons.append(
                    exports.Person(sid, name, page_url(app, docname_of_speaker), affiliations,
                                   speaker_meta.orcid or "")
                )  # fmt: skip
        authors = tuple(
            exports.Person(f"{tid}:author:{n}", a.name, "", a.affiliations, a.orcid or "")
            for n, a in enumerate(meta.authors)
        )
        return exports.Item(slot, title, page_url(app, docname), abstract, tuple(persons), tid, authors)

    items = []
    for slot in schedule.slots():
        if slot.talk in domain.talks:
            items.append(talk_item(slot, slot.talk))
            continue
        anchor = f"day-{slot.date.isoformat()}"
        url = page_url(app, program_docs[0], anchor) if program_docs else base_url(app)
        items.append(exports.Item(slot, slot.title or slot.talk or "", url))
    scheduled = set(schedule.talk_order())
    unscheduled = tuple(talk_item(None, t) for t in sorted(domain.talks) if t not in scheduled)
    version = hashlib.sha256(repr(items).encode()).hexdigest()[:12]
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    stamp = dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch else None
    return exports.Programme(
        schedule,
        tuple(items),
        acronym=app.config.workshop_acronym or app.config.project,
        title=full_title(app),
        base_url=base_url(app),
        organizers=tuple(app.config.workshop_organizers),
        description=texts.get(app.config.root_doc, ("", ""))[1][: DESCRIPTION_LENGTH * 2],
        version=version,
        unscheduled=unscheduled,
        **({"stamp": stamp} if stamp else {}),
    )


def full_title(app: Sphinx) -> str:
    acronym, name = app.config.workshop_acronym, app.config.workshop_full_name
    if acronym and name:
        return f"{acronym}: workshop on {name}"
    return name or acronym or app.config.project


class _Cache:
    """The programme is built once per build and shared by every page of it."""

    programme: exports.Programme | None = None
    built = False


CACHE = _Cache()


def programme(app: Sphinx) -> exports.Programme | None:
    if not CACHE.built:
        CACHE.programme, CACHE.built = build_programme(app), True
    return CACHE.programme


def reset_cache(app: Sphinx, *args) -> None:
    CACHE.programme, CACHE.built = None, False


def is_html(app: Sphinx) -> bool:
    return app.builder.format == "html" and app.builder.name != "singlehtml"


def talk_ics(talk: str, talks_dir: str) -> str:
    return f"{talks_dir}/{talk}.ics"


def write_exports(app: Sphinx, exception: Exception | None) -> None:
    """build-finished: program.ics, schedule.xml/json, a .ics per talk, sitemap.xml, robots.txt."""
    if exception is not None or not is_html(app):
        return
    outdir = Path(app.outdir)
    write_sitemap(app, outdir)
    prog = programme(app)
    if prog is None:
        return
    if not base_url(app):
        report(
            WorkshopError(
                "html_baseurl is not set: calendar files and schedule.xml need the site's public "
                "address (set SITE_BASEURL or html_baseurl in conf.py)",
                "conf.py",
                None,
                Problem.EXPORT,
            )
        )
    (outdir / EXPORT_FILES["ics"]).write_bytes(exports.ics(prog, name=f"{prog.acronym} programme"))
    (outdir / EXPORT_FILES["xml"]).write_bytes(exports.frab_xml(prog))
    frab = json.dumps(exports.frab_json(prog), ensure_ascii=False, indent=1)
    (outdir / EXPORT_FILES["json"]).write_text(frab + "\n", encoding="utf-8")
    for item in prog.items:
        if item.talk:
            path = outdir / talk_ics(item.talk, app.config.workshop_talks_dir)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(exports.ics(prog, (item,), name=item.title))
    reset_cache(app)


def write_sitemap(app: Sphinx, outdir: Path) -> None:
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
    (outdir / "robots.txt").write_text(
        f"User-agent: *\nAllow: /\nSitemap: {one_line(base)}sitemap.xml\n", encoding="utf-8"
    )


# --------------------------------------------------------------------------- page head


def _meta(prop: str, content: str, attr: str = "property") -> str:
    """One <meta>: the attribute name is ours, both values escaped and on one line."""
    return f'<meta {attr}="{html.escape(one_line(prop))}" content="{html.escape(one_line(content))}" />\n'


def page_head(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """html-page-context: a description, OpenGraph, and schema.org JSON-LD events."""
    if doctree is None or not is_html(app):
        return
    domain: WorkshopDomain = app.env.get_domain("workshop")
    title, text = domain.data["texts"].get(pagename, ("", ""))
    description = shorten(text)
    tags = context.get("metatags", "")
    if description and 'name="description"' not in tags:
        tags += _meta("description", description, "name")
    if given := re.search(r'name="description" content="([^"]*)"', tags):
        description = html.unescape(given.group(1))  # the page's own (MyST html_meta)
    tags += _meta("og:title", title or app.config.project)
    tags += _meta("og:type", "website" if pagename == app.config.root_doc else "article")
    tags += _meta("og:site_name", app.config.workshop_acronym or app.config.project)
    if description:
        tags += _meta("og:description", description)
    if base_url(app):
        tags += _meta("og:url", page_url(app, pagename))
    prog = programme(app)
    data = None
    if prog is not None and pagename == app.config.root_doc:
        data = exports.workshop_event(prog)
    elif prog is not None and (tid := talk_id(app, pagename)):
        item = next((i for i in prog.items if i.talk == tid), None)
        data = exports.talk_event(prog, item) if item else None
    if data is not None:
        tags += f'<script type="application/ld+json">\n{exports.script_json(data)}\n</script>\n'
    context["metatags"] = tags


# --------------------------------------------------------------------------- links


def relative(ctx: ResolveContext, target: str) -> str:
    return posixpath.relpath(target, posixpath.dirname(ctx.docname) or ".")


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
