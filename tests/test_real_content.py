"""The real-content suite (issue 22): what researchers write in abstracts, accepted as written and
shown right on the site AND in the book. Each feature is built in two shared builds (the site;
the book, typeset as `make pdf` does) and asserts what a reader sees; none may be refused.

The pages are written as a researcher would (pipe tables, definition lists, citations in every
form, reference-manager BibTeX, math with macros and labels, figures, code, links), each with
enough words to be an abstract. The build must pass with -W: any message about them fails.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import pytest
from bs4 import BeautifulSoup
from conftest import ROOT, copy_site, render_modes, require, require_tool, sphinx_build, write_files
from test_bib_exports import EXPORTS, SICI
from test_texcheck import equation_numbers, typeset_page

WORDS = (
    "We study low-rank approximations of weight matrices in deep networks and report what the "
    "compression costs in accuracy and what it saves in memory on three standard benchmarks."
)


def page(title: str, body: str, front: str = "speakers: [cohen]\nkeywords: [low-rank]\n") -> str:
    return f"---\n{front}---\n\n# {title}\n\n{WORDS}\n\n{body}\n"


def png(width: int = 40, height: int = 30) -> bytes:
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


TABLES = page(
    "Tables and definition lists",
    """\
| Method | Rank | Error (%) |
|:-------|-----:|:---------:|
| SVD    | 8    | 1.5       |
| CP     | 16   | 0.9       |

```{table} Compression of ResNet-50
| Layer | Params |
|---|---|
| conv1 | 9408 |
```

```{list-table} Ranks per layer
:widths: 30 70
:header-rows: 1

* - Layer
  - Chosen rank
* - fc1
  - 32
```

```{list-table} Storage for $\\varepsilon = 10^{-6}$
:name: storage-table
:widths: auto

* - tucker
  - 4
```

The table {ref}`storage-table` gives the storage.

Tucker
: A core tensor and one factor matrix per mode.

Tensor train
: A chain of third-order cores.
""",
)

MATH = page(
    "Math as people type it",
    """\
The error of the rank-$r$ truncation is $\\|W - W_r\\|_F$ and

$$ \\sigma_{r+1} \\le \\varepsilon $$

```{math}
:label: eq-bound
\\|W - UV^\\top\\|_F \\le (1+\\epsilon) \\|W - W_r\\|_F
```

By {eq}`eq-bound` the bound holds.

$$ x = y $$ (eq-dollar)

and {eq}`eq-dollar` too. Prices are \\$5 and \\$10.
""",
)

PROSE = page(
    "Prose, figures, code and links",
    """\
## Motivation

A footnote[^note] with *emphasis*, **strong** and `inline code`, H{sub}`2`O, x{sup}`2` and
{abbr}`SVD (singular value decomposition)`. A line\\
break. See <https://example.org/paper?id=3&v=2>, [Wikipedia](https://en.wikipedia.org/wiki/Rank_(linear_algebra))
and [mail us](mailto:jane@example.org). Slides and data: <https://example.org/slides.pdf>; the
configuration file: a YAML list. The preprint is https://arxiv.org/abs/2310.01234v2, or see
example.org for more.

```{note}
A note with $x^2$.
```

```{admonition} Key idea
Compress the weights.
```

```{seealso}
The code release.
```

```{figure} rc-prose-plot.png
:name: fig-plot
:alt: Error against rank
:width: 50%

Error against rank.
```

As {ref}`fig-plot` shows, the error falls.

```python
def rank(w):
    return w.shape[0]  # {braces} and 100% of #hash
```

```julia
A = rand(3, 3)
```

1. First
2. Second
   - nested

> A quotation.

---

[^note]: The footnote text.
""",
)

POSTER = page(
    "A poster written under sections",
    "## Motivation\n\n" + WORDS + "\n\n## Results\n\n" + WORDS,
    front="type: poster\nspeakers: [cohen]\nkeywords: [posters]\n",
)

CITATIONS = page(
    "Citations as people type them",
    """\
Tensor trains[^impl] {cite}`zotero2021`, adapters {cite:p}`mendeley2019,jabref2003` and
{cite:t}`jabref2005`. Also {footcite}`DBLP:journals/corr/abs-2106-09685`, the pretrained
{cite}`hu2021lora` weights and {cite}`hu2021lora, scholar1998`. Alpha one
two
{cite}`zotero2021` three.

