"""Which entities lack a name (skos:prefLabel) in English or in Arabic: one query, the namespace of
the entities bound as a value, the rest counted here."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from rdflib import Literal

from iscm_graph.namespaces import ID

LANGUAGES = ("en", "ar")
_NAMES = """SELECT ?prefix ?this ?label WHERE {
  ?this skos:prefLabel ?label FILTER (isIRI(?this) && STRSTARTS(STR(?this), ?prefix))
}"""


@dataclass
class Missing:
    lang: str                                         # the language the names are missing in
    entities: list[dict] = field(default_factory=list)   # iri, kind, labels (the names it has)

    @property
    def count(self) -> int:
        return len(self.entities)

    @property
    def by_kind(self) -> list[tuple[str, int]]:
        return sorted(Counter(e["kind"] for e in self.entities).items())


def untranslated(store) -> tuple[int, dict[str, Missing]]:
    """The number of named entities, and for each language those with no name in it."""
    names: dict[str, dict] = {}
    for row in store.query(_NAMES, {"prefix": Literal(str(ID))}):
        labels = names.setdefault(row["this"].value, {})
        if row["label"].language in LANGUAGES:
            labels.setdefault(row["label"].language, row["label"].value)
    missing = {lang: Missing(lang) for lang in LANGUAGES}
    for iri, labels in sorted(names.items()):
        kind = iri[len(str(ID)):].split("/", 1)[0]
        for lang in LANGUAGES:
            if lang not in labels:
                missing[lang].entities.append({"iri": iri, "kind": kind, "labels": labels})
    return len(names), missing
