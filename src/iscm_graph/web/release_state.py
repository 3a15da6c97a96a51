"""The older releases a web worker answers from: a few loaded at a time (the `releases_loaded`
setting, least recently asked for dropped first), others loaded when asked for. A release of the
same data as the current build (the same manifest build id) is answered by the current build, which
is always held, so serving the current release costs nothing more."""
from __future__ import annotations

import threading
import time
from collections import OrderedDict

from iscm_graph import build_folder as bf
from iscm_graph.publish.releases import Release, lease
from iscm_graph.web.state import BuildHolder, LoadedBuild, load_build


class ReleaseHolder:
    def __init__(self, settings, builds: BuildHolder):
        self.settings, self.builds = settings, builds
        self._lock = threading.Lock()
        self._loaded: OrderedDict[str, LoadedBuild] = OrderedDict()
        self._leased: dict[str, float] = {}
        self.loads = self.evictions = 0

    def _lease(self, version: str) -> None:
        """Tell `release prune` this server holds `version` (publish/releases.py), renewed well within
        `release_lease`; an evicted release's lease simply runs out (a query process may still hold it)."""
        now = time.monotonic()
        if now - self._leased.get(version, float("-inf")) > self.settings.release_lease / 4:
            lease(self.settings, version)
            self._leased[version] = now

    def get(self, release: Release) -> LoadedBuild:
        self._lease(release.version)
        current = self.builds.get()
        with self._lock:
            loaded = self._loaded.get(release.version)
            if loaded is not None and loaded.path == release.path:
                self._loaded.move_to_end(release.version)
                return loaded
        if bf.read_manifest(release.path)["build_id"] == current.build_id:
            return current
        with self._lock:
            loaded = self._loaded.get(release.version)
            if loaded is None or loaded.path != release.path:
                loaded = load_build(self.settings, release.path)
                self._loaded[release.version] = loaded
                self.loads += 1
                while len(self._loaded) > self.settings.releases_loaded:
                    self._loaded.popitem(last=False)
                    self.evictions += 1
            self._loaded.move_to_end(release.version)
            return loaded

    def status(self) -> dict:
        with self._lock:
            return {"loaded": list(self._loaded), "limit": self.settings.releases_loaded,
                    "loads": self.loads, "evictions": self.evictions}