[^impl]: Our implementation, not a reference.
""",
)

MACROS = page(
    "Page macros, Unicode and numbered lines",
    r"""$\newcommand{\R}{\mathbb{R}}\DeclareMathOperator{\rank}{rank}$

Let $W \in \R^{m \times n}$ with $\rank W ≤ r$ and $α ∈ ℝ$.

\begin{align}
\|W - UV^\top\|_F &\le ε \label{eq:fit} \\
\|u\|_2 &= 1 \tag{*}
\end{align}

By \eqref{eq:fit} the fit is good.

% a comment, never shown

```{tip}
Start from the SVD.
```

```{warning}
Ranks below 4 lose accuracy.
```
""",
)

POSTER_OF_LATEX = page(
    "A poster made with LaTeX",
    "The poster's PDF comes from tikzposter with hyperref, as LaTeX writes it.",
    front=(
        "type: poster\nspeakers: [rc-speaker]\nauthors:\n  - name: Анна Смирнова\n"
        "    affiliations: [Skoltech, Koç Üniversitesi]\n  - name: محمد عبد الرحمن\n"
        "    affiliations: [جامعة الملك سعود]\nkeywords: [posters]\nposter: rc-latex-poster.pdf\n"
    ),
)

SPEAKER = "---\naffiliation: МФТИ\n---\n\n# Анна Смирнова\n\nWorks on tensor trains.\n"


def hyperref_pdf() -> bytes:
    """A one-page PDF as hyperref writes it: an /OpenAction that sets the view, an https link."""
    from io import BytesIO

    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    pdf.Root.OpenAction = pikepdf.Array([pdf.pages[0].obj, pikepdf.Name.Fit])
    link = pikepdf.Dictionary(
        Type=pikepdf.Name.Annot,
        Subtype=pikepdf.Name.Link,
        Rect=[10, 10, 100, 30],
        A=pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("https://example.org/code")),
    )
    pdf.pages[0].Annots = pdf.make_indirect(pikepdf.Array([pdf.make_indirect(link)]))
    out = BytesIO()
    pdf.save(out)
    return out.getvalue()


LONG_TITLE = page(
    "A very long title " + "about low-rank approximations of very large weight matrices " * 3 + "in practice",
    "```python\n" + "".join(f"rank_{i} = svd(weights[{i}]).truncate({i})\n" for i in range(90)) + "```",
)

MATH_TITLE = page("When does $\\|X - \\hat{X}\\|_F \\le (1+\\epsilon)\\|X - X_r\\|_F$ hold", "")

FILES: dict[str, str | bytes] = {
    "abstracts/rc-macros.md": MACROS,
    "abstracts/rc-latex.md": POSTER_OF_LATEX,
    "abstracts/rc-latex-poster.pdf": hyperref_pdf(),
    "speakers/rc-speaker.md": SPEAKER,
    "abstracts/rc-mathtitle.md": MATH_TITLE,
    "abstracts/rc-long.md": LONG_TITLE,
    "abstracts/rc-cite.md": CITATIONS,
    "abstracts/rc-cite.bib": EXPORTS,
    "abstracts/rc-tables.md": TABLES,
    "abstracts/rc-math.md": MATH,
    "abstracts/rc-prose.md": PROSE,
    "abstracts/rc-prose-plot.png": png(),
    "abstracts/rc-poster.md": POSTER,
}


@dataclass
class Site:
    root: Path
    output: str
    returncode: int

    def html(self, page: str) -> BeautifulSoup:
        text = (self.root / "_build/html/abstracts" / f"{page}.html").read_text(encoding="utf-8")
        return BeautifulSoup(text, "html.parser").select_one("article")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Site:
    root = copy_site(tmp_path_factory.mktemp("real-content"))
    write_files(root, FILES)
    build = sphinx_build(root, "html")
    return Site(root, build.output, build.returncode)


@dataclass
class Book:
    tex: str
    text: str  # the PDF's text, per contribution title: see part()
    log: str
    outline: list[str]
    pdf: Path

    def part(self, title: str) -> str:
        """The PDF text of one contribution: from its heading (the title followed by its
        details, not a line of the contents) to the next contribution's details."""
        start = next(
            m.start()
            for m in re.finditer(re.escape(title), self.text)
            if "Speaker:" in self.text[m.end() : m.end() + 200]
        )
        details = self.text.index("Speaker:", start)
        following = self.text.find("Speaker:", details + 10)
        return self.text[start : following if following > 0 else start + 4000]

    def region(self, page: str) -> str:
        start = self.tex.index(f"% workshop-source: abstracts/{page}.md")
        return self.tex[start : self.tex.index("% workshop-source-end", start)]


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> Book:
    require_tool("xelatex", "the book needs TeX (see README)")
    require_tool("pdftotext", "the book needs poppler-utils (see README)")
    root = copy_site(tmp_path_factory.mktemp("real-content-book"))
    write_files(root, FILES)
    build = sphinx_build(root, "latex", "-t", "proceedings")
    assert build.returncode == 0, build.output[-4000:]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "_ext")}
    run = subprocess.run(
        [sys.executable, "-m", "sphinx_workshop_site.book.latexrun", str(build.outdir)],
        capture_output=True,
        text=True,
        env=env,
    )
    require(run.returncode == 0 or "sandbox" not in run.stdout, run.stdout)
    assert run.returncode == 0, run.stdout[-3000:]
    pdf = next(build.outdir.glob("*.pdf"))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    tex = next(p for p in build.outdir.glob("*.tex") if p.stem != "sphinxmessages")
    log = (build.outdir / f"{pdf.stem}.log").read_text(errors="replace")
    return Book(tex.read_text(encoding="utf-8"), text, log, outline_titles(pdf), pdf)


