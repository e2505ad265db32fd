"""The book's programme: at a glance (several days, one page), then a table per day, parallel
rooms as columns, poster sessions as sessions, breaks apart."""

from __future__ import annotations

from docutils import nodes

from ..model.names import NameParts
from ..model.schedule import (
    POSTERS_LATER,
    PROGRAMME_LATER,
    SPOTLIGHTS_LATER,
    Day,
    Slot,
    format_date,
    format_time_range,
)
from .parts import NOT_SCHEDULED, Book, label, listed, raw, unbroken

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
