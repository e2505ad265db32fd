"""The extension as a package: `pip install .` from this repository, then a minimal outside project
(a conf.py and a few pages, another workshop, another theme) built with the INSTALLED package."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

from conftest import ROOT, SPHINX_FLAGS, strip_colors

EXT = ROOT / "_ext" / "sphinx_workshop_site"

CONF = """\
extensions = ["myst_parser", "sphinxcontrib.bibtex", "sphinx_workshop_site"]
project = "Tensor Days 2031"
source_suffix = {".md": "markdown"}
bibtex_bibfiles = []
html_baseurl = "https://tensor-days.example.net/"
workshop_acronym = "TD'31"
workshop_full_name = "Tensor Days"
workshop_organizers = ["Ada Lovelace"]
"""
PAGES = {
    "index.md": "# Tensor Days 2031\n\nOn 2 and 3 April 2031.\n\n```{toctree}\nprogram/index\nabstracts/opening\nspeakers/ada\n```\n",
    "program/index.md": "# Programme\n\n```{schedule} schedule.yaml\n```\n",
    "program/schedule.yaml": (
        "timezone: Europe/Berlin\nvenue: Hall 1, Bonn, Germany\ndays:\n  - date: 2031-04-02\n    slots:\n"
        "      - time: 09:00-10:00\n        talk: opening\n  - date: 2031-04-03\n    slots:\n"
        "      - time: 09:00-09:30\n        title: Coffee\n        kind: break\n"
    ),
    "abstracts/opening.md": "---\nspeakers: [ada]\nkeywords: [tensors]\n---\n\n# Opening lecture\n\nWhat tensors are.\n",
    "speakers/ada.md": "---\naffiliation: University of Nowhere\n---\n\n# Ada Lovelace\n",
}


def run_installed(installed: Path, args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    # only the installed package: neither this repository's _ext nor the tests' sys.path
    env = {**os.environ, "PYTHONPATH": str(installed), "NO_COLOR": "1"}
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True)


def test_the_installed_package_is_the_one_imported(installed, tmp_path):
    found = run_installed(
        installed,
        [
            "-c",
            "import sphinx_workshop_site; print(sphinx_workshop_site.__file__, sphinx_workshop_site.__version__)",
        ],
        tmp_path,
    )
    path, version = found.stdout.split()
    assert Path(path).is_relative_to(installed) and not Path(path).is_relative_to(ROOT)
    meta = run_installed(
        installed,
        ["-c", "import importlib.metadata as m; print(m.version('sphinx-workshop-site'))"],
        tmp_path,
    )
    assert meta.stdout.strip() == version
    changelog = (EXT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(rf"^## {re.escape(version)}\b", changelog, re.M), "every version has its changelog entry"


def test_every_file_of_the_extension_is_installed(installed):
    wanted = {
        p.relative_to(EXT).as_posix()
        for p in EXT.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and not p.name.endswith(".pyc")
    }
    got = {
        p.relative_to(installed / "sphinx_workshop_site").as_posix()
        for p in (installed / "sphinx_workshop_site").rglob("*")
        if p.is_file()
    }
    assert wanted - got == set(), "package-data in pyproject.toml misses these"


def test_an_outside_project_builds_with_the_installed_package(installed, tmp_path):
    project = tmp_path / "tensor-days"
    for rel, text in {"conf.py": CONF, **PAGES}.items():
        (project / rel).parent.mkdir(parents=True, exist_ok=True)
        (project / rel).write_text(text, encoding="utf-8")
    out = project / "_build/html"
    build = run_installed(installed, ["-m", "sphinx", *SPHINX_FLAGS, "-b", "html", ".", str(out)], project)
    output = strip_colors(build.stdout + build.stderr)
    assert build.returncode == 0, output
    programme = (out / "program/index.html").read_text(encoding="utf-8")
    assert "Wednesday 2 April 2031" in programme and "Opening lecture" in programme
    assert "Ada Lovelace" in (out / "abstracts/opening.html").read_text(encoding="utf-8")
    ics = (out / "program.ics").read_text(encoding="utf-8")
    assert "20310402T090000" in ics and "lorainne" not in ics.lower()
    for page in out.rglob("*.html"):
        assert "LoRAINNe" not in page.read_text(encoding="utf-8"), page
    # every export names the package and its one version (pyproject.toml reads sphinx_workshop_site.__version__)
    version = run_installed(
        installed, ["-c", "import sphinx_workshop_site; print(sphinx_workshop_site.__version__)"], project
    )
    generator = json.loads((out / "schedule.json").read_text(encoding="utf-8"))["generator"]
    assert generator == {"name": "sphinx-workshop-site", "version": version.stdout.strip()}
    assert f"sphinx-workshop-site {version.stdout.strip()}//EN" in ics
    xml = (out / "schedule.xml").read_text(encoding="utf-8")
    assert f'<generator name="sphinx-workshop-site" version="{version.stdout.strip()}"' in xml


# ------------------------------------------------------------- one place for each rule (issue 24)


def package_sources() -> dict[str, str]:
    return {p.relative_to(EXT).as_posix(): p.read_text(encoding="utf-8") for p in sorted(EXT.rglob("*.py"))}


def test_the_package_names_its_own_version_once():
    """pyproject.toml reads the version from sphinx_workshop_site.__version__; the exports' generator says
    the same version and the name pyproject.toml gives the package (no second version string)."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["tool"]["setuptools"]["dynamic"]["version"] == {
        "attr": "sphinx_workshop_site.__version__"
    }
    from sphinx_workshop_site import __version__
    from sphinx_workshop_site.exports import programme as exports

    assert pyproject["project"]["name"] == exports.GENERATOR
    assert exports.generator_version() == __version__
    found = [name for name, text in package_sources().items() if re.search(r"VERSION\s*=\s*['\"]\d", text)]
    assert found == [], found