def outline_titles(pdf: Path) -> list[str]:
    from pypdf import PdfReader

    titles, stack = [], [PdfReader(pdf).outline]
    while stack:
        for item in stack.pop():
            if isinstance(item, list):
                stack.append(item)
            else:
                titles.append(item.title)
    return titles


def test_every_page_is_accepted_as_written(site):
    mentioned = [line for line in site.output.splitlines() if "abstracts/rc-" in line and "WARNING" in line]
    assert mentioned == [], "\n".join(mentioned)
    assert site.returncode == 0, site.output[-3000:]


# ------------------------------------------------------------------ tables and definition lists


def test_pipe_table_with_alignment(site, book):
    table = site.html("rc-tables").select("table")[0]
    assert [th.get_text(strip=True) for th in table.select("th")] == ["Method", "Rank", "Error (%)"]
    assert "text-right" in table.select("th")[1]["class"]  # the column's alignment
    part = book.part("Tables and definition lists")
    assert all(cell in part for cell in ("Method", "Error (%)", "SVD", "1.5", "CP", "0.9")), part


def test_pipe_table_in_a_table_directive_with_its_caption(site, book):
    table = site.html("rc-tables").select("table")[1]
    assert table.select_one("caption .caption-text").get_text(strip=True) == "Compression of ResNet-50"
    assert "Compression of ResNet-50" in book.part("Tables and definition lists")


def test_list_table_with_widths(site, book):
    cols = site.html("rc-tables").select("table")[2].select("col")
    assert [c["style"] for c in cols] == ["width: 30.0%", "width: 70.0%"]
    assert "\\X{30}{100}\\X{70}{100}" in book.region("rc-tables")
    assert "Chosen rank" in book.part("Tables and definition lists")


def test_list_table_with_automatic_widths(site, book):
    table = site.html("rc-tables").select("table")[3]
    assert table.select_one("td").get_text(strip=True) == "tucker" and not table.select("col[style]")
    assert "tucker" in book.part("Tables and definition lists")


def test_definition_list(site, book):
    terms = [dt.get_text(strip=True) for dt in site.html("rc-tables").select("dl.myst dt")]
    assert terms == ["Tucker", "Tensor train"]
    part = book.part("Tables and definition lists")
    assert "Tensor train" in part and "A chain of third-order cores." in part


# ------------------------------------------------------------------ math


