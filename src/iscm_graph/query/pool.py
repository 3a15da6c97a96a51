"""The supervised pool of query processes that answers user SPARQL queries.

pyoxigraph offers no timeout or cancellation and releases the GIL while it evaluates, so a runaway
query cannot be stopped from inside a web worker. Queries therefore run here, in processes that can
be killed: a supervisor loads the current build once, then forks `query_workers` children that all
accept on one Unix socket (its backlog of `query_queue` is the queue; a full queue refuses at once).
Each child arms a SIGALRM with the default action before it evaluates, so a query over the time
limit ends its own process, whatever the engine is doing; the supervisor forks a replacement from
the store it already holds, in milliseconds. When `current` points at a new build the supervisor
loads it, opens a socket named after the new build id and retires the old children after a grace
period. A status file (status.json) tells the web workers, and /healthz, what runs, and why the
last query processes ended (the time limit, the memory ceiling, the slow lane, a crash): a web
worker whose query process vanished reads there what to tell its client.

Beneath the text checks, the supervisor cuts itself off from the network before it loads anything,
and each query process caps its own memory (query/sandbox.py).

Run as `python -m iscm_graph.query.pool SOCKET_DIR` with the settings in the environment.
"""
from __future__ import annotations

import hashlib
import json
import os
import signal
import socket
import sys
import time
from pathlib import Path

from iscm_graph.query import wire
from iscm_graph.build_folder import read_manifest
from iscm_graph.query.evaluate import evaluate
from iscm_graph.query.release_stores import ReleaseStores, UnknownFolder
from iscm_graph.query.sandbox import cap_memory, isolate_network, libc
from iscm_graph.query.store import EmbeddedStore

STATUS_FILE = "status.json"
_PR_SET_PDEATHSIG = 1


def socket_path(socket_dir: Path, build_folder: Path) -> Path:
    """The socket of the processes answering for one build folder (two builds of the same data have
    the same id but are different folders). A short name: socket paths are limited to 107 bytes."""
    digest = hashlib.sha1(str(build_folder).encode("utf-8")).hexdigest()[:16]
    return Path(socket_dir) / f"q-{digest}.sock"


# How a query process ended, told by its exit status (see Supervisor._reap)
SLOW_LANE_EXIT = 75            # it ran a query past `query_slow_after` at a lower priority: replaced
MEMORY_EXIT = 76               # Python ran out of memory under the ceiling (pyoxigraph aborts instead)


def _child(listener: socket.socket, store: EmbeddedStore, settings, build_path: Path) -> None:
    """A query process: answer one connection at a time until killed or told to stop. A request may
    name an older release's folder (`build_folder`): its store is opened here, within the memory
    ceiling, and kept for the next queries (query/release_stores.py)."""
    libc().prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)        # never outlive the supervisor
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGALRM, signal.SIG_DFL)         # the default action ends the process
    cap_memory(settings.query_memory)
    stores = ReleaseStores(settings, build_path, store)
    while True:
        conn, _ = listener.accept()
        with conn:
            try:
                wire.send(conn, {"pid": os.getpid()})
                request, _ = wire.receive(conn)
                signal.setitimer(signal.ITIMER_REAL, settings.query_timeout)
                try:
                    try:
                        target = stores.get(request.get("build_folder"))
                    except UnknownFolder as exc:
                        signal.setitimer(signal.ITIMER_REAL, 0)
                        wire.send(conn, {"status": 404, "message": str(exc)})
                        continue
                    header, body = evaluate(target, request)
                except MemoryError:
                    signal.setitimer(signal.ITIMER_REAL, 0)
                    wire.send(conn, {"status": 503, "message": memory_message(settings.query_memory)})
                    os._exit(MEMORY_EXIT)
                signal.setitimer(signal.ITIMER_REAL, 0)
                wire.send(conn, header, body)
            except (OSError, EOFError, ValueError):
                signal.setitimer(signal.ITIMER_REAL, 0)   # the client went away; serve the next one
        # A web worker lowers the priority of a query that runs long (the slow lane); an unprivileged
        # process cannot raise it again, so it makes way for a fresh one.
        if os.getpriority(os.PRIO_PROCESS, 0) > 0:
            os._exit(SLOW_LANE_EXIT)


def memory_message(ceiling_mb: int) -> str:
    return (f"the query needed more than the {ceiling_mb} MiB memory ceiling of a query process "
            "(the query_memory limit) and was stopped: narrow it (more specific patterns, LIMIT, "
            "no ORDER BY or DISTINCT over large results) or download the dump")


def _ending(status: int) -> str:
    """Why a query process ended, from its wait status."""
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        if sig == signal.SIGALRM:
            return "time"
        if sig == signal.SIGABRT:       # pyoxigraph (Rust) aborts when an allocation fails
            return "memory"
        return "killed" if sig == signal.SIGKILL else f"signal {sig}"
    code = os.WEXITSTATUS(status)
    return {MEMORY_EXIT: "memory", SLOW_LANE_EXIT: "slow lane"}.get(code, f"exit {code}")


# --- the supervisor --------------------------------------------------------------------------------

