extensions = ["myst_parser", "sphinxcontrib.bibtex", "sphinx_workshop_site"]
source_suffix = {".md": "markdown"}
bibtex_bibfiles: list[str] = []
exclude_patterns = ["_build"]
myst_enable_extensions = ["dollarmath"]
html_baseurl = "https://workshop.example.org/"
