"""Programme exports of the real site: iCalendar, frab XML/JSON against their schemas, JSON-LD,
OpenGraph, sitemap; stable identifiers across builds."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import re
import shutil
from pathlib import Path
from urllib.parse import urljoin, urlparse

import icalendar
import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import ROOT, copy_site, makefile_text, sphinx_build
from sphinx_workshop_site.exports import formats
from test_agenda import programme

SCHEDULE = yaml.safe_load((ROOT / "program/schedule.yaml").read_text())
SLOTS = sum(len(day["slots"]) for day in SCHEDULE["days"])
TALKS = sorted(p.stem for p in (ROOT / "abstracts").glob("*.md") if p.stem != "index")


BUNDLED_SCHEMAS = (
    ROOT / "_ext/sphinx_workshop_site/exports/schemas"
)  # the extension's copy of c3voc's schemas


def shared_schemas() -> Path | None:
    """The exchange-format schemas as published outside the project ($FRAB_SCHEMAS or
    ../shared/schemas), when this checkout has them."""
    for candidate in (os.environ.get("FRAB_SCHEMAS"), ROOT.parent / "shared" / "schemas"):
        if candidate and (Path(candidate) / "frab-schedule.xml.xsd").is_file():
            return Path(candidate)
    return None


def schemas_dir() -> Path:
    """The outside copy when there is one, else the extension's own (which
    test_bundled_schemas_are_the_published_ones keeps equal to the outside copy)."""
    return shared_schemas() or BUNDLED_SCHEMAS


def test_bundled_schemas_are_the_published_ones():
    for name in ("frab-schedule.schema.json", "frab-schedule.xml.xsd"):
        bundled = (BUNDLED_SCHEMAS / name).read_bytes()
        assert len(bundled) > 1000, name
        outside = shared_schemas()
        if outside is not None:  # a clean checkout elsewhere has only the bundled copy
            assert bundled == (outside / name).read_bytes(), name


@pytest.fixture(scope="module")
def second_build(tmp_path_factory):
    return sphinx_build(copy_site(tmp_path_factory.mktemp("site-again")))


def calendar(site, name="program.ics") -> icalendar.Calendar:
    return icalendar.Calendar.from_ical((site.outdir / name).read_bytes())


def test_ics_has_one_event_per_slot_in_paris_time(site):
    cal = calendar(site)
    events = cal.walk("VEVENT")
    assert len(events) == SLOTS
    assert cal.walk("VTIMEZONE") and cal.walk("VTIMEZONE")[0]["tzid"] == "Europe/Paris"
    almeida = next(e for e in events if "Overview of tensor decompositions" in str(e["summary"]))
    start = almeida["dtstart"].dt
    assert start.astimezone(dt.UTC) == dt.datetime(2024, 11, 26, 13, 15, tzinfo=dt.UTC)
    assert str(almeida["url"]).endswith("/abstracts/de-almeida.html")
    assert "André de Almeida" in str(almeida["description"])
    assert "IDMC" in str(almeida["location"]) and "Main room" in str(almeida["location"])


def test_a_calendar_event_says_where_to_go_with_the_postal_address():
    """A calendar has one place field, which map apps look up: the room and venue, then the
    postal address (the schedule's address:), unless the venue already says it."""
    from sphinx_workshop_site.exports import ical

    prog = programme()

    def locations(**changes) -> set[str]:
        changed = dataclasses.replace(prog, **changes)
        return {str(e["location"]) for e in icalendar.Calendar.from_ical(ical.ics(changed)).walk("VEVENT")}

    street = "46 allée d'Italie, 69007 Lyon, France"
    with_address = locations(address=street)
    assert f"{prog.venue}, Room A, {street}" in with_address
    assert all(place.endswith(street) for place in with_address)
    assert locations(address=prog.venue.upper()) == locations()  # said once
    assert not any(street in place for place in locations())


def test_the_programme_calendar_can_be_subscribed_to(site):
    cal = calendar(site)
    assert str(cal["name"]) == str(cal["x-wr-calname"]) == "LoRAINNe'24 programme"
    text = (site.outdir / "program.ics").read_bytes()
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT12H\r\n" in text and b"X-PUBLISHED-TTL:PT12H\r\n" in text
    assert "Free registration" in str(cal["x-wr-caldesc"])
    talk = site.page("abstracts/cohen.ics")  # one talk to add, not a feed
    assert "REFRESH-INTERVAL" not in talk and "X-PUBLISHED-TTL" not in talk


def test_ics_uids_are_stable_across_builds(site, second_build):
    first = sorted(str(e["uid"]) for e in calendar(site).walk("VEVENT"))
    again = sorted(str(e["uid"]) for e in calendar(second_build).walk("VEVENT"))
    assert first == again and len(set(first)) == SLOTS


def test_each_scheduled_talk_has_its_own_calendar_file(site):
    page = BeautifulSoup(site.page("abstracts/cohen.html"), "html.parser")
    link = page.find("a", string="Add to calendar")
    target = site.outdir / "abstracts" / link["href"]
    events = icalendar.Calendar.from_ical(target.read_bytes()).walk("VEVENT")
    assert len(events) == 1 and "Implicit Regularization" in str(events[0]["summary"])
    assert (
        BeautifulSoup(site.page("abstracts/qi.html"), "html.parser").find("a", string="Add to calendar")
        is None
    )


def test_schedule_xml_is_valid_frab(site):
    from lxml import etree

    schema = etree.XMLSchema(etree.parse(str(schemas_dir() / "frab-schedule.xml.xsd")))
    doc = etree.parse(str(site.outdir / "schedule.xml"))
    assert schema.validate(doc), schema.error_log
    assert len(doc.findall(".//event")) == SLOTS
    titles = {e.findtext("title") for e in doc.findall(".//event")}
    assert "Study of a few properties of LLM pruning" in titles
    persons = {p.text for p in doc.findall(".//person")}
    assert {"Jérémy Cohen", "Christophe Cerisara"} <= persons


def test_schedule_json_is_valid_frab(site):
    import jsonschema

    schema = json.loads((schemas_dir() / "frab-schedule.schema.json").read_text())
    data = json.loads(site.page("schedule.json"))
    validator = jsonschema.Draft6Validator(schema, format_checker=jsonschema.FormatChecker())
    errors = [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(data)]
    assert errors == []
    events = [
        e for day in data["schedule"]["conference"]["days"] for room in day["rooms"].values() for e in room
    ]
    assert len(events) == SLOTS
    assert data["schedule"]["conference"]["days"][1]["date"] == "2024-11-27"


def test_frab_ids_are_stable_across_builds(site, second_build):
    def ids(build):
        data = json.loads(build.page("schedule.json"))
        days = data["schedule"]["conference"]["days"]
        return sorted((e["id"], e["guid"]) for d in days for r in d["rooms"].values() for e in r)

    assert ids(site) == ids(second_build)


def _jsonld(html: str) -> dict:
    script = BeautifulSoup(html, "html.parser").find("script", type="application/ld+json")
    return json.loads(script.string)


def test_home_json_ld_names_every_scheduled_talk_and_only_those(site):
    event = _jsonld(site.page("index.html"))
    assert event["@type"] == "Event" and "LoRAINNe'24" in event["name"]
    assert (
        event["startDate"] == "2024-11-26T13:45:00+01:00" and event["endDate"] == "2024-11-27T17:00:00+01:00"
    )
    assert event["location"]["name"].startswith("IDMC")
    assert {o["name"] for o in event["organizer"]} >= {"Ricardo Borsoi", "Konstantin Usevich"}
    assert re.fullmatch(
        r"https://lorainne24\.example\.org/_images/cards/_site-[0-9a-f]{10}\.png", event["image"][0]
    )
    titles = [s["name"] for s in event["subEvent"]]
    scheduled = {s["talk"] for day in SCHEDULE["days"] for s in day["slots"] if "talk" in s}
    talk_titles = set()
    for tid in TALKS:
        title = re.search(r"^# (.+)$", (ROOT / f"abstracts/{tid}.md").read_text(), re.M).group(1)
        assert (title in titles) == (tid in scheduled), tid
        talk_titles.add(title)
    assert all(s["startDate"] and s["location"] for s in event["subEvent"])
    assert all(s.get("performer") for s in event["subEvent"] if s["name"] in talk_titles)


def test_talk_page_json_ld(site):
    event = _jsonld(site.page("abstracts/mourrain.html"))
    assert event["name"] == "Low rank approximation of moment matrices and tensors"
    assert event["startDate"] == "2024-11-27T09:30:00+01:00"
    assert event["performer"][0]["name"] == "Bernard Mourrain"
    assert "Ricardo Borsoi" in {o["name"] for o in event["organizer"]}
    assert re.fullmatch(
        r"https://lorainne24\.example\.org/_images/cards/mourrain-[0-9a-f]{10}\.png", event["image"][0]
    )


def _site_pages(site):
    for page in sorted(site.outdir.rglob("*.html")):
        parts = page.relative_to(site.outdir).parts
        if page.name not in ("genindex.html", "search.html") and not parts[0].startswith("_"):
            yield page


def test_every_page_has_a_plain_text_description(site):
    for page in _site_pages(site):
        head = BeautifulSoup(page.read_text(), "html.parser").head
        description = head.find_all("meta", attrs={"name": "description"})
        og = head.find("meta", attrs={"property": "og:description"})
        assert len(description) == 1 and og and description[0]["content"], page
        assert "\\" not in og["content"] and "$" not in og["content"], page


def test_previews_use_each_pages_own_title_and_description(site):
    """OpenGraph and Twitter say what the page's own <meta name=description> and H1 say, whatever
    order the attributes come in; the home page's is its front matter's, not its first lines."""
    for page in _site_pages(site):
        head = BeautifulSoup(page.read_text(), "html.parser").head

        def meta(key, attr="property", head=head, page=page):
            found = head.find_all("meta", attrs={attr: key})
            assert len(found) == 1, (page, key)
            return found[0]["content"]

        description = meta("description", "name")
        assert meta("og:description") == description == meta("twitter:description", "name"), page
        title = BeautifulSoup(page.read_text(), "html.parser").find("h1").get_text().rstrip("#").strip()
        assert meta("og:title") == title == meta("twitter:title", "name"), page
        assert meta("twitter:card", "name") == "summary_large_image"
        image = meta("og:image")
        assert image == meta("twitter:image", "name")
        relative = page.relative_to(site.outdir)
        if relative.parent.name == "abstracts" and relative.stem != "index":  # the talk's own card
            assert re.fullmatch(
                rf"https://lorainne24\.example\.org/_images/cards/{relative.stem}-[0-9a-f]{{10}}\.png", image
            )
            assert title in meta("og:image:alt")
        else:  # the site's card, drawn from the edition block and the schedule
            assert re.fullmatch(
                r"https://lorainne24\.example\.org/_images/cards/_site-[0-9a-f]{10}\.png", image
            )
            assert meta("og:image:alt").startswith("LOw-Rank Approximations") and "Nancy" in meta(
                "og:image:alt"
            )
        png = (site.outdir / image.removeprefix("https://lorainne24.example.org/")).read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and png[16:24] == bytes.fromhex("000004b000000276")  # 1200×630
        assert (meta("og:image:width"), meta("og:image:height")) == ("1200", "630")
        assert meta("og:image:alt") and meta("og:image:alt") == meta("twitter:image:alt", "name")
        assert meta("og:url") == "https://lorainne24.example.org/" + page.relative_to(site.outdir).as_posix()
    home = BeautifulSoup(site.page("index.html"), "html.parser").head
    own = re.search(r'description: "([^"]+)"', (ROOT / "index.md").read_text()).group(1)
    assert home.find("meta", attrs={"property": "og:description"})["content"] == own
    cohen = BeautifulSoup(site.page("abstracts/cohen.html"), "html.parser").head
    alt = cohen.find("meta", attrs={"property": "og:image:alt"})["content"]
    assert "Jérémy Cohen" in alt and "Wednesday 27 November 2024 · 10:30–11:00 · Main room" in alt
    assert _jsonld(site.page("abstracts/cohen.html"))["image"] == [
        cohen.find("meta", attrs={"property": "og:image"})["content"]
    ]


def test_sitemap_lists_every_page(site):
    sitemap = site.page("sitemap.xml")
    locations = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    assert all(urlparse(u).scheme == "https" for u in locations)
    paths = {urlparse(u).path.lstrip("/") for u in locations}
    assert {"index.html", "program/index.html", "abstracts/cohen.html", "speakers/qi.html"} <= paths
    assert "Sitemap:" in site.page("robots.txt")


def test_programme_page_links_every_export(site):
    page = BeautifulSoup(site.page("program/index.html"), "html.parser")
    links = {a.get_text(): a["href"] for a in page.select("p.programme-exports a")}
    assert "Add the whole programme to your calendar" in links and "schedule.xml for conference apps" in links
    for href in links.values():
        target = site.outdir / urljoin("program/index.html", href)
        assert target.is_file() and target.stat().st_size > 500, href


ORCID_TALK = """\
---
speakers: [ada, bob]
authors:
  - name: Ada Lovelace
    orcid: 0000-0002-1825-0097
    affiliations: [University of Nowhere, Institute of Somewhere]
  - name: Carl Gauss
    orcid: https://orcid.org/0000-0002-1694-233X
    affiliations: [Universität Göttingen]
  - name: Emmy Noether
    affiliations: [Universität Erlangen]
---

# Beta talk

The beta abstract.
"""
ORCID_SPEAKER = """\
---
affiliation: University of Nowhere
homepage: https://example.org/ada
orcid: 0000-0001-5109-3700
---

# Ada Lovelace
"""


def test_json_ld_gives_authors_and_speakers_with_orcids_and_affiliations(build_root):
    app, _warnings = build_root(
        "schedule", {"abstracts/beta.md": ORCID_TALK, "speakers/ada.md": ORCID_SPEAKER}
    )
    event = _jsonld((app.outdir / "abstracts/beta.html").read_text(encoding="utf-8"))
    ada, bob = event["performer"]
    assert ada["name"] == "Ada Lovelace" and ada["sameAs"] == "https://orcid.org/0000-0001-5109-3700"
    assert ada["affiliation"] == [{"@type": "Organization", "name": "University of Nowhere"}]
    assert bob["name"] == "Bob Smith" and "sameAs" not in bob
    authors = {a["name"]: a for a in event["contributor"]}
    assert list(authors) == ["Ada Lovelace", "Carl Gauss", "Emmy Noether"]
    assert authors["Ada Lovelace"]["sameAs"] == "https://orcid.org/0000-0002-1825-0097"
    assert authors["Carl Gauss"]["sameAs"] == "https://orcid.org/0000-0002-1694-233X"  # URL form normalised
    assert "sameAs" not in authors["Emmy Noether"]
    assert [o["name"] for o in authors["Ada Lovelace"]["affiliation"]] == [
        "University of Nowhere",
        "Institute of Somewhere",
    ]
    assert all(p["@type"] == "Person" for p in event["contributor"] + event["performer"])
    # the home page's sub-event for the talk says the same; a talk with no authors has no contributor
    home = _jsonld((app.outdir / "index.html").read_text(encoding="utf-8"))
    beta = next(s for s in home["subEvent"] if s["name"] == "Beta talk")
    assert beta["contributor"] == event["contributor"]
    alpha = _jsonld((app.outdir / "abstracts/alpha.html").read_text(encoding="utf-8"))
    assert "contributor" not in alpha and alpha["performer"][0]["sameAs"].endswith("0000-0001-5109-3700")


# --------------------------------------------------------------------------- identity (issue 16)

ELSEWHERE = "https://elsewhere.example.net/lorainne/"


@pytest.fixture(scope="module")
def swapped(tmp_path_factory):
    """The site with two talks swapped in the schedule, published under another (sub-path) address."""
    root = copy_site(tmp_path_factory.mktemp("swapped"))
    schedule = root / "program/schedule.yaml"
    text = schedule.read_text(encoding="utf-8")
    assert "talk: de-almeida" in text and "talk: tudisco" in text
    text = text.replace("talk: de-almeida", "talk: @@").replace("talk: tudisco", "talk: de-almeida")
    schedule.write_text(text.replace("talk: @@", "talk: tudisco"), encoding="utf-8")
    build = sphinx_build(root, "html", "-D", f"html_baseurl={ELSEWHERE}")
    assert build.returncode == 0, build.output[-3000:]
    return build


def identities(build) -> dict[str, dict]:
    """For each talk id: every identity the exports give it, and its start time (to see the swap)."""
    out: dict[str, dict] = {}

    def talk_of(url: str) -> str | None:
        match = re.search(r"/abstracts/([a-z0-9-]+)\.html$", str(url))
        return match.group(1) if match else None

    for event in calendar(build).walk("VEVENT"):
        if tid := talk_of(event["url"]):
            out.setdefault(tid, {})["uid"] = str(event["uid"])
            out[tid]["start"] = event["dtstart"].dt
    for path in (build.outdir / "abstracts").glob("*.ics"):
        (event,) = icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")
        out[path.stem]["talk ics uid"] = str(event["uid"])
    from lxml import etree

    for event in etree.parse(str(build.outdir / "schedule.xml")).iter("event"):
        if tid := talk_of(event.findtext("url")):
            out[tid]["xml"] = (event.get("id"), event.get("guid"), event.findtext("slug"))
    data = json.loads(build.page("schedule.json"))
    for day in data["schedule"]["conference"]["days"]:
        for events in day["rooms"].values():
            for event in events:
                if tid := talk_of(event["url"]):
                    out[tid]["json"] = (str(event["id"]), event["guid"], event["slug"])
    return out


def test_identities_stay_with_the_talk_when_talks_swap_and_the_address_changes(site, swapped):
    before, after = identities(site), identities(swapped)
    assert before.keys() == after.keys() and {"de-almeida", "tudisco", "cohen"} <= before.keys()
    assert before["de-almeida"]["start"] == after["tudisco"]["start"] != after["de-almeida"]["start"]
    for tid in before:
        first, again = dict(before[tid]), dict(after[tid])
        first.pop("start"), again.pop("start")
        assert first == again, tid
        assert first["uid"] == first["talk ics uid"] == first["xml"][1] == first["json"][1], tid
        assert first["xml"] == first["json"], tid
    assert "lorainne" in str(calendar(swapped).walk("VEVENT")[0]["url"])  # the new address is used


def test_robots_and_sitemap_under_a_sub_path_base(site, swapped):
    """robots.txt is read at a host's root only: written for a root address, not under a sub-path
    (the README says what to add to the host's own); the sitemap lists the sub-path's pages."""
    assert (
        site.page("robots.txt")
        == "User-agent: *\nAllow: /\nSitemap: https://lorainne24.example.org/sitemap.xml\n"
    )
    assert not (swapped.outdir / "robots.txt").exists()
    from lxml import etree

    root = etree.fromstring((swapped.outdir / "sitemap.xml").read_bytes())
    locations = [e.text for e in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert locations and all(u.startswith(ELSEWHERE) for u in locations)
    assert ELSEWHERE + "abstracts/cohen.html" in locations
    for url in locations:  # every listed page exists
        assert (swapped.outdir / url.removeprefix(ELSEWHERE)).is_file(), url


def test_no_calendar_has_attendees_and_speakers_are_named(site):
    for path in [site.outdir / "program.ics", *(site.outdir / "abstracts").glob("*.ics")]:
        text = path.read_text(encoding="utf-8")
        assert "ATTENDEE" not in text and "METHOD:PUBLISH" in text, path
        assert "ORGANIZER" not in text  # the site sets no organizers' address
    cohen = icalendar.Calendar.from_ical((site.outdir / "abstracts/cohen.ics").read_bytes()).walk("VEVENT")[0]
    assert "Jérémy Cohen" in str(cohen["description"])


def test_organizer_when_the_organizers_have_an_address(build_root):
    app, warnings = build_root(
        "schedule",
        confoverrides={"workshop_organizer_email": "chairs@example.org", "project": "Test Conf 26"},
    )
    assert "WARNING" not in warnings, warnings
    cal = icalendar.Calendar.from_ical((app.outdir / "program.ics").read_bytes())
    for event in cal.walk("VEVENT"):
        assert str(event["organizer"]) == "mailto:chairs@example.org"
        assert str(event["organizer"].params["cn"]) == "Test Conf 26"
        assert "attendee" not in event
    # the conference identifier comes from the configuration, in every export
    assert str(cal["prodid"]).startswith("-//testconf26//")
    data = json.loads((app.outdir / "schedule.json").read_text(encoding="utf-8"))
    assert data["schedule"]["conference"]["acronym"] == "testconf26"
    for path in (app.outdir / f for f in ("program.ics", "schedule.xml", "schedule.json")):
        assert "lorainne" not in path.read_text(encoding="utf-8").lower()


# --------------------------------------------------------------------------- frab


def frab_events(build_dir: Path) -> list[dict]:
    data = json.loads((build_dir / "schedule.json").read_text(encoding="utf-8"))
    return [e for d in data["schedule"]["conference"]["days"] for r in d["rooms"].values() for e in r]


def validate_both(outdir: Path) -> None:
    import jsonschema
    from lxml import etree

    schema = etree.XMLSchema(etree.parse(str(schemas_dir() / "frab-schedule.xml.xsd")))
    doc = etree.parse(str(outdir / "schedule.xml"))
    assert schema.validate(doc), schema.error_log
    validator = jsonschema.Draft6Validator(
        json.loads((schemas_dir() / "frab-schedule.schema.json").read_text()),
        format_checker=jsonschema.FormatChecker(),
    )
    data = json.loads((outdir / "schedule.json").read_text(encoding="utf-8"))
    assert [e.message for e in validator.iter_errors(data)] == []


LONGEST = "a-" * 60 + "very-long-talk-id-"  # 138 characters, ending in '-' as the id pattern allows


def test_frab_slugs_are_valid_for_the_shortest_and_longest_ids(tmp_path):
    root = copy_site(tmp_path / "site")
    for tid in ("x", LONGEST):
        page = (
            (root / "abstracts/qi.md").read_text(encoding="utf-8").replace("# On the", f"# {tid[:10]} On the")
        )
        (root / f"abstracts/{tid}.md").write_text(page, encoding="utf-8")
        (root / f"abstracts/{tid}.bib").write_text(  # a talk's keys are its own: its own .bib
            (root / "abstracts/qi.bib").read_text(encoding="utf-8"), encoding="utf-8"
        )
    schedule = root / "program/schedule.yaml"
    text = schedule.read_text(encoding="utf-8")
    for tid in ("qi", "x", LONGEST):  # the three 'to be announced' slots of day 2
        text = text.replace("        title: Invited talk\n        kind: talk\n", f"        talk: {tid}\n", 1)
        if tid == LONGEST:
            text = text.replace(
                "        title: Farewell coffee break\n        kind: break\n", f"        talk: {tid}\n"
            )
    schedule.write_text(text, encoding="utf-8")
    build = sphinx_build(root)
    assert build.returncode == 0, build.output[-3000:]
    validate_both(build.outdir)  # the same schemas, read from outside the project
    slugs = {e["url"].rsplit("/", 1)[1]: e["slug"] for e in frab_events(build.outdir)}
    assert slugs["qi.html"] == "lorainne24-qi-talk" and slugs["x.html"] == "lorainne24-x-talk"
    assert slugs[f"{LONGEST}.html"] == f"lorainne24-{LONGEST}-talk"


def test_frab_persons_have_public_names(site):
    cohen = next(e for e in frab_events(site.outdir) if e["url"].endswith("/cohen.html"))
    assert cohen["persons"][0]["public_name"] == cohen["persons"][0]["name"] == "Jérémy Cohen"


def test_a_slot_for_all_rooms_is_in_every_room_as_pretalx_lists_it(build_root):
    app, warnings = build_root("rooms")
    assert "WARNING" not in warnings, warnings
    validate_both(app.outdir)
    data = json.loads((app.outdir / "schedule.json").read_text(encoding="utf-8"))
    (day,) = data["schedule"]["conference"]["days"]
    assert set(day["rooms"]) == {"Room A", "Room B"}
    assert [r["name"] for r in data["schedule"]["conference"]["rooms"]] == ["Room A", "Room B"]
    openings = {room: [e for e in events if e["title"] == "Opening"] for room, events in day["rooms"].items()}
    assert all(len(found) == 1 for found in openings.values())
    assert openings["Room A"][0]["guid"] != openings["Room B"][0]["guid"]
    assert day["day_end"] == "2024-11-26T12:00:00+01:00"
    from lxml import etree

    xml = etree.parse(str(app.outdir / "schedule.xml"))
    assert {r.get("name") for r in xml.findall("day/room")} == {"Room A", "Room B"}
    assert "All rooms" not in (app.outdir / "schedule.xml").read_text(encoding="utf-8")
    # the workshop ends with the last slot of any room (gamma, Room B, 12:00), not the last listed
    home = _jsonld((app.outdir / "index.html").read_text(encoding="utf-8"))
    assert home["endDate"] == "2024-11-26T12:00:00+01:00"


def test_a_base_url_without_scheme_is_one_located_error_and_no_export(tmp_path):
    root = copy_site(tmp_path / "site")
    build = sphinx_build(root, "html", "-D", "html_baseurl=lorainne24.example.org/")
    assert build.returncode != 0 and "Traceback" not in build.output
    conf_line = next(
        n
        for n, line in enumerate((root / "conf.py").read_text().splitlines(), 1)
        if line.startswith("html_baseurl")
    )
    problems = [line for line in build.output.splitlines() if "WARNING" in line]
    assert len(problems) == 1 and problems[0].startswith(f"conf.py:{conf_line}: WARNING: html_baseurl "), (
        problems
    )
    assert "SITE_BASEURL=https://" in problems[0]
    assert not (build.outdir / "schedule.xml").exists() and not (build.outdir / "program.ics").exists()


def test_an_export_that_fails_its_schema_fails_the_build_at_its_slot(build_root, monkeypatch):
    """The frab files are checked inside the build: an event the schema refuses (here a writer
    made to give one talk a slug frab forbids) is a warning at that talk's slot, naming it."""
    from sphinx_workshop_site.exports import frab

    writer = frab.frab_event

    def broken(programme, entry):
        record = writer(programme, entry)
        return {**record, "slug": "Not A Slug"} if entry.item.talk == "beta" else record

    monkeypatch.setattr(frab, "frab_event", broken)
    _app, warnings = build_root("schedule")
    schedule = (Path(__file__).parent / "roots/test-schedule/program/schedule.yaml").read_text().splitlines()
    line = next(n for n, text in enumerate(schedule, 1) if "talk: beta" in text) - 1  # the slot's '- time:'
    located = [w for w in warnings.splitlines() if "frab schema" in w]
    assert located and all(w.startswith(f"program/schedule.yaml:{line}: WARNING: ") for w in located), (
        warnings
    )
    assert any("schedule.xml: the talk 'beta'" in w for w in located)
    assert any("schedule.json: the talk 'beta'" in w and "slug" in w for w in located)


def test_every_format_in_the_registry_is_written(site):
    for fmt in formats.FORMATS:
        assert (site.outdir / fmt.filename).stat().st_size > 500, fmt.filename


# --------------------------------------------------------------------------- JSON-LD place


def test_json_ld_postal_address_from_the_schedule(build_root):
    schedule = (Path(__file__).parent / "roots/test-schedule/program/schedule.yaml").read_text()
    schedule = schedule.replace(
        "venue: Test venue\n", "venue: Test venue\naddress: 13 rue Michel Ney, 54000 Nancy, France\n"
    )
    app, warnings = build_root("schedule", {"program/schedule.yaml": schedule})
    assert "WARNING" not in warnings, warnings
    for page in ("index.html", "abstracts/alpha.html"):
        place = _jsonld((app.outdir / page).read_text(encoding="utf-8"))["location"]
        assert place["address"] == {
            "@type": "PostalAddress",
            "streetAddress": "13 rue Michel Ney",
            "postalCode": "54000",
            "addressLocality": "Nancy",
            "addressCountry": "France",
        }


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("Nancy, France", {"addressLocality": "Nancy", "addressCountry": "France"}),
        (
            "IDMC, Nancy, France",
            {"streetAddress": "IDMC", "addressLocality": "Nancy", "addressCountry": "France"},
        ),
        ("Somewhere", {"streetAddress": "Somewhere"}),
    ],
)
def test_postal_address_without_a_postal_code(address, expected):
    from sphinx_workshop_site.exports.jsonld import postal_address

    assert postal_address(address) == {"@type": "PostalAddress", **expected}


