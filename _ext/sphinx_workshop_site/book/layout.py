"""The book of abstracts' body, laid out on the assembled LaTeX doctree (one post-transform).

``proceedings.md`` holds the book's parts: ``{book-programme}``, the talks (a ``{talk-list}``
toctree) and ``{book-speakers}``. Here, for the LaTeX builder only:

- every talk gets its contribution number (programme order, then unscheduled talks by id),
  shown in its heading, the contents, the programme and the speakers list, and a label
  ``workshop-talk-<n>`` whose page the programme prints;
- a talk's details (speakers, authors with numbered affiliations one per line, ORCID,
  corresponding author, slot without what is the same for the whole event, keywords) replace
  the web's field list;
- citation markers are upright, tied to the word before them; each reference has a hanging
  indent, and its DOI or URL breaks only at slashes and dots;
- author index entries and the speakers part sort by family name: as the pages give it
  (``family-name``, ``sort-as``, ``name-order``; names.py), else guessed, transliterated to Latin
  (anyascii), so 张伟 files under Z and Παπαδόπουλος under P; a name never breaks across lines
  (in a box, its spaces no-break spaces) in the talk's details, the contents, the programme,
  the speakers part and the index;
- a completeness report (placeholder titles, talks without an abstract, contributions with no
  slot, talk slots that name no contribution, empty poster or spotlight lists, authors without an
  affiliation, references without a DOI or arXiv id) is printed; with ``-t final`` each item is a
  warning at its line (title, .bib entry, schedule slot), so ``make pdf FINAL=1`` fails while
  anything is missing.

Contributor text reaches LaTeX only as docutils Text and math nodes (the writer escapes them) or
through :func:`tex` (Sphinx's escape, right-to-left runs marked); raw LaTeX here is the book's own structure.
"""

from __future__ import annotations

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective

from ..gate.allowlist import position
from ..gate.mathmacros import math_as_text, plain_text
from ..gate.texverify import END_MARKER, MARKER, SAFE_SOURCE
from ..site.contribution_nodes import talk_order
from ..site.nodes import author_index, empty_book_list
from ..site.resolve import ResolveContext
from .completeness import completeness_report
from .parts import (
    POSTERS_PART,
    SAFE_LABEL,
    SAFE_URL,
    SAFE_URL_TEXT,
    Book,
    index_latex,
    label,
    listed,
    name_nodes,
    name_tex,
    raw,
    tex,
)
from .programme import programme

# --------------------------------------------------------------------------- placeholders


class book_programme(nodes.General, nodes.Element):
    """The programme, as the book prints it (filled by BookLayout)."""


class book_speakers(nodes.General, nodes.Element):
    """The speakers, family name order (filled by BookLayout)."""


class BookProgrammeDirective(SphinxDirective):
    def run(self) -> list[nodes.Node]:
        self.env.note_dependency(self.config.workshop_schedule)
        return [book_programme()]


class BookSpeakersDirective(SphinxDirective):
    def run(self) -> list[nodes.Node]:
        return [book_speakers()]


def _nothing_shown(node: nodes.Node) -> bool:
    """A label, the marker of an empty list, or an empty toctree's wrapper."""
    if isinstance(node, (nodes.target, empty_book_list)):
        return True
    return (
        isinstance(node, nodes.compound)
        and "toctree-wrapper" in node["classes"]
        and all(_nothing_shown(c) or isinstance(c, addnodes.toctree) for c in node.children)
    )


def _skip(self, node):  # pragma: no cover - filled by BookLayout, or dropped by other builders
    raise nodes.SkipNode


