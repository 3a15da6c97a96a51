"""The one check `validate` and `build` both run: ingest → derive → reason → validate.

SHACL sees what the sources state plus the derived memberships, never the OWL RL entailments: the
reasoner types every object through `rdfs:range`, so with its output a class constraint
(`sh:class`) could never fail (a region that is really a theme would pass). OWL RL still runs, on
the stated data, to find inconsistencies and to make the published inferred graph."""
from __future__ import annotations

import datetime as dt
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF

from iscm_graph.namespaces import INFERRED_GRAPH, ISCM, ONTOLOGY_GRAPH
from iscm_graph.pipeline.derive import derive as derive_memberships, derive_input
from iscm_graph.pipeline.reason import infer
from iscm_graph.pipeline.sources import Sources, load_sources
from iscm_graph.pipeline.validate import Report, validate_graphs


@dataclass
class Checked:
    sources: Sources
    inferred: Graph          # OWL RL entailments and derived memberships: the published inferred graph
    report: Report

    @property
    def graphs(self) -> list[Graph]:
        """Every graph a build writes: the ontology, the sources' graphs, the inferred graph."""
        return [self.sources.ontology, *self.sources.graphs.values(), self.inferred]


def _describe_inferred(inferred: Graph, sources: Sources) -> None:
    inferred.add((INFERRED_GRAPH, RDF.type, ISCM.SourceGraph))
    inferred.add((INFERRED_GRAPH, DCTERMS.description, Literal(
        "Triples entailed by the ontology (OWL 2 RL, owlrl) from the source and curated graphs; "
        "never edited by hand.", lang="en")))
    inferred.add((INFERRED_GRAPH, PROV.wasDerivedFrom, ONTOLOGY_GRAPH))
    for iri in sources.graphs:
        inferred.add((INFERRED_GRAPH, PROV.wasDerivedFrom, URIRef(iri)))


def check(settings, files: list[Path] | None = None, step=lambda name, label: nullcontext(),
          today: dt.date | None = None, with_data: bool = True) -> Checked:
    """Load the source folder, derive, reason and validate. With `files`, they are checked in the
    graph they would join (the data folder and them; only them without `with_data`), and the report
    keeps the results about what they state. `step(name, label)` gives a context manager around each
    stage (the build times them). Raises DataError for files that cannot be read and
    InconsistentError when the sources contradict the ontology."""
    with step("load", "[1/4] loading ontology, shapes and data"):
        sources = load_sources(settings, files, with_data)
    with step("reason", "[2/4] deriving memberships and reasoning (OWL 2 RL)"):
        data = list(sources.graphs.values())
        derived = derive_memberships(derive_input(data), today=today or dt.date.today())
        inferred = infer(sources.ontology, data)
        inferred += derived
        _describe_inferred(inferred, sources)
    with step("validate", "[3/4] validating (SHACL)"):
        report = validate_graphs(sources, derived)
    if files and with_data:
        given = {str(p) for p in files}
        report = report.about(lambda r: bool(given & set(r.files)))
    return Checked(sources, inferred, report)
