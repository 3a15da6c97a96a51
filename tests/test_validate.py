"""`iscm-graph validate`: each deliberately broken file fails with the message its shape gives."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from rdflib import Literal
from rdflib.namespace import SKOS

from conftest import REPO, run_cli

HERE = Path(__file__).parent
BROKEN = sorted((HERE / "broken").glob("*.trig"))


def expected_message(path: Path) -> str:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# expect: "), f"{path.name} must start with '# expect: <message>'"
    return first[len("# expect: "):]


def test_there_is_a_broken_file_for_each_required_shape():
    assert len(BROKEN) >= 10


@pytest.mark.parametrize("path", BROKEN, ids=[p.stem for p in BROKEN])
def test_broken_file_is_refused_with_its_message(path):
    out = run_cli("--source", REPO, "validate", "--alone", path)
    assert out.returncode == 1, out.stdout + out.stderr
    violations = [line for line in out.stdout.splitlines() if line.startswith("Violation")]
    assert violations, out.stdout
    assert any(expected_message(path) in line for line in out.stdout.splitlines()), out.stdout
    assert str(path) in violations[0]                      # the report names the file


def test_valid_file_conforms():
    out = run_cli("--source", REPO, "validate", HERE / "valid" / "minimal.trig")
    assert out.returncode == 0, out.stdout
    assert "Conforms: 0 violation(s)" in out.stdout


def test_json_report_format():
    out = run_cli("--source", REPO, "validate", "--format", "json", HERE / "broken" / "no-theme.trig")
    assert out.returncode == 1
    report = json.loads(out.stdout)
    assert report["conforms"] is False and report["violations"] == 1
    assert report["results"][0]["focus"] == "https://w3id.org/iscm/id/test/m"


def test_turtle_report_format_parses():
    from rdflib import Graph
    from rdflib.namespace import SH

    out = run_cli("--source", REPO, "validate", "--format", "turtle", HERE / "broken" / "no-theme.trig")
    g = Graph().parse(data=out.stdout, format="turtle")
    assert len(list(g.subjects(predicate=SH.resultMessage))) == 1


def test_unparsable_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.trig"
    bad.write_text("<https://w3id.org/iscm/graph/x> { <a> <b> ", encoding="utf-8")
    out = run_cli("--source", REPO, "validate", bad)
    assert out.returncode == 2
    assert str(bad) in out.stderr and "not valid TRIG" in out.stderr and "Traceback" not in out.stderr


def test_triples_outside_a_graph_are_refused(tmp_path):
    bad = tmp_path / "default.trig"
    bad.write_text("<https://w3id.org/iscm/id/x> <http://www.w3.org/2000/01/rdf-schema#label> \"x\" .\n",
                   encoding="utf-8")
    out = run_cli("--source", REPO, "validate", bad)
    assert out.returncode == 2 and "outside any GRAPH block" in out.stderr


def test_whole_data_folder_conforms():
    out = run_cli("--source", REPO, "validate")
    assert out.returncode == 0, out.stdout[-3000:]


def _source_copy(tmp_path) -> Path:
    source = tmp_path / "source"
    for folder in ("ontology", "shapes", "data", "queries"):
        shutil.copytree(REPO / folder, source / folder)
    return source


def test_a_theme_as_geographic_scope_fails_validate_and_build(tmp_path):
    """Validation sees the stated data, not the reasoner's output: rdfs:range would type the theme
    as a region, and the class constraint could never fail."""
    source = _source_copy(tmp_path)
    data = source / "data" / "sources" / "000.trig"
    text = data.read_text(encoding="utf-8")
    assert "iscm:geographicScope region:eurasia ;" in text
    data.write_text(text.replace("iscm:geographicScope region:eurasia ;",
                                 "iscm:geographicScope theme:labour-migration ;", 1), encoding="utf-8")
    validated = run_cli("--source", source, "validate")
    assert validated.returncode == 1, validated.stdout[-2000:]
    lines = [line for line in validated.stdout.splitlines() if line.startswith("Violation")]
    # one violation, naming the file, the property and what it must point to
    assert len(lines) == 1, lines
    assert "[https://w3id.org/iscm/ontology#geographicScope]" in lines[0] and str(data) in lines[0]
    assert "must point to an iscm:Region" in lines[0]
    built = run_cli("--source", source, "--build-dir", tmp_path / "build", "build")
    assert built.returncode == 1 and "geographicScope" in built.stderr, built.stderr[-2000:]
    assert not (tmp_path / "build" / "current").exists()


def test_the_data_passes_validate_and_build_alike(tmp_path):
    source = _source_copy(tmp_path)
    assert run_cli("--source", source, "validate").returncode == 0
    built = run_cli("--source", source, "--build-dir", tmp_path / "build", "build")
    assert built.returncode == 0, built.stderr[-2000:]


def test_turtle_and_ntriples_are_validated(tmp_path):
    """Files of bare triples count as one submitted graph each (in Turtle, `<>` names it, so it can
    name its source); exit codes 0 (conforms), 1 (does not conform), 2 (cannot be read)."""
    from rdflib import Dataset, Graph, URIRef
    ds = Dataset()
    ds.parse(HERE / "valid" / "minimal.trig", format="trig")
    triples = Graph()
    for s, p, o, _ in ds.quads((None, None, None, None)):
        if s != URIRef("https://w3id.org/iscm/graph/test"):
            triples.add((s, p, o))
    good = tmp_path / "contribution.ttl"
    good.write_text(triples.serialize(format="turtle") + "\n<> a <https://w3id.org/iscm/ontology#SourceGraph> ; "
                    "<http://www.w3.org/ns/prov#wasDerivedFrom> <https://example.org/a-document> .\n",
                    encoding="utf-8")
    out = run_cli("--source", REPO, "validate", good)
    assert out.returncode == 0 and "Conforms: 0 violation(s)" in out.stdout, out.stdout + out.stderr
    nt = tmp_path / "contribution.nt"
    triples.remove((None, SKOS.prefLabel, Literal("حوار تجريبي", lang="ar")))
    nt.write_text(triples.serialize(format="nt"), encoding="utf-8")
    out = run_cli("--source", REPO, "validate", nt)
    assert out.returncode == 1 and "Arabic" in out.stdout and str(nt) in out.stdout, out.stdout
    bad = tmp_path / "broken.ttl"
    bad.write_text("<https://w3id.org/iscm/id/x> <p> ", encoding="utf-8")
    out = run_cli("--source", REPO, "validate", bad)
    assert out.returncode == 2 and str(bad) in out.stderr and "not valid TURTLE" in out.stderr


def test_files_are_checked_in_the_graph_they_join(tmp_path):
    """A contribution that points at themes and regions of the data folder conforms there; alone,
    those are unknown things and the class constraints say so."""
    contribution = tmp_path / "contribution.ttl"
    contribution.write_text("""
@prefix iscm: <https://w3id.org/iscm/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .
<> a iscm:SourceGraph ; prov:wasDerivedFrom <https://example.org/a-report> .
<https://w3id.org/iscm/id/mechanism/new-dialogue> a iscm:RegionalConsultativeProcess ;
    skos:prefLabel "New dialogue"@en , "حوار جديد"@ar ;
    iscm:foundingYear "2024"^^xsd:gYear ;
    iscm:thematicFocus <https://w3id.org/iscm/id/theme/labour-migration> ;
    iscm:geographicScope <https://w3id.org/iscm/id/region/africa> ;
    iscm:declaredMemberCount "12"^^xsd:nonNegativeInteger .
""", encoding="utf-8")
    joined = run_cli("--source", REPO, "validate", contribution)
    assert joined.returncode == 0 and "Conforms: 0 violation(s), 0 warning(s)" in joined.stdout, joined.stdout
    alone = run_cli("--source", REPO, "validate", "--alone", contribution)
    assert alone.returncode == 1
    assert "(at least one thematic area)" in alone.stdout and "(geographic scope is a region)" in alone.stdout
