"""The PDF proceedings: the book's settings, cover, metadata and draft mark; the site's link to it.

The book is the same documents as the site, through Sphinx's LaTeX builder, with
``proceedings.md`` as its root (``make pdf`` passes ``-t proceedings``). Here: the LaTeX builder's
settings (cover from conf.py and the schedule, ``latex/workshopbook.sty``, PDF metadata in Info
and XMP, page labels, the draft mark), the book's name for ``latexrun``, and on the site the
"Download the proceedings" link on every page while the PDF exists. The body of the book (talk
pages, programme, speakers, index entries, completeness report) is laid out in book/layout.py.
"""

from __future__ import annotations

import html
import shutil
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from ..config import series_name
from ..gate.texverify import END_MARKER as SOURCE_END_MARKER
from ..gate.texverify import FRONT_MARKER, SAFE_SOURCE
from ..gate.texverify import MARKER as SOURCE_MARKER
from ..model.schedule import Schedule, format_date_range
from ..site.contribution_nodes import talk_order
from ..site.nodes import author_index, proceedings_link
from ..site.pages import speaker_id
from ..site.resolve import ResolveContext, load_schedule, register_resolver
from .front import book_identifiers, front_pages, imprint, setup_bookfront
from .layout import setup_booklayout
from .scripts import setup_scripts, tex_text
from .settings import cover_logo
from .sources import SOURCES_SUFFIX, book_sources, changed_since, write_record
from .xmp import BookMetadata

STY = Path(__file__).parent / "latex" / "workshopbook.sty"
# the book's math fonts (TeX Gyre Termes Math, unicode-math): right after amsmath, before the text fonts
MATH_STY = Path(__file__).parent / "latex" / "workshopmath.sty"
SPHINX_AMSMATH = r"\usepackage{amsmath,amssymb,amstext}"  # Sphinx's 'amsmath' element
DRAFT_MARK = r"""
\usepackage{draftwatermark}
\SetWatermarkText{Draft}\SetWatermarkScale{1.1}\SetWatermarkLightness{0.85}
"""
PREAMBLE = r"""
\setcounter{tocdepth}{1}% parts and talks
\setcounter{secnumdepth}{-1}% talks carry their contribution number themselves
\usepackage{workshopbook}
"""

logger = logging.getLogger(__name__)


def typographic(text: str) -> str:
    """Typographic apostrophes (LoRAINNe’24, not a typewriter quote)."""
    return text.replace("'", "\u2019")


def tex(text: str) -> str:
    """Escaped for LaTeX, with typographic apostrophes."""
    return tex_text(typographic(text))


def pdf_text(text: str) -> str:
    """For PDF strings (Info and XMP): escaped as for the page, but hyphens as hyphens (hyperxmp
    drops Sphinx's \\sphinxhyphen: 'LOwRank'); hyperref makes the string (\\pdfstringdef)."""
    return tex(text).replace(r"\sphinxhyphen{}", "-")


def date_span(schedule: Schedule | None) -> str:
    """'26–27 November 2024', '30 November – 1 December 2024', '31 December 2024 – 1 January 2025'."""
    if schedule is None or not schedule.days:
        return ""
    return format_date_range(schedule.days[0].date, schedule.days[-1].date)


def book_title(config) -> str:
    """'LoRAINNe'24: Book of abstracts' (the PDF's title)."""
    return f"{config.workshop_acronym or config.project}: {config.workshop_book_title}"


def cover(config, schedule: Schedule | None, draft: bool, imprint: str = "", logo: str = "") -> str:
    """The cover (a recto without folio, page label 'Cover') and its verso (page ii, no folio: the
    imprint, book/front.py), from conf.py and the schedule (dates computed, never typed); ``logo``:
    the TeX of the edition's logo, if any."""
    organizers = r" \textperiodcentered{} ".join(tex(n) for n in config.workshop_organizers)
    lines = [
        r"\begin{titlepage}\workshopcoverpage\centering",
        r"\vspace*{1cm}",
        *([logo, r"\vspace{1.5em}"] if logo else []),
        rf"{{\Huge\bfseries {tex(config.workshop_acronym or config.project)}\par}}\vspace{{1em}}",
    ]
    if config.workshop_full_name:
        lines.append(rf"{{\LARGE {tex(series_name(config))}\par}}\vspace{{2.5em}}")
    lines.append(rf"{{\Large {tex(config.workshop_book_title)}\par}}\vspace{{2.5em}}")
    if draft:
        lines.append(r"{\large\bfseries Draft\par}\vspace{1em}")
    if span := date_span(schedule):
        lines.append(rf"{{\large {tex(span)}\par}}")
    if schedule is not None:
        lines.append(rf"{{\large {tex(schedule.venue)}\par}}")
    lines.append(r"\vfill")
    if organizers:  # a new workshop's cover names none until conf.py does
        lines += [r"{\large\bfseries Organizing committee\par}\vspace{0.5em}", rf"{organizers}\par"]
    if config.workshop_organizer_group:
        lines.append(rf"\par\vspace{{0.35em}}{tex(config.workshop_organizer_group)}\par")
    if config.workshop_acknowledgement:
        lines.append(rf"\vspace{{2em}}{{\small {tex(config.workshop_acknowledgement)}\par}}")
    # front matter in roman numbers from the cover's verso on (the imprint, ii): contents on iii
    lines += [
        r"\end{titlepage}",
        r"\pagenumbering{roman}\setcounter{page}{2}",
        imprint + r"\cleardoublepage",
        "",
    ]
    return "\n".join(lines)


