"""Math as researchers type it, built in the site and in the book: a page's own commands,
Unicode letters, numbered equations with labels; and the mistakes around math named at their
line. Two shared builds of the real site (one clean, built as HTML and as LaTeX; one with the
mistakes)."""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys

import pytest
from conftest import ROOT, copy_site, require, require_tool, sphinx_build, write_files
from test_texcheck import equation_numbers, typeset_page


def talk(title: str, body: str) -> str:
    """The body starts on line 8."""
    return f"---\nspeakers: [cohen]\nkeywords: [math]\n---\n\n# {title}\n\n{body}\n"


# Two talks that both label an equation 'eq:main', each with its own commands.
TALK_A = talk(
    "Low-rank math, typed as in the paper",
    r"""$\newcommand{\R}{\mathbb{R}}\newcommand{\norm}[1]{\left\lVert #1 \right\rVert}\DeclareMathOperator{\rank}{rank}\renewcommand{\vec}[1]{\mathbf{#1}}$

Let $X \in \R^{m \times n}$ with $\rank X ≤ r$ and $α ∈ ℝ$, $\vec{x} ≥ 0$.

\begin{align}
\min_{U, V} \norm{X - UV^\top}_F^2 &\leq ε \label{eq:main} \\
\norm{\vec{u}}_2 &= 1 \tag{*} \label{eq:unit}
\end{align}

By \eqref{eq:main} and $\eqref{eq:unit}$, the problem is bounded.

$$
a = b

c = d
$$""",
)
TALK_B = talk(
    "Another talk with the same label",
    r"""\begin{equation}
\vec{y} = \R \label{eq:main}
\end{equation}

Here $\R$ and $\vec{y}$ are this page's own: $\eqref{eq:main}$.

$$
y = 1
$$ (eq:named)

Another talk names an equation 'eq:named' too: {eq}`eq:named` is this one.""",
)
# Every way of numbering an equation on one page, references before and after: ONE numbering, in
# reading order, on the site (MathJax) as in the book (LaTeX).
TALK_MIX = talk(
    "Every way to number an equation",
    r"""As {eq}`eq:fourth` will show, and $\eqref{eq:second}$ too.

```{math}
:label: eq:first
a = b
```

$$
c = d
$$ (eq:second)

\begin{equation}
e = f \label{eq:third}
\end{equation}

\begin{align}
g &= h \label{eq:fourth} \\
i &= j \tag{$\star$} \label{eq:star}
\end{align}

$$
k = l
$$

```{math}
\begin{align}
m &= n \label{eq:fifth} \\

o &= p
\end{align}
```

```{math}
:label: eq:sixth
\begin{equation}
q = r
\end{equation}
```

```{math}
s = t
```

$$
u = v
$$ (eq:named)

See {eq}`eq:first`, {eq}`eq:second`, \eqref{eq:third}, $\eqref{eq:fourth}$, {eq}`eq:star`, {eq}`eq:fifth`,
\eqref{eq:sixth} and $\eqref{eq:named}$.""",
)
# What a reader sees: the numbers at the displays in reading order (k = l and s = t have none),
# and what each reference reads, in reading order.
MIX_NUMBERS = ["(1)", "(2)", "(3)", "(4)", "(⋆)", "(5)", "(6)", "(7)", "(8)"]
MIX_REFERENCES = ["(4)", "(2)", "(1)", "(2)", "(3)", "(4)", "(⋆)", "(5)", "(7)", "(8)"]


@pytest.fixture(scope="module")
def math_site(tmp_path_factory):
    root = copy_site(tmp_path_factory.mktemp("math-pages"))
    TALK_B_DEFS = r"$\newcommand{\R}{\mathcal{R}}$" + "\n\n"
    write_files(
        root,
        {
            "abstracts/math-a.md": TALK_A,
            "abstracts/math-b.md": TALK_B.replace("\\begin{equation}", TALK_B_DEFS + "\\begin{equation}", 1),
            "abstracts/math-mix.md": TALK_MIX,
        },
    )
    site = sphinx_build(root)
    book = sphinx_build(root, "latex", "-t", "proceedings")
    return site, book


