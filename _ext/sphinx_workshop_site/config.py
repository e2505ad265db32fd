"""Every ``workshop_*`` setting, registered in one place (as sphinxcontrib-bibtex does in its setup()).

Each entry is a :class:`Setting`: its name, default, what a change rebuilds (Sphinx's ``rebuild``:
``"env"`` re-reads every page, ``"html"`` rewrites the HTML pages, ``""`` nothing), its accepted
types and a one-line description. The reference's settings table (docs/reference.md) is
generated from this list (``make docs`` rewrites it, docs.py) and a test keeps the two in agreement.

A module that needs a new setting adds one entry here; it never calls ``app.add_config_value``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    rebuild: str  # "env", "html" or ""
    types: tuple[type, ...]
    doc: str


SETTINGS: tuple[Setting, ...] = (
    # -- The edition: who and what (dates and venue come from the schedule only) ------------------------
    Setting(
        "workshop_acronym",
        "",
        "env",
        (str,),
        'Short name of the edition (e.g. "XYZ\'26"): cover, titles, exports; empty: `project`.',
    ),
    Setting(
        "workshop_full_name",
        "",
        "env",
        (str,),
        "What the acronym stands for, shown on the cover and in the site's description.",
    ),
    Setting(
        "workshop_organizers",
        [],
        "env",
        (list, tuple),
        "The organizers' names, in the order shown on the cover and in the PDF's metadata.",
    ),
    Setting(
        "workshop_organizer_group",
        "",
        "env",
        (str,),
        "The group or lab that organizes the edition, shown on the cover under the organizers.",
    ),
    Setting(
        "workshop_acknowledgement",
        "",
        "env",
        (str,),
        "A funding or thanks line at the foot of the cover; empty: none.",
    ),
    Setting(
        "workshop_logo_text",
        "",
        "html",
        (str,),
        'Caption drawn into the logo; empty: the schedule\'s venue and dates ("City · 3–4 Jun 2026").',
    ),
    # -- Where the content is -----------------------------------------------------------------------------
    Setting(
        "workshop_schedule",
        "program/schedule.yaml",
        "env",
        (str,),
        "The schedule file (source-relative): days, slots, rooms, venue — the single source of dates.",
    ),
    Setting(
        "workshop_talks_dir",
        "abstracts",
        "env",
        (str,),
        "Folder of the talk pages (`<id>.md` and `<id>.bib`); its files are contributor content.",
    ),
    Setting(
        "workshop_speakers_dir",
        "speakers",
        "env",
        (str,),
        "Folder of the speaker pages (`<id>.md` and photos); its files are contributor content.",
    ),
    Setting(
        "workshop_word_limit",
        300,
        "env",
        (int,),
        "Most words an abstract (the text under a talk's title) may have.",
    ),
    # -- Outputs ------------------------------------------------------------------------------------------
    Setting(
        "workshop_sidebar",
        "auto",
        "html",
        (str,),
        'Sidebar: "full" (every talk), "sections" (programme, talks…), "auto" (sections if > 100 talks).',
    ),
    Setting(
        "workshop_identifier",
        "",
        "env",
        (str,),
        "Conference id in every export (UIDs, frab guids, acronym): a-z, 0-9, _; empty: from the acronym.",
    ),
    Setting(
        "workshop_organizer_email",
        "",
        "env",
        (str,),
        "The organizers' address: the calendars' ORGANIZER and JSON-LD's organizer email; empty: none.",
    ),
    Setting(
        "workshop_social_image",
        "",
        "html",
        (str,),
        "A PNG or JPEG in the static path for link previews (og:image); empty: a card drawn at build time.",
    ),
    Setting(
        "workshop_social_image_alt",
        "",
        "html",
        (str,),
        "What the social image shows, for readers who cannot see it; empty: the site's title.",
    ),
    # -- The PDF proceedings (make pdf; proceedings.py, book/layout.py) --------------------------------
    Setting(
        "workshop_cover_logo",
        "",
        "env",
        (str,),
        "The cover's logo (source-relative): a PDF, PNG or JPEG, or a `.tex` file of TeX drawing "
        "commands; empty: none.",
    ),
    Setting(
        "workshop_book_title",
        "Book of abstracts",
        "env",
        (str,),
        "What the PDF proceedings are called: on the cover and in the PDF's title and subject.",
    ),
    Setting(
        "workshop_series_words",
        "Workshop on",
        "env",
        (str,),
        "The words before `workshop_full_name` on the cover and in the PDF's subject; empty: none.",
    ),
    Setting(
        "workshop_pdf_keywords",
        [],
        "env",
        (list, tuple),
        "Keywords of the PDF proceedings (its metadata), after the acronym; empty: the full name and "
        "the contributions' own keywords.",
    ),
    Setting(
        "workshop_book_front_pages",
        [],
        "env",
        (list, tuple),
        'The organizers\' pages (e.g. `["welcome", "committees"]`) that open the book after its contents, '
        "in this order.",
    ),
    Setting(
        "workshop_book_licence",
        "",
        "env",
        (str,),
        'The book\'s licence on its imprint (e.g. "CC BY 4.0": named in full with its address); empty: none.',
    ),
    Setting(
        "workshop_book_isbn",
        "",
        "env",
        (str,),
        'The book\'s ISBN-13 (e.g. "978-3-16-148410-0", check digit verified) on its imprint and in '
        "its metadata; empty: none.",
    ),
    Setting(
        "workshop_book_doi",
        "",
        "env",
        (str,),
        'The book\'s DOI (e.g. "10.5281/zenodo.1234567") on its imprint and in its metadata; empty: none.',
    ),
    Setting(
        "workshop_book_version",
        "",
        "env",
        (str,),
        'The book\'s version on its imprint (e.g. "1.0"); empty: `git describe` of the sources, if a '
        "git checkout.",
    ),
    Setting(
        "workshop_social_cards",
        True,
        "html",
        (bool,),
        "Draw a preview card (title, speakers, time) for each talk page's og:image (needs Pillow).",
    ),
    Setting(
        "workshop_proceedings_pdf",
        "",
        "",
        (str,),
        "A PDF linked from every page while it exists; not set: the one `make pdf` writes; empty: no link.",
    ),
)


def series_name(config) -> str:
    """'Workshop on Low-Rank Things': ``workshop_series_words`` before ``workshop_full_name`` (no
    words when the setting is empty), as the cover, the PDF's subject and every export say it."""
    return " ".join(filter(None, [config.workshop_series_words, config.workshop_full_name]))


