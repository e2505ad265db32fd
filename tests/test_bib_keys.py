"""Bib keys belong to their talk (#22, the pull-request flow): two talks use one key, 'smith2020',
for two different works, and each talk's citations resolve in its own .bib file, on the site and
in the book; an organizer page cites a talk's entry as '<id>/<key>'; a DBLP key (':' and '/')
is a key like any other; the completeness report still names the .bib line of a reference
without a DOI. One shared project, built once for the site and once for the book's LaTeX."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import copy_site, sphinx_build, write_files

DBLP = "DBLP:journals/corr/abs-2106-09685"
ALPHA_BIB = (
    "% the alpha talk's references\n\n"
    "@article{smith2020,\n  author = {Smith, Jane},\n  title = {Alpha own work on tensor trains},\n"
    "  journal = {J. Alpha},\n  year = {2020}\n}\n\n"
    f"@article{{{DBLP},\n  author = {{Hu, Edward J. and Shen, Yelong}},\n"
    "  title = {LoRA: Low-Rank Adaptation of Large Language Models},\n  journal = {CoRR},\n"
    "  volume = {abs/2106.09685},\n  year = {2021},\n  eprint = {2106.09685},\n"
    "  archivePrefix = {arXiv}\n}\n"
)
BETA_BIB = (
    "@article{smith2020,\n  author = {Smith, John},\n  title = {Beta other work on pruning},\n"
    "  journal = {J. Beta},\n  year = {2020},\n  doi = {10.1000/beta.2020}\n}\n"
)
TALK = "---\nspeakers: [zniyed]\nkeywords: [tensors]\n---\n\n# {title}\n\n{body}\n"
FILES = {
    "abstracts/bk-alpha.bib": ALPHA_BIB,
    "abstracts/bk-alpha.md": TALK.format(
        title="Keys alpha talk",
        body=f"Tensor trains {{cite}}`smith2020` and adapters {{cite:p}}`{DBLP}`, again {{footcite}}`smith2020`.",
    ),
    "abstracts/bk-beta.bib": BETA_BIB,
    "abstracts/bk-beta.md": TALK.format(
        title="Keys beta talk", body="Pruning {footcite}`smith2020`, by {cite:t}`smith2020`."
    ),
}
ORGANIZER_CITATION = (
    "\n\nThe alpha talk builds on {footcite}`bk-alpha/smith2020`.\n\n```{footbibliography}\n```\n"
)


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = copy_site(tmp_path_factory.mktemp("bib-keys"))
    write_files(root, FILES)
    program = root / "program/index.md"
    program.write_text(program.read_text(encoding="utf-8") + ORGANIZER_CITATION, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def site(project):
    build = sphinx_build(project, "html")
    assert build.returncode == 0, build.output[-4000:]
    return build


@pytest.fixture(scope="module")
def book(project):
    build = sphinx_build(project, "latex", "-t", "proceedings")
    assert build.returncode == 0, build.output[-4000:]
    tex = next(p for p in build.outdir.glob("*.tex") if p.stem != "sphinxmessages")
    return build, tex.read_text(encoding="utf-8")


def references(page: str) -> str:
    """The text of a page's reference list (its footnotes)."""
    from bs4 import BeautifulSoup

    notes = BeautifulSoup(page, "html.parser").select("aside.footnote")
    return " ".join(note.get_text(" ", strip=True) for note in notes)


def prose(page: str) -> str:
    """The text of a page's paragraphs."""
    from bs4 import BeautifulSoup

    return " ".join(
        p.get_text(" ", strip=True) for p in BeautifulSoup(page, "html.parser").select("article p")
    )


def test_the_site_builds_without_a_message(site):
    assert "WARNING" not in site.output, site.output


def test_each_talk_shows_its_own_entry(site):
    alpha, beta = site.page("abstracts/bk-alpha.html"), site.page("abstracts/bk-beta.html")
    assert "Alpha own work on tensor trains" in references(alpha)
    assert "low-rank adaptation of large language models" in references(alpha)  # unsrt: sentence case
    assert "Beta" not in references(alpha)
    assert "Beta other work on pruning" in references(beta)
    assert "Alpha" not in references(beta)
    # one footnote per work: smith2020 cited twice in alpha is one reference
    assert len(re.findall(r'class="footnote brackets"', alpha)) == 2
    assert len(re.findall(r'class="footnote brackets"', beta)) == 1
    assert "by Smith [ 1 ]" in prose(beta)  # {cite:t}: the author's name, then the number


def test_the_talks_name_is_never_printed(site):
    for page in ("bk-alpha", "bk-beta"):
        text = prose(site.page(f"abstracts/{page}.html")) + references(site.page(f"abstracts/{page}.html"))
        assert "bk-alpha/" not in text and "bk-beta/" not in text and "smith2020" not in text


def test_an_organizer_page_cites_a_talks_entry(site):
    text = references(site.page("program/index.html"))
    assert "Alpha own work on tensor trains" in text and "Beta" not in text


def test_the_book_lists_each_talks_own_entry(book):
    _build, tex = book

    def region(page: str) -> str:
        start = tex.index(f"% workshop-source: abstracts/{page}.md")
        return tex[start : tex.index("% workshop-source-end", start)]

    alpha, beta = region("bk-alpha"), region("bk-beta")
    assert "Alpha own work on tensor trains" in alpha and "Beta other" not in alpha
    assert "Beta other work on pruning" in beta and "Alpha own" not in beta
    # each marker links to its own talk's reference (labels of safe characters only)
    for page, key in (
        ("bk-alpha", "smith2020"),
        ("bk-alpha", "dblp-journals-corr-abs-2106-09685"),
        ("bk-beta", "smith2020"),
    ):
        label = f"abstracts/{page}:footcite-{page}-{key}"
        assert f"\\hyperref[\\detokenize{{{label}}}]" in tex, label
        assert f"\\label{{\\detokenize{{{label}}}}}" in tex, label


def test_the_completeness_report_names_the_bib_line(book):
    build, _tex = book
    lines = ALPHA_BIB.splitlines()
    entry = next(n for n, line in enumerate(lines, 1) if line.startswith("@article{smith2020"))
    assert (
        "reference 'smith2020' has no DOI or arXiv id: add doi = {…} or eprint = {…} to its entry "
        f"(abstracts/bk-alpha.bib, line {entry})"
    ) in build.output, build.output[-3000:]
    # the entries with a DOI (beta's smith2020) or an arXiv id (DBLP's) are complete
    assert "abstracts/bk-beta.bib" not in build.output
    assert "dblp" not in build.output.lower()
