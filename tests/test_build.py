"""`iscm-graph build`: counts per graph, atomic swap, and a failed build keeps the last good one."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import REPO, run_cli
from iscm_graph.namespaces import INFERRED_GRAPH


def test_build_command_prints_counts_per_graph_and_time(tmp_path):
    out = run_cli("--source", REPO, "--build-dir", tmp_path, "build")
    assert out.returncode == 0, out.stderr[-3000:]
    assert "Triples per graph:" in out.stdout
    for graph in ("source/000", "source/001", "source/003", "source/004", "inferred", "ontology"):
        assert f"https://w3id.org/iscm/graph/{graph} " in out.stdout
    assert "Build time:" in out.stdout
    assert "15  regional consultative processes" in out.stdout
    manifest = json.loads((tmp_path / "current" / "manifest.json").read_text())
    assert manifest["graphs"]["https://w3id.org/iscm/graph/source/000"] > 300
    assert manifest["triples"] == sum(manifest["graphs"].values())


def test_build_writes_every_graph_and_a_manifest(built):
    manifest = json.loads((built.path / "manifest.json").read_text())
    lines = (built.path / "dataset.nq").read_text(encoding="utf-8").splitlines()
    assert len(lines) == manifest["triples"]
    assert lines == sorted(lines)
    graphs = {line.rsplit("<", 1)[1].split(">")[0] for line in lines}
    assert graphs == set(manifest["graphs"])


def test_source_graphs_are_not_changed_by_reasoning(built, settings):
    from iscm_graph.pipeline.sources import load_sources

    sources = load_sources(settings)
    manifest = json.loads((built.path / "manifest.json").read_text())
    for iri, g in sources.graphs.items():
        assert manifest["graphs"][str(iri)] == len(g), iri
    assert manifest["graphs"][str(INFERRED_GRAPH)] > 0


def test_inferred_graph_has_no_axiomatic_noise(store):
    from conftest import select
    noise = select(store, """SELECT (COUNT(*) AS ?n) { GRAPH graph:inferred {
        { ?s owl:sameAs ?s } UNION { ?s a owl:Thing } UNION { ?s a rdfs:Resource }
        UNION { ?s ?p ?o FILTER (STRSTARTS(STR(?s), STR(owl:)) || STRSTARTS(STR(?s), STR(rdf:))) } } }""")
    assert noise[0]["n"] == "0"
    assert bool(store.query("ASK { GRAPH graph:inferred { mech:budapest-process a iscm:ConsultationMechanism } }"))


def _copy_source(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    for folder in ("ontology", "shapes", "data", "queries"):
        shutil.copytree(REPO / folder, src / folder)
    return src


@pytest.mark.parametrize("breakage", ["violation", "syntax", "inconsistent"])
def test_failed_build_keeps_the_last_good_build(tmp_path, breakage):
    src = _copy_source(tmp_path)
    builds = tmp_path / "builds"
    first = run_cli("--source", src, "--build-dir", builds, "build")
    assert first.returncode == 0, first.stderr[-2000:]
    good = (builds / "current").resolve()
    bad = src / "data" / "sources" / "zz-broken.trig"
    if breakage == "violation":
        shutil.copy(REPO / "tests" / "broken" / "no-theme.trig", bad)
    elif breakage == "syntax":
        bad.write_text("<https://w3id.org/iscm/graph/x> { <a> ", encoding="utf-8")
    else:
        shutil.copy(REPO / "tests" / "broken" / "two-kinds.trig", bad)
    second = run_cli("--source", src, "--build-dir", builds, "build")
    assert second.returncode == (2 if breakage == "syntax" else 1), second.stderr[-2000:]
    assert "Traceback" not in second.stderr
    assert (builds / "current").resolve() == good
    query = run_cli("--source", src, "--build-dir", builds, "query", "--format", "csv",
                    "SELECT (COUNT(*) AS ?n) { ?m a iscm:ConsultationMechanism }")
    assert query.stdout.splitlines()[1] == "30"


def test_installed_command_works_from_any_directory(tmp_path):
    """A plain (non-editable) install ships ontology, shapes, data and queries in the package."""
    import iscm_graph
    from iscm_graph.config import load_settings

    packaged = Path(iscm_graph.__file__).parent / "_resources"
    if not packaged.is_dir():
        pytest.skip("running from a source tree, not an installed wheel")
    assert load_settings().source_dir == packaged
    out = run_cli("--build-dir", tmp_path, "validate", "--format", "json", cwd=tmp_path)
    assert out.returncode == 0, out.stdout[-2000:]
    listed = run_cli("queries", cwd=tmp_path)
    assert "mechanisms-by-kind" in listed.stdout


def test_query_without_a_build_is_a_clear_error(tmp_path):
    out = run_cli("--source", REPO, "--build-dir", tmp_path / "none", "query", "ASK {}")
    assert out.returncode == 2 and "run `iscm-graph build` first" in out.stderr


def test_settings_from_environment_and_file(tmp_path, monkeypatch):
    from iscm_graph.config import load_settings
    from iscm_graph.errors import IscmError

    monkeypatch.delenv("ISCM_BUILD_DIR", raising=False)
    cfg = tmp_path / "s.toml"
    cfg.write_text('port = 8080\nbuild-dir = "/tmp/x"\n', encoding="utf-8")
    s = load_settings(cfg, source_dir=REPO)
    assert s.port == 8080 and str(s.build_dir) == "/tmp/x"
    monkeypatch.setenv("ISCM_PORT", "9090")                 # environment beats the file
    assert load_settings(cfg, source_dir=REPO).port == 9090
    assert load_settings(cfg, source_dir=REPO, port=7070).port == 7070   # explicit beats both
    monkeypatch.setenv("ISCM_PORT", "many")
    with pytest.raises(IscmError, match="ISCM_PORT"):
        load_settings(cfg, source_dir=REPO)
    monkeypatch.delenv("ISCM_PORT")
    cfg.write_text('colour = "blue"\n', encoding="utf-8")
    with pytest.raises(IscmError, match="unknown setting 'colour'"):
        load_settings(cfg, source_dir=REPO)
