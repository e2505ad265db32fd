"""Citable abstracts: each contribution as an entry of the book of abstracts, and the book itself.

Pure Python (the Sphinx glue is citing.py). One :class:`Contribution` (title, authors in order,
the page in the book when the book gives it) in one :class:`Book` (its title and event, place,
dates, editors, publisher, DOI, PDF) is written as BibTeX (``@inproceedings``), RIS (``CPAPER``),
CSL-JSON (``paper-conference``) and Google Scholar's ``citation_*`` meta tags; the book as BibTeX
(``@proceedings``) and as Zenodo's deposit metadata (``.zenodo.json``).

Every value comes from contributors or organizers and is escaped for its format here: BibTeX's
special characters as LaTeX commands with balanced braces (BibTeX counts every brace, even
``\\{``), a name part holding ' and ' or a comma in braces; one RIS line per value (line breaks
and control characters go); JSON by ``json.dumps``; the HTML of Zenodo's description escaped.
Titles come as plain text, their math already read by ``mathmacros.math_as_text``.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from ..book.sources import SOURCES_SUFFIX
from ..model.names import index_name
from ..model.safetext import clean_text, one_line

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


@dataclass(frozen=True)
class Person:
    """A name as written, and its family and given names when a page gives them."""

    name: str
    family: str = ""
    given: str = ""

    @property
    def inverted(self) -> str:
        """'Family, Given' (Google Scholar's citation_author, RIS's AU): as the page gives the
        parts, else as the author index files the name (names.index_name)."""
        if self.family and self.given:
            return f"{one_line(self.family)}, {one_line(self.given)}"
        return one_line(self.family or index_name(self.name))


@dataclass(frozen=True)
class Book:
    title: str  # 'Book of abstracts' (workshop_book_title)
    acronym: str  # "LoRAINNe'24"
    event: str  # 'Workshop on LOw-Rank …' (the series words and full name); may be empty
    place: str = ""  # the venue
    start: dt.date | None = None
    end: dt.date | None = None
    editors: tuple[Person, ...] = ()
    publisher: str = ""  # the organizing group, else empty
    doi: str = ""
    isbn: str = ""
    pdf_url: str = ""  # the book's PDF on the site, when there is one
    site_url: str = ""
    key: str = "workshop"  # the book's BibTeX key (the conference identifier)
    licence_id: str = ""  # Zenodo's licence id ('cc-by-4.0'), when a Creative Commons licence
    keywords: tuple[str, ...] = ()
    description: str = ""
    version: str = ""
    dates: str = ""  # '26–27 November 2024'

    @property
    def conference(self) -> str:
        """ "LoRAINNe'24: Workshop on …" (the event's name, as the site's title says it)."""
        return f"{self.acronym}: {self.event}" if self.event else self.acronym

    @property
    def container(self) -> str:
        """'Book of abstracts of the Workshop on … (LoRAINNe'24)': the book the abstracts are in."""
        if self.event:
            return f"{self.title} of the {self.event} ({self.acronym})"
        return f"{self.acronym}: {self.title}"

    @property
    def full_title(self) -> str:
        """The book as a whole: "LoRAINNe'24: Book of abstracts" (proceedings.book_title)."""
        return f"{self.acronym}: {self.title}"


@dataclass(frozen=True)
class Contribution:
    id: str
    title: str
    authors: tuple[Person, ...]
    url: str
    book: Book
    abstract: str = ""
    keywords: tuple[str, ...] = ()
    page: int | None = None  # the first page in the book, when the book gives it
    poster: bool = False


# --------------------------------------------------------------------------- BibTeX

BIB_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",  # not \{ : BibTeX counts that brace too
    "}": r"\textbraceright{}",
    "%": r"\%",
    "&": r"\&",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
BIB_SPECIAL = re.compile("|".join(re.escape(c) for c in BIB_SPECIALS))


def bib_text(text: str) -> str:
    """One line of text as a BibTeX value's content: each special character a LaTeX command with
    balanced braces (so the value's braces are the value's own); Unicode kept (UTF-8 .bib)."""
    return BIB_SPECIAL.sub(lambda m: BIB_SPECIALS[m.group()], one_line(text))


