"""Affiliations as researchers write them: hundreds of real institution names, in their own
languages and scripts, are accepted as written (alone, first, or after another institution), while
the one mistake the check exists for, an unquoted "[KTH Royal Institute of Technology, Stockholm]"
that YAML splits into an institution and a town, is named at its line with the quoted item to write.

The check decides from a gazetteer (places.py, data/places.txt), not from the shape of a word;
these tests read pages with the real front matter reader (read_talk, read_speaker)."""

from __future__ import annotations

import json
import unicodedata

import pytest
import yaml
from sphinx_workshop_site.model.frontmatter import read_speaker, read_talk
from sphinx_workshop_site.model.places import DATA, Gazetteer, gazetteer, is_place, place_key

# Real names of universities, institutes, companies and labs, as their people write them.
INSTITUTIONS = [
    # French, Belgian, Swiss, Luxembourg
    "Université de Lorraine",
    "Université Paris Cité",
    "Sorbonne Université",
    "Université Grenoble Alpes",
    "Université Côte d'Azur",
    "Université Paris-Saclay",
    "Université PSL",
    "PSL",
    "École polytechnique",
    "École normale supérieure",
    "ENS de Lyon",
    "Institut Polytechnique de Paris",
    "CentraleSupélec",
    "Télécom Paris",
    "École des Ponts ParisTech",
    "Mines Paris – PSL",
    "ENSTA Paris",
    "Université de Bordeaux",
    "Aix-Marseille Université",
    "Université Claude Bernard Lyon 1",
    "Université de Strasbourg",
    "Université Toulouse III – Paul Sabatier",
    "Inria",
    "INRIA",
    "Inria Nancy – Grand Est",
    "Inria Paris",
    "CNRS",
    "Inserm",
    "INRAE",
    "CEA",
    "CEA List",
    "LORIA",
    "IECL",
    "LIP6",
    "IRISA",
    "CERMICS",
    "CMAP",
    "LJK",
    "Laboratoire Jacques-Louis Lions",
    "Institut Henri Poincaré",
    "Collège de France",
    "ONERA",
    "Ifremer",
    "KU Leuven",
    "UCLouvain",
    "Université catholique de Louvain",
    "Université libre de Bruxelles",
    "Vrije Universiteit Brussel",
    "Universiteit Gent",
    "Université du Luxembourg",
    "EPFL",
    "ETH",
    "ETH Zürich",
    "ETH Zurich",
    "Universität Zürich",
    "Universität Basel",
    "Université de Genève",
    "IDSIA",
    "Idiap",
    "Università della Svizzera italiana",
    # German-speaking
    "Technische Universität München",
    "TU München",
    "TUM",
    "Ludwig-Maximilians-Universität München",
    "Humboldt-Universität zu Berlin",
    "Technische Universität Berlin",
    "Universität Stuttgart",
    "Universität Wien",
    "TU Wien",
    "Universität Innsbruck",
    "Johannes Kepler Universität Linz",
    "RWTH Aachen",
    "Karlsruher Institut für Technologie",
    "KIT",
    "Universität Bonn",
    "Universität Heidelberg",
    "Max-Planck-Institut für Informatik",
    "Max Planck Institute for Mathematics in the Sciences",
    "MPI",
    "Fraunhofer",
    "Fraunhofer IAIS",
    "Helmholtz Munich",
    "DLR",
    "Forschungszentrum Jülich",
    "Weierstraß-Institut",
    "WIAS",
    "Zuse Institute Berlin",
    "ZIB",
    "Charité – Universitätsmedizin Berlin",
    # Italian, Spanish, Portuguese, Latin America
    "Università di Pisa",
    "Scuola Normale Superiore",
    "Politecnico di Milano",
    "Sapienza Università di Roma",
    "Università Bocconi",
    "SISSA",
    "Gran Sasso Science Institute",
    "Universidad de Granada",
    "Universidad Politécnica de Madrid",
    "Universitat Politècnica de Catalunya",
    "Universitat Pompeu Fabra",
    "BCAM",
    "Universidade de São Paulo",
    "Universidade Federal do Rio de Janeiro",
    "IMPA",
    "Instituto Superior Técnico",
    "Universidade do Porto",
    "Pontificia Universidad Católica de Chile",
    "Universidad Nacional Autónoma de México",
    "UNAM",
    "Universidad de Buenos Aires",
    "CONICET",
    # Central and Eastern Europe, Baltics
    "Uniwersytet Warszawski",
    "Politechnika Wrocławska",
    "Univerzita Karlova",
    "České vysoké učení technické v Praze",
    "Budapesti Műszaki és Gazdaságtudományi Egyetem",
    "Eötvös Loránd Tudományegyetem",
    "Rényi Intézet",
    "Universitatea din București",
    "Sveučilište u Zagrebu",
    "Univerza v Ljubljani",
    "Vilniaus universitetas",
    "Latvijas Universitāte",
    "Tartu Ülikool",
    # Nordic
    "Helsingin yliopisto",
    "Aalto-yliopisto",
    "Aalto University",
    "Kungliga Tekniska högskolan",
    "KTH",
    "KTH Royal Institute of Technology",
    "Chalmers tekniska högskola",
    "Lunds universitet",
    "Uppsala universitet",
    "Københavns Universitet",
    "Danmarks Tekniske Universitet",
    "DTU",
    "Norges teknisk-naturvitenskapelige universitet",
    "NTNU",
    "Universitetet i Oslo",
    "Simula",
    "Háskóli Íslands",
    "Háskólinn í Reykjavík",
    # Dutch, Irish, Welsh, British
    "Radboud Universiteit",
    "Universiteit van Amsterdam",
    "Technische Universiteit Delft",
    "TU Delft",
    "Rijksuniversiteit Groningen",
    "CWI",
    "Trinity College Dublin",
    "Ollscoil na Gaillimhe",
    "Prifysgol Caerdydd",
    "University of Oxford",
    "University of Cambridge",
    "Imperial College London",
    "UCL",
    "University of Edinburgh",
    "The Alan Turing Institute",
    "University of Manchester",
    # Turkish
    "Koç Üniversitesi",
    "Boğaziçi Üniversitesi",
    "Orta Doğu Teknik Üniversitesi",
    "ODTÜ",
    "İstanbul Teknik Üniversitesi",
    "Sabancı Üniversitesi",
    "Bilkent Üniversitesi",
    # Cyrillic
    "МФТИ",
    "Сколтех",
    "Яндекс",
    "Физтех",
    "МГУ имени М. В. Ломоносова",
    "Московский государственный университет",
    "НИУ ВШЭ",
    "Высшая школа экономики",
    "Санкт-Петербургский государственный университет",
    "ИВМ РАН",
    "Институт вычислительной математики РАН",
    "Новосибирский государственный университет",
    "Сбер",
    "Университет ИТМО",
    "Институт AIRI",
    "Київський національний університет імені Тараса Шевченка",
    "Софийски университет",
    "Белорусский государственный университет",
    "Назарбаев Университет",
    # Greek, Armenian, Georgian
    "Εθνικό Μετσόβιο Πολυτεχνείο",
    "Εθνικό και Καποδιστριακό Πανεπιστήμιο Αθηνών",
    "Αριστοτέλειο Πανεπιστήμιο Θεσσαλονίκης",
    "Πανεπιστήμιο Κρήτης",
    "Ίδρυμα Τεχνολογίας και Έρευνας",
    "Երևանի պետական համալսարան",
    "თბილისის სახელმწიფო უნივერსიტეტი",
    # Chinese, Japanese, Korean
    "清华大学",
    "北京大学",
    "中国科学院",
    "中国科学技术大学",
    "复旦大学",
    "上海交通大学",
    "浙江大学",
    "南京大学",
    "华为",
    "阿里巴巴",
    "腾讯",
    "百度",
    "字节跳动",
    "國立臺灣大學",
    "中央研究院",
    "香港大學",
    "香港科技大學",
    "東京大学",
    "京都大学",
    "理化学研究所",
    "理研",
    "大阪大学",
    "東北大学",
    "国立情報学研究所",
    "産業技術総合研究所",
    "富士通",
    "日立製作所",
    "サカナAI",
    "서울대학교",
    "한국과학기술원",
    "카이스트",
    "포항공과대학교",
    "삼성전자",
    "네이버",
    # Arabic, Persian, Hebrew
    "جامعة الملك عبدالله للعلوم والتقنية",
    "جامعة القاهرة",
    "جامعة الملك سعود",
    "الجامعة الأمريكية في بيروت",
    "جامعة محمد بن زايد للذكاء الاصطناعي",
    "دانشگاه تهران",
    "دانشگاه صنعتی شریف",
    "הטכניון",
    "האוניברסיטה העברית בירושלים",
    "אוניברסיטת תל אביב",
    "מכון ויצמן למדע",
    # South and South-East Asian scripts
    "भारतीय प्रौद्योगिकी संस्थान बॉम्बे",
    "भारतीय विज्ञान संस्थान",
    "टाटा मूलभूत अनुसंधान संस्थान",
    "কলকাতা বিশ্ববিদ্যালয়",
    "அண்ணா பல்கலைக்கழகம்",
    "จุฬาลงกรณ์มหาวิทยาลัย",
    "มหาวิทยาลัยมหิดล",
    "Đại học Quốc gia Hà Nội",
    "Trường Đại học Bách khoa Hà Nội",
    "Universiti Malaya",
    "Universitas Indonesia",
    "Institut Teknologi Bandung",
    # companies and labs
    "Skoltech",
    "Yandex",
    "Huawei",
    "Huawei Noah's Ark Lab",
    "DeepMind",
    "Google DeepMind",
    "Google",
    "Google Research",
    "Meta",
    "Meta AI",
    "FAIR",
    "Microsoft",
    "Microsoft Research",
    "Amazon",
    "Apple",
    "NVIDIA",
    "IBM Research",
    "Intel Labs",
    "OpenAI",
    "Anthropic",
    "Mistral AI",
    "Hugging Face",
    "Kyutai",
    "Criteo",
    "Naver Labs Europe",
    "Owkin",
    "Dataiku",
    "Thales",
    "Airbus",
    "Safran",
    "Valeo",
    "Orange",
    "Nokia",
    "Nokia Bell Labs",
    "Ericsson",
    "Siemens",
    "Bosch",
    "SAP",
    "Zalando",
    "Spotify",
    "Samsung",
    "LG AI Research",
    "Sony AI",
    "Toyota",
    "Toyota Research Institute",
    "Hitachi",
    "Honda Research Institute",
    "NEC Labs",
    "Fujitsu",
    "Preferred Networks",
    "Sakana AI",
    "RIKEN",
    "AIST",
    "Alibaba",
    "Tencent",
    "Baidu",
    "ByteDance",
    "SenseTime",
    "Sber",
    "Sberbank",
    "Tinkoff",
    "AIRI",
    "MIPT",
    "HSE",
    "MSU",
    "ITMO",
    "KAUST",
    "KAIST",
    "POSTECH",
    "Technion",
    "Weizmann Institute of Science",
    "MBZUAI",
    "Mila",
    "Vector Institute",
    "Amii",
    "MIT",
    "Caltech",
    "Stanford University",
    "Harvard University",
    "Princeton University",
    "UC Berkeley",
    "University of California, Berkeley",
    "Carnegie Mellon University",
    "CMU",
    "Cornell University",
    "Columbia University",
    "Columbia",
    "NYU",
    "Courant Institute",
    "Flatiron Institute",
    "Simons Foundation",
    "Lawrence Livermore National Laboratory",
    "Sandia National Laboratories",
    "Argonne National Laboratory",
    "Los Alamos National Laboratory",
    "Oak Ridge National Laboratory",
    "NASA Ames Research Center",
    "University of Toronto",
    "McGill University",
    "Université de Montréal",
    "Université Laval",
    "University of Tokyo",
    "Tsinghua University",
    "Peking University",
    "National University of Singapore",
    "NUS",
    "Nanyang Technological University",
    "NTU",
    "IISc",
    "IIT Bombay",
    "TIFR",
    "University of Melbourne",
    "ANU",
    "CSIRO",
    "Data61",
    "University of Cape Town",
    "Independent researcher",
]

