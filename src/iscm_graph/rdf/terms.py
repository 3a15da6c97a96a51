"""RDF terms between rdflib (the build's graphs, pyshacl, owlrl) and pyoxigraph (the store, parsers
and writers): one place that knows how each kind of term maps to the other."""
from __future__ import annotations

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def to_ox(term):
    """An rdflib term (or a plain Python value, as a plain literal) as a pyoxigraph term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    if isinstance(term, (ox.NamedNode, ox.BlankNode, ox.Literal)):
        return term
    return ox.Literal(str(term))


def to_rdflib(term):
    """A pyoxigraph term as rdflib's: a blank node keeps its label, a plain string has no datatype."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == XSD_STRING:
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


class FileTerms:
    """pyoxigraph terms of one parsed file as rdflib terms, with the values rdflib's own parser gives.
    A blank node label means the same node within a file only, so each file gets fresh blank nodes;
    IRIs are interned, since the same few thousand recur in every file."""

    def __init__(self):
        self.iris: dict[str, URIRef] = {}
        self.blanks: dict[str, BNode] = {}

    def __call__(self, term):
        kind = type(term)
        if kind is ox.NamedNode:
            iri = self.iris.get(term.value)
            if iri is None:
                iri = self.iris[term.value] = URIRef(term.value)
            return iri
        if kind is ox.BlankNode:
            node = self.blanks.get(term.value)
            if node is None:
                node = self.blanks[term.value] = BNode()
            return node
        if kind is ox.Literal:
            if term.language:
                return Literal(term.value, lang=term.language)
            if term.datatype.value == XSD_STRING:
                return Literal(term.value)
            return Literal(term.value, datatype=self(term.datatype))
        raise ValueError(f"unsupported term {term!r}")


def graph_triples(graph: Graph):
    """The triples of one rdflib graph as pyoxigraph triples, without a round trip through text.
    IRIs and blank nodes are converted once each: a graph repeats them a lot."""
    memo: dict = {}

    def term(t):
        if isinstance(t, Literal):       # literals rarely repeat, and equal ones may differ in form
            return to_ox(t)
        node = memo.get(t)
        if node is None:
            node = memo[t] = to_ox(t)
        return node

    for s, p, o in graph:
        yield ox.Triple(term(s), term(p), term(o))


def graph_quads(graph: Graph):
    """The quads of one rdflib graph, its identifier as the graph name."""
    name = ox.NamedNode(str(graph.identifier))
    for t in graph_triples(graph):
        yield ox.Quad(t.subject, t.predicate, t.object, name)


def canonical_triples(graph: Graph) -> list:
    """The triples of `graph` with blank nodes labelled by RDFC-1.0, sorted: the same graph gives the
    same file, and readers that keep the labels give the same answers in every process."""
    dataset = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in graph_triples(graph))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return sorted((ox.Triple(q.subject, q.predicate, q.object) for q in dataset), key=str)
