"""Every output escapes or refuses control characters: the schedule refuses them with located
errors; calendars, frab XML/JSON, JSON-LD, meta tags and the sitemap never carry them, whatever
reaches the writers (titles from the doctree, names and affiliations from front matter)."""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
import time
import unicodedata
from types import SimpleNamespace

import icalendar
import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from sphinx_workshop_site.exports import formats, frab, head, ical, jsonld, publish
from sphinx_workshop_site.exports import programme as exports
from sphinx_workshop_site.model.safetext import (
    FORBIDDEN,
    clean_text,
    describe,
    forbidden_char,
    json_escape,
    one_line,
)
from sphinx_workshop_site.model.schedule import Day, Schedule, Slot
from sphinx_workshop_site.model.schedulefile import MAX_DAYS, MAX_ROOMS, MAX_SLOTS, load_schedule

SCHEDULE_FILE = "program/schedule.yaml"

# Every C0 and C1 control, DEL, the line and paragraph separators, bidi overrides and
# isolates, zero-width and other format characters, a tag character, BOM, noncharacters.
HOSTILE_CHARS = (
    [chr(c) for c in range(0x20)]
    + [chr(c) for c in range(0x7F, 0xA0)]
    + ["\u2028", "\u2029", "\u00ad", "\u061c", "\u200b", "\u200e", "\u200f", "\u2060", "\ufeff"]
    + [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2066, 0x206A)]
    + ["\U000e0001", "\U000e0041", "\ufffe", "\uffff"]
)
EVERY_HOSTILE = "".join(HOSTILE_CHARS)
BLANKISH = "\t\n\v\f\r\x1c\x1d\x1e\x1f\x85\u2028\u2029"  # read as spaces or line breaks
INVISIBLE = "".join(c for c in HOSTILE_CHARS if c not in BLANKISH)  # dropped


def hostile(text: str) -> str:
    """Line breaks around the text, and every other hostile character inside its first word."""
    return BLANKISH + text[:3] + INVISIBLE + text[3:] + BLANKISH


def assert_no_forbidden(text: str, where: str) -> None:
    char = forbidden_char(text.replace("\n", ""))
    assert char is None, f"{where} holds U+{ord(char):04X}"


# --------------------------------------------------------------------------- the character set


def test_forbidden_set_is_every_control_and_format_character():
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        category = unicodedata.category(char)
        should = category in ("Cc", "Cf", "Zl", "Zp", "Cs") and char not in "\u200c\u200d"
        should = should or char in "\ufffe\uffff"
        if category == "Cn" and not should:  # unassigned here: format characters in later Unicode
            continue
        assert bool(FORBIDDEN.match(char)) == should, f"U+{code:04X} ({category})"


def test_joiners_and_ordinary_text_are_kept():
    text = "می\u200cخواهم 👩\u200d🔬 Université de Lorraine — 東京 α≤β"
    assert one_line(text) == text and clean_text(text) == text and forbidden_char(text) is None


def test_one_line_and_clean_text():
    assert one_line("  Title line one\nline two\r\n\u2028 x\t y  ") == "Title line one line two x y"
    assert one_line("a\x07b\u202ec\x00d\U000e0041") == "abcd"
    assert clean_text("para one\r\nstill\u2029\npara\x0b two\x1b[31m") == "para one\nstill\n\npara\ntwo[31m"


@pytest.mark.parametrize(
    ("char", "words"),
    [
        ("\x07", "a control character (U+0007)"),
        ("\t", "a tab (U+0009)"),
        ("\n", "a line break (U+000A)"),
        ("\u2028", "a line separator (U+2028)"),
        ("\u202e", "a bidi control (U+202E)"),
        ("\u200b", "an invisible format character (U+200B)"),
        ("\ud800", "a code point that is not a character (U+D800)"),
    ],
)
def test_describe(char, words):
    assert describe(char) == words


def test_json_escape_keeps_the_value_and_leaves_nothing_raw():
    value = {"name": "</script><!-- & " + EVERY_HOSTILE + "\U0001f600"}
    text = json_escape(json.dumps(value, ensure_ascii=False, indent=1))
    assert json.loads(text) == value
    assert not re.search(r"[<>&]", text)
    assert_no_forbidden(text, "escaped JSON")


# --------------------------------------------------------------------------- the schedule refuses


