"""In which releases a resource appears: the IRIs of the dataset's resources (`/id/...`) a release
holds as subject or object, read once per release from its N-Quads file and kept (a release never
changes), so a TimeMap needs no release loaded into a store."""
from __future__ import annotations

import threading
from pathlib import Path

import pyoxigraph as ox

from iscm_graph.build_folder import DATASET
from iscm_graph.namespaces import BASE

_PREFIX = BASE + "id/"


def resource_iris(build_path: Path) -> frozenset[str]:
    found = set()
    for quad in ox.parse(path=str(build_path / DATASET), format=ox.RdfFormat.N_QUADS):
        for term in (quad.subject, quad.object):
            if isinstance(term, ox.NamedNode) and term.value.startswith(_PREFIX):
                found.add(term.value)
    return frozenset(found)


class Presence:
    """Per process: release folder -> the resource IRIs it holds."""

    def __init__(self):
        self._known: dict[Path, frozenset[str]] = {}
        self._lock = threading.Lock()

    def holds(self, build_path: Path, iri: str) -> bool:
        iris = self._known.get(build_path)
        if iris is None:
            with self._lock:
                iris = self._known.get(build_path)
                if iris is None:
                    iris = self._known[build_path] = resource_iris(build_path)
        return iri in iris

    def forget_except(self, paths) -> None:
        """Drop what was read of releases no longer published (pruned)."""
        keep = set(paths)
        with self._lock:
            for path in list(self._known):
                if path not in keep:
                    del self._known[path]