def math_of(page: str) -> list[str]:
    """The math MathJax reads on a page (its input text), in order."""
    found = re.findall(
        r'<(span|div) class="(?:amsmath )?math notranslate nohighlight[^"]*"[^>]*>(.*?)</\1>', page, re.S
    )
    found = [text for _tag, text in found]
    return [html.unescape(text) for text in found]


def test_math_as_typed_builds_without_a_warning(math_site):
    site, book = math_site
    assert site.returncode == 0, site.output[-3000:]
    assert book.returncode == 0, book.output[-3000:]


def test_the_site_shows_the_pages_commands_expanded(math_site):
    site, _book = math_site
    a = math_of(site.page("abstracts/math-a.html"))
    joined = "\n".join(a)
    assert r"X \in \mathbb{R}^{m \times n}" in joined
    assert r"\operatorname{rank} X \leq r" in joined  # \rank and ≤ typed
    assert r"\alpha \in \mathbb{R}" in joined  # α ∈ ℝ typed
    assert r"\mathbf{x} \geq 0" in joined  # \vec renewed on this page
    assert r"\left\lVert X - UV^\top \right\rVert_F^2 &\leq \varepsilon" in joined
    assert "newcommand" not in joined and "DeclareMathOperator" not in joined and "ε" not in joined
    # labels, references and tags reach MathJax, which numbers them (tags: 'ams')
    assert r"\label{abstracts:math-a:eq:main}" in joined and r"\eqref{abstracts:math-a:eq:unit}" in joined
    assert r"\tag{*}" in joined
    # \eqref typed in the text (as in LaTeX) is math: MathJax and LaTeX print the number
    assert r"\(\eqref{abstracts:math-a:eq:main}\)" in a
    # a $$ block with a blank line is one display: not numbered by MathJax, as in the book
    assert r"\begin{aligned}a = b \\" in joined and r"\begin{align}" not in joined.split("c = d")[0][-80:]
    page = site.page("abstracts/math-a.html")
    assert '<span class="eqno">' not in page  # MathJax numbers the align's lines; Sphinx adds none
    settings = json.loads(re.search(r"window\.MathJax = (\{.*?\})</script>", page, re.S).group(1))
    assert settings["tex"]["tags"] == "ams" and "ui/safe" in settings["loader"]["load"]
    # the other talk's \R is its own
    b = "\n".join(math_of(site.page("abstracts/math-b.html")))
    assert r"\mathcal{R}" in b and r"\mathbb{R}" not in b and r"\vec{y}" in b  # \vec is not renewed there


def test_one_numbering_per_page_for_mathjax_to_do(math_site):
    """Every numbered display is an amsmath environment with its \\label (MathJax numbers those,
    tags: 'ams'), none has a number from Sphinx, and every reference is \\eqref math."""
    site, _book = math_site
    page = site.page("abstracts/math-mix.html")
    assert '<span class="eqno">' not in page and 'href="#equation-' not in page
    displays = re.findall(r'<div class="([^"]*math notranslate[^"]*)"[^>]*>(.*?)</div>', page, re.S)
    for classes, tex in displays:
        assert "\\label{" in tex or "k = l" in tex or "s = t" in tex, tex
        assert ("amsmath" in classes) == ("\\label{" in tex), (classes, tex)
    tex = "\n".join(html.unescape(text) for _classes, text in displays)
    prefix = "abstracts:math-mix:"
    for name, body in (("first", "a = b"), ("second", "c = d"), ("named", "u = v")):
        assert (
            rf"\begin{{equation}}\label{{{prefix}eq:{name}}}\begin{{split}}{body}\end{{split}}\end{{equation}}"
            in tex
        )
    assert rf"\begin{{equation}}\label{{{prefix}eq:sixth}}" + "\nq = r" in tex
    assert "m &= n \\label{abstracts:math-mix:eq:fifth} \\\\\no &= p" in tex  # the blank line dropped
    assert r"\[k = l\]" in tex and r"\[s = t\]" in tex  # unnamed: not numbered, as in the book
    references = re.findall(r"\\\(\\eqref\{abstracts:math-mix:eq:(\w+)\}\\\)", "\n".join(math_of(page)))
    assert references == [
        "fourth",
        "second",
        "first",
        "second",
        "third",
        "fourth",
        "star",
        "fifth",
        "sixth",
        "named",
    ]


