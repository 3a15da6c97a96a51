"""Label search over English and Arabic names and acronyms.

English is matched case-insensitively; Arabic ignores diacritics (tashkeel), tatweel, the forms of
alef with hamza or madda (أ إ آ ٱ → ا), ta marbuta / ha (ة → ه) and alef maqsura / ya (ى → ي).
Results rank exact matches, then prefixes (of the name or of a word in it), then other substrings.
With a resolver (reports/resolve.py), what names a resource without being a label of it (an ISO code,
a slug, a Wikidata id such as Q79) finds it as an exact match too.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

_TASHKEEL = re.compile("[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u0640]")
_ARABIC_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي"})
_SPACE = re.compile(r"[\s\u00A0_\-–—/()،,.:;«»\"']+")

_INDEX_QUERY = """
SELECT ?s ?label ?kind ?kindLabel ?kindLabelAr WHERE {
  VALUES ?kind { iscm:RegionalConsultativeProcess iscm:InterRegionalForum iscm:GlobalProcess iscm:State iscm:Territory
                 iscm:RegionalBody iscm:UNRegionalCommission iscm:InternationalOrganization iscm:Secretariat
                 iscm:ThematicArea iscm:GCMObjective iscm:GCMParagraph iscm:UNDocumentParagraph iscm:GlobalMeeting
                 iscm:SourceDocument iscm:Region iscm:Event }
  ?s a ?kind .
  ?s skos:prefLabel|skos:altLabel|iscm:sourceLabel ?label .
  FILTER (isIRI(?s) && (LANG(?label) IN ("en", "ar")))
  ?kind rdfs:label ?kindLabel FILTER (LANG(?kindLabel) = "en")
  OPTIONAL { ?kind rdfs:label ?kindLabelAr FILTER (LANG(?kindLabelAr) = "ar") }
}"""
_NAMES_QUERY = """SELECT ?s ?name WHERE { ?s skos:prefLabel ?name FILTER (isIRI(?s) && LANG(?name) IN ("en", "ar")) }"""
# the most specific kind wins when a resource has several (an RCP is also a mechanism)
KIND_ORDER = ["RegionalConsultativeProcess", "InterRegionalForum", "GlobalProcess", "State", "Territory",
               "RegionalBody", "UNRegionalCommission", "Secretariat", "InternationalOrganization", "ThematicArea",
               "GCMObjective", "GCMParagraph", "UNDocumentParagraph", "GlobalMeeting", "SourceDocument", "Region",
               "Event"]


def normalize(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = _TASHKEEL.sub("", text).translate(_ARABIC_FOLD).casefold()
    return _SPACE.sub(" ", text).strip()


@dataclass
class Hit:
    iri: str
    kind: str
    kind_label: str
    en: str | None
    ar: str | None
    matched: str
    rank: int          # 0 exact, 1 prefix, 2 word prefix, 3 contains
    kind_labels: dict[str, str] = field(default_factory=dict)   # the kind's name by language, for the pages

    def as_dict(self) -> dict:
        return {"iri": self.iri, "kind": self.kind, "kindLabel": self.kind_label, "label_en": self.en,
                "label_ar": self.ar, "matched": self.matched,
                "match": ["exact", "prefix", "word prefix", "contains"][self.rank]}


class SearchIndex:
    def __init__(self, store, resolver=None):
        self.resolver = resolver
        self.entries: list[tuple[str, str, str]] = []     # (normalized label, label, iri)
        self.kinds: dict[str, tuple[str, dict[str, str]]] = {}     # iri -> (kind, its names by language)
        self.names: dict[str, dict[str, str]] = {}
        for row in store.query(_NAMES_QUERY):
            self.names.setdefault(row["s"].value, {}).setdefault(row["name"].language, row["name"].value)
        seen = set()
        for row in store.query(_INDEX_QUERY):
            iri, label = row["s"].value, row["label"].value
            kind = row["kind"].value.rsplit("#", 1)[1]
            current = self.kinds.get(iri)
            if current is None or KIND_ORDER.index(kind) < KIND_ORDER.index(current[0]):
                names = {"en": row["kindLabel"].value}
                if row["kindLabelAr"] is not None:
                    names["ar"] = row["kindLabelAr"].value
                self.kinds[iri] = (kind, names)
            if (iri, label) not in seen:
                seen.add((iri, label))
                self.entries.append((normalize(label), label, iri))

    def search(self, query: str, limit: int = 50) -> list[Hit]:
        q = normalize(query)
        if not q:
            return []
        best: dict[str, tuple[int, str]] = {}
        for norm, label, iri in self.entries:
            if norm == q:
                rank = 0
            elif norm.startswith(q):
                rank = 1
            elif (" " + q) in (" " + norm):
                rank = 2
            elif q in norm:
                rank = 3
            else:
                continue
            if iri not in best or rank < best[iri][0]:
                best[iri] = (rank, label)
        if self.resolver is not None:
            for entity in self.resolver.exact(query):
                if entity.iri in self.kinds:
                    best[entity.iri] = (0, query.strip())
        hits = []
        for iri, (rank, label) in best.items():
            kind, kind_names = self.kinds[iri]
            names = self.names.get(iri, {})
            hits.append(Hit(iri, kind, kind_names["en"], names.get("en"), names.get("ar"), label, rank, kind_names))
        hits.sort(key=lambda h: (h.rank, KIND_ORDER.index(h.kind), (h.en or h.ar or "").lower()))
        return hits[:limit]
