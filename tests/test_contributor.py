"""A first-time contributor's path: scaffold, fill in, check, build; and every bad front matter."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import ROOT, Batch, copy_site, sphinx_build, write_files
from sphinx_workshop_site.cli import check_project

FILLED_TALK = """\
---
speakers: [jane-doe]
authors:
  - name: Jane Doe
    affiliations: ["Université de Lorraine, Nancy"]
    orcid: 0000-0001-5109-3700
    corresponding: true
  - name: 张伟
    affiliation: Tsinghua University, Beijing
keywords: [low-rank adaptation, tensors]
---

# Low-rank adapters seen as tensor decompositions

We relate low-rank adapters $W + AB^\\top$ to tensor decompositions{footcite}`kolda2009tensor`.
"""

# A work the site may cite already (abstracts/*.bib): copied unchanged, one key serves two talks.
FILLED_BIB = """\
@article{kolda2009tensor,
  author    = {Kolda, Tamara G. and Bader, Brett W.},
  title     = {Tensor Decompositions and Applications},
  journal   = {SIAM Review},
  volume    = {51},
  number    = {3},
  pages     = {455--500},
  year      = {2009},
  doi       = {10.1137/07070111X}
}
"""

FILLED_SPEAKER = """\
---
affiliation: Université de Lorraine, Nancy
homepage: https://example.org/jane
orcid: 0000-0001-5109-3700
---

# Jane Doe
"""


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(cwd / "_ext")}
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True)


def workshop(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return run(["-m", "sphinx_workshop_site", *args], cwd)


@pytest.fixture
def repo(tmp_path) -> Path:
    """A temp copy of the site under git, as a contributor's fresh fork."""
    root = copy_site(tmp_path / "fork")
    for name in ("Makefile", "pyproject.toml", "requirements.txt"):
        (root / name).write_bytes((ROOT / name).read_bytes())
    for args in (
        ["init", "-q"],
        ["add", "-A"],
        ["-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", "fork"],
    ):
        subprocess.run(["git", *args], cwd=root, check=True)
    return root


def test_contributor_flow(repo):
    scaffold = workshop(repo, "new-abstract", "jane-doe", "--name", "Jane Doe")
    assert scaffold.returncode == 0, scaffold.stderr
    # the untouched scaffold builds (so `make live` previews it) but `check` says it is unfinished
    assert "% TODO" in (repo / "abstracts/jane-doe.md").read_text()
    unfinished = workshop(repo, "check")
    assert unfinished.returncode == 1 and "abstracts/jane-doe.md:12:" in unfinished.stderr
    assert "[workshop.unfinished]" in unfinished.stderr

    (repo / "abstracts/jane-doe.md").write_text(FILLED_TALK)
    (repo / "abstracts/jane-doe.bib").write_text(FILLED_BIB)
    (repo / "speakers/jane-doe.md").write_text(FILLED_SPEAKER)
    checked = workshop(repo, "check")
    assert checked.returncode == 0, checked.stderr

    build = sphinx_build(repo)
    assert build.returncode == 0, build.output
    listing = build.page("abstracts/index.html")
    assert "Low-rank adapters seen as tensor decompositions" in listing and "jane-doe.html" in listing
    speaker = BeautifulSoup(build.page("speakers/jane-doe.html"), "html.parser")
    assert (
        "Low-rank adapters seen as tensor decompositions" in speaker.select_one("ul.speaker-talks").get_text()
    )
    assert "Jane Doe" in build.page("speakers/index.html")
    programme = BeautifulSoup(build.page("program/index.html"), "html.parser")
    assert "Low-rank adapters" in programme.select_one("ul.unscheduled-talks").get_text()
    talk = BeautifulSoup(build.page("abstracts/jane-doe.html"), "html.parser")
    meta = talk.select_one("dl.talk-meta").get_text(" ")
    assert "张伟" in meta and "Université de Lorraine, Nancy" in meta
    assert "10.1137/07070111X" in talk.select_one(".footnote-list, aside.footnote").parent.get_text()

    status = subprocess.run(["git", "status", "--porcelain"], cwd=repo, capture_output=True, text=True).stdout
    changed = sorted(line for line in status.splitlines() if not line.startswith("?? _build"))
    assert changed == ["?? abstracts/jane-doe.bib", "?? abstracts/jane-doe.md", "?? speakers/jane-doe.md"]


