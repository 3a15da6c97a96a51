"""Provenance to the line: `data/sources/lines/{graph}.csv` gives, for every statement of a source
graph, the line(s) of its document's text that state it. The build turns each row into a reified
statement (`rdf:Statement`, `iscm:statedIn` the source graph, `iscm:lineReference` an RFC 5147
fragment IRI of the text such as `https://w3id.org/iscm/source/000.txt#line=152,153`, which is
line 153) in the graph `https://w3id.org/iscm/graph/lines/{graph}`; the source graph itself is
never changed.

Columns: `subject,predicate,object,text,first,last` - terms in N-Triples form (a blank node as
`[<parent> <predicate>]`, the one blank node its parent has by that predicate, or
`[<parent> <predicate> | <p> o]` the one of several that alone states `p o`), `text` the
rendition (`000` ... `004`), `first`/`last` 1-based line numbers. `tools/locate_lines.py` proposes
rows; they are data like any other."""
from __future__ import annotations

import csv
import re
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF
from rdflib.util import from_n3

from iscm_graph.errors import DataError
from iscm_graph.namespaces import BASE, GRAPH, ID, ISCM

HEADER = ("subject", "predicate", "object", "text", "first", "last")
# graph -> the renditions its lines may cite (001 and 002 are one document)
GRAPH_TEXTS = {"000": ("000",), "001": ("002", "001"), "003": ("003",), "004": ("004",)}
TEXT_BASE = BASE + "source/"
_FRAGMENT = re.compile(r"^(?P<text>.+/source/(?P<code>\d{3})\.txt)#line=(?P<a>\d+),(?P<b>\d+)$")


def line_iri(text: str, first: int, last: int) -> URIRef:
    """RFC 5147: `line=a,b` selects the lines between positions a and b, so 1-based lines
    first..last are `line={first-1},{last}`."""
    return URIRef(f"{TEXT_BASE}{text}.txt#line={first - 1},{last}")


def parse_line_iri(iri: str) -> tuple[str, int, int] | None:
    """(text code, first line, last line), 1-based, or None for another IRI."""
    m = _FRAGMENT.match(str(iri))
    if not m or int(m["b"]) <= int(m["a"]):
        return None
    return m["code"], int(m["a"]) + 1, int(m["b"])


def text_files(texts_dir: Path) -> dict[str, Path]:
    """Text code (`000`) -> its file (`000_5205e44cb8027a47.txt`)."""
    return {p.name[:3]: p for p in sorted(texts_dir.glob("[0-9][0-9][0-9]_*.txt"))}


def encode_term(term, g: Graph) -> str:
    if isinstance(term, BNode):
        parents = list(g.subject_predicates(term))
        if len(parents) != 1:
            raise DataError(f"blank node {term} of {g.identifier} has {len(parents)} parents")
        s, p = parents[0]
        siblings = [b for b in g.objects(s, p) if isinstance(b, BNode) and b != term]
        if not siblings:
            return f"[{s.n3()} {p.n3()}]"
        # several blank nodes by one predicate: name this one by a statement none of the others makes
        for p2, o2 in sorted(g.predicate_objects(term), key=lambda po: (str(po[0]), str(po[1]))):
            if isinstance(o2, (URIRef, Literal)) and not any((b, p2, o2) in g for b in siblings):
                return f"[{s.n3()} {p.n3()} | {p2.n3()} {o2.n3()}]"
        raise DataError(f"blank node {term} of {g.identifier} cannot be told from its siblings")
    return term.n3()


