"""The real site's CONTENT (this edition: its facts, speakers, talks and dates), built in a temp copy.

These tests change with the edition; the extension's behaviour is tested on small test roots and,
for what holds for any edition of this site, in test_site.py."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

DIRECTIONS = "https://www.openstreetmap.org/directions?engine=fossgis_osrm_foot"
REGISTRATION = "https://forms.gle/cp7v3FCfH1QnJh8F6"
SPEAKERS = {
    "de-almeida": (
        "André de Almeida",
        "Federal University of Ceara, Fortaleza",
        "https://professors.gtel.ufc.br/andre/",
    ),
    "cerisara": ("Christophe Cerisara", "CNRS-LORIA, Nancy", "https://members.loria.fr/CCerisara/"),
    "cohen": ("Jérémy Cohen", "CNRS-CREATIS, Lyon", "https://jeremy-e-cohen.jimdofree.com"),
    "gusak": ("Julia Gusak", "INRIA Bordeaux", "https://juliagusak.github.io"),
    "ishteva": ("Mariya Ishteva", "Katholieke Universiteit Leuven", None),
    "mourrain": (
        "Bernard Mourrain",
        "INRIA Sophia-Antipolis",
        "https://www-sop.inria.fr/members/Bernard.Mourrain/",
    ),
    "tudisco": ("Francesco Tudisco", "University of Edinburgh", "https://ftudisco.gitlab.io/"),
    "qi": ("Yang Qi", "INRIA Saclay – Île-de-France", "https://sites.google.com/view/yangqi"),
    "zniyed": ("Yassine Zniyed", "University of Toulon", "https://yzniyed.blogspot.com/p/about-me.html"),
}
TITLES = {
    "de-almeida": "Overview of tensor decompositions and some applications to wireless communications",
    "cerisara": "Study of a few properties of LLM pruning",
    "cohen": "Implicit Regularization in Regularized (Nonnegative) Low-Rank Approximations",
    "ishteva": "Decoupling multivariate functions using tensors",
    "mourrain": "Low rank approximation of moment matrices and tensors",
    "qi": "On the multi-spiked random tensor model",
    "zniyed": "Network compression using tensor decompositions and pruning",
    "tudisco": "Title to be announced",
    "gusak": "Title to be announced",
}
COHEN_ABSTRACT = (
    "Regularized nonnegative low-rank approximations such as sparse Nonnegative Matrix Factorization",
    "the scale-invariance inherent to low-rank approximation models causes an implicit regularization",
    "We showcase our contributions on sparse Nonnegative Matrix Factorization, ridge-regularized "
    "Canonical Polyadic decomposition and sparse Nonnegative Tucker Decomposition.",
)


def soup(site, page: str) -> BeautifulSoup:
    return BeautifulSoup(site.page(page), "html.parser")


def text(site, page: str) -> str:
    main = soup(site, page).find("main") or soup(site, page)
    flat = re.sub(r"\s+", " ", main.get_text(" "))
    return re.sub(r" ([,.;)])", r"\1", flat).replace("( ", "(")


def hrefs(site, page: str) -> set[str]:
    return {a.get("href") for a in soup(site, page).find_all("a")}


def test_home_page_facts(site):
    body = text(site, "index.html")
    for fact in (
        "LoRAINNe'24",
        "LOw-Rank Approximations and their Interactions with Neural NEtworks",
        "IDMC (Institut des Sciences du Digital), Nancy, France",
        "26 and 27 November 2024",
        "Tuesday 26 November 2024",
        "Wednesday 27 November 2024",
        "closing event for the ANR LeaFleT project",
        "ANR-19-CE23-0021",
        "Registration is free but mandatory (the capacity is limited)",
        "Ricardo Borsoi",
        "Marianne Clausel",
        "Sebastian Miron",
        "Konstantin Usevich",
        "SiMul @ CRAN",
        "start at 13h–14h on 26 November",
    ):
        assert fact in body, fact
    # the address is a mailto link now (linkify), its text split by Sphinx's anti-spam spans
    assert "firstname.lastname@univ-lorraine.fr" in "".join(body.split())
    links = hrefs(site, "index.html")
    assert any(h and h.startswith(DIRECTIONS) for h in links)
    assert REGISTRATION in links
    assert "https://cran-simul.github.io/" in links


def test_copyright_line_in_footer(site):
    """The seed's '© 2024 Workshop LoRaINNe' is the footer of every page (once on the home page)."""
    for page in ("index.html", "program/index.html"):
        footer = soup(site, page).select_one(".bd-footer-content")
        assert "© Copyright 2024 Workshop LoRaINNe" in " ".join(footer.get_text().split())
    assert soup(site, "index.html").get_text().count("2024 Workshop LoRaINNe") == 1


