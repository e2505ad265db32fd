"""The programme record (:class:`.programme.Programme`) made from the build, once per build
and shared by every page and export, and what it says of the site: its address, its names, its
preview image (``workshop_social_image``, else the site's own card); conf.py lines for located
messages. Sphinx glue: :mod:`.programme` is the record itself, :mod:`.head` and :mod:`.publish`
read this one."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
import re
from pathlib import Path

from sphinx.application import Sphinx

from ..config import series_name
from ..diagnostics import report
from ..domain import WorkshopDomain
from ..gate.imagefile import image_size
from ..model import schedule as model
from ..model.errors import Problem, WorkshopError
from ..model.releases import revisions
from ..model.safetext import one_line
from ..site.resolve import load_releases, load_schedule
from . import cards
from . import programme as exports
from .frab import frab_json_bytes

DESCRIPTION_LENGTH = 200


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
        boards = domain.boards(schedule)  # model.contributions.poster_boards, computed once per build
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
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    stamp = dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch else None
    prog = exports.Programme(
        schedule,
        tuple(items),
        acronym=app.config.workshop_acronym or app.config.project,
        title=full_title(app),
        base_url=base_url(app),
        organizers=tuple(app.config.workshop_organizers),
        description=site_description(app),
        identifier=identifier(app),
        organizer_email=app.config.workshop_organizer_email,
        organizer_name=app.config.workshop_organizer_group
        or app.config.workshop_acronym
        or app.config.project,
        image=social_image(app),
        address=schedule.address,
        revisions=revisions(released),
        version=str(released[-1].version) if released else "",
        **({"stamp": stamp} if stamp else {}),
    )
    if released:  # the released version (frab <version>)
        return prog
    # else a digest of the programme as frab shows it: a conference app sees a new version when
    # what it shows changed, not when a poster's abstract did (and the export's schema check is
    # not run again for the same bytes: formats.write_all)
    return dataclasses.replace(prog, version=hashlib.sha256(frab_json_bytes(prog)).hexdigest()[:12])


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


# --------------------------------------------------------------------------- the preview image


def social_image(app: Sphinx) -> exports.Image | None:
    """workshop_social_image (a PNG or JPEG in html_static_path) as an absolute URL with its size;
    read once per build, so a wrong file is one message, not one per page."""
    kept = cache(app)
    if not kept.image_read:
        kept.image, kept.image_read = _read_social_image(app), True
    return kept.image


SITE_CARD = "_site"  # the site card's file stem ('_' begins no talk id)
CARDS_DIR = "_images/cards"


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
