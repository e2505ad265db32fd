"""Posters, poster sessions and spotlights (issue 14): the model, the pages, and every mistake
located at its file:line in the build, in a second build with nothing changed, and in `make check`."""

from __future__ import annotations

import io
import re
import shutil
import zlib
from pathlib import Path

import pikepdf
import pytest
from bs4 import BeautifulSoup
from conftest import ROOT, makefile_text, sphinx_build, write_files
from pdf_payloads import JS_ACTION, hidden_javascript, running_parts
from sphinx_workshop_site.cli import check_project
from sphinx_workshop_site.edition.scaffold import new_abstract
from sphinx_workshop_site.gate.pdffile import MAX_PDF_BYTES, PdfRefused, pdf_bytes_problem, rewrite_pdf_bytes
from sphinx_workshop_site.gate.scope import verdicts
from sphinx_workshop_site.model.contributions import (
    BoardClaim,
    check_contributions,
    poster_boards,
    schedule_boards,
)
from sphinx_workshop_site.model.frontmatter import read_talk
from sphinx_workshop_site.model.schedulefile import load_schedule

ROOT_POSTERS = ROOT / "tests/roots/test-posters"
PDF = (ROOT_POSTERS / "abstracts/p-one-poster.pdf").read_bytes()
PNG = (ROOT_POSTERS / "abstracts/p-two-poster.png").read_bytes()
HEAD = "timezone: Europe/Paris\nvenue: V\nrooms: [Main room]\ndays:\n  - date: 2024-11-26\n    slots:\n"


def schedule(slots: str):
    return load_schedule((HEAD + slots).encode(), "s.yaml")


def flat(node) -> str:
    text = re.sub(r"\s+", " ", node.get_text(" ").replace("¶", ""))
    text = text.replace(" ,", ",").replace(" ;", ";")
    return text.replace("( ", "(").replace(" )", ")").strip()  # the separator, not the page's text


# --------------------------------------------------------------------------- the model


def test_boards_follow_the_list_and_a_set_board_is_kept():
    loaded, problems = schedule(
        "      - time: 17:30-19:00\n        title: P\n        posters: [a, b, c, d]\n"
    )
    assert problems == []
    (session,) = loaded.poster_sessions()
    assert poster_boards(session, {}) == {"a": 1, "b": 2, "c": 3, "d": 4}
    # c claims board 1: the others take the free numbers, in list order
    assert poster_boards(session, {"c": 1}) == {"a": 2, "b": 3, "c": 1, "d": 4}
    assert schedule_boards(loaded, {"c": 1, "zz": 9}) == {"a": 2, "b": 3, "c": 1, "d": 4}
    assert loaded.session_of("b") is session and loaded.slot_of("b") is None
    assert loaded.poster_order() == ["a", "b", "c", "d"]
    assert session.kind == "poster"  # the default kind of a slot with posters


def test_spotlights_divide_an_even_slot_or_show_their_order():
    loaded, problems = schedule(
        "      - time: 17:15-17:30\n        title: S\n        spotlights: [a, b, c]\n"
        "      - time: 18:00-18:10\n        title: T\n        spotlights: [d, e, f]\n"
        "      - time: 19:00-19:10\n        title: U\n        spotlights:\n"
        "          - {id: g, time: 19:00-19:04}\n          - {id: h, time: 19:05-19:10}\n"
    )
    assert problems == []
    even, uneven, given = (slot.spotlights for slot in loaded.slots())
    assert [(s.id, s.order, s.time_range) for s in even] == [
        ("a", 1, "17:15–17:20"),
        ("b", 2, "17:20–17:25"),
        ("c", 3, "17:25–17:30"),
    ]
    assert [(s.order, s.time_range) for s in uneven] == [(1, None), (2, None), (3, None)]  # 10 min / 3
    assert [s.time_range for s in given] == ["19:00–19:04", "19:05–19:10"]
    assert loaded.spotlight_of("h")[1].order == 2
    assert loaded.scheduled_ids() == set("abcdefgh")


def test_announced_sessions_are_empty_not_absent():
    loaded, problems = schedule(
        "      - time: 17:15-17:30\n        title: S\n        spotlights: []\n"
        "      - time: 17:30-19:00\n        title: P\n        kind: social\n        posters: []\n"
    )
    assert problems == []
    spots, posters = loaded.slots()
    assert spots.spotlights == () and posters.posters == () and posters.kind == "social"


