"""Read the ontology, the shapes and the data files into graphs, remembering which file said what."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset, Graph, URIRef

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

    def data_union(self) -> Graph:
        union = Graph()
        for g in self.graphs.values():
            union += g
        return union


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
    if not isinstance(iri, URIRef) or not str(iri).startswith(str(GRAPH)):
        raise DataError(f"{path}: graph {iri} is not under {GRAPH}")
    if iri in RESERVED_GRAPHS:
        raise DataError(f"{path}: graph {iri} is written by the build, not by data files")
    plain = Graph(identifier=iri)
    plain += graph
    return iri, plain


def load_files(paths: list[Path], sources: Sources) -> None:
    for path in paths:
        iri, g = read_data_file(path)
        sources.files.append(path)
        target = sources.graphs.setdefault(iri, Graph(identifier=iri))
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
