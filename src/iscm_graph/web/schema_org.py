"""schema.org descriptions embedded in the pages (JSON-LD), for search engines and dataset search: a
`Dataset` on the home page, and on each entity page the entity as an `Organization`, `Country`,
`Event`, `CreativeWork`, ... with its names in both languages, its URL and its `sameAs` links."""
from __future__ import annotations

import json

from rdflib import URIRef
from rdflib.namespace import ORG, SKOS

from iscm_graph.namespaces import ISCM, SCHEMA

CONTEXT = "https://schema.org"
# the graph's classes (asserted or inferred) and the schema.org type each stands for, most specific first
TYPES = (
    ((SCHEMA.Country, ISCM.Country), "Country"),
    ((SCHEMA.Event, ISCM.Event), "Event"),
    ((SCHEMA.Organization, ORG.Organization, ORG.FormalOrganization, ORG.OrganizationalCollaboration,
      ISCM.ConsultationMechanism), "Organization"),
    ((SCHEMA.CreativeWork, ISCM.SourceDocument), "CreativeWork"),
    ((SCHEMA.Person,), "Person"),
    ((SCHEMA.Place,), "Place"),
    ((SKOS.Concept,), "DefinedTerm"),
)
# one query per page, the entity bound as ?this
_FACTS = """SELECT DISTINCT ?this ?type ?label ?match WHERE {
  { ?this a ?type } UNION { ?this skos:prefLabel ?label } UNION { ?this skos:exactMatch ?match }
}"""


def script(data: dict) -> str:
    """JSON for the page's JSON-LD <script> element: `<`, `>` and `&` escaped so no text
    in the data can close the element."""
    text = json.dumps(data, ensure_ascii=False, indent=1)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def schema_type(types: set) -> str:
    for classes, name in TYPES:
        if any(URIRef(c) in types for c in classes):
            return name
    return "Thing"


def _names(labels: dict) -> list[dict]:
    return [{"@value": labels[lang], "@language": lang} for lang in ("en", "ar") if lang in labels]


def entity(store, iri: str, url: str) -> dict:
    types, labels, same = set(), {}, set()
    for row in store.query(_FACTS, {"this": URIRef(iri)}):
        if row["type"] is not None:
            types.add(URIRef(row["type"].value))
        if row["label"] is not None and row["label"].language in ("en", "ar"):
            labels.setdefault(row["label"].language, row["label"].value)
        if row["match"] is not None:
            same.add(row["match"].value)
    data = {"@context": CONTEXT, "@type": schema_type(types), "@id": iri, "url": url}
    names = _names(labels)
    if names:
        data["name"] = names
    if same:
        data["sameAs"] = sorted(same)
    return data


def dataset(about: dict, home: str) -> dict:
    """The home page's `Dataset`, from what the dataset description (/.well-known/void) says."""
    data = {"@context": CONTEXT, "@type": "Dataset", "@id": about["iri"], "url": home,
            "name": _names(about["titles"]) or about["title"], "description": about["description"],
            "license": about["licence_url"], "inLanguage": ["en", "ar"], "isAccessibleForFree": True,
            "distribution": [{"@type": "DataDownload", "name": d["name"], "contentUrl": d["url"],
                              "encodingFormat": d["media_type"]} for d in about["dumps"]]}
    if about.get("modified"):
        data["dateModified"] = about["modified"]
    return data
