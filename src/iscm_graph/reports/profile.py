"""The profile of one entity, for its page: the key facts with the documents that state them (and where
sources disagree, every value with its document), its members or memberships by role with dates and
sources, and what it is linked to. A handful of queries per entity, the entity's IRI always bound.

Which properties make which fact is a table (profile_queries.FACTS), so every kind of entity gets the facts it has:
a mechanism its founding year and member counts, a state its code, a paragraph its document."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import pyoxigraph as ox
from rdflib import URIRef

from iscm_graph.namespaces import BASE, ISCM
from iscm_graph.rdf.terms import to_rdflib
from iscm_graph.reports.profile_queries import (COUNTS, DOCUMENTS, FACT_ORDER, FACTS_QUERY, FOR_MEMBER,
                                                FOR_ORG, GRAPH_TITLES, LINKS, NAMES, FACTS)

INFERRED = BASE + "graph/inferred"


@dataclass
class Value:
    """One value of a fact: an IRI (with its labels) or a literal, and where it is stated."""
    term: object
    labels: dict = field(default_factory=dict)
    graphs: list = field(default_factory=list)      # the graphs stating it
    notes: list = field(default_factory=list)       # footnote numbers

    @property
    def iri(self) -> str | None:
        return self.term.value if isinstance(self.term, ox.NamedNode) else None

    @property
    def language(self) -> str | None:
        return getattr(self.term, "language", None)


@dataclass
class Fact:
    key: str
    values: list
    disagreement: bool = False


@dataclass
class Membership:
    iri: str            # the membership record
    organization: str
    member: str
    role: str           # the role concept's local name (member, observer, chair, ...)
    role_iri: str
    begin: str | None
    end: str | None
    ended: bool
    derived: bool
    sources: list       # IRIs of the documents cited
    graph: str
    notes: list = field(default_factory=list)


@dataclass
class Profile:
    iri: str
    facts: list
    members: dict        # role -> [Membership] (an organisation's members; "former" for ended ones)
    memberships: list    # [Membership] (a member's organisations)
    links: dict          # key -> [IRI]
    counts: dict         # graph -> number of statements (a source document's graphs)
    names: dict          # IRI -> {"en": ..., "ar": ...}
    kinds: dict          # IRI -> [class IRI]
    footnotes: list      # [{"n", "document", "title", "year", "graph", "lines"}]
    listed: Value | None = None   # how many current members the membership lists name
    sources: dict = field(default_factory=dict)   # source graph -> {document, title, year}


def _text(term) -> str | None:
    return None if term is None else term.value


def _local(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def role_name(iri: str) -> str:
    """`…/concept/role-co-chair` -> `co-chair`."""
    name = _local(iri)
    return name[5:] if name.startswith("role-") else name


class _Footnotes:
    """Numbers the sources a page cites, in the order of first citation: one note per document and
    set of lines (or per graph, for curated graphs that no source document stands behind)."""

    def __init__(self, documents: dict, graph_titles: dict):
        self.documents, self.graph_titles = documents, graph_titles
        self.notes: list = []
        self._index: dict = {}

    def cite(self, graph: str, lines=()) -> list[int]:
        # a source graph cites its document; a curated graph (drawing on many pages) cites itself
        own = graph.startswith(BASE + "graph/source/") or not graph.startswith(BASE + "graph/")
        docs = (self.documents.get(graph) if own else None) or [None]
        out = []
        for doc in docs:
            key = (doc or graph, tuple(l["href"] for l in lines))
            if key not in self._index:
                info = self.documents.get(("doc", doc), {}) if doc else {}
                self._index[key] = len(self.notes) + 1
                self.notes.append({"n": len(self.notes) + 1, "document": doc, "graph": graph,
                                   "external": not graph.startswith(BASE),     # a web page, not a graph
                                   "title": info.get("title") or {}, "year": info.get("year"),
                                   "description": self.graph_titles.get(graph), "lines": list(lines)})
            out.append(self._index[key])
        return out


def _documents(store, this) -> dict:
    """graph -> [document]; ("doc", document) -> {title: {lang: text}, year}; a document stands for
    itself too (membership records cite documents, not graphs)."""
    out: dict = defaultdict(list)
    for row in store.query(DOCUMENTS, {"this": this}):
        g, d = row["g"].value, row["d"].value
        if d not in out[g]:
            out[g].append(d)
        info = out.setdefault(("doc", d), {"title": {}, "year": None})
        if row["title"] is not None:
            info["title"].setdefault(row["title"].language or "en", row["title"].value)
        if row["year"] is not None and not info["year"]:
            info["year"] = row["year"].value[:4]
    return out


def profile(store, iri: str, lines: dict | None = None) -> Profile:
    """The profile of the entity `iri`. `lines` maps (s, p, o, graph) in rdflib terms to the links of
    the lines of the source texts that state it (see web.pages.line_links)."""
    lines = lines or {}
    this = URIRef(iri)
    bound = {"this": this}
    names: dict = defaultdict(dict)
    kinds: dict = defaultdict(list)
    for row in store.query(NAMES, bound):
        x = row["x"].value
        if row["label"] is not None:
            names[x].setdefault(row["label"].language, row["label"].value)
        if row["kind"] is not None and row["kind"].value not in kinds[x]:
            kinds[x].append(row["kind"].value)
    documents = _documents(store, this)
    graph_titles = {row["g"].value: row["d"].value for row in store.query(GRAPH_TITLES)}
    notes = _Footnotes(documents, graph_titles)

    # the facts: values grouped by fact and value, each with the graphs (and lines) stating it
    by_key: dict = defaultdict(dict)
    compared: set = set()
    for row in store.query(FACTS_QUERY, bound):
        key, o, g = row["key"].value, row["o"], row["g"].value
        if row["compared"] is not None:
            compared.add(key)
        value = by_key[key].setdefault(o.value, Value(o, names.get(o.value, {}) if isinstance(o, ox.NamedNode) else {}))
        if g not in value.graphs:
            value.graphs.append(g)
            s, p = to_rdflib(row["s"]), to_rdflib(row["p"])
            triple = (s, p, this) if key == "objective" else (s, p, to_rdflib(o))
            found = lines.get((*triple, g), [])
            value.notes.extend(n for n in notes.cite(g, found) if n not in value.notes)

    members, memberships = _memberships(store, this, notes)
    # the chair today and the observers come from the membership records
    extra: dict = {}
    chairs = [m for role in ("chair", "co-chair") for m in members.get(role, [])]
    if chairs:
        extra["chair"] = [Value(ox.NamedNode(m.member), names.get(m.member, {}), [m.graph], m.notes) for m in chairs]
    if members.get("observer"):
        extra["observers"] = [_count(members["observer"], "member")]
    if memberships:
        current = [m for m in memberships if not m.ended and m.role == "member"
                   and str(ISCM.ConsultationMechanism) in _kind_chain(kinds.get(m.organization, []))]
        if current:
            extra["mechanisms"] = [_count(current, "organization")]
    listed = _count(members.get("member", []), "member") if members.get("member") else None
    links: dict = defaultdict(list)
    counts: dict = {}
    for row in store.query(LINKS, bound):
        key, x = row["key"].value, row["x"].value
        if x not in links[key]:
            links[key].append(x)
    for row in store.query(COUNTS, bound):
        counts[row["x"].value] = int(row["n"].value)
    if counts:
        extra["statements"] = [Value(ox.Literal(str(sum(counts.values())), datatype=ox.NamedNode(
            "http://www.w3.org/2001/XMLSchema#integer")))]

    # the stated class is the kind where no source declares one (bodies, states, documents)
    types = by_key.pop("type", {})
    if "kind" not in by_key and types:
        by_key["kind"] = types
    facts = []
    for key in dict.fromkeys(FACT_ORDER):
        if key in by_key:
            values = sorted(by_key[key].values(), key=lambda v: v.term.value)
            graphs = {g for v in values for g in v.graphs}
            facts.append(Fact(key, values, key in compared and len(values) > 1 and len(graphs) > 1))
        elif key in extra:
            facts.append(Fact(key, extra[key]))
    if listed is not None and not any(f.key == "members" for f in facts):
        facts.insert(min(3, len(facts)), Fact("members", [listed]))
    sources = {g: documents[("doc", ds[0])] | {"document": ds[0]} for g, ds in documents.items()
               if isinstance(g, str) and g.startswith(BASE + "graph/source/") and ds}
    return Profile(iri, facts, members, memberships, dict(links), counts, dict(names), dict(kinds),
                   notes.notes, listed, sources)


def _count(rows, side: str) -> Value:
    return Value(ox.Literal(str(len({getattr(m, side) for m in rows})),
                            datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")))


def _kind_chain(classes: list) -> list:
    """A mechanism's stated class is one of the three kinds; count them all as mechanisms."""
    mech = {str(ISCM.RegionalConsultativeProcess), str(ISCM.InterRegionalForum), str(ISCM.GlobalProcess)}
    return classes + ([str(ISCM.ConsultationMechanism)] if mech & set(classes) else [])


