"""``make new-edition``: the next edition of the site from this one, as pretalx copies an event.

``python -m sphinx_workshop_site.edition.newedition --acronym "XYZ'26" --start 2026-06-03``
``[--venue …] [--keep a,b] [--clear]``

- keeps the structure (pages, settings, theme, the schedule's days, slots, breaks and rooms);
- sets the acronym in conf.py's edition block (and empties the logo text, which named the old place);
- shifts the schedule's days so the first one is ``--start`` (one year later by default), sets the
  venue when given, and turns the slots of the talks that do not stay into "To be announced";
- moves the talks and speakers that do not stay (``--keep`` lists those that do: talk or speaker
  ids; a kept talk keeps its speakers) to ``archive/<old edition>/`` with the old schedule, or
  deletes them with ``--clear``;
- empties the book's ISBN and DOI (they name the old edition's book);
- shifts ISO dates (``{date}`2024-11-26```) in the organizers' pages (the book's front pages too)
  by the same number of days,
  and writes the new acronym for the old one there, in the schedule and in the contributor guides;
- writes NEXT-EDITION.md: what is left to do by hand, with the file:line of every date in prose
  that is still outside the new days (the build warns about each until it is fixed).

Nothing is changed when an argument is wrong (one line naming it, exit status 2).
"""

from __future__ import annotations

import argparse
import ast
import datetime as dt
import json
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ..cli import ProjectSettings
from ..model.frontmatter import read_talk
from ..model.owners import folder_listing, owner
from ..model.schedule import Schedule
from ..model.schedulefile import load_schedule
from .checks import ISO_DATE, prose_date_problems

CONF = "conf.py"
ACRONYM_LINE = re.compile(r"^workshop_acronym\s*=\s*(?P<value>.+)$", re.M)
LOGO_TEXT_LINE = re.compile(r"^workshop_logo_text\s*=\s*(?P<value>[^#\n]+)", re.M)
# an ISBN and a DOI name one book: the next edition's book has its own
BOOK_ID_LINES = {
    name: re.compile(rf"^{name}\s*=\s*(?P<value>[^#\n]+)", re.M)
    for name in ("workshop_book_isbn", "workshop_book_doi")
}
ORGANIZER_PAGES = ("index.md", "program/index.md", "proceedings.md")
# Documents that name the edition in prose: the old acronym becomes the new one.
NAMING_FILES = ("README.md", "CONTRIBUTING.md", ".github/pull_request_template.md")
TBA = "To be announced"


class EditionError(Exception):
    """A wrong argument or an unreadable project: one line, nothing changed."""


@dataclass
class Plan:
    old_acronym: str
    acronym: str
    shift: dt.timedelta
    venue: str | None
    keep_talks: list[str]
    keep_speakers: list[str]
    archive_talks: list[str]
    archive_speakers: list[str]
    archive_dir: Path | None  # None: --clear
    notes: list[str] = field(default_factory=list)
    kept_pages: list[str] = field(default_factory=list)  # the talk and speaker pages that stay


