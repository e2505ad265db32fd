"""Sphinx glue of citation.py: "Cite this" on each contribution's page, its Google Scholar tags,
its BibTeX, RIS and CSL-JSON beside the page; the book's BibTeX and Zenodo record beside the book.

- HTML, each talk or poster page: the ``citation_*`` meta tags in its head (after head.page_head's
  description, OpenGraph and JSON-LD), ``<page>.bib``, ``<page>.ris`` and ``<page>.json`` written
  next to the page, and a "Cite this" block at its end: links to the three files and the BibTeX
  as text (plain HTML: no script, the text selectable, its box reachable by keyboard).
- The page in the book: ``make pdf`` (latexrun) writes ``<book>.pages.json`` beside the PDF, read
  from the book's .aux (citation.pages_from_aux); while that PDF is the one the site links
  (``workshop_proceedings_pdf``), each entry gives its first page. Without it, no page is given.
- The LaTeX build of the book (``-t proceedings``): ``<book>.bib`` (``@proceedings``) and
  ``<book>.zenodo.json`` beside the .tex; latexrun copies them next to the PDF.
"""

from __future__ import annotations

import html
import json
import posixpath
from pathlib import Path

from sphinx.application import Sphinx

from ..book.front import Licence, doi_problem, doi_shown, git_version, isbn_problem, isbn_shown, parse_licence
from ..book.proceedings import book_keywords, date_span, proceedings_pdf
from ..domain import WorkshopDomain
from ..model.safetext import one_line
from ..site.contribution_nodes import talk_order
from ..site.pages import talk_id
from ..site.resolve import ResolveContext, load_schedule
from . import citation
from .citation import Book, Contribution, Person
from .record import base_url, identifier, is_html, page_url

CITE_FILES = {"bib": "BibTeX", "ris": "RIS", "json": "CSL-JSON"}
MAX_PAGE = 99999


def _person(domain: WorkshopDomain, name: str, parts=None) -> Person:
    from ..model.names import NO_PARTS

    filed = domain.names().file(name, parts or NO_PARTS)
    return Person(one_line(name), filed.family or "", filed.given or "")


def book_of(app: Sphinx, pdf_url: str = "") -> Book:
    """The book of abstracts, from conf.py and the schedule (the same words as its cover)."""
    config = app.config
    domain: WorkshopDomain = app.env.get_domain("workshop")
    schedule = load_schedule(app.srcdir, config.workshop_schedule)[0]
    days = schedule.days if schedule is not None else []
    licence = parse_licence(config.workshop_book_licence) if config.workshop_book_licence else None
    doi, isbn = config.workshop_book_doi, config.workshop_book_isbn
    event = " ".join(filter(None, [config.workshop_series_words, config.workshop_full_name]))
    acronym = config.workshop_acronym or config.project
    place, dates = (schedule.venue if schedule is not None else ""), date_span(schedule)
    ctx = ResolveContext(app, config.root_doc)
    order = talk_order(ctx, schedule)
    keywords = book_keywords(config, [tuple(domain.talks[t][1].keywords) for t in order])
    description = f"{config.workshop_book_title} of the {event or acronym}" + "".join(
        f", {part}" for part in (place, dates) if part
    )
    return Book(
        title=config.workshop_book_title,
        acronym=acronym,
        event=event if config.workshop_full_name else "",
        place=place,
        start=days[0].date if days else None,
        end=days[-1].date if days else None,
        editors=tuple(_person(domain, n) for n in config.workshop_organizers),
        publisher=config.workshop_organizer_group,
        doi=doi_shown(doi) if doi and not doi_problem(doi) else "",
        isbn=isbn_shown(isbn) if isbn and not isbn_problem(isbn) else "",
        pdf_url=pdf_url,
        site_url=base_url(app),
        key=identifier(app),
        licence_id=citation.zenodo_licence(licence.short) if isinstance(licence, Licence) else "",
        keywords=tuple(keywords),
        description=description + ".",
        version=config.workshop_book_version or git_version(Path(app.srcdir)),
        dates=dates,
    )


def site_book(app: Sphinx) -> tuple[Book, dict[str, int]]:
    """The book as the site cites it (its PDF when the site links one) and the first page of each
    document in it; made once per build (kept on the application, not in the module)."""
    pdf = proceedings_pdf(app)
    key = (id(app.env), pdf and pdf.stat().st_mtime_ns)
    kept = getattr(app, "_workshop_site_book", None)
    if kept is None or kept[0] != key:
        url = f"{base_url(app)}{pdf.name}" if pdf is not None and base_url(app) else ""
        kept = app._workshop_site_book = (key, book_of(app, url), read_pages(pdf))
    return kept[1], kept[2]


