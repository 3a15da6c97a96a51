"""One settings object: defaults < settings file (TOML) < ISCM_* environment < explicit overrides."""
from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from iscm_graph.errors import IscmError


def _default_build_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(Path.home(), ".local", "share")
    return Path(base) / "iscm-graph"


def _default_source_dir() -> Path:
    # An installed wheel carries the project's folders inside the package; a source checkout has
    # them at the repository root.
    packaged = Path(__file__).resolve().parent / "_resources"
    if (packaged / "ontology").is_dir():
        return packaged
    return Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Settings:
    source_dir: Path = field(default_factory=_default_source_dir)
    build_dir: Path = field(default_factory=_default_build_dir)
    host: str = "127.0.0.1"
    port: int = 5000
    workers: int = 2
    keep_builds: int = 2
    # older releases a server keeps loaded (web workers and each query process, least recently asked
    # for dropped first); the current build is always held besides them
    releases_loaded: int = 2
    # where queries are answered: "embedded" (pyoxigraph over the build) or sparql+http(s)://host/sparql
    store: str = "embedded"
    # Limits of the public endpoint (see SECURITY.md): user queries run in a supervised pool of
    # `query_workers` processes; `query_queue` more may wait, beyond that a query gets 503 at once.
    # More processes than cores, so that a few clients holding long queries leave lanes for the rest.
    query_workers: int = 6
    # as many as the default web threads (2 workers x 16) can send: the threads, not the queue, are
    # the bound under heavy but honest load; the queue refuses only floods beyond them
    query_queue: int = 32
    query_timeout: float = 10.0          # seconds a query may run before its process is stopped (503)
    query_memory: int = 1024             # MiB a query process may map beyond its size at start (503)
    query_slow_after: float = 2.0        # seconds after which a running query drops to a lower CPU priority
    client_queries: int = 2              # queries one client may have running or waiting; more get 429
    # addresses or networks of reverse proxies whose X-Forwarded-For names the client (comma-separated)
    trusted_proxies: str = ""
    max_rows: int = 10000                # result rows (or triples) a query may return; more is refused (422)
    max_body: int = 1024 * 1024          # request body bytes; more is refused (413) before it is read
    max_url: int = 8000                  # request-target characters; more is refused (414)
    # seconds a server's claim on a release it holds lasts unless renewed: `release prune` keeps leased releases
    release_lease: float = 900.0

    @property
    def ontology_dir(self) -> Path:
        return self.source_dir / "ontology"

    @property
    def shapes_dir(self) -> Path:
        return self.source_dir / "shapes"

    @property
    def data_dir(self) -> Path:
        return self.source_dir / "data"

    @property
    def queries_dir(self) -> Path:
        return self.source_dir / "queries"

    @property
    def texts_dir(self) -> Path:
        return self.source_dir / "sources"


_FIELDS = {f.name: f for f in dataclasses.fields(Settings)}


def _coerce(name: str, value, origin: str):
    kind = _FIELDS[name].type
    try:
        if kind in ("Path",):
            return Path(value).expanduser()
        if kind in ("int",):
            return int(value)
        if kind in ("float",):
            return float(value)
        return str(value)
    except (TypeError, ValueError):
        raise IscmError(f"setting {name!r} from {origin}: {value!r} is not a valid {kind}") from None


def load_settings(config_file: str | os.PathLike | None = None, **overrides) -> Settings:
    values: dict = {}
    config_file = config_file or os.environ.get("ISCM_CONFIG")
    if config_file:
        path = Path(config_file)
        try:
            with path.open("rb") as fh:
                table = tomllib.load(fh)
        except OSError as exc:
            raise IscmError(f"cannot read settings file {path}: {exc.strerror}") from None
        except tomllib.TOMLDecodeError as exc:
            raise IscmError(f"settings file {path} is not valid TOML: {exc}") from None
        for key, value in table.items():
            name = key.replace("-", "_")
            if name not in _FIELDS:
                raise IscmError(f"settings file {path}: unknown setting {key!r}")
            values[name] = _coerce(name, value, str(path))
    for name in _FIELDS:
        env = os.environ.get("ISCM_" + name.upper())
        if env:
            values[name] = _coerce(name, env, "ISCM_" + name.upper())
    for name, value in overrides.items():
        if value is not None:
            values[name] = _coerce(name, value, "the command line")
    settings = Settings(**values)
    for name in ("query_workers", "query_timeout", "query_memory", "query_slow_after", "client_queries",
                 "max_rows", "max_body", "max_url", "releases_loaded",
                 "release_lease"):
        if getattr(settings, name) <= 0:
            raise IscmError(f"setting {name!r}: must be greater than 0, not {getattr(settings, name)}")
    if settings.query_queue < 0:
        raise IscmError(f"setting 'query_queue': must be 0 or more, not {settings.query_queue}")
    from iscm_graph.query.fairness import parse_networks
    parse_networks(settings.trusted_proxies)       # a bad entry is named now, not at the first request
    return settings