def bib_verbatim(text: str) -> str:
    """An address or a DOI as a BibTeX value (biblatex reads ``url`` and ``doi`` verbatim: no
    LaTeX escapes, which would be printed as they are): the characters that would unbalance or
    end the value percent-encoded, as in any address."""
    codes = {"{": "%7B", "}": "%7D", "\\": "%5C", " ": "%20"}
    return re.sub(r"[{}\\ ]", lambda m: codes[m.group()], one_line(text))


def _name_part(text: str, family: bool = False) -> str:
    """A name part, in braces when BibTeX would split it (' and ', a comma) or, a family name,
    would read part of it as a 'von' part (a space, a lower-case or escaped first letter): the
    family name a page gives is the family name, whole."""
    escaped = bib_text(text)
    split = re.search(r"\sand\s|,", escaped, flags=re.IGNORECASE) or not escaped
    if split or (family and (re.search(r"[\s\\]", escaped) or not escaped[0].isupper())):
        return "{" + escaped + "}"
    return escaped


def bib_name(person: Person) -> str:
    """'Family, Given' when the page gives the parts; else the name as written (BibTeX takes its
    last word as the family name, as the author index does; 'Family, Given' as BibTeX reads it)."""
    if person.family and person.given:
        return f"{_name_part(person.family, family=True)}, {_name_part(person.given)}"
    name = bib_text(person.family or person.name)
    return "{" + name + "}" if re.search(r"\sand\s", name, flags=re.IGNORECASE) or not name else name


def bib_names(people: tuple[Person, ...]) -> str:
    return " and ".join(bib_name(p) for p in people)


def bib_key(text: str) -> str:
    """A citation key: letters, digits and -_:. only (a talk id or the conference identifier)."""
    return re.sub(r"[^A-Za-z0-9_:.-]+", "", text) or "entry"


def _bib_entry(kind: str, key: str, fields: list[tuple[str, str]]) -> str:
    lines = [f"@{kind}{{{bib_key(key)},"]
    lines += [f"  {name} = {{{value}}}," for name, value in fields if value]
    return "\n".join(lines) + "\n}\n"


def _book_fields(book: Book) -> list[tuple[str, str]]:
    when = book.start
    return [
        ("editor", bib_names(book.editors)),
        ("publisher", bib_text(book.publisher)),
        ("address", bib_text(book.place)),
        ("year", str(when.year) if when else ""),
        ("month", MONTHS[when.month - 1] if when else ""),
        ("eventtitle", bib_text(book.conference)),
        ("venue", bib_text(book.place)),
        ("eventdate", _event_dates(book)),
    ]


def _event_dates(book: Book) -> str:
    if book.start is None:
        return ""
    if book.end is None or book.end == book.start:
        return book.start.isoformat()
    return f"{book.start.isoformat()}/{book.end.isoformat()}"


def bibtex(c: Contribution) -> str:
    """The abstract as ``@inproceedings`` in the book."""
    book = c.book
    fields = [
        ("title", bib_text(c.title)),
        ("author", bib_names(c.authors)),
        ("booktitle", bib_text(book.container)),
        *_book_fields(book),
        ("pages", str(c.page) if c.page else ""),
        ("doi", bib_verbatim(book.doi)),
        ("isbn", bib_text(book.isbn)),
        ("url", bib_verbatim(c.url)),
        ("keywords", bib_text(", ".join(c.keywords))),
    ]
    return _bib_entry("inproceedings", c.id, fields)


def book_bibtex(book: Book) -> str:
    """The whole book as ``@proceedings``."""
    fields = [
        ("title", bib_text(book.container)),
        *_book_fields(book),
        ("doi", bib_verbatim(book.doi)),
        ("isbn", bib_text(book.isbn)),
        ("url", bib_verbatim(book.pdf_url or book.site_url)),
    ]
    return _bib_entry("proceedings", book.key, fields)


# --------------------------------------------------------------------------- RIS


