"""Posters and spotlights in the programme, and a poster's own file on its page.

The model (model/schedule.py) says which posters a session holds (``Slot.posters``), their boards
(``model.contributions.poster_boards``, through ``WorkshopDomain.boards``) and the spotlights' order and times
(``Slot.spotlights``). Here: the placeholders the ``{schedule}`` tables hold for them, filled at
write time with the current titles and presenters, the check of a poster's file, and its
publication: a poster PDF is offered as the copy pikepdf rewrote into the build (pdffile.py),
never as the contributor's file.
"""

from __future__ import annotations

import os
import posixpath
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util import logging

from ..diagnostics import report
from ..gate.imagefile import ALLOWED_SUFFIXES, contributor_image_problem
from ..gate.pdffile import PdfRefused, own_pdf_problem, pdf_file_problem, rewrite_pdf_file
from ..model.errors import Problem, WorkshopError
from ..model.owners import folder_listing
from ..model.schedule import POSTERS_LATER, SPOTLIGHTS_LATER, Schedule, Slot
from .contribution_nodes import boards, linked_title, speaker_nodes
from .nodes import LatePlaceholder
from .pages import source_name, talk_id
from .resolve import ResolveContext, register_resolver

logger = logging.getLogger("workshop")

POSTER_SUFFIXES = (".pdf", *ALLOWED_SUFFIXES)


class poster_session(LatePlaceholder):
    """The posters of session ``slot`` (its uid) of schedule ``schedule``: board, title, presenters."""

    def tokens(self) -> set[str]:
        # the posters shown; their boards hang on each other's 'board:' (rewrite.public_digests holds them)
        return {f"talk:{pid}" for pid in self["posters"]} | {"schedule"}


class spotlight_list(LatePlaceholder):
    """The spotlights of slot ``slot`` of schedule ``schedule``: order, time, title, presenters."""

    def tokens(self) -> set[str]:
        return {f"talk:{sid}" for sid in self["spotlights"]} | {"schedule"}


PLACEHOLDERS = (poster_session, spotlight_list)


def slot_extras(schedule_path: str, slot: Slot) -> list[nodes.Node]:
    """What a programme cell shows under a session's title: its spotlights and its posters."""
    out: list[nodes.Node] = []
    if slot.spotlights is not None:
        spots = [s.id for s in slot.spotlights]
        out.append(spotlight_list(schedule=schedule_path, slot=slot.uid, spotlights=spots))
    if slot.posters is not None:
        out.append(poster_session(schedule=schedule_path, slot=slot.uid, posters=list(slot.posters)))
    return out


def _find_slot(schedule: Schedule | None, uid: str) -> Slot | None:
    return next((s for s in schedule.slots() if s.uid == uid), None) if schedule else None


def _entry_nodes(ctx: ResolveContext, cid: str) -> list[nodes.Node]:
    out = [linked_title(ctx, cid)]
    presenters = speaker_nodes(ctx, cid, affiliation=False)
    if presenters:
        out += [nodes.Text(" — "), *presenters]
    return out


def resolve_poster_session(ctx: ResolveContext, node: nodes.Element) -> list[nodes.Node]:
    schedule = ctx.schedule(node["schedule"])
    slot = _find_slot(schedule, node["slot"])
    if slot is None or not slot.posters:
        return [nodes.paragraph("", POSTERS_LATER, classes=["posters-announced"])]
    numbers = boards(ctx, schedule)
    items = []
    for pid in sorted(slot.posters, key=lambda p: (numbers.get(p, 0), p)):
        board = nodes.inline("", f"Board {numbers[pid]}", classes=["board"]) if pid in numbers else None
        para = nodes.paragraph(
            "", "", *([board, nodes.Text(" · ")] if board else []), *_entry_nodes(ctx, pid)
        )
        items.append(nodes.list_item("", para))
    return [nodes.bullet_list("", *items, classes=["poster-session"])]


def resolve_spotlight_list(ctx: ResolveContext, node: nodes.Element) -> list[nodes.Node]:
    slot = _find_slot(ctx.schedule(node["schedule"]), node["slot"])
    if slot is None or not slot.spotlights:
        return [nodes.paragraph("", SPOTLIGHTS_LATER, classes=["spotlights-announced"])]
    items = []
    for spot in slot.spotlights:
        para = nodes.paragraph("")
        if spot.time_range:
            para += nodes.inline("", spot.time_range, classes=["spotlight-time"])
            para += nodes.Text(" ")
        para.extend(_entry_nodes(ctx, spot.id))
        items.append(nodes.list_item("", para))
    # an enumerated list: its numbers are the spotlights' order
    return [
        nodes.enumerated_list("", *items, enumtype="arabic", prefix="", suffix=".", classes=["spotlights"])
    ]


# --------------------------------------------------------------------------- the poster's file


def poster_file_problem(srcdir: Path, uri: str, page_id: str, folder: str) -> str | None:
    """Why ``uri`` (a poster page's ``poster:``) may not be published: not one of the
    contributor's own files, or not a PDF, PNG or JPEG that passes its content checks. (A PDF is
    rewritten when the page is read, publish_poster_pdfs: what pikepdf refuses is said there.)"""
    suffix = posixpath.splitext(uri)[1].lower()
    if suffix not in POSTER_SUFFIXES:
        return f"'{uri}' must be a PDF, PNG or JPEG file ({', '.join(POSTER_SUFFIXES)})"
    if suffix == ".pdf":
        pages = folder_listing(srcdir / folder)[1]
        return own_pdf_problem(uri, page_id, folder, pages) or pdf_file_problem(
            srcdir, posixpath.normpath(posixpath.join(folder, uri))
        )
    return contributor_image_problem(srcdir, uri, page_id, folder)


