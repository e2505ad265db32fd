"""Where the workshop's cross-page state lives: one Sphinx Domain, kept per document.

Modelled on sphinx.ext.todo: every entry is keyed by the document it came from, so
``clear_doc`` and ``merge_domaindata`` keep incremental and parallel (-j) builds right.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.domains import Domain

from .model.contributions import BoardClaim, schedule_boards
from .model.frontmatter import SpeakerMeta, TalkMeta
from .model.names import NameIndex
from .model.schedule import Schedule


class WorkshopDomain(Domain):
    name = "workshop"
    label = "Workshop"
    data_version = 7
    initial_data: dict[str, Any] = {
        "talks": {},  # talk id -> (docname, TalkMeta)
        "speakers": {},  # speaker id -> (docname, SpeakerMeta)
        "schedule_docs": {},  # docname -> list of schedule files it shows (srcdir-relative)
        "late_docs": {},  # docname -> tokens of what its placeholders show (filled at write time)
        "talk_list_docs": set(),  # documents whose toctree lists every talk
        "speaker_list_docs": set(),  # documents whose toctree lists every speaker
        "texts": {},  # docname -> (title, abstract or first paragraph), as plain text
        "digests": {},  # token -> (hash, related tokens): what placeholders showed at the last build
        "doc_ids": {},  # docname -> [("talks" | "speakers", id)]: clear_doc without a scan of every page
    }

    # -- state ---------------------------------------------------------------------------

    @property
    def talks(self) -> dict[str, tuple[str, TalkMeta]]:
        return self.data["talks"]

    @property
    def speakers(self) -> dict[str, tuple[str, SpeakerMeta]]:
        return self.data["speakers"]

    def contribution_type(self, tid: str) -> str | None:
        """'talk' or 'poster' (the page's front matter ``type:``); None for no such page."""
        entry = self.talks.get(tid)
        return entry[1].type if entry else None

    def contribution_types(self) -> dict[str, str]:
        return {tid: meta.type for tid, (_doc, meta) in self.talks.items()}

    def board_claims(self) -> dict[str, BoardClaim]:
        """Posters whose page sets ``board:``, with where it does (for contributions.check_contributions)."""
        claims = {}
        for tid, (doc, meta) in self.talks.items():
            if meta.is_poster and meta.board is not None:
                path = Path(self.env.doc2path(doc))
                file = path.relative_to(self.env.srcdir).as_posix() if path.is_absolute() else str(path)
                claims[tid] = BoardClaim(meta.board, file, meta.board_line or 1)
        return claims

    def boards(self, schedule: Schedule | None) -> dict[str, int]:
        """Every scheduled poster's board number (contributions.poster_boards, from the pages' claims).
        Kept until a page is added, cleared or merged: every page written asks, and computing it
        walks every poster (at 5,000 contributions, quadratic without the cache)."""
        if schedule is None:
            return {}
        cached = self.__dict__.get("_boards")
        if cached is not None and cached[0] is schedule:
            return cached[1]
        explicit = {t: m.board for t, (_d, m) in self.talks.items() if m.board is not None}
        boards = schedule_boards(schedule, explicit)
        self._boards = (schedule, boards)
        return boards

    def by_speaker(self, schedule: Schedule | None, ordered: Callable[[], list[str]]) -> dict[str, list[str]]:
        """Each speaker's contributions, in the order ``ordered()`` gives (the programme's). Kept
        like boards(): every speaker page asks, and filtering the whole programme for each one
        made speaker pages quadratic (29 s of a 2,500-contribution build)."""
        cached = self.__dict__.get("_by_speaker")
        if cached is not None and cached[0] is schedule:
            return cached[1]
        out: dict[str, list[str]] = {}
        for tid in ordered():
            for sid in dict.fromkeys(self.talks[tid][1].speakers):
                out.setdefault(sid, []).append(tid)
        self._by_speaker = (schedule, out)
        return out

    def names(self) -> NameIndex:
        """The parts (family name, sort key, …) each written name is given on a speaker page or
        in a talk's author entry (names.NameIndex), speaker pages first. Kept like boards():
        every list of names asks."""
        cached = self.__dict__.get("_names")
        if cached is not None:
            return cached
        entries = []
        for _sid, (doc, meta) in sorted(self.speakers.items()):
            title = self.title_of(doc)
            if title is not None:
                entries.append((title.astext(), meta.parts))
        for _tid, (_doc, meta) in sorted(self.talks.items()):
            entries += [(author.name, author.parts) for author in meta.authors]
        self._names = NameIndex(entries)
        return self._names

    def add_talk(self, docname: str, meta: TalkMeta) -> None:
        self.talks[meta.id] = (docname, meta)
        self.data["doc_ids"].setdefault(docname, []).append(("talks", meta.id))
        self._boards = self._by_speaker = self._names = None

    def add_speaker(self, docname: str, meta: SpeakerMeta) -> None:
        self.speakers[meta.id] = (docname, meta)
        self.data["doc_ids"].setdefault(docname, []).append(("speakers", meta.id))
        self._names = None

    def note_schedule(self, docname: str, path: str) -> None:
        self.data["schedule_docs"].setdefault(docname, [])
        if path not in self.data["schedule_docs"][docname]:
            self.data["schedule_docs"][docname].append(path)

    def note_talk_list(self, docname: str) -> None:
        self.data["talk_list_docs"].add(docname)

    def note_speaker_list(self, docname: str) -> None:
        self.data["speaker_list_docs"].add(docname)

    def note_late_doc(self, docname: str, tokens: set[str]) -> None:
        self.data["late_docs"][docname] = tokens

    def schedule_files(self) -> set[str]:
        return {path for paths in self.data["schedule_docs"].values() for path in paths}

    def docs_showing(self, path: str) -> list[str]:
        return sorted(d for d, paths in self.data["schedule_docs"].items() if path in paths)

    def title_of(self, docname: str) -> nodes.title | None:
        return self.env.titles.get(docname)

    def clear_doc(self, docname: str) -> None:
        for key, item_id in self.data["doc_ids"].pop(docname, []):
            entry = self.data[key].get(item_id)
            if entry is not None and entry[0] == docname:
                del self.data[key][item_id]
        self._boards = self._by_speaker = self._names = None
        self.data["schedule_docs"].pop(docname, None)
        self.data["texts"].pop(docname, None)
        self.data["late_docs"].pop(docname, None)
        self.data["talk_list_docs"].discard(docname)
        self.data["speaker_list_docs"].discard(docname)

    def merge_domaindata(self, docnames, otherdata: dict[str, Any]) -> None:
        docnames = set(docnames)
        for key in ("talks", "speakers"):
            for item_id, (doc, meta) in otherdata[key].items():
                if doc in docnames:
                    self.data[key][item_id] = (doc, meta)
        for doc, ids in otherdata["doc_ids"].items():
            if doc in docnames:
                self.data["doc_ids"][doc] = list(ids)
        self._boards = self._by_speaker = self._names = None
        for doc, text in otherdata["texts"].items():
            if doc in docnames:
                self.data["texts"][doc] = text
        for doc, paths in otherdata["schedule_docs"].items():
            if doc in docnames:
                self.data["schedule_docs"][doc] = list(paths)
        for key in ("talk_list_docs", "speaker_list_docs"):
            self.data[key].update(d for d in otherdata[key] if d in docnames)
        for doc, tokens in otherdata["late_docs"].items():
            if doc in docnames:
                self.data["late_docs"][doc] = tokens

    def resolve_xref(self, env, fromdocname, builder, typ, target, node, contnode):
        return None

    def resolve_any_xref(self, env, fromdocname, builder, target, node, contnode):
        return []

    # -- what placeholders showed at the last build (rewrite.py decides what to rewrite) -----

    @property
    def late_docs(self) -> dict[str, set[str]]:
        return self.data["late_docs"]

    def swap_digests(self, new: dict[str, tuple[str, set[str]]]) -> dict[str, tuple[str, set[str]]]:
        """Keep ``new`` as what placeholders show now; return what they showed before."""
        old, self.data["digests"] = self.data["digests"], new
        return old
