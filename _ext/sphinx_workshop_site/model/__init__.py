"""The Sphinx-free core: the schedule, front matter, names and YAML read and validated, with located
errors."""
