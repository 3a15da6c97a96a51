"""The resolver: what people type (names in English and Arabic, acronyms, ISO codes, slugs, Wikidata ids,
full IRIs) to the dataset's IRIs, in the library, the query API, the CLI and search."""
from __future__ import annotations

import json

import pyoxigraph as ox
import pytest

from iscm_graph.query.store import EmbeddedStore
from iscm_graph.reports.resolve import Resolver, ResolveError
from iscm_graph.reports.search import SearchIndex

EGY = "https://w3id.org/iscm/id/state/egy"
EU = "https://w3id.org/iscm/id/body/eu"
COLOMBO = "https://w3id.org/iscm/id/mechanism/colombo-process"
JSON_ACCEPT = {"Accept": "application/json"}

# A store of our own: two states and a body, with Wikidata links, so the Q-id path is proven whatever
# the project's data holds.
_TINY = """
@prefix iscm: <https://w3id.org/iscm/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
iscm:State rdfs:label "state"@en, "دولة"@ar .
iscm:RegionalBody rdfs:label "regional body"@en .
<https://w3id.org/iscm/id/state/egy> a iscm:State ; skos:prefLabel "Egypt"@en, "مصر"@ar ;
    iscm:alpha2 "EG" ; iscm:alpha3 "EGY" ; iscm:numericCode "818" ;
    skos:exactMatch <http://www.wikidata.org/entity/Q79> .
<https://w3id.org/iscm/id/state/aus> a iscm:State ; skos:prefLabel "Australia"@en ;
    iscm:alpha2 "AU" ; iscm:alpha3 "AUS" ; iscm:numericCode "036" .
<https://w3id.org/iscm/id/body/au> a iscm:RegionalBody ; skos:prefLabel "African Union"@en ;
    skos:altLabel "AU"@en ; owl:sameAs <http://www.wikidata.org/entity/Q7159> .
"""


@pytest.fixture(scope="module")
def tiny() -> Resolver:
    store = ox.Store()
    store.load(_TINY.encode(), format=ox.RdfFormat.TURTLE)
    return Resolver(EmbeddedStore(store))


@pytest.fixture(scope="module")
def resolver(store) -> Resolver:
    return Resolver(store)


@pytest.mark.parametrize("text", ["Q79", "q79", "wd:Q79", "http://www.wikidata.org/entity/Q79",
                                  "https://www.wikidata.org/wiki/Q79"])
def test_wikidata_ids_on_a_store_of_our_own(tiny, text):
    assert tiny.resolve(text) == EGY


def test_owl_same_as_links_count_too(tiny):
    assert tiny.resolve("Q7159") == "https://w3id.org/iscm/id/body/au"
    with pytest.raises(ResolveError, match="nothing is named 'Q1'"):
        tiny.resolve("Q1")


def test_a_shared_code_is_ambiguous_until_a_kind_narrows_it(tiny):
    with pytest.raises(ResolveError) as err:
        tiny.resolve("au")
    assert {(c["iri"], c["kind"]) for c in err.value.candidates} == {
        ("https://w3id.org/iscm/id/state/aus", "state"), ("https://w3id.org/iscm/id/body/au", "regional body")}
    assert "names 2 resources" in str(err.value)
    assert tiny.resolve("au", "state") == "https://w3id.org/iscm/id/state/aus"
    assert tiny.resolve("au", "body") == "https://w3id.org/iscm/id/body/au"


def test_numeric_codes_with_or_without_leading_zeros(tiny):
    assert tiny.resolve("036") == tiny.resolve("36") == "https://w3id.org/iscm/id/state/aus"


@pytest.mark.parametrize("text", ["EGY", "egy", "EG", "eg", "818", "Egypt", "egypt", "  Egypt ", "مصر",
                                  "Arab Republic of Egypt", "state/egy", EGY])
def test_egypt_by_every_name(resolver, text):
    assert resolver.resolve(text) == EGY
    assert resolver.resolve(text, "state") == EGY


@pytest.mark.parametrize("text", ["Colombo Process", "colombo-process", "CP", "عملية كولومبو", "عمليّة كولومبو",
                                  COLOMBO])
def test_colombo_process_by_every_name(resolver, text):
    assert resolver.resolve(text, "mechanism") == COLOMBO


def test_wikidata_links_of_the_data(resolver):
    # the mapping file (data/) links states, mechanisms and bodies to Wikidata: Egypt is Q79, the EU Q458
    assert resolver.resolve("Q79") == EGY
    assert resolver.resolve("http://www.wikidata.org/entity/Q458") == EU


def test_an_actor_wins_over_a_document_of_the_same_name(resolver):
    # IOM's page titled "Almaty Process" is a source document; the name means the mechanism
    assert resolver.resolve("Almaty Process") == "https://w3id.org/iscm/id/mechanism/almaty-process"
    assert resolver.resolve("Australia") == "https://w3id.org/iscm/id/state/aus"


