"""What holds for any edition of this site (the real site built in a temp copy: clean, offline, its
logo drawn from the edition), and the theme's templates as the extension wraps them (on a test
root with sphinx-book-theme). The current edition's content is tested in test_site_content.py."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from urllib.parse import urlparse

from bs4 import BeautifulSoup
from conftest import ROOT
from PIL import Image
from sphinx_workshop_site.edition.checks import logo_caption, render_logo
from sphinx_workshop_site.model.schedulefile import load_schedule
from sphinx_workshop_site.site import icons
from sphinx_workshop_site.site.theme import image_size
from test_icons import THEME_STATIC

EXTERNAL_ASSET = {
    "script": "src",
    "img": "src",
    "link": "href",
    "source": "src",
    "iframe": "src",
    "audio": "src",
    "video": "src",
    "embed": "src",
    "object": "data",
}


def conf_value(name: str):
    module = ast.parse((ROOT / "conf.py").read_text(encoding="utf-8"))
    return next(
        ast.literal_eval(n.value)
        for n in module.body
        if isinstance(n, ast.Assign) and n.targets[0].id == name
    )


def test_build_is_clean(site):
    assert site.returncode == 0, site.output
    assert "WARNING" not in site.output and "ERROR" not in site.output, site.output


def test_each_page_has_one_place_in_the_navigation(site):
    """The home page's speakers grid and the contributions page's lists add each page to the
    navigation once, under its folder's index: Sphinx names no page 'referenced in multiple
    toctrees', the sidebar lists the home page's sections only, a speaker sits under Speakers alone,
    and the home page's Next is the programme (not the first speaker)."""
    assert "multiple toctrees" not in site.output, site.output
    home = BeautifulSoup(site.page("index.html"), "html.parser")
    sections = [
        a.get_text(strip=True)
        for a in home.select("nav.bd-docs-nav ul:not(.bd-sidenav__home-link) > li.toctree-l1 > a")
    ]
    assert sections == ["Programme", "Contributions", "Speakers"]
    assert home.select_one("a.right-next")["href"] == "program/index.html"
    speakers = sorted(site.outdir.glob("speakers/*.html"))
    assert len(speakers) > 2
    for path in speakers:
        nav = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").select_one("nav.bd-docs-nav")
        current = [a.get_text(strip=True) for a in nav.select("li.toctree-l1.current > a")]
        assert current == ["Speakers"], (path.name, current)
        links = [a["href"] for a in nav.select("li > a")]
        assert len(links) == len(set(links)), (path.name, links)


def test_the_speakers_are_in_one_order_in_the_grid_the_sidebar_and_next(site):
    """By family name (de Almeida under A), as the book lists them: the sidebar and Previous/Next
    followed the files' names."""
    index = BeautifulSoup(site.page("speakers/index.html"), "html.parser")
    grid = [a["href"] for a in index.select("ul.speaker-grid li > p > strong a")]
    assert len(grid) > 2 and grid[0] == "de-almeida.html", grid
    sidebar = [
        a["href"] for a in index.select("nav.bd-docs-nav li.toctree-l1.current > details > ul > li > a")
    ]
    assert sidebar == grid
    chain, page = [], "speakers/index.html"
    while (following := BeautifulSoup(site.page(page), "html.parser").select_one("a.right-next")) and (
        "/" not in following["href"]  # still a speaker's page
    ):
        chain.append(following["href"])
        page = f"speakers/{following['href']}"
    assert chain == grid


def test_one_search_field_on_every_page(site):
    """The sidebar's: PyData's theme added a second one in a header strip over every page."""
    for path in sorted(site.outdir.glob("**/*.html")):
        page = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        if page.select_one("nav.bd-docs-nav") is None:
            continue  # not a page of the site's layout
        fields = page.select(".search-button-field")
        assert len(fields) == 1 and fields[0].find_parent(class_="bd-sidebar-primary"), path
        header = page.select_one("#pst-header")
        assert header is None or (not header.get_text(strip=True) and not header.find("button")), path


def test_every_sidebar_toggle_is_named_after_its_page(site):
    """Also on the page whose children it opens (its link: "current reference internal"), where
    the toggle had no name, or an earlier page's."""
    toggles = 0
    for path in sorted(site.outdir.glob("**/index.html")):
        for toggle in BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").select(
            "nav.bd-docs-nav summary"
        ):
            link = toggle.parent.find_previous_sibling("a")
            assert toggle.get("aria-label") == f"Pages under {link.get_text(strip=True)}", path
            toggles += 1
    assert toggles


