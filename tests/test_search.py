"""Search over English and Arabic labels, with the Arabic normalisations users expect."""
from __future__ import annotations

import pytest

from iscm_graph.reports.search import SearchIndex, normalize


@pytest.fixture(scope="module")
def index(store):
    return SearchIndex(store)


def first(index, q):
    hits = index.search(q)
    assert hits, q
    return hits[0]


def slug(hit):
    return hit.iri.rsplit("/", 1)[1]


@pytest.mark.parametrize("query", ["colombo", "COLOMBO", "Colombo Process", "كولومبو", "عملية كولومبو"])
def test_colombo_in_both_languages(index, query):
    assert slug(first(index, query)) == "colombo-process"


def test_tashkeel_is_ignored(index):
    # "عَمَلِيَّةُ كُولُومْبُو" with full vocalisation
    assert slug(first(index, "عَمَلِيَّةُ كُولُومْبُو")) == "colombo-process"


def test_tatweel_is_ignored(index):
    assert slug(first(index, "كــولــومــبــو")) == "colombo-process"


@pytest.mark.parametrize("query", ["أفغانستان", "افغانستان", "إفغانستان", "آفغانستان"])
def test_alef_and_hamza_forms(index, query):
    assert slug(first(index, query)) == "afg"


def test_ta_marbuta_and_ha(index):
    # "عملية بودابست" written with ha for the final ta marbuta
    assert slug(first(index, "عمليه بودابست")) == "budapest-process"


def test_alef_maqsura_and_ya(index):
    # "حوار أبو ظبي" written with alef maqsura
    assert slug(first(index, "حوار أبو ظبى")) == "abu-dhabi-dialogue"


def test_normalize():
    assert normalize("أَإِآ ـةى") == normalize("ااا هي")
    assert normalize("  Colombo\tPROCESS ") == "colombo process"


def test_ranking_exact_then_prefix_then_contains(index):
    hits = index.search("midsa")
    assert hits[0].rank == 0 and slug(hits[0]) == "midsa"
    prefix = index.search("budap")
    assert prefix[0].rank == 1 and slug(prefix[0]) == "budapest-process"
    contains = [h for h in index.search("dapest") if h.rank == 3]
    assert contains and slug(contains[0]) == "budapest-process"


def test_results_show_their_kind(index):
    hit = first(index, "Egypt")
    assert hit.kind == "State" and hit.kind_label == "state"
    assert first(index, "Puerto Rico").kind == "Territory"
    assert first(index, "ECOWAS").kind == "RegionalBody"


def test_search_over_http(site):
    resp = site.get("/search", params={"q": "كولومبو", "format": "json"}, timeout=30)
    data = resp.json()
    assert data["results"][0]["iri"] == "https://w3id.org/iscm/id/mechanism/colombo-process"
    assert data["results"][0]["kindLabel"]
    html = site.get("/search", params={"q": "colombo"}, timeout=30)
    assert "/doc/mechanism/colombo-process.html" in html.text and 'rel="alternate"' in html.headers["Link"]
    assert site.get("/search", params={"q": "x" * 500}, timeout=30).status_code == 400
