"""Shared fixtures: one real build of the project's data per test session, and a CLI runner."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from iscm_graph.pipeline.build import run_build
from iscm_graph.config import load_settings
from iscm_graph.query.store import EmbeddedStore

REPO = Path(__file__).resolve().parents[1]
# The source documents' texts, the evidence the source graphs are checked against (sources/README.md)
SOURCES = REPO / "sources"
# Published test suites and shapes of the standards the project claims (tests/conformance/README.md)
CONFORMANCE = REPO / "tests" / "conformance"


@pytest.fixture(scope="session")
def build_root(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("build")


@pytest.fixture(scope="session")
def settings(build_root):
    return load_settings(source_dir=REPO, build_dir=build_root)


@pytest.fixture(scope="session")
def built(settings):
    result = run_build(settings)
    assert result.ok, "\n".join(r.line() for r in result.report.violations)
    return result


@pytest.fixture(scope="session")
def store(built) -> EmbeddedStore:
    return EmbeddedStore.from_build(built.path)


def run_cli(*args, cwd=None, env=None) -> subprocess.CompletedProcess:
    """Run the installed `iscm-graph` command in a child process."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "iscm_graph", *map(str, args)], cwd=cwd,
                          env=full_env, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="session")
def cli(built, build_root):
    """The CLI pointed at the repository's data and the session's build."""
    def _run(*args, cwd=None):
        return run_cli("--source", REPO, "--build-dir", build_root, *args, cwd=cwd)
    return _run


def select(store, query: str, **bindings) -> list[dict]:
    """SELECT rows as dicts of plain strings (IRI or literal value; None when unbound)."""
    results = store.query(query, bindings)
    names = [v.value for v in results.variables]
    return [{n: (row[n].value if row[n] is not None else None) for n in names} for row in results]


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerProcess:
    """`iscm-graph serve` in a child process on a free loopback port."""

    def __init__(self, *args, env: dict | None = None, python: str = sys.executable):
        import time
        import urllib.request

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [python, "-m", "iscm_graph", *map(str, args), "serve", "--host", "127.0.0.1",
             "--port", str(self.port), "--workers", "1"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env={**os.environ, **(env or {})})
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                if self.proc.poll() is not None:
                    raise RuntimeError("server exited: " + self.proc.stderr.read()[-2000:])
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError("server did not start within 60 s")
                time.sleep(0.2)

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


@pytest.fixture(scope="session")
def server(built, build_root):
    srv = ServerProcess("--source", REPO, "--build-dir", build_root)
    yield srv.url
    srv.stop()


@pytest.fixture(scope="session")
def runtime_python(tmp_path_factory) -> str:
    """The Python of a virtual environment holding the package with its runtime dependencies only
    (`pip install .`, no extras): what a user gets. `make test` prepares it (ISCM_RUNTIME_VENV);
    without it, one is made here."""
    venv = os.environ.get("ISCM_RUNTIME_VENV")
    if not venv:
        venv = str(tmp_path_factory.mktemp("runtime") / "venv")
        subprocess.run([sys.executable, "-m", "venv", venv], check=True, timeout=300)
        subprocess.run([f"{venv}/bin/pip", "install", "--quiet", str(REPO)], check=True, timeout=1200)
    python = Path(venv) / "bin" / "python"
    assert python.exists(), f"no runtime environment at {venv}"
    return str(python)


class _TestResponse:
    """A werkzeug test response with the attributes of a `requests` response that tests read."""

    def __init__(self, resp, url: str):
        self._resp, self.url = resp, url
        self.status_code, self.headers = resp.status_code, resp.headers

    @property
    def content(self) -> bytes:
        return self._resp.get_data()

    @property
    def text(self) -> str:
        return self._resp.get_data(as_text=True)

    def json(self):
        import json
        return json.loads(self.content)


class Site:
    """The app of a build, in this process, through Flask's test client: the blueprints, limits and
    cache a server runs, without sockets or the query pool (queries run on the same evaluation path,
    in-process). Calls read like `requests` calls with paths instead of URLs."""

    url = "http://localhost"

    def __init__(self, app):
        # no cookie jar, as `requests.get` keeps none: a page asked for with `?lang=ar` sets the `lang`
        # cookie, which must not decide the language of other tests' requests (those that test the
        # cookie make a client of their own)
        self.client = app.test_client(use_cookies=False)

    def request(self, method, path, params=None, data=None, headers=None, allow_redirects=True, timeout=None):
        resp = self.client.open(path, method=method, query_string=params, data=data, headers=headers,
                                follow_redirects=allow_redirects)
        return _TestResponse(resp, self.url + path)

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, **kwargs):
        return self.request("POST", path, **kwargs)

    def put(self, path, **kwargs):
        return self.request("PUT", path, **kwargs)

    def options(self, path, **kwargs):
        return self.request("OPTIONS", path, **kwargs)


@pytest.fixture(scope="session")
def site(built, settings) -> Site:
    from iscm_graph.web import create_app
    return Site(create_app(settings))
