"""One place per edition: the settings registry and its README table, dates in prose checked
against the schedule, the logo drawn from the edition, and `make new-edition` taking the real
site to another edition that builds (HTML and PDF) with -W."""

from __future__ import annotations

import ast
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import ROOT, copy_project, copy_site, make, require_tool, sphinx_build
from sphinx_workshop_site import config as registry
from sphinx_workshop_site.edition.checks import (
    date_range,
    dates_in_line,
    logo_caption,
    prose_date_problems,
    render_logo,
    split_acronym,
    venue_city,
)
from sphinx_workshop_site.edition.newedition import conf_acronym, slug
from sphinx_workshop_site.model.schedulefile import load_schedule

EXT = ROOT / "_ext" / "sphinx_workshop_site"
D = dt.date

# --------------------------------------------------------------------------- settings registry


def test_every_setting_is_registered_in_config_py_only():
    for path in EXT.rglob("*.py"):
        if path.name != "config.py":
            assert "add_config_value" not in path.read_text(encoding="utf-8"), path.name


def test_every_setting_the_code_reads_is_registered():
    names = {s.name for s in registry.SETTINGS}
    used = set()
    for path in [*EXT.rglob("*.py"), *EXT.rglob("templates/**/*.html")]:
        used |= set(re.findall(r"\bconfig\.(workshop_\w+)", path.read_text(encoding="utf-8")))
    assert used, "the pattern finds the settings the code reads"
    assert used <= names, used - names
    assert len(names) == len(registry.SETTINGS), "a setting registered twice"


def test_each_setting_has_a_doc_and_a_default_of_its_type():
    for s in registry.SETTINGS:
        assert s.doc and len(s.doc) < 140 and "\n" not in s.doc, s.name
        assert isinstance(s.default, s.types), s.name
        assert s.rebuild in ("env", "html", ""), s.name


def test_reference_is_the_code():
    """docs/reference.md's generated parts are what the code's own lists say (make docs)."""
    from sphinx_workshop_site import docs

    reference = (ROOT / "docs/reference.md").read_text(encoding="utf-8")
    assert docs.with_generated(reference) == reference, "run `make docs`"
    for s in registry.SETTINGS:
        assert f"| `{s.name}` | `{s.default!r}` |" in reference


def test_generated_parts_replace_only_their_own_text():
    from sphinx_workshop_site import docs

    text = (
        "before\n" + "\n".join(f"{docs.begin(n)}\nstale\n{docs.end(n)}" for n in docs.SECTIONS) + "\nafter\n"
    )
    updated = docs.with_generated(text)
    assert updated.startswith("before\n") and updated.endswith("after\n") and "stale" not in updated
    assert registry.settings_table() in updated and "`footcite`" in updated and "`frac`" in updated
    with pytest.raises(ValueError):
        docs.with_generated("no markers")


def test_readme_map_names_every_module():
    """The developers' page's map of the house stays true: a new module is placed in it."""
    section = (ROOT / "docs/developers.md").read_text(encoding="utf-8").split("## The house", 1)[1]
    section = section.split("\n## ", 1)[0]
    modules = [p.relative_to(EXT).as_posix() for p in sorted(EXT.rglob("*.py"))]
    missing = [
        m for m in modules if not m.endswith(("__main__.py", "/__init__.py")) and f"`{m}`" not in section
    ]
    assert missing == []