def test_mathjax_numbers_the_page_once_in_reading_order(math_site, tmp_path):
    """The real proof: the built page typeset by our MathJax as a browser does."""
    site, _book = math_site
    numbers, inline = equation_numbers(typeset_page(tmp_path, site.page("abstracts/math-mix.html")))
    assert numbers == MIX_NUMBERS
    assert [text for text in inline if text.startswith("(")] == MIX_REFERENCES
    # the other talk's 'eq:named' is its own: (2) there, after its \begin{equation}
    numbers, inline = equation_numbers(typeset_page(tmp_path, site.page("abstracts/math-b.html")))
    assert numbers == ["(1)", "(2)"] and [t for t in inline if t.startswith("(")] == ["(1)", "(2)"]


def test_the_book_numbers_as_the_site_does(math_site):
    _site, book = math_site
    require_tool("xelatex", "the book's numbers are read from the typeset PDF")
    require_tool("pdftotext", "the book's numbers are read from the typeset PDF")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "_ext")}
    run = subprocess.run(
        [sys.executable, "-m", "sphinx_workshop_site.book.latexrun", str(book.outdir)],
        capture_output=True,
        text=True,
        env=env,
    )
    require(run.returncode == 0 or "sandbox" not in run.stdout, run.stdout)
    assert run.returncode == 0, run.stdout[-3000:]  # texverify passed, TeX typeset it
    pdf = next(book.outdir.glob("*.pdf"))
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    talk = text[text.index("Every way to number an equation\nSpeaker:") :]  # the talk, not a list
    before, displays, after = re.search(r"As (.*?) too\.(.*?)See (.*?)\.\n", talk, re.S).groups()
    number = r"\((\d+|⋆)\)"
    assert re.findall(number + r"[ \t]*$", displays, re.M) == [n.strip("()") for n in MIX_NUMBERS]
    assert re.findall(number, before + after) == [n.strip("()") for n in MIX_REFERENCES]


def test_the_book_has_each_talks_labels_and_no_definition(math_site):
    _site, book = math_site
    tex = (book.outdir / "lorainne24-proceedings.tex").read_text(encoding="utf-8")
    assert r"\label{abstracts:math-a:eq:main}" in tex and r"\label{abstracts:math-b:eq:main}" in tex
    assert tex.count(r"\eqref{abstracts:math-a:eq:main}") == 1 and r"\eqref{abstracts:math-b:eq:main}" in tex
    assert r"\label{eq:main}" not in tex and r"\eqref{eq:main}" not in tex
    assert r"\operatorname{rank} X \leq r" in tex and r"\alpha \in \mathbb{R}" in tex
    for definition in ("newcommand{\\R", "newcommand{\\norm", "DeclareMathOperator", "renewcommand{\\vec"):
        assert definition not in tex, definition
    assert r"\mathcal{R}" in tex  # talk B's own \R


# -- Mistakes, each at its line --------------------------------------------------------------

