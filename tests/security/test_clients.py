"""Issue 14, item 4: real clients read every query form from /sparql. roqet (Debian's rasqal-utils),
Comunica (npm, tests/clients/), SPARQLWrapper and rdflib's SPARQLStore run against a live server in
each format they offer; what they parse is compared with the same query on the build itself.

The fallback rule (README, endpoint section): a request whose Accept (or format=) names only formats
of another query form gets this form's default, Turtle for graphs and SPARQL JSON results for SELECT
and ASK, instead of 406. `make test` installs every client; a missing one fails, never skips."""
from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import urllib.parse
import warnings
import xml.etree.ElementTree as ET

import pyoxigraph as ox
import pytest
import requests
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, JSONLD, N3, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

from conftest import REPO

MECH = "https://w3id.org/iscm/id/mechanism/"
ISCM = "https://w3id.org/iscm/ontology#"
SRX = "{http://www.w3.org/2005/sparql-results#}"
PREFIXES = f"PREFIX iscm: <{ISCM}>\nPREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
RCP_PATTERN = '?m a iscm:RegionalConsultativeProcess ; skos:prefLabel ?label FILTER (LANG(?label) = "en")'
SELECT = PREFIXES + f"SELECT ?m ?label WHERE {{ {RCP_PATTERN} }} ORDER BY ?m ?label"
ASKS = {True: PREFIXES + f"ASK {{ <{MECH}budapest-process> a iscm:RegionalConsultativeProcess }}",
        False: PREFIXES + f"ASK {{ <{MECH}no-such-mechanism> ?p ?o }}"}
GRAPH_QUERIES = {"CONSTRUCT": PREFIXES + f"CONSTRUCT {{ ?m skos:prefLabel ?label }} WHERE {{ {RCP_PATTERN} }}",
                 "DESCRIBE": f"DESCRIBE <{MECH}budapest-process>"}
# clients reach the loopback server directly, whatever proxy the environment names
LOCAL = {**os.environ, "no_proxy": "127.0.0.1,localhost", "NO_PROXY": "127.0.0.1,localhost"}
COMUNICA = REPO / "tests" / "clients" / "node_modules" / "@comunica" / "query-sparql" / "bin" / "query.js"


# --- what the build itself answers ------------------------------------------------------------------

def _graph(triples) -> Graph:
    return Graph().parse(data=ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES), format="nt")


@pytest.fixture(scope="module")
def expected(store) -> dict:
    rows = [(r["m"].value, r["label"].value) for r in store.query(SELECT)]
    graphs = {form: _graph(store.query(q)) for form, q in GRAPH_QUERIES.items()}
    # anchors: the comparison is with real data, not two empty answers
    assert (MECH + "budapest-process", "Budapest Process") in rows and len(rows) >= 10, rows
    assert (URIRef(MECH + "budapest-process"), URIRef(ISCM + "foundingYear"),
            Literal("1993", datatype=URIRef("http://www.w3.org/2001/XMLSchema#gYear"))) in graphs["DESCRIBE"]
    assert len(graphs["CONSTRUCT"]) == len(rows)
    assert {form: bool(store.query(q)) for form, q in ASKS.items()} == {True: True, False: False}
    return {"rows": rows, **graphs}


def _same_graph(got: Graph, want: Graph):
    assert len(got) == len(want) and isomorphic(got, want), (len(got), len(want))


def _srx_rows(text: str) -> list[tuple[str, str, str | None]]:
    """(m, label, label's language) of each result of a SPARQL XML results document."""
    rows = []
    for result in ET.fromstring(text).iter(SRX + "result"):
        values = {b.get("name"): b[0] for b in result.iter(SRX + "binding")}
        rows.append((values["m"].text, values["label"].text,
                     values["label"].get("{http://www.w3.org/XML/1998/namespace}lang")))
    return rows


