"""A contributor page's math, made ready for both outputs (the rules are in mathmacros.py).

Two steps:

- ``expand_page_math(document, rules)``, called by the gate before the allow-list reads the
  page: the page's own commands expanded and Unicode math characters written as TeX, in every
  math node in reading order; problems are ``file:line`` errors, and a formula with one is
  removed (as the allow-list removes what it refuses). Also: LaTeX's ``\\ref{…}``/``\\eqref{…}``
  left in the text (Markdown prints them as written) is named, with what to write instead.
- ``PageLabels``, a transform after the allow-list: ONE numbering per page, in reading order, on
  the site as in the book. Every numbered equation is an amsmath environment: MathJax numbers
  them (``tags: 'ams'``) as LaTeX numbers them in the book (its counter reset per contribution),
  never Sphinx. So a display named outside its math (``$$ … $$ (X)``, ```` ```{math} ```` with
  ``:label: X``) becomes ``\\begin{equation}\\label{X}\\begin{split}…\\end{split}\\end{equation}``
  (what Sphinx writes for it in the book), and ``{eq}`X``` becomes the math ``\\eqref{X}`` (a
  link with the number, from MathJax; ``\\(\\eqref{…}\\)`` in the book). Every ``\\label{X}``,
  ``\\eqref{X}``, ``\\ref{X}`` in a contributor page's math becomes
  ``\\label{<folder>:<page>:X}``…, so that two talks that both write ``\\label{eq:main}`` each
  refer to their own equation in the book (and in a single-page site). Sphinx's math domain
  keeps no contributor label (``PageEquations``): two talks may both name ``eq:main``.

An unnamed ``$$ … $$`` is not numbered, on the site (a bare display) as in the book
(``equation*``). A ```` ```{math} ```` block that holds one whole display environment
(``\\begin{align}…\\end{align}``) is read as that environment, as if written on its own lines.
"""

from __future__ import annotations

import difflib
import re

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.domains.math import MathDomain
from sphinx.transforms import SphinxTransform

from ..model.errors import Problem
from ..model.safetext import printable
from .allowlist import EQUATION_LABEL, PageRules, node_line
from .mathmacros import LABEL, REFERENCE, expand_page_macros, plain_text
from .texcheck import DISPLAY_ENVIRONMENTS

# LaTeX references typed in the text, where Markdown prints them as they are.
TEXT_REFERENCE = re.compile(r"\\(eqref|ref|autoref|cref|Cref|pageref)\{([A-Za-z0-9:._-]{1,64})\}")
BLANK_LINES = re.compile(r"(\n\n+)")  # where Sphinx splits a display into lines
BLANK_LINE = re.compile(r"\n[ \t]*(?:\n[ \t]*)+")
NOT_TEXT = (nodes.literal, nodes.literal_block, nodes.math, nodes.math_block, nodes.comment, nodes.raw)
# A {math} block that is one whole display environment (MyST's amsmath would take it on its own lines).
WHOLE_DISPLAY = re.compile(
    r"\A\s*\\begin\{(" + "|".join(re.escape(env) for env in sorted(DISPLAY_ENVIRONMENTS)) + r")\}(.*)"
    r"\\end\{\1\}\s*\Z",
    re.DOTALL,
)
ONE_NUMBER = frozenset({"equation", "multline"})  # a :label: names their one number
FENCE = re.compile(r"^(?:`{3,}|~{3,}|:{3,})\s*\{math\}(.*)$")  # a {math} directive's first line
OPTION = re.compile(r"^\s*:[A-Za-z-]+:")
NAMED = "workshop-label"  # on a display named outside its math: the name, checked


def is_math(node: nodes.Node) -> bool:
    return isinstance(node, nodes.math | nodes.math_block)


def expand_page_math(document: nodes.document, rules: PageRules) -> None:
    """Expand the page's commands and Unicode in its math (see mathmacros); note problems."""
    formulas = list(document.findall(is_math))
    named = {}
    for index, node in enumerate(formulas):
        label = node.get("label") if isinstance(node, nodes.math_block) else None
        if label and "amsmath" not in node["classes"] and EQUATION_LABEL.fullmatch(str(label)):
            named[index] = node[NAMED] = str(label)  # else MyST's own (amsmath) or refused: allowlist
    if formulas:
        texts = [node.astext() for node in formulas]
        expanded, problems = expand_page_macros(texts, named)
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
            _whole_display(node, new, rules)  # PageLabels drops the blank lines in either kind of block
            if new != old:
                node[:] = [nodes.Text(new)]
        labels = {
            found.group(2)
            for tex in expanded
            if tex
            for found in REFERENCE.finditer(tex)
            if found.group(1) == "label" and LABEL.match(found.group(2))
        } | set(named.values())
    else:
        labels = set()
    _text_references(document, rules, labels)
    _equation_roles(document, rules, labels)


