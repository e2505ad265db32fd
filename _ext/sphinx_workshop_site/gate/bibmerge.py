"""The project's .bib files merged into the one sphinxcontrib-bibtex reads: each talk's entries
under ``<id>/<key>`` (``talk_key``), the organizers' files as written, a key two files give
different works an error naming both (and which file was there first, from the base branch);
each file's entries cached by its digest. Reading one file is bibfile.py's.
"""

from __future__ import annotations

import dataclasses
import os
import stat
import subprocess
from collections.abc import Callable
from pathlib import Path

from ..model.errors import Problem, WorkshopError
from .bibfile import MAX_BIB_CHARS, RULES_VERSION, STYLE, BibEntry, read_bib
from .content import link_on_path

# --------------------------------------------------------------------------- conflicts


def files_in_base(root: Path) -> set[str] | None:
    """The files of the base branch (``WORKSHOP_BASE``, default ``origin/main``), relative to
    ``root``; None when git or the ref is not there. Never fails because of git."""
    base = os.environ.get("WORKSHOP_BASE", "origin/main")
    if not base or base.startswith("-"):
        return None
    try:
        proc = subprocess.run(
            ["git", "ls-tree", "-r", "--name-only", base],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=20,
            env={**os.environ, "GIT_TERMINAL_PROMPT": "0"},
        )
    except (OSError, subprocess.SubprocessError, ValueError):
        return None
    if proc.returncode != 0:
        return None
    return set(proc.stdout.splitlines())


def talk_key(talk: str, key: str) -> str:
    """The name of a talk's entry in the merged file: what organizer pages cite."""
    return f"{talk}/{key}"


def talk_files(names: list[str], bibfiles: list[str], talks_dir: str) -> dict[str, str]:
    """{file name: talk id} of the talks' own files among ``names`` (bib_sources' names): those of
    the talks folder that are not also an organizers' file of ``bibtex_bibfiles``."""
    shared = {Path(name).as_posix() for name in bibfiles}
    return {
        name: Path(name).stem
        for name in names
        if name not in shared and Path(name).parent.as_posix() == Path(talks_dir).as_posix()
    }


def _conflict(
    first: BibEntry, second: BibEntry, base: set[str] | None, names: tuple[str, str]
) -> tuple[WorkshopError, BibEntry]:
    """The error for two different entries under one merged name, and the entry to keep.
    ``names``: the merged names of ``first`` and ``second`` (a talk's key is '<id>/<key>').

    Two talks' files never conflict (their keys are their own): this is two entries of one file,
    two organizers' files, or an organizers' key written as a talk's entry is named. Between two
    files, when the base branch has one file and not the other, the other is the one being added:
    it is blamed. Otherwise the later one (in file order) is."""
    if (first.key != names[0]) != (second.key != names[1]):  # a talk's entry, an organizers' key
        talks, shared = (first, second) if first.key != names[0] else (second, first)
        message = (
            f"bib key '{shared.key}' in {shared.file}:{shared.line} is the name the entry "
            f"'{talks.key}' of {talks.file}:{talks.line} is cited under from other pages: rename it"
        )
        return WorkshopError(message, shared.file, shared.line, Problem.DUPLICATE), talks
    if first.file == second.file:
        message = (
            f"bib key '{second.key}' in {second.file}:{second.line} differs from the entry in "
            f"{first.file}:{first.line}: cite it under another key, or delete one of the two"
        )
        return WorkshopError(message, second.file, second.line, Problem.DUPLICATE), first
    blamed, other, note = second, first, ""
    if base is not None:
        first_in, second_in = first.file in base, second.file in base
        if first_in != second_in:
            blamed, other = (second, first) if first_in else (first, second)
            branch = os.environ.get("WORKSHOP_BASE", "origin/main")
            note = f" ({blamed.file} is the file being added; {other.file} is already on {branch})"
    message = (
        f"bib key '{blamed.key}' in {blamed.file}:{blamed.line} differs from the entry in "
        f"{other.file}:{other.line}{note}: cite it under another key, or copy that entry unchanged"
    )
    return WorkshopError(message, blamed.file, blamed.line, Problem.DUPLICATE), other


# --------------------------------------------------------------------------- merging


def merge(
    files: list[tuple[str, str]],
    cache: dict[str, list] | None = None,
    base_files: Callable[[], set[str] | None] | None = None,
    style: str = STYLE,
    talks: dict[str, str] | None = None,
) -> tuple[str, dict[str, BibEntry], list[WorkshopError]]:
    """Merge (file name, text) pairs: one entry per merged name; the same work again under the
    same name (compared by content) is fine. ``talks`` maps a talk's own file to its id (see
    ``talk_files``): its entries are named ``<id>/<key>``; the other files' keys are shared.
    Returns the merged text, {merged name: entry as written in its file}, the problems.

    ``cache`` maps a file's name and text to its entries, for files read before without a
    problem (kept between builds: an incremental build parses only new or edited files); it is
    updated in place. ``base_files`` tells which files the base branch has; it is called only
    when entries of two organizers' files conflict."""
    cache = {} if cache is None else cache
    talks = talks or {}
    kept: dict[str, tuple[str, BibEntry]] = {}  # lower-case merged name -> (merged name, entry)
    problems: list[WorkshopError] = []
    base: set[str] | None = None
    base_known = False
    for name, text in files:
        digest = file_digest(name, text, style)
        entries = _cached(cache.get(digest), name)
        if entries is None:
            entries, found = read_bib(text, name, style)
            problems.extend(found)
            if not found:
                cache[digest] = cache_rows(entries)
        talk = talks.get(name)
        for entry in entries:
            merged_name = entry.key if talk is None else talk_key(talk, entry.key)
            first = kept.get(merged_name.lower())
            if first is None:
                kept[merged_name.lower()] = (merged_name, entry)
            elif first[1].content != entry.content:
                if first[1].file != entry.file and not base_known and base_files is not None:
                    base, base_known = base_files(), True
                problem, keep = _conflict(first[1], entry, base, (first[0], merged_name))
                problems.append(problem)
                kept[merged_name.lower()] = first if keep is first[1] else (merged_name, entry)
    merged = "\n\n".join(dataclasses.replace(e, key=n).text for n, e in kept.values()) + "\n"
    return merged, {n: e for n, e in kept.values()}, problems