def book_subject(config, schedule: Schedule | None) -> str:
    """'Book of abstracts of the Workshop on …, <venue>, <dates>' (PDF Info and XMP)."""
    subject = " ".join(
        filter(
            None,
            [
                config.workshop_book_title,
                "of the",
                config.workshop_series_words,
                config.workshop_full_name or config.project,
            ],
        )
    )
    if schedule is not None:
        subject += f", {schedule.venue}, {date_span(schedule)}"
    return subject


def book_authors(config) -> list[str]:
    return list(config.workshop_organizers) or [config.author]


def metadata(config, schedule: Schedule | None, draft: bool) -> str:
    """PDF Info (hyperref): title, organizers as authors, subject, language; the outline's
    settings. The XMP packet is not TeX's (book/xmp.py, written after the last pass)."""

    pdf = pdf_text

    title = book_title(config) + (" (Draft)" if draft else "")
    subject = book_subject(config, schedule)
    authors = ", ".join(book_authors(config))
    return "\n".join(
        [
            r"\hypersetup{",
            rf"  pdftitle={{{pdf(title)}}},",
            rf"  pdfauthor={{{pdf(authors)}}},",
            rf"  pdfsubject={{{pdf(subject)}}},",
            rf"  pdflang={{{config.language or 'en'}}},",
            r"  bookmarksdepth=1, bookmarksopen=true, bookmarksopenlevel=0, pdfdisplaydoctitle=true,",
            r"}",
            r"\AtBeginDocument{%",
            rf"  \workshopdocinfo{{Author}}{{{pdf(authors)}}}\workshopdocinfo{{Subject}}{{{pdf(subject)}}}}}",
            "",
        ]
    )


MAX_KEYWORDS = 30  # a conference's book: its most frequent keywords, not thousands


def book_keywords(config, talks: list[tuple[str, ...]]) -> list[str]:
    """The PDF's keywords: ``workshop_pdf_keywords`` when set, else the full name and the
    contributions' own keywords (front matter), the most frequent first, each once (any case);
    the acronym first in both."""
    head = [config.workshop_acronym or config.project]
    if config.workshop_pdf_keywords:
        return head + list(config.workshop_pdf_keywords)
    if config.workshop_full_name:
        head.append(config.workshop_full_name)
    counts: dict[str, int] = {}
    shown: dict[str, str] = {}
    for keywords in talks:
        for keyword in dict.fromkeys(k.strip() for k in keywords if k.strip()):
            key = keyword.casefold()
            counts[key] = counts.get(key, 0) + 1
            shown.setdefault(key, keyword)
    ranked = sorted(counts, key=lambda k: -counts[k])  # stable: first seen first among equals
    return head + [shown[k] for k in ranked[:MAX_KEYWORDS]]


def late_metadata(app: Sphinx, env) -> None:
    """env-updated (every page read, nothing written yet): the keywords from the contributions'
    front matter, and the rights (``copyright``, its ``{year}`` filled by now), into the book's
    preamble. The LaTeX builder copies its context for each document it writes, after this."""
    if app.builder.name != "latex" or not app.tags.has("proceedings"):
        return
    ctx = ResolveContext(app, app.config.root_doc)
    domain = ctx.domain
    order = talk_order(ctx, ctx.schedule())
    words = book_keywords(app.config, [tuple(domain.talks[t][1].keywords) for t in order])
    keywords = ", ".join(words)
    info = rf"\workshopdocinfo{{Keywords}}{{{pdf_text(keywords)}}}"
    lines = [rf"\hypersetup{{pdfkeywords={{{pdf_text(keywords)}}}}}", rf"\AtBeginDocument{{{info}}}"]
    # the XMP packet's words, for the LaTeX run to write into the PDF after its last pass
    config, draft = app.config, app.tags.has("draft")
    quoted = typographic  # the words as the Info dictionary has them (LoRAINNe’24)
    meta = BookMetadata(
        title=quoted(book_title(config) + (" (Draft)" if draft else "")),
        creators=[quoted(name) for name in book_authors(config)],
        description=quoted(book_subject(config, ctx.schedule())),
        language=config.language or "en",
        keywords=[quoted(word) for word in words],
        rights=quoted(f"© {config.copyright}") if config.copyright else "",
        draft=draft,
        **book_identifiers(config),
    )
    for document in config.latex_documents:  # the book (one, unless conf.py lists more)
        meta.write(Path(app.outdir), Path(document[1]).stem)
    app.builder.context["preamble"] = app.builder.context.get("preamble", "") + "\n".join(lines) + "\n"


