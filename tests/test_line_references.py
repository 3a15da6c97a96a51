"""Provenance to the line: every statement of every source graph names the line(s) of its
document's text that state it, the lines exist, and they hold the value's text or number.

The test reads the texts in sources/ itself. Labels (skos:prefLabel, skos:altLabel,
iscm:sourceLabel, rdfs:label, dcterms:title, schema:name in the document's language, Arabic) must
be in the cited lines after the normalisations `pipeline/line_text.py` documents (diacritics,
alef/ya/ta marbuta forms, digits, punctuation, the brochure's 'مهجرة'); numbers (counts, ordinals,
years) must be there as digits or, up to ten, as a number word (cardinal or ordinal,
`NUMBER_WORDS`); schema:position (a table row's place, which the text shows by order alone) is not
checked for a number.
A table count (iscm:tabulatedNumberOfMechanisms) must equal the rows of its kind in the cited lines.
"""
from __future__ import annotations

import re
from collections import defaultdict

import pytest

from conftest import SOURCES, select
from iscm_graph.pipeline.line_refs import GRAPH_TEXTS, parse_line_iri
from iscm_graph.pipeline.line_text import contains, has_number

XSD = "http://www.w3.org/2001/XMLSchema#"
NUMERIC = {XSD + t for t in ("integer", "nonNegativeInteger", "positiveInteger", "gYear")}
LABELS = {"http://www.w3.org/2004/02/skos/core#prefLabel", "http://www.w3.org/2004/02/skos/core#altLabel",
          "https://w3id.org/iscm/ontology#sourceLabel", "http://www.w3.org/2000/01/rdf-schema#label",
          "http://purl.org/dc/terms/title", "https://schema.org/name"}
TEXTS = {p.name[:3]: p.read_text(encoding="utf-8").splitlines() for p in SOURCES.glob("[0-9][0-9][0-9]_*.txt")}

_STATEMENTS = """SELECT ?g ?s ?p ?o (LANG(?o) AS ?lang) (DATATYPE(?o) AS ?dt) (isLITERAL(?o) AS ?lit) WHERE {
  GRAPH ?g { ?s ?p ?o }
  FILTER (!(?s = ?g && ?p IN (rdf:type, prov:wasDerivedFrom)))   # the graph's own description
}"""
_REFS = """SELECT ?g ?s ?p ?o ?ref WHERE {
  GRAPH ?lg { ?st a rdf:Statement ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
                  iscm:statedIn ?g ; iscm:lineReference ?ref }
}"""


def key(row) -> tuple:
    return (row["s"], row["p"], row["o"])


@pytest.fixture(scope="module")
def references(store):
    """graph code -> (statements of the source graph, statement -> line references)."""
    out = {}
    for code in GRAPH_TEXTS:
        g = f"https://w3id.org/iscm/graph/source/{code}"
        # blank nodes are compared by what they are not: the rows keep their own identity per query,
        # so statements about blank nodes are matched on predicate and object within the subject's parent
        stated = select(store, _STATEMENTS, g=__import__("rdflib").URIRef(g))
        refs = defaultdict(list)
        for r in select(store, _REFS, g=__import__("rdflib").URIRef(g)):
            refs[key(r)].append(r["ref"])
        out[code] = (stated, refs)
    return out


@pytest.mark.parametrize("code", list(GRAPH_TEXTS))
def test_every_statement_has_a_line_reference(references, code):
    stated, refs = references[code]
    assert len(stated) > 300
    missing = [key(r) for r in stated if key(r) not in refs]
    assert not missing, f"{len(missing)} statements of source/{code} without a line, e.g. {missing[:3]}"


@pytest.mark.parametrize("code", list(GRAPH_TEXTS))
def test_cited_lines_exist_and_hold_the_value(references, code):
    stated, refs = references[code]
    wrong, checked = [], 0
    for r in stated:
        for ref in refs.get(key(r), []):
            parsed = parse_line_iri(ref)
            assert parsed, f"{ref} is not an RFC 5147 line fragment of a source text"
            text, first, last = parsed
            assert text in GRAPH_TEXTS[code], f"{ref}: source/{code} cites another document's text"
            lines = TEXTS[text]
            assert 1 <= first <= last <= len(lines), f"{ref}: no such lines in {text}"
            block = " ".join(lines[first - 1:last])
            value = r["o"]
            if r["p"] in LABELS and r["lang"] == "ar":
                checked += 1
                if not contains(block, value):
                    wrong.append((ref, r["p"].rsplit("#", 1)[-1], value))
            elif r["lit"] == "true" and r["dt"] in NUMERIC:
                checked += 1
                if r["p"].endswith("#tabulatedNumberOfMechanisms") or r["p"] == "https://schema.org/position":
                    continue                      # table counts: the next test
                if not has_number(block, value):
                    wrong.append((ref, r["p"].rsplit("#", 1)[-1], value))
    assert checked > 50
    assert not wrong, f"{len(wrong)} cited lines without their value: {wrong}"


def test_table_counts_are_the_rows_of_the_cited_lines(store):
    rows = select(store, """SELECT ?kind ?n ?ref WHERE {
        GRAPH <https://w3id.org/iscm/graph/source/000> { ?kind iscm:tabulatedNumberOfMechanisms ?n }
        GRAPH ?lg { ?st rdf:subject ?kind ; rdf:predicate iscm:tabulatedNumberOfMechanisms ;
                        iscm:lineReference ?ref } }""")
    words = {"inter-regional-forum": "منتدى", "regional-consultative-process": "عملية تشاورية",
             "global-process": "عملية عالمية"}
    assert {r["kind"].rsplit("/", 1)[1] for r in rows} == set(words)
    for r in rows:
        text, first, last = parse_line_iri(r["ref"])
        cells = [line.split("\t") for line in TEXTS[text][first - 1:last]]
        kind_cells = [c[4] if re.fullmatch(r"\d{4}", c[2].strip()) else c[1] for c in cells if len(c) == 6]
        word = words[r["kind"].rsplit("/", 1)[1]]
        assert sum(1 for c in kind_cells if word in c) == int(r["n"]), r


def test_a_wrong_line_is_caught(references):
    """The check can fail: the same value cited one table row off is not found."""
    stated, refs = references["000"]
    row = next(r for r in stated if r["p"].endswith("#declaredMemberCount") and r["o"] == "107")
    text, first, last = parse_line_iri(refs[key(row)][0])
    assert has_number(TEXTS[text][first - 1], "107")
    assert not has_number(TEXTS[text][first], "107")
