"""Writing a build that conformed: the dataset, the dumps and everything the server serves, into a
staging folder that becomes `current` by an atomic symlink swap. Written files are read-only; a
failed write leaves the last good build serving. The layout is `build_folder.py`'s."""
from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import gzip
import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from iscm_graph import __version__, build_folder as bf
from iscm_graph.errors import IscmError
from iscm_graph.namespaces import PREFIXES
from iscm_graph.publish.description import dataset_description, write_description
from iscm_graph.query.store import EmbeddedStore
from iscm_graph.rdf.context import build_context
from iscm_graph.rdf.terms import canonical_triples, graph_quads


def write_canonical_nquads(graphs: list[Graph], path: Path) -> None:
    """All graphs as N-Quads with blank nodes labelled by RDFC-1.0 and lines sorted, so the same
    input always gives the same bytes (stable dumps, stable build ids, clean diffs).

    RDFC-1.0 labels a blank node from the quads that mention blank nodes only, so only those go
    through pyoxigraph's canonicalization; the rest are written as they are. Lines are sorted as
    text, which orders them as sorting the quads by their N-Quads form does."""
    lines: list[bytes] = []
    with_blanks = ox.Dataset()
    for g in graphs:
        ground = []
        for quad in graph_quads(g):
            if isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode):
                with_blanks.add(quad)
            else:
                ground.append(quad)
        lines += ox.serialize(ground, format=ox.RdfFormat.N_QUADS).splitlines(keepends=True)
    with_blanks.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    lines += ox.serialize(with_blanks, format=ox.RdfFormat.N_QUADS).splitlines(keepends=True)
    del with_blanks
    lines.sort()
    with path.open("wb") as fh:
        fh.writelines(lines)


def _gzip_writer(path: Path):
    raw = path.open("wb")
    # no file name and mtime 0 in the gzip header: the same content gives the same bytes
    return raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0)


def write_dumps(folder: Path) -> None:
    """Gzipped dumps served at /download: N-Quads, TriG, and Turtle of the union (deterministic).

    Made from dataset.nq, which is canonical and sorted already: the same bytes `export` gives, read
    once and streamed rather than loaded three times."""
    dumps = folder / bf.DUMPS
    dumps.mkdir()
    dataset = (folder / bf.DATASET).read_bytes()
    raw, fh = _gzip_writer(dumps / "dataset.nq.gz")
    with raw, fh:
        fh.write(dataset)
    raw, fh = _gzip_writer(dumps / "dataset.trig.gz")
    with raw, fh:
        ox.serialize(ox.parse(dataset, format=ox.RdfFormat.N_QUADS), fh, format=ox.RdfFormat.TRIG,
                     prefixes=PREFIXES)
    # the union: each triple once, sorted by its N-Triples form (a quad line less its graph name)
    triples = sorted({line[:line.rindex(b" <")] + b" .\n" for line in dataset.splitlines(keepends=True)})
    del dataset
    raw, fh = _gzip_writer(dumps / "dataset.ttl.gz")
    with raw, fh:
        ox.serialize(ox.parse(b"".join(triples), format=ox.RdfFormat.N_TRIPLES), fh,
                     format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)


def write_registry_exports(folder: Path, store) -> None:
    """The exports for Wikidata (QuickStatements) and spreadsheets (CSVW), beside the dumps."""
    from iscm_graph.publish.csvw_tables import csvw_files, csvw_zip
    from iscm_graph.publish.quickstatements import commands_text, membership_commands

    dumps = folder / bf.DUMPS
    (dumps / "memberships-quickstatements.txt").write_text(commands_text(membership_commands(store)),
                                                           encoding="utf-8")
    (dumps / "tables-csvw.zip").write_bytes(csvw_zip(csvw_files(store)))


def write_served_files(folder: Path, shapes: Graph, ontology: Graph, queries_dir: Path) -> None:
    """What the server serves besides the data, fixed at build time so that a build folder is a
    complete release: the shapes it was validated against, the JSON-LD context made from its
    ontology, and the query catalogue."""
    ox.serialize(canonical_triples(shapes), str(folder / bf.SHAPES), format=ox.RdfFormat.TURTLE,
                 prefixes=PREFIXES | {p: str(ns) for p, ns in shapes.namespaces() if p})
    (folder / bf.CONTEXT).write_text(json.dumps(build_context(ontology), indent=1, ensure_ascii=False),
                                     encoding="utf-8")
    (folder / bf.QUERIES).mkdir()
    for path in sorted(queries_dir.glob("*.rq")) if queries_dir.is_dir() else []:
        shutil.copyfile(path, folder / bf.QUERIES / path.name)