def configure_latex(app: Sphinx, config) -> None:
    """config-inited (the LaTeX builder reads latex_elements when it starts): the cover, the book's
    style files (layout; math fonts), its metadata, the author index title, and the draft mark
    (``-t draft``)."""
    elements = dict(config.latex_elements)
    schedule = load_schedule(app.srcdir, config.workshop_schedule)[0]
    draft = app.tags.has("draft")
    elements.setdefault(
        "maketitle",
        cover(config, schedule, draft, imprint(app, config, schedule, draft), cover_logo(app, config)),
    )
    elements.setdefault("fncychap", "")
    elements.setdefault("extraclassoptions", "twoside,openright")
    # the outline's 'Contents' points at the contents page (a bookmark on the page it opens); the
    # front pages follow it, then the main matter (\workshopmainmatter, bookfront.add_front_pages)
    elements.setdefault(
        "tableofcontents",
        r"\pdfbookmark[0]{\contentsname}{workshop-contents}\workshopcontents\cleardoublepage",
    )
    preamble = PREAMBLE + metadata(config, schedule, draft)
    if draft:
        preamble += DRAFT_MARK
    elements["preamble"] = elements.get("preamble", "") + preamble
    # math in the text's face: unicode-math after amsmath (Sphinx's element), before fontspec's fonts
    elements["amsmath"] = elements.get("amsmath", SPHINX_AMSMATH) + "\n\\usepackage{workshopmath}"
    # no \makeindex: TeX writes no .idx and no index program runs; booklayout writes the index
    elements["makeindex"] = ""
    elements["printindex"] = ""
    elements.setdefault("releasename", "")
    config.latex_elements = elements
    for sty in (STY, MATH_STY):
        if str(sty) not in config.latex_additional_files:
            config.latex_additional_files = [*config.latex_additional_files, str(sty)]


def resolve_author_index(ctx: ResolveContext, node: nodes.Element) -> list[nodes.Node]:
    """HTML: index entries (one per author, or per speaker) at the start of a talk. The book
    writes its own, sorted by transliteration (booklayout.BookLayout)."""
    entry = ctx.domain.talks.get(node["talk"])
    if entry is None:
        return []
    meta = entry[1]
    people = [(a.name, a.parts) for a in meta.authors]
    for sid in meta.speakers if not people else ():
        speaker = ctx.domain.speakers.get(sid)
        title = ctx.domain.title_of(speaker[0]) if speaker else None
        if title is not None:
            people.append((title.astext(), speaker[1].parts))
    target = f"author-index-{node['talk']}"
    index = ctx.domain.names()  # family name first as the pages give it (names.py)
    shown = dict.fromkeys(index.file(name, parts).shown for name, parts in people)
    entries = [("single", name, target, "", None) for name in shown]
    return [addnodes.index(entries=entries), nodes.target("", "", ids=[target])]


def mark_speaker_pages_orphan(app: Sphinx, doctree: nodes.document) -> None:
    """The book lists its speakers itself ({book-speakers}); their pages are not chapters of it."""
    if app.tags.has("proceedings") and speaker_id(app, app.env.docname):
        app.env.metadata[app.env.docname]["orphan"] = True


class SourceMarkers(SphinxPostTransform):
    """LaTeX: a comment line at the start and end of each document in the book, naming its
    source file, so that a LaTeX error can be traced back to the talk it came from
    (``latexrun`` reads them)."""

    builders = ("latex",)
    default_priority = 900

    def marker(self, docname: str) -> nodes.raw:
        source = self.env.doc2path(docname, False)
        source = str(source) if SAFE_SOURCE.fullmatch(str(source)) else "(a file with an unusual name)"
        # an organizers' front page: verified as strictly as a contribution (texverify)
        marker = FRONT_MARKER if docname in front_pages(self.env._app) else SOURCE_MARKER
        return nodes.raw("", f"\n{marker}{source}\n", format="latex")

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


BOOK_NAME_FILE = "workshop-book-name"  # latexrun reads which .tex is the book (conf.py names it)


UNUSED_TOOLCHAIN_FILES = ("latexmkrc", "latexmkjarc", "Makefile", "make.bat", "*.xdy", "*.ist")