@pytest.mark.parametrize(
    ("slots", "line", "message"),
    [
        (
            "      - time: 17:30-19:00\n        title: P\n        posters: [a, b, a]\n",
            9,
            "poster 'a' is listed twice in this session",
        ),
        (
            "      - time: 17:30-18:00\n        title: P\n        posters: [a]\n"
            "      - time: 18:00-19:00\n        title: Q\n        posters:\n          - b\n          - a\n",
            14,
            "poster 'a' is already in the poster session on line 7",
        ),
        (
            "      - time: 17:30-19:00\n        talk: x\n        posters: [a]\n",
            8,
            "a slot with 'posters' is a session, not a talk",
        ),
        (
            "      - time: 17:30-19:00\n        title: P\n        postres: [a]\n",
            9,
            "unknown key 'postres' in a slot (did you mean 'posters'?)",
        ),
        (
            "      - time: 17:15-17:30\n        title: S\n        spotlights:\n          - {id: a, time: 17:15-17:20}\n"
            "          - b\n",
            11,
            "spotlight 'b' has no 'time' while others have one",
        ),
        (
            "      - time: 17:15-17:30\n        title: S\n        spotlights:\n          - {id: a, time: 17:25-17:35}\n",
            10,
            "spotlight time '17:25-17:35' is outside its slot 17:15–17:30",
        ),
        (
            "      - time: 17:15-17:30\n        title: S\n        spotlights:\n          - {id: a, time: 17:15-17:25}\n"
            "          - {id: b, time: 17:20-17:30}\n",
            11,
            "spotlight 'b' starts before spotlight 'a'",
        ),
        (
            "      - time: 17:15-17:30\n        title: S\n        spotlights:\n          - {id: a, tim: 17:15-17:25}\n",
            10,
            "unknown key 'tim' in a spotlight (did you mean 'time'?)",
        ),
        (
            "      - time: 17:15-17:30\n        title: S\n        spotlights: [a, a]\n",
            9,
            "'a' is listed twice in these spotlights",
        ),
    ],
)
def test_schedule_mistakes_are_located(slots, line, message):
    _loaded, problems = schedule(slots)
    assert any(p.line == line and message in p.message for p in problems), [str(p) for p in problems]


def test_contributions_checked_against_the_pages():
    loaded, problems = schedule(
        "      - time: 09:00-10:00\n        talk: pa\n"  # line 7: a poster in a talk slot
        "      - time: 17:30-19:00\n        title: P\n        posters:\n"
        "          - pb\n          - ta\n          - pc\n          - pbb\n"  # lines 12-15
    )
    assert problems == []
    types = {"pa": "poster", "pb": "poster", "pc": "poster", "pcc": "poster", "ta": "talk"}
    claims = {"pb": BoardClaim(4, "abstracts/pb.md", 3), "pc": BoardClaim(4, "abstracts/pc.md", 5)}
    found = {(p.file, p.line): p.message for p in check_contributions(loaded, types, claims)}
    assert "'pa' is a poster (its page says 'type: poster'), not a talk" in found["s.yaml", 8]
    assert "'ta' is a talk, not a poster" in found["s.yaml", 13]
    assert found["s.yaml", 15] == "unknown poster 'pbb' (did you mean 'pb'?)"
    assert "board 4 is already taken by poster 'pb'" in found["abstracts/pc.md", 5]
    assert len(found) == 4


@pytest.mark.parametrize(
    ("front", "line", "message"),
    [
        ("type: postr\n", 2, "unknown type 'postr' (did you mean 'poster'?)"),
        ("type: poster\nboard: 0\n", 3, "board '0' must be a whole number from 1"),
        ("type: poster\nboard: two\n", 3, "board 'two' must be a whole number from 1"),
        ("board: 3\n", 2, "'board' is for posters: add 'type: poster'"),
        ("poster: x-poster.pdf\n", 2, "'poster' is for posters"),
    ],
)
def test_front_matter_type_and_board(front, line, message):
    meta, problems = read_talk("x", f"---\n{front}speakers: [ada]\n---\n\n# T\n", "abstracts/x.md")
    assert [(p.line, message in p.message) for p in problems] == [(line, True)], [str(p) for p in problems]
    assert meta.board is None  # a refused board is not used


