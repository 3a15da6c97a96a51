"""The published graph over real HTTP: a real server process (gunicorn, the query pool), real sockets,
real clients (SPARQLWrapper). The routes themselves are tested on the app in test_routes.py."""
from __future__ import annotations

import socket
import threading
import time

import pytest
import requests
from rdflib import Graph
from rdflib.compare import isomorphic
from SPARQLWrapper import CSV, JSON, N3, RDFXML, TSV, TURTLE, XML, JSONLD, SPARQLWrapper

ID = "https://w3id.org/iscm/id/"
BUDAPEST = "/id/mechanism/budapest-process"
SELECT = """PREFIX iscm: <https://w3id.org/iscm/ontology#>
SELECT ?m ?n WHERE { GRAPH ?g { ?m iscm:declaredMemberCount ?n } } ORDER BY ?m ?n"""
CONSTRUCT = """PREFIX iscm: <https://w3id.org/iscm/ontology#>
CONSTRUCT { ?m iscm:foundingYear ?y } WHERE { ?m a iscm:ConsultationMechanism ; iscm:foundingYear ?y }"""


def wrapper(server, fmt, query):
    sw = SPARQLWrapper(server + "/sparql")
    sw.setQuery(query)
    sw.setReturnFormat(fmt)
    return sw


def test_select_in_every_result_format_agrees(server):
    as_json = wrapper(server, JSON, SELECT).query().convert()
    rows = [(b["m"]["value"], b["n"]["value"]) for b in as_json["results"]["bindings"]]
    assert len(rows) > 30
    xml = wrapper(server, XML, SELECT).query().convert()          # a DOM document
    xml_rows = []
    for result in xml.getElementsByTagName("result"):
        cells = {b.getAttribute("name"): b.firstChild.firstChild.data for b in result.getElementsByTagName("binding")}
        xml_rows.append((cells["m"], cells["n"]))
    assert xml_rows == rows
    csv_text = wrapper(server, CSV, SELECT).query().convert().decode()
    csv_rows = [tuple(line.split(",")) for line in csv_text.strip().splitlines()[1:]]
    tsv_text = wrapper(server, TSV, SELECT).query().convert().decode()
    tsv_rows = [tuple(c.strip("<>").split("^^")[0].strip('"') for c in line.split("\t"))
                for line in tsv_text.strip().splitlines()[1:]]
    assert csv_rows == rows == tsv_rows


@pytest.mark.parametrize("fmt,parse_as", [(TURTLE, "turtle"), (RDFXML, "xml"), (N3, "turtle"), (JSONLD, "json-ld")])
def test_construct_in_every_rdf_format_agrees(server, fmt, parse_as):
    reference = wrapper(server, TURTLE, CONSTRUCT).query().convert()
    got = wrapper(server, fmt, CONSTRUCT).query().convert()
    g = got if isinstance(got, Graph) else Graph().parse(data=got, format=parse_as)
    ref = reference if isinstance(reference, Graph) else Graph().parse(data=reference, format="turtle")
    assert len(ref) == 30 and isomorphic(g, ref)


def test_service_query_is_refused_and_opens_no_connection(server):
    canary = socket.socket()
    canary.bind(("127.0.0.1", 0))
    canary.listen(5)
    canary.settimeout(0.2)
    port = canary.getsockname()[1]
    accepted = []

    def watch():
        end = time.monotonic() + 3
        while time.monotonic() < end:
            try:
                conn, _ = canary.accept()
                accepted.append(conn)
            except OSError:
                pass
    t = threading.Thread(target=watch)
    t.start()
    queries = [f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
               f"select * where {{ service silent <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}",
               f"SELECT * WHERE {{ \\u0053ERVICE <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}",
               f"SELECT * WHERE {{ BIND(<http://127.0.0.1:{port}/> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}"]
    for q in queries:
        resp = requests.post(server + "/sparql", data={"query": q}, timeout=30)
        assert resp.status_code == 400 and "SERVICE is not allowed" in resp.text
    t.join()
    canary.close()
    assert accepted == []


def test_repeated_requests_are_answered_from_the_cache(server):
    path = server + "/doc/mechanism/midwa.ttl"
    first = requests.get(path, timeout=30)
    again = requests.get(path, timeout=30)
    assert again.headers.get("X-Cache") == "hit" and again.content == first.content
    assert again.headers["ETag"] == first.headers["ETag"]
    assert requests.get(path, headers={"If-None-Match": first.headers["ETag"]}, timeout=30).status_code == 304
    other = requests.get(path, headers={"Accept": "application/ld+json"}, timeout=30)   # Accept is part of the key
    assert other.headers.get("X-Cache") != "hit"
    assert other.content == first.content        # computed again, the same bytes: documents are deterministic
    q = {"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"}
    a = requests.post(server + "/sparql", data=q, headers={"Accept": "text/csv"}, timeout=30)
    b = requests.post(server + "/sparql", data=q, headers={"Accept": "application/sparql-results+json"}, timeout=30)
    assert a.headers["Content-Type"].startswith("text/csv") and b.headers["Content-Type"].startswith("application/sparql-results+json")


def test_a_cached_answer_carries_one_current_date_and_no_preflight_headers(server):
    """Each message's Date is the time it is sent, also for an answer from the cache (which keeps the
    headers of the request that computed it). Allowed methods and request headers are a CORS
    preflight's answer only."""
    import email.utils
    import http.client
    from urllib.parse import urlsplit

    host = urlsplit(server)
    conn = http.client.HTTPConnection(host.hostname, host.port, timeout=30)   # one connection, one web worker
    sent = []
    for attempt in range(3):
        conn.request("GET", "/doc/mechanism/colombo-process.html", headers={"Origin": "https://example.org"})
        resp = conn.getresponse()
        resp.read()
        dates = resp.msg.get_all("Date")
        assert dates is not None and len(dates) == 1, (attempt, dates)
        sent.append(email.utils.parsedate_to_datetime(dates[0]).timestamp())
        assert resp.getheader("Access-Control-Allow-Origin") == "*"
        assert resp.getheader("Access-Control-Allow-Methods") is None
        time.sleep(1.1)
    assert resp.getheader("X-Cache") == "hit"
    assert sent[0] < sent[1] < sent[2], sent          # a Date kept in the cache would repeat the first
    conn.request("OPTIONS", "/sparql", headers={"Origin": "https://example.org", "Access-Control-Request-Method": "POST"})
    pre = conn.getresponse()
    pre.read()
    assert "POST" in pre.getheader("Access-Control-Allow-Methods")
