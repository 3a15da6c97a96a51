"""OWL 2 RL reasoning with owlrl, kept apart: the result is a new graph, the inputs are untouched.

Only instance-level conclusions are kept (types, inverse and super-properties of the data); what owlrl
derives about the vocabularies themselves (axiomatic triples, `x owl:sameAs x`, owl:Thing, ...) is noise
for users and is dropped.
"""
from __future__ import annotations

import owlrl
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD, SKOS

from .errors import DataError
from .namespaces import INFERRED_GRAPH

_ERROR_NS = "http://www.daml.org/2002/03/agents/agent-ont#"
_VOCAB_NAMESPACES = (str(RDF), str(RDFS), str(OWL), str(XSD), str(SKOS))
_NOISE_OBJECTS = {OWL.Thing, RDFS.Resource, OWL.NamedIndividual, RDFS.Class, OWL.Class}


class InconsistentError(DataError):
    """The sources together contradict the ontology (e.g. a mechanism of two disjoint kinds)."""


def _is_noise(triple, vocabulary_terms) -> bool:
    s, p, o = triple
    if isinstance(s, Literal) or s in vocabulary_terms:
        return True
    if isinstance(s, URIRef) and str(s).startswith(_VOCAB_NAMESPACES):
        return True
    if p == OWL.sameAs and s == o:
        return True
    if p == RDF.type and o in _NOISE_OBJECTS:
        return True
    return False


# Ontology statements that carry no OWL RL meaning (documentation); leaving them out keeps the
# rule engine's fixpoint loop small.
_DOCUMENTATION = {RDFS.label, RDFS.comment, SKOS.definition, SKOS.altLabel, SKOS.prefLabel,
                  SKOS.changeNote, SKOS.note, SKOS.scopeNote}


def reasoning_input(ontology: Graph, data: Graph) -> Graph:
    """The part of ontology + data that OWL RL rules can use.

    A data triple can only feed a rule if its predicate is rdf:type, owl:sameAs or a property the
    ontology says something about; labels, comments and the other annotations cannot, and they
    are most of the data.
    """
    axioms = Graph()
    for triple in ontology:
        if triple[1] not in _DOCUMENTATION and not str(triple[1]).startswith(("http://purl.org/dc/terms/",
                                                                            "http://purl.org/vocab/vann/")):
            axioms.add(triple)
    terms = {s for s in ontology.subjects() if isinstance(s, URIRef)}
    combined = Graph()
    combined += axioms
    for triple in data:
        p = triple[1]
        # a type the ontology says nothing about (org:Membership, time:Instant, ...) entails nothing
        if (p == RDF.type and triple[2] in terms) or p == OWL.sameAs or (p != RDF.type and p in terms):
            combined.add(triple)
    return combined


def infer(ontology: Graph, data: Graph) -> Graph:
    """Return the inferred graph: what OWL RL entails from ontology + data that neither states."""
    combined = reasoning_input(ontology, data)
    # owlrl's `destination` mode only chains rules over the input, so expand a working copy in place
    # and keep the difference.
    entailed = Graph()
    entailed += combined
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False,
                           datatype_axioms=False).expand(entailed)
    errors = [str(m) for m in entailed.objects(None, URIRef(_ERROR_NS + "error"))]
    if errors:
        raise InconsistentError("the data contradicts the ontology:\n  " + "\n  ".join(sorted(errors)))
    vocabulary_terms = set(ontology.subjects())
    inferred = Graph(identifier=INFERRED_GRAPH)
    for triple in entailed:
        if triple in combined or triple in data or _is_noise(triple, vocabulary_terms):
            continue
        inferred.add(triple)
    return inferred
