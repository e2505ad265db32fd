"""The math checker: what contributors may write in $…$, $$…$$ and amsmath blocks, and what not."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time

import pytest
from conftest import copy_site, require_tool, sphinx_build
from sphinx_workshop_site.book.proceedings import MATH_STY, SPHINX_AMSMATH
from sphinx_workshop_site.gate import mathmacros, texcheck
from sphinx_workshop_site.gate.mathmacros import expand_page_macros
from sphinx_workshop_site.gate.mathpage import label_prefix, prefix_labels
from sphinx_workshop_site.gate.texcheck import check_dollars, check_inline_prose, check_math
from sphinx_workshop_site.site.assets import MATHJAX_NUMBERING, MATHJAX_SAFETY, mathjax_source, merged

# Math as it appears in real low-rank / ML abstracts: all of it must pass.
GOOD = [
    r"\|A - UV^\top\|_F^2",
    r"\min_{U \in \mathbb{R}^{m \times r},\, V \geq 0} \tfrac{1}{2}\lVert X - UV^\top \rVert_F^2 + \lambda \|V\|_1",
    r"\mathcal{T} = \sum_{r=1}^{R} \mathbf{a}_r \otimes \mathbf{b}_r \otimes \mathbf{c}_r",
    r"\operatorname*{arg\,min}_{\theta} \; \mathbb{E}_{x \sim p}\left[ \ell(f_\theta(x)) \right]",
    r"\widehat{W} = \operatorname{diag}(\sigma_1, \dots, \sigma_k)",
    r"\begin{pmatrix} a & b \\ c & d \end{pmatrix}^{-1} = \frac{1}{ad - bc}\begin{bmatrix} d & -b \\ -c & a \end{bmatrix}",
    r"f(x) = \begin{cases} x^2 & \text{if } x \ge 0, \\ -x & \text{otherwise} \end{cases}",
    r"\left\langle \nabla f(x), y - x \right\rangle \leq \frac{L}{2}\|y - x\|^2",
    r"\sqrt[3]{x} + \binom{n}{k} + \dfrac{\partial^2 u}{\partial t^2}",
    r"\underbrace{a + \cdots + a}_{n\ \text{times}} \overset{\text{def}}{=} na",
    r"\boldsymbol{\Sigma}^{1/2} \quad \hspace{1em} \text{rank}(X) \leq r",
    r"\lim_{n \to \infty} \frac{1}{n}\sum_{i=1}^n \log p(x_i) = \eqref{eq:mle}",
    r"\text{50\% of \textbf{all} entries}",
    r"\bigl( x \bigr) \Big\| y \Big\|",
    "a + b\n= c",
]


def messages(tex: str, **options) -> list[str]:
    return [message for _line, message in check_math(tex, **options)]


@pytest.mark.parametrize("tex", GOOD)
def test_math_of_real_abstracts_passes(tex):
    assert check_math(tex) == []


def test_display_blocks_may_align_and_amsmath_blocks_may_be_whole_displays():
    assert check_math("a &= b \\\\\n&= c", display=True) == []
    align = "\\begin{align}\na &= b \\tag{1} \\\\\nc &= d \\nonumber\n\\end{align}"
    assert check_math(align, amsmath=True) == []
    split = r"\begin{equation}\begin{split} a &= b \\ &= c \end{split}\end{equation}"
    assert check_math(split, amsmath=True) == []
    labelled = "\\begin{align}\na &= b \\label{eq:a} \\\\\nc &= d \\tag{*} \\label{eq:star}\n\\end{align}"
    assert check_math(labelled, amsmath=True) == []


def align(line: str) -> str:
    """An amsmath block whose second line is ``line``."""
    return "\\begin{align}\na &= b \\\\\n" + line + "\n\\end{align}"


@pytest.mark.parametrize(
    "tex",
    [
        align(r"c &= d \tag{$\star$}"),
        align(r"c &= d \tag*{$\dagger_{1}$} \label{eq:d}"),
        align(r"c &= d \tag{$\star$, $\alpha^2$ and {$\mathbf{x}$}}"),
        r"x \text{ if $x > 0$, and $\frac{1}{2}$ else}",
        r"\mbox{$\begin{pmatrix} a & b \end{pmatrix}$}",
        r"\text{a $\text{b $c$}$}",
    ],
)
def test_math_between_dollars_inside_a_tag_or_text_is_math(tex):
    """amsmath's \\tag{…} and \\text{…} are text, and math goes in them between dollars: LaTeX and
    MathJax (textmacros) read it so; the math in them is checked as any math."""
    assert check_math(tex, amsmath=tex.startswith("\\begin"), display=True) == []


@pytest.mark.parametrize(
    ("tex", "expected"),
    [
        (
            align(r"c &= d \tag{\star}"),
            "'\\star' inside \\tag{…} is text: math there goes between dollars, \\tag{$\\star$}",
        ),
        (align(r"c &= d \tag{x^2}"), "'^' inside \\tag{…} is text: put the math between dollars ($x^{2}$)"),
        (
            align(r"c &= d \tag{$\input{/etc/passwd}$}"),
            "'\\input' is not allowed in math: it reads or writes files",
        ),
        (align(r"c &= d \tag{$\star}"), "'$' inside \\tag{…} opens math that is not closed: add '$'"),
        (align(r"c &= d \tag{$\tag{2}$}"), "'\\tag' inside \\tag{…}: write it outside"),
        (align(r"c &= d \tag{$\label{x}$}"), "'\\label' inside \\tag{…}: write it outside"),
        (align(r"c &= d \tag{$a & b$}"), "'&' outside an alignment"),
        (align(r"c &= d \tag{$a \\ b$}"), "'\\\\' (a new line) inside \\tag{…}: end the line outside it"),
        (r"\text{$$x$$ and $$y$$}", "'$$' inside \\text{…}: write the math between single dollars"),
        (r"\text{$\begin{align} a \end{align}$}", "'\\begin{align}' is a display of its own"),
        (r"a $ b", "'$' inside math: write \\$ for a dollar sign"),
    ],
)
def test_math_inside_a_tag_or_text_is_checked_and_named_as_written(tex, expected):
    problems = check_math(tex, amsmath=tex.startswith("\\begin"), display=True)
    assert [message for _line, message in problems if expected in message], problems
    assert len(problems) == 1, problems  # one mistake, one line
    assert all(line == tex.count("\n", 0, tex.find("\\tag")) for line, _m in problems if "\\tag" in tex)


def test_unicode_inside_math_inside_text_is_tex():
    [expanded], problems = expand_page_macros([r"\text{if $α ≥ 0$, α}"])
    assert problems == [] and expanded == r"\text{if $\alpha \geq 0$, α}"  # text stays text


@pytest.mark.parametrize(
    ("tex", "line", "expected"),
    [
        (r"\frac{a}{b", 0, "'{' is not closed: add '}'"),
        ("x +\n\\frac{a}{b}}", 1, "'}' has no matching '{'"),
        ("\\left( a\n+ b", 0, "'\\left' has no matching '\\right'"),
        (r"a \right)", 0, "'\\right' has no matching '\\left'"),
        ("\\begin{pmatrix} a\n\\end{bmatrix}", 1, "'\\end{bmatrix}' has no matching '\\begin{bmatrix}'"),
        (r"\begin{tabular}{c} a \end{tabular}", 0, "'\\begin{tabular}' is not a math environment"),
        (r"\begin{pmatirx} a \end{pmatrix}", 0, "(did you mean 'pmatrix'?)"),
        (r"\alpah", 0, "'\\alpah' is not allowed in math (did you mean '\\alpha'?)"),
        (r"\tr(A)", 0, "'\\tr' is not allowed in math (write \\operatorname{tr})"),
        (r"\argmin_x", 0, "(write \\operatorname*{arg\\,min})"),
        (r"x^", 0, "'^' needs something after it"),
        (r"\frac{a}", 0, "'\\frac' needs 2 argument(s)"),
        ("50%", 0, "'%' starts a TeX comment: write \\% for a percent sign"),
        ("a # b", 0, "write \\# for a hash sign"),
        ("a $ b", 0, "write \\$ for a dollar sign"),
        ("a & b", 0, "'&' outside an alignment"),
        (r"\text{x_1}", 0, "'_' inside \\text{…} is text: write \\_ for the character"),
        (
            r"\text{\alpha}",
            0,
            "'\\alpha' inside \\text{…} is text: math there goes between dollars, \\text{$\\alpha$}",
        ),
        (r"\textbf{a & b}", 0, "'&' inside \\textbf{…} is text: write \\& for an ampersand"),
        (r"\left{ x \right}", 0, "'\\left' must be followed by a delimiter"),
        (r"\hspace{\input x}", 0, "'\\hspace' needs a plain length"),
        (r"\label{a b}", 0, "'\\label' needs a plain name"),
        ("αβ", 0, "'α' in math (write \\alpha)"),
        ("\n\nx^^5c", 2, "'^^' (TeX's character code escape) is not allowed"),
        ("a\u202eb", 0, "control or invisible character U+202E"),
        ("a\x00b", 0, "control or invisible character U+0000"),
        ("a\x1bb", 0, "control or invisible character U+001B"),
        ("a\\", 0, "lone '\\'"),
        (
            r"\begin{align} a &= b \end{align}",
            0,
            "'\\begin{align}' is a display of its own: write it alone "
            "on its own lines, or alone in a {math} block; inside other math ($…$, $$…$$, or a {math} block "
            "with more in it) use aligned, gathered or cases",
        ),
        (r"a \tag{1}", 0, "'\\tag' only works in an equation written on its own lines"),
        (r"\begin{split} a \end{split}", 0, "'\\begin{split}' only works directly inside"),
        (r"\begin{array} a \end{array}", 0, "needs its columns"),
    ],
)
def test_problems_name_the_line_and_say_how_to_fix(tex, line, expected):
    problems = check_math(tex, display="\n" in tex)
    assert any(expected in message and at == line for at, message in problems), problems


# Each with the reason it is refused, not just "unknown".
REFUSED = {
    "input": "reads or writes files",
    "include": "reads or writes files",
    "openin": "reads or writes files",
    "read": "reads or writes files",
    "readline": "reads or writes files",
    "def": "defines commands",
    "gdef": "defines commands",
    "edef": "defines commands",
    "xdef": "defines commands",
    "let": "defines commands",
    "newcommand": "defines commands",
    "renewcommand": "defines commands",
    "DeclareMathOperator": "defines commands",
    "catcode": "changes how TeX reads",
    "special": "writes into files or the PDF",
    "write": "writes into files",
    "immediate": "writes into files",
    "csname": "TeX programming",
    "endcsname": "TeX programming",
    "string": "TeX programming",
    "expandafter": "TeX programming",
    "uppercase": "TeX programming",
    "char": "TeX programming",
    "mathchar": "TeX programming",
    "href": "links are not allowed in math",
    "url": "links are not allowed in math",
    "style": "HTML attributes",
    "class": "HTML attributes",
    "cssId": "HTML attributes",
    "data": "HTML attributes",
    "html": "HTML attributes",
    "loop": "can hang",
    "repeat": "can hang",
    "jobname": "preamble",
    "documentclass": "preamble",
    "usepackage": "preamble",
    "makeatletter": "preamble",
    "require": "loads MathJax extensions",
    "unicode": "by its code",
    "verb": "verbatim",
    "begingroup": "group with { }",
    "color": "colour",
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_dangerous_commands_are_refused_with_their_reason(name):
    [message] = messages(f"x \\{name}{{y}}")
    assert message.startswith(f"'\\{name}' is not allowed in math: ") and REFUSED[name] in message


def test_end_document_is_refused():
    [message] = messages(r"x \end{document} \documentclass{article}")[:1]
    assert "'\\end{document}' is not allowed in math" in message and "preamble" in message


def test_no_refused_name_is_in_the_vocabulary_and_the_vocabulary_is_generous():
    assert not set(texcheck.REFUSED) & texcheck.MATH_VOCABULARY
    assert not {"tr", "newcommand", "style", "input", "color"} & texcheck.MATH_VOCABULARY
    assert len(texcheck.MATH_VOCABULARY) > 500


def test_limits_on_length_and_depth():
    assert "at most 5000" in messages("x" * 5001)[0]
    assert "nested more than 50 levels" in messages("{" * 51 + "x" + "}" * 51)[0]
    assert check_math("{" * 49 + "x" + "}" * 49) == []


def test_problems_per_formula_are_capped():
    assert len(check_math(r"\foo " * 1000)) == texcheck.MAX_PROBLEMS


ADVERSARIAL = {
    "open braces": "{" * 10**6,
    "close braces": "}" * 10**6,
    "lefts": r"\left(" * (10**6 // 6),
    "rights": r"\right)" * (10**6 // 7),
    "backslashes": "\\" * 10**6,
    "carets": "^" * 10**6,
    "subscripts": "_" * 10**6,
    "long name": "\\" + "a" * 10**6,
    "balanced nesting": ("{" * 40 + "x" + "}" * 40) * (10**6 // 81),
    "fractions": r"\frac{a}{b}" * (10**6 // 11),
    "powers": "x^{2}" * (10**6 // 5),
    "environments": r"\begin{matrix}a&b\end{matrix}" * (10**6 // 29),
    "percent": "%" * 10**6,
    "text": r"\text{" + "a" * 10**6 + "}",
    "ends": r"\end{x}" * (10**6 // 7),
    "newlines": "\n" * 10**6,
    "unicode": "é" * 10**6,
}


@pytest.mark.parametrize("name", sorted(ADVERSARIAL))
def test_adversarial_megabyte_is_checked_in_under_a_second(name):
    tex = ADVERSARIAL[name]
    start = time.process_time()
    assert check_math(tex)  # over the length limit, at least
    assert time.process_time() - start < 1
    # and the scanner itself is linear: 200 kB (40 times the limit) read in full, under a second
    start = time.process_time()
    check_math(tex[:200_000], max_length=10**7, display=True)
    assert time.process_time() - start < 1, name


def test_check_dollars_finds_any_dollar_left_in_text():
    message = "a lone '$' (unclosed $ or $$): close the math, or write \\$ for a dollar sign"
    assert check_dollars("and then $$ x + y") == message
    assert check_dollars(r"so $\frac{a}{b} is") == message
    assert check_dollars("The rank $r of W is small.") == message
    assert check_dollars(r"B \in \mathbb{R}^{n \times r}$") == message
    assert check_dollars("plain text") is None
    start = time.process_time()
    assert check_dollars("$ " * 500_000) == message
    assert time.process_time() - start < 1


@pytest.mark.parametrize(
    ("tex", "hint"),
    [
        ("\\eps", "(write \\epsilon or \\varepsilon)"),
        ("\\lam x", "(did you mean '\\lambda'?)"),
        ("\\vphant{x}", "(did you mean '\\vphantom'?)"),
        ("\\qzx", ""),
    ],
)
def test_abbreviated_commands_get_a_suggestion(tex, hint):
    ((_line, message),) = check_math(tex)
    assert message.endswith("is not allowed in math" + (f" {hint}" if hint else ""))


@pytest.mark.parametrize("tex", ["5 per run and ", "W + AB^\\top where the ", "x of rank r"])
def test_inline_math_that_reads_like_prose(tex):
    assert "looks like text between two dollar signs" in check_inline_prose(tex)


@pytest.mark.parametrize(
    "tex",
    [
        "W + AB^\\top",
        "\\text{rank of } W",
        "\\operatorname{arg\\,min}_x f",
        "\\mathrm{d} x",
        "\\alpha \\beta",
        "AB + BA",
        "\\sin x \\cos y",
        "5 + 10",
    ],
)
def test_inline_math_that_is_math(tex):
    assert check_inline_prose(tex) is None


# -- The vocabulary against the real renderers ------------------------------------------------


def snippets() -> dict[str, str]:
    """One formula per allowed command, written the way it is used."""
    result = {}
    for name in sorted(texcheck.MATH_VOCABULARY - texcheck.SPECIAL):
        if name in ("left", "right", "middle"):
            tex = r"\left( x \middle| y \right)"
        elif name in texcheck.SIZED:
            tex = rf"\{name}( x \{name})"
        elif name in texcheck.DELIMITER_NAMES:
            tex = rf"\left\{name} x \right\{name} \{name}"
        elif name in texcheck.TEXT_COMMANDS:
            tex = rf"\{name}{{ab}}"
        elif name in ("limits", "nolimits"):
            tex = rf"\sum\{name}_a^b"
        elif name == "not":
            tex = r"a \not= b"
        elif name == "hline":
            tex = r"\begin{array}{c} a \\ \hline b \end{array}"
        elif name == "genfrac":
            tex = r"\genfrac(]{0pt}{2}{a}{b}"
        elif name == "sideset":
            tex = r"\sideset{_a}{^b}\sum"
        else:
            tex = rf"\{name}" + "{x}" * texcheck.ARGUMENTS.get(name, 0)
        result[name] = tex
    for name in ("tag", "notag", "nonumber", "shoveleft", "shoveright"):
        result.pop(name)  # only inside display environments: their own test below
    return result


def test_every_allowed_command_typesets_in_latex_as_the_book_loads_it(tmp_path):
    require_tool("xelatex", "the vocabulary is checked against real LaTeX")
    require_tool("pdffonts", "the vocabulary's fonts are read from the PDF (poppler-utils)")
    from sphinx.builders.latex.constants import XELATEX_DEFAULT_FONTPKG

    body = []
    for name, tex in snippets().items():
        assert check_math(tex) == [], name
        body.append(f"% {name}\n${tex}$\\par")
    body.append(r"\begin{align} a &= b \tag{1} \\ c &= d \notag \\ e &= f \nonumber \end{align}")
    body.append(r"\begin{multline} a \\ \shoveleft{b} \\ \shoveright{c} \\ d \end{multline}")
    body.append(r"\begin{align} a &= b \tag{$\star$} \\ c &= d \tag*{$\dagger_{1}$} \end{align}")
    body.append(r"$x \text{ if $x > 0$, $\frac{1}{2}$ else}$\par")
    body.append(r"$α + ∑_{i=1}^n x_i ≤ ∞$ {\boldmath $\alpha \setminus \lmoustache x \rmoustache$}\par")
    # What the book loads for math: Sphinx's 'amsmath' element, the book's math fonts, its text fonts
    shutil.copy(MATH_STY, tmp_path)
    document = "\n".join(
        [
            r"\documentclass{article}\usepackage{fontspec}",
            SPHINX_AMSMATH,
            r"\usepackage{workshopmath}",
            XELATEX_DEFAULT_FONTPKG,
            r"\begin{document}",
            "",
        ]
    )
    (tmp_path / "v.tex").write_text(document + "\n".join(body) + "\n\\end{document}\n")
    subprocess.run(
        ["xelatex", "-interaction=nonstopmode", "-no-shell-escape", "v.tex"],
        cwd=tmp_path,
        capture_output=True,
        timeout=300,
    )
    log = (tmp_path / "v.log").read_text(errors="replace")
    errors = re.findall(r"^! .*\n(?:.*\n){0,8}?l\.\d+ .*", log, re.M)
    assert not errors, errors[:5]
    assert "Missing character" not in log
    # every symbol in the book's faces: no Computer Modern, Latin Modern or AMS font
    fonts = subprocess.run(["pdffonts", str(tmp_path / "v.pdf")], capture_output=True, text=True, check=True)
    names = {row.split()[0].split("+", 1)[-1] for row in fonts.stdout.splitlines()[2:]}
    assert "TeXGyreTermesMath-Regular-Identity-H" in names, names
    assert not [n for n in names if re.match(r"(CM|LM|MSAM|MSBM|EUF|Latin ?Modern)", n, re.I)], names


MATHJAX_HARNESS = """
const [dir, config, formulas] = [process.argv[2], JSON.parse(process.argv[3]), JSON.parse(process.argv[4])];
config.loader = Object.assign({}, config.loader, {paths: {mathjax: dir}, require: require});
config.loader.load = ['adaptors/liteDOM'].concat(config.loader.load || []);
config.startup = {typeset: false};
global.MathJax = config;
require(dir + '/tex-chtml.js');
MathJax.startup.promise.then(async () => {
  const out = {__safe__: 'safe' in (MathJax._.ui || {})};
  for (const [name, tex] of Object.entries(formulas)) {
    const node = await MathJax.tex2chtmlPromise(tex, {display: true});
    out[name] = MathJax.startup.adaptor.outerHTML(node);
  }
  console.log(JSON.stringify(out));
});
"""
# Node modules MathJax's speech code asks for in Node, never used to render.
NODE_STUBS = {
    "xmldom-sre": "class D{createDocument(){return {createElement(){return {}},documentElement:{}}}};"
    "class P{parseFromString(){return {}}}; class S{serializeToString(){return ''}};"
    "module.exports = {DOMParser: P, XMLSerializer: S, DOMImplementation: D};",
    "wicked-good-xpath": "module.exports = {install(){}};",
    "commander": "module.exports = {};",
}


def node_modules(tmp_path) -> None:
    require_tool("node", "MathJax is run by Node to check the vocabulary")
    for module, code in NODE_STUBS.items():
        (tmp_path / "node_modules" / module).mkdir(parents=True, exist_ok=True)
        (tmp_path / "node_modules" / module / "index.js").write_text(code)


def render_with_mathjax(tmp_path, formulas: dict[str, str], settings: dict | None = None) -> dict:
    """Our MathJax (the bundled files, the site's configuration) run by Node."""
    node_modules(tmp_path)
    (tmp_path / "harness.js").write_text(MATHJAX_HARNESS)
    settings = settings or MATHJAX_SAFETY
    config = json.dumps({**settings, "options": {**settings["options"], "processHtmlClass": "math"}})
    result = subprocess.run(
        ["node", "harness.js", str(mathjax_source()), config, json.dumps(formulas)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PATH": "/usr/bin:/bin", "NODE_PATH": str(tmp_path / "node_modules")},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_every_allowed_command_renders_in_mathjax_with_the_site_configuration(tmp_path):
    formulas = snippets()
    formulas["tags"] = r"\begin{align} a &= b \tag{1} \\ c &= d \notag \\ e &= f \nonumber \end{align}"
    formulas["text"] = r"\text{50\% of \textbf{all}, \quad a \& b}"
    formulas["tag-math"] = r"\begin{align} a &= b \tag{$\star$} \\ c &= d \tag*{$\dagger_{1}$} \end{align}"
    formulas["text-math"] = r"x \text{ if $x > 0$, $\frac{1}{2}$ else}"
    html = render_with_mathjax(tmp_path, formulas)
    assert html.pop("__safe__") is True  # the safe extension is loaded
    broken = {name: out[:300] for name, out in html.items() if "merror" in out or "color: red" in out}
    assert not broken
    assert "\\%" not in html["text"] and "\\textbf" not in html["text"]  # text read as LaTeX reads it
    for name in ("tag-math", "text-math"):  # the math inside is math: no '$' or '\\star' printed
        assert "mjx-c24" not in html[name] and "mjx-c5C" not in html[name], name
    assert "mjx-c22C6" in html["tag-math"] and "mjx-c2020" in html["tag-math"]  # ⋆ and † drawn


PAGE_HARNESS = """
const fs = require('fs');
const [dir, pageFile] = [process.argv[2], process.argv[3]];
const page = fs.readFileSync(pageFile, 'utf8');
const config = JSON.parse(page.match(/window\\.MathJax = (\\{.*?\\})<\\/script>/s)[1]);
config.loader = Object.assign({}, config.loader, {paths: {mathjax: dir}, require: require});
config.loader.load = ['adaptors/liteDOM'].concat(config.loader.load || []);
config.startup = {typeset: false, document: page};
global.MathJax = config;
require(dir + '/tex-chtml.js');
MathJax.startup.promise.then(async () => {
  await MathJax.typesetPromise();
  const adaptor = MathJax.startup.adaptor;
  console.log(adaptor.outerHTML(adaptor.body(MathJax.startup.document.document)));
}).catch(error => { console.error(error); process.exit(1); });
"""


def typeset_page(tmp_path, page: str) -> str:
    """A built page typeset by our MathJax with the page's own settings, as a browser would do it
    (every formula of the page in one document: numbers and references across formulas)."""
    node_modules(tmp_path)
    (tmp_path / "page-harness.js").write_text(PAGE_HARNESS)
    (tmp_path / "page.html").write_text(page, encoding="utf-8")
    result = subprocess.run(
        ["node", "page-harness.js", str(mathjax_source()), str(tmp_path / "page.html")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PATH": "/usr/bin:/bin", "NODE_PATH": str(tmp_path / "node_modules")},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


MJX_CHARACTER = re.compile(r'class="mjx-c([0-9A-F]+)[ "]')
MJX_FORMULA = re.compile(r"<mjx-container([^>]*)>(.*?)</mjx-container>", re.S)


def drawn(chtml: str) -> str:
    """The characters MathJax drew (each is an element of class mjx-c<hex>)."""
    return "".join(chr(int(code, 16)) for code in MJX_CHARACTER.findall(chtml))


def equation_numbers(typeset: str) -> tuple[list[str], list[str]]:
    """(the numbers shown at the displays, in page order; what each inline formula reads), and
    Sphinx's own numbers ('<span class="eqno">') among the first, as a reader sees them all."""
    numbers, inline = [], []
    for found in re.finditer(r'<span class="eqno">(\(\d+\))|' + MJX_FORMULA.pattern, typeset, re.S):
        if found.group(1):
            numbers.append(found.group(1))
        elif 'display="true"' in found.group(2):
            for labels in re.findall(r"<mjx-labels.*?</mjx-labels>", found.group(3), re.S):
                numbers += [drawn(row) for row in re.findall(r"<mjx-mtr.*?</mjx-mtr>", labels, re.S)]
        else:
            inline.append(drawn(found.group(3)))
    return numbers, inline


def test_mathjax_itself_refuses_links_styles_and_extensions(tmp_path):
    """Behind the checker: what MathJax does if such math reached it anyway."""
    html = render_with_mathjax(
        tmp_path,
        {
            "href": r"\href{javascript:alert(1)}{x}",
            "style": r"\style{position:fixed;top:0}{x}",
            "class": r"\class{overlay}{x}",
            "cssId": r"\cssId{login}{x}",
            "require": r"\require{html}\href{javascript:alert(1)}{x}",
            "unicode": r"\unicode{x202E}",
        },
    )
    html.pop("__safe__")
    for name, out in html.items():
        assert "javascript:" not in out and "fixed" not in out, name
        assert "href=" not in out and 'class="overlay"' not in out and 'id="login"' not in out, name
        assert "merror" in out or "color: red" in out, name  # an error or an undefined command


MATH_TALK = """\
---
speakers: [cohen]
keywords: [math]
---

# Math on the site

We minimize $\\|A - UV^\\top\\|_F^2$ over $U \\in \\mathbb{R}^{m \\times r}$.
"""


def test_site_loads_mathjax_with_its_safe_extension(tmp_path):
    root = copy_site(tmp_path / "site")
    (root / "abstracts/math-talk.md").write_text(MATH_TALK, encoding="utf-8")
    build = sphinx_build(root)
    assert build.returncode == 0, build.output[-3000:]
    page = build.page("abstracts/math-talk.html")
    config = re.search(r"window\.MathJax = (\{.*?\})</script>", page, re.S)
    assert config, "no MathJax configuration on a page with math"
    settings = json.loads(config.group(1))
    assert "ui/safe" in settings["loader"]["load"]
    protocols = settings["options"]["safeOptions"]["safeProtocols"]
    assert {scheme for scheme, allowed in protocols.items() if allowed} == {"http", "https"}
    assert settings["tex"]["autoload"]["html"] == []
    assert 'src="../_static/mathjax/tex-chtml.js' in page
    assert (build.outdir / "_static/mathjax/ui/safe.js").is_file()
    assert (build.outdir / "_static/mathjax/input/tex/extensions/textmacros.js").is_file()


@pytest.mark.parametrize("tex", [r"\newcommand{\rk}{\operatorname{rank}} x", r"\def\R{x} y"])
def test_a_refused_definition_is_one_message(tex):
    """The name it would define is not reported again as an unknown command."""
    [message] = messages(tex)
    assert "defines commands" in message


# -- A page's own commands, Unicode and labels (mathmacros: before the allow-list) ------------


def expand(*texts: str) -> tuple[list, list[str]]:
    expanded, problems = expand_page_macros(list(texts))
    return expanded, [message for _index, _line, message in problems]


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        ([r"\newcommand{\R}{\mathbb{R}}", r"x \in \R^n"], ["", r"x \in \mathbb{R}^n"]),
        ([r"\newcommand\R{\mathbb{R}} x \in \R"], [r" x \in \mathbb{R}"]),
        (
            [r"\newcommand{\norm}[1]{\left\lVert #1 \right\rVert}", r"\norm{x - y}_2 + \norm x"],
            ["", r"\left\lVert x - y \right\rVert_2 + \left\lVert x \right\rVert"],
        ),
        (
            [r"\newcommand{\ip}[2]{\langle #1, #2 \rangle} \ip{u}{v} \ip a b"],
            [r" \langle u, v \rangle \langle a, b \rangle"],
        ),
        (
            [r"\newcommand*{\eps}{\varepsilon} \eps x + \eps\eps"],
            [r" \varepsilon x + \varepsilon\varepsilon"],
        ),
        ([r"\DeclareMathOperator{\rank}{rank} \rank(A) \leq r"], [r" \operatorname{rank}(A) \leq r"]),
        ([r"\DeclareMathOperator*{\argmin}{arg\,min} \argmin_x f"], [r" \operatorname*{arg\,min}_x f"]),
        # a built-in replaced, within the page, from its definition on
        (
            [r"\vec{x}", r"\renewcommand{\vec}[1]{\mathbf{#1}}", r"\vec{x} + \vec y"],
            [r"\vec{x}", "", r"\mathbf{x} + \mathbf{y}"],
        ),
        ([r"\providecommand{\alpha}{a} \alpha"], [r" \alpha"]),  # LaTeX keeps the one that exists
        # a macro using one defined before it; arguments that are macro uses themselves
        (
            [
                r"\newcommand{\R}{\mathbb{R}}\newcommand{\sq}[1]{{#1}^2}\newcommand{\Rn}[1]{\R^{#1}}",
                r"\Rn{\sq{n}} \sq\R",
            ],
            ["", r"\mathbb{R}^{{n}^2} {\mathbb{R}}^2"],
        ),
        # lines stay where they were (problems below a definition are reported at their line)
        (
            ["\\newcommand{\\R}\n{\\mathbb{R}}\na = \\R", "x\n\\frac{1}\n{2}"],
            ["\n\na = \\mathbb{R}", "x\n\\frac{1}\n{2}"],
        ),
        (["\\newcommand{\\f}[1]{#1 #1}\\f{a\nb} = c\n\\alpha"], ["a b a b\n = c\n\\alpha"]),
    ],
)
def test_a_pages_own_commands_are_expanded(texts, expected):
    expanded, problems = expand(*texts)
    assert problems == []
    assert expanded == expected
    for tex in expanded:
        assert check_math(tex, display=True) == []  # what reaches the allow-list is plain math


@pytest.mark.parametrize(
    ("texts", "index", "line", "expected"),
    [
        (
            [r"\newcommand{\x}{\x}\x"],
            0,
            0,
            "'\\newcommand' of '\\x' uses '\\x' itself: TeX would loop forever",
        ),
        ([r"\renewcommand{\vec}[1]{\vec{#1}\,}"], 0, 0, "uses '\\vec' itself"),
        ([r"\newcommand{\a}{\b}", r"\newcommand{\b}{\a}"], 0, 0, "uses '\\b', which is defined after it"),
        ([r"\R", r"\newcommand{\R}{\mathbb{R}}"], 0, 0, "'\\R' is used before its definition"),
        (
            ["x", "\\newcommand{\\x}\n{\\input{/etc/passwd}}"],
            1,
            1,
            "'\\newcommand' of '\\x': '\\input' is not allowed in math",
        ),
        ([r"\newcommand{\x}{\href{javascript:alert(1)}{x}}"], 0, 0, "'\\href' is not allowed in math"),
        ([r"\newcommand{\x}{\def\y{1}}"], 0, 0, "'\\def' is not allowed"),
        ([r"\newcommand{\x}{\newcommand{\y}{1}}"], 0, 0, "inside another command or definition"),
        ([r"\DeclareMathOperator{\op}{\catcode`\@=11}"], 0, 0, "'\\catcode' is not allowed"),
        ([r"\newcommand{\f}[10]{#1}"], 0, 0, "the number of arguments must be 0 to 9"),
        ([r"\newcommand{\f}[2]{#3}"], 0, 0, "'#3' in a definition with 2 argument(s): use #1 … #2"),
        ([r"\newcommand{\f}{#1}"], 0, 0, "'#1' in a definition with 0 argument(s)"),
        (
            [r"\newcommand{\f}[2][0]{#1}"],
            0,
            0,
            "an optional argument ([…] after the number) is not supported",
        ),
        ([r"\newcommand{\left}{(}"], 0, 0, "'\\left' cannot be redefined here"),
        ([r"\renewcommand{\input}{x}"], 0, 0, "'\\input' cannot be redefined here"),
        ([r"\newcommand{\R}"], 0, 0, "needs its body in braces"),
        ([r"\newcommand{x}{y}"], 0, 0, "'\\newcommand' needs a command name and its body"),
        (["\\newcommand{\\f}[2]{\\frac{#1}{#2}}", "a\n\\f{x}"], 1, 1, "'\\f' needs 2 argument(s): \\f{…}{…}"),
        ([r"\newcommand{\f}[1]{#1} \f{x"], 0, 0, "'{' is not closed"),
    ],
)
def test_a_definition_that_would_not_print_right_is_refused_at_its_line(texts, index, line, expected):
    expanded, problems = expand_page_macros(texts)
    assert expanded[index] is None  # not printed
    assert any((i, n) == (index, line) and expected in message for i, n, message in problems), problems


def test_uses_of_a_refused_definition_are_not_printed_and_not_reported_again():
    expanded, problems = expand(r"\newcommand{\x}{\input{/etc/passwd}}", r"\x + 1", r"\x", "y")
    assert expanded == [None, None, None, "y"]
    assert len(problems) == 1


def test_expansion_is_bounded():
    """A definition may grow a formula only up to the allow-list's length: no bomb gets through."""
    bomb = [r"\newcommand{\a}{xxxxxxxxxx}"] + [
        "\\newcommand{\\" + b + "}{" + ("\\" + a) * 10 + "}"
        for a, b in zip("abcdefg", "bcdefgh", strict=True)
    ]
    expanded, problems = expand(*bomb, r"\h")
    assert None in expanded and any("more than 5000 characters" in message for message in problems)
    # arguments used many times, nested
    expanded, problems = expand(r"\newcommand{\t}[1]{#1#1#1#1#1#1#1#1#1#1}", r"\t{\t{\t{\t{\t{xx}}}}}")
    assert expanded[1] is None and ("more than 5000 characters" in problems[0] or "grows past" in problems[0])
    # nesting of uses inside arguments
    deep = r"\newcommand{\i}[1]{(#1)}" + r"\i{" * 60 + "x" + "}" * 60
    expanded, problems = expand(deep)
    assert expanded == [None] and "more than 50 deep" in problems[0]
    # many definitions
    expanded, problems = expand(
        *[rf"\newcommand{{\m{'a' * (i % 5 + 1)}{chr(97 + i // 5)}}}{{x}}" for i in range(101)]
    )
    assert "more than 100 definitions" in problems[-1]
    # and a megabyte of definitions is read in linear time
    start = time.process_time()
    expand_page_macros([r"\newcommand{\x}{y}\x" * 200] * 100)
    assert time.process_time() - start < 2


@pytest.mark.parametrize(
    ("typed", "tex"),
    [
        ("α ∈ ℝ", r"\alpha \in \mathbb{R}"),
        ("αx", r"\alpha x"),
        ("x ≤ y ≥ z ≠ w ≈ v", r"x \leq y \geq z \neq w \approx v"),
        ("f: X → Y, x ↦ y", r"f: X \to Y, x \mapsto y"),
        ("‖x‖₂ ⊗ ⟨u, v⟩", r"\|x\|_{2} \otimes \langle u, v\rangle"),
        ("x² + y²³ − x⁻¹", r"x^{2} + y^{23} - x^{-1}"),
        ("Aᵀ", "A^{T}"),
        ("𝐱 ∈ 𝔼, 𝒜 ⊂ ℋ", r"\mathbf{x} \in \mathbb{E}, \mathcal{A} \subset \mathcal{H}"),
        ("Γ Ω ε ϵ φ ϕ λ", r"\Gamma \Omega \varepsilon \epsilon \varphi \phi \lambda"),
        ("Α + Β", r"\mathrm{A} + \mathrm{B}"),
        ("∀ε>0 ∃δ", r"\forall\varepsilon>0 \exists\delta"),
        ("∑ᵢ ∂ₜu · ∇u", r"\sum_{i} \partial_{t}u \cdot \nabla u"),
        (r"\text{für α}", r"\text{für α}"),  # text stays text
        (r"\textbf{β} + β", r"\textbf{β} + \beta"),
    ],
)
def test_unicode_typed_in_math_becomes_tex(typed, tex):
    [expanded], problems = expand(typed)
    assert problems == []
    assert expanded == tex
    assert check_math(expanded) == []


def test_every_unicode_mapping_is_math_the_allow_list_accepts():
    for char, tex in mathmacros.UNICODE_MATH.items():
        assert check_math(f"x {tex} y") == [], (char, tex)
    for code in range(0x1D400, 0x1D7FF):  # mathematical alphanumerics with a mapping
        if tex := mathmacros.unicode_tex(chr(code)):
            assert check_math(tex) == [], (hex(code), tex)


def test_a_unicode_character_without_a_command_is_named():
    [expanded], _ = expand("a ⊛ b")
    [(_line, message)] = check_math(expanded)
    assert message.startswith("'⊛' in math: CIRCLED ASTERISK OPERATOR has no TeX command here")


def test_labels_are_checked_within_the_page():
    align = "\\begin{align}\na &= b \\label{eq:main} \\\\\nc &= d \\label{eq:main}\n\\end{align}"
    _, problems = expand_page_macros([align, r"see \eqref{eq:mian}", r"\ref{eq:main}"])
    assert problems == [
        (0, 2, "'\\label{eq:main}' is used twice on this page: give each equation its own label"),
        (
            1,
            0,
            "'\\eqref{eq:mian}' refers to no '\\label{eq:mian}' on this page (did you mean 'eq:main'?): "
            "label an equation written on its own lines (\\begin{equation}…\\label{eq:mian}), or name a "
            "$$ … $$ block: $$ … $$ (eq:mian)",
        ),
    ]


def test_a_display_named_outside_its_math_is_a_label_of_the_page():
    """$$ … $$ (eq:a) and :label: eq:a name an equation as \\label{eq:a} does: \\eqref finds it,
    and one name is one equation on the page, whichever way it was given."""
    texts = ["a = b", r"c = d \eqref{eq:a}", "\\begin{equation}\ne \\label{eq:a}\n\\end{equation}", "f", "g"]
    _, problems = expand_page_macros(texts, {0: "eq:a", 3: "eq:b", 4: "eq:b"})
    assert problems == [
        (2, 1, "'\\label{eq:a}' is used twice on this page: give each equation its own label"),
        (4, 0, "the equation name 'eq:b' is used twice on this page: give each equation its own"),
    ]
    assert expand_page_macros(texts[:2], {0: "eq:a"})[1] == []  # \eqref{eq:a} names the first


@pytest.mark.parametrize(
    ("tex", "expected"),
    [
        (
            "\\begin{equation}\nx \\label{}\\input{/etc/passwd}}\n\\end{equation}",
            "'\\label' needs a plain name",
        ),
        ("\\begin{equation}\nx \\label{" + "a" * 65 + "}\n\\end{equation}", "at most 64 letters"),
        ("\\begin{equation}\nx \\label{a b}\n\\end{equation}", "'\\label' needs a plain name"),
        ("\\begin{equation*}\nx \\label{a}\n\\end{equation*}", "'\\label' only works in a numbered equation"),
        ("x \\eqref{a\\relax}", "'\\eqref' needs a plain name"),
    ],
)
def test_a_label_is_a_plain_name_refused_at_its_line(tex, expected):
    problems = check_math(tex, amsmath=tex.startswith("\\begin"))
    assert any(
        expected in message
        and line == tex.count("\n", 0, tex.index("\\label" if "label" in tex else "\\eqref"))
        for line, message in problems
    ), problems


def test_a_page_name_reaches_a_label_only_as_label_characters():
    assert label_prefix("abstracts/jane-doe") == "abstracts:jane-doe:"
    assert label_prefix("abstracts/x}\\input{y}") == "abstracts:x--input-y-:"


def test_labels_become_the_pages_own():
    tex = r"\label{eq:main} \eqref{eq:main} \ref{x.y} \label{}\input{x}"
    assert prefix_labels(tex, "abstracts:a:") == (
        r"\label{abstracts:a:eq:main} \eqref{abstracts:a:eq:main} \ref{abstracts:a:x.y} \label{}\input{x}"
    )


def test_dollar_amounts_in_text_are_named():
    assert check_dollars("It costs $5 per run and $10 per day.") == (
        "a lone '$' before '5' (a dollar amount?): write \\$5 for a dollar sign, or close the math"
    )


def test_mathjax_numbers_equations_and_resolves_eqref_as_latex_does(tmp_path):
    """The site's settings (tags: 'ams'): an align's lines are numbered, \\eqref prints the number
    (not '(???)'), a starred display and an aligned one are not numbered; 'safe' stays loaded."""
    out = render_with_mathjax(
        tmp_path,
        {
            "align": r"\begin{align} a &= b \label{x} \\ c &= d \tag{*} \end{align} \text{see } \eqref{x}",
            "starred": r"\begin{align*} a &= b \end{align*}",
            "aligned": r"\begin{split}\begin{aligned} a \\ b \end{aligned}\end{split}",
        },
        merged(MATHJAX_NUMBERING, MATHJAX_SAFETY),
    )
    assert out.pop("__safe__") is True
    digits = re.findall(r'class="mjx-c(3[0-9])"', out["align"])  # the characters 0-9 drawn
    assert digits.count("31") == 2 and "???" not in out["align"]  # (1) at the line, (1) at \\eqref
    assert "mjx-c2A" in out["align"]  # the tag (*)
    for name in ("starred", "aligned"):
        assert "mjx-mlabeledtr" not in out[name] and "mjx-c31" not in out[name], name
    assert "mjx-mlabeledtr" in out["align"]


# -- Expansion is bounded work (round 4 of the hostile tries) ----------------------------------

EXPANSION_BOMBS = {
    # an empty body repeated: n**3 empty pieces (36 GB) before any length grew
    "empty pieces, three deep": [
        r"\newcommand{\e}{}\newcommand{\f}[1]{" + "#1" * 1660 + "}",
        r"\f{\f{\f{\e}}}",
    ],
    # each formula within its 5,000 characters, the page 5 MB of fractions for MathJax
    "a page of long uses": [r"\newcommand{\A}{" + r"\frac{a}{b}" * 450 + "}"] + [r"\A"] * 990,
    # round 5: empty pieces in every formula, each within its own budget, the page not
    "empty pieces over many formulas": [
        r"\newcommand\e{}",
        r"\newcommand\f{" + r"\e" * 2400 + "}",
        r"\newcommand\g{" + r"\f" * 40 + "}",
    ]
    + [r"\g"] * 997,
    # round 5: many definitions of one name, then many uses (each use looked through them all)
    "definitions times uses": [r"\newcommand\b{x}" * 101 + r"\newcommand\a{}" * 300]
    + [r"\newcommand\a{}" * 330] * 19
    + [r"\a" * 2490] * 20,
}


@pytest.mark.parametrize("name", EXPANSION_BOMBS)
def test_expansion_is_bounded_work(name):
    """Run with 1 GB of memory and 5 s of CPU (work, not a wall clock): refused, not a crash or a
    hang (each took 7 to 25 s of CPU, or all the memory, before)."""
    import subprocess
    import sys

    from conftest import ROOT

    script = (
        "import json, resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))\n"
        "resource.setrlimit(resource.RLIMIT_CPU, (5, 5))\n"
        f"sys.path.insert(0, {str(ROOT / '_ext')!r})\n"
        "from sphinx_workshop_site.gate.mathmacros import expand_page_macros\n"
        "texts = json.loads(sys.stdin.read())\n"
        "result, problems = expand_page_macros(texts)\n"
        "print(json.dumps([sum(r is None for r in result), [p[2] for p in problems]]))\n"
    )
    import json

    run = subprocess.run(
        [sys.executable, "-c", script],
        input=json.dumps(EXPANSION_BOMBS[name]),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    refused, messages = json.loads(run.stdout)
    assert refused >= 1 and messages, messages
    if name != "definitions times uses":  # that page is refused for its 101st definition, at once
        assert len(messages) == 1, messages
        assert any(
            part in messages[0] for part in ("grows past 100,000", "by more than 100,000", "500,000 pieces")
        )
