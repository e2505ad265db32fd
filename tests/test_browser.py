"""The reader's experience in a real browser (Debian's Chromium driven by Playwright) against
the built site served on 127.0.0.1: accessibility, no outside requests, math, phones, links,
the Nu HTML Checker, and the reader's programme (My agenda, the time-zone switch, now and next)."""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import json
import re
import subprocess
import threading
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urldefrag, urljoin, urlparse
from urllib.request import urlopen
from zoneinfo import ZoneInfo

import icalendar
import pytest
from conftest import ROOT, copy_site, require, require_tool, sphinx_build

SCREENS = ROOT / "test-output" / "screens"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PAGES = {
    "home": "index.html",
    "programme": "program/index.html",
    "talk": "abstracts/math-check.html",
    "speaker": "speakers/cohen.html",
    "speakers": "speakers/index.html",
    "poster": "abstracts/board-poster.html",
    "agenda": "program/agenda.html",
}
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
MATH_TALK = """\
---
speakers: [cohen]
keywords: [math]
---

# Rendering check: low-rank $\\|A - UV^\\top\\|_F$

We minimize $\\|A - UV^\\top\\|_F^2$ over $U \\in \\mathbb{R}^{m \\times r}$:

$$
\\min_{U,V} \\sum_{i,j} (A_{ij} - (UV^\\top)_{ij})^2
$$

and a numbered bound wider than a phone:

$$
\\|X_k - X_\\star\\|_F \\le \\rho^k \\|X_0 - X_\\star\\|_F + \\frac{C\\,\\sigma_{r+1}(X_\\star)}{1-\\rho}
+ \\sum_{i=1}^{n} \\alpha_i \\beta_i \\gamma_i \\delta_i
$$ (eq:bound)

```{note}
The slides will be online after the talk.
```
"""


# A title written as text that looks like math (round 4 of the hostile tries): on every page that
# lists it (sidebar, Previous/Next) MathJax typeset it, drawing a phishing link over the page.
PHISHING_TITLE = """\
---
speakers: [cohen]
keywords: [math]
---

# Tensors \\\\(\\mmlToken{mtext}[href="https://evil.example/login" mathbackground="red"]{SESSION EXPIRED}\\\\) revisited

Words.
"""


POSTER = """\
---
type: poster
speakers: [cohen]
keywords: [tensors]
---

# Boards of low-rank tensors

A poster, shown at the cocktail.
"""

# Wednesday 27 November 2024, 10:40 in Nancy: Cohen's talk (10:30–11:00), then a coffee break.
PARIS = ZoneInfo("Europe/Paris")
DURING_THE_EVENT = dt.datetime(2024, 11, 27, 10, 40, tzinfo=PARIS)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


SETTLED = (
    "async () => { await document.fonts.ready;"
    " if (window.MathJax && MathJax.startup) await MathJax.startup.promise; }"
)