def test_two_scaffolds_touch_disjoint_files(repo):
    before = {p for p in repo.rglob("*") if p.is_file()}
    first = workshop(repo, "new-abstract", "alice-talk", "--speaker", "alice")
    after_first = {p for p in repo.rglob("*") if p.is_file()}
    second = workshop(repo, "new-abstract", "bob-talk", "--speaker", "bob")
    after_second = {p for p in repo.rglob("*") if p.is_file()}
    assert first.returncode == second.returncode == 0
    first_files, second_files = after_first - before, after_second - after_first
    assert {p.name for p in first_files} == {"alice-talk.md", "alice-talk.bib", "alice.md"}
    assert {p.name for p in second_files} == {"bob-talk.md", "bob-talk.bib", "bob.md"}
    status = subprocess.run(["git", "status", "--porcelain"], cwd=repo, capture_output=True, text=True).stdout
    assert all(line.startswith("??") for line in status.splitlines())  # no tracked file edited


def test_scaffold_refuses_to_overwrite_and_bad_ids(repo):
    taken = next(p.stem for p in sorted((repo / "abstracts").glob("*.md")) if p.stem != "index")
    existing = (repo / f"abstracts/{taken}.md").read_text()
    again = workshop(repo, "new-abstract", taken)
    assert again.returncode == 1 and f"abstracts/{taken}.md already exists" in again.stderr
    assert (repo / f"abstracts/{taken}.md").read_text() == existing
    bad = workshop(repo, "new-abstract", "Jane_Doe")
    assert bad.returncode == 1 and "must be lower-case letters" in bad.stderr
    assert not (repo / "abstracts/Jane_Doe.md").exists()


# --------------------------------------------------------------------------- bad front matter

TALK = "---\nspeakers: [ada]\nkeywords: [tensors]\n---\n\n# A talk\n\nThe abstract.\n"
SPEAKER = "---\naffiliation: University of Nowhere\n---\n\n# Ada Lovelace\n"

BAD = {
    # name: (file, content, line, message)
    "unknown talk key": (
        "abstracts/alpha.md",
        TALK.replace("keywords:", "keywrods:"),
        3,
        "unknown key 'keywrods' in a talk's front matter (did you mean 'keywords'?)",
    ),
    "missing speakers": (
        "abstracts/alpha.md",
        TALK.replace("speakers: [ada]\n", ""),
        2,
        "the talk has no 'speakers'",
    ),
    "unknown speaker": (
        "abstracts/alpha.md",
        TALK.replace("[ada]", "[adaa]"),
        2,
        "unknown speaker 'adaa' (did you mean 'ada'?)",
    ),
    "speakers not a list": (
        "abstracts/alpha.md",
        TALK.replace("[ada]", "{id: ada}"),
        2,
        "'speakers' must be a list",
    ),
    "bad author orcid": (
        "abstracts/alpha.md",
        TALK.replace("keywords", "authors:\n  - name: Ada\n    orcid: 0000-0002-1825-0098\nkeywords"),
        5,
        "ORCID '0000-0002-1825-0098' has a wrong check digit",
    ),
    "malformed orcid": (
        "abstracts/alpha.md",
        TALK.replace("keywords", "authors:\n  - name: Ada\n    orcid: 1234\nkeywords"),
        5,
        "is not of the form",
    ),
    "author without name": (
        "abstracts/alpha.md",
        TALK.replace("keywords", "authors:\n  - affiliation: X\nkeywords"),
        4,
        "the author has no 'name'",
    ),
    "unknown author key": (
        "abstracts/alpha.md",
        TALK.replace("keywords", "authors:\n  - name: Ada\n    afiliation: X\nkeywords"),
        5,
        "unknown key 'afiliation' in an author (did you mean 'affiliation'?)",
    ),
    "no front matter": ("abstracts/alpha.md", "# A talk\n\nText.\n", 1, "the page has no front matter"),
    "bad front matter yaml": (
        "abstracts/alpha.md",
        TALK.replace("keywords: [tensors]", "keywords: [tensors"),
        3,
        "YAML syntax error",
    ),
    "talk without title": (
        "abstracts/alpha.md",
        TALK.replace("# A talk\n", ""),
        5,
        "the talk page has no title",
    ),
    "too long": (
        "abstracts/alpha.md",
        TALK.replace("The abstract.", "word " * 301),
        8,
        "the abstract has 301 words, more than the limit of 300",
    ),
    "bad file name": (
        "abstracts/Alpha_Talk.md",
        TALK,
        1,
        "file name 'Alpha_Talk' must be lower-case letters",
    ),
    "missing affiliation": (
        "speakers/ada.md",
        SPEAKER.replace("affiliation: University of Nowhere\n", "homepage: https://example.org\n"),
        2,
        "the speaker has no 'affiliation'",
    ),
    "unknown speaker key": (
        "speakers/ada.md",
        SPEAKER.replace("affiliation:", "afiliation:"),
        2,
        "unknown key 'afiliation' in a speaker's front matter (did you mean 'affiliation'?)",
    ),
    "bad homepage": (
        "speakers/ada.md",
        SPEAKER.replace("---\n\n#", "homepage: javascript:alert(1)\n---\n\n#"),
        3,
        "'homepage' must be an http:// or https:// address",
    ),
    "bad speaker orcid": (
        "speakers/ada.md",
        SPEAKER.replace("---\n\n#", "orcid: 0000-0002-1825-009X\n---\n\n#"),
        3,
        "wrong check digit",
    ),
    "speaker without title": (
        "speakers/ada.md",
        SPEAKER.replace("# Ada Lovelace\n", "Just text.\n"),
        4,
        "the speaker page has no title",
    ),
}


