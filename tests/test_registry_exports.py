"""Exports for registries that do not take RDF: the memberships as QuickStatements V1 commands for
Wikidata, and the states, mechanisms and memberships as CSV on the Web. The QuickStatements lines are
parsed against the syntax and checked against the graph; the CSVW tables are read back with the `csvw`
package and turned back into triples (CSV2RDF) that must equal the graph's."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from csvw import TableGroup
from rdflib import Graph, Literal, URIRef
from rdflib import namespace as ns

from conftest import select
from iscm_graph.publish.quickstatements import membership_commands

WD = "http://www.wikidata.org/entity/"
MEMBER = "https://w3id.org/iscm/id/concept/role-member"
# the V1 grammar this export uses: item|P463|item, then qualifier and reference pairs
ITEM = r"Q[1-9]\d*"
TIME = r"\+\d{4}-(?:\d\d-\d\d)T00:00:00Z/(?:9|11)"
PAIR = re.compile(rf"^(P580|P582|S813)$|^(S854)$")
LINE = re.compile(rf"^(?P<s>{ITEM})\|P463\|(?P<o>{ITEM})(?P<rest>(?:\|[PS]\d+\|[^|\t]+)*)$")


def parse_line(line: str) -> dict:
    """A command's fields, checked against the QuickStatements V1 value syntax."""
    m = LINE.match(line)
    assert m, f"not a P463 command: {line!r}"
    fields = m["rest"].split("|")[1:]
    pairs = dict(zip(fields[::2], fields[1::2]))
    assert len(pairs) * 2 == len(fields), f"a property repeats or lacks its value: {line!r}"
    for prop, value in pairs.items():
        assert PAIR.match(prop), f"unexpected property {prop} in {line!r}"
        if prop == "S854":
            assert re.fullmatch(r'"https?://[^"]+"', value), line
        elif prop == "P582" and value == "somevalue":
            pass
        else:
            assert re.fullmatch(TIME, value), f"{prop} {value!r} is not a time value"
            if value.endswith("/9"):
                assert value[6:11] == "00-00", "a year has month and day 00"
            else:
                dt.date.fromisoformat(value[1:11])
    if "S813" in pairs:
        assert "S854" in pairs, "retrieved belongs to a reference URL"
    return {"item": m["s"], "org": m["o"], **pairs}


@pytest.fixture(scope="module")
def quickstatements(cli, tmp_path_factory):
    path = tmp_path_factory.mktemp("qs") / "memberships.qs"
    out = cli("export", "--format", "quickstatements", "-o", path)
    assert out.returncode == 0, out.stderr
    return path.read_text(encoding="utf-8").splitlines(), out.stderr


def wikidata_items(store) -> dict[str, str]:
    rows = select(store, """SELECT ?x ?i WHERE { ?x skos:exactMatch ?i
                              FILTER (STRSTARTS(STR(?i), "http://www.wikidata.org/entity/")) }""")
    return {r["x"]: r["i"].removeprefix(WD) for r in rows}


def test_every_line_is_a_p463_command(quickstatements):
    lines, _ = quickstatements
    assert lines, "no command written"
    parsed = [parse_line(line) for line in lines]
    assert "\t" not in "".join(lines)      # '|' is read as the field separator only when there is no tab
    assert all("S854" in p for p in parsed), "every statement has a reference URL"


def test_egypt_in_the_league_of_arab_states(quickstatements, store):
    lines, _ = quickstatements
    rows = select(store, """SELECT ?start WHERE { ?m org:member state:egy ; org:organization body:las ;
                              org:role <https://w3id.org/iscm/id/concept/role-member> ;
                              org:memberDuring/time:hasBeginning/time:inXSDDate ?start }""")
    assert len(rows) == 1
    items = wikidata_items(store)
    assert items["https://w3id.org/iscm/id/state/egy"] == "Q79"
    assert items["https://w3id.org/iscm/id/body/las"] == "Q7172"
    egypt = [parse_line(l) for l in lines if l.startswith("Q79|P463|Q7172|")]
    assert len(egypt) == 1
    assert egypt[0]["P580"] == f"+{rows[0]['start']}T00:00:00Z/11"
    assert "P582" not in egypt[0]            # a current member
    assert egypt[0]["S854"].startswith('"https://')


