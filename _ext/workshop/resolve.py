"""Filling placeholders at write time, and deciding which pages to rewrite.

Each module registers a resolver for its own placeholder class; one post-transform
runs them, so every builder (HTML, LaTeX, ...) sees finished nodes.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform

from .domain import WorkshopDomain
from .errors import WorkshopError
from .model import Schedule, ScheduleCache
from .nodes import LatePlaceholder

Resolver = Callable[["ResolveContext", nodes.Element], list[nodes.Node]]
_RESOLVERS: dict[type, Resolver] = {}
SCHEDULES = ScheduleCache()


def register_resolver(node_class: type, resolver: Resolver) -> None:
    _RESOLVERS[node_class] = resolver


def main_schedule_path(app: Sphinx) -> str:
    return app.config.workshop_schedule


def load_schedule(app: Sphinx, path: str) -> tuple[Schedule | None, list[WorkshopError]]:
    return SCHEDULES.load(Path(app.srcdir) / path, path)


class ResolveContext:
    """What a resolver needs: the page being written, the builder, the domain, the schedule."""

    def __init__(self, transform: SphinxPostTransform) -> None:
        self.app = transform.app
        self.env = transform.env
        self.builder = transform.app.builder
        self.docname = transform.env.docname
        self.domain: WorkshopDomain = transform.env.get_domain("workshop")
        self._schedules: dict[str, Schedule | None] = {}

    def schedule(self, path: str | None = None) -> Schedule | None:
        path = path or main_schedule_path(self.app)
        if path not in self._schedules:
            self._schedules[path] = load_schedule(self.app, path)[0]
        return self._schedules[path]

    def schedule_doc(self) -> str | None:
        """The page that shows the main schedule in full, to link days to."""
        docs = self.domain.docs_showing(main_schedule_path(self.app))
        return docs[0] if docs else None


class ResolvePlaceholders(SphinxPostTransform):
    default_priority = 5  # before Sphinx resolves pending_xref nodes (10)

    def run(self, **kwargs) -> None:
        context = None
        for node in list(self.document.findall(LatePlaceholder)):
            context = context or ResolveContext(self)
            resolver = _RESOLVERS[type(node)]
            node.replace_self(resolver(context, node))


def rewrite_late_docs(app: Sphinx, env) -> list[str]:
    """env-get-updated: rewrite pages with placeholders when what they show has changed."""
    domain: WorkshopDomain = env.get_domain("workshop")
    digest = domain.public_digest(Path(app.srcdir), main_schedule_path(app))
    if digest == domain.data["digest"]:
        return []
    domain.data["digest"] = digest
    return sorted(domain.data["late_docs"])


def note_late_doc(app: Sphinx, doctree: nodes.document) -> None:
    if next(doctree.findall(LatePlaceholder), None) is not None:
        app.env.get_domain("workshop").note_late_doc(app.env.docname)


def setup_resolve(app: Sphinx) -> None:
    app.add_post_transform(ResolvePlaceholders)
    app.connect("doctree-read", note_late_doc)
    app.connect("env-get-updated", rewrite_late_docs)
