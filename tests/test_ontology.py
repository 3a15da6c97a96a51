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


# ---------------------------------------------------------------- one way to state each fact (ontology/README.md)

ORG_NS = "http://www.w3.org/ns/org#"
INFERRED = "https://w3id.org/iscm/graph/inferred"
ONTOLOGY_GRAPH = "https://w3id.org/iscm/graph/ontology"
DEPRECATED = {t for t in TERMS if (t, OWL.deprecated, Literal(True)) in ONTOLOGY}
CLASSES = {t for t in TERMS if (t, RDF.type, OWL.Class) in ONTOLOGY}
# the deprecated terms a graph may still use, by graph: the inferred graph keeps the territory flag
# for older queries
ALLOWED_DEPRECATED = {(INFERRED, str(ISCM.isTerritory))}
# shortcuts kept on purpose as derived conveniences: the build states them in the inferred graph only
DERIVED = {str(ISCM.hasMember), str(ISCM.memberOf), ORG_NS + "hasMember", ORG_NS + "memberOf",
           str(ISCM.hasSecretariat), str(ISCM.secretariatOf)}
# annotation properties that annotate (labels, tooling marks, the kinds' link to their class)
ANNOTATIONS = {ISCM.comparedAcrossSources, ISCM.comparedWith, ISCM.attributionRequired, ISCM.sourceLabel,
               ISCM.kindClass}


def deprecated_uses(quads) -> set[tuple[str, str]]:
    """(graph, term) for every deprecated term a graph other than the ontology's uses, unless allowed."""
    names = {str(t) for t in DEPRECATED}
    return {(g, t) for s, p, o, g in quads for t in (s, p, o)
            if t in names and g != ONTOLOGY_GRAPH and (g, t) not in ALLOWED_DEPRECATED}


def derived_outside_inferred(quads) -> set[tuple[str, str]]:
    """(graph, property) for every derived convenience stated in a graph other than the inferred one."""
    return {(g, p) for s, p, o, g in quads if p in DERIVED and g != INFERRED}


def class_misuses(quads) -> set[tuple[str, str, str, str]]:
    """Statements of data graphs about an ontology class, or naming one other than by rdf:type (or the
    kinds' iscm:kindClass, or rdf:object of the reified copy of an rdf:type statement that carries its
    line reference): kinds are said of their iscm:ActorKind concepts."""
    names = {str(c) for c in CLASSES}
    ok = {str(RDF.type), str(ISCM.kindClass), str(RDF.object)}
    return {(s, p, o, g) for s, p, o, g in quads
            if g != ONTOLOGY_GRAPH and (s in names or (o in names and p not in ok))}


@pytest.fixture(scope="module")
def build_quads(built) -> list[tuple[str, str, str, str]]:
    """Every statement of the build (data files, generated and inferred graphs), IRIs as strings."""
    import pyoxigraph as ox

    from iscm_graph.build_folder import DATASET

    def value(term):
        return term.value if isinstance(term, ox.NamedNode) else None
    return [(value(q.subject), q.predicate.value, value(q.object), q.graph_name.value)
            for q in ox.parse(path=str(built.path / DATASET), format=ox.RdfFormat.N_QUADS)]


def test_every_deprecated_term_names_its_replacement():
    assert len(DEPRECATED) >= 11
    for term in DEPRECATED:
        replacements = set(ONTOLOGY.objects(term, DCTERMS.isReplacedBy))
        assert replacements, f"{term} names no replacement (dcterms:isReplacedBy)"
        for r in replacements:
            assert r in TERMS and r not in DEPRECATED, f"{term} is replaced by {r}, not a current term"
        assert str(ONTOLOGY.value(term, SKOS.definition)).startswith("Deprecated since"), term
    replaced = set(ONTOLOGY.subjects(DCTERMS.isReplacedBy, None))
    assert replaced <= DEPRECATED, f"replaced but not deprecated: {sorted(replaced - DEPRECATED)}"


def test_annotation_properties_only_annotate():
    current = {t for t in TERMS if (t, RDF.type, OWL.AnnotationProperty) in ONTOLOGY} - DEPRECATED
    assert current == ANNOTATIONS


def test_no_graph_uses_a_deprecated_term(build_quads):
    assert not deprecated_uses(build_quads)
    # the one allowed use is there: each territory keeps its flag in the inferred graph
    assert any(p == str(ISCM.isTerritory) and g == INFERRED for _, p, _, g in build_quads)


def test_derived_conveniences_only_in_the_inferred_graph(build_quads):
    assert not derived_outside_inferred(build_quads)
    assert {p for _, p, _, g in build_quads if g == INFERRED} >= DERIVED


def test_data_says_nothing_about_ontology_classes(build_quads):
    assert not class_misuses(build_quads)


def test_queries_shapes_and_code_use_no_deprecated_term():
    names = {str(t)[len(str(ISCM)):] for t in DEPRECATED}
    allowed = {("derive.py", "isTerritory")}     # writes the flag into the inferred graph
    found = set()
    code = list((REPO / "src" / "iscm_graph").rglob("*.py"))
    for path in list((REPO / "shapes").glob("*.ttl")) + list((REPO / "queries").glob("*.rq")) + code:
        text = path.read_text(encoding="utf-8")
        for name in set(re.findall(r"\biscm:(\w+)", text) + re.findall(r"\bISCM\.(\w+)", text)
                        + re.findall(r"https://w3id\.org/iscm/ontology#(\w+)", text)) & names:
            found.add((path.name, name))
    assert found == allowed


def test_the_data_checks_can_fail():
    data = "https://w3id.org/iscm/graph/source/000"
    mech, kind = "https://w3id.org/iscm/id/mechanism/mtm", str(ISCM.RegionalConsultativeProcess)
    bad = [(mech, str(ISCM.classifiedAs), kind, data),                      # deprecated, and a class as value
           (kind, str(ISCM.declaredMechanismCount), None, data),            # deprecated, on a class
           ("https://w3id.org/iscm/id/state/pri", str(ISCM.isTerritory), None, data),
           (mech, str(ISCM.hasSecretariat), "https://w3id.org/iscm/id/organization/icmpd", data),
           (mech, str(RDF.type), kind, data)]                               # fine
    assert deprecated_uses(bad) == {(data, str(ISCM.classifiedAs)), (data, str(ISCM.declaredMechanismCount)),
                                    (data, str(ISCM.isTerritory))}
    assert derived_outside_inferred(bad) == {(data, str(ISCM.hasSecretariat))}
    assert class_misuses(bad) == {bad[0][:3] + (data,), bad[1][:3] + (data,)}
    assert not deprecated_uses([("https://w3id.org/iscm/id/state/pri", str(ISCM.isTerritory), None, INFERRED)])