def test_front_matter_of_a_poster():
    text = "---\ntype: poster\nspeakers: [ada]\nboard: 12\nposter: x-poster.pdf\n---\n\n# T\n"
    meta, problems = read_talk("x", text, "abstracts/x.md")
    assert problems == []
    assert (meta.type, meta.is_poster, meta.board, meta.board_line, meta.poster) == (
        "poster",
        True,
        12,
        4,
        "x-poster.pdf",
    )
    plain, _ = read_talk("y", "---\nspeakers: [ada]\n---\n\n# T\n", "abstracts/y.md")
    assert plain.type == "talk" and not plain.is_poster


@pytest.mark.parametrize(
    ("poster", "problem"),
    [
        ("[x-poster.pdf, x-poster.png]", None),
        ("\n  - x-poster.pdf\n  - x-poster.jpg", None),
        ("[a.pdf, b.png, c.jpg, d.png]", (5, "'poster' lists 4 files: at most 3")),
        ("[x-poster.pdf, x-poster.pdf]", (5, "poster file 'x-poster.pdf' is listed twice")),
        ("[]", (5, "'poster' is empty")),
    ],
)
def test_poster_takes_one_file_or_a_list(poster, problem):
    text = f"---\ntype: poster\nspeakers: [ada]\nboard: 12\nposter: {poster}\n---\n\n# T\n"
    meta, problems = read_talk("x", text, "abstracts/x.md")
    assert [(p.line, p.message.split(":")[0]) for p in problems] == (
        [(problem[0], problem[1].split(":")[0])] if problem else []
    )
    if problem is None:
        assert len(meta.posters) == 2 and meta.poster == "x-poster.pdf"
        assert meta.poster_lines == ((5, 5) if poster.startswith("[") else (6, 7))
    elif "twice" in problem[1]:
        assert meta.posters == ("x-poster.pdf",)


def test_poster_files_shown_and_offered_and_unused_files_named(tmp_path):
    """A PDF and an image under 'poster:': the image is shown, both are offered; an own file the
    page does not use is named at the page (it would never be published)."""
    root = tmp_path / "site"
    shutil.copytree(ROOT_POSTERS, root)
    one = root / "abstracts/p-one.md"
    one.write_text(
        one.read_text().replace("poster: p-one-poster.pdf", "poster: [p-one-poster.pdf, p-one-poster.png]")
    )
    (root / "abstracts/p-one-poster.png").write_bytes(PNG)
    (root / "abstracts/p-one-poster.pdf").write_bytes(HOSTILE_PDF)
    (root / "abstracts/p-three-poster.png").write_bytes(PNG)  # p-three's, never used
    (root / "abstracts/p-three-extra.md").write_text(  # another page: its files are its own
        "---\ntype: poster\nspeakers: [bob]\nposter: p-three-extra-poster.png\n---\n\n# Extra\n\nText.\n"
    )
    (root / "abstracts/p-three-extra-poster.png").write_bytes(PNG)
    (root / "abstracts/alpha-figure.png").write_bytes(PNG)  # a talk's: it has no 'poster:'
    build = sphinx_build(root)
    unused = [line for line in build.output.splitlines() if "is not used by the page" in line]
    assert unused == [
        "abstracts/alpha.md:1: WARNING: abstracts/alpha-figure.png is not used by the page, so it is not "
        "published: show it (![…](alpha-figure.png)), or delete it [workshop.file]",
        "abstracts/p-three.md:1: WARNING: abstracts/p-three-poster.png is not used by the page, so it is not "
        "published: show it (![…](p-three-poster.png)), list it under 'poster:', or delete it [workshop.file]",
    ], build.output
    shown = page(build, "abstracts/p-one.html")
    downloads = shown.select("a.poster-download")
    assert [flat(a) for a in downloads] == ["Download the poster (PDF)", "Download the poster (PNG)"]
    published, png = [(build.outdir / "abstracts" / a["href"]).read_bytes() for a in downloads]
    assert png == PNG and len(shown.select("img.poster-image")) == 1
    # the hostile PDF (JavaScript on opening and on its page, hidden in a twice-compressed object
    # stream) is published as pikepdf rewrote it: nothing that runs, its page intact; the author
    # is told in an INFO line (not a warning: nothing failed), and their file is as they wrote it
    assert running_parts(HOSTILE_PDF) and running_parts(published) == []
    with pikepdf.open(io.BytesIO(published)) as pdf:
        assert len(pdf.pages) == 1
    assert (root / "abstracts/p-one-poster.pdf").read_bytes() == HOSTILE_PDF
    assert (
        "abstracts/p-one-poster.pdf: published without an action run when the file is opened; JavaScript; "
        "actions run on page, link or form-field events (what a PDF reader would run or open by itself; "
        "your file is unchanged)"
    ) in build.output.splitlines()
    assert "WARNING: poster" not in build.output


