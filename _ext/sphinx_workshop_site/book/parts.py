"""What the book's parts share: escaping, unbreakable names, raw LaTeX nodes, the author index's
LaTeX, and :class:`Book`, the layout's view of the numbered contributions."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from docutils import nodes

from ..gate.mathmacros import plain_text
from ..model.contributions import schedule_boards
from ..model.names import NameParts
from ..model.schedule import (
    Schedule,
    Slot,
    format_date,
)
from ..site.contribution_nodes import title_nodes
from ..site.resolve import ResolveContext
from .scripts import tex_text

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
        return schedule_boards(self.schedule, explicit)

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

    def when(self, slot: Slot) -> str:
        """'Tuesday 26 November 2024, 14:15–15:15, Room B': a talk's slot or a poster session, as a
        contribution's page says it; the room when the programme has more than one (the site's)."""
        when = f"{format_date(slot.date)}, {slot.time_range}"
        room = self.schedule.room_of(slot) if self.schedule else None
        return f"{when}, {room}" if room and not self.event_wide_room() else when


def label(number: int) -> str:
    return f"workshop-talk-{number}"
