"""The SPARQL 1.1 Service Description and the VoID/DCAT description of the dataset."""
from __future__ import annotations

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, VOID, XSD, Namespace

from ..namespaces import ONTOLOGY_IRI, PREFIXES

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
RESULT_FORMATS = {
    "application/sparql-results+json": "http://www.w3.org/ns/formats/SPARQL_Results_JSON",
    "application/sparql-results+xml": "http://www.w3.org/ns/formats/SPARQL_Results_XML",
    "text/csv": "http://www.w3.org/ns/formats/SPARQL_Results_CSV",
    "text/tab-separated-values": "http://www.w3.org/ns/formats/SPARQL_Results_TSV",
    "text/turtle": "http://www.w3.org/ns/formats/Turtle",
    "application/ld+json": "http://www.w3.org/ns/formats/JSON-LD",
    "application/rdf+xml": "http://www.w3.org/ns/formats/RDF_XML",
    "application/n-triples": "http://www.w3.org/ns/formats/N-Triples",
    "application/n-quads": "http://www.w3.org/ns/formats/N-Quads",
    "application/trig": "http://www.w3.org/ns/formats/TriG",
}
DUMPS = {"dataset.nq.gz": "application/n-quads", "dataset.trig.gz": "application/trig",
         "dataset.ttl.gz": "text/turtle"}


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
    for uri in RESULT_FORMATS.values():
        g.add((service, SD.resultFormat, URIRef(uri)))
    dataset = BNode()
    g.add((service, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    default = BNode()
    g.add((dataset, SD.defaultGraph, default))
    g.add((default, RDF.type, SD.Graph))
    g.add((default, VOID.triples, Literal(loaded.manifest["triples"], datatype=XSD.integer)))
    for name, count in sorted(loaded.manifest["graphs"].items()):
        ng, gr = BNode(), BNode()
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


def void_description(loaded, base: str) -> Graph:
    """VoID + DCAT: size, partitions, named graphs, endpoint, dumps, licence, sources, build date."""
    cached = loaded.cache.get(("void", base))
    if cached is not None:
        return cached
    store = loaded.store
    g = _graph()
    ds = URIRef(base + "/.well-known/void#dataset")
    g.add((ds, RDF.type, VOID.Dataset))
    g.add((ds, RDF.type, DCAT.Dataset))
    g.add((ds, DCTERMS.title, Literal("ISCM knowledge graph", lang="en")))
    g.add((ds, DCTERMS.title, Literal("الرسم البياني المعرفي لآليات التشاور بين الدول بشأن الهجرة", lang="ar")))
    g.add((ds, DCTERMS.description, Literal(
        "Inter-State Consultation Mechanisms on Migration, the states, bodies and secretariats around "
        "them and the GCM paragraphs that give them a role, with the source of every statement.", lang="en")))
    g.add((ds, DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/")))
    g.add((ds, DCTERMS.modified, Literal(loaded.manifest["created"], datatype=XSD.dateTime)))
    g.add((ds, VOID.sparqlEndpoint, URIRef(base + "/sparql")))
    g.add((ds, VOID.uriSpace, Literal("https://w3id.org/iscm/id/")))
    g.add((ds, VOID.vocabulary, URIRef(ONTOLOGY_IRI)))
    g.add((ds, VOID.triples, Literal(loaded.manifest["triples"], datatype=XSD.integer)))
    g.add((ds, FOAF.homepage, URIRef(base + "/")))
    for name, media in DUMPS.items():
        url = URIRef(f"{base}/download/{name}")
        g.add((ds, VOID.dataDump, url))
        dist = URIRef(f"{base}/download/{name}#distribution")
        g.add((ds, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCAT.downloadURL, url))
        g.add((dist, DCAT.mediaType, URIRef("https://www.iana.org/assignments/media-types/" + media)))
        g.add((dist, DCAT.compressFormat, URIRef("https://www.iana.org/assignments/media-types/application/gzip")))
    def count(q):
        return int(next(iter(store.query(q)))["n"].value)
    g.add((ds, VOID.entities, Literal(count("SELECT (COUNT(DISTINCT ?s) AS ?n) { ?s ?p ?o FILTER isIRI(?s) }"),
                                      datatype=XSD.integer)))
    g.add((ds, VOID.distinctSubjects, Literal(count("SELECT (COUNT(DISTINCT ?s) AS ?n) { ?s ?p ?o }"), datatype=XSD.integer)))
    g.add((ds, VOID.properties, Literal(count("SELECT (COUNT(DISTINCT ?p) AS ?n) { ?s ?p ?o }"), datatype=XSD.integer)))
    g.add((ds, VOID.classes, Literal(count("SELECT (COUNT(DISTINCT ?c) AS ?n) { ?s a ?c }"), datatype=XSD.integer)))
    for row in store.query("SELECT ?c (COUNT(DISTINCT ?s) AS ?n) { ?s a ?c } GROUP BY ?c ORDER BY ?c"):
        part = BNode()
        g.add((ds, VOID.classPartition, part))
        g.add((part, VOID["class"], URIRef(row["c"].value)))
        g.add((part, VOID.entities, Literal(int(row["n"].value), datatype=XSD.integer)))
    for row in store.query("SELECT ?p (COUNT(*) AS ?n) { ?s ?p ?o } GROUP BY ?p ORDER BY ?p"):
        part = BNode()
        g.add((ds, VOID.propertyPartition, part))
        g.add((part, VOID.property, URIRef(row["p"].value)))
        g.add((part, VOID.triples, Literal(int(row["n"].value), datatype=XSD.integer)))
    for name, n in sorted(loaded.manifest["graphs"].items()):
        sub = URIRef(base + "/.well-known/void#graph-" + name.rsplit("graph/", 1)[-1].replace("/", "-"))
        g.add((ds, VOID.subset, sub))
        g.add((sub, RDF.type, VOID.Dataset))
        g.add((sub, SD.name, URIRef(name)))
        g.add((sub, VOID.triples, Literal(n, datatype=XSD.integer)))
    for row in store.query("SELECT DISTINCT ?doc { GRAPH ?g { ?g prov:wasDerivedFrom ?doc } FILTER (STRSTARTS(STR(?g), 'https://w3id.org/iscm/graph/source/')) }"):
        g.add((ds, DCTERMS.source, URIRef(row["doc"].value)))
    loaded.cache[("void", base)] = g
    return g
