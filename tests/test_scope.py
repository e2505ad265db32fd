"""make check-pr: the base's checker reads the branch as data (a branch that edits the checker
still gets the truth), compares with the workshop's repository in a fork, names speakers the
branch claims, owns files by one unambiguous rule, prints no control characters."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, sphinx_build, write_files
from sphinx_workshop_site.gate.pages import _own_files
from sphinx_workshop_site.gate.scope import Change, verdicts
from sphinx_workshop_site.model.owners import owner
from test_gate import TALK, _check_pr, _git, _project, _submission_branch

VENV_BIN = Path(sys.executable).parent
# The branch's "checker": everything is fine (what a pull request that edits scope.py can make it say).
LIAR = (
    '\n\ndef verdicts(found, *args, **kwargs):\n    return [f"{c.path}: added (yours)" for c in found], []\n'
)
OWN_TALK = TALK.replace("[ada]", "[dora]")
DORA = "---\naffiliation: University of Nowhere\n---\n\n# Dora\n"


@pytest.mark.parametrize("mode", ["120000", "160000"])
def test_a_link_is_refused_even_in_the_contributors_own_names(mode):
    own = [Change("A", "abstracts/zed.md"), Change("A", "abstracts/zed-poster.pdf", mode)]
    ok, bad = verdicts(own, "abstracts", "speakers")
    assert ok == ["abstracts/zed.md: added (yours)"]
    assert (
        len(bad) == 1
        and bad[0].startswith("abstracts/zed-poster.pdf: a ")
        and "add the file itself" in bad[0]
    )


def test_check_pr_refuses_symbolic_links_in_a_real_repository(tmp_path):
    root = _submission_branch(tmp_path)
    (root / "abstracts/delta.md").write_text(OWN_TALK.format(body="Text."), encoding="utf-8")
    (root / "speakers/dora.md").write_text(DORA, encoding="utf-8")
    os.symlink("/usr", root / "abstracts/delta-dir")
    os.symlink("/etc/hostname", root / "abstracts/delta-poster.pdf")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "links")
    result = _check_pr(root)
    assert result.returncode == 1
    assert "abstracts/delta.md: added (yours)" in result.stdout
    for name in ("delta-dir", "delta-poster.pdf"):
        assert f"abstracts/{name}: a symbolic link: add the file itself" in result.stderr, result.stderr


def test_a_pull_request_is_one_contribution_in_size(tmp_path):
    """Thousands of files or a huge file: one line, before any page is built."""
    from sphinx_workshop_site.gate.budgets import MAX_PR_BYTES, MAX_PR_FILES

    root = _submission_branch(tmp_path)
    (root / "abstracts/delta.md").write_text(OWN_TALK.format(body="Text."), encoding="utf-8")
    (root / "speakers/dora.md").write_text(DORA, encoding="utf-8")
    (root / "abstracts/delta").mkdir()
    for n in range(MAX_PR_FILES):
        (root / f"abstracts/delta/fig-{n}.png").write_bytes(b"x")
    (root / "abstracts/delta/big.png").write_bytes(b"\0" * (MAX_PR_BYTES + 1))
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "many")
    result = _check_pr(root)
    assert result.returncode == 1
    assert f"the pull request adds {MAX_PR_FILES + 3} files (at most {MAX_PR_FILES})" in result.stderr
    assert f"bytes (at most {MAX_PR_BYTES:,}): scale images down" in result.stderr, result.stderr


# --------------------------------------------------------------------------- the base's checker


def checker_repository(tmp_path: Path) -> Path:
    """A site with its extension committed on 'main' (the base, its checker included); a branch
    'submission' that adds a talk, edits conf.py and makes scope.py say that all is well."""
    root = _project(tmp_path, {})
    shutil.copytree(ROOT / "_ext", root / "_ext", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    (root / "requirements.txt").write_text("# the base's pins\n", encoding="utf-8")
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "base")
    _git(root, "checkout", "-qb", "submission")
    write_files(root, {"abstracts/delta.md": OWN_TALK.format(body="Text."), "speakers/dora.md": DORA})
    with (root / "_ext/sphinx_workshop_site/gate/scope.py").open("a", encoding="utf-8") as scope:
        scope.write(LIAR)
    with (root / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write('\nhtml_js_files = ["https://evil.example/x.js"]\nworkshop_talks_dir = "elsewhere"\n')
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "my talk (and a few edits)")
    return root


def make_check_pr(root: Path, *args: str) -> subprocess.CompletedProcess:
    """The Makefile's check-pr with the test's environment (no venv made in the repository)."""
    return subprocess.run(
        [
            "make",
            "--no-print-directory",
            "-f",
            str(ROOT / "Makefile"),
            "check-pr",
            f"BIN={VENV_BIN}",
            "STAMP=",
            *args,
        ],
        cwd=root,
        capture_output=True,
        text=True,
        env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
    )


LIES_CAUGHT = (
    "_ext/sphinx_workshop_site/gate/scope.py: modified: needs an organizer",
    "conf.py: modified: needs an organizer",
)


def test_a_branch_that_edits_the_checker_is_judged_by_the_bases(tmp_path):
    root = checker_repository(tmp_path)
    # the branch's own checker lies (so this test would see a checker run from the branch)
    own = subprocess.run(
        [sys.executable, "-m", "sphinx_workshop_site", "check-pr", "--base", "main", "--root", str(root)],
        capture_output=True,
        text=True,
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root / "_ext")},
    )
    assert own.returncode == 0 and "scope.py: added (yours)" in own.stdout, own.stdout + own.stderr
    result = make_check_pr(root, "BASE=main")
    assert result.returncode == 2, result.stdout + result.stderr  # make's code for a failed recipe
    for line in LIES_CAUGHT:
        assert line in result.stderr, result.stderr
    assert "abstracts/delta.md: added (yours)" in result.stdout  # folders from the base's conf.py
    base = subprocess.run(["git", "rev-parse", "--short=7", "main"], cwd=root, capture_output=True, text=True)
    assert f"Compared with main at {base.stdout.strip()}, by its own checker." in result.stdout
    # an organizer checks a fetched pull request from the base's checkout, without checking it out
    _git(root, "checkout", "-q", "main")
    fetched = make_check_pr(root, "BASE=main", "BRANCH=submission")
    assert fetched.returncode == 2 and all(line in fetched.stderr for line in LIES_CAUGHT), fetched.stderr


def test_the_bases_settings_are_read_not_run(tmp_path):
    """conf.py of the base is read as text: a setting made by an expression is refused, not run."""
    root = _submission_branch(tmp_path)
    (root / "conf.py").write_text('import os\nworkshop_talks_dir = os.environ["X"]\n', encoding="utf-8")
    _git(root, "commit", "-qam", "conf")
    _git(root, "branch", "-f", "main")
    result = _check_pr(root)
    assert result.returncode == 2
    assert "conf.py sets workshop_talks_dir from an expression" in result.stderr


# --------------------------------------------------------------------------- which base


def _fork_clone(tmp_path: Path) -> Path:
    """The workshop's repository, a contributor's fork of it, and their clone of the fork, with
    the workshop's repository as 'upstream'; the contributor committed on main and pushed."""
    upstream = _project(tmp_path / "upstream", {})
    _git(upstream, "init", "-q", "-b", "main")
    _git(upstream, "add", "-A")
    _git(upstream, "commit", "-qm", "base")
    _git(tmp_path, "clone", "-q", "--bare", str(upstream), "fork.git")
    _git(tmp_path, "clone", "-q", str(tmp_path / "fork.git"), "clone")
    clone = tmp_path / "clone"
    _git(clone, "remote", "add", "upstream", str(upstream))
    _git(clone, "fetch", "-q", "upstream")
    write_files(clone, {"abstracts/delta.md": OWN_TALK.format(body="Text."), "speakers/dora.md": DORA})
    write_files(clone, {"abstracts/alpha.md": "an edit of another talk\n"})
    _git(clone, "add", "-A")
    _git(clone, "commit", "-qm", "my talk")
    _git(clone, "push", "-q", "origin", "main")
    return clone


