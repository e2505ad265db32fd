"""Releases of the programme: what each published version held, and what changed between them.

``make release-schedule`` writes ``program/releases/<N>.yaml`` (next to the schedule): the
version number, the release time, whether the programme is final, and every talk's title, day,
time, room and cancellation as they were. Organizers commit these files; the site's version line,
its changes page and the calendars' SEQUENCE and LAST-MODIFIED are computed from them.

Pure Python: no Sphinx, no docutils. Every problem is a located WorkshopError.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from . import sourceyaml
from .errors import Problem, WorkshopError
from .schedule import Schedule, format_date, format_time_range, is_page_id
from .schedulefile import DATE_PATTERN, parse_time_range
from .sourceyaml import LocMap, LocStr

RELEASES_DIR = "releases"  # beside the schedule file: program/releases/<N>.yaml
RELEASE_NAME = re.compile(r"^([1-9][0-9]{0,3})\.yaml$")
RELEASE_KEYS = ("version", "released", "final", "talks")
TALK_KEYS = ("id", "title", "date", "time", "room", "cancelled")
MAX_RELEASES = 1000
MAX_RELEASE_BYTES = 2_000_000  # a release of a 500-talk programme is about 60 kB


@dataclass(frozen=True)
class TalkState:
    """A talk as one release published it."""

    id: str
    title: str
    date: dt.date
    start: dt.time
    end: dt.time
    room: str  # "" : every room
    cancelled: bool = False
    line: int = 0

    @property
    def when(self) -> str:
        room = f", {self.room}" if self.room else ""
        return f"{format_date(self.date)}, {format_time_range(self.start, self.end)}{room}"

    def place(self) -> tuple:
        return (self.date, self.start, self.end, self.room)


@dataclass(frozen=True)
class Release:
    version: int
    released: dt.datetime  # UTC
    final: bool
    talks: Mapping[str, TalkState]
    file: str

    @property
    def date(self) -> dt.date:
        return self.released.date()


@dataclass(frozen=True)
class Change:
    """One change of a talk from the previous release to this one. ``kind``: added, moved,
    retitled, cancelled, reinstated or removed; ``before``: the talk in the previous release."""

    kind: str
    talk: str
    before: TalkState | None
    after: TalkState | None

    def describe(self) -> str:
        if self.kind == "added":
            return f"Added: {self.after.title} ({self.after.when})"
        if self.kind == "moved":
            after = self.after.when
            if self.after.date == self.before.date:  # the day is said once
                after = after.removeprefix(f"{format_date(self.after.date)}, ")
            return f"Moved: {self.after.title}, from {self.before.when} to {after}"
        if self.kind == "retitled":
            return f"Retitled: {self.before.title} is now {self.after.title}"
        if self.kind == "cancelled":
            return f"Cancelled: {self.after.title} ({self.after.when})"
        if self.kind == "reinstated":
            return f"No longer cancelled: {self.after.title} ({self.after.when})"
        return f"Removed: {self.before.title} ({self.before.when})"


# --------------------------------------------------------------------------- the diff


def diff(previous: Release | None, current: Release) -> list[Change]:
    """What changed for each talk from ``previous`` (None: the first release, every talk added) to
    ``current``, in the current release's order (removed talks last). A talk both moved and
    retitled has both changes."""
    before = previous.talks if previous is not None else {}
    changes: list[Change] = []
    for tid, now in current.talks.items():
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
        Change("removed", tid, was, None) for tid, was in before.items() if tid not in current.talks
    )
    return changes


@dataclass(frozen=True)
class Revision:
    """A talk's calendar revision: how many releases changed it (iCalendar SEQUENCE) and when it
    was last published changed, or first published (LAST-MODIFIED)."""

    sequence: int
    modified: dt.datetime


def revisions(releases: Iterable[Release]) -> dict[str, Revision]:
    """Each released talk's revision, from the releases in version order: a release that changes
    a talk (in any way, or several) adds one to its sequence."""
    out: dict[str, Revision] = {}
    previous = None
    for release in releases:
        changed = {c.talk for c in diff(previous, release) if c.kind != "removed"}
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
    talks: dict[str, TalkState] = {}
    entries = root.get("talks") or []
    if not isinstance(entries, list):
        add("'talks' must be a list of talks", root.line_of("talks"), Problem.TYPE)
        entries = []
    for entry in entries:
        state = _talk_state(entry, add)
        if state is None:
            continue
        if state.id in talks:
            add(
                f"talk '{state.id}' is listed twice in this release (line {talks[state.id].line})",
                state.line,
                Problem.DUPLICATE,
            )
            continue
        talks[state.id] = state
    return Release(version, released, final == "true", talks, file), problems


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


def _talk_state(entry, add) -> TalkState | None:
    if not isinstance(entry, LocMap):
        add(
            "each talk of a release must be a mapping with 'id', 'title', 'date' and 'time'",
            getattr(entry, "line", None),
            Problem.TYPE,
        )
        return None
    for key in entry:
        if key not in TALK_KEYS:
            add(
                f"unknown key '{key}' in a released talk (allowed: {', '.join(TALK_KEYS)})",
                entry.line_of(key),
            )
    tid, title, date, time = (entry.get(k) for k in ("id", "title", "date", "time"))
    if not isinstance(tid, LocStr) or not is_page_id(tid):
        add(f"talk id '{tid}' is not a file stem (lower-case letters, digits, '-')", entry.line, Problem.REF)
        return None
    if not isinstance(date, LocStr) or not re.match(DATE_PATTERN, date):
        add(f"date '{date}' of talk '{tid}' is not an ISO date (YYYY-MM-DD)", entry.line, Problem.DATE)
        return None
    try:
        day = dt.date.fromisoformat(date)
    except ValueError:
        add(f"date '{date}' of talk '{tid}' does not exist", date.line, Problem.DATE)
        return None
    times = parse_time_range(time) if isinstance(time, LocStr) else None
    if times is None:
        add(f"time '{time}' of talk '{tid}' is not a range HH:MM-HH:MM", entry.line, Problem.TIME)
        return None
    cancelled = entry.get("cancelled", "false")
    if cancelled not in ("true", "false"):
        add(f"'cancelled' must be true or false, not '{cancelled}'", entry.line_of("cancelled"), Problem.TYPE)
    room = entry.get("room") or ""
    return TalkState(str(tid), str(title or ""), day, *times, str(room), cancelled == "true", tid.line)


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
    schedule: Schedule, titles: Mapping[str, str], version: int, released: dt.datetime, final: bool
) -> str:
    """The text of a release file for the schedule as it is."""
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
    return "\n".join(lines) + "\n"
