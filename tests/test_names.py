"""One order for people's names, on the site and in the book (sphinx_workshop_site.model.names)."""

import sys
import unicodedata

import pytest
from sphinx_workshop_site.gate.bibfile import read_bib
from sphinx_workshop_site.model.frontmatter import read_talk
from sphinx_workshop_site.model.names import (
    NameIndex,
    NameParts,
    file_name,
    index_name,
    latin_sort_key,
    name_problems,
)


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


# --------------------------------------------------------------------------- as the pages say (#23)

FILED = [
    # name, parts, shown in the index, its letter
    ("Wang Lei (王磊)", NameParts(family="Wang"), "Wang Lei (王磊)", "w"),
    ("Nguyễn Văn An", NameParts(family="Nguyễn"), "Nguyễn Văn An", "n"),
    ("Kovács János", NameParts(order="family-first"), "Kovács János", "k"),
    ("Kovács János", NameParts(family="Kovács"), "Kovács János", "k"),
    ("山田 太郎", NameParts(sort="Yamada Taro"), "山田 太郎", "y"),
    ("佐藤 花子", NameParts(sort="Sato Hanako"), "佐藤 花子", "s"),
    ("김민준", NameParts(sort="Kim Minjun"), "김민준", "k"),
    ("אברהם לוי", NameParts(family="לוי", sort="Levi Avraham"), "לוי, אברהם", "l"),
    ("אברהם לוי", NameParts(family="לוי"), "לוי, אברהם", "l"),  # anyascii: lvy
    ("Ludwig van Beethoven", NameParts(family="van Beethoven"), "van Beethoven, Ludwig", "v"),
    ("Gabriel García Márquez", NameParts(given="Gabriel"), "García Márquez, Gabriel", "g"),
    ("王磊 (Wang Lei)", NameParts(family="王"), "王磊 (Wang Lei)", "w"),
    ("太郎 山田", NameParts(order="given-first"), "山田, 太郎", "s"),  # anyascii: Shan Tian
    ("Plato", NameParts(family="Plato", order="family-first"), "Plato", "p"),
]


@pytest.mark.parametrize(("name", "parts", "shown", "letter"), FILED)
def test_a_name_is_filed_as_its_page_says(name, parts, shown, letter):
    filed = file_name(name, parts)
    assert (filed.shown, filed.key[0]) == (shown, letter)
    assert name_problems(name, parts) == []


def test_without_parts_the_guess_stays():
    assert file_name("Wang Lei (王磊)").shown == "Lei, Wang (王磊)"  # the guess: the last word
    assert file_name("김민준").key == latin_sort_key("김민준") == "gimminjun"  # under G
    assert file_name("山田 太郎").key.startswith("shan")  # anyascii reads 山田 as Chinese


def test_family_and_given_names_are_known_only_when_given():
    assert (file_name("Wang Lei (王磊)", NameParts(family="Wang")).family, "Lei") == ("Wang", "Lei")
    assert file_name("Wang Lei (王磊)", NameParts(family="Wang")).given == "Lei"
    assert file_name("Nguyễn Văn An", NameParts(family="Nguyễn")).given == "Văn An"
    assert file_name("Kovács János", NameParts(order="family-first")).family is None  # a guess
    assert file_name("山田 太郎", NameParts(sort="Yamada Taro")).family is None


def test_the_filed_order_is_by_family_name():
    people = [
        ("Wang Lei (王磊)", NameParts(family="Wang")),
        ("Nguyễn Văn An", NameParts(family="Nguyễn")),
        ("Kovács János", NameParts(order="family-first")),
        ("山田 太郎", NameParts(sort="Yamada Taro")),
        ("佐藤 花子", NameParts(sort="Sato Hanako")),
        ("김민준", NameParts(sort="Kim Minjun")),
        ("אברהם לוי", NameParts(family="לוי", sort="Levi Avraham")),
        ("André de Almeida", NameParts()),
        ("张伟", NameParts()),
    ]
    ordered = [name for name, parts in sorted(people, key=lambda p: file_name(*p).key)]
    assert ordered == [
        "André de Almeida",
        "김민준",
        "Kovács János",
        "אברהם לוי",
        "Nguyễn Văn An",
        "佐藤 花子",
        "Wang Lei (王磊)",
        "山田 太郎",
        "张伟",
    ]


