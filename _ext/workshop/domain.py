"""Where the workshop's cross-page state lives: one Sphinx Domain, kept per document.

Modelled on sphinx.ext.todo: every entry is keyed by the document it came from, so
``clear_doc`` and ``merge_domaindata`` keep incremental and parallel (-j) builds right.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.domains import Domain

from .frontmatter import SpeakerMeta, TalkMeta


class WorkshopDomain(Domain):
    name = "workshop"
    label = "Workshop"
    data_version = 3
    initial_data: dict[str, Any] = {
        "talks": {},  # talk id -> (docname, TalkMeta)
        "speakers": {},  # speaker id -> (docname, SpeakerMeta)
        "schedule_docs": {},  # docname -> list of schedule files it shows (srcdir-relative)
        "late_docs": set(),  # documents with placeholders filled at write time
        "talk_list_docs": set(),  # documents whose toctree lists every talk
        "texts": {},  # docname -> (title, abstract or first paragraph), as plain text
        "digest": None,  # what those placeholders showed at the last build
    }

    # -- state ---------------------------------------------------------------------------

    @property
    def talks(self) -> dict[str, tuple[str, TalkMeta]]:
        return self.data["talks"]

    @property
    def speakers(self) -> dict[str, tuple[str, SpeakerMeta]]:
        return self.data["speakers"]

    def add_talk(self, docname: str, meta: TalkMeta) -> None:
        self.talks[meta.id] = (docname, meta)

    def add_speaker(self, docname: str, meta: SpeakerMeta) -> None:
        self.speakers[meta.id] = (docname, meta)

    def note_schedule(self, docname: str, path: str) -> None:
        self.data["schedule_docs"].setdefault(docname, [])
        if path not in self.data["schedule_docs"][docname]:
            self.data["schedule_docs"][docname].append(path)

    def note_talk_list(self, docname: str) -> None:
        self.data["talk_list_docs"].add(docname)

    def note_late_doc(self, docname: str) -> None:
        self.data["late_docs"].add(docname)

    def schedule_files(self) -> set[str]:
        return {path for paths in self.data["schedule_docs"].values() for path in paths}

    def docs_showing(self, path: str) -> list[str]:
        return sorted(d for d, paths in self.data["schedule_docs"].items() if path in paths)

    def title_of(self, docname: str) -> nodes.title | None:
        return self.env.titles.get(docname)

    def clear_doc(self, docname: str) -> None:
        for key in ("talks", "speakers"):
            for item_id, (doc, _meta) in list(self.data[key].items()):
                if doc == docname:
                    del self.data[key][item_id]
        self.data["schedule_docs"].pop(docname, None)
        self.data["texts"].pop(docname, None)
        self.data["late_docs"].discard(docname)
        self.data["talk_list_docs"].discard(docname)

    def merge_domaindata(self, docnames, otherdata: dict[str, Any]) -> None:
        docnames = set(docnames)
        for key in ("talks", "speakers"):
            for item_id, (doc, meta) in otherdata[key].items():
                if doc in docnames:
                    self.data[key][item_id] = (doc, meta)
        for doc, text in otherdata["texts"].items():
            if doc in docnames:
                self.data["texts"][doc] = text
        for doc, paths in otherdata["schedule_docs"].items():
            if doc in docnames:
                self.data["schedule_docs"][doc] = list(paths)
        for key in ("late_docs", "talk_list_docs"):
            self.data[key].update(d for d in otherdata[key] if d in docnames)

    def resolve_xref(self, env, fromdocname, builder, typ, target, node, contnode):
        return None

    def resolve_any_xref(self, env, fromdocname, builder, target, node, contnode):
        return []

    # -- what late placeholders depend on ------------------------------------------------

    def public_digest(self, srcdir: Path, main_schedule: str) -> str:
        """A hash of everything placeholders show: talk and speaker data, titles, schedules."""
        digest = hashlib.sha256()
        for key in ("talks", "speakers"):
            for item_id, (doc, meta) in sorted(self.data[key].items()):
                title = self.title_of(doc)
                # titles only: an abstract is shown on its own page (and in the exports, which are
                # rewritten every build), so editing it rewrites no other page
                digest.update(repr((key, item_id, doc, meta, title.astext() if title else "")).encode())
        pdf = self.env.config.workshop_proceedings_pdf
        if pdf and (srcdir / pdf).is_file():
            digest.update(f"pdf:{(srcdir / pdf).stat().st_size}".encode())
        for path in sorted(self.schedule_files() | {main_schedule}):
            try:
                digest.update(path.encode() + (srcdir / path).read_bytes())
            except OSError:
                digest.update(path.encode() + b"<missing>")
        return digest.hexdigest()