def test_inline_and_display_math(site, book):
    article = site.html("rc-math")
    assert "\\|W - W_r\\|_F" in article.get_text()
    assert "\\sigma_{r+1}" in article.select_one("div.math").get_text()
    assert "\\sigma_{r+1} \\le \\varepsilon" in book.region("rc-math")


def test_labelled_equation_and_its_reference(site, book):
    """A {math} :label: and a $$ … $$ (label) are numbered with the page's other equations (by
    MathJax, as LaTeX numbers them in the book); {eq} reads their number."""
    article = site.html("rc-math")
    equation = article.select_one("#equation-eq-bound")  # the address of the equation stays
    assert equation is not None and "amsmath" in equation["class"]
    assert "\\label{abstracts:rc-math:eq-bound}" in equation.get_text()
    references = [span.get_text() for span in article.select("span.math") if "eqref" in span.get_text()]
    assert references == [
        "\\(\\eqref{abstracts:rc-math:eq-bound}\\)",
        "\\(\\eqref{abstracts:rc-math:eq-dollar}\\)",
    ]
    assert "By (1) the bound holds" in re.sub(r"\s+", " ", book.part("Math as people type it"))


def test_dollar_label(site, book, tmp_path):
    page = (site.root / "_build/html/abstracts/rc-math.html").read_text(encoding="utf-8")
    numbers, inline = equation_numbers(typeset_page(tmp_path, page))  # as a browser shows it
    assert numbers == ["(1)", "(2)"] and [text for text in inline if text.startswith("(")] == ["(1)", "(2)"]
    assert "and (2) too" in re.sub(r"\s+", " ", book.part("Math as people type it"))


def test_escaped_dollars_are_dollars(site, book):
    assert "Prices are $5 and $10." in site.html("rc-math").get_text()
    assert "Prices are $5 and $10." in book.part("Math as people type it")


# ------------------------------------------------------------------ prose


def test_sections_footnotes_and_inline_markup(site, book):
    article = site.html("rc-prose")
    assert article.select_one("h2").get_text(strip=True).startswith("Motivation")
    assert "The footnote text." in article.select_one("aside.footnote").get_text()
    assert [s.get_text() for s in article.select("sub")] == ["2"] and article.select_one("sup") is not None
    assert article.select_one("abbr")["title"] == "singular value decomposition"
    part = re.sub(r"\s+", " ", book.part("Prose, figures, code and links"))
    assert "Motivation" in part and "The footnote text." in part and "singular value decomposition" in part


def test_hard_line_break(site, book):
    assert site.html("rc-prose").select_one("p br") is not None
    assert "A line\nbreak." in book.part("Prose, figures, code and links")


def test_links_autolinks_and_mailto(site, book):
    hrefs = [unquote(a["href"]) for a in site.html("rc-prose").select("a.reference.external")]
    assert "https://example.org/paper?id=3&v=2" in hrefs
    assert "https://en.wikipedia.org/wiki/Rank_(linear_algebra)" in hrefs
    assert "mailto:jane@example.org" in hrefs
    assert "https://example.org/paper?id=3&v=2" in book.part("Prose, figures, code and links")


def test_admonitions(site, book):
    titles = [p.get_text(strip=True) for p in site.html("rc-prose").select(".admonition-title")]
    assert titles[:3] == ["Note", "Key idea", "See also"]
    part = book.part("Prose, figures, code and links")
    assert "Key idea" in part and "Compress the weights." in part


def test_figure_with_caption_and_reference(site, book):
    article = site.html("rc-prose")
    figure = article.select_one("figure")
    assert figure.select_one("img")["alt"] == "Error against rank"
    assert figure.select_one("figcaption .caption-text").get_text(strip=True) == "Error against rank."
    assert article.select_one("a[href='#fig-plot']") is not None
    assert "Error against rank." in book.part("Prose, figures, code and links")
    assert "\\sphinxincludegraphics" in book.region("rc-prose")


def test_code_blocks_in_python_and_julia(site, book):
    blocks = site.html("rc-prose").select("div.highlight pre")
    assert "def rank(w):" in blocks[0].get_text() and "A = rand(3, 3)" in blocks[1].get_text()
    part = book.part("Prose, figures, code and links")
    assert "# {braces} and 100% of #hash" in part and "A = rand(3, 3)" in part


