"""The document of one resource: its statements (with the graph each comes from), its incoming
links, the blank nodes it owns, and the labels of everything it links to."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, URIRef
from rdflib.namespace import RDF

from iscm_graph.namespaces import ISCM, PREFIXES
from iscm_graph.rdf.terms import to_rdflib

_OUT = "SELECT ?this ?p ?o ?g WHERE { GRAPH ?g { ?this ?p ?o } }"
_IN = "SELECT ?this ?s ?p ?g WHERE { GRAPH ?g { ?s ?p ?this } FILTER (!isBLANK(?s)) } LIMIT 5000"
_BLANK = "SELECT ?b ?p ?o ?g WHERE { GRAPH ?g { ?b ?p ?o } }"
_LABELS = """SELECT ?this ?x ?p ?l ?g WHERE {
  { ?this ?q ?x } UNION { ?x ?q ?this }
  FILTER (isIRI(?x))
  VALUES ?p { skos:prefLabel rdfs:label }
  GRAPH ?g { ?x ?p ?l }
}"""
_LABEL_OF = """SELECT ?x ?p ?l ?g WHERE { VALUES ?p { skos:prefLabel rdfs:label } GRAPH ?g { ?x ?p ?l } }"""
MAX_BLANK_DEPTH = 3


@dataclass
class Description:
    iri: str
    statements: list[tuple] = field(default_factory=list)   # (s, p, o, graph): about the resource
    context: list[tuple] = field(default_factory=list)      # (s, p, o, graph): blank nodes, labels

    @property
    def found(self) -> bool:
        return bool(self.statements)

    def dataset(self) -> Dataset:
        ds = Dataset()
        for s, p, o, g in self.statements + self.context:
            ds.graph(URIRef(g)).add((s, p, o))
        return ds

    def graph(self) -> Graph:
        """All triples, plus one reified statement per statement about the resource naming the
        graph it comes from (iscm:statedIn), so triple formats keep the provenance too."""
        g = Graph()
        for prefix, ns in PREFIXES.items():
            g.bind(prefix, ns)
        for s, p, o, _ in self.statements + self.context:
            g.add((s, p, o))
        for s, p, o, graph in self.statements:
            # labelled from the statement itself, so every worker writes the same bytes (strong ETags)
            st = BNode("st" + hashlib.sha1(f"{s.n3()} {p.n3()} {o.n3()} {graph}".encode()).hexdigest()[:20])
            g.add((st, RDF.type, RDF.Statement))
            g.add((st, RDF.subject, s))
            g.add((st, RDF.predicate, p))
            g.add((st, RDF.object, o))
            g.add((st, ISCM.statedIn, URIRef(graph)))
        return g


def describe(store, iri: str) -> Description:
    this = {"this": URIRef(iri)}
    d = Description(iri)
    blanks: list = []
    for row in store.query(_OUT, this):
        o = row["o"]
        d.statements.append((URIRef(iri), to_rdflib(row["p"]), to_rdflib(o), row["g"].value))
        if isinstance(o, ox.BlankNode):
            blanks.append(o)
    for row in store.query(_IN, this):
        d.statements.append((to_rdflib(row["s"]), to_rdflib(row["p"]), URIRef(iri), row["g"].value))
    seen = set()
    for _ in range(MAX_BLANK_DEPTH):
        nxt = []
        for b in blanks:
            if b.value in seen:
                continue
            seen.add(b.value)
            for row in store.query(_BLANK, {"b": b}):
                d.context.append((to_rdflib(b), to_rdflib(row["p"]), to_rdflib(row["o"]), row["g"].value))
                if isinstance(row["o"], ox.BlankNode):
                    nxt.append(row["o"])
        blanks = nxt
    for row in store.query(_LABELS, this):
        d.context.append((to_rdflib(row["x"]), to_rdflib(row["p"]), to_rdflib(row["l"]), row["g"].value))
    # labels of what the owned blank nodes point to (an arrangement's type, a membership's role)
    linked = {o for s, _, o, _ in d.context if isinstance(s, BNode) and isinstance(o, URIRef)}
    for x in sorted(linked):
        for row in store.query(_LABEL_OF, {"x": x}):
            d.context.append((x, to_rdflib(row["p"]), to_rdflib(row["l"]), row["g"].value))
    return d


__all__ = ["describe", "Description"]
