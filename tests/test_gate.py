"""The gate: a failure fails every build until fixed (whoever warned), `make check` is the build's
own pipeline, and a pull request's scope is its own new files."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, sphinx_build
from sphinx_workshop_site.cli import check_project
from sphinx_workshop_site.gate.scope import Change, verdicts

TALK = "---\nspeakers: [ada]\nkeywords: [tensors]\n---\n\n# A talk\n\n{body}\n"

# Failures from every source: the workshop, MyST, sphinxcontrib-bibtex, docutils, Sphinx.
FAILURES = {
    "unknown cite key": (
        {"abstracts/gamma.md": TALK.format(body="See {footcite}`nokey`.")},
        "abstracts/gamma.md:8",
        "cited key 'nokey' is in no .bib file",
    ),
    "cite is footcite, unknown key": (
        {"abstracts/gamma.md": TALK.format(body="See {cite}`k`.")},
        "abstracts/gamma.md:8",
        "cited key 'k' is in no .bib file",
    ),
    "no title": (
        {"abstracts/gamma.md": "---\nspeakers: [ada]\n---\n\nJust text.\n"},
        "abstracts/gamma.md:4",
        "the talk page has no title",
    ),
    "myst heading jump": (
        {"abstracts/gamma.md": TALK.format(body="### Deep\n\nText.")},
        "abstracts/gamma.md:8",
        "Non-consecutive header level increase",
    ),
    "raw html": (
        {"abstracts/gamma.md": TALK.format(body="<b>x</b>")},
        "abstracts/gamma.md:8",
        "raw HTML is not allowed",
    ),
    "unknown role": (
        {"abstracts/gamma.md": TALK.format(body="A {footcit}`k` b.")},
        "abstracts/gamma.md:8",
        "did you mean '{footcite}'?",
    ),
    "docutils footnote": (
        {"abstracts/gamma.md": TALK.format(body="Text[^nope].")},
        "abstracts/gamma.md",
        "nope",
    ),
    "sphinx missing doc": (
        {"abstracts/gamma.md": TALK.format(body="See {doc}`nowhere`.")},
        "abstracts/gamma.md:8",
        "unknown document",
    ),
    "organizer page myst": (
        {"index.md": (ROOT / "tests/roots/test-schedule/index.md").read_text() + "\n### Jump\n"},
        "index.md",
        "header level",
    ),
    "cite on a paragraph's second line": (
        {"abstracts/gamma.md": TALK.format(body="First line.\nThen {cite:t}`k` here.")},
        "abstracts/gamma.md:9",
        "cited key 'k' is in no .bib file",
    ),
    "math on a paragraph's third line": (
        {"abstracts/gamma.md": TALK.format(body="One.\nTwo.\nThree $\\frac{a}{b$ four.")},
        "abstracts/gamma.md:10",
        "'{' is not closed",
    ),
    "only a ## heading": (
        {"abstracts/gamma.md": "---\nspeakers: [ada]\n---\n\n## Only a section\n\nText.\n"},
        "abstracts/gamma.md:4",
        "the talk page has no title",
    ),
    "todo left": (
        {"abstracts/gamma.md": TALK.format(body="% TODO write the abstract\n\nText.")},
        "abstracts/gamma.md:8",
        "'% TODO' line",
    ),
    "line break written as HTML": (  # MyST's own '\\' line break is not raw HTML: test_hard_line_break
        {"abstracts/gamma.md": TALK.format(body="First line<br />\nsecond.")},
        "abstracts/gamma.md:8",
        "raw HTML is not allowed",
    ),
}


def _project(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "site"
    shutil.copytree(ROOT / "tests/roots/test-schedule", root)
    for rel, text in files.items():
        (root / rel).write_text(text, encoding="utf-8")
    return root


def _located(output: str, where: str, message: str) -> list[str]:
    return [line for line in output.splitlines() if where in line and message in line]


def _case_files(n: int, case: str) -> tuple[dict[str, str], str]:
    """The case's files with its talk page named after it (``abstracts/case<n>.md``, so that all
    the cases share one project), and where its message must be."""
    files, where, _message = FAILURES[case]
    page = f"abstracts/case{n}.md"
    renamed = {(page if rel == "abstracts/gamma.md" else rel): text for rel, text in files.items()}
    return renamed, where.replace("abstracts/gamma.md", page)


@pytest.fixture(scope="module")
def every_failure(tmp_path_factory):
    """Every case of FAILURES in one project (a page each), built twice with nothing changed,
    and checked by ``make check``'s pipeline: (root, first, second, problems)."""
    files: dict[str, str] = {}
    for n, case in enumerate(sorted(FAILURES)):
        files.update(_case_files(n, case)[0])
    root = _project(tmp_path_factory.mktemp("failures"), files)
    first = sphinx_build(root)
    second = sphinx_build(root)  # nothing changed
    return root, first, second, [str(p) for p in check_project(root)]


