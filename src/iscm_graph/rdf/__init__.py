"""RDF plumbing shared by every stage: `terms` converts terms between rdflib and pyoxigraph (and
canonicalises blank nodes), `formats` is the table of media types with the writer behind each,
`serialize` writes graphs and datasets in those types (JSON-LD compacted with the published
context), and `context` generates that JSON-LD @context from the ontology."""
