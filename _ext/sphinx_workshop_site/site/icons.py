"""The theme's icon fonts cut down to the icons the site shows.

pydata-sphinx-theme draws its icons (search, the theme switch, sidebar toggles, Previous/Next,
admonitions …) with Font Awesome's web fonts, declared ``font-display: block``: a page's icons wait
for a 115 kB font of some 2,000 icons before the first paint of a phone on a slow network. When the
build ends, each font the theme's stylesheets declare is written again, in place of the theme's
copy in ``_static`` (same address: the theme's stylesheet is not touched), holding only:

- the icons named by a class (``fa-magnifying-glass``) in any page the build has written, or in
  a script of ``_static`` (the theme's scripts add icons: the search dialog's ``fa-xmark``);
- the code points the stylesheets draw themselves (admonitions, breadcrumbs, external links:
  ``content: var(--pst-icon-…)``), whatever the pages hold.

The class-to-code-point map is read from the theme's own stylesheet, the fonts from the theme's
folder (never from ``_static``, which may hold a cut font of a previous build), so a new theme
release's icons follow by themselves. fonttools cuts the fonts (WOFF2, with its brotli).

Sphinx-free but ``subset_font``'s fonttools: ``icon_map(css)``, ``drawn_code_points(css)``,
``font_faces(css)``, ``page_classes(html)``, ``script_classes(js)``.
"""

from __future__ import annotations

import functools
import io
import os
import re
from collections.abc import Iterable
from pathlib import Path

from sphinx.application import Sphinx

from ..diagnostics import report
from ..model.errors import Problem, WorkshopError

RULE = re.compile(r"([^{}]*)\{([^{}]*)\}")
COMMENT = re.compile(r"/\*.*?\*/", re.S)
ICON_VALUE = re.compile(r'(?:^|;)\s*--fa\s*:\s*"((?:[^"\\]|\\.)*)"')
CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})[ \t\n]?|\\(.)", re.S)
FONT_URL = re.compile(r"""url\(\s*["']?([^"')?#]+\.woff2)(?:[?#][^"')]*)?["']?\s*\)""")
PRIVATE_USE = re.compile("[\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd]")
# A class attribute naming an fa-… class, as Sphinx and Jinja write it (lower case): a literal
# start, so that every page of a large site is read at about 1 GB/s
ICON_CLASS_ATTRIBUTE = re.compile(rb"""class\s*=\s*(?:"([^"]*fa-[^"]*)"|'([^']*fa-[^']*)'|(fa-[a-z0-9-]+))""")
ICON_CLASS = re.compile(r"\bfa-[a-z0-9]+(?:-[a-z0-9]+)*")
SCRIPT_CLASS = re.compile(rb"\bfa-[a-z0-9]+(?:-[a-z0-9]+)*")


def css_string(value: str) -> str:
    """A CSS string's text: ``\\f002`` and ``\\30 `` escapes read as the characters they stand for."""

    def char(match: re.Match) -> str:
        if match.group(1):
            code = int(match.group(1), 16)
            return chr(code) if 0 < code <= 0x10FFFF else "\ufffd"
        return match.group(2)

    return CSS_ESCAPE.sub(char, value)


def _rules(css: str) -> Iterable[tuple[list[str], str]]:
    for selectors, body in RULE.findall(COMMENT.sub("", css)):
        yield [s.strip() for s in selectors.split(",")], body


def _icon_value(selectors: list[str], body: str) -> str | None:
    """The text an icon-class rule (``.fa-a,.fa-b{--fa:"…"}``: only such classes) draws, else None."""
    value = ICON_VALUE.search(body)
    if value is None or not all(s.startswith(".") and ICON_CLASS.fullmatch(s[1:]) for s in selectors):
        return None
    return css_string(value.group(1))


def icon_map(css: str) -> dict[str, str]:
    """Font Awesome's ``.fa-name{--fa:"\\f002"}`` rules: each icon class and the text it draws."""
    icons: dict[str, str] = {}
    for selectors, body in _rules(css):
        value = _icon_value(selectors, body)
        if value is not None:
            icons.update(dict.fromkeys((s[1:] for s in selectors), value))
    return icons


def drawn_code_points(css: str) -> set[int]:
    """The icon code points a stylesheet draws itself (``content``, custom properties such as
    ``--pst-icon-download``), outside the icon-class rules: they show whatever classes a page has."""
    found: set[int] = set()
    for selectors, body in _rules(css):
        if _icon_value(selectors, body) is None:
            found.update(ord(c) for c in PRIVATE_USE.findall(css_string(body)))
    return found


def font_faces(css: str) -> list[str]:
    """The WOFF2 files of a stylesheet's ``@font-face`` rules of Font Awesome, as written there."""
    urls = []
    for selectors, body in _rules(css):
        if selectors[-1:] == ["@font-face"] and "font awesome" in css_string(body).lower():
            urls += FONT_URL.findall(body)
    return urls


