"""Links in the contributor folders (talks, speakers): found without ever following one.

A symbolic link to a folder (``abstracts/x-dir -> /usr``) would make every walk of the folder
walk the host's files: Sphinx's own source discovery follows links, and a link to ``/`` reaches
``/proc``. Here the folders are walked with ``os.walk(followlinks=False)``; what is found is
excluded from Sphinx's discovery and reported once, at its own path, naming no target. Pure Python.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..model.errors import Problem, WorkshopError


def links_in(srcdir: Path, folder: str) -> list[str]:
    """Every symbolic link under ``srcdir/folder`` (files and folders; the folder itself is
    not one of them: the organizers lay it out), relative to ``srcdir``, sorted; no link is followed."""
    top = srcdir / folder
    found = []
    for root, dirs, files in os.walk(top, followlinks=False, onerror=lambda _err: None):
        base = Path(root)
        for name in dirs + files:
            if (base / name).is_symlink():  # os.walk lists a link to a folder in dirs, never enters it
                found.append((base / name).relative_to(srcdir).as_posix())
    return sorted(found)


def is_own_check(rel: str, folder: str, suffixes) -> bool:
    """A link that another check reports at its own line: a page ``<folder>/<id>.md`` (the gate,
    at source-read), or a file the page uses (images, ``.bib``: checked where they are used)."""
    inside = rel.removeprefix(folder + "/")
    return "/" not in inside or not any(rel.endswith(suffix) for suffix in suffixes)


def folder_links(srcdir: Path, folders: list[str], suffixes) -> list[str]:
    """The links no other check reports: links to folders anywhere, and pages in subfolders."""
    found = []
    for folder in folders:
        for rel in links_in(srcdir, folder):
            if (srcdir / rel).is_dir() or not is_own_check(rel, folder, suffixes):
                found.append(rel)
    return found


def link_problems(srcdir: Path, folders: list[str], suffixes) -> list[WorkshopError]:
    return [
        # line 1: Sphinx reads a location without a line as a document name (and appends '.md')
        WorkshopError(
            f"{rel} is a link: add the file itself (a link is never followed)", rel, 1, Problem.FILE
        )
        for rel in folder_links(srcdir, folders, suffixes)
    ]


def subfolder_files(srcdir: Path, folder: str) -> list[Path]:
    """The regular files in the subfolders of ``srcdir/folder`` (``<folder>/<id>/…``), sorted;
    links are neither followed nor listed (``folder_links`` reports them)."""
    top = srcdir / folder
    if top.is_symlink():
        return []
    found = []
    for root, _dirs, files in os.walk(top, followlinks=False, onerror=lambda _err: None):
        if Path(root) == top:
            continue
        found += [Path(root) / name for name in files if not (Path(root) / name).is_symlink()]
    return sorted(found)


def exclude_patterns_for_links(srcdir: Path, folders: list[str]) -> list[str]:
    """Patterns for Sphinx's ``exclude_patterns``: every link to a folder, so that its discovery
    (which follows links) never enters one."""
    return [rel for folder in folders for rel in links_in(srcdir, folder) if (srcdir / rel).is_dir()]
