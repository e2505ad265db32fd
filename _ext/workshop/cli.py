"""Command line: ``python -m workshop check`` and ``python -m workshop schema``.

``check`` validates the contributor files without building the site (fast, offline) and
prints the same ``file:line: message`` lines as the build.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from . import frontmatter
from .bibfile import files_in_base, read_bib_files
from .bibfile import merge as merge_bib
from .content import body_lines, check_citations, check_size, check_unfinished, check_word_limit
from .errors import Problem, WorkshopError, did_you_mean
from .model import ScheduleCache, check_talk_references, schedule_json_schema
from .safety import check_content, check_own_file
from .scaffold import ScaffoldError, new_abstract
from .sourceyaml import decode

SCHEMA_PATH = "program/schedule.schema.json"


def has_h1(text: str) -> bool:
    """A '# Title' line outside front matter and code fences."""
    return any(not fenced and re.match(r"^# \S", line.strip()) for _n, line, fenced in body_lines(text))


@dataclass
class ProjectSettings:
    """What ``check`` needs from conf.py (read without starting Sphinx)."""

    talks_dir: str = "abstracts"
    speakers_dir: str = "speakers"
    schedule: str = "program/schedule.yaml"
    word_limit: int = 300
    bibfiles: tuple[str, ...] = ()

    @classmethod
    def from_conf(cls, root: Path) -> ProjectSettings:
        conf = root / "conf.py"
        if not conf.exists():
            return cls()
        from sphinx.util.tags import Tags

        namespace: dict = {"__file__": str(conf), "tags": Tags()}
        exec(compile(conf.read_text(encoding="utf-8"), str(conf), "exec"), namespace)
        defaults = cls()
        return cls(
            namespace.get("workshop_talks_dir", defaults.talks_dir),
            namespace.get("workshop_speakers_dir", defaults.speakers_dir),
            namespace.get("workshop_schedule", defaults.schedule),
            namespace.get("workshop_word_limit", defaults.word_limit),
            tuple(namespace.get("bibtex_bibfiles") or ()),
        )


def _read_text(path: Path, rel: str, problems: list[WorkshopError]) -> str | None:
    try:
        return decode(path.read_bytes(), rel)
    except WorkshopError as err:
        problems.append(err)
        return None


def check_project(root: Path, settings: ProjectSettings | None = None) -> list[WorkshopError]:
    """Every contributor file, as the build checks it, plus what only a submission needs."""
    settings = settings or ProjectSettings.from_conf(root)
    problems: list[WorkshopError] = []
    bib_texts, found = read_bib_files(root, list(settings.bibfiles), settings.talks_dir)
    problems.extend(found)
    _merged, entries, found = merge_bib(bib_texts, base_files=lambda: files_in_base(root))
    problems.extend(found)
    known_keys = set(entries)
    speakers: dict[str, tuple[str, frontmatter.SpeakerMeta]] = {}
    talks: dict[str, tuple[str, frontmatter.TalkMeta]] = {}
    for kind, folder in (("speaker", settings.speakers_dir), ("talk", settings.talks_dir)):
        for path in sorted((root / folder).glob("*.md")):
            if path.stem == "index":
                continue
            rel = path.relative_to(root).as_posix()
            text = _read_text(path, rel, problems)
            if text is None:
                continue
            reader = frontmatter.read_speaker if kind == "speaker" else frontmatter.read_talk
            meta, found = reader(path.stem, text, rel)
            problems.extend(found)
            if not has_h1(text):
                message = f"the {kind} page has no title: start its body with '# <{kind} title>'"
                problems.append(WorkshopError(message, rel, 1, Problem.TITLE))
            problems.extend(check_unfinished(text, rel))
            folder = settings.speakers_dir if kind == "speaker" else settings.talks_dir
            problems.extend(check_content(text, rel, path.stem, folder))
            if kind == "speaker" and meta.photo:
                problems.extend(check_own_file(meta.photo, rel, path.stem, folder))
            problems.extend(check_size(text, rel))
            if kind == "talk":
                problems.extend(check_word_limit(text, rel, settings.word_limit))
                problems.extend(check_citations(text, rel, known_keys))
                talks[path.stem] = (rel, meta)
            else:
                speakers[path.stem] = (rel, meta)
    for _tid, (rel, meta) in sorted(talks.items()):
        for speaker, line in zip(meta.speakers, meta.speaker_lines, strict=False):
            if speaker not in speakers:
                hint = did_you_mean(speaker, speakers) or f" (add {settings.speakers_dir}/{speaker}.md)"
                problems.append(WorkshopError(f"unknown speaker '{speaker}'{hint}", rel, line, Problem.REF))
    if (root / settings.schedule).exists():
        loaded, found = ScheduleCache().load(root / settings.schedule, settings.schedule)
        problems.extend(found)
        if loaded is not None:
            problems.extend(check_talk_references(loaded, set(talks)))
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m workshop", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="validate talk, speaker and schedule files")
    check.add_argument("--root", type=Path, default=Path.cwd())
    new = sub.add_parser("new-abstract", help="write the files of a new talk (and of its speaker)")
    new.add_argument("id", help="the talk id: lower-case letters, digits and '-' (e.g. jane-doe)")
    new.add_argument("--speaker", help="the speaker id (default: the talk id)")
    new.add_argument("--name", help="the speaker's name, for a new speaker page")
    new.add_argument("--root", type=Path, default=Path.cwd())
    schema = sub.add_parser("schema", help="write the schedule's JSON Schema")
    schema.add_argument("--root", type=Path, default=Path.cwd())
    schema.add_argument("--stdout", action="store_true", help="print instead of writing the file")
    args = parser.parse_args(argv)

    if args.command == "check":
        problems = check_project(args.root)
        for problem in problems:
            print(f"{problem} [workshop.{problem.subtype.value}]", file=sys.stderr)
        if problems:
            print(f"{len(problems)} problem(s) found.", file=sys.stderr)
            return 1
        print("All talk, speaker and schedule files are valid.")
        return 0
    if args.command == "new-abstract":
        settings = ProjectSettings.from_conf(args.root)
        try:
            written = new_abstract(
                args.root, args.id, args.speaker or None, args.name or None,
                settings.talks_dir, settings.speakers_dir, settings.word_limit,
            )  # fmt: skip
        except ScaffoldError as err:
            print(f"error: {err}", file=sys.stderr)
            return 1
        for path in written:
            print(f"wrote {path.relative_to(args.root)}")
        print("Fill them in, preview with `make live`, check with `make check` (see CONTRIBUTING.md).")
        return 0
    text = json.dumps(schedule_json_schema(), indent=2, ensure_ascii=False) + "\n"
    if args.stdout:
        sys.stdout.write(text)
    else:
        (args.root / SCHEMA_PATH).write_text(text, encoding="utf-8")
    return 0
