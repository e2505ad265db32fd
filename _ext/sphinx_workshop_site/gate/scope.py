"""Pull-request scope: a contributor's pull request adds their own new talk and speaker files
and nothing else. ``make check-pr`` lists what a branch changes against its base and fails, one
line per file, for anything else; changes only organizers make are named as such.

The branch is data, never code: everything here reads git objects (or, for the working tree, the
bytes of tracked files) and runs nothing of the branch. ``make check-pr`` and CI run this module
from the BASE's ``_ext/`` (copied out of git), and the settings (the talks and speakers folders)
come from the base's ``conf.py``, read as text, not executed.

What is the contributor's own: the files of a talk page the branch ADDS and the speaker pages it
adds, by the one naming rule of owners.py (``<talks>/<id>.md``, ``<id>.bib``, ``<id>-<name>``
files, anything in ``<talks>/<id>/``; ``de`` does not own ``de-almeida-*`` while ``de-almeida`` is a
page of the base or the branch). A new talk that lists an existing speaker the branch does not
add is for an organizer to confirm.
"""

from __future__ import annotations

import ast
import os
import subprocess
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..model.owners import owner, page_id

ORGANIZER_PLACES = ("program/", "conf.py", "index.md", "proceedings.md", "_static/", "_ext/", "Makefile")
LINK_MODES = {"120000": "a symbolic link", "160000": "a link to another repository (submodule)"}
NO_BLOB = "0" * 40
MAX_PAGE_BYTES = 1_000_000  # a talk page read for its speakers (the build refuses longer ones)
FOLDER_SETTINGS = ("workshop_talks_dir", "workshop_speakers_dir")


class ScopeError(Exception):
    """The comparison itself could not be made (no git, unknown base)."""


@dataclass(frozen=True)
class Change:
    status: str  # A(dded), M(odified), D(eleted), T(ype changed)
    path: str
    mode: str = "100644"  # git's file mode on the branch: 120000 is a symbolic link
    blob: str = NO_BLOB  # the branch's blob; zeros: read the working tree's file


@dataclass
class Comparison:
    """A branch against its base: what it changes since it left the base (three-dot)."""

    base: str  # the base as named (upstream/main, a commit)
    base_commit: str
    merge_base: str
    branch: str | None  # None: the working tree (HEAD and edits to tracked files)
    changes: list[Change]
    base_files: set[str] = field(default_factory=set)  # talks' and speakers' files on the base

    def describe(self) -> str:
        """'upstream/main at 1a2b3c4' (and where the branch left it, when that is older)."""
        short = self.base_commit[:7]
        said = short if self.base_commit.startswith(self.base) else f"{self.base} at {short}"
        if self.merge_base != self.base_commit:
            said += f", where the branch left it: {self.merge_base[:7]}"
        return said


def _git(root: Path, *args: str, binary: bool = False, stdin: bytes | None = None) -> str | bytes:
    try:
        proc = subprocess.run(["git", *args], cwd=root, input=stdin, capture_output=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as err:
        raise ScopeError(f"git could not run: {err}") from None
    if proc.returncode:
        said = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ScopeError(said[-1] if said else "git failed")
    return proc.stdout if binary else proc.stdout.decode("utf-8", "surrogateescape")


def default_base(root: Path) -> str:
    """upstream/main when the repository has a remote 'upstream' (a fork: the workshop's
    repository), else origin/main. The Makefile's BASE default is the same rule."""
    try:
        remotes = str(_git(root, "remote")).split()
    except ScopeError:
        remotes = []
    return "upstream/main" if "upstream" in remotes else "origin/main"


def _commit(root: Path, ref: str, what: str) -> str:
    remote = ref.split("/", 1)[0] if "/" in ref else "origin"
    try:
        return str(
            _git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}")
        ).strip()
    except ScopeError:
        hint = (
            f"fetch it (git fetch {remote} main) or name another base with BASE=<ref>"
            if what == "base"
            else "fetch it, or name another branch with BRANCH=<ref>"
        )
        raise ScopeError(f"cannot compare with '{ref}': {hint}") from None


