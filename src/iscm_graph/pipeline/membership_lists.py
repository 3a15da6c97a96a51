"""Membership lists (CSV) as org:Membership nodes, one named graph per list.

- `list_graphs` turns each `data/memberships/{list}.csv` into one named graph of membership nodes,
  with the sources it cites (`sources*.csv`).
- `un_membership_graph` does the same for the United Nations from the curated UN member list.

What follows from the lists (rule-derived memberships, current members) is `derive.py`'s.
"""
from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

import pycountry
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, PROV, RDF, SKOS, TIME, XSD

from iscm_graph.errors import DataError
from iscm_graph.namespaces import GRAPH, ID, ISCM, PREFIXES, SCHEMA, STATE

ROLES = {name: ID[f"concept/role-{name}"] for name in
         ("member", "associate-member", "observer", "partner", "suspended", "chair", "co-chair")}
CHAIR_TYPES = {"rotating": ID["concept/rotating-chair"], "permanent": ID["concept/permanent-chair"]}
MEMBER_KINDS = ("orgn:", "body:", "comm:")
UN = ID["organization/united-nations"]
UN_GRAPH = GRAPH["curated/members/united-nations"]
_DATE = re.compile(r"^\d{4}(-\d{2}-\d{2})?$")


def _parse_date(raw: str, where: str, end: bool) -> tuple[dt.date | None, str | None]:
    raw = (raw or "").strip()
    if not raw:
        return None, None
    if not _DATE.match(raw):
        raise DataError(f"{where}: {raw!r} is not a date (YYYY or YYYY-MM-DD)")
    if len(raw) == 4:
        return (dt.date(int(raw), 12, 31) if end else dt.date(int(raw), 1, 1)), raw
    try:
        return dt.date.fromisoformat(raw), None
    except ValueError:
        raise DataError(f"{where}: {raw!r} is not a valid date") from None


def _expand(curie: str, where: str) -> URIRef:
    prefix, _, local = curie.strip().partition(":")
    if prefix not in PREFIXES or not local:
        raise DataError(f"{where}: {curie!r} is not a known CURIE (mech:, body:, comm:, orgn:)")
    return URIRef(PREFIXES[prefix] + local)


def _rows(path: Path) -> tuple[list[str], list[tuple[int, dict]]]:
    with path.open(encoding="utf-8") as fh:
        lines = fh.read().splitlines()
    comments = [l for l in lines if l.startswith("#")]
    numbered = [(n, l) for n, l in enumerate(lines, start=1) if l.strip() and not l.startswith("#")]
    if not numbered:
        raise DataError(f"{path}: no CSV header")
    reader = csv.DictReader([l for _, l in numbered])
    return comments, [(numbered[i + 1][0], row) for i, row in enumerate(reader)]


def read_sources(folder: Path) -> dict[str, dict]:
    sources: dict[str, dict] = {}
    for path in sorted(folder.glob("sources*.csv")):
        _, rows = _rows(path)
        for lineno, row in rows:
            key = (row.get("id") or "").strip()
            where = f"{path}:{lineno}"
            if not key or not (row.get("url") or "").startswith(("http://", "https://")):
                raise DataError(f"{where}: a source needs an id and an http(s) url")
            if key in sources:
                raise DataError(f"{where}: source id {key!r} is defined twice")
            if (row.get("date_kind") or "").strip() not in ("stated", "read"):
                raise DataError(f"{where}: date_kind must be 'stated' or 'read'")
            sources[key] = {**{k: (v or "").strip() for k, v in row.items()}, "where": where}
    return sources


def _source_node(g: Graph, key: str, src: dict) -> URIRef:
    node = ID[f"source/list/{key}"]
    g.add((node, RDF.type, ISCM.SourceDocument))
    g.add((node, DCTERMS.title, Literal(src["title"] or src["url"])))
    g.add((node, SKOS.prefLabel, Literal(src["title"] or src["url"], lang="en")))
    if src.get("publisher"):
        g.add((node, DCTERMS.publisher, Literal(src["publisher"])))
    g.add((node, SCHEMA.url, URIRef(src["url"])))
    if src.get("date"):
        prop = DCTERMS.date if src["date_kind"] == "stated" else ISCM.readOn
        datatype = XSD.gYear if len(src["date"]) == 4 else XSD.date
        g.add((node, prop, Literal(src["date"], datatype=datatype)))
    if src.get("note"):
        g.add((node, SKOS.note, Literal(src["note"], lang="en")))
    return node


def _interval(g: Graph, start: str, end: str, where: str) -> BNode:
    interval = BNode()
    g.add((interval, RDF.type, TIME.Interval))
    if end.lower() == "unknown":
        # the membership is over, but no source says when: an end instant without a date
        instant = BNode()
        g.add((interval, TIME.hasEnd, instant))
        g.add((instant, RDF.type, TIME.Instant))
        g.add((instant, SKOS.note, Literal("ended; the date is not known", lang="en")))
        end = ""
    for prop, raw, is_end in ((TIME.hasBeginning, start, False), (TIME.hasEnd, end, True)):
        day, year = _parse_date(raw, where, is_end)
        if day is None:
            continue
        instant = BNode()
        g.add((interval, prop, instant))
        g.add((instant, RDF.type, TIME.Instant))
        g.add((instant, TIME.inXSDDate, Literal(day.isoformat(), datatype=XSD.date)))
        if year:   # keep the precision the source gave
            g.add((instant, TIME.inXSDgYear, Literal(year, datatype=XSD.gYear)))
    return interval


