"""A build is a release: the server answers from the build folder alone. Built from a copy of the
sources that is then deleted, it still serves the shapes, the API, every catalogue query and the
dataset description; the same folder copied elsewhere serves byte-identical answers."""
from __future__ import annotations

import hashlib
import json
import shutil

import pytest
import requests
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, RDF, SH, VOID

from conftest import REPO, ServerProcess, run_cli
from iscm_graph.query.catalogue import catalogue

QUERIES = sorted(catalogue(REPO / "queries"))
HOST = {"Host": "iscm.example.org"}       # both servers answer as the same public host


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    """A build made from a copy of the sources; the copy is gone before anything is served."""
    work = tmp_path_factory.mktemp("release")
    source = work / "source"
    for folder in ("ontology", "shapes", "data", "queries", "sources"):
        shutil.copytree(REPO / folder, source / folder)
    out = run_cli("--source", source, "--build-dir", work / "build", "build")
    assert out.returncode == 0, out.stderr[-3000:]
    shutil.rmtree(source)
    return work / "build"


@pytest.fixture(scope="module")
def served(release):
    srv = ServerProcess("--build-dir", release)
    yield srv.url
    srv.stop()


@pytest.fixture(scope="module")
def served_copy(release, tmp_path_factory):
    """The same build folder copied to another place (as to another machine) and served there."""
    other = tmp_path_factory.mktemp("elsewhere") / "build"
    shutil.copytree(release, other, symlinks=True)
    srv = ServerProcess("--build-dir", other)
    yield srv.url
    srv.stop()


def test_the_build_holds_what_is_served(release):
    folder = (release / "current").resolve()
    for name in ("dataset.nq", "manifest.json", "validation.json", "description.ttl", "shapes.ttl",
                 "context.jsonld", "dumps/dataset.nq.gz", "dumps/dataset.trig.gz", "dumps/dataset.ttl.gz"):
        assert (folder / name).is_file(), name
    assert sorted(p.stem for p in (folder / "queries").glob("*.rq")) == QUERIES
    # the source texts the line references cite, byte for byte and listed in the manifest
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    for text in sorted((REPO / "sources").glob("[0-9][0-9][0-9]_*.txt")):
        copy = folder / "sources" / f"{text.name[:3]}.txt"
        assert copy.read_bytes() == text.read_bytes(), text.name
        assert manifest["files"][f"sources/{copy.name}"] == hashlib.sha256(text.read_bytes()).hexdigest()
        assert manifest["texts"][text.name[:3]] == text.name


def test_shapes_come_from_the_build(served):
    resp = requests.get(served + "/shapes", headers={"Accept": "text/turtle"}, timeout=30)
    assert resp.status_code == 200
    g = Graph().parse(data=resp.text, format="turtle")
    assert len(set(g.subjects(RDF.type, SH.NodeShape))) > 10


def test_api_and_every_catalogue_query_answer(served):
    spec = requests.get(served + "/api/openapi.json", timeout=30).json()
    assert sorted(path.rsplit("/", 1)[1] for path in spec["paths"]) == QUERIES
    assert requests.get(served + "/api", timeout=30).status_code == 200
    for name in QUERIES:
        resp = requests.get(f"{served}/api/{name}", timeout=60)
        assert resp.status_code == 200, (name, resp.text[:300])
        assert resp.json()["query"] == name


def test_dataset_description_comes_from_the_build(served):
    resp = requests.get(served + "/.well-known/void", headers={"Accept": "text/turtle"}, timeout=30)
    assert resp.status_code == 200
    g = Graph().parse(data=resp.text, format="turtle")
    ds = URIRef(served + "/.well-known/void#dataset")
    assert (ds, RDF.type, DCAT.Dataset) in g and (ds, RDF.type, VOID.Dataset) in g
    assert g.value(ds, VOID.sparqlEndpoint) == URIRef(served + "/sparql")
    home = requests.get(served + "/", timeout=30).text
    assert "dataset.nq.gz" in home and "Creative Commons Attribution 4.0" in home


def test_the_command_line_answers_from_the_build(release):
    out = run_cli("--build-dir", release, "query", "members-of", "--format", "csv")
    assert out.returncode == 0 and out.stdout.count("\n") > 5, out.stderr
    listed = run_cli("--build-dir", release, "queries")
    assert listed.returncode == 0 and len(listed.stdout.splitlines()) == len(QUERIES)


def _routes() -> list[tuple[str, str]]:
    routes = [("/", "text/html"), ("/.well-known/void", "text/turtle"), ("/.well-known/void", "application/ld+json"),
              ("/.well-known/void", "application/n-triples"), ("/shapes", "text/turtle"),
              ("/shapes", "application/n-triples"), ("/ontology", "text/turtle"), ("/context.jsonld", "*/*"),
              ("/api", "text/html"), ("/api/openapi.json", "*/*"), ("/sparql", "text/turtle"),
              ("/doc/mechanism/budapest-process", "text/html"), ("/doc/mechanism/budapest-process", "text/turtle"),
              ("/doc/mechanism/budapest-process", "application/ld+json"), ("/doc/state/egy", "application/n-quads"),
              ("/graph/source/000", "application/trig"), ("/browse/mechanisms", "text/html"),
              ("/search?q=colombo", "text/html"), ("/charts", "text/html"), ("/download/dataset.nq.gz", "*/*"),
              ("/download/dataset.ttl.gz", "*/*"), ("/source/000.txt", "*/*"), ("/source/001.html", "text/html"),
              ("/sparql?query=SELECT%20%3Fm%20%3Fl%20%7B%20%3Fm%20a%20iscm%3AConsultationMechanism%20%3B%20skos%3AprefLabel%20%3Fl%20%7D%20ORDER%20BY%20%3Fm%20%3Fl",
               "application/sparql-results+json")]
    return routes + [(f"/api/{name}", "application/json") for name in QUERIES]


@pytest.mark.parametrize("path,accept", _routes())
def test_a_copied_build_serves_the_same_bytes(served, served_copy, path, accept):
    here = requests.get(served + path, headers={**HOST, "Accept": accept}, timeout=60)
    there = requests.get(served_copy + path, headers={**HOST, "Accept": accept}, timeout=60)
    assert here.status_code == there.status_code == 200, (path, here.status_code, there.status_code)
    assert here.headers.get("Content-Type") == there.headers.get("Content-Type")
    assert here.headers.get("ETag") == there.headers.get("ETag")
    assert here.content == there.content, path
