"""The benchmark's synthetic conferences: correct, never timed (timings live in make bench)."""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections import Counter

import pytest
import yaml
from conftest import ROOT, sphinx_build

sys.path.insert(0, str(ROOT))
from benchmarks.bench import (
    FIRST_PAINT_MAX_S,
    FULL_BUILD_MAX_S,
    PARALLEL_SPEEDUP_MIN,
    PDF_MAX_S,
    PEAK_MAX_MIB,
    POSTER_EDIT_MAX_S,
    PROGRAMME_MAX_BYTES,
    XELATEX_RUNS_MAX,
    build,
    bump,
    missed_targets,
    programme_page,
)
from benchmarks.generate import generate

TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$")


def minutes(hhmm: str) -> int:
    hours, mins = hhmm.split(":")
    return int(hours) * 60 + int(mins)


@pytest.mark.parametrize("n", [100, 1000, 5000])
def test_generated_conference_is_a_valid_programme_with_posters(tmp_path, n):
    """Every slot a time within its day, no two slots at once in a room, a fifth of the
    contributions talks, every poster in exactly one poster session, several days and rooms."""
    site = generate(tmp_path / f"n{n}", n)
    pages = {p.stem: p.read_text() for p in (site / "abstracts").glob("*.md") if p.stem != "index"}
    posters = {pid for pid, text in pages.items() if "\ntype: poster\n" in text.split("\n---\n", 1)[0]}
    talks = set(pages) - posters
    assert len(pages) == n and len(talks) == n // 5 and len(posters) == n - n // 5
    assert all(pid.startswith("poster-") for pid in posters) and all(t.startswith("talk-") for t in talks)

    schedule = yaml.safe_load((site / "program/schedule.yaml").read_text())
    rooms = schedule["rooms"]
    assert len(schedule["days"]) >= 2 and len(rooms) >= 2
    scheduled_talks, listed_posters = Counter(), Counter()
    for day in schedule["days"]:
        assert isinstance(day["date"], dt.date)  # YAML reads an ISO date as a date
        busy: dict[str, list[tuple[int, int]]] = {room: [] for room in rooms}
        for slot in day["slots"]:
            assert TIME.match(slot["time"]), slot["time"]
            start, end = (minutes(t) for t in slot["time"].split("-"))
            assert start < end, slot["time"]
            for room in [slot["room"]] if "room" in slot else rooms:
                assert all(end <= s or start >= e for s, e in busy[room]), (day["date"], room, slot["time"])
                busy[room].append((start, end))
            if "talk" in slot:
                scheduled_talks[slot["talk"]] += 1
            if "posters" in slot:
                assert slot["kind"] == "poster" and "talk" not in slot
                listed_posters.update(slot["posters"])
    assert set(scheduled_talks) == talks and set(scheduled_talks.values()) == {1}
    assert set(listed_posters) == posters and set(listed_posters.values()) == {1}
    if n == 5000:  # a large conference: more rooms, more days
        assert len(rooms) >= 4 and len(schedule["days"]) >= 3


def test_plain_variant_builds_clean(tmp_path):
    site = generate(tmp_path / "plain", 10, "plain")
    result = sphinx_build(site)
    assert result.returncode == 0 and "WARNING" not in result.output, result.output[-3000:]
    assert "Board 1" in (site / "_build/html/program/index.html").read_text()


def measured(n: int = 5000, **changes) -> dict:
    """A result of bench_size that meets every target, with some values changed."""
    result = {
        "n": n,
        "talks": n // 5,
        "posters": n - n // 5,
        "full": {"wall_s": FULL_BUILD_MAX_S - 1, "peak_mib": PEAK_MAX_MIB - 1},
        "programme": {"bytes": PROGRAMME_MAX_BYTES - 1, "first_paint_s": FIRST_PAINT_MAX_S - 0.1},
        "incremental": {"body": {"wall_s": POSTER_EDIT_MAX_S - 1, "read": 1, "written": 3}},
    }
    for key, value in changes.items():
        if key in ("bytes", "first_paint_s"):
            result["programme"][key] = value
        elif key in ("read", "written"):
            result["incremental"]["body"][key] = value
        elif key == "body_s":
            result["incremental"]["body"]["wall_s"] = value
        elif key in ("full_s", "peak_mib"):
            result["full"]["wall_s" if key == "full_s" else key] = value
        else:
            result[key] = value
    return result


