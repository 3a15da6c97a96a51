"""Exports of a build for other registries: any RDF format, chosen graphs, with or without the
inferred graph; deterministic (canonical blank nodes, sorted), gzip when the file name ends .gz.
Beside RDF: the memberships as QuickStatements for Wikidata (`quickstatements.py`) and the states,
mechanisms and memberships as CSV on the Web (`csvw_tables.py`)."""
from __future__ import annotations

import gzip
import sys
from pathlib import Path

import pyoxigraph as ox

from iscm_graph.errors import IscmError
from iscm_graph.namespaces import INFERRED_GRAPH, PREFIXES
from iscm_graph.rdf.formats import graph_format, graph_format_names

# the exports that are not RDF serialisations, for registries that take other formats
REGISTRY_FORMATS = ("quickstatements", "csvw")


def export_for_registry(build: Path, fmt: str, target: str | None, graphs=None) -> str:
    """Write the QuickStatements commands (a file or stdout) or the CSVW folder; returns the summary."""
    if graphs:
        raise IscmError(f"--graph does not apply to --format {fmt}: it exports the memberships of all graphs")
    if fmt == "quickstatements":
        from iscm_graph.publish.quickstatements import write_quickstatements
        return write_quickstatements(build, target).summary()
    if fmt == "csvw":
        from iscm_graph.publish.csvw_tables import write_csvw
        if target in (None, "-"):
            raise IscmError("--format csvw writes a folder of CSV files and csv-metadata.json: "
                            "name it with -o DIR")
        counts = write_csvw(build, target)
        return "CSVW: " + ", ".join(f"{n} rows in {name}" for name, n in counts.items()) + \
            f", described by csv-metadata.json, in {target}"
    raise IscmError(f"unknown format {fmt!r}; one of {', '.join(REGISTRY_FORMATS)}")


def _selected(build: Path, graphs: list[str] | None, inferred: bool):
    known = set()
    with (build / "dataset.nq").open("rb") as fh:
        for quad in ox.parse(fh, format=ox.RdfFormat.N_QUADS):
            g = quad.graph_name.value
            known.add(g)
            if graphs and g not in graphs:
                continue
            if not inferred and g == str(INFERRED_GRAPH):
                continue
            yield quad
    missing = set(graphs or ()) - known
    if missing:
        raise IscmError("no such graph in the build: " + ", ".join(sorted(missing)))


def export(build: Path, fmt: str, out, graphs: list[str] | None = None, inferred: bool = True) -> int:
    """Write the selection to the binary stream `out`; returns the number of statements written."""
    if fmt not in graph_format_names():
        raise IscmError(f"unknown format {fmt!r}; one of {', '.join(graph_format_names())}")
    writer = graph_format(fmt)
    if fmt == "nq":
        # the build's N-Quads are already canonical and sorted: stream them line by line
        n = 0
        for quad in _selected(build, graphs, inferred):
            out.write(ox.serialize([quad], format=ox.RdfFormat.N_QUADS))
            n += 1
        return n
    if fmt == "nt":
        seen: set = set()
        n = 0
        for quad in _selected(build, graphs, inferred):
            triple = ox.Triple(quad.subject, quad.predicate, quad.object)
            if triple not in seen:        # the union of graphs is a set of triples
                seen.add(triple)
                n += 1
        for triple in sorted(seen, key=str):
            out.write(ox.serialize([triple], format=ox.RdfFormat.N_TRIPLES))
        return n
    quads = list(_selected(build, graphs, inferred))
    if writer.quads:
        data = sorted(quads, key=str)
    else:
        data = sorted({ox.Triple(q.subject, q.predicate, q.object) for q in quads}, key=str)
    ox.serialize(data, out, format=writer.engine, prefixes=PREFIXES if fmt in ("turtle", "trig") else None)
    return len(data)


def export_to(build: Path, fmt: str, target: str | None, graphs=None, inferred=True) -> int:
    if target in (None, "-"):
        return export(build, fmt, sys.stdout.buffer, graphs, inferred)
    path = Path(target)
    try:
        if path.suffix == ".gz":
            # no file name and mtime 0 in the gzip header: the same content gives the same bytes
            with path.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as fh:
                return export(build, fmt, fh, graphs, inferred)
        with path.open("wb") as fh:
            return export(build, fmt, fh, graphs, inferred)
    except OSError as exc:
        raise IscmError(f"cannot write {path}: {exc.strerror}") from None
