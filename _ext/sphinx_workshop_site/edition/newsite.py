"""``python -m sphinx_workshop_site init [folder] --name … --start YYYY-MM-DD --venue …``: a new workshop's
site in an empty folder, ready for ``make html`` and ``make pdf`` with no further edit.

It writes the edition block of ``conf.py`` (everything else of the book is the extension's
defaults, book/settings.py), the home page, the programme with an example schedule (one day: a
coffee, a talk, a break), the talks' and speakers' index pages with one example talk and its
speaker (none with ``--no-example``: a site that announces the workshop first), the book's root
``proceedings.md``, the schedule's JSON Schema, a Makefile (html, pdf, all, check, check-pr,
live, new-abstract, new-edition, test), ``requirements.txt`` (the versions this command runs
with, and this extension), the CI workflow, CONTRIBUTING.md, a pull-request template and a
short README. The files come from ``site-template/``, with the edition's words filled in.

A folder that exists and is not empty is refused (one line, nothing written); so is a wrong
argument.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import shutil
import sys
import urllib.parse
import urllib.request
import zoneinfo
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from .. import __version__
from ..model.schedulefile import schedule_json_schema
from .newedition import python_string

TEMPLATES = Path(__file__).parent / "site-template"
DISTRIBUTION = "sphinx-workshop-site"  # this extension's name as a package (pyproject.toml)
# template file → where it goes in the new site
FILES = {
    "conf.py.in": "conf.py",
    "index.md": "index.md",
    "program-index.md": "program/index.md",
    "program-agenda.md": "program/agenda.md",
    "schedule.yaml": "program/schedule.yaml",
    "abstracts-index.md": "abstracts/index.md",
    "speakers-index.md": "speakers/index.md",
    "proceedings.md": "proceedings.md",
    "Makefile": "Makefile",
    "README.md": "README.md",
    "CONTRIBUTING.md": "CONTRIBUTING.md",
    "pull_request_template.md": ".github/pull_request_template.md",
    "ci.yml": ".github/workflows/ci.yml",
    "gitignore": ".gitignore",
}
EXAMPLE_TALK = "example-talk"
EXAMPLE_FILES = {
    "example-talk.md": f"abstracts/{EXAMPLE_TALK}.md",
    "example-talk.bib": f"abstracts/{EXAMPLE_TALK}.bib",
    "example-speaker.md": "speakers/jane-doe.md",
}
# What the site's tools need (the extension's own dependencies come with it); pinned to the
# versions this command runs with, so that a new site starts from a combination known to work.
SITE_REQUIREMENTS = (
    "sphinx",
    "myst-parser",
    "linkify-it-py",
    "sphinx-book-theme",
    "sphinxcontrib-bibtex",
    "sphinx-mathjax-offline",
    "sphinx-autobuild",
    "pyyaml",
    "anyascii",
    "tzdata",
    "jsonschema",
    "icalendar",
    "pillow",
    "lxml",
    "pikepdf",
    "pylatexenc",
)
FIELD = re.compile(r"\{\{ ([a-z_]+) \}\}")
MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|$%~^&!])")
WORD_LIMIT = 300


class InitError(Exception):
    """A wrong argument or a folder that is not empty: one line, nothing written."""


def markdown_text(text: str) -> str:
    """Plain text for a Markdown line: the characters Markdown, MyST or math would read, escaped."""
    return MARKDOWN_SPECIAL.sub(r"\\\1", text)


def yaml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def one_line(value: str, option: str) -> str:
    value = value.strip()
    if not value:
        raise InitError(f"{option} is empty: give a value")
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise InitError(f"{option} holds a control character or a line break: one line of text")
    return value


@dataclass
class PackageSource:
    """Where this extension was installed from, as a new site's requirements.txt installs it."""

    requirement: str
    wheel: Path | None = None  # a wheel on this machine: copied into the site (VENDOR), installed from there
    warning: str | None = None


VENDOR = "vendor"


