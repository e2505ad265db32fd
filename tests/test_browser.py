"""The reader's experience in a real browser (Debian's Chromium driven by Playwright) against
the built site served on 127.0.0.1: accessibility, no outside requests, math, phones, links,
and the Nu HTML Checker."""

from __future__ import annotations

import functools
import http.server
import json
import subprocess
import threading
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urldefrag, urljoin, urlparse
from urllib.request import urlopen

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
}
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


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    root = copy_site(tmp_path_factory.mktemp("browser"))
    (root / "abstracts/math-check.md").write_text(MATH_TALK, encoding="utf-8")
    (root / "abstracts/phish.md").write_text(PHISHING_TITLE, encoding="utf-8")
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


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", sorted(PAGES))
def test_axe_finds_no_violation(served, browser, name, scheme):
    from axe_playwright_python.sync_playwright import Axe

    base, _ = served
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    page.goto(base + PAGES[name], wait_until="networkidle")
    assert page.evaluate("document.documentElement.dataset.theme") == scheme
    result = Axe().run(page)
    context.close()
    violations = [(v["id"], [n["target"] for n in v["nodes"]]) for v in result.response["violations"]]
    assert violations == []


@pytest.mark.parametrize("name", sorted(PAGES))
def test_no_request_leaves_the_site(served, browser, name):
    base, _ = served
    page = browser.new_page()
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(base + PAGES[name], wait_until="networkidle")
    page.close()
    outside = [u for u in requests if not u.startswith(base) and not u.startswith("data:")]
    assert requests and outside == []


def test_math_is_rendered(served, browser):
    base, _ = served
    page = browser.new_page()
    page.goto(base + PAGES["talk"], wait_until="networkidle")
    page.wait_for_selector("mjx-container", timeout=15000)
    text = page.inner_text("article")
    assert page.locator("mjx-container").count() >= 3
    assert "\\(" not in text and "\\[" not in text and "\\|" not in text
    page.close()


def test_math_is_typeset_only_where_the_writer_put_math(served, browser):
    """A contributor's text that looks like math, in another page's sidebar or Previous/Next
    links, stays text: MathJax typesets the math nodes only."""
    base, outdir = served
    page = browser.new_page()
    page.goto(base + PAGES["talk"], wait_until="networkidle")
    page.wait_for_selector("mjx-container", timeout=15000)
    assert "SESSION EXPIRED" in (outdir / PAGES["talk"]).read_text(encoding="utf-8")  # listed there
    assert page.locator("a[href*='evil.example']").count() == 0
    assert page.locator("mjx-container:has-text('SESSION EXPIRED')").count() == 0
    assert page.locator("article mjx-container").count() >= 3  # the page's own math still is
    page.close()


PHONE = {"width": 375, "height": 812}


def site_pages(outdir: Path) -> list[str]:
    """Every page of the built site (not the theme's own files)."""
    return sorted(
        p.relative_to(outdir).as_posix()
        for p in outdir.rglob("*.html")
        if p.relative_to(outdir).parts[0] not in ("_static", "_sources")
    )


@pytest.mark.parametrize("mobile", [False, True], ids=["narrow-window", "phone"])
def test_no_page_scrolls_sideways_at_phone_width(served, browser, mobile):
    """Every page, scrolled for real: window.scrollTo(1000, 0) must leave scrollX at 0. A phone
    (is_mobile) would rather zoom the page out than scroll: its layout width must stay 375 px."""
    base, outdir = served
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=mobile, has_touch=mobile)
    page = context.new_page()
    wide = {}
    pages = site_pages(outdir)
    assert len(pages) >= 20
    for name in pages:
        page.goto(base + name, wait_until="networkidle")
        scrolled = page.evaluate("() => { window.scrollTo(1000, 0); return window.scrollX; }")
        layout = page.evaluate("window.innerWidth")
        if scrolled or layout != PHONE["width"]:
            wide[name] = (scrolled, layout)
    context.close()
    assert wide == {}


LABELS = (
    "() => [...document.querySelectorAll('dl.field-list > dt')].map(dt => {"
    "  const range = document.createRange(); range.selectNodeContents(dt);"
    "  const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));"
    "  return [dt.textContent.trim(), lines.size]; })"
)


def test_field_labels_never_break_inside_a_word(served, browser):
    """'Affiliation:', 'Keywords:' on one line each at 375 px, on every talk and speaker page."""
    base, outdir = served
    page = browser.new_page(viewport=PHONE)
    broken, seen = [], 0
    for name in site_pages(outdir):
        if not name.startswith(("abstracts/", "speakers/")) or name.endswith("index.html"):
            continue
        page.goto(base + name, wait_until="networkidle")
        for label, lines in page.evaluate(LABELS):
            seen += 1
            if lines != 1:
                broken.append((name, label, lines))
    page.close()
    assert seen >= 20 and broken == []


def test_programme_rows_use_the_full_width_on_a_phone(served, browser):
    base, _ = served
    page = browser.new_page(viewport=PHONE)
    page.goto(base + PAGES["programme"], wait_until="networkidle")
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
        ("phone", {"width": 375, "height": 812}),
        ("desktop", {"width": 1280, "height": 900}),
    ):
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        for name in ("home", "programme", "talk"):
            page.goto(base + PAGES[name], wait_until="networkidle")
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
