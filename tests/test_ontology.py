"""The ontology documents every term it defines, and defines every term the project uses."""
from __future__ import annotations

import re

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from conftest import REPO
from iscm_graph.pipeline.sources import read_turtle_folder
from iscm_graph.namespaces import ISCM

ONTOLOGY = read_turtle_folder(REPO / "ontology")
TERMS = {s for s in ONTOLOGY.subjects() if isinstance(s, URIRef) and str(s).startswith(str(ISCM))}
MODULE_FILES = sorted((REPO / "ontology").glob("*.ttl"))
CORE = URIRef("https://w3id.org/iscm/ontology")


def _module(path) -> Graph:
    g = Graph()
    g.parse(path, format="turtle")
    return g


def header_problems(g: Graph) -> list[str]:
    """What a module's graph lacks: one owl:Ontology whose owl:versionIRI is `{ontology}/{versionInfo}`,
    with a prior version and a change note dated for that version."""
    heads = list(g.subjects(RDF.type, OWL.Ontology))
    if len(heads) != 1:
        return [f"{len(heads)} owl:Ontology headers"]
    head, problems = heads[0], []
    version, info = g.value(head, OWL.versionIRI), g.value(head, OWL.versionInfo)
    if version is None or info is None or str(version) != f"{head}/{info}":
        problems.append(f"{head}: owl:versionIRI {version} is not {{ontology}}/{{owl:versionInfo {info}}}")
    if g.value(head, OWL.priorVersion) is None:
        problems.append(f"{head}: no owl:priorVersion")
    if info is not None and not any(f"({info})" in str(n) for n in g.objects(head, SKOS.changeNote)):
        problems.append(f"{head}: no skos:changeNote for version {info}")
    if {l.language for l in g.objects(head, DCTERMS.title)} < {"en", "ar"}:
        problems.append(f"{head}: dcterms:title in English and Arabic")
    return problems


def defined_by_problems(g: Graph) -> list[str]:
    """Terms of a module that do not name the module's ontology (alone) with rdfs:isDefinedBy."""
    heads = list(g.subjects(RDF.type, OWL.Ontology))
    terms = {s for s in g.subjects() if isinstance(s, URIRef) and str(s).startswith(str(ISCM))}
    return sorted(str(t) for t in terms if set(g.objects(t, RDFS.isDefinedBy)) != set(heads[:1]))


def test_version_iri():
    assert (CORE, RDF.type, OWL.Ontology) in ONTOLOGY
    assert ONTOLOGY.value(CORE, OWL.versionIRI) is not None


def test_three_modules():
    heads = {path.name: set(_module(path).subjects(RDF.type, OWL.Ontology)) for path in MODULE_FILES}
    assert heads == {"iscm.ttl": {CORE}, "iscm-gcm.ttl": {URIRef(CORE + "/gcm")},
                     "iscm-events.ttl": {URIRef(CORE + "/events")}}
    assert set(ONTOLOGY.objects(CORE, DCTERMS.hasPart)) == {URIRef(CORE + "/gcm"), URIRef(CORE + "/events")}


@pytest.mark.parametrize("path", MODULE_FILES, ids=lambda p: p.name)
def test_every_module_has_a_versioned_header(path):
    assert not header_problems(_module(path))


@pytest.mark.parametrize("path", MODULE_FILES, ids=lambda p: p.name)
def test_every_term_is_defined_by_its_module(path):
    assert not defined_by_problems(_module(path))


def test_the_module_checks_can_fail():
    g = _module(REPO / "ontology" / "iscm-gcm.ttl")
    head = next(g.subjects(RDF.type, OWL.Ontology))
    g.remove((ISCM.UNDocument, RDFS.isDefinedBy, None))
    g.add((ISCM.mentions, RDFS.isDefinedBy, CORE))
    assert defined_by_problems(g) == [str(ISCM.UNDocument), str(ISCM.mentions)]
    g.set((head, OWL.versionInfo, Literal("9.9.9")))
    g.remove((head, OWL.priorVersion, None))
    assert len(header_problems(g)) == 3
    g.remove((head, RDF.type, OWL.Ontology))
    assert header_problems(g) == ["0 owl:Ontology headers"]


def test_every_term_has_english_and_arabic_labels_and_a_definition():
    missing = []
    for term in TERMS:
        langs = {l.language for l in ONTOLOGY.objects(term, RDFS.label)}
        if not {"en", "ar"} <= langs or ONTOLOGY.value(term, SKOS.definition) is None:
            missing.append(str(term))
    assert not missing, missing


def test_every_iscm_term_used_is_defined():
    used: dict[str, set[str]] = {}
    pattern = re.compile(r"https://w3id\.org/iscm/ontology#(\w+)")
    for path in sorted((REPO / "data").rglob("*.trig")):
        ds = Dataset()
        ds.parse(path, format="trig")
        for quad in ds.quads():
            for term in quad[:3]:
                m = pattern.fullmatch(str(term))
                if m:
                    used.setdefault(m.group(1), set()).add(path.name)
    code = list((REPO / "src" / "iscm_graph").rglob("*.py"))
    for path in list((REPO / "shapes").glob("*.ttl")) + list((REPO / "queries").glob("*.rq")) + code:
        text = path.read_text(encoding="utf-8")
        for name in re.findall(r"\biscm:(\w+)", text) + pattern.findall(text) + re.findall(r"\bISCM\.(\w+)", text):
            used.setdefault(name, set()).add(path.name)
    undefined = {name: files for name, files in used.items() if ISCM[name] not in TERMS}
    assert not undefined, undefined


def test_the_three_kinds_are_disjoint_and_aligned_to_org():
    members = set()
    for node in ONTOLOGY.subjects(RDF.type, OWL.AllDisjointClasses):
        members |= set(ONTOLOGY.items(ONTOLOGY.value(node, OWL.members)))
    assert {ISCM.RegionalConsultativeProcess, ISCM.InterRegionalForum, ISCM.GlobalProcess} <= members
    assert (ISCM.ConsultationMechanism, RDFS.subClassOf, URIRef("http://www.w3.org/ns/org#OrganizationalCollaboration")) in ONTOLOGY
    assert (ISCM.hasMember, OWL.inverseOf, ISCM.memberOf) in ONTOLOGY
    assert (ISCM.hasMember, RDFS.subPropertyOf, URIRef("http://www.w3.org/ns/org#hasMember")) in ONTOLOGY


def test_shapes_have_names_messages_and_severities():
    from rdflib.namespace import SH

    shapes = read_turtle_folder(REPO / "shapes")
    for shape in set(shapes.subjects(RDF.type, SH.NodeShape)) | set(shapes.subjects(RDF.type, SH.PropertyShape)):
        assert shapes.value(shape, SH.name) is not None, shape
    for shape in shapes.subjects(SH.path, None):
        if shapes.value(shape, SH.name) is None:
            continue
        assert shapes.value(shape, SH.message) is not None, shape
    severities = set(shapes.objects(None, SH.severity))
    assert {SH.Violation, SH.Warning} <= severities
