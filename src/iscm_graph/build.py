"""The build: load, reason, validate, and only then write; a failed build never replaces the last good one.

Layout of the build folder::

    <build_dir>/current -> builds/<id>      the last good build (a symlink swapped atomically)
    <build_dir>/builds/<id>/dataset.nq      every named graph, sorted
    <build_dir>/builds/<id>/manifest.json   counts per graph, hashes, timings
    <build_dir>/builds/<id>/validation.json the validation report (warnings)
"""
from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF

from . import __version__
from .errors import IscmError, NoBuildError
from .load import Sources, load_sources
from .namespaces import INFERRED_GRAPH, ISCM, ONTOLOGY_GRAPH
from .memberships import derive as derive_memberships, derive_input
from .reason import infer
from .validate import Report, validate_graphs

Progress = Callable[[str], None]


@dataclass
class BuildResult:
    report: Report
    graph_counts: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    path: Path | None = None            # the new build, when it conformed

    @property
    def ok(self) -> bool:
        return self.report.conforms and self.path is not None


class _Timer:
    def __init__(self, progress: Progress, timings: dict):
        self.progress, self.timings = progress, timings

    def step(self, name: str, label: str):
        timer = self

        class _Step:
            def __enter__(self):
                timer.progress(f"{label} ...")
                self.start = time.perf_counter()

            def __exit__(self, *exc):
                elapsed = time.perf_counter() - self.start
                timer.timings[name] = round(elapsed, 3)
                if exc[0] is None:
                    timer.progress(f"{label}: done in {elapsed:.2f} s")
        return _Step()


def write_canonical_nquads(graphs: list[Graph], path: Path) -> None:
    """All graphs as N-Quads with blank nodes labelled by RDFC-1.0 and lines sorted, so the same
    input always gives the same bytes (stable dumps, stable build ids, clean diffs).

    RDFC-1.0 labels a blank node from the quads that mention blank nodes only, so only those go
    through pyoxigraph's canonicalization; the rest are written as they are. Lines are sorted as
    text, which orders them as sorting the quads by their N-Quads form does."""
    import pyoxigraph as ox

    lines: list[bytes] = []
    with_blanks = ox.Dataset()
    for g in graphs:
        ground = []
        for quad in oxigraph_quads(g):
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


def oxigraph_quads(graph: Graph):
    """The quads of one graph as pyoxigraph terms (the statements rdflib's N-Triples writer would give,
    with the graph name added), without a round trip through text."""
    import pyoxigraph as ox
    from rdflib import BNode

    name = ox.NamedNode(str(graph.identifier))
    iris: dict = {}
    blanks: dict = {}

    def term(t):
        if isinstance(t, URIRef):
            node = iris.get(t)
            if node is None:
                node = iris[t] = ox.NamedNode(str(t))
            return node
        if isinstance(t, BNode):
            node = blanks.get(t)
            if node is None:
                node = blanks[t] = ox.BlankNode(str(t))
            return node
        if t.language:
            return ox.Literal(str(t), language=t.language)
        if t.datatype is not None:
            return ox.Literal(str(t), datatype=term(t.datatype))
        return ox.Literal(str(t))

    for s, p, o in graph:
        yield ox.Quad(term(s), term(p), term(o), name)


def write_dumps(folder: Path) -> None:
    """Gzipped dumps served at /download: N-Quads, TriG, and Turtle of the union (deterministic).

    Made from dataset.nq, which is canonical and sorted already: the same bytes `export` gives, read
    once and streamed rather than loaded three times."""
    import gzip

    import pyoxigraph as ox

    from .namespaces import PREFIXES

    def gz(name: str):
        raw = (folder / "dumps" / name).open("wb")
        # no file name and mtime 0 in the gzip header: the same content gives the same bytes
        return raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0)

    (folder / "dumps").mkdir()
    dataset = (folder / "dataset.nq").read_bytes()
    raw, fh = gz("dataset.nq.gz")
    with raw, fh:
        fh.write(dataset)
    raw, fh = gz("dataset.trig.gz")
    with raw, fh:
        ox.serialize(ox.parse(dataset, format=ox.RdfFormat.N_QUADS), fh, format=ox.RdfFormat.TRIG,
                     prefixes=PREFIXES)
    # the union: each triple once, sorted by its N-Triples form (a quad line less its graph name)
    triples = sorted({line[:line.rindex(b" <")] + b" .\n" for line in dataset.splitlines(keepends=True)})
    del dataset
    raw, fh = gz("dataset.ttl.gz")
    with raw, fh:
        ox.serialize(ox.parse(b"".join(triples), format=ox.RdfFormat.N_TRIPLES), fh,
                     format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)


