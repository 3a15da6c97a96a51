"""Item 2: time and size limits. The server under test runs with small limits (conftest.LIMITS):
2 s per query, 2 query processes, a queue of 2, 1,000 rows, 64 KiB bodies, 4,000-character URLs."""
from __future__ import annotations

import threading

import pytest
import requests

from conftest import REPO, ServerProcess

from .conftest import LIMITS
from .helpers import assert_error, pool_status, raw_http, sparql_get

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
QUICK = "SELECT ?label WHERE { <https://w3id.org/iscm/id/mechanism/colombo-process> skos:prefLabel ?label }"
JSON = {"Accept": "application/sparql-results+json"}


_pool, _get = pool_status, sparql_get


def test_runaway_query_is_stopped_and_others_are_answered_meanwhile(limited):
    before = _pool(limited)["replaced"]
    result = {}
    runaway = threading.Thread(target=lambda: result.setdefault("r", _get(limited, RUNAWAY)))
    runaway.start()
    answered_while_running = []
    while runaway.is_alive():
        r = _get(limited, QUICK)
        assert r.status_code == 200
        answered_while_running.append(runaway.is_alive())
    runaway.join()
    assert any(answered_while_running)          # answers came while the runaway ran
    r = result["r"]
    message = assert_error(r, 503)
    assert "time limit" in message and r.headers["Retry-After"].isdigit()
    # its process was stopped and replaced; the pool is whole again and answers
    for _ in range(100):
        pool = _pool(limited)
        if pool["replaced"] > before and len(pool["workers"]) == 2:
            break
        threading.Event().wait(0.1)
    assert pool["replaced"] > before and len(pool["workers"]) == 2
    assert _get(limited, QUICK).status_code == 200


def test_too_many_rows_is_refused_not_cut(limited):
    r = _get(limited, "SELECT ?s ?p ?o WHERE { ?s ?p ?o }")
    message = assert_error(r, 422)
    assert "1000" in message and "max_rows" in message and "LIMIT" in message
    r = _get(limited, "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 1000")
    assert r.status_code == 200 and len(r.json()["results"]["bindings"]) == 1000
    r = requests.get(limited.url + "/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"},
                     headers={"Accept": "text/turtle"}, timeout=60)
    assert "triples" in assert_error(r, 422)
    for accept in ("text/csv", "text/tab-separated-values", "application/sparql-results+xml"):
        r = requests.get(limited.url + "/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"},
                         headers={"Accept": accept}, timeout=60)
        assert r.status_code == 422, accept


_OVERSIZED = [("SELECT ?s ?p ?o WHERE { ?s ?p ?o }", "application/sparql-results+json"),
              ("SELECT * WHERE { ?s ?p ?o }", "text/csv"),
              ("SELECT * WHERE { ?s ?p ?o }", "application/sparql-results+xml"),
              ("CONSTRUCT WHERE { ?s ?p ?o }", "text/turtle"),
              ("SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 1000", "application/sparql-results+json")]


def test_in_process_path_refuses_like_the_pool(limited, built, build_root):
    """Without a query pool (an app embedded in another server, or `serve --store`), /sparql runs
    the query in the web process on the same evaluation path: the same row limit, the same answers."""
    from iscm_graph.config import load_settings
    from iscm_graph.web import create_app

    app = create_app(load_settings(source_dir=REPO, build_dir=build_root, max_rows=LIMITS["ISCM_MAX_ROWS"]))
    client = app.test_client()
    for query, accept in _OVERSIZED:
        pooled = requests.get(limited.url + "/sparql", params={"query": query}, headers={"Accept": accept}, timeout=60)
        local = client.get("/sparql", query_string={"query": query}, headers={"Accept": accept})
        assert (local.status_code, local.content_type) == (pooled.status_code, pooled.headers["Content-Type"]), query
        assert local.data == pooled.content, query
    assert local.status_code == 200 and len(local.json["results"]["bindings"]) == 1000


@pytest.mark.parametrize("length", [100_000, 2_000_000, 10_000_000])
@pytest.mark.parametrize("kind", ["application/sparql-query", "application/x-www-form-urlencoded"])
def test_body_over_the_limit_is_refused_before_it_is_read(limited, length, kind):
    # Only the headers are sent: the 413 comes back without the server waiting for the body. The
    # lengths straddle the response cache's own bound (2 MiB): nothing, the cache included, may read
    # a body the limit refuses (max_body is 64 KiB here), or this would wait for the read timeout.
    status, headers, body = raw_http(limited.port, (
        f"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: {kind}\r\n"
        f"Content-Length: {length}\r\nConnection: close\r\n\r\n").encode(), read_timeout=10)
    assert status == 413 and body.startswith(b"413 ") and b"max_body" in body


def test_chunked_body_over_the_limit_is_refused(limited):
    chunk = b"#" * 16384
    pieces = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(8))      # 128 KiB > 64 KiB
    status, _, body = raw_http(limited.port, (
        b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
        b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + pieces + b"0\r\n\r\n"))
    assert status == 413 and body.startswith(b"413 ")


def test_form_body_over_the_limit(limited):
    r = requests.post(limited.url + "/sparql", data={"query": "#" * 70000 + "\nASK {}"}, timeout=60)
    assert_error(r, 413)


def test_body_within_the_limit_is_answered(limited):
    query = "#" * 60000 + "\nASK {}"
    r = requests.post(limited.url + "/sparql", data=query.encode(), timeout=60,
                      headers={"Content-Type": "application/sparql-query", **JSON})
    assert r.status_code == 200 and r.json()["boolean"] is True


def test_url_length_limit(limited):
    r = _get(limited, "ASK {}" + " " * 5000)
    assert "max_url" in assert_error(r, 414)
    # past gunicorn's own ceiling (8,190) the answer has the same shape
    status, headers, body = raw_http(limited.port, b"GET /sparql?query=" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    assert status == 414 and headers["Content-Type"].startswith("text/plain") and body.startswith(b"414 ")


def test_concurrent_queries_beyond_the_bound_get_a_fast_503(built, build_root):
    """2 processes and no queue: of 8 runaway queries sent at once by 8 clients (each its own address
    behind the trusted proxy, so the cap per client does not apply), 2 run, the kernel holds one
    more, and the rest are refused at once (while the admitted ones are still running), with
    Retry-After."""
    server = ServerProcess("--source", REPO, "--build-dir", build_root,
                           env={**LIMITS, "ISCM_QUERY_QUEUE": "0", "ISCM_TRUSTED_PROXIES": "127.0.0.1"})
    try:
        _beyond_the_bound(server)
    finally:
        server.stop()


def _beyond_the_bound(limited):
    in_flight = {"n": 0}
    lock = threading.Lock()
    results = []

    def one(n):
        with lock:
            in_flight["n"] += 1
        r = _get(limited, RUNAWAY, f"198.51.100.{n + 1}")
        with lock:
            in_flight["n"] -= 1
            results.append((r, in_flight["n"]))

    threads = [threading.Thread(target=one, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    statuses = [r.status_code for r, _ in results]
    assert set(statuses) == {503}, statuses
    busy = [(r, still) for r, still in results if "as many queries" in r.text]
    assert busy, [r.text for r, _ in results]
    for r, _ in busy:
        assert_error(r, 503)
        assert r.headers["Retry-After"].isdigit()
    # refused while admitted queries were still running (the last refusal may come after them)
    assert any(still_running > 0 for _, still_running in busy)
    # and afterwards the pool answers again
    for _ in range(100):
        if _get(limited, QUICK).status_code == 200:
            break
    assert _get(limited, QUICK).status_code == 200
