"""The published graph over real HTTP: a real server process, real sockets, real clients."""
from __future__ import annotations

import gzip
import socket
import threading
import time

import pytest
import requests
from pyld import jsonld
from rdflib import Dataset, Graph, URIRef
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


@pytest.mark.parametrize("accept", ["application/n-triples", "application/n-quads", "application/trig"])
def test_construct_in_quad_and_line_formats(server, accept):
    resp = requests.get(server + "/sparql", params={"query": CONSTRUCT}, headers={"Accept": accept}, timeout=30)
    assert resp.status_code == 200 and resp.headers["Content-Type"].startswith(accept)
    ds = Dataset()
    ds.parse(data=resp.text, format={"application/n-triples": "nt", "application/n-quads": "nquads",
                                     "application/trig": "trig"}[accept])
    assert len(ds) == 30


def _parse_doc(resp):
    ctype = resp.headers["Content-Type"].split(";")[0]
    if ctype in ("application/n-quads", "application/trig"):
        ds = Dataset(default_union=True)
        ds.parse(data=resp.content, format={"application/n-quads": "nquads", "application/trig": "trig"}[ctype])
        return ds
    if ctype == "application/ld+json":
        return jsonld_graph(resp)
    fmt = {"text/turtle": "turtle", "application/rdf+xml": "xml", "application/n-triples": "nt"}[ctype]
    return Graph().parse(data=resp.content, format=fmt)


def offline_loader(server):
    """A pyld document loader that knows only this server's context and refuses everything else."""
    context = requests.get(server + "/context.jsonld", timeout=30).json()

    def load(url, options=None):
        if url == server + "/context.jsonld":
            return {"contextUrl": None, "documentUrl": url, "document": context}
        raise jsonld.JsonLdError(f"refusing to fetch {url}", "jsonld.LoadDocumentError", code="loading document failed")
    return load


def jsonld_graph(resp, server=None):
    server = server or resp.url.split("/doc/")[0]
    doc = resp.json()
    nquads = jsonld.to_rdf(doc, {"format": "application/n-quads", "documentLoader": offline_loader(server)})
    return Graph().parse(data=nquads, format="nt")


@pytest.mark.parametrize("accept", ["text/turtle", "application/ld+json", "application/rdf+xml",
                                    "application/n-triples", "application/n-quads", "application/trig", "text/html"])
def test_id_redirects_303_to_a_document_in_each_format(server, accept):
    first = requests.get(server + BUDAPEST, headers={"Accept": accept}, allow_redirects=False, timeout=30)
    assert first.status_code == 303 and "Accept" in first.headers["Vary"]
    assert first.headers["Location"].startswith("/doc/mechanism/budapest-process.")
    doc = requests.get(server + first.headers["Location"], headers={"Accept": accept}, timeout=30)
    assert doc.status_code == 200 and doc.headers["Content-Type"].startswith(accept)
    assert doc.headers["ETag"] and doc.headers["Last-Modified"] and "max-age" in doc.headers["Cache-Control"]
    assert 'rel="alternate"' in doc.headers["Link"]
    if accept == "text/html":
        assert 'lang="ar" dir="rtl"' in doc.text and "Budapest Process" in doc.text
        return
    data = _parse_doc(doc)
    budapest = URIRef(ID + "mechanism/budapest-process")
    counts = {str(o) for o in data.objects(budapest, URIRef("https://w3id.org/iscm/ontology#declaredMemberCount"))}
    assert counts == {"52", "49"}


def test_documents_carry_the_source_graph_of_each_statement(server):
    turtle = Graph().parse(data=requests.get(server + "/doc/mechanism/budapest-process.ttl", timeout=30).text,
                           format="turtle")
    q = """SELECT ?g WHERE { ?st rdf:subject ?s ; rdf:predicate iscm:declaredMemberCount ;
                                  rdf:object ?o ; iscm:statedIn ?g } ORDER BY ?g"""
    graphs = [str(r.g) for r in turtle.query(q, initNs={"iscm": "https://w3id.org/iscm/ontology#"})]
    assert graphs == ["https://w3id.org/iscm/graph/source/000", "https://w3id.org/iscm/graph/source/001"]
    quads = Dataset()
    quads.parse(data=requests.get(server + "/doc/mechanism/budapest-process.nq", timeout=30).text, format="nquads")
    in_000 = quads.graph(URIRef("https://w3id.org/iscm/graph/source/000"))
    assert (URIRef(ID + "mechanism/budapest-process"), URIRef("https://w3id.org/iscm/ontology#foundingYear"),
            None) in in_000