QUOTE_IT = (
    "affiliation '{place}' names a place, not an institution: YAML split the affiliation at its "
    "comma; quote it: {item} (if it is an institution, write its full name)"
)
ONE_ITEM = (
    "affiliation '{place}' names a place, not an institution: write it in one item with the one "
    "before: {item} (if it is an institution, write its full name)"
)
SINGLE = (
    "affiliation '{place}' names a place, not an institution: the brackets made a list, split at its "
    "comma; quote it: affiliation: {item} (if it is an institution, write its full name)"
)


def talk(affiliations: str, key: str = "affiliations") -> str:
    """A talk page whose one author has these affiliations (written on line 5)."""
    return f"---\nspeakers: [ada]\nauthors:\n  - name: Ada Lovelace\n    {key}: {affiliations}\n---\n\n# T\n"


def speaker(affiliation: str) -> str:
    return f"---\naffiliation: {affiliation}\n---\n\n# Ada Lovelace\n"


def talk_problems(text: str) -> list[str]:
    return [str(p) for p in read_talk("alpha", text, "abstracts/alpha.md")[1]]


def speaker_problems(text: str) -> list[str]:
    return [str(p) for p in read_speaker("ada", text, "speakers/ada.md")[1]]


def quoted(text: str) -> str:
    """The YAML double-quoted form the messages print (and a contributor can paste)."""
    return json.dumps(text, ensure_ascii=False)