def page_classes(html: bytes) -> set[str]:
    """The ``fa-…`` classes of a written page's elements (its text is not read)."""
    found: set[str] = set()
    for value in ICON_CLASS_ATTRIBUTE.findall(html):
        found.update(ICON_CLASS.findall(b"".join(value).decode("ascii", "replace")))
    return found


def script_classes(js: bytes) -> set[str]:
    """The ``fa-…`` names a script holds (it may add them to the page as classes)."""
    return {m.decode("ascii") for m in SCRIPT_CLASS.findall(js)}


def code_points(icons: dict[str, str], classes: Iterable[str]) -> set[int]:
    """The characters the named icons draw (classes that are no icon, such as ``fa-lg``, draw none)."""
    return {ord(c) for name in classes for c in icons.get(name, "")}


def subset_font(data: bytes, keep: Iterable[int]) -> bytes:
    """A WOFF2 font of ``data``'s glyphs for ``keep`` only (the code points it has), no layout
    features, its names (copyright, licence) kept; the same bytes for the same font and code points
    (its date is the theme font's). Kept for the process's next builds (a server rebuilding on
    every save, tests): cutting takes a tenth of a second per font."""
    return _subset_font(data, frozenset(keep))


@functools.lru_cache(maxsize=8)
def _subset_font(data: bytes, keep: frozenset[int]) -> bytes:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(data), recalcTimestamp=False)  # the same bytes from every build
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = []
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]  # the OFL's notices among them
    options.name_languages = ["*"]
    cmap = font.getBestCmap() or {}
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(set(keep) & set(cmap)))
    subsetter.subset(font)
    out = io.BytesIO()
    subset.save_font(font, out, options)
    return out.getvalue()


def font_code_points(data: bytes) -> set[int]:
    """The code points a font (WOFF2, WOFF, TrueType or OpenType) has a glyph for."""
    from fontTools.ttLib import TTFont

    return set(TTFont(io.BytesIO(data)).getBestCmap() or {})


# -- Sphinx glue ---------------------------------------------------------------------------------

SKIPPED_FOLDERS = {"mathjax", "_sources", "_images", "_downloads"}  # no page, no icon script


def _files(root: Path, suffix: str, skip: set[str]) -> Iterable[Path]:
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in skip)
        for name in sorted(files):
            if name.endswith(suffix):
                yield Path(folder, name)


def _theme_source(app: Sphinx, relative: str) -> Path | None:
    """The theme's own copy of a ``_static`` file: a site's html_static_path first (Sphinx copies
    it last, over the theme's), then the theme's folders, the theme itself before those it
    inherits from."""
    folders = [Path(app.confdir, p) for p in reversed(app.config.html_static_path)]
    theme = getattr(app.builder, "theme", None)
    if theme is not None:
        folders += [Path(d, "static") for d in theme.get_theme_dirs()]
    for folder in folders:
        candidate = folder / relative
        if candidate.is_file():
            return candidate
    return None


def site_code_points(outdir: Path) -> tuple[dict[str, str], set[int]]:
    """The written site's icons: the theme's class map, and every code point its pages, scripts
    and stylesheets need."""
    static = outdir / "_static"
    icons: dict[str, str] = {}
    needed: set[int] = set()
    for css in _files(static, ".css", SKIPPED_FOLDERS):
        text = css.read_text(encoding="utf-8", errors="replace")
        icons.update(icon_map(text))
        needed |= drawn_code_points(text)
    classes: set[str] = set()
    for js in _files(static, ".js", SKIPPED_FOLDERS):
        if not js.name.startswith("fontawesome"):  # the icon library itself (not loaded: templates)
            classes |= script_classes(js.read_bytes())
    for page in _files(outdir, ".html", SKIPPED_FOLDERS | {"_static"}):
        classes |= page_classes(page.read_bytes())
    return icons, needed | code_points(icons, classes)


def cut_icon_fonts(app: Sphinx, exception: Exception | None) -> None:
    """build-finished: each Font Awesome font the theme's stylesheets declare, written again in
    ``_static`` with the site's icons only (every page's, also those an incremental build did not
    write again)."""
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    static = outdir / "_static"
    if not static.is_dir():
        return
    _, needed = site_code_points(outdir)
    for css in _files(static, ".css", SKIPPED_FOLDERS):
        for url in font_faces(css.read_text(encoding="utf-8", errors="replace")):
            target = (css.parent / url).resolve()
            if not target.is_relative_to(static.resolve()) or not target.is_file():
                continue
            relative = target.relative_to(static.resolve()).as_posix()
            source = _theme_source(app, relative)
            if source is None:
                continue
            try:
                cut = subset_font(source.read_bytes(), needed)
            except Exception as error:  # fontTools' errors are of many types; the font stays whole
                report(
                    WorkshopError(
                        f"the icon font could not be cut, it is served whole: {error}",
                        str(source),
                        None,
                        Problem.FILE,
                    )
                )
                continue
            if target.read_bytes() != cut:
                target.write_bytes(cut)


def setup_icons(app: Sphinx) -> None:
    app.connect("build-finished", cut_icon_fonts)