# --------------------------------------------------------------------------- builders and folders


def test_dirhtml_calendar_and_export_links_resolve(tmp_path):
    root = copy_site(tmp_path / "site")
    build = sphinx_build(root, "dirhtml")
    assert build.returncode == 0, build.output[-3000:]
    checked = 0
    for page in build.outdir.rglob("index.html"):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for link in soup.select("a.add-to-calendar, p.programme-exports a"):
            target = (page.parent / link["href"]).resolve()
            assert target.is_file() and target.stat().st_size > 300, (page, link["href"])
            checked += 1
    assert checked >= 10


def test_doctrees_are_never_inside_a_published_folder():
    """Every make target that runs Sphinx keeps its doctrees (-d) outside its output folder."""
    makefile = makefile_text().replace("\\\n", " ")
    runs = [
        line for line in makefile.splitlines() if re.search(r"\$\((SPHINXBUILD)\)|sphinx-autobuild", line)
    ]
    assert len(runs) >= 4
    for line in runs:
        words = line.split()
        assert "-d" in words, line
        doctrees = words[words.index("-d") + 1]
        output = words[-1]
        assert not (doctrees + "/").startswith(output.rstrip("/") + "/"), line
    readthedocs = yaml.safe_load((ROOT / ".readthedocs.yaml").read_text())
    # Read the Docs' own sphinx step passes -d _build/doctrees, outside $READTHEDOCS_OUTPUT/html
    assert "sphinx" in readthedocs and "commands" not in readthedocs.get("build", {})


