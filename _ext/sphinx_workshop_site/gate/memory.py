"""A failure fails every build until it is fixed: the documents that warned (whoever warned:
the workshop, MyST, sphinxcontrib-bibtex, docutils or Sphinx) are read again on the next build.

Sphinx re-emits warnings only for documents it re-reads, so without this a second ``make html``
after a failed one succeeds while the page is still broken. A logging handler notes the document
of every warning (from its location, or the document being read); the set is saved in the
doctree folder when the build ends and handed back to Sphinx at ``env-get-outdated``. A warning
that names no document makes the next build read every document.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.nodes import get_node_source

MEMORY_NAME = "workshop-warned.json"
EVERYTHING = "*"


class WarnedDocuments(logging.Handler):
    """Collects the documents the warnings of this build are about."""

    def __init__(self, app: Sphinx) -> None:
        super().__init__(logging.WARNING)
        self.app = app
        self.docs: set[str] = set()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.docs.update(self.documents_of(getattr(record, "location", None)))
        except Exception:  # never let bookkeeping hide the warning itself
            self.docs.add(EVERYTHING)

    def documents_of(self, location) -> set[str]:
        env = self.app.env
        if isinstance(location, tuple):
            location = location[0]
        if isinstance(location, nodes.Node):
            location = get_node_source(location)
        if not location:
            current = env.current_document.docname if env is not None else None
            return {current or EVERYTHING}
        location = str(location)
        path = location.rsplit(":", 1)[0] if location.rsplit(":", 1)[-1].isdigit() else location
        if env is None:
            return {EVERYTHING}
        if path in env.all_docs or path in env.found_docs:
            return {path}  # a docname
        return self.file_to_docs(path)

    def file_to_docs(self, path: str) -> set[str]:
        """The documents a file stands for: a page, the talk of a .bib file, or the pages that
        show a data file (the schedule)."""
        env = self.app.env
        source = Path(path) if Path(path).is_absolute() else Path(self.app.srcdir) / path
        try:
            docname = env.path2doc(source)
        except Exception:
            docname = None
        if docname:
            return {docname}
        try:
            rel = source.relative_to(self.app.srcdir).as_posix()
        except ValueError:
            return {EVERYTHING}
        if (talk := rel.removesuffix(source.suffix)) in env.found_docs:
            return {talk}
        showing = set(env.get_domain("workshop").docs_showing(rel))
        return showing or {EVERYTHING}


def _memory_file(app: Sphinx) -> Path:
    return Path(app.doctreedir) / MEMORY_NAME


def install(app: Sphinx) -> None:
    """builder-inited: start listening (every process reading documents logs through here)."""
    handler = WarnedDocuments(app)
    logging.getLogger("sphinx").addHandler(handler)
    app._workshop_warned = handler  # type: ignore[attr-defined]


def warned_last_time(app: Sphinx, env, added, changed, removed) -> list[str]:
    """env-get-outdated: the documents that warned in the last build, read again."""
    try:
        docs = set(json.loads(_memory_file(app).read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return []
    if EVERYTHING in docs:
        docs = set(env.found_docs)
    return sorted((docs & set(env.found_docs)) - set(removed))


def save(app: Sphinx, exception: Exception | None) -> None:
    """build-finished: remember this build's warned documents (an interrupted build: all)."""
    handler: WarnedDocuments | None = getattr(app, "_workshop_warned", None)
    if handler is None:
        return
    logging.getLogger("sphinx").removeHandler(handler)
    docs = set(handler.docs) | ({EVERYTHING} if exception else set())
    path = _memory_file(app)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(sorted(docs)), encoding="utf-8")


def setup_memory(app: Sphinx) -> None:
    app.connect("builder-inited", install, priority=0)
    app.connect("env-get-outdated", warned_last_time)
    app.connect("build-finished", save, priority=1000)
