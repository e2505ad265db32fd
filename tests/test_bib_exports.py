"""Reference-manager exports as contributors paste them (issue 22): Zotero and Better BibTeX,
Mendeley, JabRef, DBLP, arXiv, Google Scholar; each accepted with no message, its printed fields
shown as text (accents, dashes, quotes), its math as math, its DOI link percent-encoded with the
DOI printed as written; unprinted fields (file, abstract, groups, ...) dropped unread; {cite},
{cite:p}, {cite:t} and several keys in one role give the talk its own reference list. One shared
HTML build and one shared LaTeX build."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from sphinx_workshop_site.gate.bibfile import read_bib
from sphinx_workshop_site.gate.bibmerge import merge

EXPORTS = r"""@String{siam = {SIAM Journal on Matrix Analysis and Applications}}
@String{jcp = "Journal of " # "Computational Physics"}

@article{zotero2021,
	title = {Tensor-train decomposition \textendash{} a review \textemdash{} of Oseledets\textquoteright s \textquotedblleft{}TT\textquotedblright{} format \& more},
	volume = {33},
	issn = {1064-8275},
	url = {https://epubs.siam.org/doi/10.1137/090752286},
	doi = {10.1137/090752286},
	abstract = {We present a \emph{new} way with $\mathbb{R}$ and \cite{x} and 100% of {\bf bold}.},
	number = {5},
	urldate = {2024-01-15},
	journal = {SIAM Journal on Scientific Computing},
	author = {Oseledets, I. V. and Gr{\"o}ßer, J{\'e}r{\^o}me and {\TH}orsson, {\th}ora and Nguy{\~{\^e}}n, V{\uhorn} and Ph{\ohorn}ng, L{\'\i}},
	month = jan,
	year = {2011},
	note = {Publisher: Society for Industrial and Applied Mathematics},
	keywords = {tensors, TT-format, low-rank},
	pages = {2295--2317},
	file = {Full Text PDF:/home/u/Zotero/storage/ABC/Oseledets.pdf:application/pdf},
	langid = {english},
	shorttitle = {Tensor-train},
}

@inproceedings{mendeley2019,
abstract = {Low-rank adaptation $\alpha$ \input{x} with 50% fewer parameters; {\&} more.},
archivePrefix = {arXiv},
arxivId = {2106.09685},
author = {Hu, Edward J. and Shen, Yelong and Wallis, Phillip and Allen-Zhu, Zeyuan and Li, Yuanzhi and Wang, Shean and Wang, Lu and Chen, Weizhu},
booktitle = {International Conference on Learning Representations},
eprint = {2106.09685},
file = {:C$\backslash$:/Users/me/Documents/Mendeley Desktop/Hu et al. - 2022 - LoRA.pdf:pdf},
mendeley-groups = {PhD/Low rank,Reading group},
title = {{LoRA: Low-Rank Adaptation of Large Language Models}},
url = {http://arxiv.org/abs/2106.09685},
year = {2022}
}

@Article{jabref2003,
  author    = {Hackbusch, Wolfgang and Kh{\o}romskij, Boris N. and Sauter, Stefan and Stra{\ss}er, {\L}ukasz and {\AA}berg, {\o}ystein and Ma{\l}ecki, {\i}smet},
  journal   = siam,
  title     = {{$\mathcal{H}$}-Matrices and $\beta$-divergence in $\langle x, y \rangle$ spaces},
  year      = {2003},
  number    = {3},
  pages     = {1--20},
  volume    = {24},
  file      = {:Hackbusch2003 - H Matrices.pdf:PDF;:C\:/papers/h.pdf:PDF},
  groups    = {hmatrices},
  owner     = {me},
  timestamp = {2023.10.01},
  comment   = {read \write18{rm -rf} twice},
}

@Article{jabref2005,
  author  = {M{\"u}ller, Karl},
  journal = jcp # { Letters},
  title   = {Fast solvers},
  year    = {2005},
}

@article{DBLP:journals/corr/abs-2106-09685,
  author       = {Edward J. Hu and
                  Yelong Shen and
                  Weizhu Chen},
  title        = {LoRA: Low-Rank Adaptation of Large Language Models},
  journal      = {CoRR},
  volume       = {abs/2106.09685},
  year         = {2021},
  url          = {https://arxiv.org/abs/2106.09685},
  eprinttype    = {arXiv},
  eprint       = {2106.09685},
  timestamp    = {Tue, 29 Jun 2021 16:55:04 +0200},
  biburl       = {https://dblp.org/rec/journals/corr/abs-2106-09685.bib},
  bibsource    = {dblp computer science bibliography, https://dblp.org}
}

@misc{hu2021lora,
      title={LoRA: Low-Rank Adaptation of Large Language Models},
      author={Edward J. Hu and Yelong Shen and Phillip Wallis and Zeyuan Allen-Zhu and Yuanzhi Li and Shean Wang and Lu Wang and Weizhu Chen},
      year={2021},
      eprint={2106.09685},
      archivePrefix={arXiv},
      primaryClass={cs.CL},
      url={https://arxiv.org/abs/2106.09685},
}

@article{scholar1998,
  title={Sample size for {$k$}-means: the {SICI} case},
  author={Smith, John and others},
  journal={Statistics in medicine},
  volume={17},
  number={15-16},
  pages={1661--1672},
  year={1998},
  publisher={Wiley Online Library},
  doi = {10.1002/(SICI)1097-0258(19980815/30)17:15/16<1661::AID-SIM968>3.0.CO;2-2},
  note = {See \href{https://example.org/errata?x=1&y=2}{the errata} and \url{https://example.org/a_b}}
}
"""

KEYS = [
    "zotero2021",
    "mendeley2019",
    "jabref2003",
    "jabref2005",
    "DBLP:journals/corr/abs-2106-09685",
    "hu2021lora",
    "scholar1998",
]
SICI = "10.1002/(SICI)1097-0258(19980815/30)17:15/16<1661::AID-SIM968>3.0.CO;2-2"
TALK = (
    "---\nspeakers: [ada]\nkeywords: [tensors]\n---\n\n# Alpha talk\n\n"
    "Tensor trains {cite}`zotero2021`, adapters {cite:p}`mendeley2019,jabref2003` and {cite:t}`jabref2005`.\n"
    "Also {footcite}`DBLP:journals/corr/abs-2106-09685` and {cite}`hu2021lora, scholar1998`.\n"
)


def entry(key: str) -> str:
    """One export as written (with the file's @String macros)."""
    strings = "".join(line + "\n" for line in EXPORTS.splitlines() if line.startswith("@String"))
    start = EXPORTS.index("{" + key + ",")
    start = EXPORTS.rindex("@", 0, start)
    end = EXPORTS.find("\n@", start + 1)
    return strings + EXPORTS[start : end if end > 0 else None]


@pytest.mark.parametrize("key", KEYS)
def test_export_is_accepted_with_no_message(key):
    entries, problems = read_bib(entry(key), "abstracts/alpha.bib")
    assert [str(p) for p in problems] == []
    assert [e.key for e in entries] == [key]


def test_unprinted_fields_are_dropped_unread():
    _merged, _entries, problems = merge([("abstracts/alpha.bib", EXPORTS)])
    assert problems == []
    merged = _merged.lower()
    for name in (
        "abstract",
        "file",
        "mendeley-groups",
        "groups",
        "keywords",
        "urldate",
        "timestamp",
        "biburl",
        "bibsource",
        "langid",
        "shorttitle",
        "comment",
        "owner",
        "archiveprefix",
        "issn",
    ):
        assert f"\n  {name} = " not in merged, name
    assert "write18" not in merged and "\\input" not in merged and "backslash" not in merged


@pytest.mark.parametrize(
    "payload",
    ["\\input{/etc/passwd}", "\\write18{rm -rf /}", "\\catcode`\\@=11", "$\\write18{x}$", "\\def\\x{y}"],
)
def test_code_in_a_printed_field_is_still_refused(payload):
    text = entry("jabref2005").replace("Fast solvers", f"Fast {payload} solvers")
    entries, problems = read_bib(text, "abstracts/alpha.bib")
    assert entries == []
    assert len(problems) == 1 and "is not allowed" in problems[0].message
    assert problems[0].line == 6  # the title's line (after the two @String lines)


@pytest.mark.parametrize(
    "payload", ["\\input{/etc/passwd}", "\\write18{x}", "\\catcode`\\@=11", "\u202e\x1b"]
)
def test_code_in_an_unprinted_field_refuses_nothing(payload):
    text = entry("jabref2005").replace(
        "  year", f"  abstract = {{{payload}}},\n  annote = {{{payload}}},\n  year"
    )
    entries, problems = read_bib(text, "abstracts/alpha.bib")
    assert problems == [] and [e.key for e in entries] == ["jabref2005"]
    assert payload not in entries[0].text


@pytest.mark.parametrize(
    ("text", "messages"),
    [
        (
            "@article{my key,\n  author = {Doe, Jane},\n  title = {A paper}\n  journal = {J},\n  year = 2020\n}\n",
            [
                "a.bib:1: bib key 'my key' has a space: a key is one word; write 'my_key' here and where it is cited",
                "a.bib:3: bib entry 'my_key': a comma is missing at the end of line 3? (each field but the last has one)",
            ],
        ),
        (
            "@article{smith2020\n  author = {Doe, Jane},\n  title = {A paper},\n  journal = {J},\n  year = 2020\n}\n",
            ["a.bib:1: bib entry 'smith2020': a comma is missing after the key, at the end of line 1"],
        ),
    ],
)
def test_key_mistakes_are_told_in_one_round(text, messages):
    entries, problems = read_bib(text, "a.bib")
    assert entries == [] and [str(p) for p in problems] == messages


# --------------------------------------------------------------------------- shared builds


@pytest.fixture(scope="module")
def exports_site(tmp_path_factory):
    import shutil

    from conftest import sphinx_build, write_files

    root = tmp_path_factory.mktemp("exports") / "site"
    shutil.copytree(Path(__file__).parent / "roots" / "test-schedule", root)
    write_files(root, {"abstracts/alpha.bib": EXPORTS, "abstracts/alpha.md": TALK})
    return root, sphinx_build(root), sphinx_build(root, "latex")


def _footnotes(page: str) -> str:
    return page[page.index('class="footnote-list') :]


def test_exports_build_without_a_message(exports_site):
    _root, site, book = exports_site
    assert site.returncode == 0 and "WARNING" not in site.output, site.output
    assert book.returncode == 0 and "WARNING" not in book.output, book.output


def test_html_shows_rendered_titles_names_and_links(exports_site):
    _root, site, _book = exports_site
    page = (site.outdir / "abstracts/alpha.html").read_text(encoding="utf-8")
    refs = _footnotes(page)
    text = html.unescape(re.sub(r"<[^>]+>", "", refs)).replace("\xa0", " ")  # pybtex ties short names
    # one footnote per cited key, on the talk's own page ({cite}, {cite:p}, {cite:t}, several keys)
    assert len(re.findall(r'class="footnote brackets"', refs)) == len(KEYS)
    assert "Müller" in page.split('class="footnote-list')[0]  # {cite:t}: the author's name in the text
    for shown in (
        "Tensor-train decomposition – a review — of oseledets’s “tt” format & more",
        "Jérôme Größer",
        "þora Þorsson",
        "Vư Nguyễn",
        "Lí Phơng",
        "Boris N. Khøromskij",
        "Łukasz Straßer",
        "øystein Åberg",
        "ısmet Małecki",
        "Journal of Computational Physics Letters",
        "SIAM Journal on Matrix Analysis and Applications",
        "arXiv:2106.09685",
        "the errata",
    ):
        assert shown in text, shown
    for raw in (
        "\\text",
        "\\TH",
        "{\\",
        "\\uhorn",
        "\\href",
        "\\url",
        "$",
        "\ue000",
        "mendeley",
        "Zotero/storage",
    ):
        assert raw not in text, raw
    # math as math (MathJax), not as raw TeX in the text
    for formula in ("\\(\\mathcal{H}\\)", "\\(\\beta\\)", "\\(\\langle x, y \\rangle\\)", "\\(k\\)"):
        assert (
            f'<span class="math notranslate nohighlight">{html.escape(formula, quote=False)}</span>' in refs
        ), formula
    assert "mathjax" in page.lower()
    # the SICI DOI: its link percent-encoded, its text as written
    link = re.search(
        r'<a class="reference external" href="(https://doi.org/[^"]+)">doi:([^<]+)</a>',
        refs.split("footcite-alpha-scholar1998")[1],  # bib keys belong to their talk: alpha/scholar1998
    )
    assert link is not None
    assert (
        html.unescape(link.group(1))
        == "https://doi.org/10.1002/(SICI)1097-0258(19980815/30)17:15/16%3C1661::AID-SIM968%3E3.0.CO;2-2"
    )
    assert html.unescape(link.group(2)) == SICI
    assert 'href="https://example.org/errata?x=1&amp;y=2">the errata</a>' in refs


def test_book_prints_math_as_math(exports_site):
    _root, _site, book = exports_site
    tex = next(book.outdir.glob("*.tex")).read_text(encoding="utf-8")
    assert (
        "\\(\\mathcal{H}\\)\\sphinxhyphen{}matrices and \\(\\beta\\)\\sphinxhyphen{}divergence in \\(\\langle x, y \\rangle\\) spaces"
        in tex
    )
    references = "\n".join(line for line in tex.splitlines() if line.startswith("\\workshopreference"))
    assert len(references.splitlines()) == len(KEYS)
    assert "\\$" not in references and "textbackslash" not in references and "\\{" not in references
    assert "þora Þorsson" in references.replace("\xa0", " ") and "Vư Nguyễn" in references.replace(
        "\xa0", " "
    )
    assert "Tensor\\sphinxhyphen{}train decomposition – a review" in tex  # XeLaTeX: the dash as typed
    assert "doi:10.1002/(SICI)1097" in tex and "\\%3C1661" in tex


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        (r"Vi\d{\^e}t Nam", "Việt Nam"),
        (r"\k{\={o}}", "ǭ"),
        (r"{\d{\^o}}ng", "ộng"),
        (r"M{\"u}ller", "Müller"),
    ],
)
def test_an_accent_on_an_accented_letter(written, shown):
    """Better BibTeX writes Vietnamese ệ as \\d{\\^e}: the dot below on the circumflexed e."""
    from sphinx_workshop_site.gate.bibfile import read_bib

    entries, problems = read_bib("@misc{k,\n  title = {" + written + "},\n  year = {2020}\n}\n", "x.bib")
    assert problems == [] and dict(entries[0].fields)["title"] == shown


def test_biblatex_dates_and_names_of_fields():
    """Better BibLaTeX writes date = {2009-08-05}, journaltitle, location: read as the BibTeX
    fields the style prints (year, month, journal, address); a month as Mendeley writes it
    ({jul}) prints as its name."""
    from sphinx_workshop_site.gate.bibfile import read_bib

    text = (
        "@article{kolda2009tensor,\n  title = {Tensor Decompositions and Applications},\n"
        "  author = {Kolda, Tamara G. and Bader, Brett W.},\n  date = {2009-08-05},\n"
        "  journaltitle = {SIAM Review},\n  location = {Philadelphia}\n}\n"
        "@online{web2023, title = {A page}, author = {Doe, Jane}, date = {2023-03-15}, url = {https://example.org}}\n"
        "@misc{m2011, title = {A}, author = {Doe, Jane}, year = {2011}, month = {jul}}\n"
    )
    entries, problems = read_bib(text, "x.bib")
    assert problems == []
    fields = [dict(entry.fields) for entry in entries]
    assert (fields[0]["year"], fields[0]["month"], fields[0]["journal"], fields[0]["address"]) == (
        "2009",
        "August",
        "SIAM Review",
        "Philadelphia",
    )
    assert fields[1]["year"] == "2023" and fields[2]["month"] == "July"
