"""The web worker's side of the query pool (query/pool.py): hand a query to a query process, wait
for its answer within the time limit, and turn every way that can fail into a clear LimitError."""
from __future__ import annotations

import json
import os
import signal
import socket
import time
from pathlib import Path

from iscm_graph.query import wire
from iscm_graph.errors import LimitError
from iscm_graph.query.pool import STATUS_FILE, socket_path

_STARTING_WAIT = 10.0         # seconds to wait for the pool of a build that has just become current


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
        deadline = time.monotonic() + _STARTING_WAIT
        while True:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.setblocking(False)
            try:
                sock.connect(path)
                return sock
            except BlockingIOError:
                sock.close()
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
            # The process ends itself at the limit (SIGALRM); this wait is the backstop.
            sock.settimeout(limit + 2)
            try:
                return wire.receive(sock)
            except (socket.timeout, TimeoutError):
                _kill(hello.get("pid"))
                raise self._over_time(limit) from None
            except (EOFError, OSError):
                if time.monotonic() - started >= limit - 0.05:
                    raise self._over_time(limit) from None
                raise LimitError(503, "the query process stopped while evaluating the query (it was "
                                      "killed or crashed) and has been replaced: try again",
                                 retry_after=1) from None

    @staticmethod
    def _over_time(limit: float) -> LimitError:
        return LimitError(503, f"the query ran longer than the {limit:g} s time limit and was stopped: "
                               "narrow it (more specific patterns, LIMIT) or download the dump",
                          retry_after=1)


def _kill(pid) -> None:
    if isinstance(pid, int) and pid > 0:
        try:
            os.kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
