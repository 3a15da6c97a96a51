"""Releases: published builds, kept read-only beside each other so a figure can be cited by version.

Layout::

    <build_dir>/releases/<version>/            a copy of builds/<id>/ (hard links: disk shared with the build)
    <build_dir>/releases/<version>/release.json {version, build_id, published, previous, iri}
    <build_dir>/releases/<version>/changes.json what changed since the previous release (publish/changes.py)
    <build_dir>/releases/current -> <version>   the current release, the default
    <build_dir>/releases/.leases/<version>/<host>-<pid>   touched by servers holding a release

Versions are dates, `YYYY.MM.DD`, with `.N` for the N-th release of one day (`2026.12.05.2`): the
data tracks dated facts, not an API, so the version says how current the data is.

A server that holds a release in memory calls `lease(settings, version)` (again at least every
`release_lease` seconds while it holds it); `prune` never removes a release with a fresh lease of a
living process, nor the current release."""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import socket
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from iscm_graph import build_folder as bf
from iscm_graph.errors import IscmError

RELEASES = "releases"
RELEASE_FILE = "release.json"
CHANGES_FILE = "changes.json"
LEASES = ".leases"
IRI_BASE = "https://w3id.org/iscm/release/"
_VERSION = re.compile(r"^(\d{4})\.(\d{2})\.(\d{2})(?:\.([2-9]|[1-9]\d+))?$")


class ReleaseError(IscmError):
    """A release cannot be published, found or removed; the message says which and why."""


class UnknownReleaseError(ReleaseError):
    """No release has this version."""


@dataclass(frozen=True)
class Release:
    version: str
    build_id: str
    published: dt.datetime
    previous: str | None
    iri: str
    path: Path


def releases_dir(settings) -> Path:
    return Path(settings.build_dir) / RELEASES


def check_version(version: str) -> str:
    """The version if it is `YYYY.MM.DD` or `YYYY.MM.DD.N` (N >= 2) of a real date; else a clear error."""
    m = _VERSION.match(version or "")
    if m:
        try:
            dt.date(int(m[1]), int(m[2]), int(m[3]))
            return version
        except ValueError:
            pass
    raise ReleaseError(f"release version {version!r}: expected a date YYYY.MM.DD, with .N (2, 3, ...) "
                       "for a further release of one day")


def _read(path: Path) -> Release:
    info = json.loads((path / RELEASE_FILE).read_text(encoding="utf-8"))
    return Release(info["version"], info["build_id"], dt.datetime.fromisoformat(info["published"]),
                   info.get("previous"), info["iri"], path)


def list_releases(settings) -> list[Release]:
    """Every release, oldest first."""
    root = releases_dir(settings)
    if not root.is_dir():
        return []
    found = [_read(p) for p in root.iterdir()
             if not p.is_symlink() and _VERSION.match(p.name) and (p / RELEASE_FILE).is_file()]
    return sorted(found, key=lambda r: (r.published, _order(r.version)))


def _order(version: str) -> tuple:
    return tuple(int(x) for x in version.split("."))


def get_release(settings, version: str) -> Release:
    path = releases_dir(settings) / version
    if not _VERSION.match(version or "") or not (path / RELEASE_FILE).is_file():
        known = ", ".join(r.version for r in list_releases(settings)) or "none yet"
        raise UnknownReleaseError(f"no release {version!r}; releases: {known}")
    return _read(path)


def any_release(settings) -> bool:
    """Whether a release has been published: one look at the `current` link (prune never removes the
    current release), cheap enough for every response."""
    return (releases_dir(settings) / "current" / RELEASE_FILE).is_file()


def current_release(settings) -> Release | None:
    link = releases_dir(settings) / "current"
    if not (link / RELEASE_FILE).is_file():
        return None
    return _read(link.resolve())


def release_at(settings, when: dt.datetime) -> Release | None:
    """The release that was current at `when`: the last published at or before it (naive = UTC)."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    before = [r for r in list_releases(settings) if r.published <= when]
    return before[-1] if before else None


def next_version(settings, day: dt.date) -> str:
    base = day.strftime("%Y.%m.%d")
    taken = {r.version for r in list_releases(settings)}
    if base not in taken:
        return base
    n = 2
    while f"{base}.{n}" in taken:
        n += 1
    return f"{base}.{n}"


def _check_build(build: Path) -> dict:
    """The build's manifest, if the folder is a complete, conforming build."""
    if not (build / bf.MANIFEST).is_file() or not (build / bf.DATASET).is_file():
        raise ReleaseError(f"{build} is not a written build (no {bf.MANIFEST} or {bf.DATASET})")
    manifest = bf.read_manifest(build)
    report = build / bf.VALIDATION
    if report.is_file() and json.loads(report.read_text(encoding="utf-8")).get("conforms") is False:
        raise ReleaseError(f"build {manifest['build_id']} did not conform: it cannot be released")
    return manifest


def _link_tree(source: Path, target: Path, previous: Release | None = None) -> None:
    """Hard-link every file (copy where the filesystem refuses links), so releases share disk with
    builds; a file the previous release holds with the same hash (manifest) is linked from there, so
    what did not change between releases (shapes, queries, texts, ...) is stored once for all of them."""
    ours = bf.read_manifest(source).get("files", {})
    theirs = bf.read_manifest(previous.path).get("files", {}) if previous else {}
    for path in sorted(source.rglob("*")):
        name = str(path.relative_to(source))
        dest = target / name
        if path.is_dir():
            dest.mkdir(parents=True, exist_ok=True)
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        same = name in ours and theirs.get(name) == ours[name] and (previous.path / name).is_file()
        try:
            os.link(previous.path / name if same else path, dest)
        except OSError:
            shutil.copy2(path, dest)


