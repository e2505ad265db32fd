"""Sphinx configuration of the workshop's site and proceedings."""

import os
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "_ext"))

# -- The edition ---------------------------------------------------------------------------
# Everything that changes from one edition to the next is in this block, and every other place
# (page titles, the PDF's cover and name, the logo, exports, the Makefile) reads it. The dates,
# the venue and the rooms are in the schedule (program/schedule.yaml) only. `make new-edition`
# starts the next edition from this one (docs/organizers.md, "Next edition").
workshop_acronym = "LoRAINNe'24"
workshop_full_name = "LOw-Rank Approximations and their Interactions with Neural NEtworks"
workshop_organizers = ["Ricardo Borsoi", "Marianne Clausel", "Sebastian Miron", "Konstantin Usevich"]
workshop_organizer_group = "SiMul group @ CRAN"
workshop_acknowledgement = (
    "This workshop is a closing event of the ANR LeaFleT project (project ANR-19-CE23-0021)."
)
workshop_logo_text = ""  # the logo's caption; empty: the schedule's town and dates
workshop_cover_logo = "_static/logo.tex"  # the book cover's: the logo drawn in TeX; empty: none
copyright_holder = "Workshop LoRaINNe"
# Derived, not typed: the placeholder address ("lorainne24"; the PDF's name is derived alike).
edition_slug = re.sub(r"[^a-z0-9]+", "", workshop_acronym.lower())

# -- Project -------------------------------------------------------------------------------
project = workshop_acronym
author = f"the {workshop_acronym} organizing committee"
copyright = "{year} " + copyright_holder  # {year}: the year of the schedule's first day
release = ""  # no release number in page headers or the PDF
language = "en"

extensions = [
    "myst_parser",
    "sphinxcontrib.bibtex",
    "sphinx_workshop_site",
]

# Only the site's own pages are sources (README, tests, .venv and the like are not).
include_patterns = ["index.md", "program/**", "speakers/**", "abstracts/**"]
exclude_patterns = ["_build", ".venv"]
source_suffix = {".md": "markdown"}
root_doc = "index"
# Text is shown as written (no curly quotes): titles must read the same on the site, in the PDF,
# in calendars and in conference apps.
smartquotes = False

# -- MyST ----------------------------------------------------------------------------------
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist", "attrs_inline", "linkify"]
myst_linkify_fuzzy_links = False  # a bare https://… address is a link; 'example.org' alone stays text
myst_heading_anchors = 3

# -- Bibliography --------------------------------------------------------------------------
# Talk pages cite with {cite} or {footcite}: each talk keeps its own list, in HTML and in the
# PDF, and its keys are its own (abstracts/<id>.bib, added by the workshop extension by itself;
# two talks may use one key for different works). Files listed here are shared by every page.
bibtex_bibfiles: list[str] = []
bibtex_default_style = "unsrt"

# -- Workshop extension (every setting: docs/reference.md) ---------------------------------
workshop_schedule = "program/schedule.yaml"
workshop_word_limit = 300  # words in an abstract (the text under the talk title)
# Link previews (og:image, twitter:image, JSON-LD image): a card drawn at build time from the
# edition block and the schedule; set workshop_social_image to use a picture of your own instead.

# -- HTML ----------------------------------------------------------------------------------
html_theme = "sphinx_book_theme"
html_title = workshop_acronym
html_logo = "_static/logo.svg"
html_favicon = "_static/favicon.svg"
html_static_path = ["_static"]
# The public address of the site, for absolute links (calendar files, sitemap, canonical).
# Set SITE_BASEURL to the address the site is published at; the default is a placeholder.
html_baseurl = os.environ.get("SITE_BASEURL", f"https://{edition_slug}.example.org/")
html_last_updated_fmt = None
html_show_sourcelink = False
# The theme's colour mode follows the reader's system setting unless they choose one.
html_context = {"default_mode": "auto"}
html_theme_options = {
    "home_page_in_toc": True,
    "show_navbar_depth": 1,
    "use_download_button": False,
    "use_fullscreen_button": False,
    "show_toc_level": 2,
}

# -- PDF proceedings (make pdf) --------------------------------------------------------------
# The book's root is proceedings.md; its engine (XeLaTeX), paper, name (<slug>-proceedings.pdf, from
# the acronym) and the site's link to it are the extension's defaults (docs/organizers.md, "The PDF
# proceedings"): set one here only to change it.
