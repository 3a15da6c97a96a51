"""The IRIs the project mints and the vocabularies it reuses."""
from rdflib import Namespace
from rdflib.namespace import DCAT, DCTERMS, OWL, PROV, RDF, RDFS, SDO, SKOS, VOID, XSD, ORG

BASE = "https://w3id.org/iscm/"
ISCM = Namespace(BASE + "ontology#")
ID = Namespace(BASE + "id/")
GRAPH = Namespace(BASE + "graph/")
STATE = Namespace(BASE + "id/state/")
EU_COUNTRY = Namespace("http://publications.europa.eu/resource/authority/country/")
SCHEMA = Namespace("https://schema.org/")
# Wikidata items (the concept URI, not the wiki page)
WIKIDATA = Namespace("http://www.wikidata.org/entity/")

ONTOLOGY_IRI = BASE + "ontology"
INFERRED_GRAPH = GRAPH["inferred"]
ONTOLOGY_GRAPH = GRAPH["ontology"]
STATES_GRAPH = GRAPH["curated/iso3166"]
# the union of all graphs (a set), as pushed to an external store that serves as default graph
UNION_GRAPH = str(GRAPH["union"])

# Prefixes offered to every query and written into every serialisation.
PREFIXES = {
    "iscm": str(ISCM),
    "id": str(ID),
    "graph": str(GRAPH),
    "mech": BASE + "id/mechanism/",
    "state": str(STATE),
    "theme": BASE + "id/theme/",
    "region": BASE + "id/region/",
    "orgn": BASE + "id/organization/",
    "body": BASE + "id/body/",
    "comm": BASE + "id/commission/",
    "src": BASE + "id/source/",
    "doc": BASE + "id/document/",
    "para": BASE + "id/paragraph/",
    "obj": BASE + "id/objective/",
    "meet": BASE + "id/meeting/",
    "kind": BASE + "id/kind/",
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "prov": str(PROV),
    "org": str(ORG),
    "schema": str(SCHEMA),
    "dcat": str(DCAT),
    "void": str(VOID),
    "time": "http://www.w3.org/2006/time#",
    "wd": "http://www.wikidata.org/entity/",
}

__all__ = ["ISCM", "ID", "GRAPH", "STATE", "EU_COUNTRY", "SCHEMA", "WIKIDATA", "PREFIXES", "SDO"]
