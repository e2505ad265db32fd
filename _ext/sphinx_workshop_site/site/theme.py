"""Fixes to what the theme renders, applied to every HTML page."""

from __future__ import annotations

import html
import posixpath
import re
from pathlib import Path

from markupsafe import Markup
from PIL import Image
from sphinx.application import Sphinx
from sphinx.config import Config

from ..gate.mathmacros import plain_text

TEMPLATES = Path(__file__).parent / "templates"
# a toggle right after its page's link (the page shown: class "current reference internal"); the
# link's text never crosses another link's end (a toggle was named after an earlier page)
SUMMARY = re.compile(
    r'(<a class="(?:current )?reference internal" href="[^"]*">((?:(?!</a>).)*)</a><details[^>]*>)<summary>',
    re.S,
)
SVG_TAG = re.compile(r"<svg\b[^>]*>", re.S)
SVG_ATTRIBUTE = re.compile(r"""\b(width|height|viewBox)\s*=\s*["']([^"']*)["']""")
NUMBER = r"\s*(\d+(?:\.\d+)?)\s*"


def escape_page_title(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """sphinx-book-theme prints ``pagetitle`` (the title as plain text) into its print header
    without escaping: a title such as ``<script>…`` would run. Escape it once it is set."""
    if isinstance(context.get("pagetitle"), str) and not context.get("_workshop_title_escaped"):
        context["pagetitle"] = html.escape(context["pagetitle"], quote=False)
        context["_workshop_title_escaped"] = True


def name_toctree_toggles(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """The sidebar's expand/collapse toggles are <summary> elements holding only an icon: give
    each an accessible name ('Pages under Talks'), as screen readers need."""
    generate = context.get("generate_toctree_html")
    if generate is None or getattr(generate, "_workshop_named", False):
        return

    def named(*args, **kwargs):
        out = generate(*args, **kwargs)

        def label(match: re.Match) -> str:
            text = re.sub(r"<[^>]+>", "", match.group(2)).strip()
            return f'{match.group(1)}<summary aria-label="Pages under {html.escape(html.unescape(text))}">'

        return Markup(SUMMARY.sub(label, str(out)))

    named._workshop_named = True
    context["generate_toctree_html"] = named


COMPACT_SIDEBAR_FROM = 100  # talks; below that the sidebar shows every talk


def compact_sidebar(app: Sphinx) -> bool:
    mode = app.config.workshop_sidebar
    if mode == "auto":
        # counted once per set of documents, not once per page written (quadratic at scale)
        docs = app.env.found_docs
        cached = getattr(app, "_workshop_compact", None)
        if cached is None or cached[0] != (id(docs), len(docs)):
            folder = app.config.workshop_talks_dir
            count = sum(1 for d in docs if d.startswith(folder + "/"))
            app._workshop_compact = ((id(docs), len(docs)), count > COMPACT_SIDEBAR_FROM)
        return app._workshop_compact[1]
    return mode == "sections"


def sidebar_sections(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Large conferences: the sidebar lists the home page's sections (programme, talks,
    speakers), each marked current for the pages under it; O(sections) per page. The theme's
    own sidebar template is kept: only the global tree it asks Sphinx for (``toctree()``, which
    walks every document on every page) is replaced by the sections list. Connected before the
    theme's handlers, which render the sidebar inside the same event."""
    toctree = context.get("toctree")
    if toctree is None or getattr(toctree, "_workshop_sections", False) or not compact_sidebar(app):
        return
    env = app.env
    items = []
    for docname in env.toctree_includes.get(app.config.root_doc, []):
        title = env.titles.get(docname)
        folder = posixpath.dirname(docname)
        current = pagename == docname or (docname.endswith("/index") and pagename.startswith(folder + "/"))
        uri = app.builder.get_relative_uri(pagename, docname)
        state = " current" if current else ""  # the theme adds "active" to "current"
        text = html.escape(plain_text(title) if title else docname)
        link = f'<a class="reference internal" href="{html.escape(uri)}">{text}</a>'
        items.append(f'<li class="toctree-l1{state}">{link}</li>')
    sections = "<ul>" + "".join(items) + "</ul>"

    def sections_tree(**kwargs) -> str:
        return sections

    sections_tree._workshop_sections = True
    context["toctree"] = sections_tree


def image_size(path: Path) -> tuple[int, int] | None:
    """An image's width and height in CSS pixels: an SVG's own (unitless or px), else its viewBox's;
    a bitmap's pixels. None when it does not say."""
    try:
        if path.suffix.lower() == ".svg":
            tag = SVG_TAG.search(path.read_text(encoding="utf-8", errors="replace")[:20_000])
            attributes = dict(SVG_ATTRIBUTE.findall(tag.group())) if tag else {}
            sizes = [re.fullmatch(NUMBER + "(?:px)?", attributes.get(a, "")) for a in ("width", "height")]
            if all(sizes):
                width, height = (float(s.group(1)) for s in sizes)
            else:
                box = re.fullmatch(
                    (NUMBER + ",?") * 3 + NUMBER, attributes.get("viewBox", "").replace("-", "")
                )
                width, height = (float(box.group(3)), float(box.group(4))) if box else (0, 0)
        else:
            with Image.open(path) as image:  # the header only
                width, height = image.size
    except (OSError, ValueError, Image.DecompressionBombError):
        return None
    return (round(width), round(height)) if width >= 1 and height >= 1 else None


def logo_size(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """The logo's width and height for its <img> elements (templates/navbar-logo.html): the page
    keeps its room before it loads (no layout shift; Lighthouse's unsized-images). Only when the
    theme shows html_logo in both colour modes; read once per build."""
    logo = app.config.html_logo
    images = (context.get("theme_logo") or {}).get("image_relative") or {}
    if not logo or "://" in logo or {Path(str(i)).name for i in images.values()} != {Path(logo).name}:
        return
    if getattr(app, "_workshop_logo_size", ("", None))[0] != logo:
        app._workshop_logo_size = (logo, image_size(Path(app.confdir, logo)))
    context["workshop_logo_size"] = app._workshop_logo_size[1]


def add_templates(app: Sphinx, config: Config) -> None:
    config.templates_path = [str(TEMPLATES), *config.templates_path]


def one_search_field(app: Sphinx, config: Config) -> None:
    """sphinx-book-theme has no header above the page (its navbar items are empty, the search
    field is in the sidebar), but PyData's theme (0.20) puts its search button in that header
    whenever conf.py does not set ``navbar_persistent``: a second search field, in a strip of its
    own over every page. Empty unless conf.py sets it."""
    if config.html_theme == "sphinx_book_theme" and "navbar_persistent" not in config.html_theme_options:
        config.html_theme_options = {**config.html_theme_options, "navbar_persistent": []}


def setup_theme(app: Sphinx) -> None:
    app.connect("config-inited", add_templates)
    app.connect("config-inited", one_search_field)
    # before the theme's handlers (priority 500), which render the sidebar with toctree()
    app.connect("html-page-context", sidebar_sections, priority=400)
    app.connect("html-page-context", escape_page_title, priority=900)  # after the theme's own handler
    app.connect("html-page-context", name_toctree_toggles, priority=900)
    app.connect("html-page-context", logo_size, priority=900)  # after the theme's theme_logo
