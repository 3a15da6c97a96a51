"""Competency questions: each catalogue query answers what the source documents say."""
from __future__ import annotations

import json

import pytest

from conftest import REPO, select
from iscm_graph.query.catalogue import catalogue

ID = "https://w3id.org/iscm/id/"
ISCM = "https://w3id.org/iscm/ontology#"
G = "https://w3id.org/iscm/graph/"
QUERIES = catalogue(REPO / "queries")


def run(store, name, **params):
    q = QUERIES[name]
    return select(store, q.text, **q.bind(params))


def test_catalogue_has_at_least_15_documented_queries():
    assert len(QUERIES) >= 15
    assert all(q.summary for q in QUERIES.values())


def test_every_catalogue_query_has_a_test():
    from pathlib import Path
    text = "".join(p.read_text(encoding="utf-8") for p in Path(__file__).parent.glob("test_*.py"))
    missing = [name for name in QUERIES if f'"{name}"' not in text]
    assert not missing, f"queries without a test: {missing}"


def test_mechanisms_by_kind(store):
    rows = {r["kind"].rsplit("#")[1]: int(r["mechanisms"]) for r in run(store, "mechanisms-by-kind")}
    assert rows == {"RegionalConsultativeProcess": 15, "InterRegionalForum": 14, "GlobalProcess": 1}


def test_thirty_mechanisms(store):
    rows = select(store, "SELECT (COUNT(DISTINCT ?m) AS ?n) { ?m a iscm:ConsultationMechanism }")
    assert rows[0]["n"] == "30"


def test_mechanisms_by_region_includes_composite_scopes(store):
    africa = {r["mechanism"] for r in run(store, "mechanisms-by-region", region=ID + "region/africa")}
    # MIDSA's scope is Africa; the Rabat Process's is Africa-Europe; the Budapest Process's Eurasia.
    assert ID + "mechanism/midsa" in africa
    assert ID + "mechanism/rabat-process" in africa
    assert ID + "mechanism/budapest-process" not in africa


def test_mechanisms_by_theme_labour_migration(store):
    found = {r["mechanism"].rsplit("/", 1)[1] for r in run(store, "mechanisms-by-theme")}
    # The fact sheet: "the Abu Dhabi Dialogue and the Colombo Process focused on labour migration".
    assert {"abu-dhabi-dialogue", "colombo-process", "asean-forum-on-migrant-labour"} <= found
    assert "budapest-process" not in found


def test_mechanisms_by_decade(store):
    rows = {int(r["decade"]): int(r["mechanisms"]) for r in run(store, "mechanisms-by-decade")}
    # From 000's table: IGC 1985; Budapest 1993, PIDC 1996, RCM 1996; 19 in the 2000s; 7 since 2010.
    assert rows == {1980: 1, 1990: 3, 2000: 19, 2010: 7}


def test_mechanisms_by_secretariat_icmpd(store):
    rows = run(store, "mechanisms-by-secretariat", organization=ID + "organization/icmpd")
    assert {r["mechanism"].rsplit("/", 1)[1] for r in rows} == {"budapest-process", "prague-process", "mtm"}
    assert {r["graph"] for r in rows} == {G + "source/001"}


def test_who_runs_the_budapest_secretariat(store):
    rows = run(store, "secretariat-of-mechanism", mechanism=ID + "mechanism/budapest-process")
    assert [(r["type"], r["provider"]) for r in rows] == [
        (ID + "concept/formal-secretariat", ID + "organization/icmpd")]


