"""From what people type to the IRIs of this dataset: a full IRI (checked to exist), a slug (`egy`,
`colombo-process`), an ISO 3166-1 code (alpha-2, alpha-3, numeric), an acronym, an English or Arabic
name or alternative name, or a Wikidata identifier (`Q79`, `wd:Q79`, its entity IRI or page URL,
through `skos:exactMatch`/`owl:sameAs` links). Names are compared as search compares them
(`reports.search.normalize`: case, Arabic diacritics and letter forms), so `مصر`, `Egypt`, `EGY`,
`eg`, `818` and `Q79` all name Egypt.

One `Resolver` is made per build (the web keeps it on the loaded build, the CLI per run) from one
query over the store. `resolve()` answers one IRI or raises `ResolveError` carrying the candidates:
all of them when the text names several things, the nearest names when it names nothing.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from iscm_graph.errors import QueryError
from iscm_graph.namespaces import BASE
from iscm_graph.reports.search import KIND_ORDER, normalize

ONTOLOGY = BASE + "ontology#"
# The resolver's own kinds, as people name them (a parameter or a reconciliation type narrows to one):
# each is a set of classes of the ontology.
KINDS: dict[str, tuple[str, ...]] = {
    "state": ("State", "Territory"),
    "mechanism": ("ConsultationMechanism", "RegionalConsultativeProcess", "InterRegionalForum", "GlobalProcess"),
    "body": ("RegionalBody",),
    "commission": ("UNRegionalCommission",),
    "organization": ("InternationalOrganization", "Secretariat", "RegionalBody", "UNRegionalCommission"),
    "region": ("Region",),
    "theme": ("ThematicArea",),
    "objective": ("GCMObjective",),
    "paragraph": ("GCMParagraph", "UNDocumentParagraph"),
    "document": ("SourceDocument",),
    "meeting": ("GlobalMeeting", "Event"),
}
# What people mostly mean: a name an actor shares with a document, region or objective (the Almaty
# Process and IOM's page titled "Almaty Process"; Australia the state and the region) names the actor.
ACTORS = set(KINDS["state"] + KINDS["mechanism"] + KINDS["organization"])
# the properties whose values name a resource; codes are compared without case
_NAME_PROPERTIES = ("skos:prefLabel", "skos:altLabel", "skos:hiddenLabel", "iscm:sourceLabel")
CODE_PROPERTIES = {"alpha2": "iscm:alpha2", "alpha3": "iscm:alpha3", "numericCode": "iscm:numericCode"}
_INDEX_QUERY = """
SELECT ?s ?kind ?kindLabel ?p ?v WHERE {
  VALUES ?kind { %s }
  ?s a ?kind .
  FILTER (isIRI(?s))
  OPTIONAL { ?kind rdfs:label ?kindLabel FILTER (LANG(?kindLabel) IN ("en", "ar")) }
  OPTIONAL { VALUES ?p { %s skos:exactMatch owl:sameAs } ?s ?p ?v }
}""" % (" ".join(f"iscm:{k}" for k in KIND_ORDER + ["ConsultationMechanism"]),
        " ".join(_NAME_PROPERTIES + tuple(CODE_PROPERTIES.values())))
_EXISTS = "ASK { { ?s ?p ?o } UNION { ?o ?p ?s } }"
QID = re.compile(r"^(?:wd:|(?:https?://)?(?:www\.)?wikidata\.org/(?:entity|wiki)/)?(Q[1-9][0-9]*)$", re.I)
_IRI = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>\"{}|\\^`]*$")
ORDER = KIND_ORDER + ["ConsultationMechanism"]


@dataclass
class Entity:
    iri: str
    classes: set[str] = field(default_factory=set)         # local names of its classes among the kinds
    names: dict[str, str] = field(default_factory=dict)    # preferred name by language
    labels: list[str] = field(default_factory=list)        # every name, alternative and hidden one
    codes: dict[str, str] = field(default_factory=dict)    # alpha2 / alpha3 / numericCode -> value
    wikidata: list[str] = field(default_factory=list)      # Q-ids
    kind_labels: dict[str, dict[str, str]] = field(default_factory=dict)    # class -> language -> label

    @property
    def kind(self) -> str:
        """The most specific class (a regional consultative process before a mechanism)."""
        return min(self.classes, key=ORDER.index)

    def kind_label(self, lang: str = "en") -> str:
        labels = self.kind_labels.get(self.kind, {})
        return labels.get(lang) or labels.get("en") or self.kind

    def name(self, lang: str = "en") -> str:
        return self.names.get(lang) or self.names.get("en") or next(iter(self.names.values()), None) \
            or (self.labels[0] if self.labels else self.iri)

    def is_kind(self, kind: str | None) -> bool:
        return kind is None or bool(self.classes & set(KINDS[kind]))

    def candidate(self) -> dict:
        return {"iri": self.iri, "label": self.name("en"), "kind": self.kind_label("en")}


class ResolveError(QueryError):
    """The text names no resource, or several: `candidates` lists them ({iri, label, kind})."""

    def __init__(self, message: str, candidates: list[dict]):
        super().__init__(message)
        self.candidates = candidates


def slug_keys(iri: str) -> list[str]:
    """`https://w3id.org/iscm/id/state/egy` is `egy` and `state/egy`."""
    if not iri.startswith(BASE + "id/"):
        return []
    path = iri[len(BASE + "id/"):]
    return [path, path.rsplit("/", 1)[-1]]


class Resolver:
    def __init__(self, store):
        self.store = store
        self.entities: dict[str, Entity] = {}
        # normalized key -> IRIs; names and identifiers (slugs, codes, Q-ids) apart, for the nearest names
        self.by_name: dict[str, set[str]] = {}
        self.by_id: dict[str, set[str]] = {}
        self.class_labels: dict[str, dict[str, str]] = {}     # class -> language -> label
        for row in store.query(_INDEX_QUERY):
            iri = row["s"].value
            entity = self.entities.get(iri) or self.entities.setdefault(iri, Entity(iri))
            kind = row["kind"].value[len(ONTOLOGY):]
            entity.classes.add(kind)
            if row["kindLabel"] is not None:
                entity.kind_labels.setdefault(kind, {})[row["kindLabel"].language] = row["kindLabel"].value
                self.class_labels.setdefault(kind, {})[row["kindLabel"].language] = row["kindLabel"].value
            if row["p"] is not None:
                self._add_value(entity, row["p"].value, row["v"])
        for iri, entity in self.entities.items():
            for key in slug_keys(iri):
                self.by_id.setdefault(normalize(key), set()).add(iri)

    def _add_value(self, entity: Entity, prop: str, value) -> None:
        local = prop.rsplit("#", 1)[-1]
        if local in ("exactMatch", "sameAs"):
            qid = QID.match(value.value) if "wikidata.org/" in value.value else None
            if qid and qid.group(1).upper() not in entity.wikidata:
                entity.wikidata.append(qid.group(1).upper())
                self.by_id.setdefault(qid.group(1).casefold(), set()).add(entity.iri)
        elif local in CODE_PROPERTIES:
            entity.codes[local] = value.value
            keys = {value.value.casefold()}
            if value.value.isdigit():
                keys.add(str(int(value.value)))        # 004 is also typed 4
            for key in keys:
                self.by_id.setdefault(key, set()).add(entity.iri)
        elif value.value not in entity.labels:
            entity.labels.append(value.value)
            if local == "prefLabel" and getattr(value, "language", None):
                entity.names.setdefault(value.language, value.value)
            key = normalize(value.value)
            if key:
                self.by_name.setdefault(key, set()).add(entity.iri)

    # --- lookups -------------------------------------------------------------------------------------

    def exact(self, text: str, kind: str | None = None) -> list[Entity]:
        """Every resource the text names exactly (IRI, Q-id, slug, code or name), of `kind` if given."""
        text = text.strip()
        qid = QID.match(text)
        if qid:
            iris = self.by_id.get(qid.group(1).casefold(), set())
        elif "://" in text and _IRI.match(text):
            iris = {text} if text in self.entities else set()
        else:
            key = normalize(text)
            iris = self.by_id.get(key, set()) | self.by_name.get(key, set())
        found = [self.entities[i] for i in iris if self.entities[i].is_kind(kind)]
        return sorted(found, key=lambda e: (ORDER.index(e.kind), e.name().casefold()))

    def nearest(self, text: str, kind: str | None = None, n: int = 5) -> list[Entity]:
        """The resources with the names closest to `text` (difflib's ratio over normalized names)."""
        key = normalize(text)
        names = [k for k, iris in self.by_name.items() if any(self.entities[i].is_kind(kind) for i in iris)]
        out: list[Entity] = []
        for close in difflib.get_close_matches(key, names, n=n * 2, cutoff=0.5):
            for iri in sorted(self.by_name[close]):
                entity = self.entities[iri]
                if entity.is_kind(kind) and entity not in out:
                    out.append(entity)
        return out[:n]

    def exists(self, iri: str) -> bool:
        """An IRI the dataset says anything about (a class, a graph, a source line as well)."""
        from rdflib import URIRef
        if iri in self.entities:
            return True
        return bool(self.store.query(_EXISTS, {"s": URIRef(iri)}))

    def resolve(self, text: str, kind: str | None = None, what: str = "value") -> str:
        """The one IRI `text` names; ResolveError (candidates attached) when it names none or several."""
        if kind is not None and kind not in KINDS:
            raise QueryError(f"unknown kind {kind!r}: one of {', '.join(KINDS)}")
        text = text.strip()
        if not text:
            raise ResolveError(f"{what}: empty; give a name, a code or an IRI", [])
        found = self.exact(text, kind)
        actors = [e for e in found if e.classes & ACTORS]
        if len(found) > 1 and len(actors) == 1:
            found = actors
        if len(found) == 1:
            return found[0].iri
        if found:
            listed = "; ".join(f"{e.name()} ({e.kind_label()}) <{e.iri}>" for e in found)
            raise ResolveError(f"{what}: {text!r} names {len(found)} resources: {listed}",
                               [e.candidate() for e in found])
        if "://" in text and _IRI.match(text) and not QID.match(text):
            if self.exists(text):
                if kind is None:
                    return text
                raise ResolveError(f"{what}: <{text}> is not a {kind}", [])
            raise ResolveError(f"{what}: no resource <{text}> in this dataset", [])
        if kind is not None:
            other = self.exact(text)
            if other:
                listed = "; ".join(f"{e.name()} ({e.kind_label()})" for e in other)
                raise ResolveError(f"{what}: {text!r} is not a {kind} but {listed}",
                                   [e.candidate() for e in other])
        near = self.nearest(text, kind)
        hint = ("; nearest: " + "; ".join(f"{e.name()} ({e.kind_label()})" for e in near)) if near else ""
        raise ResolveError(f"{what}: nothing{' of kind ' + kind if kind else ''} is named {text!r}{hint}",
                           [e.candidate() for e in near])
