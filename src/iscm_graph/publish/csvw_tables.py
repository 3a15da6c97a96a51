"""States, mechanisms and their memberships as CSV tables described by W3C CSV on the Web metadata
(`csv-metadata.json`): spreadsheet users read the CSV, CSVW processors read the metadata, and CSV2RDF
gives back the graph's triples about those rows.

What CSV2RDF gives back: the states' codes, names, kinds, UN status and Wikidata items; the
mechanisms' names, kinds, founding years and Wikidata items; every direct statement of a membership
(type, member, organisation, role, source, note, derivation) with the membership's own IRI. The
graph's membership periods are blank nodes (an interval with a beginning and an end instant); CSV2RDF
cannot make those, so the table names them `<membership>#during`, `#start` and `#end`, carrying the
same time:inXSDDate / time:inXSDgYear values. Only memberships of a state or territory in a
consultation mechanism are listed (the foreign keys point at the other two tables); memberships of
regional bodies, commissions and the UN are in the RDF dumps and the QuickStatements export."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from iscm_graph.errors import IscmError

ISCM = "https://w3id.org/iscm/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
ORG = "http://www.w3.org/ns/org#"
TIME = "http://www.w3.org/2006/time#"
DCTERMS = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
WIKIDATA = "http://www.wikidata.org/entity/"
CONCEPT = "https://w3id.org/iscm/id/concept/"

_STATES = """
SELECT ?iri ?alpha3 ?alpha2 ?numeric ?en ?ar ?kind ?status ?item WHERE {
  ?iri a iscm:Country ; iscm:alpha3 ?alpha3 ; iscm:alpha2 ?alpha2 ; iscm:numericCode ?numeric ;
       a ?kind FILTER (?kind IN (iscm:State, iscm:Territory))
  OPTIONAL { ?iri skos:prefLabel ?en FILTER (LANG(?en) = "en") }
  OPTIONAL { ?iri skos:prefLabel ?ar FILTER (LANG(?ar) = "ar") }
  OPTIONAL { ?iri iscm:unStatus ?status }
  OPTIONAL { ?iri skos:exactMatch ?item FILTER (STRSTARTS(STR(?item), "http://www.wikidata.org/entity/Q")) }
} ORDER BY ?alpha3"""
_MECHANISMS = """
SELECT ?iri ?en ?ar ?kind
       (GROUP_CONCAT(DISTINCT ?alt; separator="\\u001f") AS ?alts)
       (GROUP_CONCAT(DISTINCT STR(?year); separator=";") AS ?years) ?item WHERE {
  ?iri a iscm:ConsultationMechanism ; a ?kind
       FILTER (?kind IN (iscm:RegionalConsultativeProcess, iscm:InterRegionalForum, iscm:GlobalProcess))
  OPTIONAL { ?iri skos:prefLabel ?en FILTER (LANG(?en) = "en") }
  OPTIONAL { ?iri skos:prefLabel ?ar FILTER (LANG(?ar) = "ar") }
  OPTIONAL { GRAPH <https://w3id.org/iscm/graph/curated/names> { ?iri skos:altLabel ?alt } FILTER (LANG(?alt) = "en") }
  OPTIONAL { ?iri iscm:foundingYear ?year }
  OPTIONAL { ?iri skos:exactMatch ?item FILTER (STRSTARTS(STR(?item), "http://www.wikidata.org/entity/Q")) }
} GROUP BY ?iri ?en ?ar ?kind ?item ORDER BY ?iri"""
_MEMBERSHIPS = """
SELECT ?iri ?member ?memberName ?org ?orgName ?role ?source ?note ?derived
       (GROUP_CONCAT(DISTINCT STR(?from); separator=" ") AS ?froms)
       ?start ?startYear ?end ?endYear ?ended WHERE {
  ?iri a org:Membership ; org:member ?member ; org:organization ?org ; org:role ?role .
  ?org a iscm:ConsultationMechanism . ?member a iscm:Country .
  OPTIONAL { ?member skos:prefLabel ?memberName FILTER (LANG(?memberName) = "en") }
  OPTIONAL { ?org skos:prefLabel ?orgName FILTER (LANG(?orgName) = "en") }
  OPTIONAL { ?iri dcterms:source ?source }
  OPTIONAL { ?iri skos:note ?note }
  OPTIONAL { ?iri iscm:derived ?derived }
  OPTIONAL { ?iri prov:wasDerivedFrom ?from }
  OPTIONAL { ?iri org:memberDuring/time:hasBeginning ?b .
             OPTIONAL { ?b time:inXSDDate ?start } OPTIONAL { ?b time:inXSDgYear ?startYear } }
  OPTIONAL { ?iri org:memberDuring/time:hasEnd ?e . BIND (true AS ?ended)
             OPTIONAL { ?e time:inXSDDate ?end } OPTIONAL { ?e time:inXSDgYear ?endYear } }
} GROUP BY ?iri ?member ?memberName ?org ?orgName ?role ?source ?note ?derived ?start ?startYear ?end ?endYear ?ended
ORDER BY ?iri"""


def _col(name, title, prop=None, **more):
    # the header is the column's name, easy to type in a spreadsheet formula; the title says what it is
    col = {"name": name, "titles": name}
    if title:
        col["dc:description"] = title
    if prop:
        col["propertyUrl"] = prop
    col.update(more)
    return col


def _iri_col(name, title):
    """The row's IRI: its primary key and subject, not a statement of its own."""
    return _col(name, title, suppressOutput=True)


def metadata() -> dict:
    """The CSVW table group: columns, datatypes, the URL templates CSV2RDF follows, the keys."""
    wikidata = _col("wikidata", "Wikidata item", SKOS + "exactMatch", valueUrl=WIKIDATA + "{wikidata}")
    states = {
        "url": "states.csv",
        "dc:title": "States and territories (ISO 3166-1)",
        "tableSchema": {
            "aboutUrl": "{+state}",
            "primaryKey": "state",
            "columns": [
                _iri_col("state", "state IRI"),
                _col("alpha3", "ISO 3166-1 alpha-3", ISCM + "alpha3", required=True),
                _col("alpha2", "ISO 3166-1 alpha-2", ISCM + "alpha2", required=True),
                _col("numeric", "ISO 3166-1 numeric", ISCM + "numericCode"),
                _col("name_en", "name (English)", SKOS + "prefLabel", lang="en"),
                _col("name_ar", "name (Arabic)", SKOS + "prefLabel", lang="ar"),
                _col("kind", "kind (State or Territory)", RDF_TYPE, valueUrl=ISCM + "{kind}"),
                _col("un_status", "UN status", ISCM + "unStatus", valueUrl=CONCEPT + "{un_status}"),
                wikidata,
            ],
        },
    }
    mechanisms = {
        "url": "mechanisms.csv",
        "dc:title": "Inter-state consultation mechanisms on migration",
        "tableSchema": {
            "aboutUrl": "{+mechanism}",
            "primaryKey": "mechanism",
            "columns": [
                _iri_col("mechanism", "mechanism IRI"),
                _col("name_en", "name (English)", SKOS + "prefLabel", lang="en"),
                _col("name_ar", "name (Arabic)", SKOS + "prefLabel", lang="ar"),
                _col("alt_names_en", "acronyms and other English names", SKOS + "altLabel", lang="en",
                     separator="|"),
                _col("kind", "kind", RDF_TYPE, valueUrl=ISCM + "{kind}"),
                _col("founding_year", "founding year", ISCM + "foundingYear", datatype="gYear", separator=";"),
                dict(wikidata),
            ],
        },
    }
    during = "{+membership}#during"
    memberships = {
        "url": "memberships.csv",
        "dc:title": "Memberships of states and territories in the mechanisms (org:Membership)",
        "dc:description": "One row per membership record: role, period and source. The period's "
                          "interval and instants are named <membership>#during, #start and #end.",
        "tableSchema": {
            "aboutUrl": "{+membership}",
            "primaryKey": "membership",
            "foreignKeys": [
                {"columnReference": "member", "reference": {"resource": "states.csv", "columnReference": "state"}},
                {"columnReference": "organization",
                 "reference": {"resource": "mechanisms.csv", "columnReference": "mechanism"}},
            ],
            "columns": [
                _iri_col("membership", "membership IRI"),
                _col("member", "member (state IRI)", ORG + "member", valueUrl="{+member}", required=True),
                _col("member_name", "member", suppressOutput=True),
                _col("organization", "mechanism IRI", ORG + "organization", valueUrl="{+organization}",
                     required=True),
                _col("organization_name", "mechanism", suppressOutput=True),
                _col("role", "role", ORG + "role", valueUrl=CONCEPT + "role-{role}", required=True),
                _col("start", "start date", TIME + "inXSDDate", datatype="date", aboutUrl="{+membership}#start"),
                _col("start_year", "start year (when the source gives only the year)", TIME + "inXSDgYear",
                     datatype="gYear", aboutUrl="{+membership}#start"),
                _col("end", "end date", TIME + "inXSDDate", datatype="date", aboutUrl="{+membership}#end"),
                _col("end_year", "end year (when the source gives only the year)", TIME + "inXSDgYear",
                     datatype="gYear", aboutUrl="{+membership}#end"),
                _col("ended", "ended (true also when the end date is unknown)", datatype="boolean",
                     suppressOutput=True),
                _col("source", "source IRI", DCTERMS + "source", valueUrl="{+source}"),
                _col("note", "note", SKOS + "note", lang="en"),
                _col("derived", "derived by a membership rule", ISCM + "derived", datatype="boolean"),
                _col("derived_from", "derived from (rule and membership IRIs)", PROV + "wasDerivedFrom",
                     valueUrl="{+derived_from}", separator=" "),
                _col("type", "", RDF_TYPE, virtual=True, valueUrl=ORG + "Membership"),
                _col("during", "", ORG + "memberDuring", virtual=True, valueUrl=during),
            ],
        },
    }
    return {
        "@context": ["http://www.w3.org/ns/csvw", {"@language": "en"}],
        "dc:title": "ISCM knowledge graph: states, mechanisms and memberships",
        "dc:license": {"@id": "https://creativecommons.org/licenses/by/4.0/"},
        "tables": [states, mechanisms, memberships],
    }


def _v(row, name) -> str:
    term = row[name]
    return "" if term is None else term.value


def _local(iri: str, prefix: str) -> str:
    return iri[len(prefix):] if iri.startswith(prefix) else iri


def table_rows(store) -> dict[str, list[dict]]:
    """The three tables' rows (column name -> cell text), from a build's store."""
    states = [{
        "state": _v(r, "iri"), "alpha3": _v(r, "alpha3"), "alpha2": _v(r, "alpha2"),
        "numeric": _v(r, "numeric"), "name_en": _v(r, "en"), "name_ar": _v(r, "ar"),
        "kind": _local(_v(r, "kind"), ISCM), "un_status": _local(_v(r, "status"), CONCEPT),
        "wikidata": _local(_v(r, "item"), WIKIDATA),
    } for r in store.query(_STATES)]
    mechanisms = [{
        "mechanism": _v(r, "iri"), "name_en": _v(r, "en"), "name_ar": _v(r, "ar"),
        "alt_names_en": "|".join(sorted(a for a in _v(r, "alts").split("\x1f") if a)),
        "kind": _local(_v(r, "kind"), ISCM), "founding_year": ";".join(sorted(filter(None, _v(r, "years").split(";")))),
        "wikidata": _local(_v(r, "item"), WIKIDATA),
    } for r in store.query(_MECHANISMS)]
    memberships = []
    for r in store.query(_MEMBERSHIPS):
        start_year, end_year = _v(r, "startYear"), _v(r, "endYear")
        memberships.append({
            "membership": _v(r, "iri"), "member": _v(r, "member"), "member_name": _v(r, "memberName"),
            "organization": _v(r, "org"), "organization_name": _v(r, "orgName"),
            "role": _local(_v(r, "role"), CONCEPT + "role-"),
            "start": _v(r, "start"), "start_year": start_year, "end": _v(r, "end"), "end_year": end_year,
            "ended": "true" if r["ended"] is not None else "false",
            "source": _v(r, "source"), "note": _v(r, "note"), "derived": _v(r, "derived"),
            "derived_from": " ".join(sorted(_v(r, "froms").split())),
        })
    return {"states.csv": states, "mechanisms.csv": mechanisms, "memberships.csv": memberships}


def csvw_files(store) -> dict[str, bytes]:
    """The three CSV files (RFC 4180, UTF-8, header = column names) and csv-metadata.json."""
    meta = metadata()
    tables = table_rows(store)
    files = {}
    for table in meta["tables"]:
        names = [c["name"] for c in table["tableSchema"]["columns"] if not c.get("virtual")]
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\r\n")       # RFC 4180, the CSVW default dialect
        writer.writerow(names)
        for row in tables[table["url"]]:
            writer.writerow([row[n] for n in names])
        files[table["url"]] = buf.getvalue().encode("utf-8")
    files["csv-metadata.json"] = (json.dumps(meta, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    return files


def write_csvw(build: Path, folder: str | Path) -> dict[str, int]:
    """Write the three CSV files and csv-metadata.json into `folder`; returns rows per table."""
    from iscm_graph.query.store import EmbeddedStore

    folder = Path(folder)
    files = csvw_files(EmbeddedStore.from_build(build))
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            (folder / name).write_bytes(data)
    except OSError as exc:
        raise IscmError(f"cannot write {folder}: {exc.strerror}") from None
    return {name: len(list(csv.reader(io.StringIO(data.decode("utf-8"))))) - 1
            for name, data in files.items() if name.endswith(".csv")}


def csvw_zip(files: dict[str, bytes]) -> bytes:
    """The files in one zip archive, deterministic: fixed order and timestamps."""
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, files[name])
    return buf.getvalue()


__all__ = ["metadata", "table_rows", "csvw_files", "csvw_zip", "write_csvw"]
