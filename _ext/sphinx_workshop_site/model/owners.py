"""Whose file is it: the one naming rule for the files of a talk (or speaker) page, used by the
build (gate/pages.py: files a page does not show) and by ``make check-pr`` (scope.py). Pure Python.

In a folder of pages (``abstracts/``, ``speakers/``), the page ``<id>.md`` owns ``<id>.md``,
``<id>.bib``, everything under ``<id>/``, and the files ``<id>-<name>.<ext>`` — unless a longer
page id is a prefix of the name: with pages ``de`` and ``de-almeida``, ``de-almeida-fig.png``
is ``de-almeida``'s, ``de-fig.png`` is ``de``'s, and ``de-almeida.png`` is nobody's (neither
page's source nor ``<id>-<name>`` of either). The folder ``de-almeida/`` is ``de-almeida``'s
or, when no page has that id, nobody's.
"""

from __future__ import annotations

import os
from collections.abc import Collection
from pathlib import Path

from .schedule import is_page_id

PAGE_SUFFIXES = (".md", ".bib")  # the page itself and its bibliography


def page_id(name: str) -> str | None:
    """The id of the page ``name`` (``<id>.md``, a name in a folder of pages), or None."""
    if "/" in name or not name.endswith(".md"):
        return None
    stem = name.removesuffix(".md")
    return stem if is_page_id(stem) else None


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


def owns(name: str, page: str, ids: Collection[str]) -> bool:
    """Whether page ``page`` owns ``name`` in a folder whose pages are ``ids`` (``page`` counted
    among them even before it exists)."""
    return owner(name, {*ids, page}) == page


# (folder, its mtime) -> (sorted names, page ids): a folder is scanned once a change, not once a page
_LISTINGS: dict[tuple[str, int], tuple[list[str], frozenset[str]]] = {}


def folder_listing(folder: Path) -> tuple[list[str], frozenset[str]]:
    """The sorted names in ``folder`` and the ids of its pages (nothing when it cannot be read)."""
    try:
        key = (str(folder), folder.stat().st_mtime_ns)
    except OSError:
        return [], frozenset()
    if key not in _LISTINGS:
        if len(_LISTINGS) > 100:
            _LISTINGS.clear()
        try:
            names = sorted(entry.name for entry in os.scandir(folder))
        except OSError:
            names = []
        _LISTINGS[key] = names, frozenset(page for name in names if (page := page_id(name)))
    return _LISTINGS[key]