def book(n: int = 1000, **changes) -> dict:
    """A result of bench_pdf that meets every target, with some values changed."""
    result = {
        "n": n,
        "full": {"wall_s": PDF_MAX_S - 1, "xelatex_runs": 3, "read": n},
        "abstract_edit": {"wall_s": 60.0, "xelatex_runs": 2, "read": 1},
        "correct": True,
    }
    for key, value in changes.items():
        if key == "pdf_s":
            result["full"]["wall_s"] = value
        elif key == "runs":
            result["full"]["xelatex_runs"] = value
        elif key == "edit_read":
            result["abstract_edit"]["read"] = value
        else:
            result[key] = value
    return result


def test_target_checks_pass_a_conference_that_meets_every_target():
    speedup = {"parallel_speedup": PARALLEL_SPEEDUP_MIN, "serial": {"wall_s": 100.0}}
    assert (
        missed_targets([measured(100), measured(1000, **speedup), measured(5000)], [book(100), book()]) == []
    )


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"full_s": FULL_BUILD_MAX_S + 1}, "full build 301 s, over the 300 s target"),
        ({"peak_mib": PEAK_MAX_MIB}, "peak memory 1536 MiB, not under 1536 MiB"),
        ({"read": 2}, "editing a poster's body re-read 2 and rewrote 3 pages"),
        ({"written": 4}, "editing a poster's body re-read 1 and rewrote 4 pages"),
        ({"body_s": POSTER_EDIT_MAX_S + 0.5}, "editing a poster's body took 15.5 s, over 15 s"),
        ({"bytes": PROGRAMME_MAX_BYTES + 1}, "the programme page is 2.0 MB, over 2 MB (split it per day)"),
        ({"first_paint_s": 2.5}, "the programme page paints first after 2.5 s, over 2 s"),
        (
            {"checks_overhead": 0.2, "gated": {"cpu_s": 12.0}, "ungated": {"cpu_s": 10.0}},
            "checks add +20.0% CPU time",
        ),
        (
            {"parallel_speedup": 1.2, "serial": {"wall_s": 120.0}},
            f"is 1.20x one process (299.0 s against 120.0 s), under {PARALLEL_SPEEDUP_MIN}x",
        ),
    ],
)
def test_target_checks_name_each_missed_target(change, expected):
    missed = missed_targets([measured(100), measured(5000, **change)])
    assert len(missed) == 1 and missed[0].startswith("N = 5000: ") and expected in missed[0], missed


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"pdf_s": PDF_MAX_S + 1}, "make pdf took 601 s, over 600 s"),
        ({"runs": XELATEX_RUNS_MAX + 1}, f"XeLaTeX ran {XELATEX_RUNS_MAX + 1} times"),
        ({"edit_read": 7}, "editing an abstract re-read 7 pages"),
        ({"correct": False}, "the outline, speakers part or author index is not complete"),
    ],
)
def test_book_target_checks_name_each_missed_target(change, expected):
    missed = missed_targets([measured(100)], [book(100), book(1000, **change)])
    assert len(missed) == 1 and missed[0].startswith("the book at N = 1000") and expected in missed[0], missed


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """12 contributions: talks 0-2 (speakers 0, 0, 1), posters 0-8 (speakers 1-5)."""
    site = generate(tmp_path_factory.mktemp("bench") / "n12", 12)
    build(site)
    return site


def edit(site, rel: str, old: str, new: str) -> dict:
    path = site / rel
    path.write_text(path.read_text().replace(old, new, 1))
    bump(path)
    return build(site, fresh=False)


def test_editing_a_poster_body_rereads_only_that_page(small):
    result = edit(small, "abstracts/poster-0004.md", "The abstract of", "The edited abstract of")
    assert result["read"] == {"abstracts/poster-0004"}
    assert result["written"] <= {"abstracts/poster-0004", "abstracts/index"}


