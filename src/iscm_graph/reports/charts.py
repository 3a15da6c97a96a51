"""Charts drawn server-side as SVG from live SPARQL results (they follow the data of each build)."""
from __future__ import annotations

from dataclasses import dataclass
from html import escape

CHARTS = {
    "mechanisms-by-kind": (
        "Mechanisms by kind", "أعداد آليات التشاور حسب نوعها", "mechanisms",
        """SELECT ?label (COUNT(DISTINCT ?m) AS ?value) WHERE {
  VALUES (?kind ?order) { (iscm:RegionalConsultativeProcess 1) (iscm:InterRegionalForum 2) (iscm:GlobalProcess 3) }
  ?m a ?kind . ?kind rdfs:label ?label FILTER (LANG(?label) = "en")
} GROUP BY ?label ?order ORDER BY ?order"""),
    "states-by-kind": (
        "Participating states by kind (fact sheet 000)", "الدول المشاركة حسب نوع الآلية", "states",
        """SELECT ?label ?value WHERE {
  VALUES (?kind ?order) { (iscm:RegionalConsultativeProcess 1) (iscm:InterRegionalForum 2) (iscm:GlobalProcess 3) }
  ?concept iscm:kindClass ?kind .
  GRAPH <https://w3id.org/iscm/graph/source/000> { ?concept iscm:declaredNumberOfParticipatingStates ?value }
  ?kind rdfs:label ?label FILTER (LANG(?label) = "en")
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
        """SELECT ?label (COUNT(DISTINCT ?m) AS ?value) WHERE {
  ?theme a iscm:ThematicArea ; skos:topConceptOf [] ; skos:prefLabel ?label FILTER (LANG(?label) = "en")
  ?focus skos:broader* ?theme . ?m a iscm:ConsultationMechanism ; iscm:thematicFocus ?focus .
} GROUP BY ?label ORDER BY DESC(?value) ?label"""),
}


@dataclass
class Chart:
    name: str
    title: str
    title_ar: str
    unit: str
    query: str
    rows: list[tuple[str, int]]


def chart_data(store, name: str) -> Chart:
    title, title_ar, unit, query = CHARTS[name]
    rows = [(r["label"].value, int(float(r["value"].value))) for r in store.query(query)]
    return Chart(name, title, title_ar, unit, query, rows)


def svg(chart: Chart) -> str:
    """A horizontal bar chart; text is real text (readable by screen readers, selectable)."""
    bar_h, gap, left, width = 26, 10, 260, 640
    top = 40
    height = top + len(chart.rows) * (bar_h + gap) + 10
    peak = max((v for _, v in chart.rows), default=1) or 1
    scale = (width - left - 60) / peak
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
             f'height="{height}" role="img" aria-labelledby="t-{chart.name}">',
             f'<title id="t-{chart.name}">{escape(chart.title)}</title>',
             f'<text x="0" y="22" font-family="sans-serif" font-size="16" font-weight="bold">{escape(chart.title)}</text>']
    for i, (label, value) in enumerate(chart.rows):
        y = top + i * (bar_h + gap)
        w = max(1, round(value * scale))
        parts.append(f'<text x="{left - 8}" y="{y + 18}" text-anchor="end" font-family="sans-serif" '
                     f'font-size="13">{escape(label if len(label) <= 36 else label[:35] + "…")}</text>')
        parts.append(f'<rect x="{left}" y="{y}" width="{w}" height="{bar_h}" fill="#1a5fb4">'
                     f'<title>{escape(label)}: {value} {chart.unit}</title></rect>')
        parts.append(f'<text x="{left + w + 6}" y="{y + 18}" font-family="sans-serif" font-size="13">{value}</text>')
    parts.append("</svg>")
    return "\n".join(parts)
