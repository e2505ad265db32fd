"""The gate for contributor content: what a page, image, PDF, .bib or pull request may hold, decided on
what the parsers produced."""