def _default_check_pr(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sphinx_workshop_site", "check-pr", "--root", str(root)],
        capture_output=True,
        text=True,
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(ROOT / "_ext")},
    )


def test_in_a_fork_the_base_is_the_workshops_repository(tmp_path):
    clone = _fork_clone(tmp_path)
    result = _default_check_pr(clone)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Compared with upstream/main at " in result.stdout
    assert "abstracts/alpha.md: modified, but it is not yours" in result.stderr
    assert "abstracts/delta.md: added (yours)" in result.stdout
    dry = subprocess.run(
        ["make", "-n", "-f", str(ROOT / "Makefile"), "check-pr", "STAMP="],
        cwd=clone,
        capture_output=True,
        text=True,
    )
    assert 'git archive --output=_build/check-pr-base/ext.tar "upstream/main" _ext' in dry.stdout
    assert '--base "upstream/main"' in dry.stdout
    # without the remote: origin/main is the fork's main itself; the output says so
    _git(clone, "remote", "remove", "upstream")
    alone = _default_check_pr(clone)
    assert alone.returncode == 0
    assert (
        "No changes compared with origin/main" in alone.stdout and "git remote add upstream" in alone.stdout
    )


# --------------------------------------------------------------------------- whose files


@pytest.mark.parametrize("start", ["", "\ufeff"], ids=["plain", "byte-order mark"])
def test_a_new_talk_naming_an_existing_speaker_is_for_an_organizer(tmp_path, start):
    """Also behind a byte-order mark, which the build reads past (round 4 of the hostile tries)."""
    root = _submission_branch(tmp_path)
    talk = start + TALK.replace("[ada]", "[dora, ada]")
    write_files(root, {"abstracts/delta.md": talk.format(body="Text."), "speakers/dora.md": DORA})
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "my talk")
    result = _check_pr(root)
    assert result.returncode == 1
    claims = [line for line in result.stderr.splitlines() if "existing speaker" in line]
    assert claims == [
        "abstracts/delta.md:2: lists the existing speaker 'ada' (speakers/ada.md), which this pull "
        "request does not add: an organizer must confirm that 'ada' gives this talk (if that is you, "
        "say so in the pull request; leave speakers/ada.md unchanged)"
    ]
    assert "abstracts/delta.md: added (yours)" in result.stdout  # the files themselves are theirs


