"""Hostile load: the memory ceiling of a query process, fair sharing between clients (a cap per
client, more query processes than cores, a slow lane), and network isolation beneath the text check.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

from conftest import REPO, ServerProcess
from iscm_graph.config import load_settings
from iscm_graph.query.client import QueryClient
from iscm_graph.query.evaluate import evaluate
from iscm_graph.query.pool import STATUS_FILE

from .conftest import LIMITS
from .helpers import SPARQL_JSON as JSON, assert_error, pool_status, sparql_get

sys.path.insert(0, str(REPO / "bench"))
from load import MEMORY_HOG, RUNAWAY, run_clients  # noqa: E402
from bench import mix_texts  # noqa: E402

QUICK = "SELECT ?label WHERE { <https://w3id.org/iscm/id/mechanism/colombo-process> skos:prefLabel ?label }"
# the defaults for query processes, queue and per-client cap, a short time limit, loopback as proxy
FAIR = {**LIMITS, "ISCM_QUERY_WORKERS": "6", "ISCM_QUERY_QUEUE": "16", "ISCM_QUERY_TIMEOUT": "3",
        "ISCM_QUERY_SLOW_AFTER": "1", "ISCM_TRUSTED_PROXIES": "127.0.0.1"}


_pool, _query = pool_status, sparql_get


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _state(pid: int) -> str | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return None


def _nice(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[16])
    except (OSError, IndexError, ValueError):
        return None


@pytest.fixture(scope="module")
def fair(built, build_root):
    srv = ServerProcess("--source", REPO, "--build-dir", build_root, env=FAIR)
    yield srv
    srv.stop()


# --- the memory ceiling ----------------------------------------------------------------------------

def test_a_query_over_the_memory_ceiling_is_stopped_and_nothing_else_notices(built, build_root):
    env = {**FAIR, "ISCM_QUERY_MEMORY": "200", "ISCM_QUERY_TIMEOUT": "60"}
    server = ServerProcess("--source", REPO, "--build-dir", build_root, env=env)
    try:
        before = _pool(server)
        assert before["memory_limit_mb"] == 200 and before["memory_hits"] == 0
        result = {}
        hog = threading.Thread(target=lambda: result.setdefault("r", _query(server, MEMORY_HOG, "203.0.113.9")))
        hog.start()
        answered = []
        while hog.is_alive():
            r = _query(server, QUICK, "203.0.113.10")
            assert r.status_code == 200, r.text
            answered.append(r.json()["results"]["bindings"][0]["label"]["value"])
        hog.join()
        assert answered
        message = assert_error(result["r"], 503)
        assert "200 MiB memory ceiling" in message and "query_memory" in message
        # well before the time limit: the ceiling stopped it, not the clock
        assert "time limit" not in message
        for _ in range(100):
            pool = _pool(server)
            if pool["memory_hits"] == 1 and len(pool["workers"]) == 6:
                break
            time.sleep(0.1)
        assert pool["memory_hits"] == 1 and pool["ended"] == {"memory": 1}, pool
        assert len(pool["workers"]) == 6 and pool["replaced"] == 1
        gone = {w["pid"] for w in before["workers"]} - {w["pid"] for w in pool["workers"]}
        assert len(gone) == 1 and pool["recent_endings"] == {str(gone.pop()): "memory"}
        assert _query(server, QUICK).status_code == 200
    finally:
        server.stop()


# --- fair sharing ----------------------------------------------------------------------------------

def test_two_clients_holding_runaways_do_not_starve_the_others(fair):
    """Two clients each keep as many runaway queries running as they may (client_queries = 2), for
    three time limits; four other clients send catalogue queries and documents meanwhile. Every one of
    theirs is answered, none with 503 or 429; every runaway ends at the time limit; a fifth query
    from a hog is refused with 429; and the runaways' processes run in the slow lane."""
    supervisor = _pool(fair)["supervisor"]
    seen_nice, probe = set(), {}
    stop = threading.Event()

    def watch():
        while not stop.is_set():
            seen_nice.update(_nice(pid) for pid in _children(supervisor))
            if "r" not in probe and seen_nice - {None, 0}:
                # the first hog's third query (should a slot be free for an instant, it is just
                # one more runaway, which must end at the time limit)
                r = _query(fair, RUNAWAY, "198.51.100.1")
                if r.status_code == 429:
                    probe["r"] = r
                else:
                    assert r.status_code == 503 and "time limit" in r.text
            time.sleep(0.2)

    watcher = threading.Thread(target=watch)
    watcher.start()
    docs = ["/doc/mechanism/colombo-process", "/doc/state/egy", "/doc/body/ecowas", "/doc/mechanism/midsa"]
    try:
        tally = run_clients(fair.url, 9, 6, mix_texts(), docs, attackers=("runaway", "runaway"), per_attacker=2,
                            forwarded=True)
    finally:
        stop.set()
        watcher.join()
    assert not tally.unexpected, dict(tally.unexpected)
    outcomes = dict(tally.outcomes)
    assert outcomes.get(("query", "200"), 0) > 20 and outcomes.get(("document", "200"), 0) > 5, outcomes
    assert outcomes.get(("runaway", "503 time limit"), 0) >= 4, outcomes
    assert 10 in seen_nice, seen_nice
    message = assert_error(probe["r"], 429)
    assert "client_queries" in message and probe["r"].headers["Retry-After"].isdigit()


