"""The routes, answered by the app in this process through Flask's test client: content negotiation,
documents, errors, the dataset description, dumps. The same app a server runs (blueprints, limits,
cache), without sockets; what needs a real server (the query pool, real clients, the time limit)
is tested in test_server_http.py and tests/security/."""
from __future__ import annotations

import gzip

import pytest
from pyld import jsonld
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import isomorphic

ID = "https://w3id.org/iscm/id/"
BUDAPEST = "/id/mechanism/budapest-process"
CONSTRUCT = """PREFIX iscm: <https://w3id.org/iscm/ontology#>
CONSTRUCT { ?m iscm:foundingYear ?y } WHERE { ?m a iscm:ConsultationMechanism ; iscm:foundingYear ?y }"""


@pytest.mark.parametrize("accept", ["application/n-triples", "application/n-quads", "application/trig"])
def test_construct_in_quad_and_line_formats(site, accept):
    resp = site.get("/sparql", params={"query": CONSTRUCT}, headers={"Accept": accept}, timeout=30)
    assert resp.status_code == 200 and resp.headers["Content-Type"].startswith(accept)
    ds = Dataset()
    ds.parse(data=resp.text, format={"application/n-triples": "nt", "application/n-quads": "nquads",
                                     "application/trig": "trig"}[accept])
    assert len(ds) == 30


def _parse_doc(resp, site):
    ctype = resp.headers["Content-Type"].split(";")[0]
    if ctype in ("application/n-quads", "application/trig"):
        ds = Dataset(default_union=True)
        ds.parse(data=resp.content, format={"application/n-quads": "nquads", "application/trig": "trig"}[ctype])
        return ds
    if ctype == "application/ld+json":
        return jsonld_graph(resp, site)
    fmt = {"text/turtle": "turtle", "application/rdf+xml": "xml", "application/n-triples": "nt"}[ctype]
    return Graph().parse(data=resp.content, format=fmt)


def offline_loader(site):
    """A pyld document loader that knows only this server's context and refuses everything else."""
    context = site.get("/context.jsonld", timeout=30).json()

    def load(url, options=None):
        if url == site.url + "/context.jsonld":
            return {"contextUrl": None, "documentUrl": url, "document": context}
        raise jsonld.JsonLdError(f"refusing to fetch {url}", "jsonld.LoadDocumentError", code="loading document failed")
    return load


def jsonld_graph(resp, site):
    doc = resp.json()
    nquads = jsonld.to_rdf(doc, {"format": "application/n-quads", "documentLoader": offline_loader(site)})
    return Graph().parse(data=nquads, format="nt")


@pytest.mark.parametrize("accept", ["text/turtle", "application/ld+json", "application/rdf+xml",
                                    "application/n-triples", "application/n-quads", "application/trig", "text/html"])
def test_id_redirects_303_to_a_document_in_each_format(site, accept):
    first = site.get(BUDAPEST, headers={"Accept": accept}, allow_redirects=False, timeout=30)
    assert first.status_code == 303 and "Accept" in first.headers["Vary"]
    assert first.headers["Location"].startswith("/doc/mechanism/budapest-process.")
    doc = site.get(first.headers["Location"], headers={"Accept": accept}, timeout=30)
    assert doc.status_code == 200 and doc.headers["Content-Type"].startswith(accept)
    assert doc.headers["ETag"] and doc.headers["Last-Modified"] and "max-age" in doc.headers["Cache-Control"]
    assert 'rel="alternate"' in doc.headers["Link"]
    if accept == "text/html":
        assert 'lang="ar" dir="rtl"' in doc.text and "Budapest Process" in doc.text
        return
    data = _parse_doc(doc, site)
    budapest = URIRef(ID + "mechanism/budapest-process")
    counts = {str(o) for o in data.objects(budapest, URIRef("https://w3id.org/iscm/ontology#declaredMemberCount"))}
    assert counts == {"52", "49"}


