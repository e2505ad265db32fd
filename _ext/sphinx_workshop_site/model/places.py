"""Known places: is an affiliation item a town, a country or a region?

The front matter check of affiliations (frontmatter.py) asks this of the items that follow another
one in the same list: ``[KTH Royal Institute of Technology, Stockholm]`` is YAML for two items, and
the second, Stockholm, is a known place. Knowledge, not the shape of a word: "Skoltech", "Yandex",
"МФТИ" or "Háskóli Íslands" are no place because no gazetteer has them, whatever their length or
script.

The gazetteer is ``data/places.txt``, made by ``tools/make_places.py`` (GeoNames towns of 15,000
inhabitants and more, the other names and scripts of those of 100,000 and more, CLDR country names
in sixty languages, states and regions). Its lines are already keys (``place_key``), so reading it
is splitting lines. Organisations named like a town (Nokia, Mila, Toyota) are left out of it.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data" / "places.txt"

_DASHES = re.compile("[\u2010\u2011\u2012\u2013\u2014\u2212-]")
_APOSTROPHES = re.compile("[\u2018\u2019\u02bc\u0060\u00b4]")
# Marks on these scripts' letters are optional (Zürich, Zurich; İstanbul, Istanbul; Ёлка, Елка);
# elsewhere (Devanagari viramas, kana voicing marks) they are part of the letter and are kept.
_FOLDED_SCRIPTS_END = 0x0530  # Latin, Greek, Cyrillic


def place_key(text: str) -> str:
    """The form in which names are compared: no case, no accents on Latin, Greek or Cyrillic
    letters, no dots, hyphens as spaces, one space between words."""
    text = _APOSTROPHES.sub("'", unicodedata.normalize("NFC", text)).casefold()
    kept: list[str] = []
    for char in unicodedata.normalize("NFD", text):
        if unicodedata.combining(char) and kept and ord(kept[-1]) < _FOLDED_SCRIPTS_END:
            continue
        kept.append(char)
    text = unicodedata.normalize("NFC", "".join(kept)).replace(".", " ")
    return " ".join(_DASHES.sub(" ", text).split())


class Gazetteer:
    """The names of ``data/places.txt``, by section: ``places`` (towns, regions, countries),
    ``countries`` (also in places), ``codes`` (MA, NY, QC: places only right after a place)."""

    def __init__(self, text: str) -> None:
        sections: dict[str, set[str]] = {"places": set(), "countries": set(), "codes": set()}
        current = sections["places"]
        for line in text.splitlines():
            if not line or line.startswith("#"):
                continue
            if line.startswith("[") and line.endswith("]"):
                current = sections[line[1:-1]]
                continue
            current.add(line)
        self.countries = frozenset(sections["countries"])
        self.places = frozenset(sections["places"]) | self.countries
        self.codes = frozenset(sections["codes"])

    def is_place(self, item: str, after_place: bool = False) -> bool:
        """True when the whole item names a place: 'Stockholm', 'Zurich', 'F-54000 Nancy',
        'City of London', 'Paris (France)', 'Moscow Russia'; a state code ('MA', 'NY 10027')
        only after a place (``after_place``)."""
        key = place_key(item)
        if not key:
            return False
        if key in self.places or (after_place and key in self.codes):
            return True
        # "Paris (France)", "Nancy (54)"
        if (inner := re.fullmatch(r"(.+?) ?\((.*)\)", key)) is not None:
            head, aside = inner.groups()
            if head in self.places and (aside in self.places or not aside.strip("0123456789 ")):
                return True
        words = key.split()
        # postal codes before or after the town: "F-54000 Nancy", "75005 Paris", "London SW7 2AZ"
        while words and (
            _has_digit(words[0]) or (len(words) > 2 and len(words[0]) <= 2 and _has_digit(words[1]))
        ):
            words.pop(0)  # "54000", or the "F" of "F-54000"
        while words and _has_digit(words[-1]):
            words.pop()
        if not words:
            return False
        core = " ".join(words)
        if core != key and (core in self.places or (after_place and core in self.codes)):
            return True
        for prefix in ("city of ", "the ", "greater "):
            if core.startswith(prefix) and core.removeprefix(prefix) in self.places:
                return True
        if core.endswith(" city") and core.removesuffix(" city") in self.places:
            return True
        # a town then its country or state: "Moscow Russia", "Cambridge MA"
        for cut in range(1, len(words)):
            head, tail = " ".join(words[:cut]), " ".join(words[cut:])
            if head in self.places and (tail in self.countries or tail in self.codes):
                return True
        return False


def _has_digit(word: str) -> bool:
    return any(char.isdigit() for char in word)


@cache
def gazetteer() -> Gazetteer:
    """The package's gazetteer, read once a process (a few hundred milliseconds at most)."""
    return Gazetteer(DATA.read_text(encoding="utf-8"))


def is_place(item: str, after_place: bool = False) -> bool:
    return gazetteer().is_place(item, after_place)
