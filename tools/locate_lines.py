"""Authoring aid (not run by the build): propose the line(s) of a source text that state each
statement of a source graph, and write them to `data/sources/lines/{graph}.csv`.

    .venv/bin/python tools/locate_lines.py            # all source graphs
    .venv/bin/python tools/locate_lines.py 003        # one

A row that is already in the file is kept as it is (rows are reviewed by hand and may have been
corrected); only statements without a row are located, and rows naming statements the graph no
longer makes are dropped. How a statement is located:

- a literal: the line(s) holding its text (after the normalisations of `iscm_graph.pipeline.line_text`)
  or its number; long text by the best run of lines sharing its words;
- an IRI: the lines holding one of its labels (Arabic, any graph; English acronyms);
- otherwise (structure: types, kinds, notes in English) the lines where the subject is named;
- among several candidates the one nearest the subject's own lines.

Statements that cannot be placed are printed; give them a row by hand.
"""
from __future__ import annotations

import csv
import sys
from pathlib import Path

from rdflib import BNode, Dataset, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, SKOS, XSD

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from iscm_graph.namespaces import ISCM  # noqa: E402
from iscm_graph.pipeline.line_refs import GRAPH_TEXTS, HEADER, encode_term, text_files  # noqa: E402
from iscm_graph.pipeline.line_text import contains, has_number, norm, words  # noqa: E402

NUMERIC = {XSD.integer, XSD.nonNegativeInteger, XSD.positiveInteger, XSD.gYear, XSD.decimal}
LABELS = (SKOS.prefLabel, SKOS.altLabel, ISCM.sourceLabel, RDFS.label)


def text_lines(text: str) -> list[str]:
    return text_files(REPO / "sources")[text].read_text(encoding="utf-8").splitlines()


def label_lines(lines, labels) -> list[int]:
    found = []
    for label in labels:
        if len(norm(label)) < 3:
            continue
        found += [n for n, line in enumerate(lines, 1) if contains(line, label)]
    return sorted(set(found))


def literal_lines(lines, lit: Literal) -> list[int]:
    if lit.datatype in NUMERIC or (lit.datatype == XSD.date):
        value = str(lit) if lit.datatype != XSD.date else str(lit)[:4]
        return [n for n, line in enumerate(lines, 1) if has_number(line, value)]
    if lit.language not in (None, "ar"):
        return []
    if contains_any := [n for n, line in enumerate(lines, 1) if contains(line, str(lit))]:
        return contains_any
    wanted = set(words(str(lit)))
    if len(wanted) < 2:
        return []
    best, best_score = [], 0.0
    for n in range(1, len(lines) + 1):
        for span in (1, 2, 3):
            block = " ".join(lines[n - 1:n - 1 + span])
            have = wanted & set(words(block))
            score = len(have) / len(wanted)
            if score > best_score + 0.05:
                best, best_score = list(range(n, min(n + span, len(lines) + 1))), score
    return best if best_score >= 0.6 else []


def nearest(candidates: list[int], anchors: list[int]) -> list[int]:
    if not candidates:
        return []
    if not anchors:
        return [candidates[0]]
    return [min(candidates, key=lambda c: (min(abs(c - a) for a in anchors), c))]


def locate(code: str, text: str, ds: Dataset) -> tuple[dict, list]:
    lines = text_lines(text)
    g = ds.graph(URIRef(f"https://w3id.org/iscm/graph/source/{code}"))
    labels: dict = {}
    for s, p, o in ds.triples((None, None, None)):
        if p in LABELS and isinstance(o, Literal) and o.language in ("ar", None, "en"):
            if o.language == "en" and not (str(o).isupper() and len(str(o)) <= 10):
                continue            # English names are not in the Arabic texts; acronyms are
            labels.setdefault(s, set()).add(str(o))
    parent = {o: s for s, p, o in g if isinstance(o, BNode)}

    anchors: dict = {}

    def anchor(s, depth=0) -> list[int]:
        if s in anchors:
            return anchors[s]
        own = label_lines(lines, labels.get(s, set())) if not isinstance(s, BNode) else []
        if not own and s in parent and depth < 4:
            own = anchor(parent[s], depth + 1)
        anchors[s] = own
        return own

    found, todo = {}, []
    for s, p, o in sorted(g, key=lambda t: (str(t[0]), str(t[1]), str(t[2]))):
        if s == g.identifier and (p == RDF.type or p == PROV.wasDerivedFrom):
            continue            # the graph's own description, not a statement of the document
        own = anchor(s)
        if isinstance(o, Literal):
            cand = literal_lines(lines, o)
        elif isinstance(o, URIRef) and p != RDF.type:
            cand = label_lines(lines, labels.get(o, set()))
        else:
            cand = []
        chosen = nearest(cand, own) or nearest(own, own)
        if not chosen and isinstance(o, BNode):
            chosen = nearest(anchor(o), own)
        if chosen:
            found[(s, p, o)] = chosen
        else:
            todo.append((s, p, o, cand))
    # what is still open takes the lines of the subject's other statements, else of the statements
    # that point at the subject, until nothing changes
    changed = True
    while todo and changed:
        changed, left = False, []
        for s, p, o, cand in todo:
            near = sorted({n for (s2, _, _), ls in found.items() if s2 == s for n in ls})
            if not near:
                near = sorted({n for (_, _, o2), ls in found.items() if o2 == s for n in ls})
            chosen = nearest(cand, near) or (near[:1] if near else [])
            if chosen:
                found[(s, p, o)] = chosen
                changed = True
            else:
                left.append((s, p, o, cand))
        todo = left
    return found, [(s, p, o) for s, p, o, _ in todo]


def main(codes: list[str]) -> None:
    ds = Dataset()
    for path in sorted((REPO / "data").rglob("*.trig")):
        ds.parse(path, format="trig")
    for code in codes:
        out = REPO / "data" / "sources" / "lines" / f"{code}.csv"
        kept = {}
        if out.exists():
            with out.open(encoding="utf-8") as fh:
                for row in csv.DictReader(fh):
                    kept[(row["subject"], row["predicate"], row["object"])] = row
        g = ds.graph(URIRef(f"https://w3id.org/iscm/graph/source/{code}"))
        found, missing = {}, None
        for text in GRAPH_TEXTS[code]:          # the first rendition that places a statement wins
            placed, left = locate(code, text, ds)
            for key, chosen in placed.items():
                found.setdefault(key, (text, chosen))
            missing = [m for m in (left if missing is None else missing) if m not in found]
        rows = []
        for (s, p, o), (text, chosen) in found.items():
            key = (encode_term(s, g), encode_term(p, g), encode_term(o, g))
            rows.append(kept.get(key) or dict(zip(HEADER, (*key, text, str(chosen[0]), str(chosen[-1])))))
        for s, p, o in missing:
            key = (encode_term(s, g), encode_term(p, g), encode_term(o, g))
            if key in kept:
                rows.append(kept[key])
            else:
                print(f"{code}: not placed: {key}")
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("w", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, HEADER, lineterminator="\n")
            w.writeheader()
            w.writerows(sorted(rows, key=lambda r: (int(r["first"]), r["subject"], r["predicate"], r["object"])))
        print(f"{code}: {len(rows)} rows, {len(missing)} not placed")


if __name__ == "__main__":
    main(sys.argv[1:] or list(GRAPH_TEXTS))