def test_secretariat_links_are_derived_from_the_arrangements(store):
    """iscm:hasSecretariat / iscm:secretariatOf: in the inferred graph only, for the providers of the
    arrangements except administrative support; the catalogue query finds the same pairs with their source."""
    rows = select(store, "SELECT ?g ?m ?o { GRAPH ?g { ?m iscm:hasSecretariat ?o } }")
    assert {r["g"] for r in rows} == {G + "inferred"}
    pairs = {(r["m"], r["o"]) for r in rows}
    assert {(m.rsplit("/", 1)[1], o.rsplit("/", 1)[1]) for m, o in pairs} == {
        ("budapest-process", "icmpd"), ("prague-process", "icmpd"), ("mtm", "icmpd"), ("igad-rcp", "igad"),
        ("colombo-process", "iom"), ("almaty-process", "iom"), ("almaty-process", "unhcr"),
        ("bali-process", "bali-process-rso"), ("igc", "igc-secretariat")}
    assert {(r["m"], r["o"]) for r in select(store, "SELECT ?m ?o { ?o iscm:secretariatOf ?m }")} == pairs
    for org in {o for _, o in pairs}:
        found = {(r["mechanism"], r["organization"]) for r in run(store, "mechanisms-by-secretariat", organization=org)}
        assert found == {(m, o) for m, o in pairs if o == org}
    assert not select(store, "SELECT ?m { ?m a iscm:ConsultationMechanism ; iscm:supportedBy ?o }")


def test_secretariat_arrangements_under_discussion(store):
    rows = run(store, "secretariat-of-mechanism", mechanism=ID + "mechanism/midcas")
    assert {r["type"] for r in rows} == {ID + "concept/under-discussion"}


def test_mechanism_profile_carries_graphs(store):
    rows = run(store, "mechanism-profile", mechanism=ID + "mechanism/budapest-process")
    counts = {(r["value"], r["graph"]) for r in rows if r["property"] == ISCM + "declaredMemberCount"}
    assert counts == {("52", G + "source/000"), ("49", G + "source/001")}
    assert any(r["property"] == ISCM + "foundingYear" and r["value"] == "1993" for r in rows)


def test_member_count_by_source_flags_six_disagreements(store):
    rows = run(store, "member-count-by-source")
    differ = {r["mechanism"].rsplit("/", 1)[1]: (r["in000"], r["in001"]) for r in rows if r["differ"] == "true"}
    assert differ == {"budapest-process": ("52", "49"), "mtm": ("46", "45"),
                      "abu-dhabi-dialogue": ("18", "20"), "colombo-process": ("12", "11"),
                      "bali-process": ("45", "44"), "igc": ("16", "17")}


def test_source_disagreements_include_counts_and_kinds(store):
    rows = run(store, "source-disagreements")
    pairs = {(r["subject"].rsplit("/", 1)[-1].rsplit("#", 1)[-1], r["property"].rsplit("#", 1)[1]) for r in rows}
    assert ("budapest-process", "declaredMemberCount") in pairs
    # what a source says of a kind is said of the kind's concept (iscm:ActorKind)
    assert ("regional-consultative-process", "declaredNumberOfMechanisms") in pairs   # 15 (000) vs 17 (003)
    assert ("inter-regional-forum", "declaredNumberOfMechanisms") in pairs            # 16 (000) vs 12 (003)
    assert ("mtm", "declaredKind") in pairs


def test_kind_classifications_of_the_brochure(store):
    rows = run(store, "kind-classifications")
    # 001 lists these five among RCPs; 000 (today's classification) calls them inter-regional forums.
    assert {r["mechanism"].rsplit("/", 1)[1] for r in rows if r["graph"] == G + "source/001"} == {
        "five-plus-five-dialogue", "mtm", "abu-dhabi-dialogue", "bali-process", "igc"}
    assert all(r["today"] == ISCM + "InterRegionalForum" for r in rows if r["graph"] == G + "source/001")


def test_gcm_paragraphs_that_mention_rcps(store):
    rows = run(store, "paragraphs-mentioning")
    found = {(r["symbol"], int(r["number"])) for r in rows}
    # GCM 52 recognises state-led initiatives such as RCPs; A/RES/73/326 para 10 invites them.
    assert ("A/RES/73/195", 52) in found
    assert ("A/RES/73/326", 10) in found
    assert all(r["text"] for r in rows if r["symbol"] == "A/RES/73/195")


