"""The book of abstracts' body, laid out on the assembled LaTeX doctree (one post-transform).

``proceedings.md`` holds the book's parts: ``{book-programme}``, the talks (a ``{talk-list}``
toctree) and ``{book-speakers}``. Here, for the LaTeX builder only:

- every talk gets its contribution number (programme order, then unscheduled talks by id),
  shown in its heading, the contents, the programme and the speakers list, and a label
  ``workshop-talk-<n>`` whose page the programme prints;
- a talk's details (speakers, authors with numbered affiliations one per line, ORCID,
  corresponding author, slot without what is the same for the whole event, keywords) replace
  the web's field list;
- citation markers are upright, tied to the word before them; each reference has a hanging
  indent, and its DOI or URL breaks only at slashes and dots;
- author index entries and the speakers part sort by family name: as the pages give it
  (``family-name``, ``sort-as``, ``name-order``; names.py), else guessed, transliterated to Latin
  (anyascii), so 张伟 files under Z and Παπαδόπουλος under P; a name never breaks across lines
  (in a box, its spaces no-break spaces) in the talk's details, the contents, the programme,
  the speakers part and the index;
- a completeness report (placeholder titles, talks without an abstract, contributions with no
  slot, talk slots that name no contribution, empty poster or spotlight lists, authors without an
  affiliation, references without a DOI or arXiv id) is printed; with ``-t final`` each item is a
  warning at its line (title, .bib entry, schedule slot), so ``make pdf FINAL=1`` fails while
  anything is missing.

Contributor text reaches LaTeX only as docutils Text and math nodes (the writer escapes them) or
through :func:`tex` (Sphinx's escape, right-to-left runs marked); raw LaTeX here is the book's own structure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from ..diagnostics import report
from ..gate.allowlist import NOT_COUNTED, WORD, position
from ..gate.bibfile import split_bib
from ..gate.bibmerge import talk_key
from ..gate.mathmacros import math_as_text, plain_text
from ..gate.texverify import END_MARKER, MARKER, SAFE_SOURCE
from ..model.errors import Problem, WorkshopError
from ..model.names import NameParts
from ..model.schedule import (
    POSTERS_LATER,
    PROGRAMME_LATER,
    SPOTLIGHTS_LATER,
    Day,
    Schedule,
    Slot,
    format_date,
    format_time_range,
)
from ..site.bibliography import shared_files
from ..site.contribution_nodes import talk_order, title_nodes
from ..site.nodes import author_index
from ..site.pages import source_name
from ..site.resolve import ResolveContext
from .scripts import tex_text

logger = logging.getLogger("workshop")

POSTERS_PART = "Posters"  # the heading of the book's part after the talks
NOT_SCHEDULED = "Not yet scheduled"
# a title that says it is not the title yet
PLACEHOLDER_TITLE = re.compile(
    r"\b(?:to be (?:announced|confirmed|determined|defined)|tba|tbd|tbc)\b", re.IGNORECASE
)
MIN_ABSTRACT_WORDS = 30  # fewer words under the title: "no abstract yet" in the completeness report
IDENTIFIED = re.compile(r"doi\.org/|arxiv\.org/")  # a reference's link that identifies the work
SAFE_LABEL = re.compile(r"[A-Za-z0-9._/:-]+")
# A reference's link and its text, written raw in \href{…}{\nolinkurl{…}} (the url package breaks
# them after '/' and '.', never at their own hyphens): characters TeX reads as themselves there;
# '%' and '#' of a percent-encoded link are escaped. Anything else is left to Sphinx's writer.
SAFE_URL = re.compile(r"https?://[A-Za-z0-9._/:~?=+%#&;()!*',@-]+")
SAFE_URL_TEXT = re.compile(r"[A-Za-z0-9._/:?=+;()<>,@-]+")  # a SICI DOI: (SICI)…<1661::…>3.0.CO;2-2


def tex(text: str) -> str:
    return tex_text(text)  # escaped, right-to-left runs marked (scripts.py)


def unbroken(name: str) -> str:
    """A person's name never breaks across lines ('Lê Hoàng / Phúc'): its spaces no-break spaces."""
    return re.sub(r"[ \t]+", "\u00a0", name.strip())


def name_nodes(name: str) -> list[nodes.Node]:
    """A name in a box: no break at its spaces, its hyphens ('Jean-Pierre') or by hyphenation."""
    return [raw(r"\mbox{"), nodes.Text(unbroken(name)), raw("}")]


