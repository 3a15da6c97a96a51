"""Item 5: a hypothesis-driven fuzz of /sparql, /doc and /api (5,000 requests in all), asserting
that no request gets a 5xx, and that every error comes in the one error shape (the error page for an
Accept preferring HTML; for a document that does not exist, an empty document in the RDF or HTML type
asked for)."""
from __future__ import annotations

import pytest
import requests
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from .helpers import assert_error

RDF_404_TYPES = ("text/turtle", "application/ld+json", "application/rdf+xml", "application/n-triples",
                 "application/n-quads", "application/trig", "text/html")
# no shrinking: a failure is reported as found (shrinking against a live server takes minutes)
FIND = [Phase.explicit, Phase.generate]


def fuzz(examples: int):
    return settings(max_examples=examples, deadline=None, derandomize=True, database=None, phases=FIND,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

ACCEPTS = st.one_of(st.sampled_from([
    "", "*/*", "application/json", "text/plain", "text/html", "text/turtle", "application/ld+json",
    "application/sparql-results+json", "application/sparql-results+xml", "text/csv", "application/x-nonsense",
    "text/*;q=0.1, application/json;q=bogus", ";;;", "*/*;q=0"]),
    st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=40).map(str.strip))
# pieces of real SPARQL, so the engine sees parseable queries too (no aggregates: nothing runs away)
FRAGMENTS = st.sampled_from([
    "SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "*", "?s", "?p", "?o", "WHERE", "{", "}", "(", ")", ".", ";",
    "FILTER", "OPTIONAL", "UNION", "MINUS", "GRAPH", "?g", "VALUES", "BIND", "AS", "a", "skos:prefLabel",
    "iscm:Mechanism", "<https://w3id.org/iscm/id/mechanism/colombo-process>", '"Egypt"@en', "1", "LIMIT 3",
    "ORDER BY", "REGEX(?o, \"(a+)+$\")", "LANG(?o)", "SERVICE", "LOAD", "FROM", "<file:///etc/passwd>",
    "\\u0053ERVICE", "PREFIX x: <http://x/>", "BASE <file:///>", "#", "\n", "'''", '"""', "[", "]", "^^"])
QUERIES = st.one_of(
    st.lists(FRAGMENTS, max_size=25).map(lambda parts: " ".join(parts) + " LIMIT 5"),
    st.text(max_size=300),
    st.binary(max_size=300).map(lambda b: b.decode("latin-1")))
NAMES = st.sampled_from(["query", "update", "format", "default-graph-uri", "named-graph-uri", "q", "x", ""])


def _check(resp, path: str):
    assert resp.status_code < 500, (path, resp.status_code, resp.text[:300])
    if resp.status_code >= 400:
        ctype = resp.headers.get("Content-Type", "").split(";")[0]
        if resp.status_code == 404 and ctype in RDF_404_TYPES:
            return
        assert_error(resp)


class Counter:
    def __init__(self):
        self.n = 0


@pytest.fixture(scope="module")
def session():
    with requests.Session() as s:
        yield s


@pytest.fixture(scope="module")
def sent():
    c = Counter()
    yield c
    assert c.n >= 5000, f"only {c.n} fuzz requests were sent"


@fuzz(2500)
@given(method=st.sampled_from(["GET", "POST form", "POST direct", "POST other"]), query=QUERIES,
       extra=st.lists(st.tuples(NAMES, st.text(max_size=60)), max_size=3), accept=ACCEPTS)
def test_fuzz_sparql(limited, session, sent, method, query, extra, accept):
    url = limited.url + "/sparql"
    headers = {"Accept": accept}
    params = [("query", query)] + extra
    if method == "GET":
        r = session.get(url, params=params, headers=headers, timeout=60)
    elif method == "POST form":
        r = session.post(url, data=params, headers=headers, timeout=60)
    elif method == "POST direct":
        r = session.post(url, data=query.encode("utf-8", "surrogatepass"), params=extra, timeout=60,
                         headers={**headers, "Content-Type": "application/sparql-query"})
    else:
        r = session.post(url, data=query.encode("utf-8", "surrogatepass"), timeout=60,
                         headers={**headers, "Content-Type": "multipart/form-data; boundary=x"})
    sent.n += 1
    _check(r, "/sparql")


PATH_PARTS = st.one_of(
    st.sampled_from(["mechanism", "state", "body", "theme", "colombo-process", "egy", "..", ".", "%2e%2e",
                     "%00", "%ff", "%zz", "id", "graph", "x.ttl", "y.jsonld", "z.html", "a.rdf", ""]),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=20))


@fuzz(1500)
@given(parts=st.lists(PATH_PARTS, min_size=1, max_size=5), accept=ACCEPTS,
       fmt=st.one_of(st.none(), st.text(max_size=10)))
def test_fuzz_documents(limited, session, sent, parts, accept, fmt):
    path = "/doc/" + "/".join(parts)
    r = session.get(limited.url + path, params={"format": fmt} if fmt is not None else None,
                    headers={"Accept": accept}, timeout=60, allow_redirects=False)
    sent.n += 1
    _check(r, path)


API_NAMES = st.sampled_from(["members-of", "state-memberships", "members-as-of", "mechanisms-by-theme",
                             "sources", "no-such-query", "..", "%2e%2e", "openapi.json"])


@fuzz(1000)
@given(name=st.one_of(API_NAMES, st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=20)),
       params=st.dictionaries(st.sampled_from(["organization", "state", "date", "theme", "format", "x"]),
                              st.one_of(st.text(max_size=40),
                                        st.sampled_from(["https://w3id.org/iscm/id/state/egy", "2024-06-01", "json",
                                                         "csv", "2024-02-30", "not an iri"])), max_size=3),
       accept=ACCEPTS)
def test_fuzz_api(limited, session, sent, name, params, accept):
    path = "/api/" + name
    r = session.get(limited.url + path, params=params, headers={"Accept": accept}, timeout=60)
    sent.n += 1
    _check(r, path)
