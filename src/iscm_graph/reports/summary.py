"""Headline figures of a build, for the build's output and the home page."""
from __future__ import annotations

_QUERY = """
SELECT ?what (COUNT(DISTINCT ?x) AS ?n) WHERE {
  { ?x a iscm:RegionalConsultativeProcess BIND ("regional consultative processes" AS ?what) }
  UNION { ?x a iscm:InterRegionalForum BIND ("inter-regional forums" AS ?what) }
  UNION { ?x a iscm:GlobalProcess BIND ("global processes" AS ?what) }
  UNION { ?x a iscm:State BIND ("states" AS ?what) }
  UNION { ?x a iscm:Territory BIND ("territories" AS ?what) }
  UNION { ?x a iscm:RegionalBody BIND ("regional bodies" AS ?what) }
  UNION { ?x a iscm:UNRegionalCommission BIND ("UN regional commissions" AS ?what) }
  UNION { ?x a iscm:Secretariat BIND ("secretariats" AS ?what) }
  UNION { ?x a iscm:ThematicArea BIND ("thematic areas" AS ?what) }
  UNION { ?x a iscm:GCMObjective BIND ("GCM objectives" AS ?what) }
  UNION { ?x a iscm:UNDocumentParagraph BIND ("UN document paragraphs" AS ?what) }
  UNION { ?x a iscm:GlobalMeeting ; iscm:meetingNumber [] BIND ("global RCP meetings" AS ?what) }
  UNION { ?x a iscm:SourceDocument BIND ("source documents" AS ?what) }
} GROUP BY ?what"""

ORDER = ["regional consultative processes", "inter-regional forums", "global processes", "states",
         "territories", "regional bodies", "UN regional commissions", "secretariats", "thematic areas",
         "GCM objectives", "UN document paragraphs", "global RCP meetings", "source documents"]


def headline_counts(store) -> dict[str, int]:
    found = {row["what"].value: int(row["n"].value) for row in store.query(_QUERY)}
    return {k: found.get(k, 0) for k in ORDER}


# which kinds of entity have their Wikidata item (skos:exactMatch into wd:), for the build's output
_WIKIDATA_KINDS = [("states", "iscm:State"), ("territories", "iscm:Territory"),
                   ("mechanisms", "iscm:ConsultationMechanism"), ("regional bodies", "iscm:RegionalBody"),
                   ("commissions", "iscm:UNRegionalCommission"),
                   ("international organisations", "iscm:InternationalOrganization")]
_WIKIDATA_QUERY = """
SELECT ?kind (COUNT(DISTINCT ?x) AS ?all) (COUNT(DISTINCT ?linked) AS ?n) WHERE {
  VALUES (?kind ?class) { %s }
  ?x a ?class .
  OPTIONAL { ?x skos:exactMatch ?item FILTER (STRSTARTS(STR(?item), "http://www.wikidata.org/entity/Q")) BIND (?x AS ?linked) }
} GROUP BY ?kind""" % " ".join(f'("{k}" {c})' for k, c in _WIKIDATA_KINDS)


def wikidata_coverage(store) -> list[tuple[str, int, int]]:
    """(kind, entities with a Wikidata item, entities) in a fixed order."""
    found = {row["kind"].value: (int(row["n"].value), int(row["all"].value))
             for row in store.query(_WIKIDATA_QUERY)}
    return [(kind, *found.get(kind, (0, 0))) for kind, _ in _WIKIDATA_KINDS]


def render_wikidata_coverage(rows) -> str:
    return "Wikidata: " + ", ".join(f"{n} of {total} {kind}" for kind, n, total in rows)
