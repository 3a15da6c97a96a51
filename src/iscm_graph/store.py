"""Query engine over the last good build: an embedded pyoxigraph store, read-only by use.

The default graph of every query is the union of all named graphs, as a set: pyoxigraph's own
"default graph as union" repeats a triple once per graph stating it, so the store materialises the
union into its default graph once at load. GRAPH ?g still sees each named graph.
Values are passed as RDF terms (substitutions), never pasted into the query text.
"""
from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from .errors import QueryError
from .namespaces import PREFIXES


def to_ox(term):
    """An rdflib term (or a plain Python value) as a pyoxigraph term."""
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    if isinstance(term, (ox.NamedNode, ox.BlankNode, ox.Literal)):
        return term
    return ox.Literal(str(term))


class EmbeddedStore:
    def __init__(self, store: ox.Store):
        self._store = store

    @classmethod
    def from_build(cls, build_path: Path) -> "EmbeddedStore":
        store = ox.Store()
        store.bulk_load(path=str(build_path / "dataset.nq"), format=ox.RdfFormat.N_QUADS)
        store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
        return cls(store)

    def query(self, sparql: str, bindings: dict | None = None, *, default_graphs=None,
              named_graphs=None, base_iri: str | None = None, prefixes: bool = True):
        """Evaluate a SPARQL query. `default_graphs` / `named_graphs` (graph IRIs) replace the
        dataset, as the protocol's default-graph-uri / named-graph-uri do; they are names, never
        fetched."""
        try:
            substitutions = {ox.Variable(k): to_ox(v) for k, v in (bindings or {}).items()}
        except ValueError as exc:          # e.g. an IRI with broken percent-encoding
            raise QueryError(f"invalid value for a query parameter: {exc}") from None
        options = {}
        if default_graphs:
            options["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
        if named_graphs:
            options["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        try:
            return self._store.query(sparql, prefixes=PREFIXES if prefixes else None, base_iri=base_iri,
                                     substitutions=substitutions or None, **options)
        except SyntaxError as exc:
            raise QueryError(f"SPARQL syntax error: {exc}") from None
        except (OSError, ValueError, RuntimeError) as exc:
            if "SELECT projection" in str(exc):
                raise QueryError("a bound parameter must appear in the SELECT clause: "
                                 f"{exc}") from None
            raise QueryError(f"query failed: {exc}") from None

    def __len__(self) -> int:
        return len(self._store)
