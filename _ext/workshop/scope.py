"""Pull-request scope: a contributor's pull request adds their own new talk and speaker files
and nothing else. ``make check-pr`` lists what a branch changes against its base and fails, one
line per file, for anything else; changes only organizers make are named as such.

What is the contributor's own: the files of a talk page the branch ADDS (``<talks>/<id>.md``,
``<id>.bib``, ``<id>-<name>`` images, anything in ``<talks>/<id>/``) and the speaker pages it adds
(``<speakers>/<id>.md`` and its ``<id>-<name>`` photo).
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

ID = r"[a-z0-9]+(?:-[a-z0-9]+)*"
ORGANIZER_PLACES = ("program/", "conf.py", "index.md", "proceedings.md", "_static/", "_ext/", "Makefile")


class ScopeError(Exception):
    """The comparison itself could not be made (no git, unknown base)."""


LINK_MODES = {"120000": "a symbolic link", "160000": "a link to another repository (submodule)"}


@dataclass(frozen=True)
class Change:
    status: str  # A(dded), M(odified), D(eleted), R(enamed)
    path: str
    mode: str = "100644"  # git's file mode on the branch: 120000 is a symbolic link


def _git(root: Path, *args: str) -> str:
    try:
        proc = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as err:
        raise ScopeError(f"git could not run: {err}") from None
    if proc.returncode:
        raise ScopeError(proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "git failed")
    return proc.stdout


def changes(root: Path, base: str) -> list[Change]:
    """What the branch (its commits and edits to tracked files) changes against the merge base;
    files never added to git are not part of a pull request."""
    try:
        merge_base = _git(root, "merge-base", base, "HEAD").strip()
    except ScopeError:
        raise ScopeError(
            f"cannot compare with '{base}': fetch it (git fetch origin main) or name another base "
            f"with BASE=<ref>"
        ) from None
    found: list[Change] = []
    # -z: names exactly as written (a tab or newline in a name cannot split or disguise it)
    # --raw: the file modes too, so a symbolic link is seen as one whatever it points to
    fields = _git(root, "diff", "--raw", "-z", "--no-renames", "--no-abbrev", merge_base).split("\0")
    for info, path in zip(fields[0::2], fields[1::2], strict=False):
        _old_mode, new_mode, _old, _new, status = info.lstrip(":").split(" ")
        found.append(Change(status[0], path, new_mode))
    return sorted(set(found), key=lambda c: c.path)


def verdicts(found: list[Change], talks_dir: str, speakers_dir: str) -> tuple[list[str], list[str]]:
    """(lines for changes that are fine, lines for changes that are not), one per file."""
    added = {c.path for c in found if c.status == "A"}
    talk_ids = {m.group(1) for p in added if (m := re.fullmatch(rf"{talks_dir}/({ID})\.md", p))}
    speaker_ids = {m.group(1) for p in added if (m := re.fullmatch(rf"{speakers_dir}/({ID})\.md", p))}
    ok, bad = [], []
    for change in found:
        path = change.path
        own = _own(path, talks_dir, talk_ids) or _own(path, speakers_dir, speaker_ids)
        if change.status != "D" and change.mode in LINK_MODES:
            bad.append(f"{path}: {LINK_MODES[change.mode]}: add the file itself (links are never followed)")
        elif change.status == "A" and own:
            ok.append(f"{path}: added (yours)")
        elif change.status == "A":
            where = f"{talks_dir}/<your-id>… or {speakers_dir}/<your-id>…"
            bad.append(f"{path}: added, but not a file of a new talk or speaker: put your files in {where}")
        elif path.startswith(ORGANIZER_PLACES) or not path.startswith((talks_dir + "/", speakers_dir + "/")):
            verb = "deleted" if change.status == "D" else "modified"
            bad.append(f"{path}: {verb}: needs an organizer (a contributor's pull request only adds files)")
        else:
            verb = "deleted" if change.status == "D" else "modified"
            bad.append(f"{path}: {verb}, but it is not yours (it is on the base branch): leave it unchanged")
    return ok, bad


def _own(path: str, folder: str, ids: set[str]) -> bool:
    if not path.startswith(folder + "/"):
        return False
    rest = path.removeprefix(folder + "/")
    return any(
        rest in (f"{i}.md", f"{i}.bib") or rest.startswith((f"{i}-", f"{i}/")) for i in ids
    ) and ".." not in rest.split("/")


def check_pr(root: Path, base: str, talks_dir: str, speakers_dir: str) -> tuple[list[str], list[str]]:
    return verdicts(changes(root, base), talks_dir, speakers_dir)
