"""What talk and speaker pages share: which documents they are, their sources, their H1."""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from ..gate.allowlist import HARD_BREAK


def list_toctree(
    directive: SphinxDirective, folder: str, docnames: list[str], order=None
) -> list[nodes.Node]:
    """The toctree a list directive ({talk-list}, {speaker-list}) adds for the pages of ``folder``
    it lists: each page has one parent, the folder's index (``speakers/index``) when the build
    has that page (a list elsewhere, as the home page's speakers, links the pages but does not
    parent them: one place in the sidebar, one previous and next), else the page with the list
    (the book, whose root lists the talks); and a page adds a document once, whatever its lists
    (the contributions page's list of every contribution after its toctree-only one). ``order``
    (a function of the docnames) orders the pages, as the list shows them."""
    env = directive.env
    index = f"{folder}/index"
    if env.docname != index and index in env.found_docs:
        return []
    present = {
        d for toctree in directive.state.document.findall(addnodes.toctree) for d in toctree["includefiles"]
    }
    new = [d for d in docnames if d not in present]
    if order is not None:  # only where the toctree is made (reading the pages costs)
        new = order(new)
    return [hidden_toctree(env.docname, new)] if new else []


def hidden_toctree(parent: str, docnames: list[str]) -> nodes.compound:
    """The hidden toctree of a list directive (list_toctree): the pages it lists, in its order, in
    the sidebar and the book; no glob, so an edition with no page yet builds."""
    toctree = addnodes.toctree(
        parent=parent,
        entries=[(None, d) for d in docnames],
        includefiles=list(docnames),
        maxdepth=-1,
        caption=None,
        glob=False,
        hidden=True,
        includehidden=False,
        numbered=0,
        titlesonly=False,
    )
    return nodes.compound("", toctree, classes=["toctree-wrapper"])


def page_id_in(docname: str, folder: str) -> str | None:
    """The id of ``<folder>/<id>`` (the file stem), or None for any other document."""
    parts = docname.split("/")
    if len(parts) == 2 and parts[0] == folder and parts[1] != "index":
        return parts[1]
    return None


def talk_id(app: Sphinx, docname: str) -> str | None:
    return page_id_in(docname, app.config.workshop_talks_dir)


def speaker_id(app: Sphinx, docname: str) -> str | None:
    return page_id_in(docname, app.config.workshop_speakers_dir)


def source_name(app: Sphinx, docname: str) -> str:
    """The document's file, relative to the source directory, as warnings name it."""
    path = Path(app.env.doc2path(docname))
    try:
        return path.relative_to(app.srcdir).as_posix()
    except ValueError:  # pragma: no cover
        return str(path)


def page_section(doctree: nodes.document) -> nodes.section | None:
    """The section opened by the page's H1."""
    for child in doctree.children:
        if isinstance(child, nodes.section):
            return child
    return None


def titled_section(doctree: nodes.document) -> nodes.section | None:
    """The page's title section; the gate (gate/pages.py) has reported a page without one."""
    if not doctree.get("workshop-titled", True):
        return None
    section = page_section(doctree)
    if section is None or not section.children or not isinstance(section[0], nodes.title):
        return None
    return section


def insert_after_title(section: nodes.section, *new: nodes.Node) -> None:
    section[1:1] = list(new)


def field(name: str, *body: nodes.Node, classes: tuple[str, ...] = ()) -> nodes.field:
    return nodes.field(
        "",
        nodes.field_name("", name),
        nodes.field_body("", nodes.paragraph("", "", *body)),
        classes=[*classes],
    )


def contributor_page(app: Sphinx, doctree: nodes.document, kind: str):
    """For a talk or speaker page being read: (id, the H1 section, its front matter), with raw
    output stripped; None for any other page, or when the page has no title."""
    folder = app.config.workshop_talks_dir if kind == "talk" else app.config.workshop_speakers_dir
    docname = app.env.docname
    page = page_id_in(docname, folder)
    if page is None:
        return None
    for raw in list(doctree.findall(nodes.raw)):  # defence in depth: the gate removed them already
        if not raw.get(HARD_BREAK):
            raw.parent.remove(raw)
    section = titled_section(doctree)
    domain = app.env.get_domain("workshop")
    records = domain.talks if kind == "talk" else domain.speakers
    if section is None or page not in records:
        return None
    return page, section, records[page][1]


def reread_list_pages(app: Sphinx, env, added: set[str], changed: set[str], removed: set[str]) -> list[str]:
    """env-get-outdated: a page added or removed changes the toctrees generated from the folders:
    a talk or speaker page the talk lists' (they show speakers), a speaker page the speaker lists';
    the folder's index too (which page parents the folder's pages: list_toctree). A speaker page
    changed: the speaker lists' (their toctree follows the names: speakers.family_name_order)."""
    data = env.get_domain("workshop").data
    came_or_went = added | removed

    def touched(folder: str) -> bool:
        return any(page_id_in(d, folder) or d == f"{folder}/index" for d in came_or_went)

    docs: set[str] = set()
    if touched(app.config.workshop_speakers_dir):
        docs = data["talk_list_docs"] | data["speaker_list_docs"]
    elif touched(app.config.workshop_talks_dir):
        docs = set(data["talk_list_docs"])
    if any(page_id_in(d, app.config.workshop_speakers_dir) for d in changed):
        docs |= data["speaker_list_docs"]  # their toctree is in the pages' name order
    return sorted(docs - removed)
