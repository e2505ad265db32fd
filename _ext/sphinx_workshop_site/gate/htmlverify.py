"""A contributor page's HTML, verified after Sphinx wrote it: the output is guaranteed, not only
the input (the HTML twin of texverify).

The gate decides on the doctree; what the HTML writer, the theme and the extensions then make
of it is read here, in the page's main content (its ``<article>``), as a browser would parse it:

- elements from ``ELEMENTS`` only (no ``script``, ``style``, ``iframe``, ``object``, ``form``,
  ``svg``, ``math``, ``base``, ``meta``, ``link`` …);
- attributes from ``ATTRIBUTES`` only (a button's ``value``: the event a My agenda star stands
  for, site/agenda.py; no ``on…`` handler, no ``style`` but a column's width
  or an image's size,
  no ``srcdoc``, ``formaction``, ``xlink:href`` …);
- ``href`` an http(s) or mailto address, a relative path or a fragment; ``src`` a relative path
  (the site loads nothing from another host); after the entities are decoded and the blanks a
  browser ignores are dropped (``jav&#x09;ascript:``).

Sphinx-free: ``verify_html(text) -> [message]``. Linear in the page's size.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from .texcheck import names

ELEMENTS = names("""
    article section div span p a em strong code pre kbd samp var cite q abbr dfn sub sup small mark s
    del ins br hr wbr blockquote ul ol li dl dt dd figure figcaption img table caption colgroup col
    thead tbody tfoot tr th td h1 h2 h3 h4 h5 h6 aside nav header footer details summary time
    label button bdi
""")
ATTRIBUTES = names("""
    class id href src alt title role colspan rowspan width height lang dir datetime start reversed
    type scope headers tabindex loading decoding open download aria-label aria-hidden aria-labelledby
    aria-describedby aria-current aria-expanded aria-controls data-tooltip-text value
""")
COLUMN_WIDTH = re.compile(r"width:\s*\d{1,3}(?:\.\d+)?%;?")
# An image's size (the gate allows :width:/:height: as a number with px, %, em or rem).
IMAGE_SIZE = re.compile(r"(?:(?:width|height):\s*\d{1,4}(?:\.\d+)?(?:px|%|em|rem)?;?\s*){1,2}")
SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
IGNORED_BY_BROWSERS = re.compile(r"[\x00-\x20\x7f]")
LINK_SCHEMES = frozenset({"http", "https", "mailto"})


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0  # inside <article> (its own depth, nested articles counted)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "article":
            self.depth += 1
        if not self.depth:
            return
        line = self.getpos()[0]
        if tag not in ELEMENTS:
            self.problems.append(f"line {line}: the element <{tag}>")
            return
        for name, value in attrs:
            if problem := _attribute_problem(tag, name, value or ""):
                self.problems.append(f"line {line}: {problem}")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag == "article":
            self.depth -= 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "article" and self.depth:
            self.depth -= 1


def _attribute_problem(tag: str, name: str, value: str) -> str | None:
    if name == "style":
        if (tag == "col" and COLUMN_WIDTH.fullmatch(value.strip())) or (
            tag == "img" and IMAGE_SIZE.fullmatch(value.strip())
        ):
            return None
        return f"a style on <{tag}>"
    if name not in ATTRIBUTES:
        return f"the attribute {name}= on <{tag}>"
    if name in ("href", "src"):
        address = IGNORED_BY_BROWSERS.sub("", value)
        scheme = SCHEME.match(address)
        if name == "src" and (scheme or address.startswith("//")):
            return f"<{tag} src> from another host ({address[:60]})"
        if scheme and scheme.group(1).lower() not in LINK_SCHEMES:
            return f"a {scheme.group(1).lower()}: address in <{tag} {name}>"
    return None


def verify_html(text: str) -> list[str]:
    """``line N: …`` for each element or attribute outside the allow-lists in the page's main
    content (at most 20)."""
    reader = _Reader()
    reader.feed(text)
    reader.close()
    return reader.problems[:20]