@pytest.mark.parametrize("case", sorted(FAILURES))
def test_a_failure_fails_every_build_until_fixed(every_failure, case):
    _root, first, second, problems = every_failure
    _files, where = _case_files(sorted(FAILURES).index(case), case)
    message = FAILURES[case][2]
    assert first.returncode and second.returncode, second.output
    assert _located(first.output, where, message), first.output
    assert _located(first.output, where, message) == _located(second.output, where, message)
    assert "Traceback" not in first.output + second.output
    # check is the build: same message, same line
    assert any(where in p and message in p for p in problems), problems


@pytest.fixture(scope="module")
def alone(tmp_path_factory):
    """One case alone in a project, built in parallel (-j 2): (root, build)."""
    files, _where, _message = FAILURES["unknown cite key"]
    root = _project(tmp_path_factory.mktemp("alone"), files)
    return root, sphinx_build(root, "html", "-j", "2")


def test_each_failure_case_fails_on_its_own(alone):
    """The shared project cannot hide a case behind another's message: one case alone fails
    the build too, at its line."""
    _root, build = alone
    _files, where, message = FAILURES["unknown cite key"]
    assert build.returncode and _located(build.output, where, message), build.output


def test_parallel_and_another_page_saved(alone):
    """As in `make live`: another file saved, the broken page still fails (-j 2 too)."""
    _files, where, message = FAILURES["unknown cite key"]
    root, first = alone
    assert first.returncode
    beta = root / "abstracts/beta.md"
    beta.write_text(beta.read_text() + "\nOne more sentence.\n", encoding="utf-8")
    again = sphinx_build(root, "html", "-j", "2")
    assert again.returncode and _located(again.output, where, message), again.output
    (root / "abstracts/gamma.md").write_text(TALK.format(body="Fixed."), encoding="utf-8")
    assert sphinx_build(root, "html", "-j", "2").returncode == 0


# What the checks must let through, each on a page of its own, in one project built once and
# checked once: setext titles, escaped dollars, math, fenced code, MyST's own line break.
SETEXT_TITLES = ["A title on\ntwo lines\n=========", "A title\\\nbroken\n===", "One line\n========"]
DOLLARS = (
    "It costs \\$5 per run and \\$10 per day; the rank $r$ of $W + AB^\\top$ is small,\n"
    "$\\text{rank of } W \\le r$ and $\\operatorname{arg\\,min}_x f(x)$ hold.\n\n"
    "```python\nx = 1\n```\n\n- An item\n\n    continued here.\n"
)
CLEAN = {
    "abstracts/dollars.md": TALK.format(body=DOLLARS),
    "abstracts/hard-break.md": TALK.format(body="First line\\\nsecond line."),
} | {
    f"abstracts/setext-{i}.md": f"---\nspeakers: [ada]\n---\n\n{title}\n\nText.\n"
    for i, title in enumerate(SETEXT_TITLES)
}


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    """The clean project built as `make html` and checked by `python -m sphinx_workshop_site
    check` (in this process): (build, check's exit status, its stdout, its stderr)."""
    from sphinx_workshop_site.cli import main

    root = _project(tmp_path_factory.mktemp("clean"), CLEAN)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(["check", "--root", str(root)])
    return sphinx_build(root), status, out.getvalue(), err.getvalue()


