"""SHACL validation with pyshacl over sources + inferred triples, and a report people can act on."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass

import pyshacl
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import PROV, RDF, SH

from iscm_graph.pipeline.sources import Sources
from iscm_graph.namespaces import ISCM

SHAPES_NS = Namespace("https://w3id.org/iscm/shapes#")


@dataclass(frozen=True)
class Result:
    severity: str          # "Violation" | "Warning" | "Info"
    focus: str
    path: str | None
    value: str | None
    message: str
    shape: str
    files: tuple[str, ...]

    def line(self) -> str:
        where = ", ".join(self.files) or "(no file)"
        extra = f" [{self.path}]" if self.path else ""
        return f"{self.severity}: {where}: {self.focus}{extra}: {self.message} ({self.shape})"


@dataclass
class Report:
    results: list[Result]
    graph: Graph

    @property
    def violations(self) -> list[Result]:
        return [r for r in self.results if r.severity == "Violation"]

    @property
    def warnings(self) -> list[Result]:
        return [r for r in self.results if r.severity != "Violation"]

    @property
    def conforms(self) -> bool:
        return not self.violations

    def about(self, keep) -> "Report":
        """The report with only the results `keep(result)` accepts, in its graph too."""
        kept = [r for r in self.results if keep(r)]
        graph = Graph()
        graph += self.graph
        root = graph.value(predicate=RDF.type, object=SH.ValidationReport)
        wanted = {(r.focus, r.path, r.message) for r in kept}
        for node in list(graph.objects(root, SH.result)):
            key = (_short(graph.value(node, SH.focusNode)), _short(graph.value(node, SH.resultPath)),
                   str(graph.value(node, SH.resultMessage)))
            if key not in wanted:
                graph.remove((root, SH.result, node))
                graph.remove((node, None, None))
        graph.set((root, SH.conforms, Literal(not any(r.severity == "Violation" for r in kept))))
        return Report(results=kept, graph=graph)

    def render(self, fmt: str) -> str:
        if fmt == "turtle":
            return self.graph.serialize(format="turtle")
        if fmt == "json":
            return json.dumps({"conforms": self.conforms,
                               "violations": len(self.violations),
                               "warnings": len(self.warnings),
                               "results": [asdict(r) for r in self.results]},
                              ensure_ascii=False, indent=2)
        lines = [r.line() for r in self.results]
        lines.append(f"{'Conforms' if self.conforms else 'Does not conform'}: "
                     f"{len(self.violations)} violation(s), {len(self.warnings)} warning(s)")
        return "\n".join(lines)


ATTRIBUTION = "every declared count attributed to a source"


def attribution_results(sources: Sources) -> list[Result]:
    """A check on the named graphs themselves (SHACL sees one graph, not where each statement sits):
    every statement of a property the ontology marks iscm:attributionRequired must sit in a graph
    that names the source document it comes from (prov:wasDerivedFrom)."""
    props = sorted(set(sources.ontology.subjects(ISCM.attributionRequired, Literal(True))))
    results = []
    for iri, g in sources.graphs.items():
        if next(g.objects(iri, PROV.wasDerivedFrom), None) is not None:
            continue
        for p in props:
            for s, o in g.subject_objects(p):
                results.append(Result(
                    severity="Violation", focus=_short(s), path=str(p), value=_short(o),
                    message=f"The count {o} ({p}) is not in a graph that names its source document "
                            f"(prov:wasDerivedFrom): graph {iri}.",
                    shape=ATTRIBUTION, files=tuple(sorted(sources.files_of_subject.get(s, ())))))
    return results


def _add_to_report(report: Graph, results: list[Result]) -> None:
    """The dataset-level results in the SHACL report graph too, so every rendering lists them."""
    root = report.value(predicate=RDF.type, object=SH.ValidationReport)
    for r in results:
        node = BNode()
        report.add((root, SH.result, node))
        report.add((node, RDF.type, SH.ValidationResult))
        report.add((node, SH.resultSeverity, SH.Violation))
        report.add((node, SH.focusNode, URIRef(r.focus)))
        report.add((node, SH.resultPath, URIRef(r.path)))
        report.add((node, SH.resultMessage, Literal(r.message)))
        report.add((node, SH.sourceShape, SHAPES_NS.CountAttribution))
    if results:
        report.set((root, SH.conforms, Literal(False)))


class _QueryCachingGraph(Graph):
    """A graph that parses each SPARQL query text once. pyshacl runs a SPARQL constraint as the same
    text once per focus node (with $this bound), and rdflib would parse it every time: most of the
    validation's time went there."""

    def __init__(self):
        super().__init__()
        self._prepared: dict = {}

    def query(self, query_object, processor="sparql", result="sparql", initNs=None, initBindings=None,
              use_store_provided=True, **kwargs):
        if isinstance(query_object, str) and processor == "sparql" and not kwargs:
            # as Graph.query does: the graph's prefixes unless others are given
            namespaces = initNs or dict(self.namespaces())
            key = (query_object, tuple(sorted((k, str(v)) for k, v in namespaces.items())))
            prepared = self._prepared.get(key)
            if prepared is None:
                from rdflib.plugins.sparql import prepareQuery
                prepared = self._prepared[key] = prepareQuery(query_object, initNs=namespaces)
            query_object = prepared
        return super().query(query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs)


def _short(term) -> str | None:
    if term is None:
        return None
    if isinstance(term, BNode):
        return "(blank node)"
    return str(term)


def _shape_name(report: Graph, shape) -> str:
    name = report.value(shape, SH.name)
    return str(name) if name else _short(shape)


def validate_graphs(sources: Sources, derived: Graph) -> Report:
    """SHACL over what the sources state plus the derived memberships (`derived`), with the
    ontology in the data graph for its class hierarchy (sh:class and targets follow
    rdfs:subClassOf); plus the dataset-level attribution check."""
    data = _QueryCachingGraph()
    for g in (*sources.graphs.values(), derived, sources.ontology):
        data.addN((s, p, o, data) for s, p, o in g)
    # The data graph is this function's own copy: pyshacl may use it in place instead of cloning it
    # (its rules, which would add to it, are not used by the shapes).
    _, report_graph, _ = pyshacl.validate(
        data, shacl_graph=sources.shapes, inference="none", inplace=True,
        advanced=True, allow_warnings=True, abort_on_first=False)
    results = []
    for r in report_graph.subjects(RDF.type, SH.ValidationResult):
        focus = report_graph.value(r, SH.focusNode)
        shape = report_graph.value(r, SH.sourceShape)
        messages = [str(m) for m in report_graph.objects(r, SH.resultMessage)]
        severity = report_graph.value(r, SH.resultSeverity)
        results.append(Result(
            severity=str(severity).rsplit("#", 1)[-1],
            focus=_short(focus),
            path=_short(report_graph.value(r, SH.resultPath)),
            value=_short(report_graph.value(r, SH.value)),
            message=messages[0] if messages else "constraint not met",
            shape=_shape_name(sources.shapes, shape) if shape is not None else "",
            files=tuple(sorted(sources.files_of_subject.get(focus, ()))),
        ))
    attribution = attribution_results(sources)
    _add_to_report(report_graph, attribution)
    results += attribution
    results.sort(key=lambda r: (r.severity != "Violation", r.files, r.focus, r.message))
    return Report(results=results, graph=report_graph)


__all__ = ["Report", "Result", "validate_graphs", "attribution_results", "ATTRIBUTION"]
