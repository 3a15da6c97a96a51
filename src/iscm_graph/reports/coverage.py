"""Membership coverage: declared member counts beside the members the lists give, and the gaps."""
from __future__ import annotations

from dataclasses import dataclass, field

_MECHANISMS = """
SELECT ?m ?label ?acronym WHERE {
  ?m a iscm:ConsultationMechanism ; skos:prefLabel ?label FILTER (LANG(?label) = "en")
  OPTIONAL { GRAPH <https://w3id.org/iscm/graph/curated/names> { ?m skos:altLabel ?acronym } FILTER (LANG(?acronym) = "en") }
}"""
_DECLARED = """SELECT ?m ?n ?g WHERE { ?m a iscm:ConsultationMechanism . GRAPH ?g { ?m iscm:declaredMemberCount ?n } }"""
_LISTED = """SELECT ?m (COUNT(DISTINCT ?s) AS ?n) WHERE { ?m a iscm:ConsultationMechanism ; iscm:hasMember ?s } GROUP BY ?m"""
_OTHER_ROLES = """
SELECT ?m ?role (COUNT(DISTINCT ?s) AS ?n) WHERE {
  ?m a iscm:ConsultationMechanism . ?x org:organization ?m ; org:member ?s ; org:role ?r .
  ?r skos:prefLabel ?role FILTER (LANG(?role) = "en" && ?r NOT IN (<https://w3id.org/iscm/id/concept/role-member>))
  FILTER NOT EXISTS { ?x org:memberDuring/time:hasEnd [] }
} GROUP BY ?m ?role"""
_RULES = """SELECT ?m ?body WHERE { ?r a iscm:MembershipRule ; iscm:ruleFor ?m ; iscm:membershipOf ?b .
            ?b skos:altLabel ?body FILTER (LANG(?body) = "en") }"""
_REASONS = """SELECT ?m ?reason WHERE { ?m a iscm:ConsultationMechanism ; iscm:countDifferenceReason ?reason }"""
_UNLISTED_STATES = """
SELECT ?s ?label WHERE {
  ?s a iscm:State ; skos:prefLabel ?label FILTER (LANG(?label) = "en")
  FILTER NOT EXISTS { ?s iscm:memberOf ?m . ?m a iscm:ConsultationMechanism FILTER (?m != mech:gfmd) }
} ORDER BY ?label"""


@dataclass
class CoverageRow:
    mechanism: str
    label: str
    declared: list[tuple[int, str]] = field(default_factory=list)     # (count, graph)
    listed: int = 0
    other_roles: dict[str, int] = field(default_factory=dict)
    derived_from: str = ""
    reason: str = ""              # why the listed members differ from a declared count (the data says)

    @property
    def status(self) -> str:
        if not self.listed:
            return "no list"
        if any(n != self.listed for n, _ in self.declared):
            return "differs"
        return "matches"


def _v(term) -> str:
    return term.value


def membership_coverage(store) -> tuple[list[CoverageRow], list[tuple[str, str]]]:
    rows: dict[str, CoverageRow] = {}
    for r in store.query(_MECHANISMS):
        # the shortest English name (an acronym where there is one) keeps the table narrow
        short = _v(r["acronym"]) if r["acronym"] is not None else _v(r["label"])
        row = rows.setdefault(_v(r["m"]), CoverageRow(_v(r["m"]), short))
        if len(short) < len(row.label):
            row.label = short
    for r in store.query(_DECLARED):
        rows[_v(r["m"])].declared.append((int(_v(r["n"])), _v(r["g"]).rsplit("graph/", 1)[-1]))
    for r in store.query(_LISTED):
        rows[_v(r["m"])].listed = int(_v(r["n"]))
    for r in store.query(_OTHER_ROLES):
        rows[_v(r["m"])].other_roles[_v(r["role"])] = int(_v(r["n"]))
    for r in store.query(_RULES):
        row = rows[_v(r["m"])]
        row.derived_from = " + ".join(sorted({*filter(None, row.derived_from.split(" + ")), _v(r["body"])}))
    for r in store.query(_REASONS):
        rows[_v(r["m"])].reason = _v(r["reason"])
    unlisted = [(_v(r["s"]), _v(r["label"])) for r in store.query(_UNLISTED_STATES)]
    ordered = sorted(rows.values(), key=lambda row: (row.status != "differs", row.status, row.label.lower()))
    for row in ordered:
        row.declared.sort(key=lambda d: d[1])
    return ordered, unlisted


def render_coverage(rows: list[CoverageRow], unlisted: list[tuple[str, str]]) -> str:
    head = ("mechanism", "declared (source)", "listed members", "other roles", "members from", "status")
    table = [head]
    for r in rows:
        table.append((
            r.label[:40],
            ", ".join(f"{n} ({g})" for n, g in r.declared) or "-",
            str(r.listed) if r.listed else "-",
            ", ".join(f"{n} {role}" for role, n in sorted(r.other_roles.items())) or "-",
            f"rule: {r.derived_from}" if r.derived_from else ("list" if r.listed else "-"),
            r.status,
        ))
    widths = [max(len(row[i]) for row in table) for i in range(len(head))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in table]
    lines.insert(1, "  ".join("-" * w for w in widths))
    counts = {s: sum(1 for r in rows if r.status == s) for s in ("matches", "differs", "no list")}
    lines.append(f"{len(rows)} mechanisms: {counts['matches']} match their declared count, "
                 f"{counts['differs']} differ, {counts['no list']} have no member list.")
    lines.append("Why the lists differ from the declared counts (or have none):")
    for r in rows:
        if r.status != "matches":
            lines.append(f"  {r.label}: {r.reason or 'no reason recorded'}")
    lines.append(f"{len(unlisted)} UN member or observer states are in no mechanism other than the GFMD"
                 + (": " + ", ".join(label for _, label in unlisted) if unlisted else "."))
    return "\n".join(lines)
