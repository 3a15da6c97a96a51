"""The one description of the dataset: VoID (size, partitions, named graphs, dumps, endpoint) and
DCAT-AP 3 (catalogue, dataset, distributions with size and checksum, the SPARQL service) in one
graph, made once per build and kept in it (`description.ttl`).

Its IRIs of places (the endpoint, the dumps, the home page, the dataset itself at
`.well-known/void#dataset`) are relative: the file resolves against the base URL it is served from,
so `/.well-known/void`, `iscm-graph dcat --base URL` and the home page all read the same file and
each gets links to where the data actually is. Identity IRIs (the ontology, the source documents)
stay absolute."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, VOID, XSD

from iscm_graph.build_folder import DUMP_FILES, REGISTRY_FILES
from iscm_graph.rdf.formats import GZIP
from iscm_graph.namespaces import ONTOLOGY_IRI, PREFIXES
from iscm_graph.rdf.terms import canonical_triples, to_rdflib

# a base of a scheme no real IRI has: what is under it is written relative, the rest stays absolute
_PLACEHOLDER = "relative-to-base://deployment/"
ADMS = Namespace("http://www.w3.org/ns/adms#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
EU_FILE = Namespace("http://publications.europa.eu/resource/authority/file-type/")
EU_LANG = Namespace("http://publications.europa.eu/resource/authority/language/")
EU_THEME = Namespace("http://publications.europa.eu/resource/authority/data-theme/")
EU_FREQ = Namespace("http://publications.europa.eu/resource/authority/frequency/")
EU_ACCESS = Namespace("http://publications.europa.eu/resource/authority/access-right/")
IANA = "https://www.iana.org/assignments/media-types/"
LICENCE = URIRef("http://publications.europa.eu/resource/authority/licence/CC_BY_4_0")
LICENCE_CC = URIRef("https://creativecommons.org/licenses/by/4.0/")
DATASET = ".well-known/void#dataset"
TITLE_EN = "ISCM knowledge graph"
TITLE_AR = "الرسم البياني المعرفي لآليات التشاور بين الدول بشأن الهجرة"
PUBLISHER_TYPE = URIRef("http://purl.org/adms/publishertype/Academia-ScientificOrganisation")
CONCEPT_LABELS = {
    EU_THEME.SOCI: "Population and society", EU_THEME.INTR: "International issues",
    PUBLISHER_TYPE: "Academia/Scientific organisation",
}
# DCAT-AP's range shapes want each controlled-vocabulary value typed as the class it belongs to
RANGES = {
    DCTERMS.accessRights: DCTERMS.RightsStatement, DCTERMS.accrualPeriodicity: DCTERMS.Frequency,
    DCTERMS.conformsTo: DCTERMS.Standard, DCTERMS.format: DCTERMS.MediaTypeOrExtent,
    DCTERMS.language: DCTERMS.LinguisticSystem, DCTERMS.license: DCTERMS.LicenseDocument,
    DCTERMS.type: SKOS.Concept, DCAT.compressFormat: DCTERMS.MediaType, DCAT.mediaType: DCTERMS.MediaType,
    DCAT.contactPoint: VCARD.Kind, DCAT.landingPage: FOAF.Document, FOAF.homepage: FOAF.Document,
    DCAT.theme: SKOS.Concept,
}


def _at(path: str) -> URIRef:
    return URIRef(_PLACEHOLDER + path)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _count(store, query: str) -> int:
    return int(next(iter(store.query(query)))["n"].value)


def _integer(n: int) -> Literal:
    return Literal(n, datatype=XSD.integer)


def dataset_description(store, manifest: dict, dumps: Path) -> Graph:
    """The description of one build: `store` answers the VoID statistics, `dumps` holds the files
    whose sizes and checksums DCAT gives."""
    g = Graph()
    catalog, dataset, publisher = _at("catalog"), _at(DATASET), _at("publisher")
    endpoint, service, home = _at("sparql"), _at("sparql#service"), _at("")
    modified = Literal(manifest["created"], datatype=XSD.dateTime)

    g.add((publisher, RDF.type, FOAF.Agent))
    g.add((publisher, FOAF.name, Literal("iscm-graph project", lang="en")))
    g.add((publisher, DCTERMS.type, PUBLISHER_TYPE))
    contact = BNode()
    g.add((contact, RDF.type, VCARD.Organization))
    g.add((contact, VCARD.fn, Literal("iscm-graph maintainers")))
    g.add((contact, VCARD.hasURL, home))
    g.add((LICENCE, RDFS.label, Literal("Creative Commons Attribution 4.0 International", lang="en")))
    g.add((LICENCE, OWL.sameAs, LICENCE_CC))

    g.add((catalog, RDF.type, DCAT.Catalog))
    g.add((catalog, DCTERMS.title, Literal(f"{TITLE_EN} catalogue", lang="en")))
    g.add((catalog, DCTERMS.description, Literal(
        "Catalogue of the ISCM knowledge graph: the dataset, its dumps and its SPARQL endpoint.", lang="en")))
    for p, o in ((DCTERMS.publisher, publisher), (DCTERMS.modified, modified), (FOAF.homepage, home),
                 (DCAT.dataset, dataset), (DCAT.service, service), (DCTERMS.license, LICENCE),
                 (DCTERMS.language, EU_LANG.ENG)):
        g.add((catalog, p, o))

    # the dataset: DCAT for portals, VoID for linked-data clients, one node
    g.add((dataset, RDF.type, DCAT.Dataset))
    g.add((dataset, RDF.type, VOID.Dataset))
    g.add((dataset, DCTERMS.title, Literal(TITLE_EN, lang="en")))
    g.add((dataset, DCTERMS.title, Literal(TITLE_AR, lang="ar")))
    g.add((dataset, DCTERMS.description, Literal(
        "Inter-State Consultation Mechanisms on Migration (regional consultative processes, inter-regional "
        "forums, the GFMD), the states, regional bodies, UN regional commissions and secretariats around them, "
        "memberships with dates and sources, and the Global Compact for Migration paragraphs that give them a "
        f"role; every statement in the named graph of its source. {manifest['triples']} statements in "
        f"{len(manifest['graphs'])} named graphs.", lang="en")))
    for p, o in ((DCTERMS.publisher, publisher), (DCTERMS.modified, modified), (DCTERMS.license, LICENCE),
                 (DCTERMS.conformsTo, URIRef(ONTOLOGY_IRI)), (DCTERMS.accessRights, EU_ACCESS.PUBLIC),
                 (DCTERMS.accrualPeriodicity, EU_FREQ.IRREG), (DCAT.theme, EU_THEME.SOCI),
                 (DCAT.theme, EU_THEME.INTR), (DCAT.contactPoint, contact), (DCAT.landingPage, home),
                 (FOAF.homepage, home), (VOID.sparqlEndpoint, endpoint), (VOID.vocabulary, URIRef(ONTOLOGY_IRI)),
                 (VOID.uriSpace, Literal("https://w3id.org/iscm/id/")),
                 (VOID.triples, _integer(manifest["triples"]))):
        g.add((dataset, p, o))
    for lang in ("ENG", "ARA"):
        g.add((dataset, DCTERMS.language, EU_LANG[lang]))
    for kw in ("migration", "regional consultative process", "Global Compact for Migration", "linked data"):
        g.add((dataset, DCAT.keyword, Literal(kw, lang="en")))

    for name, fmt in DUMP_FILES.items():
        url, dist = _at(f"download/{name}"), _at(f"download/{name}#distribution")
        g.add((dataset, VOID.dataDump, url))
        g.add((dataset, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCTERMS.title, Literal(f"Dump of all named graphs ({fmt.title}, gzip)", lang="en")))
        for p, o in ((DCAT.accessURL, url), (DCAT.downloadURL, url), (DCAT.mediaType, URIRef(IANA + fmt.media_type)),
                     (DCTERMS.format, EU_FILE[fmt.eu_file_type]), (DCAT.compressFormat, URIRef(IANA + GZIP)),
                     (DCTERMS.license, LICENCE), (DCTERMS.modified, modified)):
            g.add((dist, p, o))
        path = dumps / name
        g.add((dist, DCAT.byteSize, Literal(path.stat().st_size, datatype=XSD.nonNegativeInteger)))
        checksum = BNode()
        g.add((dist, SPDX.checksum, checksum))
        g.add((checksum, RDF.type, SPDX.Checksum))
        g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        g.add((checksum, SPDX.checksumValue, Literal(_sha256(path), datatype=XSD.hexBinary)))

    # the exports for registries that do not take RDF (Wikidata, spreadsheets): not VoID data dumps
    standards = {"tables-csvw.zip": URIRef("https://www.w3.org/TR/tabular-metadata/"),
                 "memberships-quickstatements.txt": URIRef("https://www.wikidata.org/wiki/Help:QuickStatements")}
    for name, (media_type, file_type, title) in REGISTRY_FILES.items():
        path = dumps / name
        if not path.exists():
            continue
        url, dist = _at(f"download/{name}"), _at(f"download/{name}#distribution")
        g.add((dataset, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCTERMS.title, Literal(title, lang="en")))
        for p, o in ((DCAT.accessURL, url), (DCAT.downloadURL, url), (DCAT.mediaType, URIRef(IANA + media_type)),
                     (DCTERMS.format, EU_FILE[file_type]), (DCTERMS.conformsTo, standards[name]),
                     (DCTERMS.license, LICENCE), (DCTERMS.modified, modified),
                     (DCAT.byteSize, Literal(path.stat().st_size, datatype=XSD.nonNegativeInteger))):
            g.add((dist, p, o))
        checksum = BNode()
        g.add((dist, SPDX.checksum, checksum))
        g.add((checksum, RDF.type, SPDX.Checksum))
        g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        g.add((checksum, SPDX.checksumValue, Literal(_sha256(path), datatype=XSD.hexBinary)))

    endpoint_dist = _at("sparql#distribution")
    g.add((dataset, DCAT.distribution, endpoint_dist))
    g.add((endpoint_dist, RDF.type, DCAT.Distribution))
    g.add((endpoint_dist, DCTERMS.title, Literal("SPARQL 1.1 endpoint", lang="en")))
    for p, o in ((DCAT.accessURL, endpoint), (DCAT.accessService, service), (DCTERMS.license, LICENCE)):
        g.add((endpoint_dist, p, o))

    g.add((service, RDF.type, DCAT.DataService))
    g.add((service, DCTERMS.title, Literal(f"{TITLE_EN} SPARQL endpoint", lang="en")))
    g.add((service, DCTERMS.description, Literal(
        "Read-only SPARQL 1.1 query endpoint; the default graph is the union of all named graphs.", lang="en")))
    for p, o in ((DCAT.endpointURL, endpoint), (DCAT.endpointDescription, _at("sparql?format=ttl")),
                 (DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")),
                 (DCAT.servesDataset, dataset), (DCTERMS.license, LICENCE), (DCTERMS.publisher, publisher),
                 (DCAT.contactPoint, contact), (DCAT.theme, EU_THEME.SOCI),
                 (DCAT.keyword, Literal("SPARQL", lang="en"))):
        g.add((service, p, o))

    _statistics(g, dataset, store, manifest)
    for prop, cls in RANGES.items():
        for value in set(g.objects(None, prop)):
            g.add((value, RDF.type, cls))
    for concept, label in CONCEPT_LABELS.items():      # the EU authority tables' English labels
        g.add((concept, SKOS.prefLabel, Literal(label, lang="en")))
    return g


def _statistics(g: Graph, dataset, store, manifest: dict) -> None:
    """VoID's counts, partitions by class and property, one subset per named graph, and the
    documents the source graphs come from."""
    g.add((dataset, VOID.entities, _integer(_count(store, "SELECT (COUNT(DISTINCT ?s) AS ?n) { ?s ?p ?o FILTER isIRI(?s) }"))))
    g.add((dataset, VOID.distinctSubjects, _integer(_count(store, "SELECT (COUNT(DISTINCT ?s) AS ?n) { ?s ?p ?o }"))))
    g.add((dataset, VOID.properties, _integer(_count(store, "SELECT (COUNT(DISTINCT ?p) AS ?n) { ?s ?p ?o }"))))
    g.add((dataset, VOID.classes, _integer(_count(store, "SELECT (COUNT(DISTINCT ?c) AS ?n) { ?s a ?c }"))))
    for row in store.query("SELECT ?c (COUNT(DISTINCT ?s) AS ?n) { ?s a ?c } GROUP BY ?c ORDER BY ?c"):
        part = _at(DATASET + "-class-" + hashlib.sha1(row["c"].value.encode()).hexdigest()[:12])
        g.add((dataset, VOID.classPartition, part))
        g.add((part, VOID["class"], URIRef(row["c"].value)))
        g.add((part, VOID.entities, _integer(int(row["n"].value))))
    for row in store.query("SELECT ?p (COUNT(*) AS ?n) { ?s ?p ?o } GROUP BY ?p ORDER BY ?p"):
        part = _at(DATASET + "-property-" + hashlib.sha1(row["p"].value.encode()).hexdigest()[:12])
        g.add((dataset, VOID.propertyPartition, part))
        g.add((part, VOID.property, URIRef(row["p"].value)))
        g.add((part, VOID.triples, _integer(int(row["n"].value))))
    for name, n in sorted(manifest["graphs"].items()):
        sub = _at(DATASET + "-graph-" + name.rsplit("graph/", 1)[-1].replace("/", "-"))
        g.add((dataset, VOID.subset, sub))
        g.add((sub, RDF.type, VOID.Dataset))
        g.add((sub, SD.name, URIRef(name)))
        g.add((sub, VOID.triples, _integer(n)))
    # dcterms:source would claim the documents are DCAT datasets (DCAT-AP's range); PROV says it plainly
    for row in store.query("SELECT DISTINCT ?doc { GRAPH ?g { ?g prov:wasDerivedFrom ?doc } "
                           "FILTER (STRSTARTS(STR(?g), 'https://w3id.org/iscm/graph/source/')) }"):
        g.add((dataset, PROV.wasDerivedFrom, URIRef(row["doc"].value)))


def write_description(graph: Graph, path: Path) -> None:
    """Turtle with the places relative (no @base: the reader's base applies) and blank nodes
    labelled canonically, so the same build gives the same bytes."""
    triples = canonical_triples(graph)
    prefixes = {**PREFIXES, "adms": str(ADMS), "sd": str(SD), "spdx": str(SPDX), "vcard": str(VCARD),
                "foaf": str(FOAF)}
    text = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes, base_iri=_PLACEHOLDER)
    lines = [line for line in text.decode("utf-8").splitlines(keepends=True) if not line.startswith("@base ")]
    path.write_text("".join(lines), encoding="utf-8")


def read_description(path: Path, base: str) -> Graph:
    """The description with its relative IRIs resolved against `base` (the deployment's URL)."""
    g = Graph()
    for prefix, ns in (("dcat", DCAT), ("dct", DCTERMS), ("foaf", FOAF), ("void", VOID), ("adms", ADMS),
                       ("spdx", SPDX), ("vcard", VCARD), ("sd", SD), ("prov", PROV)):
        g.bind(prefix, ns)
    # pyoxigraph keeps the canonical blank node labels, so every process serves the same bytes
    for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=base.rstrip("/") + "/"):
        g.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
    return g


def dataset_iri(base: str) -> URIRef:
    return URIRef(base.rstrip("/") + "/" + DATASET)