def _ris_date(day: dt.date | None) -> str:
    return day.strftime("%Y/%m/%d/") if day else ""


def ris(c: Contribution) -> str:
    """The abstract as a RIS record (``TY  - CPAPER`` … ``ER  - ``), one line per value, CRLF."""
    book = c.book
    tags: list[tuple[str, str]] = [("TY", "CPAPER"), ("TI", c.title)]
    tags += [("AU", p.inverted) for p in c.authors]
    # as Zotero reads a CPAPER: T2 the conference, C3 the proceedings, A2 their editors, C1 the place
    tags += [("T2", book.conference), ("C3", book.container)]
    tags += [("A2", p.inverted) for p in book.editors]
    tags += [("PB", book.publisher), ("C1", book.place)]
    tags += [("PY", str(book.start.year) if book.start else ""), ("DA", _ris_date(book.start))]
    tags += [("SP", str(c.page) if c.page else ""), ("DO", book.doi), ("SN", book.isbn), ("UR", c.url)]
    tags += [("KW", k) for k in c.keywords]
    tags += [("AB", c.abstract)]
    lines = [f"{tag}  - {one_line(value)}" for tag, value in tags if one_line(value)]
    return "\r\n".join([*lines, "ER  - ", ""])


# --------------------------------------------------------------------------- CSL-JSON


def _csl_name(person: Person) -> dict[str, str]:
    if person.family and person.given:
        return {"family": one_line(person.family), "given": one_line(person.given)}
    return {"literal": one_line(person.family or person.name)}


def _date_parts(*days: dt.date | None) -> dict | None:
    parts = [[d.year, d.month, d.day] for d in dict.fromkeys(days) if d is not None]
    return {"date-parts": parts} if parts else None


def csl(c: Contribution) -> dict:
    """The abstract as one CSL-JSON item (``paper-conference``)."""
    book = c.book
    item = {
        "id": c.id,
        "type": "paper-conference",
        "title": one_line(c.title),
        "author": [_csl_name(p) for p in c.authors],
        "editor": [_csl_name(p) for p in book.editors],
        "container-title": one_line(book.container),
        "event-title": one_line(book.conference),
        "event": one_line(book.conference),  # CSL 1.0.1's name of it
        "event-place": one_line(book.place),
        "event-date": _date_parts(book.start, book.end),
        "publisher": one_line(book.publisher),
        "publisher-place": one_line(book.place),
        "issued": _date_parts(book.start),
        "page": str(c.page) if c.page else "",
        "DOI": one_line(book.doi),
        "ISBN": one_line(book.isbn),
        "URL": one_line(c.url),
        "abstract": clean_text(c.abstract),
        "keyword": one_line(", ".join(c.keywords)),
        "genre": "Poster" if c.poster else "",
    }
    return {k: v for k, v in item.items() if v}


def csl_json(c: Contribution) -> str:
    return json.dumps([csl(c)], ensure_ascii=False, indent=2) + "\n"


# --------------------------------------------------------------------------- Google Scholar


def scholar_tags(c: Contribution) -> list[tuple[str, str]]:
    """(name, content) of Google Scholar's citation meta tags, in Scholar's order; the caller
    escapes them for HTML."""
    book = c.book
    tags = [("citation_title", one_line(c.title))]
    tags += [("citation_author", p.inverted) for p in c.authors]
    tags.append(("citation_conference_title", one_line(book.conference)))
    if book.start:
        tags.append(("citation_publication_date", book.start.strftime("%Y/%m/%d")))
    if c.page:
        tags.append(("citation_firstpage", str(c.page)))
    if book.publisher:
        tags.append(("citation_publisher", one_line(book.publisher)))
    if book.pdf_url:
        tags.append(("citation_pdf_url", book.pdf_url))
    if book.doi:
        tags.append(("citation_doi", one_line(book.doi)))
    if book.isbn:
        tags.append(("citation_isbn", one_line(book.isbn)))
    if c.url:
        tags.append(("citation_abstract_html_url", c.url))
    return [(name, value) for name, value in tags if value]


# --------------------------------------------------------------------------- Zenodo