def test_documents_carry_the_source_graph_of_each_statement(site):
    turtle = Graph().parse(data=site.get("/doc/mechanism/budapest-process.ttl", timeout=30).text,
                           format="turtle")
    q = """SELECT ?g WHERE { ?st rdf:subject ?s ; rdf:predicate iscm:declaredMemberCount ;
                                  rdf:object ?o ; iscm:statedIn ?g } ORDER BY ?g"""
    graphs = [str(r.g) for r in turtle.query(q, initNs={"iscm": "https://w3id.org/iscm/ontology#"})]
    assert graphs == ["https://w3id.org/iscm/graph/source/000", "https://w3id.org/iscm/graph/source/001"]
    quads = Dataset()
    quads.parse(data=site.get("/doc/mechanism/budapest-process.nq", timeout=30).text, format="nquads")
    in_000 = quads.graph(URIRef("https://w3id.org/iscm/graph/source/000"))
    assert (URIRef(ID + "mechanism/budapest-process"), URIRef("https://w3id.org/iscm/ontology#foundingYear"),
            None) in in_000


def test_jsonld_expands_to_the_same_triples_as_turtle(site):
    turtle = Graph().parse(data=site.get("/doc/mechanism/budapest-process.ttl", timeout=30).text,
                           format="turtle")
    resp = site.get(BUDAPEST, headers={"Accept": "application/ld+json"}, timeout=30)
    assert resp.headers["Content-Type"].startswith("application/ld+json")
    doc = resp.json()
    assert doc["@context"] == site.url + "/context.jsonld"          # a published context, never inlined
    from_jsonld = jsonld_graph(resp, site)
    assert len(from_jsonld) == len(turtle) and isomorphic(from_jsonld, turtle)
    keys = {k for node in doc["@graph"] for k in node}
    assert {"label", "foundingYear", "declaredMemberCount"} <= keys


def test_etag_gives_304(site):
    first = site.get("/doc/mechanism/budapest-process.ttl", timeout=30)
    again = site.get("/doc/mechanism/budapest-process.ttl",
                         headers={"If-None-Match": first.headers["ETag"]}, timeout=30)
    assert again.status_code == 304 and not again.content


@pytest.mark.parametrize("accept,fmt", [("text/turtle", "turtle"), ("application/ld+json", None), ("text/html", None)])
def test_unknown_iri_is_404_in_the_requested_format(site, accept, fmt):
    resp = site.get("/id/mechanism/no-such-thing", headers={"Accept": accept}, timeout=30)
    assert resp.status_code == 404 and resp.headers["Content-Type"].startswith(accept)
    if fmt:
        assert len(Graph().parse(data=resp.text, format=fmt)) == 0


def test_string_mentioning_service_is_fine(site):
    resp = site.get("/sparql", params={"query": 'ASK { FILTER ("SERVICE" != "LOAD") }'},
                        headers={"Accept": "application/sparql-results+json"}, timeout=30)
    assert resp.status_code == 200 and resp.json()["boolean"] is True


def test_errors_are_plain_and_clean(site):
    bad = site.get("/sparql", params={"query": "SELEKT nothing"}, timeout=30)
    assert bad.status_code == 400 and bad.headers["Content-Type"].startswith("text/plain")
    assert "Traceback" not in bad.text and "/work" not in bad.text and "site-packages" not in bad.text
    as_json = site.get("/sparql", params={"query": "SELEKT"}, headers={"Accept": "application/json"}, timeout=30)
    assert as_json.json()["error"]["status"] == 400
    put = site.put("/sparql", data="x", timeout=30)
    assert put.status_code == 405 and "GET" in put.headers["Allow"] and "POST" in put.headers["Allow"]
    unacceptable = site.get("/sparql", params={"query": "ASK {}"}, headers={"Accept": "image/png"}, timeout=30)
    assert unacceptable.status_code == 406
    update = site.post("/sparql", data={"update": "CLEAR ALL"}, timeout=30)
    assert update.status_code == 403


def test_format_parameter_and_q_values(site):
    resp = site.get("/sparql", params={"query": "ASK {}", "format": "xml"}, timeout=30)
    assert resp.headers["Content-Type"].startswith("application/sparql-results+xml")
    resp = site.get("/sparql", params={"query": "ASK {}"},
                        headers={"Accept": "application/sparql-results+xml;q=0.5, application/sparql-results+json"},
                        timeout=30)
    assert resp.headers["Content-Type"].startswith("application/sparql-results+json")


