"""Unit tests of the pieces every request passes through, without a server: the query guard,
content negotiation and the format table, and the parsing of catalogue parameters."""
from __future__ import annotations

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from conftest import REPO
from iscm_graph.errors import QueryError
from iscm_graph.namespaces import PREFIXES
from iscm_graph.query.catalogue import catalogue, parse_query_file, to_term
from iscm_graph.query.guard import MAX_NESTING, check_graph_name, check_query
from iscm_graph.rdf import formats


# --- the query guard -------------------------------------------------------------------------------

@pytest.mark.parametrize("query", [
    "SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "select * { service silent <http://x/> { ?s ?p ?o } }",
    "SELECT * { \\u0053ERVICE <http://x/> { ?s ?p ?o } }",
    "SELECT * { \\U00000053ERVICE <http://x/> { ?s ?p ?o } }",
    "SELECT * { ?s ?p ?o # a comment\n SERVICE ?endpoint { ?s ?p ?o } }",
    "ASK { FILTER EXISTS { SERVICE <http://x/> { ?s ?p ?o } } }",
    "LOAD <http://example.org/data.ttl>",
])
def test_guard_refuses_what_reaches_out(query):
    with pytest.raises(QueryError, match="not allowed"):
        check_query(query, PREFIXES)


@pytest.mark.parametrize("query", [
    'SELECT * { ?s ?p "SERVICE LOAD" }',                     # words inside strings
    "SELECT * { ?s ?p ?o } # SERVICE in a comment",
    "SELECT * { <http://example.org/SERVICE> ?p ?o }",        # inside an IRI
    "SELECT ?service { ?service a ?loader }",                 # as part of a variable name
])
def test_guard_lets_the_words_pass_where_they_are_not_keywords(query):
    check_query(query, PREFIXES)


@pytest.mark.parametrize("query", [
    "SELECT * FROM <file:///etc/passwd> { ?s ?p ?o }",
    "SELECT * FROM NAMED <file:///etc/passwd> { GRAPH ?g { ?s ?p ?o } }",
    "BASE <file:///etc/> SELECT * FROM <passwd> { ?s ?p ?o }",
    "PREFIX f: <file:///etc/> SELECT * FROM f:passwd { ?s ?p ?o }",
    "SELECT * \\u0046ROM <file:///etc/passwd> { ?s ?p ?o }",
    "SELECT * FROM <http://127.0.0.1:8080/x> { ?s ?p ?o }",
    "SELECT * FROM <http://localhost/x> { ?s ?p ?o }",
    "SELECT * FROM <http://[::1]/x> { ?s ?p ?o }",
    "SELECT * FROM <http://10.1.2.3/x> { ?s ?p ?o }",
    "SELECT * FROM <http://169.254.169.254/latest/meta-data> { ?s ?p ?o }",
])
def test_guard_refuses_files_and_internal_graph_names(query):
    with pytest.raises(QueryError, match="never"):
        check_query(query, PREFIXES)


@pytest.mark.parametrize("iri", ["https://w3id.org/iscm/graph/source/000", "urn:x-test:graph",
                                 "http://kasei.us/2009/09/sparql/data/data1.rdf"])
def test_public_graph_names_are_accepted(iri):
    check_graph_name(iri, "default-graph-uri")


def test_guard_bounds_nesting():
    check_query("SELECT * " + "{" * MAX_NESTING + "?s ?p ?o" + "}" * MAX_NESTING)
    with pytest.raises(QueryError, match="nests"):
        check_query("SELECT * " + "{" * (MAX_NESTING + 1) + "?s ?p ?o" + "}" * (MAX_NESTING + 1))
    check_query('SELECT * { ?s ?p "' + "(" * 500 + '" }')        # brackets in a string do not count


# --- content negotiation and the format table ------------------------------------------------------

def _accept(header: str) -> MIMEAccept:
    return parse_accept_header(header, MIMEAccept)


@pytest.mark.parametrize("header,explicit,expected", [
    ("text/turtle", None, "text/turtle"),
    ("application/rdf+xml;q=0.5, text/turtle;q=0.9", None, "text/turtle"),
    ("application/ld+json", None, "application/ld+json"),
    ("*/*", None, formats.GRAPH_TYPES[0]),
    ("", None, formats.GRAPH_TYPES[0]),
    ("text/turtle", "nt", "application/n-triples"),          # format= wins over Accept
    ("text/turtle", "rdfxml", "application/rdf+xml"),
    ("text/turtle", "n3", "text/n3"),
    ("text/turtle", "somethingelse", "text/turtle"),          # an unknown word falls back to Accept
    ("text/turtle", "csv", None),                             # a known format this answer cannot take
    ("application/pdf", None, None),
])
def test_choose_for_graphs(header, explicit, expected):
    assert formats.choose(_accept(header), formats.GRAPH_TYPES, explicit) == expected


@pytest.mark.parametrize("header,explicit,expected", [
    ("application/sparql-results+json", None, "application/sparql-results+json"),
    ("application/json", None, "application/json"),
    ("text/csv", None, "text/csv"),
    ("text/tab-separated-values;q=1, text/csv;q=0.1", None, "text/tab-separated-values"),
    ("text/csv", "json", "application/sparql-results+json"),
    ("text/csv", "srx", "application/sparql-results+xml"),
    ("text/csv", "ttl", None),
])
def test_choose_for_results(header, explicit, expected):
    assert formats.choose(_accept(header), formats.RESULT_TYPES, explicit) == expected


@pytest.mark.parametrize("header,explicit,expected", [
    # (SELECT, ASK, CONSTRUCT/DESCRIBE)
    ("", None, ("application/sparql-results+json", "application/sparql-results+json", "text/turtle")),
    ("application/sparql-results+xml", None,                  # roqet: every form asks for SPARQL XML results
     ("application/sparql-results+xml", "application/sparql-results+xml", "text/turtle")),
    ("text/csv", None, ("text/csv", "application/sparql-results+json", "text/turtle")),   # an ASK has no CSV
    ("application/rdf+xml", None, ("application/sparql-results+json",) * 2 + ("application/rdf+xml",)),
    ("application/sparql-results+json, text/turtle;q=0", None,   # a refused default: the next format
     ("application/sparql-results+json",) * 2 + ("application/ld+json",)),
    ("application/sparql-results+json, */*;q=0", None, ("application/sparql-results+json",) * 2 + (None,)),
    ("image/png", None, (None, None, None)),                    # nothing this endpoint writes: 406
    ("application/rdf+xml", "xml", ("application/sparql-results+xml",) * 2 + ("application/rdf+xml",)),
    ("*/*", "json", ("application/sparql-results+json",) * 2 + ("application/ld+json",)),
    ("*/*", "csv", ("text/csv", "application/sparql-results+json", "text/turtle")),
    ("*/*", "ttl", ("application/sparql-results+json",) * 2 + ("text/turtle",)),
    ("text/turtle", "application/x-nonsense", (None, None, None)),
    ("text/turtle", "somethingelse", ("application/sparql-results+json",) * 2 + ("text/turtle",)),
])
def test_query_media_types(header, explicit, expected):
    chosen = formats.query_media_types(_accept(header), explicit)
    assert (chosen["results_type"], chosen["boolean_type"], chosen["graph_type"]) == expected


def test_the_format_table_follows_the_engine():
    import pyoxigraph as ox
    for fmt in formats.GRAPH_FORMATS + formats.RESULT_FORMATS:
        assert formats.by_media_type(fmt.media_type) is fmt
        assert fmt.media_type == fmt.engine.media_type.split(";")[0]
        assert fmt.iri.startswith("http://www.w3.org/ns/formats/")
    assert formats.graph_format("ttl").engine == ox.RdfFormat.TURTLE
    assert formats.by_media_type("text/plain").engine == ox.RdfFormat.N_TRIPLES
    assert [f.name for f in formats.GRAPH_FORMATS if f.quads] == ["nq", "trig"]
    assert formats.EXTENSIONS["jsonld"] == "application/ld+json" and formats.EXTENSIONS["html"] == formats.HTML
    assert formats.content_type("text/csv") == "text/csv; charset=utf-8"
    assert formats.content_type("application/n-triples") == "application/n-triples"


# --- catalogue parameters --------------------------------------------------------------------------

@pytest.mark.parametrize("raw,kind,term", [
    ("https://w3id.org/iscm/id/state/egy", "iri", URIRef("https://w3id.org/iscm/id/state/egy")),
    ("urn:x:y", "iri", URIRef("urn:x:y")),
    ("42", "integer", Literal(42, datatype=XSD.integer)),
    ("2024-06-01", "date", Literal("2024-06-01", datatype=XSD.date)),
    ("2018", "year", Literal("2018", datatype=XSD.gYear)),
    ("Egypt", "string", Literal("Egypt")),
    ('" } SELECT * { ?s ?p ?o', "string", Literal('" } SELECT * { ?s ?p ?o')),   # a value, never syntax
])
def test_parameters_become_terms(raw, kind, term):
    assert to_term(raw, kind) == term


@pytest.mark.parametrize("raw,kind", [("not an iri", "iri"), ("<http://x>", "iri"), ("forty", "integer"),
                                      ("2024-13-01", "date"), ("18", "year"), ("2018-01", "year")])
def test_ill_typed_parameters_are_refused(raw, kind):
    with pytest.raises(QueryError, match=f"not a valid {kind}"):
        to_term(raw, kind, "p")


def test_catalogue_binds_defaults_and_refuses_unknown_or_missing():
    queries = catalogue(REPO / "queries")
    q = queries["members-of"]
    assert q.bind({})["organization"] == URIRef(q.params[0].default)
    with pytest.raises(QueryError, match="has no parameter"):
        q.bind({"nope": "1"})
    required = [q for q in queries.values() if any(p.default is None for p in q.params)]
    for q in required:
        with pytest.raises(QueryError, match="needs parameter"):
            q.bind({})


def test_query_file_headers_are_checked(tmp_path):
    bad = tmp_path / "bad.rq"
    bad.write_text("#+ summary: x\n#+ params: who:person\nSELECT ?who { ?who ?p ?o }\n", encoding="utf-8")
    with pytest.raises(QueryError, match="bad parameter declaration"):
        parse_query_file(bad)
    hidden = tmp_path / "hidden.rq"
    hidden.write_text("#+ summary: x\n#+ params: who:iri\nSELECT ?o { ?who ?p ?o }\n", encoding="utf-8")
    with pytest.raises(QueryError, match="must appear in the SELECT clause"):
        parse_query_file(hidden)
    untitled = tmp_path / "untitled.rq"
    untitled.write_text("SELECT * { ?s ?p ?o }\n", encoding="utf-8")
    with pytest.raises(QueryError, match="summary"):
        parse_query_file(untitled)


@pytest.mark.parametrize("query", [
    "PREFIX ex: <http://example.org/> SELECT * { ?s ex:service ?o ; ex:load ?l }",
    "PREFIX service: <http://example.org/> SELECT * { ?s service:x ?o }",
    "SELECT ($load AS ?x) { ?s ?p ?load }",
])
def test_guard_lets_variables_and_names_pass(query):
    check_query(query, PREFIXES)


# --- who a client is (query/fairness.py) -----------------------------------------------------------

from iscm_graph.config import load_settings  # noqa: E402
from iscm_graph.errors import IscmError, LimitError  # noqa: E402
from iscm_graph.query.fairness import ClientSlots, client_key  # noqa: E402


@pytest.mark.parametrize("peer,forwarded,trusted,expected", [
    ("203.0.113.5", [], "", "203.0.113.5"),
    ("203.0.113.5", ["198.51.100.1"], "", "203.0.113.5"),                 # no trusted proxy: ignored
    ("10.0.0.1", ["198.51.100.1"], "127.0.0.1", "10.0.0.1"),              # the peer is not trusted
    ("127.0.0.1", ["198.51.100.1"], "127.0.0.1", "198.51.100.1"),
    ("127.0.0.1", ["1.2.3.4, 198.51.100.1"], "127.0.0.1", "198.51.100.1"),  # the left part is the client's word
    ("127.0.0.1", ["1.2.3.4, 198.51.100.1, 10.1.2.3"], "127.0.0.1, 10.0.0.0/8", "198.51.100.1"),
    ("127.0.0.1", ["1.2.3.4", "198.51.100.1"], "127.0.0.1", "198.51.100.1"),  # two headers, in order
    ("127.0.0.1", [], "127.0.0.1", "127.0.0.1"),
    ("2001:db8:1:2:3:4:5:6", [], "", "2001:db8:1:2::/64"),                # an IPv6 client is its /64
    ("::ffff:203.0.113.7", [], "", "203.0.113.7"),
    ("127.0.0.1", ["[2001:db8::1]"], "127.0.0.1", "2001:db8::/64"),
])
def test_client_key(peer, forwarded, trusted, expected):
    assert client_key(peer, forwarded, trusted) == expected


def test_a_bad_trusted_proxy_is_named():
    with pytest.raises(IscmError, match="'trusted_proxies': 'proxy.local' is not an IP address"):
        load_settings(trusted_proxies="127.0.0.1, proxy.local")


def test_a_client_holds_at_most_its_slots():
    slots = ClientSlots("unit-test-server", 2)
    with slots.hold("198.51.100.1"), slots.hold("198.51.100.1"):
        with pytest.raises(LimitError) as refused:
            with slots.hold("198.51.100.1"):
                pass
        assert refused.value.status == 429 and "client_queries" in str(refused.value)
        with slots.hold("198.51.100.2"):            # another client is not affected
            pass
    with slots.hold("198.51.100.1"), slots.hold("198.51.100.1"):   # the slots were given back
        pass