# --------------------------------------------------------------------------- poster PDFs

# JavaScript on opening and on the first page's opening, hidden in a twice-compressed object stream
HOSTILE_PDF = hidden_javascript("flate twice")


def _with_stream(content: bytes) -> bytes:
    stream = zlib.compress(content)
    return PDF.replace(
        b"trailer",
        b"4 0 obj << /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream)
        + stream
        + b"\nendstream\nendobj\ntrailer",
    )


@pytest.mark.parametrize(
    "data",
    [  # each of these was refused by the old scanner; now it is published without what runs
        PDF.replace(b"/Type /Catalog", b"/Type /Catalog /OpenAction 5 0 R"),
        PDF.replace(b"/Type /Catalog", b"/Type /Catalog /Names << /JavaScript 6 0 R >>"),
        PDF.replace(b"/Type /Catalog", b"/Type /Catalog /J#61vaScript 6 0 R"),
        PDF.replace(b"/Type /Page ", b"/Type /Page /AA << /O << /S /Launch /F (calc.exe) >> >> "),
        PDF.replace(b"/Type /Catalog", b"/Type /Catalog /OpenAction 4 0 R").replace(
            b"trailer", b"4 0 obj " + JS_ACTION + b" endobj\ntrailer"
        ),
        _with_stream(b"<< /S /JS /JS (app.alert(1)) >>"),
        _with_stream(b"<< /Type /EmbeddedFile >>"),
    ],
)
def test_pdf_published_without_what_it_holds(tmp_path, data):
    rewrite_pdf_bytes(data, "abstracts/x-poster.pdf", tmp_path / "out.pdf")
    assert running_parts((tmp_path / "out.pdf").read_bytes()) == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (PNG, "is not a PDF file"),
        (b"%PDF-1.4\n" + b"0" * MAX_PDF_BYTES, "over the limit"),
    ],
)
def test_pdf_refused_for_what_it_is(tmp_path, data, message):
    problem = pdf_bytes_problem(data, "abstracts/x-poster.pdf")
    assert problem is not None and message in problem
    with pytest.raises(PdfRefused, match=message):
        rewrite_pdf_bytes(data, "abstracts/x-poster.pdf", tmp_path / "out.pdf")


def test_plain_pdf_and_compressed_content_pass(tmp_path):
    for data in (PDF, _with_stream(b"BT /F1 12 Tf (Hello) Tj ET")):
        assert pdf_bytes_problem(data, "abstracts/x-poster.pdf") is None
        assert rewrite_pdf_bytes(data, "abstracts/x-poster.pdf", tmp_path / "out.pdf") == []


def test_check_pr_accepts_a_posters_own_files():
    added = [
        "abstracts/jane.md",
        "abstracts/jane.bib",
        "abstracts/jane-poster.pdf",
        "abstracts/jane-poster.png",
    ]
    from sphinx_workshop_site.gate.scope import Change

    ok, bad = verdicts(
        [Change("A", p) for p in [*added, "abstracts/other-poster.pdf"]], "abstracts", "speakers"
    )
    assert len(ok) == 4 and bad == [
        "abstracts/other-poster.pdf: added, but not a file of a new talk or speaker: "
        "put your files in abstracts/<your-id>… or speakers/<your-id>…"
    ]


# --------------------------------------------------------------------------- the site


@pytest.fixture(scope="module")
def posters_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("posters") / "site"
    shutil.copytree(ROOT_POSTERS, root)
    (root / "abstracts/p-waiting.md").write_text(
        "---\ntype: poster\nspeakers: [bob]\n---\n\n# Waiting poster\n\nNo session yet.\n", encoding="utf-8"
    )
    build = sphinx_build(root)
    assert build.returncode == 0, build.output
    return build


def page(build, name: str) -> BeautifulSoup:
    return BeautifulSoup(build.page(name), "html.parser")


def fields(soup: BeautifulSoup) -> dict[str, str]:
    """The talk-meta field list: name -> text."""
    meta = soup.select_one("dl.talk-meta")
    return {flat(dt).rstrip(" :"): flat(dt.find_next_sibling("dd")) for dt in meta.find_all("dt")}


