"""Item 1: nothing leaves or is read. However a query names another endpoint, a file or an internal
address, the server opens no connection (the canary listener stays silent), opens no file (the
canary pipe stays closed) and says why with a 400."""
from __future__ import annotations

import time

import pytest
import requests

from .helpers import assert_error

SELECT = "SELECT * WHERE {{ {} }}"


def _service_queries(url: str) -> dict[str, str]:
    return {
        "plain": f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        "lower case": f"select * where {{ service <{url}> {{ ?s ?p ?o }} }}",
        "mixed case": f"SELECT * WHERE {{ SeRvIcE <{url}> {{ ?s ?p ?o }} }}",
        "silent": f"SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
        "variable": f"SELECT * WHERE {{ VALUES ?e {{ <{url}> }} SERVICE ?e {{ ?s ?p ?o }} }}",
        "\\u escape": f"SELECT * WHERE {{ \\u0053ERVICE <{url}> {{ ?s ?p ?o }} }}",
        "\\U escape": f"SELECT * WHERE {{ \\U00000073ervice <{url}> {{ ?s ?p ?o }} }}",
        "prefixed name": f"PREFIX e: <{url}> SELECT * WHERE {{ SERVICE e: {{ ?s ?p ?o }} }}",
        "in a subquery": f"SELECT * WHERE {{ {{ SELECT ?s WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
        "in FILTER EXISTS": f"SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} LIMIT 1",
        "in OPTIONAL": f"SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ SERVICE <{url}> {{ ?s ?x ?y }} }} }} LIMIT 1",
        "comment before": f"SELECT * WHERE {{ # a comment\n SERVICE <{url}> {{ ?s ?p ?o }} }}",
        "in ASK": f"ASK {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        "in CONSTRUCT": f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    }


@pytest.mark.parametrize("variant", list(_service_queries("http://x/")))
@pytest.mark.parametrize("method", ["GET", "POST form", "POST direct"])
def test_service_refused_and_nothing_connects(limited, canary, variant, method):
    query = _service_queries(canary.url + "sparql")[variant]
    url = limited.url + "/sparql"
    if method == "GET":
        r = requests.get(url, params={"query": query}, timeout=30)
    elif method == "POST form":
        r = requests.post(url, data={"query": query}, timeout=30)
    else:
        r = requests.post(url, data=query.encode(), headers={"Content-Type": "application/sparql-query"}, timeout=30)
    message = assert_error(r, 400)
    assert "SERVICE is not allowed" in message
    time.sleep(0.2)
    assert canary.hits == []


def test_service_in_a_string_is_not_refused(limited, canary):
    # the word in a literal is data, not the keyword
    r = requests.get(limited.url + "/sparql", params={"query": 'SELECT ?x WHERE { BIND("SERVICE <%s>" AS ?x) }' % canary.url},
                     headers={"Accept": "application/sparql-results+json"}, timeout=30)
    assert r.status_code == 200
    assert r.json()["results"]["bindings"][0]["x"]["value"].startswith("SERVICE")
    assert canary.hits == []


@pytest.mark.parametrize("update", ["LOAD <{url}>", "LOAD SILENT <{url}> INTO GRAPH <http://g/>",
                                    "INSERT DATA { <http://a> <http://b> <http://c> }", "CLEAR ALL"])
def test_updates_and_load_refused(limited, canary, update):
    text = update.replace("{url}", canary.url)
    r1 = requests.post(limited.url + "/sparql", data={"update": text}, timeout=30)
    r2 = requests.post(limited.url + "/sparql", data=text.encode(),
                       headers={"Content-Type": "application/sparql-update"}, timeout=30)
    r3 = requests.get(limited.url + "/sparql", params={"update": text}, timeout=30)
    assert "read-only" in assert_error(r1, 403)
    assert "read-only" in assert_error(r2, 403)
    assert "read-only" in assert_error(r3, 400)
    # LOAD hidden in a query is refused too
    r4 = requests.get(limited.url + "/sparql", params={"query": text}, timeout=30)
    assert_error(r4, 400)
    time.sleep(0.2)
    assert canary.hits == []


def _dataset_queries(target: str) -> dict[str, tuple[str, dict]]:
    return {
        "FROM": (f"SELECT * FROM <{target}> WHERE {{ ?s ?p ?o }}", {}),
        "FROM NAMED": (f"SELECT * FROM NAMED <{target}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}", {}),
        "FROM via BASE": (f"BASE <{target.rsplit('/', 1)[0]}/> SELECT * FROM <{target.rsplit('/', 1)[1]}> WHERE {{ ?s ?p ?o }}", {}),
        "FROM via PREFIX": (f"PREFIX t: <{target.rsplit('/', 1)[0]}/> SELECT * FROM t:{target.rsplit('/', 1)[1]} WHERE {{ ?s ?p ?o }}", {}),
        "FROM escaped": (f"SELECT * \\u0046ROM <{target}> WHERE {{ ?s ?p ?o }}", {}),
        "default-graph-uri": ("SELECT * WHERE { ?s ?p ?o }", {"default-graph-uri": target}),
        "named-graph-uri": ("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }", {"named-graph-uri": target}),
    }


@pytest.mark.parametrize("variant", list(_dataset_queries("file:///x/y")))
def test_file_graphs_refused_and_no_file_opened(limited, fifo, variant):
    query, params = _dataset_queries(fifo.path.as_uri())[variant]
    r = requests.get(limited.url + "/sparql", params={"query": query, **params}, timeout=30)
    assert "never reads files" in assert_error(r, 400)
    time.sleep(0.2)
    assert not fifo.opened.is_set()


@pytest.mark.parametrize("variant", list(_dataset_queries("http://x/y")))
def test_internal_addresses_refused_and_nothing_connects(limited, canary, variant):
    query, params = _dataset_queries(canary.url + "graph")[variant]
    r = requests.get(limited.url + "/sparql", params={"query": query, **params}, timeout=30)
    assert "internal address" in assert_error(r, 400)
    time.sleep(0.2)
    assert canary.hits == []


def test_public_graph_names_are_names_not_fetched(limited, canary):
    # An outside graph name is looked up in the build (where it is not), never fetched.
    r = requests.get(limited.url + "/sparql", params={"query": "SELECT * FROM <http://example.org/g> WHERE { ?s ?p ?o }"},
                     headers={"Accept": "application/sparql-results+json"}, timeout=30)
    assert r.status_code == 200 and r.json()["results"]["bindings"] == []


def test_documents_use_no_remote_context(limited, canary):
    # JSON-LD documents carry a context this server serves itself; fetching pages fetches nothing.
    for path in ("/doc/mechanism/colombo-process.jsonld", "/context.jsonld", "/.well-known/void.jsonld"):
        r = requests.get(limited.url + path, timeout=30)
        assert r.status_code == 200, path
    assert canary.hits == []
