"""The book's defaults: what a workshop's conf.py would otherwise copy to get its PDF proceedings.

At config-inited, for each setting the organizers' conf.py does not set (an organizer overrides,
never copies):

- ``latex_engine`` is XeLaTeX (any script in names and titles), ``latex_toplevel_sectioning``
  ``chapter``, A4 paper in 11 pt (``latex_elements``);
- ``latex_documents``: one book, root ``proceedings.md``, named ``<slug>-proceedings.tex`` after the
  edition's acronym (``<slug>-proceedings-draft.tex`` with ``-t draft``);
- ``workshop_proceedings_pdf``: the PDF `make pdf` writes (``_build/pdf/<slug>-proceedings.pdf``),
  linked from every page of the site while it exists;
- with ``-t proceedings`` (`make pdf`), the book's root is ``proceedings.md`` instead of the home
  page, and the site's list pages (the programme's, the talks' and the speakers' index pages) are
  not part of it: the book has its own; without the tag, ``proceedings.md`` is not a page of the site.

And the cover's logo (``workshop_cover_logo``): an image, or a ``.tex`` file of TeX drawing
commands (the book's layout vocabulary, texverify.LAYOUT); none by default.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config

from ..diagnostics import report
from ..model.errors import Problem, WorkshopError

BOOK_ROOT = "proceedings"  # proceedings.md: the book's root document (make pdf)
LATEX_ELEMENTS = {"papersize": "a4paper", "pointsize": "11pt", "figure_align": "htbp"}
LOGO_IMAGES = (".pdf", ".png", ".jpg", ".jpeg")
SAFE_FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def edition_slug(acronym: str) -> str:
    """'LoRAINNe'24' → 'lorainne24': file names and placeholder addresses."""
    return re.sub(r"[^a-z0-9]+", "", acronym.lower()) or "workshop"


def user_set(config: Config, name: str) -> bool:
    """Whether conf.py (or ``-D``) sets ``name``: the extension's defaults never replace a choice."""
    return name in getattr(config, "_raw_config", {}) or name in getattr(config, "_overrides", {})


def book_name(config: Config, draft: bool = False) -> str:
    slug = edition_slug(config.workshop_acronym or config.project)
    return f"{slug}-proceedings" + ("-draft" if draft else "")


def list_pages(config: Config) -> list[str]:
    """The site's own list pages, which the book replaces with its parts, and the pages beside
    the programme that only a browser has a use for (My agenda, the changes page)."""
    programme = posixpath.dirname(config.workshop_schedule.replace("\\", "/"))
    folders = [programme, config.workshop_talks_dir, config.workshop_speakers_dir]
    beside = [posixpath.join(programme, f"{name}.md") for name in ("agenda", "changes")]
    return [posixpath.join(folder, "index.md") for folder in folders if folder] + beside


def set_book_defaults(app: Sphinx, config: Config) -> None:
    """config-inited, before proceedings.configure_latex: the book's settings nobody set."""
    if not user_set(config, "latex_engine"):
        config.latex_engine = "xelatex"
    if not user_set(config, "latex_toplevel_sectioning"):
        config.latex_toplevel_sectioning = "chapter"
    if not user_set(config, "latex_documents"):
        # the running head shows the title with a typographic apostrophe (’)
        title = config.project.replace("'", "’")
        name = book_name(config, app.tags.has("draft"))
        # the book's root with -t proceedings (make pdf); a plain LaTeX build of the site otherwise
        root = BOOK_ROOT if app.tags.has("proceedings") else config.root_doc
        config.latex_documents = [(root, f"{name}.tex", title, config.author, "manual")]
    if not user_set(config, "workshop_proceedings_pdf") and config.latex_documents:
        name = Path(config.latex_documents[0][1]).stem.removesuffix("-draft")
        config.workshop_proceedings_pdf = f"_build/pdf/{name}.pdf"
    elements = dict(config.latex_elements)
    for key, value in LATEX_ELEMENTS.items():
        elements.setdefault(key, value)
    config.latex_elements = elements

    book = f"{BOOK_ROOT}.md"
    if app.tags.has("proceedings"):
        if config.root_doc != BOOK_ROOT:
            site_root = f"{config.root_doc}.md"
            config.root_doc = BOOK_ROOT
            config.include_patterns = [book if p == site_root else p for p in config.include_patterns]
            if book not in config.include_patterns and "**" not in config.include_patterns:
                config.include_patterns = [*config.include_patterns, book]
            excluded = [site_root, *list_pages(config)]
            config.exclude_patterns = [*config.exclude_patterns, *excluded]
    elif config.root_doc != BOOK_ROOT and book not in config.exclude_patterns:
        config.exclude_patterns = [*config.exclude_patterns, book]


def conf_location(app: Sphinx, setting: str) -> tuple[str, int]:
    from ..exports.record import conf_location as located

    return located(app, setting)


def cover_logo(app: Sphinx, config: Config) -> str:
    """The cover's logo as TeX: an image (PDF, PNG or JPEG, copied beside the book) or the TeX of
    a ``.tex`` file; '' when there is none (a plain cover) or the file is not usable (one warning)."""
    source = config.workshop_cover_logo
    if not source:
        return ""
    path = Path(app.confdir) / source
    suffix = path.suffix.lower()
    problem = None
    if not path.is_file():
        problem = f"workshop_cover_logo '{source}': no such file (a PDF, PNG, JPEG or .tex file)"
    elif suffix not in (*LOGO_IMAGES, ".tex"):
        problem = f"workshop_cover_logo '{source}' must be a PDF, PNG, JPEG or .tex file"
    elif not SAFE_FILE_NAME.fullmatch(path.name):
        problem = f"workshop_cover_logo '{source}': name the file with letters, digits, '.', '-' and '_' only"
    if problem:
        report(WorkshopError(problem, *conf_location(app, "workshop_cover_logo"), Problem.FILE))
        return ""
    if suffix == ".tex":  # its comment lines are the file's own notes, not the cover's
        lines = path.read_text(encoding="utf-8").splitlines()
        return "\n".join(line for line in lines if not line.lstrip().startswith("%")).strip()
    if str(path) not in config.latex_additional_files:
        config.latex_additional_files = [*config.latex_additional_files, str(path)]
    return rf"\includegraphics[width=0.5\textwidth,height=45mm,keepaspectratio]{{{path.name}}}\par"


def setup_bookconfig(app: Sphinx) -> None:
    app.connect("config-inited", set_book_defaults, priority=400)