def _srx_boolean(text: str) -> bool:
    node = ET.fromstring(text).find(SRX + "boolean")
    assert node is not None, text[:300]
    return {"true": True, "false": False}[node.text.strip()]


def _en(rows) -> list[tuple[str, str, str]]:
    return [(m, label, "en") for m, label in rows]


# --- roqet (rasqal 0.9.33) ---------------------------------------------------------------------------
# roqet -p sends every query with Accept: application/sparql-results+xml and reads every answer as
# SPARQL XML results, whatever its Content-Type: it reads SELECT results, but not an ASK's boolean nor
# a graph. It reads an endpoint's graphs as a data source: `roqet -D URL` fetches the URL of a
# CONSTRUCT or DESCRIBE (raptor asks for RDF formats) and runs a query over the graph it parsed.

def _roqet(*args: str) -> tuple[str, str]:
    roqet = shutil.which("roqet")
    assert roqet, "roqet is missing: `make test` installs it (Debian's rasqal-utils)"
    proc = subprocess.run([roqet, "-q", "-i", "sparql11-query", *args], capture_output=True, text=True,
                          timeout=120, env=LOCAL)
    return proc.stdout, proc.stderr


def _query_url(server: str, query: str) -> str:
    return server + "/sparql?" + urllib.parse.urlencode({"query": query})


def test_roqet_select(server, expected):
    out, err = _roqet("-r", "xml", "-p", server + "/sparql", "-e", SELECT)
    assert "Error" not in err, err
    assert _srx_rows(out) == _en(expected["rows"])


@pytest.mark.parametrize("answer", [True, False])
def test_roqet_ask(server, expected, answer):
    # over the graph roqet read from the endpoint (the DESCRIBE of the Budapest Process)
    source = _query_url(server, GRAPH_QUERIES["DESCRIBE"])
    out, err = _roqet("-r", "xml", "-D", source, "-e", ASKS[answer])
    assert "Error" not in err, err
    assert _srx_boolean(out) is answer
    # asked through the protocol: the endpoint's answer is SPARQL XML results rasqal reads without
    # an error (rasqal 0.9.33 does not report an ASK's boolean from a protocol call)
    out, err = _roqet("-p", server + "/sparql", "-e", ASKS[answer])
    assert "Error" not in err, err


@pytest.mark.parametrize("form", list(GRAPH_QUERIES))
def test_roqet_reads_graphs(server, expected, form):
    source = _query_url(server, GRAPH_QUERIES[form])
    out, err = _roqet("-r", "turtle", "-D", source, "-e", "CONSTRUCT WHERE { ?s ?p ?o }")
    assert "Error" not in err, err
    _same_graph(Graph().parse(data=out, format="turtle"), expected[form])
    if form == "CONSTRUCT":
        out, err = _roqet("-r", "xml", "-D", source, "-e", "SELECT ?m ?label WHERE { ?m ?p ?label } ORDER BY ?m ?label")
        assert _srx_rows(out) == _en(expected["rows"])


@pytest.mark.parametrize("form", list(GRAPH_QUERIES))
def test_roqet_graph_query_is_not_refused(server, expected, form):
    # the report: roqet -p asks for a CONSTRUCT with Accept: application/sparql-results+xml
    # and got 406. The endpoint now answers in its default RDF format, Turtle.
    out, err = _roqet("-p", server + "/sparql", "-e", GRAPH_QUERIES[form])
    assert "406" not in err and "Resolving URI failed" not in err, err
    r = requests.get(server + "/sparql", params={"query": GRAPH_QUERIES[form]},
                     headers={"Accept": "application/sparql-results+xml"}, timeout=60)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/turtle"), r.headers
    _same_graph(Graph().parse(data=r.text, format="turtle"), expected[form])


# --- Comunica (npm @comunica/query-sparql, tests/clients/) --------------------------------------------