def decode_term(text: str, g: Graph, where: str):
    text = text.strip()
    if text.startswith("[") and text.endswith("]"):
        head, _, key = text[1:-1].partition(" | ")
        parent, _, pred = head.partition(" ")
        found = list(g.objects(decode_term(parent, g, where), decode_term(pred, g, where)))
        blanks = [o for o in found if isinstance(o, BNode)]
        if key:
            p2, _, o2 = key.partition(" ")
            p2, o2 = decode_term(p2, g, where), decode_term(o2, g, where)
            blanks = [b for b in blanks if (b, p2, o2) in g]
        if len(blanks) != 1:
            raise DataError(f"{where}: {text} names {len(blanks)} blank nodes in {g.identifier}")
        return blanks[0]
    try:
        term = from_n3(text)
    except Exception:
        term = None
    if not isinstance(term, (URIRef, Literal)):
        raise DataError(f"{where}: {text[:60]!r} is not an N-Triples term")
    return term


def _statement_key(s, p, o) -> tuple:
    return (s, p, o)


def line_graph(path: Path, source: Graph, texts: dict[str, Path]) -> Graph:
    """The reified statements of one lines file; every row must name a statement of `source`
    and lines its text has."""
    code = path.stem
    if code not in GRAPH_TEXTS:
        raise DataError(f"{path}: no source graph {code!r} (one of {', '.join(GRAPH_TEXTS)})")
    lengths = {}
    for t in GRAPH_TEXTS[code]:
        if t not in texts:
            raise DataError(f"{path}: the text of rendition {t} is not in the sources folder")
        lengths[t] = len(texts[t].read_text(encoding="utf-8").splitlines())
    iri = GRAPH[f"lines/{code}"]
    g = Graph(identifier=iri)
    g.add((iri, RDF.type, ISCM.SourceGraph))
    g.add((iri, PROV.wasDerivedFrom, ID[f"source/{code}"]))
    g.add((iri, DCTERMS.description, Literal(
        f"The line(s) of the text that state each statement of graph source/{code} (reified statements, "
        "RFC 5147 line fragments).", lang="en")))
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if tuple(reader.fieldnames or ()) != HEADER:
            raise DataError(f"{path}: the header must be {','.join(HEADER)}")
        for n, row in enumerate(reader, start=2):
            where = f"{path}:{n}"
            s, p, o = (decode_term(row[k], source, where) for k in ("subject", "predicate", "object"))
            if (s, p, o) not in source:
                raise DataError(f"{where}: graph source/{code} does not state this statement "
                                "(re-run tools/locate_lines.py after changing the graph)")
            text = row["text"].strip()
            if text not in lengths:
                raise DataError(f"{where}: rendition {text!r} is not one of {', '.join(lengths)}")
            try:
                first, last = int(row["first"]), int(row["last"])
            except ValueError:
                raise DataError(f"{where}: first and last must be line numbers") from None
            if not 1 <= first <= last <= lengths[text]:
                raise DataError(f"{where}: lines {first}-{last} are not in text {text} "
                                f"({lengths[text]} lines)")
            st = BNode()
            g.add((st, RDF.type, RDF.Statement))
            g.add((st, RDF.subject, s))
            g.add((st, RDF.predicate, p))
            g.add((st, RDF.object, o))
            g.add((st, ISCM.statedIn, source.identifier))
            g.add((st, ISCM.lineReference, line_iri(text, first, last)))
    return g


def line_graphs(folder: Path, graphs: dict, texts_dir: Path) -> list[tuple[Path, Graph]]:
    """The line graphs of a source folder; none when it has no lines files or no texts folder at all
    (a folder of data alone cannot be checked against texts it does not carry)."""
    if not folder.is_dir() or not texts_dir.is_dir():
        return []
    texts = text_files(texts_dir)
    out = []
    for path in sorted(folder.glob("*.csv")):
        source = graphs.get(GRAPH[f"source/{path.stem}"])
        if source is None:
            raise DataError(f"{path}: there is no graph source/{path.stem}")
        out.append((path, line_graph(path, source, texts)))
    return out


__all__ = ["line_graphs", "line_graph", "line_iri", "parse_line_iri", "encode_term", "decode_term",
           "GRAPH_TEXTS", "HEADER", "TEXT_BASE", "text_files"]
