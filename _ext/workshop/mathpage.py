"""A contributor page's math, made ready for both outputs (the rules are in mathmacros.py).

Two steps:

- ``expand_page_math(document, rules)``, called by the gate before the allow-list reads the
  page: the page's own commands expanded and Unicode math characters written as TeX, in every
  math node in reading order; problems are ``file:line`` errors, and a formula with one is
  removed (as the allow-list removes what it refuses). Also: LaTeX's ``\\ref{…}``/``\\eqref{…}``
  left in the text (Markdown prints them as written) is named, with what to write instead.
- ``PageLabels``, a transform after the allow-list: an amsmath block (``\\begin{align}`` on its
  own lines) is numbered line by line by MathJax (``tags: 'ams'``) as LaTeX numbers it in the
  book, not once more by Sphinx; every ``\\label{X}``, ``\\eqref{X}``,
  ``\\ref{X}`` in a contributor page's math becomes ``\\label{<folder>:<page>:X}``…, in the site and
  in the book alike, so that two talks that both write ``\\label{eq:main}`` each refer to their
  own equation in the book (and in a single-page site).
"""

from __future__ import annotations

import re

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.transforms import SphinxTransform

from .allowlist import PageRules, node_line
from .errors import Problem
from .mathmacros import LABEL, REFERENCE, expand_page_macros
from .safetext import printable

# LaTeX references typed in the text, where Markdown prints them as they are.
TEXT_REFERENCE = re.compile(r"\\(eqref|ref|autoref|cref|Cref|pageref)\{([A-Za-z0-9:._-]{1,64})\}")
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
                rules.add(message, _first_line(node, rules) + offset, Problem.MATH)
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
        labels = {
            found.group(2)
            for tex in expanded
            if tex
            for found in REFERENCE.finditer(tex)
            if found.group(1) == "label" and LABEL.match(found.group(2))
        }
    else:
        labels = set()
    _text_references(document, rules, labels)


def _first_line(node: nodes.math_block, rules: PageRules) -> int:
    """The line of the block's first line of math: after a '$$' written alone on its line."""
    line = node_line(node) or 1
    if 0 < line < len(rules.source) and rules.source[line - 1].strip() == "$$":
        return line + 1
    return line


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


def _text_references(document: nodes.document, rules: PageRules, labels: set[str]) -> None:
    """LaTeX's ``\\eqref{X}``/``\\ref{X}`` typed in the text: made math (so both outputs print the
    equation's number) when X labels an equation of the page; else named, with what to write."""
    for text in list(document.findall(nodes.Text)):
        if "\\" not in text or not TEXT_REFERENCE.search(str(text)) or _in_code_or_math(text):
            continue
        parent, value, pieces, start = text.parent, str(text), [], 0
        for found in TEXT_REFERENCE.finditer(value):
            command, label = found.group(1), found.group(2)
            if command in ("eqref", "ref") and label in labels:
                pieces += [nodes.Text(value[start : found.start()]), _reference(found.group(), text)]
                start = found.end()
                continue
            instead = (
                "{eq}`label` for an equation named with $$…$$ (label), or label a numbered equation "
                "(\\begin{equation}…\\label{…}) of this page"
                if command == "eqref"
                else "{ref}`label` for a section, figure or table, {eq}`label` for an equation"
            )
            shown = printable(label[:40])
            rules.add(
                f"LaTeX '\\{command}{{{shown}}}' in the text refers to no equation of this page, and is "
                f"printed as it is: write {instead}",
                node_line(text),
                Problem.MATH,
                needle=found.group(),
            )
        if pieces:
            pieces.append(nodes.Text(value[start:]))
            index = parent.index(text)
            parent[index : index + 1] = [
                piece for piece in pieces if not isinstance(piece, nodes.Text) or piece
            ]


def _reference(tex: str, near: nodes.Node) -> nodes.math:
    node = nodes.math(tex, tex)
    node.line = node_line(near)
    return node


def _in_code_or_math(node: nodes.Node) -> bool:
    ancestor = node.parent
    while ancestor is not None and not isinstance(ancestor, NOT_TEXT):
        ancestor = ancestor.parent
    return ancestor is not None


def prefix_labels(tex: str, prefix: str) -> str:
    """``\\label{X}`` → ``\\label{<prefix>X}`` (and ``\\eqref``, ``\\ref``), for labels the
    allow-list accepts (the rest never reaches an output)."""

    def prefixed(found: re.Match) -> str:
        kind, label = found.groups()
        return f"\\{kind}{{{prefix}{label}}}" if LABEL.match(label) else found.group()

    return REFERENCE.sub(prefixed, tex)


def label_prefix(docname: str) -> str:
    """``abstracts/jane-doe`` → ``abstracts:jane-doe:``: only characters a label may hold (a file
    name the checks refuse is still built, and its name must not reach ``\\label{…}`` raw)."""
    return "".join(re.sub(r"[^A-Za-z0-9._-]", "-", part) + ":" for part in docname.split("/"))


class PageLabels(SphinxTransform):
    """Labels in a contributor page's math, made the page's own (after the gate checked them)."""

    default_priority = 800

    def apply(self, **kwargs) -> None:
        from .gate import gated_page  # the gate imports this module

        if gated_page(self.config, self.env.docname) is None:
            return
        prefix = label_prefix(self.env.docname)
        for node in self.document.findall(is_math):
            if "amsmath" in node.get("classes", ()):
                node["number"] = None  # MathJax numbers its lines, as LaTeX does: no second number
            text = node.astext()
            if "\\" in text and (new := prefix_labels(text, prefix)) != text:
                node[:] = [nodes.Text(new)]


def dollars_before_digits(app: Sphinx, config: Config) -> None:
    """ "$5 and $10" is two dollar signs, not math: a closing '$' followed by a digit (or an opening
    one after a digit) does not pair, as in Pandoc, and the gate asks for \\$ in the text. Every
    page's default; a conf.py that sets myst_dmath_allow_digits keeps its own."""
    if "myst_dmath_allow_digits" not in getattr(config, "_raw_config", {}):
        config.myst_dmath_allow_digits = False


def setup_mathpage(app: Sphinx) -> None:
    app.add_transform(PageLabels)
    app.connect("config-inited", dollars_before_digits)
