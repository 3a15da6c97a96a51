"""Grow the real data's shape N times: every mechanism, regional body, UN regional commission,
other organisation (the UN, IOM, ICMPD, ...), membership and state, with the statements about them in
every graph, copied under new IRIs (themes, regions, rules and vocabularies are shared). Each copy is
a world of its own: its mechanisms have its states as members, its states belong to its own UN, so a
question about one real entity (Egypt's memberships, the Colombo Process's members) has the same
answer at every scale, and only unrelated data grows. (With the UN shared, every copied state joined
the real UN, and through the open-to-all rule the real GFMD: two real entities a real state's question
steps through grew with the scale.) The copies' ISO codes are user-assigned ones (X..), so
that a lookup by a real code still finds one state; copies carry no links to other registries."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pyoxigraph as ox

GROWN = ("https://w3id.org/iscm/id/mechanism/", "https://w3id.org/iscm/id/membership/",
         "https://w3id.org/iscm/id/state/", "https://w3id.org/iscm/id/body/", "https://w3id.org/iscm/id/commission/",
         "https://w3id.org/iscm/id/organization/")
ISCM = "https://w3id.org/iscm/ontology#"
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
DROPPED = {"http://www.w3.org/2004/02/skos/core#exactMatch"}      # a copy is no real country


def _code(predicate: str, k: int):
    """The ISO code of a copy in world k: within the pattern the shapes ask for, never a real one."""
    if predicate == ISCM + "alpha3":
        return ox.Literal("X" + _LETTERS[(k // 26) % 26] + _LETTERS[k % 26])
    if predicate == ISCM + "alpha2":
        return ox.Literal("X" + _LETTERS[k % 26])
    if predicate == ISCM + "numericCode":
        return ox.Literal(f"{900 + k % 100:03d}")
    return None


def _copy_term(term, k: int, blanks: dict):
    if isinstance(term, ox.NamedNode) and term.value.startswith(GROWN):
        return ox.NamedNode(f"{term.value}-syn{k}")
    if isinstance(term, ox.BlankNode):
        return blanks.setdefault(term.value, ox.BlankNode())
    if isinstance(term, ox.Literal) and term.language in ("en", "ar"):
        return ox.Literal(f"{term.value} ({k})", language=term.language)
    return term


def grow(repo: Path, build_nq: Path, factor: int, target: Path) -> Path:
    """A source folder (ontology, shapes, queries, data + synthetic data) `factor` times the size."""
    if target.exists():
        shutil.rmtree(target)
    for folder in ("ontology", "shapes", "queries", "data"):
        shutil.copytree(repo / folder, target / folder)
    quads = [q for q in ox.parse(path=str(build_nq), format=ox.RdfFormat.N_QUADS)
             if "/graph/inferred" not in q.graph_name.value and "/graph/ontology" not in q.graph_name.value]
    subjects = {q.subject.value for q in quads if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(GROWN)}
    about = [q for q in quads if (isinstance(q.subject, ox.NamedNode) and q.subject.value in subjects)
             or isinstance(q.subject, ox.BlankNode)]
    out = target / "data" / "synthetic"
    out.mkdir(parents=True)
    for k in range(1, factor):
        blanks: dict = {}
        grown = []
        for q in about:
            if q.predicate.value in DROPPED:
                continue
            graph = ox.NamedNode(q.graph_name.value + f"-syn{k}")
            obj = _code(q.predicate.value, k) or _copy_term(q.object, k, blanks)
            grown.append(ox.Quad(_copy_term(q.subject, k, blanks), q.predicate, obj, graph))
        for g in {q.graph_name for q in grown}:          # each copied graph names its source, as the originals do
            grown.append(ox.Quad(g, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                                 ox.NamedNode("https://w3id.org/iscm/ontology#SourceGraph"), g))
            grown.append(ox.Quad(g, ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom"),
                                 ox.NamedNode("https://w3id.org/iscm/id/source/synthetic"), g))
        by_graph: dict = {}
        for q in grown:
            by_graph.setdefault(q.graph_name.value, []).append(q)
        for i, (name, qs) in enumerate(sorted(by_graph.items())):
            (out / f"syn{k}-{i}.trig").write_bytes(ox.serialize(qs, format=ox.RdfFormat.TRIG))
    return target


if __name__ == "__main__":
    print(grow(Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4])))
