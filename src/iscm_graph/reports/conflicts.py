"""Where sources disagree: the same subject and property, different values in different graphs;
and where one document disagrees with itself: two properties that measure the same thing
(`iscm:comparedWith`) with different values in one graph.

Which properties are compared is data, not code: the ontology marks them iscm:comparedAcrossSources
and iscm:comparedWith. Each value carries its graph, the document's short title and year, and the
line(s) of the text that state it (graphs lines/*)."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import pyoxigraph as ox

_QUERY = """
SELECT ?s ?p ?o ?g ?label WHERE {
  GRAPH graph:ontology { ?p iscm:comparedAcrossSources true }
  GRAPH ?g { ?s ?p ?o }
  FILTER (?g NOT IN (graph:inferred, graph:ontology))
  OPTIONAL { ?s skos:prefLabel ?label FILTER (LANG(?label) = "en") }
}"""
_WITHIN = """
SELECT ?s ?p ?o ?q ?v ?g ?label WHERE {
  GRAPH graph:ontology { ?p iscm:comparedWith ?q }
  GRAPH ?g { ?s ?p ?o . ?s ?q ?v }
  FILTER (?g NOT IN (graph:inferred, graph:ontology) && STR(?o) != STR(?v))
  OPTIONAL { ?s skos:prefLabel ?label FILTER (LANG(?label) = "en") }
}"""
_LINES = """SELECT ?s ?p ?o ?g ?ref WHERE { GRAPH ?lg { ?st rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
                                                  iscm:statedIn ?g ; iscm:lineReference ?ref } }"""
_DOCUMENTS = """SELECT ?g ?title ?issued ?note WHERE {
  ?g prov:wasDerivedFrom ?d . ?d a iscm:SourceDocument .
  OPTIONAL { ?d skos:altLabel ?short FILTER (LANG(?short) = "en") }
  OPTIONAL { ?d dcterms:title ?t FILTER (LANG(?t) = "en") }
  BIND (COALESCE(?short, ?t) AS ?title)
  OPTIONAL { ?d dcterms:issued ?issued } OPTIONAL { ?d iscm:temporalNote ?note }
}"""
_LABELS = """SELECT ?x ?label WHERE { ?x skos:prefLabel|rdfs:label ?label FILTER (LANG(?label) = "en") }"""


@dataclass(frozen=True)
class Stated:
    value: str
    graph: str
    property: str
    lines: tuple[str, ...] = ()


@dataclass(frozen=True)
class Conflict:
    subject: str
    label: str
    property: str
    values: tuple[tuple[str, tuple[str, ...]], ...]   # (value, graphs stating it)
    kind: str = "between documents"
    statements: tuple[Stated, ...] = ()

    def as_dict(self) -> dict:
        return {"subject": self.subject, "label": self.label, "property": self.property, "kind": self.kind,
                "values": [{"value": v, "graphs": list(gs)} for v, gs in self.values],
                "statements": [{"value": s.value, "graph": s.graph, "property": s.property,
                                "lines": list(s.lines)} for s in self.statements]}


def _text(term) -> str:
    return term.value if isinstance(term, (ox.NamedNode, ox.Literal)) else str(term)


def _lines(store) -> dict:
    out: dict = defaultdict(list)
    for row in store.query(_LINES):
        out[(_text(row["s"]), _text(row["p"]), _text(row["o"]), _text(row["g"]))].append(_text(row["ref"]))
    return out


def find_conflicts(store) -> list[Conflict]:
    lines = _lines(store)
    stated: dict = defaultdict(lambda: defaultdict(set))
    labels: dict = {}
    for row in store.query(_QUERY):
        key = (_text(row["s"]), _text(row["p"]))
        stated[key][_text(row["o"])].add(_text(row["g"]))
        if row["label"] is not None:
            labels[key[0]] = row["label"].value
    conflicts = []
    for (s, p), by_value in stated.items():
        graphs = set().union(*by_value.values())
        if len(by_value) > 1 and len(graphs) > 1:
            values = tuple(sorted((v, tuple(sorted(gs))) for v, gs in by_value.items()))
            st = tuple(Stated(v, g, p, tuple(sorted(lines.get((s, p, v, g), ())))) for v, gs in values for g in gs)
            conflicts.append(Conflict(s, labels.get(s, ""), p, values, statements=st))
    seen = set()
    for row in store.query(_WITHIN):
        s, p, q, g = (_text(row[k]) for k in ("s", "p", "q", "g"))
        o, v = _text(row["o"]), _text(row["v"])
        if (s, p, q, g) in seen:
            continue
        seen.add((s, p, q, g))
        label = row["label"].value if row["label"] is not None else ""
        st = (Stated(v, g, q, tuple(sorted(lines.get((s, q, v, g), ())))),
              Stated(o, g, p, tuple(sorted(lines.get((s, p, o, g), ())))))
        conflicts.append(Conflict(s, label, q, ((v, (g,)), (o, (g,))), "within one document", st))
    return sorted(conflicts, key=lambda c: (c.kind, c.property, c.label or c.subject))


def context(store) -> tuple[dict, dict]:
    """Labels of properties, subjects and values, and each graph's document as 'title (year)'."""
    labels = {}
    for row in store.query(_LABELS):
        labels.setdefault(_text(row["x"]), row["label"].value)
    documents = {}
    for row in store.query(_DOCUMENTS):
        title = row["title"].value if row["title"] is not None else ""
        year = (row["issued"].value[:4] if row["issued"] is not None
                else row["note"].value if row["note"] is not None else "")
        documents[_text(row["g"])] = f"{title} ({year})" if year else title
    return labels, documents


def render_conflicts(found: list[Conflict], labels: dict, documents: dict, base: str = "") -> str:
    """The conflicts for people: names instead of IRIs, each value with its document and line."""
    out = []
    for c in found:
        out.append(f"{c.label or labels.get(c.subject, c.subject)} - {labels.get(c.property, c.property)}"
                   f" ({c.kind})")
        for s in c.statements:
            value = labels.get(s.value, s.value)
            prop = f" [{labels.get(s.property, s.property)}]" if c.kind != "between documents" else ""
            where = ", ".join(_line_text(ref) for ref in s.lines) or "no line reference"
            out.append(f"    {value}{prop}  - {documents.get(s.graph, s.graph)}, {where}")
    out.append(f"{len(found)} disagreement(s) between or within sources.")
    return "\n".join(out)


def _line_text(ref: str) -> str:
    """`…/source/000.txt#line=75,76` as `000.txt line 76` (and the IRI to follow)."""
    text, _, frag = ref.rpartition("#line=")
    a, _, b = frag.partition(",")
    name = text.rsplit("/", 1)[-1]
    span = f"line {b}" if int(b) - int(a) == 1 else f"lines {int(a) + 1}-{b}"
    return f"{name} {span} <{ref}>"
