"""The W3C Entity Reconciliation API, version 0.2 (what OpenRefine speaks), over the resolver's index
(reports/resolve.py): the service manifest, batches of reconciliation queries with types and property
constraints, suggest (entities, types, properties) and what a preview shows. The web layer
(web/reconcile.py) only reads requests and writes these answers.

Entity ids are the dataset's IRIs; type ids the ontology's classes (`https://w3id.org/iscm/ontology#State`;
the class's local name and the resolver's kinds, `state`, `mechanism`, ..., are accepted too); property
ids `alpha2`, `alpha3`, `numericCode` (ISO 3166-1) and `wikidata`.
"""
from __future__ import annotations

import difflib

from iscm_graph.errors import QueryError
from iscm_graph.reports.resolve import QID, ORDER, ACTORS, KINDS, ONTOLOGY, CODE_PROPERTIES, Entity, Resolver
from iscm_graph.reports.search import normalize

VERSION = "0.2"
IDENTIFIER_SPACE = "https://w3id.org/iscm/id/"
SCHEMA_SPACE = ONTOLOGY
DEFAULT_LIMIT, MAX_LIMIT, MAX_QUERIES = 10, 100, 500
DEFAULT_TYPES = ["State", "ConsultationMechanism", "RegionalBody", "UNRegionalCommission",
                 "InternationalOrganization", "Territory"]
PROPERTIES = {
    "alpha2": ("ISO 3166-1 alpha-2 code", "رمز الأيزو 3166-1 ذو الحرفين"),
    "alpha3": ("ISO 3166-1 alpha-3 code", "رمز الأيزو 3166-1 ذو الأحرف الثلاثة"),
    "numericCode": ("ISO 3166-1 numeric code", "رمز الأيزو 3166-1 الرقمي"),
    "wikidata": ("Wikidata item (skos:exactMatch)", "عنصر ويكي بيانات"),
}
_QUERY_KEYS = {"query", "type", "limit", "properties", "type_strict"}
_CANDIDATE_FLOOR = 50      # below this a name is not shown as a candidate


class ReconcileError(QueryError):
    """A reconciliation request of the wrong shape; the message names the query and the field."""


def type_ref(cls: str, resolver: Resolver, lang: str = "en") -> dict:
    labels = resolver.class_labels.get(cls, {})
    return {"id": ONTOLOGY + cls, "name": labels.get(lang) or labels.get("en") or cls}


def manifest(base: str, resolver: Resolver) -> dict:
    """The service manifest; `base` is this server's URL, so every link stays on it."""
    service = {"service_url": base + "/reconcile"}
    return {
        "versions": [VERSION],
        "name": "ISCM knowledge graph: Inter-State Consultation Mechanisms on Migration",
        "identifierSpace": IDENTIFIER_SPACE,
        "schemaSpace": SCHEMA_SPACE,
        "documentation": base + "/api",
        "view": {"url": base + "/reconcile/view?id={{id}}"},
        "preview": {"url": base + "/reconcile/preview?id={{id}}", "width": 420, "height": 180},
        "defaultTypes": [type_ref(c, resolver) for c in DEFAULT_TYPES],
        "suggest": {
            "entity": {**service, "service_path": "/suggest/entity"},
            "type": {**service, "service_path": "/suggest/type"},
            "property": {**service, "service_path": "/suggest/property"},
        },
    }


def class_of(type_id, resolver: Resolver, where: str) -> set[str]:
    """The classes a type id stands for: a class IRI or local name, or one of the resolver's kinds."""
    if not isinstance(type_id, str):
        raise ReconcileError(f"{where}: a type is a string, not {type(type_id).__name__}")
    local = type_id[len(ONTOLOGY):] if type_id.startswith(ONTOLOGY) else type_id
    if local in ORDER:
        subclasses = KINDS["mechanism"] if local == "ConsultationMechanism" else ()
        return {local, *subclasses}
    if local in KINDS:
        return set(KINDS[local])
    raise ReconcileError(f"{where}: unknown type {type_id!r}; the types are the classes "
                         f"{', '.join(ONTOLOGY + c for c in ORDER)} (see /reconcile/suggest/type)")


def _property_values(entity: Entity, pid: str) -> list[str]:
    if pid == "wikidata":
        return [q.casefold() for q in entity.wikidata]
    value = entity.codes.get(pid)
    return [] if value is None else [value.casefold()] + ([str(int(value))] if value.isdigit() else [])


def _given_values(v) -> list[str]:
    items = v if isinstance(v, list) else [v]
    out = []
    for item in items:
        if isinstance(item, dict):
            item = item.get("id", "")
        text = str(item).strip()
        if isinstance(item, (int, float)) and not isinstance(item, bool) and float(item).is_integer():
            text = str(int(item))
        qid = QID.match(text)
        out.append(qid.group(1).casefold() if qid else text.casefold())
    return out


def _pid(pid, where: str) -> str:
    if not isinstance(pid, str):
        raise ReconcileError(f"{where}.pid: a string, not {type(pid).__name__}")
    local = pid.rsplit("#", 1)[-1] if pid.startswith(ONTOLOGY) else pid
    if local not in PROPERTIES:
        raise ReconcileError(f"{where}.pid: unknown property {pid!r}; one of {', '.join(PROPERTIES)}")
    return local


