"""Releases of the programme: what each published version held, and what changed between them.

``make release-schedule`` writes ``program/releases/<N>.yaml`` (next to the schedule): the
version number, the release time, whether the programme is final, and every contribution as it
was: each talk's title, day, time, room and cancellation; each poster's the same, its session's,
with its board; each spotlight's the same, its slot's, with its own time when the schedule gives
one. Organizers commit these files; the site's version line, its changes page and the calendars'
SEQUENCE and LAST-MODIFIED (a talk's event, and a poster or spotlight session's) are computed from
them.

Pure Python: no Sphinx, no docutils. Every problem is a located WorkshopError.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from . import sourceyaml
from .errors import Problem, WorkshopError
from .schedule import Schedule, format_date, format_time_range, is_page_id
from .schedulefile import DATE_PATTERN, parse_time_range
from .sourceyaml import LocMap, LocStr

RELEASES_DIR = "releases"  # beside the schedule file: program/releases/<N>.yaml
RELEASE_NAME = re.compile(r"^([1-9][0-9]{0,3})\.yaml$")
FORMS = ("talk", "poster", "spotlight")  # how the programme presents a contribution
LISTS = {"talk": "talks", "poster": "posters", "spotlight": "spotlights"}  # a release's list of each
RELEASE_KEYS = ("version", "released", "final", *LISTS.values())
TALK_KEYS = ("id", "title", "date", "time", "room", "cancelled")
ENTRY_KEYS = {"talk": TALK_KEYS, "poster": (*TALK_KEYS, "board"), "spotlight": (*TALK_KEYS, "at")}
MAX_RELEASES = 1000
MAX_RELEASE_BYTES = 2_000_000  # a release of a 500-talk programme is about 60 kB


def session_key(date: dt.date, start: dt.time, room: str) -> str:
    """The key of a poster or spotlight session's calendar revision: its day, start and room (as
    ``Schedule.room_of`` names it), as its calendar event is identified."""
    return f"session {date.isoformat()} {start:%H:%M} {room}"


@dataclass(frozen=True)
class State:
    """A contribution as one release published it: a talk in its slot, a poster in its session
    (``start``, ``end``: the session's) at its board, or a spotlight in its slot, at its own time
    (``at``) when the schedule gives one."""

    id: str
    title: str
    date: dt.date
    start: dt.time
    end: dt.time
    room: str  # "" : every room
    cancelled: bool = False
    line: int = field(default=0, compare=False)
    form: str = "talk"  # one of FORMS
    board: int | None = None  # a poster's
    at: tuple[dt.time, dt.time] | None = None  # a spotlight's own time

    @property
    def when(self) -> str:
        """'Tuesday 26 November 2024, 16:00–17:30, Hall, board 3' (a spotlight: its own time)."""
        start, end = self.at or (self.start, self.end)
        room = f", {self.room}" if self.room else ""
        board = f", board {self.board}" if self.board is not None else ""
        return f"{format_date(self.date)}, {format_time_range(start, end)}{room}{board}"

    def place(self) -> tuple:
        return (self.date, self.start, self.end, self.room, self.board, self.at)

    @property
    def session_key(self) -> str:
        return session_key(self.date, self.start, self.room)


@dataclass(frozen=True)
class Release:
    version: int
    released: dt.datetime  # UTC
    final: bool
    talks: Mapping[str, State]
    file: str
    posters: Mapping[str, State] = field(default_factory=dict)
    spotlights: Mapping[str, State] = field(default_factory=dict)

    @property
    def date(self) -> dt.date:
        return self.released.date()

    def of(self, form: str) -> Mapping[str, State]:
        """The release's talks, posters or spotlights (``form``: one of FORMS), by id."""
        return {"talk": self.talks, "poster": self.posters, "spotlight": self.spotlights}[form]

    def same_programme(self, other: Release) -> bool:
        """Whether both publish the same contributions, as the same, and are both final or not."""
        return self.final == other.final and all(self.of(f) == other.of(f) for f in FORMS)


@dataclass(frozen=True)
class Change:
    """One change of a contribution from the previous release to this one. ``kind``: added,
    moved, retitled, cancelled, reinstated or removed; ``talk``: the contribution's id; ``before``:
    it in the previous release. A talk is said by its title; a poster or spotlight as one."""

    kind: str
    talk: str
    before: State | None
    after: State | None

    @property
    def form(self) -> str:
        return (self.after or self.before).form

    def parts(self) -> list[tuple[str, str]]:
        """The sentence as ("text", …) and ("title", …) pieces: a title is a page's as written
        (Markdown, its math in dollars), for the site to show as it shows titles."""
        after, before = self.after, self.before
        noun = "" if self.form == "talk" else f"{self.form} "

        def title(state: State) -> tuple[str, str]:
            return ("title", state.title)

        if self.kind == "added":
            return [("text", f"Added: {noun}"), title(after), ("text", f" ({after.when})")]
        if self.kind == "moved":
            to = after.when
            if (after.date, after.start, after.end, after.room, after.at) == (
                before.date,
                before.start,
                before.end,
                before.room,
                before.at,
            ):
                to = f"board {after.board}" if after.board is not None else "no board"  # in its session
            elif after.date == before.date:  # the day is said once
                to = to.removeprefix(f"{format_date(after.date)}, ")
            return [("text", f"Moved: {noun}"), title(after), ("text", f", from {before.when} to {to}")]
        if self.kind == "retitled":
            return [("text", f"Retitled: {noun}"), title(before), ("text", " is now "), title(after)]
        if self.kind == "cancelled":
            return [("text", f"Cancelled: {noun}"), title(after), ("text", f" ({after.when})")]
        if self.kind == "reinstated":
            return [("text", f"No longer cancelled: {noun}"), title(after), ("text", f" ({after.when})")]
        return [("text", f"Removed: {noun}"), title(before), ("text", f" ({before.when})")]

    def describe(self) -> str:
        return "".join(text for _kind, text in self.parts())


# --------------------------------------------------------------------------- the diff


def diff(previous: Release | None, current: Release) -> list[Change]:
    """What changed for each contribution from ``previous`` (None: the first release, every one
    added) to ``current``: the talks, then the posters, then the spotlights, each in the current
    release's order (removed ones last). One both moved and retitled has both changes."""
    changes: list[Change] = []
    for form in FORMS:
        before = previous.of(form) if previous is not None else {}
        now_listed = current.of(form)
        for tid, now in now_listed.items():
            was = before.get(tid)
            if was is None:
                changes.append(Change("added", tid, None, now))
                continue
            if now.cancelled != was.cancelled:
                changes.append(Change("cancelled" if now.cancelled else "reinstated", tid, was, now))
            if now.place() != was.place():
                changes.append(Change("moved", tid, was, now))
            if now.title != was.title:
                changes.append(Change("retitled", tid, was, now))
        changes.extend(
            Change("removed", tid, was, None) for tid, was in before.items() if tid not in now_listed
        )
    return changes


@dataclass(frozen=True)
class Revision:
    """A calendar event's revision: how many releases changed it (iCalendar SEQUENCE) and when it
    was last published changed, or first published (LAST-MODIFIED)."""

    sequence: int
    modified: dt.datetime


def revisions(releases: Iterable[Release]) -> dict[str, Revision]:
    """Each released event's revision, from the releases in version order: a talk's (by its id),
    and a poster or spotlight session's (by :func:`session_key`: its event lists them). A release
    that changes a talk, or a poster or spotlight of a session (added, moved in or out, retitled,
    cancelled, removed), adds one to that event's sequence, once however many changes."""
    out: dict[str, Revision] = {}
    previous = None
    for release in releases:
        changed = set()
        for change in diff(previous, release):
            if change.form == "talk":
                if change.kind != "removed":
                    changed.add(change.talk)
            else:  # the sessions whose lists changed: where it was, and where it is
                changed.update(s.session_key for s in (change.before, change.after) if s is not None)
        for tid in changed:
            old = out.get(tid)
            out[tid] = Revision(old.sequence + 1 if old else 0, release.released)
        previous = release
    return out


# --------------------------------------------------------------------------- reading


def releases_dir(schedule_path: Path) -> Path:
    return schedule_path.parent / RELEASES_DIR


def load_release(
    data: bytes, file: str, expected: int | None = None
) -> tuple[Release | None, list[WorkshopError]]:
    """One release file. ``expected``: the version its name says."""
    problems: list[WorkshopError] = []

    def add(message: str, line: int | None, subtype: Problem = Problem.KEY) -> None:
        problems.append(WorkshopError(message, file, line, subtype))

    if len(data) > MAX_RELEASE_BYTES:
        add(
            f"the file is {len(data) / 1e6:.1f} MB, over the {MAX_RELEASE_BYTES / 1e6:.0f} MB limit of "
            "a release: is it the right file?",
            1,
            Problem.FILE,
        )
        return None, problems
    try:
        root = sourceyaml.parse(sourceyaml.decode(data, file), file)
    except WorkshopError as err:
        return None, [err]
    if not isinstance(root, LocMap):
        add("a release must be a mapping with 'version', 'released' and 'talks'", getattr(root, "line", 1))
        return None, problems
    for key in root:
        if key not in RELEASE_KEYS:
            add(f"unknown key '{key}' in a release (allowed: {', '.join(RELEASE_KEYS)})", root.line_of(key))
    version_text = root.get("version")
    version = int(version_text) if isinstance(version_text, LocStr) and version_text.isdigit() else None
    if version is None or version < 1:
        add(
            f"version '{version_text}' is not a whole number from 1: write the file's number, "
            "e.g. 'version: 1'",
            root.line_of("version") if "version" in root else root.line,
            Problem.TYPE,
        )
        return None, problems
    if expected is not None and version != expected:
        add(
            f"version {version} is not the file's number {expected}: "
            "a release's file is named <version>.yaml",
            root.line_of("version"),
            Problem.TYPE,
        )
    released = _parse_time(root.get("released"))
    if released is None:
        add(
            f"'released' must be a UTC time such as 2024-11-20T09:30:00Z, not '{root.get('released')}'",
            root.line_of("released") if "released" in root else root.line,
            Problem.DATE,
        )
        return None, problems
    final = root.get("final", "false")
    if final not in ("true", "false"):
        add(f"'final' must be true or false, not '{final}'", root.line_of("final"), Problem.TYPE)
    listed: dict[str, dict[str, State]] = {}
    for form in FORMS:
        key = LISTS[form]
        states = listed[form] = {}
        entries = root.get(key) or []
        if not isinstance(entries, list):
            add(f"'{key}' must be a list of {key}", root.line_of(key), Problem.TYPE)
            entries = []
        for entry in entries:
            state = _state(entry, add, form)
            if state is None:
                continue
            if state.id in states:
                add(
                    f"{form} '{state.id}' is listed twice in this release (line {states[state.id].line})",
                    state.line,
                    Problem.DUPLICATE,
                )
                continue
            states[state.id] = state
    release = Release(
        version, released, final == "true", listed["talk"], file, listed["poster"], listed["spotlight"]
    )
    return release, problems


def _parse_time(value) -> dt.datetime | None:
    if not isinstance(value, LocStr):
        return None
    try:
        parsed = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return None
    return parsed.astimezone(dt.UTC)


def _state(entry, add, form: str = "talk") -> State | None:
    keys = ENTRY_KEYS[form]
    if not isinstance(entry, LocMap):
        add(
            f"each {form} of a release must be a mapping with 'id', 'title', 'date' and 'time'",
            getattr(entry, "line", None),
            Problem.TYPE,
        )
        return None
    for key in entry:
        if key not in keys:
            add(f"unknown key '{key}' in a released {form} (allowed: {', '.join(keys)})", entry.line_of(key))
    tid, title, date, time = (entry.get(k) for k in ("id", "title", "date", "time"))
    if not isinstance(tid, LocStr) or not is_page_id(tid):
        add(
            f"{form} id '{tid}' is not a file stem (lower-case letters, digits, '-')", entry.line, Problem.REF
        )
        return None
    if not isinstance(date, LocStr) or not re.match(DATE_PATTERN, date):
        add(f"date '{date}' of {form} '{tid}' is not an ISO date (YYYY-MM-DD)", entry.line, Problem.DATE)
        return None
    try:
        day = dt.date.fromisoformat(date)
    except ValueError:
        add(f"date '{date}' of {form} '{tid}' does not exist", date.line, Problem.DATE)
        return None
    times = parse_time_range(time) if isinstance(time, LocStr) else None
    if times is None:
        add(f"time '{time}' of {form} '{tid}' is not a range HH:MM-HH:MM", entry.line, Problem.TIME)
        return None
    cancelled = entry.get("cancelled", "false")
    if cancelled not in ("true", "false"):
        add(f"'cancelled' must be true or false, not '{cancelled}'", entry.line_of("cancelled"), Problem.TYPE)
    board = entry.get("board")
    if board is not None and not (isinstance(board, LocStr) and board.isdigit() and 0 < int(board) < 10_000):
        add(f"board '{board}' of poster '{tid}' is not a board number", entry.line_of("board"), Problem.TYPE)
        board = None
    at = entry.get("at")
    own = parse_time_range(at) if isinstance(at, LocStr) else None
    if at is not None and own is None:
        add(f"'at' of spotlight '{tid}' is not a range HH:MM-HH:MM", entry.line_of("at"), Problem.TIME)
    room = entry.get("room") or ""
    return State(
        str(tid),
        str(title or ""),
        day,
        *times,
        str(room),
        cancelled == "true",
        tid.line,
        form,
        int(board) if board is not None else None,
        own,
    )


def load_releases(folder: Path, display: str) -> tuple[list[Release], list[WorkshopError]]:
    """Every release in ``folder`` (display: its path as messages name it), in version order;
    versions must run 1, 2, 3… with no gap and their times must not go back."""
    if not folder.is_dir():
        return [], []
    releases: list[Release] = []
    problems: list[WorkshopError] = []
    files = sorted(p for p in folder.iterdir() if not p.name.startswith("."))
    for path in files[:MAX_RELEASES]:
        name = f"{display}/{path.name}"
        match = RELEASE_NAME.match(path.name)
        if not match:
            problems.append(
                WorkshopError(
                    f"'{path.name}' is not a release file: name it <version>.yaml, e.g. 1.yaml "
                    "(make release-schedule writes them)",
                    name,
                    None,
                    Problem.FILE,
                )
            )
            continue
        release, found = load_release(path.read_bytes(), name, int(match.group(1)))
        problems.extend(found)
        if release is not None:
            releases.append(release)
    releases.sort(key=lambda r: r.version)
    for number, release in enumerate(releases, start=1):
        if release.version != number:
            problems.append(
                WorkshopError(
                    f"version {release.version} follows version {number - 1}: release {number} is missing",
                    release.file,
                    1,
                    Problem.FILE,
                )
            )
            break
    for earlier, later in itertools.pairwise(releases):
        if later.released < earlier.released:
            problems.append(
                WorkshopError(
                    f"version {later.version} is released before version {earlier.version} "
                    f"({earlier.released:%Y-%m-%dT%H:%M:%SZ})",
                    later.file,
                    None,
                    Problem.DATE,
                )
            )
    return releases, problems


def check_releases(releases: list[Release], schedule: Schedule, talk_ids: set[str]) -> list[WorkshopError]:
    """Problems that need the pages and the schedule: a released talk with no page, and a talk of
    the latest release that has no slot any more (cancel it: a talk never silently disappears)."""
    problems = []
    for release in releases:
        for state in release.talks.values():
            if state.id not in talk_ids:
                problems.append(
                    WorkshopError(
                        f"unknown talk '{state.id}' in programme version {release.version} (no page "
                        "for it): keep the page of a released talk, and mark its slot 'cancelled: true'",
                        release.file,
                        state.line,
                        Problem.REF,
                    )
                )
    if releases:
        latest = releases[-1]
        placed = set(schedule.talk_order())
        for state in latest.talks.values():
            if state.id not in placed and state.id in talk_ids:
                problems.append(
                    WorkshopError(
                        f"talk '{state.id}' of programme version {latest.version} has no slot in "
                        f"{schedule.file}: keep its slot and mark it 'cancelled: true' (a released talk "
                        "never silently disappears)",
                        latest.file,
                        state.line,
                        Problem.REF,
                    )
                )
    return problems


# --------------------------------------------------------------------------- writing


def page_title(text: str) -> str:
    """A talk page's title as written: its first '# ' heading after the front matter."""
    body = text
    if text.startswith("---"):
        end = text.find("\n---", 3)
        body = text[end + 4 :] if end >= 0 else text
    for line in body.splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return ""


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def snapshot(
    schedule: Schedule,
    titles: Mapping[str, str],
    version: int,
    released: dt.datetime,
    final: bool,
    boards: Mapping[str, int] | None = None,
) -> str:
    """The text of a release file for the schedule as it is (``boards``: every scheduled poster's
    board, contributions.schedule_boards)."""
    lines = [
        f"# Programme version {version}, written by `make release-schedule`: commit it, do not edit it.",
        f"version: {version}",
        f"released: {released.astimezone(dt.UTC):%Y-%m-%dT%H:%M:%SZ}",
        f"final: {'true' if final else 'false'}",
        "talks:",
    ]
    seen: set[str] = set()
    for slot in schedule.slots():
        if not slot.talk or slot.talk in seen:
            continue
        seen.add(slot.talk)
        lines.append(f"  - id: {slot.talk}")
        lines.append(f"    title: {_quoted(titles.get(slot.talk, ''))}")
        lines.append(f"    date: {slot.date.isoformat()}")
        lines.append(f"    time: {slot.start:%H:%M}-{slot.end:%H:%M}")
        room = schedule.room_of(slot)
        if room:
            lines.append(f"    room: {_quoted(room)}")
        if slot.cancelled:
            lines.append("    cancelled: true")
    if not seen:
        lines[-1] = "talks: []"
    for form in ("poster", "spotlight"):
        entries = _session_entries(schedule, titles, boards or {}, form)
        lines += [f"{LISTS[form]}:", *entries] if entries else []
    return "\n".join(lines) + "\n"


def _session_entries(schedule: Schedule, titles: Mapping[str, str], boards: Mapping[str, int], form: str):
    """The release file's lines of every poster (or spotlight) in programme order, each once,
    with its session's day, time and room."""
    lines: list[str] = []
    seen: set[str] = set()
    for slot in schedule.slots():
        listed = slot.posters if form == "poster" else tuple(s.id for s in slot.spotlights or ())
        spots = {s.id: s for s in slot.spotlights or ()}
        for cid in listed or ():
            if cid in seen:
                continue
            seen.add(cid)
            lines.append(f"  - id: {cid}")
            lines.append(f"    title: {_quoted(titles.get(cid, ''))}")
            lines.append(f"    date: {slot.date.isoformat()}")
            lines.append(f"    time: {slot.start:%H:%M}-{slot.end:%H:%M}")
            room = schedule.room_of(slot)
            if room:
                lines.append(f"    room: {_quoted(room)}")
            if form == "poster" and cid in boards:
                lines.append(f"    board: {boards[cid]}")
            spot = spots.get(cid)
            if spot is not None and spot.start and spot.end:
                lines.append(f"    at: {spot.start:%H:%M}-{spot.end:%H:%M}")
            if slot.cancelled:
                lines.append("    cancelled: true")
    return lines