def test_the_clean_project_builds(clean):
    build, *_ = clean
    assert build.returncode == 0, build.output
    assert "WARNING" not in build.output


def test_check_passes_a_clean_project(clean):
    _build, status, _said, problems = clean
    assert (status, problems) == (0, "")


def test_check_claims_only_what_it_ran(clean):
    """`workshop check` runs the checks, not the HTML build: it says the files are valid, and
    `make check` says the site builds only after sphinx-build has run."""
    _build, status, said, _problems = clean
    assert status == 0
    assert "are valid" in said and "builds" not in said
    steps = subprocess.run(["make", "-n", "check"], cwd=ROOT, capture_output=True, text=True).stdout
    lines = steps.splitlines()
    built = next(i for i, line in enumerate(lines) if "sphinx" in line and "-b html" in line)
    claimed = next(i for i, line in enumerate(lines) if "The site builds" in line)
    assert built < claimed


def _git(root: Path, *args: str) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
    }
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, env=env)


def _submission_branch(tmp_path: Path) -> Path:
    """A project committed on 'main', checked out on a new branch 'submission'."""
    root = _project(tmp_path, {})
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "base")
    _git(root, "checkout", "-qb", "submission")
    return root


def _check_pr(root: Path, base: str = "main") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sphinx_workshop_site", "check-pr", "--base", base, "--root", str(root)],
        capture_output=True,
        text=True,
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(ROOT / "_ext")},
    )


def test_check_pr_in_a_real_repository(tmp_path):
    root = _submission_branch(tmp_path)
    talk = TALK.replace("[ada]", "[dora]")  # a new speaker of the branch's own (ada is on the base)
    (root / "abstracts/delta.md").write_text(talk.format(body="Text."), encoding="utf-8")
    (root / "abstracts/delta.bib").write_text("", encoding="utf-8")
    (root / "speakers/dora.md").write_text("---\naffiliation: X\n---\n\n# Dora\n", encoding="utf-8")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "my talk")
    ok = _check_pr(root)
    assert ok.returncode == 0, ok.stderr
    assert "abstracts/delta.md: added (yours)" in ok.stdout
    (root / "abstracts/alpha.md").write_text("vandalised\n", encoding="utf-8")
    (root / "program/schedule.yaml").unlink()
    bad = _check_pr(root)
    assert bad.returncode == 1
    assert "abstracts/alpha.md: modified, but it is not yours" in bad.stderr
    assert "program/schedule.yaml: deleted: needs an organizer" in bad.stderr
    missing = _check_pr(root, base="origin/nowhere")
    assert missing.returncode == 2 and "cannot compare with 'origin/nowhere'" in missing.stderr


@pytest.mark.parametrize(
    ("change", "verdict"),
    [
        (Change("A", "abstracts/zed.md"), "added (yours)"),
        (Change("A", "abstracts/zed/figure.png"), "added (yours)"),
        (Change("A", "abstracts/other-image.png"), "not a file of a new talk"),
        (Change("M", "abstracts/alpha.bib"), "not yours"),
        (Change("D", "speakers/ada.md"), "not yours"),
        (Change("M", "conf.py"), "needs an organizer"),
        (Change("A", "_ext/sphinx_workshop_site/evil.py"), "not a file of a new talk"),
        (Change("M", ".github/workflows/ci.yml"), "needs an organizer"),
    ],
)
def test_scope_verdicts(change, verdict):
    ok, bad = verdicts([Change("A", "abstracts/zed.md"), change], "abstracts", "speakers")
    assert any(verdict in line and change.path in line for line in ok + bad), (ok, bad)


def test_escaped_dollars_fenced_code_and_math_pass(clean):
    """What the dollar and indentation checks must not catch: escaped dollar signs, math that is
    math (words inside \\text{…}), fenced code, a list item's continued paragraph."""
    build, *_ = clean
    assert build.returncode == 0, build.output
    assert [line for line in build.output.splitlines() if "abstracts/dollars.md" in line] == []
    assert "It costs $5 per run and $10 per day" in build.page("abstracts/dollars.html")


