"""OWL 2 RL reasoning, kept apart: the result is a new graph, the inputs are untouched.

Only instance-level conclusions are kept (types, inverse and super-properties of the data); what owlrl
derives about the vocabularies themselves (axiomatic triples, `x owl:sameAs x`, owl:Thing, ...) is noise
for users and is dropped.

When the ontology uses only class and property hierarchies, domains, ranges, inverses and disjoint
classes (as ours does), and the data states no owl:sameAs, those conclusions are computed directly
(`_direct_closure`): the same OWL 2 RL rules (cax-sco, prp-spo1, prp-inv1/2, prp-dom, prp-rng, cax-adc,
dt-not-type) applied to a fixpoint with dictionaries, which gives the same graph and the same errors as
owlrl's generic engine in a fraction of its time. Anything else goes to owlrl.
"""
from __future__ import annotations

from collections import defaultdict

import owlrl
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD, SKOS

from iscm_graph.errors import DataError
from iscm_graph.namespaces import INFERRED_GRAPH

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


def _graphs(data) -> list[Graph]:
    return [data] if isinstance(data, Graph) else list(data)


def reasoning_input(ontology: Graph, data) -> Graph:
    """The part of ontology + data that OWL RL rules can use.

    A data triple can only feed a rule if its predicate is rdf:type, owl:sameAs or a property the
    ontology says something about; labels, comments and the other annotations cannot, and they
    are most of the data. `data` is a graph or several (the union is never built).
    """
    axioms = Graph(store="SimpleMemory")
    for triple in ontology:
        if triple[1] not in _DOCUMENTATION and not str(triple[1]).startswith(("http://purl.org/dc/terms/",
                                                                            "http://purl.org/vocab/vann/")):
            axioms.add(triple)
    terms = {s for s in ontology.subjects() if isinstance(s, URIRef)}
    combined = Graph(store="SimpleMemory")
    combined += axioms
    for triple in (t for g in _graphs(data) for t in g):
        p = triple[1]
        # a type the ontology says nothing about (org:Membership, time:Instant, ...) entails nothing
        if (p == RDF.type and triple[2] in terms) or p == OWL.sameAs or (p != RDF.type and p in terms):
            combined.add(triple)
    return combined


# ---------------------------------------------------------------- the direct closure

_RULE_PREDICATES = {RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range, OWL.inverseOf}
# types and statements of the OWL, RDF and RDFS vocabularies that trigger no rule beyond those above
_INERT_TYPES = {OWL.Class, RDFS.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty,
                RDF.Property, OWL.Ontology, OWL.AllDisjointClasses}
_INERT_PREDICATES = {RDF.first, RDF.rest, OWL.members, OWL.versionIRI, OWL.versionInfo, OWL.imports,
                     OWL.priorVersion, RDFS.seeAlso, RDFS.isDefinedBy, OWL.deprecated}
# vocabulary terms a domain, range or super-class may name (datatypes and rdf:Statement): instances of
# them entail nothing further
_INERT_CLASSES = {RDF.langString, RDF.PlainLiteral, RDF.XMLLiteral, RDF.HTML, RDFS.Literal, RDF.Statement}
_BUILTIN = (str(RDF), str(RDFS), str(OWL))


def _builtin(term) -> bool:
    return isinstance(term, URIRef) and str(term).startswith(_BUILTIN)


def _direct_closure_applies(combined: Graph) -> bool:
    """True when every statement of the reasoning input is one `_direct_closure` handles exactly."""
    for s, p, o in combined:
        if p == RDF.type:
            if _builtin(o) and o not in _INERT_TYPES:
                return False            # owl:FunctionalProperty, owl:TransitiveProperty, owl:Nothing, ...
        elif p in _RULE_PREDICATES:
            if _builtin(s) or (_builtin(o) and o not in _INERT_CLASSES):
                return False            # statements about the built-in vocabulary itself
        elif _builtin(p) and p not in _INERT_PREDICATES:
            return False                # owl:sameAs, owl:equivalentClass, restrictions, ...
    for node in combined.subjects(RDF.type, OWL.AllDisjointClasses):
        if not all(isinstance(m, BNode) for m in combined.objects(node, OWL.members)):
            return False
    return True


