"""`python -m sphinx_workshop_site init`: another workshop starts from an empty folder, and its site and book
build with no further edit and carry nothing of this workshop."""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import ROOT, require_tool, sphinx_build, strip_colors
from sphinx_workshop_site.edition import newsite
from test_posters import fields

# This workshop's words: none may reach another workshop's files, site or book.
OURS = re.compile(r"lorainne|nancy|idmc|\b2024\b", re.I)
LYON = [
    "--name",
    "Lyon Tensor Day 2027",
    "--acronym",
    "LTD'27",
    "--start",
    "2027-06-03",
    "--venue",
    "ENS de Lyon, Lyon, France",
    "--timezone",
    "Europe/Paris",
    "--rooms",
    "Amphi A,Amphi B",
    "--organizers",
    "Ada Lovelace, Alan Turing",
]
SECOND_TALK = """\
---
speakers: [grace-hopper]
keywords: [tensor networks]
---

# Tensor networks for compilers

How a compiler might see a tensor network, in a parallel session of the morning.
"""
POSTER = """\
---
type: poster
speakers: [grace-hopper]
keywords: [tensor trains]
---

# Tensor trains on a board

A poster on tensor trains.
"""
SPEAKER = "---\naffiliation: Université Claude Bernard Lyon 1\n---\n\n# Grace Hopper\n"
# one day, two rooms: the example talk in Amphi A, a second talk beside it, a poster session
SCHEDULE_SLOTS = """\
      - time: 09:30-10:30
        talk: example-talk
        room: Amphi A
      - time: 09:30-10:30
        talk: compilers
        room: Amphi B
      - time: 11:00-12:00
        title: Poster session
        kind: poster
        posters: [tensor-trains]
        room: Amphi B
"""


def workshop(*args: str, cwd: Path, package: Path = ROOT / "_ext") -> subprocess.CompletedProcess:
    """`python -m sphinx_workshop_site …` with the package importable from ``package`` (this repository's, or
    the installed wheel's folder) and nothing else of this repository."""
    env = {**os.environ, "PYTHONPATH": str(package), "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "sphinx_workshop_site", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
    )


def site_make(site: Path, target: str, package: Path = ROOT / "_ext") -> subprocess.CompletedProcess:
    """`make <target>` in the new site, with this test run's environment as its .venv."""
    venv = Path(sys.executable).parent.parent
    env = {**os.environ, "PYTHONPATH": str(package), "NO_COLOR": "1"}
    return subprocess.run(["make", target, f"VENV={venv}"], cwd=site, env=env, capture_output=True, text=True)


def init_lyon(tmp: Path, *extra: str, package: Path = ROOT / "_ext") -> Path:
    result = workshop("init", "lyon", *LYON, *extra, cwd=tmp, package=package)
    assert result.returncode == 0, result.stdout + result.stderr
    site = tmp / "lyon"
    # The test environment has every requirement already: the Makefile must not install the
    # new site's requirements.txt (the extension is importable here, not installed) into it.
    os.utime(site / "requirements.txt", (0, 0))
    return site


