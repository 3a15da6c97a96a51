"""The graph as it was: three builds of different data published as three releases, served by a real
server; Memento (RFC 7089) followed step by step: TimeGate negotiation with Accept-Datetime, the
memento's headers, the TimeMap in application/link-format (RFC 6690), and older documents and
SPARQL answers that differ from the current ones exactly where the data differs."""
from __future__ import annotations

import datetime as dt
import http.client
import json
import re
import urllib.parse

import pytest
from rdflib import Graph, URIRef
from rdflib.compare import graph_diff, to_isomorphic

from iscm_graph.config import load_settings
from iscm_graph.history import memento as mt
from iscm_graph.publish import releases as rel
from release_fixtures import build, drop_member, publish, source_copy
from conftest import ServerProcess

UTC = dt.timezone.utc
V1, V2, V3 = "2026.01.10", "2026.03.10", "2026.05.10"
PUBLISHED = {V1: dt.datetime(2026, 1, 10, 12, tzinfo=UTC), V2: dt.datetime(2026, 3, 10, 12, tzinfo=UTC),
             V3: dt.datetime(2026, 5, 10, 12, tzinfo=UTC)}
ID = "https://w3id.org/iscm/id/"
BALI, ADD = "mechanism/bali-process", "mechanism/abu-dhabi-dialogue"
AFG_IN_BALI = "membership/bali-process/afg-member"      # left between V1 and V2
BHR_IN_ADD = "membership/abu-dhabi-dialogue/bhr-member"  # left between V2 and V3


@pytest.fixture(scope="module")
def releases(tmp_path_factory):
    """V1: the project's data; V2: Afghanistan no longer in the Bali Process; V3 (current): Bahrain no
    longer in the Abu Dhabi Dialogue either."""
    root = tmp_path_factory.mktemp("releases")
    source, build_dir = source_copy(root / "source"), root / "build"
    publish(build_dir, build(source, build_dir), V1, PUBLISHED[V1])
    drop_member(source, "bali-process", "AFG")
    publish(build_dir, build(source, build_dir), V2, PUBLISHED[V2], V1)
    drop_member(source, "abu-dhabi-dialogue", "BHR")
    publish(build_dir, build(source, build_dir), V3, PUBLISHED[V3], V2)
    return source, build_dir


@pytest.fixture(scope="module")
def server(releases):
    source, build_dir = releases
    # one older release held at a time, so that asking for V1 and V2 in turn evicts and reloads
    srv = ServerProcess("--source", source, "--build-dir", build_dir, env={"ISCM_RELEASES_LOADED": "1"})
    yield srv
    srv.stop()


def fetch(srv, path: str, headers: dict | None = None, method: str = "GET", body: bytes | None = None):
    """One request, redirects not followed (the TimeGate's 302 is what is tested)."""
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, resp.headers, resp.read()
    finally:
        conn.close()


_LINK = re.compile(r'<([^>]*)>((?:\s*;\s*[a-zA-Z*]+\s*=\s*(?:"[^"]*"|[^",;]+))*)')
_PARAM = re.compile(r';\s*([a-zA-Z*]+)\s*=\s*(?:"([^"]*)"|([^",;]+))')


def parse_links(text: str) -> list[tuple[str, dict]]:
    """RFC 8288 / RFC 6690 link values: (target, {parameter: value}) in order; `rel` split on spaces."""
    links = []
    for m in _LINK.finditer(text):
        params = {p.group(1).lower(): p.group(2) if p.group(2) is not None else p.group(3)
                  for p in _PARAM.finditer(m.group(2))}
        params["rel"] = set(params.get("rel", "").split())
        links.append((m.group(1), params))
    return links


def with_rel(links, rel_name: str) -> list[tuple[str, dict]]:
    return [(uri, p) for uri, p in links if rel_name in p["rel"]]


def path_of(uri: str) -> str:
    return urllib.parse.urlsplit(uri).path


def http_date(version: str) -> str:
    return mt.http_date(PUBLISHED[version])