def test_hard_line_break_is_not_raw_html(clean, every_failure):
    """MyST writes '\\' at a line's end as raw output; the gate knows it is its own."""
    build, *_ = clean
    assert [line for line in build.output.splitlines() if "abstracts/hard-break.md" in line] == []
    assert "First line<br />" in build.page("abstracts/hard-break.html")
    _root, first, _second, _problems = every_failure  # '<br />' written as HTML is refused
    _files, where = _case_files(
        sorted(FAILURES).index("line break written as HTML"), "line break written as HTML"
    )
    assert _located(first.output, where, "raw HTML is not allowed"), first.output


def test_check_pr_reads_names_exactly(tmp_path):
    """A tab in a file name neither splits the name nor hides the file."""
    root = _submission_branch(tmp_path)
    (root / "abstracts/delta.md").write_text(TALK.format(body="Text."), encoding="utf-8")
    (root / "abstracts/delta.md\tconf.py").write_text("x", encoding="utf-8")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "tricky name")
    result = _check_pr(root)
    assert result.returncode == 1
    assert "abstracts/delta.md\\x09conf.py: added, but not a file of a new talk" in result.stderr  # printable


def test_problems_per_page_are_bounded(tmp_path):
    """A page of thousands of refused roles: a hundred located lines and one count, quickly."""
    paragraph = "\n".join("x {raw}`y`" for _ in range(500))  # within the paragraph budget
    body = "\n\n".join([paragraph] * 20)  # 10,000 refused roles, a role per line
    root = _project(tmp_path, {"abstracts/gamma.md": TALK.format(body=body)})
    built = sphinx_build(root)
    refused = [line for line in built.output.splitlines() if "role '{raw}' is not allowed" in line]
    assert built.returncode and len(refused) == 100
    assert [line.split(":")[1] for line in refused] == [str(n) for n in range(8, 108)]
    assert "abstracts/gamma.md:1: WARNING: 9900 more problem(s) on this page" in built.output


@pytest.mark.parametrize("index", range(len(SETEXT_TITLES)), ids=SETEXT_TITLES)
def test_setext_titles_are_titles(clean, index):
    build, *_ = clean
    page = f"abstracts/setext-{index}.md"
    assert [line for line in build.output.splitlines() if page in line] == [], build.output
    assert build.returncode == 0, build.output
    assert (build.outdir / f"abstracts/setext-{index}.html").is_file()


def test_make_live_keeps_failing_after_another_save(tmp_path):
    """sphinx-autobuild (`make live`): saving another file rebuilds, and the broken page still warns."""
    import queue
    import socket
    import threading
    import time

    files, where, message = FAILURES["unknown cite key"]
    root = _project(tmp_path, files)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    autobuild = Path(sys.executable).parent / "sphinx-autobuild"
    proc = subprocess.Popen(
        [
            str(autobuild),
            "-W",
            "--keep-going",
            "-n",
            "-d",
            "_build/doctrees",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            ".",
            "_build/html",
        ],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "_ext"), "NO_COLOR": "1"},
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True).start()

    def warnings_of_next_build(timeout: float = 120) -> list[str]:
        seen, end = [], time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                line = lines.get(timeout=1)
            except queue.Empty:
                continue
            seen.append(line)
            if "build finished" in line or "build succeeded" in line:
                return seen
        raise AssertionError("no build finished:\n" + "".join(seen))

    try:
        assert _located("".join(warnings_of_next_build()), where, message)
        beta = root / "abstracts/beta.md"
        time.sleep(1)  # the watcher is running
        beta.write_text(beta.read_text() + "\nOne more sentence.\n", encoding="utf-8")
        again = "".join(warnings_of_next_build())
        assert _located(again, where, message) and "build finished with problems" in again, again
    finally:
        proc.terminate()
        proc.wait(timeout=30)
