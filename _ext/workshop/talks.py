"""Talk pages: front matter collected into the domain, a meta block under the H1,
their references kept on the page, and the placeholders that show a talk elsewhere."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import make_refnode

from . import frontmatter
from .diagnostics import report, report_all
from .domain import WorkshopDomain
from .errors import Problem, WorkshopError, did_you_mean
from .model import Schedule, Slot, format_date
from .nodes import author_index, talk_list, talk_slot, talk_speakers, talk_title
from .pages import contributor_page, field, insert_after_title, page_id_in, source_name, talk_id
from .posters import boards, poster_file_nodes, poster_file_problem
from .resolve import ResolveContext, load_schedule, register_resolver
from .scaffold import check_placeholders

REFERENCES_SECTION = "\n\n## References\n\n```{footbibliography}\n```\n"


def read_talk_source(app: Sphinx, docname: str, source: list[str]) -> None:
    """source-read: collect the talk's front matter; give its citations a References section."""
    tid = talk_id(app, docname)
    if tid is None or app.env.temp_data.get("workshop_refused"):
        return
    file = source_name(app, docname)
    meta, problems = frontmatter.read_talk(tid, source[0], file)
    problems += check_placeholders(source[0], file)  # the scaffold's text, left unchanged
    if meta.poster:
        folder = app.config.workshop_talks_dir
        if reason := poster_file_problem(Path(app.srcdir), meta.poster, tid, folder):
            problems.append(WorkshopError(f"poster: {reason}", file, meta.poster_line, Problem.SAFETY))
            meta = dataclasses.replace(meta, poster=None)  # a refused file is never copied into the site
    # The body's rules (allow-lists, citations, title, word limit) are checked on the parse (gate.py).
    report_all(problems)
    domain: WorkshopDomain = app.env.get_domain("workshop")
    domain.add_talk(docname, meta)
    # Footnote citations keep each talk's references on its own page (HTML and PDF), and
    # one key may be cited by several talks. Contributors only write {footcite}.
    if re.search(r"\{footcite[:}]", source[0]) and "{footbibliography}" not in source[0]:
        source[0] += REFERENCES_SECTION


def add_talk_meta(app: Sphinx, doctree: nodes.document) -> None:
    """doctree-read: the talk's speakers, authors, slot and keywords, right under its H1."""
    page = contributor_page(app, doctree, "talk")
    if page is None:
        return
    tid, section, meta = page
    fields = nodes.field_list(classes=["talk-meta", "poster-meta" if meta.is_poster else "talk-only-meta"])
    people = "Presenter" if meta.is_poster else "Speaker"
    label = people if len(meta.speakers) == 1 else f"{people}s"
    fields += field(label, talk_speakers(talk=tid, affiliation=True))
    if meta.authors:
        fields += field("Authors", *author_nodes(meta.authors))
    # a poster's session, board and spotlight, or a talk's slot (slot_nodes)
    fields += field("Poster session" if meta.is_poster else "When", talk_slot(talk=tid))
    if meta.keywords:
        fields += field("Keywords", nodes.Text(", ".join(meta.keywords)))
    shown: list[nodes.Node] = []
    if meta.is_poster and meta.poster:
        title = section[0].astext()
        link, shown = poster_file_nodes(Path(app.srcdir), app.config.workshop_talks_dir, meta.poster, title)
        fields += field("Poster", link)
    insert_after_title(section, author_index(talk=tid), fields, *shown)


def author_nodes(authors) -> list[nodes.Node]:
    """'Name¹ (ORCID …), Name²' with the numbered affiliations after them, as proceedings print them."""
    affiliations: list[str] = []
    for author in authors:
        for aff in author.affiliations:
            if aff not in affiliations:
                affiliations.append(aff)
    out: list[nodes.Node] = []
    for i, author in enumerate(authors):
        if i:
            out.append(nodes.Text(", "))
        out.append(nodes.Text(author.name))
        marks = ",".join(str(affiliations.index(a) + 1) for a in author.affiliations)
        if marks:
            out.append(nodes.superscript("", marks))
        if author.orcid:  # checked against the ORCID pattern by the front matter reader
            # 'ORCID 0000-0002-1825-0097', linked: the id stays readable on paper
            record = nodes.reference(
                "",
                f"ORCID {author.orcid}",
                refuri=f"https://orcid.org/{author.orcid}",
                reftitle=f"ORCID record of {author.name}",
                classes=["orcid"],
            )
            out += [nodes.Text(" ("), record, nodes.Text(")")]
        if author.corresponding:
            out.append(nodes.Text(" (corresponding)"))
    if affiliations:
        out.append(nodes.Text(" — " + "; ".join(f"{i}. {a}" for i, a in enumerate(affiliations, 1))))
    return out


