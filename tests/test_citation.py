"""Citable abstracts (issue 25): each contribution page's Google Scholar tags, its BibTeX, RIS and
CSL-JSON beside it and its "Cite this" block, on one shared build of the real site with a talk
whose title holds math and BibTeX's special characters and whose author's name holds them too.
The book's own citation and Zenodo record, and the page numbers, are tested on the shared book
(test_pdf.py)."""

from __future__ import annotations

import json
import re

import pytest
from bs4 import BeautifulSoup
from conftest import copy_site, sphinx_build
from pybtex.database import parse_string
from sphinx_workshop_site.exports import citation

CITABLE = """\
---
speakers: [cohen]
authors:
  - name: Jérémy Cohen
  - name: Zoë {Brace} & Per%cent
    family-name: "{Brace} & Per%cent"
    given-name: Zoë
  - name: Ana de la Peña
keywords: [low rank, "50% & more"]
---

# Bounds on $\\|X - \\hat{X}\\|_F$ for {braces} & 100% #hash_1

The abstract: $x_1$ and more.
"""
HOSTILE = '---\nspeakers: [cohen]\n---\n\n# \\<script>alert(1)\\</script> & "quotes" ~ ^ \\\\\n\nText.\n'
DOI = "10.5281/zenodo.1234567"
TITLE = "Bounds on ‖X − X̂‖_F for {braces} & 100% #hash_1"  # the math as text (math_as_text)
AUTHORS = ["Cohen, Jérémy", "{Brace} & Per%cent, Zoë", "Peña, Ana de la"]
# the BibTeX escapes, undone (pylatexenc drops \textbraceleft): what a reader of the .bib sees
UNESCAPE = {v: k for k, v in citation.BIB_SPECIALS.items()}


def unescape(value: str) -> str:
    return re.sub("|".join(re.escape(k) for k in UNESCAPE), lambda m: UNESCAPE[m.group()], value)