# --- the library, without a server -------------------------------------------------------------------

def test_accept_datetime_is_read_as_an_rfc_1123_date():
    assert mt.parse_accept_datetime("Tue, 10 Mar 2026 12:00:00 GMT") == PUBLISHED[V2]
    for bad in ("2026-03-10T12:00:00Z", "Tue, 10 Mar 2026 12:00:00", "Tue, 31 Feb 2026 12:00:00 GMT", ""):
        with pytest.raises(mt.DatetimeError, match="Accept-Datetime"):
            mt.parse_accept_datetime(bad)


def test_the_release_layout_is_read(releases):
    _, build_dir = releases
    settings = load_settings(build_dir=build_dir)
    assert [r.version for r in rel.list_releases(settings)] == [V1, V2, V3]
    assert rel.current_release(settings).version == V3
    assert rel.get_release(settings, V2).previous == V1
    assert rel.release_at(settings, dt.datetime(2026, 2, 1, tzinfo=UTC)).version == V1
    assert rel.release_at(settings, PUBLISHED[V2]).version == V2
    assert rel.release_at(settings, dt.datetime(2025, 1, 1, tzinfo=UTC)) is None
    with pytest.raises(Exception, match="no release"):
        rel.get_release(settings, "1999.01.01")


# --- RFC 7089 step by step ---------------------------------------------------------------------------

@pytest.mark.parametrize("asked, expected", [
    ("Sun, 01 Jun 2025 00:00:00 GMT", V1),      # before the first release: the first memento
    ("Sun, 01 Feb 2026 00:00:00 GMT", V1),      # between V1 and V2
    ("Tue, 10 Mar 2026 12:00:00 GMT", V2),      # V2's own publication
    ("Fri, 10 Apr 2026 08:00:00 GMT", V2),
    ("Thu, 01 Oct 2026 00:00:00 GMT", V3),      # after the last one: the current release
])
def test_the_timegate_redirects_to_the_memento_current_at_the_datetime(server, asked, expected):
    status, headers, _ = fetch(server, f"/id/{BALI}", {"Accept-Datetime": asked, "Accept": "text/turtle"})
    assert status == 302
    assert path_of(headers["Location"]) == f"/releases/{expected}/doc/{BALI}.ttl"
    assert "accept-datetime" in headers["Vary"].lower()
    links = parse_links(headers["Link"])
    assert [path_of(u) for u, _ in with_rel(links, "original")] == [f"/id/{BALI}"]
    (timemap, params), = with_rel(links, "timemap")
    assert path_of(timemap) == f"/timemap/link/{BALI}" and params["type"] == "application/link-format"


def test_the_document_is_a_timegate_too(server):
    status, headers, _ = fetch(server, f"/doc/{BALI}.jsonld", {"Accept-Datetime": "Sun, 01 Feb 2026 00:00:00 GMT"})
    assert status == 302
    assert path_of(headers["Location"]) == f"/releases/{V1}/doc/{BALI}.jsonld"


@pytest.mark.parametrize("bad", ["yesterday", "2026-02-01", "Sun, 01 Feb 2026 00:00:00 CET"])
def test_a_malformed_accept_datetime_is_a_400_naming_it(server, bad):
    status, _, body = fetch(server, f"/id/{BALI}", {"Accept-Datetime": bad, "Accept": "text/plain"})
    assert status == 400
    assert b"Accept-Datetime" in body and bad.encode() in body


