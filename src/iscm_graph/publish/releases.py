"""Releases: published builds kept read-only beside each other (a stand-in with the shared
interface; publishing, pruning, diffs and the feed live with the full module).

Layout::

    <build_dir>/releases/<version>/              a read-only copy of a build folder (hard links)
    <build_dir>/releases/<version>/release.json  version, build_id, published, previous, iri
    <build_dir>/releases/current -> <version>    the current release, the default
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from iscm_graph.errors import IscmError

RELEASES = "releases"
RELEASE_FILE = "release.json"


@dataclass
class Release:
    version: str
    build_id: str
    published: dt.datetime
    previous: str | None
    iri: str
    path: Path


def _read(folder: Path) -> Release:
    data = json.loads((folder / RELEASE_FILE).read_text(encoding="utf-8"))
    published = dt.datetime.fromisoformat(data["published"].replace("Z", "+00:00"))
    if published.tzinfo is None:
        published = published.replace(tzinfo=dt.timezone.utc)
    return Release(data["version"], data["build_id"], published, data.get("previous"), data["iri"], folder)


def list_releases(settings) -> list[Release]:
    """Every release, oldest first."""
    root = Path(settings.build_dir) / RELEASES
    if not root.is_dir():
        return []
    found = [_read(folder) for folder in root.iterdir()
             if not folder.is_symlink() and (folder / RELEASE_FILE).is_file()]
    return sorted(found, key=lambda r: (r.published, r.version))


def get_release(settings, version: str) -> Release:
    for release in list_releases(settings):
        if release.version == version:
            return release
    raise IscmError(f"no release {version!r} in {Path(settings.build_dir) / RELEASES}")


def current_release(settings) -> Release | None:
    link = Path(settings.build_dir) / RELEASES / "current"
    if not (link / RELEASE_FILE).is_file():
        return None
    return _read(link.resolve())


def release_at(settings, when: dt.datetime) -> Release | None:
    """The release current at `when`: the last one published at or before it."""
    earlier = [r for r in list_releases(settings) if r.published <= when]
    return earlier[-1] if earlier else None
