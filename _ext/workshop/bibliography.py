"""Bib files are found by themselves: those in ``bibtex_bibfiles`` and every
``abstracts/<id>.bib``. They are merged into one file for sphinxcontrib-bibtex, so that
two talks may cite one work under one key, and every problem names the original file:line."""

from __future__ import annotations

import functools
import json
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config

from .bibfile import merge
from .diagnostics import report_all
from .errors import Problem, WorkshopError
from .frontmatter import check_id
from .sourceyaml import decode

MERGED_NAME = "workshop-references.bib"
CHECKED_NAME = "workshop-bib-checked.json"  # entries pybtex has read, by hash


def bib_sources(srcdir: Path, bibfiles: list[str], talks_dir: str) -> list[Path]:
    paths = [srcdir / b for b in bibfiles] + sorted((srcdir / talks_dir).glob("*.bib"))
    return list(dict.fromkeys(p.resolve() for p in paths))


def merge_bibfiles(app: Sphinx, config: Config) -> None:
    """config-inited: before sphinxcontrib-bibtex reads its files at builder-inited."""
    srcdir = Path(app.srcdir)
    files, problems = [], []
    for path in bib_sources(srcdir, list(config.bibtex_bibfiles or []), config.workshop_talks_dir):
        rel = path.relative_to(srcdir.resolve()).as_posix()
        if path.parent.name == config.workshop_talks_dir:
            problems.extend(check_id(path.stem, rel))
        try:
            files.append((rel, decode(path.read_bytes(), rel)))
        except WorkshopError as err:
            problems.append(err)
        except OSError:
            problems.append(
                WorkshopError(f"bib file '{rel}' (bibtex_bibfiles) not found", "conf.py", None, Problem.FILE)
            )
    merged = Path(app.doctreedir) / MERGED_NAME
    merged.parent.mkdir(parents=True, exist_ok=True)
    cache = Path(app.doctreedir) / CHECKED_NAME
    try:
        known_good = set(json.loads(cache.read_text()))
    except (OSError, ValueError):
        known_good = set()
    text, _entries, found = merge(files, known_good)
    report_all(problems + found)
    cache.write_text(json.dumps(sorted(known_good)))
    # Rewritten only when it changes: sphinxcontrib-bibtex re-reads files by mtime.
    if not merged.exists() or merged.read_text(encoding="utf-8") != text:
        merged.write_text(text, encoding="utf-8")
    config.bibtex_bibfiles = [str(merged)]


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
        return cached(plugin_group, name, filename)

    find_plugin._workshop_cached = True
    for module in list(sys.modules.values()):
        if getattr(module, "find_plugin", None) is original:
            module.find_plugin = find_plugin


def setup_bibliography(app: Sphinx) -> None:
    cache_pybtex_plugins()
    app.connect("config-inited", merge_bibfiles)