# --------------------------------------------------------------------------- posters (issue 14)

POSTER = """\
---
type: poster
speakers: [{speaker}]
{board}---

# {title}

The {title} abstract.
"""


def test_a_poster_session_lists_its_posters_in_every_export(build_root):
    """The session's calendar event and frab event list each poster (board, title, presenters);
    JSON-LD gives the session as a sub-event of the workshop, each poster a sub-event of it."""
    schedule = (Path(__file__).parent / "roots/test-schedule/program/schedule.yaml").read_text()
    session = "      - time: 10:30-11:30\n        title: Poster session\n        kind: poster\n        posters: [p-two, p-one]\n"
    schedule = schedule.replace("  - date: 2024-11-26\n", session + "  - date: 2024-11-26\n")
    files = {
        "program/schedule.yaml": schedule,
        "abstracts/p-one.md": POSTER.format(speaker="ada", board="board: 7\n", title="Poster one"),
        "abstracts/p-two.md": POSTER.format(speaker="bob", board="", title="Poster two"),
    }
    app, warnings = build_root("schedule", files)
    assert "WARNING" not in warnings, warnings
    validate_both(app.outdir)
    (event,) = [e for e in calendar(app).walk("VEVENT") if str(e["summary"]) == "Poster session"]
    description = str(event["description"])
    assert (
        "Board 1: Poster two (Bob Smith)" in description
        and "Board 7: Poster one (Ada Lovelace)" in description
    )
    assert description.index("Board 1") < description.index("Board 7")
    (frab,) = [e for e in frab_events(app.outdir) if e["title"] == "Poster session"]
    assert "Board 7: Poster one (Ada Lovelace)" in frab["description"]
    home = _jsonld((app.outdir / "index.html").read_text(encoding="utf-8"))
    (sub,) = [s for s in home["subEvent"] if s["name"] == "Poster session"]
    assert [p["name"] for p in sub["subEvent"]] == ["Poster two", "Poster one"]
    assert sub["subEvent"][1]["location"]["name"].endswith("board 7")
    assert sub["subEvent"][1]["performer"][0]["name"] == "Ada Lovelace"
    poster_page = _jsonld((app.outdir / "abstracts/p-one.html").read_text(encoding="utf-8"))
    assert poster_page["name"] == "Poster one" and poster_page["startDate"] == sub["startDate"]
    assert poster_page["superEvent"]["name"] == "Poster session"
    # a poster page's event is as complete as a talk's: its abstract, status, organizer
    assert poster_page["description"].startswith("The Poster one abstract")
    assert poster_page["eventStatus"].endswith("EventScheduled") and poster_page["organizer"]
    # a poster page's 'Add to calendar' gives its session's event (the same UID: one event)
    link = BeautifulSoup((app.outdir / "abstracts/p-one.html").read_text(encoding="utf-8"), "html.parser")
    href = link.select_one("a.add-to-calendar")["href"]
    poster_ics = icalendar.Calendar.from_ical((app.outdir / "abstracts" / href).read_bytes())
    (own,) = poster_ics.walk("VEVENT")
    assert str(own["uid"]) == str(event["uid"]) and str(own["summary"]) == "Poster session"
    # conference apps show who presents in a session: its posters' presenters
    assert [p["public_name"] for p in frab["persons"]] == ["Bob Smith", "Ada Lovelace"]