def test_forwarded_addresses_count_only_behind_a_trusted_proxy(fair, limited):
    """Behind the trusted proxy (loopback, for `fair`), another forwarded address is another client;
    without one (`limited`), the header is ignored and every request is loopback's."""
    for server, third_client_status in ((fair, 200), (limited, 429)):
        held = []
        holders = [threading.Thread(target=lambda: held.append(_query(server, RUNAWAY, "192.0.2.1")))
                   for _ in range(2)]
        for t in holders:
            t.start()
        try:
            supervisor = _pool(server)["supervisor"]
            for _ in range(200):          # until both runaways run (idle query processes sleep in accept)
                if sum(_state(pid) == "R" for pid in _children(supervisor)) >= 2:
                    break
                time.sleep(0.02)
            else:
                pytest.fail(f"the runaways did not start: {[(r.status_code, r.text[:100]) for r in held]}")
            # each text unique: a cached answer is served before any slot is counted
            assert _query(server, f"{QUICK} # same", "192.0.2.1").status_code == 429
            assert _query(server, f"{QUICK} # other", "192.0.2.2").status_code == third_client_status
        finally:
            for t in holders:
                t.join()


# --- network isolation beneath the text check ------------------------------------------------------

def _service(url: str) -> str:
    return f"SELECT * WHERE {{ SERVICE <{url}sparql> {{ ?s ?p ?o }} }}"


def _job(query: str) -> dict:
    return {"query": query, "default_graphs": [], "named_graphs": [], "base_iri": "http://example.org/sparql",
            "max_rows": 100, "results_type": JSON["Accept"], "graph_type": "text/turtle"}


def test_the_engine_would_connect_without_isolation(store, canary):
    """The control: outside the query processes, pyoxigraph does open the connection, so the tests
    below would see one if the isolation failed."""
    header, _ = evaluate(store, _job(_service(canary.url)))
    deadline = time.monotonic() + 5
    while not canary.hits and time.monotonic() < deadline:
        time.sleep(0.05)
    assert canary.hits, header


def test_query_processes_cannot_connect_even_without_the_text_check(built, build_root, canary):
    """The pool is driven directly, without the web worker and its text check: a SERVICE query to a
    listening loopback socket fails in the query process, and the socket sees no connection."""
    socket_dir = Path(tempfile.mkdtemp(prefix="iscm-q-test-"))
    env = {**os.environ, "ISCM_BUILD_DIR": str(build_root), "ISCM_SOURCE_DIR": str(REPO)}
    proc = subprocess.Popen([sys.executable, "-m", "iscm_graph.query.pool", str(socket_dir)], env=env,
                            stderr=subprocess.PIPE, text=True)
    try:
        client = QueryClient(load_settings(source_dir=REPO, build_dir=build_root), socket_dir)
        for _ in range(200):
            status = client.status()
            if status and status.get("workers"):
                break
            time.sleep(0.05)
        assert status and status["workers"], proc.stderr.read() if proc.poll() is not None else status
        assert "seccomp socket filter" in status["network_isolation"]
        assert any("namespace" in layer for layer in status["network_isolation"]), status
        header, _ = client.run(built.path, _job(_service(canary.url)))
        assert header["status"] == 400 and "query failed" in header["message"], header
        assert "not permitted" in header["message"] or "unreachable" in header["message"], header
        time.sleep(0.5)
        assert canary.hits == []
        assert json.loads((socket_dir / STATUS_FILE).read_text())["network_isolation_missing"] == []
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.mark.parametrize("layer", ["_network_namespace", "_seccomp_filter"])
def test_each_isolation_layer_alone_stops_the_connection(layer, canary):
    """Each layer holds by itself (the seccomp filter is the fallback where namespaces are refused)."""
    code = ("import sys, pyoxigraph as ox; from iscm_graph.query import sandbox;"
            f"print(sandbox.{layer}(), flush=True);"
            "list(ox.Store().query(sys.argv[1]))")
    out = subprocess.run([sys.executable, "-c", code, _service(canary.url)], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode != 0 and ("not permitted" in out.stderr or "unreachable" in out.stderr), out.stderr
    time.sleep(0.5)
    assert canary.hits == []