def visit(page, url: str) -> None:
    """The page loaded, its fonts in and its math typeset (what can change its layout), without
    networkidle's half second of waiting on every page of a sweep."""
    page.goto(url, wait_until="load")
    page.evaluate(SETTLED)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    root = copy_site(tmp_path_factory.mktemp("browser"))
    (root / "abstracts/math-check.md").write_text(MATH_TALK, encoding="utf-8")
    (root / "abstracts/phish.md").write_text(PHISHING_TITLE, encoding="utf-8")
    (root / "abstracts/board-poster.md").write_text(POSTER, encoding="utf-8")
    schedule = root / "program/schedule.yaml"
    text = schedule.read_text(encoding="utf-8")
    assert "        posters: []\n" in text
    schedule.write_text(
        text.replace("        posters: []\n", "        posters: [board-poster]\n"), encoding="utf-8"
    )
    build = sphinx_build(root)
    assert build.returncode == 0, build.output[-3000:]
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=build.outdir)
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/", build.outdir
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    require(Path(CHROMIUM).is_file(), "Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


SCHEMES = ("light", "dark")
# what a colour scheme changes (its CSS: colours only): axe's colour rules, in the dark scheme;
# in the light one, every rule
COLOUR_RULES = ["color-contrast", "link-in-text-block"]
# the scheme the page is drawn in: html's data-theme when its body begins (scripts in the head
# have run; nothing is drawn before)
DRAWN_THEME = """
new MutationObserver((changes, observer) => {
  if (!document.body) return;
  window.drawnTheme = document.documentElement.dataset.theme;
  observer.disconnect();
}).observe(document, {childList: true, subtree: true});
"""


@pytest.fixture(scope="module")
def reader_sweep(served, browser) -> dict[tuple[str, str], dict]:
    """Every page of PAGES as a reader reads it, in each colour scheme, in one tab (a new tab
    costs Chromium about a second): the reader's programme as it shows most (every event
    starred, the reader's time zone shown beside the venue's, what is on now and next during the
    event), in a desktop window. Per (scheme, page): the scheme shown, axe's violations, every
    address the page asked for (until the network was idle, in the light scheme; until axe was
    done, in the dark one), and (light) the icons it draws (ICONS). The dark sweep comes second, in
    the same tab: the theme has stored "light" by then, as it does for a reader whose system turned
    dark since their last page."""
    from axe_playwright_python.sync_playwright import Axe

    base, outdir = served
    axe, seen = Axe(), {}
    stars = list(calendar_uids(outdir).values())
    context = reader_context(browser, viewport=DESKTOP, timezone_id="America/New_York")
    context.clock.set_fixed_time(DURING_THE_EVENT)
    context.add_init_script(f"localStorage.setItem({STORE!r} + 'agenda', {json.dumps(json.dumps(stars))});")
    context.add_init_script(f"localStorage.setItem({STORE!r} + 'tz', '1');")
    context.add_init_script(DRAWN_THEME)
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request, asked=requests: asked.append(request.url))
    for scheme in SCHEMES:
        page.emulate_media(color_scheme=scheme)
        for name in sorted(PAGES):
            requests.clear()
            page.goto(base + PAGES[name], wait_until="networkidle" if scheme == "light" else "load")
            page.evaluate(SETTLED)
            if page.locator("script[src*='agenda.js']").count():  # its controls shown, in their state
                page.wait_for_selector("html.agenda-on")
            read = {
                "theme": page.evaluate("document.documentElement.dataset.theme"),
                "drawn": page.evaluate("window.drawnTheme"),
            }
            if scheme == "light":
                read["icons"] = page.evaluate(ICONS)
            options = {"resultTypes": ["violations"]}
            if scheme != "light":
                options["runOnly"] = {"type": "rule", "values": COLOUR_RULES}
            result = axe.run(page, options=options)
            read["violations"] = [
                (v["id"], [n["target"] for n in v["nodes"]]) for v in result.response["violations"]
            ]
            seen[scheme, name] = read | {"requests": list(requests)}
    context.close()
    return seen


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("name", sorted(PAGES))
def test_axe_finds_no_violation(reader_sweep, name, scheme):
    read = reader_sweep[scheme, name]
    assert read["theme"] == scheme
    assert read["violations"] == []


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("name", sorted(PAGES))
def test_the_page_is_drawn_in_the_readers_scheme_from_the_start(reader_sweep, name, scheme):
    """Not drawn in the scheme of the last page seen, then faded to the system's (the search
    field's colours are in transition for a while, which axe once caught at a contrast of 1.04)."""
    assert reader_sweep[scheme, name]["drawn"] == scheme


@pytest.mark.parametrize("name", sorted(PAGES))
def test_no_request_leaves_the_site(served, reader_sweep, name):
    base, _ = served
    for scheme in SCHEMES:
        requests = reader_sweep[scheme, name]["requests"]
        outside = [u for u in requests if not u.startswith(base) and not u.startswith("data:")]
        assert requests and outside == [], scheme


@pytest.fixture(scope="module")
def math_talk(served, browser):
    """The math talk's page, loaded and typeset (shared by the math tests)."""
    base, _ = served
    page = browser.new_page()
    visit(page, base + PAGES["talk"])
    page.wait_for_selector("mjx-container", timeout=15000)
    yield page
    page.close()


def test_math_is_rendered(math_talk):
    text = math_talk.inner_text("article")
    assert math_talk.locator("mjx-container").count() >= 3
    assert "\\(" not in text and "\\[" not in text and "\\|" not in text


