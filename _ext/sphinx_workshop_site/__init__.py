"""A workshop's Sphinx extension: schedule, talks, speakers, posters and their outputs."""

from __future__ import annotations

import zlib
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

from .book.proceedings import setup_proceedings
from .book.settings import setup_bookconfig
from .config import setup_config
from .diagnostics import setup_diagnostics
from .domain import WorkshopDomain
from .edition.checks import setup_edition
from .exports.citing import setup_citing
from .exports.leftovers import setup_leftovers
from .exports.publish import setup_publish
from .gate.mathpage import setup_mathpage
from .gate.memory import setup_memory
from .gate.pages import setup_gate
from .gate.recheck import setup_recheck
from .parallel import setup_parallel
from .site.agenda import setup_agenda
from .site.assets import setup_assets
from .site.bibliography import setup_bibliography
from .site.icons import setup_icons
from .site.nodes import setup_nodes
from .site.posters import setup_posters
from .site.resolve import setup_resolve
from .site.rewrite import setup_rewrite
from .site.schedule_table import setup_schedule
from .site.speakers import setup_speakers
from .site.talks import setup_talks
from .site.theme import setup_theme

__version__ = "2.0.0"


def _code_version() -> int:
    """Changes with the extension's code, so stored doctrees made by older code are re-read."""
    digest = 0
    here = Path(__file__).parent
    for path in sorted([*here.rglob("*.py"), *here.glob("model/data/*")]):  # the gazetteer decides too
        digest = zlib.crc32(path.read_bytes(), digest)
    return digest


def setup(app: Sphinx) -> dict[str, Any]:
    setup_diagnostics(app)  # no control character of a file name or a page reaches the terminal
    setup_config(app)  # every workshop_* setting, registered in config.py
    app.add_domain(WorkshopDomain)
    setup_nodes(app)
    setup_posters(app)
    setup_gate(app)
    setup_mathpage(app)
    setup_memory(app)
    setup_resolve(app)
    setup_rewrite(app)
    setup_recheck(app)
    setup_bibliography(app)
    setup_assets(app)
    setup_talks(app)
    setup_speakers(app)
    setup_schedule(app)
    setup_agenda(app)  # My agenda, the reader's time zone, now and next
    setup_bookconfig(app)  # the book's defaults (PDF engine, root, name) where conf.py sets none
    setup_proceedings(app)
    setup_publish(app)
    setup_citing(app)  # after publish: its tags follow the page's head metadata
    setup_leftovers(app)
    setup_theme(app)
    setup_icons(app)  # the theme's icon fonts cut to the icons the written pages show
    setup_edition(app)
    setup_parallel(app)  # -j: reading in a few large chunks (parallel.py)
    return {
        "version": __version__,
        "env_version": _code_version(),
        # What is kept across documents is per document in WorkshopDomain (merged), or made in
        # the main process (before reading, while resolving, at build-finished); a test builds
        # with -j 2 and compares every output with a serial build's (parallel.py).
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
