"""The catalogue of competency questions: queries/*.rq with grlc-style `#+ key: value` headers.

Headers: `summary` (required), `params` (comma-separated `name:type` or `name:type=default`, types
iri | string | integer | date | year | lang-string), `example` (any text). Parameters are bound as
RDF terms through the store's substitutions, never pasted into the query text. An `iri` parameter
takes a full IRI or what people type (a name, code, slug or Wikidata id) when a resolver
(reports/resolve.py) is given; a parameter named after a kind (`state`, `mechanism`, ...) only takes
that kind.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from iscm_graph.errors import QueryError

_HEADER = re.compile(r"^#\+\s*([A-Za-z_-]+)\s*:\s*(.*?)\s*$")
_TYPES = {"iri", "string", "integer", "date", "year"}
# iri parameters whose name says the kind of resource they take (the resolver's kinds)
PARAM_KINDS = {"state": "state", "mechanism": "mechanism", "region": "region", "theme": "theme",
               "body": "body", "commission": "commission", "objective": "objective"}


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    default: str | None = None


@dataclass
class NamedQuery:
    name: str
    path: Path
    text: str
    summary: str
    params: list[Param] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)

    def bind(self, values: dict[str, str], resolver=None) -> dict:
        """Turn user-given strings into RDF terms by declared type; complain precisely otherwise.
        With a resolver, `iri` values may be names, codes or slugs (ResolveError lists candidates)."""
        unknown = set(values) - {p.name for p in self.params}
        if unknown:
            raise QueryError(f"query {self.name!r} has no parameter(s) {', '.join(sorted(unknown))}")
        bound = {}
        for p in self.params:
            raw = values.get(p.name, p.default)
            if raw is None:
                raise QueryError(f"query {self.name!r} needs parameter {p.name!r} ({p.type})")
            if p.type == "iri" and resolver is not None:
                bound[p.name] = URIRef(resolver.resolve(raw, PARAM_KINDS.get(p.name), f"parameter {p.name!r}"))
            else:
                bound[p.name] = to_term(raw, p.type, p.name)
        return bound


def to_term(raw: str, kind: str, name: str = "value"):
    try:
        if kind == "iri":
            if not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>\"{}|\\^`]*$", raw):
                raise ValueError
            return URIRef(raw)
        if kind == "integer":
            return Literal(int(raw), datatype=XSD.integer)
        if kind == "date":
            import datetime as dt
            return Literal(dt.date.fromisoformat(raw).isoformat(), datatype=XSD.date)
        if kind == "year":
            if not re.fullmatch(r"-?\d{4}", raw):
                raise ValueError
            return Literal(raw, datatype=XSD.gYear)
        return Literal(raw)
    except ValueError:
        raise QueryError(f"parameter {name!r}: {raw!r} is not a valid {kind}") from None


def parse_query_file(path: Path) -> NamedQuery:
    text = path.read_text(encoding="utf-8")
    meta: dict[str, str] = {}
    for line in text.splitlines():
        m = _HEADER.match(line)
        if m:
            meta[m.group(1).lower()] = m.group(2)
    if not meta.get("summary"):
        raise QueryError(f"{path}: no '#+ summary:' header")
    params = []
    for item in filter(None, (s.strip() for s in meta.get("params", "").split(","))):
        m = re.fullmatch(r"([A-Za-z_][A-Za-z0-9_]*):([a-z-]+)(?:=(.*))?", item)
        if not m or m.group(2) not in _TYPES:
            raise QueryError(f"{path}: bad parameter declaration {item!r} (want name:type[=default], "
                             f"type one of {', '.join(sorted(_TYPES))})")
        params.append(Param(m.group(1), m.group(2), m.group(3)))
        # The answer names what it was asked about; a blank node is still bound by substitution,
        # which needs the variable in the SELECT clause.
        if re.search(r"\bSELECT\b", text, re.I) and not re.search(
                r"\bSELECT\b[^{]*\?" + m.group(1) + r"\b", text, re.I | re.S):
            raise QueryError(f"{path}: parameter ?{m.group(1)} must appear in the SELECT clause")
    return NamedQuery(name=path.stem, path=path, text=text, summary=meta["summary"],
                      params=params, meta=meta)


def catalogue(queries_dir: Path) -> dict[str, NamedQuery]:
    return {p.stem: parse_query_file(p) for p in sorted(queries_dir.glob("*.rq"))}
