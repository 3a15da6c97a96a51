"""Releases for tests: builds of edited copies of the project's data, published by hard-linking the
build folder into `releases/{version}/` with its release.json (the layout of publish/releases.py)."""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from pathlib import Path

from iscm_graph.config import load_settings
from iscm_graph.pipeline.build import run_build

REPO = Path(__file__).resolve().parents[1]
_SOURCE_FOLDERS = ("ontology", "shapes", "queries", "sources")


def source_copy(folder: Path) -> Path:
    """A source folder whose data/ is a copy (to be edited) and whose other inputs are the repository's."""
    folder.mkdir(parents=True)
    shutil.copytree(REPO / "data", folder / "data")
    for name in _SOURCE_FOLDERS:
        (folder / name).symlink_to(REPO / name)
    return folder


def drop_member(source: Path, mechanism: str, state: str) -> None:
    """Remove a State's rows from a mechanism's membership list (data/memberships/{mechanism}.csv)."""
    path = source / "data" / "memberships" / f"{mechanism}.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if not line.startswith(state + ",")]
    assert len(kept) < len(lines), f"{state} is not in {path}"
    path.write_text("".join(kept), encoding="utf-8")


def build(source: Path, build_dir: Path) -> Path:
    result = run_build(load_settings(source_dir=source, build_dir=build_dir))
    assert result.ok, "\n".join(r.line() for r in result.report.violations)
    return result.path


def publish(build_dir: Path, build_path: Path, version: str, published: dt.datetime,
            previous: str | None = None, current: bool = True) -> Path:
    """A release of `build_path`: its files hard-linked, release.json beside them, read-only."""
    folder = Path(build_dir) / "releases" / version
    folder.parent.mkdir(exist_ok=True)
    shutil.copytree(build_path, folder, copy_function=os.link)
    folder.chmod(0o755)
    (folder / "release.json").write_text(json.dumps({
        "version": version, "build_id": build_path.name, "published": published.isoformat(),
        "previous": previous, "iri": f"https://w3id.org/iscm/release/{version}"}), encoding="utf-8")
    folder.chmod(0o555)
    if current:
        link = folder.parent / "current"
        tmp = folder.parent / ".current.tmp"
        tmp.unlink(missing_ok=True)
        tmp.symlink_to(version)
        os.replace(tmp, link)
    return folder
