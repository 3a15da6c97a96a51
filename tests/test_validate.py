"""`iscm-graph validate`: each deliberately broken file fails with the message its shape gives."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

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
    out = run_cli("--source", REPO, "validate", path)
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
