"""Whose file is it: the one naming rule for the files of a talk (or speaker) page, used by the
build (gate.py: files a page does not show) and by ``make check-pr`` (scope.py). Pure Python.

In a folder of pages (``abstracts/``, ``speakers/``), the page ``<id>.md`` owns ``<id>.md``,
``<id>.bib``, everything under ``<id>/``, and the files ``<id>-<name>.<ext>`` — unless a longer
page id is a prefix of the name: with pages ``de`` and ``de-almeida``, ``de-almeida-fig.png``
is ``de-almeida``'s, ``de-fig.png`` is ``de``'s, and ``de-almeida.png`` is nobody's (neither
page's source nor ``<id>-<name>`` of either). The folder ``de-almeida/`` is ``de-almeida``'s
or, when no page has that id, nobody's.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from .model import TALK_ID_PATTERN

ID = re.compile(TALK_ID_PATTERN)
PAGE_SUFFIXES = (".md", ".bib")  # the page itself and its bibliography


def page_id(name: str) -> str | None:
    """The id of the page ``name`` (``<id>.md``, a name in a folder of pages), or None."""
    if "/" in name or not name.endswith(".md"):
        return None
    stem = name.removesuffix(".md")
    return stem if ID.match(stem) else None


def owner(name: str, ids: Collection[str]) -> str | None:
    """The id in ``ids`` (the pages of the folder) that owns ``name``, a path relative to the
    folder; None when the file is no page's."""
    if ".." in name.split("/"):
        return None
    first, sep, _rest = name.partition("/")
    if sep:  # a file in a page's own folder
        return first if first in ids else None
    stem = name.split(".", 1)[0]
    if stem in ids:  # the page, its .bib; nothing else is named <id>.<ext>
        return stem if name in (stem + PAGE_SUFFIXES[0], stem + PAGE_SUFFIXES[1]) else None
    found = None
    for index, char in enumerate(stem):  # the longest <id>- that begins the name
        if char == "-" and stem[:index] in ids:
            found = stem[:index]
    return found
