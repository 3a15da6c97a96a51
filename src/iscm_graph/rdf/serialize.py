"""Writing graphs and datasets in each RDF media type; JSON-LD compacted with the published context.

Output is deterministic: statements are sorted and blank nodes keep the labels they were given, so
every process (each web worker, each copy of a build) writes the same bytes for the same graph and a
strong ETag means what it says. (rdflib's own writers follow the order of its in-memory sets, which
differs from process to process.)"""
from __future__ import annotations

import json

import pyoxigraph as ox
from pyld import jsonld
from rdflib import Dataset, Graph

from iscm_graph.namespaces import PREFIXES
from iscm_graph.rdf.formats import JSONLD, by_media_type, graph_format
from iscm_graph.rdf.terms import to_ox


def _refuse_loading(url, options=None):
    # Documents are compacted against the context held in memory; nothing is ever fetched.
    raise jsonld.JsonLdError(f"remote documents are not loaded: {url}", "jsonld.LoadDocumentError",
                             code="loading document failed")


def _statements(data: Graph | Dataset, quads: bool) -> list:
    """The statements of `data` as pyoxigraph triples or quads (a Dataset's default graph as the
    default graph), sorted by their N-Quads form."""
    default = getattr(data, "default_graph", None)
    out = set()
    if isinstance(data, Dataset):
        for s, p, o, g in data.quads((None, None, None, None)):
            name = g.identifier if hasattr(g, "identifier") else g
            graph = ox.DefaultGraph() if default is not None and name == default.identifier else to_ox(name)
            out.add(ox.Quad(to_ox(s), to_ox(p), to_ox(o), graph) if quads else ox.Triple(to_ox(s), to_ox(p), to_ox(o)))
    else:
        for s, p, o in data:
            out.add(ox.Quad(to_ox(s), to_ox(p), to_ox(o)) if quads else ox.Triple(to_ox(s), to_ox(p), to_ox(o)))
    return sorted(out, key=str)


def compact_jsonld(data: Graph | Dataset, context: dict, context_url: str) -> bytes:
    # N-Quads -> JSON-LD by pyld's standard algorithm keeps every literal's datatype as it is
    nquads = ox.serialize(_statements(data, quads=False), format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
    expanded = jsonld.from_rdf(nquads, {"format": graph_format("nq").media_type})
    compacted = jsonld.compact(expanded, context["@context"], {"documentLoader": _refuse_loading})
    compacted["@context"] = context_url
    return json.dumps(compacted, ensure_ascii=False, indent=1).encode("utf-8")


def serialize(data: Graph | Dataset, media_type: str, context: dict | None = None,
              context_url: str | None = None) -> bytes:
    """`data` in `media_type`: quads for the quad types (a Graph as the default graph), triples
    otherwise; JSON-LD compacted with `context` when one is given."""
    if media_type == JSONLD and context is not None:
        return compact_jsonld(data, context, context_url)
    fmt = by_media_type(media_type)
    prefixes = PREFIXES if fmt.engine in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.RDF_XML) else None
    return ox.serialize(_statements(data, quads=fmt.quads), format=fmt.engine, prefixes=prefixes)