def test_math_is_typeset_only_where_the_writer_put_math(served, math_talk):
    """A contributor's text that looks like math, in another page's sidebar or Previous/Next
    links, stays text: MathJax typesets the math nodes only."""
    _, outdir = served
    assert "SESSION EXPIRED" in (outdir / PAGES["talk"]).read_text(encoding="utf-8")  # listed there
    assert math_talk.locator("a[href*='evil.example']").count() == 0
    assert math_talk.locator("mjx-container:has-text('SESSION EXPIRED')").count() == 0
    assert math_talk.locator("article mjx-container").count() >= 3  # the page's own math still is


def site_pages(outdir: Path) -> list[str]:
    """Every page of the built site (not the theme's own files)."""
    return sorted(
        p.relative_to(outdir).as_posix()
        for p in outdir.rglob("*.html")
        if p.relative_to(outdir).parts[0] not in ("_static", "_sources")
    )


LABELS = (
    "() => [...document.querySelectorAll('dl.field-list > dt')].map(dt => {"
    "  const range = document.createRange(); range.selectNodeContents(dt);"
    "  const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));"
    "  return [dt.textContent.trim(), lines.size]; })"
)
SCROLLED = "() => { window.scrollTo(1000, 0); return [window.scrollX, window.innerWidth]; }"
# each display formula: (numbered, drawn inside its box) — a formula wider than the column must
# scroll in its own box; one outside it is cut (the box hides its overflow) and out of reach
DISPLAY_MATH = """() => [...document.querySelectorAll('div.math')].map(d => {
  const outer = d.getBoundingClientRect(), m = d.querySelector('mjx-container');
  if (!m) return [false, false];
  const box = m.getBoundingClientRect(), f = m.querySelector('mjx-math').getBoundingClientRect();
  const numbered = !!d.querySelector('.eqno, mjx-labels, mjx-mlabeledtr');
  const placed = box.left >= outer.left - 1 && box.right <= outer.right + 1;
  const reached = f.left >= box.left - 1 && (f.right <= box.right + 1 || m.scrollWidth > m.clientWidth);
  return [numbered, placed && reached];
})"""


def phone_width_sweep(browser, base: str, pages: list[str], mobile: bool) -> dict[str, dict]:
    """Every page at 375 px, visited once: how far it scrolls sideways (window.scrollTo(1000, 0)
    for real), its layout width, on how many lines each field label is drawn, and (the pages of
    PAGES) the icons it draws (ICONS)."""
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=mobile, has_touch=mobile)
    page = context.new_page()
    seen = {}
    for name in pages:
        visit(page, base + name)
        labels = page.evaluate(LABELS)
        icons = page.evaluate(ICONS) if name in PAGES.values() else None  # before scrolling
        math = page.evaluate(DISPLAY_MATH)
        scrolled, layout = page.evaluate(SCROLLED)
        seen[name] = {"scrolled": scrolled, "layout": layout, "labels": labels, "icons": icons, "math": math}
    context.close()
    return seen


@pytest.fixture(scope="module")
def narrow_window(served, browser) -> dict[str, dict]:
    """A desktop browser's window 375 px wide, over every page (shared by two tests)."""
    base, outdir = served
    return phone_width_sweep(browser, base, site_pages(outdir), mobile=False)


@pytest.mark.parametrize("mobile", [False, True], ids=["narrow-window", "phone"])
def test_no_page_scrolls_sideways_at_phone_width(served, browser, narrow_window, mobile):
    """Every page, scrolled for real: window.scrollTo(1000, 0) must leave scrollX at 0. A phone
    (is_mobile) would rather zoom the page out than scroll: its layout width must stay 375 px."""
    base, outdir = served
    pages = site_pages(outdir)
    assert len(pages) >= 20
    seen = phone_width_sweep(browser, base, pages, mobile=True) if mobile else narrow_window
    assert sorted(seen) == pages
    wide = {
        name: (s["scrolled"], s["layout"])
        for name, s in seen.items()
        if s["scrolled"] or s["layout"] != PHONE["width"]
    }
    assert wide == {}


def test_a_formula_wider_than_a_phone_scrolls_in_its_own_box(narrow_window):
    """A numbered display (its number beside it) was cut on the left at 375 px, out of reach;
    an unnumbered one scrolled."""
    math = narrow_window[PAGES["talk"]]["math"]
    assert [numbered for numbered, _inside in math] == [False, True]
    assert all(inside for _numbered, inside in math), math


