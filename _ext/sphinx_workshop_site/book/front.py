"""The book's front matter: the imprint on the cover's verso, and the organizers' front pages.

- The imprint (page ii, no folio, as a publisher prints it at the foot of the title's verso): the
  book and its event, the editors (the organizers), © year and holder (``copyright``), the licence
  (``workshop_book_licence``: a Creative Commons licence is named in full with its address), the
  ISBN and DOI when the book has them (``workshop_book_isbn``, ``workshop_book_doi``: an ISBN-13
  with its check digit, a DOI of the shape ``10.<registrant>/<suffix>``), the version
  (``workshop_book_version``; empty: ``git describe`` of the sources when they are a checkout) and
  the build date (``SOURCE_DATE_EPOCH`` when set, for a reproducible book; else today, UTC).
- Front pages (``workshop_book_front_pages``): pages the organizers write (a welcome, the
  committees, the sponsors, practical information), ordinary pages of the site, and chapters of the
  book in the order listed, after the contents and before the programme, numbered in roman with
  the rest of the front matter (the order of the Chicago Manual of Style: contents, then foreword,
  preface, acknowledgements; a reader finds them from the contents, and the programme still
  opens the book's page 1). In the book's LaTeX each is marked as front matter
  (``FRONT_MARKER``): texverify reads it with the contributions' vocabulary, plus the one
  ``\\chapter`` its heading opens.

A bad value is one located line ``conf.py:<line>: <setting> …``; the functions above the Sphinx
glue are pure.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util import logging

from ..diagnostics import report
from ..exports.record import conf_location
from ..model.errors import Problem, WorkshopError
from ..model.schedule import format_date_range
from .scripts import tex_text

logger = logging.getLogger("workshop")

# -- Licences -------------------------------------------------------------------------------------

CC_ELEMENTS = {"BY": "Attribution", "NC": "NonCommercial", "SA": "ShareAlike", "ND": "NoDerivatives"}
CC_KINDS = ("BY", "BY-SA", "BY-ND", "BY-NC", "BY-NC-SA", "BY-NC-ND")
CC_VERSIONS = {
    "4.0": "International",
    "3.0": "Unported",
    "2.5": "Generic",
    "2.0": "Generic",
    "1.0": "Generic",
}


@dataclass(frozen=True)
class Licence:
    short: str  # 'CC BY 4.0', or the setting as written
    name: str = ""  # 'Creative Commons Attribution 4.0 International'
    url: str = ""
    public_domain: bool = False


def parse_licence(value: str) -> Licence | str:
    """A Creative Commons licence ('CC BY 4.0', 'CC-BY-NC-SA-4.0', 'CC0') named in full with its
    address; any other text as written; or a problem (a CC licence that does not exist)."""
    text = " ".join(value.split())
    words = re.split(r"[\s-]+", text.upper())
    if words[0] not in ("CC", "CC0"):
        return Licence(text)
    known = ", ".join(f"'CC {kind} 4.0'" for kind in CC_KINDS) + ", 'CC0 1.0'"
    if words[0] == "CC0" or words[1:2] == ["0"]:
        rest = words[1:] if words[0] == "CC0" else words[2:]
        if rest not in ([], ["1.0"]):
            return f"'{text}' is not a Creative Commons licence (CC0 has one version, 1.0)"
        url = "https://creativecommons.org/publicdomain/zero/1.0/"
        return Licence("CC0 1.0", "CC0 1.0 Universal", url, public_domain=True)
    version = words[-1] if re.fullmatch(r"\d\.\d", words[-1]) else ""
    kind = "-".join(words[1 : len(words) - bool(version)])
    if kind not in CC_KINDS:
        return f"'{text}' is not a Creative Commons licence: write one of {known}"
    if not version:
        return f"'{text}' does not say which version of the licence: write e.g. 'CC {kind} 4.0'"
    if version not in CC_VERSIONS:
        return f"'{text}': Creative Commons licences have versions {', '.join(sorted(CC_VERSIONS))}"
    elements = [CC_ELEMENTS[k] if version == "4.0" or k != "ND" else "NoDerivs" for k in kind.split("-")]
    name = f"Creative Commons {'-'.join(elements)} {version} {CC_VERSIONS[version]}"
    url = f"https://creativecommons.org/licenses/{kind.lower()}/{version}/"
    return Licence(f"CC {kind} {version}", name, url)


# -- Identifiers ----------------------------------------------------------------------------------


def isbn_problem(value: str) -> str | None:
    """None for an ISBN-13 ('978-3-16-148410-0', hyphens or spaces between its digits) with the
    right check digit, else what is wrong."""
    if not re.fullmatch(r"(?:ISBN(?:-13)?:?\s*)?[0-9][0-9 -]*[0-9]", value.strip()):
        return f"'{value}' is not an ISBN-13: 13 digits, e.g. '978-3-16-148410-0'"
    digits = [int(c) for c in re.sub(r"^ISBN(?:-13)?:?|[^0-9]", "", value.strip())]
    if len(digits) != 13 or digits[:3] not in ([9, 7, 8], [9, 7, 9]):
        return f"'{value}' is not an ISBN-13 (13 digits starting with 978 or 979)"
    check = (10 - sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits[:12])) % 10) % 10
    if digits[12] != check:
        return f"'{value}' has a wrong check digit (the last digit of this ISBN would be {check}): a typo?"
    return None


def isbn_shown(value: str) -> str:
    return re.sub(r"^ISBN(?:-13)?:?\s*", "", value.strip())


# Crossref's pattern for the DOIs it has registered (all but a few legacy SICI ones)
DOI = re.compile(r"10\.\d{4,9}/[-._;()/:A-Za-z0-9]+")


def doi_shown(value: str) -> str:
    return re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", "", value.strip(), flags=re.IGNORECASE)


def doi_problem(value: str) -> str | None:
    if not DOI.fullmatch(doi_shown(value)):
        return (
            f"'{value}' is not a DOI: write it as '10.<registrant>/<suffix>', e.g. '10.5281/zenodo.1234567'"
        )
    return None


# -- Version and date -----------------------------------------------------------------------------


def build_date(environ=os.environ) -> dt.date | str:
    """SOURCE_DATE_EPOCH's day (UTC) when it is set (a reproducible book), else today (UTC); or a
    problem."""
    epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return dt.datetime.now(dt.UTC).date()
    try:
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    except (ValueError, OverflowError, OSError):
        return f"SOURCE_DATE_EPOCH '{epoch}' is not a number of seconds since 1970-01-01: unset it"


def git_version(srcdir: Path) -> str:
    """``git describe --tags --always --dirty`` of the sources when they are a git checkout
    ('v1.2', 'v1.2-3-gabc1234', 'abc1234-dirty'); empty otherwise or when git fails."""
    if not (srcdir / ".git").exists():
        return ""
    try:
        done = subprocess.run(
            ["git", "describe", "--tags", "--always", "--dirty"],
            cwd=srcdir,
            capture_output=True,
            text=True,
            timeout=20,
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    out = done.stdout.strip()
    return out if done.returncode == 0 and re.fullmatch(r"[\w.+/-]{1,80}", out) else ""


# -- The imprint ----------------------------------------------------------------------------------


def tex(text: str) -> str:
    return tex_text(text.replace("'", "\u2019"))


def link(url: str) -> str:
    """A fixed-shape address (a licence's, a DOI's: checked characters only), linked."""
    return rf"\href{{{url}}}{{\nolinkurl{{{url}}}}}"


def joined(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


@dataclass
class Imprint:
    title: str  # 'LoRAINNe’24: Book of abstracts'
    event: str = ""  # 'Workshop on …'
    where_when: str = ""  # 'IDMC …, Nancy, France, 26–27 November 2024'
    editors: tuple[str, ...] = ()
    group: str = ""
    rights: str = ""  # '2024 Workshop LoRaINNe' (Sphinx's copyright)
    licence: Licence | None = None
    isbn: str = ""
    doi: str = ""
    version: str = ""
    draft: bool = False
    date: dt.date | None = None

    def latex(self) -> str:
        """The verso's text, at the foot of the page, as publishers set it."""
        paras = [
            rf"\textbf{{{tex(self.title)}}}"
            + "".join(rf"\\{tex(t)}" for t in (self.event, self.where_when) if t)
        ]
        if self.editors:
            editors = f"Edited by {joined(list(self.editors))}" + (f" ({self.group})" if self.group else "")
            paras.append(tex(editors))
        if self.rights:
            paras.append(tex(f"© {self.rights}"))
        if self.licence is not None:
            lic = self.licence
            if lic.url:
                verb = "dedicated to the public domain under" if lic.public_domain else "licensed under"
                said = f"This work is {verb} {lic.name} ({lic.short}). To view a copy of this licence, visit "
                paras.append(tex(said) + link(lic.url))
            else:
                paras.append(tex(f"Licence: {lic.short}"))
        ids = []
        if self.isbn:
            ids.append(tex(f"ISBN {self.isbn}"))
        if self.doi:
            ids.append(rf"DOI \href{{https://doi.org/{self.doi}}}{{\nolinkurl{{{self.doi}}}}}")
        if ids:
            paras.append(r"\\".join(ids))
        state = ["Draft"] if self.draft else []
        if self.version:
            state.append(f"Version {self.version}")
        if self.date is not None:
            state.append(f"Built on {format_date_range(self.date, self.date)}")
        if state:
            paras.append(tex(" · ".join(state)))
        return "\\begin{workshopimprint}\n" + "\\par\n".join(paras) + "\\par\n\\end{workshopimprint}\n"


