"""Element ids on a contributor page, decided on the doctree MyST produced.

The parser makes ids of its own: for headings (their text, or a ``(label)=`` written above them),
footnotes, numbered equations, and the ``:name:`` of a figure, table, code block or admonition
(what ``{ref}`` links to). An id written with ``{#…}`` (attrs) on a span, a link, an image or
inline code is the contributor's alone: it is refused. No id may be one the site's own layout
uses (``main-content``, the theme's ``pst-``/``bd-``/``jb-`` ids, the extension's
``author-index-``): a heading whose text makes one gets the page's id as a prefix, a name given
by the contributor is refused. Pure docutils.
"""

from __future__ import annotations

from docutils import nodes

from ..model.errors import Problem
from .allowlist import PageRules, node_line

# Nodes whose ids the parser makes, or makes from a name the contributor gives for {ref}.
ID_NODES = (
    nodes.section,
    nodes.footnote,
    nodes.footnote_reference,
    nodes.citation,
    nodes.citation_reference,
    nodes.math_block,
    nodes.target,
    nodes.figure,
    nodes.table,
    nodes.literal_block,
    nodes.container,
    nodes.Admonition,
)
# Ids of the page layout (sphinx-book-theme, the workshop's own sections), never a contributor's.
RESERVED_IDS = frozenset({"main-content", "print-main-content", "searchbox", "ethical-ad-placement"})
# (sphinxcontrib-bibtex's footcite-/footbib- ids are in the page itself: docutils refuses a duplicate)
RESERVED_PREFIXES = ("pst-", "bd-", "jb-", "author-index-")


def is_reserved(node_id: str) -> bool:
    return node_id in RESERVED_IDS or node_id.startswith(RESERVED_PREFIXES)


def check_ids(document: nodes.document, rules: PageRules) -> None:
    """Refuse ids the contributor set with attrs, and names that take the layout's ids."""
    for node in list(document.findall(nodes.Element)):
        if is_reserved(node.get("slug") or ""):  # MyST adds the heading's slug as an id later
            node["slug"] = f"{rules.page_id}-{node['slug']}"
        if node is document or not node.get("ids"):
            continue
        if isinstance(node, nodes.container) and any(i.startswith("footbib-") for i in node["ids"]):
            continue  # sphinxcontrib-bibtex's own list of references
        if not isinstance(node, ID_NODES):
            written = (node["names"] or node.get("dupnames") or node["ids"])[0]
            rules.add(
                f"an element id ('{{#{written}}}') is not allowed in a talk or speaker page: remove it "
                f"(headings have ids of their own; name a target for {{ref}} with '({written})=')",
                node_line(node),
                Problem.SAFETY,
                needle="#" + written,
            )
            for node_id in list(node["ids"]):
                _forget(document, node, node_id)
            continue
        for node_id in [i for i in node["ids"] if is_reserved(i)]:
            if not any(document.nametypes.get(name) for name in _names_of(document, node_id)):
                if isinstance(node, nodes.section):  # made from the heading's text: innocent
                    _rename(document, node, node_id, f"{rules.page_id}-{node_id}")
                continue  # else the parser's or an extension's own (footcite-…): not a name given
            rules.add(
                f"the name '{node_id}' is taken by the site's page layout: choose another name",
                node_line(node),
                Problem.SAFETY,
                needle=node_id,
            )
            _forget(document, node, node_id)


def _names_of(document: nodes.document, node_id: str) -> list[str]:
    return [name for name, target in document.nameids.items() if target == node_id]


def _forget(document: nodes.document, node: nodes.Element, node_id: str) -> None:
    """Remove the id from the node and the document's registers (Sphinx reads labels from them)."""
    node["ids"].remove(node_id)
    document.ids.pop(node_id, None)
    for name in _names_of(document, node_id):
        document.nameids.pop(name, None)
        document.nametypes.pop(name, None)
        if name in node["names"]:
            node["names"].remove(name)
    if isinstance(node, nodes.target) and not node["ids"] and node.parent is not None:
        node.parent.remove(node)  # a '(label)=' target is nothing but its id


def _rename(document: nodes.document, node: nodes.Element, old: str, new: str) -> None:
    if new in document.ids:
        _forget(document, node, old)
        return
    node["ids"][node["ids"].index(old)] = new
    document.ids.pop(old, None)
    document.ids[new] = node
    for name in _names_of(document, old):
        document.nameids[name] = new
