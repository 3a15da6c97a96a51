"""The W3C SPARQL 1.1 Protocol tests, run against a live server holding the tests' data.

The dataset tests name graphs such as http://kasei.us/2009/09/sparql/data/data1.rdf; a public
endpoint must never fetch them, so the server is started on a build that holds data1..3 under
those names. Every query test must pass; every update test must be refused.
"""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
import requests
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDF

from conftest import CONFORMANCE, REPO, ServerProcess
from iscm_graph.pipeline.write import write_release_files

SUITE = CONFORMANCE / "sparql11-protocol"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
DATA = "http://kasei.us/2009/09/sparql/data/"


def _manifest():
    g = Graph().parse(SUITE / "manifest.ttl", format="turtle")
    tests = []
    for test in g.subjects(RDF.type, MF.ProtocolTest):
        action = g.value(test, MF.action)
        requests_ = []
        for req in g.items(g.value(action, HT.requests)):
            body = g.value(req, HT.body)
            headers = {str(g.value(h, HT.fieldName)): str(g.value(h, HT.fieldValue))
                       for h in g.items(g.value(req, HT.headers))} if g.value(req, HT.headers) else {}
            resp = g.value(req, HT.resp)
            requests_.append({
                "method": str(g.value(req, HT.methodName)),
                "path": str(g.value(req, HT.absolutePath)).replace("/sparql/", "/sparql", 1),
                "headers": headers,
                "body": str(g.value(body, CNT.chars)) if body is not None else None,
                "encoding": str(g.value(body, CNT.characterEncoding) or "UTF-8") if body is not None else None,
                "status": {str(s).rsplit("#", 1)[1] for s in g.objects(resp, MF.expectedStatus)},
                "boolean": g.value(resp, MF.expectedBoolean),
                "format": str(g.value(resp, MF.expectedFormat) or ""),
            })
        tests.append((str(test).rsplit("#", 1)[1], str(g.value(test, MF.name)), requests_))
    return sorted(tests)


TESTS = _manifest()
UPDATE_TESTS = [t for t in TESTS if "update" in t[0]]
QUERY_TESTS = [t for t in TESTS if "update" not in t[0]]


@pytest.fixture(scope="module")
def protocol_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("protocol-build")
    build = root / "builds" / "conformance"
    build.mkdir(parents=True)
    lines, graphs = [], {}
    for n in (1, 2, 3):
        name = f"{DATA}data{n}.rdf"
        g = Graph().parse(SUITE / f"data{n}.nt", format="nt")
        graphs[name] = len(g)
        for line in g.serialize(format="nt").splitlines():
            if line.strip():
                lines.append(line[:-1] + f"<{name}> .\n")
    (build / "dataset.nq").write_text("".join(sorted(lines)), encoding="utf-8")
    manifest = {"build_id": "conformance", "created": "2026-01-01T00:00:00+00:00", "graphs": graphs,
                "triples": sum(graphs.values())}
    # a complete build folder around the suite's data, written by the build's own writer
    write_release_files(build, manifest, Graph(), Graph(), REPO / "queries")
    (build / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    (root / "current").symlink_to("builds/conformance")
    srv = ServerProcess("--source", REPO, "--build-dir", root)
    yield srv.url
    srv.stop()


def _send(base: str, req: dict) -> requests.Response:
    data = req["body"].encode(req["encoding"].lower()) if req["body"] is not None else None
    return requests.request(req["method"], base + req["path"], headers=req["headers"], data=data,
                            allow_redirects=False, timeout=30)


def _status_class(code: int) -> str:
    return f"StatusCode{code // 100}xx"


def _boolean(resp: requests.Response) -> bool:
    ctype = resp.headers["Content-Type"].split(";")[0]
    if "json" in ctype:
        return resp.json()["boolean"]
    root = ET.fromstring(resp.content)
    return root.find("{http://www.w3.org/2005/sparql-results#}boolean").text == "true"


@pytest.mark.parametrize("name,title,reqs", QUERY_TESTS, ids=[t[0] for t in QUERY_TESTS])
def test_query_protocol(protocol_server, name, title, reqs):
    for req in reqs:
        resp = _send(protocol_server, req)
        assert _status_class(resp.status_code) in req["status"], (title, resp.status_code, resp.text[:300])
        ctype = resp.headers.get("Content-Type", "").split(";")[0]
        if req["format"] == "boolean":
            assert ctype in ("application/sparql-results+xml", "application/sparql-results+json"), ctype
            if req["boolean"] is not None:
                assert _boolean(resp) == bool(req["boolean"].toPython()), title
        elif req["format"] == "tabular":
            assert ctype in ("application/sparql-results+xml", "application/sparql-results+json",
                             "text/csv", "text/tab-separated-values"), ctype
        elif req["format"] == "RDF":
            fmt = {"text/turtle": "turtle", "application/rdf+xml": "xml", "application/n-triples": "nt"}[ctype]
            Graph().parse(data=resp.content, format=fmt)
        if name.startswith("bad_"):
            assert "Traceback" not in resp.text


@pytest.mark.parametrize("name,title,reqs", UPDATE_TESTS, ids=[t[0] for t in UPDATE_TESTS])
def test_update_is_refused(protocol_server, name, title, reqs):
    resp = _send(protocol_server, reqs[0])
    assert 400 <= resp.status_code < 500, (title, resp.status_code)
    assert "Traceback" not in resp.text


def test_suite_counts():
    assert len(TESTS) == 34 and len(UPDATE_TESTS) >= 10


SD_SUITE = CONFORMANCE / "sparql11-service-description"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")


def _sd_entries() -> list[str]:
    """The service description tests the W3C manifest lists (local names of its mf:entries)."""
    from rdflib.collection import Collection
    g = Graph().parse(SD_SUITE / "manifest.ttl", format="turtle")
    manifest = g.value(predicate=RDF.type, object=MF.Manifest)
    return [str(e).rsplit("#", 1)[1] for e in Collection(g, g.value(manifest, MF.entries))]


def _returns_rdf(g, service, dataset):
    assert len(g) > 0


def _has_endpoint_triple(g, service, dataset):
    assert (service, SD.endpoint, service) in g


def _conforms_to_schema(g, service, dataset):
    # the vocabulary's domains and ranges: a Service with a language, formats and a Dataset of Graphs
    assert (service, RDF.type, SD.Service) in g
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in g
    assert set(g.objects(service, SD.resultFormat))
    assert (dataset, RDF.type, SD.Dataset) in g
    names = {g.value(ng, SD.name) for ng in g.objects(dataset, SD.namedGraph)}
    assert URIRef(DATA + "data1.rdf") in names


SD_CHECKS = {"returns-rdf": _returns_rdf, "has-endpoint-triple": _has_endpoint_triple,
             "conforms-to-schema": _conforms_to_schema}


def test_every_service_description_test_has_a_check():
    assert set(_sd_entries()) == set(SD_CHECKS)


@pytest.mark.parametrize("entry", _sd_entries())
@pytest.mark.parametrize("accept,fmt", [("text/turtle", "turtle"), ("application/rdf+xml", "xml"),
                                        ("application/ld+json", "json-ld")])
def test_service_description(protocol_server, entry, accept, fmt):
    resp = requests.get(protocol_server + "/sparql", headers={"Accept": accept}, timeout=30)
    assert resp.status_code == 200 and resp.headers["Content-Type"].startswith(accept)
    g = Graph().parse(data=resp.content, format=fmt, publicID=protocol_server + "/sparql")
    service = URIRef(protocol_server + "/sparql")
    SD_CHECKS[entry](g, service, g.value(service, SD.defaultDataset))