def test_written_and_skipped_add_up_to_the_memberships(quickstatements, store):
    lines, stderr = quickstatements
    n = int(select(store, """SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE {
        ?m a org:Membership ; org:role <https://w3id.org/iscm/id/concept/role-member> }""")[0]["n"])
    summary = re.search(r"(\d+) memberships written, (\d+) skipped", stderr)
    assert summary, stderr
    written, skipped = int(summary[1]), int(summary[2])
    assert written == len(lines) and written + skipped == n
    assert "because the organisation has no Wikidata item" in stderr      # the mechanisms have none


def test_each_command_is_a_membership_of_the_graph(quickstatements, store):
    lines, _ = quickstatements
    by_item = {}
    for iri, qid in wikidata_items(store).items():
        by_item.setdefault(qid, set()).add(iri)
    pairs = {(r["member"], r["org"]) for r in select(store, f"""SELECT ?member ?org WHERE {{
        ?m org:role <{MEMBER}> ; org:member ?member ; org:organization ?org }}""")}
    for line in lines:
        p = parse_line(line)
        assert any((a, b) in pairs for a in by_item[p["item"]] for b in by_item[p["org"]]), line


def test_commands_from_a_small_graph():
    """The mapping itself on a graph of two memberships: year precision, an unknown end, skipping."""
    from iscm_graph.query.store import EmbeddedStore
    import pyoxigraph as ox

    data = """
    @prefix org: <http://www.w3.org/ns/org#> . @prefix time: <http://www.w3.org/2006/time#> .
    @prefix skos: <http://www.w3.org/2004/02/skos/core#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
    @prefix dcterms: <http://purl.org/dc/terms/> . @prefix schema: <https://schema.org/> .
    @prefix iscm: <https://w3id.org/iscm/ontology#> . @prefix t: <https://w3id.org/iscm/id/test/> .
    t:a skos:exactMatch <http://www.wikidata.org/entity/Q1> . t:org skos:exactMatch <http://www.wikidata.org/entity/Q2> .
    t:m1 a org:Membership ; org:member t:a ; org:organization t:org ; org:role <https://w3id.org/iscm/id/concept/role-member> ;
        org:memberDuring [ time:hasBeginning [ time:inXSDDate "1990-01-01"^^xsd:date ; time:inXSDgYear "1990"^^xsd:gYear ] ;
                           time:hasEnd [ skos:note "ended; the date is not known"@en ] ] ;
        dcterms:source [ schema:url <https://example.org/list> ; iscm:readOn "2026-12-01"^^xsd:date ] .
    t:m2 a org:Membership ; org:member t:b ; org:organization t:org ; org:role <https://w3id.org/iscm/id/concept/role-member> .
    t:m3 a org:Membership ; org:member t:a ; org:organization t:org ; org:role <https://w3id.org/iscm/id/concept/role-observer> .
    """
    raw = ox.Store()
    raw.load(data.encode(), format=ox.RdfFormat.TURTLE)
    result = membership_commands(EmbeddedStore(raw))
    assert result.commands == ['Q1|P463|Q2|P580|+1990-00-00T00:00:00Z/9|P582|somevalue'
                               '|S854|"https://example.org/list"|S813|+2026-12-01T00:00:00Z/11']
    assert dict(result.skipped) == {"the member has no Wikidata item": 1}
    parse_line(result.commands[0])


# ------------------------------------------------------------------ CSV on the Web

@pytest.fixture(scope="module")
def csvw_folder(cli, tmp_path_factory):
    folder = tmp_path_factory.mktemp("csvw")
    out = cli("export", "--format", "csvw", "-o", folder)
    assert out.returncode == 0, out.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["csv-metadata.json", "mechanisms.csv",
                                                         "memberships.csv", "states.csv"]
    return folder