def test_a_memento_names_its_datetime_original_timegate_timemap_and_neighbours(server):
    status, headers, body = fetch(server, f"/releases/{V2}/doc/{BALI}.ttl")
    assert status == 200
    assert headers["Memento-Datetime"] == http_date(V2)
    links = parse_links(headers["Link"])
    assert [path_of(u) for u, _ in with_rel(links, "original")] == [f"/id/{BALI}"]
    assert [path_of(u) for u, _ in with_rel(links, "timegate")] == [f"/id/{BALI}"]
    assert [path_of(u) for u, _ in with_rel(links, "timemap")] == [f"/timemap/link/{BALI}"]
    mementos = {path_of(u): p for u, p in with_rel(links, "memento")}
    assert set(mementos) == {f"/releases/{v}/doc/{BALI}" for v in (V1, V2, V3)}
    assert {"first", "prev"} <= mementos[f"/releases/{V1}/doc/{BALI}"]["rel"]
    assert {"last", "next"} <= mementos[f"/releases/{V3}/doc/{BALI}"]["rel"]
    for v in (V1, V2, V3):
        assert mementos[f"/releases/{v}/doc/{BALI}"]["datetime"] == http_date(v)
    Graph().parse(data=body, format="turtle")


def test_the_current_document_links_its_timegate_and_timemap(server):
    status, headers, _ = fetch(server, f"/doc/{BALI}.ttl")
    assert status == 200 and "Memento-Datetime" not in headers
    links = parse_links(headers["Link"])
    assert [path_of(u) for u, _ in with_rel(links, "timegate")] == [f"/id/{BALI}"]
    assert [path_of(u) for u, _ in with_rel(links, "timemap")] == [f"/timemap/link/{BALI}"]
    assert "accept-datetime" in headers["Vary"].lower()


@pytest.mark.parametrize("stem, versions", [(BALI, [V1, V2, V3]), (AFG_IN_BALI, [V1]), (BHR_IN_ADD, [V1, V2])])
def test_the_timemap_lists_the_releases_in_which_the_resource_appears(server, stem, versions):
    status, headers, body = fetch(server, f"/timemap/link/{stem}")
    assert status == 200 and headers.get_content_type() == "application/link-format"
    links = parse_links(body.decode("utf-8"))
    assert [path_of(u) for u, _ in with_rel(links, "original")] == [f"/id/{stem}"]
    assert [path_of(u) for u, _ in with_rel(links, "self")] == [f"/timemap/link/{stem}"]
    mementos = with_rel(links, "memento")
    assert [path_of(u) for u, _ in mementos] == [f"/releases/{v}/doc/{stem}" for v in versions]
    assert [p["datetime"] for _, p in mementos] == [http_date(v) for v in versions]
    assert "first" in mementos[0][1]["rel"] and "last" in mementos[-1][1]["rel"]


def test_a_resource_in_no_release_has_no_timemap(server):
    status, _, _ = fetch(server, "/timemap/link/mechanism/no-such-thing")
    assert status == 404


def test_the_timegate_finds_a_resource_the_current_release_no_longer_holds(server):
    status, headers, _ = fetch(server, f"/id/{AFG_IN_BALI}",
                               {"Accept-Datetime": "Thu, 01 Oct 2026 00:00:00 GMT", "Accept": "text/turtle"})
    assert status == 302     # its last memento, the only one
    assert path_of(headers["Location"]) == f"/releases/{V1}/doc/{AFG_IN_BALI}.ttl"
    assert fetch(server, f"/doc/{AFG_IN_BALI}.ttl")[0] == 404
    assert fetch(server, f"/releases/{V2}/doc/{AFG_IN_BALI}.ttl")[0] == 404


# --- the documents of older releases ----------------------------------------------------------------

def turtle(server, path: str) -> Graph:
    status, _, body = fetch(server, path)
    assert status == 200, path
    return to_isomorphic(Graph().parse(data=body, format="turtle"))


def mentions(triple, names) -> bool:
    return any(isinstance(t, URIRef) and str(t) in names for t in triple)


ORG_HAS_MEMBER = URIRef("http://www.w3.org/ns/org#hasMember")
LISTED_COUNT = URIRef("https://w3id.org/iscm/ontology#listedMemberCount")


