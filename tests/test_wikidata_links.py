"""The Wikidata links: data/curated/wikidata.csv read and checked, turned into skos:exactMatch in a
graph of their own that names its sources, and the coverage line of the build summary."""
from __future__ import annotations

import pytest
from rdflib import URIRef
from rdflib.namespace import PROV, SKOS

from conftest import REPO, select
from iscm_graph.errors import DataError
from iscm_graph.pipeline.wikidata_links import WIKIDATA_GRAPH, read_mapping, wikidata_graph
from iscm_graph.reports.summary import render_wikidata_coverage, wikidata_coverage

HEADER = "entity,qid,label_in_source,source,check\n"


def write(tmp_path, rows: str):
    (tmp_path / "wikidata.csv").write_text("# a comment line\n" + HEADER + rows, encoding="utf-8")
    return tmp_path


def test_the_repository_mapping_is_valid_and_sourced():
    rows = read_mapping(REPO / "data" / "curated" / "wikidata.csv")
    assert len(rows) > 250
    assert all(r["source"].startswith("https://github.com/") for r in rows)
    # no mechanism: no source gives their items, and none may be guessed
    assert not [r for r in rows if "/mechanism/" in r["entity"]]


@pytest.mark.parametrize("row,message", [
    ("state:egy,79,Egypt,https://example.org/f,checked\n", "not a Wikidata item identifier"),
    ("egypt,Q79,Egypt,https://example.org/f,checked\n", "is not a CURIE"),
    ("state:egy,Q79,Egypt,,checked\n", "source must be"),
    ("state:egy,Q79,Egypt,https://example.org/f,\n", "check must say"),
    ("state:egy,Q79,Egypt,https://example.org/f,checked\nstate:egy,Q80,Egypt,https://example.org/f,checked\n",
     "already has a row"),
])
def test_bad_rows_are_refused_with_their_line(tmp_path, row, message):
    with pytest.raises(DataError, match=message) as exc:
        wikidata_graph(write(tmp_path, row))
    assert "wikidata.csv:" in str(exc.value)


def test_rows_become_exact_matches_with_provenance(tmp_path):
    g = wikidata_graph(write(tmp_path, "state:egy,Q79,Egypt,https://example.org/file#L3,checked\n"
                                       "state:vat,,Vatican City,https://example.org/file#L9,left unmapped\n"))
    egy = URIRef("https://w3id.org/iscm/id/state/egy")
    assert list(g.objects(egy, SKOS.exactMatch)) == [URIRef("http://www.wikidata.org/entity/Q79")]
    assert (URIRef("https://w3id.org/iscm/id/state/vat"), SKOS.exactMatch, None) not in g
    assert list(g.objects(WIKIDATA_GRAPH, PROV.wasDerivedFrom)) == [URIRef("https://example.org/file")]


def test_the_build_links_states_and_bodies(store):
    rows = select(store, """SELECT ?x ?item WHERE { GRAPH <https://w3id.org/iscm/graph/curated/wikidata> {
        ?x skos:exactMatch ?item } }""")
    items = {r["x"]: r["item"] for r in rows}
    assert items["https://w3id.org/iscm/id/state/egy"] == "http://www.wikidata.org/entity/Q79"
    assert items["https://w3id.org/iscm/id/body/las"] == "http://www.wikidata.org/entity/Q7172"
    assert items["https://w3id.org/iscm/id/commission/escwa"] == "http://www.wikidata.org/entity/Q1355485"
    coverage = {kind: (n, total) for kind, n, total in wikidata_coverage(store)}
    assert coverage["mechanisms"] == (0, 30)
    assert coverage["commissions"] == (5, 5)
    n, total = coverage["states"]
    assert total == 195 and n == 194          # the Holy See is left unmapped (see the file)
    assert render_wikidata_coverage(wikidata_coverage(store)).startswith("Wikidata: 194 of 195 states, ")
