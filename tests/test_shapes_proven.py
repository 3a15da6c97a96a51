"""Every required constraint is proven to bite: each shape whose results are violations has a
broken file under tests/broken/ that triggers it and no other. A new shape without its broken file,
or a broken file that trips several shapes (or none), fails here."""
from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import RDF, SH

from conftest import REPO
from iscm_graph.config import load_settings
from iscm_graph.pipeline.check import check
from iscm_graph.pipeline.reason import InconsistentError
from iscm_graph.pipeline.validate import ATTRIBUTION

# the checks that are not SHACL shapes: one on the named graphs, one by the OWL 2 RL reasoner
CONSISTENCY = "consistent with the ontology (OWL 2 RL)"
DATASET_CHECKS = {ATTRIBUTION, CONSISTENCY}

BROKEN = sorted((Path(__file__).parent / "broken").glob("*.trig"))
# what only selects, names or groups: a shape with nothing else produces no result of its own
_NOT_CONSTRAINTS = {SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.property,
                    SH.name, SH.severity, SH.message, SH.description, SH.path, SH.deactivated, SH.order,
                    SH.group, RDF.type}


def _shapes_graph() -> Graph:
    g = Graph()
    for path in sorted((REPO / "shapes").glob("*.ttl")):
        g.parse(path, format="turtle")
    return g


def violation_shapes() -> dict[str, object]:
    """sh:name -> shape, for every top-level node shape and every property shape whose results are
    violations (sh:severity, sh:Violation when unsaid) and that constrains something itself."""
    g = _shapes_graph()
    candidates = set(g.subjects(RDF.type, SH.NodeShape)) | set(g.objects(None, SH.property))
    found = {}
    for shape in candidates:
        if not set(g.predicates(shape)) - _NOT_CONSTRAINTS:
            continue
        if (g.value(shape, SH.severity) or SH.Violation) != SH.Violation:
            continue
        name = g.value(shape, SH.name)
        assert name is not None, f"shape {shape} has no sh:name: its results could not be told apart"
        assert str(name) not in found, f"two shapes are named {name!r}"
        found[str(name)] = shape
    return found


@pytest.fixture(scope="module")
def triggered() -> dict[str, set[str]]:
    """broken file name -> the names of the violation shapes (and dataset checks) it triggers."""
    settings = load_settings(source_dir=REPO)
    found = {}
    for path in BROKEN:
        try:
            found[path.name] = {r.shape for r in check(settings, files=[path], with_data=False).report.violations}
        except InconsistentError:
            found[path.name] = {CONSISTENCY}
    return found


def test_the_shapes_are_found():
    shapes = violation_shapes()
    # the finder must see what is there: named, nested and SPARQL-based shapes alike
    assert {"founding year", "English preferred label", "plausible founding year",
            "geographic scope is a region"} <= set(shapes)
    assert "geographic scope" not in shapes            # a warning, not a violation


@pytest.mark.parametrize("path", BROKEN, ids=[p.stem for p in BROKEN])
def test_each_broken_file_triggers_exactly_one_check(triggered, path):
    assert len(triggered[path.name]) == 1, f"{path.name} triggers {sorted(triggered[path.name]) or 'nothing'}"


def test_every_violation_shape_has_a_broken_file(triggered):
    required = set(violation_shapes()) | DATASET_CHECKS
    proven = set().union(*triggered.values())
    assert not required - proven, f"no broken file triggers: {sorted(required - proven)}"
    assert not proven - required, f"broken files trigger unknown checks: {sorted(proven - required)}"