def test_no_page_loads_anything_from_another_host(site):
    for page in site.outdir.rglob("*.html"):
        html = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for tag, attr in EXTERNAL_ASSET.items():
            for element in html.find_all(tag):
                url = element.get(attr) or ""
                if tag == "link" and not {"stylesheet", "icon", "preload", "modulepreload", "manifest"} & set(
                    element.get("rel") or []
                ):
                    continue
                assert not urlparse(url).netloc, f"{page}: <{tag} {attr}={url}>"
        for style in html.find_all("style"):
            assert not re.search(r"url\(\s*['\"]?(https?:)?//", style.get_text()), page
    for css in site.outdir.rglob("*.css"):
        assert not re.search(
            r"@import\s+url\(\s*['\"]?(https?:)?//|url\(\s*['\"]?https?://", css.read_text(errors="ignore")
        ), css


def test_logo_is_drawn_from_the_edition(site):
    """The logo's words are the edition's: conf.py's acronym, the schedule's town and dates."""
    schedule, problems = load_schedule((ROOT / "program/schedule.yaml").read_bytes(), "program/schedule.yaml")
    assert schedule is not None and not problems
    days = [d.date for d in schedule.days]
    caption = conf_value("workshop_logo_text") or logo_caption(schedule.venue, min(days), max(days))
    template = (ROOT / "_static/logo.svg").read_text(encoding="utf-8")
    assert "{{ caption }}" in template, "the logo's caption is not drawn into the file"
    built = (site.outdir / "_static/logo.svg").read_text(encoding="utf-8")
    assert built == render_logo(template, conf_value("workshop_acronym"), caption)
    assert "{{" not in built and caption in built


def test_title_and_copyright_follow_the_edition(site):
    acronym = conf_value("workshop_acronym")
    page = BeautifulSoup(site.page("program/index.html"), "html.parser")
    assert acronym in page.title.get_text()
    schedule, _ = load_schedule((ROOT / "program/schedule.yaml").read_bytes(), "program/schedule.yaml")
    year = str(min(d.date for d in schedule.days).year)
    footer = page.select_one(".bd-footer-content").get_text()
    assert f"{year} {conf_value('copyright_holder')}" in footer and "{year}" not in footer


# --------------------------------------------------------------------------- the theme, wrapped

BOOK = {"html_theme": "sphinx_book_theme", "html_theme_options": {"home_page_in_toc": True}}


def page(app, name: str) -> BeautifulSoup:
    return BeautifulSoup((Path(app.outdir) / name).read_text(encoding="utf-8"), "html.parser")


def test_compact_sidebar_lists_the_sections_and_marks_the_current_one(build_root):
    app, warnings = build_root("schedule", confoverrides={**BOOK, "workshop_sidebar": "sections"})
    assert "WARNING" not in warnings, warnings
    talk = page(app, "abstracts/alpha.html")
    nav = talk.select_one("nav.bd-docs-nav")
    lists = nav.select("ul.bd-sidenav")
    assert "bd-sidenav__home-link" in lists[0]["class"]  # the theme's own home link is kept
    items = lists[1].find_all("li", recursive=False)
    assert [li.get_text(strip=True) for li in items] == ["Programme", "Talks", "Speakers"]
    assert ["current" in li["class"] for li in items] == [False, True, False]
    assert [li.a["href"] for li in items] == ["../program/index.html", "index.html", "../speakers/index.html"]
    assert not nav.select("details, summary"), "no per-talk tree in the compact sidebar"


def test_full_sidebar_is_the_themes_tree_with_named_toggles(build_root):
    app, _warnings = build_root("schedule", confoverrides={**BOOK, "workshop_sidebar": "full"})
    nav = page(app, "abstracts/alpha.html").select_one("nav.bd-docs-nav")
    assert "Alpha talk" in nav.get_text(" ")  # every talk listed
    toggles = nav.select("summary")
    assert toggles and all(t.get("aria-label", "").startswith("Pages under ") for t in toggles)
    # on the page whose children the toggle opens (its link is "current reference internal")
    own = page(app, "abstracts/index.html").select_one(
        "nav.bd-docs-nav li.current.active > details > summary"
    )
    assert own is not None and own.get("aria-label", "").startswith("Pages under ")