def own_file(case: str) -> str:
    """The case's page under an id of its own ("cb-<case>"), in the folder of the page it edits,
    so that the cases are built together (a file name that is the mistake stays as it is)."""
    file = BAD[case][0]
    if file not in ("abstracts/alpha.md", "speakers/ada.md"):
        return file
    return f"{file.split('/')[0]}/cb-{re.sub(r'[^a-z0-9]+', '-', case.lower()).strip('-')}.md"


CITED = {  # a cited key misspelt, its talk's bib file at hand
    "abstracts/cb-cited.md": TALK.replace("The abstract.", "See{footcite}`kolda2009tensr`."),
    "abstracts/cb-cited.bib": FILLED_BIB,
}


@pytest.fixture(scope="module")
def bad(tmp_path_factory):
    """Every bad front matter, a misspelt cited key and a page in no toctree, in one project:
    built once as make html, and checked once with make check's text parser disabled (it reads
    the build's warnings as records): (build, the problems as printed, the problems)."""
    from sphinx_workshop_site import cli

    root = tmp_path_factory.mktemp("bad") / "schedule"
    shutil.copytree(ROOT / "tests/roots/test-schedule", root)
    write_files(root, {own_file(case): BAD[case][1] for case in BAD} | CITED)
    write_files(root, {"orphan.md": "# Nobody links here\n"})
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cli, "WARNING_LINE", re.compile(r"(?!)"))  # matches no line of output
        problems = check_project(root)
    return Batch(sphinx_build(root), [str(p) for p in problems]), problems


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_front_matter_in_check_and_build(bad, case):
    batch, _problems = bad
    _file, _content, line, message = BAD[case]
    file = own_file(case)
    expected = f"{file}:{line}: WARNING: "
    assert any(w.startswith(expected) and message in w for w in batch.about(file)), batch.about(file)
    assert "Traceback" not in batch.build.output
    assert any(p.startswith(f"{file}:{line}: ") and message in p for p in batch.check), batch.check


def test_the_cases_built_together_say_nothing_else(bad):
    """No case's message lands on another page: the cases did not interfere."""
    batch, _problems = bad
    assert batch.unexpected({own_file(case) for case in BAD} | set(CITED) | {"orphan.md"}) == []


def test_cited_key_in_no_bib_file(bad):
    batch, _problems = bad
    assert (
        "abstracts/cb-cited.md:8: cited key 'kolda2009tensr' is in no .bib file (did you mean 'kolda2009tensor'?): add the entry to the talk's .bib file"
        in batch.check
    )
    assert batch.build.returncode != 0
    assert [w for w in batch.about("abstracts/cb-cited.md") if "kolda2009tensr" in w]


def test_check_command_output_and_exit_code(tmp_path, rootdir):
    root = tmp_path / "site"
    shutil.copytree(rootdir / "test-schedule", root)
    shutil.copytree(ROOT / "_ext", root / "_ext")
    assert workshop(root, "check").returncode == 0
    (root / "speakers/ada.md").write_text(SPEAKER.replace("affiliation:", "afiliation:"))
    result = workshop(root, "check")
    assert result.returncode == 1
    assert result.stderr.splitlines()[0].startswith("speakers/ada.md:2: unknown key 'afiliation'")


def test_make_check_reads_the_builds_warnings_as_records_not_its_output(bad):
    """make check reads each warning as the build wrote it (diagnostics.StructuredWarnings, one
    JSON record): with the text parser disabled, the workshop's own warning and Sphinx's are still
    located, with their subtype or tag."""
    from sphinx_workshop_site.model.errors import Problem

    _batch, problems = bad
    cited = next(p for p in problems if "kolda2009tensr" in p.message)
    assert (cited.file, cited.line, cited.subtype) == ("abstracts/cb-cited.md", 8, Problem.CITATION), cited
    assert "orphan.md: document isn't included in any toctree [toc.not_included]" in [
        str(p) for p in problems
    ]