@pytest.fixture(scope="module")
def table_group(csvw_folder):
    return TableGroup.from_file(csvw_folder / "csv-metadata.json")


def test_csvw_needs_a_folder(cli):
    out = cli("export", "--format", "csvw")
    assert out.returncode == 2 and "-o DIR" in out.stderr


def test_csvw_tables_read_back_with_their_keys(table_group):
    assert [str(t.url) for t in table_group.tables] == ["states.csv", "mechanisms.csv", "memberships.csv"]
    for table in table_group.tables:
        rows = list(table.iterdicts(strict=True))      # every cell parses with its column's datatype
        assert rows and table.check_primary_key()
    assert table_group.check_referential_integrity(strict=True)


def test_csvw_rows_are_the_graphs(table_group, store):
    states, mechanisms, memberships = (list(t.iterdicts()) for t in table_group.tables)
    egypt = next(r for r in states if r["alpha3"] == "EGY")
    assert (egypt["name_en"], egypt["wikidata"], egypt["kind"]) == ("Egypt", "Q79", "State")
    n = lambda q: int(select(store, q)[0]["n"])
    assert len(states) == n("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a iscm:Country }")
    assert len(mechanisms) == n("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a iscm:ConsultationMechanism }")
    assert len(memberships) == n("""SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m a org:Membership ;
        org:member [ a iscm:Country ] ; org:organization [ a iscm:ConsultationMechanism ] }""")
    midsa = [r for r in memberships if r["organization"].endswith("/mechanism/midsa") and r["derived"]]
    assert midsa and all(r["derived_from"] for r in midsa)      # derived by the rule MIDSA = SADC
    assert any(isinstance(r["start"], dt.date) for r in memberships)


def csv2rdf(table_group) -> Graph:
    """CSV2RDF (minimal mode) over csvw's parsed rows: the subject is the row's aboutUrl (or the
    column's), the predicate its propertyUrl, the object its valueUrl or the typed value."""
    out = Graph()
    datatypes = {"date": ns.XSD.date, "gYear": ns.XSD.gYear, "boolean": ns.XSD.boolean}
    for table in table_group.tables:
        schema = table.tableSchema
        for rownum, row in enumerate(table.iterdicts(), start=1):
            subject = URIRef(table.expand(schema.aboutUrl, row, _row=rownum))
            for col in schema.columns:
                value = row.get(col.name)
                if col.suppressOutput or (not col.virtual and value in (None, "", [])):
                    continue
                s = URIRef(table.expand(col.aboutUrl, row, _row=rownum)) if col.aboutUrl else subject
                p = URIRef(str(col.propertyUrl))
                for v in (value if isinstance(value, list) else [value]):
                    if col.valueUrl:
                        cell = {**row, col.name: v}
                        o = URIRef(table.expand(col.valueUrl, cell, _row=rownum))
                    elif (not col.datatype or col.datatype.base == "string") and col.lang not in (None, "und"):
                        o = Literal(v, lang=col.lang)
                    else:
                        base = col.datatype.base if col.datatype else "string"
                        if base == "gYear":
                            text = str(v.year) if isinstance(v, (dt.date, dt.datetime)) else str(v)
                        elif isinstance(v, (dt.date, dt.datetime)):
                            text = v.isoformat()[:10]
                        else:
                            text = "true" if v is True else "false" if v is False else str(v)
                        o = Literal(text, datatype=datatypes.get(base))
                    out.add((s, p, o))
    return out


def graph_of_build(built) -> Graph:
    g = Graph()
    with (built.path / "dataset.nq").open("rb") as fh:
        import pyoxigraph as ox
        for q in ox.parse(fh, format=ox.RdfFormat.N_QUADS):
            if isinstance(q.subject, ox.NamedNode) and not isinstance(q.object, ox.BlankNode):
                o = URIRef(q.object.value) if isinstance(q.object, ox.NamedNode) else \
                    Literal(q.object.value, lang=q.object.language,
                            datatype=None if q.object.language or q.object.datatype.value == str(ns.XSD.string)
                            else URIRef(q.object.datatype.value))
                g.add((URIRef(q.subject.value), URIRef(q.predicate.value), o))
    return g


