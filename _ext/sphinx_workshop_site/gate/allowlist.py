"""What a contributor page may contain, decided on the doctree MyST produced (no second reader of
the text): node types, attributes, addresses, images, math. Pure docutils; the Sphinx glue is in
gate/pages.py.

Every node outside the allow-lists is a ``file:line`` error and is removed from the page, so that
even a build without ``-W`` publishes nothing it refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from docutils import nodes

from ..model.errors import Problem, WorkshopError
from ..model.safetext import describe, forbidden_char, printable
from .imagefile import contributor_image_problem, own_image_problem
from .urls import url_problem

# The admonitions a page may write (each a directive, a node type and a class of the same name);
# docutils' own danger and error admonitions come from reStructuredText only, never from MyST's
# allowed directives, and are drawn alike.
ADMONITIONS = ("admonition", "note", "tip", "hint", "important", "warning", "caution", "attention", "seealso")
ADMONITION_NODES = (*ADMONITIONS, "danger", "error")
# Node types MyST makes from the Markdown and the allowed directives and roles (see gate/pages.py).
ALLOWED_NODES = frozenset(
    {
        "document",
        "section",
        "title",
        "subtitle",
        "paragraph",
        "Text",
        "emphasis",
        "strong",
        "literal",
        "literal_block",
        "reference",
        "target",
        "bullet_list",
        "enumerated_list",
        "list_item",
        "definition_list",
        "definition_list_item",
        "term",
        "classifier",
        "definition",
        "block_quote",
        "attribution",
        "math",
        "math_block",
        "image",
        "figure",
        "caption",
        "legend",
        "table",
        "tgroup",
        "colspec",
        "thead",
        "tbody",
        "row",
        "entry",
        "footnote",
        "footnote_reference",
        "label",
        "transition",
        "comment",
        *ADMONITION_NODES,
        "subscript",
        "superscript",
        "abbreviation",
        "inline",
        "pending_xref",
        "container",
        "rubric",
        "line_block",
        "line",
        "system_message",
        "problematic",
        "substitution_definition",
        "title_reference",
        "literal_emphasis",
        "literal_strong",
        "number_reference",
    }
)
# Only what the allowed roles and directives produce on these node types: nothing a theme reads.
ALLOWED_CLASSES = frozenset(
    {
        *ADMONITION_NODES,
        "xref",
        "std",
        "std-ref",
        "std-doc",
        "doc",
        "ref",
        "eq",
        "myst",
        "code",
        "highlight",
        "literal-block-wrapper",
        "math",
        "footnote",
        "brackets",
        "superscript",
        "amsmath",  # MyST's amsmath blocks (\begin{align} ... on their own), checked as math below
        "tex2jax_ignore",
        "mathjax_ignore",  # MyST marks sections so that MathJax reads only math nodes
        "colwidths-auto",
        "colwidths-given",  # a pipe table; a list-table with :widths:
        "simple",  # a definition list
        "text-left",
        "text-center",
        "text-right",  # a pipe table's column alignment
    }
)
# Exact shapes, no prefix: a class name reaches the LaTeX writer raw (\DUrole{…}).
ALLOWED_CLASS_PATTERN = re.compile(r"(?:admonition|language)(?:-[a-z0-9+]+)+")
# A display equation's label reaches the LaTeX writer raw (\label{equation:<page>:<label>}).
EQUATION_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9:._-]{0,62}[A-Za-z0-9])?")
LENGTH = re.compile(r"^\d{1,4}(?:\.\d+)?(?:px|%|em|rem)?$")
HARD_BREAK = "workshop-hard-break"  # set by the gated renderer on the raw nodes of a hard line break
MAX_PROBLEMS = 100  # per page; the rest are counted in one line
MAX_DEPTH = 40  # nesting of the doctree (lists in quotes in admonitions ...)
# A link Markdown refused to make (markdown-it never links these schemes) stays text: say so. Only
# the shape of an address: 'javascript:alert(…)', 'data:text/html,…', 'file:///…', never a word
# before a colon ("The data: two benchmarks", "Slides and data: <https://…>").
SCRIPT_ADDRESS = re.compile(r"(?i)\b(?:(?:javascript|vbscript):(?=\S)|data:[a-z]+/[\w.+-]+[;,]|file:/)")
# Pandoc's citation syntax, printed as written here: say what to write.
PANDOC_CITATION = re.compile(r"\[-?@[A-Za-z0-9_][\w:./-]*(?:[;,]\s*-?@[\w:./-]+)*\]")


@dataclass
class PageRules:
    """One contributor page: where it is and whose files it may use."""

    file: str
    page_id: str
    folder: str
    srcdir: Path | None = None  # when given, images are checked by their content too
    problems: list[WorkshopError] = field(default_factory=list)
    source: list[str] = field(default_factory=list)  # the page's lines, to place inline problems
    more: int = 0  # problems past MAX_PROBLEMS, counted only: bounded work and output for any page
    located: dict[tuple[int, str], int] = field(default_factory=dict)  # occurrences placed so far

    def add(
        self, message: str, line: int | None, subtype: Problem = Problem.SAFETY, needle: str = ""
    ) -> None:
        """Note a problem; ``needle`` (text of the offending span) moves it from the line where its
        paragraph starts (what the parser knows) to the line that holds it."""
        if len(self.problems) >= MAX_PROBLEMS:
            self.more += 1
            return
        self.problems.append(WorkshopError(message, self.file, self.locate(line or 1, needle), subtype))

    def locate(self, line: int, needle: str) -> int:
        """The line of the next occurrence of ``needle`` from ``line`` on: the k-th problem with
        one needle in one paragraph is placed at its k-th occurrence."""
        needle = needle.split("\n", 1)[0].strip()
        if not needle:
            return line
        skip = self.located.get((line, needle), 0)
        self.located[(line, needle)] = skip + 1
        for number in range(line, min(line + 200, len(self.source)) + 1):
            skip -= self.source[number - 1].count(needle)
            if skip < 0:
                return number
        return line


def node_line(node: nodes.Node) -> int | None:
    """The source line of ``node`` or of its nearest ancestor that knows one."""
    current: nodes.Node | None = node
    while current is not None:
        if getattr(current, "line", None):
            return current.line
        current = current.parent
    return None


def check_doctree(document: nodes.document, rules: PageRules) -> list[WorkshopError]:
    """Check every node of a freshly parsed contributor page; remove what is refused."""
    refused: list[nodes.Node] = []
    stack: list[tuple[nodes.Node, int]] = [(document, 0)]
    while stack:  # iterative: a deep tree cannot exhaust the recursion limit
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            rules.add(f"the page nests blocks more than {MAX_DEPTH} deep: flatten it", node_line(node))
            refused.append(node)
            continue
        if _is_generated_bibliography(node):
            continue  # built from .bib entries, which bibfile.py checks field by field
        if not _check_node(node, rules):
            refused.append(node)
            continue
        if isinstance(node, nodes.Element):
            stack.extend((child, depth + 1) for child in reversed(node.children))
    for node in refused:
        if isinstance(node, nodes.Text) and node.parent is not None and forbidden_char(str(node)):
            # the characters go, the text stays: a title with a bidi control is still a title
            kept = "".join(char for char in str(node) if char in "\n\t" or not forbidden_char(char))
            node.parent[position(node)] = nodes.Text(kept)
        elif node.parent is not None:
            del node.parent[position(node)]
    return rules.problems


def position(node: nodes.Node) -> int:
    """The index of ``node`` in its parent, by identity: docutils' ``index``, ``replace`` and
    ``remove`` find the first child EQUAL to it, and two Text nodes with the same text (two line
    breaks in a paragraph) are equal."""
    return next(i for i, child in enumerate(node.parent.children) if child is node)


def _is_generated_bibliography(node: nodes.Node) -> bool:
    """The footnotes sphinxcontrib-bibtex formats from .bib entries ({footbibliography})."""
    return isinstance(node, nodes.container) and any(i.startswith("footbib-") for i in node["ids"])


def _check_node(node: nodes.Node, rules: PageRules) -> bool:
    """False when ``node`` must go (its problem is noted)."""
    name = type(node).__name__
    line = node_line(node)
    if isinstance(node, nodes.raw):
        if node.get(HARD_BREAK) and node.astext() in ("<br />\n", "\\\\\n"):
            return True
        rules.add("raw HTML is not allowed in a talk or speaker page: use Markdown (comments: '% ...')", line)
        return False
    if name == "download_reference":  # Sphinx would copy the file it names into the site
        target = node.get("reftarget", "")
        rules.add(f"a link to the file '{target}' is not allowed: link to an https:// address", line)
        return False
    if name not in ALLOWED_NODES:
        rules.add(f"'{name}' content is not allowed in a talk or speaker page", line)
        return False
    if isinstance(node, nodes.Text):
        parent = node.parent
        if bad := forbidden_char(str(node).replace("\n", " ").replace("\t", " ")):  # line breaks are text
            rules.add(f"the text holds {describe(bad)}: remove it", line)
            return False
        if not isinstance(parent, nodes.literal | nodes.literal_block | nodes.comment | nodes.math):
            _check_text(str(node), line, rules)
        return True
    assert isinstance(node, nodes.Element)
    ok = True
    classes = [] if isinstance(node, nodes.document) else node.get("classes", [])
    for cls in list(classes):
        if cls not in ALLOWED_CLASSES and not ALLOWED_CLASS_PATTERN.fullmatch(cls):
            shown = printable(cls[:60])
            message = f"class '{shown}' is not allowed in a talk or speaker page: remove it"
            rules.add(message, line, needle=cls)
            classes.remove(cls)  # the class goes, the content stays (a table keeps its cells)
    if isinstance(node, nodes.reference | nodes.target) and node.get("refuri"):
        uri = node["refuri"]
        if not uri.startswith("#") and (reason := url_problem(uri)):
            rules.add(f"link '{uri[:80]}' is not allowed: {reason}", line, needle=uri[:40])
            return False
    if isinstance(node, nodes.image):
        uri = node.get("uri", "")
        if rules.srcdir is None:
            reason = own_image_problem(uri, rules.page_id, rules.folder)
        else:
            reason = contributor_image_problem(rules.srcdir, uri, rules.page_id, rules.folder)
        if reason:
            rules.add(reason, line, needle=uri)
            return False
        for key in ("width", "height"):
            if key in node and not LENGTH.match(str(node[key])):
                rules.add(f"image {key} '{node[key]}' must be a number with px, %, em or rem", line)
                ok = False
    label = node.get("label") if isinstance(node, nodes.math_block) else None
    if label is not None and not EQUATION_LABEL.fullmatch(str(label)):
        rules.add(
            f"equation label {describe_label(str(label))} may hold only letters, digits and ':', '.', "
            f"'_', '-' (at most 64, e.g. 'eq:main')",
            line,
            Problem.MATH,
        )
        return False
    if isinstance(node, nodes.math | nodes.math_block):
        ok = _check_math(node, line, rules) and ok
    return ok


def describe_label(label: str) -> str:
    """A label as a message shows it: quoted, cut, nothing a terminal would obey."""
    return f"'{printable(label[:40])}{'…' if len(label) > 40 else ''}'"


def _check_math(node: nodes.Element, line: int | None, rules: PageRules) -> bool:
    """Math is input, not markup: the vocabulary both MathJax and LaTeX define, nothing else."""
    from .texcheck import check_inline_prose, check_math

    block = isinstance(node, nodes.math_block)
    found = check_math(node.astext(), display=block, amsmath=block and "amsmath" in node["classes"])
    if not block and not found and (prose := check_inline_prose(node.astext())):
        found = [(0, prose)]
    for offset, message in found:
        if block:
            rules.add(message, (line or 1) + offset, Problem.MATH)
        else:
            rules.add(message, line, Problem.MATH, needle="$" + node.astext())
    return not found


def _check_text(text: str, line: int | None, rules: PageRules) -> None:
    if SCRIPT_ADDRESS.search(text):
        found = SCRIPT_ADDRESS.search(text)
        rules.add(
            "a script or data address is not allowed: use an http(s) address", line, needle=found.group()
        )
    if found := PANDOC_CITATION.search(text):
        keys = ",".join(key.lstrip("-@") for key in re.split(r"[;,]\s*", found.group()[1:-1]))
        rules.add(
            f"'{found.group()[:60]}' is Pandoc's citation, printed as written here: "
            f"cite with {{cite}}`{keys[:60]}`",
            line,
            Problem.CITATION,
            needle=found.group(),
        )
    if "\\cite" in text:
        rules.add(
            "LaTeX '\\cite{…}' is not read here: cite with {cite}`key` (did you mean '{cite}'?)",
            line,
            Problem.CITATION,
            needle="\\cite",
        )
    # A '$' left in the text is found by the gate's renderer, which tells escapes apart.


# ------------------------------------------------------------------------------ the abstract

WORD = re.compile(r"[^\W_](?:[\w'’-]*\w)?")
NOT_COUNTED = (
    nodes.comment,
    nodes.literal_block,
    nodes.math,
    nodes.math_block,
    nodes.footnote,
    nodes.footnote_reference,
    nodes.system_message,
    nodes.raw,
    nodes.target,
)


def abstract_words(section: nodes.section, last_line: int) -> list[tuple[int | None, int]]:
    """(line, words) for every text of the abstract: everything under the title, every
    sub-section included; not the title, math, code, comments, citation markers and what the
    extension added after the contributor's last line (the References heading)."""
    counts = []
    for text in section.findall(nodes.Text):
        if (node_line(text) or 0) > last_line:
            continue
        ancestor, skip = text.parent, False
        while ancestor is not None and ancestor is not section:
            if isinstance(ancestor, NOT_COUNTED) or (
                isinstance(ancestor, nodes.title) and ancestor.parent is section
            ):
                skip = True
                break
            ancestor = ancestor.parent
        if not skip:
            counts.append((node_line(text), len(WORD.findall(str(text)))))
    return counts


def check_word_limit(section: nodes.section, limit: int, file: str, last_line: int) -> list[WorkshopError]:
    counts = abstract_words(section, last_line)
    total = sum(n for _line, n in counts)
    if total <= limit:
        return []
    running = 0
    for line, words in counts:
        running += words
        if running > limit:
            message = (
                f"the abstract has {total} words, more than the limit of {limit} "
                f"(word {limit + 1} is on this line): shorten it"
            )
            return [WorkshopError(message, file, line or 1, Problem.LENGTH)]
    return []  # pragma: no cover