def check_talk_speakers(app: Sphinx, env) -> None:
    """env-check-consistency: every speaker id names a speaker page."""
    domain: WorkshopDomain = env.get_domain("workshop")
    for _tid, (docname, meta) in sorted(domain.talks.items()):
        for speaker, line in zip(meta.speakers, meta.speaker_lines, strict=False):
            if speaker not in domain.speakers:
                hint = did_you_mean(speaker, domain.speakers) or f" (add speakers/{speaker}.md)"
                report(
                    WorkshopError(
                        f"unknown speaker '{speaker}'{hint}", source_name(app, docname), line, Problem.REF
                    )
                )


# --------------------------------------------------------------------------- rendering


def title_nodes(ctx: ResolveContext, tid: str) -> list[nodes.Node]:
    entry = ctx.domain.talks.get(tid)
    title = ctx.domain.title_of(entry[0]) if entry else None
    if title is None:
        return [nodes.Text(tid)]
    return [child.deepcopy() for child in title.children]


def linked_title(ctx: ResolveContext, tid: str) -> nodes.Node:
    entry = ctx.domain.talks.get(tid)
    if entry is None:
        return nodes.inline("", tid, classes=["talk-title", "unknown"])
    return make_refnode(ctx.builder, ctx.docname, entry[0], "", title_nodes(ctx, tid))


def speaker_nodes(ctx: ResolveContext, tid: str, affiliation: bool) -> list[nodes.Node]:
    entry = ctx.domain.talks.get(tid)
    out: list[nodes.Node] = []
    for i, sid in enumerate(entry[1].speakers if entry else ()):
        if i:
            out.append(nodes.Text(", "))
        speaker = ctx.domain.speakers.get(sid)
        if speaker is None:
            out.append(nodes.Text(sid))
            continue
        name = ctx.domain.title_of(speaker[0])
        out.append(make_refnode(ctx.builder, ctx.docname, speaker[0], "", nodes.Text(name.astext())))
        if affiliation and speaker[1].affiliation:
            out.append(nodes.Text(f" ({speaker[1].affiliation})"))
    return out


def _when(
    ctx: ResolveContext, schedule: Schedule, slot: Slot, time_range: str | None = None
) -> list[nodes.Node]:
    """'Tuesday 26 November 2024, 14:15–15:15 (Europe/Paris), Main room', the day linked."""
    day = nodes.Text(format_date(slot.date))
    program = ctx.schedule_doc()
    if program is None:
        out: list[nodes.Node] = [day]
    else:
        out = [make_refnode(ctx.builder, ctx.docname, program, f"day-{slot.date}", day)]
    text = f", {time_range or slot.time_range} ({schedule.timezone})"
    if room := schedule.room_of(slot):
        text += f", {room}"
    out.append(nodes.Text(text))
    return out


def slot_nodes(ctx: ResolveContext, tid: str) -> list[nodes.Node]:
    """Where the programme places a contribution: a talk's slot; a poster's session (with its
    title) and board; a spotlight's order and time. Or 'Not yet scheduled'."""
    schedule = ctx.schedule()
    slot = schedule.slot_of(tid) if schedule else None
    session = schedule.session_of(tid) if schedule and slot is None else None
    spotlight = schedule.spotlight_of(tid) if schedule else None
    if slot is None and session is None and spotlight is None:
        return [nodes.inline("", "Not yet scheduled", classes=["unscheduled"])]
    out: list[nodes.Node] = []
    if slot is not None:
        out += _when(ctx, schedule, slot)
    if session is not None:
        out += [nodes.Text(f"{session.title}: "), *_when(ctx, schedule, session)]
        if (board := boards(ctx, schedule).get(tid)) is not None:
            out.append(nodes.Text(", "))
            out.append(nodes.strong("", f"board {board}", classes=["board"]))
    if spotlight is not None:
        spot_slot, spot = spotlight
        out += [nodes.Text("; " if out else ""), nodes.Text(f"spotlight {spot.order} in {spot_slot.title}: ")]
        out += _when(ctx, schedule, spot_slot, spot.time_range)
    return [n for n in out if not (isinstance(n, nodes.Text) and not n.astext())]


def resolve_talk_slot(ctx: ResolveContext, node: nodes.Element) -> list[nodes.Node]:
    """The slot line on the talk's own page, with its 'Add to calendar' link."""
    out = slot_nodes(ctx, node["talk"])
    schedule = ctx.schedule()
    if schedule is not None and schedule.slot_of(node["talk"]) is not None:  # a talk's own event
        from .publish import calendar_link

        out += calendar_link(ctx, node["talk"])
    return out


def programme_order(schedule: Schedule | None) -> list[str]:
    """Contribution ids in programme order: the talks' slots, then the poster sessions' lists."""
    if schedule is None:
        return []
    return list(dict.fromkeys(schedule.talk_order() + schedule.poster_order()))