def test_field_labels_never_break_inside_a_word(narrow_window):
    """'Affiliation:', 'Keywords:' on one line each at 375 px, on every talk and speaker page."""
    broken, seen = [], 0
    for name, found in narrow_window.items():
        if not name.startswith(("abstracts/", "speakers/")) or name.endswith("index.html"):
            continue
        for label, lines in found["labels"]:
            seen += 1
            if lines != 1:
                broken.append((name, label, lines))
    assert seen >= 20 and broken == []


def test_programme_rows_use_the_full_width_on_a_phone(served, browser):
    base, _ = served
    page = browser.new_page(viewport=PHONE)
    visit(page, base + PAGES["programme"])
    # the text column: as wide as the programme's own box (the article less its padding)
    article = page.evaluate("document.querySelector('.workshop-schedule').getBoundingClientRect().width")
    assert article >= 0.85 * PHONE["width"]
    rows = page.evaluate(
        "[...document.querySelectorAll('table.schedule-day tbody tr')].map(r => r.getBoundingClientRect().width)"
    )
    cells = [cell.bounding_box() for cell in page.locator("table.schedule-day td").all()[:12]]
    size = page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('table.schedule-day td')).fontSize)"
    )
    page.close()
    assert rows and min(rows) >= 0.95 * article, (min(rows), article)
    assert size >= 12  # readable without zooming
    for box in cells:
        assert box is None or box["x"] + box["width"] <= PHONE["width"] + 1


def test_screenshots_for_review(served, browser):
    base, _ = served
    SCREENS.mkdir(parents=True, exist_ok=True)
    for device, viewport in (
        ("phone", PHONE),
        ("desktop", DESKTOP),
    ):
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        for name in ("home", "programme", "talk"):
            visit(page, base + PAGES[name])
            path = SCREENS / f"{name}-{device}.png"
            page.screenshot(path=str(path), full_page=True)
            assert path.stat().st_size > 10_000
        context.close()


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs) -> None:
        attributes = dict(attrs)
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        for key in ("id", "name"):
            if attributes.get(key):
                self.ids.add(attributes[key])


def test_every_internal_link_resolves(served):
    """Crawl from the home page: every page, anchor and download (ics, xml, json, pdf) is there."""
    base, outdir = served
    queue, seen, pages, broken = deque([base + "index.html"]), set(), {}, []
    anchors: list[tuple[str, str, str]] = []
    while queue:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        try:
            with urlopen(url) as response:
                body = response.read()
        except HTTPError as err:
            broken.append(f"{url}: {err.code}")
            continue
        if not url.endswith(".html"):
            assert body, url
            continue
        parser = _Links()
        parser.feed(body.decode())
        pages[url] = parser.ids
        for href in parser.links:
            target, fragment = urldefrag(urljoin(url, href))
            if urlparse(target).netloc != urlparse(base).netloc or urlparse(target).scheme not in (
                "http",
                "https",
            ):
                continue
            if fragment and target.endswith(".html"):
                anchors.append((url, target, fragment))
            queue.append(target)
    assert broken == []
    missing = [
        f"{page} -> {target}#{frag}" for page, target, frag in anchors if frag not in pages.get(target, set())
    ]
    assert missing == []
    downloads = {Path(urlparse(u).path).suffix for u in seen}
    assert {".html", ".ics", ".xml", ".json"} <= downloads
    every_page = {
        base + p.relative_to(outdir).as_posix()
        for p in outdir.rglob("*.html")
        if p.relative_to(outdir).parts[0] != "_static" and p.name not in ("genindex.html", "search.html")
    }
    assert every_page - seen == set()  # every page is reachable from the home page


def test_nu_html_checker_finds_no_error(served):
    java = require_tool("java", "the Nu HTML Checker runs on Java")
    vnu = ROOT / "tools/node_modules/vnu-jar/build/dist/vnu.jar"
    require(vnu.is_file(), "the npm package vnu-jar is not installed (npm install --prefix tools)")
    _, outdir = served
    pages = [str(p) for p in sorted(outdir.rglob("*.html")) if "_static" not in p.relative_to(outdir).parts]
    result = subprocess.run(
        [java, "-jar", str(vnu), "--errors-only", "--format", "json", *pages], capture_output=True, text=True
    )
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    errors = [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m['message']}"
        for m in messages
        if m["type"] == "error"
    ]
    assert errors == []
    assert len(pages) >= 20