def zenodo(book: Book) -> dict:
    """The book's deposit metadata for Zenodo (``.zenodo.json``, its legacy deposit format): a
    publication of type book, the organizers as its creators (and editors), the conference."""
    editors = [{"name": p.inverted} for p in book.editors]
    description = book.description or f"{book.title} of the {book.event or book.acronym}."
    record = {
        "upload_type": "publication",
        "publication_type": "book",
        "title": one_line(book.full_title),
        "creators": editors,
        "contributors": [{**e, "type": "Editor"} for e in editors],
        "description": html.escape(one_line(description)),  # Zenodo reads HTML here
        "publication_date": book.start.isoformat() if book.start else "",
        "keywords": [one_line(k) for k in book.keywords if one_line(k)],
        "license": book.licence_id,
        "access_right": "open",
        "conference_title": one_line(book.event or book.acronym),
        "conference_acronym": one_line(book.acronym),
        "conference_dates": one_line(book.dates),
        "conference_place": one_line(book.place),
        "conference_url": book.site_url,
        "imprint_publisher": one_line(book.publisher),
        "imprint_isbn": one_line(book.isbn),
        "imprint_place": one_line(book.place),
        "doi": one_line(book.doi),
        "version": one_line(book.version),
    }
    return {k: v for k, v in record.items() if v}


def zenodo_json(book: Book) -> str:
    return json.dumps(zenodo(book), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def zenodo_licence(short: str) -> str:
    """Zenodo's id of a Creative Commons licence ('CC BY 4.0' → 'cc-by-4.0', 'CC0 1.0' → 'cc-zero')."""
    if short.startswith("CC0"):
        return "cc-zero"
    if short.startswith("CC "):
        return "-".join(short.lower().split())
    return ""


# --------------------------------------------------------------------------- page numbers

# Sphinx labels each document where it starts ('abstracts/cohen::doc'); with hyperref the .aux
# says '\newlabel{abstracts/cohen::doc}{{}{7}{…}{section*.29}{}}': the page as printed
AUX_LABEL = re.compile(r"^\\newlabel\{([A-Za-z0-9_./-]{1,200})::doc\}\{\{[^{}]*\}\{([0-9]{1,5})\}", re.M)


def pages_from_aux(aux: str) -> dict[str, int]:
    """{docname: first page} of each document the book's .aux places on an arabic-numbered page."""
    return {doc: int(page) for doc, page in AUX_LABEL.findall(aux)}


# --------------------------------------------------------------------------- beside the book

BIB_SUFFIX = ".bib"  # the book's @proceedings (written by the LaTeX build, beside the .tex)
ZENODO_SUFFIX = ".zenodo.json"  # its Zenodo deposit record (idem)
PAGES_SUFFIX = ".pages.json"  # {docname: first page}, from the .aux once TeX has run (latexrun)
SIDECARS = (BIB_SUFFIX, ZENODO_SUFFIX, PAGES_SUFFIX, SOURCES_SUFFIX)  # and what it was typeset from


def write_pages(latexdir: Path, name: str) -> None:
    """After TeX: ``<name>.pages.json``, the first page of each document of the book, sorted."""
    aux = latexdir / f"{name}.aux"
    pages = pages_from_aux(aux.read_text(encoding="utf-8", errors="replace")) if aux.is_file() else {}
    text = json.dumps(dict(sorted(pages.items())), indent=1) + "\n"
    (latexdir / f"{name}{PAGES_SUFFIX}").write_text(text, encoding="utf-8")


def copy_sidecars(latexdir: Path, name: str, dest: Path | None, built: bool) -> None:
    """latexrun: the book's BibTeX, Zenodo record and page numbers next to the PDF when it was
    built; none left there (stale) when it was not."""
    if built:
        write_pages(latexdir, name)
    for suffix in SIDECARS:
        source = latexdir / f"{name}{suffix}"
        if dest is None:
            continue
        if built and source.is_file():
            shutil.copyfile(source, dest / source.name)
        else:
            (dest / source.name).unlink(missing_ok=True)
