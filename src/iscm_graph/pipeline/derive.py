"""What the build derives from the stated data besides OWL RL entailments (ontology/README.md).

`derive` applies the membership rules (`iscm:MembershipRule`: a mechanism whose membership is by
definition that of a body) and states the direct `iscm:hasMember` / `iscm:memberOf` links of current
members (states only; organisations that are members do not count), `iscm:hasChair` for current
chairs and co-chairs and `iscm:hasObserver` for current observer organisations; it states the direct `iscm:hasSecretariat` / `iscm:secretariatOf` links of the secretariat
arrangements, and `iscm:isTerritory true` (deprecated, kept for older queries) for every
`iscm:Territory`. Its output goes to the inferred graph only, each derived membership pointing at its
rule and the membership it comes from.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from rdflib import BNode, Graph, Literal
from rdflib.namespace import ORG, PROV, RDF, TIME, XSD

from iscm_graph.errors import DataError
from iscm_graph.namespaces import ID, ISCM, STATE
from iscm_graph.pipeline.membership_lists import ROLES


@dataclass(frozen=True)
class Period:
    start: dt.date | None
    end: dt.date | None
    ended: bool = False          # an end is recorded, possibly without a date

    def covers(self, day: dt.date) -> bool:
        if self.ended and self.end is None:
            return False
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


def _date_of(g: Graph, interval, prop) -> dt.date | None:
    instant = g.value(interval, prop) if interval is not None else None
    value = g.value(instant, TIME.inXSDDate) if instant is not None else None
    return dt.date.fromisoformat(str(value)) if value is not None else None


def _period(g: Graph, node) -> Period:
    interval = g.value(node, ORG.memberDuring)
    ended = interval is not None and g.value(interval, TIME.hasEnd) is not None
    return Period(_date_of(g, interval, TIME.hasBeginning), _date_of(g, interval, TIME.hasEnd), ended)


def _copy_interval(src: Graph, node, dst: Graph) -> BNode:
    interval = BNode()
    dst.add((interval, RDF.type, TIME.Interval))
    old = src.value(node, ORG.memberDuring)
    for prop in (TIME.hasBeginning, TIME.hasEnd):
        instant = src.value(old, prop) if old is not None else None
        if instant is None:
            continue
        new = BNode()
        dst.add((interval, prop, new))
        dst.add((new, RDF.type, TIME.Instant))
        for p, o in src.predicate_objects(instant):
            if p != RDF.type:
                dst.add((new, p, o))
    return interval


def _slug(iri) -> str:
    return str(iri).rstrip("/").rsplit("/", 1)[-1]


# What `derive` reads: rules, memberships, their periods, and the instants that bound them; the
# secretariat arrangements; the territories.
_DERIVE_PREDICATES = (ISCM.ruleFor, ISCM.membershipOf, ISCM.inheritsRole, ISCM.derivedRole, ORG.organization,
                      ORG.role, ORG.member, ORG.memberDuring, TIME.hasBeginning, TIME.hasEnd,
                      ISCM.secretariatArrangement, ISCM.arrangementType, ISCM.providedBy)
_DERIVE_TYPES = (ISCM.MembershipRule, ORG.Membership, ISCM.Territory)


def derive_input(graphs) -> Graph:
    """The part of the union of `graphs` that `derive` reads (it reads nothing else), so that the
    derivation needs no copy of the whole union."""
    graphs = list(graphs)
    view = Graph(store="SimpleMemory")
    instants = set()
    for g in graphs:
        for p in _DERIVE_PREDICATES:
            for s, o in g.subject_objects(p):
                view.add((s, p, o))
                if p in (TIME.hasBeginning, TIME.hasEnd):
                    instants.add(o)
        for o in _DERIVE_TYPES:
            for s in g.subjects(RDF.type, o):
                view.add((s, RDF.type, o))
    for g in graphs:
        for s, p, o in g:
            if s in instants:
                view.add((s, p, o))
    return view


# The provider of this kind of arrangement supports the mechanism without being its secretariat.
ADMINISTRATIVE_SUPPORT = ID["concept/administrative-support"]


def secretariat_links(union: Graph, out: Graph) -> None:
    """`iscm:hasSecretariat` and its inverse for the providers of every secretariat arrangement
    except administrative support."""
    for mechanism, arrangement in union.subject_objects(ISCM.secretariatArrangement):
        if union.value(arrangement, ISCM.arrangementType) == ADMINISTRATIVE_SUPPORT:
            continue
        for provider in union.objects(arrangement, ISCM.providedBy):
            out.add((mechanism, ISCM.hasSecretariat, provider))
            out.add((provider, ISCM.secretariatOf, mechanism))


def derive(union: Graph, today: dt.date) -> Graph:
    """Rule-derived memberships, the direct links of current members and of secretariats, and the
    deprecated territory flag, as one graph."""
    out = Graph(store="SimpleMemory")
    derived_from: dict = {}
    for rule in union.subjects(RDF.type, ISCM.MembershipRule):
        target = union.value(rule, ISCM.ruleFor)
        body = union.value(rule, ISCM.membershipOf)
        roles = set(union.objects(rule, ISCM.inheritsRole)) or {ROLES["member"]}
        new_role = union.value(rule, ISCM.derivedRole) or ROLES["member"]
        if target is None or body is None:
            raise DataError(f"membership rule {rule} needs iscm:ruleFor and iscm:membershipOf")
        for node in union.subjects(ORG.organization, body):
            role = union.value(node, ORG.role)
            if role not in roles and role != ROLES["suspended"]:
                continue
            state = union.value(node, ORG.member)
            start = union.value(union.value(union.value(node, ORG.memberDuring), TIME.hasBeginning), TIME.inXSDDate)
            kind = "suspended" if role == ROLES["suspended"] else _slug(new_role).removeprefix("role-")
            new = ID[f"membership/derived/{_slug(target)}/{_slug(state)}-{kind}" + (f"-{str(start)[:4]}" if start else "")]
            out.add((new, RDF.type, ORG.Membership))
            out.add((new, ORG.member, state))
            out.add((new, ORG.organization, target))
            out.add((new, ORG.role, role if role == ROLES["suspended"] else new_role))
            out.add((new, ORG.memberDuring, _copy_interval(union, node, out)))
            out.add((new, ISCM.derived, Literal(True)))
            out.add((new, PROV.wasDerivedFrom, node))
            out.add((new, PROV.wasDerivedFrom, rule))
            derived_from[new] = node
    everything = Graph(store="SimpleMemory")
    everything += union
    everything += out
    current: dict = {}
    suspended: set = set()
    for node in everything.subjects(RDF.type, ORG.Membership):
        role = everything.value(node, ORG.role)
        if not _period(everything, node).covers(today):
            continue
        key = (everything.value(node, ORG.organization), everything.value(node, ORG.member))
        is_state = str(key[1]).startswith(str(STATE))
        if role == ROLES["member"] and is_state:
            current[key] = node
        elif role == ROLES["suspended"]:
            suspended.add(key)
        elif role in (ROLES["chair"], ROLES["co-chair"]) and key[0] is not None:
            out.add((key[0], ISCM.hasChair, key[1]))
        elif role == ROLES["observer"] and not is_state and key[0] is not None:
            out.add((key[0], ISCM.hasObserver, key[1]))
    counts: dict = {}
    for (org, state) in current:
        if (org, state) in suspended or org is None or state is None:
            continue
        for p, o, s in ((ISCM.hasMember, state, org), (ORG.hasMember, state, org)):
            out.add((s, p, o))
        out.add((state, ISCM.memberOf, org))
        out.add((state, ORG.memberOf, org))
        counts[org] = counts.get(org, 0) + 1
    for org, n in counts.items():
        out.add((org, ISCM.listedMemberCount, Literal(n, datatype=XSD.nonNegativeInteger)))
    secretariat_links(union, out)
    for territory in union.subjects(RDF.type, ISCM.Territory):
        out.add((territory, ISCM.isTerritory, Literal(True)))
    return out


__all__ = ["derive", "derive_input", "Period"]