def plain_yaml(name: str) -> bool:
    """Whether the name can be written unquoted as a block list item."""
    try:
        return yaml.safe_load(f"- {name}") == [name]
    except yaml.YAMLError:
        return False


# --------------------------------------------------------------------------- no false alarm


def script_of(name: str) -> str:
    letter = next(c for c in name if c.isalpha())
    return unicodedata.name(letter).split()[0]


def test_the_names_are_many_and_in_many_scripts():
    assert len(INSTITUTIONS) >= 200 and len(set(INSTITUTIONS)) == len(INSTITUTIONS)
    scripts = {script_of(name) for name in INSTITUTIONS}
    assert {
        "LATIN",
        "CYRILLIC",
        "GREEK",
        "CJK",
        "HANGUL",
        "ARABIC",
        "HEBREW",
        "DEVANAGARI",
        "THAI",
    } <= scripts
    with_marks = [n for n in INSTITUTIONS if n.isascii() is False and script_of(n) == "LATIN"]
    assert len(with_marks) >= 40  # Koç Üniversitesi, Háskóli Íslands, Université ...
    one_word = [n for n in INSTITUTIONS if " " not in n]
    assert len(one_word) >= 80  # Skoltech, Yandex, МФТИ, Inria, ETH ...


@pytest.mark.parametrize("name", INSTITUTIONS)
def test_a_real_institution_is_accepted_as_written(name):
    written = quoted(name)
    forms = {
        "alone": talk(f"[{written}]"),
        "first, then another institution": talk(f"[{written}, Yandex]"),
        "after another institution": talk(f"[Inria, {written}]"),
        "after a town's institution": talk(f'["Université de Lorraine, Nancy", {written}]'),
        "singular key": talk(written, key="affiliation"),
        "singular key, then a list": talk(f"Skoltech\n    affiliations: [{written}]", key="affiliation"),
    }
    if plain_yaml(name):
        forms["block list"] = talk(f"\n      - KTH Royal Institute of Technology\n      - {name}")
        forms["plain singular key"] = talk(name, key="affiliation")
    for form, text in forms.items():
        meta, problems = read_talk("alpha", text, "abstracts/alpha.md")
        assert [str(p) for p in problems] == [], form
        assert name in meta.authors[0].affiliations, form
    assert speaker_problems(speaker(written)) == []
    assert read_speaker("ada", speaker(written), "speakers/ada.md")[0].affiliation == name