def exclude_own_files(app: Sphinx, config) -> None:
    """config-inited: a project that keeps the extension in its source folder (``_ext/sphinx_workshop_site``)
    does not build the extension's own Markdown files (changelog, notes) as pages."""
    package = Path(__file__).resolve().parent
    if package.is_relative_to(Path(app.srcdir).resolve()):
        pattern = package.relative_to(Path(app.srcdir).resolve()).as_posix() + "/**"
        if pattern not in config.exclude_patterns:
            config.exclude_patterns = [*config.exclude_patterns, pattern]


def setup_config(app: Sphinx) -> None:
    app.connect("config-inited", exclude_own_files)
    for setting in SETTINGS:
        app.add_config_value(
            setting.name, setting.default, setting.rebuild, types=setting.types, description=setting.doc
        )


def _cell(value: Any) -> str:
    return f"`{value!r}`".replace("|", "\\|")


def settings_table() -> str:
    """The reference's settings (docs/reference.md), as a Markdown table (one row per setting, in order)."""
    rows = ["| setting | default | rebuilds | what it is |", "|---|---|---|---|"]
    for s in SETTINGS:
        doc = s.doc.replace("|", "\\|")
        rows.append(f"| `{s.name}` | {_cell(s.default)} | {s.rebuild or 'nothing'} | {doc} |")
    return "\n".join(rows)