def test_a_session_whose_posters_are_announced_later_is_a_sub_event(build_root):
    schedule = (Path(__file__).parent / "roots/test-schedule/program/schedule.yaml").read_text()
    session = (
        "      - time: 10:30-11:30\n        title: Spotlights\n        kind: poster\n        spotlights: []\n"
    )
    schedule = schedule.replace("  - date: 2024-11-26\n", session + "  - date: 2024-11-26\n")
    app, warnings = build_root("schedule", {"program/schedule.yaml": schedule})
    assert "WARNING" not in warnings, warnings
    home = _jsonld((app.outdir / "index.html").read_text(encoding="utf-8"))
    assert "Spotlights" in [s["name"] for s in home["subEvent"]]


def test_a_plenary_talk_is_one_event_and_adding_a_room_changes_no_guid(build_root):
    """A talk with no room in a two-room schedule is one frab event (in the first room) with the
    guid it had with one room; a break for every room keeps its guid in the first room."""
    one_room = (Path(__file__).parent / "roots/test-rooms/program/schedule.yaml").read_text()
    one_room = one_room.replace("rooms: [Room A, Room B]", "rooms: [Room A]").replace(
        "room: Room B", "room: Room A"
    )
    one_room = one_room.replace("      - time: 09:30-10:30\n        talk: beta\n        room: Room A\n", "")
    plenary = "      - time: 12:00-13:00\n        talk: beta\n"
    app1, warnings = build_root("rooms", {"program/schedule.yaml": one_room + plenary})
    assert "WARNING" not in warnings, warnings
    before = {(e["title"], e["room"]): e["guid"] for e in frab_events(app1.outdir)}
    two_rooms = one_room.replace("rooms: [Room A]", "rooms: [Room A, Room B]")
    app2, warnings = build_root("rooms", {"program/schedule.yaml": two_rooms + plenary})
    # (a second application in one process registers Sphinx's own extensions again: not ours)
    ours = [w for w in warnings.splitlines() if "WARNING" in w and "while setting up extension" not in w]
    assert not ours, warnings
    validate_both(app2.outdir)
    after = {(e["title"], e["room"]): e["guid"] for e in frab_events(app2.outdir)}
    beta = [k for k in after if k[0].startswith("Beta")]
    assert beta == [(beta[0][0], "Room A")]  # once, not in every room
    assert after[beta[0]] == before[beta[0]]
    assert after[("Coffee break", "Room A")] == before[("Coffee break", "Room A")]
    assert ("Coffee break", "Room B") in after


