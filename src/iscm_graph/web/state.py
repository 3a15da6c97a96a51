"""The build a server process answers from: loaded once, reloaded when `current` points elsewhere.
Everything comes from the build folder (see build_folder.py); the source folder is never opened."""
from __future__ import annotations

import datetime as dt
import email.utils
import json
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from iscm_graph import build_folder as bf
from iscm_graph.namespaces import ONTOLOGY_GRAPH
from iscm_graph.query.catalogue import NamedQuery, catalogue
from iscm_graph.query.store import EmbeddedStore, open_store
from iscm_graph.rdf.terms import to_rdflib


@dataclass
class LoadedBuild:
    path: Path
    manifest: dict
    store: object                   # EmbeddedStore or RemoteStore: the same query() interface
    ontology: Graph
    shapes: Graph
    context: dict
    queries: dict[str, NamedQuery]
    cache: dict = field(default_factory=dict)     # per-build memo of derived documents (VoID, ...)

    @property
    def store_kind(self) -> str:
        return "embedded" if isinstance(self.store, EmbeddedStore) else "external"

    def resolver(self):
        """Names, codes and slugs to IRIs (reports/resolve.py), indexed once per build, on first use."""
        if "resolver" not in self.cache:
            from iscm_graph.reports.resolve import Resolver
            self.cache["resolver"] = Resolver(self.store)
        return self.cache["resolver"]

    @property
    def build_id(self) -> str:
        return self.manifest["build_id"]

    @property
    def last_modified(self) -> str:
        created = dt.datetime.fromisoformat(self.manifest["created"])
        return email.utils.format_datetime(created.astimezone(dt.timezone.utc), usegmt=True)


def _graph_from(triples, identifier=None) -> Graph:
    # blank node labels are kept as written (canonical), so every process serves the same bytes
    g = Graph(identifier=identifier)
    for t in triples:
        g.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
    return g


def load_build(settings, path: Path) -> LoadedBuild:
    manifest = bf.read_manifest(path)
    store = open_store(settings, path, manifest)
    ontology = _graph_from(store.query("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH graph:ontology { ?s ?p ?o } }"),
                           ONTOLOGY_GRAPH)
    shapes = _graph_from(ox.parse(path=str(path / bf.SHAPES), format=ox.RdfFormat.TURTLE))
    context = json.loads((path / bf.CONTEXT).read_text(encoding="utf-8"))
    return LoadedBuild(path, manifest, store, ontology, shapes, context, catalogue(path / bf.QUERIES))


class BuildHolder:
    def __init__(self, settings):
        self.settings = settings
        self._lock = threading.Lock()
        self._loaded: LoadedBuild | None = None

    def get(self) -> LoadedBuild:
        """The current build; a newer good build is picked up on the next request."""
        path = bf.current_build(self.settings)
        loaded = self._loaded
        if loaded is not None and loaded.path == path:
            return loaded
        with self._lock:
            if self._loaded is None or self._loaded.path != path:
                self._loaded = load_build(self.settings, path)
            return self._loaded