def _memberships(store, this, notes: _Footnotes) -> tuple[dict, list]:
    """An organisation's members by role (ended ones as "former"), and a member's memberships."""
    today = date.today().isoformat()

    def rows(query):
        found: dict = {}
        for row in store.query(query, {"this": this}):
            m = row["m"].value
            if m not in found:
                end = _text(row["end"])
                # over: an end whose day (a year's last day when only the year is known) has passed
                last_day = _text(row["endDay"])
                ended = row["ended"].value == "true" and (last_day is None or last_day < today)
                found[m] = Membership(m, row["org"].value, row["member"].value, role_name(row["role"].value),
                                      row["role"].value, _text(row["begin"]), end, ended,
                                      row["derived"].value == "true", [], row["g"].value)
            src = _text(row["src"])
            if src and src not in found[m].sources:
                found[m].sources.append(src)
        for ms in found.values():
            for src in ms.sources or [None]:
                ms.notes.extend(notes.cite(src) if src else notes.cite(ms.graph))
        return sorted(found.values(), key=lambda ms: (ms.begin or "", ms.iri))
    members: dict = defaultdict(list)
    for ms in rows(FOR_ORG):
        members["former" if ms.ended else ms.role].append(ms)
    return dict(members), rows(FOR_MEMBER)


__all__ = ["profile", "Profile", "Fact", "Value", "Membership", "FACTS", "role_name", "INFERRED"]
