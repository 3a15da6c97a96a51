"""Where sources disagree: the same subject and property, different values in different graphs.

Which properties are compared is data, not code: the ontology marks them iscm:comparedAcrossSources.
"""
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


@dataclass(frozen=True)
class Conflict:
    subject: str
    label: str
    property: str
    values: tuple[tuple[str, tuple[str, ...]], ...]   # (value, graphs stating it)

    def as_dict(self) -> dict:
        return {"subject": self.subject, "label": self.label, "property": self.property,
                "values": [{"value": v, "graphs": list(gs)} for v, gs in self.values]}


def _text(term) -> str:
    return term.value if isinstance(term, (ox.NamedNode, ox.Literal)) else str(term)


def find_conflicts(store) -> list[Conflict]:
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
            conflicts.append(Conflict(s, labels.get(s, ""), p, values))
    return sorted(conflicts, key=lambda c: (c.property, c.label or c.subject))