def test_paragraphs_the_documents_cite(store):
    rows = select(store, """SELECT ?symbol ?n { ?p a iscm:UNDocumentParagraph ; iscm:paragraphNumber ?n ;
                            iscm:partOfDocument/iscm:documentSymbol ?symbol }""")
    found = {(r["symbol"], int(r["n"])) for r in rows}
    expected = {("A/RES/73/195", n) for n in (47, 49, 50, 51, 52)} | {("A/RES/71/1", 54), ("A/RES/71/280", 22)} \
        | {("A/RES/73/326", n) for n in (7, 9, 10, 11, 12, 13)}
    assert expected <= found


def test_23_gcm_objectives(store):
    rows = run(store, "gcm-objectives")
    assert [int(r["number"]) for r in rows] == list(range(1, 24))
    assert all(int(r["paragraphNumber"]) == int(r["number"]) + 16 for r in rows)


def test_seven_global_meetings(store):
    rows = run(store, "global-meetings")
    assert {int(r["number"]) for r in rows} == set(range(1, 8))
    seventh = [r for r in rows if r["number"] == "7" and r["graph"] == G + "source/004"]
    assert seventh and seventh[0]["start"] == "2017-10-10" and seventh[0]["place"] == "Geneva"
    assert seventh[0]["mechanisms"] == "22"
    second = {r["host"] for r in rows if r["number"] == "2"}
    assert "Thailand" in second


def test_five_un_regional_commissions(store):
    rows = run(store, "un-regional-commissions")
    assert {r["commission"].rsplit("/", 1)[1] for r in rows} == {"eca", "ece", "eclac", "escap", "escwa"}
    assert all(r["en"] and r["ar"] for r in rows)


def test_linked_regional_bodies(store):
    links = {(r["mechanism"].rsplit("/", 1)[1], r["body"].rsplit("/", 1)[1]): r["graphs"]
             for r in run(store, "linked-regional-bodies")}
    for pair in [("midcom", "comesa"), ("midwa", "ecowas"), ("arab-rcp", "las"), ("igad-rcp", "igad")]:
        assert pair in links, pair
    assert G + "source/003" in links[("midwa", "ecowas")]     # footnote of 003
    # the brochure's matrix names ECOWAS only as the target of IOM's support, not as MIDWA's body:
    # the link is 003's alone (moved out of source/001 when the source graphs were audited)
    assert G + "source/001" not in links[("midwa", "ecowas")]
    assert G + "source/001" in links[("midcom", "comesa")]    # the brochure's name for MIDCOM is COMESA's


def test_thematic_areas_with_fact_sheet_counts(store):
    rows = {r["en"]: r for r in run(store, "thematic-areas")}
    assert rows["Labour migration"]["declared"] == "19"
    assert rows["Migration and development"]["declared"] == "14"
    assert int(rows["Labour migration"]["linked"]) >= 10


def test_kind_statistics_both_sources(store):
    rows = {(r["kind"].rsplit("#", 1)[1], r["graph"].rsplit("/", 1)[1]): r for r in run(store, "kind-statistics")}
    assert rows[("RegionalConsultativeProcess", "000")]["mechanisms"] == "15"
    assert rows[("RegionalConsultativeProcess", "003")]["mechanisms"] == "17"
    assert rows[("InterRegionalForum", "000")]["mechanisms"] == "16"
    assert rows[("InterRegionalForum", "003")]["mechanisms"] == "12"
    assert rows[("RegionalConsultativeProcess", "000")]["states"] == "166"
    assert rows[("GlobalProcess", "000")]["states"] == "195"


def test_state_by_code(store):
    rows = run(store, "state-by-code", code="EGY")
    assert rows == [{"code": "EGY", "state": ID + "state/egy", "en": "Egypt", "ar": "مصر", "alpha2": "EG",
                     "numeric": "818", "unStatus": "UN member state"}]


