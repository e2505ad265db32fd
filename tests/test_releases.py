"""Schedule versions (issue 25): releases recorded by `make release-schedule` (talks, posters and
spotlights), what changed between them, cancelled talks kept everywhere, calendars' SEQUENCE and
LAST-MODIFIED (a talk's event, a poster or spotlight session's), frab's version; the changes page
shows a title's math as math."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import shutil

import jsonschema
import pytest
from conftest import ROOT, sphinx_build
from sphinx_workshop_site import cli
from sphinx_workshop_site.model.releases import diff, load_release, load_releases, revisions, session_key
from sphinx_workshop_site.model.schedulefile import load_schedule

TALK = """  - id: {id}
    title: "{title}"
    date: {date}
    time: {time}
    room: "Main room"
"""


def release_text(version: int, released: str, talks: list[dict], final: bool = False) -> str:
    body = "".join(TALK.format(**{"date": "2024-11-26", "time": "09:00-10:00", **t}) for t in talks)
    return f"version: {version}\nreleased: {released}\nfinal: {'true' if final else 'false'}\ntalks:\n{body}"


def release(version: int, talks: list[dict], released: str = "2024-11-01T10:00:00Z"):
    found, problems = load_release(release_text(version, released, talks).encode(), f"r/{version}.yaml")
    assert problems == []
    return found


# --------------------------------------------------------------------------- the diff


def test_first_release_adds_every_talk():
    first = release(1, [{"id": "a", "title": "A"}, {"id": "b", "title": "B"}])
    assert [(c.kind, c.talk) for c in diff(None, first)] == [("added", "a"), ("added", "b")]


def test_diff_added_moved_cancelled_retitled_removed():
    old = release(
        1,
        [
            {"id": "a", "title": "A"},
            {"id": "b", "title": "B"},
            {"id": "c", "title": "C"},
            {"id": "gone", "title": "Gone"},
        ],
    )
    new_text = release_text(
        2,
        "2024-11-05T10:00:00Z",
        [
            {"id": "a", "title": "A", "time": "11:00-12:00"},  # moved
            {"id": "b", "title": "B"},
            {"id": "c", "title": "C, a better title"},  # retitled
            {"id": "d", "title": "D"},  # added
        ],
    ).replace(
        'title: "B"\n    date: 2024-11-26\n    time: 09:00-10:00\n    room: "Main room"\n',
        'title: "B"\n    date: 2024-11-26\n    time: 09:00-10:00\n    room: "Main room"\n'
        "    cancelled: true\n",
    )
    new, problems = load_release(new_text.encode(), "r/2.yaml", 2)
    assert problems == []
    changes = {(c.kind, c.talk): c for c in diff(old, new)}
    assert set(changes) == {
        ("moved", "a"),
        ("cancelled", "b"),
        ("retitled", "c"),
        ("added", "d"),
        ("removed", "gone"),
    }
    assert changes["moved", "a"].describe() == (
        "Moved: A, from Tuesday 26 November 2024, 09:00–10:00, Main room to 11:00–12:00, Main room"
    )
    assert changes["retitled", "c"].describe() == "Retitled: C is now C, a better title"
    assert changes["cancelled", "b"].describe().startswith("Cancelled: B (Tuesday 26 November 2024")


def test_a_move_to_another_day_names_both_days():
    old = release(1, [{"id": "a", "title": "A"}])
    new = release(2, [{"id": "a", "title": "A", "date": "2024-11-27"}])
    (change,) = diff(old, new)
    assert change.describe() == (
        "Moved: A, from Tuesday 26 November 2024, 09:00–10:00, Main room to "
        "Wednesday 27 November 2024, 09:00–10:00, Main room"
    )


def test_revisions_count_the_releases_that_changed_a_talk():
    one = release(1, [{"id": "a", "title": "A"}, {"id": "b", "title": "B"}], "2024-11-01T10:00:00Z")
    # 'a' both moved and retitled in one release: one revision
    two = release(
        2,
        [{"id": "a", "title": "A2", "time": "11:00-12:00"}, {"id": "b", "title": "B"}],
        "2024-11-05T10:00:00Z",
    )
    three = release(
        3,
        [{"id": "a", "title": "A2", "time": "12:00-13:00"}, {"id": "b", "title": "B"}],
        "2024-11-09T10:00:00Z",
    )
    got = revisions([one, two, three])
    assert got["a"].sequence == 2
    assert got["a"].modified == dt.datetime(2024, 11, 9, 10, tzinfo=dt.UTC)
    assert got["b"].sequence == 0
    assert got["b"].modified == dt.datetime(2024, 11, 1, 10, tzinfo=dt.UTC)


POSTER = """  - id: {id}
    title: "{title}"
    date: 2024-11-26
    time: {time}
    room: "Hall"