MISTAKES = {  # file: (body, line of the problem in the file, message part)
    "mm-recursive": (r"Let $\newcommand{\x}{\x}\x$.", 8, "'\\newcommand' of '\\x' uses '\\x' itself"),
    "mm-input": (
        "Text.\n\n$$\n\\newcommand{\\x}{\\input{/etc/passwd}}\n\\x\n$$",
        11,
        "'\\input' is not allowed in math",
    ),
    "mm-args": ("$\\newcommand{\\f}[2]{\\frac{#1}{#2}}$\n\nLater $\\f{1}$.", 10, "'\\f' needs 2 argument(s)"),
    "mm-amounts": ("One.\nIt costs $5 and $10 a day.", 9, "a lone '$' before '5' (a dollar amount?)"),
    "mm-ref": (
        "One.\nAs in \\ref{fig:one}, we see.",
        9,
        "LaTeX '\\ref{fig:one}' in the text refers to no equation of this page, and is printed as it is: write {ref}",
    ),
    "mm-eqref": (
        "As \\eqref{eq:x} shows.",
        8,
        "LaTeX '\\eqref{eq:x}' in the text refers to no equation of this page",
    ),
    "mm-eqref-typo": (
        "$$\na = b\n$$ (eq:rate)\n\nAs \\eqref{eq:rat} shows.",
        12,
        "LaTeX '\\eqref{eq:rat}' in the text refers to no equation of this page (did you mean 'eq:rate'?)",
    ),
    "mm-label": (
        "\\begin{equation}\na \\label{}\\input{/etc/passwd}}\n\\end{equation}",
        9,
        "'\\label' needs a plain name",
    ),
    "mm-nolabel": (
        "\\begin{equation}\na = b\n\\end{equation}\n\nSee $\\eqref{eq:b}$.",
        12,
        "refers to no '\\label{eq:b}' on this page",
    ),
    "mm-unicode": ("Then $a ⊛ b$.", 8, "'⊛' in math: CIRCLED ASTERISK OPERATOR has no TeX command here"),
    "mm-eqrole": (
        "One.\nSee {eq}`eq:mian`.\n\n$$\na\n$$ (eq:main)",
        9,
        "{eq}`eq:mian` refers to no equation of this page (did you mean 'eq:main'?): name one with $$ … $$ (eq:mian)",
    ),
    "mm-named-twice": (
        "$$\na\n$$ (eq:a)\n\n\\begin{equation}\nb \\label{eq:a}\n\\end{equation}",
        13,
        "'\\label{eq:a}' is used twice on this page",
    ),
    "mm-math-label-align": (
        "```{math}\n:label: eq:a\n\\begin{align}\na &= b\n\\end{align}\n```",
        9,
        "':label: eq:a' names a {math} block holding \\begin{align}, which numbers each line: remove :label: and write \\label{eq:a} on the line it names",
    ),
    "mm-math-more": (
        "```{math}\nx = 1\n\\begin{align}\na &= b\n\\end{align}\n```",
        9,
        "'\\begin{align}' is a display of its own: write it alone on its own lines, or alone in a {math} block",
    ),  # lines of a {math} block count from its fence (allowlist)
    "mm-tag": (
        "\\begin{align}\na &= b \\tag{\\star}\n\\end{align}",
        9,
        "'\\star' inside \\tag{…} is text: math there goes between dollars, \\tag{$\\star$}",
    ),
    "mm-math-define": (
        "```{math}\n:label: eq:x\n\na = b \\\\\n\\newcommand{\\y}{\\y}\\y\n```",
        12,
        "'\\newcommand' of '\\y' uses '\\y' itself",
    ),
}


@pytest.fixture(scope="module")
def mistakes_site(tmp_path_factory):
    root = copy_site(tmp_path_factory.mktemp("math-mistakes"))
    write_files(
        root, {f"abstracts/{name}.md": talk("A talk", body) for name, (body, _line, _m) in MISTAKES.items()}
    )
    return sphinx_build(root)


@pytest.mark.parametrize("name", sorted(MISTAKES))
def test_math_mistakes_are_named_at_their_line(mistakes_site, name):
    _body, line, message = MISTAKES[name]
    found = [entry for entry in mistakes_site.output.splitlines() if f"abstracts/{name}.md:" in entry]
    assert any(f"abstracts/{name}.md:{line}:" in entry and message in entry for entry in found), found
    if name != "mm-label":  # there, '\\input' and the '}' left over are problems of their own
        assert len(found) == 1, found  # one clear line


def test_refused_math_reaches_no_page(mistakes_site):
    assert mistakes_site.returncode != 0
    for name in ("mm-recursive", "mm-input", "mm-label"):
        page = mistakes_site.page(f"abstracts/{name}.html")
        assert "/etc/passwd" not in page and "newcommand" not in page, name
