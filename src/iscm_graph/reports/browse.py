"""Lists for browsing: every kind of resource, and the mechanisms with facets (kind, region, theme,
secretariat, founding decade) counted over the current filter."""
from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import URIRef

from iscm_graph.namespaces import PREFIXES

LISTS = {
    # slug: (title, class, Arabic title)
    "mechanisms": ("Consultation mechanisms", "iscm:ConsultationMechanism", "آليات التشاور"),
    "states": ("States and territories", "iscm:Country", "الدول والأقاليم"),
    "bodies": ("Regional bodies", "iscm:RegionalBody", "الهيئات الإقليمية"),
    "commissions": ("UN regional commissions", "iscm:UNRegionalCommission", "اللجان الإقليمية للأمم المتحدة"),
    "secretariats": ("Secretariats", "iscm:Secretariat", "الأمانات"),
    "themes": ("Thematic areas", "iscm:ThematicArea", "المجالات المواضيعية"),
    "objectives": ("GCM objectives", "iscm:GCMObjective", "أهداف الاتفاق العالمي"),
    "paragraphs": ("Paragraphs of UN documents", "iscm:UNDocumentParagraph", "فقرات وثائق الأمم المتحدة"),
    "meetings": ("Global RCP meetings", "iscm:GlobalMeeting", "الاجتماعات العالمية"),
    "sources": ("Source documents", "iscm:SourceDocument", "الوثائق المصدرية"),
}

_LIST_QUERY = """
SELECT ?class ?s (SAMPLE(?en0) AS ?en) (SAMPLE(?ar0) AS ?ar) (SAMPLE(?n0) AS ?number) WHERE {
  ?s a ?class . FILTER (isIRI(?s))
  OPTIONAL { ?s skos:prefLabel ?en0 FILTER (LANG(?en0) = "en") }
  OPTIONAL { ?s skos:prefLabel ?ar0 FILTER (LANG(?ar0) = "ar") }
  OPTIONAL { ?s iscm:objectiveNumber|iscm:meetingNumber|iscm:paragraphNumber ?n0 }
} GROUP BY ?class ?s"""

_MECHANISMS = """
SELECT ?m ?en ?ar ?kind ?year ?acronym WHERE {
  ?m a ?kind . VALUES ?kind { iscm:RegionalConsultativeProcess iscm:InterRegionalForum iscm:GlobalProcess }
  OPTIONAL { ?m skos:prefLabel ?en FILTER (LANG(?en) = "en") }
  OPTIONAL { ?m skos:prefLabel ?ar FILTER (LANG(?ar) = "ar") }
  OPTIONAL { GRAPH <https://w3id.org/iscm/graph/source/000> { ?m iscm:foundingYear ?year } }
  OPTIONAL { GRAPH <https://w3id.org/iscm/graph/curated/names> { ?m skos:altLabel ?acronym FILTER (LANG(?acronym) = "en") } }
}"""
# each value's English name (required: the CSV/JSON rows carry it) and, when it has one, its Arabic name
_FACET_VALUES = {
    "region": "SELECT DISTINCT ?m ?v ?label ?ar { ?m iscm:geographicScope ?scope . ?scope iscm:includesRegion* ?v . ?v skos:prefLabel ?label FILTER (LANG(?label) = 'en') OPTIONAL { ?v skos:prefLabel ?ar FILTER (LANG(?ar) = 'ar') } }",
    "theme": "SELECT DISTINCT ?m ?v ?label ?ar { ?m iscm:thematicFocus ?t . ?t skos:broader* ?v . ?v skos:prefLabel ?label FILTER (LANG(?label) = 'en') OPTIONAL { ?v skos:prefLabel ?ar FILTER (LANG(?ar) = 'ar') } }",
    "secretariat": "SELECT DISTINCT ?m ?v ?label ?ar { ?m iscm:hasSecretariat ?v . ?v skos:prefLabel ?label FILTER (LANG(?label) = 'en') OPTIONAL { ?v skos:prefLabel ?ar FILTER (LANG(?ar) = 'ar') } }",
}
FACETS = ["kind", "region", "theme", "secretariat", "decade"]
# the kinds' names in both languages (IOM's Arabic terms)
KIND_LABELS = {"RegionalConsultativeProcess": {"en": "Regional consultative process", "ar": "عملية تشاورية إقليمية"},
               "InterRegionalForum": {"en": "Inter-regional forum", "ar": "منتدى أقاليمي"},
               "GlobalProcess": {"en": "Global process", "ar": "عملية عالمية"}}