def compare(root: Path, base: str, branch: str | None = None) -> Comparison:
    """What ``branch`` (None: the working tree's tracked files) changes since the merge base
    with ``base``; files never added to git are not part of a pull request."""
    base_commit = _commit(root, base, "base")
    head = _commit(root, branch, "branch") if branch else _commit(root, "HEAD", "branch")
    try:
        merge_base = str(_git(root, "merge-base", base_commit, head)).strip()
    except ScopeError:
        raise ScopeError(
            f"'{base}' and the branch have no commit in common: is BASE the right repository?"
        ) from None
    # -z: names exactly as written (a tab or newline in a name cannot split or disguise it)
    # --raw: the file modes too, so a symbolic link is seen as one whatever it points to
    target = [head] if branch else []
    fields = str(
        _git(root, "diff", "--raw", "-z", "--no-renames", "--no-abbrev", merge_base, *target, "--")
    ).split("\0")
    found: list[Change] = []
    for info, path in zip(fields[0::2], fields[1::2], strict=False):
        _old_mode, new_mode, _old, new, status = info.lstrip(":").split(" ")
        found.append(Change(status[0], path, new_mode, new))
    changes = sorted(set(found), key=lambda c: c.path)
    return Comparison(base, base_commit, merge_base, branch, changes)


def folder_settings(root: Path, commit: str) -> tuple[str, str]:
    """(talks folder, speakers folder) as the base's conf.py sets them: read as Python text
    (plain string assignments only), never executed; the extension's defaults otherwise."""
    from ..config import SETTINGS  # the extension's defaults, not a second copy

    found = {s.name: s.default for s in SETTINGS if s.name in FOLDER_SETTINGS}
    try:
        text = _git(root, "cat-file", "blob", f"{commit}:conf.py", binary=True)
    except ScopeError:
        return found["workshop_talks_dir"], found["workshop_speakers_dir"]
    try:
        tree = ast.parse(text, "conf.py")
    except (SyntaxError, ValueError):
        raise ScopeError("the base's conf.py is not valid Python: it cannot be the base") from None
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        targets += [node.target] if isinstance(node, ast.AnnAssign) else []
        for target in targets:
            if isinstance(target, ast.Name) and target.id in found:
                value = getattr(node, "value", None)
                if not (isinstance(value, ast.Constant) and isinstance(value.value, str)):
                    raise ScopeError(
                        f"the base's conf.py sets {target.id} from an expression: make check-pr reads "
                        f'only a plain string there ({target.id} = "abstracts")'
                    )
                found[target.id] = value.value.strip("/")
    return found["workshop_talks_dir"], found["workshop_speakers_dir"]


def base_files(root: Path, comparison: Comparison, folders: Iterable[str]) -> set[str]:
    """The files in ``folders`` on the base (its tip and where the branch left it)."""
    files: set[str] = set()
    for commit in {comparison.base_commit, comparison.merge_base}:
        listing = _git(root, "ls-tree", "-r", "-z", "--name-only", commit, "--", *folders)
        files.update(name for name in str(listing).split("\0") if name)
    return files