def cache_rows(entries: list[BibEntry]) -> list:
    """A file's entries as ``merge``'s cache keeps them (JSON)."""
    return [[e.kind, e.key, [list(f) for f in e.fields], e.line] for e in entries]


def _rows_or_none(job: tuple[str, str, str]) -> list | None:
    name, text, style = job
    entries, found = read_bib(text, name, style)
    return None if found else cache_rows(entries)


def read_new_files(
    files: list[tuple[str, str]], cache: dict[str, list], style: str = STYLE, mapper: Callable = map
) -> None:
    """The files not in ``cache`` read ahead of ``merge`` (into the cache, those without a problem),
    with ``mapper(function, items)``: the build maps it over its processes (a full build of a large
    conference reads thousands). A file with a problem is left to ``merge``, which reports it."""
    new = [(name, text, style) for name, text in files if file_digest(name, text, style) not in cache]
    for (name, text, _style), rows in zip(new, mapper(_rows_or_none, new), strict=True):
        if rows is not None:
            cache[file_digest(name, text, style)] = rows


def file_digest(name: str, text: str, style: str = "") -> str:
    """The cache key of a file: its name, its text and the version of the rules that read it."""
    import hashlib

    return hashlib.sha256(f"{RULES_VERSION}\0{style}\0{name}\0{text}".encode()).hexdigest()[:32]


def _cached(rows, name: str) -> list[BibEntry] | None:
    """Entries from the cache (None when absent or not of the expected shape)."""
    if rows is None:
        return None
    try:
        return [
            BibEntry(kind, key, tuple((f, v) for f, v in fields), name, line)
            for kind, key, fields, line in rows
        ]
    except (TypeError, ValueError):
        return None


# --------------------------------------------------------------------------- reading files


def bib_sources(root: Path, bibfiles: list[str], talks_dir: str) -> list[tuple[str, Path]]:
    """(name relative to root, path) of every bib file: ``bibtex_bibfiles``, then the talks'."""
    found = [(b, root / b) for b in bibfiles]
    talks = root / talks_dir
    if talks.is_dir():  # a linked folder too: each of its files is then refused as a link
        found += [(f"{talks_dir}/{p.name}", p) for p in sorted(talks.glob("*.bib"))]
    return list(dict(found).items())


def read_bib_files(
    root: Path, bibfiles: list[str], talks_dir: str
) -> tuple[list[tuple[str, str]], list[WorkshopError]]:
    """Read every bib file of the project as (name, text), refusing links, non-files and files
    over the size limit before reading them."""
    from ..model.frontmatter import check_id
    from ..model.sourceyaml import decode

    files: list[tuple[str, str]] = []
    problems: list[WorkshopError] = []
    for rel, path in bib_sources(root, bibfiles, talks_dir):
        rel = Path(rel).as_posix()
        if Path(rel).is_absolute() or ".." in Path(rel).parts:
            message = f"bib file '{rel}' (bibtex_bibfiles) must be a path inside the project"
            problems.append(WorkshopError(message, "conf.py", None, Problem.FILE))
            continue
        if rel.startswith(f"{talks_dir}/"):
            problems.extend(check_id(Path(rel).stem, rel))
        if link_on_path(root, root / rel):
            message = "the bib file must be a regular file, not a link: copy the references into it"
            problems.append(WorkshopError(message, rel, 1, Problem.FILE))
            continue
        try:
            info = os.lstat(path)
        except OSError:
            message = f"bib file '{rel}' (bibtex_bibfiles) not found"
            problems.append(WorkshopError(message, "conf.py", None, Problem.FILE))
            continue
        if not stat.S_ISREG(info.st_mode):
            problems.append(WorkshopError("the bib file must be a regular file", rel, 1, Problem.FILE))
            continue
        if info.st_size > 4 * MAX_BIB_CHARS:  # UTF-8: at most 4 bytes a character
            message = f"the bib file is over {MAX_BIB_CHARS:,} characters: is it the right file?"
            problems.append(WorkshopError(message, rel, 1, Problem.BIB))
            continue
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
            with os.fdopen(fd, "rb") as handle:
                data = handle.read(4 * MAX_BIB_CHARS + 1)
            files.append((rel, decode(data, rel)))
        except WorkshopError as err:
            problems.append(err)
        except OSError as err:
            problems.append(
                WorkshopError(f"the bib file cannot be read: {err.strerror}", rel, 1, Problem.FILE)
            )
    return files, problems
