"""Command line: ``python -m sphinx_workshop_site check|check-pr|new-abstract|schema|init|release-schedule``.

``check`` runs the build's own pipeline (the same parser, settings and rules, every document
read afresh, nothing written) and prints its problems as ``file:line: message`` lines: check and
build cannot disagree, because they are one.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .config import SETTINGS
from .edition.scaffold import ScaffoldError, new_abstract
from .model.errors import Problem, WorkshopError
from .model.safetext import printable
from .model.schedulefile import schedule_json_schema

SCHEMA_PATH = "program/schedule.schema.json"
DEFAULTS = {s.name: s.default for s in SETTINGS}


@dataclass
class ProjectSettings:
    """What ``new-abstract`` needs from conf.py (read without starting Sphinx)."""

    # defaults: the extension's own (config.SETTINGS), not a second copy
    talks_dir: str = DEFAULTS["workshop_talks_dir"]
    speakers_dir: str = DEFAULTS["workshop_speakers_dir"]
    schedule: str = DEFAULTS["workshop_schedule"]
    word_limit: int = DEFAULTS["workshop_word_limit"]
    bibfiles: tuple[str, ...] = ()
    front_pages: tuple[str, ...] = ()  # the book's front pages (the organizers' pages)

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
            tuple(str(page) for page in namespace.get("workshop_book_front_pages") or ()),
        )


WARNING_LINE = re.compile(
    r"^(?:(?P<file>.+?):(?:(?P<line>\d+):)? )?(?:WARNING|ERROR|CRITICAL): (?P<message>.*?)"
    r"(?: \[(?P<type>[\w.-]+)\])?$"
)
SUBTYPES = {problem.value: problem for problem in Problem}


def run_build_checks(root: Path, builder: str = "dummy") -> tuple[list[WorkshopError], str]:
    """Run the build's own pipeline (Sphinx with -W --keep-going -n, every document read afresh)
    on ``root``; return its warnings as located problems, and the raw output. The warnings are read
    as the build wrote them, one JSON record each (diagnostics.StructuredWarnings), not from its
    output; only a build that stops before the extension is loaded (conf.py) is read as text."""
    from .diagnostics import WARNINGS_FILE_VARIABLE

    ext = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory(prefix="workshop-check-") as tmp:
        command = [
            sys.executable,
            "-m",
            "sphinx",
            "-W",
            "--keep-going",
            "-n",
            "-q",
            "-b",
            builder,
            "-d",
            str(Path(tmp) / "doctrees"),
            str(root),
            str(Path(tmp) / "out"),
        ]
        paths = [str(root / "_ext"), str(ext), os.environ.get("PYTHONPATH", "")]
        records = Path(tmp) / "warnings.jsonl"
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(p for p in paths if p),
            "NO_COLOR": "1",
            WARNINGS_FILE_VARIABLE: str(records),
        }
        proc = subprocess.run(command, capture_output=True, text=True, cwd=root, env=env)
        written = records.read_text(encoding="utf-8").splitlines() if records.is_file() else []
    output = re.sub(r"\x1b\[[0-9;]*m", "", proc.stderr + proc.stdout)
    problems = [_problem(root, **json.loads(record)) for record in written]
    if proc.returncode and not problems:  # stopped before the extension could say anything
        for text in output.splitlines():
            if match := WARNING_LINE.match(text):
                kind, _dot, subtype = (match.group("type") or "").partition(".")
                line = int(match.group("line")) if match.group("line") else None
                problems.append(
                    _problem(root, match.group("file") or "", line, match.group("message"), kind, subtype)
                )
    if proc.returncode and not problems:
        last = output.strip().splitlines()[-1:] or ["no output"]
        problems.append(WorkshopError(f"the build stopped: {last[0]}", "conf.py", None, Problem.BUILD))
    return problems, output


def _problem(root: Path, file: str, line: int | None, message: str, type: str, subtype: str) -> WorkshopError:
    """One warning of the build as a located problem: the workshop's own with its subtype, the
    others (MyST's, docutils', Sphinx's, sphinxcontrib-bibtex's) with their tag."""
    file = file or "conf.py"
    with contextlib.suppress(ValueError, OSError):
        file = Path(file).resolve().relative_to(root.resolve()).as_posix()
    if type == "workshop":
        return WorkshopError(message, file, line, SUBTYPES.get(subtype, Problem.BUILD))
    tag = ".".join(filter(None, (type, subtype)))
    return WorkshopError(f"{message} [{tag}]" if tag else message, file, line, Problem.BUILD)


def check_project(root: Path) -> list[WorkshopError]:
    """Every problem the build reports, found by the build itself (one pipeline of rules)."""
    return run_build_checks(root)[0]


def check_pr_command(root: Path, base: str | None, branch: str | None) -> int:
    """``make check-pr``: the branch's changes against its base, one printable line each. The
    branch is only read (git objects, tracked files' bytes): its code and conf.py never run."""
    from .gate import scope

    def say(text: str, error: bool = False) -> None:
        print(printable(text), file=sys.stderr if error else sys.stdout)

    base = base or scope.default_base(root)
    try:
        comparison, ok, bad = scope.check_pr(root, base, branch)
    except scope.ScopeError as err:
        say(f"error: {err}", error=True)
        return 2
    said = comparison.describe()
    own = scope.checker_is_base(root, comparison.base_commit)
    try:  # a site made by `init` keeps no copy of the extension: the installed one is its checker
        vendored = bool(
            str(
                scope._git(root, "ls-tree", comparison.base_commit, "--", "_ext/sphinx_workshop_site")
            ).strip()
        )
    except scope.ScopeError:
        vendored = True
    checker = "its own checker" if own else "a checker that is not its own"
    say(f"Compared with {said}, by {checker if vendored else 'the installed checker'}.")
    if vendored and not own:
        say(
            f"note: the code running is not _ext/sphinx_workshop_site of {base}: "
            "`make check-pr` runs the base's",
            True,
        )
    for line in ok:
        say(line)
    for line in bad:
        say(line, error=True)
    if bad:
        say(f"{len(bad)} line(s) above to fix, or for an organizer to confirm (compared with {said}).", True)
        return 1
    if ok:
        say(f"The branch only adds its own files (compared with {said}).")
    elif base.startswith("origin/") and not comparison.changes:
        say(
            f"No changes compared with {said}. Working from a fork? Add the workshop's repository as "
            "'upstream' (git remote add upstream <its address>; git fetch upstream): make check-pr "
            "then compares with upstream/main."
        )
    else:
        say("No changes.")
    return 0


def release_schedule_command(root: Path, final: bool) -> int:
    """``make release-schedule``: the schedule as it is now, written as the next release file
    (program/releases/<N>.yaml) for the organizers to commit. Its time: SOURCE_DATE_EPOCH, or now."""
    import datetime as dt

    from .model import releases as rel
    from .model.contributions import schedule_boards
    from .model.frontmatter import read_talk
    from .model.schedulefile import load_schedule

    settings = ProjectSettings.from_conf(root)
    path = root / settings.schedule
    try:
        data = path.read_bytes()
    except OSError:
        print(f"error: {settings.schedule}: not found (workshop_schedule in conf.py)", file=sys.stderr)
        return 1
    schedule, problems = load_schedule(data, settings.schedule)
    folder = rel.releases_dir(path)
    display = rel.releases_dir(Path(settings.schedule)).as_posix()
    releases, found = rel.load_releases(folder, display)
    problems += found
    talks_dir = root / settings.talks_dir
    talk_ids = {p.stem for p in talks_dir.glob("*.md")} if talks_dir.is_dir() else set()
    if schedule is not None:
        problems += rel.check_releases(releases, schedule, talk_ids)
    if problems or schedule is None:
        for problem in problems:
            print(printable(str(problem)), file=sys.stderr)
        print(
            "Nothing released: fix the line(s) above, then run `make release-schedule` again.",
            file=sys.stderr,
        )
        return 1
    titles, claimed, posters = {}, {}, set(schedule.poster_order())
    for tid in sorted(schedule.scheduled_ids()):  # talks, posters and spotlights
        page = talks_dir / f"{tid}.md"
        text = page.read_text(encoding="utf-8") if page.is_file() else ""
        titles[tid] = rel.page_title(text)
        if tid in posters and text:  # a poster's own 'board:', as the site reads it
            meta, _problems = read_talk(tid, text, f"{settings.talks_dir}/{tid}.md")
            if meta.board is not None:
                claimed[tid] = meta.board
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    now = dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch else dt.datetime.now(dt.UTC)
    version = len(releases) + 1
    boards = schedule_boards(schedule, claimed)
    text = rel.snapshot(schedule, titles, version, now.replace(microsecond=0), final, boards)
    release, _ = rel.load_release(text.encode(), f"{display}/{version}.yaml", version)
    if releases and release.same_programme(releases[-1]):
        print(f"The programme has not changed since version {releases[-1].version}: nothing released.")
        return 0
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{version}.yaml").write_text(text, encoding="utf-8")
    changes = rel.diff(releases[-1] if releases else None, release)
    print(f"wrote {display}/{version}.yaml: programme version {version}" + (" (final)" if final else ""))
    for change in changes:
        print(f"  {printable(change.describe())}")
    print("Commit it (git add; git commit), then build the site.")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sphinx_workshop_site", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="validate talk, speaker and schedule files")
    check.add_argument("--root", type=Path, default=Path.cwd())
    new = sub.add_parser("new-abstract", help="write the files of a new talk (and of its speaker)")
    new.add_argument("id", help="the talk id: lower-case letters, digits and '-' (e.g. jane-doe)")
    new.add_argument("--speaker", help="the speaker id (default: the talk id)")
    new.add_argument("--name", help="the speaker's name, for a new speaker page")
    new.add_argument("--type", default="talk", help="talk (default) or poster")
    new.add_argument("--root", type=Path, default=Path.cwd())
    scope = sub.add_parser("check-pr", help="fail when a branch changes files that are not its own")
    scope.add_argument(
        "--base",
        help="the branch the pull request targets (default: upstream/main when the remote "
        "'upstream' exists, else origin/main)",
    )
    scope.add_argument("--branch", help="a commit to check instead of the working tree (read from git)")
    scope.add_argument("--root", type=Path, default=Path.cwd())
    schema = sub.add_parser("schema", help="write the schedule's JSON Schema")
    schema.add_argument("--root", type=Path, default=Path.cwd())
    schema.add_argument("--stdout", action="store_true", help="print instead of writing the file")
    release = sub.add_parser("release-schedule", help="record the programme as its next released version")
    release.add_argument("--final", action="store_true", help="the programme is final (no 'tentative' mark)")
    release.add_argument("--root", type=Path, default=Path.cwd())
    init = sub.add_parser("init", help="a new workshop's site in an empty folder (docs/organizers.md)")
    from .edition import newsite

    newsite.add_arguments(init)
    args = parser.parse_args(argv)

    if args.command == "init":
        return newsite.init_command(args)

    if args.command == "check":
        problems, _output = run_build_checks(args.root.resolve())
        for problem in problems:
            tag = "" if problem.subtype is Problem.BUILD else f" [workshop.{problem.subtype.value}]"
            print(f"{problem}{tag}", file=sys.stderr)
        if problems:
            files = len({p.file for p in problems})
            print(
                f"{len(problems)} problem(s) in {files} file(s): fix them, then run `make check` again.",
                file=sys.stderr,
            )
            return 1
        # Only the checks ran (no page was written): the site itself is built next by `make check`.
        print("All talk, speaker, bib and schedule files are valid.")
        return 0
    if args.command == "release-schedule":
        return release_schedule_command(args.root.resolve(), args.final)
    if args.command == "check-pr":
        return check_pr_command(args.root.resolve(), args.base, args.branch)
    if args.command == "new-abstract":
        settings = ProjectSettings.from_conf(args.root)
        try:
            written = new_abstract(
                args.root,
                args.id,
                args.speaker or None,
                args.name or None,
                settings.talks_dir,
                settings.speakers_dir,
                settings.word_limit,
                args.type,
            )
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
