"""The benchmark's synthetic conferences: correct, never timed (timings live in make bench)."""

from __future__ import annotations

import sys

import pytest
from conftest import ROOT, sphinx_build

sys.path.insert(0, str(ROOT))
from benchmarks.bench import build, bump
from benchmarks.generate import generate


@pytest.mark.slow
def test_generated_conference_of_100_talks_builds_clean(tmp_path):
    site = generate(tmp_path / "n100", 100)
    result = sphinx_build(site)
    assert result.returncode == 0 and "WARNING" not in result.output, result.output[-3000:]
    assert (site / "_build/html/abstracts/talk-0099.html").is_file()
    assert "Room D" in (site / "_build/html/program/index.html").read_text()


def test_plain_variant_builds_clean(tmp_path):
    site = generate(tmp_path / "plain", 10, "plain")
    result = sphinx_build(site)
    assert result.returncode == 0 and "WARNING" not in result.output, result.output[-3000:]


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    site = generate(tmp_path_factory.mktemp("bench") / "n12", 12)
    build(site)
    return site


def edit(site, rel: str, old: str, new: str) -> dict:
    path = site / rel
    path.write_text(path.read_text().replace(old, new, 1))
    bump(path)
    return build(site, fresh=False)


def test_editing_an_abstract_body_rereads_only_that_page(small):
    result = edit(small, "abstracts/talk-0005.md", "The abstract of", "The edited abstract of")
    assert result["read"] == {"abstracts/talk-0005"}
    assert result["written"] <= {"abstracts/talk-0005", "abstracts/index"}


def test_editing_a_title_rewrites_only_pages_that_show_it(small):
    result = edit(small, "abstracts/talk-0006.md", ": low-rank", ": renamed low-rank")
    assert result["read"] == {"abstracts/talk-0006"}
    shows_it = {
        "abstracts/talk-0006",
        "program/index",
        "abstracts/index",
        "index",  # the home page: its toctree (rewritten by Sphinx itself) holds the talk titles
        "speakers/index",
        "speakers/speaker-0003",
    }
    assert result["written"] <= shows_it, result["written"] - shows_it
    assert "renamed low-rank" in (small / "_build/html/program/index.html").read_text()
    assert "renamed low-rank" in (small / "_build/html/speakers/speaker-0003.html").read_text()


def test_editing_the_schedule_rewrites_the_talks_it_moves(small):
    schedule = (small / "program/schedule.yaml").read_text()
    swapped = schedule.replace("talk: talk-0000", "talk: X").replace("talk: talk-0001", "talk: talk-0000")
    (small / "program/schedule.yaml").write_text(swapped.replace("talk: X", "talk: talk-0001"))
    bump(small / "program/schedule.yaml")
    result = build(small, fresh=False)
    assert result["read"] <= {"program/index", "abstracts/index"}
    assert {"abstracts/talk-0000", "abstracts/talk-0001"} <= result["written"]
    assert "abstracts/talk-0007" not in result["written"]  # a talk that did not move


def test_large_conference_sidebar_lists_sections_not_every_talk(tmp_path):
    """Above 100 talks the sidebar shows the sections: a full tree on every page is quadratic."""
    site = generate(tmp_path / "n120", 120)
    result = sphinx_build(site)
    assert result.returncode == 0, result.output[-2000:]
    page = (site / "_build/html/abstracts/talk-0003.html").read_text()
    sidebar = page[page.index('aria-label="Main"') : page.index("</nav>", page.index('aria-label="Main"'))]
    assert (
        'class="toctree-l1 current active"><a class="reference internal" href="index.html">Talks' in sidebar
    )
    assert "talk-0004.html" not in sidebar and "../program/index.html" in sidebar