def test_a_wrong_social_image_is_one_located_message(build_root):
    app, warnings = build_root("schedule", confoverrides={"workshop_social_image": "index.md"})
    located = [w for w in warnings.splitlines() if "workshop_social_image" in w]
    assert len(located) == 1 and "is not a PNG or JPEG file in html_static_path" in located[0], warnings
    assert "og:image" not in (app.outdir / "index.html").read_text(encoding="utf-8")


def test_the_sites_own_robots_txt_is_kept(build_root, rootdir, tmp_path):
    robots = "User-agent: *\nDisallow: /drafts/\n"
    shutil.copytree(rootdir / "test-schedule", tmp_path / "schedule")  # build_root builds this copy
    (tmp_path / "schedule/extra").mkdir()
    app, warnings = build_root(
        "schedule", {"extra/robots.txt": robots}, confoverrides={"html_extra_path": ["extra"]}
    )
    assert "WARNING" not in warnings, warnings
    assert (app.outdir / "robots.txt").read_text(encoding="utf-8") == robots


def test_spotlights_are_listed_in_order_with_their_times(build_root):
    app, warnings = build_root("posters")
    assert "WARNING" not in warnings, warnings
    validate_both(app.outdir)
    events = {str(e["summary"]): str(e["description"]) for e in calendar(app).walk("VEVENT")}
    even = events["Spotlight posters"]  # 15 minutes for three: 5 each, in the listed order
    assert even.index("1. 17:15–17:20 ") < even.index("2. 17:20–17:25 ") < even.index("3. 17:25–17:30 ")
    timed = events["Timed spotlights"]
    assert "1. 09:00–09:03 " in timed and "2. 09:04–09:10 " in timed
    frab = {e["title"]: e for e in frab_events(app.outdir)}
    assert frab["Timed spotlights"]["description"].startswith("1. 09:00–09:03 ")
    assert "Board 1: " in frab["Cocktail + posters"]["description"]