def _whole_display(node: nodes.Element, tex: str, rules: PageRules) -> bool:
    """A ```{math} block holding one display environment (\\begin{align}…\\end{align}): read as
    the environment itself, an amsmath block (Sphinx would wrap it in equation and split, which
    LaTeX refuses). A :label: on it names the environment's number, when it has exactly one."""
    if not isinstance(node, nodes.math_block) or "no-wrap" not in node or "amsmath" in node["classes"]:
        return False  # only the directive's blocks carry 'no-wrap'; $$ … $$ blocks do not
    found = WHOLE_DISPLAY.match(tex)
    if not found or f"\\end{{{found.group(1)}}}" in found.group(2):
        return False
    node["classes"].append("amsmath")
    node["nowrap"] = node["no-wrap"] = True
    environment, label = found.group(1), node.get(NAMED)
    if label and environment not in ONE_NUMBER:
        numbers = "has no number" if environment.endswith("*") else "numbers each line"
        rules.add(
            f"':label: {label}' names a {{math}} block holding \\begin{{{environment}}}, which {numbers}: "
            f"remove :label: and write \\label{{{label}}} on the line it names",
            _option_line(node, rules),
            Problem.MATH,
        )
    return True


def _option_line(node: nodes.Element, rules: PageRules) -> int:
    """The line of a {math} block's ':label:' (or ':name:') option, under its fence."""
    line = node_line(node) or 1
    for below in range(line + 1, min(line + 20, len(rules.source)) + 1):
        if re.match(r"\s*:(?:label|name):", rules.source[below - 1]):
            return below
        if not OPTION.match(rules.source[below - 1]):
            break
    return line


def _equation_roles(document: nodes.document, rules: PageRules, labels: set[str]) -> None:
    """{eq}`X` names an equation of this page (its numbers are the page's own: PageLabels)."""
    for ref in list(document.findall(addnodes.pending_xref)):
        if ref.get("refdomain") != "math" or ref["reftarget"] in labels:
            continue
        target = str(ref["reftarget"])
        close = difflib.get_close_matches(target, sorted(labels), n=1, cutoff=0.7)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        shown = printable(target[:40])
        rules.add(
            f"{{eq}}`{shown}` refers to no equation of this page{hint}: name one with $$ … $$ ({shown}), "
            f"with :label: {shown} on a {{math}} block, or with \\label{{{shown}}} in \\begin{{equation}}…",
            node_line(ref),
            Problem.MATH,
            needle=target,
        )
        ref.replace_self(ref.children or [nodes.Text(target)])  # the text stays, unlinked


def _first_line(node: nodes.math_block, rules: PageRules) -> int:
    """The line of the block's first line of math: after a '$$' written alone on its line, after a
    ```{math} fence and its options (':label: …' lines, or a '---' block)."""
    line = node_line(node) or 1
    source = rules.source
    if not 0 < line < len(source):
        return line
    written = source[line - 1].strip()
    if written == "$$":
        return line + 1
    if not FENCE.match(written) or FENCE.match(written).group(1).strip():
        return line  # not a fence, or math written on the fence line ({math} a = b)
    line += 1
    if line <= len(source) and source[line - 1].strip() == "---":
        line = next((n for n in range(line + 1, len(source) + 1) if source[n - 1].strip() == "---"), line) + 1
        while line <= len(source) and not source[line - 1].strip():
            line += 1
        return line
    while line <= len(source) and (OPTION.match(source[line - 1]) or not source[line - 1].strip()):
        line += 1  # options, and the blank lines MyST drops before the math
    return line


