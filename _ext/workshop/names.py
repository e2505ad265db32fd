"""People's names in lists: one order for the site's speakers grid, the book's speakers part and
its author index (family name first, sorted by a Latin transliteration of the name)."""

from __future__ import annotations

import re

from anyascii import anyascii

CJK = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")
LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")


def index_name(name: str) -> str:
    """'André de Almeida' → 'Almeida, André de' (family name first); a name in CJK script only
    is already family name first; a part in parentheses (另名) stays after the name."""
    if CJK.search(name) and not LATIN.search(name):
        return name
    family, comma, given = re.sub(r"\([^)]*\)", "", name).partition(",")
    if comma and family.strip() and given.strip() and "," not in given:  # 'Muñoz, Íñigo', as BibTeX
        return name.strip()
    extra = " ".join(re.findall(r"\([^)]*\)", name))
    words = re.sub(r"\([^)]*\)", " ", name).split()
    if len(words) < 2:
        return name
    return f"{words[-1]}, {' '.join(words[:-1])}" + (f" {extra}" if extra else "")


def latin_sort_key(name: str) -> str:
    """The sort key: the family-name-first form, transliterated to Latin (anyascii: 张伟 files
    under Z, Παπαδόπουλος under P), lower case."""
    key = anyascii(index_name(name)).casefold()
    return re.sub(r"[^a-z0-9, ]+", "", key).strip() or "~"
