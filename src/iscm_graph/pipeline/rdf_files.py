"""Reading one RDF file into a graph: data files (one named graph each), and the folders of Turtle
files that hold the ontology and the shapes. Every refusal names the file and what is wrong."""
from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, Graph, URIRef

from iscm_graph.errors import DataError
from iscm_graph.namespaces import GRAPH, INFERRED_GRAPH, ONTOLOGY_GRAPH, STATES_GRAPH
from iscm_graph.pipeline.untrusted import FORMATS, TRIPLE_FORMATS, check_file
from iscm_graph.rdf.terms import FileTerms

# graphs the build writes itself; a data file may not claim them
RESERVED_GRAPHS = {INFERRED_GRAPH, ONTOLOGY_GRAPH, STATES_GRAPH}


def _parse_fast(path: Path) -> dict | None:
    """Quads of a TriG file by graph name, read with pyoxigraph's parser (several times faster than
    rdflib's); None when it refuses the file, so that rdflib decides (and words the error) as before."""
    try:
        quads = list(ox.parse(path=str(path), format=ox.RdfFormat.TRIG))
    except (SyntaxError, ValueError, OSError):
        return None
    term = FileTerms()
    by_graph: dict = {}
    for q in quads:
        name = q.graph_name
        key = None if isinstance(name, ox.DefaultGraph) else term(name)
        by_graph.setdefault(key, []).append((term(q.subject), term(q.predicate), term(q.object)))
    return by_graph


def _parse(path: Path, fmt: str, into: Graph | Dataset, base: str | None = None) -> None:
    check_file(path, fmt)
    try:
        into.parse(path, format=fmt, publicID=base)
    except RecursionError:
        raise DataError(f"{path}: not valid {fmt.upper()}: nested too deeply") from None
    except Exception as exc:  # rdflib raises many parser-specific types; all mean "bad file"
        detail = " ".join(str(exc).split())
        raise DataError(f"{path}: not valid {fmt.upper()}: {detail}") from None


def read_turtle_folder(folder: Path, identifier: URIRef | None = None) -> Graph:
    files = sorted(folder.glob("*.ttl"))
    if not files:
        raise DataError(f"{folder}: no .ttl files")
    g = Graph(identifier=identifier)
    for path in files:
        _parse(path, "turtle", g)
    return g


def submitted_graph(path: Path) -> URIRef:
    """The graph a file of bare triples (Turtle, N-Triples, RDF/XML) counts as: one per file."""
    return GRAPH["submitted/" + (re.sub(r"[^A-Za-z0-9._-]+", "-", path.stem).strip("-") or "file")]


def read_data_file(path: Path) -> tuple[URIRef, Graph]:
    """A data file holds exactly one named graph under https://w3id.org/iscm/graph/: TriG (the
    project's own files), N-Quads or JSON-LD. A file of triples (Turtle, N-Triples, RDF/XML, as
    contributors and registries usually send) counts as one submitted graph of its own. Every file
    passes the checks of untrusted.py first: what cannot be read safely is refused with the reason."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise DataError(f"{path}: unknown file type {path.suffix!r}; data files are TriG (.trig), "
                        "N-Quads (.nq), JSON-LD (.jsonld), Turtle (.ttl), N-Triples (.nt) or RDF/XML (.rdf)")
    check_file(path, fmt)
    if fmt in TRIPLE_FORMATS:
        iri = submitted_graph(path)
        plain = Graph(store="SimpleMemory", identifier=iri)
        # the graph is the document's base: `<>` in a Turtle file names it (and so can name its source)
        _parse(path, fmt, plain, base=str(iri))
        return iri, plain
    fast = _parse_fast(path) if fmt == "trig" else None
    if fast is not None:
        default = fast.pop(None, [])
        if default:
            raise DataError(f"{path}: {len(set(default))} triple(s) outside any GRAPH block; "
                            "every statement must sit in its source's named graph")
        if len(fast) != 1:
            raise DataError(f"{path}: holds {len(fast)} named graphs; a data file holds exactly one")
        (iri, triples), = fast.items()
        _check_graph_name(path, iri)
        plain = Graph(store="SimpleMemory", identifier=iri)
        for triple in triples:
            plain.add(triple)
        return iri, plain
    ds = Dataset()
    _parse(path, fmt, ds)
    if len(ds.default_graph):
        raise DataError(f"{path}: {len(ds.default_graph)} triple(s) outside any GRAPH block; "
                        "every statement must sit in its source's named graph")
    named = [g for g in ds.graphs() if g.identifier != ds.default_graph.identifier and len(g)]
    if len(named) != 1:
        raise DataError(f"{path}: holds {len(named)} named graphs; a data file holds exactly one")
    graph = named[0]
    iri = graph.identifier
    _check_graph_name(path, iri)
    plain = Graph(store="SimpleMemory", identifier=iri)
    plain += graph
    return iri, plain


def _check_graph_name(path: Path, iri) -> None:
    if not isinstance(iri, URIRef) or not str(iri).startswith(str(GRAPH)):
        raise DataError(f"{path}: graph {iri} is not under {GRAPH}")
    if iri in RESERVED_GRAPHS:
        raise DataError(f"{path}: graph {iri} is written by the build, not by data files")


__all__ = ["read_data_file", "read_turtle_folder", "RESERVED_GRAPHS"]
