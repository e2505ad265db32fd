"""Bib files are found by themselves: ``references.bib`` and every ``abstracts/<id>.bib``."""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config


def add_talk_bibfiles(app: Sphinx, config: Config) -> None:
    """config-inited: before sphinxcontrib-bibtex reads its files at builder-inited."""
    bibfiles = list(config.bibtex_bibfiles or [])
    talks_dir = Path(app.srcdir) / config.workshop_talks_dir
    for path in sorted(talks_dir.glob("*.bib")):
        rel = path.relative_to(app.srcdir).as_posix()
        if rel not in bibfiles:
            bibfiles.append(rel)
    config.bibtex_bibfiles = bibfiles


def setup_bibliography(app: Sphinx) -> None:
    app.connect("config-inited", add_talk_bibfiles)
