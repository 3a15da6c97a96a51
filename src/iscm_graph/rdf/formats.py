"""Media types offered for each kind of answer, with the writer behind each (one table)."""
from __future__ import annotations

import pyoxigraph as ox

# SELECT / ASK results: media type -> (format name, pyoxigraph writer)
RESULTS = {
    "application/sparql-results+json": ("json", ox.QueryResultsFormat.JSON),
    "application/sparql-results+xml": ("xml", ox.QueryResultsFormat.XML),
    "text/csv": ("csv", ox.QueryResultsFormat.CSV),
    "text/tab-separated-values": ("tsv", ox.QueryResultsFormat.TSV),
    "application/json": ("json", ox.QueryResultsFormat.JSON),
    "application/xml": ("xml", ox.QueryResultsFormat.XML),
}
# RDF documents: media type -> (format name, file extension, rdflib serializer name)
RDF = {
    "text/turtle": ("turtle", "ttl", "turtle"),
    "application/ld+json": ("jsonld", "jsonld", "json-ld"),
    "application/rdf+xml": ("rdfxml", "rdf", "xml"),
    "application/n-triples": ("nt", "nt", "nt"),
    "application/n-quads": ("nq", "nq", "nquads"),
    "application/trig": ("trig", "trig", "trig"),
    "application/x-turtle": ("turtle", "ttl", "turtle"),
    "text/plain": ("nt", "nt", "nt"),
}
HTML = "text/html"
QUAD_TYPES = {"application/n-quads", "application/trig"}

# what a `format=` parameter or a file extension may say
ALIASES = {
    "json": "application/sparql-results+json", "srj": "application/sparql-results+json",
    "xml": "application/sparql-results+xml", "srx": "application/sparql-results+xml",
    "csv": "text/csv", "tsv": "text/tab-separated-values",
    "ttl": "text/turtle", "turtle": "text/turtle",
    "jsonld": "application/ld+json", "json-ld": "application/ld+json",
    "rdf": "application/rdf+xml", "rdfxml": "application/rdf+xml", "rdf+xml": "application/rdf+xml",
    "nt": "application/n-triples", "ntriples": "application/n-triples",
    "nq": "application/n-quads", "nquads": "application/n-quads",
    "trig": "application/trig", "html": HTML, "n3": "text/n3",
}
EXTENSIONS = {ext: mt for mt, (_, ext, _) in RDF.items() if mt not in ("application/x-turtle", "text/plain")}
EXTENSIONS["html"] = HTML
DOCUMENT_TYPES = [HTML, "text/turtle", "application/ld+json", "application/rdf+xml",
                  "application/n-triples", "application/n-quads", "application/trig"]
RESULT_TYPES = ["application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                "text/tab-separated-values", "application/json", "application/xml"]
# Turtle is also valid N3, so N3 clients get Turtle under their media type.
GRAPH_TYPES = ["text/turtle", "application/ld+json", "application/rdf+xml", "application/n-triples",
               "application/n-quads", "application/trig", "application/x-turtle", "text/n3", "text/rdf+n3",
               "text/plain"]
# CONSTRUCT / DESCRIBE answers: media type -> pyoxigraph writer
RDF_WRITERS = {"text/turtle": ox.RdfFormat.TURTLE, "application/x-turtle": ox.RdfFormat.TURTLE,
               "text/n3": ox.RdfFormat.TURTLE, "text/rdf+n3": ox.RdfFormat.TURTLE,
               "application/ld+json": ox.RdfFormat.JSON_LD, "application/rdf+xml": ox.RdfFormat.RDF_XML,
               "application/n-triples": ox.RdfFormat.N_TRIPLES, "text/plain": ox.RdfFormat.N_TRIPLES,
               "application/n-quads": ox.RdfFormat.N_QUADS, "application/trig": ox.RdfFormat.TRIG}


def choose(accept, offered: list[str], explicit: str | None = None) -> str | None:
    """The media type to answer with: an explicit `format=` wins, else the Accept header
    (werkzeug's parser, q-values included); None when nothing acceptable is offered."""
    if explicit:
        mt = ALIASES.get(explicit.lower(), explicit.lower())
        if mt in offered:
            return mt
        if mt in ALIASES.values() or "/" in mt:
            return None          # a format we know (or a media type) that this answer cannot take
        # an unknown word (clients add their own, e.g. SPARQLWrapper's format=n3 on GET): use Accept
    if not accept or not list(accept.values()):
        return offered[0]
    return accept.best_match(offered)