def test_init_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    result = workshop("init", ".", *LYON, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "is not an empty folder" in lines[0] and "nothing was written" in lines[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_init_refuses_a_wrong_date_and_writes_nothing(tmp_path):
    result = workshop("init", "site", *LYON[:4], "--start", "3 June 2027", "--venue", "Lyon", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "error: --start '3 June 2027' is not an ISO date (YYYY-MM-DD); nothing was written"
    )
    assert not (tmp_path / "site").exists()


def test_the_new_sites_readme_and_requirements_name_the_extension(tmp_path):
    """The new site's README and requirements.txt name the package that builds it (the import
    name and the distribution), not a 'workshop' extension there is no such package for."""
    site = init_lyon(tmp_path, "--no-example")
    readme = " ".join((site / "README.md").read_text(encoding="utf-8").split())
    assert "built by the Sphinx extension `sphinx_workshop_site` (package `sphinx-workshop-site`" in readme
    assert "`workshop` extension" not in readme
    head = (site / "requirements.txt").read_text(encoding="utf-8").split("\n")[:2]
    assert "the Sphinx extension itself (sphinx-workshop-site)" in " ".join(h.lstrip("# ") for h in head), (
        head
    )


def test_the_book_defaults_yield_to_conf_py(make_app, tmp_path):
    """The extension's book settings apply only where conf.py sets none (an organizer overrides)."""
    site = init_lyon(tmp_path, "--no-example")
    app = make_app("latex", srcdir=site, tags=["proceedings"])
    assert app.config.latex_engine == "xelatex"
    assert app.config.root_doc == "proceedings"
    assert app.config.latex_documents[0][:3] == ("proceedings", "ltd27-proceedings.tex", "LTD’27")
    assert app.config.latex_elements["papersize"] == "a4paper"
    assert "index.md" in app.config.exclude_patterns and "speakers/index.md" in app.config.exclude_patterns

    with (site / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write('latex_engine = "lualatex"\nlatex_elements = {"papersize": "letterpaper"}\n')
    app = make_app("latex", srcdir=site)
    assert app.config.latex_engine == "lualatex"
    assert app.config.latex_elements["papersize"] == "letterpaper"
    assert app.config.latex_elements["pointsize"] == "11pt"  # the default it did not set
    assert app.config.root_doc == "index" and "proceedings.md" in app.config.exclude_patterns


def test_an_announce_first_site_builds(tmp_path):
    """No talk and no speaker yet: the site builds."""
    site = init_lyon(tmp_path, "--no-example")
    build = site_make(site, "html")
    assert build.returncode == 0, strip_colors(build.stdout + build.stderr)
    assert "Invited talk" in (site / "_build/html/program/index.html").read_text(encoding="utf-8")


def test_a_new_workshop_builds_its_site_and_book(installed, tmp_path):
    """From an empty folder with the package installed (pip, from a copy of this repository's
    sources; not importable from _ext): init, then make pdf and make html."""
    for tool in ("xelatex", "bwrap", "pdftotext"):
        require_tool(tool, "the PDF tests need TeX, bubblewrap and poppler-utils (see README)")
    site = init_lyon(tmp_path, package=installed)
    for name in (
        "Makefile",
        "conf.py",
        "proceedings.md",
        "CONTRIBUTING.md",
        ".github/workflows/ci.yml",
        ".github/pull_request_template.md",
        "program/schedule.yaml",
        "speakers/index.md",
    ):
        assert (site / name).is_file(), name

    # The organizers add a talk in the second room, a poster and its session.
    (site / "abstracts/compilers.md").write_text(SECOND_TALK, encoding="utf-8")
    (site / "abstracts/tensor-trains.md").write_text(POSTER, encoding="utf-8")
    (site / "speakers/grace-hopper.md").write_text(SPEAKER, encoding="utf-8")
    schedule = site / "program/schedule.yaml"
    text = schedule.read_text(encoding="utf-8")
    example = "      - time: 09:30-10:30\n        talk: example-talk\n"
    assert example in text
    schedule.write_text(text.replace(example, SCHEDULE_SLOTS), encoding="utf-8")

    pdf_build = site_make(site, "pdf", package=installed)
    assert pdf_build.returncode == 0, strip_colors(pdf_build.stdout + pdf_build.stderr)
    html_build = site_make(site, "html", package=installed)
    assert html_build.returncode == 0, strip_colors(html_build.stdout + html_build.stderr)
    # The site's Makefile and the shared targets the installed extension gave it (_build/site.mk).
    makefiles = [site / "Makefile", site / "_build/site.mk"]
    targets = {
        t for f in makefiles for t in re.findall(r"^([a-z-]+)::?", f.read_text(encoding="utf-8"), re.M)
    }
    wanted = {
        "html",
        "pdf",
        "check",
        "check-pr",
        "live",
        "new-abstract",
        "new-edition",
        "release-schedule",
        "test",
    }
    assert wanted <= targets, wanted - targets
    listed = site_make(site, "help")
    assert listed.returncode == 0 and "make new-edition" in listed.stdout and "make test " in listed.stdout

    home = (site / "_build/html/index.html").read_text(encoding="utf-8")
    assert "Lyon Tensor Day 2027" in home and "Thursday 3 June 2027" in home
    assert 'href="ltd27-proceedings.pdf"' in home  # the book's link, from the extension's default
    programme = (site / "_build/html/program/index.html").read_text(encoding="utf-8")
    for words in ("Amphi A", "Amphi B", "Tensor networks for compilers", "Tensor trains on a board"):
        assert words in programme, words
    # each page in one toctree: Sphinx says nothing of the lists (the home page's speakers, the
    # contributions page's two lists)
    for build in (pdf_build, html_build):
        assert "multiple toctrees" not in build.stdout + build.stderr, strip_colors(
            build.stdout + build.stderr
        )
    # the poster's slot, labelled as a talk's: the session's title said once, its room
    poster_page = BeautifulSoup(
        (site / "_build/html/abstracts/tensor-trains.html").read_text(), "html.parser"
    )
    assert fields(poster_page)["When"].startswith(
        "Poster session: Thursday 3 June 2027, 11:00–12:00 (Europe/Paris), Amphi B, board 1 "
    )

    pdf = site / "_build/pdf/ltd27-proceedings.pdf"
    book = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = " ".join(book.split())
    for words in (
        "LTD’27",
        "Lyon Tensor Day 2027",
        "Book of abstracts",
        "3 June 2027",
        "ENS de Lyon, Lyon, France",
        "Ada Lovelace · Alan Turing",
        "An example talk",
        "Tensor networks for compilers",
        "Tensor trains on a board",
        # the poster's session with its room, as a talk's slot ('When: …, Amphi A')
        "When: Poster session: Thursday 3 June 2027, 11:00–12:00, Amphi B, board 1",
        "When: Thursday 3 June 2027, 09:30–10:30, Amphi A",
    ):
        assert words in flat, words
    assert "Workshop on" not in flat  # the cover names the workshop as its organizers did
    tex = (site / "_build/latex/ltd27-proceedings.tex").read_text(encoding="utf-8")
    assert r"\begin{picture}" not in tex and "includegraphics" not in tex.split(r"\end{titlepage}")[0]

    assert not OURS.search(book), OURS.search(book)
    # Every file of the new site and of its site and book, but the theme's, MathJax's and TeX's
    # own (their copyright years), the build's caches and the pinned versions of requirements.txt.
    for path in sorted(site.rglob("*")):
        relative = path.relative_to(site).as_posix()
        if not path.is_file() or path.suffix in (".pdf", ".png", ".woff", ".woff2", ".inv", ".pickle"):
            continue
        if relative.startswith("_build/html/_static/") and relative != "_build/html/_static/workshop.css":
            continue
        if relative.startswith(("_build/doctrees", "_build/latex/")) and path.suffix != ".tex":
            continue
        if relative == "requirements.txt":
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        found = OURS.search(text)
        assert found is None, f"{relative}: {found.group(0)!r}"


def test_check_pr_of_a_new_site_runs_the_installed_checker(tmp_path):
    """`make check-pr` in the new site: a contributor's new page passes, an edit of conf.py does not."""
    require_tool("git", "make check-pr compares git commits")
    site = init_lyon(tmp_path, "--no-example")
    git = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org"]

    def run(*args: str) -> None:
        subprocess.run([*git, *args], cwd=site, check=True, capture_output=True)

    run("init", "-q", "-b", "main")
    run("add", "-A")
    run("commit", "-q", "-m", "init")
    run("switch", "-q", "-c", "talk")
    (site / "speakers/grace-hopper.md").write_text(SPEAKER, encoding="utf-8")
    run("add", "-A")
    run("commit", "-q", "-m", "a speaker")
    venv = Path(sys.executable).parent.parent
    env = {**os.environ, "PYTHONPATH": str(ROOT / "_ext"), "NO_COLOR": "1"}

    def check_pr() -> subprocess.CompletedProcess:
        return subprocess.run(
            ["make", "check-pr", "BASE=main", f"VENV={venv}"],
            cwd=site,
            env=env,
            capture_output=True,
            text=True,
        )

    ok = check_pr()
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "by the installed checker" in ok.stdout and "speakers/grace-hopper.md: added (yours)" in ok.stdout
    with (site / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write("workshop_word_limit = 3000\n")
    run("commit", "-q", "-am", "longer abstracts")
    bad = check_pr()
    assert bad.returncode != 0
    assert "conf.py: modified: needs an organizer" in bad.stderr, bad.stdout + bad.stderr


def test_the_new_sites_workflow_passes_actionlint():
    from test_workflows import actionlint

    workflow = ROOT / "_ext/sphinx_workshop_site/edition/site-template/ci.yml"
    result = actionlint(workflow)
    assert result.returncode == 0, result.stdout + result.stderr
    text = workflow.read_text(encoding="utf-8")
    on = yaml.safe_load(text)[True]  # YAML 1.1 reads the key 'on' as True
    assert "pull_request" in on and "pull_request_target" not in on  # no secrets for forks
    assert "secrets." not in text and "make all" in text and "make check" in text


def latex_build(site: Path) -> subprocess.CompletedProcess:
    """The book's LaTeX only (no TeX run), as `make pdf` writes it."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "_ext"), "NO_COLOR": "1"}
    command = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-n", "-b", "latex", "-t", "proceedings"]
    return subprocess.run([*command, ".", "_build/latex"], cwd=site, env=env, capture_output=True, text=True)


def test_the_cover_logo_is_the_editions_setting(tmp_path):
    from PIL import Image

    site = init_lyon(tmp_path, "--no-example")
    (site / "_static").mkdir()  # the organizers' own files
    Image.new("RGB", (200, 100), (30, 90, 140)).save(site / "_static/ltd-logo.png")
    conf = site / "conf.py"
    text = conf.read_text(encoding="utf-8")
    conf.write_text(text.replace('workshop_cover_logo = ""', 'workshop_cover_logo = "_static/ltd-logo.png"'))
    build = latex_build(site)
    assert build.returncode == 0, strip_colors(build.stdout + build.stderr)
    cover = (
        (site / "_build/latex/ltd27-proceedings.tex").read_text(encoding="utf-8").split(r"\end{titlepage}")[0]
    )
    assert "]{ltd-logo.png}" in cover and (site / "_build/latex/ltd-logo.png").is_file()

    conf.write_text(text.replace('workshop_cover_logo = ""', 'workshop_cover_logo = "_static/none.png"'))
    build = latex_build(site)
    warnings = [line for line in strip_colors(build.stderr).splitlines() if "WARNING" in line]
    assert build.returncode != 0 and len(warnings) == 1, warnings
    line = next(n for n, t in enumerate(text.splitlines(), 1) if t.startswith("workshop_cover_logo"))
    assert warnings[0].startswith(
        f"conf.py:{line}: WARNING: workshop_cover_logo '_static/none.png': no such file"
    )


# -- where the new site installs the extension from (requirements.txt's last line) ----------------


class _Installed:
    """A distribution of the extension as importlib.metadata reads it, installed from ``direct``."""

    version = "2.0.0"

    def __init__(self, direct: dict) -> None:
        self.direct = direct

    def read_text(self, name: str) -> str | None:
        return json.dumps(self.direct) if name == "direct_url.json" else None


def lyon_args(folder: Path) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    newsite.add_arguments(parser)
    return parser.parse_args([str(folder), *LYON])


def a_wheel(folder: Path) -> Path:
    """A wheel of the extension's name and version that pip can read (metadata only)."""
    wheel = folder / "sphinx_workshop_site-2.0.0-py3-none-any.whl"
    info = "sphinx_workshop_site-2.0.0.dist-info"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr(
            f"{info}/METADATA", "Metadata-Version: 2.1\nName: sphinx-workshop-site\nVersion: 2.0.0\n"
        )
        archive.writestr(f"{info}/WHEEL", "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
        archive.writestr(f"{info}/RECORD", "")
    return wheel


@pytest.mark.slow  # pip reads the requirement
def test_a_wheel_installed_from_this_machine_goes_with_the_new_site(tmp_path, monkeypatch):
    """Its file:// path exists on no other machine (CI, the other organizers): the site carries the
    wheel and installs it from there, wherever it is checked out."""
    wheel = a_wheel(tmp_path)
    installed = _Installed({"url": wheel.as_uri(), "archive_info": {}})
    monkeypatch.setattr(newsite.metadata, "distribution", lambda name: installed)
    site = tmp_path / "moved-elsewhere"
    newsite.init_site(site, lyon_args(site))
    wheel.unlink()  # another machine: only the site is there
    last = (site / "requirements.txt").read_text(encoding="utf-8").splitlines()[-1]
    assert last == "./vendor/sphinx_workshop_site-2.0.0-py3-none-any.whl"
    (site / "extension.txt").write_text(last + "\n", encoding="utf-8")
    pip = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--dry-run",
            "--no-deps",
            "--no-index",
            "-r",
            "extension.txt",
        ],
        cwd=site,
        capture_output=True,
        text=True,
    )
    assert pip.returncode == 0, pip.stdout + pip.stderr
    assert "Would install sphinx-workshop-site-2.0.0" in pip.stdout


def test_a_source_folder_install_is_named_with_a_warning(tmp_path, monkeypatch, capsys):
    source = tmp_path / "clone of the extension"
    installed = _Installed({"url": source.as_uri(), "dir_info": {}})
    monkeypatch.setattr(newsite.metadata, "distribution", lambda name: installed)
    assert newsite.init_command(lyon_args(tmp_path / "site")) == 0
    warnings = [line for line in capsys.readouterr().err.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1
    assert "requirements.txt" in warnings[0] and str(source) in warnings[0] and "wheel" in warnings[0]
    last = (tmp_path / "site/requirements.txt").read_text(encoding="utf-8").splitlines()[-1]
    assert last == f"sphinx-workshop-site @ {source.as_uri()}"
    assert not (tmp_path / "site/vendor").exists()


def test_every_tool_of_the_new_site_is_pinned_or_says_it_is_not(tmp_path, monkeypatch):
    real_version = newsite.metadata.version

    def version(name: str) -> str:
        if name == "sphinx-autobuild":
            raise newsite.metadata.PackageNotFoundError(name)
        return real_version(name)

    monkeypatch.setattr(newsite.metadata, "version", version)
    newsite.init_site(tmp_path / "site", lyon_args(tmp_path / "site"))
    lines = (tmp_path / "site/requirements.txt").read_text(encoding="utf-8").splitlines()
    tools = [line for line in lines if line and not line.startswith("#")][:-1]  # the extension last
    assert {line.split("=")[0].split()[0] for line in tools} == set(newsite.SITE_REQUIREMENTS)
    unpinned = [line for line in tools if "==" not in line]
    assert unpinned == ["sphinx-autobuild  # not installed where init ran: pin the version you test with"]


def test_what_is_deleted_since_the_last_build_leaves_the_site(tmp_path):
    """Sphinx never removes a page it wrote: the example talk and speaker an organizer deletes
    stayed in _build/html, and on the published site, with the talk's calendar and citation files."""
    site = init_lyon(tmp_path)
    (site / "abstracts/compilers.md").write_text(SECOND_TALK, encoding="utf-8")
    (site / "abstracts/tensor-trains.md").write_text(POSTER, encoding="utf-8")
    (site / "speakers/grace-hopper.md").write_text(SPEAKER, encoding="utf-8")
    schedule = site / "program/schedule.yaml"
    example = "      - time: 09:30-10:30\n        talk: example-talk\n"
    schedule.write_text(
        schedule.read_text(encoding="utf-8").replace(example, SCHEDULE_SLOTS), encoding="utf-8"
    )
    first = sphinx_build(site)
    assert first.returncode == 0, first.output
    html = site / "_build/html"

    def named_after_the_examples() -> list[str]:
        return sorted(
            p.relative_to(html).as_posix()
            for p in html.rglob("*")
            if p.is_file()
            and ("example-talk" in p.name or "jane-doe" in p.name)
            and ".doctrees" not in p.parts  # Sphinx's own (make html keeps them in _build/doctrees)
        )

    example_files = named_after_the_examples()
    pages = {f"abstracts/example-talk.{ext}" for ext in ("html", "ics", "bib", "ris", "json")}
    assert pages | {"speakers/jane-doe.html"} <= set(example_files), example_files
    assert (html / "abstracts/compilers.ics").is_file()

    # the example talk and its speaker deleted; the second talk out of the programme, its page kept
    for name in ("abstracts/example-talk.md", "abstracts/example-talk.bib", "speakers/jane-doe.md"):
        (site / name).unlink()
    (site / "abstracts/compilers.md").write_text(
        SECOND_TALK.replace("jane-doe", "grace-hopper"), encoding="utf-8"
    )
    slots = SCHEDULE_SLOTS.replace("      - time: 09:30-10:30\n        talk: example-talk\n", "").replace(
        "        talk: compilers\n", "        title: A talk to be announced\n"
    )
    schedule.write_text(schedule.read_text(encoding="utf-8").replace(SCHEDULE_SLOTS, slots), encoding="utf-8")
    second = sphinx_build(site)
    assert second.returncode == 0, second.output
    assert named_after_the_examples() == []
    assert not (html / "abstracts/compilers.ics").exists()  # in no slot: no calendar
    assert (html / "abstracts/compilers.html").is_file() and (html / "abstracts/compilers.bib").is_file()
    assert (html / "program.ics").is_file() and (html / "speakers/grace-hopper.html").is_file()
