"""The fact sheet's figures as data from live SPARQL results (they follow the data of each build); the
pictures module (reports/pictures.py) draws them as Vega-Lite bar charts."""
from __future__ import annotations

from dataclasses import dataclass

CHARTS = {
    "mechanisms-by-kind": (
        "Mechanisms by kind", "أعداد آليات التشاور حسب نوعها", "mechanisms",
        """SELECT ?label ?labelAr (COUNT(DISTINCT ?m) AS ?value) WHERE {
  VALUES (?kind ?order) { (iscm:RegionalConsultativeProcess 1) (iscm:InterRegionalForum 2) (iscm:GlobalProcess 3) }
  ?m a ?kind . ?kind rdfs:label ?label FILTER (LANG(?label) = "en")
  OPTIONAL { ?kind rdfs:label ?labelAr FILTER (LANG(?labelAr) = "ar") }
} GROUP BY ?label ?labelAr ?order ORDER BY ?order"""),
    "states-by-kind": (
        "Participating states by kind (fact sheet 000)", "الدول المشاركة حسب نوع الآلية", "states",
        """SELECT ?label ?labelAr ?value WHERE {
  VALUES (?kind ?order) { (iscm:RegionalConsultativeProcess 1) (iscm:InterRegionalForum 2) (iscm:GlobalProcess 3) }
  ?concept iscm:kindClass ?kind .
  GRAPH <https://w3id.org/iscm/graph/source/000> { ?concept iscm:declaredNumberOfParticipatingStates ?value }
  ?kind rdfs:label ?label FILTER (LANG(?label) = "en")
  OPTIONAL { ?kind rdfs:label ?labelAr FILTER (LANG(?labelAr) = "ar") }
} ORDER BY ?order"""),
    "mechanisms-by-decade": (
        "Mechanisms by decade of founding", "آليات التشاور حسب عقد إنشائها", "mechanisms",
        """SELECT ?label (COUNT(DISTINCT ?m) AS ?value) WHERE {
  ?m a iscm:ConsultationMechanism .
  GRAPH <https://w3id.org/iscm/graph/source/000> { ?m iscm:foundingYear ?year }
  BIND (CONCAT(STR(xsd:integer(FLOOR(xsd:integer(SUBSTR(STR(?year), 1, 4)) / 10) * 10)), "s") AS ?label)
} GROUP BY ?label ORDER BY ?label"""),
    "themes": (
        "Thematic areas by number of mechanisms", "المجالات المواضيعية حسب عدد الآليات", "mechanisms",
        """SELECT ?label ?labelAr (COUNT(DISTINCT ?m) AS ?value) WHERE {
  ?theme a iscm:ThematicArea ; skos:topConceptOf [] ; skos:prefLabel ?label FILTER (LANG(?label) = "en")
  OPTIONAL { ?theme skos:prefLabel ?labelAr FILTER (LANG(?labelAr) = "ar") }
  ?focus skos:broader* ?theme . ?m a iscm:ConsultationMechanism ; iscm:thematicFocus ?focus .
} GROUP BY ?label ?labelAr ORDER BY DESC(?value) ?label"""),
}


@dataclass
class Chart:
    name: str
    title: str
    title_ar: str
    unit: str
    query: str
    rows: list[tuple[str, int]]


def chart_data(store, name: str, lang: str = "en") -> Chart:
    """The chart's rows, labelled in `lang` where the graph has that language (else English)."""
    title, title_ar, unit, query = CHARTS[name]
    rows = []
    for r in store.query(query):
        arabic = r["labelAr"] if "labelAr" in query else None
        label = arabic.value if lang == "ar" and arabic is not None else r["label"].value
        rows.append((label, int(float(r["value"].value))))
    return Chart(name, title, title_ar, unit, query, rows)