GOOD_SCHEDULE = """\
timezone: Europe/Paris
venue: {venue}
rooms: [{room}, Other room]
days:
  - date: 2024-11-26
    label: {label}
    slots:
      - time: 09:00-09:30
        title: {title}
        kind: break
        room: {slot_room}
"""
FIELD_LINES = {"venue": 2, "room": 3, "label": 6, "title": 9, "slot_room": 11}
FIELD_KEYS = {"venue": "venue", "room": "rooms", "label": "label", "title": "title", "slot_room": "room"}


def schedule_with(field: str, value: str) -> str:
    values = {
        "venue": "IDMC",
        "room": "Main room",
        "label": "Day 1",
        "title": "Welcome",
        "slot_room": "Main room",
    }
    values[field] = value
    return GOOD_SCHEDULE.format(**values)


def yaml_escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def test_good_schedule_loads():
    schedule, problems = load_schedule(schedule_with("title", "Welcome").encode(), SCHEDULE_FILE)
    assert problems == [] and schedule is not None


@pytest.mark.parametrize("char", HOSTILE_CHARS, ids=lambda c: f"U+{ord(c):04X}")
def test_schedule_title_with_an_escaped_hostile_character_is_refused(char):
    text = schedule_with("title", f'"Wel{yaml_escape(char)}come"')
    schedule, problems = load_schedule(text.encode(), SCHEDULE_FILE)
    assert schedule is None
    assert [str(p) for p in problems] == [f"{SCHEDULE_FILE}:9: 'title' holds {describe(char)}: remove it"]
    assert f"(U+{ord(char):04X})" in problems[0].message


@pytest.mark.parametrize("field", FIELD_LINES)
@pytest.mark.parametrize(
    "char", ["\x07", "\x1b", "\t", "\x85", "\u2028", "\u2029", "\u202e", "\u2066", "\ufeff"]
)
def test_every_schedule_string_refuses_hostile_characters(field, char):
    text = schedule_with(field, f'"Main{yaml_escape(char)}room"')
    schedule, problems = load_schedule(text.encode(), SCHEDULE_FILE)
    assert schedule is None
    expected = (
        f"{SCHEDULE_FILE}:{FIELD_LINES[field]}: '{FIELD_KEYS[field]}' holds {describe(char)}: remove it"
    )
    assert [str(p) for p in problems] == [expected]


def test_a_block_scalar_title_with_line_breaks_is_refused():
    text = schedule_with("title", "|\n          Welcome\n          coffee")
    _schedule, problems = load_schedule(text.encode(), SCHEDULE_FILE)
    assert [str(p) for p in problems] == [
        f"{SCHEDULE_FILE}:9: 'title' holds a line break (U+000A): remove it"
    ]


def test_a_key_with_a_control_character_is_refused_without_echoing_it():
    text = schedule_with("title", "Welcome").replace("        kind: break", '        "ki\\x1bnd": break')
    _schedule, problems = load_schedule(text.encode(), SCHEDULE_FILE)
    assert [str(p) for p in problems] == [
        f"{SCHEDULE_FILE}:10: a key holds a control character (U+001B): remove it"
    ]


@pytest.mark.parametrize("char", ["\x07", "\x1b", "\x7f", "\x85", "\u2028", "\u202e", "\u2067", "\u200b"])
def test_raw_characters_in_the_file_are_refused_on_their_line(char):
    text = schedule_with("title", f"Wel{char}come")
    _schedule, problems = load_schedule(text.encode(), SCHEDULE_FILE)
    assert [str(p) for p in problems] == [f"{SCHEDULE_FILE}:9: this line holds {describe(char)}: remove it"]


def test_several_hostile_strings_are_all_reported_in_line_order():
    text = schedule_with("title", '"a\\x07"').replace("venue: IDMC", 'venue: "b\\u2028"')
    _schedule, problems = load_schedule(text.encode(), SCHEDULE_FILE)
    assert [p.line for p in problems] == [2, 9]