def _member(value: str, where: str) -> tuple[URIRef, str]:
    """A state (ISO 3166-1 alpha-3) or an organisation (orgn:, body:, comm: CURIE), and its key."""
    value = value.strip()
    if value.startswith(MEMBER_KINDS):
        return _expand(value, where), value.replace(":", "-")
    code = value.upper()
    if pycountry.countries.get(alpha_3=code) is None:
        raise DataError(f"{where}: {value!r} is not an ISO 3166-1 alpha-3 code nor an organisation "
                        "(orgn:, body:, comm:)")
    return STATE[code.lower()], code.lower()


def _membership(g, org, state_code, role, start, end, source_node, note, where, slug) -> URIRef:
    member, code = _member(state_code, where)
    if role not in ROLES:
        raise DataError(f"{where}: role {role!r} is not one of {', '.join(ROLES)}")
    node = ID[f"membership/{slug}/{code}-{role}" + (f"-{start[:4]}" if start else "")]
    if (node, RDF.type, ORG.Membership) in g:
        raise DataError(f"{where}: {code.upper()} has two {role} rows starting {start or '(unknown)'}")
    g.add((node, RDF.type, ORG.Membership))
    g.add((node, ORG.member, member))
    g.add((node, ORG.organization, org))
    g.add((node, ORG.role, ROLES[role]))
    g.add((node, ORG.memberDuring, _interval(g, start, end, where)))
    g.add((node, DCTERMS.source, source_node))
    if note:
        g.add((node, SKOS.note, Literal(note, lang="en")))
    return node


def _header_fields(comments: list[str]) -> list[tuple[str, str]]:
    """`# name: value` lines of a list file (organization, note, chair-type, count-difference)."""
    out = []
    for c in comments:
        name, sep, value = c.lstrip("# ").partition(":")
        if sep and name.strip() in ("chair-type", "count-difference"):
            out.append((name.strip(), value.strip()))
    return out


def list_graphs(folder: Path) -> list[tuple[Path, Graph]]:
    """One graph per membership list file."""
    if not folder.is_dir():
        return []
    sources = read_sources(folder)
    out = []
    for path in sorted(p for p in folder.glob("*.csv") if not p.name.startswith("sources")):
        comments, rows = _rows(path)
        org_line = [c for c in comments if c.lstrip("# ").startswith("organization:")]
        if not org_line:
            raise DataError(f"{path}: first line must be '# organization: <CURIE>'")
        org = _expand(org_line[0].split(":", 1)[1], str(path))
        iri = GRAPH[f"curated/members/{path.stem}"]
        g = Graph(identifier=iri)
        g.add((iri, RDF.type, ISCM.SourceGraph))
        g.add((iri, DCTERMS.description, Literal(f"Membership list of {org} ({path.name}).", lang="en")))
        used = set()

        def cite(key: str, where: str) -> None:
            if key not in sources:
                raise DataError(f"{where}: source {key!r} is not in sources*.csv")
            if key not in used:
                used.add(key)
                g.add((iri, PROV.wasDerivedFrom, URIRef(sources[key]["url"])))

        for name, value in _header_fields(comments):
            where = f"{path}: '# {name}:'"
            if name == "chair-type":
                kind, _, key = value.partition(";")
                kind, key = kind.strip(), key.strip().removeprefix("source:").strip()
                if kind not in CHAIR_TYPES:
                    raise DataError(f"{where} must be 'rotating' or 'permanent', then '; source: ID'")
                cite(key, where)
                g.add((org, ISCM.chairType, CHAIR_TYPES[kind]))
            elif name == "count-difference":
                g.add((org, ISCM.countDifferenceReason, Literal(value, lang="en")))
        for lineno, row in rows:
            where = f"{path}:{lineno}"
            key = (row.get("source") or "").strip()
            cite(key, where)
            node = _source_node(g, key, sources[key])
            _membership(g, org, row.get("state") or "", (row.get("role") or "").strip(),
                        (row.get("start") or "").strip(), (row.get("end") or "").strip(), node,
                        (row.get("note") or "").strip(), where, path.stem)
        out.append((path, g))
    return out


def un_membership_graph(curated_dir: Path, members: dict[str, str], observers: dict[str, str]) -> Graph:
    """Memberships of the United Nations from the curated lists (admission year as start)."""
    g = Graph(identifier=UN_GRAPH)
    source = URIRef("https://www.un.org/en/about-us/member-states")
    g.add((UN_GRAPH, RDF.type, ISCM.SourceGraph))
    g.add((UN_GRAPH, PROV.wasDerivedFrom, source))
    g.add((UN_GRAPH, DCTERMS.description, Literal(
        "UN member and observer states, from data/curated/un-members.csv and un-observers.csv.", lang="en")))
    node = _source_node(g, "un-member-states", {"title": "Member States", "publisher": "United Nations",
                                                "url": str(source), "date": "", "date_kind": "read", "note": ""})
    for table, role in ((members, "member"), (observers, "observer")):
        for code, year in sorted(table.items()):
            _membership(g, UN, code, role, year, "", node, "", str(curated_dir), "united-nations")
    return g


__all__ = ["list_graphs", "un_membership_graph", "read_sources", "ROLES", "UN"]