def test_theme_assets_without_fontawesome_and_logo_in_a_landmark(build_root):
    app, _warnings = build_root("schedule", confoverrides=BOOK)
    html = (Path(app.outdir) / "index.html").read_text(encoding="utf-8")
    assert "fontawesome" not in html
    soup = BeautifulSoup(html, "html.parser")
    scripts = [s["src"] for s in soup.find_all("script", src=True)]
    # the theme's own scripts, with the digests of the installed theme (nothing pinned here)
    assert any(re.search(r"_static/scripts/bootstrap\.js\?digest=\w+", s) for s in scripts)
    assert any(re.search(r"_static/scripts/pydata-sphinx-theme\.js\?digest=\w+", s) for s in scripts)
    assert soup.select('link[rel="preload"][href*="bootstrap.js"]')
    landmark = soup.select_one('nav.workshop-home-link[aria-label="Workshop home"]')
    assert landmark is not None and landmark.select_one("a.navbar-brand")


def test_the_logo_keeps_its_room_before_it_loads(site):
    """The logo's <img> elements carry its width and height (Lighthouse's unsized-images; no
    layout shift when it arrives): the built logo's viewBox."""
    logo = (site.outdir / "_static/logo.svg").read_text(encoding="utf-8")
    width, height = re.search(r'viewBox="0 0 (\d+) (\d+)"', logo).groups()
    images = BeautifulSoup(site.page("program/index.html"), "html.parser").select("img.logo__image")
    assert len(images) == 2 and all((i["width"], i["height"]) == (width, height) for i in images)


def test_image_size(tmp_path):
    cases = {
        "plain.svg": ('<svg xmlns="http://www.w3.org/2000/svg" width="120" height="30px"></svg>', (120, 30)),
        "box.svg": ('<?xml version="1.0"?>\n<svg viewBox="0 0 250 64" role="img"></svg>', (250, 64)),
        "units.svg": ('<svg width="10cm" height="2cm" viewBox="-5 -5 100.4 20"></svg>', (100, 20)),
        "none.svg": ("<svg></svg>", None),
        "broken.png": ("not a picture", None),
    }
    for name, (text, size) in cases.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        assert image_size(tmp_path / name) == size, name
    Image.new("RGB", (40, 12)).save(tmp_path / "logo.png")
    assert image_size(tmp_path / "logo.png") == (40, 12)


def test_templates_wrap_the_theme_and_copy_nothing():
    for template in (ROOT / "_ext/sphinx_workshop_site").rglob("templates/**/*.html"):
        text = template.read_text(encoding="utf-8")
        assert re.search(r'{%-?\s*(include|extends|import)\s+"!', text), template
        assert "digest=" not in text and len(text.splitlines()) < 30, template


def test_math_is_served_by_the_site(build_root):
    app, _warnings = build_root("schedule", confoverrides=BOOK)
    talk = (Path(app.outdir) / "abstracts/alpha.html").read_text(encoding="utf-8")  # has $x_1$
    scripts = [s["src"] for s in BeautifulSoup(talk, "html.parser").find_all("script", src=True)]
    assert any(s.endswith("_static/mathjax/tex-chtml.js") for s in scripts), scripts
    assert (Path(app.outdir) / "_static/mathjax/tex-chtml.js").is_file()
    assert "cdn.jsdelivr" not in talk and "mathjax@" not in talk


# --------------------------------------------------------------------------- icon fonts (site/icons.py)

WEBFONTS = "_static/vendor/fontawesome/webfonts"
THEME_WEBFONTS = THEME_STATIC / "vendor/fontawesome/webfonts"
# The icons the theme's chrome shows on this site: search, the colour-mode switch, the sidebars'
# toggles, the table of contents, Previous/Next, back to top, the search dialog's close button.
CHROME_ICONS = [
    "fa-magnifying-glass",
    "fa-bars",
    "fa-sun",
    "fa-moon",
    "fa-circle-half-stroke",
    "fa-chevron-down",
    "fa-angle-left",
    "fa-angle-right",
    "fa-list",
    "fa-arrow-up",
    "fa-xmark",
]


def served_code_points(outdir: Path, font: str) -> set[int]:
    return icons.font_code_points((outdir / WEBFONTS / font).read_bytes())


