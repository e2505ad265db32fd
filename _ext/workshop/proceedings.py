"""The PDF proceedings: cover, per-talk references under each talk, author index, draft mark.

The book is the same documents as the site, through Sphinx's LaTeX builder, with
``proceedings.md`` as its root (``make pdf`` passes ``-t proceedings``).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective
from sphinx.util.texescape import escape

from .model import Schedule, format_date
from .nodes import author_index, proceedings_link
from .resolve import ResolveContext, load_schedule, register_resolver

CJK_FALLBACK = r"""
% Names in Chinese, Japanese or Korean script are typeset with a CJK font, never dropped.
\IfFontExistsTF{WenQuanYi Micro Hei}{%
  \newfontfamily\workshopcjkfont{WenQuanYi Micro Hei}%
  \usepackage[CJK]{ucharclasses}%
  \setTransitionsForCJK{\begingroup\workshopcjkfont}{\endgroup}%
}{}
"""
DRAFT_MARK = r"""
\usepackage{draftwatermark}
\SetWatermarkText{Draft}\SetWatermarkScale{1.1}\SetWatermarkLightness{0.85}
"""
PREAMBLE = r"""
\setcounter{tocdepth}{1}% chapters and talks
\setcounter{secnumdepth}{1}
\newcommand{\workshopcoverline}[1]{\par\vspace{0.35em}{#1}\par}
"""


def date_span(schedule: Schedule | None) -> str:
    if schedule is None or not schedule.days:
        return ""
    first, last = schedule.days[0].date, schedule.days[-1].date
    if first == last:
        return format_date(first)
    return f"{format_date(first)} – {format_date(last)}"


def cover(config, schedule: Schedule | None) -> str:
    """The title page, from conf.py and the schedule (dates computed, never typed)."""

    def tex(text: str) -> str:
        return escape(text, "xelatex")

    organizers = r" \textperiodcentered{} ".join(tex(n) for n in config.workshop_organizers)
    lines = [
        r"\begin{titlepage}\centering",
        r"\vspace*{2cm}",
        rf"{{\Huge\bfseries {tex(config.workshop_acronym)}\par}}\vspace{{1em}}",
        rf"{{\LARGE Workshop on {tex(config.workshop_full_name)}\par}}\vspace{{2.5em}}",
        r"{\Large Book of abstracts\par}\vspace{2.5em}",
    ]
    if span := date_span(schedule):
        lines.append(rf"{{\large {tex(span)}\par}}")
    if schedule is not None:
        lines.append(rf"{{\large {tex(schedule.venue)}\par}}")
    lines += [
        r"\vfill",
        r"{\large\bfseries Organizing committee\par}\vspace{0.5em}",
        rf"{organizers}\par",
    ]
    if config.workshop_organizer_group:
        lines.append(rf"\workshopcoverline{{{tex(config.workshop_organizer_group)}}}")
    if config.workshop_acknowledgement:
        lines.append(rf"\vspace{{2em}}{{\small {tex(config.workshop_acknowledgement)}\par}}")
    lines += [r"\end{titlepage}", ""]
    return "\n".join(lines)


def configure_latex(app: Sphinx, config) -> None:
    """config-inited (the LaTeX builder reads latex_elements when it starts): the cover,
    fonts, the author index title, and the draft mark (``-t draft``)."""
    elements = dict(config.latex_elements)
    schedule = load_schedule(app.srcdir, config.workshop_schedule)[0]
    elements.setdefault("maketitle", cover(config, schedule))
    preamble = PREAMBLE + CJK_FALLBACK
    if app.tags.has("draft"):
        preamble += DRAFT_MARK
    elements["preamble"] = elements.get("preamble", "") + preamble
    elements.setdefault("printindex", r"\renewcommand{\indexname}{Author index}\printindex")
    elements.setdefault("releasename", "")
    config.latex_elements = elements


def index_name(name: str) -> str:
    """'André de Almeida' → 'Almeida, André de': an author index sorts by family name."""
    words = name.split()
    if len(words) < 2 or any("\u3000" <= c <= "\u9fff" for c in name):
        return name
    return f"{words[-1]}, {' '.join(words[:-1])}"


def resolve_author_index(ctx: ResolveContext, node: nodes.Element) -> list[nodes.Node]:
    """Index entries (one per author, or per speaker) at the start of a talk."""
    entry = ctx.domain.talks.get(node["talk"])
    if entry is None:
        return []
    meta = entry[1]
    names = [a.name for a in meta.authors]
    for sid in meta.speakers if not names else ():
        speaker = ctx.domain.speakers.get(sid)
        title = ctx.domain.title_of(speaker[0]) if speaker else None
        if title is not None:
            names.append(title.astext())
    target = f"author-index-{node['talk']}"
    entries = [("single", index_name(n), target, "", None) for n in dict.fromkeys(names)]
    return [addnodes.index(entries=entries), nodes.target("", "", ids=[target])]


class BookLayout(SphinxPostTransform):
    """LaTeX: each talk starts on a new page, and its {footcite} references become a
    numbered list under it, instead of page footnotes; citations keep their numbers, as [n]."""

    builders = ("latex",)
    default_priority = 5  # before Sphinx turns footnotes into LaTeX footnotes

    def run(self, **kwargs) -> None:
        for meta in list(self.document.findall(nodes.field_list)):
            if "talk-meta" in meta["classes"] and isinstance(meta.parent, nodes.section):
                section = meta.parent
                section.parent.insert(
                    section.parent.index(section), nodes.raw("", r"\clearpage", format="latex")
                )
        self.references_under_talks()

    def references_under_talks(self) -> None:
        footnotes = [f for f in self.document.findall(nodes.footnote) if f["ids"][0].startswith("footcite-")]
        if not footnotes:
            return
        labels = {}
        for footnote in footnotes:
            label = footnote.next_node(nodes.label).astext()
            labels[(footnote.get("docname"), footnote["ids"][0])] = label
        for ref in list(self.document.findall(nodes.footnote_reference)):
            label = labels.get((ref.get("docname"), ref.get("refid")))
            if label is not None:
                ref.replace_self(nodes.reference("", f"[{label}]", refid=ref["refid"], internal=True))
        for footnote in footnotes:
            label = footnote.next_node(nodes.label).astext()
            body = [c for c in footnote.children if not isinstance(c, nodes.label)]
            entry = nodes.paragraph("", "", nodes.strong("", f"[{label}] "), classes=["bib-entry"])
            for child in body:
                entry.extend(child.children if isinstance(child, nodes.paragraph) else [child])
            # the LaTeX writer labels targets, not paragraphs: [n] links land here
            footnote.replace_self([nodes.target("", "", ids=list(footnote["ids"])), entry])
        for transition in list(self.document.findall(nodes.transition)):
            if "footnotes" in transition["classes"]:
                transition.parent.remove(transition)


SOURCE_MARKER = "% workshop-source: "
SOURCE_END_MARKER = "% workshop-source-end"
SAFE_SOURCE = re.compile(r"[A-Za-z0-9._/-]+")  # anything else never reaches the .tex as written


class SourceMarkers(SphinxPostTransform):
    """LaTeX: a comment line at the start and end of each document in the book, naming its
    source file, so that a LaTeX error can be traced back to the talk it came from
    (``latexrun`` reads them)."""

    builders = ("latex",)
    default_priority = 900

    def marker(self, docname: str) -> nodes.raw:
        source = self.env.doc2path(docname, False)
        source = str(source) if SAFE_SOURCE.fullmatch(str(source)) else "(a file with an unusual name)"
        return nodes.raw("", f"\n{SOURCE_MARKER}{source}\n", format="latex")

    def run(self, **kwargs) -> None:
        end = f"\n{SOURCE_END_MARKER}\n"
        for start in list(self.document.findall(addnodes.start_of_file)):
            start.insert(0, self.marker(start["docname"]))
            start.append(nodes.raw("", end, format="latex"))
        self.document.insert(0, self.marker(self.env.docname))  # the book's root document


# --------------------------------------------------------------------------- site link


class ProceedingsLinkDirective(SphinxDirective):
    """``{proceedings-link}``: 'Download the proceedings' when the PDF was built this run."""

    option_spec = {"text": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        return [proceedings_link(text=self.options.get("text", "Download the proceedings (PDF)"))]


def proceedings_pdf(app: Sphinx) -> Path | None:
    name = app.config.workshop_proceedings_pdf
    path = Path(app.srcdir) / name if name else None
    return path if path and path.is_file() else None


def resolve_proceedings_link(ctx: ResolveContext, node: nodes.Element) -> list[nodes.Node]:
    pdf = proceedings_pdf(ctx.app)
    if pdf is None or ctx.builder.format != "html":
        return []
    depth = ctx.docname.count("/")
    uri = "../" * depth + pdf.name
    size = f"{pdf.stat().st_size / 1e6:.1f} MB"
    link = nodes.reference("", node["text"], refuri=uri, classes=["proceedings-download"])
    return [nodes.paragraph("", "", link, nodes.Text(f" ({size})"), classes=["proceedings-link"])]


def copy_proceedings(app: Sphinx, exception: Exception | None) -> None:
    pdf = proceedings_pdf(app)
    if exception is None and pdf is not None and app.builder.format == "html":
        shutil.copyfile(pdf, Path(app.outdir) / pdf.name)


def setup_proceedings(app: Sphinx) -> None:
    app.connect("config-inited", configure_latex)
    app.connect("build-finished", copy_proceedings)
    app.add_post_transform(BookLayout)
    app.add_post_transform(SourceMarkers)
    app.add_directive("proceedings-link", ProceedingsLinkDirective)
    register_resolver(author_index, resolve_author_index)
    register_resolver(proceedings_link, resolve_proceedings_link)