@pytest.mark.parametrize(
    ("base", "added", "verdict"),
    [
        ({"abstracts/de-almeida.md"}, "abstracts/de-almeida-fig.png", "a file of 'de-almeida'"),
        ({"abstracts/de-almeida.md"}, "abstracts/de-almeida.png", "not a file of a new talk"),
        ({"abstracts/de-almeida.md"}, "abstracts/de-almeida/fig.png", "a file of 'de-almeida'"),
        (set(), "abstracts/de-x/fig.png", "not a file of a new talk"),
        ({"abstracts/de-almeida.md"}, "abstracts/de-fig.png", "added (yours)"),
        ({"abstracts/de-almeida.md"}, "abstracts/de/fig.png", "added (yours)"),
        (set(), "abstracts/de-almeida-fig.png", "added (yours)"),
    ],
)
def test_own_files_are_unambiguous(base, added, verdict):
    ok, bad = verdicts([Change("A", "abstracts/de.md"), Change("A", added)], "abstracts", "speakers", base)
    said = next(line for line in ok + bad if line.startswith(added + ":"))
    assert verdict in said.removeprefix(added + ":"), (ok, bad)


def test_a_new_id_may_not_take_another_talks_files():
    base = {"abstracts/de.md", "abstracts/de-almeida-fig.png"}
    ok, bad = verdicts([Change("A", "abstracts/de-almeida.md")], "abstracts", "speakers", base)
    assert ok == ["abstracts/de-almeida.md: added (yours)"]
    assert bad == [
        "abstracts/de-almeida.md: the id 'de-almeida' would take abstracts/de-almeida-fig.png, a file of "
        "'de' (abstracts/de.md): choose another id (make new-abstract ID=<another-id>)"
    ]


def test_the_build_and_check_pr_own_files_by_one_rule():
    pages = frozenset({"de", "de-almeida", "de-almeida-2", "x"})
    names = sorted(
        [
            "de.md",
            "de.bib",
            "de-fig.png",
            "de-almeida.md",
            "de-almeida.png",
            "de-almeida-fig.png",
            "de-almeida-2.md",
            "de-almeida-2-fig.png",
            "de-almeida.fig.png",
            "de-al.png",
            "x-de-fig.png",
        ]
    )
    built = {page: _own_files(names, pages, page) for page in pages}
    assert built["de"] == ["de-al.png", "de-fig.png"]
    assert built["de-almeida"] == ["de-almeida-fig.png"]
    for page, files in built.items():
        for name in names:
            if not name.endswith((".md", ".bib")):
                assert (name in files) == (owner(name, pages) == page), (page, name)