class _Generation:
    """The children answering for one build, and the socket they accept on."""

    def __init__(self, build_path: Path, socket_dir: Path):
        self.build_path, self.build_id = build_path, read_manifest(build_path)["build_id"]
        # the default graph is the union of the named graphs, as a set (see query/store.py)
        self.store = EmbeddedStore.from_build(build_path)
        self.path = socket_path(socket_dir, build_path)
        self.path.unlink(missing_ok=True)
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listener.bind(str(self.path))
        self.children: dict[int, float] = {}
        self.retire_at: float | None = None


class Supervisor:
    def __init__(self, settings, socket_dir: Path):
        self.settings, self.socket_dir = settings, Path(socket_dir)
        self.generations: list[_Generation] = []
        self.replaced = 0
        self.ends: dict[str, int] = {}                 # why query processes ended: count per reason
        self.recent: dict[int, str] = {}               # the last pids that ended, and why
        self.isolation: tuple[list[str], list[str]] = ([], [])
        self.parent = os.getppid()
        self._dirty = True

    def _current(self) -> Path | None:
        link = Path(self.settings.build_dir) / "current"
        return link.resolve() if (link / "manifest.json").exists() else None

    def _fork(self, gen: _Generation) -> None:
        pid = os.fork()
        if pid == 0:
            try:
                for other in self.generations:
                    if other is not gen:
                        other.listener.close()
                _child(gen.listener, gen.store, self.settings, gen.build_path)
            finally:
                os._exit(0)
        gen.children[pid] = time.time()
        self._dirty = True

    def _open(self, path: Path) -> None:
        gen = _Generation(path, self.socket_dir)
        gen.listener.listen(self.settings.query_queue)
        self.generations.append(gen)
        for _ in range(self.settings.query_workers):
            self._fork(gen)
        # older generations stop taking new work; their children finish what they hold
        for old in self.generations[:-1]:
            if old.retire_at is None:
                old.path.unlink(missing_ok=True)
                old.retire_at = time.time() + self.settings.query_timeout + 1

    def _reap(self) -> None:
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            for gen in self.generations:
                if gen.children.pop(pid, None) is not None:
                    self._dirty = True
                    reason = _ending(status)
                    self.ends[reason] = self.ends.get(reason, 0) + 1
                    self.recent[pid] = reason
                    while len(self.recent) > 64:
                        del self.recent[next(iter(self.recent))]
                    if gen.retire_at is None:           # a child died or was killed: replace it
                        self.replaced += 1
                        self._fork(gen)

    def _retire(self) -> None:
        now = time.time()
        for gen in list(self.generations):
            if gen.retire_at is not None and now >= gen.retire_at:
                for pid in gen.children:
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                gen.listener.close()
                if not gen.children or now >= gen.retire_at + 5:
                    self.generations.remove(gen)
                    self._dirty = True

    def _write_status(self) -> None:
        live = [g for g in self.generations if g.retire_at is None]
        status = {"supervisor": os.getpid(), "build": live[-1].build_id if live else None,
                  "build_folder": str(live[-1].build_path) if live else None,
                  "workers": [{"pid": pid, "started": started} for g in live for pid, started in sorted(g.children.items())],
                  "configured_workers": self.settings.query_workers, "queue": self.settings.query_queue,
                  "timeout_s": self.settings.query_timeout, "max_rows": self.settings.max_rows,
                  "memory_limit_mb": self.settings.query_memory,
                  "client_queries": self.settings.client_queries, "slow_after_s": self.settings.query_slow_after,
                  "memory_hits": self.ends.get("memory", 0), "time_limit_hits": self.ends.get("time", 0),
                  "ended": dict(sorted(self.ends.items())), "recent_endings": {str(p): r for p, r in self.recent.items()},
                  "network_isolation": self.isolation[0], "network_isolation_missing": self.isolation[1],
                  "replaced": self.replaced, "updated": time.time()}
        tmp = self.socket_dir / (STATUS_FILE + ".tmp")
        tmp.write_text(json.dumps(status), encoding="utf-8")
        os.replace(tmp, self.socket_dir / STATUS_FILE)
        self._dirty = False

    def run(self) -> None:
        stop = []
        signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
        signal.signal(signal.SIGINT, lambda *_: stop.append(1))
        try:
            while not stop and os.getppid() == self.parent:
                path = self._current()
                live = [g for g in self.generations if g.retire_at is None]
                if path is not None and (not live or live[-1].build_path != path):
                    try:
                        self._open(path)
                    except (OSError, ValueError) as exc:   # a build being replaced; try again next turn
                        print(f"query pool: cannot load {path}: {exc}", file=sys.stderr, flush=True)
                self._reap()
                self._retire()
                if self._dirty:
                    self._write_status()
                time.sleep(0.05)
        finally:
            for gen in self.generations:
                for pid in gen.children:
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                gen.path.unlink(missing_ok=True)


def main(argv: list[str]) -> None:
    from iscm_graph.config import load_settings

    if len(argv) != 1:
        sys.exit("usage: python -m iscm_graph.query.pool SOCKET_DIR  (settings from ISCM_* / ISCM_CONFIG)")
    # before anything else runs: every query process forked later inherits the isolation
    isolation = isolate_network()
    for reason in isolation[1]:
        print(f"query pool: network isolation layer missing: {reason}", file=sys.stderr, flush=True)
    supervisor = Supervisor(load_settings(), Path(argv[0]))
    supervisor.isolation = isolation
    supervisor.run()


if __name__ == "__main__":
    main(sys.argv[1:])