def poster_file_nodes(
    srcdir: Path, folder: str, uris: tuple[str, ...], title: str
) -> tuple[list[nodes.Node], list[nodes.Node]]:
    """(a download link per file, separated; the first image file, shown on the page)."""
    links: list[nodes.Node] = []
    shown: list[nodes.Node] = []
    for uri in uris:
        path = srcdir / folder / uri
        suffix = path.suffix.lower()
        kind = "PDF" if suffix == ".pdf" else ALLOWED_SUFFIXES[suffix].upper()
        size = path.stat().st_size if path.is_file() else 0
        if links:
            links.append(nodes.Text(POSTER_LINKS_SEPARATOR))
        link = addnodes.download_reference(
            "",
            "",
            _download_label(kind, size),
            reftarget=uri,
            refexplicit=True,
            refdomain="",
            reftype="download",
            classes=["poster-download"],
        )
        links.append(link)
        if suffix != ".pdf" and not shown:
            shown.append(nodes.image(uri=uri, alt=f"Poster: {title}", classes=["poster-image"], width="100%"))
    return links, shown


POSTER_LINKS_SEPARATOR = " · "


def _download_label(kind: str, size: int) -> nodes.inline:
    if size >= 100_000:
        return nodes.inline("", f"Download the poster ({kind}, {size / 1e6:.1f} MB)")
    return nodes.inline("", f"Download the poster ({kind})")


def published_pdf(app: Sphinx, rel: str) -> Path:
    """Where the rewritten copy of the contributor's PDF ``rel`` is kept: in the build, next to
    the doctrees (Sphinx copies it into the site's _downloads from there)."""
    return Path(app.doctreedir) / "posters" / rel


def publish_poster_pdfs(app: Sphinx, doctree: nodes.document) -> None:
    """doctree-read, after talks.add_talk_meta (400) and before Sphinx's download collector (500):
    each poster PDF the page offers is rewritten by pikepdf into the build (pdffile.rewrite_pdf_file)
    and its link points to the rewrite, so the site offers that copy and never the contributor's
    file (which stays as it is). What the rewrite removed is said in one INFO line (a hyperref
    view setting is kept, not reported); a file pikepdf refuses is a warning at the page's
    'poster:' line, and its link goes."""
    links = [
        node
        for node in doctree.findall(addnodes.download_reference)
        if "poster-download" in node["classes"] and node["reftarget"].lower().endswith(".pdf")
    ]
    if not links:
        return
    docname = app.env.docname
    folder = app.config.workshop_talks_dir
    tid = talk_id(app, docname)
    talks = app.env.get_domain("workshop").talks
    meta = talks[tid][1] if tid in talks else None
    for node in links:
        uri = node["reftarget"]
        rel = posixpath.normpath(posixpath.join(folder, uri))
        app.env.note_dependency(rel)  # a new version of the file: the page is read (and rewritten) again
        target = published_pdf(app, rel)
        try:
            removed = rewrite_pdf_file(Path(app.srcdir), rel, target)
        except PdfRefused as refused:
            line = meta.poster_lines[meta.posters.index(uri)] if meta and uri in meta.posters else None
            report(WorkshopError(f"poster: {refused}", source_name(app, docname), line, Problem.SAFETY))
            _remove_link(node)
            continue
        if removed:
            logger.info(
                f"{rel}: published without {'; '.join(removed)} (what a PDF reader would run or "
                "open by itself; your file is unchanged)"
            )
        node["reftarget"] = "/" + Path(os.path.relpath(target, app.srcdir)).as_posix()
        node.children[0].replace_self(_download_label("PDF", target.stat().st_size))


def _remove_link(node: addnodes.download_reference) -> None:
    """A refused file's link goes, with a separator next to it, and the 'Poster' field if empty."""
    paragraph = node.parent  # field > field_body > paragraph > links (pages.field)
    index = paragraph.index(node)
    neighbours = [paragraph[i] for i in (index + 1, index - 1) if 0 <= i < len(paragraph)]
    for separator in neighbours[:1]:
        if isinstance(separator, nodes.Text) and str(separator) == POSTER_LINKS_SEPARATOR:
            paragraph.remove(separator)
    paragraph.remove(node)
    field = paragraph.parent.parent
    if not paragraph.children and isinstance(field, nodes.field):
        field.parent.remove(field)


def setup_posters(app: Sphinx) -> None:
    app.connect("doctree-read", publish_poster_pdfs, priority=450)
    handlers = {fmt: (_unresolved, None) for fmt in ("html", "latex", "text", "man", "texinfo")}
    for node_class in PLACEHOLDERS:
        app.add_node(node_class, **handlers)
    register_resolver(poster_session, resolve_poster_session)
    register_resolver(spotlight_list, resolve_spotlight_list)


def _unresolved(self, node):  # pragma: no cover - always replaced at doctree-resolved
    raise nodes.SkipNode
