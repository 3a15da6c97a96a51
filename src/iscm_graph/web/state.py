"""The build a server process answers from: loaded once, reloaded when `current` points elsewhere."""
from __future__ import annotations

import datetime as dt
import email.utils
import threading
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from ..build import current_build, read_manifest
from ..context import build_context
from ..documents import to_rdflib
from ..load import read_turtle_folder
from ..namespaces import ONTOLOGY_GRAPH
from ..store import EmbeddedStore


@dataclass
class LoadedBuild:
    path: Path
    manifest: dict
    store: EmbeddedStore
    ontology: Graph
    shapes: Graph
    context: dict
    cache: dict = field(default_factory=dict)     # per-build memo of derived documents (VoID, ...)

    @property
    def store_kind(self) -> str:
        return "embedded" if isinstance(self.store, EmbeddedStore) else "external"

    @property
    def build_id(self) -> str:
        return self.manifest["build_id"]

    @property
    def last_modified(self) -> str:
        created = dt.datetime.fromisoformat(self.manifest["created"])
        return email.utils.format_datetime(created.astimezone(dt.timezone.utc), usegmt=True)


def open_store(settings, path: Path, manifest: dict):
    """The embedded store over the build, or the external endpoint the settings name."""
    if settings.store.startswith(("sparql+http://", "sparql+https://")):
        from ..remote import RemoteStore
        return RemoteStore(settings.store[len("sparql+"):], sorted(manifest["graphs"]))
    if settings.store != "embedded":
        from ..errors import IscmError
        raise IscmError(f"store setting {settings.store!r}: use 'embedded' or sparql+http://host:port/sparql")
    return EmbeddedStore.from_build(path)


class BuildHolder:
    def __init__(self, settings):
        self.settings = settings
        self._lock = threading.Lock()
        self._loaded: LoadedBuild | None = None

    def _load(self, path: Path) -> LoadedBuild:
        manifest = read_manifest(path)
        store = open_store(self.settings, path, manifest)
        ontology = Graph(identifier=ONTOLOGY_GRAPH)
        for row in store.query("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH graph:ontology { ?s ?p ?o } }"):
            ontology.add((to_rdflib(row.subject), to_rdflib(row.predicate), to_rdflib(row.object)))
        shapes = read_turtle_folder(self.settings.shapes_dir)
        return LoadedBuild(path, manifest, store, ontology, shapes, build_context(ontology))

    def get(self) -> LoadedBuild:
        """The current build; a newer good build is picked up on the next request."""
        path = current_build(self.settings)
        loaded = self._loaded
        if loaded is not None and loaded.path == path:
            return loaded
        with self._lock:
            if self._loaded is None or self._loaded.path != path:
                self._loaded = self._load(path)
            return self._loaded