def slug(acronym: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", acronym.lower())


def next_acronym(acronym: str) -> str:
    """'LoRAINNe'24' → 'LoRAINNe'25', 'XYZ 2026' → 'XYZ 2027' (the number at the end, plus one)."""
    match = re.search(r"(\d+)$", acronym)
    if not match:
        raise EditionError(f"cannot tell the next acronym after {acronym!r}: give --acronym")
    number = match.group(1)
    return acronym[: match.start()] + str(int(number) + 1).zfill(len(number))


def python_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def conf_acronym(conf_text: str) -> str:
    match = ACRONYM_LINE.search(conf_text)
    if not match:
        raise EditionError(f"{CONF}: no 'workshop_acronym = …' line in the edition block")
    try:
        value = ast.literal_eval(match.group("value").strip())  # a trailing comment is fine
    except (ValueError, SyntaxError):
        value = None
    if not isinstance(value, str):
        raise EditionError(f'{CONF}: workshop_acronym must be a plain string ("XYZ\'26"), not an expression')
    return value


def page_ids(folder: Path) -> list[str]:
    return sorted(p.stem for p in folder.glob("*.md") if p.stem != "index")


def read_schedule(root: Path, settings: ProjectSettings) -> Schedule:
    path = root / settings.schedule
    schedule, problems = load_schedule(path.read_bytes(), settings.schedule)
    if schedule is None or problems:
        first = problems[0] if problems else None
        raise EditionError(f"{first or settings.schedule + ': cannot be read'}: fix the schedule first")
    return schedule


def make_plan(root: Path, args: argparse.Namespace) -> Plan:
    settings = ProjectSettings.from_conf(root)
    conf_text = (root / CONF).read_text(encoding="utf-8")
    old = conf_acronym(conf_text)
    acronym = args.acronym or next_acronym(old)
    if slug(acronym) == slug(old):
        raise EditionError(f"--acronym {acronym!r} is the current edition's: give the next one")
    schedule = read_schedule(root, settings)
    first = schedule.days[0].date
    try:
        start = dt.date.fromisoformat(args.start) if args.start else first.replace(year=first.year + 1)
    except ValueError:
        raise EditionError(f"--start {args.start!r} is not an ISO date (YYYY-MM-DD)") from None
    talks = page_ids(root / settings.talks_dir)
    speakers = page_ids(root / settings.speakers_dir)
    keep = [k.strip() for k in (args.keep or "").split(",") if k.strip()]
    unknown = [k for k in keep if k not in talks and k not in speakers]
    if unknown:
        raise EditionError(f"--keep {', '.join(unknown)}: no such talk or speaker page")
    keep_talks = [t for t in talks if t in keep]
    keep_speakers = {s for s in speakers if s in keep}
    for tid in keep_talks:
        file = f"{settings.talks_dir}/{tid}.md"
        meta, _problems = read_talk(tid, (root / file).read_text(encoding="utf-8", errors="replace"), file)
        keep_speakers.update(s for s in meta.speakers if s in speakers)
    archive = None if args.clear else root / "archive" / slug(old)
    if archive is not None and archive.exists():
        raise EditionError(f"{archive.relative_to(root)} exists already: move it away or use --clear")
    return Plan(
        old,
        acronym,
        start - first,
        args.venue,
        keep_talks,
        sorted(keep_speakers),
        [t for t in talks if t not in keep_talks],
        [s for s in speakers if s not in keep_speakers],
        archive,
    )


def _remove_list_item(lines: list[str], index: int, item: str) -> None:
    """Remove ``item`` from the YAML list entry on ``lines[index]``: a block item (``- id``,
    ``- id: x`` and its indented keys) or one element of a flow list (``[a, x, b]``)."""
    line = lines[index]
    block = re.match(rf"^(\s*)-\s*(?:id:\s*)?{re.escape(item)}\s*(#.*)?$", line)
    if block:
        indent = len(block.group(1))
        end = index + 1
        while end < len(lines) and lines[end].strip() and len(lines[end]) - len(lines[end].lstrip()) > indent:
            end += 1
        del lines[index:end]
        return
    flow = re.search(r"\[([^\]]*)\]", line)
    if flow:
        items = [i.strip() for i in flow.group(1).split(",") if i.strip() and i.strip() != item]
        lines[index] = line[: flow.start()] + "[" + ", ".join(items) + "]" + line[flow.end() :]


def reset_schedule(text: str, schedule: Schedule, plan: Plan) -> str:
    """The schedule for the next edition, edited line by line (comments and layout stay)."""
    lines = text.split("\n")
    leaving = set(plan.archive_talks)
    removals: list[tuple[int, str]] = []
    for slot in schedule.slots():
        if slot.talk in leaving:
            index = slot.talk_line - 1
            match = re.match(r"^(\s*)(-\s+)?talk:\s*\S+\s*(#.*)?$", lines[index])
            if match:
                key_indent = " " * (len(match.group(1)) + len(match.group(2) or ""))
                lines[index] = f"{match.group(1)}{match.group(2) or ''}title: {TBA}\n{key_indent}kind: talk"
        for poster, line in zip(slot.posters or (), slot.poster_lines, strict=False):
            if poster in leaving:
                removals.append((line - 1, poster))
        for spot in slot.spotlights or ():
            if spot.id in leaving:
                removals.append((spot.line - 1, spot.id))
    for index, item in sorted(removals, reverse=True):  # bottom up: earlier line numbers stay right
        _remove_list_item(lines, index, item)
    text = "\n".join(lines)
    text = re.sub(
        r"^(\s*(?:-\s+)?date:\s*)(\d{4}-\d{2}-\d{2})",
        lambda m: m.group(1) + (dt.date.fromisoformat(m.group(2)) + plan.shift).isoformat(),
        text,
        flags=re.M,
    )
    if plan.venue:
        # Quoted as JSON (a YAML double-quoted string): a venue may hold ': ' or '#'.
        venue = json.dumps(plan.venue, ensure_ascii=False)
        text = re.sub(r"^venue:.*$", lambda _m: f"venue: {venue}", text, count=1, flags=re.M)
        # The old venue's postal address would be published with the new venue: it goes.
        text = re.sub(r"^address:.*\n?", "", text, count=1, flags=re.M)
    return text


def shift_iso_dates(text: str, shift: dt.timedelta) -> str:
    def shifted(match: re.Match) -> str:
        try:
            day = dt.date(int(match["year"]), int(match["month"]), int(match["day"]))
        except ValueError:
            return match.group(0)
        return (day + shift).isoformat()

    return ISO_DATE.sub(shifted, text)


def _move(root: Path, folder: str, ids: list[str], archive: Path | None) -> list[str]:
    """Archive (or delete) every file of the pages ``ids`` of ``folder``, by the one naming rule
    of owners.py (``<id>.md``, ``<id>.bib``, ``<id>-<name>.<ext>``, ``<id>/``); the files moved,
    counted one by one as they go (a page's folder: each file in it)."""
    names, pages = folder_listing(root / folder)
    leaving = set(ids)
    moved = []
    for name in names:
        path = root / folder / name
        if owner(f"{name}/" if path.is_dir() and not path.is_symlink() else name, pages) not in leaving:
            continue
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        if archive is None:
            shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()
        else:
            (archive / folder).mkdir(parents=True, exist_ok=True)
            shutil.move(str(path), archive / folder / name)
        moved += [p.relative_to(root).as_posix() for p in files]
    return moved


def organizer_pages(root: Path, settings: ProjectSettings) -> list[str]:
    pages = [p for p in ORGANIZER_PAGES if (root / p).is_file()]
    pages += [f"{p}.md" for p in settings.front_pages if (root / f"{p}.md").is_file()]  # the book's
    for folder in (settings.talks_dir, settings.speakers_dir):
        if (root / folder / "index.md").is_file():
            pages.append(f"{folder}/index.md")
    return pages


def apply(root: Path, plan: Plan) -> list[str]:
    """Make the change; return the checklist's lines (Markdown)."""
    settings = ProjectSettings.from_conf(root)
    schedule_path = root / settings.schedule
    schedule_text = schedule_path.read_text(encoding="utf-8")
    schedule = read_schedule(root, settings)
    moved = []  # every file archived (or deleted), as it is done: what the checklist says
    if plan.archive_dir is not None:
        (plan.archive_dir / Path(settings.schedule).parent).mkdir(parents=True, exist_ok=True)
        for name in (settings.schedule, CONF):
            shutil.copy2(root / name, plan.archive_dir / name)
            moved.append(name)
    moved += _move(root, settings.talks_dir, plan.archive_talks, plan.archive_dir)
    moved += _move(root, settings.speakers_dir, plan.archive_speakers, plan.archive_dir)
    schedule_path.write_text(reset_schedule(schedule_text, schedule, plan), encoding="utf-8")

    conf = root / CONF
    conf_text = conf.read_text(encoding="utf-8")
    conf_text = ACRONYM_LINE.sub(lambda _m: f"workshop_acronym = {python_string(plan.acronym)}", conf_text, 1)
    logo_text = LOGO_TEXT_LINE.search(conf_text)
    if logo_text and logo_text.group("value").strip() not in ('""', "''"):
        conf_text = LOGO_TEXT_LINE.sub('workshop_logo_text = "" ', conf_text, 1)
        plan.notes.append(
            "`workshop_logo_text` emptied (it named the old place or dates): "
            "the logo's caption is the schedule's town and dates"
        )
    for name, line in BOOK_ID_LINES.items():
        found = line.search(conf_text)
        if found and found.group("value").strip() not in ('""', "''"):
            conf_text = line.sub(f'{name} = "" ', conf_text, 1)
            plan.notes.append(
                f"`{name}` emptied (it named the {plan.old_acronym} book): the new book has its own"
            )
    conf.write_text(conf_text, encoding="utf-8")

    pages = organizer_pages(root, settings)
    for page in pages:
        path = root / page
        text = shift_iso_dates(path.read_text(encoding="utf-8"), plan.shift)
        path.write_text(text.replace(plan.old_acronym, plan.acronym), encoding="utf-8")
    for name in (settings.schedule, *NAMING_FILES):
        path = root / name
        if path.is_file():
            path.write_text(path.read_text(encoding="utf-8").replace(plan.old_acronym, plan.acronym), "utf-8")
    # the pages that stay were written for the old edition ("Confirmed speaker at XYZ'24")
    kept = [f"{settings.talks_dir}/{t}.md" for t in plan.keep_talks]
    kept += [f"{settings.speakers_dir}/{s}.md" for s in plan.keep_speakers]
    for page in kept:
        path = root / page
        if path.is_file():
            path.write_text(path.read_text(encoding="utf-8").replace(plan.old_acronym, plan.acronym), "utf-8")
    plan.kept_pages = kept

    new_schedule = read_schedule(root, settings)
    first, last = new_schedule.days[0].date, new_schedule.days[-1].date
    stale = []
    for page in pages:
        stale += prose_date_problems((root / page).read_text(encoding="utf-8"), page, first, last)
    return checklist(plan, settings, moved, stale, first, last)


def checklist(
    plan: Plan, settings: ProjectSettings, moved, stale, first: dt.date, last: dt.date
) -> list[str]:
    where = f"archive/{slug(plan.old_acronym)}/" if plan.archive_dir is not None else None
    lines = [
        f"# Next edition: {plan.acronym} (from {plan.old_acronym})",
        "",
        f"`make new-edition` has set the acronym, moved the schedule's days to {first.isoformat()} – "
        f"{last.isoformat()}"
        + (f", set the venue to {plan.venue}" if plan.venue else "")
        + ", and "
        + (f"archived {len(moved)} files into `{where}`." if where else f"deleted {len(moved)} files."),
        f"Kept talks: {', '.join(plan.keep_talks) or 'none'}; "
        f"kept speakers: {', '.join(plan.keep_speakers) or 'none'}.",
        *[f"Note: {note}." for note in plan.notes],
        "",
        "Still to do by hand (tick each box):",
        "",
        "- [ ] `conf.py`, edition block: full name, organizers, organizing group, acknowledgement, "
        "copyright holder.",
        f"- [ ] `{settings.schedule}`: venue, its postal `address:`, rooms (two or more: parallel "
        f'tracks), days, slot times and talks; the slots of talks that left say "{TBA}".',
        "- [ ] New talks and speakers: `make new-abstract ID=<id>` (or contributors' pull requests).",
        "- [ ] The organizers' pages (home, programme, talk and speaker indexes): venue, registration, "
        "contact, the dates in prose; the build warns about every date outside the schedule's days:",
    ]
    lines += [f"  - [ ] `{p.location}`: {p.message}" for p in stale] or ["  - (none left)"]
    lines.append(
        "- [ ] The home page's other edition facts: the map link, registration form, the organizers' "
        "list and acknowledgement (conf.py's edition block says them for the book and the exports)."
    )
    lines += [
        f"- [ ] `{page}`: kept from {plan.old_acronym}; its acronym is updated, reread the rest."
        for page in plan.kept_pages
    ]
    lines.append(
        "- [ ] README.md's introduction (the edition's dates and venue in prose; not built, so no warning)."
    )
    lines += [
        "- [ ] The published address: `SITE_BASEURL` where the site is deployed (CI, Read the Docs).",
        "- [ ] `make check`, then `make all`: the site and the proceedings build with no warning.",
        "- [ ] Delete this file.",
        "",
    ]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make new-edition", description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", default=".", help="the site's folder (conf.py)")
    parser.add_argument(
        "--acronym", help="the new edition's acronym (default: the current one's number plus one)"
    )
    parser.add_argument(
        "--start", help="the new first day, YYYY-MM-DD (default: the same day one year later)"
    )
    parser.add_argument("--venue", help="the new venue, 'Place, Town, Country' (default: unchanged)")
    parser.add_argument("--keep", help="talk and speaker ids that stay, comma-separated (default: none)")
    parser.add_argument("--clear", action="store_true", help="delete the others instead of archiving them")
    args = parser.parse_args(argv)
    root = Path(args.root).resolve()
    try:
        if not (root / CONF).is_file():
            raise EditionError(f"{root}: no conf.py here (run from the site's folder or give --root)")
        plan = make_plan(root, args)
        lines = apply(root, plan)
    except EditionError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    (root / "NEXT-EDITION.md").write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    print("(this checklist is also in NEXT-EDITION.md)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