def package_source() -> PackageSource:
    """This extension as a requirement: where it was installed from (a Git or file URL, PEP 610),
    else its name and version. A wheel file installed from this machine goes with the site (its
    CI and the other organizers' machines have no such path); a source folder is named with a
    warning."""
    try:
        dist = metadata.distribution(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return PackageSource(f"{DISTRIBUTION}=={__version__}")
    direct = dist.read_text("direct_url.json")
    if direct:
        info = json.loads(direct)
        vcs = info.get("vcs_info")
        if vcs:
            return PackageSource(f"{DISTRIBUTION} @ {vcs['vcs']}+{info['url']}@{vcs['commit_id']}")
        url = info["url"]
        if info.get("dir_info", {}).get("editable"):
            return PackageSource(f"{DISTRIBUTION}=={dist.version}")
        if url.startswith("file:"):
            path = Path(urllib.request.url2pathname(urllib.parse.urlparse(url).path))
            if path.suffix == ".whl" and path.is_file():
                return PackageSource(f"./{VENDOR}/{path.name}", wheel=path)
            return PackageSource(
                f"{DISTRIBUTION} @ {url}",
                warning=(
                    f"requirements.txt installs {DISTRIBUTION} from {path}, a folder of this machine "
                    "only: for CI and the other organizers, replace its last line with a Git URL "
                    f"(git+https://…@<commit>) or a version from a package index, or install the "
                    "extension from a wheel (pip wheel) before init, which puts it in the site"
                ),
            )
        return PackageSource(f"{DISTRIBUTION} @ {url}")
    return PackageSource(f"{DISTRIBUTION}=={dist.version}")


def requirements(package: PackageSource) -> str:
    lines = [
        "# The site's tools, pinned to the versions `python -m sphinx_workshop_site init` ran with, and the",
        "# Sphinx extension itself (sphinx-workshop-site). `make html` installs them into .venv.",
    ]
    for name in SITE_REQUIREMENTS:
        try:
            lines.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            lines.append(f"{name}  # not installed where init ran: pin the version you test with")
    lines.append(package.requirement)
    return "\n".join(lines) + "\n"


def fields(args: argparse.Namespace) -> dict[str, str]:
    """The edition's words, each as the file it goes into reads it."""
    name = one_line(args.name, "--name")
    acronym = one_line(args.acronym, "--acronym") if args.acronym else name
    venue = one_line(args.venue, "--venue")
    try:
        start = dt.date.fromisoformat(args.start)
    except (TypeError, ValueError):
        raise InitError(f"--start {args.start!r} is not an ISO date (YYYY-MM-DD)") from None
    try:
        zoneinfo.ZoneInfo(args.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise InitError(f"--timezone {args.timezone!r} is not a time zone (e.g. Europe/Paris)") from None
    if not re.sub(r"[^a-z0-9]+", "", acronym.lower()):
        raise InitError(f"--acronym {acronym!r} needs a letter or a digit (file names are made of them)")
    rooms = [one_line(r, "--rooms") for r in args.rooms.split(",")]
    organizers = [one_line(o, "--organizers") for o in args.organizers.split(",")] if args.organizers else []
    full_name = "" if name == acronym else name
    title = f"{acronym}: {name}" if full_name else acronym
    if args.example:
        talk_slot = f"      - time: 09:30-10:30\n        talk: {EXAMPLE_TALK}"
    else:
        talk_slot = "      - time: 09:30-10:30\n        title: Invited talk\n        kind: talk"
    return {
        "acronym": markdown_text(acronym),
        "title": markdown_text(title),
        "venue": markdown_text(venue),
        "timezone": markdown_text(args.timezone),
        "start": start.isoformat(),
        "word_limit": str(WORD_LIMIT),
        "acronym_py": python_string(acronym),
        "full_name_py": python_string(full_name),
        "organizers_py": "[" + ", ".join(python_string(o) for o in organizers) + "]",
        "description_yaml": yaml_string(f"{title}, {venue}, {start.isoformat()}."),
        "timezone_yaml": yaml_string(args.timezone),
        "venue_yaml": yaml_string(venue),
        "rooms_yaml": "[" + ", ".join(yaml_string(r) for r in rooms) + "]",
        "talk_slot": talk_slot,
    }


def fill(template: str, values: dict[str, str]) -> str:
    return FIELD.sub(lambda m: values.get(m.group(1), m.group(0)), template)


def init_site(root: Path, args: argparse.Namespace, package: PackageSource | None = None) -> list[Path]:
    """Write the new site into ``root`` (missing or empty), with ``package`` (by default, where
    this extension was installed from) in its requirements; the files written, in order."""
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise InitError(
            f"{root} is not an empty folder: init writes a new site into a new or empty folder only"
        )
    values = fields(args)
    files = {**FILES, **(EXAMPLE_FILES if args.example else {})}
    written = []
    for template, target in files.items():
        path = root / target
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(fill((TEMPLATES / template).read_text(encoding="utf-8"), values), encoding="utf-8")
        written.append(path)
    package = package or package_source()
    extra = {
        "program/schedule.schema.json": json.dumps(schedule_json_schema(), indent=2, ensure_ascii=False)
        + "\n",
        "requirements.txt": requirements(package),
    }
    for target, text in extra.items():
        (root / target).write_text(text, encoding="utf-8")
        written.append(root / target)
    if package.wheel:
        (root / VENDOR).mkdir()
        written.append(Path(shutil.copy2(package.wheel, root / VENDOR / package.wheel.name)))
    return written


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("folder", nargs="?", type=Path, default=Path("."), help="a new or empty folder")
    parser.add_argument("--name", required=True, help="the workshop's name (e.g. 'Lyon Tensor Day 2027')")
    parser.add_argument("--acronym", help="its short name, on the cover and in titles (default: the name)")
    parser.add_argument("--start", required=True, help="the first day, YYYY-MM-DD")
    parser.add_argument("--venue", required=True, help="'Place, Town, Country'")
    parser.add_argument("--timezone", default="UTC", help="the venue's time zone (default: UTC)")
    parser.add_argument(
        "--rooms", default="Main room", help="room names, comma-separated (default: Main room)"
    )
    parser.add_argument("--organizers", help="the organizers' names, comma-separated")
    parser.add_argument(
        "--no-example", dest="example", action="store_false", help="no example talk and speaker"
    )


def init_command(args: argparse.Namespace) -> int:
    root = args.folder.resolve()
    package = package_source()
    try:
        written = init_site(root, args, package)
    except InitError as err:
        print(f"error: {err}; nothing was written", file=sys.stderr)
        return 2
    for path in written:
        print(f"wrote {path.relative_to(root).as_posix()}")
    where = "" if root == Path.cwd().resolve() else f"cd {args.folder} && "
    print(f"Next: {where}make html (the site), make pdf (the book); conf.py's first block names the edition.")
    if package.warning:
        print(f"warning: {package.warning}", file=sys.stderr)
    return 0
