"""Memberships as QuickStatements V1 commands for Wikidata: "member of" (P463) with start time (P580),
end time (P582) and a reference (reference URL P854, retrieved P813).

Only the role `member` maps to P463: an associate member, observer, partner or chair is not a member
in Wikidata's sense (those would need "subject has role" qualifiers editors would have to agree on),
and a suspension does not end the membership. A membership is written only when both its member and
its organisation have a Wikidata item (skos:exactMatch in the graph); the others are counted by reason.

Syntax (QuickStatements' V1 parser): one command per line, fields separated by `|` (the tool turns `|`
into tabs when the text has no tab), times `+YYYY-MM-DDT00:00:00Z/11` (day) or `+YYYY-00-00T00:00:00Z/9`
(year), strings in double quotes, `somevalue` for an end that is known to have happened on an unknown
date. Qualifiers then references follow the statement on the same line (S-prefixed properties)."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from iscm_graph.errors import IscmError

WIKIDATA_ENTITY = "http://www.wikidata.org/entity/"
MEMBER_ROLE = "https://w3id.org/iscm/id/concept/role-member"

# Every membership with the role member, in any graph (derived ones included); the reference is the
# list's source, or for a derived membership the source of the membership it was derived from.
_MEMBERSHIPS = """
SELECT ?m ?member ?org ?startDate ?startYear ?endDate ?endYear ?ended ?url ?read WHERE {
  ?m a org:Membership ; org:role <%s> ; org:member ?member ; org:organization ?org .
  OPTIONAL { ?m org:memberDuring/time:hasBeginning ?b .
             OPTIONAL { ?b time:inXSDDate ?startDate } OPTIONAL { ?b time:inXSDgYear ?startYear } }
  OPTIONAL { ?m org:memberDuring/time:hasEnd ?e . BIND (true AS ?ended)
             OPTIONAL { ?e time:inXSDDate ?endDate } OPTIONAL { ?e time:inXSDgYear ?endYear } }
  OPTIONAL { ?m dcterms:source|(prov:wasDerivedFrom/dcterms:source) ?src .
             ?src schema:url ?url OPTIONAL { ?src iscm:readOn ?read } }
} ORDER BY ?m ?url""" % MEMBER_ROLE
_ITEMS = """
SELECT ?x ?item WHERE { ?x skos:exactMatch ?item FILTER (STRSTARTS(STR(?item), "http://www.wikidata.org/entity/Q")) }"""


@dataclass
class QuickStatementsResult:
    commands: list[str] = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)     # reason -> number of memberships

    @property
    def total(self) -> int:
        return len(self.commands) + sum(self.skipped.values())

    def summary(self) -> str:
        reasons = "; ".join(f"{n} because {why}" for why, n in sorted(self.skipped.items()))
        return (f"QuickStatements: {len(self.commands)} memberships written, "
                f"{sum(self.skipped.values())} skipped" + (f" ({reasons})" if reasons else ""))


def wikidata_time(date: str | None, year: str | None) -> str | None:
    """A Wikidata time value with the precision the source gave: a year (/9) or a day (/11)."""
    if year:
        return f"+{year}-00-00T00:00:00Z/9"
    if date:
        return f"+{date}T00:00:00Z/11"
    return None


def _value(row, name):
    term = row[name]
    return None if term is None else term.value


def membership_commands(store) -> QuickStatementsResult:
    items = {row["x"].value: row["item"].value.removeprefix(WIKIDATA_ENTITY) for row in store.query(_ITEMS)}
    rows: dict[str, dict] = {}
    for row in store.query(_MEMBERSHIPS):
        # a membership with two sources gives two rows: keep the first reference (sorted below)
        rows.setdefault(row["m"].value, {k: _value(row, k) for k in
                        ("member", "org", "startDate", "startYear", "endDate", "endYear", "ended", "url", "read")})
    result = QuickStatementsResult()
    for _, r in sorted(rows.items()):
        member, org = items.get(r["member"]), items.get(r["org"])
        if org is None:
            result.skipped["the organisation has no Wikidata item"] += 1
            continue
        if member is None:
            result.skipped["the member has no Wikidata item"] += 1
            continue
        fields = [member, "P463", org]
        start = wikidata_time(r["startDate"], r["startYear"])
        if start:
            fields += ["P580", start]
        if r["ended"]:
            fields += ["P582", wikidata_time(r["endDate"], r["endYear"]) or "somevalue"]
        if r["url"]:
            fields += ["S854", f'"{r["url"]}"']
            if r["read"]:
                fields += ["S813", wikidata_time(r["read"] if len(r["read"]) > 4 else None,
                                                 r["read"] if len(r["read"]) == 4 else None)]
        result.commands.append("|".join(fields))
    result.commands.sort()
    return result


def commands_text(result: QuickStatementsResult) -> str:
    return "".join(line + "\n" for line in result.commands)


def write_quickstatements(build: Path, target: str | None) -> QuickStatementsResult:
    """Write the commands to `target` (a file, or stdout for None / '-')."""
    import sys

    from iscm_graph.query.store import EmbeddedStore

    result = membership_commands(EmbeddedStore.from_build(build))
    text = commands_text(result)
    if target in (None, "-"):
        sys.stdout.write(text)
    else:
        try:
            Path(target).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise IscmError(f"cannot write {target}: {exc.strerror}") from None
    return result


__all__ = ["membership_commands", "commands_text", "write_quickstatements", "wikidata_time", "QuickStatementsResult"]
