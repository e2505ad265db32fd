"""The {schedule} directive on small test roots: rendering, validation, incremental, parallel."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sphinx_workshop_site.model.schedulefile import load_schedule

GOOD = (Path(__file__).parent / "roots/test-schedule/program/schedule.yaml").read_text()


def html(app, page: str) -> BeautifulSoup:
    return BeautifulSoup((Path(app.outdir) / page).read_text(encoding="utf-8"), "html.parser")


def flat(node) -> str:
    text = re.sub(r"\s+", " ", node.get_text(" ").replace("¶", "")).replace(" ,", ",")
    return text.replace("( ", "(").replace(" )", ")").strip()  # the separator, not the page's text


def workshop_warnings(text: str) -> list[str]:
    return [line for line in text.splitlines() if "WARNING" in line or "ERROR" in line]


# --------------------------------------------------------------------------- rendering


def test_good_schedule_renders_one_table_per_day(build_root):
    app, warnings = build_root("schedule")
    assert workshop_warnings(warnings) == []
    page = html(app, "program/index.html")
    tables = page.select("table.schedule-day")
    # days come in date order whatever the file's order; weekdays are computed
    assert [flat(t.find("caption")) for t in tables] == [
        "Tuesday 26 November 2024",
        "Wednesday 27 November 2024",
    ]
    assert [t["id"] for t in tables] == ["day-2024-11-26", "day-2024-11-27"]
    rows = [[flat(td) for td in tr.find_all("td")] for tr in tables[0].select("tbody tr")]
    assert rows[0] == ["13:45–14:00", "Registration", ""]  # time order, not file order
    assert rows[1][0] == "14:15–15:15"
    assert rows[1][2] == "Ada Lovelace (University of Nowhere)"
    title_link = tables[0].select("tbody tr")[1].find("a")
    assert title_link["href"] == "../abstracts/alpha.html"
    assert title_link.select_one("span.math"), "math in a talk title stays math"
    beta = tables[1].select("tbody tr")[1]
    assert (
        flat(beta.find_all("td")[2])
        == "Ada Lovelace (University of Nowhere), Bob Smith (Institute of Somewhere)"
    )
    assert [a["href"] for a in beta.find_all("td")[2].find_all("a")] == [
        "../speakers/ada.html",
        "../speakers/bob.html",
    ]
    assert "slot-break" in tables[1].select("tbody tr")[0]["class"]


def test_unscheduled_talks_are_listed(build_root):
    app, _ = build_root("schedule")
    page = html(app, "program/index.html")
    heading = page.find(id="not-yet-scheduled")
    assert heading is not None and flat(heading) == "Not yet scheduled"
    items = page.select("ul.unscheduled-talks > li")
    assert len(items) == 1 and "Gamma talk" in flat(items[0]) and "Bob Smith" in flat(items[0])
    assert "Not yet scheduled" in flat(html(app, "abstracts/gamma.html").find("body"))


def test_talk_page_shows_its_slot(build_root):
    app, _ = build_root("schedule")
    meta = html(app, "abstracts/alpha.html").select_one("dl.talk-meta")
    assert "Tuesday 26 November 2024, 14:15–15:15 (Europe/Paris), Main room" in flat(meta)
    link = meta.find("a", string="Tuesday 26 November 2024")
    assert link["href"] == "../program/index.html#day-2024-11-26"


def test_day_option_shows_one_day(build_root):
    app, warnings = build_root(
        "schedule",
        {"program/index.md": "# Programme\n\n```{schedule} schedule.yaml\n:day: 2024-11-27\n```\n"},
    )
    assert workshop_warnings(warnings) == []
    captions = [flat(c) for c in html(app, "program/index.html").select("table caption")]
    assert captions == ["Wednesday 27 November 2024"]


def test_multi_room_day(build_root):
    app, warnings = build_root("rooms")
    assert workshop_warnings(warnings) == []
    table = html(app, "program/index.html").select_one("table.schedule-day")
    assert [flat(th) for th in table.select("thead th")] == ["Time", "Room A", "Room B"]
    rows = table.select("tbody tr")
    stars = table.select("td button.agenda-star")  # My agenda: one per talk, in its room's cell
    assert [flat(b.find_parent("td").select_one(".slot-title")) for b in stars] == [
        "Alpha talk on \\(x_1\\) tensors",
        "Beta talk",
        "Gamma talk",
    ]
    for star in stars:
        star.decompose()
    opening = rows[0].find_all("td")
    assert flat(opening[1]) == "Opening" and opening[1].get("colspan") == "2"  # spans both rooms
    parallel = [flat(td) for td in rows[1].find_all("td")]
    assert parallel[0] == "09:30–10:30"
    assert parallel[1].startswith("Alpha talk") and parallel[2].startswith("Beta talk")
    last = [flat(td) for td in rows[3].find_all("td")]
    assert last[1] == "" and last[2].startswith("Gamma talk")
    room_b = html(app, "abstracts/beta.html").select_one("dl.talk-meta")
    assert "09:30–10:30 (Europe/Paris), Room B" in flat(room_b)


def test_schedule_renders_with_the_latex_builder(build_root):
    app, warnings = build_root("schedule", buildername="latex")
    assert workshop_warnings(warnings) == []
    tex = next(Path(app.outdir).glob("*.tex")).read_text()
    assert "Tuesday 26 November 2024" in tex and "Registration" in tex
    assert r"\begin{tabulary}" in tex or r"\begin{longtable}" in tex or r"\begin{tabular" in tex


# --------------------------------------------------------------------------- validation

CASES = {
    # name: (old text, new text, expected line, expected message part)
    "unknown talk": ("talk: alpha", "talk: alpah", 15, "unknown talk 'alpah' (did you mean 'alpha'?)"),
    "talk in two slots": ("talk: beta", "talk: alpha", 11, "talk 'alpha' is already in the slot on line 14"),
    "overlap": ("time: 13:45-14:00", "time: 13:45-14:30", 14, "overlaps slot 13:45–14:30 (line 16)"),
    "end before start": ("time: 09:00-09:30", "time: 09:30-09:00", 7, "ends before it starts"),
    "end equals start": ("time: 09:00-09:30", "time: 09:00-09:00", 7, "ends before it starts"),
    "malformed time": (
        "time: 09:00-09:30",
        "time: 9h-9h30",
        7,
        "time '9h-9h30' is not a range: write HH:MM-HH:MM",
    ),
    "impossible hour": (
        "time: 09:00-09:30",
        "time: 25:00-26:00",
        7,
        "time '25:00-26:00' has an invalid hour (25:00): the 24-hour clock runs from 00:00 to 23:59 [workshop.time]",
    ),
    "sexagesimal trap": ("time: 09:00-09:30", "time: 09:00", 7, "time '09:00' is not a range"),
    "non-ISO date": ("date: 2024-11-27", "date: 27/11/2024", 5, "date '27/11/2024' is not an ISO date"),
    "impossible date": ("date: 2024-11-27", "date: 2024-11-31", 5, "date '2024-11-31' does not exist"),
    "unknown key": (
        "title: Welcome coffee",
        "tittle: Welcome coffee",
        8,
        "unknown key 'tittle' in a slot (did you mean 'title'?)",
    ),
    "unknown room": (
        "        kind: break",
        "        kind: break\n        room: Mian room",
        10,
        "unknown room 'Mian room' (did you mean 'Main room'?)",
    ),
    "neither talk nor title": ("        title: Registration\n", "", 16, "the slot has neither 'talk'"),
    "both talk and title": (
        "        talk: beta",
        "        talk: beta\n        title: Beta",
        12,
        "has both 'talk' and 'title'",
    ),
    "unknown kind": ("kind: break", "kind: brek", 9, "unknown kind 'brek' (did you mean 'break'?)"),
    "unknown timezone": (
        "timezone: Europe/Paris",
        "timezone: Europe/Pari",
        1,
        "unknown timezone 'Europe/Pari' (did you mean 'Europe/Paris'?)",
    ),
    "yaml syntax error": ("        kind: break", "       kind: break", 9, "YAML syntax error"),
    "tab indentation": ("        kind: break", "\tkind: break", 9, "YAML syntax error"),
    "duplicate key": (
        "        kind: break",
        "        kind: break\n        kind: meal",
        10,
        "key 'kind' appears twice",
    ),
    "duplicate day": (
        "  - date: 2024-11-26",
        "  - date: 2024-11-27",
        12,
        "2024-11-27 is already a day on line 5",
    ),
    "missing venue": ("venue: Test venue\n", "", 1, "the schedule has no 'venue'"),
    "room not declared": ("rooms: [Main room]\n", "", 8, "room 'Main room' is not declared"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_validation_error(build_root, case):
    old, new, line, message = CASES[case]
    assert old in GOOD
    data = GOOD.replace(old, new, 1)
    if case == "room not declared":
        data = data.replace(
            "        title: Welcome coffee", "        title: Welcome coffee\n        room: Main room"
        )
    _app, warnings = build_root("schedule", {"program/schedule.yaml": data})
    found = [w for w in workshop_warnings(warnings) if "schedule.yaml" in w]
    expected = f"program/schedule.yaml:{line}: WARNING: "
    assert any(w.startswith(expected) and message in w and "[workshop." in w for w in found), found
    assert "Traceback" not in warnings


@pytest.mark.parametrize(
    ("old", "new", "line", "problem"),
    [
        ("time: 09:30-10:30", "time: 09:30-24:00", 10, "time '09:30-24:00' has an invalid hour (24:00)"),
        ("time: 09:30-10:30", "time: 9:60-10:30", 10, "time '9:60-10:30' has an invalid minute (9:60)"),
        ("time: 09:30-10:30", "time: 9.30-10.30", 10, "time '9.30-10.30' is not a range: write HH:MM-HH:MM"),
        (
            "        title: Welcome coffee",
            "        title: Welcome coffee\n        spotlights:\n          - {id: beta, time: 09:10-09:75}",
            10,
            "spotlight time '09:10-09:75' has an invalid minute (09:75)",
        ),
        (
            "        title: Welcome coffee",
            "        title: Welcome coffee\n        spotlights:\n          - {id: beta, time: 09:20-09:10}",
            10,
            "spotlight time '09:20-09:10' ends before it starts",
        ),
    ],
)
def test_a_wrong_time_says_what_is_wrong_in_one_line(old, new, line, problem):
    """A time off the 24-hour clock names the hour or minute; anything else shows the form."""
    assert old in GOOD
    _loaded, problems = load_schedule(GOOD.replace(old, new, 1).encode(), "program/schedule.yaml")
    said = [str(p) for p in problems]
    assert len(said) == 1 and said[0].startswith(f"program/schedule.yaml:{line}: {problem}"), said
    assert "\n" not in said[0], said


@pytest.mark.parametrize(
    ("content", "line", "message"),
    [
        (b"", 1, "the schedule file is empty"),
        (b"# only a comment\n", 1, "the schedule file is empty"),
        (b"timezone: Europe/Paris\nvenue: \xff\xfe\n", 2, "is not UTF-8"),
        (b"- just\n- a list\n", 1, "must be a mapping"),
    ],
)
def test_unreadable_files(build_root, content, line, message):
    _app, warnings = build_root("schedule", {"program/schedule.yaml": content})
    assert any(
        w.startswith(f"program/schedule.yaml:{line}: WARNING: ") and message in w
        for w in warnings.splitlines()
    )


def test_bom_and_crlf_are_fine(build_root):
    data = "\ufeff" + GOOD.replace("\n", "\r\n")
    app, warnings = build_root("schedule", {"program/schedule.yaml": data.encode()})
    assert workshop_warnings(warnings) == []
    assert len(html(app, "program/index.html").select("table.schedule-day")) == 2


def test_schedule_outside_source_dir_is_refused(build_root, tmp_path):
    outside = tmp_path / "outside.yaml"
    outside.write_text(GOOD)
    _app, warnings = build_root(
        "schedule", {"program/index.md": "# P\n\n```{schedule} ../../outside.yaml\n```\n"}
    )
    assert any(
        "program/index.md:3: WARNING: schedule file '../../outside.yaml' lies outside" in w
        for w in warnings.splitlines()
    )


def test_unknown_day_option(build_root):
    _app, warnings = build_root(
        "schedule", {"program/index.md": "# P\n\n```{schedule} schedule.yaml\n:day: 2024-12-01\n```\n"}
    )
    assert any("program/index.md:3: WARNING: no day 2024-12-01" in w for w in warnings.splitlines())


def test_unknown_speaker_in_talk(build_root):
    data = "---\nspeakers: [ad]\n---\n\n# Alpha\n\nText.\n"
    _app, warnings = build_root("schedule", {"abstracts/alpha.md": data})
    assert any(
        "abstracts/alpha.md:2: WARNING: unknown speaker 'ad' (did you mean 'ada'?)" in w
        for w in warnings.splitlines()
    )


# --------------------------------------------------------------------------- incremental and parallel


def _touch_later(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    later = time.time() + 5
    os.utime(path, (later, later))


def _docs(status: str, phase: str) -> set[str]:
    return set(re.findall(rf"{phase}\.\.\. \[\s*\d+%\] (\S+)", status))


def test_incremental_rebuild_after_schedule_edit(make_app, rootdir, tmp_path):
    import shutil
    from io import StringIO

    srcdir = tmp_path / "site"
    shutil.copytree(rootdir / "test-schedule", srcdir)
    make_app("html", srcdir=srcdir).build()
    _touch_later(srcdir / "program/schedule.yaml", GOOD.replace("time: 14:15-15:15", "time: 14:20-15:15"))
    status = StringIO()
    app = make_app("html", srcdir=srcdir, status=status)
    app.build()
    log = re.sub(r"\x1b\[[0-9;]*m", "", status.getvalue())
    # the programme, and the talks index whose toctree follows the programme order
    assert _docs(log, "reading sources") == {"program/index", "abstracts/index"}
    assert {"program/index", "abstracts/alpha"} <= _docs(log, "writing output")
    assert "14:20–15:15" in (Path(app.outdir) / "abstracts/alpha.html").read_text()
    assert "14:20–15:15" in (Path(app.outdir) / "program/index.html").read_text()


def test_incremental_rebuild_after_title_edit(make_app, rootdir, tmp_path):
    import shutil
    from io import StringIO

    srcdir = tmp_path / "site"
    shutil.copytree(rootdir / "test-schedule", srcdir)
    make_app("html", srcdir=srcdir).build()
    alpha = srcdir / "abstracts/alpha.md"
    _touch_later(alpha, alpha.read_text().replace("# Alpha talk on $x_1$ tensors", "# Renamed alpha talk"))
    status = StringIO()
    app = make_app("html", srcdir=srcdir, status=status)
    app.build()
    log = re.sub(r"\x1b\[[0-9;]*m", "", status.getvalue())
    assert _docs(log, "reading sources") == {"abstracts/alpha"}
    programme = (Path(app.outdir) / "program/index.html").read_text()
    assert "Renamed alpha talk" in programme and "Alpha talk on" not in programme
    assert "Renamed alpha talk" in (Path(app.outdir) / "speakers/ada.html").read_text()


def test_incremental_rebuild_after_body_edit_rewrites_only_that_page(rootdir, tmp_path):
    import shutil

    from conftest import sphinx_build

    srcdir = tmp_path / "site"
    shutil.copytree(rootdir / "test-schedule", srcdir)
    assert sphinx_build(srcdir).returncode == 0
    alpha = srcdir / "abstracts/alpha.md"
    _touch_later(alpha, alpha.read_text().replace("The alpha abstract.", "A longer alpha abstract."))
    build = sphinx_build(srcdir)
    assert build.returncode == 0, build.output
    log = re.sub(r"\x1b\[[0-9;]*m", "", build.output)
    assert _docs(log, "reading sources") == {"abstracts/alpha"}
    # its toctree parent aside, pages that show talk data are not rewritten
    assert _docs(log, "writing output") <= {"abstracts/alpha", "abstracts/index"}, log


def _pages(outdir: Path) -> dict[str, str]:
    return {
        p.relative_to(outdir).as_posix(): p.read_text(encoding="utf-8")
        for p in outdir.rglob("*.html")
        if not p.name.startswith(("genindex", "search"))
    }


def test_parallel_build_equals_serial(make_app, rootdir, tmp_path):
    import shutil

    outputs = []
    for jobs in (1, 2):
        srcdir = tmp_path / f"site-{jobs}"
        shutil.copytree(rootdir / "test-rooms", srcdir)
        app = make_app("html", srcdir=srcdir, parallel=jobs)
        app.build()
        outputs.append(_pages(Path(app.outdir)))
    assert outputs[0].keys() == outputs[1].keys()
    for name in outputs[0]:
        assert outputs[0][name] == outputs[1][name], name


def test_second_build_still_fails_while_the_problem_is_there(make_app, rootdir, tmp_path):
    """Sphinx re-reads only changed files; a bad schedule must not pass silently next time."""
    import shutil
    from io import StringIO

    srcdir = tmp_path / "site"
    shutil.copytree(rootdir / "test-schedule", srcdir)
    (srcdir / "program/schedule.yaml").write_text(GOOD.replace("talk: alpha", "talk: alpah"))
    (srcdir / "speakers/bob.md").write_text(
        "---\naffiliation: X\norcid: 0000-0002-1825-0098\n---\n\n# Bob Smith\n"
    )
    for _ in range(2):
        warning = StringIO()
        make_app("html", srcdir=srcdir, warning=warning).build()
        text = warning.getvalue()
        assert "program/schedule.yaml:15" in text and "unknown talk 'alpah'" in text
        assert "speakers/bob.md:3" in text and "wrong check digit" in text


def test_talk_toctree_follows_the_programme_and_picks_up_new_talks(make_app, rootdir, tmp_path):
    import shutil

    srcdir = tmp_path / "site"
    shutil.copytree(rootdir / "test-schedule", srcdir)
    app = make_app("html", srcdir=srcdir)
    app.build()
    # 26 Nov, 27 Nov, then unscheduled: the sidebar and the PDF follow the programme
    assert app.env.toctree_includes["abstracts/index"] == [
        "abstracts/alpha",
        "abstracts/beta",
        "abstracts/gamma",
    ]
    (srcdir / "abstracts/delta.md").write_text("---\nspeakers: [bob]\n---\n\n# Delta talk\n\nText.\n")
    app = make_app("html", srcdir=srcdir)
    app.build()
    assert app.env.toctree_includes["abstracts/index"][2:] == ["abstracts/delta", "abstracts/gamma"]
    listing = html(app, "abstracts/index.html")
    assert "Delta talk" in flat(listing.select_one("ul.talk-list"))
    assert "Delta talk" in flat(html(app, "program/index.html").select_one("ul.unscheduled-talks"))


def test_a_source_that_is_not_utf8_fails_every_build_until_fixed(rootdir, tmp_path):
    """recheck: the page is set aside before Sphinx reads it (no traceback), found again by the next
    build, and built once it is saved as UTF-8."""
    import shutil

    from conftest import sphinx_build

    srcdir = tmp_path / "site"
    shutil.copytree(rootdir / "test-schedule", srcdir)
    gamma = srcdir / "abstracts/gamma.md"  # not in the schedule: its own message only
    good = gamma.read_bytes()
    gamma.write_bytes(good.replace(b"# Gamma", b"# Gamma \xe9"))
    for _ in range(2):
        build = sphinx_build(srcdir)
        assert build.returncode != 0 and "Traceback" not in build.output
        warnings = [w for w in build.output.splitlines() if "WARNING" in w]
        assert len(warnings) == 1 and warnings[0].startswith("abstracts/gamma.md:5: WARNING: "), warnings
        assert "is not UTF-8" in warnings[0]
        assert not (build.outdir / "abstracts/gamma.html").exists()
    _touch_later(gamma, good.decode())
    build = sphinx_build(srcdir)
    assert build.returncode == 0, build.output
    assert "Gamma talk" in (build.outdir / "abstracts/gamma.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("page", ["abstracts/alpha.md", "speakers/ada.md"])
def test_an_unreadable_page_that_others_name_gives_its_own_message_only(rootdir, tmp_path, page):
    """A scheduled talk's page (or a speaker's) that is not UTF-8: one message at that page, not a
    second 'unknown talk'/'unknown speaker' where the schedule or a talk names it."""
    import shutil

    from conftest import sphinx_build

    srcdir = tmp_path / "site"
    shutil.copytree(rootdir / "test-schedule", srcdir)
    path = srcdir / page
    path.write_bytes(path.read_bytes().replace(b"\n# ", b"\n# \xe9 ", 1))
    build = sphinx_build(srcdir)
    assert build.returncode != 0 and "Traceback" not in build.output
    warnings = [w for w in build.output.splitlines() if "WARNING" in w]
    assert len(warnings) == 1 and warnings[0].startswith(f"{page}:"), warnings
    assert "is not UTF-8" in warnings[0]