# decades named as Arabic writers name them; others fall back to "عقد 1960"
_DECADES_AR = {1970: "سبعينيات القرن العشرين", 1980: "ثمانينيات القرن العشرين", 1990: "تسعينيات القرن العشرين",
               2000: "العقد الأول من القرن الحادي والعشرين", 2010: "العقد الثاني من القرن الحادي والعشرين",
               2020: "العقد الثالث من القرن الحادي والعشرين"}
SORTS = {"name": lambda m: m.en.lower(), "year": lambda m: (m.year or 9999, m.en.lower()),
         "kind": lambda m: (m.kind, m.en.lower()), "members": lambda m: (-(m.members or 0), m.en.lower())}


@dataclass
class Mechanism:
    iri: str
    en: str
    ar: str | None
    kind: str
    year: int | None
    acronym: str | None = None
    members: int | None = None
    # facet -> value id -> its names by language ({"en": ..., "ar": ...}; English always present)
    values: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)

    def as_row(self) -> dict:
        return {"iri": self.iri, "name_en": self.en, "name_ar": self.ar, "acronym": self.acronym,
                "kind": self.kind, "founding_year": self.year, "listed_members": self.members,
                "regions": self._english("region"), "themes": self._english("theme"),
                "secretariats": self._english("secretariat")}

    def _english(self, facet: str) -> str:
        return "; ".join(sorted(names["en"] for names in self.values[facet].values()))


def decade_names(year: int) -> dict[str, str]:
    start = year // 10 * 10
    return {"en": f"{start}s", "ar": _DECADES_AR.get(start, f"عقد {start}")}


def load_list(store, slug: str) -> list[dict]:
    prefix, local = LISTS[slug][1].split(":")
    rows = []
    for r in store.query(_LIST_QUERY, {"class": URIRef(PREFIXES[prefix] + local)}):
        rows.append({"iri": r["s"].value, "en": r["en"].value if r["en"] else None,
                     "ar": r["ar"].value if r["ar"] else None,
                     "number": int(r["number"].value) if r["number"] else None})
    rows.sort(key=lambda r: (r["number"] if r["number"] is not None else 10**6, (r["en"] or r["ar"] or r["iri"]).lower()))
    return rows


def load_mechanisms(store) -> list[Mechanism]:
    mechs: dict[str, Mechanism] = {}
    for r in store.query(_MECHANISMS):
        iri = r["m"].value
        m = mechs.get(iri)
        if m is None:
            year = r["year"].value[:4] if r["year"] is not None else None
            m = mechs[iri] = Mechanism(iri, r["en"].value if r["en"] else iri, r["ar"].value if r["ar"] else None,
                                       r["kind"].value.rsplit("#", 1)[1], int(year) if year else None)
            m.values = {"kind": {m.kind: KIND_LABELS[m.kind]}, "region": {}, "theme": {}, "secretariat": {},
                        "decade": {}}
            if m.year:
                m.values["decade"] = {f"{m.year // 10 * 10}s": decade_names(m.year)}
        if r["acronym"] is not None and (m.acronym is None or len(r["acronym"].value) < len(m.acronym)):
            m.acronym = r["acronym"].value
    for facet, query in _FACET_VALUES.items():
        for r in store.query(query):
            m = mechs.get(r["m"].value)
            if m is not None:
                names = {"en": r["label"].value, **({"ar": r["ar"].value} if r["ar"] is not None else {})}
                m.values[facet].setdefault(r["v"].value.rsplit("/", 1)[1], names)
    for r in store.query("SELECT ?m (COUNT(DISTINCT ?s) AS ?n) { ?m a iscm:ConsultationMechanism ; iscm:hasMember ?s } GROUP BY ?m"):
        if r["m"].value in mechs:
            mechs[r["m"].value].members = int(r["n"].value)
    return list(mechs.values())


def filter_mechanisms(mechs: list[Mechanism], selected: dict[str, str], sort: str = "name", lang: str = "en"):
    """The mechanisms matching every selected facet value, and each facet's values (id, names by
    language, count) among them, most frequent first, then by name in `lang`."""
    chosen = [m for m in mechs if all(v in m.values[f] for f, v in selected.items() if v)]
    facets: dict[str, list[tuple[str, str, int]]] = {}
    for facet in FACETS:
        counts: dict[str, list] = {}
        for m in chosen:
            for value, names in m.values[facet].items():
                counts.setdefault(value, [names, 0])[1] += 1
        facets[facet] = sorted(((v, names, n) for v, (names, n) in counts.items()),
                               key=lambda t: (-t[2], t[1].get(lang) or t[1]["en"]))
    chosen.sort(key=SORTS.get(sort, SORTS["name"]))
    return chosen, facets
