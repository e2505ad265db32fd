"""One order for people's names, on the site and in the book (workshop.names)."""

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