def test_editing_a_title_rewrites_only_pages_that_show_it(small):
    result = edit(small, "abstracts/talk-0002.md", ": low-rank", ": renamed low-rank")
    assert result["read"] == {"abstracts/talk-0002"}
    shows_it = {
        "abstracts/talk-0002",
        "program/index",
        "abstracts/index",
        "index",  # the home page: its toctree (rewritten by Sphinx itself) holds the talk titles
        "speakers/index",
        "speakers/speaker-0001",
    }
    assert result["written"] <= shows_it, result["written"] - shows_it
    assert "renamed low-rank" in (small / "_build/html/program/index.html").read_text()
    assert "renamed low-rank" in (small / "_build/html/speakers/speaker-0001.html").read_text()


def test_editing_the_schedule_rewrites_the_talks_it_moves(small):
    schedule = (small / "program/schedule.yaml").read_text()
    swapped = schedule.replace("talk: talk-0000", "talk: X").replace("talk: talk-0001", "talk: talk-0000")
    (small / "program/schedule.yaml").write_text(swapped.replace("talk: X", "talk: talk-0001"))
    bump(small / "program/schedule.yaml")
    result = build(small, fresh=False)
    assert result["read"] <= {"program/index", "abstracts/index"}
    assert {"abstracts/talk-0000", "abstracts/talk-0001"} <= result["written"]
    assert "abstracts/talk-0002" not in result["written"]  # a talk that did not move
    assert "abstracts/poster-0003" not in result["written"]


def test_programme_page_is_measured_in_chromium(small):
    page = small / "_build/html/program/index.html"
    measured_page = programme_page(page, loads=1)
    assert measured_page["bytes"] == page.stat().st_size
    assert 0 < measured_page["first_paint_s"] <= measured_page["load_s"]
    assert measured_page["elements"] > 100  # the whole page was parsed, not an error page


COUNT_GLOBAL_TREES = """\
from pathlib import Path

import sphinx.builders.html as html_builder

walked = []
walk = html_builder.global_toctree_for_doc


def counting(*args, **kwargs):
    walked.append(1)
    return walk(*args, **kwargs)


html_builder.global_toctree_for_doc = counting


def setup(app):
    app.connect("build-finished", lambda app, exc: Path(app.outdir, "global-trees.txt").write_text(str(len(walked))))
    return {"parallel_read_safe": True}
"""


@pytest.fixture(scope="module")
def large(tmp_path_factory):
    """120 contributions (24 talks, 96 posters), built once with the theme's own sidebar depth
    (a full tree would list every talk) and a count of the whole-tree walks."""
    site = generate(tmp_path_factory.mktemp("bench") / "n120", 120)
    (site / "_ext/count_global_trees.py").write_text(COUNT_GLOBAL_TREES)
    with (site / "conf.py").open("a") as conf:
        conf.write("html_theme_options = {}\nextensions.append('count_global_trees')\n")
    return site, sphinx_build(site)


@pytest.mark.slow
def test_generated_conference_of_120_contributions_builds_clean(large):
    site, result = large
    assert result.returncode == 0 and "WARNING" not in result.output, result.output[-3000:]
    assert (site / "_build/html/abstracts/talk-0023.html").is_file()
    assert (site / "_build/html/abstracts/poster-0095.html").is_file()
    programme = (site / "_build/html/program/index.html").read_text()
    assert "Room B" in programme and "poster-0095.html" in programme


def test_large_conference_sidebar_lists_sections_not_every_talk(large):
    """Above 100 contribution pages the sidebar shows the sections, and no page walks the whole
    document tree for it (not even for the theme's check that a sidebar is not empty): a full
    tree on every page makes each page O(N) and the build O(N^2)."""
    site, result = large
    assert result.returncode == 0, result.output[-2000:]
    page = (site / "_build/html/abstracts/talk-0003.html").read_text()
    sidebar = page[page.index('aria-label="Main"') : page.index("</nav>", page.index('aria-label="Main"'))]
    assert 'class="toctree-l1 current active"><a class="reference internal" href="index.html">' in sidebar
    assert "talk-0004.html" not in sidebar and "../program/index.html" in sidebar
    assert (site / "_build/html/global-trees.txt").read_text() == "0"
