"""Item 3, files: `iscm-graph validate` and `build` refuse entity bombs, external entities (XXE)
and remote JSON-LD contexts with a clear message, read nothing else, and finish (a subprocess
timeout is the bound: a file that made the parser expand or fetch would hang or fail it)."""
from __future__ import annotations

import json
import os
import shutil
import time

import pytest

from conftest import REPO, run_cli

BOMB = """<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
 <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
 <!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="https://w3id.org/iscm/id/theme/bomb"><rdf:value>&g;</rdf:value></rdf:Description>
</rdf:RDF>
"""
XXE = """<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [ <!ENTITY secret SYSTEM "{target}"> ]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="https://w3id.org/iscm/id/theme/xxe"><rdf:value>&secret;</rdf:value></rdf:Description>
</rdf:RDF>
"""
EXTERNAL_DTD = """<?xml version="1.0"?>
<!DOCTYPE rdf:RDF SYSTEM "{target}">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>
"""


def _validate(path):
    return run_cli("--source", REPO, "validate", path)


def test_entity_bomb_refused(tmp_path):
    path = tmp_path / "bomb.rdf"
    path.write_text(BOMB)
    r = _validate(path)
    assert r.returncode == 2
    assert "line 3" in r.stderr and "XML entity" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.parametrize("scheme", ["file", "http"])
def test_external_entity_refused_and_nothing_read(tmp_path, fifo, canary, scheme):
    target = fifo.path.as_uri() if scheme == "file" else canary.url + "secret"
    path = tmp_path / "xxe.rdf"
    path.write_text(XXE.format(target=target))
    r = _validate(path)
    assert r.returncode == 2 and "XML entity" in r.stderr
    dtd = tmp_path / "dtd.rdf"
    dtd.write_text(EXTERNAL_DTD.format(target=target))
    r = _validate(dtd)
    assert r.returncode == 2 and "external DTD" in r.stderr
    time.sleep(0.2)
    assert not fifo.opened.is_set() and canary.hits == []


@pytest.mark.parametrize("shape", ["string", "list", "import", "nested"])
def test_remote_jsonld_context_refused_and_not_fetched(tmp_path, canary, shape):
    ctx_url = canary.url + "context.jsonld"
    context = {"string": ctx_url, "list": [{"skos": "http://www.w3.org/2004/02/skos/core#"}, ctx_url],
               "import": {"@import": ctx_url}, "nested": {"skos": "http://www.w3.org/2004/02/skos/core#"}}[shape]
    doc = {"@context": context, "@id": "https://w3id.org/iscm/graph/upload/test",
           "@graph": [{"@id": "https://w3id.org/iscm/id/theme/x",
                       **({"@context": ctx_url} if shape == "nested" else {}),
                       "http://www.w3.org/2004/02/skos/core#prefLabel": "x"}]}
    path = tmp_path / "remote.jsonld"
    path.write_text(json.dumps(doc))
    r = _validate(path)
    assert r.returncode == 2 and "remote JSON-LD contexts are refused" in r.stderr, r.stderr
    time.sleep(0.2)
    assert canary.hits == []


def test_inline_jsonld_is_read(tmp_path):
    doc = {"@context": {"skos": "http://www.w3.org/2004/02/skos/core#"},
           "@id": "https://w3id.org/iscm/graph/upload/test",
           "@graph": [{"@id": "https://w3id.org/iscm/id/theme/x", "skos:prefLabel": {"@value": "X", "@language": "en"}}]}
    path = tmp_path / "inline.jsonld"
    path.write_text(json.dumps(doc))
    r = _validate(path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Conforms" in r.stdout


@pytest.mark.parametrize("name,text", [
    ("deep.ttl", "@prefix ex: <http://x/> . ex:a ex:b " + "(" * 5000 + ")" * 5000 + " ."),
    ("deep.jsonld", "[" * 100000 + "]" * 100000),
    ("binary.trig", "\udcff\udcfe garbage"),
])
def test_hostile_files_get_a_message(tmp_path, name, text):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8", "surrogateescape"))
    r = _validate(path)
    assert r.returncode == 2 and r.stderr.startswith("Error: ") and str(path) in r.stderr
    assert "Traceback" not in r.stderr


def test_build_refuses_a_bomb_and_keeps_the_last_good_build(tmp_path, own_build):
    source = tmp_path / "source"
    for folder in ("ontology", "shapes", "data", "queries"):
        shutil.copytree(REPO / folder, source / folder)
    (source / "data" / "upload.rdf").write_text(BOMB)
    before = os.readlink(own_build / "current")
    r = run_cli("--source", source, "--build-dir", own_build, "build")
    assert r.returncode == 2 and "XML entity" in r.stderr
    assert os.readlink(own_build / "current") == before
