"""Writing graphs and datasets in each RDF media type; JSON-LD compacted with the published context."""
from __future__ import annotations

import json

from pyld import jsonld
from rdflib import Dataset, Graph

from .negotiation import QUAD_TYPES, RDF
from .namespaces import PREFIXES


def _refuse_loading(url, options=None):
    # Documents are compacted against the context held in memory; nothing is ever fetched.
    raise jsonld.JsonLdError(f"remote documents are not loaded: {url}", "jsonld.LoadDocumentError",
                             code="loading document failed")


def compact_jsonld(graph: Graph, context: dict, context_url: str) -> bytes:
    # N-Quads -> JSON-LD by pyld's standard algorithm keeps every literal's datatype as it is
    nquads = graph.serialize(format="nt", encoding="utf-8").decode("utf-8")
    expanded = jsonld.from_rdf(nquads, {"format": "application/n-quads"})
    compacted = jsonld.compact(expanded, context["@context"], {"documentLoader": _refuse_loading})
    compacted["@context"] = context_url
    return json.dumps(compacted, ensure_ascii=False, indent=1).encode("utf-8")


def serialize(data: Graph | Dataset, media_type: str, context: dict | None = None,
              context_url: str | None = None) -> bytes:
    """`data` is a Dataset for the quad types and a Graph otherwise."""
    fmt = RDF[media_type][2]
    if media_type == "application/ld+json" and context is not None:
        return compact_jsonld(data, context, context_url)
    if media_type in QUAD_TYPES and not isinstance(data, Dataset):
        ds = Dataset()
        ds.default_graph += data
        data = ds
    for prefix, ns in PREFIXES.items():
        data.bind(prefix, ns)
    return data.serialize(format=fmt, encoding="utf-8")
