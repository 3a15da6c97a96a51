"""The brochure's current priorities matched to the thematic-area vocabulary (issue 15): each match
is a reified statement of a priority the brochure states (graph source/001), in the curated graph
curated/priority-themes with its source, and names thematic areas of the scheme only."""
from __future__ import annotations

from rdflib import URIRef

from conftest import select

GRAPH = URIRef("https://w3id.org/iscm/graph/curated/priority-themes")
MATCHES = """SELECT ?graph ?mech ?wording ?theme ?in WHERE {
  GRAPH ?graph { ?st a rdf:Statement ; rdf:subject ?mech ; rdf:predicate iscm:currentPriority ;
                     rdf:object ?wording ; iscm:statedIn ?in ; dcterms:subject ?theme } }"""


def test_the_graph_names_its_source(store):
    rows = select(store, "SELECT ?graph ?src WHERE { GRAPH ?graph { ?graph a iscm:SourceGraph ; "
                         "prov:wasDerivedFrom ?src } }", graph=GRAPH)
    assert [r["src"] for r in rows] == ["https://w3id.org/iscm/id/source/001"]


def test_matches_exist_and_name_the_expected_areas(store):
    rows = select(store, MATCHES, graph=GRAPH)
    assert len(rows) >= 45
    found = {(r["mech"].rsplit("/", 1)[1], r["wording"], r["theme"].rsplit("/", 1)[1]) for r in rows}
    for expected in [
            ("colombo-process", "الاستفادة العظمى من منافع هجرة اليد العاملة المنظمة", "labour-migration"),
            ("prague-process", "الهجرة والتنمية", "migration-and-development"),
            ("almaty-process", "الهجرة وتغير المناخ", "migration-and-climate-change"),
            ("bali-process", "التعاون الإقليمي في مكافحة جرائم التهريب والاتجار بالبشر العابرة للحدود الوطنية",
             "counter-trafficking"),
            ("igc", "اللجوء واللاجئين", "asylum")]:
        assert expected in found, expected
    # a wording that names a region, not a theme, is not matched
    assert not any(m == "budapest-process" for m, _, _ in found)


def test_every_match_is_a_stated_priority_and_a_thematic_area(store):
    rows = select(store, MATCHES, graph=GRAPH)
    for r in rows:
        assert r["in"] == "https://w3id.org/iscm/graph/source/001"
    unstated = select(store, MATCHES.replace("} }", "} FILTER NOT EXISTS { GRAPH ?in { ?mech iscm:currentPriority ?wording } } }"), graph=GRAPH)
    assert unstated == []
    not_areas = select(store, MATCHES.replace("} }", "} FILTER NOT EXISTS { ?theme a iscm:ThematicArea ; "
                       "skos:inScheme <https://w3id.org/iscm/id/scheme/thematic-areas> } }"), graph=GRAPH)
    assert not_areas == []


def test_the_source_graph_is_not_changed(store):
    rows = select(store, "SELECT ?s WHERE { GRAPH <https://w3id.org/iscm/graph/source/001> "
                         "{ ?s dcterms:subject ?t . ?t a iscm:ThematicArea } }")
    assert rows == []
