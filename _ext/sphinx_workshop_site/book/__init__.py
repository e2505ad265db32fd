"""The PDF book of abstracts: its layout, its settings and cover, and LaTeX run in a jail."""