def test_programme_shows_poster_session_and_spotlights(posters_site):
    programme = page(posters_site, "program/index.html")
    session = programme.select_one("ul.poster-session")
    rows = [flat(li) for li in session.find_all("li")]
    # by board: p-two sets board 1, p-one and p-three take 2 and 3 in list order
    assert rows == [
        "Board 1 · Poster two — Ada Lovelace",
        "Board 2 · Poster one on low-rank boards — Bob Smith",
        "Board 3 · Poster three — Ada Lovelace, Bob Smith",
    ]
    assert [a["href"] for a in session.select("a")][:2] == ["../abstracts/p-two.html", "../speakers/ada.html"]
    spotlights = programme.select("ol.spotlights")
    assert [flat(li) for li in spotlights[0].find_all("li")] == [
        "17:15–17:20 Poster one on low-rank boards — Bob Smith",
        "17:20–17:25 Poster two — Ada Lovelace",
        "17:25–17:30 Poster three — Ada Lovelace, Bob Smith",
    ]
    assert flat(spotlights[1].find_all("li")[1]) == "09:04–09:10 Alpha talk — Ada Lovelace"
    assert "Posters will be announced." in flat(programme)  # posters: [] on day 2
    waiting = flat(programme.select_one("ul.unscheduled-talks"))
    assert "Waiting poster (poster)" in waiting and "Poster two" not in waiting
    assert "Not yet scheduled" not in waiting  # said once, by the list's heading


def test_poster_page_has_session_board_and_its_file(posters_site, tmp_path):
    one = page(posters_site, "abstracts/p-one.html")
    meta = fields(one)
    assert meta["Presenter"] == "Bob Smith (Institute of Somewhere)"
    assert "ORCID 0000-0001-5109-3700" in meta["Authors"]
    # labelled as a talk's slot is: the session's title says what it is ('Poster session: Poster
    # session: …' when the label was 'Poster session')
    assert "Poster session" not in meta
    assert meta["When"] == (
        "Cocktail + posters: Tuesday 26 November 2024, 17:30–19:00 (Europe/Paris), Main room, board 2; "
        "spotlight 1 in Spotlight posters: Tuesday 26 November 2024, 17:15–17:20 (Europe/Paris), Main room"
        " · Add to calendar · My agenda"  # the star of its session (site/agenda.py)
    )
    assert meta["Keywords"] == "posters, boards"
    download = one.select_one("a.poster-download")
    assert flat(download) == "Download the poster (PDF)"
    # the site offers the rewritten copy (deterministic: the same bytes as a rewrite here)
    rewrite_pdf_bytes(PDF, "abstracts/p-one-poster.pdf", tmp_path / "expected.pdf")
    published = (posters_site.outdir / "abstracts" / download["href"]).read_bytes()
    assert published == (tmp_path / "expected.pdf").read_bytes() != PDF
    two = page(posters_site, "abstracts/p-two.html")
    image = two.select_one("img.poster-image")
    assert (posters_site.outdir / "abstracts" / image["src"]).read_bytes() == PNG
    assert "board 1" in flat(two.select_one("dl.talk-meta"))
    assert "Not yet scheduled" in flat(
        page(posters_site, "abstracts/p-waiting.html").select_one("dl.talk-meta")
    )


def test_contributions_index_and_speaker_pages(posters_site):
    index = page(posters_site, "abstracts/index.html")
    assert [flat(p.find("a")) for p in index.select("ul.talk-list li > p:first-child")] == [
        "Alpha talk",
        "Poster one on low-rank boards",
        "Poster two",
        "Poster three",
        "Late poster",
        "Waiting poster",
    ]
    talks, posters = index.select("ul.talk-list")
    assert "poster-list" in posters["class"] and len(talks.find_all("li")) == 1
    assert flat(posters.find_all("li")[-1].find("a")) == "Waiting poster"
    assert [flat(h) for h in index.select("section > section > h2")] == ["Talks", "Posters"]
    bob = page(posters_site, "speakers/bob.html")
    assert [flat(h) for h in bob.select(".rubric")] == ["Posters"]
    assert "Poster three" in flat(bob.select_one("ul.speaker-posters"))
    ada = page(posters_site, "speakers/ada.html")
    assert [flat(h) for h in ada.select(".rubric")] == ["Talks", "Posters"]
    grid = flat(page(posters_site, "speakers/index.html").select_one("ul.speaker-grid"))
    assert "Alpha talk Poster two (poster)" in grid