def test_jsonld_expands_to_the_same_triples_as_turtle(server):
    turtle = Graph().parse(data=requests.get(server + "/doc/mechanism/budapest-process.ttl", timeout=30).text,
                           format="turtle")
    resp = requests.get(server + BUDAPEST, headers={"Accept": "application/ld+json"}, timeout=30)
    assert resp.headers["Content-Type"].startswith("application/ld+json")
    doc = resp.json()
    assert doc["@context"] == server + "/context.jsonld"          # a published context, never inlined
    from_jsonld = jsonld_graph(resp, server)
    assert len(from_jsonld) == len(turtle) and isomorphic(from_jsonld, turtle)
    keys = {k for node in doc["@graph"] for k in node}
    assert {"label", "foundingYear", "declaredMemberCount"} <= keys


def test_etag_gives_304(server):
    first = requests.get(server + "/doc/mechanism/budapest-process.ttl", timeout=30)
    again = requests.get(server + "/doc/mechanism/budapest-process.ttl",
                         headers={"If-None-Match": first.headers["ETag"]}, timeout=30)
    assert again.status_code == 304 and not again.content


@pytest.mark.parametrize("accept,fmt", [("text/turtle", "turtle"), ("application/ld+json", None), ("text/html", None)])
def test_unknown_iri_is_404_in_the_requested_format(server, accept, fmt):
    resp = requests.get(server + "/id/mechanism/no-such-thing", headers={"Accept": accept}, timeout=30)
    assert resp.status_code == 404 and resp.headers["Content-Type"].startswith(accept)
    if fmt:
        assert len(Graph().parse(data=resp.text, format=fmt)) == 0


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


def test_string_mentioning_service_is_fine(server):
    resp = requests.get(server + "/sparql", params={"query": 'ASK { FILTER ("SERVICE" != "LOAD") }'},
                        headers={"Accept": "application/sparql-results+json"}, timeout=30)
    assert resp.status_code == 200 and resp.json()["boolean"] is True


def test_errors_are_plain_and_clean(server):
    bad = requests.get(server + "/sparql", params={"query": "SELEKT nothing"}, timeout=30)
    assert bad.status_code == 400 and bad.headers["Content-Type"].startswith("text/plain")
    assert "Traceback" not in bad.text and "/work" not in bad.text and "site-packages" not in bad.text
    as_json = requests.get(server + "/sparql", params={"query": "SELEKT"}, headers={"Accept": "application/json"}, timeout=30)
    assert as_json.json()["error"]["status"] == 400
    put = requests.put(server + "/sparql", data="x", timeout=30)
    assert put.status_code == 405 and "GET" in put.headers["Allow"] and "POST" in put.headers["Allow"]
    unacceptable = requests.get(server + "/sparql", params={"query": "ASK {}"}, headers={"Accept": "image/png"}, timeout=30)
    assert unacceptable.status_code == 406
    update = requests.post(server + "/sparql", data={"update": "CLEAR ALL"}, timeout=30)
    assert update.status_code == 403


def test_format_parameter_and_q_values(server):
    resp = requests.get(server + "/sparql", params={"query": "ASK {}", "format": "xml"}, timeout=30)
    assert resp.headers["Content-Type"].startswith("application/sparql-results+xml")
    resp = requests.get(server + "/sparql", params={"query": "ASK {}"},
                        headers={"Accept": "application/sparql-results+xml;q=0.5, application/sparql-results+json"},
                        timeout=30)
    assert resp.headers["Content-Type"].startswith("application/sparql-results+json")