def note_book_name(app: Sphinx, exception: Exception | None) -> None:
    """LaTeX builder: write the book's name beside it, so that `make pdf` needs no copy of it."""
    if exception is None and app.builder.name == "latex" and app.config.latex_documents:
        name = Path(app.config.latex_documents[0][1]).stem
        (Path(app.outdir) / BOOK_NAME_FILE).write_text(name + "\n", encoding="utf-8")
        # what the book is typeset from: the site names what changed since (sources.py)
        write_record(Path(app.outdir) / f"{name}{SOURCES_SUFFIX}", Path(app.srcdir), the_books_sources(app))
        # `make pdf` runs no latexmk and no index program (latexrun): their files are not left
        # beside the book, where they would look like part of the toolchain
        for pattern in UNUSED_TOOLCHAIN_FILES:
            for path in Path(app.outdir).glob(pattern):
                path.unlink(missing_ok=True)


def proceedings_banner(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """html-page-context: every page links the PDF (the theme's announcement bar, at the top)
    while it exists; the link is relative, so the site still works offline and from a folder."""
    pdf = proceedings_pdf(app)
    if pdf is None or "pathto" not in context:
        return
    uri = html.escape(context["pathto"](pdf.name, 1), quote=True)
    size = f"{pdf.stat().st_size / 1e6:.1f} MB"
    context["theme_announcement"] = (
        f'<a class="proceedings-download" href="{uri}">Download the proceedings (PDF, {size})</a>'
    )


def pdf_appeared_or_went(app: Sphinx, env, added, changed, removed) -> list[str]:
    """env-get-outdated: when the PDF appears, goes or changes size, every page is rewritten (its
    link shows the size)."""
    pdf = proceedings_pdf(app)
    state = f"{pdf.name}:{pdf.stat().st_size}" if pdf is not None else ""
    if app.builder.format != "html" or getattr(env, "workshop_pdf_state", "") == state:
        return []
    env.workshop_pdf_state = state
    return sorted(env.found_docs)


def the_books_sources(app: Sphinx) -> list[Path]:
    """The talks', posters' and speakers' files, the schedule, the book's root."""
    config, srcdir = app.config, Path(app.srcdir)
    files = [srcdir / config.workshop_schedule]
    if config.latex_documents:
        files.append(Path(app.env.doc2path(config.latex_documents[0][0])))
    return book_sources(srcdir, [config.workshop_talks_dir, config.workshop_speakers_dir], files)


def note_an_older_pdf(app: Sphinx, exception: Exception | None) -> None:
    """build-finished: the site links the PDF while it exists; say so when the book's sources
    changed since it was typeset (a note: the site itself is right)."""
    pdf = proceedings_pdf(app)
    if exception is not None or pdf is None or app.builder.format != "html":
        return
    changed = changed_since(pdf, Path(app.srcdir), the_books_sources(app))
    if changed:
        shown = ", ".join(changed[:3]) + (f" and {len(changed) - 3} more" if len(changed) > 3 else "")
        logger.info(
            "note: the site links %s, typeset before %s changed: "
            "make pdf (or make all) to publish them together",
            pdf.name,
            shown,
        )


def copy_proceedings(app: Sphinx, exception: Exception | None) -> None:
    pdf = proceedings_pdf(app)
    if exception is None and pdf is not None and app.builder.format == "html":
        shutil.copyfile(pdf, Path(app.outdir) / pdf.name)


LATEX_EPILOG = (
    "The book's LaTeX is in %(outdir)s: `make pdf` typesets it (sphinx_workshop_site.book.latexrun)."
)


def latex_epilog(app: Sphinx) -> None:
    """builder-inited: Sphinx's closing hint ('Run make in that directory… make latexpdf') names
    targets this project has not; say what does typeset the book."""
    if app.builder.name == "latex":
        app.builder.epilog = LATEX_EPILOG


def setup_proceedings(app: Sphinx) -> None:
    # after the copyright's {year} is filled (edition/checks.py) and the front settings checked (front.py)
    app.connect("config-inited", configure_latex, priority=600)
    app.connect("builder-inited", latex_epilog)
    app.connect("env-updated", late_metadata)
    app.connect("build-finished", copy_proceedings)
    app.connect("build-finished", note_an_older_pdf)
    app.connect("build-finished", note_book_name)
    app.connect("html-page-context", proceedings_banner)
    app.connect("env-get-outdated", pdf_appeared_or_went)
    app.connect("doctree-read", mark_speaker_pages_orphan)
    setup_booklayout(app)
    setup_bookfront(app)
    setup_scripts(app)
    app.add_post_transform(SourceMarkers)
    app.add_directive("proceedings-link", ProceedingsLinkDirective)
    register_resolver(author_index, resolve_author_index)  # HTML: index entries (LaTeX: booklayout)
    register_resolver(proceedings_link, resolve_proceedings_link)
