"""Shared fixtures: Sphinx test roots, temp copies of the real site, system-tool checks."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "_ext"))

pytest_plugins = ("sphinx.testing.fixtures",)

# What a site checkout is made of (no .venv, no _build, no .git).
SITE_PARTS = ("conf.py", "index.md", "proceedings.md", "program", "speakers", "abstracts", "_static", "_ext")
SPHINX_FLAGS = ("-W", "--keep-going", "-n")


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
    dest.mkdir(parents=True, exist_ok=True)
    for part in SITE_PARTS:
        src = ROOT / part
        if src.is_dir():
            shutil.copytree(src, dest / part, ignore=shutil.ignore_patterns("__pycache__"))
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


def sphinx_build(srcdir: Path, builder: str = "html", *extra: str) -> Build:
    """Build as `make html` does: a separate sphinx-build process, warnings as errors."""
    outdir = srcdir / "_build" / builder
    ext = srcdir / "_ext" if (srcdir / "_ext").is_dir() else ROOT / "_ext"  # test roots use ours
    proc = subprocess.run(
        [sys.executable, "-m", "sphinx", *SPHINX_FLAGS, "-b", builder, *extra, str(srcdir), str(outdir)],
        capture_output=True,
        text=True,
        cwd=srcdir,
        env={**os.environ, "PYTHONPATH": str(ext), "NO_COLOR": "1"},
    )
    # Sphinx colours its output on CI (CI=true): compare plain text
    return Build(srcdir, outdir, proc.returncode, strip_colors(proc.stdout + proc.stderr))


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Build:
    """The real site, built once in a temp copy."""
    return sphinx_build(copy_site(tmp_path_factory.mktemp("site")))


def write_files(root: Path, files: dict[str, str | bytes]) -> None:
    """Write ``{path relative to root: text or bytes}`` (text as UTF-8)."""
    for rel, content in files.items():
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
    from workshop.cli import check_project

    _app, warnings = build_root("schedule", files)
    located = [w for w in warnings.splitlines() if w.startswith(f"{file}:{line}: WARNING: ")]
    assert any(message in w for w in located), warnings
    assert "Traceback" not in warnings and "Exception" not in warnings
    problems = [str(p) for p in check_project(srcdir)]
    assert any(p.startswith(f"{file}:{line}: ") and message in p for p in problems), problems


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
