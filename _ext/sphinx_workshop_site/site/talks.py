"""Talk pages: front matter collected into the domain, a meta block under the H1,
their references kept on the page, and the placeholders that show a talk elsewhere."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from ..diagnostics import report, report_all
from ..domain import WorkshopDomain
from ..edition.scaffold import check_placeholders
from ..gate.mathmacros import plain_text
from ..gate.recheck import unreadable_ids
from ..model import frontmatter
from ..model.errors import Problem, WorkshopError, did_you_mean
from .agenda import page_star
from .contribution_nodes import (
    linked_title,
    programme_order,
    slot_nodes,
    speaker_nodes,
    talk_item,
    talk_order,
)
from .nodes import author_index, empty_book_list, isolated, talk_list, talk_slot, talk_speakers, talk_title
from .pages import (
    contributor_page,
    field,
    insert_after_title,
    list_toctree,
    page_id_in,
    reread_list_pages,
    source_name,
    talk_id,
)
from .posters import poster_file_nodes, poster_file_problem
from .resolve import ResolveContext, load_schedule, register_resolver

REFERENCES_SECTION = "\n\n## References\n\n```{footbibliography}\n```\n"


def read_talk_source(app: Sphinx, docname: str, source: list[str]) -> None:
    """source-read: collect the talk's front matter; give its citations a References section."""
    tid = talk_id(app, docname)
    if tid is None or app.env.temp_data.get("workshop_refused"):
        return
    file = source_name(app, docname)
    meta, problems = frontmatter.read_talk(tid, source[0], file)
    problems += check_placeholders(source[0], file)  # the scaffold's text, left unchanged
    if meta.posters:
        folder = app.config.workshop_talks_dir
        kept = []
        for uri, line in zip(meta.posters, meta.poster_lines, strict=True):
            if reason := poster_file_problem(Path(app.srcdir), uri, tid, folder):
                problems.append(WorkshopError(f"poster: {reason}", file, line, Problem.SAFETY))
            else:
                kept.append((uri, line))
        # a refused file is never copied into the site
        meta = dataclasses.replace(
            meta, posters=tuple(u for u, _ in kept), poster_lines=tuple(n for _, n in kept)
        )
    # The body's rules (allow-lists, citations, title, word limit) are checked on the parse (gate/pages.py).
    report_all(problems)
    domain: WorkshopDomain = app.env.get_domain("workshop")
    domain.add_talk(docname, meta)
    # Footnote citations keep each talk's references on its own page (HTML and PDF), resolved in
    # the talk's own .bib (its keys are its own). Contributors write {footcite} or {cite} (gate/pages.py).
    if re.search(r"\{(?:foot)?cite[:}]", source[0]) and "{footbibliography}" not in source[0]:
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
    # a talk's slot, or a poster's session, board and spotlight (slot_nodes), labelled alike: the
    # session's own title says it is one ('Poster session: Poster session: …' under its own label)
    fields += field("When", talk_slot(talk=tid))
    if meta.keywords:
        fields += field("Keywords", nodes.Text(", ".join(meta.keywords)))
    shown: list[nodes.Node] = []
    if meta.is_poster and meta.posters:
        links, shown = poster_file_nodes(
            Path(app.srcdir), app.config.workshop_talks_dir, meta.posters, plain_text(section[0])
        )
        fields += field("Poster", *links)
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
        out.append(isolated(author.name))
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
    for i, affiliation in enumerate(affiliations, 1):
        out += [nodes.Text(f"{' — ' if i == 1 else '; '}{i}. "), isolated(affiliation)]
    return out


def check_talk_speakers(app: Sphinx, env) -> None:
    """env-check-consistency: every speaker id names a speaker page."""
    domain: WorkshopDomain = env.get_domain("workshop")
    unreadable = unreadable_ids(app, app.config.workshop_speakers_dir)  # their own message says why
    for _tid, (docname, meta) in sorted(domain.talks.items()):
        for speaker, line in zip(meta.speakers, meta.speaker_lines, strict=False):
            if speaker not in domain.speakers and speaker not in unreadable:
                hint = did_you_mean(speaker, domain.speakers) or f" (add speakers/{speaker}.md)"
                report(
                    WorkshopError(
                        f"unknown speaker '{speaker}'{hint}", source_name(app, docname), line, Problem.REF
                    )
                )


# --------------------------------------------------------------------------- rendering


def resolve_talk_slot(ctx: ResolveContext, node: nodes.Element) -> list[nodes.Node]:
    """The slot line on the talk's own page (a poster's: its session), with 'Add to calendar'."""
    out = slot_nodes(ctx, node["talk"])
    schedule = ctx.schedule()
    tid = node["talk"]
    if schedule is not None and (schedule.slot_of(tid) or schedule.session_of(tid)) is not None:
        from ..exports.publish import calendar_link

        out += calendar_link(ctx, node["talk"])
        out += page_star(ctx, tid)  # My agenda (agenda.py)
    return out


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
    with a section per type has one ``{talk-list}`` with ``:toctree-only:`` for it). The toctree is
    the contributions index's (or the book root's), each page in it once (pages.list_toctree)."""

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
        self.env.get_domain("workshop").note_talk_list(self.env.docname)
        toctree = list_toctree(self, self.config.workshop_talks_dir, [talk_docs[t] for t in ordered])
        if "toctree-only" in self.options:  # the book's: its part goes while it lists nothing
            return toctree if ordered else [*toctree, empty_book_list()]
        return [talk_list(), *toctree]


def setup_talks(app: Sphinx) -> None:
    app.connect("source-read", read_talk_source)
    # before Sphinx's image and download collectors (500), so that a poster file is copied
    app.connect("doctree-read", add_talk_meta, priority=400)
    app.connect("env-check-consistency", check_talk_speakers)
    app.add_directive("talk-list", TalkListDirective)
    app.connect("env-get-outdated", reread_list_pages)  # the talk lists and the speaker lists
    register_resolver(talk_title, resolve_talk_title)
    register_resolver(talk_speakers, resolve_talk_speakers)
    register_resolver(talk_slot, resolve_talk_slot)
    register_resolver(talk_list, resolve_talk_list)