def _literal_errors(combined: Graph) -> list[str]:
    """owlrl's dt-not-type: a literal whose lexical form is not in its datatype's lexical space."""
    from owlrl.DatatypeHandling import AltXSDToPYTHON
    from owlrl.XsdDatatypes import OWL_RL_Datatypes

    datatypes = set(OWL_RL_Datatypes)
    errors = []
    for lt in {o for o in combined.objects() if isinstance(o, Literal) and o.datatype in datatypes}:
        try:
            AltXSDToPYTHON.get(lt.datatype, lambda v: v)(str(lt))
        except ValueError:
            errors.append("Lexical value of the literal '%s' does not match its datatype (%s)" % (lt, lt.datatype))
    return errors


def _direct_closure(combined: Graph) -> tuple[set, list[str]]:
    """The statements OWL 2 RL entails from `combined` by cax-sco, prp-spo1, prp-inv1/2, prp-dom and
    prp-rng, computed to a fixpoint (each new statement is worked on once), and the errors cax-adc and
    dt-not-type find."""
    super_classes, super_properties = defaultdict(set), defaultdict(set)
    inverses, domains, ranges = defaultdict(set), defaultdict(set), defaultdict(set)
    for s, p, o in combined:
        if p == RDFS.subClassOf and s != o:
            super_classes[s].add(o)
        elif p == RDFS.subPropertyOf and s != o:
            super_properties[s].add(o)
        elif p == OWL.inverseOf:
            inverses[s].add(o)
            inverses[o].add(s)
        elif p == RDFS.domain:
            domains[s].add(o)
        elif p == RDFS.range:
            ranges[s].add(o)
    rdf_type = RDF.type
    known = set(combined)
    todo = list(known)
    while todo:
        s, p, o = todo.pop()
        if p == rdf_type:
            new = [(s, rdf_type, c) for c in super_classes.get(o, ())]
        else:
            new = [(s, q, o) for q in super_properties.get(p, ())]
            new += [(o, q, s) for q in inverses.get(p, ())]
            new += [(s, rdf_type, c) for c in domains.get(p, ())]
            new += [(o, rdf_type, c) for c in ranges.get(p, ())]
        for t in new:
            if t not in known:
                known.add(t)
                todo.append(t)
    errors = _literal_errors(combined)
    instances = defaultdict(set)
    for s, p, o in known:
        if p == rdf_type:
            instances[o].add(s)
    for node in combined.subjects(RDF.type, OWL.AllDisjointClasses):
        for head in combined.objects(node, OWL.members):
            classes = list(combined.items(head))
            for i, cl1 in enumerate(classes[:-1]):
                for z in instances.get(cl1, ()):
                    for cl2 in classes[i + 1:]:
                        if z in instances.get(cl2, ()):
                            message = "Disjoint classes %s and %s have a common individual %s" % (cl1, cl2, z)
                            if message not in errors:
                                errors.append(message)
    return known, errors


def _owlrl_closure(combined: Graph) -> tuple[Graph, list[str]]:
    # owlrl's `destination` mode only chains rules over the input, so expand a working copy in place
    # and keep the difference.
    entailed = Graph()
    entailed += combined
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False,
                           datatype_axioms=False).expand(entailed)
    errors = [str(m) for m in entailed.objects(None, URIRef(_ERROR_NS + "error"))]
    return entailed, errors


def infer(ontology: Graph, data, engine: str = "auto") -> Graph:
    """Return the inferred graph: what OWL RL entails from ontology + data (a graph, or several) that
    none of them states.

    `engine` is "auto" (the direct closure where it applies, else owlrl), "direct" or "owlrl".
    """
    graphs = _graphs(data)
    combined = reasoning_input(ontology, graphs)
    if engine == "direct" or (engine == "auto" and _direct_closure_applies(combined)):
        entailed, errors = _direct_closure(combined)
    else:
        entailed, errors = _owlrl_closure(combined)
    if errors:
        raise InconsistentError("the data contradicts the ontology:\n  " + "\n  ".join(sorted(errors)))
    vocabulary_terms = set(ontology.subjects())
    new = [t for t in entailed if t not in combined and not _is_noise(t, vocabulary_terms)]
    # drop what the data states already (e.g. a type the ontology says nothing about), looking only at
    # the data's statements of the predicates concerned
    predicates = {p for _, p, _ in new}
    stated = {t for g in graphs for p in predicates for t in g.triples((None, p, None))}
    inferred = Graph(store="SimpleMemory", identifier=INFERRED_GRAPH)
    for triple in new:
        if triple not in stated:
            inferred.add(triple)
    return inferred