def test_a_place_alone_or_first_is_accepted():
    """A split leaves an item before the place, so a place standing alone or first is what the
    author meant (an independent researcher gives a town): accepted as written, no message."""
    for text in (
        talk("[Paris]"),
        talk("[Moscow, Skoltech]"),
        talk("Reykjavík", key="affiliation"),
        talk("[東京]"),
    ):
        assert talk_problems(text) == []
    assert speaker_problems(speaker("Moscow")) == []
    assert speaker_problems(speaker("Independent researcher, Berlin")) == []


def test_a_state_code_alone_after_an_institution_is_no_place():
    # MA, NY, QC are places only right after a town: "GA" may be General Atomics
    assert talk_problems(talk("[Inria, GA]")) == []
    assert talk_problems(talk("[Inria, IN]")) == []


# --------------------------------------------------------------------------- the split

# (list as written on line 5, the places named, the item the message tells to write)
SPLITS = [
    (
        "[KTH Royal Institute of Technology, Stockholm]",
        "Stockholm",
        "KTH Royal Institute of Technology, Stockholm",
    ),
    ("[Université de Lorraine, Nancy]", "Nancy", "Université de Lorraine, Nancy"),
    ("[Skoltech, Moscow]", "Moscow", "Skoltech, Moscow"),
    ("[University of Tokyo, 東京]", "東京", "University of Tokyo, 東京"),
    ("[清华大学, 北京]", "北京", "清华大学, 北京"),
    ("[Сколтех, Москва]", "Москва", "Сколтех, Москва"),
    ("[МФТИ, Долгопрудный]", "Долгопрудный", "МФТИ, Долгопрудный"),
    ("[ETH, Zürich]", "Zürich", "ETH, Zürich"),
    ("[Koç Üniversitesi, İstanbul]", "İstanbul", "Koç Üniversitesi, İstanbul"),
    ("[Háskóli Íslands, Reykjavík]", "Reykjavík", "Háskóli Íslands, Reykjavík"),
    ("[הטכניון, חיפה]", "חיפה", "הטכניון, חיפה"),
    ("[Technion, Haifa, Israel]", "Haifa, Israel", "Technion, Haifa, Israel"),
    ("[Εθνικό Μετσόβιο Πολυτεχνείο, Αθήνα]", "Αθήνα", "Εθνικό Μετσόβιο Πολυτεχνείο, Αθήνα"),
    ("[भारतीय प्रौद्योगिकी संस्थान बॉम्बे, मुंबई]", "मुंबई", "भारतीय प्रौद्योगिकी संस्थान बॉम्बे, मुंबई"),
    ("[서울대학교, 서울]", "서울", "서울대학교, 서울"),
    ("[جامعة القاهرة, القاهرة]", "القاهرة", "جامعة القاهرة, القاهرة"),
    ("[KAUST, Thuwal, Saudi Arabia]", "Thuwal, Saudi Arabia", "KAUST, Thuwal, Saudi Arabia"),
    ("[Inria, Sophia Antipolis]", "Sophia Antipolis", "Inria, Sophia Antipolis"),
    ("[Université Paris-Saclay, Orsay]", "Orsay", "Université Paris-Saclay, Orsay"),
    (
        "[Université de Lorraine, CNRS, Inria, LORIA, F-54000 Nancy, France]",
        "F-54000 Nancy, France",
        "LORIA, F-54000 Nancy, France",
    ),
    ("[MIT, Cambridge, MA]", "Cambridge, MA", "MIT, Cambridge, MA"),
    (
        "[Columbia University, New York, NY 10027]",
        "New York, NY 10027",
        "Columbia University, New York, NY 10027",
    ),
    ("[University of California, Berkeley]", "Berkeley", "University of California, Berkeley"),
    ("[Google, Mountain View, USA]", "Mountain View, USA", "Google, Mountain View, USA"),
    ("[Yandex, Moscow, Russia]", "Moscow, Russia", "Yandex, Moscow, Russia"),
    ("[Universidade de São Paulo, Sao Paulo]", "Sao Paulo", "Universidade de São Paulo, Sao Paulo"),
    ("[Universität Wien, Wien, Österreich]", "Wien, Österreich", "Universität Wien, Wien, Österreich"),
    ("[京都大学, 京都市]", "京都市", "京都大学, 京都市"),
    ("[Université Paris Cité, Paris (France)]", "Paris (France)", "Université Paris Cité, Paris (France)"),
    (
        "[Imperial College London, London SW7 2AZ]",
        "London SW7 2AZ",
        "Imperial College London, London SW7 2AZ",
    ),
    (
        "[EPFL, CH-1015 Lausanne, Switzerland]",
        "CH-1015 Lausanne, Switzerland",
        "EPFL, CH-1015 Lausanne, Switzerland",
    ),
    ("[Mila, Montréal, Québec]", "Montréal, Québec", "Mila, Montréal, Québec"),
    ("[Nokia Bell Labs, Murray Hill, NJ]", "Murray Hill, NJ", "Nokia Bell Labs, Murray Hill, NJ"),
    (
        "[Max Planck Institute for Plasma Physics, Garching bei München]",
        "Garching bei München",
        "Max Planck Institute for Plasma Physics, Garching bei München",
    ),
    ("[Inria, City of London]", "City of London", "Inria, City of London"),
]


