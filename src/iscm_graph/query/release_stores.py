"""The stores of older releases a query process holds besides the current build's: opened when a
query names a release's folder, at most `releases_loaded` of them (least recently used dropped
first). Only folders under `<build_dir>/releases/` are opened, whatever the request says."""
from __future__ import annotations

from collections import OrderedDict
from pathlib import Path

from iscm_graph.build_folder import MANIFEST
from iscm_graph.query.store import EmbeddedStore


class UnknownFolder(Exception):
    pass


class ReleaseStores:
    def __init__(self, settings, own_folder: Path, own_store: EmbeddedStore):
        self.limit = settings.releases_loaded
        self.root = (Path(settings.build_dir) / "releases").resolve()
        self.own_folder, self.own_store = Path(own_folder), own_store
        self._open: OrderedDict[Path, EmbeddedStore] = OrderedDict()

    def get(self, folder: str | None) -> EmbeddedStore:
        """The store of `folder` (None or the process's own build: its own store)."""
        if folder is None or Path(folder) == self.own_folder:
            return self.own_store
        path = Path(folder).resolve()
        if path.parent != self.root or not (path / MANIFEST).is_file():
            raise UnknownFolder(f"no release folder {folder}")
        store = self._open.get(path)
        if store is None:
            store = self._open[path] = EmbeddedStore.from_build(path)
            while len(self._open) > self.limit:
                self._open.popitem(last=False)
        self._open.move_to_end(path)
        return store
