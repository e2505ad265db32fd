"""Hostile poster PDFs, written byte by byte where pikepdf would normalise the trick away: objects
hidden in an object stream (compressed twice, hex-encoded under the abbreviated /AHx, with a Flate
predictor, or after `stream` and a lone CR), indexed by a cross-reference stream as Chromium reads
them; and the checks that a rewritten file holds nothing that runs."""

from __future__ import annotations

import io
import zlib

import pikepdf

ALERT = b"app.alert('owned')"
CATALOG = b"<< /Type /Catalog /Pages 2 0 R %s >>"
PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] %s >>"
JS_ACTION = b"<< /Type /Action /S /JavaScript /JS (" + ALERT + b") >>"


def png_up(data: bytes, columns: int) -> bytes:
    """``data`` under the PNG 'Up' predictor (each row the difference from the row above)."""
    data += b" " * (-len(data) % columns)
    rows = [data[i : i + columns] for i in range(0, len(data), columns)]
    out, above = [], bytes(columns)
    for row in rows:
        out.append(b"\x02" + bytes((a - b) % 256 for a, b in zip(row, above, strict=True)))
        above = row
    return b"".join(out)


# how the object stream is written: (its /Filter and /DecodeParms, its encoded bytes)
ENCODINGS = {
    "flate twice": lambda c: (b"/Filter [/FlateDecode /FlateDecode]", zlib.compress(zlib.compress(c))),
    "AHx": lambda c: (b"/Filter /AHx", c.hex().encode() + b">"),
    "flate predictor": lambda c: (
        b"/Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 8 >>",
        zlib.compress(png_up(c, 8)),
    ),
    "lone CR": lambda c: (b"/Filter /FlateDecode", zlib.compress(c)),
}


def raw_pdf(
    objects: dict[int, bytes], packed: dict[int, bytes] | None = None, encoding="flate twice"
) -> bytes:
    """A PDF 1.5 of ``objects`` (number → body), with ``packed`` (number → body) in one object
    stream written the ``encoding`` way (a name in ENCODINGS, or such a function), and a
    cross-reference stream pointing into it."""
    packed = packed or {}
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}
    for num, body in sorted(objects.items()):
        offsets[num] = out.tell()
        out.write(b"%d 0 obj\n%s\nendobj\n" % (num, body))
    size = max([*objects, *packed]) + 1
    entries = {num: (1, offsets[num], 0) for num in objects}
    if packed:
        objstm = size
        size += 1
        heads, bodies, pos = [], [], 0
        for index, (num, body) in enumerate(sorted(packed.items())):
            heads.append(b"%d %d" % (num, pos))
            bodies.append(body + b"\n")
            pos += len(body) + 1
            entries[num] = (2, objstm, index)
        head = b" ".join(heads) + b"\n"
        params, data = ENCODINGS.get(encoding, encoding)(head + b"".join(bodies))
        eol = b"\r" if encoding == "lone CR" else b"\n"
        offsets[objstm] = out.tell()
        entries[objstm] = (1, offsets[objstm], 0)
        out.write(
            b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Length %d %s >>\nstream%s"
            % (objstm, len(packed), len(head), len(data), params, eol)
        )
        out.write(data + b"\nendstream\nendobj\n")
    xref = size
    size += 1
    entries[xref] = (1, out.tell(), 0)
    rows = b"".join(
        bytes([kind]) + field.to_bytes(4, "big") + extra.to_bytes(2, "big")
        for kind, field, extra in (entries.get(n, (0, 0, 0xFFFF)) for n in range(size))
    )
    out.write(
        b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n"
        % (xref, size, len(rows))
    )
    out.write(rows + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % entries[xref][1])
    return out.getvalue()


def hidden_javascript(encoding: str) -> bytes:
    """A one-page PDF whose catalog opens a JavaScript action, and whose first page runs another
    when opened (/AA): both dictionaries hidden in an object stream written the ``encoding`` way."""
    return raw_pdf(
        {1: CATALOG % b"/OpenAction 4 0 R", 2: PAGES, 3: PAGE % b"/AA << /O 5 0 R >>"},
        {4: JS_ACTION, 5: JS_ACTION},
        encoding,
    )


def one_page(catalog: bytes = b"", page: bytes = b"", more: dict[int, bytes] | None = None) -> bytes:
    """A plain one-page PDF, with ``catalog`` and ``page`` entries added and objects ``more``."""
    return raw_pdf({1: CATALOG % catalog, 2: PAGES, 3: PAGE % page, **(more or {})})


# --------------------------------------------------------------------------- what must not remain

RUNNING_NAMES = {
    "/JavaScript",
    "/JS",
    "/Launch",
    "/SubmitForm",
    "/ImportData",
    "/ResetForm",
    "/GoToR",
    "/GoToE",
    "/Rendition",
    "/Movie",
    "/Sound",
    "/RichMedia",
    "/Screen",
    "/EmbeddedFile",
    "/EmbeddedFiles",
    "/FileAttachment",
    "/XFA",
    "/AA",
    "/EF",
    "/Hide",
}


def running_parts(data: bytes) -> list[str]:
    """Everything in the PDF ``data`` that a reader would run or open, as pikepdf parses it: names
    (as keys or values) of scripts, programs, forms, media and embedded files, actions other than
    GoTo and http(s) URI, a non-destination /OpenAction; and the payload's own words in any
    stream's decoded bytes."""
    found = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for obj in [*pdf.objects, pdf.trailer]:
            stack = [obj]
            while stack:
                item = stack.pop()
                if isinstance(item, pikepdf.Stream) and b"owned" in item.read_bytes():
                    found.append("the payload's text in a stream")
                if isinstance(item, pikepdf.Dictionary | pikepdf.Stream):
                    found += [k for k in item.keys() if k in RUNNING_NAMES]  # noqa: SIM118
                    if "/S" in item and "/A" not in item and item.get("/Type") in (None, pikepdf.Name.Action):
                        kind = str(item.get("/S"))
                        if kind == "/URI" and not str(item.get("/URI", "")).startswith(
                            ("http://", "https://")
                        ):
                            found.append(f"URI {item.get('/URI')}")
                    children = list(item.values())
                elif isinstance(item, pikepdf.Array):
                    children = list(item)
                else:
                    continue
                for child in children:
                    if isinstance(child, pikepdf.Name) and str(child) in RUNNING_NAMES:
                        found.append(str(child))
                    elif isinstance(child, pikepdf.String) and ALERT in bytes(child):
                        found.append("the payload's text in a string")
                    elif isinstance(child, pikepdf.Dictionary | pikepdf.Array) and not child.is_indirect:
                        stack.append(child)
        action = pdf.Root.get("/OpenAction")
        if (
            action is not None
            and not isinstance(action, pikepdf.Array)
            and action.get("/S") != pikepdf.Name.GoTo
        ):
            found.append("/OpenAction")
    return found