def changed(old: Graph, new: Graph, about: set[str]):
    """What only each document says, checked to be about the States `about` and the count of members:
    the statements themselves (IRI subjects) and their provenance (reified, blank subjects)."""
    _, only_old, only_new = graph_diff(old, new)
    for graph in (only_old, only_new):
        stated = {t for t in graph if isinstance(t[0], URIRef)}
        assert all(mentions(t, about) or t[1] == LISTED_COUNT for t in stated), stated
        for node in {t[0] for t in graph if not isinstance(t[0], URIRef)}:
            said = set(graph.objects(node, None))
            assert any(str(o) in about or o in graph.objects(None, LISTED_COUNT) for o in said), said
    return only_old, only_new


def count(graph: Graph, stem: str) -> int:
    return int(graph.value(URIRef(ID + stem), LISTED_COUNT))


def test_an_old_document_differs_from_the_current_one_exactly_where_the_data_differs(server):
    old, now = turtle(server, f"/releases/{V1}/doc/{BALI}.ttl"), turtle(server, f"/doc/{BALI}.ttl")
    only_old, only_now = changed(old, now, {ID + "state/afg", ID + AFG_IN_BALI})
    assert (URIRef(ID + BALI), ORG_HAS_MEMBER, URIRef(ID + "state/afg")) in only_old
    assert (URIRef(ID + AFG_IN_BALI), URIRef("http://www.w3.org/ns/org#organization"), URIRef(ID + BALI)) in only_old
    assert count(old, BALI) == count(now, BALI) + 1
    assert {t for t in only_now if isinstance(t[0], URIRef)} == {(URIRef(ID + BALI), LISTED_COUNT,
                                                                 now.value(URIRef(ID + BALI), LISTED_COUNT))}
    # V2 already had the change: its document equals the current one
    assert not any(graph_diff(turtle(server, f"/releases/{V2}/doc/{BALI}.ttl"), now)[1:])
    # the Abu Dhabi Dialogue changed between V2 and V3 only
    v1_add, v2_add, now_add = (turtle(server, f"/releases/{V1}/doc/{ADD}.ttl"),
                               turtle(server, f"/releases/{V2}/doc/{ADD}.ttl"), turtle(server, f"/doc/{ADD}.ttl"))
    only_v2, _ = changed(v2_add, now_add, {ID + "state/bhr", ID + BHR_IN_ADD})
    assert (URIRef(ID + ADD), ORG_HAS_MEMBER, URIRef(ID + "state/bhr")) in only_v2
    assert count(v2_add, ADD) == count(now_add, ADD) + 1
    assert not any(graph_diff(v1_add, v2_add)[1:])


def test_an_unrelated_document_is_the_same_in_every_release(server):
    stem = "mechanism/budapest-process"
    now = turtle(server, f"/doc/{stem}.ttl")
    for v in (V1, V2):
        assert not any(graph_diff(turtle(server, f"/releases/{v}/doc/{stem}.ttl"), now)[1:])


def test_an_old_page_carries_the_banner_naming_the_current_release(server):
    status, _, body = fetch(server, f"/releases/{V1}/doc/{BALI}.html", {"Accept-Language": "en"})
    assert status == 200
    text = body.decode("utf-8")
    banner = re.search(r'<p class="release-banner"[^>]*>(.*?)</p>', text, re.S)
    assert banner and f"release {V1} of 2026-01-10" in banner.group(1) and V3 in banner.group(1)
    assert f'href="/doc/{BALI}.html"' in banner.group(1)
    assert 'class="release-banner"' not in fetch(server, f"/doc/{BALI}.html")[2].decode("utf-8")


def test_an_unknown_release_is_a_404_naming_it(server):
    for path in (f"/releases/1999.01.01/doc/{BALI}.ttl", "/releases/1999.01.01/sparql?query=ASK%7B%7D",
                 f"/doc/{BALI}.ttl?release=1999.01.01"):
        status, _, body = fetch(server, path, {"Accept": "text/plain"})
        assert status == 404 and b"1999.01.01" in body, path


# --- SPARQL over an older release --------------------------------------------------------------------

AFG_MEMBERSHIP = ("SELECT ?membership WHERE { ?membership org:organization mech:bali-process ; "
                  "org:member state:afg }")


