"""The completeness report of the book: what is missing before it goes to print (placeholder
titles, talks without an abstract, unscheduled contributions, empty poster lists, authors without
an affiliation, references without a DOI or arXiv id); with ``-t final`` each a warning at its line."""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging

from ..diagnostics import report
from ..gate.allowlist import NOT_COUNTED, WORD
from ..gate.bibfile import split_bib
from ..gate.bibmerge import talk_key
from ..model.errors import Problem, WorkshopError
from ..model.schedule import (
    POSTERS_LATER,
    PROGRAMME_LATER,
    SPOTLIGHTS_LATER,
    format_date,
)
from ..site.bibliography import shared_files
from ..site.pages import source_name
from .parts import IDENTIFIED, MIN_ABSTRACT_WORDS, NOT_SCHEDULED, PLACEHOLDER_TITLE, Book

logger = logging.getLogger("workshop")

# --------------------------------------------------------------------------- completeness


def abstract_words(section: nodes.section) -> int:
    """Words of the abstract: every paragraph under the title, in its sections too (a poster
    written under '## Motivation', '## Results'), not the titles, math, code, references or
    the talk's details."""
    words = 0
    for paragraph in section.findall(nodes.paragraph):
        ancestor, counted = paragraph.parent, True
        while ancestor is not None and ancestor is not section:
            if isinstance(ancestor, NOT_COUNTED) or "bib-entry" in ancestor.get("classes", ()):
                counted = False
                break
            ancestor = ancestor.parent
        if counted and "bib-entry" not in paragraph["classes"]:
            words += sum(len(WORD.findall(str(text))) for text in paragraph.findall(nodes.Text))
    return words


def bib_entry_lines(bib: Path, cache: dict, talk: str | None = None) -> dict[str, tuple[int, str]]:
    """{footnote id: (line, key as written)} of a .bib file's entries (the build has checked the
    file). ``talk``: the talk whose own file it is (its entries are cited as '<talk>/<key>')."""
    if (bib, talk) not in cache:
        lines: dict[str, tuple[int, str]] = {}
        if bib.is_file():
            entries, _problems = split_bib(bib.read_text(encoding="utf-8", errors="replace"), str(bib))
            for entry in entries:
                if entry.key:
                    name = entry.key if talk is None else talk_key(talk, entry.key)
                    lines.setdefault(nodes.make_id(f"footcite-{name}"), (entry.line, entry.key))
        cache[(bib, talk)] = lines
    return cache[(bib, talk)]


def reference_place(app: Sphinx, docname: str, ident: str, cache) -> tuple[str, int, str] | None:
    """(file, line, key as written) of the entry a talk's footnote ``ident`` cites: in the talk's
    own .bib (bib keys belong to their talk), else in the organizers' shared files."""
    page = Path(app.env.doc2path(docname))
    own = page.with_suffix(".bib")
    shared = [Path(app.srcdir) / name for name in shared_files(app.doctreedir)]
    for bib, talk in [(own, page.stem), *((path, None) for path in shared)]:
        found = bib_entry_lines(bib, cache, talk).get(ident)
        if found:
            try:
                return bib.relative_to(app.srcdir).as_posix(), *found
            except ValueError:  # pragma: no cover
                return str(bib), *found
    return None