def test_a_name_written_without_its_parts_takes_them_from_elsewhere():
    """One person, one entry: 김민준 given sort-as on the speaker page is filed under K where a
    talk's author entry writes the name alone; an entry's own parts win."""
    index = NameIndex([("김민준", NameParts(sort="Kim Minjun")), ("Wang Lei", NameParts())])
    assert index.file("김민준").key == "kim minjun"
    assert index.file(" 김민준 ").shown == "김민준"
    assert index.file("김민준", NameParts(sort="Gim Minjun")).key == "gim minjun"
    assert index.file("Wang Lei").shown == "Lei, Wang"


@pytest.mark.parametrize(
    ("name", "parts", "key", "message"),
    [
        (
            "山田 太郎",
            NameParts(family="Yamada"),
            "family-name",
            "family-name 'Yamada' is not part of the name '山田 太郎': write the family name as the name "
            "writes it (a spelling in Latin letters goes in 'sort-as')",
        ),
        (
            "Ada Lovelace",
            NameParts(given="Augusta"),
            "given-name",
            "given-name 'Augusta' is not part of the name 'Ada Lovelace': write the given name as the "
            "name writes it (a spelling in Latin letters goes in 'sort-as')",
        ),
        (
            "Kovács János",
            NameParts(family="Kovács", order="given-first"),
            "name-order",
            "name-order is given-first, but the name 'Kovács János' starts with its family name 'Kovács': "
            "write 'name-order: family-first'",
        ),
        (
            "János Kovács",
            NameParts(family="Kovács", order="family-first"),
            "name-order",
            "name-order is family-first, but the name 'János Kovács' does not start with its family name "
            "'Kovács': write the name family name first, or 'name-order: given-first'",
        ),
    ],
)
def test_a_part_that_does_not_fit_the_name_is_named(name, parts, key, message):
    assert name_problems(name, parts) == [(key, message)]


# --------------------------------------------------------------------------- on the site (#23)


def speaker(name: str, *lines: str) -> str:
    return "\n".join(["---", "affiliation: Université de Lorraine", *lines, "---", "", f"# {name}", ""])


NAMED_SITE = {
    "speakers/wang.md": speaker("Wang Lei (王磊)", "family-name: Wang"),
    "speakers/nguyen.md": speaker("Nguyễn Văn An", "family-name: Nguyễn"),
    "speakers/kovacs.md": speaker("Kovács János", "name-order: family-first"),
    "speakers/yamada.md": speaker("山田 太郎", "sort-as: Yamada Taro"),
    "speakers/sato.md": speaker("佐藤 花子", "sort-as: Sato Hanako"),
    "speakers/kim.md": speaker("김민준", "sort-as: Kim Minjun"),
    "speakers/levi.md": speaker("אברהם לוי", "family-name: לוי", "sort-as: Levi Avraham"),
    # a family name the name does not hold: named at its line, the name filed by the guess (Rossi)
    "speakers/rossi.md": speaker("Maria Rossi", "family-name: Bianchi"),
    "abstracts/alpha.md": (
        "---\nspeakers: [ada, wang, kovacs]\nauthors:\n  - name: Wang Lei (王磊)\n"
        "  - name: Nguyễn Văn An\n    given-name: Văn An\n  - name: Kovács János\n---\n\n"
        "# Alpha talk\n\nThe alpha abstract{footcite}`li2020`.\n"
    ),
    "abstracts/alpha.bib": (
        "@article{li2020,\n  author = {李, 娜 and Doe, Jane},\n  title = {低秩近似},\n"
        "  journal = {J. Low Rank},\n  year = {2020},\n  doi = {10.1000/li.2020}\n}\n"
    ),
}


