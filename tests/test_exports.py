"""Programme exports of the real site: iCalendar, frab XML/JSON against their schemas, JSON-LD,
OpenGraph, sitemap; stable identifiers across builds."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path
from urllib.parse import urljoin, urlparse

import icalendar
import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import ROOT, copy_site, sphinx_build

SCHEDULE = yaml.safe_load((ROOT / "program/schedule.yaml").read_text())
SLOTS = sum(len(day["slots"]) for day in SCHEDULE["days"])
TALKS = sorted(p.stem for p in (ROOT / "abstracts").glob("*.md") if p.stem != "index")


def schemas_dir() -> Path:
    """The exchange-format schemas live outside the project: ../shared/schemas or $FRAB_SCHEMAS."""
    for candidate in (os.environ.get("FRAB_SCHEMAS"), ROOT.parent / "shared" / "schemas"):
        if candidate and (Path(candidate) / "frab-schedule.xml.xsd").is_file():
            return Path(candidate)
    pytest.skip("frab schemas not found in ../shared/schemas (or the folder named by $FRAB_SCHEMAS)")


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


def test_home_json_ld_names_every_talk(site):
    event = _jsonld(site.page("index.html"))
    assert event["@type"] == "Event" and "LoRAINNe'24" in event["name"]
    assert event["startDate"].startswith("2024-11-26") and event["endDate"].startswith("2024-11-27")
    assert event["location"]["name"].startswith("IDMC")
    assert {o["name"] for o in event["organizer"]} >= {"Ricardo Borsoi", "Konstantin Usevich"}
    titles = [s["name"] for s in event["subEvent"]]
    for tid in TALKS:
        title = re.search(r"^# (.+)$", (ROOT / f"abstracts/{tid}.md").read_text(), re.M).group(1)
        assert title in titles
    assert all(s["performer"] for s in event["subEvent"])


def test_talk_page_json_ld(site):
    event = _jsonld(site.page("abstracts/mourrain.html"))
    assert event["name"] == "Low rank approximation of moment matrices and tensors"
    assert event["startDate"] == "2024-11-27T09:30:00+01:00"
    assert event["performer"][0]["name"] == "Bernard Mourrain"


def test_every_page_has_a_plain_text_description(site):
    for page in site.outdir.rglob("*.html"):
        if page.name in ("genindex.html", "search.html") or page.relative_to(site.outdir).parts[0].startswith(
            "_"
        ):
            continue
        head = BeautifulSoup(page.read_text(), "html.parser").head
        description = head.find("meta", attrs={"name": "description"})
        og = head.find("meta", attrs={"property": "og:description"})
        assert description and og and description["content"], page
        assert "\\" not in og["content"] and "$" not in og["content"], page


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