def test_cors(server):
    for path in ("/sparql?query=ASK%7B%7D", "/doc/mechanism/budapest-process.ttl", "/context.jsonld",
                 "/download/dataset.nq.gz"):
        resp = requests.get(server + path, headers={"Origin": "https://example.org"}, timeout=30)
        assert resp.headers["Access-Control-Allow-Origin"] == "*", path
    pre = requests.options(server + "/sparql", headers={"Origin": "https://example.org",
                                                        "Access-Control-Request-Method": "POST"}, timeout=30)
    assert pre.status_code in (200, 204) and "POST" in pre.headers["Access-Control-Allow-Methods"]


def test_void_describes_the_dataset(server):
    resp = requests.get(server + "/.well-known/void", headers={"Accept": "text/turtle"}, timeout=30)
    g = Graph().parse(data=resp.text, format="turtle")
    from rdflib.namespace import DCAT, DCTERMS, PROV, RDF, VOID
    ds = g.value(predicate=RDF.type, object=DCAT.Dataset)
    assert (ds, RDF.type, VOID.Dataset) in g
    assert int(g.value(ds, VOID.triples)) > 10000
    assert g.value(ds, VOID.sparqlEndpoint) == URIRef(server + "/sparql")
    assert len(set(g.objects(ds, VOID.dataDump))) == 3
    assert len(set(g.objects(ds, VOID.classPartition))) > 20
    assert len(set(g.objects(ds, VOID.propertyPartition))) > 50
    assert len(set(g.objects(ds, VOID.subset))) > 10
    # the documents the data comes from: prov:wasDerivedFrom (DCAT-AP reserves dcterms:source for datasets)
    for prop in (DCTERMS.license, DCTERMS.modified, PROV.wasDerivedFrom, VOID.entities):
        assert g.value(ds, prop) is not None, prop


@pytest.mark.parametrize("name,fmt", [("dataset.nq.gz", "nquads"), ("dataset.trig.gz", "trig"), ("dataset.ttl.gz", "turtle")])
def test_dumps(server, name, fmt):
    resp = requests.get(server + "/download/" + name, timeout=60)
    assert resp.status_code == 200 and resp.headers["Content-Type"] == "application/gzip"
    text = gzip.decompress(resp.content).decode("utf-8")
    ds = Dataset()
    ds.parse(data=text, format=fmt)
    assert len(ds) > 5000
    assert requests.get(server + "/download/../manifest.json", timeout=30).status_code == 404
    assert requests.get(server + "/download/nope.gz", timeout=30).status_code == 404


def test_ontology_shapes_and_graphs_dereference(server):
    onto = requests.get(server + "/ontology", headers={"Accept": "text/turtle"}, timeout=30)
    g = Graph().parse(data=onto.text, format="turtle")
    assert (URIRef("https://w3id.org/iscm/ontology#ConsultationMechanism"), None, None) in g
    page = requests.get(server + "/ontology.html", timeout=30)
    assert 'id="ConsultationMechanism"' in page.text
    shapes = requests.get(server + "/shapes.ttl", timeout=30)
    assert "sh:NodeShape" in shapes.text or "NodeShape" in shapes.text
    graph = requests.get(server + "/graph/source/000", headers={"Accept": "application/n-triples"}, timeout=30)
    assert graph.status_code == 200 and len(Graph().parse(data=graph.text, format="nt")) > 300
    assert requests.get(server + "/graph/no/such", headers={"Accept": "text/turtle"}, timeout=30).status_code == 404


def test_html_pages_stay_on_this_server_and_flag_missing_translations(server):
    page = requests.get(server + "/doc/objective/1.html", timeout=30).text
    assert "Arabic name missing" in page            # the GCM objectives have no Arabic title yet
    budapest = requests.get(server + "/doc/mechanism/budapest-process.html", timeout=30).text
    assert 'href="/doc/organization/icmpd.html"' in budapest
    assert "https://w3id.org/iscm/id/organization/icmpd\"" not in budapest
    assert 'href="/graph/source/000.html"' in budapest


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
