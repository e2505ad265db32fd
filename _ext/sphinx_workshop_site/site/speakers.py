"""Speaker pages: front matter, a details block under the name, the talks list, the grid."""

from __future__ import annotations

import dataclasses
import functools
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import make_refnode

from ..diagnostics import report_all
from ..domain import WorkshopDomain
from ..edition.scaffold import check_placeholders
from ..gate.imagefile import contributor_image_problem
from ..gate.mathmacros import plain_text
from ..model import frontmatter
from ..model.errors import Problem, WorkshopError
from ..model.names import file_name
from ..model.releases import page_title
from .contribution_nodes import linked_title, talk_item, talk_order
from .nodes import isolated, speaker_list, speaker_talks
from .pages import (
    contributor_page,
    field,
    insert_after_title,
    list_toctree,
    page_id_in,
    source_name,
    speaker_id,
)
from .resolve import ResolveContext, register_resolver


def read_speaker_source(app: Sphinx, docname: str, source: list[str]) -> None:
    sid = speaker_id(app, docname)
    if sid is None or app.env.temp_data.get("workshop_refused"):
        return
    file = source_name(app, docname)
    meta, problems = frontmatter.read_speaker(sid, source[0], file)
    problems += check_placeholders(source[0], file)  # the scaffold's text, left unchanged
    if meta.photo:
        folder = app.config.workshop_speakers_dir
        if reason := contributor_image_problem(Path(app.srcdir), meta.photo, sid, folder):
            problems.append(WorkshopError(f"photo: {reason}", file, 1, Problem.SAFETY))
            meta = dataclasses.replace(meta, photo=None)  # a refused file is never copied into the site
    report_all(problems)
    domain: WorkshopDomain = app.env.get_domain("workshop")
    domain.add_speaker(docname, meta)


def add_speaker_details(app: Sphinx, doctree: nodes.document) -> None:
    page = contributor_page(app, doctree, "speaker")
    if page is None:
        return
    sid, section, meta = page
    if meta.parts:
        meta = read_speaker_names(app, sid, section[0].astext(), meta)
    fields = nodes.field_list(classes=["speaker-meta"])
    if meta.affiliation:
        fields += field("Affiliation", isolated(meta.affiliation))
    if meta.homepage:
        fields += field("Homepage", nodes.reference("", meta.homepage, refuri=meta.homepage))
    if meta.orcid:
        url = f"https://orcid.org/{meta.orcid}"
        fields += field("ORCID", nodes.reference("", meta.orcid, refuri=url))
    photo = []
    if meta.photo:
        name = plain_text(section[0])
        photo = [
            nodes.image(uri=meta.photo, alt=f"Photo of {name}", classes=["speaker-photo"], width="160px")
        ]
    insert_after_title(section, *photo, fields)
    section += speaker_talks(speaker=sid)  # 'Talks' and 'Posters', each with its list


def read_speaker_names(app: Sphinx, sid: str, name: str, meta):
    """A speaker's family-name, given-name and name-order, checked against the page's title (the
    name): a part that does not fit is reported at its line and left out."""
    parts, problems = frontmatter.checked_name_parts(name, meta.parts, source_name(app, app.env.docname))
    if not problems:
        return meta
    report_all(problems)
    meta = dataclasses.replace(meta, parts=parts)
    domain: WorkshopDomain = app.env.get_domain("workshop")
    domain.speakers[sid] = (app.env.docname, meta)
    domain._names = None
    return meta


def talks_of(ctx: ResolveContext, sid: str, kind: str | None = None) -> list[str]:
    """The speaker's contributions in programme order (``kind``: only talks, or only posters)."""
    schedule = ctx.schedule()
    mine = ctx.domain.by_speaker(schedule, lambda: talk_order(ctx, schedule)).get(sid, [])
    return [t for t in mine if kind is None or ctx.domain.talks[t][1].type == kind]


