"""Running the app under gunicorn (a production WSGI server), configured from the settings, with the
query pool (query/pool.py) beside it: the gunicorn master starts the pool's supervisor and starts it
again should it ever exit."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from gunicorn.app.base import BaseApplication
from gunicorn.arbiter import Arbiter
from gunicorn.workers.gthread import ThreadWorker

# gunicorn's own ceiling for the request line; the app's max_url answers below it
_GUNICORN_MAX_LINE = 8190
# threads per web worker: a thread waits while its query runs, so there must be threads left for
# documents and short queries while clients hold long ones (up to query_workers + query_queue)
_THREADS = 16


class PoolProcess:
    """The query pool's supervisor, a child of the gunicorn master."""

    def __init__(self, settings):
        self.settings = settings
        self.socket_dir = Path(tempfile.mkdtemp(prefix="iscm-q-"))     # mode 0700: ours alone
        self.proc: subprocess.Popen | None = None

    def _env(self) -> dict:
        env = dict(os.environ)
        for name, value in vars(self.settings).items():
            env["ISCM_" + name.upper()] = str(value)
        env.pop("ISCM_CONFIG", None)          # every setting is passed explicitly above
        return env

    def ensure_running(self) -> None:
        if self.settings.store != "embedded":     # an external store keeps its own limits
            return
        if self.proc is None or self.proc.poll() is not None:
            self.proc = subprocess.Popen([sys.executable, "-m", "iscm_graph.query.pool", str(self.socket_dir)],
                                         env=self._env())

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        shutil.rmtree(self.socket_dir, ignore_errors=True)


class _Arbiter(Arbiter):
    def manage_workers(self):
        super().manage_workers()
        self.app.pool.ensure_running()       # runs about once a second in the master's loop


class Worker(ThreadWorker):
    """gunicorn's threaded worker, answering the requests gunicorn itself rejects (request line too
    long, malformed headers, ...) in the app's plain-text error shape instead of an HTML page."""

    def init_process(self):
        from gunicorn import util

        def write_error(sock, status_int, reason, mesg):
            body = f"{status_int} {mesg or reason}\n".encode("utf-8", "replace")
            head = (f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\n"
                    f"Content-Type: text/plain; charset=utf-8\r\nContent-Length: {len(body)}\r\n"
                    "Access-Control-Allow-Origin: *\r\n\r\n").encode("latin-1")
            util.write_nonblock(sock, head + body)

        util.write_error = write_error
        super().init_process()


class _Server(BaseApplication):
    def __init__(self, settings, options: dict, pool: PoolProcess):
        self.settings, self.options, self.pool = settings, options, pool
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from iscm_graph.web import create_app
        return create_app(self.settings, query_socket_dir=self.pool.socket_dir)

    def run(self):
        try:
            _Arbiter(self).run()
        finally:
            self.pool.stop()


def serve(settings, host: str, port: int, workers: int) -> None:
    from iscm_graph.build_folder import current_build, read_manifest
    from iscm_graph.query.store import open_store

    path = current_build(settings)        # fail fast, with a clear message, when there is no build
    if settings.store != "embedded":
        # an unreachable external store is a start-up error
        open_store(settings, path, read_manifest(path)).query("ASK {}")
    pool = PoolProcess(settings)
    pool.ensure_running()
    options = {"bind": f"{host}:{port}", "workers": workers, "worker_class": "iscm_graph.web.server.Worker",
               "threads": _THREADS, "accesslog": "-", "timeout": 60, "graceful_timeout": 5,
               "limit_request_line": _GUNICORN_MAX_LINE}
    _Server(settings, options, pool).run()
