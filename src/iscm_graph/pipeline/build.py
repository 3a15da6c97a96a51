"""The build: load, reason and derive, validate, and only then write; a failed build never replaces
the last good one. Each step is a module of this package; this one runs them in order and times them."""
from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF

from iscm_graph.namespaces import INFERRED_GRAPH, ISCM, ONTOLOGY_GRAPH
from iscm_graph.pipeline.derive import derive as derive_memberships, derive_input
from iscm_graph.pipeline.reason import infer
from iscm_graph.pipeline.sources import Sources, load_sources
from iscm_graph.pipeline.validate import Report, validate_graphs
from iscm_graph.pipeline.write import build_lock, write_build

Progress = Callable[[str], None]


@dataclass
class BuildResult:
    report: Report
    graph_counts: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    path: Path | None = None            # the new build, when it conformed

    @property
    def ok(self) -> bool:
        return self.report.conforms and self.path is not None


class _Timer:
    def __init__(self, progress: Progress, timings: dict):
        self.progress, self.timings = progress, timings

    def step(self, name: str, label: str):
        timer = self

        class _Step:
            def __enter__(self):
                timer.progress(f"{label} ...")
                self.start = time.perf_counter()

            def __exit__(self, *exc):
                elapsed = time.perf_counter() - self.start
                timer.timings[name] = round(elapsed, 3)
                if exc[0] is None:
                    timer.progress(f"{label}: done in {elapsed:.2f} s")
        return _Step()


def _inferred_description(inferred: Graph, sources: Sources) -> None:
    inferred.add((INFERRED_GRAPH, RDF.type, ISCM.SourceGraph))
    inferred.add((INFERRED_GRAPH, DCTERMS.description, Literal(
        "Triples entailed by the ontology (OWL 2 RL, owlrl) from the source and curated graphs; "
        "never edited by hand.", lang="en")))
    inferred.add((INFERRED_GRAPH, PROV.wasDerivedFrom, ONTOLOGY_GRAPH))
    for iri in sources.graphs:
        inferred.add((INFERRED_GRAPH, PROV.wasDerivedFrom, URIRef(iri)))


def run_build(settings, progress: Progress = lambda msg: None) -> BuildResult:
    timings: dict[str, float] = {}
    timer = _Timer(progress, timings)
    started = time.perf_counter()
    with timer.step("load", "[1/4] loading ontology, shapes and data"):
        sources = load_sources(settings)
    with timer.step("reason", "[2/4] reasoning (OWL 2 RL) and deriving memberships"):
        data = list(sources.graphs.values())
        inferred = infer(sources.ontology, data)
        inferred += derive_memberships(derive_input([*data, inferred]), today=dt.date.today())
        _inferred_description(inferred, sources)
    with timer.step("validate", "[3/4] validating (SHACL)"):
        report = validate_graphs(sources, inferred)
    graphs = [sources.ontology, *sources.graphs.values(), inferred]
    result = BuildResult(report=report, timings=timings,
                         graph_counts={str(g.identifier): len(g) for g in graphs})
    if not report.conforms:
        timings["total"] = round(time.perf_counter() - started, 3)
        return result
    with timer.step("write", "[4/4] writing the build"), build_lock(Path(settings.build_dir)):
        timings["total"] = round(time.perf_counter() - started, 3)
        result.path = write_build(settings, sources.files + sources.texts, graphs, sources.shapes,
                                  sources.ontology, result.graph_counts, report, timings)
    timings["total"] = round(time.perf_counter() - started, 3)
    return result