def test_the_splits_are_many():
    assert len(SPLITS) >= 20


@pytest.mark.parametrize(("written", "places", "item"), SPLITS, ids=[s[0] for s in SPLITS])
def test_a_split_affiliation_is_named_at_its_line_with_the_quoting_fix(written, places, item):
    meta, problems = read_talk("alpha", talk(written), "abstracts/alpha.md")
    assert [str(p) for p in problems] == [
        f"abstracts/alpha.md:5: {QUOTE_IT.format(place=places, item=quoted(item))}"
    ]
    # read as YAML has it (the build stops on the message: nothing is printed wrong)
    assert len(meta.authors[0].affiliations) > 1


@pytest.mark.parametrize(("written", "places", "item"), SPLITS, ids=[s[0] for s in SPLITS])
def test_the_fix_is_what_the_contributor_meant(written, places, item):
    """The list with the message's item pasted in place of the split ones: no message, and the
    last affiliation is the whole one."""
    items = yaml.safe_load(written)
    joined = next(n for n in range(2, len(items) + 1) if ", ".join(items[-n:]) == item)
    fixed = [*items[:-joined], item]
    meta, problems = read_talk("alpha", talk("[" + ", ".join(map(quoted, fixed)) + "]"), "abstracts/alpha.md")
    assert problems == [] and meta.authors[0].affiliations == tuple(fixed)