def test_unknown_names_get_the_nearest(resolver):
    with pytest.raises(ResolveError) as err:
        resolver.resolve("Egipt", "state")
    assert err.value.candidates[0] == {"iri": EGY, "label": "Egypt", "kind": "state"}
    assert "nearest: Egypt (state)" in str(err.value)


def test_the_wrong_kind_is_named(resolver):
    with pytest.raises(ResolveError) as err:
        resolver.resolve("Colombo Process", "state")
    assert "is not a state" in str(err.value) and err.value.candidates[0]["iri"] == COLOMBO


def test_full_iris_are_checked_to_exist(resolver):
    cls = "https://w3id.org/iscm/ontology#RegionalConsultativeProcess"
    assert resolver.resolve(cls) == cls                 # not an entity, but the dataset has it
    with pytest.raises(ResolveError, match="no resource <https://w3id.org/iscm/id/state/zzz>"):
        resolver.resolve("https://w3id.org/iscm/id/state/zzz")


def test_search_finds_codes(resolver, store):
    index = SearchIndex(store, resolver)
    hits = index.search("EGY")
    assert hits[0].iri == EGY and hits[0].rank == 0
    assert index.search("818")[0].iri == EGY
    assert EGY not in [h.iri for h in SearchIndex(store).search("818")]     # labels alone do not have it


def test_search_finds_wikidata_ids_on_a_store_of_our_own(tiny):
    index = SearchIndex(tiny.store, tiny)
    assert [h.iri for h in index.search("Q79")] == [EGY]


# --- the query API and the CLI -------------------------------------------------------------------------

def _rows(site, **params):
    resp = site.get("/api/state-memberships", params=params, headers=JSON_ACCEPT)
    assert resp.status_code == 200, resp.text
    return resp.json()["rows"]


def test_api_state_memberships_by_code_name_arabic_and_iri(site):
    by_iri = _rows(site, state=EGY)
    assert by_iri and all(r["state"] == EGY for r in by_iri)
    for value in ["EGY", "Egypt", "مصر", "egy"]:
        assert _rows(site, state=value) == by_iri, value


def test_api_ambiguous_name_lists_candidates(site):
    resp = site.get("/api/members-of", params={"organization": "au"}, headers=JSON_ACCEPT)
    assert resp.status_code == 400
    error = resp.json()["error"]
    assert error["status"] == 400 and "names 2 resources" in error["message"]
    assert {(c["iri"], c["kind"]) for c in error["candidates"]} == {
        ("https://w3id.org/iscm/id/body/au", "regional body"), ("https://w3id.org/iscm/id/state/aus", "state")}
    # the same answer as plain text names the candidates in the message
    text = site.get("/api/members-of", params={"organization": "au"}, headers={"Accept": "text/plain"}).text
    assert text.startswith("400 ") and "Australia (state)" in text


def test_api_unknown_name_gives_the_nearest(site):
    resp = site.get("/api/state-memberships", params={"state": "Egipt"}, headers=JSON_ACCEPT)
    assert resp.status_code == 400
    assert resp.json()["error"]["candidates"][0]["iri"] == EGY
    assert "parameter 'state'" in resp.json()["error"]["message"]


def test_api_kind_of_a_parameter_is_kept(site):
    resp = site.get("/api/state-memberships", params={"state": "Budapest Process"}, headers=JSON_ACCEPT)
    assert resp.status_code == 400 and "is not a state" in resp.json()["error"]["message"]


def test_openapi_says_iri_parameters_take_names(site):
    doc = site.get("/api/openapi.json").json()
    state = doc["paths"]["/api/state-memberships"]["get"]["parameters"][0]
    assert state["name"] == "state" and "format" not in state["schema"]
    assert "name (English or Arabic)" in state["description"] and "(a state)" in state["description"]
    error = doc["paths"]["/api/state-memberships"]["get"]["responses"]["400"]["content"]["application/json"]
    assert "candidates" in error["schema"]["properties"]["error"]["properties"]


def test_cli_query_takes_a_code(cli):
    by_code = cli("query", "state-memberships", "-p", "state=egy", "--format", "json")
    by_iri = cli("query", "state-memberships", "-p", f"state={EGY}", "--format", "json")
    assert by_code.returncode == 0, by_code.stderr
    rows = json.loads(by_code.stdout)["results"]["bindings"]
    assert rows and rows == json.loads(by_iri.stdout)["results"]["bindings"]
    assert {r["state"]["value"] for r in rows} == {EGY}


def test_cli_unknown_name_is_a_clear_error(cli):
    out = cli("query", "state-memberships", "-p", "state=Narnia")
    assert out.returncode == 2 and "parameter 'state'" in out.stderr and "Narnia" in out.stderr
    assert "Traceback" not in out.stderr