def _set_mode(folder: Path, writable: bool) -> None:
    for path in [folder, *folder.rglob("*")]:
        if path.is_dir() and not path.is_symlink():
            path.chmod(0o755 if writable else 0o555)


def _swap_current(root: Path, version: str) -> None:
    tmp = root / f".current-{os.getpid()}"
    if tmp.is_symlink():
        tmp.unlink()
    tmp.symlink_to(version)
    os.replace(tmp, root / "current")


def publish_release(settings, build: Path | str | None = None, version: str | None = None,
                    now: dt.datetime | None = None) -> Release:
    """Publish the current build (or `build`, a folder or a build id) as a release and make it current."""
    from iscm_graph.publish.changes import write_changes
    if build is None:
        source = bf.current_build(settings)
    else:
        source = Path(build)
        if not source.is_dir():
            source = Path(settings.build_dir) / "builds" / str(build)
        if not source.is_dir():
            raise ReleaseError(f"no build {str(build)!r} in {settings.build_dir}/builds")
        source = source.resolve()
    manifest = _check_build(source)
    now = (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc).replace(microsecond=0)
    version = check_version(version) if version else next_version(settings, now.date())
    root = releases_dir(settings)
    root.mkdir(parents=True, exist_ok=True)
    if (root / version).exists():
        raise ReleaseError(f"release {version} exists; releases are never replaced")
    previous = list_releases(settings)
    info = {"version": version, "build_id": manifest["build_id"], "published": now.isoformat(),
            "previous": previous[-1].version if previous else None, "iri": IRI_BASE + version}
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=root))
    try:
        _link_tree(source, staging, previous[-1] if previous else None)
        (staging / RELEASE_FILE).write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
        write_changes(previous[-1].path if previous else None, staging, staging / CHANGES_FILE)
        for name in (RELEASE_FILE, CHANGES_FILE):
            (staging / name).chmod(0o444)
        _set_mode(staging, writable=False)
        try:
            os.rename(staging, root / version)     # fails if the version appeared meanwhile: never replaced
        except OSError as exc:
            raise ReleaseError(f"release {version} exists or cannot be written: {exc.strerror}") from None
    except BaseException:
        _set_mode(staging, writable=True)
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _swap_current(root, version)
    return _read(root / version)


# -- leases: which releases running servers hold ------------------------------------------------

def _lease_dir(settings, version: str) -> Path:
    return releases_dir(settings) / LEASES / version


def lease(settings, version: str) -> None:
    """Say that this process holds `version` (call again at least every `release_lease` seconds)."""
    folder = _lease_dir(settings, version)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{socket.gethostname()}-{os.getpid()}").touch()


def release_lease(settings, version: str) -> None:
    (_lease_dir(settings, version) / f"{socket.gethostname()}-{os.getpid()}").unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def leased(settings, version: str) -> bool:
    """True while a living process on this host, or any process elsewhere, renewed its lease in time."""
    folder = _lease_dir(settings, version)
    if not folder.is_dir():
        return False
    fresh_after = time.time() - settings.release_lease
    host = socket.gethostname()
    for f in folder.iterdir():
        name, _, pid = f.name.rpartition("-")
        try:
            if f.stat().st_mtime < fresh_after:
                continue
        except FileNotFoundError:
            continue
        if name != host or (pid.isdigit() and _alive(int(pid))):
            return True
    return False


def prune(settings, keep: int) -> list[str]:
    """Remove all but the `keep` newest releases, never the current one nor one a server holds.
    Returns the versions removed."""
    if keep < 1:
        raise ReleaseError(f"--keep {keep}: keep at least 1 release")
    releases = list_releases(settings)
    current = current_release(settings)
    removed = []
    for r in releases[:-keep]:
        if (current and r.version == current.version) or leased(settings, r.version):
            continue
        _set_mode(r.path, writable=True)
        shutil.rmtree(r.path)
        shutil.rmtree(_lease_dir(settings, r.version), ignore_errors=True)
        removed.append(r.version)
    return removed


# -- disk --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class DiskUse:
    own: int        # bytes of files no other release or build links to
    shared: int     # bytes of files hard-linked with other releases or builds
    files: int

    @property
    def total(self) -> int:
        return self.own + self.shared


def disk_use(release: Release) -> DiskUse:
    own = shared = files = 0
    for path in release.path.rglob("*"):
        if path.is_file() and not path.is_symlink():
            st = path.stat()
            files += 1
            if st.st_nlink > 1:
                shared += st.st_size
            else:
                own += st.st_size
    return DiskUse(own, shared, files)


def disk_total(settings) -> int:
    """Bytes all releases take on disk, each linked file counted once."""
    seen, total = set(), 0
    root = releases_dir(settings)
    for path in root.rglob("*") if root.is_dir() else []:
        if path.is_file() and not path.is_symlink():
            st = path.stat()
            if (st.st_dev, st.st_ino) not in seen:
                seen.add((st.st_dev, st.st_ino))
                total += st.st_size
    return total


def manifest(release: Release) -> dict:
    return bf.read_manifest(release.path)


def changes(release: Release) -> dict | None:
    """The summary of changes against the previous release written at publishing (None for the first)."""
    path = release.path / CHANGES_FILE
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None