def _comunica(source: str, query: str, media_type: str) -> str:
    node = shutil.which("node")
    assert node, "node is missing: `make test` installs Node.js and npm from Debian when missing"
    assert COMUNICA.exists(), f"Comunica is missing ({COMUNICA}): `make test` installs it (npm ci in tests/clients)"
    proc = subprocess.run([node, str(COMUNICA), source, "-q", query, "-t", media_type],
                          capture_output=True, text=True, timeout=180, env=LOCAL)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


@pytest.mark.parametrize("source", ["sparql@{}/sparql", "{}/sparql"], ids=["sparql-source", "detected"])
def test_comunica_select(server, expected, source):
    # "detected": Comunica reads the service description at /sparql and finds the endpoint there
    out = json.loads(_comunica(source.format(server), SELECT, "application/sparql-results+json"))
    rows = [(b["m"]["value"], b["label"]["value"], b["label"].get("xml:lang"))
            for b in out["results"]["bindings"]]
    assert rows == _en(expected["rows"])


@pytest.mark.parametrize("answer", [True, False])
def test_comunica_ask(server, answer):
    out = json.loads(_comunica(f"sparql@{server}/sparql", ASKS[answer], "application/sparql-results+json"))
    assert out["boolean"] is answer


@pytest.mark.parametrize("form", list(GRAPH_QUERIES))
def test_comunica_graphs(server, expected, form):
    out = _comunica(f"sparql@{server}/sparql", GRAPH_QUERIES[form], "application/n-triples")
    _same_graph(Graph().parse(data=out, format="nt"), expected[form])


# --- SPARQLWrapper ------------------------------------------------------------------------------------

def _wrapper(server: str, query: str, fmt: str) -> SPARQLWrapper:
    sw = SPARQLWrapper(server + "/sparql")
    sw.setQuery(query)
    sw.setReturnFormat(fmt)
    return sw