def test_csvw_converts_back_to_the_graphs_triples(table_group, built):
    from_csv = csv2rdf(table_group)
    graph = graph_of_build(built)
    during = URIRef("http://www.w3.org/ns/org#memberDuring")
    # every triple CSV2RDF gives about a row's own subject is in the graph (but the period, which the
    # graph holds as a blank node and the table names <membership>#during: test_csvw_periods_...)
    rows = {s for s in from_csv.subjects() if "#" not in str(s)}
    extra = {t for t in from_csv if t[0] in rows and t not in graph and t[1] != during}
    assert not extra, sorted(extra)[:5]
    # ... and every direct statement of a membership in the table comes back
    memberships = {s for s in from_csv.subjects(ns.RDF.type, URIRef("http://www.w3.org/ns/org#Membership"))}
    assert memberships
    lost = {t for m in memberships for t in graph.triples((m, None, None))
            if t not in from_csv and t[1] != during}
    assert not lost, sorted(lost)[:5]


def test_csvw_periods_match_the_graphs(table_group, store):
    from_csv = csv2rdf(table_group)
    TIME = "http://www.w3.org/2006/time#"
    graph_dates = {(r["m"], r["which"], r["d"]) for r in select(store, """
        SELECT ?m ?which ?d WHERE { ?m a org:Membership ; org:member [ a iscm:Country ] ;
            org:organization [ a iscm:ConsultationMechanism ] .
          { ?m org:memberDuring/time:hasBeginning/time:inXSDDate ?d BIND ("start" AS ?which) }
          UNION { ?m org:memberDuring/time:hasEnd/time:inXSDDate ?d BIND ("end" AS ?which) } }""")}
    csv_dates = {(str(s).rsplit("#", 1)[0], str(s).rsplit("#", 1)[1], str(o))
                 for s, o in from_csv.subject_objects(URIRef(TIME + "inXSDDate"))}
    assert graph_dates and csv_dates == graph_dates
    assert (URIRef("https://w3id.org/iscm/id/membership/las/egy-member-1945"), None, None) not in from_csv


# ------------------------------------------------------------------ served with the build

def test_the_build_serves_both_exports(site, tmp_path, quickstatements):
    import io
    import zipfile

    resp = site.get("/download/memberships-quickstatements.txt", timeout=60)
    assert resp.status_code == 200 and resp.headers["Content-Type"].startswith("text/plain")
    assert resp.text.splitlines() == quickstatements[0]          # the same commands as `export`
    resp = site.get("/download/tables-csvw.zip", timeout=60)
    assert resp.status_code == 200 and resp.headers["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(resp.content)) as zf:
        assert sorted(zf.namelist()) == ["csv-metadata.json", "mechanisms.csv", "memberships.csv", "states.csv"]
        zf.extractall(tmp_path)
    group = TableGroup.from_file(tmp_path / "csv-metadata.json")
    assert group.check_referential_integrity(strict=True)


def test_the_dataset_description_lists_both_exports(site):
    from rdflib import Graph
    resp = site.get("/.well-known/void", headers={"Accept": "text/turtle"}, timeout=30)
    g = Graph().parse(data=resp.text, format="turtle")
    rows = list(g.query("""PREFIX dcat: <http://www.w3.org/ns/dcat#> PREFIX spdx: <http://spdx.org/rdf/terms#>
        SELECT ?url ?type ?size WHERE { ?ds dcat:distribution ?d . ?d dcat:downloadURL ?url ;
          dcat:mediaType ?type ; dcat:byteSize ?size ; spdx:checksum [] }"""))
    urls = {str(r.url).rsplit("/", 1)[-1]: str(r.type) for r in rows}
    assert urls["memberships-quickstatements.txt"].endswith("/text/plain")
    assert urls["tables-csvw.zip"].endswith("/application/zip")
