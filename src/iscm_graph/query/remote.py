"""A store that answers from an external SPARQL 1.1 endpoint (Virtuoso, Fuseki, ...), with the same
query() interface as the embedded one, so every route works unchanged (`serve --store`)."""
from __future__ import annotations

import re

import pyoxigraph as ox
import requests
from rdflib import BNode, Literal, URIRef

from iscm_graph.errors import LimitError, QueryError
from iscm_graph.namespaces import PREFIXES, UNION_GRAPH
from iscm_graph.query import binding
from iscm_graph.rdf.formats import graph_format, result_format
from iscm_graph.rdf.terms import to_rdflib


def _term(value) -> str:
    """A bound value as SPARQL syntax, produced by the RDF library's own serialiser (escaped),
    never by pasting the raw string."""
    if isinstance(value, ox.BlankNode) and re.fullmatch(r"vb\d+", value.value):
        # a blank node Virtuoso returned: it is addressable again as <nodeID://b...>
        return f"<nodeID://{value.value[1:]}>"
    if isinstance(value, (ox.NamedNode, ox.Literal, ox.BlankNode)):
        value = to_rdflib(value)
    if isinstance(value, BNode):
        raise QueryError("blank nodes cannot be sent to a remote endpoint")
    if not isinstance(value, (URIRef, Literal)):
        value = Literal(str(value))
    return value.n3()


class RemoteStore:
    def __init__(self, endpoint: str, named_graphs: list[str], timeout: float = 60):
        self.endpoint = endpoint
        self.named = named_graphs
        self.timeout = timeout
        self.session = requests.Session()

    def query(self, sparql: str, bindings: dict | None = None, *, default_graphs=None, named_graphs=None,
              base_iri: str | None = None, prefixes: bool = True):
        text = sparql
        if prefixes:
            declared = set(re.findall(r"(?im)^\s*PREFIX\s+([A-Za-z][\w.-]*)?:", sparql))
            text = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items() if p not in declared) + text
        if base_iri:
            text = f"BASE <{base_iri}>\n" + text
        if bindings:
            text = inject_values(text, bindings)
        data = [("query", text)]
        data += [("default-graph-uri", g) for g in (default_graphs or [UNION_GRAPH])]
        data += [("named-graph-uri", g) for g in (named_graphs or self.named)]
        kind = _query_form(sparql)
        graphs = kind in ("CONSTRUCT", "DESCRIBE")
        accept = (graph_format("nt") if graphs else result_format("xml")).media_type
        try:
            resp = self.session.post(self.endpoint, data=data, headers={"Accept": accept}, timeout=self.timeout)
        except requests.RequestException as exc:
            raise LimitError(502, f"the SPARQL store behind this server did not answer: {exc.__class__.__name__}") from None
        if resp.status_code >= 500:
            # the store failed, not the request: a gateway error, not the client's 400
            raise LimitError(502, f"the SPARQL store behind this server failed ({resp.status_code}): {resp.text[:300]}")
        if resp.status_code >= 400:
            raise QueryError(f"the SPARQL store refused the query ({resp.status_code}): {resp.text[:300]}")
        if graphs:
            # a list of triples: what the engine gives for CONSTRUCT, read from the store's answer
            body = re.sub(rb"_:nodeID://", b"_:v", resp.content)
            return list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))
        # Virtuoso names blank nodes "nodeID://b123", which is not a blank node label
        body = re.sub(rb"<bnode>nodeID://", b"<bnode>v", resp.content)
        return ox.parse_query_results(body, format=ox.QueryResultsFormat.XML)


def inject_values(text: str, bindings: dict) -> str:
    """Pre-bind variables the way substitution does (query/binding.py), terms written for this store."""
    return binding.inject_values(text, bindings, _term)


def _query_form(sparql: str) -> str:
    bare = re.sub(r"(?m)#.*$", "", re.sub(r"<[^>]*>", "<>", sparql))
    m = re.search(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", bare, re.IGNORECASE)
    return m.group(1).upper() if m else "SELECT"
