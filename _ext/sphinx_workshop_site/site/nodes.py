"""Placeholder nodes: what one page shows of another, filled in late.

They are stored in the pickled doctree and replaced when the doctree is resolved (write time),
so a page always shows the current title, speakers and slot of a talk it names.
"""

from __future__ import annotations

from docutils import nodes


class bidi_isolate(nodes.inline):
    """A name or an affiliation, set apart for the bidirectional algorithm: ``<bdi>`` in HTML
    (CSS ``bdi {unicode-bidi: plaintext}``), a right-to-left name takes its own direction and
    never reorders the commas, numbers and brackets around it. Its text as any inline elsewhere
    (the book shapes each script itself: book/scripts.py). An element, not a class on a
    ``<span>``: 23 bytes less for each name of a programme of thousands."""


def isolated(text: str) -> bidi_isolate:
    return bidi_isolate(text, text)


def _visit_bdi(self, node: bidi_isolate) -> None:
    self.body.append("<bdi>")


def _depart_bdi(self, node: bidi_isolate) -> None:
    self.body.append("</bdi>")


def _visit_inline(self, node: bidi_isolate) -> None:
    self.visit_inline(node)


def _depart_inline(self, node: bidi_isolate) -> None:
    self.depart_inline(node)


class empty_book_list(nodes.General, nodes.Element):
    """Where a list the book prints (its contributions, its speakers) has nothing in it yet: the
    book leaves out a part that holds nothing else (book/layout.py); no output writes it."""


class LatePlaceholder(nodes.General, nodes.Element):
    """Base class: a document holding one of these is rewritten when what it shows changes."""

    def tokens(self) -> set[str]:
        """What this placeholder shows: 'talk:<id>', 'speaker:<id>', or '*' (every talk)."""
        found = set()
        if "talk" in self.attributes:
            found.add(f"talk:{self['talk']}")
        if "speaker" in self.attributes:
            found.add(f"speaker:{self['speaker']}")
        return found or {"*"}


class talk_title(LatePlaceholder):
    """The linked title of talk ``talk``."""


class talk_speakers(LatePlaceholder):
    """The linked speaker names of talk ``talk`` (with affiliations)."""


class talk_slot(LatePlaceholder):
    """The day, time and room of talk ``talk``, or 'Not yet scheduled'."""


class unscheduled_talks(LatePlaceholder):
    """The talks that have no slot in the main schedule."""


class talk_list(LatePlaceholder):
    """Every talk, in programme order."""


class speaker_list(LatePlaceholder):
    """Every speaker, as a grid."""


class speaker_talks(LatePlaceholder):
    """The talks of speaker ``speaker``."""


class author_index(LatePlaceholder):
    """Author index entries for talk ``talk`` (its authors, or its speakers' names)."""


class proceedings_link(LatePlaceholder):
    """A link to the PDF proceedings, when they were built in the same run."""

    def tokens(self) -> set[str]:
        return {"pdf"}


class programme_exports(LatePlaceholder):
    """Links to the calendar and conference-app exports (HTML only)."""

    def tokens(self) -> set[str]:
        return {"schedule"}


PLACEHOLDERS = (
    programme_exports,
    author_index,
    proceedings_link,
    talk_title,
    talk_speakers,
    talk_slot,
    unscheduled_talks,
    talk_list,
    speaker_list,
    speaker_talks,
)


def _unresolved(self, node):  # pragma: no cover - always replaced at doctree-resolved
    raise nodes.SkipNode  # (an empty_book_list the book kept: nothing)


def setup_nodes(app) -> None:
    inline = {fmt: (_visit_inline, _depart_inline) for fmt in ("latex", "text", "man", "texinfo")}
    app.add_node(bidi_isolate, html=(_visit_bdi, _depart_bdi), **inline)
    handlers = {fmt: (_unresolved, None) for fmt in ("html", "latex", "text", "man", "texinfo")}
    for node_class in (*PLACEHOLDERS, empty_book_list):  # the marker: written as nothing
        app.add_node(node_class, **handlers)