def needed_icons(outdir: Path) -> tuple[dict[str, str], set[str], set[int]]:
    """Read as a person would grep: every fa-… word of every page and script (not the icon library
    itself), and the code points the stylesheets draw."""
    css = "".join(
        p.read_text(encoding="utf-8") for p in (outdir / "_static").rglob("*.css") if "mathjax" not in p.parts
    )
    words: set[str] = set()
    for path in [*outdir.rglob("*.html"), *(outdir / "_static").rglob("*.js")]:
        if "mathjax" not in path.parts and not path.name.startswith("fontawesome"):
            words |= set(
                re.findall(r"fa-[a-z0-9]+(?:-[a-z0-9]+)*", path.read_text(encoding="utf-8", errors="replace"))
            )
    icon_map = icons.icon_map(css)
    return icon_map, {w for w in words if w in icon_map}, icons.drawn_code_points(css)


def test_the_served_icon_fonts_hold_every_icon_the_site_shows_and_little_else(site):
    icon_map, shown, drawn = needed_icons(site.outdir)
    assert set(CHROME_ICONS) <= shown  # the pages and scripts were read
    solid = served_code_points(site.outdir, "fa-solid-900.woff2")
    missing = sorted(name for name in shown if not {ord(c) for c in icon_map[name]} <= solid)
    assert missing == []
    theme = {
        font: icons.font_code_points((THEME_WEBFONTS / font).read_bytes())
        for font in ("fa-solid-900.woff2", "fa-regular-400.woff2", "fa-brands-400.woff2")
    }
    assert drawn and all(drawn & theme[font] <= served_code_points(site.outdir, font) for font in theme)
    # the theme's 115 kB solid font, cut to a few kB: the site's icons only
    assert (site.outdir / WEBFONTS / "fa-solid-900.woff2").stat().st_size < 10_000
    assert len(solid) < 60 < len(theme["fa-solid-900.woff2"])


def test_icons_the_theme_shows_once_configured_are_added_to_the_served_font(build_root):
    """A theme option that brings icons (download, full screen, repository buttons) brings their
    glyphs, in the next build: the fonts are cut from the theme's, for the pages as written."""
    options = {**BOOK["html_theme_options"], "use_download_button": False, "use_fullscreen_button": False}
    app, _warnings = build_root("schedule", confoverrides={**BOOK, "html_theme_options": options})
    outdir = Path(app.outdir)
    _icon_map, before, _drawn = needed_icons(outdir)
    solid_before = served_code_points(outdir, "fa-solid-900.woff2")
    options = {
        **options,
        "use_download_button": True,
        "use_fullscreen_button": True,
        "repository_url": "https://github.com/example/site",
        "use_repository_button": True,
    }
    app, _warnings = build_root("schedule", confoverrides={**BOOK, "html_theme_options": options})
    icon_map, shown, _drawn = needed_icons(outdir)
    added = shown - before
    assert {"fa-download", "fa-expand", "fa-file-pdf", "fa-github"} <= added
    solid = served_code_points(outdir, "fa-solid-900.woff2")
    brands = served_code_points(outdir, "fa-brands-400.woff2")
    assert 0xF065 not in solid_before and 0xF065 in solid  # fa-expand: cut out, then served
    assert all({ord(c) for c in icon_map[name]} <= solid | brands for name in shown)


def test_a_font_that_cannot_be_cut_is_one_line_and_served_whole(build_root):
    """A site's own copy of an icon font (html_static_path, over the theme's) that is no font:
    one warning naming it, no traceback; the file is served as it is."""
    bogus = b"not a font"
    app, warnings = build_root(
        "schedule",
        {"_static/vendor/fontawesome/webfonts/fa-brands-400.woff2": bogus},
        confoverrides={**BOOK, "html_static_path": ["_static"]},
    )
    lines = [line for line in warnings.splitlines() if "icon font" in line]
    assert len(lines) == 1 and "fa-brands-400.woff2" in lines[0] and "served whole" in lines[0], warnings
    assert "Traceback" not in warnings
    webfonts = Path(app.outdir) / WEBFONTS
    assert (webfonts / "fa-brands-400.woff2").read_bytes() == bogus
    assert (webfonts / "fa-solid-900.woff2").stat().st_size < 10_000  # the others are cut
