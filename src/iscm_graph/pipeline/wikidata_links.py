"""The Wikidata items of states, bodies, commissions and organisations, from `data/curated/wikidata.csv`,
as `skos:exactMatch` links in a named graph of their own that names the files they were read from.

skos:exactMatch, not owl:sameAs: sameAs would make our entity and the Wikidata item one individual,
so an OWL reasoner (owlrl here) would copy every statement of one onto the other; exactMatch says two
concepts of different schemes can be used interchangeably, and our entities already link to other
schemes with it (the EU country authority)."""
from __future__ import annotations

import re
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, SKOS

from iscm_graph.errors import DataError
from iscm_graph.namespaces import GRAPH, ISCM, PREFIXES, WIKIDATA

WIKIDATA_GRAPH = GRAPH["curated/wikidata"]
MAPPING_FILE = "wikidata.csv"
QID = re.compile(r"^Q[1-9][0-9]*$")
_KINDS = ("state:", "body:", "comm:", "orgn:", "mech:")


def read_mapping(path: Path) -> list[dict]:
    """The rows of the mapping file, checked: a known CURIE, a Q-id or nothing, a source address."""
    import csv

    if not path.exists():
        raise DataError(f"{path}: missing (the Wikidata items of the graph's entities)")
    with path.open(encoding="utf-8") as fh:
        numbered = [(n, line) for n, line in enumerate(fh.read().splitlines(), start=1)
                    if line.strip() and not line.startswith("#")]
    reader = csv.DictReader([line for _, line in numbered])
    rows, seen = [], {}
    for i, row in enumerate(reader):
        where = f"{path}:{numbered[i + 1][0]}"
        curie = (row.get("entity") or "").strip()
        qid = (row.get("qid") or "").strip()
        source = (row.get("source") or "").strip()
        prefix, _, local = curie.partition(":")
        if not curie.startswith(_KINDS) or not local:
            raise DataError(f"{where}: entity {curie!r} is not a CURIE of {', '.join(_KINDS)}")
        if qid and not QID.match(qid):
            raise DataError(f"{where}: qid {qid!r} is not a Wikidata item identifier (Q followed by digits)")
        if not source.startswith(("http://", "https://")):
            raise DataError(f"{where}: source must be the http(s) address the identifier was read from")
        if not (row.get("check") or "").strip():
            raise DataError(f"{where}: check must say how the row was checked")
        if curie in seen:
            raise DataError(f"{where}: {curie} already has a row ({seen[curie]})")
        seen[curie] = where
        rows.append({"entity": URIRef(PREFIXES[prefix] + local), "qid": qid, "source": source})
    return rows


def wikidata_graph(curated_dir: Path) -> Graph:
    path = curated_dir / MAPPING_FILE
    rows = read_mapping(path)
    g = Graph(identifier=WIKIDATA_GRAPH)
    g.add((WIKIDATA_GRAPH, RDF.type, ISCM.SourceGraph))
    g.add((WIKIDATA_GRAPH, DCTERMS.description, Literal(
        "The Wikidata items of states and territories, regional bodies, UN regional commissions and "
        "international organisations (skos:exactMatch), from data/curated/wikidata.csv: each row "
        "names the file, at a fixed commit, its identifier was read from. The migration processes "
        "have no item here: no source giving theirs was found.", lang="en")))
    for source in sorted({r["source"].split("#")[0] for r in rows if r["qid"]}):
        g.add((WIKIDATA_GRAPH, PROV.wasDerivedFrom, URIRef(source)))
    for row in rows:
        if row["qid"]:
            g.add((row["entity"], SKOS.exactMatch, WIKIDATA[row["qid"]]))
    return g


__all__ = ["wikidata_graph", "read_mapping", "WIKIDATA_GRAPH"]