# --------------------------------------------------------------------------- the reader's programme

STORE = "workshop:lorainne24:"  # the edition's identifier: two editions on one origin never share
STAR = ".workshop-schedule button.agenda-star"


def reader_context(browser, **options):
    return browser.new_context(accept_downloads=True, **options)


def calendar_uids(outdir: Path) -> dict[tuple[str, dt.datetime], str]:
    """(summary, start) -> UID of every event of the site's program.ics."""
    calendar = icalendar.Calendar.from_ical((outdir / "program.ics").read_bytes())
    return {(str(e["summary"]), e.decoded("dtstart")): str(e["uid"]) for e in calendar.walk("VEVENT")}


def paris(day: int, hour: int, minute: int) -> dt.datetime:
    return dt.datetime(2024, 11, day, hour, minute, tzinfo=PARIS)


def test_the_script_is_only_on_the_pages_that_use_it(served):
    _, outdir = served
    uses = {
        "index.html",
        "program/index.html",
        "program/agenda.html",
        "abstracts/cohen.html",
        "abstracts/board-poster.html",
    }
    for name in sorted(uses | {"speakers/cohen.html", "speakers/index.html", "abstracts/index.html"}):
        text = (outdir / name).read_text(encoding="utf-8")
        tags = re.findall(r"<script [^>]*agenda\.js[^>]*>", text)
        if name in uses:
            assert len(tags) == 1 and 'defer="defer"' in tags[0] and 'data-edition="lorainne24"' in tags[0], (
                name
            )
        else:
            assert tags == [], name
    assert (outdir / "_static/agenda.js").stat().st_size < 20_000  # small: about 5 kB compressed


def test_stars_are_kept_listed_and_exported_with_program_ics_uids_from_file(served, browser):
    """From file:// (no server): star a talk by mouse and one by keyboard in the programme, a
    poster session on a poster's page; they stay after a reload, show on the talk's page, are
    listed on My agenda and exported as program.ics's own events (same UID and start)."""
    _, outdir = served
    site = outdir.as_uri() + "/"
    uids = calendar_uids(outdir)
    context = reader_context(browser)
    page = context.new_page()
    page.goto(site + PAGES["programme"])
    page.wait_for_selector("html.agenda-on")
    rows = page.locator("table.schedule-day tbody tr")
    for n in range(rows.count()):  # a star on every talk and poster-session row, on no break
        kind = rows.nth(n).get_attribute("class").split()[0]
        expected = 1 if kind in ("slot-talk", "slot-poster", "slot-social") else 0
        assert rows.nth(n).locator("button.agenda-star").count() == expected, kind
    ishteva = page.get_by_role("button", name="My agenda: Decoupling multivariate functions using tensors")
    mourrain = page.get_by_role("button", name=re.compile("^My agenda: Low rank approximation of moment"))
    assert ishteva.get_attribute("aria-pressed") == "false"
    ishteva.click()
    mourrain.focus()
    page.keyboard.press("Enter")
    page.reload()
    page.wait_for_selector("html.agenda-on")
    assert ishteva.get_attribute("aria-pressed") == mourrain.get_attribute("aria-pressed") == "true"
    starred = page.locator("table.schedule-day tr.agenda-starred .slot-title").all_inner_texts()
    assert starred == [
        "Decoupling multivariate functions using tensors",
        "Low rank approximation of moment matrices and tensors",
    ]

    page.goto(site + PAGES["poster"])
    poster_star = page.get_by_role("button", name="My agenda")
    session_uid = uids["Cocktail + posters", paris(26, 17, 30)]
    assert poster_star.get_attribute("value") == session_uid  # a poster's star is its session's
    poster_star.click()
    page.goto(site + "abstracts/ishteva.html")
    assert page.get_by_role("button", name="My agenda").get_attribute("aria-pressed") == "true"

    page.goto(site + PAGES["agenda"])
    page.wait_for_selector(".my-agenda-items")
    assert page.locator(".my-agenda-day").all_inner_texts() == [
        "Tuesday 26 November 2024",
        "Wednesday 27 November 2024",
    ]
    listed = page.locator(".my-agenda-items li a").all_inner_texts()
    assert listed == [
        "Decoupling multivariate functions using tensors",
        "Cocktail + posters",
        "Low rank approximation of moment matrices and tensors",
    ]
    with page.expect_download() as download:
        page.get_by_role("button", name="Download my agenda (.ics)").click()
    assert download.value.suggested_filename == "lorainne24-my-agenda.ics"
    exported = icalendar.Calendar.from_ical(Path(download.value.path()).read_bytes())
    events = {(str(e["summary"]), e.decoded("dtstart")): str(e["uid"]) for e in exported.walk("VEVENT")}
    assert events == {
        key: uids[key]
        for key in [
            ("Decoupling multivariate functions using tensors", paris(26, 15, 15)),
            ("Cocktail + posters", paris(26, 17, 30)),
            ("Low rank approximation of moment matrices and tensors", paris(27, 9, 30)),
        ]
    }
    # unstarred on My agenda: still listed (to star again), left out of the next export
    page.get_by_role("button", name="My agenda: Cocktail + posters").focus()
    page.keyboard.press("Space")
    focused = "[document.activeElement.textContent, document.activeElement.getAttribute('aria-pressed')]"
    assert page.evaluate(focused) == ["My agenda: Cocktail + posters", "false"]  # in place, still focused
    with page.expect_download() as download:
        page.get_by_role("button", name="Download my agenda (.ics)").click()
    again = icalendar.Calendar.from_ical(Path(download.value.path()).read_bytes())
    assert [str(e["summary"]) for e in again.walk("VEVENT")] == [
        "Decoupling multivariate functions using tensors",
        "Low rank approximation of moment matrices and tensors",
    ]
    assert page.locator(".my-agenda-items li").count() == 3
    ours = [key for key in page.evaluate("Object.keys(localStorage)") if key not in ("theme", "mode")]
    assert ours == [STORE + "agenda"]  # the theme's own two keys aside
    context.close()