def talk_order(ctx: ResolveContext, schedule: Schedule | None, kind: str | None = None) -> list[str]:
    """Every contribution page (talks and posters; ``kind`` 'talk' or 'poster' for one type) in
    programme order (talk slots, then poster sessions), then the unscheduled ones by id."""
    talks = ctx.domain.talks
    scheduled = [t for t in programme_order(schedule) if t in talks]
    ordered = scheduled + sorted(set(talks) - set(scheduled))
    return [t for t in ordered if kind is None or talks[t][1].type == kind]


def talk_item(
    ctx: ResolveContext, tid: str, with_speakers: bool = True, mark_type: bool = False
) -> nodes.list_item:
    head = nodes.paragraph("", "", linked_title(ctx, tid))
    if mark_type and ctx.domain.contribution_type(tid) == "poster":
        head += nodes.Text(" (poster)")
    if with_speakers:
        head += nodes.Text(" — ")
        head.extend(speaker_nodes(ctx, tid, affiliation=False))
    when = nodes.paragraph("", "", *slot_nodes(ctx, tid), classes=["talk-when"])
    return nodes.list_item("", head, when)


def resolve_talk_title(ctx: ResolveContext, node: nodes.Element) -> list[nodes.Node]:
    return [linked_title(ctx, node["talk"])]


def resolve_talk_speakers(ctx: ResolveContext, node: nodes.Element) -> list[nodes.Node]:
    return speaker_nodes(ctx, node["talk"], node.get("affiliation", False))


EMPTY_LIST = {
    None: "No contribution has been submitted yet.",
    "talk": "No talk has been submitted yet.",
    "poster": "No poster yet: posters will be announced.",
}


def resolve_talk_list(ctx: ResolveContext, node: nodes.Element) -> list[nodes.Node]:
    kind = node.get("type")
    items = [talk_item(ctx, tid, mark_type=kind is None) for tid in talk_order(ctx, ctx.schedule(), kind)]
    if not items:
        return [nodes.paragraph("", EMPTY_LIST[kind])]
    return [nodes.bullet_list("", *items, classes=["talk-list", f"{kind or 'contribution'}-list"])]


class TalkListDirective(SphinxDirective):
    """``{talk-list}``: every contribution page (talks and posters) in programme order, and a hidden
    toctree in that order (the sidebar and the PDF follow the programme). ``:toctree-only:`` leaves
    the list out; ``:type: talk`` or ``:type: poster`` lists one type and adds no toctree (a page
    with a section per type has one ``{talk-list}`` with ``:toctree-only:`` for it)."""

    option_spec = {
        "toctree-only": directives.flag,
        "type": lambda arg: directives.choice(arg, ("talk", "poster")),
    }

    def run(self) -> list[nodes.Node]:
        if "type" in self.options:
            return [talk_list(type=self.options["type"])]
        main = self.config.workshop_schedule
        schedule, _problems = load_schedule(self.env.srcdir, main)
        if (Path(self.env.srcdir) / main).exists():
            self.env.note_dependency(main)
        talk_docs = {
            page_id_in(docname, self.config.workshop_talks_dir): docname
            for docname in self.env.found_docs
            if page_id_in(docname, self.config.workshop_talks_dir)
        }
        ordered = [t for t in programme_order(schedule) if t in talk_docs]
        ordered += sorted(set(talk_docs) - set(ordered))
        toctree = addnodes.toctree(
            parent=self.env.docname,
            entries=[(None, talk_docs[t]) for t in ordered],
            includefiles=[talk_docs[t] for t in ordered],
            maxdepth=-1,
            caption=None,
            glob=False,
            hidden=True,
            includehidden=False,
            numbered=0,
            titlesonly=False,
        )
        self.env.get_domain("workshop").note_talk_list(self.env.docname)
        wrapper = nodes.compound("", toctree, classes=["toctree-wrapper"])
        if "toctree-only" in self.options:
            return [wrapper]
        return [talk_list(), wrapper]


def reread_talk_lists(app: Sphinx, env, added: set[str], changed: set[str], removed: set[str]) -> list[str]:
    """env-get-outdated: a talk page added or removed changes the talk toctrees."""
    folder = app.config.workshop_talks_dir
    if any(page_id_in(d, folder) for d in added | removed):
        return sorted(env.get_domain("workshop").data["talk_list_docs"] - removed)
    return []


def setup_talks(app: Sphinx) -> None:
    app.connect("source-read", read_talk_source)
    # before Sphinx's image and download collectors (500), so that a poster file is copied
    app.connect("doctree-read", add_talk_meta, priority=400)
    app.connect("env-check-consistency", check_talk_speakers)
    app.add_directive("talk-list", TalkListDirective)
    app.connect("env-get-outdated", reread_talk_lists)
    register_resolver(talk_title, resolve_talk_title)
    register_resolver(talk_speakers, resolve_talk_speakers)
    register_resolver(talk_slot, resolve_talk_slot)
    register_resolver(talk_list, resolve_talk_list)