def read_pages(pdf: Path | None) -> dict[str, int]:
    """``<book>.pages.json`` beside the PDF (latexrun writes it with the book): {docname: page}."""
    if pdf is None:
        return {}
    try:
        data = json.loads(pdf.with_suffix(citation.PAGES_SUFFIX).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and type(v) is int and 0 < v <= MAX_PAGE}


def contribution(app: Sphinx, tid: str) -> Contribution | None:
    domain: WorkshopDomain = app.env.get_domain("workshop")
    if tid not in domain.talks:
        return None
    docname, meta = domain.talks[tid]
    title, abstract = domain.data["texts"].get(docname, ("", ""))
    if meta.authors:
        authors = tuple(_person(domain, a.name, a.parts) for a in meta.authors)
    else:
        authors = []
        for sid in meta.speakers:
            found = domain.speakers.get(sid)
            shown = domain.title_of(found[0]) if found else None
            if shown is not None:
                authors.append(_person(domain, shown.astext(), found[1].parts))
        authors = tuple(authors)
    book, pages = site_book(app)
    return Contribution(
        id=tid,
        title=title or tid,
        authors=authors,
        url=page_url(app, docname) if base_url(app) else "",
        book=book,
        abstract=abstract,
        keywords=tuple(meta.keywords),
        page=pages.get(docname),
        poster=meta.is_poster,
    )


def citation_files(app: Sphinx, pagename: str) -> tuple[Path, str]:
    """Where the page's citation files go (the page's path without its suffix, in the output) and
    the stem a link from the page to them uses."""
    uri = app.builder.get_target_uri(pagename)
    suffix = app.builder.out_suffix
    stem = uri[: -len(suffix)] if uri.endswith(suffix) else uri + posixpath.basename(pagename)
    return Path(app.outdir) / stem, posixpath.basename(stem)


def cite_block(entry: Contribution, link_stem: str) -> str:
    links = ", ".join(
        f'<a href="{html.escape(link_stem, quote=True)}.{ext}" download>{label}</a>'
        for ext, label in CITE_FILES.items()
    )
    what = "poster" if entry.poster else "abstract"
    return (
        '\n<section class="cite-this" aria-labelledby="workshop-cite-this">\n'
        '<h2 id="workshop-cite-this">Cite this</h2>\n'
        f"<p>This {what} in the book of abstracts: {links}.</p>\n"
        '<pre class="cite-bibtex notranslate mathjax_ignore" tabindex="0">'
        f"<code>{html.escape(citation.bibtex(entry))}</code></pre>\n"
        "</section>\n"
    )


def page_citation(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """html-page-context, after head.page_head: a contribution page's citation tags, files and
    "Cite this" block."""
    if doctree is None or not is_html(app):
        return
    tid = talk_id(app, pagename)
    entry = contribution(app, tid) if tid else None
    if entry is None:
        return
    tags = "".join(
        f'<meta name="{name}" content="{html.escape(value, quote=True)}" />\n'
        for name, value in citation.scholar_tags(entry)
    )
    context["metatags"] = context.get("metatags", "") + tags
    path, link_stem = citation_files(app, pagename)
    path.parent.mkdir(parents=True, exist_ok=True)
    texts = {"bib": citation.bibtex(entry), "ris": citation.ris(entry), "json": citation.csl_json(entry)}
    for ext in CITE_FILES:
        path.with_name(f"{path.name}.{ext}").write_bytes(texts[ext].encode("utf-8"))
    context["body"] = context.get("body", "") + cite_block(entry, link_stem)


def write_book_records(app: Sphinx, exception: Exception | None) -> None:
    """build-finished, the book's LaTeX build: its BibTeX and its Zenodo record beside the .tex
    (latexrun copies them next to the PDF)."""
    if exception is not None or app.builder.name != "latex" or not app.tags.has("proceedings"):
        return
    if not app.config.latex_documents:
        return
    name = Path(app.config.latex_documents[0][1]).stem
    pdf_name = Path(app.config.workshop_proceedings_pdf).name if app.config.workshop_proceedings_pdf else ""
    url = f"{base_url(app)}{pdf_name}" if pdf_name and base_url(app) else ""
    book = book_of(app, url)
    outdir = Path(app.outdir)
    (outdir / f"{name}{citation.BIB_SUFFIX}").write_text(citation.book_bibtex(book), encoding="utf-8")
    (outdir / f"{name}{citation.ZENODO_SUFFIX}").write_text(citation.zenodo_json(book), encoding="utf-8")


def setup_citing(app: Sphinx) -> None:
    app.connect("html-page-context", page_citation, priority=600)  # after head.page_head
    app.connect("build-finished", write_book_records)