def test_the_time_zone_switch_under_a_sub_path(served, browser):
    """Served at /html/: a reader in Auckland (UTC+13) sees their own times beside the venue's,
    with their date where it is not the venue's and both dates for a talk across their midnight;
    the choice is remembered. A reader in the venue's zone is told so, with no switch."""
    _, outdir = served
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=outdir.parent)
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}/{outdir.name}/"
    context = reader_context(browser, timezone_id="Pacific/Auckland")
    page = context.new_page()
    page.goto(base + PAGES["programme"])
    page.wait_for_selector("html.agenda-on")
    assert page.locator(".reader-time").count() == 0
    assert "yours: Pacific/Auckland" in page.inner_text(".tz-line")
    page.get_by_label("Show the times in my time zone too").check()
    shown = "[...document.querySelectorAll('td.slot-time')].map(td => [td.id, td.firstElementChild.firstChild.textContent, td.querySelector('.reader-time')?.textContent])"
    read = page.evaluate(shown.replace("td.id", "td.closest('table').id"))
    rows = {(day, venue): yours for day, venue, yours in read}
    assert (
        rows["day-2024-11-26", "14:15–15:15"] == "your time: Wed 27 Nov, 02:15–03:15"
    )  # not the venue's date
    assert rows["day-2024-11-27", "09:30–10:30"] == "your time: 21:30–22:30"  # the same date
    assert rows["day-2024-11-27", "11:30–12:30"] == "your time: Wed 27 Nov 23:30 – Thu 28 Nov 00:30"
    assert rows["day-2024-11-27", "12:30–14:00"] == "your time: Thu 28 Nov, 00:30–02:00"
    assert len(rows) == 18 and all(rows.values())
    page.reload()
    page.wait_for_selector("html.agenda-on")
    assert page.get_by_label("Show the times in my time zone too").is_checked()
    assert page.locator(".reader-time").count() == 18
    page.get_by_label("Show the times in my time zone too").uncheck()
    assert page.locator(".reader-time").count() == 0
    context.close()

    context = reader_context(browser, timezone_id="Europe/Paris")
    page = context.new_page()
    page.goto(base + PAGES["programme"])
    page.wait_for_selector("html.agenda-on")
    assert page.inner_text(".tz-line") == "The programme's times are your time zone's (Europe/Paris)."
    assert page.locator("input.tz-switch").count() == 0
    context.close()
    server.shutdown()