def test_lists_quotes_and_rules(site, book):
    article = site.html("rc-prose")
    assert article.select_one("ol li ul li").get_text(strip=True) == "nested"
    assert article.select_one("blockquote").get_text(strip=True) == "A quotation."
    assert article.select_one("hr") is not None
    assert "A quotation." in book.part("Prose, figures, code and links")


# ------------------------------------------------------------------ posters


def test_poster_under_sections_has_an_abstract(site, book):
    assert "Results" in site.html("rc-poster").get_text()
    assert "abstracts/rc-poster.md" not in book.log
    assert "Results" in book.text


def test_the_completeness_report_counts_a_posters_sections(tmp_path):
    root = copy_site(tmp_path / "site")
    write_files(root, {"abstracts/rc-poster.md": POSTER})
    build = sphinx_build(root, "latex", "-t", "proceedings")
    assert (
        "no abstract yet (fewer than 30 words under the title): write it there (abstracts/rc-poster.md"
        not in (build.output)
    )


# ------------------------------------------------------------------ citations and references


def test_every_citation_form_makes_a_numbered_reference(site, book):
    article = site.html("rc-cite")
    markers = [a.get_text(strip=True) for a in article.select("a.footnote-reference")]
    assert len(markers) >= 8 and all(re.fullmatch(r"\[?\d+\]?", m) for m in markers), markers
    references = [a for a in article.select("aside.footnote") if a.get("id") != "impl"]  # not the note
    assert len(references) == 7  # each entry once, this talk's own list
    part = book.part("Citations as people type them")
    assert "References" in part and "[7]" in part


def test_reference_manager_exports_print_right(site, book):
    text = " ".join(a.get_text(" ", strip=True) for a in site.html("rc-cite").select("aside.footnote"))
    text = text.replace("\xa0", " ")
    prose = re.sub(r"\\\(.*?\\\)", "", text)  # math is MathJax's input: the rest is text to read
    assert "\\" not in prose and "{" not in prose and "$" not in prose, prose
    assert (
        "Jérôme Größer, þora Þorsson, Vư Nguyễn" in text and "Tensor-train decomposition – a review" in text
    )
    part = re.sub(r"\s+", " ", book.part("Citations as people type them"))
    assert "\\textendash" not in part and "$" not in part


def test_math_in_a_reference_title_is_math(site, book):
    html = str(site.html("rc-cite"))
    assert "\\(k\\)" in html  # MathJax input, typeset in the reader's browser
    assert "\\(k\\)" in book.region("rc-cite") or "\\(k\\)" in book.tex
    assert "Sample size for k-means" in re.sub(r"\s+", " ", book.text).replace("𝑘", "k")


def test_sici_doi_link_and_text(site, book):
    link = next(a for a in site.html("rc-cite").select("a.reference.external") if "SICI" in a["href"])
    assert unquote(link["href"]).endswith(SICI) and "%3C1661" in link["href"]
    assert SICI in link.get_text()
    flat = re.sub(r"\s+", "", book.text)
    assert SICI in flat  # printed as written, broken only at '/' and '.', never with an added hyphen
    assert "1097-0258" in book.text or "1097-\n0258" not in book.text
    # where the DOI breaks at the end of a line: only after '/' or '.' (never at its own hyphens)
    printed = re.search(r"\s*".join(map(re.escape, SICI)), book.text)
    assert printed, SICI
    breaks = [m.start() for m in re.finditer(r"\s+", printed.group())]
    assert all(printed.group()[i - 1] in "/." for i in breaks), printed.group()


def test_no_words_glued_around_a_citation(book):
    part = re.sub(r"\s+", " ", book.part("Citations as people type them"))
    assert re.search(r"the pretrained \[\d+\] weights", part), part


def test_a_math_title_reads_in_the_outline(book):
    """Bookmarks hold no math: a readable text form, not the letters left when math is dropped."""
    title = next(t for t in book.outline if "When does" in t)
    assert "‖X − X̂‖_F ≤" in title and "(1+ϵ)‖X − X_r‖_F hold" in title, title
    assert "\\|X - \\hat{X}" in book.region("rc-mathtitle")  # the page itself prints the math


