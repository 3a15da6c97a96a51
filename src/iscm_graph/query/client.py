"""The web worker's side of the query pool (query/pool.py): hand a query to a query process, wait
for its answer within the time limit, and turn every way that can fail into a clear LimitError."""
from __future__ import annotations

import json
import os
import select
import signal
import socket
import time
from pathlib import Path

from iscm_graph.query import wire
from iscm_graph.errors import LimitError
from iscm_graph.query.pool import STATUS_FILE, memory_message, socket_path

_STARTING_WAIT = 10.0         # seconds to wait for the pool of a build that has just become current
_FULL_FOR = 0.25              # seconds the queue must stay full before a query is refused


class QueryClient:
    def __init__(self, settings, socket_dir: Path):
        self.settings, self.socket_dir = settings, Path(socket_dir)

    def status(self) -> dict | None:
        try:
            return json.loads((self.socket_dir / STATUS_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def _connect(self, build_folder: Path) -> socket.socket:
        path = str(socket_path(self.socket_dir, build_folder))
        started = time.monotonic()
        deadline = started + _STARTING_WAIT
        while True:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.setblocking(False)
            try:
                sock.connect(path)
                return sock
            except BlockingIOError:
                sock.close()
                # A process that has just answered may not be back at accept() yet while its client
                # already sends the next query: the queue counts as full only if it stays full.
                if time.monotonic() - started < _FULL_FOR:
                    time.sleep(0.02)
                    continue
                raise LimitError(503, f"the server is answering as many queries as it allows "
                                      f"({self.settings.query_workers} running, {self.settings.query_queue} "
                                      "waiting): try again shortly", retry_after=2) from None
            except (FileNotFoundError, ConnectionRefusedError):
                sock.close()
                if time.monotonic() > deadline:
                    raise LimitError(503, "the query processes for this build are not running yet: "
                                          "try again shortly", retry_after=5) from None
                time.sleep(0.05)

    def run(self, build_folder: Path, request: dict) -> tuple[dict, bytes]:
        """The query process's reply header and body; raises LimitError when there is none."""
        limit = self.settings.query_timeout
        sock = self._connect(build_folder)
        with sock:
            sock.settimeout(limit)            # how long a queued query may wait for a free process
            try:
                wire.send(sock, request)
                hello, _ = wire.receive(sock)
            except (socket.timeout, TimeoutError):
                raise LimitError(503, f"every query process stayed busy for {limit:g} s: try again shortly",
                                 retry_after=int(limit)) from None
            except (EOFError, OSError):
                raise LimitError(503, "the query process stopped before taking the query: try again",
                                 retry_after=1) from None
            started = time.monotonic()
            pid = hello.get("pid")
            try:
                return self._answer(sock, pid, started)
            except (EOFError, OSError):
                ending = self._ending(pid)
                if ending == "memory":
                    raise LimitError(503, memory_message(self.settings.query_memory), retry_after=1) from None
                if ending == "time" or time.monotonic() - started >= limit - 0.05:
                    raise self._over_time(limit) from None
                raise LimitError(503, "the query process stopped while evaluating the query (it was "
                                      "killed or crashed) and has been replaced: try again",
                                 retry_after=1) from None

    def _answer(self, sock: socket.socket, pid, started: float) -> tuple[dict, bytes]:
        """The reply; past `query_slow_after` the query's process drops to the slow lane (a lower CPU
        priority), so that long queries leave the cores to short ones."""
        limit, slow = self.settings.query_timeout, self.settings.query_slow_after
        if slow < limit and not select.select([sock], [], [], slow)[0]:
            _lower_priority(pid)
        # The process ends itself at the limit (SIGALRM); this wait is the backstop.
        sock.settimeout(max(0.1, limit + 2 - (time.monotonic() - started)))
        try:
            return wire.receive(sock)
        except (socket.timeout, TimeoutError):
            _kill(pid)
            raise self._over_time(limit) from None

    def _ending(self, pid) -> str | None:
        """Why the query process `pid` ended, as the supervisor tells it (within a second)."""
        deadline = time.monotonic() + 1.0
        while time.monotonic() < deadline:
            ending = ((self.status() or {}).get("recent_endings") or {}).get(str(pid))
            if ending:
                return ending
            time.sleep(0.05)
        return None

    @staticmethod
    def _over_time(limit: float) -> LimitError:
        return LimitError(503, f"the query ran longer than the {limit:g} s time limit and was stopped: "
                               "narrow it (more specific patterns, LIMIT) or download the dump",
                          retry_after=1)


_SLOW_LANE_NICE = 10


def _lower_priority(pid) -> None:
    if isinstance(pid, int) and pid > 0:
        try:
            os.setpriority(os.PRIO_PROCESS, pid, _SLOW_LANE_NICE)
        except (ProcessLookupError, PermissionError):
            pass


def _kill(pid) -> None:
    if isinstance(pid, int) and pid > 0:
        try:
            os.kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