def completeness_report(app: Sphinx, book: Book) -> None:
    """What a book of abstracts should have and this one has not yet (printed; warnings with
    ``-t final``, so ``make pdf FINAL=1`` fails), each at the line to change: a talk's title,
    a reference's .bib entry, a slot of the schedule."""
    domain = book.ctx.domain
    schedule = book.schedule
    missing: list[WorkshopError] = []
    bib_cache: dict = {}  # (file, talk) -> bib_entry_lines

    def add(message: str, file: str, line: int | None) -> None:
        missing.append(WorkshopError(message, file, line or 1, Problem.UNFINISHED))

    for tid in book.numbers:
        docname, meta = domain.talks[tid]
        file = source_name(app, docname)
        doctree = app.env.get_doctree(docname)
        section = next(iter(doctree.findall(nodes.section)), None)
        title_line = section.line if section is not None else None
        title = section[0].astext() if section is not None and len(section) else ""
        if PLACEHOLDER_TITLE.search(title):
            add(
                f"the title '{title}' says it is not the title yet: write the talk's title there",
                file,
                title_line,
            )
        if section is not None and abstract_words(section) < MIN_ABSTRACT_WORDS:
            add(
                f"no abstract yet (fewer than {MIN_ABSTRACT_WORDS} words under the title): write it there",
                file,
                title_line,
            )
        if schedule is not None and not (
            schedule.slot_of(tid) or schedule.session_of(tid) or schedule.spotlight_of(tid)
        ):
            where = f"posters: [{tid}, …] of a poster session" if meta.is_poster else f"a slot 'talk: {tid}'"
            add(
                f"'{tid}' is not in the programme (the book lists it as '{NOT_SCHEDULED}'): give it "
                f"{where} in {schedule.file}",
                file,
                title_line,
            )
        for author in meta.authors:
            if not author.affiliations:
                add(
                    f"author '{author.name}' has no affiliation: add 'affiliation:' under the name",
                    file,
                    title_line,
                )
        for sid in meta.speakers if not meta.authors else ():
            speaker = domain.speakers.get(sid)
            if speaker and not speaker[1].affiliation:
                add(
                    f"speaker '{sid}' has no affiliation: add 'affiliation:' to its front matter",
                    source_name(app, speaker[0]),
                    1,
                )
        for footnote in doctree.findall(nodes.footnote):
            ident = footnote["ids"][0] if footnote["ids"] else ""
            if not ident.startswith("footcite-"):
                continue
            links = " ".join(r.get("refuri", "") for r in footnote.findall(nodes.reference))
            if not IDENTIFIED.search(links):
                where, line, key = reference_place(app, docname, ident, bib_cache) or (
                    file,
                    title_line,
                    ident.removeprefix("footcite-"),
                )
                hint = "add doi = {…} or eprint = {…} to its entry"
                add(f"reference '{key}' has no DOI or arXiv id: {hint}", where, line)
    for slot in schedule.slots() if schedule is not None else ():
        when = f"{format_date(slot.date)}, {slot.time_range}"
        if slot.kind == "talk" and not slot.talk:
            add(
                f"the talk slot '{slot.title}' ({when}) names no contribution: give it 'talk: <id>' "
                "once the talk is known",
                schedule.file,
                slot.line,
            )
        if slot.posters is not None and not slot.posters:
            add(
                f"the poster session '{slot.title}' ({when}) lists no posters (the book says "
                f"'{POSTERS_LATER}'): list them, posters: [<id>, …]",
                schedule.file,
                slot.line,
            )
        if slot.spotlights is not None and not slot.spotlights:
            add(
                f"the spotlight slot '{slot.title}' ({when}) lists no spotlights (the book says "
                f"'{SPOTLIGHTS_LATER}'): list them, spotlights: [<id>, …]",
                schedule.file,
                slot.line,
            )
    for day in schedule.days if schedule is not None else ():
        if not day.slots:
            add(
                f"{format_date(day.date)} has no slot yet (the book says '{PROGRAMME_LATER}'): "
                "write the day's slots",
                schedule.file,
                day.line,
            )
    final = app.tags.has("final")
    if not missing:
        logger.info("Completeness: every talk has its title, abstract, slot, affiliations and reference ids.")
        return
    logger.info(f"Completeness: {len(missing)} item(s) missing from the book of abstracts:")
    for problem in missing:
        if final:
            report(problem)
        else:  # not 'file:line: …': that reads as a warning
            logger.info(f"  - {problem.message} ({problem.file}, line {problem.line})")
    if not final:
        logger.info("(make pdf FINAL=1 fails while any of these is missing)")
