"""More of the hostile-submission suite (issue 13 follow-up): holes found after the gate landed.

Built as CI builds them (tests/test_hostile.py's project, limits and checks): directive options
that make Sphinx allocate without bound, links to host folders under the contributor folders,
element ids that collide with the theme's, and messages that said the wrong thing.
"""

from __future__ import annotations

import os

import pytest
from test_hostile import assert_sound, build, make_project
from workshop.cli import check_project

OUTSIDE = "host-only-name-7f3a"  # a folder outside the project; its paths must never be printed


@pytest.fixture(scope="module")
def linked_folders(tmp_path_factory):
    """Links to folders outside the project, at the top of the contributor folders and inside a
    contributor's own folder, and a link to '/'."""
    base = tmp_path_factory.mktemp("links")
    outside = base / OUTSIDE
    (outside / "deeper" / "deepest").mkdir(parents=True)
    for folder in (outside, outside / "deeper", outside / "deeper" / "deepest"):
        (folder / f"{OUTSIDE}-page.md").write_text("# Host page\n", encoding="utf-8")
    root = make_project(base, {})
    os.symlink(outside, root / "abstracts" / "x-dir")
    os.symlink("/", root / "speakers" / "root-dir")
    (root / "abstracts" / "alpha").mkdir()
    os.symlink(outside / "deeper", root / "abstracts" / "alpha" / "figures")
    os.symlink(outside / f"{OUTSIDE}-page.md", root / "abstracts" / "alpha" / "linked.md")
    return build(root)


def test_a_linked_folder_is_reported_once_and_never_walked(linked_folders):
    result = linked_folders
    assert_sound(result)
    assert result.returncode == 1
    for rel in (
        "abstracts/x-dir",
        "speakers/root-dir",
        "abstracts/alpha/figures",
        "abstracts/alpha/linked.md",
    ):
        lines = [
            line for line in result.output.splitlines() if f"{rel} is a link: add the file itself" in line
        ]
        assert len(lines) == 1 and lines[0].startswith(f"{rel}:1: WARNING"), (rel, result.output[-3000:])
    assert OUTSIDE not in result.output, result.output[-3000:]
    assert "/proc" not in result.output and "/usr" not in result.output
    assert not any(OUTSIDE in str(path) for path in (result.root / "_build").rglob("*"))


def test_check_reports_the_linked_folders(linked_folders):
    problems = [str(p) for p in check_project(linked_folders.root)]
    assert any(p.startswith("abstracts/x-dir:1: abstracts/x-dir is a link") for p in problems), problems
    assert not any(OUTSIDE in p for p in problems), problems
