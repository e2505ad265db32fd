"""Filling placeholders at write time (rewrite.py decides which pages to write again).

Each module registers a resolver for its own placeholder class; one doctree-resolved
handler runs them, so every builder (HTML, LaTeX, ...) sees finished nodes.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx

from ..domain import WorkshopDomain
from ..model import releases
from ..model.errors import WorkshopError
from ..model.releases import Release
from ..model.schedule import Schedule
from ..model.schedulefile import ScheduleCache
from .nodes import LatePlaceholder

Resolver = Callable[["ResolveContext", nodes.Element], list[nodes.Node]]
_RESOLVERS: dict[type, Resolver] = {}
SCHEDULES = ScheduleCache()


def register_resolver(node_class: type, resolver: Resolver) -> None:
    _RESOLVERS[node_class] = resolver


def main_schedule_path(config) -> str:
    return config.workshop_schedule


def load_schedule(srcdir, path: str) -> tuple[Schedule | None, list[WorkshopError]]:
    return SCHEDULES.load(Path(srcdir) / path, path)


def load_releases(srcdir, path: str) -> tuple[list[Release], list[WorkshopError]]:
    """The programme's releases (program/releases/<N>.yaml beside the schedule ``path``)."""
    return releases.load_releases(
        releases.releases_dir(Path(srcdir) / path), releases.releases_dir(Path(path)).as_posix()
    )


def release_files(srcdir, path: str) -> list[Path]:
    """The release files beside the schedule ``path``, for the pages that show them to depend on."""
    folder = releases.releases_dir(Path(srcdir) / path)
    return sorted(folder.glob("*.yaml")) if folder.is_dir() else []


class ResolveContext:
    """What a resolver needs: the page being written, the builder, the domain, the schedule."""

    def __init__(self, app: Sphinx, docname: str) -> None:
        self.app = app
        self.env = app.env
        self.builder = app.builder
        self.docname = docname
        self.domain: WorkshopDomain = app.env.get_domain("workshop")
        self._schedules: dict[str, Schedule | None] = {}

    def schedule(self, path: str | None = None) -> Schedule | None:
        path = path or main_schedule_path(self.app.config)
        if path not in self._schedules:
            self._schedules[path] = load_schedule(self.app.srcdir, path)[0]
        return self._schedules[path]

    def schedule_doc(self) -> str | None:
        """The page that shows the main schedule in full, to link days to."""
        docs = self.domain.docs_showing(main_schedule_path(self.app.config))
        return docs[0] if docs else None


def resolve_placeholders(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """doctree-resolved: fill every placeholder with the current data (any builder)."""
    context = None
    for node in list(doctree.findall(LatePlaceholder)):
        context = context or ResolveContext(app, docname)
        node.replace_self(_RESOLVERS[type(node)](context, node))


def note_late_doc(app: Sphinx, doctree: nodes.document) -> None:
    tokens = set().union(*(node.tokens() for node in doctree.findall(LatePlaceholder)))
    if tokens:
        app.env.get_domain("workshop").note_late_doc(app.env.docname, tokens)


def setup_resolve(app: Sphinx) -> None:
    app.connect("doctree-resolved", resolve_placeholders)
    # after the handlers that insert placeholders at doctree-read (default priority 500)
    app.connect("doctree-read", note_late_doc, priority=900)