def one_display(tex: str) -> str:
    """A $$…$$ block whose lines are apart (a blank line between them) as one aligned display.

    Sphinx writes such a block as ``align``: unnumbered in the book (``align*``), but numbered by
    MathJax on the site, which numbers ``align`` as LaTeX does. As one ``aligned`` the two read
    the same. No blank line is left (TeX would end the paragraph there, inside the math); made
    after the checks, which count lines as written."""
    parts = [part.strip() for part in BLANK_LINES.split(tex)[0::2] if part.strip()]
    if len(parts) < 2:
        return tex
    body = " \\\\\n".join(part.removesuffix("\\\\").rstrip() for part in parts)
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
            close = difflib.get_close_matches(label, sorted(labels), n=1, cutoff=0.7)
            hint = f" (did you mean '{printable(close[0][:40])}'?)" if close else ""
            rules.add(
                f"LaTeX '\\{command}{{{shown}}}' in the text refers to no equation of this page{hint}, "
                f"and is printed as it is: write {instead}",
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
    """A contributor page's equations numbered once, by MathJax and LaTeX alike (named displays as
    amsmath equations, {eq} as \\eqref), and its labels made the page's own (after the gate
    checked them)."""

    default_priority = 800

    def apply(self, **kwargs) -> None:
        from .pages import gated_page  # the gate imports this module

        if gated_page(self.config, self.env.docname) is None:
            return
        prefix = label_prefix(self.env.docname)
        named = {str(node[NAMED]) for node in self.document.findall(nodes.math_block) if node.get(NAMED)}
        for node in list(self.document.findall(nodes.math_block)):
            if not node.get("nowrap") and BLANK_LINES.search(text := node.astext()):
                node[:] = [nodes.Text(one_display(text))]
            if node.get(NAMED):
                number_as_amsmath(node)
        named |= _math_labels(self.document)
        for ref in list(self.document.findall(addnodes.pending_xref)):
            if ref.get("refdomain") == "math" and ref["reftarget"] in named:
                reference = nodes.math("", f"\\eqref{{{ref['reftarget']}}}")
                reference.source, reference.line = ref.source, ref.line
                ref.replace_self(reference)
        for node in self.document.findall(is_math):
            if "amsmath" in node.get("classes", ()):
                node["number"] = None  # MathJax numbers its lines, as LaTeX does: no second number
                # MyST's random label: an unused \label{equation:…} in the book, new at each build
                node.attributes.pop("label", None)
                if BLANK_LINES.search(text := node.astext()):  # LaTeX: "Paragraph ended before …"
                    node[:] = [nodes.Text(BLANK_LINE.sub("\n", text))]
            text = node.astext()
            if "\\" in text and (new := prefix_labels(text, prefix)) != text:
                node[:] = [nodes.Text(new)]


def _math_labels(document: nodes.document) -> set[str]:
    return {
        found.group(2)
        for node in document.findall(nodes.math_block)
        if "\\label" in node.astext()
        for found in REFERENCE.finditer(node.astext())
        if found.group(1) == "label" and LABEL.match(found.group(2))  # checked: only these reach \eqref
    }


def number_as_amsmath(node: nodes.math_block) -> None:
    """A display named outside its math, numbered as the page's other equations are: an amsmath
    equation with its \\label, numbered by MathJax on the site and by LaTeX in the book."""
    label, tex = str(node[NAMED]), node.astext().strip("\n")
    if "amsmath" in node["classes"]:  # a {math} block holding \begin{equation} or multline
        found = WHOLE_DISPLAY.match(tex)
        if found and found.group(1) in ONE_NUMBER:
            tex = tex[: found.end(1) + 1] + f"\\label{{{label}}}" + tex[found.end(1) + 1 :]
    else:  # what Sphinx writes for it in the book, the label in it
        tex = f"\\begin{{equation}}\\label{{{label}}}\\begin{{split}}{tex}\\end{{split}}\\end{{equation}}"
        node["classes"].append("amsmath")
        node["nowrap"] = node["no-wrap"] = True
    node[:] = [nodes.Text(tex)]
    node["number"] = None  # no second number from Sphinx
    del node["label"]  # Sphinx's own target for it (\label{equation:…}) is not needed
    del node[NAMED]


class PageEquations(MathDomain):
    """Sphinx's math domain, keeping no label of a contributor page: their equations are
    numbered by MathJax and LaTeX (PageLabels), and each talk's names are its own."""

    def note_equation(self, docname: str, labelid: str, location=None) -> None:
        from .pages import gated_page  # the gate imports this module

        if gated_page(self.env.config, docname) is None:
            super().note_equation(docname, labelid, location)


def dollars_before_digits(app: Sphinx, config: Config) -> None:
    """ "$5 and $10" is two dollar signs, not math: a closing '$' followed by a digit (or an opening
    one after a digit) does not pair, as in Pandoc, and the gate asks for \\$ in the text. Every
    page's default; a conf.py that sets myst_dmath_allow_digits keeps its own."""
    if "myst_dmath_allow_digits" not in getattr(config, "_raw_config", {}):
        config.myst_dmath_allow_digits = False


class CaptionsWithMath(SphinxTransform):
    """``{ref}`` to a figure or a table shows its caption as text (the standard domain stores
    ``astext()``): a caption with math read '…rates 10^{-4} and 3 \\cdot 10^{-4}', raw TeX on the
    site and in the book. Right after the domain collects the page's labels (priority 850), such a
    caption's text is its readable form ('…rates 10⁻⁴ and 3 · 10⁻⁴', mathmacros.math_as_text)."""

    default_priority = 851

    def apply(self, **kwargs) -> None:
        std = self.env.get_domain("std")
        for node in self.document.findall(lambda n: isinstance(n, nodes.figure | nodes.table) and n["names"]):
            caption = next((c for c in node.children if isinstance(c, nodes.caption | nodes.title)), None)
            if caption is None or not any(True for _ in caption.findall(nodes.math)):
                continue
            for name in node["names"]:
                if (entry := std.labels.get(name)) and entry[0] == self.env.docname:
                    std.labels[name] = (entry[0], entry[1], readable(caption))


def readable(node: nodes.Element) -> str:
    """A caption's text on one line, its math in a readable text form (mathmacros.plain_text)."""
    return " ".join(plain_text(node).split())


def setup_mathpage(app: Sphinx) -> None:
    app.add_domain(PageEquations, override=True)
    app.add_transform(PageLabels)
    app.add_transform(CaptionsWithMath)
    app.connect("config-inited", dollars_before_digits)