def select_rows(server, path: str, query: str) -> list[dict]:
    sep = "&" if "?" in path else "?"
    status, _, body = fetch(server, f"{path}{sep}{urllib.parse.urlencode({'query': query})}",
                            {"Accept": "application/sparql-results+json"})
    assert status == 200, body
    return json.loads(body)["results"]["bindings"]


def test_sparql_answers_from_the_release_asked_for(server):
    assert [r["membership"]["value"] for r in select_rows(server, f"/releases/{V1}/sparql", AFG_MEMBERSHIP)] \
        == [ID + AFG_IN_BALI]
    assert select_rows(server, f"/releases/{V2}/sparql", AFG_MEMBERSHIP) == []
    assert select_rows(server, "/sparql", AFG_MEMBERSHIP) == []


def test_sparql_by_post_and_by_the_release_parameter(server):
    body = urllib.parse.urlencode({"query": AFG_MEMBERSHIP}).encode()
    form = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json"}
    status, _, answer = fetch(server, f"/releases/{V1}/sparql", form, "POST", body)
    assert status == 200 and len(json.loads(answer)["results"]["bindings"]) == 1
    status, headers, _ = fetch(server, f"/sparql?release={V1}", form, "POST", body)
    assert status == 307 and path_of(headers["Location"]) == f"/releases/{V1}/sparql"


# --- releases held: an LRU of one ---------------------------------------------------------------------

def test_releases_asked_for_in_turn_are_evicted_and_reloaded(server):
    before = json.loads(fetch(server, "/healthz")[2])["releases"]
    assert before["limit"] == 1
    for _ in range(2):
        for version, has_afg in ((V1, True), (V2, False)):
            g = turtle(server, f"/releases/{version}/doc/{BALI}.ttl")
            assert ((URIRef(ID + BALI), URIRef("http://www.w3.org/ns/org#hasMember"), URIRef(ID + "state/afg"))
                    in g) == has_afg
            assert len(select_rows(server, f"/releases/{version}/sparql", AFG_MEMBERSHIP)) == has_afg
    after = json.loads(fetch(server, "/healthz")[2])["releases"]
    assert after["loaded"] == [V2]              # V3, the current release, is the current build: not held
    assert after["loads"] - before["loads"] >= 3
    assert after["evictions"] - before["evictions"] >= 3


def test_a_document_asked_with_the_release_parameter_is_redirected_to_its_release(server):
    status, headers, _ = fetch(server, f"/doc/{BALI}.ttl?release={V1}")
    assert status == 307 and path_of(headers["Location"]) == f"/releases/{V1}/doc/{BALI}.ttl"


def test_a_query_process_opens_release_folders_only(releases, tmp_path):
    from iscm_graph.query.release_stores import ReleaseStores, UnknownFolder

    _, build_dir = releases
    settings = load_settings(build_dir=build_dir, releases_loaded=1)
    stores = ReleaseStores(settings, build_dir / "releases" / V3, own := object())
    assert stores.get(None) is own and stores.get(str(build_dir / "releases" / V3)) is own
    first = stores.get(str(build_dir / "releases" / V1))
    assert stores.get(str(build_dir / "releases" / V1)) is first
    stores.get(str(build_dir / "releases" / V2))          # V1 dropped: one store at a time
    assert stores.get(str(build_dir / "releases" / V1)) is not first
    for elsewhere in (build_dir / "current", tmp_path, build_dir / "releases" / V1 / "..", "/etc"):
        with pytest.raises(UnknownFolder):
            stores.get(str(elsewhere))


def test_a_release_the_server_answers_from_is_leased_and_survives_pruning(server, releases):
    """Serving an older release renews this server's lease on it (publish/releases.py), so `release
    prune` leaves it even when it is past the number kept."""
    _, build_dir = releases
    settings = load_settings(build_dir=build_dir)
    status, _, _ = fetch(server, f"/releases/{V1}/doc/mechanism/bali-process.ttl")
    assert status == 200
    assert rel.leased(settings, V1)
    assert not rel.leased(settings, "2000.01.01")