"""


def session_release(version: int, released: str, posters: list[dict], spotlights: list[dict], **extra: str):
    """A release of one poster session (16:00-17:30, Hall) and one spotlight slot (15:30-16:00)."""
    text = release_text(version, released, [])
    for key, listed, time in (("posters", posters, "16:00-17:30"), ("spotlights", spotlights, "15:30-16:00")):
        if listed:
            text += f"{key}:\n"
        for entry in listed:
            text += POSTER.format(**{"time": time, **entry})
            text += "".join(f"    {k}: {v}\n" for k, v in entry.items() if k not in ("id", "title", "time"))
    found, problems = load_release(text.encode(), f"r/{version}.yaml", version)
    assert problems == [], [str(p) for p in problems]
    return found


def test_posters_and_spotlights_added_moved_retitled_cancelled_removed():
    one = session_release(
        1,
        "2024-11-01T10:00:00Z",
        [{"id": "pa", "title": "PA", "board": "1"}, {"id": "pb", "title": "PB", "board": "2"}],
        [{"id": "pa", "title": "PA", "at": "15:30-15:45"}, {"id": "sb", "title": "SB", "at": "15:45-16:00"}],
    )
    two = session_release(
        2,
        "2024-11-05T10:00:00Z",
        [
            {"id": "pa", "title": "PA", "board": "3"},  # moved: another board of its session
            {"id": "pb", "title": "PB, revised", "board": "2"},  # retitled
            {"id": "pc", "title": "PC", "board": "1"},  # added
        ],
        [{"id": "sb", "title": "SB", "at": "15:30-15:45"}],  # moved; 'pa' no longer a spotlight
    )
    said = [c.describe() for c in diff(one, two)]
    assert said == [
        "Moved: poster PA, from Tuesday 26 November 2024, 16:00–17:30, Hall, board 1 to board 3",
        "Retitled: poster PB is now PB, revised",
        "Added: poster PC (Tuesday 26 November 2024, 16:00–17:30, Hall, board 1)",
        "Moved: spotlight SB, from Tuesday 26 November 2024, 15:45–16:00, Hall to 15:30–15:45, Hall",
        "Removed: spotlight PA (Tuesday 26 November 2024, 15:30–15:45, Hall)",
    ]
    # the session cancelled: each of its posters is cancelled
    three = session_release(
        3,
        "2024-11-09T10:00:00Z",
        [{"id": p, "title": t, "board": b, "cancelled": "true"} for p, t, b in [("pa", "PA", "3")]],
        [{"id": "sb", "title": "SB", "at": "15:30-15:45"}],
    )
    assert [(c.kind, c.form, c.talk) for c in diff(two, three)] == [
        ("cancelled", "poster", "pa"),
        ("removed", "poster", "pb"),
        ("removed", "poster", "pc"),
    ]
    assert diff(two, three)[0].describe() == (
        "Cancelled: poster PA (Tuesday 26 November 2024, 16:00–17:30, Hall, board 3)"
    )


def test_a_contribution_can_be_a_poster_and_a_spotlight_each_tracked():
    one = session_release(
        1, "2024-11-01T10:00:00Z", [{"id": "pa", "title": "PA"}], [{"id": "pa", "title": "PA"}]
    )
    two = session_release(2, "2024-11-05T10:00:00Z", [{"id": "pa", "title": "PA"}], [])
    assert [(c.kind, c.form) for c in diff(one, two)] == [("removed", "spotlight")]
    assert one.same_programme(one) and not one.same_programme(two)


def test_a_session_event_revision_grows_when_its_posters_or_spotlights_change():
    posters, spots = (
        session_key(dt.date(2024, 11, 26), dt.time(16), "Hall"),
        session_key(dt.date(2024, 11, 26), dt.time(15, 30), "Hall"),
    )
    one = session_release(
        1, "2024-11-01T10:00:00Z", [{"id": "pa", "title": "PA"}], [{"id": "sa", "title": "SA"}]
    )
    same = session_release(
        2, "2024-11-03T10:00:00Z", [{"id": "pa", "title": "PA"}], [{"id": "sa", "title": "SA"}]
    )
    retitled = session_release(
        3, "2024-11-05T10:00:00Z", [{"id": "pa", "title": "PA 2"}], [{"id": "sa", "title": "SA"}]
    )
    got = revisions([one, same, retitled])
    assert (got[posters].sequence, got[posters].modified) == (1, dt.datetime(2024, 11, 5, 10, tzinfo=dt.UTC))
    assert (got[spots].sequence, got[spots].modified) == (0, dt.datetime(2024, 11, 1, 10, tzinfo=dt.UTC))
    assert "pa" not in got and "sa" not in got  # a poster's calendar event is its session's


def test_written_title_shows_math_as_math_and_refused_math_as_text():
    from types import SimpleNamespace

    from docutils import nodes
    from myst_parser.config.main import MdParserConfig
    from sphinx_workshop_site.site.contribution_nodes import written_title

    env = SimpleNamespace(
        myst_config=MdParserConfig(enable_extensions={"dollarmath"}, dmath_allow_digits=False)
    )
    shown = written_title(env, r"Maps $\frac{a}{b}$ and `code`, \$5")
    assert [type(n) for n in shown] == [nodes.Text, nodes.math, nodes.Text, nodes.literal, nodes.Text]
    assert shown[1].astext() == r"\frac{a}{b}" and shown[4].astext() == ", $5"
    refused = written_title(env, r"Bad $\input{/etc/passwd}$ math")  # not in the math allow-list
    assert not any(isinstance(n, nodes.math) for n in refused)
    assert "".join(n.astext() for n in refused) == r"Bad $\input{/etc/passwd}$ math"


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (
            "version: two\nreleased: 2024-11-01T10:00:00Z\ntalks: []\n",
            1,
            "version 'two' is not a whole number",
        ),
        (
            "version: 3\nreleased: 2024-11-01T10:00:00Z\ntalks: []\n",
            1,
            "version 3 is not the file's number 1",
        ),
        ("version: 1\nreleased: yesterday\ntalks: []\n", 2, "'released' must be a UTC time"),
        (
            "version: 1\nreleased: 2024-11-01T10:00:00Z\nfinal: maybe\ntalks: []\n",
            3,
            "'final' must be true or",
        ),
        (
            "version: 1\nreleased: 2024-11-01T10:00:00Z\ntalks:\n  - id: a\n    title: A\n    date: 2024-13-01\n"
            "    time: 09:00-10:00\n",
            6,
            "date '2024-13-01' of talk 'a' does not exist",
        ),
        ("version: 1\nreleased: 2024-11-01T10:00:00Z\nnotes: x\ntalks: []\n", 3, "unknown key 'notes'"),
        (
            "version: 1\nreleased: 2024-11-01T10:00:00Z\nposters:\n  - id: p\n    title: P\n    date: 2024-11-26\n"
            "    time: 09:00-10:00\n    board: two\n",
            8,
            "board 'two' of poster 'p' is not a board number",
        ),
        (
            "version: 1\nreleased: 2024-11-01T10:00:00Z\nspotlights:\n  - id: s\n    title: S\n    date: 2024-11-26\n"
            "    time: 09:00-10:00\n    board: 2\n",
            8,
            "unknown key 'board' in a released spotlight",
        ),
    ],
)
def test_a_bad_release_is_one_located_line(text, line, message):
    _release, problems = load_release(text.encode(), "program/releases/1.yaml", 1)
    assert len(problems) == 1
    assert problems[0].file == "program/releases/1.yaml"
    assert problems[0].line == line
    assert message in problems[0].message


def test_release_files_are_numbered_without_gaps(tmp_path):
    (tmp_path / "1.yaml").write_text(release_text(1, "2024-11-01T10:00:00Z", []))
    (tmp_path / "3.yaml").write_text(release_text(3, "2024-11-02T10:00:00Z", []))
    (tmp_path / "notes.txt").write_text("x")
    releases, problems = load_releases(tmp_path, "program/releases")
    assert [r.version for r in releases] == [1, 3]
    messages = sorted(str(p) for p in problems)
    assert messages == [
        "program/releases/3.yaml:1: version 3 follows version 1: release 2 is missing",
        "program/releases/notes.txt: 'notes.txt' is not a release file: name it <version>.yaml, e.g. 1.yaml "
        "(make release-schedule writes them)",
    ]


def test_cancelled_must_be_true_or_false():
    text = (
        b"timezone: UTC\nvenue: V\ndays:\n  - date: 2024-11-26\n    slots:\n      - time: 09:00-10:00\n"
        b"        talk: a\n        cancelled: perhaps\n"
    )
    _schedule, problems = load_schedule(text, "program/schedule.yaml")
    assert [(p.line, p.message.split(" (")[0]) for p in problems] == [
        (8, "'cancelled' in a slot must be true or false")
    ]


# --------------------------------------------------------------------------- the command


def run_release(root, epoch: int, monkeypatch, capsys, *args: str) -> tuple[int, str]:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(epoch))
    code = cli.main(["release-schedule", "--root", str(root), *args])
    out = capsys.readouterr()
    return code, out.out + out.err


def test_release_refuses_a_released_talk_that_lost_its_slot(tmp_path, monkeypatch, capsys):
    root = tmp_path / "site"
    shutil.copytree(ROOT / "tests/roots/test-schedule", root)
    assert run_release(root, 1732000000, monkeypatch, capsys)[0] == 0
    schedule = root / "program/schedule.yaml"
    schedule.write_text(schedule.read_text().replace("      - time: 09:30-10:30\n        talk: beta\n", ""))
    code, said = run_release(root, 1732100000, monkeypatch, capsys)
    assert code == 1
    assert "program/releases/1.yaml:11: talk 'beta' of programme version 1 has no slot in " in said
    assert "mark it 'cancelled: true'" in said
    assert not (root / "program/releases/2.yaml").exists()
    # nothing changed since the last release: nothing written
    shutil.copy2(ROOT / "tests/roots/test-schedule/program/schedule.yaml", schedule)
    code, said = run_release(root, 1732100000, monkeypatch, capsys)
    assert (code, said.strip()) == (0, "The programme has not changed since version 1: nothing released.")


# --------------------------------------------------------------------------- one site, two releases


POSTER_PAGE = "---\ntype: poster\nspeakers: [ada]\n{extra}---\n\n# {title}\n\nThe abstract.\n"
SESSIONS = """      - time: 11:40-12:00
        title: Spotlights
        spotlights: [{spotlights}]
      - time: 12:00-13:00
        title: Poster session
        posters: [{posters}]
