"""Fixes to what the theme renders, applied to every HTML page."""

from __future__ import annotations

import html

from sphinx.application import Sphinx


def escape_page_title(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """sphinx-book-theme prints ``pagetitle`` (the title as plain text) into its print header
    without escaping: a title such as ``<script>…`` would run. Escape it once it is set."""
    if isinstance(context.get("pagetitle"), str) and not context.get("_workshop_title_escaped"):
        context["pagetitle"] = html.escape(context["pagetitle"], quote=False)
        context["_workshop_title_escaped"] = True


def setup_theme(app: Sphinx) -> None:
    app.connect("html-page-context", escape_page_title, priority=900)  # after the theme's own handler