def test_cards_follow_the_talks_across_builds(build_root, tmp_path):
    app, warnings = build_root("schedule")
    assert "WARNING" not in warnings, warnings
    folder = app.outdir / "_images/cards"
    first = {p.name.rsplit("-", 1)[0] for p in folder.glob("*.png")}
    assert first == {"_site", "alpha", "beta", "gamma"}  # the site's own card, and one per talk
    (tmp_path / "schedule/abstracts/gamma.md").unlink()
    app, warnings = build_root(
        "schedule", {"abstracts/beta.md": "---\nspeakers: [bob]\n---\n\n# Beta, renamed\n\nText.\n"}
    )
    names = sorted(p.name for p in folder.glob("*.png"))
    assert [n.rsplit("-", 1)[0] for n in names] == ["_site", "alpha", "beta"], names
    beta = BeautifulSoup((app.outdir / "abstracts/beta.html").read_text(encoding="utf-8"), "html.parser")
    assert beta.find("meta", attrs={"property": "og:image"})["content"].endswith(
        next(n for n in names if n.startswith("beta"))
    )


# --------------------------------------------------------------------------- one TeX-to-text (issue 24)

MATH_TALK = """---
speakers: [ada, bob]
---

# Why $\\frac{a}{b}$ and $\\log n$ in $\\mathbb{R}^{n}$

The beta abstract, with $\\sqrt{x}$, may not exist {footcite}`beta2011`.

- for $W \\in \\mathbb{R}^{m \\times n}$;
- and the rest.

```{note}
The slides will be online.
```
"""
BETA_BIB = "@article{beta2011, author = {Ada Lovelace}, title = {Beta}, journal = {J}, year = {2011}}\n"


