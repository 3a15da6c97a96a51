"""The SPARQL 1.1 Service Description of the endpoint (the dataset's own description is the build's
`description.ttl`, see publish/description.py)."""
from __future__ import annotations

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, VOID, XSD, Namespace

from iscm_graph.namespaces import PREFIXES
from iscm_graph.rdf.formats import GRAPH_FORMATS, RESULT_FORMATS

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")


def _graph() -> Graph:
    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    g.bind("sd", SD)
    return g


def service_description(loaded, base: str) -> Graph:
    g = _graph()
    service = URIRef(base + "/sparql")
    g.add((service, RDF.type, SD.Service))
    g.add((service, SD.endpoint, service))
    g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    g.add((service, SD.feature, SD.UnionDefaultGraph))
    for fmt in RESULT_FORMATS + GRAPH_FORMATS:
        g.add((service, SD.resultFormat, URIRef(fmt.iri)))
    # blank nodes labelled by what they stand for: every process writes the same bytes
    dataset = BNode("dataset")
    g.add((service, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    default = BNode("default-graph")
    g.add((dataset, SD.defaultGraph, default))
    g.add((default, RDF.type, SD.Graph))
    g.add((default, VOID.triples, Literal(loaded.manifest["triples"], datatype=XSD.integer)))
    for i, (name, count) in enumerate(sorted(loaded.manifest["graphs"].items())):
        ng, gr = BNode(f"named-graph-{i}"), BNode(f"graph-{i}")
        g.add((dataset, SD.namedGraph, ng))
        g.add((ng, RDF.type, SD.NamedGraph))
        g.add((ng, SD.name, URIRef(name)))
        g.add((ng, SD.graph, gr))
        g.add((gr, RDF.type, SD.Graph))
        g.add((gr, VOID.triples, Literal(count, datatype=XSD.integer)))
    g.add((service, DCTERMS.description, Literal(
        "Read-only SPARQL 1.1 query endpoint of the ISCM knowledge graph. The default graph is the "
        "union of all named graphs; updates, SERVICE and LOAD are refused.", lang="en")))
    return g
