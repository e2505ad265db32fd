"""Fixes to what the theme renders, applied to every HTML page."""

from __future__ import annotations

import html
import posixpath
import re
from pathlib import Path

from markupsafe import Markup
from sphinx.application import Sphinx
from sphinx.config import Config

from ..gate.mathmacros import plain_text

TEMPLATES = Path(__file__).parent / "templates"
SUMMARY = re.compile(r'(<a class="reference internal" href="[^"]*">(.*?)</a><details[^>]*>)<summary>', re.S)


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


def add_templates(app: Sphinx, config: Config) -> None:
    config.templates_path = [str(TEMPLATES), *config.templates_path]


def setup_theme(app: Sphinx) -> None:
    app.connect("config-inited", add_templates)
    # before the theme's handlers (priority 500), which render the sidebar with toctree()
    app.connect("html-page-context", sidebar_sections, priority=400)
    app.connect("html-page-context", escape_page_title, priority=900)  # after the theme's own handler
    app.connect("html-page-context", name_toctree_toggles, priority=900)