def test_at_least_193_states_with_codes_and_eu_match(store):
    rows = select(store, """SELECT (COUNT(DISTINCT ?s) AS ?n) { ?s a iscm:State ;
        iscm:unStatus <https://w3id.org/iscm/id/concept/un-member-state> ;
        skos:exactMatch ?eu ; skos:prefLabel ?ar FILTER (LANG(?ar) = "ar") }""")
    assert int(rows[0]["n"]) == 193
    total = select(store, "SELECT (COUNT(DISTINCT ?s) AS ?n) { ?s a iscm:Country }")
    assert int(total[0]["n"]) >= 249


def test_states_and_territories(store):
    """Every ISO 3166-1 entry is a country: a state (UN member or observer) or else a territory."""
    rows = select(store, """SELECT ?kind (COUNT(DISTINCT ?s) AS ?n) {
        ?s a iscm:Country . VALUES ?kind { iscm:State iscm:Territory } ?s a ?kind } GROUP BY ?kind""")
    counts = {r["kind"].rsplit("#", 1)[1]: int(r["n"]) for r in rows}
    assert counts["State"] == 195 and counts["Territory"] >= 54
    both = select(store, "SELECT ?s { ?s a iscm:State , iscm:Territory }")
    assert not both
    assert run(store, "state-by-code", code="PRI")[0]["unStatus"] == "territory (not a UN member or observer)"
    # the deprecated flag, for older queries: in the inferred graph only
    flagged = select(store, """SELECT ?g (COUNT(?s) AS ?n) { GRAPH ?g { ?s iscm:isTerritory true } } GROUP BY ?g""")
    assert [(r["g"], int(r["n"])) for r in flagged] == [(G + "inferred", counts["Territory"])]


def test_gcm_process_timeline(store):
    rows = run(store, "gcm-process-timeline")
    adoption = [r for r in rows if r["step"] == ID + "event/gcm-adoption-conference"]
    assert adoption and adoption[0]["start"] == "2018-12-10" and adoption[0]["end"] == "2018-12-11"
    rounds = [r for r in rows if "negotiation-round" in r["step"]]
    assert len(rounds) == 6


def test_sources_lists_every_source_graph(store):
    graphs = {r["graph"]: r for r in run(store, "sources")}
    for name in ("000", "001", "003", "004"):
        assert graphs[G + "source/" + name]["derivedFrom"] == ID + "source/" + name
        assert int(graphs[G + "source/" + name]["triples"]) > 100
    assert G + "inferred" in graphs


def test_query_command_json_answers_from_union(cli):
    out = cli("query", "--format", "json",
              "SELECT ?g ?n WHERE { GRAPH ?g { mech:budapest-process iscm:declaredMemberCount ?n } } ORDER BY ?g")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["head"]["vars"] == ["g", "n"]
    assert [(b["g"]["value"], b["n"]["value"]) for b in doc["results"]["bindings"]] == [
        (G + "source/000", "52"), (G + "source/001", "49")]
    union = json.loads(cli("query", "--format", "json",
                           "SELECT (COUNT(*) AS ?n) { mech:budapest-process a iscm:ConsultationMechanism }").stdout)
    assert union["results"]["bindings"][0]["n"]["value"] == "1"     # a set, not one row per graph


@pytest.mark.parametrize("fmt", ["csv", "tsv", "table"])
def test_query_command_other_formats(cli, fmt):
    out = cli("query", "--format", fmt, "mechanisms-by-kind")
    assert out.returncode == 0, out.stderr
    assert "RegionalConsultativeProcess" in out.stdout and "15" in out.stdout


def test_query_command_binds_parameters(cli):
    out = cli("query", "--format", "csv", "state-by-code", "--param", "code=MLI")
    assert out.returncode == 0, out.stderr
    assert "Mali" in out.stdout
    bad = cli("query", "state-by-code", "--param", "nope=1")
    assert bad.returncode == 2 and "no parameter" in bad.stderr


def test_query_syntax_error_is_clear(cli):
    out = cli("query", "SELECT ?x WHERE { ?x ")
    assert out.returncode == 2
    assert out.stderr.startswith("Error: SPARQL syntax error") and "Traceback" not in out.stderr