# --------------------------------------------------------------------------- mistakes, located

BAD_SCHEDULE = """\
timezone: Europe/Paris
venue: Test venue
rooms: [Main room]
days:
  - date: 2024-11-26
    slots:
      - time: 14:15-15:15
        talk: alpha
      - time: 15:15-15:45
        talk: p-one
      - time: 17:15-17:30
        title: Spotlight posters
        spotlights: [p-two, p-tree]
      - time: 17:30-19:00
        title: Cocktail + posters
        posters:
          - p-one
          - p-two
          - alpha
          - p-thre
          - p-two
          - m-dup-a
          - m-dup-b
  - date: 2024-11-27
    slots:
      - time: 10:00-11:00
        title: Morning posters
        posters: [p-three, p-one]
"""
POSTER = "---\ntype: poster\nspeakers: [bob]\n{extra}---\n\n# A poster\n\nText.\n"


def _locked_pdf() -> bytes:
    with pikepdf.open(io.BytesIO(PDF)) as pdf:
        out = io.BytesIO()
        pdf.save(out, encryption=pikepdf.Encryption(owner="o", user="secret"))
        return out.getvalue()


LOCKED_PDF = _locked_pdf()
MISTAKES = {
    "poster in a talk slot": (
        "program/schedule.yaml",
        10,
        "'p-one' is a poster (its page says 'type: poster')",
    ),
    "unknown spotlight": (
        "program/schedule.yaml",
        13,
        "unknown contribution 'p-tree' in spotlights (did you mean",
    ),
    "talk in posters": ("program/schedule.yaml", 19, "'alpha' is a talk, not a poster"),
    "unknown poster": ("program/schedule.yaml", 20, "unknown poster 'p-thre' (did you mean 'p-three'?)"),
    "poster twice": (
        "program/schedule.yaml",
        21,
        "poster 'p-two' is listed twice in this session on line 18",
    ),
    "poster in two sessions": (
        "program/schedule.yaml",
        28,
        "poster 'p-one' is already in the poster session",
    ),
    "duplicate board": ("abstracts/m-dup-b.md", 4, "board 7 is already taken by poster 'm-dup-a'"),
    "board zero": ("abstracts/m-board0.md", 4, "board '0' must be a whole number from 1"),
    "board on a talk": ("abstracts/m-boardtalk.md", 3, "'board' is for posters"),
    "type misspelt": ("abstracts/m-type.md", 2, "unknown type 'postre' (did you mean 'poster'?)"),
    "pdf with a password": (
        "abstracts/m-js.md",
        4,
        "'abstracts/m-js-poster.pdf' is encrypted: export it without a password",
    ),
    "not a pdf": ("abstracts/m-fake.md", 4, "is not a PDF file"),
    "someone else's file": ("abstracts/m-notmine.md", 4, "is not one of your files"),
}
MISTAKE_FILES: dict[str, str | bytes] = {
    "program/schedule.yaml": BAD_SCHEDULE,
    "abstracts/m-dup-a.md": POSTER.format(extra="board: 7\n"),
    "abstracts/m-dup-b.md": POSTER.format(extra="board: 7\n"),
    "abstracts/m-board0.md": POSTER.format(extra="board: 0\n"),
    "abstracts/m-boardtalk.md": "---\nspeakers: [bob]\nboard: 3\n---\n\n# A talk\n\nText.\n",
    "abstracts/m-type.md": "---\ntype: postre\nspeakers: [bob]\n---\n\n# A poster\n\nText.\n",
    "abstracts/m-js.md": POSTER.format(extra="poster: m-js-poster.pdf\n"),
    "abstracts/m-js-poster.pdf": LOCKED_PDF,
    "abstracts/m-fake.md": POSTER.format(extra="poster: m-fake-poster.pdf\n"),
    "abstracts/m-fake-poster.pdf": PNG,
    "abstracts/m-notmine.md": POSTER.format(extra="poster: p-one-poster.pdf\n"),
}


@pytest.fixture(scope="module")
def mistakes(tmp_path_factory):
    root = tmp_path_factory.mktemp("poster-mistakes") / "site"
    shutil.copytree(ROOT_POSTERS, root)
    write_files(root, MISTAKE_FILES)
    first, second = sphinx_build(root), sphinx_build(root)
    assert first.returncode and second.returncode
    assert "Traceback" not in first.output + second.output
    return {
        "build": first.output.splitlines(),
        "second build": second.output.splitlines(),
        "check": [str(p) for p in check_project(root)],
        "site": second,
    }