@pytest.fixture(scope="module")
def cited(tmp_path_factory):
    root = copy_site(tmp_path_factory.mktemp("cited"))
    (root / "abstracts/citable.md").write_text(CITABLE, encoding="utf-8")
    (root / "abstracts/hostile-cite.md").write_text(HOSTILE, encoding="utf-8")
    with (root / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write(f'\nworkshop_book_doi = "{DOI}"\n')
    build = sphinx_build(root)
    assert build.returncode == 0, build.output[-3000:]
    return build


def soup(build, name: str) -> BeautifulSoup:
    return BeautifulSoup(build.page(name), "html.parser")


def metas(page: BeautifulSoup, name: str) -> list[str]:
    return [m["content"] for m in page.find_all("meta", attrs={"name": name})]


def test_scholar_tags_give_title_authors_conference_date_and_doi(cited):
    page = soup(cited, "abstracts/citable.html")
    assert metas(page, "citation_title") == [TITLE]
    assert metas(page, "citation_author") == AUTHORS  # in order, family name first
    assert metas(page, "citation_conference_title") == [
        "LoRAINNe'24: Workshop on LOw-Rank Approximations and their Interactions with Neural NEtworks"
    ]
    assert metas(page, "citation_publication_date") == ["2024/11/26"]
    assert metas(page, "citation_doi") == [DOI]
    # no book was built: no page in it and no PDF is claimed
    assert metas(page, "citation_firstpage") == [] and metas(page, "citation_pdf_url") == []
    # a page that is no contribution cites nothing
    assert metas(soup(cited, "speakers/cohen.html"), "citation_title") == []
    assert not (cited.outdir / "speakers/cohen.bib").exists()


def test_bibtex_is_an_inproceedings_in_the_book_with_every_special_character_escaped(cited):
    text = (cited.outdir / "abstracts/citable.bib").read_text(encoding="utf-8")
    entry = parse_string(text, "bibtex").entries["citable"]
    assert entry.type == "inproceedings"
    assert unescape(entry.fields["title"]) == TITLE
    assert "\\hat" not in text and "$" not in text.replace("\\$", "")
    family = entry.persons["author"][1]
    assert [unescape(n) for n in family.last_names] == ["{{Brace} & Per%cent}"]  # one family name
    assert family.first_names == ["Zoë"]
    assert [p.last_names[-1] for p in entry.persons["author"][::2]] == ["Cohen", "Peña"]
    assert entry.fields["booktitle"].startswith("Book of abstracts of the Workshop on LOw-Rank")
    assert entry.fields["doi"] == DOI and entry.fields["year"] == "2024"
    assert entry.fields["url"].endswith("/abstracts/citable.html")
    assert "pages" not in entry.fields  # not known without the book
    assert str(entry.persons["editor"][0]) == "Borsoi, Ricardo"
    # every brace in a value is the value's own: BibTeX counts escaped braces too
    for line in text.splitlines()[1:-1]:
        value = line.split(" = ", 1)[1]
        depth = 0
        for char in value:
            depth += {"{": 1, "}": -1}.get(char, 0)
            assert depth >= 0, line
        assert depth == 0, line


def test_ris_is_one_line_per_value(cited):
    raw = (cited.outdir / "abstracts/citable.ris").read_bytes().decode("utf-8")
    assert raw.endswith("ER  - \r\n") and "\n" not in raw.replace("\r\n", "")
    lines = raw.split("\r\n")[:-1]
    assert lines[0] == "TY  - CPAPER" and lines[-1] == "ER  - "
    assert all(re.fullmatch(r"[A-Z][A-Z0-9]  - .+", line) for line in lines[:-1]), lines
    tags = [(line[:2], line[6:]) for line in lines]
    assert [v for t, v in tags if t == "AU"] == AUTHORS
    assert ("TI", TITLE) in tags and ("DO", DOI) in tags and ("PY", "2024") in tags
    assert (
        "T2",
        "LoRAINNe'24: Workshop on LOw-Rank Approximations and their Interactions with Neural NEtworks",
    ) in tags
    assert next(v for t, v in tags if t == "C3").startswith("Book of abstracts of the Workshop")  # the book
    assert next(v for t, v in tags if t == "A2") == "Borsoi, Ricardo"  # its editors
    assert [v for t, v in tags if t == "KW"] == ["low rank", "50% & more"]
    assert ("AB", "The abstract: x_1 and more.") in tags


def test_csl_json_is_a_paper_conference(cited):
    items = json.loads((cited.outdir / "abstracts/citable.json").read_text(encoding="utf-8"))
    assert len(items) == 1
    item = items[0]
    assert item["type"] == "paper-conference" and item["id"] == "citable"
    assert item["title"] == TITLE
    assert item["author"][1] == {"family": "{Brace} & Per%cent", "given": "Zoë"}
    assert item["author"][0] == {"literal": "Jérémy Cohen"}  # no parts given: not guessed
    assert item["container-title"].startswith("Book of abstracts of the Workshop on")
    assert item["issued"] == {"date-parts": [[2024, 11, 26]]}
    assert item["event-date"] == {"date-parts": [[2024, 11, 26], [2024, 11, 27]]}
    assert item["DOI"] == DOI and item["URL"].endswith("/abstracts/citable.html")
    assert "Nancy" in item["event-place"] and "page" not in item


def test_cite_this_block_shows_the_bibtex_and_links_the_three_files(cited):
    page = soup(cited, "abstracts/citable.html")
    block = page.select_one("section.cite-this")
    assert block is not None and block.h2.get_text() == "Cite this"
    assert block.find("script") is None
    links = {a.get_text(): a["href"] for a in block.find_all("a")}
    assert links == {"BibTeX": "citable.bib", "RIS": "citable.ris", "CSL-JSON": "citable.json"}
    for href in links.values():
        assert (cited.outdir / "abstracts" / href).is_file()
    shown = block.find("pre")
    assert shown["tabindex"] == "0"  # its scrolling box is reachable by keyboard
    assert shown.get_text() == (cited.outdir / "abstracts/citable.bib").read_text(encoding="utf-8")


def test_a_hostile_title_is_escaped_in_every_format(cited):
    html_text = cited.page("abstracts/hostile-cite.html")
    assert "<script>alert" not in html_text
    page = BeautifulSoup(html_text, "html.parser")
    title = metas(page, "citation_title")[0]
    assert title.startswith('<script>alert(1)</script> & "quotes"')
    bib = (cited.outdir / "abstracts/hostile-cite.bib").read_text(encoding="utf-8")
    entry = parse_string(bib, "bibtex").entries["hostile-cite"]
    assert unescape(entry.fields["title"]) == title
    data = json.loads((cited.outdir / "abstracts/hostile-cite.json").read_text(encoding="utf-8"))
    assert data[0]["title"] == title


def test_bib_text_escapes_each_special_character_with_balanced_braces():
    for char, escaped in citation.BIB_SPECIALS.items():
        assert citation.bib_text(f"a{char}b") == f"a{escaped}b"
        assert escaped.count("{") == escaped.count("}")
    # ' and ' in a name part would split it into two people
    person = citation.Person("Smith and Jones Ltd", "Smith and Jones", "Ltd")
    assert citation.bib_name(person) == "{Smith and Jones}, Ltd"
    assert citation.bib_name(citation.Person("Ana de la Peña")) == "Ana de la Peña"


def test_addresses_and_dois_are_written_verbatim_in_bibtex():
    """biblatex reads url and doi verbatim: an underscore stays one, a brace is percent-encoded."""
    assert citation.bib_verbatim("10.1000/a_b(c);d") == "10.1000/a_b(c);d"
    assert citation.bib_verbatim("https://x.org/a_b%20{c}") == "https://x.org/a_b%20%7Bc%7D"