def test_after_a_place_the_run_of_places_gives_one_message():
    # "Paris, France" as a list: the split is France; the item to write joins both
    assert talk_problems(talk("[Paris, France]")) == [
        f"abstracts/alpha.md:5: {QUOTE_IT.format(place='France', item=quoted('Paris, France'))}"
    ]


def test_a_place_in_a_block_list_is_named_at_its_own_line():
    text = talk("\n      - KTH Royal Institute of Technology\n      - Stockholm\n      - Skoltech")
    item = quoted("KTH Royal Institute of Technology, Stockholm")
    assert talk_problems(text) == [f"abstracts/alpha.md:7: {ONE_ITEM.format(place='Stockholm', item=item)}"]


def test_a_place_after_the_singular_affiliation():
    text = talk("Inria\n    affiliations: [Nancy]", key="affiliation")
    assert talk_problems(text) == [
        f"abstracts/alpha.md:6: {ONE_ITEM.format(place='Nancy', item=quoted('Inria, Nancy'))}"
    ]


def test_two_splits_in_one_list_are_two_messages():
    text = talk("[Inria, Paris, Skoltech, Moscow]")
    assert talk_problems(text) == [
        f"abstracts/alpha.md:5: {QUOTE_IT.format(place='Paris', item=quoted('Inria, Paris'))}",
        f"abstracts/alpha.md:5: {QUOTE_IT.format(place='Moscow', item=quoted('Skoltech, Moscow'))}",
    ]


def test_the_fix_is_quoted_as_yaml_wants_it():
    text = talk('["Lab \\"Alpha\\" of X", Paris]')
    [problem] = talk_problems(text)
    item = problem.split("quote it: ", 1)[1].split(" (if", 1)[0]
    assert yaml.safe_load(f"[{item}]") == ['Lab "Alpha" of X, Paris']


def test_a_bracketed_singular_affiliation_is_named_once_with_the_fix():
    for text, file, line, reader in (
        (speaker("[KTH Royal Institute of Technology, Stockholm]"), "speakers/ada.md", 2, speaker_problems),
        (
            talk("[KTH Royal Institute of Technology, Stockholm]", key="affiliation"),
            "abstracts/alpha.md",
            5,
            talk_problems,
        ),
    ):
        item = quoted("KTH Royal Institute of Technology, Stockholm")
        assert reader(text) == [f"{file}:{line}: {SINGLE.format(place='Stockholm', item=item)}"]
    meta, _ = read_speaker("ada", speaker("[Inria, LORIA, Nancy]"), "speakers/ada.md")
    assert meta.affiliation == "Inria, LORIA, Nancy"
    assert speaker_problems(speaker("[Inria, LORIA, Nancy]")) == [
        f"speakers/ada.md:2: {SINGLE.format(place='Nancy', item=quoted('Inria, LORIA, Nancy'))}"
    ]
    # a bracketed list without a place stays what it was: one value is wanted
    assert speaker_problems(speaker("[Inria, CNRS]")) == [
        "speakers/ada.md:2: 'affiliation' must be a single value, not a list or mapping"
    ]


