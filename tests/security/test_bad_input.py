"""Item 3: bad input never gives a 500 or a traceback: each case is a 4xx in the one error shape
("NNN message" as text/plain, or {"error": {"status", "message"}} for clients asking for JSON)."""
from __future__ import annotations

import pytest
import requests

from .helpers import assert_error, raw_http

JSON = {"Accept": "application/json"}


def _raw(server, target: bytes, method=b"GET", headers=b"", body=b""):
    return raw_http(server.port, method + b" " + target + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                    + headers + b"Content-Length: %d\r\n\r\n" % len(body) + body)


@pytest.mark.parametrize("target", [b"/sparql?query=ASK%7B%7D%FF", b"/sparql?query=%C3%28", b"/doc/%FF%FE",
                                    b"/search?q=%ED%A0%80", b"/api/members-of?organization=%80"])
def test_invalid_utf8_in_the_url(limited, target):
    status, headers, body = _raw(limited, target)
    assert status == 400 and headers["Content-Type"].startswith("text/plain")
    assert body.startswith(b"400 ") and b"UTF-8" in body


@pytest.mark.parametrize("target", [b"/sparql?query=ASK%zz", b"/sparql?query=ASK%4", b"/doc/mechanism/%g1",
                                    b"/search?q=%"])
def test_broken_percent_encoding(limited, target):
    status, _, body = _raw(limited, target)
    assert status == 400 and body.startswith(b"400 ") and b"percent-encoding" in body


def test_invalid_utf8_in_bodies(limited):
    status, _, body = _raw(limited, b"/sparql", b"POST", b"Content-Type: application/sparql-query\r\n", b"ASK {} \xff\xfe")
    assert status == 400 and b"UTF-8" in body
    status, _, body = _raw(limited, b"/sparql", b"POST", b"Content-Type: application/x-www-form-urlencoded\r\n",
                           b"query=ASK%20%7B%7D%FF")
    assert status == 400 and b"UTF-8" in body
    status, _, body = _raw(limited, b"/sparql", b"POST", b"Content-Type: application/sparql-query; charset=latin-1\r\n",
                           b"ASK {}")
    assert status == 400 and b"UTF-8" in body


@pytest.mark.parametrize("open_, close", [("{", "}"), ("(", ")"), ("[", "]")])
def test_absurd_nesting(limited, open_, close):
    depth = 5000                 # far past the engine's crash point, still under the body limit
    if open_ == "{":
        query = "SELECT * WHERE " + "{" * depth + " ?s ?p ?o " + "}" * depth
    elif open_ == "(":
        query = "SELECT (" + "(" * depth + "1" + ")" * depth + " AS ?x) {}"
    else:
        query = "SELECT * WHERE { ?s ?p " + "[ ?p " * depth + "1" + " ]" * depth + " }"
    r = requests.post(limited.url + "/sparql", data=query.encode(), headers={"Content-Type": "application/sparql-query"},
                      timeout=60)
    assert "nests" in assert_error(r, 400)
    # and the query processes are all still there
    assert len(requests.get(limited.url + "/healthz", timeout=30).json()["query_pool"]["workers"]) == 2


