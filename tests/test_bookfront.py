"""The book's imprint and front pages (sphinx_workshop_site.book.front), Sphinx-free: ISBN, DOI and licence
checks, the build date, the version from git, the imprint's text. The book itself: test_pdf.py."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import pytest
from conftest import require_tool
from sphinx_workshop_site.book.front import (
    Imprint,
    Licence,
    build_date,
    doi_problem,
    git_version,
    isbn_problem,
    parse_licence,
)


@pytest.mark.parametrize(
    "isbn", ["978-3-16-148410-0", "9783161484100", "ISBN 978-2-9595-1234-6", "979 10 90636 07 1"]
)
def test_isbn_13_with_its_check_digit(isbn):
    assert isbn_problem(isbn) is None


@pytest.mark.parametrize(
    ("isbn", "said"),
    [
        ("978-3-16-148410-1", "has a wrong check digit (the last digit of this ISBN would be 0)"),
        ("3-16-148410-X", "is not an ISBN-13"),  # an ISBN-10
        ("977-3-16-148410-0", "13 digits starting with 978 or 979"),
        ("978316148410", "13 digits starting with 978 or 979"),
        ("978-3-16-148410-0\\relax", "is not an ISBN-13"),
    ],
)
def test_a_bad_isbn_says_what_is_wrong(isbn, said):
    assert said in isbn_problem(isbn)


def test_doi_shape():
    for doi in ("10.5281/zenodo.1234567", "https://doi.org/10.1109/5.771073", "doi:10.1000/xyz(2)_a;b"):
        assert doi_problem(doi) is None, doi
    for doi in ("11.1/x", "10.12/x", "10.5281/", "10.5281/a b", "10.5281/x}\\input{y}"):
        assert "is not a DOI" in doi_problem(doi), doi


def test_creative_commons_licences_named_in_full_with_their_address():
    assert parse_licence("CC BY 4.0") == Licence(
        "CC BY 4.0",
        "Creative Commons Attribution 4.0 International",
        "https://creativecommons.org/licenses/by/4.0/",
    )
    nc_sa = parse_licence("cc-by-nc-sa-4.0")  # SPDX spelling
    assert nc_sa.short == "CC BY-NC-SA 4.0"
    assert nc_sa.name == "Creative Commons Attribution-NonCommercial-ShareAlike 4.0 International"
    assert nc_sa.url == "https://creativecommons.org/licenses/by-nc-sa/4.0/"
    assert parse_licence("CC BY-ND 3.0").name == "Creative Commons Attribution-NoDerivs 3.0 Unported"
    zero = parse_licence("CC0")
    assert zero.public_domain and zero.url == "https://creativecommons.org/publicdomain/zero/1.0/"
    assert parse_licence("All rights reserved") == Licence("All rights reserved")  # shown as written


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("CC BY 5.0", "Creative Commons licences have versions"),
        ("CC BY", "does not say which version"),
        ("CC BY-XX 4.0", "is not a Creative Commons licence"),
        ("CC NC 4.0", "is not a Creative Commons licence"),
        ("CC0 2.0", "CC0 has one version, 1.0"),
    ],
)
def test_a_creative_commons_licence_that_does_not_exist(value, said):
    assert said in parse_licence(value)


def test_build_date_from_source_date_epoch():
    assert build_date({"SOURCE_DATE_EPOCH": "1732579200"}) == dt.date(2024, 11, 26)
    assert build_date({}) == dt.datetime.now(dt.UTC).date()
    assert "SOURCE_DATE_EPOCH 'soon' is not a number" in build_date({"SOURCE_DATE_EPOCH": "soon"})


def test_version_from_git_describe(tmp_path):
    require_tool("git", "the version comes from git describe")
    assert git_version(tmp_path) == ""  # not a checkout
    git = ["git", "-c", "user.name=T", "-c", "user.email=t@example.org", "-c", "commit.gpgsign=false"]
    subprocess.run([*git, "init", "-q"], cwd=tmp_path, check=True)
    (tmp_path / "conf.py").write_text("x = 1\n")
    subprocess.run([*git, "add", "conf.py"], cwd=tmp_path, check=True)
    subprocess.run([*git, "commit", "-qm", "one"], cwd=tmp_path, check=True)
    subprocess.run([*git, "tag", "v1.0"], cwd=tmp_path, check=True)
    assert git_version(tmp_path) == "v1.0"
    (tmp_path / "conf.py").write_text("x = 2\n")
    assert git_version(tmp_path) == "v1.0-dirty"
    shutil.rmtree(tmp_path / ".git")


def test_imprint_text_in_a_publishers_order():
    from sphinx.util import texescape

    texescape.init()  # Sphinx's escape tables (its LaTeX builder sets them up)
    text = Imprint(
        title="XYZ'26: Book of abstracts",
        editors=("Ada Lovelace", "Alan Turing", "Grace Hopper"),
        rights="2026 XYZ & Co",
        licence=parse_licence("CC BY 4.0"),
        isbn="978-3-16-148410-0",
        version="v2",
        draft=True,
        date=dt.date(2026, 6, 3),
    ).latex()
    order = [
        r"\textbf{XYZ’26: Book of abstracts}",
        "Edited by Ada Lovelace, Alan Turing and Grace Hopper",
        r"© 2026 XYZ \& Co",
        r"(CC BY 4.0). To view a copy of this licence, visit \href{https://creativecommons.org/licenses/by/4.0/}",
        r"ISBN 978\sphinxhyphen{}3\sphinxhyphen{}16",
        "Draft · Version v2 · Built on 3 June 2026",
    ]
    at = [text.find(part) for part in order]
    assert -1 not in at and at == sorted(at), (at, text)
    assert "DOI" not in text