def test_a_place_with_a_control_character_is_refused_for_that_only():
    assert talk_problems(talk('[Inria, "Par\\x07is"]')) == [
        "abstracts/alpha.md:5: 'affiliations' holds a control character (U+0007): remove it"
    ]


# --------------------------------------------------------------------------- the gazetteer


def test_place_key_ignores_case_accents_dots_and_dashes():
    assert place_key("Zürich") == place_key("ZURICH") == "zurich"
    assert place_key("İstanbul") == place_key("Istanbul")
    assert place_key("Villers-lès-Nancy") == place_key("Villers les Nancy")
    assert place_key("U.S.A.") == "u s a" and place_key("Côte d’Ivoire") == "cote d'ivoire"
    assert place_key("Ёлкино") == place_key("Елкино")
    # marks that are letters elsewhere stay: kana voicing, Devanagari vowel signs
    assert place_key("ドバイ") != place_key("トハイ") and place_key("मुंबई") != place_key("मबई")


def test_every_line_of_the_data_is_already_a_key():
    """The file is read by splitting lines: every name must be in place_key's form (the script
    in tools/ writes them so; a changed place_key needs the file made again)."""
    text = DATA.read_text(encoding="utf-8")
    names = [line for line in text.splitlines() if line and not line.startswith(("#", "["))]
    assert [n for n in names if place_key(n) != n] == []
    sections = [line for line in text.splitlines() if line.startswith("[")]
    assert sections == ["[countries]", "[places]", "[codes]"]


def test_the_gazetteer_knows_towns_countries_and_regions_in_many_scripts():
    known = gazetteer()
    assert len(known.places) > 50_000 and len(known.countries) > 5_000
    for name in (
        "Stockholm",
        "Nancy",
        "Москва",
        "東京",
        "北京",
        "서울",
        "القاهرة",
        "חיפה",
        "Αθήνα",
        "मुंबई",
        "Reykjavík",
        "İstanbul",
        "Sao Paulo",
        "Moskau",
        "Moscou",
        "Bavaria",
        "Bayern",
        "Île-de-France",
        "California",
        "Deutschland",
        "Allemagne",
        "Германия",
        "ドイツ",
        "Europe",
        "Villers-lès-Nancy",
    ):
        assert is_place(name), name


def test_places_written_with_more_than_the_name():
    for name in (
        "F-54000 Nancy",
        "75005 Paris",
        "London SW7 2AZ",
        "Paris (France)",
        "Nancy (54)",
        "City of London",
        "Moscow Russia",
        "Cambridge MA",
        "New York City",
    ):
        assert is_place(name), name
    assert not is_place("MA") and is_place("MA", after_place=True)
    assert not is_place("NY 10027") and is_place("NY 10027", after_place=True)
    assert not is_place("") and not is_place("54000") and not is_place("Paris Skoltech")


def test_organisations_named_like_a_town_are_no_place():
    for name in ("Nokia", "Mila", "Toyota", "Hitachi", "Orange", "Columbia", "Meta", "Google", "Honda"):
        assert not is_place(name), name


def test_a_gazetteer_from_text():
    known = Gazetteer("# comment\n[countries]\nfrance\n[places]\nnancy\n[codes]\nma\n")
    assert known.is_place("France") and known.is_place("NANCY")
    assert known.is_place("Nancy France") and not known.is_place("Metz")
    assert not known.is_place("MA") and known.is_place("ma", after_place=True)


def test_a_list_of_many_splits_gives_bounded_output():
    """A hostile page: 20,000 institution-and-town pairs give ten messages and one count, and a run
    of 40,000 towns one message of bounded length."""
    problems = talk_problems(talk("[" + ", ".join(["Inria, Paris"] * 20_000) + "]"))
    assert len(problems) == 11
    assert problems[-1] == (
        "abstracts/alpha.md:5: affiliation: 19,990 more places split from their institution in this list: "
        "quote each"
    )
    [problem] = talk_problems(talk("[Inria, " + ", ".join(["Paris"] * 40_000) + "]"))
    assert len(problem) < 1_000 and "Paris, Paris" in problem and "…" in problem