def test_conf_py_names_the_edition_once():
    conf = (ROOT / "conf.py").read_text(encoding="utf-8")
    module = ast.parse(conf)
    literals = [n.value for n in ast.walk(module) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    acronym = next(
        n.value.value
        for n in module.body
        if isinstance(n, ast.Assign) and getattr(n.targets[0], "id", "") == "workshop_acronym"
    )
    assert sum(acronym in s for s in literals) == 1, "the acronym is typed once, in the edition block"


EDITION_WORDS = re.compile(r"lorainne|leaflet|simul\b|cran\b", re.I)


def _code_strings(path: Path) -> list[tuple[int, str]]:
    """String constants of a module that are not docstrings (docstrings may show examples)."""
    module = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(module)
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(module)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


def test_no_edition_strings_in_the_extension():
    found = []
    for path in sorted(EXT.rglob("*")):
        if path.suffix == ".py":
            found += [f"{path.name}:{line}" for line, s in _code_strings(path) if EDITION_WORDS.search(s)]
        elif path.suffix in (".html", ".sty", ".tex", ".css", ".js"):
            text = path.read_text(encoding="utf-8")
            found += [
                f"{path.name}:{text[: m.start()].count(chr(10)) + 1}" for m in EDITION_WORDS.finditer(text)
            ]
    assert found == []


# --------------------------------------------------------------------------- dates in prose


def test_dates_in_a_line_as_written():
    line = "On 26 and 27 November 2024 (see {date}`2024-11-26`), not November 3, 2023, and 1 Dec."
    assert dates_in_line(line) == [
        ("26 and 27 November 2024", [(2024, 11, 26), (2024, 11, 27)]),
        ("2024-11-26", [(2024, 11, 26)]),
        ("November 3, 2023", [(2023, 11, 3)]),
        ("1 Dec", [(None, 12, 1)]),
    ]
    assert dates_in_line("26–27 Nov 2024") == [("26–27 Nov 2024", [(2024, 11, 26), (2024, 11, 27)])]
    # not dates: a number followed by other words, a project code, a time, a year alone
    assert dates_in_line("room 2 may be full; ANR-19-CE23-0021; 13:45; in 2024; May 3") == []


def test_prose_dates_outside_the_schedule_are_located():
    text = (
        "# Home\n\n"
        "From 3 to 4 June 2026 in Metz.\n"  # in range
        "Deadline: 1 May 2026.\n"  # before
        "Last year: 26 November 2024 and 2024-11-27.\n"
        "We start on 3 June; see you on 5 June.\n"  # no year: the schedule's year
        "Nonsense: 31 February 2026.\n"
    )
    problems = prose_date_problems(text, "index.md", D(2026, 6, 3), D(2026, 6, 4))
    assert [(p.file, p.line, p.subtype.value) for p in problems] == [
        ("index.md", 4, "edition"),
        ("index.md", 5, "edition"),
        ("index.md", 5, "edition"),
        ("index.md", 6, "edition"),
        ("index.md", 7, "edition"),
    ]
    assert "'26 November 2024' is outside the schedule's days (3–4 Jun 2026)" in problems[1].message
    assert "'5 June'" in problems[3].message and "not a date" in problems[4].message


def test_date_ranges_and_captions():
    assert date_range(D(2024, 11, 26), D(2024, 11, 27)) == "26–27 Nov 2024"
    assert date_range(D(2024, 11, 30), D(2024, 12, 1)) == "30 Nov – 1 Dec 2024"
    assert date_range(D(2024, 12, 31), D(2025, 1, 1)) == "31 Dec 2024 – 1 Jan 2025"
    assert date_range(D(2026, 6, 3), D(2026, 6, 3)) == "3 Jun 2026"
    assert venue_city("IDMC (Institut des Sciences du Digital), Nancy, France") == "Nancy"
    assert venue_city("Campus, Metz") == "Metz" and venue_city("Online") == "Online"
    assert logo_caption("Campus Saulcy, Metz, France", D(2026, 6, 3), D(2026, 6, 4)) == "Metz · 3–4 Jun 2026"


def test_logo_rendering_escapes_and_splits_the_acronym():
    assert split_acronym("LoRAINNe'26") == ("LoRAINNe", "'26")
    assert split_acronym("XYZ 2027") == ("XYZ", " 2027")
    assert split_acronym("Plain") == ("Plain", "")
    svg = render_logo("<t>{{ name }}<s>{{ mark }}</s></t><c>{{caption}}</c>", "A<B'26", "Metz & co")
    assert svg == "<t>A&lt;B<s>'26</s></t><c>Metz &amp; co</c>"


def test_stale_date_in_an_organizer_page_fails_the_build_at_its_line(build_root):
    home = "# Test workshop\n\nHeld on 26 and 27 November 2024.\nLast year: 28 November 2023.\n\n" + (
        "```{toctree}\nprogram/index\nabstracts/index\nspeakers/index\n```\n"
    )
    talk = "---\nspeakers: [ada]\n---\n\n# Alpha talk\n\nAs shown on 1 March 2019.\n"
    _app, warnings = build_root("schedule", {"index.md": home, "abstracts/alpha.md": talk})
    located = [w for w in warnings.splitlines() if "[workshop.edition]" in w]
    assert len(located) == 1, warnings  # contributors' pages may cite any date
    assert located[0].startswith("index.md:4: WARNING: the date '28 November 2023' is outside")


def test_moving_the_days_rechecks_the_prose_without_touching_it(make_app, rootdir, tmp_path):
    import shutil
    from io import StringIO

    srcdir = tmp_path / "site"
    shutil.copytree(rootdir / "test-schedule", srcdir)
    home = (srcdir / "index.md").read_text()
    (srcdir / "index.md").write_text(
        home.replace("# Test workshop\n", "# Test workshop\n\nOn 26 November 2024.\n")
    )
    warning = StringIO()
    make_app("html", srcdir=srcdir, warning=warning).build()
    assert "[workshop.edition]" not in warning.getvalue()
    schedule = srcdir / "program/schedule.yaml"
    schedule.write_text(schedule.read_text().replace("2024-11-26", "2024-11-25"))
    warning = StringIO()
    make_app("html", srcdir=srcdir, warning=warning).build()
    assert "index.md:3: WARNING: the date '26 November 2024' is outside" not in warning.getvalue()  # 25–27
    schedule.write_text(
        schedule.read_text().replace("2024-11-25", "2024-11-28").replace("2024-11-27", "2024-11-29")
    )
    warning = StringIO()
    make_app("html", srcdir=srcdir, warning=warning).build()
    assert (
        "index.md:3: WARNING: the date '26 November 2024' is outside the schedule's days (28–29 Nov 2024)"
        in (warning.getvalue())
    )


# --------------------------------------------------------------------------- new edition


def run_tool(root: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(root / "_ext")}
    return subprocess.run(
        [sys.executable, "-m", "sphinx_workshop_site.edition.newedition", *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
    )


# The site's current edition, whatever it is (read as the tool reads it), and the one the tests
# take it to: far in the future, in another town, with another acronym.
CURRENT = conf_acronym((ROOT / "conf.py").read_text(encoding="utf-8"))
CURRENT_SCHEDULE = load_schedule((ROOT / "program/schedule.yaml").read_bytes(), "program/schedule.yaml")[0]
NEXT = "Tensor Days '31" if slug(CURRENT) != slug("Tensor Days '31") else "Tensor Days '32"
DAY1, DAY2 = D(2031, 6, 3), D(2031, 6, 4)
TOWN = "Metz" if venue_city(CURRENT_SCHEDULE.venue) != "Metz" else "Trier"
VENUE = f"Campus Nord, {TOWN}, France"


def test_new_edition_refuses_bad_arguments_and_changes_nothing(tmp_path):
    root = copy_site(tmp_path / "site")
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    for args, message in (
        (["--keep", "no-such-talk"], "--keep no-such-talk: no such talk or speaker page"),
        (["--start", "3 June 2031"], "is not an ISO date"),
        (["--acronym", CURRENT], "current"),
    ):
        result = run_tool(root, *args)
        assert result.returncode == 2, result.stderr
        assert (
            result.stderr.count("\n") == 1 and message in result.stderr and "Traceback" not in result.stderr
        )
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before


NEW_SCHEDULE = """\
# yaml-language-server: $schema=schedule.schema.json
timezone: Europe/Paris
venue: {venue}
rooms: [Room A, Room B]
days:
  - date: {day1}
    slots:
      - time: 09:00-09:30
        title: Opening
        kind: session
      - time: 09:30-10:30
        talk: {kept1}
        room: Room A
      - time: 09:30-10:30
        talk: td31-one
        room: Room B
      - time: 10:30-11:00
        title: Coffee break
        kind: break
      - time: 11:00-12:00
        talk: td31-two
        room: Room A
      - time: 11:00-12:00
        talk: td31-three
        room: Room B
  - date: {day2}
    slots:
      - time: 09:30-10:30
        talk: {kept2}
      - time: 10:30-11:30
        talk: td31-four
"""

NEW_TALK = """\
---
speakers: [{speaker}]
keywords: [tensors]
---

# {title}

An abstract about low-rank tensors for the new edition.
"""

NEW_SPEAKER = "---\naffiliation: Université de Lorraine, Metz\n---\n\n# {name}\n"


def _fix_stale_prose(root: Path, checklist: str) -> list[str]:
    """What an organizer does with the checklist: each listed line gets this edition's dates."""
    fixed = []
    for file, line in re.findall(r"`([\w/.-]+\.md):(\d+)`", checklist):
        path = root / file
        lines = path.read_text(encoding="utf-8").split("\n")
        old = lines[int(line) - 1]
        for written, days in dates_in_line(old):
            if not all(D(year or DAY1.year, month, day) in (DAY1, DAY2) for year, month, day in days):
                old = old.replace(written, f"{DAY1.day} and {DAY2.day} June {DAY1.year}")
        lines[int(line) - 1] = old
        path.write_text("\n".join(lines), encoding="utf-8")
        fixed.append(f"{file}:{line}")
    return fixed


@pytest.fixture(scope="module")
def next_edition(tmp_path_factory):
    """The real site taken to NEXT (in TOWN, 3–4 June 2031, two rooms), keeping two talks."""
    root = copy_site(tmp_path_factory.mktemp("edition") / "site")
    talks = sorted(p.stem for p in (root / "abstracts").glob("*.md") if p.stem != "index")
    kept = talks[:2]
    result = run_tool(
        root,
        "--acronym",
        NEXT,
        "--start",
        DAY1.isoformat(),
        "--venue",
        VENUE,
        "--keep",
        ",".join(kept),
    )
    assert result.returncode == 0, result.stderr
    checklist = (root / "NEXT-EDITION.md").read_text(encoding="utf-8")
    first = sphinx_build(root, "html", "-q")
    fixed = _fix_stale_prose(root, checklist)
    # the organizer's new programme: two parallel rooms, four new talks and their speakers
    (root / "program/schedule.yaml").write_text(
        NEW_SCHEDULE.format(kept1=kept[0], kept2=kept[1], day1=DAY1, day2=DAY2, venue=VENUE)
    )
    for n, tid in enumerate(("td31-one", "td31-two", "td31-three", "td31-four")):
        (root / f"abstracts/{tid}.md").write_text(
            NEW_TALK.format(speaker=f"td31-speaker-{n}", title=f"New talk {n}")
        )
        (root / f"speakers/td31-speaker-{n}.md").write_text(NEW_SPEAKER.format(name=f"Speaker Number{n}"))
    return root, kept, talks, checklist, first, fixed


def test_new_edition_archives_what_does_not_stay(next_edition):
    root, kept, talks, checklist, _first, _fixed = next_edition
    archive = root / f"archive/{slug(CURRENT)}"
    for tid in talks:
        assert (root / f"abstracts/{tid}.md").exists() == (tid in kept)
        assert (archive / f"abstracts/{tid}.md").exists() == (tid not in kept)
    assert (archive / "program/schedule.yaml").is_file() and (archive / "conf.py").is_file()
    assert conf_acronym((root / "conf.py").read_text()) == NEXT
    assert "Kept talks: " + ", ".join(kept) in checklist
    for tid in kept:  # kept pages name the new edition, and the checklist asks to reread them
        for folder in ("abstracts", "speakers"):
            page = root / f"{folder}/{tid}.md"
            if page.is_file():
                assert CURRENT not in page.read_text(encoding="utf-8"), page
                assert f"`{folder}/{tid}.md`: kept from {CURRENT}" in checklist


def test_new_edition_leaves_a_checklist_that_the_build_agrees_with(next_edition):
    _root, _kept, _talks, checklist, first, fixed = next_edition
    assert "- [ ] `conf.py`, edition block" in checklist and "SITE_BASEURL" in checklist
    # before the organizer's edits, the build fails on exactly the prose dates the checklist lists
    assert first.returncode != 0
    warned = sorted(
        set(re.findall(r"^([\w/.-]+\.md:\d+): WARNING: .*\[workshop\.edition\]", first.output, re.M))
    )
    assert warned and warned == sorted(set(fixed)), first.output
    other = [w for w in first.output.splitlines() if "WARNING" in w and "[workshop.edition]" not in w]
    assert other == [], "the reset schedule and kept talks build as they are"


def test_next_edition_builds_html_with_w(next_edition):
    root, kept, _talks, _checklist, _first, _fixed = next_edition
    build = sphinx_build(root)
    assert build.returncode == 0, build.output
    home = BeautifulSoup(build.page("index.html"), "html.parser")
    assert NEXT in home.title.get_text()
    logo = (build.outdir / "_static/logo.svg").read_text(encoding="utf-8")
    assert f"{TOWN} · 3–4 Jun 2031" in logo and "&#x27;" not in logo and split_acronym(NEXT)[1] in logo
    old_first = CURRENT_SCHEDULE.days[0].date
    assert venue_city(CURRENT_SCHEDULE.venue) not in logo and str(old_first.year) not in logo
    programme = BeautifulSoup(build.page("program/index.html"), "html.parser")
    heads = [th.get_text(strip=True) for th in programme.select("table.schedule-day thead th")]
    assert heads[:3] == ["Time", "Room A", "Room B"]
    captions = [
        c.get_text(" ", strip=True).rstrip("#¶ ") for c in programme.select("table.schedule-day caption")
    ]
    assert captions == ["Tuesday 3 June 2031", "Wednesday 4 June 2031"]
    for tid in (*kept, "td31-one", "td31-four"):
        assert (build.outdir / f"abstracts/{tid}.html").is_file()
    footer = programme.select_one(".bd-footer-content").get_text()
    assert "2031" in footer and str(old_first.year) not in footer
    ics = (build.outdir / "program.ics").read_text(encoding="utf-8")
    assert "20310603T" in ics and old_first.strftime("%Y%m%dT") not in ics


def test_next_edition_builds_the_pdf(next_edition, tmp_path):
    for tool in ("xelatex", "bwrap"):
        require_tool(tool, "the PDF proceedings")
    root = next_edition[0]
    latex = sphinx_build(root, "latex", "-t", "proceedings")
    assert latex.returncode == 0, latex.output
    tex = next(latex.outdir.glob("*.tex"))
    env = {**os.environ, "PYTHONPATH": str(root / "_ext")}
    run = subprocess.run(
        [sys.executable, "-m", "sphinx_workshop_site.book.latexrun", str(latex.outdir), "--name", tex.stem],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    pdf = latex.outdir / f"{tex.stem}.pdf"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert NEXT in text.replace("’", "'")
    old_first = CURRENT_SCHEDULE.days[0].date
    assert "June 2031" in text and old_first.strftime("%B %Y") not in text


def test_a_new_venue_is_quoted_and_drops_the_old_postal_address():
    from sphinx_workshop_site.edition.newedition import Plan, reset_schedule

    text = (
        "timezone: Europe/Paris\nvenue: Old hall, Nancy, France\naddress: 1 rue X, 54000 Nancy, France\n"
        "days:\n  - date: 2024-11-26\n    slots:\n      - time: 09:00-10:00\n        title: Coffee\n"
    )
    schedule, problems = load_schedule(text.encode(), "schedule.yaml")
    assert schedule is not None and not problems
    plan = Plan("A'24", "A'26", dt.timedelta(days=7), "Hall: B #2, Metz, France", [], [], [], [], None)
    new, problems = load_schedule(reset_schedule(text, schedule, plan).encode(), "schedule.yaml")
    assert not problems and new is not None
    assert new.venue == "Hall: B #2, Metz, France" and new.address == ""
    assert new.days[0].date == dt.date(2024, 12, 3)


def test_new_edition_empties_the_books_isbn_and_doi_and_updates_its_front_pages(tmp_path):
    """An ISBN and a DOI name one book; the front pages are the organizers' pages: their ISO dates
    move and they name the new edition."""
    root = copy_site(tmp_path / "site")
    settings = [
        'workshop_book_isbn = "978-3-16-148410-0"',
        'workshop_book_doi = "10.5281/zenodo.1234567"',
        'workshop_book_front_pages = ["welcome"]',
        'workshop_book_licence = "CC BY 4.0"',
    ]
    with (root / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write("\n".join(settings) + "\n")
    (root / "welcome.md").write_text(f"# Welcome\n\nWelcome to {CURRENT}, from {{date}}`2024-11-26`.\n")
    result = run_tool(root, "--acronym", NEXT, "--start", DAY1.isoformat())
    assert result.returncode == 0, result.stderr
    conf = (root / "conf.py").read_text(encoding="utf-8")
    assert 'workshop_book_isbn = ""' in conf and 'workshop_book_doi = ""' in conf
    assert 'workshop_book_licence = "CC BY 4.0"' in conf  # a licence may stay
    checklist = (root / "NEXT-EDITION.md").read_text(encoding="utf-8")
    assert "`workshop_book_isbn` emptied" in checklist and "`workshop_book_doi` emptied" in checklist
    welcome = (root / "welcome.md").read_text(encoding="utf-8")
    assert f"Welcome to {NEXT}, from {{date}}`{DAY1.isoformat()}`." in welcome


# --------------------------------------------------------------------------- announce first (issue 24)


@pytest.fixture(scope="module")
def announced(tmp_path_factory):
    """The site as an edition is first announced: its days, venue and words, no talk, no speaker,
    no slot yet (each day 'slots: []'), as `make html` builds it."""
    root = copy_project(tmp_path_factory.mktemp("announce") / "site")
    for folder in ("abstracts", "speakers"):
        for path in (root / folder).iterdir():
            if path.name != "index.md":
                shutil.rmtree(path) if path.is_dir() else path.unlink()
    text = (root / "program/schedule.yaml").read_text(encoding="utf-8")
    days = "".join(f"  - date: {day.date.isoformat()}\n    slots: []\n" for day in CURRENT_SCHEDULE.days)
    (root / "program/schedule.yaml").write_text(
        text[: text.index("\ndays:")] + "\ndays:\n" + days, encoding="utf-8"
    )
    return root, make(root, "html")


def test_an_edition_with_no_talk_speaker_or_slot_yet_builds_its_site(announced):
    root, html = announced
    assert html.returncode == 0, html.stdout + html.stderr
    out = root / "_build/html"
    speakers = BeautifulSoup((out / "speakers/index.html").read_text(encoding="utf-8"), "html.parser")
    assert "No speaker yet." in speakers.select_one("main").get_text()
    programme = BeautifulSoup((out / "program/index.html").read_text(encoding="utf-8"), "html.parser")
    tables = programme.select("table.schedule-day")
    assert len(tables) == len(CURRENT_SCHEDULE.days)
    assert all("The programme will be announced." in t.get_text() for t in tables)
    assert json.loads((out / "schedule.json").read_text(encoding="utf-8"))["schedule"]["conference"]["days"]
    assert "BEGIN:VCALENDAR" in (out / "program.ics").read_text(encoding="utf-8")


def test_an_edition_with_no_talk_speaker_or_slot_yet_builds_its_book(announced):
    for tool in ("xelatex", "bwrap"):
        require_tool(tool, "the PDF proceedings")
    root, _html = announced
    pdf = make(root, "pdf")
    assert pdf.returncode == 0, pdf.stdout + pdf.stderr
    book = next((root / "_build/pdf").glob("*.pdf"))
    text = subprocess.run(["pdftotext", "-layout", str(book), "-"], capture_output=True, text=True).stdout
    assert text.count("The programme will be announced.") == len(CURRENT_SCHEDULE.days), text
    assert "has no slot yet (the book says 'The programme will be announced.')" in pdf.stdout + pdf.stderr
    # no talk or speaker yet: no empty Abstracts or Speakers chapter, the programme kept
    tex = next((root / "_build/latex").glob("*.tex")).read_text(encoding="utf-8")
    chapters = re.findall(r"^\\chapter\{([^}]*)\}", tex, re.M)
    assert chapters == ["Programme"], chapters


def test_new_edition_says_how_many_files_it_archived(tmp_path):
    """The count in the checklist is the files archived, counted as they are moved: the schedule
    and conf.py copies, and every file of a leaving talk (its figure, its folder) by the one naming
    rule of owners.py, none left behind for the build to call nobody's."""
    root = copy_site(tmp_path / "site")
    talks = sorted(p.stem for p in (root / "abstracts").glob("*.md") if p.stem != "index")
    leaving = talks[-1]
    (root / f"abstracts/{leaving}-fig.png").write_bytes(b"not looked at")
    (root / f"abstracts/{leaving}").mkdir()
    (root / f"abstracts/{leaving}/data.csv").write_text("1,2\n")
    result = run_tool(root, "--acronym", NEXT, "--start", DAY1.isoformat(), "--keep", talks[0])
    assert result.returncode == 0, result.stderr
    said = re.search(r"archived (\d+) files into `(archive/[^`]+)/`", result.stdout)
    assert said, result.stdout
    archived = [p for p in (root / said.group(2)).rglob("*") if p.is_file()]
    assert int(said.group(1)) == len(archived)
    names = {p.relative_to(root / said.group(2)).as_posix() for p in archived}
    assert {f"abstracts/{leaving}-fig.png", f"abstracts/{leaving}/data.csv", "conf.py"} <= names
    assert (
        not (root / f"abstracts/{leaving}-fig.png").exists() and not (root / f"abstracts/{leaving}").exists()
    )