def _run(sw: SPARQLWrapper):
    """(converted answer, Content-Type); SPARQLWrapper warns when it sends */* or gets a format other
    than the one it named, which is what the fallback tests ask for."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        warnings.simplefilter("ignore", DeprecationWarning)      # its own use of rdflib's ConjunctiveGraph
        result = sw.query()
        return result.convert(), result.info()["content-type"]


def _select_rows(converted, ctype: str) -> list[tuple]:
    if ctype.startswith("application/sparql-results+json"):
        return [(b["m"]["value"], b["label"]["value"], b["label"].get("xml:lang"))
                for b in converted["results"]["bindings"]]
    if ctype.startswith("application/sparql-results+xml"):
        return _srx_rows(converted.toxml())
    if ctype.startswith("text/csv"):
        header, *rows = list(csv.reader(io.StringIO(converted.decode("utf-8"))))
        assert header == ["m", "label"]
        return [(m, label, None) for m, label in rows]
    assert ctype.startswith("text/tab-separated-values"), ctype
    header, *lines = converted.decode("utf-8").splitlines()
    assert header == "?m\t?label"
    rows = []
    for line in lines:
        m, label = line.split("\t")
        assert m.startswith("<") and m.endswith(">") and label.startswith('"') and label.endswith('"@en'), line
        rows.append((m[1:-1], label[1:-4], "en"))
    return rows


@pytest.mark.parametrize("fmt,ctype", [
    (JSON, "application/sparql-results+json"), (XML, "application/sparql-results+xml"),
    (CSV, "text/csv"), (TSV, "text/tab-separated-values"),
    # RDF formats for a SELECT: the fallback, SPARQL JSON results
    (TURTLE, "application/sparql-results+json"), (N3, "application/sparql-results+json"),
    (RDFXML, "application/sparql-results+json"), (JSONLD, "application/sparql-results+json"),
])
def test_sparqlwrapper_select(server, expected, fmt, ctype):
    converted, got = _run(_wrapper(server, SELECT, fmt))
    assert got.startswith(ctype), got
    rows = _select_rows(converted, got)
    if ctype == "text/csv":                      # CSV carries no language tags
        assert rows == [(m, label, None) for m, label in expected["rows"]]
    else:
        assert rows == _en(expected["rows"])


@pytest.mark.parametrize("answer", [True, False])
@pytest.mark.parametrize("fmt,ctype", [
    (JSON, "application/sparql-results+json"), (XML, "application/sparql-results+xml"),
    # CSV and TSV define no boolean: the fallback, SPARQL JSON results
    (CSV, "application/sparql-results+json"), (TSV, "application/sparql-results+json"),
])
def test_sparqlwrapper_ask(server, fmt, ctype, answer):
    converted, got = _run(_wrapper(server, ASKS[answer], fmt))
    assert got.startswith(ctype), got
    if ctype.endswith("+json"):
        assert converted["boolean"] is answer
    else:
        assert _srx_boolean(converted.toxml()) is answer


def _as_graph(converted, ctype: str) -> Graph:
    if isinstance(converted, bytes):
        fmt = {"text/turtle": "turtle", "text/n3": "turtle", "application/n-triples": "nt"}[ctype.split(";")[0]]
        return Graph().parse(data=converted.decode("utf-8"), format=fmt)
    graph = Graph()                               # SPARQLWrapper parsed RDF/XML or JSON-LD itself
    for triple in converted.triples((None, None, None)):
        graph.add(triple)
    return graph


@pytest.mark.parametrize("form", list(GRAPH_QUERIES))
@pytest.mark.parametrize("fmt,ctype", [
    (TURTLE, "text/turtle"), (N3, "text/n3"), (RDFXML, "application/rdf+xml"), (JSONLD, "application/ld+json"),
    # SPARQLWrapper's XML and JSON mean RDF/XML and JSON-LD for graphs (it sends format=xml, format=json)
    (XML, "application/rdf+xml"), (JSON, "application/ld+json"),
    # results formats for a graph: the fallback, Turtle
    (CSV, "text/turtle"), (TSV, "text/turtle"),
])
def test_sparqlwrapper_graphs(server, expected, form, fmt, ctype):
    converted, got = _run(_wrapper(server, GRAPH_QUERIES[form], fmt))
    assert got.startswith(ctype), got
    _same_graph(_as_graph(converted, got), expected[form])


@pytest.mark.parametrize("form", list(GRAPH_QUERIES))
def test_sparqlwrapper_ntriples(server, expected, form):
    # SPARQLWrapper has no N-Triples return format: it is asked for by Accept, with content
    # negotiation only (no format= parameter); SPARQLWrapper hands N-Triples back as text
    sw = _wrapper(server, GRAPH_QUERIES[form], N3)
    sw.setOnlyConneg(True)
    sw.addCustomHttpHeader("Accept", "application/n-triples")
    converted, got = _run(sw)
    assert got.startswith("application/n-triples"), got
    _same_graph(_as_graph(converted, got), expected[form])


# --- rdflib's SPARQLStore -----------------------------------------------------------------------------
# SPARQLStore sends one Accept, made from its returnFormat, for every query form: xml asks for SPARQL
# XML results or RDF/XML; json, csv and tsv ask for results formats alone (a graph gets the fallback,
# Turtle); application/rdf+xml for RDF/XML alone (SELECT and ASK get the fallback, SPARQL JSON results).
STORE_FORMATS = ["xml", "json", "csv", "tsv", "application/rdf+xml"]


def _sparqlstore(server: str, fmt: str) -> Graph:
    return Graph(store=SPARQLStore(server + "/sparql", returnFormat=fmt))


@pytest.mark.parametrize("fmt", STORE_FORMATS)
def test_sparqlstore_select(server, expected, fmt):
    result = list(_sparqlstore(server, fmt).query(SELECT))
    assert all(isinstance(r.m, URIRef) and isinstance(r.label, Literal) for r in result)
    rows = [(str(r.m), str(r.label), r.label.language) for r in result]
    if fmt == "csv":                             # CSV carries no language tags
        assert rows == [(m, label, None) for m, label in expected["rows"]]
    else:
        assert rows == _en(expected["rows"])


@pytest.mark.parametrize("answer", [True, False])
@pytest.mark.parametrize("fmt", STORE_FORMATS)
def test_sparqlstore_ask(server, fmt, answer):
    result = _sparqlstore(server, fmt).query(ASKS[answer])
    assert result.type == "ASK" and result.askAnswer is answer


@pytest.mark.parametrize("fmt", STORE_FORMATS)
def test_sparqlstore_construct(server, expected, fmt):
    result = _sparqlstore(server, fmt).query(GRAPH_QUERIES["CONSTRUCT"])
    assert result.type == "CONSTRUCT"
    _same_graph(result.graph, expected["CONSTRUCT"])


# --- the rule itself, by plain HTTP -------------------------------------------------------------------

@pytest.mark.parametrize("accept,ctype", [
    ("application/sparql-results+xml", "text/turtle"),
    ("application/sparql-results+json, text/csv;q=0.5", "text/turtle"),
    ("application/sparql-results+json, text/turtle;q=0", "application/ld+json"),   # a refused default is skipped
    ("application/rdf+xml", "application/rdf+xml"),
])
def test_graph_query_with_results_accept(server, expected, accept, ctype):
    r = requests.get(server + "/sparql", params={"query": GRAPH_QUERIES["CONSTRUCT"]}, headers={"Accept": accept},
                     timeout=60)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith(ctype), (r.status_code, r.headers)
    fmt = {"text/turtle": "turtle", "application/ld+json": "json-ld", "application/rdf+xml": "xml"}[ctype]
    _same_graph(Graph().parse(data=r.text, format=fmt), expected["CONSTRUCT"])


@pytest.mark.parametrize("accept,ctype", [
    ("text/turtle", "application/sparql-results+json"),
    ("application/rdf+xml, application/n-triples", "application/sparql-results+json"),
    ("text/turtle, application/sparql-results+json;q=0", "application/sparql-results+xml"),
])
def test_select_with_rdf_accept(server, expected, accept, ctype):
    r = requests.get(server + "/sparql", params={"query": SELECT}, headers={"Accept": accept}, timeout=60)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith(ctype), (r.status_code, r.headers)
    rows = (_srx_rows(r.text) if ctype.endswith("+xml") else
            [(b["m"]["value"], b["label"]["value"], b["label"].get("xml:lang")) for b in r.json()["results"]["bindings"]])
    assert rows == _en(expected["rows"])


@pytest.mark.parametrize("query,word,ctype", [
    (GRAPH_QUERIES["CONSTRUCT"], "csv", "text/turtle"),
    (GRAPH_QUERIES["CONSTRUCT"], "srx", "text/turtle"),
    (SELECT, "ttl", "application/sparql-results+json"),
    (ASKS[True], "tsv", "application/sparql-results+json"),
])
def test_format_parameter_of_another_query_form(server, expected, query, word, ctype):
    r = requests.get(server + "/sparql", params={"query": query, "format": word}, timeout=60)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith(ctype), (r.status_code, r.headers)
    if query == SELECT:
        assert [(b["m"]["value"], b["label"]["value"]) for b in r.json()["results"]["bindings"]] == expected["rows"]
    elif query == ASKS[True]:
        assert r.json()["boolean"] is True
    else:
        _same_graph(Graph().parse(data=r.text, format="turtle"), expected["CONSTRUCT"])


def test_formats_no_query_form_takes_are_still_refused(server):
    for query in (SELECT, ASKS[True], GRAPH_QUERIES["CONSTRUCT"]):
        r = requests.get(server + "/sparql", params={"query": query}, headers={"Accept": "image/png"}, timeout=60)
        assert r.status_code == 406, (query, r.status_code)