def now_next(page) -> str:
    box = page.locator(".now-next")
    return box.inner_text() if box.is_visible() else ""


def test_now_and_next_on_the_event_days_only(served, browser):
    base, _ = served
    context = reader_context(browser, timezone_id="America/New_York")
    context.clock.set_fixed_time(DURING_THE_EVENT)
    page = context.new_page()
    for name in ("home", "programme"):  # the home page from its data, the programme from its tables
        page.goto(base + PAGES[name])
        page.wait_for_selector(".now-next:not([hidden])")
        text = now_next(page)
        assert "(10:40, the programme's time)" in text
        assert (
            "Now: Implicit Regularization in Regularized (Nonnegative) Low-Rank Approximations (until 11:00)"
            in text
        )
        assert "Next: Coffee break (11:00)" in text
        link = page.locator(".now-next a", has_text="Implicit Regularization")
        assert link.get_attribute("href").endswith("abstracts/cohen.html")
    context.clock.set_fixed_time(paris(26, 19, 30))  # the first evening: the next morning's coffee
    page.reload()
    page.wait_for_selector(".now-next:not([hidden])")
    assert "Now:" not in now_next(page) and "Next: Welcome coffee (Wed 27 Nov, 09:00)" in now_next(page)
    for moment in (paris(25, 23, 59), paris(28, 0, 1)):  # the day before, the day after
        context.clock.set_fixed_time(moment)
        for name in ("home", "programme"):
            page.goto(base + PAGES[name])
            page.wait_for_selector("html.agenda-on")
            assert now_next(page) == "" and page.locator(".now-next").is_hidden()
    context.close()


def test_now_and_next_per_room(served, browser):
    """Parallel rooms (the programme of test_agenda, its data made by site/agenda.py): a line
    per room, one for the rooms that share what is on; a cancelled talk is never on."""
    from sphinx_workshop_site.site.agenda import data_markup, now_next_data
    from test_agenda import programme

    base, _ = served
    data = data_markup(now_next_data(programme(), lambda item: f"{item.talk or 'programme'}.html"))
    html = (
        '<!DOCTYPE html><html lang="en"><head><title>Rooms</title></head><body>'
        f'<div class="now-next" hidden>{data}</div>'
        '<script defer src="_static/agenda.js" data-edition="t24" data-tz="Europe/Paris"></script></body></html>'
    )
    context = reader_context(browser, timezone_id="Asia/Tokyo")
    page = context.new_page()
    page.route(base + "rooms.html", lambda route: route.fulfill(body=html, content_type="text/html"))
    expected = {
        paris(26, 9, 40): [
            "Room A: Now: Alpha (until 10:30) · Next: Posters (10:30)",
            "Room B: Now: Beta (until 10:30) · Next: Posters (10:30)",
        ],
        paris(26, 11, 0): ["All rooms: Now: Posters (until 12:00) · Next: Spotlights (12:00)"],
        paris(27, 9, 10): ["Room A: Now: Alpha (until 10:00) · Next: Invited talk (10:00)"],
    }
    for moment, lines in expected.items():
        context.clock.set_fixed_time(moment)
        page.goto(base + "rooms.html")
        page.wait_for_selector("html.agenda-on")
        assert page.locator(".now-next li").all_inner_texts() == lines
    context.close()


def test_without_javascript_no_control_shows(served, browser):
    base, _ = served
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    controls = ".agenda-star, .agenda-tools, .tz-switch, .agenda-export, .now-next, .my-agenda-list"
    for name in ("home", "programme", "talk", "poster", "agenda"):
        page.goto(base + PAGES[name])
        assert [c for c in page.locator(controls).all() if c.is_visible()] == [], name
    assert "My agenda needs JavaScript" in page.inner_text("article")
    page.goto(base + "abstracts/cohen.html")
    when = page.locator("dl.talk-meta dd").nth(1).inner_text()
    assert when.rstrip().endswith("Add to calendar")  # the star's separator goes with it
    context.close()