# -- Sphinx glue ----------------------------------------------------------------------------------


def problem(app: Sphinx, setting: str, message: str, subtype: Problem = Problem.TYPE) -> None:
    report(WorkshopError(f"{setting} {message}", *conf_location(app, setting), subtype))


SAFE_DOCNAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*(?:/[A-Za-z0-9_][A-Za-z0-9_.-]*)*")


def page_file(app: Sphinx, docname: str) -> str | None:
    """The front page's source file (relative to the source folder), or None when there is none."""
    for suffix in app.config.source_suffix:
        if (Path(app.srcdir) / f"{docname}{suffix}").is_file():
            return f"{docname}{suffix}"
    return None


def front_pages(app: Sphinx) -> list[str]:
    """The listed front pages that exist and may be front pages, in the order listed."""
    return getattr(app, "workshop_front_pages", [])


def check_front_settings(app: Sphinx, config) -> None:
    """config-inited: each setting checked (one located line per bad value); the front pages that
    exist are sources of every build (added to ``include_patterns``)."""
    if config.workshop_book_isbn and (why := isbn_problem(config.workshop_book_isbn)):
        problem(app, "workshop_book_isbn", why)
    if config.workshop_book_doi and (why := doi_problem(config.workshop_book_doi)):
        problem(app, "workshop_book_doi", why)
    if config.workshop_book_licence and isinstance(why := parse_licence(config.workshop_book_licence), str):
        problem(app, "workshop_book_licence", why)
    if isinstance(when := build_date(), str):
        logger.warning(when, type="workshop", subtype=Problem.TYPE.value)
    pages: list[str] = []
    contributors = tuple(
        f"{d.strip('/')}/" for d in (config.workshop_talks_dir, config.workshop_speakers_dir)
    )
    for entry in config.workshop_book_front_pages:
        name = str(entry).strip().removesuffix(".md")
        file = page_file(app, name) if SAFE_DOCNAME.fullmatch(name) and ".." not in name.split("/") else None
        if not SAFE_DOCNAME.fullmatch(name) or ".." in name.split("/"):
            why = "a page's name in the source folder without its suffix, e.g. 'welcome' for welcome.md"
            problem(app, "workshop_book_front_pages", f"lists '{entry}': {why}")
        elif name.startswith(contributors) or name in (config.root_doc, "index", "proceedings"):
            why = "a front page is the organizers' own, not a contribution, a speaker's or a root page"
            problem(app, "workshop_book_front_pages", f"lists '{entry}': {why}")
        elif name in pages:
            problem(app, "workshop_book_front_pages", f"lists '{entry}' twice")
        elif file is None:
            why = f"{name}.md does not exist: write the page or take it off the list"
            problem(app, "workshop_book_front_pages", f"lists '{entry}', but {why}", Problem.FILE)
        else:
            pages.append(name)
            if file not in config.include_patterns and config.include_patterns != ["**"]:
                config.include_patterns = [*config.include_patterns, file]
    app.workshop_front_pages = pages


