"""The head of each page: its title and description as plain text (collected at doctree-read;
the record reads them too), the description, OpenGraph and Twitter tags and schema.org JSON-LD,
and the link-preview card of a talk or poster page (drawn by :mod:`.cards` when the build
finishes)."""

from __future__ import annotations

import html
import re
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx

from ..domain import WorkshopDomain
from ..gate.mathmacros import abstract_text, plain_text
from ..model import schedule as model
from ..model.safetext import one_line
from ..parallel import in_processes
from ..site.pages import page_section, talk_id
from . import cards, jsonld
from . import programme as exports
from .record import (
    CARDS_DIR,
    DESCRIPTION_LENGTH,
    SITE_CARD,
    base_url,
    cache,
    is_html,
    page_url,
    programme,
    site_card,
    social_image,
)

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
    text = abstract_text(section) if section is not None else ""
    if not text:
        first = next(iter(doctree.findall(nodes.paragraph)), None)
        text = abstract_text(first) if first is not None else ""
    if docname == app.config.root_doc and own_description(doctree):  # the site's own words
        text = own_description(doctree)
    # a setext title ("line one\nline two\n===") keeps its line break in the doctree
    title = one_line(plain_text(section[0])) if section is not None and section.children else ""
    app.env.get_domain("workshop").data["texts"][docname] = (title, text)


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