def test_cors(site):
    for path in ("/sparql?query=ASK%7B%7D", "/doc/mechanism/budapest-process.ttl", "/context.jsonld",
                 "/download/dataset.nq.gz"):
        resp = site.get(path, headers={"Origin": "https://example.org"}, timeout=30)
        assert resp.headers["Access-Control-Allow-Origin"] == "*", path
    pre = site.options("/sparql", headers={"Origin": "https://example.org",
                                                        "Access-Control-Request-Method": "POST"}, timeout=30)
    assert pre.status_code in (200, 204) and "POST" in pre.headers["Access-Control-Allow-Methods"]


def test_void_describes_the_dataset(site):
    resp = site.get("/.well-known/void", headers={"Accept": "text/turtle"}, timeout=30)
    g = Graph().parse(data=resp.text, format="turtle")
    from rdflib.namespace import DCAT, DCTERMS, PROV, RDF, VOID
    ds = g.value(predicate=RDF.type, object=DCAT.Dataset)
    assert (ds, RDF.type, VOID.Dataset) in g
    assert int(g.value(ds, VOID.triples)) > 10000
    assert g.value(ds, VOID.sparqlEndpoint) == URIRef(site.url + "/sparql")
    assert len(set(g.objects(ds, VOID.dataDump))) == 3
    assert len(set(g.objects(ds, VOID.classPartition))) > 20
    assert len(set(g.objects(ds, VOID.propertyPartition))) > 50
    assert len(set(g.objects(ds, VOID.subset))) > 10
    # the documents the data comes from: prov:wasDerivedFrom (DCAT-AP reserves dcterms:source for datasets)
    for prop in (DCTERMS.license, DCTERMS.modified, PROV.wasDerivedFrom, VOID.entities):
        assert g.value(ds, prop) is not None, prop


@pytest.mark.parametrize("name,fmt", [("dataset.nq.gz", "nquads"), ("dataset.trig.gz", "trig"), ("dataset.ttl.gz", "turtle")])
def test_dumps(site, name, fmt):
    resp = site.get("/download/" + name, timeout=60)
    assert resp.status_code == 200 and resp.headers["Content-Type"] == "application/gzip"
    text = gzip.decompress(resp.content).decode("utf-8")
    ds = Dataset()
    ds.parse(data=text, format=fmt)
    assert len(ds) > 5000
    assert site.get("/download/../manifest.json", timeout=30).status_code == 404
    assert site.get("/download/nope.gz", timeout=30).status_code == 404


def test_ontology_shapes_and_graphs_dereference(site):
    onto = site.get("/ontology", headers={"Accept": "text/turtle"}, timeout=30)
    g = Graph().parse(data=onto.text, format="turtle")
    assert (URIRef("https://w3id.org/iscm/ontology#ConsultationMechanism"), None, None) in g
    page = site.get("/ontology.html", timeout=30)
    assert 'id="ConsultationMechanism"' in page.text
    shapes = site.get("/shapes.ttl", timeout=30)
    assert "sh:NodeShape" in shapes.text or "NodeShape" in shapes.text
    graph = site.get("/graph/source/000", headers={"Accept": "application/n-triples"}, timeout=30)
    assert graph.status_code == 200 and len(Graph().parse(data=graph.text, format="nt")) > 300
    assert site.get("/graph/no/such", headers={"Accept": "text/turtle"}, timeout=30).status_code == 404


def test_html_pages_stay_on_this_server_and_flag_missing_translations(site):
    page = site.get("/doc/objective/1.html", timeout=30).text
    assert "Arabic name missing" in page            # the GCM objectives have no Arabic title yet
    budapest = site.get("/doc/mechanism/budapest-process.html", timeout=30).text
    assert 'href="/doc/organization/icmpd.html"' in budapest
    assert "https://w3id.org/iscm/id/organization/icmpd\"" not in budapest
    assert 'href="/graph/source/000.html"' in budapest