@pytest.fixture(scope="module")
def named_site(tmp_path_factory):
    """The test-schedule root with the speakers above: one small build for the tests below."""
    import shutil

    from conftest import ROOT, sphinx_build, write_files

    root = tmp_path_factory.mktemp("names") / "site"
    shutil.copytree(ROOT / "tests/roots/test-schedule", root)
    write_files(root, NAMED_SITE)
    return sphinx_build(root, "html")


def test_the_speakers_list_is_in_family_name_order(named_site):
    from bs4 import BeautifulSoup

    page = BeautifulSoup(named_site.page("speakers/index.html"), "html.parser")
    cards = [card.find("strong").get_text() for card in page.select("ul.speaker-grid > li")]
    assert cards == [
        "김민준",  # kim minjun
        "Kovács János",
        "אברהם לוי",  # levi avraham
        "Ada Lovelace",
        "Nguyễn Văn An",
        "Maria Rossi",  # its family-name refused: the guess
        "佐藤 花子",
        "Bob Smith",
        "Wang Lei (王磊)",
        "山田 太郎",
    ]


def test_a_family_name_the_speakers_name_does_not_hold_is_named_at_its_line(named_site):
    located = [line for line in named_site.output.splitlines() if "speakers/rossi.md:3:" in line]
    assert located and "family-name 'Bianchi' is not part of the name 'Maria Rossi'" in located[0]
    assert "Traceback" not in named_site.output
    others = [line for line in named_site.output.splitlines() if "WARNING" in line and "rossi" not in line]
    assert not others, others


def test_json_ld_gives_family_and_given_names_when_known(named_site):
    import json

    from bs4 import BeautifulSoup

    script = BeautifulSoup(named_site.page("abstracts/alpha.html"), "html.parser").find(
        "script", type="application/ld+json"
    )
    event = json.loads(script.string)
    performers = {p["name"]: p for p in event["performer"]}
    assert performers["Wang Lei (王磊)"]["familyName"] == "Wang"
    assert performers["Wang Lei (王磊)"]["givenName"] == "Lei"
    assert "familyName" not in performers["Ada Lovelace"]  # a guess is not given as known
    assert "familyName" not in performers["Kovács János"]  # name-order alone: the split is guessed
    contributors = {p["name"]: p for p in event["contributor"]}
    # an author entry without parts takes the speaker page's; one with given-name derives the family
    assert contributors["Wang Lei (王磊)"]["familyName"] == "Wang"
    assert (contributors["Nguyễn Văn An"]["familyName"], contributors["Nguyễn Văn An"]["givenName"]) == (
        "Nguyễn",
        "Văn An",
    )


def test_frab_persons_keep_the_name_as_written(named_site):
    """frab's person has one name (schedule.xml and .json have no family or given name): as written,
    family name first where the name is written so."""
    import json

    data = json.loads(named_site.page("schedule.json"))
    persons = [
        p
        for day in data["schedule"]["conference"]["days"]
        for events in day["rooms"].values()
        for event in events
        for p in event["persons"]
    ]
    names = [p["name"] for p in persons]
    assert "Kovács János" in names and "Wang Lei (王磊)" in names
    assert all(set(p) <= {"name", "public_name", "guid", "url"} for p in persons), persons


def test_a_reference_in_cjk_characters_is_printed_family_name_first_on_the_site(named_site):
    from bs4 import BeautifulSoup

    page = BeautifulSoup(named_site.page("abstracts/alpha.html"), "html.parser")
    text = page.get_text(" ").replace("\xa0", " ")
    assert "李娜 and Jane Doe" in text, text[-800:]
    assert "娜 李" not in text


def test_the_name_keys_are_documented_where_the_front_matter_is():
    from conftest import ROOT
    from sphinx_workshop_site.model.names import NAME_KEYS

    guide = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    reference = (ROOT / "docs/reference.md").read_text(encoding="utf-8")
    for key in NAME_KEYS:
        assert f"| `{key}` |" in guide and f"`{key}`" in reference, key


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
