"""Right-to-left text in the book: Hebrew, Arabic and Persian runs set right to left.

XeTeX shapes each word in its own direction, but lays the words of a line left to right: "דוד
כהן" would print as "כהן דוד". So wherever the book writes contributor text (Sphinx's LaTeX
writer, booklayout's names and headings), each right-to-left run is written
``\\workshopRL{…}`` (workshopbook.sty: TeX--XeT's ``\\beginR…\\endR``; in the PDF outline, the
text in logical order). A run goes from a strong right-to-left character to the last one before
a strong left-to-right character (Unicode's bidi classes R and AL; L), with the spaces, digits
and punctuation between: "Noa Levi (נועה לוי)" is "Noa Levi (" then the run "נועה לוי" then ")";
a bracket the run opened is closed in it.
Brackets inside a run are written mirrored: TeX--XeT reverses their order but draws each one
as the text font's glyph, so ``(`` must be a ``)`` to look like an opening bracket on the right.

The fonts of each script (and their shaping) are chosen in TeX (workshopbook.sty).
Sphinx-free except for :class:`BookTranslator`.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from sphinx.util import texescape
from sphinx.util.texescape import escape

# Sphinx's escape() leaves text as it is until a LaTeX builder starts (its init() fills the
# table), but the book's cover, imprint and metadata are written at config-inited, before: a
# venue "R&D" reached LaTeX as "R&D". The table filled here, once, whatever runs first.
texescape.init()
RTL_MACRO = "workshopRL"  # texverify allows it in contributors' regions
MIRRORED = str.maketrans("()[]{}<>«»‹›", ")(][}{><»«›‹")
# Unicode's direction marks, embeddings and isolates: a mark (LRM, RLM) ends or starts a run here;
# none is printed (TeX sets the direction itself, and the fonts have no glyph for them)
BIDI_CONTROLS = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


@lru_cache(maxsize=4096)
def _direction(char: str) -> str:
    kind = unicodedata.bidirectional(char)
    if kind in ("R", "AL"):
        return "R"
    return "L" if kind == "L" else ""


RTL_ANY = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\U00010800-\U00010fff\U0001e800-\U0001efff]")


PAIRS = {")": "(", "]": "[", "}": "{", ">": "<", "»": "«", "›": "‹"}


def _closed(text: str, start: int, end: int) -> int:
    """Where the run ``text[start:end]`` ends with the brackets it opened: a bracket opened in the
    run and closed after its last right-to-left character ("جامعة (فرع الخرطوم)") is closed in
    it, or the closing bracket would print at the run's right end, where its reading begins
    (Unicode's paired brackets)."""
    opened: list[str] = []
    for char in text[start:end]:
        if char in PAIRS.values():
            opened.append(char)
        elif char in PAIRS and opened and opened[-1] == PAIRS[char]:
            opened.pop()
    index = end
    while opened and index < len(text) and not _direction(text[index]):
        if text[index] in PAIRS:
            if PAIRS[text[index]] != opened[-1]:
                break
            opened.pop()
            end = index + 1
        index += 1
    return end


def runs(text: str) -> list[tuple[str, bool]]:
    """``text`` as (part, right to left?) in order; only right-to-left parts start and end with
    a strong right-to-left character."""
    if not RTL_ANY.search(text):
        return [(text, False)] if text else []
    out: list[tuple[str, bool]] = []
    start = 0  # where the part not yet written starts
    run_start = None  # the run's first strong RTL character
    last_rtl = None  # the index after its last one
    for index, char in enumerate(text):
        kind = _direction(char)
        if kind == "R":
            if run_start is None:
                run_start = index
            last_rtl = index + 1
        elif kind == "L" and run_start is not None:
            last_rtl = _closed(text, run_start, last_rtl)
            out += [(text[start:run_start], False), (text[run_start:last_rtl], True)]
            start, run_start = last_rtl, None
    if run_start is not None:
        last_rtl = _closed(text, run_start, last_rtl)
        out += [(text[start:run_start], False), (text[run_start:last_rtl], True)]
        start = last_rtl
    out.append((text[start:], False))
    return [(part, rtl) for part, rtl in out if part]


def tex_text(text: str) -> str:
    """``text`` escaped for the book (XeLaTeX), each right-to-left run in ``\\workshopRL{…}``."""
    out = []
    for part, rtl in runs(text):
        part = part.translate(BIDI_CONTROLS)
        out.append(
            rf"\{RTL_MACRO}{{{escape(part.translate(MIRRORED), 'xelatex')}}}"
            if rtl
            else escape(part, "xelatex")
        )
    return "".join(out)


def setup_scripts(app) -> None:
    """The book's LaTeX writer: text escaped with its right-to-left runs marked."""
    from sphinx.writers.latex import LaTeXTranslator

    class BookTranslator(LaTeXTranslator):
        def encode(self, text: str) -> str:
            if self.literal_whitespace or self.config.latex_engine != "xelatex":
                return super().encode(text)
            return tex_text(text)

        def encode_uri(self, text: str) -> str:  # a link's target: as Sphinx writes it
            return (
                escape(text, self.config.latex_engine)
                .replace(r"\textasciitilde{}", "~")
                .replace(r"\sphinxhyphen{}", "-")
                .replace(r"\textquotesingle{}", "'")
            )

    app.set_translator("latex", BookTranslator, override=True)