def test_no_wrong_weekday_anywhere(site):
    """The source page's 'Wed 26 Nov' must not survive: 26 November 2024 is a Tuesday."""
    for page in site.outdir.rglob("*.html"):
        content = page.read_text(encoding="utf-8")
        assert "Wed 26" not in content and "Wednesday 26" not in content, page


@pytest.mark.parametrize("sid", sorted(SPEAKERS))
def test_speaker_page(site, sid):
    name, affiliation, homepage = SPEAKERS[sid]
    page = f"speakers/{sid}.html"
    body = text(site, page)
    assert soup(site, page).find("h1").get_text().strip("#¶ ") == name
    assert affiliation in body
    if homepage:
        assert homepage in hrefs(site, page)
    # the talks list is generated from the talk pages
    assert TITLES[sid] in body
    assert f"../abstracts/{sid}.html" in hrefs(site, page)


def test_speakers_index_lists_everyone(site):
    body = text(site, "speakers/index.html")
    links = hrefs(site, "speakers/index.html")
    for sid, (name, affiliation, _home) in SPEAKERS.items():
        assert name in body and affiliation in body
        assert f"{sid}.html" in links


@pytest.mark.parametrize("tid", sorted(TITLES))
def test_talk_page(site, tid):
    page = f"abstracts/{tid}.html"
    html = soup(site, page)
    assert html.find("h1").get_text().strip("#¶ ") == TITLES[tid]
    name = SPEAKERS[tid][0]
    assert name in text(site, page)
    assert f"../speakers/{tid}.html" in hrefs(site, page)
    # its own references, with DOI or arXiv (or publisher) links
    footnotes = html.select("aside.footnote, .footnote-list .footnote, dl.footnote-list > dt")
    assert footnotes, f"{page} has no references list"
    ref_links = [a["href"] for a in html.select(".footnote a[href^='http']")]
    assert ref_links, f"{page} references have no links"


def test_cohen_abstract_in_full(site):
    body = text(site, "abstracts/cohen.html").replace("scale- invariance", "scale-invariance")
    for sentence in COHEN_ABSTRACT:
        assert sentence in body


def test_reference_links_are_doi_or_arxiv(site):
    links = [a["href"] for a in soup(site, "abstracts/de-almeida.html").select(".footnote a[href]")]
    assert "https://doi.org/10.1137/07070111X" in links
    assert "https://arxiv.org/abs/1405.7442" in links


def test_programme_dates_and_slots(site):
    body = text(site, "program/index.html")
    assert "Tuesday 26 November 2024" in body
    assert "Wednesday 27 November 2024" in body
    for time_range in ("13:45–14:00", "14:15–15:15", "09:30–10:30", "16:00–17:00"):
        assert time_range in body
    for item in (
        "Registration",
        "Opening remarks",
        "Spotlight posters",
        "Cocktail + posters",
        "Lunch break",
        "Farewell coffee break",
        "Invited talk",
    ):
        assert item in body
    assert TITLES["de-almeida"] in body


def test_talk_page_shows_its_slot(site):
    assert "Tuesday 26 November 2024, 14:15–15:15 (Europe/Paris), Main room" in text(
        site, "abstracts/de-almeida.html"
    )
    assert "Not yet scheduled" in text(site, "abstracts/qi.html")