def imprint(app: Sphinx, config, schedule, draft: bool) -> str:
    """The imprint's LaTeX (proceedings.cover writes it on the cover's verso)."""
    from .proceedings import book_title, date_span

    licence = parse_licence(config.workshop_book_licence) if config.workshop_book_licence else None
    isbn, doi = config.workshop_book_isbn, config.workshop_book_doi
    when = build_date()
    full = " ".join(filter(None, [config.workshop_series_words, config.workshop_full_name]))
    place = ", ".join(filter(None, [schedule.venue if schedule else "", date_span(schedule)]))
    return Imprint(
        title=book_title(config),
        event=full if config.workshop_full_name else "",
        where_when=place,
        editors=tuple(config.workshop_organizers),
        group=config.workshop_organizer_group,
        rights=config.copyright or "",
        licence=licence if isinstance(licence, Licence) else None,
        isbn=isbn_shown(isbn) if isbn and not isbn_problem(isbn) else "",
        doi=doi_shown(doi) if doi and not doi_problem(doi) else "",
        version=config.workshop_book_version or git_version(Path(app.srcdir)),
        draft=draft,
        date=when if isinstance(when, dt.date) else None,
    ).latex()


def book_identifiers(config) -> dict[str, str]:
    """The XMP packet's licence address, ISBN and DOI (book/xmp.py), each only when valid."""
    licence = parse_licence(config.workshop_book_licence) if config.workshop_book_licence else None
    isbn, doi = config.workshop_book_isbn, config.workshop_book_doi
    return {
        "licence_url": licence.url if isinstance(licence, Licence) else "",
        "isbn": isbn_shown(isbn) if isbn and not isbn_problem(isbn) else "",
        "doi": doi_shown(doi) if doi and not doi_problem(doi) else "",
    }


