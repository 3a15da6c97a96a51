"""Query engine over the last good build: an embedded pyoxigraph store, read-only by use.

The default graph of every query is the union of all named graphs, as a set: pyoxigraph's own
"default graph as union" repeats a triple once per graph stating it, so the store materialises the
union into its default graph once at load. GRAPH ?g still sees each named graph.
Values are passed as RDF terms, written into a VALUES block by the RDF library (query/binding.py),
never pasted into the query text as given.
"""
from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from iscm_graph.build_folder import DATASET
from iscm_graph.errors import IscmError, QueryError
from iscm_graph.namespaces import PREFIXES
from iscm_graph.query.binding import inject_values, where_position
from iscm_graph.rdf.terms import to_ox


class EmbeddedStore:
    def __init__(self, store: ox.Store):
        self._store = store

    @classmethod
    def from_build(cls, build_path: Path) -> "EmbeddedStore":
        store = ox.Store()
        # parsed, not bulk-loaded: the store keeps the build's canonical blank node labels (a bulk load
        # renames them at random), so every process and every copy of the build gives the same answers
        store.extend(ox.parse(path=str(build_path / DATASET), format=ox.RdfFormat.N_QUADS))
        store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
        return cls(store)

    def query(self, sparql: str, bindings: dict | None = None, *, default_graphs=None,
              named_graphs=None, base_iri: str | None = None, prefixes: bool = True):
        """Evaluate a SPARQL query. `default_graphs` / `named_graphs` (graph IRIs) replace the
        dataset, as the protocol's default-graph-uri / named-graph-uri do; they are names, never
        fetched."""
        try:
            terms = {k: to_ox(v) for k, v in (bindings or {}).items()}
        except ValueError as exc:          # e.g. an IRI with broken percent-encoding
            raise QueryError(f"invalid value for a query parameter: {exc}") from None
        substitutions = {}
        at = where_position(sparql) if terms else None
        if at is not None and not any(isinstance(t, ox.BlankNode) for t in terms.values()):
            # a VALUES block the planner sees (query/binding.py); pyoxigraph writes each term
            sparql = inject_values(sparql, terms, str, at)
        else:
            # a blank node cannot be written in VALUES: bound after planning, as substitution
            substitutions = {ox.Variable(k): t for k, t in terms.items()}
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


def open_store(settings, path: Path, manifest: dict):
    """The embedded store over the build, or the external endpoint the settings name."""
    if settings.store.startswith(("sparql+http://", "sparql+https://")):
        from iscm_graph.query.remote import RemoteStore
        return RemoteStore(settings.store[len("sparql+"):], sorted(manifest["graphs"]))
    if settings.store != "embedded":
        raise IscmError(f"store setting {settings.store!r}: use 'embedded' or sparql+http://host:port/sparql")
    return EmbeddedStore.from_build(path)
