"""Poster PDFs: what could not be looked into is refused, and the check's work is bounded."""

import zlib

from workshop import pdffile
from workshop.pdffile import INFLATE_PIECE, MAX_INFLATED_BYTES, MAX_STREAMS, pdf_bytes_problem

REL = "abstracts/x-poster.pdf"


def _stream(content: bytes, compress: bool = True) -> bytes:
    body = zlib.compress(content, 9) if compress else content
    return b"1 0 obj << /Length " + str(len(body)).encode() + b" >> stream\n" + body + b"\nendstream endobj\n"


def test_javascript_behind_a_stream_past_the_inflate_bound_is_refused():
    """A first stream that inflates past the bound used to end the scan, and what followed (an
    object stream with /OpenAction and /JavaScript) was published."""
    bomb = _stream(b"\0" * (MAX_INFLATED_BYTES + 1))
    hidden = _stream(b"<< /OpenAction 4 0 R /Names << /JavaScript 5 0 R >> >>")
    problem = pdf_bytes_problem(b"%PDF-1.7\n" + bomb + hidden + b"%%EOF", REL)
    assert problem and "too much to check" in problem and REL in problem


def test_the_same_javascript_without_the_padding_is_refused_by_name():
    hidden = _stream(b"<< /OpenAction 4 0 R >>")
    assert "/OpenAction" in pdf_bytes_problem(b"%PDF-1.7\n" + hidden, REL)


def test_encodings_the_check_cannot_read_are_refused():
    for name in (b"/LZWDecode", b"/A#53CII85Decode", b"/ASCIIHexDecode", b"/RunLengthDecode"):
        data = b"%PDF-1.7\n1 0 obj << /Filter " + name + b" /Length 3 >> stream\nabc\nendstream\n"
        assert "cannot be checked" in pdf_bytes_problem(data, REL), name


def test_too_many_streams_is_refused_quickly():
    """'stream' repeated: each match used to copy the rest of the file (quadratic: 30 s per MB)."""
    data = b"%PDF-1.4\n" + b"stream\n" * (MAX_STREAMS + 1)
    assert "more than 50,000 streams" in pdf_bytes_problem(data, REL)


class _CountingInflater:
    """zlib.decompressobj, counting the compressed bytes it is given."""

    fed = 0
    make = staticmethod(zlib.decompressobj)

    def __init__(self):
        self._inflater = self.make()

    def decompress(self, data, *args):
        _CountingInflater.fed += len(data)
        return self._inflater.decompress(data, *args)

    @property
    def eof(self):
        return self._inflater.eof


def test_many_small_valid_streams_in_a_large_file_are_checked_linearly(monkeypatch):
    """Each stream is fed in pieces, so the work per stream is a piece, not the rest of the file."""
    monkeypatch.setattr(pdffile.zlib, "decompressobj", _CountingInflater)
    one = _stream(b"BT (hi) Tj ET")
    streams = 20_000
    data = b"%PDF-1.4\n" + one * streams + b"%" + b"x" * 15_000_000
    assert pdf_bytes_problem(data, REL) is None
    matches = data.count(b"stream\n")
    assert _CountingInflater.fed <= matches * INFLATE_PIECE < len(data) * 30  # not matches × file size