def resolve_speaker_talks(ctx: ResolveContext, node: nodes.Element) -> list[nodes.Node]:
    """A 'Talks' section, and a 'Posters' section when the speaker presents posters."""
    out: list[nodes.Node] = []
    for kind, heading in (("talk", "Talks"), ("poster", "Posters")):
        items = [talk_item(ctx, tid, with_speakers=False) for tid in talks_of(ctx, node["speaker"], kind)]
        if not items and (kind == "poster" or talks_of(ctx, node["speaker"], "poster")):
            continue
        out.append(nodes.rubric("", heading, **{"heading-level": 2}))
        if items:
            out.append(nodes.bullet_list("", *items, classes=[f"speaker-{kind}s"]))
        else:
            out.append(nodes.paragraph("", "No talk yet."))
    return out


def resolve_speaker_list(ctx: ResolveContext, node: nodes.Element) -> list[nodes.Node]:
    names = {sid: plain_text(ctx.domain.title_of(doc)) for sid, (doc, _m) in ctx.domain.speakers.items()}
    index = ctx.domain.names()
    keys = {sid: index.file(names[sid], ctx.domain.speakers[sid][1].parts).key for sid in names}
    cards = []
    for sid in sorted(names, key=lambda s: (keys[s], s)):
        docname, meta = ctx.domain.speakers[sid]
        name = make_refnode(ctx.builder, ctx.docname, docname, "", isolated(names[sid]))
        card = nodes.list_item(
            "", nodes.paragraph("", "", nodes.strong("", "", name)), classes=["speaker-card"]
        )
        if meta.affiliation:
            card += nodes.paragraph("", "", isolated(meta.affiliation), classes=["affiliation"])

        for tid in talks_of(ctx, sid):
            poster = ctx.domain.contribution_type(tid) == "poster"
            card += nodes.paragraph(
                "",
                "",
                linked_title(ctx, tid),
                *([nodes.Text(" (poster)")] if poster else []),
                classes=["poster" if poster else "talk"],
            )
        cards.append(card)
    if not cards:
        return [nodes.paragraph("", "No speaker yet.")]
    return [nodes.bullet_list("", *cards, classes=["speaker-grid"])]


class SpeakerListDirective(SphinxDirective):
    """``{speaker-list}``: a grid of every speaker page, generated from front matter, and a hidden
    toctree of those pages (no glob toctree: a site with no speaker yet builds) on the speakers'
    index, their one parent (a grid on the home page links them only: pages.list_toctree)."""

    def run(self) -> list[nodes.Node]:
        folder = self.config.workshop_speakers_dir
        docs = sorted(d for d in self.env.found_docs if page_id_in(d, folder))
        self.env.get_domain("workshop").note_speaker_list(self.env.docname)
        order = functools.partial(family_name_order, self.env)
        return [speaker_list(), *list_toctree(self, folder, docs, order)]


def family_name_order(env, docnames: list[str]) -> list[str]:
    """The speaker pages as the grid (resolve_speaker_list) and the book list them, by family
    name (names.py), for the navigation (sidebar, previous and next): read from their files, as
    the pages may not be read yet when the list is."""

    def key(docname: str) -> tuple[str, str]:
        try:
            text = Path(env.doc2path(docname)).read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ("", docname)
        meta, _problems = frontmatter.read_speaker(docname.rsplit("/", 1)[-1], text, docname)
        title = page_title(text)
        return (file_name(title, meta.parts).key if title else "", docname)

    return sorted(docnames, key=key)


def setup_speakers(app: Sphinx) -> None:
    app.connect("source-read", read_speaker_source)
    # before Sphinx's image collector (500), so that a photo is copied into the output
    app.connect("doctree-read", add_speaker_details, priority=400)
    app.add_directive("speaker-list", SpeakerListDirective)
    register_resolver(speaker_talks, resolve_speaker_talks)
    register_resolver(speaker_list, resolve_speaker_list)