def _many_slots_schedule(days: int, slots_per_day: int, rooms: int = 1) -> str:
    lines = ["timezone: Europe/Paris", "venue: V", f"rooms: [{', '.join(f'R{i}' for i in range(rooms))}]"]
    lines.append("days:")
    start = dt.date(2024, 1, 1)
    for d in range(days):
        lines += [f"  - date: {start + dt.timedelta(days=d)}", "    slots:"]
        for s in range(slots_per_day):
            h, m = divmod(s, 60)
            h2, m2 = divmod(s + 1, 60)
            lines += [f"      - time: {h:02d}:{m:02d}-{h2:02d}:{m2:02d}", "        title: x"]
    return "\n".join(lines) + "\n"


def test_too_many_slots_is_a_located_error():
    text = _many_slots_schedule(3, 700)
    started = time.process_time()
    _schedule, problems = load_schedule(text.encode(), SCHEDULE_FILE)
    assert time.process_time() - started < 1
    line = [i for i, t in enumerate(text.split("\n"), 1) if "- time:" in t][MAX_SLOTS]
    assert [str(p) for p in problems] == [
        f"{SCHEDULE_FILE}:{line}: this is slot {MAX_SLOTS + 1} of the programme, over the limit of "
        f"{MAX_SLOTS}: split the programme or remove slots"
    ]


def test_too_many_days_and_rooms_are_located_errors():
    _schedule, problems = load_schedule(_many_slots_schedule(MAX_DAYS + 1, 1).encode(), SCHEDULE_FILE)
    assert [str(p) for p in problems] == [
        f"{SCHEDULE_FILE}:4: the schedule has {MAX_DAYS + 1} days, over the limit of {MAX_DAYS}: "
        "is it the right file?"
    ]
    _schedule, problems = load_schedule(_many_slots_schedule(1, 1, MAX_ROOMS + 1).encode(), SCHEDULE_FILE)
    assert [p.line for p in problems] == [3] and "rooms, over the limit" in problems[0].message