def current_build(settings) -> Path:
    link = Path(settings.build_dir) / "current"
    if not (link / "manifest.json").exists():
        raise NoBuildError(f"no good build in {settings.build_dir}: run `iscm-graph build` first")
    return link.resolve()


def read_manifest(path: Path) -> dict:
    return json.loads((path / "manifest.json").read_text(encoding="utf-8"))


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _write(settings, sources: Sources, graphs: list[Graph], result: BuildResult) -> Path:
    root = Path(settings.build_dir)
    (root / "builds").mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=root / "builds"))
    try:
        dataset = staging / "dataset.nq"
        write_canonical_nquads(graphs, dataset)
        digest = _sha256(dataset)
        (staging / "validation.json").write_text(result.report.render("json"), encoding="utf-8")
        write_dumps(staging)
        manifest = {
            "build_id": digest[:16],
            "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "iscm_graph_version": __version__,
            "graphs": result.graph_counts,
            "triples": sum(result.graph_counts.values()),
            "as_of": dt.date.today().isoformat(),
            "warnings": len(result.report.warnings),
            "timings_s": result.timings,
            "files": {"dataset.nq": digest,
                      "validation.json": _sha256(staging / "validation.json")},
            "inputs": {str(p.relative_to(settings.source_dir)) if p.is_relative_to(settings.source_dir)
                       else str(p): _sha256(p) for p in sources.files},
        }
        (staging / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        final = root / "builds" / f"{manifest['created'][:19].replace(':', '')}-{digest[:12]}"
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
def _build_lock(root: Path):
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


def _inferred_description(inferred: Graph, sources: Sources) -> None:
    inferred.add((INFERRED_GRAPH, RDF.type, ISCM.SourceGraph))
    inferred.add((INFERRED_GRAPH, DCTERMS.description, Literal(
        "Triples entailed by the ontology (OWL 2 RL, owlrl) from the source and curated graphs; "
        "never edited by hand.", lang="en")))
    inferred.add((INFERRED_GRAPH, PROV.wasDerivedFrom, ONTOLOGY_GRAPH))
    for iri in sources.graphs:
        inferred.add((INFERRED_GRAPH, PROV.wasDerivedFrom, URIRef(iri)))


def run_build(settings, progress: Progress = lambda msg: None) -> BuildResult:
    timings: dict[str, float] = {}
    timer = _Timer(progress, timings)
    started = time.perf_counter()
    with timer.step("load", "[1/4] loading ontology, shapes and data"):
        sources = load_sources(settings)
    with timer.step("reason", "[2/4] reasoning (OWL 2 RL) and deriving memberships"):
        data = list(sources.graphs.values())
        inferred = infer(sources.ontology, data)
        inferred += derive_memberships(derive_input([*data, inferred]), today=dt.date.today())
        _inferred_description(inferred, sources)
    with timer.step("validate", "[3/4] validating (SHACL)"):
        report = validate_graphs(sources, inferred)
    graphs = [sources.ontology, *sources.graphs.values(), inferred]
    result = BuildResult(report=report, timings=timings,
                         graph_counts={str(g.identifier): len(g) for g in graphs})
    if not report.conforms:
        timings["total"] = round(time.perf_counter() - started, 3)
        return result
    with timer.step("write", "[4/4] writing the build"), _build_lock(Path(settings.build_dir)):
        timings["total"] = round(time.perf_counter() - started, 3)
        result.path = _write(settings, sources, graphs, result)
    timings["total"] = round(time.perf_counter() - started, 3)
    return result