def test_math_in_a_title_reads_as_text_in_every_export(build_root):
    """'$\\frac{a}{b}$' in a talk title: 'a/b' in program.ics, the talk's own calendar,
    schedule.json, schedule.xml and the JSON-LD (one TeX-to-text, mathmacros.math_as_text),
    never 'fracab' nor raw TeX."""
    app, warnings = build_root("schedule", {"abstracts/beta.md": MATH_TALK, "abstracts/beta.bib": BETA_BIB})
    assert "WARNING" not in warnings, warnings
    wanted = "Why a/b and log n in ℝ^n"
    cal = icalendar.Calendar.from_ical((app.outdir / "program.ics").read_bytes())
    assert wanted in [str(e["summary"]) for e in cal.walk("VEVENT")]
    own = next(p for p in app.outdir.rglob("*.ics") if "beta" in p.name)
    assert [str(e["summary"]) for e in icalendar.Calendar.from_ical(own.read_bytes()).walk("VEVENT")] == [
        wanted
    ]
    events = frab_events(app.outdir)
    assert wanted in [e["title"] for e in events]
    assert f"<title>{wanted}</title>" in (app.outdir / "schedule.xml").read_text(encoding="utf-8")
    event = _jsonld((app.outdir / "abstracts/beta.html").read_text(encoding="utf-8"))
    assert event["name"] == wanted
    # the abstract as text (mathmacros.abstract_text): no space left by the citation, the list's
    # items on their own lines, the math spaced, the note kept
    assert event["description"] == (
        "The beta abstract, with √(x), may not exist.\n\n• for W ∈ ℝ^(m × n);\n• and the rest.\n\n"
        "The slides will be online."
    )
    home = _jsonld((app.outdir / "index.html").read_text(encoding="utf-8"))
    assert wanted in [s["name"] for s in home["subEvent"]]
    for name in ("program.ics", "schedule.json", "schedule.xml", "abstracts/beta.html"):
        text = (app.outdir / name).read_text(encoding="utf-8")
        assert "fracab" not in text and "sqrtx" not in text, name


