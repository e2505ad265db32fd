"""Offline assets: MathJax served from the site itself, never from a CDN; the extension's own
stylesheet (``static/workshop.css``: talk, speaker and programme pages, the book link), added to
every page by the extension, not copied into each site."""

from __future__ import annotations

import shutil
from importlib import metadata
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config

MATHJAX_ENTRY = "tex-chtml.js"
# The entry script and what it may load lazily (fonts, TeX extensions, menu, a11y).
MATHJAX_PARTS = (
    MATHJAX_ENTRY,
    "output/chtml/fonts/woff-v2",
    "input/tex/extensions",
    "ui",
    "a11y",
    "adaptors",
    "sre",
)


def mathjax_source() -> Path:
    """MathJax 3 as shipped by the PyPI package sphinx-mathjax-offline (Apache-2.0)."""
    dist = metadata.distribution("sphinx-mathjax-offline")
    return Path(dist.locate_file("sphinx-mathjax-offline/static/mathjax"))


MYST_MATH_CLASSES = "tex2jax_process|mathjax_process|math|output_area"

# MathJax's own defences, behind the math checker (texcheck): it typesets the math nodes only
# (startup.elements), never a contributor's text elsewhere on a page; the 'safe' extension filters
# what TeX may put into the page (only http/https links, no classes, ids or styles of one's own),
# the HTML extension (\href, \class, \style, \cssId) and \unicode are never loaded, and text
# in \text{…} is read with textmacros, as LaTeX reads it in the PDF.
MATHJAX_SAFETY = {
    # Only the math nodes the writer made (span.math, div.math: checked math), never text: a title
    # written '\\(…\\)' in a sidebar, a Previous/Next link or the print header is not math.
    "startup": {"elements": [".math"]},
    "loader": {"load": ["ui/safe", "[tex]/textmacros"]},
    "tex": {
        "packages": {"[+]": ["textmacros"]},
        "autoload": {"html": [], "unicode": [], "verb": [], "color": [], "colorv2": []},
        "require": {
            "allow": {"html": False, "unicode": False, "verb": False, "color": False, "colorv2": False}
        },
    },
    "options": {
        "safeOptions": {
            "allow": {"URLs": "safe", "classes": "safe", "cssIDs": "safe", "styles": "safe"},
            "safeProtocols": {"http": True, "https": True, "file": False, "javascript": False, "data": False},
        }
    },
}


# Equations numbered as LaTeX numbers them in the book (align, equation … but not their starred
# forms, nor $$…$$), so that \label and \eqref in a page's math work on the site too.
MATHJAX_NUMBERING = {"tex": {"tags": "ams"}}


def merged(base: dict, extra: dict) -> dict:
    result = dict(base)
    for key, value in extra.items():
        result[key] = merged(result.get(key, {}), value) if isinstance(value, dict) else value
    return result


def use_local_mathjax(app: Sphinx, config: Config) -> None:
    """The bundled MathJax is version 3, so its settings go in mathjax3_config. Filled here with
    what MyST would add at builder-inited, so the stored configuration never looks changed
    (which would rewrite every page on every incremental build)."""
    config.mathjax_path = f"mathjax/{MATHJAX_ENTRY}"
    mathjax3 = config.mathjax3_config or {}
    if not mathjax3 and not getattr(config, "mathjax4_config", None):
        classes = getattr(config, "myst_mathjax_classes", None) or MYST_MATH_CLASSES
        mathjax3 = {"options": {"processHtmlClass": classes}}
    config.mathjax3_config = merged(merged(mathjax3, MATHJAX_NUMBERING), MATHJAX_SAFETY)


def copy_mathjax(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    source = mathjax_source()
    target = Path(app.outdir) / "_static" / "mathjax"
    for part in MATHJAX_PARTS:
        src = source / part
        files = [src] if src.is_file() else [p for p in src.rglob("*") if p.is_file()]
        for file in files:
            dest = target / file.relative_to(source)
            if dest.exists() and dest.stat().st_size == file.stat().st_size:
                continue  # already there from an earlier build
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(file, dest)


STATIC = Path(__file__).parent / "static"  # workshop.css


def add_stylesheet(app: Sphinx, config: Config) -> None:
    """config-inited: the extension's stylesheet, served from its own folder (a site's own
    html_static_path comes first, so a site may still add rules in a stylesheet of its own)."""
    if str(STATIC) not in config.html_static_path:
        config.html_static_path = [*config.html_static_path, str(STATIC)]
    app.add_css_file("workshop.css")


def setup_assets(app: Sphinx) -> None:
    app.connect("config-inited", add_stylesheet)
    app.connect("config-inited", use_local_mathjax)
    app.connect("build-finished", copy_mathjax)