def test_moderate_nesting_is_fine(limited):
    query = "SELECT * WHERE " + "{" * 30 + " ?s ?p ?o " + "}" * 30 + " LIMIT 1"
    r = requests.get(limited.url + "/sparql", params={"query": query}, timeout=60,
                     headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200


def test_enormous_queries(limited):
    values = " ".join(f"<http://example.org/{i}>" for i in range(1200))    # about 60 kB form-encoded: under the limit
    r = requests.post(limited.url + "/sparql", data={"query": f"SELECT ?x WHERE {{ VALUES ?x {{ {values} }} }} LIMIT 3"},
                      headers={"Accept": "application/sparql-results+json"}, timeout=60)
    assert r.status_code == 200 and len(r.json()["results"]["bindings"]) == 3
    r = requests.post(limited.url + "/sparql", data={"query": "ASK {" + "?s ?p ?o . " * 20000 + "}"}, timeout=60)
    assert_error(r, 413)


@pytest.mark.parametrize("kind,kwargs,status", [
    ("two queries", {"params": [("query", "ASK {}"), ("query", "ASK {}")]}, 400),
    ("query and update", {"params": [("query", "ASK {}"), ("update", "CLEAR ALL")]}, 400),
    ("query in URL and form", {"method": "POST", "params": {"query": "ASK {}"}, "data": {"query": "ASK {}"}}, 400),
    ("empty query", {"params": {"query": ""}}, 400),
    ("form without query", {"method": "POST", "data": {"nothing": "1"}}, 400),
    ("unknown body type", {"method": "POST", "data": b"ASK {}", "headers": {"Content-Type": "text/x-nonsense"}}, 415),
    ("unknown format", {"params": {"query": "ASK {}", "format": "application/x-nonsense"}}, 406),
    # a format of another query form gets this form's default (test_clients.py); one that fits no form, 406
    ("format fitting no query form", {"params": {"query": "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1", "format": "html"}}, 406),
])
def test_conflicting_or_missing_parameters(limited, kind, kwargs, status):
    method = kwargs.pop("method", "GET")
    r = requests.request(method, limited.url + "/sparql", timeout=60, **kwargs)
    assert_error(r, status)


@pytest.mark.parametrize("accept", ["application/x-nonsense", ";;;,,,", "text/*;q=abc", "*/*;q=0", "\x7f\x01"])
def test_bad_accept(limited, accept):
    for path in ("/sparql?query=ASK%7B%7D", "/doc/mechanism/colombo-process", "/api/members-of", "/search?q=egypt"):
        status, headers, body = _raw(limited, path.encode(), headers=b"Accept: " + accept.encode("latin-1") + b"\r\n")
        assert status < 500, (path, accept, status, body[:200])
        if status >= 400:
            assert status in (400, 404, 406) and body[:4] == b"%d " % status, (path, accept, status, body[:200])


@pytest.mark.parametrize("target", [
    b"/doc/../../../../etc/passwd", b"/doc/%2e%2e/%2e%2e/%2e%2e/etc/passwd", b"/doc/..%2f..%2f..%2fetc%2fpasswd",
    b"/download/..%2fmanifest.json", b"/download/../../manifest.json", b"/download/%2e%2e%2fdataset.nq",
    b"/download/dataset.nq", b"/graph/../../etc/passwd", b"/doc/mechanism/..%5c..%5cetc%5cpasswd",
    b"/doc/%00", b"/download/%00dataset.nq.gz", b"//etc/passwd", b"/static/../../pyproject.toml",
    b"/static/..%2f..%2f..%2fpyproject.toml", b"/id/../../etc/passwd"])
def test_path_traversal(limited, target):
    status, headers, body = _raw(limited, target)
    assert status in (400, 404), (target, status, body[:200])
    assert b"root:" not in body and b"[project]" not in body and b"build_id" not in body


@pytest.mark.parametrize("path", ["/nothing-here", "/sparql/extra/path", "/api/no-such-query", "/charts/x.svg",
                                  "/browse/no-such-list", "/download/no-such-dump"])
def test_unknown_routes(limited, path):
    assert_error(requests.get(limited.url + path, timeout=30), 404)
    assert_error(requests.get(limited.url + path, headers=JSON, timeout=30), 404)


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_wrong_methods(limited, method):
    r = requests.request(method, limited.url + "/sparql", data=b"x", timeout=30)
    assert_error(r, 405)
    assert "GET" in r.headers["Allow"]


def test_malformed_http_is_answered_in_the_same_shape(limited):
    status, headers, body = raw_http(limited.port, b"GET /sparql HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n")
    assert status == 400 and body.startswith(b"400 ") and headers["Content-Type"].startswith("text/plain")
    status, headers, body = raw_http(limited.port, b"GARBAGE\r\n\r\n")
    assert status == 400 and body.startswith(b"400 ")


def test_bad_api_values(limited):
    for params in ({"organization": "not an iri"}, {"date": "2024-13-45"}, {"nonsense": "1"}):
        r = requests.get(limited.url + "/api/members-as-of", params=params, headers=JSON, timeout=30)
        assert_error(r, 400)