class Reconciler:
    def __init__(self, resolver: Resolver):
        self.resolver = resolver

    # --- reconciliation queries ----------------------------------------------------------------------

    def batch(self, queries) -> dict:
        if not isinstance(queries, dict):
            raise ReconcileError("queries: a JSON object of queries keyed by name ({\"q0\": {\"query\": ...}}), "
                                 f"not {type(queries).__name__}")
        if len(queries) > MAX_QUERIES:
            raise ReconcileError(f"queries: {len(queries)} queries; at most {MAX_QUERIES} in one batch")
        return {key: {"result": self.one(q, f"queries.{key}")} for key, q in queries.items()}

    def one(self, q, where: str) -> list[dict]:
        if not isinstance(q, dict):
            raise ReconcileError(f"{where}: a JSON object ({{\"query\": ...}}), not {type(q).__name__}")
        extra = set(q) - _QUERY_KEYS
        if extra:
            raise ReconcileError(f"{where}: unknown field(s) {', '.join(sorted(extra))}; "
                                 f"allowed: {', '.join(sorted(_QUERY_KEYS))}")
        text = q.get("query", "")
        if not isinstance(text, str):
            raise ReconcileError(f"{where}.query: a string, not {type(text).__name__}")
        limit = q.get("limit", DEFAULT_LIMIT)
        if isinstance(limit, bool) or not isinstance(limit, (int, float)) or limit < 1 or not float(limit).is_integer():
            raise ReconcileError(f"{where}.limit: a positive whole number, not {limit!r}")
        strict = q.get("type_strict", "any")
        if strict not in ("any", "should", "all"):
            raise ReconcileError(f"{where}.type_strict: one of any, should, all; not {strict!r}")
        types = q.get("type")
        if types is not None and not isinstance(types, list):
            types = [types]
        wanted = [class_of(t, self.resolver, f"{where}.type") for t in types or []]
        props = q.get("properties", [])
        if not isinstance(props, list):
            raise ReconcileError(f"{where}.properties: a list of {{\"pid\", \"v\"}} objects")
        constraints = []
        for i, p in enumerate(props):
            if not isinstance(p, dict) or "pid" not in p or "v" not in p:
                raise ReconcileError(f"{where}.properties[{i}]: an object with pid and v")
            constraints.append((_pid(p["pid"], f"{where}.properties[{i}]"), _given_values(p["v"])))
        if not text.strip() and not constraints:
            raise ReconcileError(f"{where}: give a query text or at least one property")
        return self._candidates(text, wanted, strict, constraints, int(min(limit, MAX_LIMIT)))

    def _name_scores(self, text: str) -> dict[str, float]:
        """Score of each resource's best name against the text, 0-100 (see _candidates)."""
        q = normalize(text)
        scores: dict[str, float] = {}
        if not q:
            return scores
        for entity in self.resolver.exact(text):
            scores[entity.iri] = 100.0
        matcher = difflib.SequenceMatcher(None, q)      # one matcher, the query cached as its second string
        matcher.set_seq2(q)
        for key, iris in self.resolver.by_name.items():
            matcher.set_seq1(key)
            if matcher.real_quick_ratio() < 0.5 and q not in key:
                continue
            score = 90 * matcher.ratio()
            if key.startswith(q) or (" " + q) in (" " + key):
                score = max(score, 50 + 40 * len(q) / len(key))
            for iri in iris:
                if scores.get(iri, 0) < score:
                    scores[iri] = score
        return scores

    def _candidates(self, text, wanted, strict, constraints, limit) -> list[dict]:
        """Scores, 0-100. A name alone: 100 when the text names the resource exactly (a name, acronym,
        code, slug or Wikidata id, compared as search compares), otherwise 90 x difflib's similarity to
        its closest name, at least 50-90 when the text is the start of a name or of a word in it. With
        property constraints, half the score is the name's and half the share of constraints the
        resource meets (all of them when there is no text): an exact name with a contradicting ISO code
        falls to 50, a misspelt name with the right code rises towards 100 without reaching it. A
        document or region sharing an actor's exact name (resolve.ACTORS) scores 95, so the actor wins.
        `match` is true only for a sole candidate at 100: exact and unambiguous."""
        names = self._name_scores(text)
        candidates = set(names)
        for pid, values in constraints:
            for entity in self.resolver.entities.values():
                if set(values) & set(_property_values(entity, pid)):
                    candidates.add(entity.iri)
        scored = []
        for iri in candidates:
            entity = self.resolver.entities[iri]
            preferred = all(entity.classes & w for w in wanted) if strict == "all" \
                else (not wanted or any(entity.classes & w for w in wanted))
            if not preferred and strict != "should":
                continue
            name = names.get(iri, 0.0)
            if constraints:
                met = sum(bool(set(v) & set(_property_values(entity, pid))) for pid, v in constraints)
                share = met / len(constraints)
                score = 100 * share if not text.strip() else name / 2 + 50 * share
            else:
                score = name
            if not preferred:
                score *= 0.8       # type_strict "should": other types rank lower, still shown
            if score < _CANDIDATE_FLOOR:
                continue
            scored.append([score, entity])
        exact = [s for s in scored if s[0] >= 100]
        if len(exact) > 1 and sum(bool(e.classes & ACTORS) for _, e in exact) == 1:
            for s in exact:
                if not s[1].classes & ACTORS:
                    s[0] = 95.0
        scored.sort(key=lambda s: (-s[0], ORDER.index(s[1].kind), s[1].name().casefold()))
        top = [s for s in scored if s[0] >= 100]
        return [self.result(e, score, match=(len(top) == 1 and i == 0))
                for i, (score, e) in enumerate(scored[:limit])]

    def result(self, entity: Entity, score: float, match: bool) -> dict:
        out = {"id": entity.iri, "name": entity.name("en"), "score": round(score, 1), "match": match,
               "type": self.types(entity)}
        description = self.description(entity)
        if description:
            out["description"] = description
        return out

    def types(self, entity: Entity) -> list[dict]:
        return [type_ref(c, self.resolver) for c in sorted(entity.classes, key=ORDER.index)]

    def description(self, entity: Entity) -> str:
        parts = [entity.kind_label("en")]
        if "ar" in entity.names:
            parts.append(entity.names["ar"])
        if entity.codes.get("alpha3"):
            parts.append(entity.codes["alpha3"])
        return " · ".join(parts)

    # --- suggest ---------------------------------------------------------------------------------------

    def suggest_entities(self, prefix: str, type_id: str | None = None, cursor: int = 0,
                         limit: int = DEFAULT_LIMIT) -> dict:
        """Resources whose name (or a word of it) starts with the prefix; exact names and codes first."""
        q = normalize(prefix)
        wanted = class_of(type_id, self.resolver, "type") if type_id else None
        ranked: dict[str, int] = {e.iri: 0 for e in self.resolver.exact(prefix)} if q else {}
        for key, iris in self.resolver.by_name.items():
            rank = 1 if key.startswith(q) else 2 if (" " + q) in (" " + key) else None
            if rank is None or not q:
                continue
            for iri in iris:
                ranked[iri] = min(ranked.get(iri, rank), rank)
        entities = [self.resolver.entities[i] for i in ranked]
        entities = [e for e in entities if wanted is None or e.classes & wanted]
        entities.sort(key=lambda e: (ranked[e.iri], ORDER.index(e.kind), e.name().casefold()))
        return {"result": [{"id": e.iri, "name": e.name("en"), "description": self.description(e),
                            "notable": self.types(e)} for e in entities[cursor:cursor + limit]]}

    def suggest_types(self, prefix: str, cursor: int = 0, limit: int = DEFAULT_LIMIT) -> dict:
        q = normalize(prefix)
        out = []
        for cls in ORDER:
            labels = self.resolver.class_labels.get(cls, {})
            keys = [normalize(cls)] + [normalize(v) for v in labels.values()]
            if not q or any(k.startswith(q) or (" " + q) in (" " + k) for k in keys):
                ref = type_ref(cls, self.resolver)
                if "ar" in labels:
                    ref["description"] = labels["ar"]
                out.append(ref)
        return {"result": out[cursor:cursor + limit]}

    def suggest_properties(self, prefix: str, cursor: int = 0, limit: int = DEFAULT_LIMIT) -> dict:
        q = normalize(prefix)
        out = []
        for pid, (en, ar) in PROPERTIES.items():
            keys = [normalize(pid), normalize(en), normalize(ar)]
            if not q or any(k.startswith(q) or (" " + q) in (" " + k) for k in keys):
                out.append({"id": pid, "name": en, "description": ar})
        return {"result": out[cursor:cursor + limit]}

    # --- preview ----------------------------------------------------------------------------------------

    def preview(self, iri: str) -> dict | None:
        """What a preview shows of a resource: names in both languages, kind, codes, Wikidata ids."""
        entity = self.resolver.entities.get(iri)
        if entity is None:
            return None
        return {"iri": entity.iri, "names": dict(entity.names), "kind": entity.kind_labels.get(entity.kind, {}),
                "codes": [entity.codes[c] for c in CODE_PROPERTIES if c in entity.codes],
                "wikidata": list(entity.wikidata),
                "other_names": [n for n in entity.labels if n not in entity.names.values()][:6]}


def page_args(cursor, limit=None) -> tuple[int, int]:
    """`cursor` and `limit` of a suggest call as numbers, or ReconcileError naming the bad one."""
    out = []
    for name, value, default in (("cursor", cursor, 0), ("limit", limit, DEFAULT_LIMIT)):
        try:
            number = default if value in (None, "") else int(value)
        except ValueError:
            raise ReconcileError(f"{name}: a whole number, not {value!r}") from None
        if number < 0 or (name == "limit" and not 1 <= number <= MAX_LIMIT):
            raise ReconcileError(f"{name}: {number} is out of range")
        out.append(number)
    return out[0], out[1]