def reader(root: Path) -> Callable[[Change], bytes | None]:
    """How to read a changed file's content on the branch: its blob, or the working tree's
    regular file (never through a link); None when it cannot be read or is too long."""

    def read(change: Change) -> bytes | None:
        if change.mode in LINK_MODES or change.status == "D":
            return None
        try:
            if change.blob != NO_BLOB:
                if int(str(_git(root, "cat-file", "-s", change.blob)).strip()) > MAX_PAGE_BYTES:
                    return None
                return bytes(_git(root, "cat-file", "blob", change.blob, binary=True))
            fd = os.open(root / change.path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
            with os.fdopen(fd, "rb") as file:
                data = file.read(MAX_PAGE_BYTES + 1)
            return data if len(data) <= MAX_PAGE_BYTES else None
        except (OSError, ValueError, ScopeError):
            return None

    return read


def _speakers_of(
    change: Change, read: Callable[[Change], bytes | None], talk_id: str
) -> list[tuple[str, int | None]]:
    from ..model.frontmatter import read_talk

    data = read(change)
    if data is None:
        return []
    try:
        # as the build reads it (sourceyaml.decode: a byte-order mark is not part of the page)
        meta, _problems = read_talk(talk_id, data.decode("utf-8-sig"), change.path)
    except Exception:  # a page its reader cannot read fails the build, which says why, at its line
        return []
    lines = list(meta.speaker_lines) + [None] * len(meta.speakers)
    return list(zip(meta.speakers, lines, strict=False))


def verdicts(
    found: list[Change],
    talks_dir: str,
    speakers_dir: str,
    base: Collection[str] = (),
    read: Callable[[Change], bytes | None] | None = None,
) -> tuple[list[str], list[str]]:
    """(lines for changes that are fine, lines for changes that are not), one per file; ``base``:
    the talks' and speakers' files on the base, ``read``: a changed file's content."""
    added = {c.path for c in found if c.status == "A"}
    ids_before, new_ids = {}, {}
    for folder in (talks_dir, speakers_dir):
        ids_before[folder] = _ids(base, folder)
        new_ids[folder] = _ids(added, folder) - ids_before[folder]
    ok, bad = [], []
    for change in found:
        path = change.path
        folder = next((f for f in (talks_dir, speakers_dir) if path.startswith(f + "/")), None)
        own = folder is not None and (
            owner(path.removeprefix(folder + "/"), ids_before[folder] | new_ids[folder]) in new_ids[folder]
        )
        if change.status != "D" and change.mode in LINK_MODES:
            bad.append(f"{path}: {LINK_MODES[change.mode]}: add the file itself (links are never followed)")
        elif change.status == "A" and own:
            ok.append(f"{path}: added (yours)")
        elif change.status == "A":
            where = f"{talks_dir}/<your-id>… or {speakers_dir}/<your-id>…"
            taken = folder and owner(path.removeprefix(folder + "/"), ids_before[folder] | new_ids[folder])
            why = (
                f"a file of '{taken}' ({folder}/{taken}.md), not of a new page: "
                if taken
                else "not a file of a new talk or speaker: "
            )
            bad.append(f"{path}: added, but {why}put your files in {where}")
        elif path.startswith(ORGANIZER_PLACES) or folder is None:
            verb = "deleted" if change.status == "D" else "modified"
            bad.append(f"{path}: {verb}: needs an organizer (a contributor's pull request only adds files)")
        else:
            verb = "deleted" if change.status == "D" else "modified"
            bad.append(f"{path}: {verb}, but it is not yours (it is on the base branch): leave it unchanged")
    for folder in (talks_dir, speakers_dir):
        bad += _taken_files(base, folder, ids_before[folder], new_ids[folder])
    if read is not None:
        bad += _speaker_claims(found, talks_dir, speakers_dir, new_ids, ids_before, read)
    return ok, bad


def _ids(paths: Iterable[str], folder: str) -> set[str]:
    return {i for p in paths if p.startswith(folder + "/") and (i := page_id(p.removeprefix(folder + "/")))}


def _taken_files(base: Collection[str], folder: str, before: set[str], new: set[str]) -> list[str]:
    """A new page whose id would take a file that is another page's on the base (a new talk
    'de-almeida' and the base's 'de-almeida-fig.png' of the talk 'de')."""
    after = before | new
    lines = []
    for path in sorted(base):
        if not path.startswith(folder + "/"):
            continue
        name = path.removeprefix(folder + "/")
        now = owner(name, after)
        if now in new and owner(name, before) != now:
            was = owner(name, before)
            whose = f"a file of '{was}' ({folder}/{was}.md)" if was else "a file already on the base branch"
            lines.append(
                f"{folder}/{now}.md: the id '{now}' would take {path}, {whose}: choose another id "
                f"(make new-abstract ID=<another-id>)"
            )
    return lines


def _speaker_claims(
    found: list[Change],
    talks_dir: str,
    speakers_dir: str,
    new_ids: dict[str, set[str]],
    ids_before: dict[str, set[str]],
    read: Callable[[Change], bytes | None],
) -> list[str]:
    """A new talk that lists a speaker who is already on the base and whom the branch does not add:
    anyone can type another person's id, so an organizer confirms it is theirs."""
    lines = []
    for change in found:
        talk = (
            page_id(change.path.removeprefix(talks_dir + "/"))
            if change.path.startswith(talks_dir + "/")
            else None
        )
        if change.status != "A" or talk not in new_ids[talks_dir]:
            continue
        for speaker, line in _speakers_of(change, read, talk):
            if speaker in ids_before[speakers_dir] and speaker not in new_ids[speakers_dir]:
                where = f"{change.path}:{line}" if line else change.path
                lines.append(
                    f"{where}: lists the existing speaker '{speaker}' ({speakers_dir}/{speaker}.md), "
                    f"which this pull request does not add: an organizer must confirm that "
                    f"'{speaker}' gives this talk (if that is you, say so in the pull request; "
                    f"leave {speakers_dir}/{speaker}.md unchanged)"
                )
    return lines


def checker_is_base(root: Path, commit: str) -> bool:
    """Whether the code running now is the base's ``_ext/sphinx_workshop_site`` file for file."""
    package = Path(__file__).resolve().parent.parent  # the package, of which gate/ is a part
    try:
        listing = str(_git(root, "ls-tree", "-r", "-z", commit, "--", "_ext/sphinx_workshop_site/"))
        theirs = {}
        for entry in filter(None, listing.split("\0")):
            info, path = entry.split("\t", 1)
            theirs[path.removeprefix("_ext/sphinx_workshop_site/")] = info.split()[2]
        mine = sorted(
            p.relative_to(package).as_posix()
            for p in package.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts
        )
        if sorted(theirs) != mine:
            return False
        hashes = str(
            _git(root, "hash-object", "--no-filters", "--", *(str(package / p) for p in mine))
        ).split()
    except (ScopeError, OSError, ValueError):
        return False
    return hashes == [theirs[p] for p in mine]


def check_pr(root: Path, base: str, branch: str | None = None) -> tuple[Comparison, list[str], list[str]]:
    """``make check-pr``: the comparison, and the verdicts (folders from the base's conf.py)."""
    comparison = compare(root, base, branch)
    folders = folder_settings(root, comparison.base_commit)
    comparison.base_files = base_files(root, comparison, folders)
    ok, bad = verdicts(comparison.changes, *folders, comparison.base_files, reader(root))
    return comparison, ok, bad + pr_budget(root, comparison.changes)


def pr_budget(root: Path, found: list[Change]) -> list[str]:
    """A pull request adds one contribution: past MAX_PR_FILES files or MAX_PR_BYTES bytes it is
    refused in one line (the build's own budgets then need not meet thousands of files)."""
    from .budgets import MAX_PR_BYTES, MAX_PR_FILES

    added = [c for c in found if c.status == "A"]
    lines = []
    if len(added) > MAX_PR_FILES:
        lines.append(
            f"the pull request adds {len(added):,} files (at most {MAX_PR_FILES}): one contribution each"
        )
    total = 0
    blobs = [c.blob for c in added if c.blob != NO_BLOB]
    if blobs:  # one git call for every size, however many files
        try:
            sizes = _git(root, "cat-file", "--batch-check=%(objectsize)", stdin="\n".join(blobs).encode())
            total += sum(int(size) for size in str(sizes).split() if size.isdigit())
        except ScopeError:
            pass
    for change in added:
        if change.blob == NO_BLOB:  # a working-tree file, never through a link
            try:
                total += os.lstat(root / change.path).st_size
            except OSError:
                continue
    if total > MAX_PR_BYTES:
        lines.append(
            f"the pull request adds {total:,} bytes (at most {MAX_PR_BYTES:,}): scale images down, "
            f"compress the poster"
        )
    return lines
