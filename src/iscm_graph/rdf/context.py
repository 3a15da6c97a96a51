"""The published JSON-LD @context, generated from the ontology so keys stay predictable:
every iscm: term by its local name, labels as language maps, object properties as @id."""
from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from iscm_graph.namespaces import ISCM, PREFIXES

_FIXED = {
    "id": "@id", "type": "@type",
    "label": {"@id": "http://www.w3.org/2004/02/skos/core#prefLabel", "@container": "@language"},
    "altLabel": {"@id": "http://www.w3.org/2004/02/skos/core#altLabel", "@container": "@language"},
    "definition": {"@id": "http://www.w3.org/2004/02/skos/core#definition", "@container": "@language"},
    "comment": {"@id": "http://www.w3.org/2000/01/rdf-schema#comment", "@container": "@language"},
    "rdfsLabel": {"@id": "http://www.w3.org/2000/01/rdf-schema#label", "@container": "@language"},
    "exactMatch": {"@id": "http://www.w3.org/2004/02/skos/core#exactMatch", "@type": "@id"},
    "broader": {"@id": "http://www.w3.org/2004/02/skos/core#broader", "@type": "@id"},
    "inScheme": {"@id": "http://www.w3.org/2004/02/skos/core#inScheme", "@type": "@id"},
    "wasDerivedFrom": {"@id": "http://www.w3.org/ns/prov#wasDerivedFrom", "@type": "@id"},
    "source": {"@id": "http://purl.org/dc/terms/source", "@type": "@id"},
    "title": {"@id": "http://purl.org/dc/terms/title", "@container": "@language"},
    "member": {"@id": "http://www.w3.org/ns/org#member", "@type": "@id"},
    "organization": {"@id": "http://www.w3.org/ns/org#organization", "@type": "@id"},
    "role": {"@id": "http://www.w3.org/ns/org#role", "@type": "@id"},
    "memberDuring": {"@id": "http://www.w3.org/ns/org#memberDuring", "@type": "@id"},
    "subject": {"@id": "http://www.w3.org/1999/02/22-rdf-syntax-ns#subject", "@type": "@id"},
    "predicate": {"@id": "http://www.w3.org/1999/02/22-rdf-syntax-ns#predicate", "@type": "@vocab"},
    "object": {"@id": "http://www.w3.org/1999/02/22-rdf-syntax-ns#object"},
}


def build_context(ontology: Graph) -> dict:
    ctx: dict = {prefix: ns for prefix, ns in PREFIXES.items()}
    ctx.update(_FIXED)
    for term in sorted(set(ontology.subjects()), key=str):
        if not isinstance(term, URIRef) or not str(term).startswith(str(ISCM)):
            continue
        name = str(term)[len(str(ISCM)):]
        if name in ctx:
            continue
        types = set(ontology.objects(term, RDF.type))
        if OWL.ObjectProperty in types:
            ctx[name] = {"@id": str(term), "@type": "@id"}
        elif OWL.DatatypeProperty in types:
            rng = ontology.value(term, RDFS.range)
            # the query engine (Oxigraph) stores the derived integer types as xsd:integer
            if rng in (XSD.nonNegativeInteger, XSD.positiveInteger):
                rng = XSD.integer
            if rng is not None and str(rng).startswith(str(XSD)):
                ctx[name] = {"@id": str(term), "@type": str(rng)}
            else:
                ctx[name] = {"@id": str(term)}
        else:
            ctx[name] = str(term)
    return {"@context": ctx}
