"""The ontology documents every term it defines, and defines every term the project uses."""
from __future__ import annotations

import re

from rdflib import Dataset, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from conftest import REPO
from iscm_graph.pipeline.sources import read_turtle_folder
from iscm_graph.namespaces import ISCM

ONTOLOGY = read_turtle_folder(REPO / "ontology")
TERMS = {s for s in ONTOLOGY.subjects() if isinstance(s, URIRef) and str(s).startswith(str(ISCM))}


def test_version_iri():
    onto = URIRef("https://w3id.org/iscm/ontology")
    assert (onto, RDF.type, OWL.Ontology) in ONTOLOGY
    assert ONTOLOGY.value(onto, OWL.versionIRI) is not None


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