def add_front_pages(app: Sphinx, doctree: nodes.document) -> None:
    """doctree-read (before Sphinx's toctree collector), the LaTeX root: a hidden toctree of the
    front pages (the proceedings only) after the root's title, before its first part; then the main
    matter starts (page 1 on a recto, arabic numbers) — with no front page, right after the contents."""
    if app.builder.format != "latex" or app.env.docname != app.config.root_doc:
        return
    top = next(iter(doctree.findall(nodes.section)), None)
    if top is None:
        return
    first = next((i for i, child in enumerate(top.children) if isinstance(child, nodes.section)), len(top))
    pages = front_pages(app) if app.tags.has("proceedings") else []  # the site's own book: none
    added: list[nodes.Node] = []
    if pages:
        toctree = addnodes.toctree(
            parent=app.env.docname,
            entries=[(None, page) for page in pages],
            includefiles=list(pages),
            maxdepth=1,
            caption=None,
            glob=False,
            hidden=True,
            includehidden=False,
            numbered=0,
            titlesonly=False,
        )
        added.append(nodes.raw("", "\n\\workshopfrontmatter\n", format="latex"))
        added.append(nodes.compound("", toctree, classes=["toctree-wrapper"]))
    added.append(nodes.raw("", "\n\\workshopmainmatter\n", format="latex"))
    top[first:first] = added


def reread_root_for_front_pages(app: Sphinx, env, added, changed, removed) -> list[str]:
    """env-get-outdated: a listed front page that appears (or goes) changes the book's root."""
    listed = {str(page).strip().removesuffix(".md") for page in app.config.workshop_book_front_pages}
    if app.tags.has("proceedings") and listed & (set(added) | set(removed)):
        return [app.config.root_doc]
    return []


def setup_bookfront(app: Sphinx) -> None:
    # before the book's cover is made (proceedings.configure_latex, 600)
    app.connect("config-inited", check_front_settings, priority=450)
    app.connect("doctree-read", add_front_pages, priority=400)
    app.connect("env-get-outdated", reread_root_for_front_pages)
