"""A contributor page's math, made ready for both outputs (the rules are in mathmacros.py).

Two steps:

- ``expand_page_math(document, rules)``, called by the gate before the allow-list reads the
  page: the page's own commands expanded and Unicode math characters written as TeX, in every
  math node in reading order; problems are ``file:line`` errors, and a formula with one is
  removed (as the allow-list removes what it refuses). Also: LaTeX's ``\\ref{…}``/``\\eqref{…}``
  left in the text (Markdown prints them as written) is named, with what to write instead.
- ``PageLabels``, a transform after the allow-list: every ``\\label{X}``, ``\\eqref{X}``,
  ``\\ref{X}`` in a contributor page's math becomes ``\\label{<folder>:<page>:X}``…, in the site and
  in the book alike, so that two talks that both write ``\\label{eq:main}`` each refer to their
  own equation in the book (and in a single-page site).
"""

from __future__ import annotations

import re

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform

from .allowlist import PageRules, node_line
from .errors import Problem
from .mathmacros import LABEL, REFERENCE, expand_page_macros

# LaTeX references typed in the text, where Markdown prints them as they are.
TEXT_REFERENCE = re.compile(r"\\(eqref|ref|autoref|cref|Cref|pageref)\{")
BLANK_LINES = re.compile(r"(\n\n+)")  # where Sphinx splits a display into lines
NOT_TEXT = (nodes.literal, nodes.literal_block, nodes.math, nodes.math_block, nodes.comment, nodes.raw)


def is_math(node: nodes.Node) -> bool:
    return isinstance(node, nodes.math | nodes.math_block)


def expand_page_math(document: nodes.document, rules: PageRules) -> None:
    """Expand the page's commands and Unicode in its math (see mathmacros); note problems."""
    formulas = list(document.findall(is_math))
    if formulas:
        texts = [node.astext() for node in formulas]
        expanded, problems = expand_page_macros(texts)
        for index, offset, message in problems:
            node = formulas[index]
            line = node_line(node)
            if isinstance(node, nodes.math_block):
                rules.add(message, (line or 1) + offset, Problem.MATH)
            else:
                rules.add(message, line, Problem.MATH, needle="$" + texts[index])
        for node, old, new in zip(formulas, texts, expanded, strict=True):
            if not new:  # refused, or definitions only: nothing to print
                _remove(node)
                continue
            if isinstance(node, nodes.math_block) and not node.get("nowrap") and BLANK_LINES.search(new):
                new = one_display(new)
            if new != old:
                node[:] = [nodes.Text(new)]
    _check_text_references(document, rules)


def one_display(tex: str) -> str:
    """A $$…$$ block whose lines are apart (a blank line between them) as one aligned display.

    Sphinx writes such a block as ``align``: unnumbered in the book (``align*``), but numbered by
    MathJax on the site, which numbers ``align`` as LaTeX does. As one ``aligned`` the two read
    the same. The line count is kept (no blank line is left: Sphinx would split there again)."""
    pieces = BLANK_LINES.split(tex)  # part, newlines, part, …
    if sum(1 for part in pieces[0::2] if part.strip()) < 2:
        return tex
    body, newlines = "", 0
    for index, piece in enumerate(pieces):
        if index % 2:
            newlines += len(piece)
        elif piece.strip():
            if body:
                body = body.rstrip().removesuffix("\\\\").rstrip() + " \\\\" + "\n " * (newlines - 1) + "\n"
            body += piece.strip() if not body else piece.rstrip()
            newlines = 0
    return "\\begin{aligned}" + body + "\\end{aligned}"


def _remove(node: nodes.Element) -> None:
    parent = node.parent
    if parent is None:
        return
    parent.remove(node)
    if isinstance(parent, nodes.paragraph) and not parent.astext().strip() and parent.parent is not None:
        parent.parent.remove(parent)  # a paragraph that held only definitions


def _check_text_references(document: nodes.document, rules: PageRules) -> None:
    for text in document.findall(nodes.Text):
        if "\\" not in text or not (found := TEXT_REFERENCE.search(str(text))):
            continue
        ancestor = text.parent
        while ancestor is not None and not isinstance(ancestor, NOT_TEXT):
            ancestor = ancestor.parent
        if ancestor is not None:
            continue
        command = found.group(1)
        instead = (
            "{eq}`label` for an equation named with $$…$$ (label), \\eqref{label} inside the math "
            "of a numbered equation"
            if command == "eqref"
            else "{ref}`label` for a section, figure or table, {eq}`label` for an equation"
        )
        rules.add(
            f"LaTeX '\\{command}{{…}}' in the text is printed as it is: write {instead}",
            node_line(text),
            Problem.MATH,
            needle=found.group(),
        )


def prefix_labels(tex: str, prefix: str) -> str:
    """``\\label{X}`` → ``\\label{<prefix>X}`` (and ``\\eqref``, ``\\ref``), for labels the
    allow-list accepts (the rest never reaches an output)."""

    def prefixed(found: re.Match) -> str:
        kind, label = found.groups()
        return f"\\{kind}{{{prefix}{label}}}" if LABEL.match(label) else found.group()

    return REFERENCE.sub(prefixed, tex)


def label_prefix(docname: str) -> str:
    return docname.replace("/", ":") + ":"


class PageLabels(SphinxTransform):
    """Labels in a contributor page's math, made the page's own (after the gate checked them)."""

    default_priority = 800

    def apply(self, **kwargs) -> None:
        from .gate import gated_page  # the gate imports this module

        if gated_page(self.config, self.env.docname) is None:
            return
        prefix = label_prefix(self.env.docname)
        for node in self.document.findall(is_math):
            text = node.astext()
            if "\\" in text and (new := prefix_labels(text, prefix)) != text:
                node[:] = [nodes.Text(new)]


def setup_mathpage(app: Sphinx) -> None:
    app.add_transform(PageLabels)
