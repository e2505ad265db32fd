"""Sphinx configuration of the LoRAINNe'24 site and proceedings."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "_ext"))

# -- Project -------------------------------------------------------------------------------
project = "LoRAINNe'24"
author = "the LoRAINNe'24 organizing committee"
copyright = "2024 Workshop LoRaINNe"
release = "2024"
language = "en"

extensions = [
    "myst_parser",
    "sphinxcontrib.bibtex",
    "workshop",
]

# Only the site's own pages are sources (README, tests, .venv and the like are not).
include_patterns = ["index.md", "program/**", "speakers/**", "abstracts/**"]
exclude_patterns = ["_build", ".venv"]
source_suffix = {".md": "markdown"}
root_doc = "index"

# -- MyST ----------------------------------------------------------------------------------
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist", "attrs_inline"]
myst_heading_anchors = 3

# -- Bibliography --------------------------------------------------------------------------
# Talk pages cite with {footcite}: each talk keeps its own list, in HTML and in the PDF,
# and one work may be cited by several talks. abstracts/<id>.bib files are added by the
# workshop extension by themselves.
bibtex_bibfiles: list[str] = []
bibtex_default_style = "unsrt"

# -- Workshop extension --------------------------------------------------------------------
workshop_schedule = "program/schedule.yaml"
workshop_word_limit = 300  # words in an abstract (the text under the talk title)

# -- HTML ----------------------------------------------------------------------------------
html_theme = "sphinx_book_theme"
html_title = "LoRAINNe'24"
html_logo = "_static/logo.svg"
html_favicon = "_static/favicon.svg"
html_static_path = ["_static"]
html_css_files = ["workshop.css"]
# The public address of the site, for absolute links (calendar files, sitemap, canonical).
html_baseurl = os.environ.get("SITE_BASEURL", "")
html_last_updated_fmt = None
html_show_sourcelink = False
html_theme_options = {
    "home_page_in_toc": True,
    "show_navbar_depth": 1,
    "use_download_button": False,
    "use_fullscreen_button": False,
    "show_toc_level": 2,
}
