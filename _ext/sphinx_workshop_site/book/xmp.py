"""The book's XMP packet (what repositories and reference managers read), written into the PDF by
the LaTeX run after its last pass, from ``<name>.xmp.json`` (written by the LaTeX builder beside
the book's .tex). Sphinx-free.

XeLaTeX never sees these words: the hyperxmp package did this inside TeX, and took two thirds of
every XeLaTeX pass (its string conversions, 3.4 s of 5 s a pass for the real book).
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape as _escape

SIDECAR = ".xmp.json"  # <name>.xmp.json in the LaTeX folder
PACKET_ID = "W5M0MpCehiHzreSzNTczkc9d"  # the XMP specification's packet id
NAMESPACES = {
    "dc": "http://purl.org/dc/elements/1.1/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "xmpMM": "http://ns.adobe.com/xap/1.0/mm/",
    "xmpRights": "http://ns.adobe.com/xap/1.0/rights/",
    "prism": "http://prismstandard.org/namespaces/basic/3.0/",
    "jav": "http://www.niso.org/schemas/jav/1.0/",
}


@dataclass(frozen=True)
class BookMetadata:
    title: str
    creators: list[str]
    description: str
    language: str
    keywords: list[str] = field(default_factory=list)
    rights: str = ""
    licence_url: str = ""
    isbn: str = ""
    doi: str = ""
    draft: bool = False

    def write(self, latexdir: Path, name: str) -> None:
        path = latexdir / f"{name}{SIDECAR}"
        path.write_text(json.dumps(asdict(self), ensure_ascii=False, indent=1), encoding="utf-8")

    @classmethod
    def read(cls, path: Path) -> BookMetadata:
        """Raises ValueError (with what is wrong) for a file this module did not write."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(**data)
        except (OSError, UnicodeDecodeError, json.JSONDecodeError, TypeError) as error:
            raise ValueError(f"{path.name} is not the book's metadata ({error})") from None


def pdf_date_to_xmp(value: str) -> str:
    """'D:20241126000000Z' or 'D:20241126000000+01'00'' (a PDF date) as ISO 8601, '' if unreadable."""
    value = value.removeprefix("D:")
    digits = value[:14]
    if len(digits) < 8 or not digits.isdigit():
        return ""
    digits = digits.ljust(14, "0")
    iso = f"{digits[:4]}-{digits[4:6]}-{digits[6:8]}T{digits[8:10]}:{digits[10:12]}:{digits[12:14]}"
    zone = value[14:].replace("'", "")
    if zone.startswith("Z") or not zone:
        return iso + "Z"
    if zone[0] in "+-" and zone[1:].isdigit() and len(zone) in (3, 5):
        return f"{iso}{zone[:3]}:{(zone[3:5] or '00')}"
    return iso + "Z"


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def escape(text: str) -> str:
    """For XML text and attributes; characters XML cannot hold dropped."""
    return _escape(_NOT_XML.sub("", text), {'"': "&quot;"})


def _alt(tag: str, text: str, language: str) -> str:
    items = f'<rdf:li xml:lang="x-default">{escape(text)}</rdf:li>'
    if language and language != "x-default":
        items += f'<rdf:li xml:lang="{escape(language)}">{escape(text)}</rdf:li>'
    return f"<{tag}><rdf:Alt>{items}</rdf:Alt></{tag}>"


def _list(tag: str, kind: str, values: list[str]) -> str:
    items = "".join(f"<rdf:li>{escape(v)}</rdf:li>" for v in values)
    return f"<{tag}><rdf:{kind}>{items}</rdf:{kind}></{tag}>"


def _simple(tag: str, text: str) -> str:
    return f"<{tag}>{escape(text)}</{tag}>"


def packet(meta: BookMetadata, created: str = "", producer: str = "") -> str:
    """The XMP packet (RDF/XML): Dublin Core, PDF, XMP basic, rights, PRISM and NISO JAV (the
    book as published is the Version of Record; a draft is the Author's Original)."""
    language = meta.language or "en"
    keywords = ", ".join(meta.keywords)
    parts = [
        _simple("dc:format", "application/pdf"),
        _alt("dc:title", meta.title, language),
        _list("dc:creator", "Seq", meta.creators) if meta.creators else "",
        _alt("dc:description", meta.description, language) if meta.description else "",
        _list("dc:subject", "Bag", meta.keywords) if meta.keywords else "",
        _list("dc:language", "Bag", [language]),
        _alt("dc:rights", meta.rights, language) if meta.rights else "",
        _simple("pdf:Keywords", keywords) if keywords else "",
        _simple("pdf:Producer", producer) if producer else "",
        _simple("xmp:CreateDate", created) if created else "",
        _simple("xmp:ModifyDate", created) if created else "",
        _simple("xmp:MetadataDate", created) if created else "",
        _simple("xmpMM:RenditionClass", "draft" if meta.draft else "default"),
        _simple("xmpRights:Marked", "True") if meta.rights or meta.licence_url else "",
        _simple("xmpRights:WebStatement", meta.licence_url) if meta.licence_url else "",
        _simple("prism:isbn", meta.isbn) if meta.isbn else "",
        _simple("prism:doi", meta.doi) if meta.doi else "",
        _simple("prism:url", f"https://doi.org/{meta.doi}") if meta.doi else "",
        _simple("jav:journal_article_version", "AO" if meta.draft else "VoR"),
    ]
    xmlns = " ".join(f'xmlns:{prefix}="{uri}"' for prefix, uri in NAMESPACES.items())
    body = "\n   ".join(part for part in parts if part)
    return (
        f'<?xpacket begin="\ufeff" id="{PACKET_ID}"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
        ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
        f'  <rdf:Description rdf:about="" {xmlns}>\n   {body}\n  </rdf:Description>\n'
        " </rdf:RDF>\n"
        "</x:xmpmeta>\n" + (" " * 99 + "\n") * 20 + '<?xpacket end="w"?>'
        # room for a later in-place edit, as the specification recommends
    )


def embed(pdf_path: Path, meta: BookMetadata) -> None:
    """Write the packet into the PDF (the document catalog's /Metadata), its dates and producer
    from the PDF's own Info dictionary (SOURCE_DATE_EPOCH's date when set), and the same bytes for
    the same book (a deterministic file identifier)."""
    import pikepdf

    with pikepdf.open(pdf_path, allow_overwriting_input=True) as pdf:
        info = pdf.docinfo
        created = pdf_date_to_xmp(str(info.get("/CreationDate", "")))
        producer = str(info.get("/Producer", ""))
        data = packet(meta, created, producer).encode("utf-8")
        pdf.Root.Metadata = pdf.make_stream(data, Type=pikepdf.Name.Metadata, Subtype=pikepdf.Name.XML)
        pdf.save(pdf_path, deterministic_id=True)
