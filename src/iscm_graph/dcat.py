"""A DCAT-AP 3 description of the dataset, its distributions and its SPARQL service, for data
portals; made from a build's manifest, so it describes exactly what is published."""
from __future__ import annotations

import hashlib
from pathlib import Path

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS, XSD

from .namespaces import ONTOLOGY_IRI

ADMS = Namespace("http://www.w3.org/ns/adms#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
EU_FILE = Namespace("http://publications.europa.eu/resource/authority/file-type/")
EU_LANG = Namespace("http://publications.europa.eu/resource/authority/language/")
EU_THEME = Namespace("http://publications.europa.eu/resource/authority/data-theme/")
EU_FREQ = Namespace("http://publications.europa.eu/resource/authority/frequency/")
EU_ACCESS = Namespace("http://publications.europa.eu/resource/authority/access-right/")
IANA = "https://www.iana.org/assignments/media-types/"
LICENCE = URIRef("http://publications.europa.eu/resource/authority/licence/CC_BY_4_0")
DUMPS = [("dataset.nq.gz", "N-Quads", "application/n-quads", "NQUADS"),
         ("dataset.trig.gz", "TriG", "application/trig", "TRIG"),
         ("dataset.ttl.gz", "Turtle", "text/turtle", "RDF_TURTLE")]


def _sha256(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


def dcat_description(build: Path, manifest: dict, base: str) -> Graph:
    base = base.rstrip("/")
    g = Graph()
    for prefix, ns in (("dcat", DCAT), ("dct", DCTERMS), ("foaf", FOAF), ("adms", ADMS), ("spdx", SPDX),
                       ("vcard", VCARD)):
        g.bind(prefix, ns)
    catalog = URIRef(base + "/catalog")
    dataset = URIRef(base + "/dataset")
    service = URIRef(base + "/sparql#service")
    publisher = URIRef(base + "/publisher")
    modified = Literal(manifest["created"], datatype=XSD.dateTime)

    g.add((publisher, RDF.type, FOAF.Agent))
    g.add((publisher, FOAF.name, Literal("iscm-graph project", lang="en")))
    g.add((publisher, DCTERMS.type, URIRef("http://purl.org/adms/publishertype/Academia-ScientificOrganisation")))

    g.add((catalog, RDF.type, DCAT.Catalog))
    g.add((catalog, DCTERMS.title, Literal("ISCM knowledge graph catalogue", lang="en")))
    g.add((catalog, DCTERMS.description, Literal(
        "Catalogue of the ISCM knowledge graph: the dataset, its dumps and its SPARQL endpoint.", lang="en")))
    g.add((catalog, DCTERMS.publisher, publisher))
    g.add((catalog, DCTERMS.modified, modified))
    g.add((catalog, FOAF.homepage, URIRef(base + "/")))
    g.add((catalog, DCAT.dataset, dataset))
    g.add((catalog, DCAT.service, service))
    g.add((catalog, DCTERMS.license, LICENCE))
    g.add((catalog, DCTERMS.language, EU_LANG.ENG))

    g.add((dataset, RDF.type, DCAT.Dataset))
    g.add((dataset, DCTERMS.title, Literal("ISCM knowledge graph", lang="en")))
    g.add((dataset, DCTERMS.title, Literal("الرسم البياني المعرفي لآليات التشاور بين الدول بشأن الهجرة", lang="ar")))
    g.add((dataset, DCTERMS.description, Literal(
        "Inter-State Consultation Mechanisms on Migration (regional consultative processes, inter-regional "
        "forums, the GFMD), the states, regional bodies, UN regional commissions and secretariats around them, "
        "memberships with dates and sources, and the Global Compact for Migration paragraphs that give them a "
        f"role; every statement in the named graph of its source. {manifest['triples']} statements in "
        f"{len(manifest['graphs'])} named graphs.", lang="en")))
    g.add((dataset, DCTERMS.identifier, Literal(base + "/dataset")))
    g.add((dataset, DCTERMS.publisher, publisher))
    g.add((dataset, DCTERMS.modified, modified))
    g.add((dataset, DCTERMS.conformsTo, URIRef(ONTOLOGY_IRI)))
    g.add((dataset, DCTERMS.accessRights, EU_ACCESS.PUBLIC))
    g.add((dataset, DCTERMS.accrualPeriodicity, EU_FREQ.IRREG))
    g.add((dataset, DCAT.theme, EU_THEME.SOCI))
    g.add((dataset, DCAT.theme, EU_THEME.INTR))
    for lang in ("ENG", "ARA"):
        g.add((dataset, DCTERMS.language, EU_LANG[lang]))
    for kw in ("migration", "regional consultative process", "Global Compact for Migration", "linked data"):
        g.add((dataset, DCAT.keyword, Literal(kw, lang="en")))
    contact = BNode()
    g.add((dataset, DCAT.contactPoint, contact))
    g.add((contact, RDF.type, VCARD.Organization))
    g.add((contact, VCARD.fn, Literal("iscm-graph maintainers")))
    g.add((contact, VCARD.hasURL, URIRef(base + "/")))
    g.add((dataset, DCAT.landingPage, URIRef(base + "/")))

    for name, title, media, eu_format in DUMPS:
        dist = URIRef(f"{base}/download/{name}#distribution")
        url = URIRef(f"{base}/download/{name}")
        g.add((dataset, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCTERMS.title, Literal(f"Dump of all named graphs ({title}, gzip)", lang="en")))
        g.add((dist, DCAT.accessURL, url))
        g.add((dist, DCAT.downloadURL, url))
        g.add((dist, DCAT.mediaType, URIRef(IANA + media)))
        g.add((dist, DCTERMS.format, EU_FILE[eu_format]))
        g.add((dist, DCAT.compressFormat, URIRef(IANA + "application/gzip")))
        g.add((dist, DCTERMS.license, LICENCE))
        g.add((dist, DCTERMS.modified, modified))
        path = build / "dumps" / name
        if path.exists():
            g.add((dist, DCAT.byteSize, Literal(path.stat().st_size, datatype=XSD.nonNegativeInteger)))
            checksum = BNode()
            g.add((dist, SPDX.checksum, checksum))
            g.add((checksum, RDF.type, SPDX.Checksum))
            g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
            g.add((checksum, SPDX.checksumValue, Literal(_sha256(path), datatype=XSD.hexBinary)))

    endpoint_dist = URIRef(base + "/sparql#distribution")
    g.add((dataset, DCAT.distribution, endpoint_dist))
    g.add((endpoint_dist, RDF.type, DCAT.Distribution))
    g.add((endpoint_dist, DCTERMS.title, Literal("SPARQL 1.1 endpoint", lang="en")))
    g.add((endpoint_dist, DCAT.accessURL, URIRef(base + "/sparql")))
    g.add((endpoint_dist, DCAT.accessService, service))
    g.add((endpoint_dist, DCTERMS.license, LICENCE))

    g.add((service, RDF.type, DCAT.DataService))
    g.add((service, DCTERMS.title, Literal("ISCM knowledge graph SPARQL endpoint", lang="en")))
    g.add((service, DCTERMS.description, Literal(
        "Read-only SPARQL 1.1 query endpoint; the default graph is the union of all named graphs.", lang="en")))
    g.add((service, DCAT.endpointURL, URIRef(base + "/sparql")))
    g.add((service, DCAT.endpointDescription, URIRef(base + "/sparql?format=ttl")))
    g.add((service, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
    g.add((service, DCAT.servesDataset, dataset))
    g.add((service, DCTERMS.license, LICENCE))
    g.add((service, DCTERMS.publisher, publisher))
    g.add((service, DCAT.contactPoint, contact))
    g.add((service, DCAT.theme, EU_THEME.SOCI))
    g.add((service, DCAT.keyword, Literal("SPARQL", lang="en")))
    # DCAT-AP's range shapes want each controlled-vocabulary value typed as the class it belongs to
    for prop, cls in RANGES.items():
        for value in set(g.objects(None, prop)):
            g.add((value, RDF.type, cls))
    for concept, label in CONCEPT_LABELS.items():      # the EU authority tables' English labels
        g.add((concept, SKOS.prefLabel, Literal(label, lang="en")))
    return g


CONCEPT_LABELS = {
    EU_THEME.SOCI: "Population and society", EU_THEME.INTR: "International issues",
    URIRef("http://purl.org/adms/publishertype/Academia-ScientificOrganisation"): "Academia/Scientific organisation",
}


RANGES = {
    DCTERMS.accessRights: DCTERMS.RightsStatement, DCTERMS.accrualPeriodicity: DCTERMS.Frequency,
    DCTERMS.conformsTo: DCTERMS.Standard, DCTERMS.format: DCTERMS.MediaTypeOrExtent,
    DCTERMS.language: DCTERMS.LinguisticSystem, DCTERMS.license: DCTERMS.LicenseDocument,
    DCTERMS.type: SKOS.Concept, DCAT.compressFormat: DCTERMS.MediaType, DCAT.mediaType: DCTERMS.MediaType,
    DCAT.contactPoint: VCARD.Kind, DCAT.landingPage: FOAF.Document, FOAF.homepage: FOAF.Document,
    DCAT.theme: SKOS.Concept,
}