def test_the_series_words_are_the_settings_in_the_exports_titles(build_root):
    """workshop_series_words: 'Workshop on' by default, and nothing when set to "" — never a
    hard-coded 'workshop on' in the frab and JSON-LD titles."""
    names = {"workshop_acronym": "TC26", "workshop_full_name": "Test Matters"}
    app, warnings = build_root("schedule", confoverrides={**names, "workshop_series_words": ""})
    assert "WARNING" not in warnings, warnings
    data = json.loads((app.outdir / "schedule.json").read_text(encoding="utf-8"))
    assert data["schedule"]["conference"]["title"] == "TC26: Test Matters"
    assert _jsonld((app.outdir / "index.html").read_text(encoding="utf-8"))["name"] == "TC26: Test Matters"
    app, warnings = build_root("schedule", confoverrides={**names, "workshop_series_words": "Symposium on"})
    data = json.loads((app.outdir / "schedule.json").read_text(encoding="utf-8"))
    assert data["schedule"]["conference"]["title"] == "TC26: Symposium on Test Matters"
    assert (
        _jsonld((app.outdir / "index.html").read_text(encoding="utf-8"))["name"]
        == "TC26: Symposium on Test Matters"
    )


def test_a_contributions_calendar_is_made_again_only_when_its_event_changes(build_root, tmp_path):
    """An edit rebuilds the calendar of the event it changes; the others are not made again (at
    5,000 contributions a thousand of them on every build) and keep their bytes, DTSTAMP
    included; a calendar file deleted from the output is made again. The unreleased programme's
    version is a digest of what frab shows: a new one for a new title, the first one back for the
    programme as it was."""
    app, warnings = build_root("schedule")
    assert "WARNING" not in warnings, warnings
    alpha, beta = (next(app.outdir.rglob(f"{talk}.ics")) for talk in ("alpha", "beta"))
    before = {path: (path.read_bytes(), path.stat().st_mtime_ns) for path in (alpha, beta)}

    def version() -> str:  # unreleased: a digest of what frab shows
        return json.loads((app.outdir / "schedule.json").read_text(encoding="utf-8"))["schedule"]["version"]

    first = version()
    original = (tmp_path / "schedule/abstracts/beta.md").read_text(encoding="utf-8")
    build_root("schedule", {"abstracts/beta.md": "---\nspeakers: [bob]\n---\n\n# Beta, renamed\n\nText.\n"})
    assert (alpha.read_bytes(), alpha.stat().st_mtime_ns) == before[alpha]  # not made again
    renamed_version = version()
    assert re.fullmatch(r"[0-9a-f]{12}", renamed_version) and renamed_version != first
    renamed = icalendar.Calendar.from_ical(beta.read_bytes())
    assert [str(e["summary"]) for e in renamed.walk("VEVENT")] == ["Beta, renamed"]
    alpha.unlink()
    build_root("schedule", {"abstracts/beta.md": original})  # as it was

    def stampless(calendar: bytes) -> bytes:
        return re.sub(rb"DTSTAMP:[0-9TZ]+\r\n", b"", calendar)

    assert stampless(alpha.read_bytes()) == stampless(before[alpha][0])  # made again: the same event
    assert stampless(beta.read_bytes()) == stampless(before[beta][0])
    assert version() == first  # the same programme again: the same version


def test_an_export_that_passed_its_schema_is_not_checked_again_until_it_changes(tmp_path, monkeypatch):
    """formats.write_all keeps the digests of the outputs that passed (with the schemas'): the
    same bytes are not validated again; other bytes, or an output that failed, are."""
    checked = []

    def counting(fmt):
        def check(data: bytes):
            checked.append(fmt.filename)
            return fmt.check(data)

        return dataclasses.replace(fmt, check=check) if fmt.check else fmt

    monkeypatch.setattr(formats, "FORMATS", tuple(map(counting, formats.FORMATS)))
    passed, prog = tmp_path / "passed.json", programme()
    assert formats.write_all(prog, tmp_path, passed=passed) == []
    assert sorted(checked) == ["schedule.json", "schedule.xml"]
    assert formats.write_all(prog, tmp_path, passed=passed) == [] and len(checked) == 2  # not again
    assert formats.write_all(programme(rooms=("Room A", "Room C")), tmp_path, passed=passed) == []
    assert len(checked) == 4  # other bytes: checked
    # an output that fails is checked on every build until it passes
    failing = tuple(
        dataclasses.replace(f, check=lambda data, f=f: checked.append(f.filename) or [("broken", None)])
        if f.check
        else f
        for f in formats.FORMATS
    )
    monkeypatch.setattr(formats, "FORMATS", failing)
    for _ in range(2):
        assert len(formats.write_all(prog, tmp_path, passed=passed)) == 2
    assert len(checked) == 8