def name_tex(name: str) -> str:
    return rf"\mbox{{{tex(unbroken(name))}}}"


def raw(text: str) -> nodes.raw:
    return nodes.raw("", text, format="latex")


def listed(items: list[str], names: bool = False) -> list[nodes.Node]:
    """'a, b, c' as one text node each: a right-to-left name is a run of its own (scripts.py),
    the list still reads left to right. ``names``: each in a box (name_nodes)."""
    out: list[nodes.Node] = []
    for item in items:
        if out:
            out.append(nodes.Text(", "))
        out += name_nodes(item) if names else [nodes.Text(item)]
    return out


# --------------------------------------------------------------------------- names


def index_latex(people: dict[str, tuple[str, str, list[int]]]) -> str:
    """The author index, written here, not by an index program (xindy's modules are code found in
    the build folder): one entry per person, all their contributions on it, sorted by family name
    in Latin letters (names.py: 张伟 under Z, 山田 太郎 with sort-as 'Yamada Taro' under Y), in
    letter groups. ``people``: identity -> (sort key, name family first, contribution numbers)."""
    out = [r"\renewcommand{\indexname}{Author index}", r"\begin{sphinxtheindex}"]
    group = None
    for key, shown, numbers in sorted(people.values()):
        letter = key[:1].upper() if key[:1].isalpha() else "#"
        if letter != group:
            if group is not None:
                out.append(r"\indexspace")
            out.append(rf"\sphinxstyleindexlettergroup{{{'Symbols' if letter == '#' else letter}}}")
            group = letter
        pages = "; ".join(rf"(No.~{n}), \pageref{{{label(n)}}}" for n in sorted(set(numbers)))
        out.append(rf"\item \sphinxstyleindexentry{{{name_tex(shown)}}} {pages}")
    out.append(r"\end{sphinxtheindex}")
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- placeholders


class book_programme(nodes.General, nodes.Element):
    """The programme, as the book prints it (filled by BookLayout)."""


class book_speakers(nodes.General, nodes.Element):
    """The speakers, family name order (filled by BookLayout)."""


class BookProgrammeDirective(SphinxDirective):
    def run(self) -> list[nodes.Node]:
        self.env.note_dependency(self.config.workshop_schedule)
        return [book_programme()]


class BookSpeakersDirective(SphinxDirective):
    def run(self) -> list[nodes.Node]:
        return [book_speakers()]


def _skip(self, node):  # pragma: no cover - filled by BookLayout, or dropped by other builders
    raise nodes.SkipNode


