"""Every ISO 3166-1 entry, generated from pycountry (never typed by hand): an iscm:State when the UN
lists it as a member or observer state, an iscm:Territory otherwise (both are iscm:Country).

Arabic names come from pycountry's iso3166-1 translations; where it has none (Türkiye), from the
Unicode CLDR names that Babel ships. UN membership comes from the curated CSV files in data/curated.
"""
from __future__ import annotations

import csv
import gettext
from pathlib import Path

import pycountry
from babel import Locale
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, SKOS, XSD

from iscm_graph.errors import DataError
from iscm_graph.namespaces import EU_COUNTRY, ID, ISCM, STATE, STATES_GRAPH

UN_MEMBER = ID["concept/un-member-state"]
UN_OBSERVER = ID["concept/un-observer-state"]
NON_UN = ID["concept/non-un-territory"]
UN_SOURCE = URIRef("https://www.un.org/en/about-us/member-states")


def _read_codes(path: Path) -> dict[str, str]:
    """alpha-3 -> admission year ('' when unknown), from a CSV with '#' comment lines."""
    if not path.exists():
        raise DataError(f"{path}: missing (list of UN member/observer states)")
    rows: dict[str, str] = {}
    with path.open(encoding="utf-8") as fh:
        lines = [line for line in fh if line.strip() and not line.startswith("#")]
    for lineno, row in enumerate(csv.DictReader(lines), start=2):
        code = (row.get("alpha3") or "").strip().upper()
        if pycountry.countries.get(alpha_3=code) is None:
            raise DataError(f"{path}: row {lineno}: {code!r} is not an ISO 3166-1 alpha-3 code")
        rows[code] = (row.get("admitted") or row.get("observer_since") or "").strip()
    return rows


def read_un_lists(curated_dir: Path) -> tuple[dict[str, str], dict[str, str]]:
    """UN member and observer states: alpha-3 -> year (admission or observer status)."""
    return _read_codes(curated_dir / "un-members.csv"), _read_codes(curated_dir / "un-observers.csv")


def states_graph(curated_dir: Path, members: dict[str, str], observers: dict[str, str]) -> Graph:
    arabic = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ar"])
    cldr_ar = Locale("ar").territories
    g = Graph(identifier=STATES_GRAPH)
    g.add((STATES_GRAPH, RDF.type, ISCM.SourceGraph))
    g.add((STATES_GRAPH, DCTERMS.description, Literal(
        "ISO 3166-1 entries generated from pycountry (names, codes, Arabic names), Arabic names "
        "missing there from Unicode CLDR via Babel, and UN membership from the UN's list of "
        "member states.", lang="en")))
    for source in ("https://pypi.org/project/pycountry/", "https://cldr.unicode.org/", str(UN_SOURCE)):
        g.add((STATES_GRAPH, PROV.wasDerivedFrom, URIRef(source)))
    for concept, en, ar in ((UN_MEMBER, "UN member state", "دولة عضو في الأمم المتحدة"),
                            (UN_OBSERVER, "UN observer state", "دولة مراقبة في الأمم المتحدة"),
                            (NON_UN, "territory (not a UN member or observer)", "إقليم ليس عضواً ولا مراقباً في الأمم المتحدة")):
        g.add((concept, RDF.type, SKOS.Concept))
        g.add((concept, SKOS.prefLabel, Literal(en, lang="en")))
        g.add((concept, SKOS.prefLabel, Literal(ar, lang="ar")))
    for country in pycountry.countries:
        iri = STATE[country.alpha_3.lower()]
        name_en = getattr(country, "common_name", None) or country.name
        name_ar = arabic.gettext(country.name)
        if name_ar == country.name:
            name_ar = cldr_ar.get(country.alpha_2)
        code = country.alpha_3
        g.add((iri, RDF.type, ISCM.State if code in members or code in observers else ISCM.Territory))
        g.add((iri, SKOS.prefLabel, Literal(name_en, lang="en")))
        if name_ar:
            g.add((iri, SKOS.prefLabel, Literal(name_ar, lang="ar")))
        official = getattr(country, "official_name", None)
        if official and official != name_en:
            g.add((iri, SKOS.altLabel, Literal(official, lang="en")))
        if country.name != name_en:
            g.add((iri, SKOS.altLabel, Literal(country.name, lang="en")))
        g.add((iri, ISCM.alpha2, Literal(country.alpha_2)))
        g.add((iri, ISCM.alpha3, Literal(country.alpha_3)))
        g.add((iri, ISCM.numericCode, Literal(country.numeric)))
        g.add((iri, SKOS.exactMatch, EU_COUNTRY[country.alpha_3]))
        if code in members:
            g.add((iri, ISCM.unStatus, UN_MEMBER))
            if members[code]:
                g.add((iri, ISCM.unMemberSince, Literal(members[code], datatype=XSD.gYear)))
        elif code in observers:
            g.add((iri, ISCM.unStatus, UN_OBSERVER))
        else:
            g.add((iri, ISCM.unStatus, NON_UN))
    return g
