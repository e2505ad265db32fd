"""Text safe for every output: which characters no page, calendar, XML or JSON file may carry.

Pure Python. Two uses: the models refuse these characters with a located error
(``forbidden_char``, ``describe``), and every writer passes text through ``one_line`` or
``clean_text`` anyway (defence in depth: titles also come from the doctree and front matter).

Refused or dropped: C0 and C1 controls and DEL (XML 1.0 forbids most of them, a terminal obeys
them), U+2028/U+2029 (line breaks to iCalendar, JavaScript and some apps), format characters
such as bidi overrides and isolates and zero-width spaces (they make text read differently
from what it is), surrogates and the noncharacters U+FFFE/U+FFFF (not XML, not UTF-8).
Kept: U+200C and U+200D (zero-width non-joiner and joiner), which Persian, Indic scripts and
emoji sequences need.
"""

from __future__ import annotations

import re
import unicodedata

# Unicode's Cf (format) characters, less U+200C/U+200D; a test compares this with unicodedata.
FORMAT_CHARS = (
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b\u200e\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f"
)
CONTROL_CHARS = "\x00-\x1f\x7f-\x9f"  # C0, DEL, C1
LINE_SEPARATORS = "\u2028\u2029"
OTHER_CHARS = "\ud800-\udfff\ufffe\uffff"  # surrogates, noncharacters XML 1.0 refuses

# Every character a value in a data file may not hold (tab and line breaks included).
FORBIDDEN = re.compile(f"[{CONTROL_CHARS}{LINE_SEPARATORS}{FORMAT_CHARS}{OTHER_CHARS}]")
# Characters that end or space a line: become one space (or a line break in clean_text).
_BLANK_CHARS = "\t\n\v\f\r \x1c-\x1f\x85\u2028\u2029"
_BLANKS = re.compile(f"[{_BLANK_CHARS}]+")
# The other forbidden characters: dropped, as if never typed.
_DROPPED = re.compile(f"(?![{_BLANK_CHARS}])[{CONTROL_CHARS}{LINE_SEPARATORS}{FORMAT_CHARS}{OTHER_CHARS}]")
_LINE_BREAK = re.compile(r"\r\n|[\n\v\f\r\x1c-\x1e\x85\u2028\u2029]")
_SPACES = re.compile(r"[\t\x1f ]+")
_EMPTY_LINES = re.compile(r"\n{3,}")
_JSON_ESCAPED = re.compile(f"[<>&\x00-\x09\x0b-\x1f\x7f-\x9f{LINE_SEPARATORS}{FORMAT_CHARS}{OTHER_CHARS}]")

_NAMES = {
    "\t": "a tab",
    "\n": "a line break",
    "\r": "a line break",
    "\x85": "a line break",
    "\u2028": "a line separator",
    "\u2029": "a paragraph separator",
}


def forbidden_char(text: str) -> str | None:
    """The first character that no output may carry, or None."""
    match = FORBIDDEN.search(text)
    return match.group() if match else None


def forbidden_in_file(text: str) -> tuple[int, str] | None:
    """(offset, character) of the first character no output may carry in the text of a whole
    file (a .bib file: tabs and line breaks are its layout), or None. The same rule as
    ``forbidden_char`` for a front matter value: a name with U+200C is accepted by both."""
    for match in FORBIDDEN.finditer(text):
        if match.group() not in "\t\n\r":
            return match.start(), match.group()
    return None


def describe(char: str) -> str:
    """'a control character (U+0007)', 'a bidi override (U+202E)', for messages."""
    code = f"U+{ord(char):04X}"
    if char in _NAMES:
        return f"{_NAMES[char]} ({code})"
    if unicodedata.category(char) == "Cf":
        bidi = "\u202a" <= char <= "\u202e" or "\u2066" <= char <= "\u2069"
        return f"{'a bidi control' if bidi else 'an invisible format character'} ({code})"
    if unicodedata.category(char) == "Cs" or char in "\ufffe\uffff":
        return f"a code point that is not a character ({code})"
    return f"a control character ({code})"


def one_line(text: str) -> str:
    """A title, a name, a place: every run of blanks and line breaks becomes one space, every
    forbidden character goes, no leading or trailing space."""
    return _BLANKS.sub(" ", _DROPPED.sub("", str(text))).strip()


def clean_text(text: str) -> str:
    """An abstract or a description: line breaks stay (as '\\n', at most one empty line in a
    row), every other forbidden character goes."""
    lines = _LINE_BREAK.split(_DROPPED.sub("", str(text)))
    text = "\n".join(_SPACES.sub(" ", line).strip() for line in lines).strip()
    return _EMPTY_LINES.sub("\n\n", text)  # at most one empty line between paragraphs


def json_escape(json_text: str) -> str:
    """JSON text made by json.dumps, with forbidden characters as \\u escapes (the same string
    to a JSON reader) and '<', '>', '&' too, so that it can sit in an HTML <script> element.
    Raw line breaks are left: json.dumps escapes those in strings, the others are its indent."""

    def escape(match: re.Match) -> str:
        code = ord(match.group())
        if code > 0xFFFF:  # a surrogate pair, as JSON writes characters outside the BMP
            code -= 0x10000
            return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
        return f"\\u{code:04x}"

    return _JSON_ESCAPED.sub(escape, json_text)


def printable(text: str) -> str:
    """A message for a terminal or a log: every character that is not text to show (an escape
    sequence, a bidi control, a line break inside a name) as a visible ``\\x1b``/``\\u202e``."""

    def visible(match: re.Match) -> str:
        code = ord(match.group())
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"

    return FORBIDDEN.sub(visible, str(text))