def test_a_full_programme_at_the_limit_loads_fast():
    text = _many_slots_schedule(2, MAX_SLOTS // 2)
    started = time.process_time()
    schedule, problems = load_schedule(text.encode(), SCHEDULE_FILE)
    assert problems == [] and len(list(schedule.slots())) == MAX_SLOTS
    assert time.process_time() - started < 2


def test_overlap_with_a_long_earlier_slot_is_still_found():
    text = """\
timezone: Europe/Paris
venue: V
rooms: [A, B]
days:
  - date: 2024-11-26
    slots:
      - time: 09:00-12:00
        title: Long session
      - time: 09:30-10:00
        title: short
        room: A
      - time: 11:00-11:30
        title: later
        room: B
"""
    _schedule, problems = load_schedule(text.encode(), SCHEDULE_FILE)
    assert [(p.line, "(line 7)" in p.message) for p in problems] == [(9, True), (12, True)]


# --------------------------------------------------------------------------- every writer cleans


def hostile_programme() -> exports.Programme:
    """Bypasses the model on purpose: the writers must hold even if a check is missed."""
    day = dt.date(2024, 11, 26)
    slot = Slot(day, dt.time(9), dt.time(10), "alpha", None, "talk", hostile("Main room"), 5, 5)
    other = Slot(day, dt.time(10), dt.time(11), None, hostile("Coffee break"), "break", None, 8, 8)
    schedule = Schedule(
        SCHEDULE_FILE,
        "Europe/Paris",
        hostile("IDMC Nancy"),
        (slot.room,),
        (Day(day, None, (slot, other), 4),),
    )
    speaker = exports.Person(
        "ada",
        hostile('Ada "the" Lovelace; a,b'),
        "https://x.org/speakers/ada.html",
        (hostile("University of Nowhere"),),
        "0000-0002-1825-0097",
    )
    author = exports.Person(
        "alpha:author:0", hostile("Bob </script> Smith"), "", (hostile("Institute & Co"),)
    )
    talk = exports.Item(
        slot,
        hostile("Title line one\nline two C:\\New; a,b"),
        "https://x.org/abstracts/alpha.html",
        hostile("First paragraph.") + "\n\n" + hostile("Second <b>paragraph</b>."),
        (speaker,),
        "alpha",
        (author,),
    )
    brk = exports.Item(other, other.title, "https://x.org/program/index.html#day-2024-11-26")
    return exports.Programme(
        schedule,
        (talk, brk),
        hostile("LoRAINNe'24"),
        hostile("LoRAINNe'24: workshop"),
        "https://x.org/",
        organizers=(hostile("Ricardo Borsoi"),),
        description=hostile("The workshop."),
        stamp=dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
    )


def test_ics_carries_no_raw_control_character_and_parses():
    programme = hostile_programme()
    data = ical.ics(programme, name=hostile("LoRAINNe'24 programme"))
    text = data.decode("utf-8")
    assert text.endswith("\r\n")
    for line in text[:-2].split("\r\n"):
        assert_no_forbidden(line, f"ICS line {line!r}")
        assert "\n" not in line and "\r" not in line
    cal = icalendar.Calendar.from_ical(data)
    assert str(cal["x-wr-calname"]) == "LoRAINNe'24 programme"
    events = {str(e["uid"]): e for e in cal.walk("VEVENT")}
    talk = events[programme.uid(programme.items[0])]
    # RFC 5545 escapes round-trip exactly: '\N' typed in a title stays a backslash and an N
    assert str(talk["summary"]) == "Title line one line two C:\\New; a,b"
    assert str(talk["location"]) == "IDMC Nancy, Main room"
    description = str(talk["description"])
    assert 'Ada "the" Lovelace; a,b (University of Nowhere)' in description
    assert "First paragraph.\n\nSecond <b>paragraph</b>." in description
    assert "attendee" not in talk  # a published calendar names its speakers in the description
    assert str(events[programme.uid(programme.items[1])]["summary"]) == "Coffee break"


def test_schedule_xml_is_well_formed_and_clean():
    programme = hostile_programme()
    data = frab.frab_xml(programme)
    assert_no_forbidden(data.decode("utf-8").replace("\t", ""), "schedule.xml")
    doc = etree.fromstring(data)
    assert [e.findtext("title") for e in doc.iter("event")] == [
        "Title line one line two C:\\New; a,b",
        "Coffee break",
    ]
    assert doc.findtext("conference/title") == "LoRAINNe'24: workshop"
    assert {r.get("name") for r in doc.findall("day/room")} == {"Main room"}
    assert [p.text for p in doc.iter("person")] == ['Ada "the" Lovelace; a,b']
    assert doc.findtext(".//abstract") == "First paragraph.\n\nSecond <b>paragraph</b>."
    assert formats.check_frab_xml(data) == []  # the frab schema the project ships (always there)


def test_schedule_json_is_clean():
    text = json.dumps(frab.frab_json(hostile_programme()), ensure_ascii=False, indent=1)
    assert_no_forbidden(text, "schedule.json")
    assert "Title line one line two" in text


def test_json_ld_in_a_script_element_is_clean_and_closed_once():
    programme = hostile_programme()
    for data in (jsonld.talk_event(programme, programme.items[0]), jsonld.workshop_event(programme)):
        page = f'<html><head><script type="application/ld+json">\n{jsonld.script_json(data)}\n</script></head></html>'
        assert_no_forbidden(jsonld.script_json(data), "JSON-LD")
        scripts = BeautifulSoup(page, "html.parser").find_all("script")
        assert len(scripts) == 1
        parsed = json.loads(scripts[0].string)
        assert parsed == json.loads(json.dumps(data))
    talk = jsonld.talk_event(programme, programme.items[0])
    assert talk["name"] == "Title line one line two C:\\New; a,b"
    assert talk["contributor"][0]["name"] == "Bob </script> Smith"
    assert talk["performer"][0]["affiliation"] == [{"@type": "Organization", "name": "University of Nowhere"}]


def test_meta_tags_escape_and_clean_their_values():
    tag = head._meta("og:title", hostile('x" onload="alert(1)"><script>alert(2)</script>'))
    assert_no_forbidden(tag.rstrip("\n"), "meta tag")
    metas = BeautifulSoup(tag, "html.parser").find_all("meta")
    assert len(metas) == 1 and BeautifulSoup(tag, "html.parser").find("script") is None
    assert metas[0].attrs == {
        "property": "og:title",
        "content": 'x" onload="alert(1)"><script>alert(2)</script>',
    }


# Any text, with the hostile characters and the iCalendar and XML specials made likely.
ANY_TEXT = st.text(
    st.one_of(st.characters(), st.sampled_from([*HOSTILE_CHARS, "\\", ";", ",", "<", "&", '"', "N"])),
    max_size=40,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=ANY_TEXT, name=ANY_TEXT, affiliation=ANY_TEXT, abstract=ANY_TEXT, venue=ANY_TEXT)
def test_any_text_gives_well_formed_clean_exports(title, name, affiliation, abstract, venue):
    day = dt.date(2024, 11, 26)
    slot = Slot(day, dt.time(9), dt.time(10), "alpha", None, "talk", None, 5, 5)
    schedule = Schedule(SCHEDULE_FILE, "Europe/Paris", venue, (), (Day(day, None, (slot,), 4),))
    person = exports.Person("ada", name, "https://x.org/ada.html", (affiliation,), "0000-0002-1825-0097")
    item = exports.Item(slot, title, "https://x.org/alpha.html", abstract, (person,), "alpha", (person,))
    programme = exports.Programme(schedule, (item,), "T24", title, "https://x.org/")
    calendar = ical.ics(programme, name=title).decode("utf-8")
    for line in calendar[:-2].split("\r\n"):
        assert_no_forbidden(line, "ICS")
    event = icalendar.Calendar.from_ical(calendar).walk("VEVENT")[0]
    assert str(event["summary"]) == one_line(title)
    assert str(event["location"]) == one_line(venue)
    xml = frab.frab_xml(programme)
    assert etree.fromstring(xml).findtext(".//event/title") == one_line(title)
    script = jsonld.script_json(jsonld.talk_event(programme, item))
    assert_no_forbidden(script, "JSON-LD")
    assert not re.search("[<>&]", script)
    assert json.loads(script)["contributor"][0]["name"] == one_line(name)
    assert_no_forbidden(head._meta("og:title", title), "meta")


def test_sitemap_and_robots_are_clean(tmp_path):
    app = SimpleNamespace(
        config=SimpleNamespace(html_baseurl="https://x.org/\u2028Disallow: /"),
        builder=SimpleNamespace(get_target_uri=lambda d: f"{d}.html"),
        env=SimpleNamespace(found_docs={"index", "abstracts/a&b", "search"}),
    )
    publish.write_sitemap(app, tmp_path)
    sitemap = (tmp_path / "sitemap.xml").read_text(encoding="utf-8")
    assert_no_forbidden(sitemap, "sitemap.xml")
    locations = [e.text for e in etree.fromstring(sitemap.encode()).iter("{*}loc")]
    assert "https://x.org/ Disallow: /abstracts/a&b.html" in locations
    # a base with a path: no robots.txt (crawlers read it at a host's root only)
    assert not (tmp_path / "robots.txt").exists()
    app.config.html_baseurl = "https://x.org\u2028Disallow:/"
    publish.write_sitemap(app, tmp_path)
    robots = (tmp_path / "robots.txt").read_text(encoding="utf-8")
    assert_no_forbidden(robots.replace("\n", ""), "robots.txt")
    assert robots.count("\n") == 3 and "Disallow" not in robots.split("\n")[1]


# --------------------------------------------------------------------------- real builds


SETEXT_TALK = """\
---
speakers: [ada]
---

Alpha line one
line two
===

The alpha abstract.
"""


def _outputs(app) -> dict[str, str]:
    out = app.outdir
    files = ["program.ics", "schedule.xml", "schedule.json", "sitemap.xml", "robots.txt"]
    files += [str(p.relative_to(out)) for p in (out / "abstracts").glob("*.ics")]
    return {f: (out / f).read_text(encoding="utf-8") for f in files if (out / f).is_file()}


def _heads(app) -> dict[str, str]:
    heads = {}
    for page in ("index.html", "abstracts/alpha.html", "abstracts/beta.html", "speakers/ada.html"):
        soup = BeautifulSoup((app.outdir / page).read_text(encoding="utf-8"), "html.parser")
        metas = "".join(str(m) for m in soup.head.find_all("meta"))
        scripts = "".join(s.string or "" for s in soup.head.find_all("script", type="application/ld+json"))
        heads[page] = metas + scripts
    return heads


def test_setext_title_on_two_lines_exports_as_one_line(build_root):
    app, _warnings = build_root("schedule", {"abstracts/alpha.md": SETEXT_TALK})  # no traceback
    outputs = _outputs(app)
    assert {"program.ics", "schedule.xml", "abstracts/alpha.ics"} <= set(outputs)
    cal = icalendar.Calendar.from_ical(outputs["abstracts/alpha.ics"])
    assert str(cal["x-wr-calname"]) == "Alpha line one line two"
    assert str(cal.walk("VEVENT")[0]["summary"]) == "Alpha line one line two"
    titles = [e.findtext("title") for e in etree.fromstring(outputs["schedule.xml"].encode()).iter("event")]
    assert "Alpha line one line two" in titles
    soup = BeautifulSoup((app.outdir / "abstracts/alpha.html").read_text(encoding="utf-8"), "html.parser")
    event = json.loads(soup.find("script", type="application/ld+json").string)
    assert event["name"] == "Alpha line one line two"
    assert soup.find("meta", property="og:title")["content"] == "Alpha line one line two"
    for name, text in outputs.items():
        assert_no_forbidden(text.replace("\r\n", "\n").replace("\t", ""), name)


HOSTILE_TALK = """\
---
speakers: [ada]
authors:
  - name: "Ada\\u2028Lovelace\\u202e"
    affiliations: ["Uni\\x07versity\\u2029of Nowhere"]
keywords: ["ten\\x1bsors"]
---

# Alpha&#x2028; talk&#x202E; on &#x2066;tensors&#x85;

The alpha&#x2029; abstract&#x200B;.
"""
HOSTILE_SPEAKER = """\
---
affiliation: "University\\x07 of\\u2028Nowhere\\u202e"
---

# Ada&#x2028;Lovelace&#x202E;
"""


# Where the build refuses HOSTILE_TALK and HOSTILE_SPEAKER: each hostile field and line, once.
HOSTILE_REFUSED = [
    "abstracts/alpha.md:4: WARNING: 'name' holds a line separator (U+2028): remove it",
    "abstracts/alpha.md:5: WARNING: 'affiliations' holds a control character (U+0007): remove it",
    "abstracts/alpha.md:6: WARNING: 'keywords' holds a control character (U+001B): remove it",
    "abstracts/alpha.md:9: WARNING: the text holds a line separator (U+2028): remove it",
    "abstracts/alpha.md:11: WARNING: the text holds a paragraph separator (U+2029): remove it",
    "speakers/ada.md:2: WARNING: 'affiliation' holds a control character (U+0007): remove it",
    "speakers/ada.md:5: WARNING: the text holds a line separator (U+2028): remove it",
]
EXPORTS = {"program.ics", "schedule.xml", "schedule.json", "abstracts/alpha.ics", "sitemap.xml", "robots.txt"}


def test_hostile_front_matter_and_titles_fail_located_and_export_clean(build_root):
    """The build refuses these characters, each at its file:line (the issue's rule: fail with
    file:line), and what it writes all the same (--keep-going) is every export, parsed, with the
    talk's title in it and none of the characters."""
    app, warnings = build_root(
        "schedule", {"abstracts/alpha.md": HOSTILE_TALK, "speakers/ada.md": HOSTILE_SPEAKER}
    )
    assert "Traceback" not in warnings
    refused = [re.sub(r" \[workshop\.\w+\]$", "", w) for w in warnings.splitlines() if "WARNING" in w]
    assert refused == HOSTILE_REFUSED, warnings
    outputs = _outputs(app)
    assert set(outputs) >= EXPORTS, sorted(outputs)
    for name, text in {**outputs, **_heads(app)}.items():
        assert_no_forbidden(text.replace("\r\n", "\n").replace("\t", ""), name)
    title = "Alpha talk on tensors"
    summaries = [
        str(e["summary"]) for e in icalendar.Calendar.from_ical(outputs["program.ics"]).walk("VEVENT")
    ]
    assert any(s.startswith(title) for s in summaries), summaries
    event = icalendar.Calendar.from_ical(outputs["abstracts/alpha.ics"]).walk("VEVENT")[0]
    assert str(event["summary"]).startswith(title)
    titles = [e.findtext("title") for e in etree.fromstring(outputs["schedule.xml"].encode()).iter("event")]
    assert any(t.startswith(title) for t in titles), titles
    days = json.loads(outputs["schedule.json"])["schedule"]["conference"]["days"]
    events = [e["title"] for d in days for room in d["rooms"].values() for e in room]
    assert any(t.startswith(title) for t in events), events
    head = BeautifulSoup(
        (app.outdir / "abstracts/alpha.html").read_text(encoding="utf-8"), "html.parser"
    ).head
    assert head.find("meta", property="og:title")["content"].startswith(title)
