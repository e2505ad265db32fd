"""Command line: ``python -m workshop check`` and ``python -m workshop schema``.

``check`` validates the contributor files without building the site (fast, offline) and
prints the same ``file:line: message`` lines as the build.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from . import frontmatter
from .errors import Problem, WorkshopError, did_you_mean
from .model import ScheduleCache, check_talk_references, schedule_json_schema
from .sourceyaml import decode

SCHEMA_PATH = "program/schedule.schema.json"


def has_h1(text: str) -> bool:
    """A '# Title' line outside front matter and code fences."""
    fm_text, _first_line = frontmatter.split_front_matter(text)
    lines = text.split("\n")
    if fm_text is not None:
        lines = lines[fm_text.count("\n") + 3 :]
    fence = None
    for line in lines:
        stripped = line.strip()
        marker = re.match(r"^(`{3,}|~{3,}|:{3,})", stripped)
        if marker:
            if fence is None:
                fence = marker.group(1)[0]
            elif stripped[0] == fence:
                fence = None
            continue
        if fence is None and re.match(r"^# \S", stripped):
            return True
    return False


def check_project(root: Path, talks_dir: str = "abstracts", speakers_dir: str = "speakers",
                  schedule: str = "program/schedule.yaml") -> list[WorkshopError]:  # fmt: skip
    problems: list[WorkshopError] = []
    speakers = {}
    talks = {}
    for kind, folder in (("speaker", speakers_dir), ("talk", talks_dir)):
        for path in sorted((root / folder).glob("*.md")):
            if path.stem == "index":
                continue
            rel = path.relative_to(root).as_posix()
            try:
                text = decode(path.read_bytes(), rel)
            except WorkshopError as err:
                problems.append(err)
                continue
            reader = frontmatter.read_speaker if kind == "speaker" else frontmatter.read_talk
            meta, found = reader(path.stem, text, rel)
            problems.extend(found)
            if not has_h1(text):
                problems.append(
                    WorkshopError(
                        f"the {kind} page has no title: start its body with '# <{kind} title>'",
                        rel,
                        1,
                        Problem.TITLE,
                    )
                )
            (speakers if kind == "speaker" else talks)[path.stem] = (rel, meta)
    for _tid, (rel, meta) in sorted(talks.items()):
        for speaker, line in zip(meta.speakers, meta.speaker_lines, strict=False):
            if speaker not in speakers:
                hint = did_you_mean(speaker, speakers) or f" (add {speakers_dir}/{speaker}.md)"
                problems.append(WorkshopError(f"unknown speaker '{speaker}'{hint}", rel, line, Problem.REF))
    if (root / schedule).exists():
        loaded, found = ScheduleCache().load(root / schedule, schedule)
        problems.extend(found)
        if loaded is not None:
            problems.extend(check_talk_references(loaded, set(talks)))
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m workshop", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="validate talk, speaker and schedule files")
    check.add_argument("--root", type=Path, default=Path.cwd())
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
    text = json.dumps(schedule_json_schema(), indent=2, ensure_ascii=False) + "\n"
    if args.stdout:
        sys.stdout.write(text)
    else:
        (args.root / SCHEMA_PATH).write_text(text, encoding="utf-8")
    return 0
