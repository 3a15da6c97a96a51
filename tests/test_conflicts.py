"""`iscm-graph conflicts`: names, documents and lines for people; IRIs in JSON; a document that
disagrees with itself (the fact sheet's prose counts 16 inter-regional forums, its table 14)."""
from __future__ import annotations

import json


def test_the_fact_sheet_disagrees_with_itself(cli):
    out = cli("conflicts")
    assert out.returncode == 0, out.stderr
    block = out.stdout.split("Inter-regional forum on migration - declared number of mechanisms (within one document)")[1]
    first, second = block.splitlines()[1:3]
    assert first.strip().startswith("16") and "000.txt line 76" in first and "(2018)" in first
    assert second.strip().startswith("14") and "000.txt lines 153-185" in second
    assert "https://w3id.org/iscm/id/" not in out.stdout.split(" <https://w3id.org/iscm/source/")[0]


def test_json_keeps_the_iris_and_lines(cli):
    out = cli("conflicts", "--format", "json")
    found = json.loads(out.stdout)
    within = [c for c in found if c["kind"] == "within one document"]
    assert len(within) == 1 and within[0]["subject"] == "https://w3id.org/iscm/id/kind/inter-regional-forum"
    lines = {s["value"]: s["lines"] for s in within[0]["statements"]}
    assert lines == {"16": ["https://w3id.org/iscm/source/000.txt#line=75,76"],
                     "14": ["https://w3id.org/iscm/source/000.txt#line=152,185"]}
    between = [c for c in found if c["kind"] == "between documents"]
    assert between and all(s["lines"] for c in between for s in c["statements"])
