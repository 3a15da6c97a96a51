"""Exports for other registries: every format re-parses with rdflib and with rapper (raptor2),
with the same count; output is deterministic; the DCAT-AP record passes the official shapes."""
from __future__ import annotations

import gzip
import json
import shutil
import subprocess

import pytest
from rdflib import Dataset, Graph

from conftest import CONFORMANCE, REPO

DCAT_AP = CONFORMANCE / "dcat-ap-3.0.1"
FORMATS = {"turtle": ("turtle", "turtle"), "jsonld": ("json-ld", None), "nt": ("nt", "ntriples"),
           "nq": ("nquads", "nquads"), "trig": ("trig", "trig"), "rdfxml": ("xml", "rdfxml")}
SOURCE_000 = "https://w3id.org/iscm/graph/source/000"


def rapper_count(path, syntax) -> int:
    rapper = shutil.which("rapper")
    if rapper is None:
        pytest.fail("rapper is not installed: `make test` installs Debian's raptor2-utils")
    out = subprocess.run([rapper, "-i", syntax, "-c", str(path)], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-1000:]
    # "rapper: Parsing returned N triples" (quads are counted as statements too)
    return int(out.stderr.strip().splitlines()[-1].split("returned ")[1].split()[0])


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_each_format_reparses_with_the_same_count(cli, tmp_path, fmt):
    path = tmp_path / f"export.{fmt}"
    out = cli("export", "--format", fmt, "-o", path)
    assert out.returncode == 0, out.stderr
    written = int(out.stderr.split()[0])
    rdflib_fmt, rapper_syntax = FORMATS[fmt]
    if fmt in ("nq", "trig"):
        ds = Dataset()
        ds.parse(path, format=rdflib_fmt)
        assert len(list(ds.quads())) == written
    else:
        assert len(Graph().parse(path, format=rdflib_fmt)) == written
    if rapper_syntax:
        assert rapper_count(path, rapper_syntax) == written
    else:                       # raptor has no JSON-LD parser; pyld reads it independently
        from pyld import jsonld
        nquads = jsonld.to_rdf(json.loads(path.read_text()), {"format": "application/n-quads"})
        assert len(set(nquads.splitlines())) == written


def test_output_is_deterministic_and_gzipped(cli, tmp_path):
    a, b = tmp_path / "a.ttl.gz", tmp_path / "b.ttl.gz"
    assert cli("export", "--format", "turtle", "-o", a).returncode == 0
    assert cli("export", "--format", "turtle", "-o", b).returncode == 0
    assert a.read_bytes() == b.read_bytes()
    assert gzip.decompress(a.read_bytes()).startswith(b"@prefix")


def test_rebuilding_the_same_input_gives_the_same_dataset(tmp_path):
    from conftest import run_cli
    for name in ("one", "two"):
        assert run_cli("--source", REPO, "--build-dir", tmp_path / name, "build").returncode == 0
    one = (tmp_path / "one" / "current" / "dataset.nq").read_bytes()
    two = (tmp_path / "two" / "current" / "dataset.nq").read_bytes()
    assert one == two and b"_:c14n" in one          # blank nodes carry canonical (RDFC-1.0) labels


def test_graph_selection_and_inferred_switch(cli, tmp_path):
    only = tmp_path / "000.nq"
    assert cli("export", "--format", "nq", "--graph", SOURCE_000, "-o", only).returncode == 0
    graphs = {line.rsplit("<", 1)[1].split(">")[0] for line in only.read_text().splitlines()}
    assert graphs == {SOURCE_000}
    without = tmp_path / "no-inferred.nq"
    assert cli("export", "--format", "nq", "--no-inferred", "-o", without).returncode == 0
    assert "graph/inferred>" not in without.read_text()
    bad = cli("export", "--graph", "https://w3id.org/iscm/graph/nope")
    assert bad.returncode == 2 and "no such graph" in bad.stderr


def test_dcat_ap_record_has_no_violation(cli, tmp_path):
    import pyshacl

    path = tmp_path / "dcat.ttl"
    assert cli("dcat", "--base", "https://iscm.example.org", "-o", path).returncode == 0
    data = Graph().parse(path, format="turtle")
    shapes = Graph()
    for name in ("shapes.ttl", "range.ttl"):
        shapes.parse(DCAT_AP / name, format="turtle")
    conforms, _, text = pyshacl.validate(data, shacl_graph=shapes, inference="none", allow_warnings=True)
    assert conforms, text[:3000]
    q = """PREFIX dcat: <http://www.w3.org/ns/dcat#>
           SELECT (COUNT(DISTINCT ?d) AS ?dists) (COUNT(DISTINCT ?s) AS ?services) WHERE {
             ?ds a dcat:Dataset ; dcat:distribution ?d . ?s a dcat:DataService ; dcat:servesDataset ?ds }"""
    row = list(data.query(q))[0]
    # three RDF dumps, the endpoint, and the QuickStatements and CSVW exports
    assert int(row.dists) == 6 and int(row.services) == 1
