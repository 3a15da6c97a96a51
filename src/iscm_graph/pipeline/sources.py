"""Read the ontology, the shapes and the data files into graphs, remembering which file said what."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef

from iscm_graph.errors import DataError
from iscm_graph.namespaces import ONTOLOGY_GRAPH
from iscm_graph.pipeline.line_refs import line_graphs
from iscm_graph.pipeline.membership_lists import list_graphs, un_membership_graph
from iscm_graph.pipeline.rdf_files import read_data_file, read_turtle_folder
from iscm_graph.pipeline.states import read_un_lists, states_graph
from iscm_graph.pipeline.untrusted import FORMATS
from iscm_graph.pipeline.wikidata_links import MAPPING_FILE, wikidata_graph


@dataclass
class Sources:
    """Everything the build reads: one graph per named graph, and where each subject was stated."""

    ontology: Graph
    shapes: Graph
    graphs: dict[URIRef, Graph] = field(default_factory=dict)
    files_of_subject: dict = field(default_factory=lambda: defaultdict(set))
    files: list[Path] = field(default_factory=list)
    texts: list[Path] = field(default_factory=list)     # the source documents' texts, the evidence

    def data_union(self, store: str = "default") -> Graph:
        union = Graph(store=store)
        for g in self.graphs.values():
            union += g
        return union


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


def _load_data_folder(settings, sources: Sources) -> None:
    """The data folder's files, the generated graphs (ISO 3166-1 states, UN and list memberships,
    the line references of the source graphs) and the source texts."""
    data = sorted(p for p in settings.data_dir.rglob("*") if p.suffix.lower() in FORMATS)
    if not data:
        raise DataError(f"{settings.data_dir}: no .trig data files")
    load_files(data, sources)
    curated = settings.data_dir / "curated"
    members, observers = read_un_lists(curated)
    generated = [("(generated: ISO 3166-1 states)", states_graph(curated, members, observers)),
                 (str(curated / "un-members.csv"), un_membership_graph(curated, members, observers)),
                 (str(curated / MAPPING_FILE), wikidata_graph(curated))]
    generated += [(str(path), g) for path, g in list_graphs(settings.data_dir / "memberships")]
    sources.texts = sorted(settings.texts_dir.glob("*.txt")) if settings.texts_dir.is_dir() else []
    generated += [(str(path), g) for path, g in
                  line_graphs(settings.data_dir / "sources" / "lines", sources.graphs, settings.texts_dir)]
    for origin, g in generated:
        sources.graphs[g.identifier] = g
        if not origin.startswith("("):
            sources.files.append(Path(origin))
        for s in set(g.subjects()):
            sources.files_of_subject[s].add(origin)


def load_sources(settings, files: list[Path] | None = None, with_data: bool = True) -> Sources:
    """Load ontology and shapes, the data folder (unless `with_data` is false: then `files` alone),
    and the given files, so that they are read in the graph they would join."""
    if not settings.ontology_dir.is_dir():
        raise DataError(f"source folder {settings.source_dir} has no ontology/ folder")
    sources = Sources(
        ontology=read_turtle_folder(settings.ontology_dir, ONTOLOGY_GRAPH),
        shapes=read_turtle_folder(settings.shapes_dir),
    )
    if files is None or with_data:
        _load_data_folder(settings, sources)
    if files:
        known = {p.resolve() for p in sources.files}
        load_files([Path(p) for p in files if Path(p).resolve() not in known], sources)
    return sources


__all__ = ["Sources", "load_sources", "load_files"]