"""


@pytest.fixture(scope="module")
def released_site(tmp_path_factory):
    """The schedule test root released twice: alpha moved, beta cancelled, gamma added; poster pa
    retitled and moved to another board, poster pc added (its page sets 'board: 7'), spotlight pb
    moved, spotlight pc added."""
    root = tmp_path_factory.mktemp("releases") / "site"
    shutil.copytree(ROOT / "tests/roots/test-schedule", root)
    abstracts = root / "abstracts"
    (abstracts / "pa.md").write_text(POSTER_PAGE.format(extra="", title=r"Poster on $\frac{a}{b}$ maps"))
    (abstracts / "pb.md").write_text(POSTER_PAGE.format(extra="", title="Poster B"))
    schedule = root / "program/schedule.yaml"
    sessions = SESSIONS.format(spotlights="pb", posters="pa, pb")
    schedule.write_text(
        schedule.read_text().replace("        talk: beta\n", f"        talk: beta\n{sessions}")
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1732000000")  # 2024-11-19T07:06:40Z
        assert cli.main(["release-schedule", "--root", str(root)]) == 0
        text = schedule.read_text().replace(
            SESSIONS.format(spotlights="pb", posters="pa, pb"),
            SESSIONS.format(spotlights="pc, pb", posters="pb, pa, pc"),
        )
        text = text.replace(
            "      - time: 14:15-15:15\n        talk: alpha\n",
            "      - time: 16:00-17:00\n        talk: alpha\n",
        )
        text = text.replace(
            "        talk: beta\n",
            "        talk: beta\n        cancelled: true\n      - time: 11:00-11:30\n        talk: gamma\n",
        )
        schedule.write_text(text)
        (abstracts / "pa.md").write_text(
            POSTER_PAGE.format(extra="", title=r"Poster on $\frac{a}{b}$ maps, revised")
        )
        (abstracts / "pc.md").write_text(POSTER_PAGE.format(extra="board: 7\n", title="Poster C"))
        patch.setenv("SOURCE_DATE_EPOCH", "1732100000")  # 2024-11-20T10:53:20Z
        assert cli.main(["release-schedule", "--root", str(root)]) == 0
    (root / "program/changes.md").write_text("# Changes to the programme\n\n```{programme-changes}\n```\n")
    index = root / "program/index.md"
    index.write_text(index.read_text() + "\n```{toctree}\n:hidden:\nchanges\n```\n")
    build = sphinx_build(root)
    assert build.returncode == 0, build.output
    return build


def text_of(build, page: str) -> str:
    source = build.page(page)
    body = source[source.index('<div class="body"') : source.index('<div class="sphinxsidebar"')]
    body = re.sub(r"<button.*?</button>", " ", body, flags=re.S)  # controls (My agenda's stars), not text
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))


def test_the_programme_page_says_its_version_and_that_it_is_tentative(released_site):
    text = text_of(released_site, "program/index.html")
    assert "Tentative programme This programme may still change" in text
    assert "Programme version 2, released Wednesday 20 November 2024 ( what changed )." in text
    assert 'href="changes.html">' in released_site.page("program/index.html")
    # the cancelled talk stays in its slot, labelled and struck
    assert "09:30–10:30 Cancelled : Beta talk" in text
    row = re.search(
        r'<tr class="slot-talk slot-cancelled[^"]*">.*?</tr>', released_site.page("program/index.html"), re.S
    )
    assert row and "Beta talk" in row.group(0) and 'class="slot-name"' in row.group(0)


def test_the_changes_page_lists_what_each_release_changed(released_site):
    text = text_of(released_site, "program/changes.html")
    two, one = text.index("Version 2, released Wednesday 20 November 2024"), text.index("Version 1, released")
    assert two < one  # newest first
    version_2 = text[two:one]
    assert (
        r"Moved: Alpha talk on \(x_1\) tensors, from Tuesday 26 November 2024, 14:15–15:15, Main room to "
        "16:00–17:00, Main room" in version_2
    )
    assert "Cancelled: Beta talk (Wednesday 27 November 2024, 09:30–10:30, Main room)" in version_2
    assert "Added: Gamma talk (Wednesday 27 November 2024, 11:00–11:30, Main room)" in version_2
    assert "The first published programme: 2 talk(s), 2 poster(s), 1 spotlight(s)." in text[one:]


def test_the_changes_page_lists_the_posters_and_spotlights_changed(released_site):
    text = text_of(released_site, "program/changes.html")
    version_2 = text[: text.index("Version 1, released")]
    session = "Wednesday 27 November 2024, 12:00–13:00, Main room"
    for said in (
        f"Moved: poster Poster B, from {session}, board 2 to board 1",
        rf"Moved: poster Poster on \(\frac{{a}}{{b}}\) maps, revised, from {session}, board 1 to board 2",
        r"Retitled: poster Poster on \(\frac{a}{b}\) maps is now Poster on \(\frac{a}{b}\) maps, revised",
        f"Added: poster Poster C ({session}, board 7)",  # its page's own 'board:'
        "Added: spotlight Poster C (Wednesday 27 November 2024, 11:40–11:50, Main room)",
        "Moved: spotlight Poster B, from Wednesday 27 November 2024, 11:40–12:00, Main room to "
        "11:50–12:00, Main room",
    ):
        assert said in version_2, said


def test_the_changes_page_shows_a_titles_math_as_math(released_site):
    page = released_site.page("program/changes.html")
    assert '<span class="math notranslate nohighlight">\\(\\frac{a}{b}\\)</span>' in page
    assert '<span class="math notranslate nohighlight">\\(x_1\\)</span>' in page
    assert "$" not in text_of(released_site, "program/changes.html")  # no title's math left raw
    assert "mathjax" in page.lower()  # and the page loads what typesets it


def test_the_cancelled_talk_page_says_so(released_site):
    text = text_of(released_site, "abstracts/beta.html")
    assert "When : Cancelled , was: Wednesday 27 November 2024 , 09:30–10:30" in text


def test_calendar_sequence_last_modified_and_status(released_site):
    from icalendar import Calendar

    cal = Calendar.from_ical((released_site.outdir / "program.ics").read_bytes())
    events = {str(e["summary"]): e for e in cal.walk("VEVENT")}
    second = dt.datetime(2024, 11, 20, 10, 53, 20, tzinfo=dt.UTC)
    first = dt.datetime(2024, 11, 19, 7, 6, 40, tzinfo=dt.UTC)
    alpha, beta, gamma = (
        events["Alpha talk on x_1 tensors"],
        events["Cancelled: Beta talk"],
        events["Gamma talk"],
    )
    assert (alpha["sequence"], alpha["last-modified"].dt, str(alpha["status"])) == (1, second, "CONFIRMED")
    assert (beta["sequence"], beta["last-modified"].dt, str(beta["status"])) == (1, second, "CANCELLED")
    assert (gamma["sequence"], gamma["last-modified"].dt) == (0, second)
    assert "sequence" not in events["Welcome coffee"]  # not a released talk
    assert first < second
    # a session's event lists its posters or spotlights: it is revised when they change
    posters, spotlights = events["Poster session"], events["Spotlights"]
    assert (posters["sequence"], posters["last-modified"].dt) == (1, second)
    assert (spotlights["sequence"], spotlights["last-modified"].dt) == (1, second)
    # a poster's own calendar file is its session's event, with the same revision
    (own,) = Calendar.from_ical((released_site.outdir / "abstracts/pc.ics").read_bytes()).walk("VEVENT")
    assert (str(own["uid"]), own["sequence"], own["last-modified"].dt) == (str(posters["uid"]), 1, second)


def test_frab_says_the_version_and_the_cancelled_talk_and_stays_valid(released_site):
    from lxml import etree

    data = (released_site.outdir / "schedule.xml").read_bytes()
    doc = etree.fromstring(data)
    schema = etree.XMLSchema(
        etree.parse(str(ROOT / "_ext/sphinx_workshop_site/exports/schemas/frab-schedule.xml.xsd"))
    )
    assert schema.validate(doc), schema.error_log
    assert doc.findtext("version") == "2"
    titles = sorted(e.findtext("title") for e in doc.iter("event"))
    assert "Cancelled: Beta talk" in titles
    assert "Gamma talk" in titles
    data = json.loads((released_site.outdir / "schedule.json").read_text(encoding="utf-8"))
    schema = json.loads(
        (ROOT / "_ext/sphinx_workshop_site/exports/schemas/frab-schedule.schema.json").read_text()
    )
    jsonschema.Draft6Validator(schema, format_checker=jsonschema.FormatChecker()).validate(data)
    assert data["schedule"]["version"] == "2"


def test_search_engines_read_the_cancelled_talk_as_cancelled(released_site):
    beta, gamma = released_site.page("abstracts/beta.html"), released_site.page("abstracts/gamma.html")
    assert '"eventStatus": "https://schema.org/EventCancelled"' in beta
    assert '"eventStatus": "https://schema.org/EventScheduled"' in gamma


def test_an_oversized_release_is_refused_before_it_is_read():
    _release, problems = load_release(b"talks: []\n" + b"#" * 2_000_000, "program/releases/1.yaml", 1)
    assert [str(p) for p in problems] == [
        "program/releases/1.yaml:1: the file is 2.0 MB, over the 2 MB limit of a release: is it the right file?"
    ]