def test_math_in_the_texts_face(book):
    """Math in TeX Gyre Termes Math, the face of the text (FreeSerif, a Times): no Computer Modern
    or Latin Modern font anywhere, nor the AMS symbol fonts (math in titles, captions, references,
    footnotes, URLs)."""
    fonts = subprocess.run(["pdffonts", str(book.pdf)], capture_output=True, text=True, check=True).stdout
    names = {row.split()[0].split("+", 1)[-1] for row in fonts.splitlines()[2:]}
    assert "TeXGyreTermesMath-Regular-Identity-H" in names, names
    assert not [n for n in names if re.match(r"(CM|LM|MSAM|MSBM|EUF|LatinModern)", n)], names


def test_math_in_a_bold_title_is_bold(book):
    """The math in a talk's bold title (and its running foot) is emboldened Termes Math (the bold
    math version: FakeBold, drawn filled and stroked); the math of the text is not."""
    pages = book.text.split("\f")
    title = next(n for n, page in enumerate(pages) if page.count("When does") == 2)  # heading and foot
    math = "TeXGyreTermesMath-Regular-Identity-H"
    modes = render_modes(book.pdf)
    assert modes[title][math] == {2}, modes[title]
    text = next(n for n, page in enumerate(pages) if "truncation is" in page)
    assert modes[text][math] == {0}, modes[text]