# --------------------------------------------------------------------------- what the terminal sees


def test_check_pr_prints_no_control_characters(tmp_path):
    root = _submission_branch(tmp_path)
    write_files(root, {"abstracts/delta.md": OWN_TALK.format(body="Text."), "speakers/dora.md": DORA})
    write_files(
        root, {"abstracts/delta-\x1b[2Jfig.png": b"x", "abstracts/zz\x1b]0;pwned\x07\u202e.png": b"x"}
    )
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "names")
    result = _check_pr(root)
    said = result.stdout + result.stderr
    assert result.returncode == 1
    assert not any((ord(c) < 32 and c != "\n") or 0x7F <= ord(c) <= 0x9F or c == "\u202e" for c in said), said
    assert "abstracts/delta-\\x1b[2Jfig.png: added (yours)" in result.stdout
    assert "abstracts/zz\\x1b]0;pwned\\x07\\u202e.png: added, but not a file of a new talk" in result.stderr


def test_the_build_and_make_check_print_no_control_characters(tmp_path):
    """A bib key, a file name and a footnote label with escape sequences: every message, the
    workshop's and docutils' alike, shows them as visible escapes."""
    root = _project(tmp_path, {})
    page = "---\nspeakers: [ada]\nkeywords: [x]\n---\n\n# T\n\nSee {footcite}`k`. Text [^n\x1b[31m].\n"
    write_files(
        root,
        {
            "abstracts/gamma.md": page,
            "abstracts/gamma.bib": "@article{k\x1b[2J,\n title={A},\n author={B},\n year={2000}}\n",
            "abstracts/gamma-\x1b]0;x\x07.png": b"x",
        },
    )
    built = sphinx_build(root)
    assert built.returncode and "\x1b" not in built.output and "\x07" not in built.output, built.output
    assert "bib entry 'k\\x1b[2J'" in built.output
    assert "abstracts/gamma-\\x1b]0;x\\x07.png is not used by the page" in built.output
    assert 'Unknown target name: "n\\x1b[31m"' in built.output  # docutils' own message
    checked = subprocess.run(
        [sys.executable, "-m", "sphinx_workshop_site", "check", "--root", str(root)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "_ext")},
    )
    assert checked.returncode == 1 and "\x1b" not in checked.stdout + checked.stderr
    assert "bib entry 'k\\x1b[2J'" in checked.stderr


# ------------------------------------------------------------------ one id rule (issue 24)

IDS = [
    "jane-doe",
    "jane-",
    "jane--doe",
    "qi",
    "x",
    "2024-talk",
    "-jane",
    "Jane",
    "jane_doe",
    "jané",
    "jane\n",
    "",
]


@pytest.mark.parametrize("page_id", IDS)
def test_an_id_the_build_accepts_is_one_check_pr_and_new_abstract_accept(page_id, tmp_path):
    """The build (frontmatter.check_id), make check-pr (owners.page_id, scope.verdicts) and
    make new-abstract (scaffold) read an id by one rule (model.is_page_id): 'jane-' is an id
    for all of them, 'Jane' and 'jane\\n' for none."""
    from sphinx_workshop_site.edition.scaffold import ScaffoldError, new_abstract
    from sphinx_workshop_site.model.frontmatter import check_id
    from sphinx_workshop_site.model.owners import page_id as owners_page_id
    from sphinx_workshop_site.model.schedule import is_page_id

    build = not check_id(page_id, f"abstracts/{page_id}.md")
    pr_ok, _bad = verdicts([Change("A", f"abstracts/{page_id}.md")], "abstracts", "speakers")
    check_pr = owners_page_id(f"{page_id}.md") == page_id and pr_ok == [
        f"abstracts/{page_id}.md: added (yours)"
    ]
    for folder in ("abstracts", "speakers"):
        (tmp_path / folder).mkdir()
    try:
        new_abstract(tmp_path, page_id, name="Jane Doe")
        scaffold = True
    except ScaffoldError:
        scaffold = False
    assert build == check_pr == scaffold == is_page_id(page_id), (build, check_pr, scaffold)
