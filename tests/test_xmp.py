"""The book's XMP packet (book/xmp.py): written into the PDF after the LaTeX run, read back as
repositories read it (pypdf), Sphinx-free."""

from __future__ import annotations

import pikepdf
import pytest
from pypdf import PdfReader
from sphinx_workshop_site.book.xmp import BookMetadata, embed, packet, pdf_date_to_xmp

META = BookMetadata(
    title="XYZ’27: Book of abstracts",
    creators=["Ada Lovelace", "Grace O’Hopper"],
    description="Book of abstracts of the Workshop on <Tensors> & Co, Lyon, 3 June 2027",
    language="fr",
    keywords=["tensors", "a\x07b", "Q&A"],
    rights="© 2027 the authors",
    licence_url="https://creativecommons.org/licenses/by/4.0/",
    isbn="978-3-16-148410-0",
    doi="10.5281/zenodo.1234567",
)


@pytest.mark.parametrize(
    ("pdf_date", "iso"),
    [
        ("D:20241126000000Z", "2024-11-26T00:00:00Z"),
        ("D:20241126103000+01'00'", "2024-11-26T10:30:00+01:00"),
        ("D:20261202162659-00'00'", "2026-12-02T16:26:59-00:00"),
        ("D:2024", ""),
        ("not a date", ""),
    ],
)
def test_pdf_dates_read_as_iso(pdf_date, iso):
    assert pdf_date_to_xmp(pdf_date) == iso


def test_the_packet_is_xml_with_every_field_escaped():
    from lxml import etree

    text = packet(META, "2027-06-03T00:00:00Z", "xdvipdfmx")
    body = text.split("?>", 1)[1].rsplit("<?xpacket", 1)[0]
    tree = etree.fromstring(body.encode())  # well-formed: the ampersand and brackets escaped
    assert "&lt;Tensors&gt; &amp; Co" in text and "\x07" not in text and "ab" in text
    ns = {"rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "dc": "http://purl.org/dc/elements/1.1/"}
    assert tree.xpath("//dc:creator/rdf:Seq/rdf:li/text()", namespaces=ns) == [
        "Ada Lovelace",
        "Grace O’Hopper",
    ]
    assert "<jav:journal_article_version>VoR</jav:journal_article_version>" in text
    assert "<xmpMM:RenditionClass>default</xmpMM:RenditionClass>" in text
    draft = packet(BookMetadata(title="t", creators=[], description="", language="en", draft=True))
    assert "<jav:journal_article_version>AO</" in draft and "RenditionClass>draft<" in draft
    assert "xmpRights:Marked" not in draft and "prism:doi" not in draft  # only what is known


def test_embedded_packet_reads_back_and_the_same_book_gives_the_same_bytes(tmp_path):
    pdf_path = tmp_path / "book.pdf"
    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        pdf.docinfo["/CreationDate"] = "D:20270603000000Z"
        pdf.docinfo["/Producer"] = "xdvipdfmx (20211117)"
        pdf.save(pdf_path)
    original = pdf_path.read_bytes()
    META.write(tmp_path, "book")
    embed(pdf_path, BookMetadata.read(tmp_path / "book.xmp.json"))
    reader = PdfReader(pdf_path)
    xmp = reader.xmp_metadata
    assert xmp.dc_creator == ["Ada Lovelace", "Grace O’Hopper"]
    assert xmp.dc_language == ["fr"] and xmp.dc_title["fr"] == "XYZ’27: Book of abstracts"
    assert xmp.dc_rights["x-default"] == "© 2027 the authors"
    assert str(xmp.xmp_create_date).startswith("2027-06-03")
    packet_text = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    for words in (
        "978-3-16-148410-0",
        "10.5281/zenodo.1234567",
        "licenses/by/4.0/",
        "<pdf:Keywords>tensors, ab, Q&amp;A<",
    ):
        assert words in packet_text, words
    first = pdf_path.read_bytes()
    pdf_path.write_bytes(original)
    embed(pdf_path, META)
    assert pdf_path.read_bytes() == first


def test_a_metadata_file_it_did_not_write_is_refused_in_one_line(tmp_path):
    bad = tmp_path / "book.xmp.json"
    bad.write_text('{"title": "t", "unknown": 1}', encoding="utf-8")
    with pytest.raises(ValueError, match=r"book.xmp.json is not the book's metadata"):
        BookMetadata.read(bad)