def test_the_author_index_heading_where_the_other_parts_are(book):
    """The author index's heading stands where Programme's, Abstracts' and Speakers' do (it was
    25pt higher), in the same size."""
    boxes = subprocess.run(
        ["pdftotext", "-bbox", str(book.pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    word = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">(\w+)</word>')
    headings = {}  # the first word of each part's heading (large type), at its place on the page
    for x, top, bottom, text in word.findall(boxes):
        if float(bottom) - float(top) > 15 and text in ("Programme", "Abstracts", "Speakers", "Author"):
            headings.setdefault(text, (round(float(x), 1), round(float(top), 1), round(float(bottom), 1)))
    assert set(headings) == {"Programme", "Abstracts", "Speakers", "Author"}, headings
    assert len(set(headings.values())) == 1, headings


# ------------------------------------------------------------------ math macros, posters, people


def test_page_macros_and_unicode_in_math(site, book):
    text = site.html("rc-macros").get_text()
    assert "\\mathbb{R}" in text and "\\operatorname{rank}" in text and "\\newcommand" not in text
    assert "\\alpha" in text or "α" in text
    region = book.region("rc-macros")
    assert "\\newcommand" not in region and "\\mathbb{R}" in region and "\\operatorname{rank}" in region


def test_numbered_lines_and_their_reference(site, book):
    text = site.html("rc-macros").get_text()
    assert "\\label{" in text and "\\eqref{" in text and "\\tag{*}" in text  # MathJax numbers them
    part = re.sub(r"\s+", " ", book.part("Page macros, Unicode and numbered lines"))
    assert re.search(r"By \(\d+\) the fit is good", part), part
    assert "(*)" in part and "??" not in part


def test_comments_tips_and_warnings(site, book):
    article = site.html("rc-macros")
    assert "never shown" not in article.get_text()
    titles = [p.get_text(strip=True) for p in article.select(".admonition-title")]
    assert titles == ["Tip", "Warning"]
    part = book.part("Page macros, Unicode and numbered lines")
    assert (
        "Start from the SVD." in part and "Ranks below 4 lose accuracy." in part and "never shown" not in part
    )


def test_a_latex_made_poster_is_published(site):
    import pikepdf

    link = site.html("rc-latex").select_one("a[href$='rc-latex-poster.pdf']")
    assert link is not None
    published = next((site.root / "_build/html/_downloads").rglob("rc-latex-poster.pdf"))
    with pikepdf.open(published) as pdf:
        assert isinstance(pdf.Root.OpenAction, pikepdf.Array)  # the view setting is kept
        assert str(pdf.pages[0].Annots[0].A.URI) == "https://example.org/code"


def test_one_word_and_non_english_affiliations(site, book):
    speaker = (site.root / "_build/html/speakers/rc-speaker.html").read_text(encoding="utf-8")
    assert "МФТИ" in speaker
    poster = site.html("rc-latex").get_text()
    assert "Skoltech" in poster and "Koç Üniversitesi" in poster
    assert "Анна Смирнова" in book.text and "Skoltech" in book.text and "МФТИ" in book.text


def test_words_around_a_citation_after_line_breaks(book):
    """'Alpha one / two / {cite}`k` three': each line break a space, none dropped (two equal
    texts in one paragraph: the book once replaced the first instead of the one before the cite)."""
    part = re.sub(r"\s+", " ", book.part("Citations as people type them"))
    assert re.search(r"Alpha one two \[\d+\] three", part), part


def test_a_word_before_a_colon_is_not_an_address(site, book):
    text = site.html("rc-prose").get_text()
    assert "Slides and data:" in text and "the configuration file: a YAML list" in re.sub(r"\s+", " ", text)


def test_a_right_to_left_name_is_isolated_on_the_site(site):
    """An Arabic name and affiliation among Latin ones: each its own bidirectional run (as <bdi>),
    so the commas and affiliation numbers around them stay in place."""
    article = site.html("rc-latex")
    isolated = [bdi.get_text() for bdi in article.select("bdi")]
    assert "محمد عبد الرحمن" in isolated and "جامعة الملك سعود" in isolated and "Skoltech" in isolated
    css = (site.root / "_build/html/_static/workshop.css").read_text(encoding="utf-8")
    assert "bdi { unicode-bidi: plaintext; }" in css


def test_the_running_foot_is_one_line(book):
    """A title of three lines in the running foot: cut at a word with an ellipsis, on one line
    with the folio (-layout: the foot is the page's last line), never wrapped onto it."""
    pages = subprocess.run(
        ["pdftotext", "-layout", str(book.pdf), "-"], capture_output=True, text=True
    ).stdout
    continued = [p for p in pages.split("\f") if "rank_60 = svd" in p]
    assert continued, "the long talk fits one page: no running foot to check"
    lines = [line.strip() for line in continued[0].splitlines() if line.strip()]
    assert lines[-1].startswith("10 A very long title about") and "…" in lines[-1], lines[-3:]
    assert re.search(r"…\s+\d+$", lines[-1]), lines[-1]  # the folio on the same line
    assert "weight matrices in practice" not in lines[-2], lines[-3:]  # no second line of foot


def test_contents_entries_are_not_hyphenated(book):
    """A title in the contents is read whole: it wraps between words, never 'low-/rank'."""
    start = book.text.index("Contents")
    contents = book.text[start : book.text.index("Author index", start)]
    assert "A very long title" in contents
    assert not re.search(r"\w-\n", contents), [line for line in contents.splitlines() if line.endswith("-")]


def test_a_bare_address_is_a_link(site, book):
    """A researcher pastes https://…: it is a link (MyST's linkify), in both outputs; a name
    without a scheme ('example.org') stays text."""
    hrefs = [a["href"] for a in site.html("rc-prose").select("a.reference.external")]
    assert "https://arxiv.org/abs/2310.01234v2" in hrefs
    assert not any(h.split("//")[-1] == "example.org" for h in hrefs)
    assert "https://arxiv.org/abs/2310.01234v2" in book.region("rc-prose")


def test_a_reference_to_a_caption_with_math_reads(site, book):
    """{ref} to a table whose caption holds math: the link reads the caption, its math as
    text ('ε = 10⁻⁶'), never raw TeX, on the site and in the book."""
    link = site.html("rc-tables").select_one("a[href='#storage-table']:not(.headerlink)")
    assert link is not None and "ε" in link.get_text() and "\\varepsilon" not in link.get_text()
    part = book.part("Tables and definition lists")
    assert "Storage for ε" in part and "\\varepsilon" not in part


def test_the_books_references_are_numbered_without_gaps(book):
    """A talk's own footnote before its citations: the book's reference list reads [1] to [7],
    the footnote at the foot of the page, no number skipped."""
    part = re.sub(r"\s+", " ", book.part("Citations as people type them"))
    assert all(f"[{n}]" in part for n in range(1, 8)) and "[8]" not in part, part
    assert "Our implementation, not a reference." in part
