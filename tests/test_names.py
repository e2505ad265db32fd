"""One order for people's names, on the site and in the book (workshop.names)."""

import sys
import unicodedata

from workshop.bibfile import read_bib
from workshop.frontmatter import read_talk
from workshop.names import index_name, latin_sort_key


def test_family_name_first():
    assert index_name("André de Almeida") == "Almeida, André de"
    assert index_name("张伟") == "张伟"  # already family name first
    assert index_name("Wang Lei (王磊)") == "Lei, Wang (王磊)"
    assert index_name("Plato") == "Plato"


def test_names_in_every_script_sort_among_latin_names():
    names = ["Zoé Ürban", "张伟", "Παύλος Αθανασίου", "Иван Петров", "André de Almeida"]
    ordered = sorted(names, key=latin_sort_key)
    assert ordered == ["André de Almeida", "Παύλος Αθανασίου", "Иван Петров", "Zoé Ürban", "张伟"]
    assert all(latin_sort_key(n) != "~" for n in names)  # none falls to the end untransliterated


def test_a_name_written_family_comma_given_is_read_so():
    """'Muñoz, Íñigo' (as BibTeX writes it): filed under M as written, not 'Íñigo, Muñoz,'."""
    assert index_name("Muñoz, Íñigo") == "Muñoz, Íñigo"
    assert latin_sort_key("Muñoz, Íñigo") == latin_sort_key("Íñigo Muñoz") == "munoz, inigo"


# ------------------------------------------------------- one rule for the characters of a name (issue 24)


def _name_characters() -> list[str]:
    """Every format character (Cf), the C0 and C1 controls but the line breaks and tab a file is
    laid out with, the line and paragraph separators, and a few letters and marks."""
    chars = [chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf"]
    chars += [chr(c) for c in [*range(0x20), *range(0x7F, 0xA0)] if chr(c) not in "\t\n\r"]
    return [*chars, "\u2028", "\u2029", "é", "ß", "ی", "ه", "\u0301"]


def _front_matter_accepts(name: str) -> bool:
    meta, problems = read_talk(
        "t", f'---\nspeakers: [a]\nauthors:\n  - name: "{name}"\n---\n\n# T\n', "abstracts/t.md"
    )
    return not problems and meta.authors[0].name == name


def _bib_accepts(name: str) -> bool:
    text = (
        f"@article{{k,\n  author = {{{name}}},\n  title = {{T}},\n  journal = {{J}},\n  year = {{2020}}\n}}\n"
    )
    entries, problems = read_bib(text, "abstracts/t.bib")
    return bool(entries) and not problems


def test_a_name_is_accepted_by_the_front_matter_exactly_when_by_a_bib_file():
    """'می‌خواهم' (U+200C, Persian's zero-width non-joiner) is a name in a talk's front matter and in
    its .bib alike; U+200B (zero-width space) in neither: one rule (safetext) for both."""
    assert _front_matter_accepts("Mohammad\u200cReza Pour") and _bib_accepts("Mohammad\u200cReza Pour")
    differ = []
    for char in _name_characters():
        name = f"Ali{char}Reza Karimi"  # as typed into the file (a YAML escape reads the same)
        if _front_matter_accepts(name) != _bib_accepts(name):
            differ.append(f"U+{ord(char):04X}")
    assert differ == [], differ
