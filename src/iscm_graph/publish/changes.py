"""What changed between two releases: the exact patch, and a summary in terms people understand.

The patch is two N-Quads files, `removed.nq` and `added.nq`: the statements of release A that
release B lacks, and those B has that A lacks. Two plain N-Quads files are read by every RDF tool;
RDF Patch would add a format few of them read. Blank nodes (membership periods) are labelled by RDF
canonicalization over each whole dataset, so one edit shifts most labels; B's blank nodes are matched
to A's by where they hang (blank_nodes.py), so the patch holds what changed: A's lines minus
`removed.nq` plus `added.nq` are B's dataset, with B's blank nodes under A's labels where they match
(the same RDF dataset: isomorphic, quad for quad).

The summary (`summarize`) names memberships that began, ended or changed dates, current members who
joined or left each organisation, declared counts that changed, source documents and graphs added
or removed, statements corrected (one value of the same subject and property in the same graph
replaced by another) and entities added or removed."""
from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox

from iscm_graph import build_folder as bf
from iscm_graph.namespaces import BASE
from iscm_graph.publish.blank_nodes import relabel

ISCM = BASE + "ontology#"
INFERRED = BASE + "graph/inferred"
COUNT = ISCM + "declaredMemberCount"
_PREFIXES = """PREFIX org: <http://www.w3.org/ns/org#>
PREFIX time: <http://www.w3.org/2006/time#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX iscm: <https://w3id.org/iscm/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""
# a date as the list gives it: a year stays a year (the build also derives its first day as an xsd:date)
_MEMBERSHIPS = _PREFIXES + """SELECT ?m ?state ?org ?role
  (MIN(COALESCE(?sy, ?sd)) AS ?start) (MIN(COALESCE(?ey, ?ed)) AS ?end) (MIN(?ended) AS ?hasEnd) WHERE {
  ?m a org:Membership ; org:member ?state ; org:organization ?org ; org:role ?role .
  OPTIONAL { ?m org:memberDuring ?i .
    OPTIONAL { ?i time:hasBeginning ?b . OPTIONAL { ?b time:inXSDgYear ?sy } OPTIONAL { ?b time:inXSDDate ?sd } }
    OPTIONAL { ?i time:hasEnd ?x . BIND(true AS ?ended)
               OPTIONAL { ?x time:inXSDgYear ?ey } OPTIONAL { ?x time:inXSDDate ?ed } } }
} GROUP BY ?m ?state ?org ?role"""
_MEMBERS = _PREFIXES + "SELECT DISTINCT ?org ?state WHERE { ?org iscm:hasMember ?state }"
_SOURCES = _PREFIXES + "SELECT DISTINCT ?s WHERE { { ?s a iscm:SourceDocument } UNION { ?s a prov:Entity } FILTER(isIRI(?s)) }"
_ENTITIES = _PREFIXES + "SELECT DISTINCT ?s WHERE { ?s skos:prefLabel ?l FILTER(isIRI(?s)) }"
_LABELS = _PREFIXES + "SELECT ?s ?l WHERE { ?s skos:prefLabel ?l FILTER(langMatches(lang(?l), 'en')) }"


def read_lines(path: Path) -> set[str]:
    with path.open(encoding="utf-8") as fh:
        return {line for line in fh if line.strip()}


def _aligned(a: Path, b: Path) -> tuple[set[str], set[str]]:
    """The lines of both releases, b's blank nodes labelled as a's where they match (blank_nodes.py)."""
    old = read_lines(a / bf.DATASET)
    return old, relabel(read_lines(b / bf.DATASET), old)


def patch(a: Path, b: Path) -> tuple[list[str], list[str]]:
    """(removed, added) N-Quads lines, sorted, between the release folders `a` and `b`."""
    old, new = _aligned(a, b)
    return sorted(old - new), sorted(new - old)


def write_patch(a: Path, b: Path, out: Path) -> tuple[int, int]:
    removed, added = patch(a, b)
    out.mkdir(parents=True, exist_ok=True)
    (out / "removed.nq").write_text("".join(removed), encoding="utf-8")
    (out / "added.nq").write_text("".join(added), encoding="utf-8")
    return len(removed), len(added)


def _store(lines) -> ox.Store:
    store = ox.Store()
    store.bulk_extend(ox.parse("".join(lines), format=ox.RdfFormat.N_QUADS))
    return store


def _rows(store: ox.Store, query: str) -> list[dict]:
    res = store.query(query, use_default_graph_as_union=True)
    names = [v.value for v in res.variables]
    return [{n: (row[n].value if row[n] is not None else None) for n in names} for row in res]


def _memberships(store) -> dict[str, dict]:
    out = {}
    for r in _rows(store, _MEMBERSHIPS):
        r["end"] = r["end"] or ("unknown" if r.pop("hasEnd") else None)
        out[r["m"]] = r
    return out


def _pairs(store) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for r in _rows(store, _MEMBERS):
        out.setdefault(r["org"], set()).add(r["state"])
    return out


def _single_values(lines: set[str]) -> dict[tuple, str]:
    """(graph, subject, predicate) -> object, for IRI subjects outside the inferred graph."""
    seen: dict[tuple, str | None] = {}
    for q in ox.parse("".join(lines), format=ox.RdfFormat.N_QUADS):
        if not isinstance(q.subject, ox.NamedNode) or q.graph_name.value == INFERRED:
            continue
        key = (q.graph_name.value, q.subject.value, q.predicate.value)
        # a blank node's label says nothing across releases: such a key is never a correction
        seen[key] = None if key in seen or isinstance(q.object, ox.BlankNode) else _term(q.object)
    return {k: v for k, v in seen.items() if v is not None}


def _term(t) -> str:
    return t.value if isinstance(t, (ox.NamedNode, ox.Literal)) else str(t)


def summarize(a: Path, b: Path) -> dict:
    """What changed from the release (or build) folder `a` to `b`; JSON-ready, IRIs kept, with labels."""
    old_lines, new_lines = _aligned(a, b)
    removed, added = old_lines - new_lines, new_lines - old_lines
    old, new = _store(old_lines), _store(new_lines)
    labels = {r["s"]: r["l"] for st in (old, new) for r in _rows(st, _LABELS)}

    def named(iri):
        return {"iri": iri, "label": labels.get(iri) or iri.rsplit("/", 1)[-1]}

    om, nm = _memberships(old), _memberships(new)

    def membership(r):
        return {"iri": r["m"], "state": named(r["state"]), "organization": named(r["org"]),
                "role": r["role"].rsplit("/", 1)[-1].removeprefix("role-"), "start": r["start"], "end": r["end"]}

    began = [membership(nm[m]) for m in sorted(set(nm) - set(om))]
    ended = [membership(om[m]) for m in sorted(set(om) - set(nm))]
    # a membership that gained an end date ended; other changes of its dates are corrections of them
    now_ended = {m for m in set(om) & set(nm) if nm[m]["end"] and not om[m]["end"]}
    ended += [{**membership(nm[m]), "was": {"start": om[m]["start"], "end": None}} for m in sorted(now_ended)]
    dates = [{**membership(nm[m]), "was": {"start": om[m]["start"], "end": om[m]["end"]}}
             for m in sorted(set(om) & set(nm) - now_ended)
             if (om[m]["start"], om[m]["end"]) != (nm[m]["start"], nm[m]["end"])]

    op, np_ = _pairs(old), _pairs(new)
    members = []
    for org in sorted(set(op) | set(np_)):
        joined, left = np_.get(org, set()) - op.get(org, set()), op.get(org, set()) - np_.get(org, set())
        if joined or left:
            members.append({"organization": named(org), "joined": [named(s) for s in sorted(joined)],
                            "left": [named(s) for s in sorted(left)],
                            "before": len(op.get(org, ())), "after": len(np_.get(org, ()))})

    ov, nv = _single_values(removed), _single_values(added)
    corrected, counts = [], []
    for key in sorted(set(ov) & set(nv)):
        graph, subject, predicate = key
        item = {"graph": graph, "subject": named(subject), "predicate": predicate, "old": ov[key], "new": nv[key]}
        (counts if predicate == COUNT else corrected).append(item)

    def appeared(query):
        was, now = {r["s"] for r in _rows(old, query)}, {r["s"] for r in _rows(new, query)}
        return [named(s) for s in sorted(now - was)], [named(s) for s in sorted(was - now)]

    new_sources, gone_sources = appeared(_SOURCES)
    new_entities, gone_entities = appeared(_ENTITIES)
    graphs_old = {g.value for g in old.named_graphs()}
    graphs_new = {g.value for g in new.named_graphs()}
    return {
        "quads": {"removed": len(removed), "added": len(added)},
        "memberships": {"began": began, "ended": ended, "dates_changed": dates},
        "members": members,
        "counts": counts,
        "sources": {"added": new_sources, "removed": gone_sources},
        "graphs": {"added": sorted(graphs_new - graphs_old), "removed": sorted(graphs_old - graphs_new)},
        "corrected": corrected,
        "entities": {"added": new_entities, "removed": gone_entities},
    }


def _n(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def headline(summary: dict | None) -> str:
    """One sentence for feeds, pages and the DCAT version notes: only what changed is named."""
    if summary is None:
        return "First release."
    m = summary["memberships"]
    parts = []
    said = [(len(m["began"]), "membership began", "memberships began"),
            (len(m["ended"]), "membership ended", "memberships ended"),
            (len(m["dates_changed"]), "membership's dates changed", "memberships' dates changed"),
            (len(summary["counts"]), "declared count changed", "declared counts changed"),
            (len(summary["sources"]["added"]), "new source", "new sources"),
            (len(summary["sources"]["removed"]), "source removed", "sources removed"),
            (len(summary["corrected"]), "statement corrected", "statements corrected"),
            (len(summary["entities"]["added"]), "entity added", "entities added"),
            (len(summary["entities"]["removed"]), "entity removed", "entities removed")]
    parts = [_n(n, one, many) for n, one, many in said if n]
    if summary["members"]:
        joined = sum(len(x["joined"]) for x in summary["members"])
        left = sum(len(x["left"]) for x in summary["members"])
        parts.insert(3, f"{_n(len(summary['members']), 'organisation', 'organisations')} changed members "
                        f"({joined} joined, {left} left)")
    q = summary["quads"]
    said = "; ".join(parts) or "No change in memberships, counts, sources or statements"
    return said + f" (patch: {q['added']} quads added, {q['removed']} removed)."


def write_changes(previous: Path | None, folder: Path, out: Path) -> dict | None:
    summary = summarize(previous, folder) if previous is not None else None
    out.write_text(json.dumps(summary, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return summary


def render(summary: dict, a: str, b: str) -> str:
    """The summary as text for the command line."""
    lines = [f"Changes from {a} to {b}: {headline(summary)}"]

    def who(x):
        return f"{x['label']} <{x['iri']}>"

    for title, items in (("Memberships began", summary["memberships"]["began"]),
                         ("Memberships ended", summary["memberships"]["ended"])):
        for it in items:
            lines.append(f"  {title}: {it['state']['label']} in {it['organization']['label']} ({it['role']}"
                         f", {it['start'] or '?'} to {it['end'] or 'now'})  <{it['iri']}>")
    for it in summary["memberships"]["dates_changed"]:
        lines.append(f"  Dates changed: {it['state']['label']} in {it['organization']['label']} ({it['role']}): "
                     f"{it['was']['start'] or '?'}..{it['was']['end'] or 'now'} -> "
                     f"{it['start'] or '?'}..{it['end'] or 'now'}  <{it['iri']}>")
    for org in summary["members"]:
        lines.append(f"  {who(org['organization'])}: {org['before']} -> {org['after']} members"
                     + "".join(f"; joined {s['label']}" for s in org["joined"])
                     + "".join(f"; left {s['label']}" for s in org["left"]))
    for c in summary["counts"]:
        lines.append(f"  Declared count of {who(c['subject'])}: {c['old']} -> {c['new']} (in {c['graph']})")
    for kind in ("added", "removed"):
        for s in summary["sources"][kind]:
            lines.append(f"  Source {kind}: {who(s)}")
    for c in summary["corrected"]:
        lines.append(f"  Corrected {who(c['subject'])} {c['predicate']}: {c['old']!r} -> {c['new']!r}")
    for kind in ("added", "removed"):
        for e in summary["entities"][kind]:
            lines.append(f"  Entity {kind}: {who(e)}")
    return "\n".join(lines)