def test_a_refused_pdf_is_not_offered_and_not_copied(mistakes):
    """The encrypted poster: its page has no 'Poster' field and no link, the site no copy of it."""
    site = mistakes["site"]
    locked = page(site, "abstracts/m-js.html")
    assert locked.select("a.poster-download") == [] and "Poster" not in fields(locked)
    assert not list(site.outdir.glob("_downloads/*/m-js-poster.pdf"))


@pytest.mark.parametrize("run", ["build", "second build", "check"])
@pytest.mark.parametrize("case", sorted(MISTAKES))
def test_mistake_is_located(mistakes, run, case):
    file, line, message = MISTAKES[case]
    located = [out for out in mistakes[run] if out.startswith(f"{file}:")]
    assert any(out.startswith(f"{file}:{line}: ") and message in out for out in located), "\n".join(located)


# --------------------------------------------------------------------------- contributor flow


def test_new_abstract_writes_a_poster_page_that_builds_once_filled(tmp_path):
    root = tmp_path / "site"
    shutil.copytree(ROOT_POSTERS, root)
    written = new_abstract(root, "jane-roe", kind="poster")
    text = (root / "abstracts/jane-roe.md").read_text()
    assert [p.name for p in written] == ["jane-roe.md", "jane-roe.bib", "jane-roe.md"]
    assert text.startswith("---\ntype: poster\n") and "# poster: jane-roe-poster.pdf" in text
    assert (root / "abstracts/jane-roe.bib").read_text().startswith("% References of the poster abstracts/")
    unfinished = [str(p) for p in check_project(root)]
    assert any(
        p.startswith("abstracts/jane-roe.md:") and "title is still the template's" in p for p in unfinished
    )
    filled = (
        text.replace("# Title of the poster", "# Sketching posters")
        .replace("first keyword, second keyword", "sketching")
        .replace("# poster: jane-roe-poster.pdf", "poster: jane-roe-poster.pdf")
    )
    filled = re.sub(r"(?m)^% TODO.*\n", "", filled).replace(
        "The abstract, in plain text with math where needed", "We sketch"
    )
    (root / "abstracts/jane-roe.md").write_text(filled)
    (root / "abstracts/jane-roe-poster.pdf").write_bytes(PDF)
    (root / "speakers/jane-roe.md").write_text(
        "---\naffiliation: Université de Lorraine\n---\n\n# Jane Roe\n"
    )
    assert [str(p) for p in check_project(root)] == []
    with pytest.raises(Exception, match="type 'postr' must be one of"):
        new_abstract(root, "x-y", kind="postr")


def test_real_site_poster_slots_use_the_feature():
    loaded, problems = load_schedule((ROOT / "program/schedule.yaml").read_bytes(), "program/schedule.yaml")
    assert problems == []
    titled = {slot.title: slot for slot in loaded.slots() if slot.title}
    assert titled["Spotlight posters"].spotlights == ()  # to be announced: no invented posters
    assert titled["Cocktail + posters"].posters == ()


def test_the_contributing_guides_poster_example_reads_as_it_says():
    guide = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    blocks = [block.split("```\n", 1)[0] for block in guide.split("```markdown\n")[1:]]
    example = next(block for block in blocks if "type: poster" in block)
    meta, problems = read_talk("jane-doe", example, "abstracts/jane-doe.md")
    assert problems == []
    assert (meta.type, meta.poster, meta.board) == ("poster", "jane-doe-poster.pdf", 12)
    assert "TYPE=poster" in guide and "TYPE=poster" in (ROOT / ".github/pull_request_template.md").read_text()


def test_a_board_change_rewrites_the_posters_it_moves(make_app, tmp_path):
    srcdir = tmp_path / "site"
    shutil.copytree(ROOT_POSTERS, srcdir)
    make_app("html", srcdir=srcdir).build()
    page_two = srcdir / "abstracts/p-two.md"
    page_two.write_text(page_two.read_text().replace("board: 1", "board: 5"))
    app = make_app("html", srcdir=srcdir)
    app.build()
    out = Path(app.outdir)
    # p-two leaves board 1: p-one (not edited) moves from board 2 to 1, p-three from 3 to 2
    assert (
        "board 1" in fields(BeautifulSoup((out / "abstracts/p-one.html").read_text(), "html.parser"))["When"]
    )
    programme = BeautifulSoup((out / "program/index.html").read_text(), "html.parser")
    assert [flat(li).split(" · ")[0] for li in programme.select("ul.poster-session li")] == [
        "Board 1",
        "Board 2",
        "Board 5",
    ]


