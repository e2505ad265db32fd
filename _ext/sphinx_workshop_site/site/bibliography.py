"""Bib files are found by themselves: those in ``bibtex_bibfiles`` and every
``abstracts/<id>.bib``. They are merged into one file for sphinxcontrib-bibtex, and every
problem names the original file:line. Bib keys belong to their talk: the entry ``key`` of
``abstracts/<id>.bib`` is ``<id>/<key>`` there (two talks may use one key for two works; a
talk's citation is resolved in its own file by gate/pages.py, an organizer page cites ``<id>/<key>``);
the organizers' files' keys are shared, as written (``shared_keys``).

What the merged file's printed fields hold is text and tokens (bibtext.py): the docutils backend
sphinxcontrib-bibtex formats references with is given one that turns a math token into a math
node (MathJax on the site, ``\\(…\\)`` in the book) and a link token into a link; the style's
DOI link is built from the percent-encoded DOI (its text stays as written)."""

from __future__ import annotations

import functools
import json
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config

from ..diagnostics import report_all
from ..gate.bibmerge import (
    bib_sources,
    file_digest,
    files_in_base,
    merge,
    read_bib_files,
    read_new_files,
    talk_files,
)
from ..gate.bibtext import TOKEN, decode, doi_address
from ..parallel import in_processes

__all__ = ["bib_sources", "merge_bibfiles", "setup_bibliography", "shared_files", "shared_keys"]

MERGED_NAME = "workshop-references.bib"
CHECKED_NAME = "workshop-bib-checked.json"  # files read before without a problem: their entries

# merged file -> (lower-case keys of the organizers' files, those files): every build's
# config-inited sets it, before any page is read (parallel readers inherit it)
_SHARED: dict[str, tuple[frozenset[str], tuple[str, ...]]] = {}


def shared_keys(doctreedir) -> frozenset[str] | None:
    """The lower-case keys of the organizers' files (``bibtex_bibfiles``) merged for the build
    whose doctrees are in ``doctreedir``: every page may cite them. None when not merged here."""
    found = _SHARED.get(str(Path(doctreedir) / MERGED_NAME))
    return None if found is None else found[0]


def shared_files(doctreedir) -> tuple[str, ...]:
    """The organizers' bib files (relative to the project) of that build."""
    found = _SHARED.get(str(Path(doctreedir) / MERGED_NAME))
    return () if found is None else found[1]


def merge_bibfiles(app: Sphinx, config: Config) -> None:
    """config-inited: before sphinxcontrib-bibtex reads its files at builder-inited."""
    srcdir = Path(app.srcdir)
    files, problems = read_bib_files(srcdir, list(config.bibtex_bibfiles or []), config.workshop_talks_dir)
    merged = Path(app.doctreedir) / MERGED_NAME
    merged.parent.mkdir(parents=True, exist_ok=True)
    cache_path = Path(app.doctreedir) / CHECKED_NAME
    try:
        cache = json.loads(cache_path.read_text())
        if not isinstance(cache, dict):
            cache = {}
    except (OSError, ValueError):
        cache = {}
    style = getattr(config, "bibtex_default_style", None) or "alpha"  # sphinxcontrib-bibtex's default
    talks = talk_files(
        [name for name, _text in files], list(config.bibtex_bibfiles or []), config.workshop_talks_dir
    )
    read_new_files(files, cache, style, lambda work, items: in_processes(app, work, items))  # -j
    text, entries, found = merge(
        files, cache, base_files=lambda: files_in_base(srcdir), style=style, talks=talks
    )
    _SHARED[str(merged)] = (
        frozenset(name.lower() for name, e in entries.items() if e.file not in talks),
        tuple(name for name, _text in files if name not in talks),
    )
    report_all(problems + found)
    # Only the files of this build: the cache does not grow with every edit.
    current = {file_digest(name, text, style) for name, text in files}
    cache_path.write_text(json.dumps({k: v for k, v in sorted(cache.items()) if k in current}))
    # Rewritten only when it changes: sphinxcontrib-bibtex re-reads files by mtime.
    if not merged.exists() or merged.read_text(encoding="utf-8") != text:
        merged.write_text(text, encoding="utf-8")
    config.bibtex_bibfiles = [str(merged)]


