"""The schedule against the contribution pages: each id names a page of the right type, a
talk has one slot; and poster boards, decided in one place (:func:`poster_boards`), with the
pages' own ``board:`` claims checked.

Pure Python: no Sphinx, no docutils.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .errors import Problem, WorkshopError, did_you_mean
from .schedule import Schedule, Slot


def schedule_boards(schedule: Schedule, explicit: Mapping[str, int]) -> dict[str, int]:
    """Board number of every poster in a session (see poster_boards), keyed by poster id."""
    out: dict[str, int] = {}
    for slot in schedule.poster_sessions():
        for pid, board in poster_boards(slot, explicit).items():
            out.setdefault(pid, board)
    return out


def poster_boards(session: Slot, explicit: Mapping[str, int]) -> dict[str, int]:
    """The one place board numbers are decided, for one poster session.

    A poster whose page sets ``board:`` (``explicit``) keeps it; the others take, in the order
    of the session's ``posters:`` list, the lowest numbers no poster of the session set. So with
    no ``board:`` anywhere, boards are 1, 2, 3… in list order. Duplicates among set boards are
    reported by check_contributions; here the first poster keeps the number.
    """
    posters = session.posters or ()
    taken = {explicit[p] for p in posters if p in explicit}
    out: dict[str, int] = {}
    free = 1
    for pid in posters:
        if pid in out:
            continue
        if pid in explicit:
            out[pid] = explicit[pid]
            continue
        while free in taken:
            free += 1
        out[pid] = free
        taken.add(free)
    return out


@dataclass(frozen=True)
class BoardClaim:
    """A poster page's own ``board:``: the number, and where the page sets it."""

    board: int
    file: str
    line: int


def check_contributions(
    schedule: Schedule, types: Mapping[str, str], claims: Mapping[str, BoardClaim] | None = None
) -> list[WorkshopError]:
    """Problems that need the pages (``types``: contribution id -> 'talk' | 'poster', or any other
    value for a page that exists but could not be read, whose own message says why): unknown ids,
    a talk in two slots, a poster in a talk slot, a talk in ``posters:``, and two posters of one
    session claiming the same board (located at the page's ``board:`` line)."""
    problems = check_talk_references(schedule, set(types))

    def add(message: str, line: int, subtype: Problem, file: str = schedule.file) -> None:
        problems.append(WorkshopError(message, file, line, subtype))

    posters = sorted(t for t, kind in types.items() if kind == "poster")
    for slot in schedule.slots():
        if slot.talk and types.get(slot.talk) == "poster":
            add(
                f"'{slot.talk}' is a poster (its page says 'type: poster'), not a talk: list it under a "
                "poster session's 'posters:', or make the page a talk",
                slot.talk_line,
                Problem.REF,
            )
        for pid, line in zip(slot.posters or (), slot.poster_lines, strict=True):
            if pid not in types:
                hint = did_you_mean(pid, posters) or did_you_mean(pid, types) or f" (no abstracts/{pid}.md)"
                add(f"unknown poster '{pid}'{hint}", line, Problem.REF)
            elif types[pid] == "talk":
                add(
                    f"'{pid}' is a talk, not a poster: give it a slot with 'talk: {pid}', or set "
                    f"'type: poster' on its page",
                    line,
                    Problem.REF,
                )
        for spot in slot.spotlights or ():
            if spot.id not in types:
                hint = did_you_mean(spot.id, types) or f" (no abstracts/{spot.id}.md)"
                add(f"unknown contribution '{spot.id}' in spotlights{hint}", spot.line, Problem.REF)
        if slot.posters and claims:
            owner: dict[int, str] = {}
            for pid in slot.posters:
                claim = claims.get(pid)
                if claim is None or types.get(pid) != "poster":
                    continue
                if claim.board in owner:
                    add(
                        f"board {claim.board} is already taken by poster '{owner[claim.board]}' in the "
                        f"session on {schedule.file} line {slot.line}: choose another, or delete 'board:'",
                        claim.line,
                        Problem.DUPLICATE,
                        claim.file,
                    )
                else:
                    owner[claim.board] = pid
    return problems


def check_talk_references(schedule: Schedule, talk_ids: set[str]) -> list[WorkshopError]:
    """Problems that need the talk pages: unknown ids, a talk in two slots (see also
    check_contributions, which adds the poster checks)."""
    problems = []
    first_slot: dict[str, Slot] = {}
    for slot in schedule.slots():
        if not slot.talk:
            continue
        if slot.talk not in talk_ids:
            hint = did_you_mean(slot.talk, talk_ids) or f" (no abstracts/{slot.talk}.md)"
            problems.append(
                WorkshopError(
                    f"unknown talk '{slot.talk}'{hint}",
                    schedule.file,
                    slot.talk_line,
                    Problem.REF,
                )
            )
        elif slot.talk in first_slot:
            other = first_slot[slot.talk]
            problems.append(
                WorkshopError(
                    f"talk '{slot.talk}' is already in the slot on line {other.line}: a talk has one slot",
                    schedule.file,
                    slot.talk_line,
                    Problem.DUPLICATE,
                )
            )
        else:
            first_slot[slot.talk] = slot
    return problems
