"""People's names in lists: one order for the site's speakers grid, the book's speakers part and
its author index (family name first, sorted by a Latin transliteration of the name).

A name is printed as written. How it is filed comes from what its page says of it
(:class:`NameParts`: the front matter keys ``family-name``, ``given-name``, ``sort-as`` and
``name-order`` of a speaker page or of an author), else from a guess: the last word of a name in
Latin letters is the family name, a name in Chinese, Japanese or Korean characters only is written
family name first. A name given its parts anywhere (a speaker page, one talk's author entry) is
filed the same way wherever it is written without them (:class:`NameIndex`): one person, one entry.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from anyascii import anyascii

CJK = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")
LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
BRACKETED = re.compile(r"\([^)]*\)")
# Thai and Lao vowels written before their consonant (ใจดี) are sorted after it, as the scripts'
# own dictionaries do: ใจดี files under C (chaidi), not A
LEADING_VOWEL = re.compile(r"([\u0e40-\u0e44\u0ec0-\u0ec4])([\u0e01-\u0e2e\u0e81-\u0eae])")

FAMILY_FIRST, GIVEN_FIRST = "family-first", "given-first"
NAME_ORDERS = (FAMILY_FIRST, GIVEN_FIRST)
# the front matter keys, for an author (under 'name') and for a speaker page
NAME_KEYS = ("family-name", "given-name", "sort-as", "name-order")


@dataclass(frozen=True)
class NameParts:
    """What a page says of a name besides how it is written (each optional): its family name and
    given name as the name writes them, a sort key in Latin letters, family name first ('Yamada
    Taro' for 山田 太郎), and whether the name is written family name first."""

    family: str | None = None
    given: str | None = None
    sort: str | None = None
    order: str | None = None  # FAMILY_FIRST | GIVEN_FIRST | None (guessed)
    # (key, line) of each key the page wrote: the checks that need the name name its line
    lines: tuple[tuple[str, int], ...] = field(default=(), compare=False, repr=False)

    def __bool__(self) -> bool:
        return any((self.family, self.given, self.sort, self.order))

    def line_of(self, key: str) -> int | None:
        return dict(self.lines).get(key)


NO_PARTS = NameParts()


@dataclass(frozen=True)
class Filed:
    """A name as lists file it: ``shown`` in the author index ('Almeida, André de', 'Kovács
    János'), ``key`` to sort by (lower-case Latin letters), and its family and given names when
    the page gives them (None when only guessed)."""

    shown: str
    key: str
    family: str | None = None
    given: str | None = None


def _spaced(text: str) -> str:
    return " ".join(text.split())


def _base(name: str) -> str:
    """The name without its parts in brackets (another writing of it: 'Wang Lei (王磊)')."""
    return _spaced(BRACKETED.sub(" ", name))


def _extra(name: str) -> str:
    return " ".join(BRACKETED.findall(name))


def _find(whole: str, part: str) -> re.Match | None:
    """Where ``part`` is in ``whole``: as whole words when it is there so ('An' in 'Nguyễn Văn
    An'), else anywhere (a family name in CJK characters, written without a space)."""
    part = _spaced(part)
    return re.search(rf"(?<!\w){re.escape(part)}(?!\w)", whole) or re.search(re.escape(part), whole)


def _without(whole: str, part: str) -> str:
    found = _find(whole, part)
    if found is None:
        return whole
    return _spaced(whole[: found.start()] + " " + whole[found.end() :]).strip(" ,")


def _clean_key(text: str) -> str:
    key = anyascii(LEADING_VOWEL.sub(r"\2\1", text)).casefold()
    return re.sub(r"[^a-z0-9, ]+", "", key).strip() or "~"


def _guess(name: str) -> str:
    """The family-name-first form of a name with no parts given (see the module's doc)."""
    if CJK.search(name) and not LATIN.search(name):
        return name
    family, comma, given = BRACKETED.sub("", name).partition(",")
    if comma and family.strip() and given.strip() and "," not in given:  # 'Muñoz, Íñigo', as BibTeX
        return name.strip()
    extra = _extra(name)
    words = BRACKETED.sub(" ", name).split()
    if len(words) < 2:
        return name
    return f"{words[-1]}, {' '.join(words[:-1])}" + (f" {extra}" if extra else "")


def file_name(name: str, parts: NameParts = NO_PARTS) -> Filed:
    """How ``name`` is filed, given what its page says of it (``parts``)."""
    base, extra = _base(name), _extra(name)
    family, given = parts.family, parts.given
    if family and not given:
        given = _without(base, family) or None
    elif given and not family:
        family = _without(base, given) or None
    known = (family, given) if parts.family or parts.given else (None, None)
    if not family and parts.order == FAMILY_FIRST:  # the first word (the whole of 张伟)
        family, _, rest = base.partition(" ")
        given = rest or None
    elif not family and parts.order == GIVEN_FIRST and " " in base:  # the last word (太郎 山田)
        given, _, family = base.rpartition(" ")
    if family:
        if parts.order:
            family_first = parts.order == FAMILY_FIRST
        else:
            found = _find(base, family)
            family_first = found is not None and found.start() == 0
        if family_first or not given:
            shown = name.strip()
        else:
            shown = f"{_spaced(family)}, {_spaced(given)}" + (f" {extra}" if extra else "")
        key = f"{family}, {given}" if given else family
    else:
        shown = _guess(name)
        key = shown
    return Filed(_spaced(shown), _clean_key(parts.sort or key), *known)


def name_problems(name: str, parts: NameParts) -> list[tuple[str, str]]:
    """(key, message) for each part that does not fit the name as written."""
    base = _base(name)
    out = []
    for key, part, what in (("family-name", parts.family, "family"), ("given-name", parts.given, "given")):
        if part and _find(base, part) is None:
            message = (
                f"{key} '{part}' is not part of the name '{base}': write the {what} name as the name "
                "writes it (a spelling in Latin letters goes in 'sort-as')"
            )
            out.append((key, message))
    if out or not parts.family or not parts.order:
        return out
    found = _find(base, parts.family)
    if _spaced(parts.family) == base:  # the whole name: no order to agree with
        return out
    starts = found is not None and found.start() == 0
    if parts.order == FAMILY_FIRST and not starts:
        message = (
            f"name-order is family-first, but the name '{base}' does not start with its family name "
            f"'{parts.family}': write the name family name first, or 'name-order: given-first'"
        )
        out.append(("name-order", message))
    elif parts.order == GIVEN_FIRST and starts:
        message = (
            f"name-order is given-first, but the name '{base}' starts with its family name "
            f"'{parts.family}': write 'name-order: family-first'"
        )
        out.append(("name-order", message))
    return out


def index_name(name: str, parts: NameParts = NO_PARTS) -> str:
    """'André de Almeida' → 'Almeida, André de' (family name first); a name written family name
    first ('Kovács János' with ``name-order: family-first``, 张伟) is shown as written; a part in
    parentheses (另名) stays after the name."""
    return file_name(name, parts).shown


def latin_sort_key(name: str, parts: NameParts = NO_PARTS) -> str:
    """The sort key: ``sort-as`` when the page gives it, else the family-name-first form,
    transliterated to Latin (anyascii: 张伟 files under Z, Παπαδόπουλος under P), lower case."""
    return file_name(name, parts).key


def same_name(name: str) -> str:
    """What two writings of one name share (spaces, case and Unicode normal form aside)."""
    return _spaced(unicodedata.normalize("NFC", name)).casefold()


class NameIndex:
    """The parts each written name is given anywhere: an occurrence of the name without parts
    of its own takes them (the first given wins: pass speaker pages first)."""

    def __init__(self, entries: Iterable[tuple[str, NameParts]] = ()) -> None:
        self.parts: dict[str, NameParts] = {}
        for name, parts in entries:
            if parts:
                self.parts.setdefault(same_name(name), parts)

    def parts_of(self, name: str, own: NameParts = NO_PARTS) -> NameParts:
        return own if own else self.parts.get(same_name(name), NO_PARTS)

    def file(self, name: str, own: NameParts = NO_PARTS) -> Filed:
        return file_name(name, self.parts_of(name, own))
