"""Read the ontology, the shapes and the data files into graphs, remembering which file said what."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef

from .errors import DataError
from .namespaces import GRAPH, INFERRED_GRAPH, ONTOLOGY_GRAPH, STATES_GRAPH
from .memberships import list_graphs, un_membership_graph
from .states import read_un_lists, states_graph
from .untrusted import FORMATS, check_file

RESERVED_GRAPHS = {INFERRED_GRAPH, ONTOLOGY_GRAPH, STATES_GRAPH}


@dataclass
class Sources:
    """Everything the build reads: one graph per named graph, and where each subject was stated."""

    ontology: Graph
    shapes: Graph
    graphs: dict[URIRef, Graph] = field(default_factory=dict)
    files_of_subject: dict = field(default_factory=lambda: defaultdict(set))
    files: list[Path] = field(default_factory=list)

    def data_union(self, store: str = "default") -> Graph:
        union = Graph(store=store)
        for g in self.graphs.values():
            union += g
        return union


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


class _Terms:
    """pyoxigraph terms as rdflib terms, with the same values rdflib's own parser gives (a plain
    string literal has no datatype; a language-tagged one keeps its tag). One per file: a blank node
    label means the same node within a file only."""

    def __init__(self):
        self.iris: dict[str, URIRef] = {}
        self.blanks: dict[str, BNode] = {}

    def __call__(self, term):
        kind = type(term)
        if kind is ox.NamedNode:
            iri = self.iris.get(term.value)
            if iri is None:
                iri = self.iris[term.value] = URIRef(term.value)
            return iri
        if kind is ox.BlankNode:
            node = self.blanks.get(term.value)
            if node is None:
                node = self.blanks[term.value] = BNode()
            return node
        if kind is ox.Literal:
            if term.language:
                return Literal(term.value, lang=term.language)
            if term.datatype.value == _XSD_STRING:
                return Literal(term.value)
            return Literal(term.value, datatype=self(term.datatype))
        raise ValueError(f"unsupported term {term!r}")


def _parse_fast(path: Path) -> dict | None:
    """Quads of a TriG file by graph name, read with pyoxigraph's parser (several times faster than
    rdflib's); None when it refuses the file, so that rdflib decides (and words the error) as before."""
    try:
        quads = list(ox.parse(path=str(path), format=ox.RdfFormat.TRIG))
    except (SyntaxError, ValueError, OSError):
        return None
    term = _Terms()
    by_graph: dict = {}
    for q in quads:
        name = q.graph_name
        key = None if isinstance(name, ox.DefaultGraph) else term(name)
        by_graph.setdefault(key, []).append((term(q.subject), term(q.predicate), term(q.object)))
    return by_graph


def _parse(path: Path, fmt: str, into: Graph | Dataset) -> None:
    check_file(path, fmt)
    try:
        into.parse(path, format=fmt)
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


def read_data_file(path: Path) -> tuple[URIRef, Graph]:
    """A data file holds exactly one named graph under https://w3id.org/iscm/graph/: TriG (the
    project's own files), N-Quads or JSON-LD; other RDF files are read only to say what is wrong."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise DataError(f"{path}: unknown file type {path.suffix!r}; data files are TriG (.trig), "
                        "N-Quads (.nq) or JSON-LD (.jsonld)")
    check_file(path, fmt)
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


def load_files(paths: list[Path], sources: Sources) -> None:
    for path in paths:
        iri, g = read_data_file(path)
        sources.files.append(path)
        target = sources.graphs.get(iri)
        if target is None:
            sources.graphs[iri] = target = g
        else:
            target += g
        for s in set(g.subjects()):
            sources.files_of_subject[s].add(str(path))


def load_sources(settings, files: list[Path] | None = None) -> Sources:
    """Load ontology and shapes; then the given data files, or the whole data folder plus the states."""
    sources = Sources(
        ontology=read_turtle_folder(settings.ontology_dir, ONTOLOGY_GRAPH),
        shapes=read_turtle_folder(settings.shapes_dir),
    )
    if files is None:
        data = sorted(p for p in settings.data_dir.rglob("*") if p.suffix.lower() in FORMATS)
        if not data:
            raise DataError(f"{settings.data_dir}: no .trig data files")
        load_files(data, sources)
        curated = settings.data_dir / "curated"
        members, observers = read_un_lists(curated)
        generated = [("(generated: ISO 3166-1 states)", states_graph(curated, members, observers)),
                     (str(curated / "un-members.csv"), un_membership_graph(curated, members, observers))]
        generated += [(str(path), g) for path, g in list_graphs(settings.data_dir / "memberships")]
        for origin, g in generated:
            sources.graphs[g.identifier] = g
            if not origin.startswith("("):
                sources.files.append(Path(origin))
            for s in set(g.subjects()):
                sources.files_of_subject[s].add(origin)
    else:
        load_files([Path(p) for p in files], sources)
    return sources


__all__ = ["Sources", "load_sources", "read_data_file", "read_turtle_folder"]
