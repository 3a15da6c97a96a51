"""A written build: what its folder holds and how readers find it. The build writes it (pipeline/),
everything else only reads it: the server, the query processes, export, publish and the CLI's
queries answer from these files alone, never from the source folder.

Layout::

    <build_dir>/current -> builds/<id>        the last good build (a symlink swapped atomically)
    <build_dir>/builds/<id>/dataset.nq        every named graph, canonical and sorted
    <build_dir>/builds/<id>/dumps/*.gz        the downloadable dumps (N-Quads, TriG, Turtle)
    <build_dir>/builds/<id>/description.ttl   the dataset description (VoID + DCAT), relative IRIs
    <build_dir>/builds/<id>/shapes.ttl        the SHACL shapes the data was validated against
    <build_dir>/builds/<id>/context.jsonld    the JSON-LD @context every JSON-LD document uses
    <build_dir>/builds/<id>/queries/*.rq      the catalogue of competency questions
    <build_dir>/builds/<id>/sources/000.txt   the source documents' texts the line references cite
    <build_dir>/builds/<id>/manifest.json     counts per graph, hashes of every file and input, timings
    <build_dir>/builds/<id>/validation.json   the validation report (warnings)
"""
from __future__ import annotations

import json
from pathlib import Path

from iscm_graph.errors import NoBuildError
from iscm_graph.rdf.formats import TEXT, ZIP, graph_format

DATASET = "dataset.nq"
MANIFEST = "manifest.json"
VALIDATION = "validation.json"
DESCRIPTION = "description.ttl"
SHAPES = "shapes.ttl"
CONTEXT = "context.jsonld"
QUERIES = "queries"
SOURCES = "sources"
DUMPS = "dumps"
# the gzipped dumps every build writes: file name -> format (rdf/formats.py)
DUMP_FILES = {"dataset.nq.gz": graph_format("nq"), "dataset.trig.gz": graph_format("trig"),
              "dataset.ttl.gz": graph_format("turtle")}
# the exports for registries that do not take RDF, written beside the dumps and served at /download:
# file name -> (media type, EU file-type code, title)
REGISTRY_FILES = {
    "memberships-quickstatements.txt": (TEXT, "TXT",
                                        "Memberships as QuickStatements V1 commands for Wikidata (P463)"),
    "tables-csvw.zip": (ZIP, "ZIP",
                        "States, mechanisms and memberships as CSV with CSV on the Web metadata (zip)"),
}


def current_build(settings) -> Path:
    link = Path(settings.build_dir) / "current"
    if not (link / MANIFEST).exists():
        raise NoBuildError(f"no good build in {settings.build_dir}: run `iscm-graph build` first")
    return link.resolve()


def read_manifest(path: Path) -> dict:
    return json.loads((path / MANIFEST).read_text(encoding="utf-8"))


def source_texts(path: Path, manifest: dict) -> dict[str, Path]:
    """The texts a build carries: code (`000`) -> file. The list is the manifest's (files the build
    wrote and hashed), so a name asked for is looked up, never joined to a path."""
    out = {}
    for name in manifest.get("files", {}):
        folder, _, file = name.partition("/")
        if folder == SOURCES and len(file) == 7 and file.endswith(".txt") and file[:3].isdigit():
            out[file[:3]] = path / SOURCES / file
    return out