@pytest.mark.parametrize(
    ("slots", "valid"),
    [
        ("      - time: 17:30-19:00\n        title: P\n        posters: [a, b]\n", True),
        (
            "      - time: 17:15-17:30\n        title: S\n        spotlights: [a, {id: b}]\n",
            True,
        ),
        ("      - time: 17:30-19:00\n        talk: x\n        posters: [a]\n", False),
        ("      - time: 17:30-19:00\n        title: P\n        posters: [a, a]\n", False),
        ("      - time: 17:30-19:00\n        title: P\n        posters: [Not An Id]\n", False),
        (
            "      - time: 17:15-17:30\n        title: S\n        spotlights: [{id: a, tim: 17:20-17:25}]\n",
            False,
        ),
    ],
)
def test_schema_and_loader_agree_on_posters_and_spotlights(slots, valid):
    import jsonschema
    from sphinx_workshop_site.model import sourceyaml
    from sphinx_workshop_site.model.schedulefile import schedule_json_schema

    def plain(value):
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        return None if value is None else str(value)

    validator = jsonschema.Draft202012Validator(schedule_json_schema())
    errors = list(validator.iter_errors(plain(sourceyaml.parse(HEAD + slots, "s.yaml"))))
    _loaded, problems = schedule(slots)
    assert (errors == [], problems == []) == (valid, valid), (errors, [str(p) for p in problems])


def test_parallel_rooms_show_a_poster_session_in_its_room(build_root):
    schedule_text = (ROOT_POSTERS / "program/schedule.yaml").read_text()
    schedule_text = schedule_text.replace("rooms: [Main room]", "rooms: [Main room, Hall]").replace(
        "        posters: [p-one, p-two, p-three]\n",
        "        posters: [p-one, p-two, p-three]\n        room: Hall\n",
    )
    app, warnings = build_root("posters", {"program/schedule.yaml": schedule_text})
    assert "WARNING" not in warnings, warnings
    programme = BeautifulSoup((Path(app.outdir) / "program/index.html").read_text(), "html.parser")
    row = programme.select_one("ul.poster-session").find_parent("tr")
    cells = row.find_all("td")
    assert flat(cells[1]) == "" and "Board 1 · Poster two" in flat(cells[2])  # Main room empty, Hall
    poster = BeautifulSoup((Path(app.outdir) / "abstracts/p-one.html").read_text(), "html.parser")
    assert "17:30–19:00 (Europe/Paris), Hall, board 2" in fields(poster)["When"]


def test_removing_a_listed_poster_fails_this_build_and_the_next(tmp_path):
    root = tmp_path / "site"
    shutil.copytree(ROOT_POSTERS, root)
    assert sphinx_build(root).returncode == 0
    (root / "abstracts/p-three.md").unlink()
    # p-three is on line 15 of the schedule; the programme was not edited
    for build in (sphinx_build(root), sphinx_build(root)):
        assert build.returncode, build.output
        assert "program/schedule.yaml:15: WARNING: unknown poster 'p-three'" in build.output, build.output


def test_new_abstract_command_takes_the_type(tmp_path):
    import os
    import subprocess
    import sys

    root = tmp_path / "site"
    shutil.copytree(ROOT_POSTERS, root)

    def run(*args: str) -> subprocess.CompletedProcess:
        env = {**os.environ, "PYTHONPATH": str(ROOT / "_ext")}
        command = [sys.executable, "-m", "sphinx_workshop_site", "new-abstract", *args, "--root", str(root)]
        return subprocess.run(command, capture_output=True, text=True, env=env, check=False)

    made = run("li-wei", "--type", "poster")
    assert made.returncode == 0, made.stderr
    assert (root / "abstracts/li-wei.md").read_text().startswith("---\ntype: poster\n")
    refused = run("li-wei-2", "--type", "postr")
    assert refused.returncode == 1 and "type 'postr' must be one of: talk, poster" in refused.stderr
    assert not (root / "abstracts/li-wei-2.md").exists()
    makefile = makefile_text()
    assert '$(if $(TYPE),--type "$(TYPE)")' in makefile
