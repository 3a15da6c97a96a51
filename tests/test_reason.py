"""The build's fast paths give what the generic tools give: the direct OWL RL closure the same inferred
graph and errors as owlrl, and pyoxigraph's TriG reading the same triples as rdflib's parser."""
from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import BNode, Dataset, Graph

from conftest import REPO
from iscm_graph.config import load_settings
from iscm_graph.pipeline.sources import load_sources, read_data_file
from iscm_graph.pipeline.reason import InconsistentError, _direct_closure_applies, infer, reasoning_input

HERE = Path(__file__).parent


@pytest.fixture(scope="module")
def sources():
    return load_sources(load_settings(source_dir=REPO, build_dir=HERE / "unused"))


def _outcome(sources, engine):
    try:
        return "inferred", set(infer(sources.ontology, sources.data_union(), engine=engine))
    except InconsistentError as exc:
        return "inconsistent", str(exc)


def test_direct_closure_applies_to_the_project_ontology(sources):
    assert _direct_closure_applies(reasoning_input(sources.ontology, sources.data_union()))


def test_direct_closure_equals_owlrl_on_the_data(sources):
    direct, generic = _outcome(sources, "direct"), _outcome(sources, "owlrl")
    assert direct[0] == generic[0] == "inferred"
    assert direct[1] == generic[1]
    assert len(direct[1]) > 1000


@pytest.mark.parametrize("name", ["two-kinds", "no-theme", "count-not-integer"])
def test_direct_closure_equals_owlrl_on_broken_files(name):
    sources = load_sources(load_settings(source_dir=REPO, build_dir=HERE / "unused"),
                           files=[HERE / "broken" / f"{name}.trig"])
    assert _outcome(sources, "direct") == _outcome(sources, "owlrl")


def test_ill_typed_literal_is_inconsistent_either_way(tmp_path):
    bad = tmp_path / "bad.trig"
    bad.write_text("""@prefix iscm: <https://w3id.org/iscm/ontology#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://w3id.org/iscm/graph/t> { <https://w3id.org/iscm/id/test/m>
    iscm:declaredMemberCount "many"^^xsd:nonNegativeInteger . }""", encoding="utf-8")
    sources = load_sources(load_settings(source_dir=REPO, build_dir=tmp_path), files=[bad])
    direct = _outcome(sources, "direct")
    assert direct == _outcome(sources, "owlrl")
    assert direct[0] == "inconsistent" and "'many' does not match" in direct[1]


def test_other_owl_constructs_go_to_owlrl(sources):
    from rdflib.namespace import OWL, RDF
    combined = reasoning_input(sources.ontology, sources.data_union())
    prop = next(combined.subjects(RDF.type, OWL.ObjectProperty))
    combined.add((prop, RDF.type, OWL.TransitiveProperty))
    assert not _direct_closure_applies(combined)


def _without_blank_nodes(triples):
    return {t for t in triples if not any(isinstance(x, BNode) for x in t)}


@pytest.mark.parametrize("path", sorted((REPO / "data").rglob("*.trig")), ids=lambda p: p.name)
def test_fast_trig_reading_equals_rdflib(path):
    iri, fast = read_data_file(path)
    ds = Dataset()
    ds.parse(path, format="trig")
    slow = Graph()
    slow += ds.graph(iri)
    assert len(fast) == len(slow)
    assert _without_blank_nodes(fast) == _without_blank_nodes(slow)
    assert sum(isinstance(s, BNode) for s, _, _ in fast) == sum(isinstance(s, BNode) for s, _, _ in slow)