def test_a_duration_and_the_announced_words_are_written_once():
    """Minutes between two times (model.schedule.minutes_between) and 'will be announced'
    (POSTERS_LATER, SPOTLIGHTS_LATER there): one place each, used by the site, the book and the
    exports."""
    sources = package_sources()
    minutes = [n for n, t in sources.items() for line in t.splitlines() if ".hour * 60" in line]
    assert minutes == ["model/schedule.py"], minutes
    announced = [
        n for n, t in sources.items() for _ in re.finditer(r'"(?:Posters|Spotlights) will be announced', t)
    ]
    assert announced == ["model/schedule.py", "model/schedule.py"], announced


def test_the_packages_dependencies_cover_what_it_imports():
    """pylatexenc (TeX to text) and the other third-party modules the package imports are in
    pyproject.toml's dependencies: an installed package must not rely on the site's requirements."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    declared = {
        re.split(r"[<>=!~ \[]", d)[0].lower().replace("_", "-") for d in pyproject["project"]["dependencies"]
    }
    for module in ("pylatexenc", "anyascii", "icalendar", "jsonschema", "lxml", "pikepdf", "yaml"):
        assert any(f"import {module}" in t or f"from {module}" in t for t in package_sources().values()), (
            module
        )
        assert {"yaml": "pyyaml"}.get(module, module) in declared, module


SHIPPED_EDITION_WORDS = re.compile(r"lorainne|idmc", re.I)


def test_nothing_of_this_workshop_ships_in_the_package_or_its_tools():
    """The package's files (code aside from docstring examples, templates, style, schemas) and the
    tools' package.json name no edition: LoRAINNe and IDMC are the site's data, outside _ext/."""
    shipped = [
        p
        for p in EXT.rglob("*")
        if p.is_file() and p.suffix in (".html", ".sty", ".css", ".json", ".js", ".tex")
    ]
    shipped += [ROOT / "tools/package.json", ROOT / "_ext/sphinx_workshop_site/site/static/workshop.css"]
    for path in shipped:
        assert not SHIPPED_EDITION_WORDS.search(path.read_text(encoding="utf-8")), path
    for name, text in package_sources().items():
        code = re.sub(
            r'""".*?"""|#[^\n]*', "", text, flags=re.S
        )  # examples in docstrings and comments are fine
        assert not SHIPPED_EDITION_WORDS.search(code), name