# Every icon a page draws with the theme's icon font, found in the page as the browser styled it
# (an element's or a stylesheet's ::before/::after in a Font Awesome family), each drawn on a
# canvas in that font and in the page's own font: a glyph missing from the served font would be
# drawn by the same fallback in both.
ICONS = """async () => {
  const icons = new Map();
  for (const element of document.querySelectorAll('*')) {
    for (const pseudo of ['::before', '::after']) {
      const style = getComputedStyle(element, pseudo);
      // content: "\\f002" / "" (the icon, then its alternative text for screen readers: none)
      const match = /^"((?:[^"\\\\]|\\\\.)+)"/.exec(style.content);
      if (!/font awesome/i.test(style.fontFamily) || !match) continue;
      const text = match[1].replace(/\\\\(.)/g, '$1');
      icons.set(style.fontWeight + ' ' + style.fontFamily + ' ' + text, [style.fontWeight, style.fontFamily, text]);
    }
  }
  const loaded = [...document.fonts].filter(f => /font awesome/i.test(f.family) && f.status === 'loaded').length;
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 64;
  const context = canvas.getContext('2d', {willReadFrequently: true});
  const draw = (font, text) => {
    context.clearRect(0, 0, 64, 64);
    context.font = font;
    context.fillText(text, 4, 52);
    return [context.measureText(text).width, context.getImageData(0, 0, 64, 64).data.join()];
  };
  const drawn = [];
  for (const [weight, family, text] of icons.values()) {
    const font = `${weight} 48px ${family}`;
    await document.fonts.load(font, text);
    const [width, pixels] = draw(font, text);
    const [, fallback] = draw(`${weight} 48px sans-serif`, text);
    const ink = pixels.split(',').some((v, i) => i % 4 === 3 && v !== '0');
    drawn.push({code: text.codePointAt(0).toString(16), weight, width, ink, own: pixels !== fallback});
  }
  return {loaded, drawn};
}"""
# search, the colour-mode switch (light, dark, auto), the sidebars' toggles (bars, list),
# the sidebar tree's chevron, Previous/Next, back to top, the note's icon (info-circle)
CHROME_ICONS = {
    "f002",
    "f185",
    "f186",
    "f042",
    "f0c9",
    "f03a",
    "f078",
    "f104",
    "f105",
    "f062",
    "f05a",
}


@pytest.mark.parametrize("window", ["phone", "desktop"])
def test_every_icon_is_drawn_from_the_served_icon_font(narrow_window, reader_sweep, window):
    """The theme's icon fonts are cut to the site's icons (site/icons.py): every icon of every
    kind of page is drawn from them, none by a fallback font, none empty (375 px: the narrow
    window's sweep; desktop: the reader's, light scheme)."""
    seen = set()
    for name in ("home", "programme", "talk", "speaker", "poster", "agenda"):
        found = (
            narrow_window[PAGES[name]]["icons"] if window == "phone" else reader_sweep["light", name]["icons"]
        )
        assert found["loaded"] >= 1, name  # the page's own icons loaded the font
        bad = [icon for icon in found["drawn"] if not (icon["width"] > 0 and icon["ink"] and icon["own"])]
        assert found["drawn"] and bad == [], (name, bad)
        seen |= {icon["code"] for icon in found["drawn"]}
    assert seen >= CHROME_ICONS, CHROME_ICONS - seen


def test_searching_from_a_page_without_the_search_scripts(served, browser):
    """Pages load no search index (search-as-you-type is off): the search dialog sends the query
    to search.html, which loads it and lists the results, also from file://."""
    _base, outdir = served
    html = (outdir / PAGES["programme"]).read_text(encoding="utf-8")
    assert "searchindex.js" not in html and "searchtools.js" not in html
    page = browser.new_page()
    page.goto((outdir / PAGES["programme"]).as_uri())
    page.keyboard.press("Control+k")
    page.keyboard.type("tensor")
    page.keyboard.press("Enter")
    page.wait_for_selector("#search-results li", timeout=15000)
    assert (
        page.url.startswith((outdir / "search.html").as_uri())
        and page.locator("#search-results li").count() >= 2
    )
    page.close()