def text_nodes(text: str) -> list:
    """A formatted string as docutils nodes: its math and link tokens as math and links."""
    from docutils import nodes

    if not TOKEN.search(text):
        return [nodes.Text(text)]
    found: list = []
    for kind, shown, address in decode(text):
        if kind == "math":
            found.append(nodes.math(shown, shown))
        elif kind == "link":
            found.append(nodes.reference(shown, shown, refuri=address))
        else:
            found.append(nodes.Text(shown))
    return found


@functools.cache
def _backend_class():
    import pybtex_docutils

    class WorkshopBackend(pybtex_docutils.Backend):
        """pybtex-docutils' backend, reading the tokens of the merged file (bibtext.py)."""

        def format_str(self, str_: str) -> list:
            return text_nodes(str_)

    return WorkshopBackend


def written_family_first(person) -> bool:
    """A name in Chinese, Japanese or Korean characters only ('{张, 伟}': family name 张, given
    name 伟): written in its own order, family name first, without a space (张伟)."""
    from ..model.names import CJK, LATIN

    given = "".join(person.first_names + person.middle_names)
    whole = "".join(person.prelast_names + person.last_names) + given
    return bool(given) and bool(CJK.search(whole)) and not LATIN.search(whole)


@functools.cache
def workshop_style(base: type) -> type:
    """``base`` (a pybtex formatting style) with its DOI link percent-encoded, text as written,
    and a name in CJK characters in its own order (written_family_first)."""
    from pybtex.style.names import name_part
    from pybtex.style.template import field, href, join

    class Style(base):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            western = self.format_name

            def format_name(person, abbr=False):
                if not written_family_first(person):
                    return western(person, abbr)
                return join[
                    name_part[person.rich_prelast_names + person.rich_last_names],
                    name_part[person.rich_first_names + person.rich_middle_names],
                ]

            self.format_name = format_name

        def format_doi(self, e):
            url = field("doi", raw=True, apply_func=doi_address)
            return href(url)[join["doi:", field("doi", raw=True)]]

    Style.__name__ = Style.__qualname__ = base.__name__
    Style.__module__ = base.__module__
    return Style


def install_backend() -> None:
    """sphinxcontrib-bibtex's citations and footnotes are rendered by the workshop's backend."""
    from sphinxcontrib.bibtex.domain import BibtexDomain
    from sphinxcontrib.bibtex.transforms import BibliographyTransform

    backend = _backend_class()()
    BibtexDomain.backend = backend
    BibliographyTransform.backend = backend


def cache_pybtex_plugins() -> None:
    """pybtex looks a style up through importlib.metadata entry points on every citation (a
    quarter of a 200-talk build). The lookup is a pure function of its arguments: cache it,
    in pybtex and in the modules that imported it by name."""
    import sys

    import pybtex.plugin

    original = pybtex.plugin.find_plugin
    if getattr(original, "_workshop_cached", False):
        return
    cached = functools.lru_cache(maxsize=256)(original)

    def find_plugin(plugin_group, name=None, filename=None):
        found = cached(plugin_group, name, filename)
        if plugin_group == "pybtex.style.formatting" and isinstance(found, type):
            return workshop_style(found)
        return found

    find_plugin._workshop_cached = True
    for module in list(sys.modules.values()):
        if getattr(module, "find_plugin", None) is original:
            module.find_plugin = find_plugin


def setup_bibliography(app: Sphinx) -> None:
    cache_pybtex_plugins()
    install_backend()
    app.connect("config-inited", merge_bibfiles)
