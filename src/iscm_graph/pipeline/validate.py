"""SHACL validation with pyshacl over sources + inferred triples, and a report people can act on."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass

import pyshacl
from rdflib import BNode, Graph, Literal
from rdflib.namespace import PROV, RDF, SH

from iscm_graph.pipeline.sources import Sources
from iscm_graph.namespaces import ISCM


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


def attribution_view(sources: Sources, ontology: Graph) -> Graph:
    """Reified statements saying which source each attribution-required triple comes from.

    SHACL sees one graph, not the named graphs, so the build spells out the provenance the shapes
    must check: for each statement of a property marked iscm:attributionRequired, the documents
    its graph was derived from.
    """
    props = set(ontology.subjects(ISCM.attributionRequired, Literal(True)))
    view = Graph()
    for iri, g in sources.graphs.items():
        origins = list(g.objects(iri, PROV.wasDerivedFrom))
        if not origins:
            continue
        for p in props:
            for s, o in g.subject_objects(p):
                st = BNode()
                view.add((st, RDF.subject, s))
                view.add((st, RDF.predicate, p))
                view.add((st, RDF.object, o))
                for origin in origins:
                    view.add((st, PROV.wasDerivedFrom, origin))
    return view


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


def validate_graphs(sources: Sources, inferred: Graph) -> Report:
    # The ontology goes into the data graph itself: shapes read its annotations (which properties
    # need attribution), and pyshacl only mixes an ont_graph in when it runs its own inference.
    data = _QueryCachingGraph()
    for g in (*sources.graphs.values(), inferred, sources.ontology, attribution_view(sources, sources.ontology)):
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
    results.sort(key=lambda r: (r.severity != "Violation", r.files, r.focus, r.message))
    return Report(results=results, graph=report_graph)


__all__ = ["Report", "Result", "validate_graphs", "attribution_view"]
