"""A talk's abstract as plain text, as a reader sees it in a calendar's DESCRIPTION, the page's
<meta name="description">, JSON-LD, frab and schedule.json: mathmacros.abstract_text on the
doctree MyST makes of the page (docutils, no Sphinx build). A Markdown footnote mark is the node
{footcite} leaves in the doctree (a footnote_reference)."""

from __future__ import annotations

import pytest
from docutils import nodes
from docutils.core import publish_doctree
from myst_parser.parsers.docutils_ import Parser
from sphinx_workshop_site.gate.mathmacros import abstract_text, math_as_text


def abstract(body: str) -> str:
    """The plain text of a talk page whose abstract is ``body``."""
    doctree = publish_doctree(
        f"# A talk\n\n{body}\n\n## Related reading\n\nNot in the abstract.\n",
        parser=Parser(),
        settings_overrides={
            "myst_enable_extensions": ["dollarmath"],
            "doctitle_xform": False,  # the H1 stays a section, as in a Sphinx build
            "report_level": 5,
        },
    )
    return abstract_text(next(iter(doctree.findall(nodes.section))))


CITED = """\
Such a decomposition may not exist [^a]. We use multiplicative updates [^a];
see the survey (Kolda and Bader [^a]) and the preprint by Nguyen[^a], [^a] or [^a] [^a] for
the rest.

[^a]: The reference.
"""


def test_a_citation_mark_leaves_no_space_before_the_punctuation():
    assert abstract(CITED) == (
        "Such a decomposition may not exist. We use multiplicative updates; see the survey "
        "(Kolda and Bader) and the preprint by Nguyen, or for the rest."
    )


def test_list_items_are_each_on_their_own_line():
    text = abstract(
        "We study:\n\n- gradient descent;\n- we compare it with\n  Newton's method.\n\n"
        "The steps:\n\n1. first,\n2. then\n\n   with a second paragraph.\n\nThe end."
    )
    assert text == (
        "We study:\n\n• gradient descent;\n• we compare it with Newton's method.\n\n"
        "The steps:\n\n1. first,\n2. then\nwith a second paragraph.\n\nThe end."
    )


def test_an_admonition_is_read_as_paragraphs():
    text = abstract(
        "Before.\n\n```{note}\nThe slides will be online.\n\nAsk the speaker.\n```\n\n"
        "```{admonition} Joint work\nWith A. Author.\n```\n\nAfter."
    )
    assert text == (
        "Before.\n\nThe slides will be online.\n\nAsk the speaker.\n\nJoint work\n\nWith A. Author.\n\nAfter."
    )


def test_a_paragraph_is_one_line_but_for_its_hard_breaks():
    text = abstract("A paragraph wrapped\nover two lines and a hard\\\nbreak.\n\n```python\ncode = 1\n```")
    assert text == "A paragraph wrapped over two lines and a hard\nbreak."


def test_math_in_an_abstract_reads_as_text():
    text = abstract("Let $W \\in \\mathbb{R}^{m \\times n}$ be given.\n\n$$\nx\\to\\infty\n$$")
    assert text == "Let W ∈ ℝ^(m × n) be given.\n\nx → ∞"


@pytest.mark.parametrize(
    ("tex", "text"),
    [
        ("W \\in \\mathbb{R}^{m \\times n}", "W ∈ ℝ^(m × n)"),
        ("W\\in\\mathbb{R}^{m\\times n}", "W ∈ ℝ^(m × n)"),
        ("x \\to \\infty", "x → ∞"),
        ("a\\leq b", "a ≤ b"),
        ("\\alpha \\in \\Omega", "α ∈ Ω"),
        ("x \\in \\{1, 2\\}", "x ∈ {1, 2}"),
        ("a\\times b", "a × b"),
        ("a \\ne b", "a ≠ b"),
        ("p \\implies q \\iff r", "p ⟹ q ⟺ r"),
        # \pmod's word was dropped ('a ≡ b n')
        ("a \\equiv b \\pmod{n}", "a ≡ b (mod n)"),
        ("a\\equiv b\\pmod n", "a ≡ b (mod n)"),
        ("a \\bmod n", "a mod n"),
        # a sign, not an operation: no space after it
        ("x = \\pm 1", "x = ±1"),
        ("2^{\\pm 1}", "2^(±1)"),
        ("f(\\cdot)", "f(·)"),
        ("90^\\circ", "90^∘"),
        # as the writer spaced them: the characters typed as such, scripts
        ("a+b=c", "a+b=c"),
        ("\\|X - \\hat{X}\\|_F \\le (1+\\epsilon)", "‖X − X̂‖_F ≤ (1+ϵ)"),
        ("\\sum_{i=1}^n x_i", "∑_(i=1)^n x_i"),
    ],
)
def test_relations_and_operators_are_spaced_as_a_reader_expects(tex, text):
    assert math_as_text(tex) == text