def drop_book_nodes(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Any builder but LaTeX: the book's own parts are not shown."""
    if app.builder.format != "latex":
        for node in list(doctree.findall(lambda n: isinstance(n, (book_programme, book_speakers)))):
            node.parent.remove(node)


# --------------------------------------------------------------------------- the layout


@dataclass
class Book:
    ctx: ResolveContext
    schedule: Schedule | None
    numbers: dict[str, int]
    part_openers: set[int] = field(default_factory=lambda: {1})
    people: dict[str, tuple[str, str, list[int]]] = field(default_factory=dict)  # the author index

    def index_person(self, name: str, parts: NameParts, number: int) -> None:
        filed = self.ctx.domain.names().file(name, parts)
        entry = self.people.setdefault(filed.shown.casefold(), (filed.key, filed.shown, []))
        entry[2].append(number)

    def boards(self) -> dict[str, int]:
        if self.schedule is None:
            return {}
        explicit = {t: m.board for t, (_d, m) in self.ctx.domain.talks.items() if m.board is not None}
        return self.schedule.boards(explicit)

    def talk_title(self, tid: str) -> list[nodes.Node]:
        """The title's nodes (text and math), without links."""
        out = []
        for child in title_nodes(self.ctx, tid):
            out += child.children if isinstance(child, nodes.reference) else [child]
        return out

    def speaker_names(self, tid: str) -> list[str]:
        names = []
        for sid in self.ctx.domain.talks[tid][1].speakers:
            speaker = self.ctx.domain.speakers.get(sid)
            title = self.ctx.domain.title_of(speaker[0]) if speaker else None
            names.append(unbroken(plain_text(title)) if title is not None else sid)
        return names

    def author_people(self, tid: str) -> list[tuple[str, NameParts]]:
        """(name, what its page says of it) of each author; the speakers when the talk lists none."""
        meta = self.ctx.domain.talks[tid][1]
        if meta.authors:
            return [(a.name, a.parts) for a in meta.authors]
        out = []
        for sid, name in zip(meta.speakers, self.speaker_names(tid), strict=True):
            speaker = self.ctx.domain.speakers.get(sid)
            out.append((name, speaker[1].parts if speaker else NameParts()))
        return out

    def event_wide_room(self) -> bool:
        return self.schedule is not None and len(self.schedule.rooms) <= 1


def label(number: int) -> str:
    return f"workshop-talk-{number}"


class BookLayout(SphinxPostTransform):
    """LaTeX: the book's talk pages, programme, speakers and index entries (see module doc)."""

    builders = ("latex",)
    default_priority = 5  # before Sphinx turns footnotes into LaTeX footnotes

    def run(self, **kwargs) -> None:
        ctx = ResolveContext(self.app, self.config.root_doc)
        schedule = ctx.schedule()
        talks, posters = talk_order(ctx, schedule, "talk"), talk_order(ctx, schedule, "poster")
        book = Book(ctx, schedule, {tid: n for n, tid in enumerate(talks + posters, 1)})
        self.posters_after_talks(book, posters)
        for marker in list(self.document.findall(author_index)):
            self.talk_page(book, marker)
        self.references_under_talks()
        parts = list(self.document.findall(book_programme))
        for node in parts:
            node.replace_self(programme(book))
        for node in list(self.document.findall(book_speakers)):
            node.replace_self(speakers(book))
        if parts:  # the book itself (its root holds the programme), not some other LaTeX document
            completeness_report(self.app, book)
            # the LaTeX writer copies the builder's context after this transform: the index's place
            self.app.builder.context["printindex"] = index_latex(book.people) if book.people else ""

    def posters_after_talks(self, book: Book, posters: list[str]) -> None:
        """The posters, a part of their own after the talks (the site's toctree mixes them)."""
        domain = book.ctx.domain
        poster_docs = {domain.talks[p][0] for p in posters}
        files = [f for f in self.document.findall(addnodes.start_of_file) if f["docname"] in poster_docs]
        if not files:
            return
        talk_files = [
            f
            for f in self.document.findall(addnodes.start_of_file)
            if f["docname"] not in poster_docs and f["docname"] in {d for d, _m in domain.talks.values()}
        ]
        anchor = talk_files[-1] if talk_files else files[0]
        parent = anchor.parent
        by_doc = {f["docname"]: f for f in files}
        for f in files:
            f.parent.remove(f)
        at = parent.index(anchor) + 1 if talk_files else len(parent)
        ordered = [by_doc[domain.talks[p][0]] for p in posters if domain.talks[p][0] in by_doc]
        parent[at:at] = [raw(rf"\chapter{{{POSTERS_PART}}}"), *ordered]
        book.part_openers.add(book.numbers[posters[0]])

    def talk_page(self, book: Book, marker: author_index) -> None:
        tid = marker["talk"]
        section = marker.parent
        if tid not in book.numbers or not isinstance(section, nodes.section):
            marker.parent.remove(marker)
            return
        number = book.numbers[tid]
        if number not in book.part_openers:  # the first of a part opens right under its heading
            section.parent.insert(section.parent.index(section), raw(rf"\workshoptalk{{{number}}}"))
        title = section[0]
        title.insert(0, raw(rf"\texorpdfstring{{\workshopno{{{number}}}}}{{{number}. }}"))
        for math in list(title.findall(nodes.math)):  # the outline shows a text form, not nothing
            formula = math.astext()
            text = tex(math_as_text(formula)).replace(r"\sphinxhyphen{}", "-")
            math.replace_self(raw(rf"\texorpdfstring{{\protect\({formula}\protect\)}}{{{text}}}"))
        names = ", ".join(name_tex(n) for n in book.speaker_names(tid))
        for name, parts in dict.fromkeys(book.author_people(tid)):
            book.index_person(name, parts, number)
        block = [
            # equations are numbered per contribution, as on its page (MathJax numbers per page)
            raw(rf"\phantomsection\label{{{label(number)}}}\setcounter{{equation}}{{0}}"),
            raw(rf"\workshoptocspeakers{{{names}}}"),
        ]
        meta = next((m for m in section.findall(nodes.field_list) if "talk-meta" in m["classes"]), None)
        details = talk_details(book, tid)
        if meta is not None:
            meta.replace_self(details)
        else:
            block.append(details)
        marker.replace_self(block)

    def references_under_talks(self) -> None:
        """{footcite} references as a numbered list under each talk, markers as '~[n]'."""
        footnotes = [f for f in self.document.findall(nodes.footnote) if f["ids"][0].startswith("footcite-")]
        # numbered 1, 2, … per talk: the talk's own footnotes share docutils' numbering on the page
        # ('[1], [3]' with a footnote 2), not in the book's reference list
        labels, counts = {}, {}
        for footnote in footnotes:
            docname = footnote.get("docname")
            counts[docname] = counts.get(docname, 0) + 1
            labels[(docname, footnote["ids"][0])] = str(counts[docname])
        for ref in list(self.document.findall(nodes.footnote_reference)):
            docname, refid = ref.get("docname"), ref.get("refid")
            number = labels.get((docname, refid))
            if number is None:
                continue
            target = f"{docname}:{refid}"
            marker = nodes.reference("", f"[{number}]", refid=refid, internal=True)
            if SAFE_LABEL.fullmatch(target):
                at = position(ref)
                previous = ref.parent[at - 1] if at else None
                if isinstance(previous, nodes.Text) and previous.rstrip() != previous:
                    ref.parent[at - 1] = nodes.Text(previous.rstrip())  # by place: equal texts abound
                marker = raw(rf"~\hyperref[\detokenize{{{target}}}]{{\textup{{[{number}]}}}}")
            ref.replace_self(marker)
        for footnote in footnotes:
            number = labels[(footnote.get("docname"), footnote["ids"][0])]
            body = [c for c in footnote.children if not isinstance(c, nodes.label)]
            entry = nodes.paragraph("", "", raw(r"\workshopreference "), classes=["bib-entry"])
            entry += nodes.strong("", f"[{number}] ")
            for child in body:
                entry.extend(child.children if isinstance(child, nodes.paragraph) else [child])
            for link in list(entry.findall(nodes.reference)):
                uri, text = link.get("refuri", ""), link.astext()
                if SAFE_URL.fullmatch(uri) and SAFE_URL_TEXT.fullmatch(text):
                    uri = uri.replace("%", r"\%").replace("#", r"\#")
                    link.replace_self(raw(rf"\href{{{uri}}}{{\nolinkurl{{{text}}}}}"))
            # the LaTeX writer labels targets, not paragraphs: [n] links land here
            footnote.replace_self([nodes.target("", "", ids=list(footnote["ids"])), entry])
        for transition in list(self.document.findall(nodes.transition)):
            if "footnotes" in transition["classes"]:
                transition.parent.remove(transition)


def talk_details(book: Book, tid: str) -> nodes.Element:
    """Speakers; authors with numbered affiliations (one per line), ORCID, corresponding
    author; the slot; keywords."""
    domain = book.ctx.domain
    meta = domain.talks[tid][1]
    box = nodes.container()
    box += raw(r"\begin{workshoptalkmeta}")
    line = nodes.inline()
    if meta.authors:
        affiliations: list[str] = []
        for author in meta.authors:
            affiliations += [a for a in author.affiliations if a not in affiliations]
        line += raw(r"\textbf{Authors:} ")
        for i, author in enumerate(meta.authors):
            if i:
                line += nodes.Text(", ")
            line += name_nodes(author.name)
            marks = ",".join(str(affiliations.index(a) + 1) for a in author.affiliations)
            if author.corresponding:
                marks += ("," if marks else "") + "*"
            if marks:
                line += raw(rf"\textsuperscript{{{marks}}}")
            if author.orcid:  # checked against the ORCID pattern by the front matter reader
                line += raw(rf"\workshoporcid{{{author.orcid}}}")
        for n, affiliation in enumerate(affiliations, 1):
            line += raw(rf"\workshopaffil{{{n}}}{{")
            line += nodes.Text(affiliation)
            line += raw("}")
        if any(a.corresponding for a in meta.authors):
            line += raw(r"\workshopaffil{*}{Corresponding author}")
        line += raw(r"\par ")
    # the site's words (talks.py): a poster is presented
    label_word = ("Presenter" if meta.is_poster else "Speaker") + ("s" if len(meta.speakers) > 1 else "")
    line += raw(rf"\textbf{{{label_word}:}} ")
    for i, sid in enumerate(meta.speakers):
        if i:
            line += nodes.Text("; ")
        speaker = domain.speakers.get(sid)
        line += name_nodes(book.speaker_names(tid)[i])
        if speaker and speaker[1].affiliation:
            line += nodes.Text(f" ({speaker[1].affiliation})")
        if speaker and speaker[1].orcid and not meta.authors:
            line += raw(rf"\workshoporcid{{{speaker[1].orcid}}}")
    line += raw(r"\par ")
    slot = book.schedule.slot_of(tid) if book.schedule else None
    session = book.schedule.session_of(tid) if book.schedule and meta.is_poster else None
    if session is not None:
        where = f"{session.title or 'Poster session'}, {format_date(session.date)}, {session.time_range}"
        if board := book.boards().get(tid):
            where += f", board {board}"
        line += raw(r"\textbf{Poster:} ")
        line += nodes.Text(where)
        line += raw(r"\par ")
    if slot is not None:
        when = f"{format_date(slot.date)}, {slot.time_range}"
        room = book.schedule.room_of(slot)
        if room and not book.event_wide_room():
            when += f", {room}"
        if slot.cancelled:  # the talk stays in the book, labelled
            when = f"Cancelled (was {when})"
        line += raw(r"\textbf{When:} ")
        line += nodes.Text(when)
        line += raw(r"\par ")
    if meta.keywords:
        line += raw(r"\textbf{Keywords:} ")
        line += listed(meta.keywords)
        line += raw(r"\par ")
    box += line
    box += raw(r"\end{workshoptalkmeta}")
    return box


PROGRAMME_COLUMNS = (
    r"@{}Z{0.15\linewidth}Z{0.07\linewidth}Z{0.62\linewidth}>{\raggedleft\arraybackslash}p{0.07\linewidth}@{}"
)
CONTINUED = "(continued)"  # after the day's heading on each further page of its table
GLANCE = "Programme at a glance"
BREAK_KINDS = ("break", "meal", "social")


def programme(book: Book) -> list[nodes.Node]:
    """The programme at a glance (several days: one page, days side by side), then one table per
    day: time, contribution number, title and speakers, page; with parallel rooms a column per
    room; breaks apart; a poster session a session with its posters and boards."""
    schedule = book.schedule
    if schedule is None:
        return [nodes.paragraph("", "The programme is not available.")]
    intro = f"All times are local times ({schedule.timezone}); venue: {schedule.venue}."
    out: list[nodes.Node] = [nodes.paragraph("", intro)]
    if len(schedule.days) > 1:
        out += glance(book)
    for day in schedule.days:
        heading = format_date(day.date) + (f" ({day.label})" if day.label else "")
        parallel = day.slots and not book.event_wide_room()  # a day not yet filled: one line
        out.append(day_rooms(book, day, heading) if parallel else day_single(book, day, heading))
    unscheduled = [
        t
        for t in book.numbers
        if schedule.slot_of(t) is None and schedule.session_of(t) is None and schedule.spotlight_of(t) is None
    ]
    if unscheduled:
        rows = nodes.inline()
        rows += day_start(NOT_SCHEDULED, PROGRAMME_COLUMNS, 4)
        for tid in unscheduled:
            rows += programme_row(book, tid, "poster" if book.ctx.domain.talks[tid][1].is_poster else "")
        rows += raw(r"\end{longtable}" "\n")
        out.append(rows)
    return out


def day_start(heading: str, columns: str, count: int, head: list[nodes.Node] = ()) -> list[nodes.Node]:
    """The day's heading and its table's start: the heading is the table's first row (longtable
    keeps it with the first slot: never alone at a page's foot); on every further page the
    heading again, '(continued)', and the column heads (``head``, a row) under it on every page."""
    out = [raw(r"\bigskip" "\n"), raw(rf"\begin{{longtable}}[l]{{{columns}}}" "\n")]
    out += [raw(rf"\workshopdayhead{{{count}}}{{"), nodes.Text(heading), raw("}\n")]
    out += [*head, raw(r"\endfirsthead" "\n"), raw(rf"\workshopdayhead{{{count}}}{{")]
    out += [nodes.Text(f"{heading} {CONTINUED}"), raw("}\n"), *head, raw(r"\endhead" "\n")]
    return out


def is_session(slot: Slot) -> bool:
    """A poster or spotlight session is a session of the programme, whatever its kind says."""
    return slot.posters is not None or slot.spotlights is not None


def is_break(slot: Slot) -> bool:
    return slot.kind in BREAK_KINDS and not is_session(slot) and not slot.talk


def presented(book: Book, slot: Slot) -> list[tuple[str, str]]:
    """(board or time, contribution id) of a session's posters and spotlights, in order."""
    boards = book.boards()
    out = [(f"board {boards.get(p, '')}", p) for p in slot.posters or ()]
    out += [(spot.time_range or "", spot.id) for spot in slot.spotlights or ()]
    return [(where, pid) for where, pid in out if pid in book.numbers]


def to_come(slot: Slot) -> list[str]:
    """As the site says it (posters.py) while a session's list is still empty."""
    return [
        words
        for listed, words in ((slot.posters, POSTERS_LATER), (slot.spotlights, SPOTLIGHTS_LATER))
        if listed is not None and not listed
    ]


def day_single(book: Book, day: Day, heading: str) -> nodes.inline:
    rows = nodes.inline()
    rows += day_start(heading, PROGRAMME_COLUMNS, 4)
    if not day.slots:  # the day is announced, its programme not yet (as site/schedule_table.py says)
        rows += [raw(r" & & \itshape "), nodes.Text(PROGRAMME_LATER), raw(r" & \\" "\n")]
    for slot in day.slots:
        when = slot.time_range
        if slot.talk and slot.talk in book.numbers:
            rows += programme_row(book, slot.talk, when)
        elif is_break(slot):
            rows += [raw(r"\workshopbreak{"), nodes.Text(when), raw("}{")]
            rows += [nodes.Text(slot.title or slot.talk or ""), raw("}\n")]
        else:  # a session's title stays on the page of its first poster or spotlight (\\*)
            rows += [nodes.Text(when), raw(r" & & "), nodes.Text(slot.title or slot.talk or "")]
            rows += raw(r" & \\*" "\n" if is_session(slot) else r" & \\" "\n")
        for words in to_come(slot):
            rows += [raw(r" & & \itshape "), nodes.Text(words), raw(r" & \\" "\n")]
        for where, pid in presented(book, slot):
            rows += programme_row(book, pid, where)
    rows += raw(r"\end{longtable}" "\n")
    return rows


def day_rooms(book: Book, day: Day, heading: str) -> nodes.inline:
    """Parallel rooms as the site shows them: a row per start time, a column per room (its
    name over it, on every page), a slot for every room across them all."""
    rooms = list(book.schedule.rooms)
    count = len(rooms)
    columns = r"@{}Z{0.15\linewidth}" + rf"Z{{\workshoproomwidth{{{count}}}}}" * count + "@{}"
    head: list[nodes.Node] = [raw(r"\workshoproomhead{Time}")]
    for room in rooms:
        head += [raw(r" & \workshoproomhead{"), nodes.Text(room), raw("}")]
    head.append(raw(r"\\[2pt]" "\n"))
    rows = nodes.inline()
    rows += day_start(heading, columns, count + 1, head)
    for start in sorted({slot.start for slot in day.slots}):
        here = [s for s in day.slots if s.start == start]
        ends = {s.end for s in here}
        time_text = format_time_range(start, here[0].end) if len(ends) == 1 else f"{start:%H:%M}"
        shared = next((s for s in here if s.room is None), None)
        if shared is not None:
            rows += [nodes.Text(time_text), raw(rf" & \workshoproomall{{{count}}}{{")]
            rows += room_cell(book, shared, with_time=False)
            rows += raw(r"}\\*" "\n" if is_session(shared) else r"}\\" "\n")
            for words in to_come(shared):
                rows += [
                    raw(rf" & \workshoproomall{{{count}}}{{\itshape "),
                    nodes.Text(words),
                    raw(r"}\\" "\n"),
                ]
            for where, pid in presented(book, shared):
                rows += [nodes.Text(where), raw(rf" & \workshoproomall{{{count}}}{{")]
                rows += room_talk(book, pid)
                rows += raw(r"}\\" "\n")
            continue
        rows += nodes.Text(time_text)
        for room in rooms:
            rows += raw(" & ")
            slot = next((s for s in here if s.room == room), None)
            if slot is not None:
                rows += room_cell(book, slot, with_time=len(ends) > 1)
                for words in to_come(slot):
                    rows += [raw(r"\newline{\itshape "), nodes.Text(words), raw("}")]
                for where, pid in presented(book, slot):
                    rows += [raw(r"\par\smallskip{\small "), nodes.Text(where), raw(r"}\newline ")]
                    rows += room_talk(book, pid)
        rows += raw(r"\\" "\n")
    rows += raw(r"\end{longtable}" "\n")
    return rows


def room_cell(book: Book, slot: Slot, with_time: bool) -> list[nodes.Node]:
    """A slot in a room's cell (or across the rooms): its own time when the row's slots end at
    different times, then the contribution, the break (grey italics) or the session's title."""
    out: list[nodes.Node] = []
    if with_time:
        out += [raw(r"\workshoproomtime{"), nodes.Text(slot.time_range), raw("}")]
    if slot.talk and slot.talk in book.numbers:
        return out + room_talk(book, slot.talk)
    title = nodes.Text(slot.title or slot.talk or "")
    if is_break(slot):
        return [*out, raw(r"\workshoproombreak{"), title, raw("}")]
    return [*out, title]


def room_talk(book: Book, tid: str) -> list[nodes.Node]:
    number = book.numbers[tid]
    out: list[nodes.Node] = [raw(rf"\workshoproomtalk{{{number}}}{{{label(number)}}}{{")]
    out += book.talk_title(tid)
    out += [raw("}{"), *listed(book.speaker_names(tid)), raw("}")]
    return out


def programme_row(book: Book, tid: str, when: str) -> list[nodes.Node]:
    """A contribution's row: when (or its board), number, linked title, speakers, page."""
    number = book.numbers[tid]
    out: list[nodes.Node] = [nodes.Text(when), raw(rf" & {number} & \hyperref[{label(number)}]{{")]
    out += book.talk_title(tid)
    out += [raw(r"}\newline{\small\itshape "), *listed(book.speaker_names(tid), names=True)]
    out.append(raw(rf"}} & \pageref{{{label(number)}}}\\" "\n"))
    return out


# --------------------------------------------------------------------------- at a glance


def glance(book: Book) -> list[nodes.Node]:
    """The programme at a glance, one page before the detailed programme: the days side by side,
    each slot one line (start, speaker's family name and title, or the slot's title), breaks
    light, a parallel slot with its room; the type as large as fits the page."""
    schedule = book.schedule
    many_rooms = not book.event_wide_room()
    box = nodes.inline()
    box += raw(r"\workshopday{")
    box += nodes.Text(GLANCE)
    box += raw("}\n")
    letters = {room: room_letter(i) for i, room in enumerate(schedule.rooms)} if many_rooms else {}
    if letters:  # a parallel slot carries its room's letter: the line keeps its room for the title
        box += raw(r"\workshopglancerooms{")
        box += nodes.Text("Rooms: ")
        for i, (room, letter) in enumerate(letters.items()):
            box += [raw(", " if i else ""), raw(rf"\workshopglanceroom{{{letter}}}"), nodes.Text(room)]
        box += raw("}\n")
    box += raw(r"\workshopglance{")
    for day in schedule.days:
        box += raw(rf"\workshopglanceday{{{len(schedule.days)}}}{{")
        box += nodes.Text(format_date(day.date).rsplit(" ", 1)[0] + (f" ({day.label})" if day.label else ""))
        box += raw("}{")
        previous = None
        order = {room: i for i, room in enumerate(schedule.rooms)}  # parallel slots: rooms in order
        for slot in sorted(day.slots, key=lambda s: (s.start, order.get(s.room, -1))):
            start = "" if slot.start == previous else f"{slot.start:%H:%M}"
            previous = slot.start
            box += raw(r"\workshopglancebreak{" if is_break(slot) else r"\workshopglanceslot{")
            box += [nodes.Text(start), raw("}{")]
            if slot.room in letters:
                box += raw(rf"\workshopglanceroom{{{letters[slot.room]}}}")
            box += glance_text(book, slot)
            box += raw("}\n")
        box += raw("}\n")
    box += raw("}\n")
    box += raw(r"\clearpage" "\n")
    return [box]


def room_letter(index: int) -> str:
    return chr(ord("A") + index) if index < 26 else str(index + 1)


def glance_text(book: Book, slot: Slot) -> list[nodes.Node]:
    if slot.talk and slot.talk in book.numbers:
        families = family_names(book, slot.talk)
        out: list[nodes.Node] = []
        if families:
            out += [raw(r"\workshopglancespeaker{"), *listed(families), raw("}")]
        return out + book.talk_title(slot.talk)
    text = slot.title or slot.talk or ""
    count = len(slot.posters or ())
    if count:
        text += f" ({count} poster{'s' if count > 1 else ''})"
    return [nodes.Text(text)]


def family_names(book: Book, tid: str) -> list[str]:
    """The speakers' family names, as the author index files them (names.py): 'André de Almeida'
    → 'Almeida'; a name written family name first ('Kovács János', 张伟) whole unless its page
    says which part is the family name."""
    domain = book.ctx.domain
    out = []
    for sid, name in zip(domain.talks[tid][1].speakers, book.speaker_names(tid), strict=True):
        speaker = domain.speakers.get(sid)
        filed = domain.names().file(name.replace("\u00a0", " "), speaker[1].parts if speaker else NameParts())
        out.append(unbroken(filed.family or filed.shown.split(",", 1)[0].strip() or name))
    return out


def speakers(book: Book) -> list[nodes.Node]:
    """Every speaker once, by family name (names.py): name, ORCID, affiliation, talks with number
    and page."""
    domain = book.ctx.domain
    rows = []
    for sid, (docname, meta) in domain.speakers.items():
        title = domain.title_of(docname)
        name = plain_text(title) if title is not None else sid
        rows.append((domain.names().file(name, meta.parts).key, name, sid, meta))
    bios = {sid: speaker_bio(book, docname) for sid, (docname, _m) in domain.speakers.items()}
    seen: dict[str, int] = {}
    for paragraphs in bios.values():
        for text in {p.astext() for p in paragraphs}:
            seen[text] = seen.get(text, 0) + 1
    out = nodes.container()
    for _key, name, sid, meta in sorted(rows):
        # inside the inline: a raw node of its own is a block, written with a line break after it
        entry = nodes.inline("", "", raw(r"\workshopspeaker{"))
        entry += name_nodes(name)
        if meta.orcid:
            entry += raw(rf"\workshoporcid{{{meta.orcid}}}")
        entry += raw("}{")
        entry += nodes.Text(meta.affiliation or "")
        entry += raw("}{")
        talks = [t for t in book.numbers if sid in domain.talks[t][1].speakers]
        for i, tid in enumerate(talks):
            if i:
                entry += raw(r"\par ")
            number = book.numbers[tid]
            entry += raw(rf"\workshopspeakertalk{{{number}}}{{{label(number)}}}{{")
            entry += book.talk_title(tid)
            entry += raw("}")
        entry += raw("}\n")
        out += entry
        # the speaker's own text; a sentence that several pages share is the site's wording
        own = [p for p in bios[sid] if seen[p.astext()] == 1]
        if own:  # between markers: verified as the speaker page's own LaTeX (texverify)
            source = str(book.ctx.env.doc2path(domain.speakers[sid][0], False))
            source = source if SAFE_SOURCE.fullmatch(source) else "(a file with an unusual name)"
            out += raw(f"\n{MARKER}{source}\n")
            out += raw(r"\begingroup\small")
            out.extend(own)
            out += raw(r"\endgroup")
            out += raw(f"\n{END_MARKER}\n")
        out += raw(r"\medskip")
    return [out]


BIO_NODES = (
    nodes.Text,
    nodes.emphasis,
    nodes.strong,
    nodes.literal,
    nodes.reference,
    nodes.math,
    nodes.inline,
)


def speaker_bio(book: Book, docname: str) -> list[nodes.paragraph]:
    """The paragraphs under a speaker's name (their page's text), inline text nodes only."""
    doctree = book.ctx.env.get_doctree(docname)
    section = next(iter(doctree.findall(nodes.section)), None)
    return [
        plain_inline(child.deepcopy())
        for child in (section.children if section is not None else ())
        if isinstance(child, nodes.paragraph)
    ]


def plain_inline(paragraph: nodes.paragraph) -> nodes.paragraph:
    """Anything but text, emphasis, code, math and web links (cross-references, images, footnote
    marks) becomes its text: the copy is made after the book's images and targets were collected."""
    for node in list(paragraph.findall(include_self=False)):
        if node.parent is None:  # inside a node already replaced
            continue
        if isinstance(node, nodes.reference) and node.get("refuri"):
            continue
        if not isinstance(node, BIO_NODES) or isinstance(node, nodes.reference):
            text = node.get("alt", "") if isinstance(node, nodes.image) else node.astext()
            node.replace_self(nodes.Text(text))
    return paragraph


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


def setup_booklayout(app: Sphinx) -> None:
    for node_class in (book_programme, book_speakers):
        app.add_node(
            node_class, **{fmt: (_skip, None) for fmt in ("html", "latex", "text", "man", "texinfo")}
        )
    app.add_directive("book-programme", BookProgrammeDirective)
    app.add_directive("book-speakers", BookSpeakersDirective)
    app.add_post_transform(BookLayout)
    app.connect("doctree-resolved", drop_book_nodes)