def drop_book_nodes(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Any builder but LaTeX: the book's own parts are not shown."""
    if app.builder.format != "latex":
        for node in list(doctree.findall(lambda n: isinstance(n, (book_programme, book_speakers)))):
            node.parent.remove(node)


class BookLayout(SphinxPostTransform):
    """LaTeX: the book's talk pages, programme, speakers and index entries (see module doc)."""

    builders = ("latex",)
    default_priority = 5  # before Sphinx turns footnotes into LaTeX footnotes

    def run(self, **kwargs) -> None:
        app = self.env._app  # what SphinxTransform.app gives (deprecated in Sphinx 9)
        ctx = ResolveContext(app, self.config.root_doc)
        schedule = ctx.schedule()
        talks, posters = talk_order(ctx, schedule, "talk"), talk_order(ctx, schedule, "poster")
        book = Book(ctx, schedule, {tid: n for n, tid in enumerate(talks + posters, 1)})
        self.posters_after_talks(book, posters)
        for marker in list(self.document.findall(author_index)):
            self.talk_page(book, marker)
        self.references_under_talks()
        parts = list(self.document.findall(book_programme))
        for node in parts:
            node.replace_self(programme(book))
        for node in list(self.document.findall(book_speakers)):
            listed = speakers(book)
            node.replace_self(listed if any(n.children for n in listed) else empty_book_list())
        self.drop_empty_parts()
        if parts:  # the book itself (its root holds the programme), not some other LaTeX document
            completeness_report(app, book)
            # the LaTeX writer copies the builder's context after this transform: the index's place
            app.builder.context["printindex"] = index_latex(book.people) if book.people else ""

    def drop_empty_parts(self) -> None:
        """A part that holds only a list with nothing in it yet (the abstracts, the speakers of an
        edition that announces its dates first) is left out, not printed as an empty chapter;
        a part with anything else of the organizers' keeps it, without the marker."""
        for marker in list(self.document.findall(empty_book_list)):
            section = marker.parent
            while section is not None and not isinstance(section, nodes.section):
                section = section.parent
            if section is not None and all(_nothing_shown(child) for child in section.children[1:]):
                section.parent.remove(section)
            elif marker.parent is not None:
                marker.parent.remove(marker)

    def posters_after_talks(self, book: Book, posters: list[str]) -> None:
        """The posters, a part of their own after the talks (the site's toctree mixes them)."""
        domain = book.ctx.domain
        poster_docs = {domain.talks[p][0] for p in posters}
        files = [f for f in self.document.findall(addnodes.start_of_file) if f["docname"] in poster_docs]
        if not files:
            return
        talk_files = [
            f
            for f in self.document.findall(addnodes.start_of_file)
            if f["docname"] not in poster_docs and f["docname"] in {d for d, _m in domain.talks.values()}
        ]
        anchor = talk_files[-1] if talk_files else files[0]
        parent = anchor.parent
        by_doc = {f["docname"]: f for f in files}
        for f in files:
            f.parent.remove(f)
        at = parent.index(anchor) + 1 if talk_files else len(parent)
        ordered = [by_doc[domain.talks[p][0]] for p in posters if domain.talks[p][0] in by_doc]
        parent[at:at] = [raw(rf"\chapter{{{POSTERS_PART}}}"), *ordered]
        book.part_openers.add(book.numbers[posters[0]])

    def talk_page(self, book: Book, marker: author_index) -> None:
        tid = marker["talk"]
        section = marker.parent
        if tid not in book.numbers or not isinstance(section, nodes.section):
            marker.parent.remove(marker)
            return
        number = book.numbers[tid]
        if number not in book.part_openers:  # the first of a part opens right under its heading
            section.parent.insert(section.parent.index(section), raw(rf"\workshoptalk{{{number}}}"))
        title = section[0]
        title.insert(0, raw(rf"\texorpdfstring{{\workshopno{{{number}}}}}{{{number}. }}"))
        for math in list(title.findall(nodes.math)):  # the outline shows a text form, not nothing
            formula = math.astext()
            text = tex(math_as_text(formula)).replace(r"\sphinxhyphen{}", "-")
            math.replace_self(raw(rf"\texorpdfstring{{\protect\({formula}\protect\)}}{{{text}}}"))
        names = ", ".join(name_tex(n) for n in book.speaker_names(tid))
        for name, parts in dict.fromkeys(book.author_people(tid)):
            book.index_person(name, parts, number)
        block = [
            # equations are numbered per contribution, as on its page (MathJax numbers per page)
            raw(rf"\phantomsection\label{{{label(number)}}}\setcounter{{equation}}{{0}}"),
            raw(rf"\workshoptocspeakers{{{names}}}"),
        ]
        meta = next((m for m in section.findall(nodes.field_list) if "talk-meta" in m["classes"]), None)
        details = talk_details(book, tid)
        if meta is not None:
            meta.replace_self(details)
        else:
            block.append(details)
        marker.replace_self(block)

    def references_under_talks(self) -> None:
        """{footcite} references as a numbered list under each talk, markers as '~[n]'."""
        footnotes = [f for f in self.document.findall(nodes.footnote) if f["ids"][0].startswith("footcite-")]
        # numbered 1, 2, … per talk: the talk's own footnotes share docutils' numbering on the page
        # ('[1], [3]' with a footnote 2), not in the book's reference list
        labels, counts = {}, {}
        for footnote in footnotes:
            docname = footnote.get("docname")
            counts[docname] = counts.get(docname, 0) + 1
            labels[(docname, footnote["ids"][0])] = str(counts[docname])
        for ref in list(self.document.findall(nodes.footnote_reference)):
            docname, refid = ref.get("docname"), ref.get("refid")
            number = labels.get((docname, refid))
            if number is None:
                continue
            target = f"{docname}:{refid}"
            marker = nodes.reference("", f"[{number}]", refid=refid, internal=True)
            if SAFE_LABEL.fullmatch(target):
                at = position(ref)
                previous = ref.parent[at - 1] if at else None
                if isinstance(previous, nodes.Text) and previous.rstrip() != previous:
                    ref.parent[at - 1] = nodes.Text(previous.rstrip())  # by place: equal texts abound
                marker = raw(rf"~\hyperref[\detokenize{{{target}}}]{{\textup{{[{number}]}}}}")
            ref.replace_self(marker)
        for footnote in footnotes:
            number = labels[(footnote.get("docname"), footnote["ids"][0])]
            body = [c for c in footnote.children if not isinstance(c, nodes.label)]
            entry = nodes.paragraph("", "", raw(r"\workshopreference "), classes=["bib-entry"])
            entry += nodes.strong("", f"[{number}] ")
            for child in body:
                entry.extend(child.children if isinstance(child, nodes.paragraph) else [child])
            for link in list(entry.findall(nodes.reference)):
                uri, text = link.get("refuri", ""), link.astext()
                if SAFE_URL.fullmatch(uri) and SAFE_URL_TEXT.fullmatch(text):
                    uri = uri.replace("%", r"\%").replace("#", r"\#")
                    link.replace_self(raw(rf"\href{{{uri}}}{{\nolinkurl{{{text}}}}}"))
            # the LaTeX writer labels targets, not paragraphs: [n] links land here
            footnote.replace_self([nodes.target("", "", ids=list(footnote["ids"])), entry])
        for transition in list(self.document.findall(nodes.transition)):
            if "footnotes" in transition["classes"]:
                transition.parent.remove(transition)


def talk_details(book: Book, tid: str) -> nodes.Element:
    """Speakers; authors with numbered affiliations (one per line), ORCID, corresponding
    author; the slot; keywords."""
    domain = book.ctx.domain
    meta = domain.talks[tid][1]
    box = nodes.container()
    box += raw(r"\begin{workshoptalkmeta}")
    line = nodes.inline()
    if meta.authors:
        affiliations: list[str] = []
        for author in meta.authors:
            affiliations += [a for a in author.affiliations if a not in affiliations]
        line += raw(r"\textbf{Authors:} ")
        for i, author in enumerate(meta.authors):
            if i:
                line += nodes.Text(", ")
            line += name_nodes(author.name)
            marks = ",".join(str(affiliations.index(a) + 1) for a in author.affiliations)
            if author.corresponding:
                marks += ("," if marks else "") + "*"
            if marks:
                line += raw(rf"\textsuperscript{{{marks}}}")
            if author.orcid:  # checked against the ORCID pattern by the front matter reader
                line += raw(rf"\workshoporcid{{{author.orcid}}}")
        for n, affiliation in enumerate(affiliations, 1):
            line += raw(rf"\workshopaffil{{{n}}}{{")
            line += nodes.Text(affiliation)
            line += raw("}")
        if any(a.corresponding for a in meta.authors):
            line += raw(r"\workshopaffil{*}{Corresponding author}")
        line += raw(r"\par ")
    # the site's words (talks.py): a poster is presented
    label_word = ("Presenter" if meta.is_poster else "Speaker") + ("s" if len(meta.speakers) > 1 else "")
    line += raw(rf"\textbf{{{label_word}:}} ")
    for i, sid in enumerate(meta.speakers):
        if i:
            line += nodes.Text("; ")
        speaker = domain.speakers.get(sid)
        line += name_nodes(book.speaker_names(tid)[i])
        if speaker and speaker[1].affiliation:
            line += nodes.Text(f" ({speaker[1].affiliation})")
        if speaker and speaker[1].orcid and not meta.authors:
            line += raw(rf"\workshoporcid{{{speaker[1].orcid}}}")
    line += raw(r"\par ")
    slot = book.schedule.slot_of(tid) if book.schedule else None
    session = book.schedule.session_of(tid) if book.schedule and meta.is_poster else None
    if session is not None:
        # the site's words (contribution_nodes.slot_nodes): 'When: <session>: <day, time, room>'
        where = f"{session.title or 'Poster session'}: {book.when(session)}"
        if board := book.boards().get(tid):
            where += f", board {board}"
        line += raw(r"\textbf{When:} ")
        line += nodes.Text(where)
        line += raw(r"\par ")
    if slot is not None:
        when = book.when(slot)
        if slot.cancelled:  # the talk stays in the book, labelled
            when = f"Cancelled (was {when})"
        line += raw(r"\textbf{When:} ")
        line += nodes.Text(when)
        line += raw(r"\par ")
    if meta.keywords:
        line += raw(r"\textbf{Keywords:} ")
        line += listed(meta.keywords)
        line += raw(r"\par ")
    box += line
    box += raw(r"\end{workshoptalkmeta}")
    return box


def speakers(book: Book) -> list[nodes.Node]:
    """Every speaker once, by family name (names.py): name, ORCID, affiliation, talks with number
    and page."""
    domain = book.ctx.domain
    rows = []
    for sid, (docname, meta) in domain.speakers.items():
        title = domain.title_of(docname)
        name = plain_text(title) if title is not None else sid
        rows.append((domain.names().file(name, meta.parts).key, name, sid, meta))
    bios = {sid: speaker_bio(book, docname) for sid, (docname, _m) in domain.speakers.items()}
    seen: dict[str, int] = {}
    for paragraphs in bios.values():
        for text in {p.astext() for p in paragraphs}:
            seen[text] = seen.get(text, 0) + 1
    out = nodes.container()
    for _key, name, sid, meta in sorted(rows):
        # inside the inline: a raw node of its own is a block, written with a line break after it
        entry = nodes.inline("", "", raw(r"\workshopspeaker{"))
        entry += name_nodes(name)
        if meta.orcid:
            entry += raw(rf"\workshoporcid{{{meta.orcid}}}")
        entry += raw("}{")
        entry += nodes.Text(meta.affiliation or "")
        entry += raw("}{")
        talks = [t for t in book.numbers if sid in domain.talks[t][1].speakers]
        for i, tid in enumerate(talks):
            if i:
                entry += raw(r"\par ")
            number = book.numbers[tid]
            entry += raw(rf"\workshopspeakertalk{{{number}}}{{{label(number)}}}{{")
            entry += book.talk_title(tid)
            entry += raw("}")
        entry += raw("}\n")
        out += entry
        # the speaker's own text; a sentence that several pages share is the site's wording
        own = [p for p in bios[sid] if seen[p.astext()] == 1]
        if own:  # between markers: verified as the speaker page's own LaTeX (texverify)
            source = str(book.ctx.env.doc2path(domain.speakers[sid][0], False))
            source = source if SAFE_SOURCE.fullmatch(source) else "(a file with an unusual name)"
            out += raw(f"\n{MARKER}{source}\n")
            out += raw(r"\begingroup\small")
            out.extend(own)
            out += raw(r"\endgroup")
            out += raw(f"\n{END_MARKER}\n")
        out += raw(r"\medskip")
    return [out]


BIO_NODES = (
    nodes.Text,
    nodes.emphasis,
    nodes.strong,
    nodes.literal,
    nodes.reference,
    nodes.math,
    nodes.inline,
)


def speaker_bio(book: Book, docname: str) -> list[nodes.paragraph]:
    """The paragraphs under a speaker's name (their page's text), inline text nodes only."""
    doctree = book.ctx.env.get_doctree(docname)
    section = next(iter(doctree.findall(nodes.section)), None)
    return [
        plain_inline(child.deepcopy())
        for child in (section.children if section is not None else ())
        if isinstance(child, nodes.paragraph)
    ]


def plain_inline(paragraph: nodes.paragraph) -> nodes.paragraph:
    """Anything but text, emphasis, code, math and web links (cross-references, images, footnote
    marks) becomes its text: the copy is made after the book's images and targets were collected."""
    for node in list(paragraph.findall(include_self=False)):
        if node.parent is None:  # inside a node already replaced
            continue
        if isinstance(node, nodes.reference) and node.get("refuri"):
            continue
        if not isinstance(node, BIO_NODES) or isinstance(node, nodes.reference):
            text = node.get("alt", "") if isinstance(node, nodes.image) else node.astext()
            node.replace_self(nodes.Text(text))
    return paragraph


def setup_booklayout(app: Sphinx) -> None:
    for node_class in (book_programme, book_speakers):
        app.add_node(
            node_class, **{fmt: (_skip, None) for fmt in ("html", "latex", "text", "man", "texinfo")}
        )
    app.add_directive("book-programme", BookProgrammeDirective)
    app.add_directive("book-speakers", BookSpeakersDirective)
    app.add_post_transform(BookLayout)
    app.connect("doctree-resolved", drop_book_nodes)