def write_texts(folder: Path, texts: dict[str, Path]) -> None:
    """The source documents' texts, byte for byte, as `sources/{code}.txt`: served at
    /source/{code}.txt and .html, the targets of the line references (pipeline/line_refs.py)."""
    (folder / bf.SOURCES).mkdir()
    for code, path in sorted(texts.items()):
        shutil.copyfile(path, folder / bf.SOURCES / f"{code}.txt")


def write_release_files(folder: Path, manifest: dict, shapes: Graph, ontology: Graph, queries_dir: Path) -> None:
    """Everything a build folder holds beside `dataset.nq`: the dumps, the served files and the
    dataset description (whose statistics are queried from the dataset just written)."""
    write_dumps(folder)
    write_served_files(folder, shapes, ontology, queries_dir)
    store = EmbeddedStore.from_build(folder)
    write_registry_exports(folder, store)
    description = dataset_description(store, manifest, folder / bf.DUMPS)
    write_description(description, folder / bf.DESCRIPTION)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _input_name(path: Path, source_dir: Path) -> str:
    return str(path.relative_to(source_dir)) if path.is_relative_to(source_dir) else str(path)


def write_build(settings, inputs: list[Path], graphs: list[Graph], shapes: Graph, ontology: Graph,
                graph_counts: dict[str, int], report, timings: dict, texts: dict[str, Path] | None = None) -> Path:
    """Write a conforming build and make it current; returns its folder. `texts` (code -> file) are
    the source texts the build carries."""
    root = Path(settings.build_dir)
    (root / "builds").mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=root / "builds"))
    try:
        dataset = staging / bf.DATASET
        write_canonical_nquads(graphs, dataset)
        digest = _sha256(dataset)
        (staging / bf.VALIDATION).write_text(report.render("json"), encoding="utf-8")
        created = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        manifest = {
            "build_id": digest[:16],
            "created": created,
            "iscm_graph_version": __version__,
            "graphs": graph_counts,
            "triples": sum(graph_counts.values()),
            "as_of": dt.date.today().isoformat(),
            "warnings": len(report.warnings),
            "timings_s": timings,
        }
        write_release_files(staging, manifest, shapes, ontology, settings.queries_dir)
        write_texts(staging, texts or {})
        manifest["texts"] = {code: path.name for code, path in sorted((texts or {}).items())}
        manifest["files"] = {str(p.relative_to(staging)): _sha256(p)
                             for p in sorted(staging.rglob("*")) if p.is_file()}
        manifest["inputs"] = {_input_name(p, settings.source_dir): _sha256(p) for p in inputs}
        (staging / bf.MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        final = root / "builds" / f"{created[:19].replace(':', '')}-{digest[:12]}"
        if final.exists():
            _remove(final)
        _make_read_only(staging)
        os.replace(staging, final)
    except BaseException:
        _remove(staging)
        raise
    # Swap the `current` link atomically: readers see the old build or the new one, never neither.
    tmp_link = root / f".current-{os.getpid()}"
    if tmp_link.is_symlink():
        tmp_link.unlink()
    tmp_link.symlink_to(Path("builds") / final.name)
    os.replace(tmp_link, root / "current")
    _prune(root, keep=max(1, settings.keep_builds), current=final)
    return final


def _prune(root: Path, keep: int, current: Path) -> None:
    builds = sorted((p for p in (root / "builds").iterdir() if p.is_dir() and not p.name.startswith(".")),
                    key=lambda p: p.name)
    for old in builds[:-keep]:
        if old != current:
            _remove(old)


def _make_read_only(folder: Path) -> None:
    """A written build is never changed again: servers read it, nothing writes it."""
    for path in folder.rglob("*"):
        path.chmod(0o555 if path.is_dir() else 0o444)
    folder.chmod(0o555)


def _remove(folder: Path) -> None:
    for path in [folder, *folder.rglob("*")]:
        if path.is_dir() and not path.is_symlink():
            path.chmod(0o755)
    shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def build_lock(root: Path):
    """One build at a time per build folder. Staging folders left by a build that was killed
    (kill -9, power loss) are removed once the lock is held, since no other build can own them."""
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".lock", "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise IscmError(f"another `iscm-graph build` is writing to {root}; wait for it to finish") from None
        for stale in (root / "builds").glob(".staging-*") if (root / "builds").is_dir() else []:
            _remove(stale)
        for stale in root.glob(".current-*"):
            stale.unlink(missing_ok=True)
        yield
