"""The SPARQL behind an entity's profile (reports/profile.py): each query binds ?this, the entity."""
from __future__ import annotations

from iscm_graph.namespaces import ISCM

_DCT = "http://purl.org/dc/terms/"

# (fact key, property): the stated values of these properties are the summary box, in this order.
# Keys follow the page's markup contract; a key shows only when the entity has a value for it.
FACTS = (
    ("kind", str(ISCM.declaredKind)),
    ("region", str(ISCM.geographicScope)),
    ("founded", str(ISCM.foundingYear)),
    ("members", str(ISCM.declaredMemberCount)),
    ("status", "status"),              # iscm:activityStatus/iscm:status, read from the assessment
    ("secretariat", "secretariat"),    # iscm:secretariatArrangement/iscm:providedBy
    ("themes", str(ISCM.thematicFocus)),
    ("code", str(ISCM.alpha3)),
    ("un-status", str(ISCM.unStatus)),
    ("document", str(ISCM.partOfDocument)),
    ("number", str(ISCM.paragraphNumber)),
    ("paragraph", str(ISCM.statedInParagraph)),
    ("number", str(ISCM.objectiveNumber)),
    ("un-member-since", str(ISCM.unMemberSince)),
    ("mentions", str(ISCM.mentions)),
    ("date", str(ISCM.year)),
    ("date", _DCT + "issued"),
    ("place", str(ISCM.heldIn)),
    ("host", str(ISCM.hostedBy)),
    ("mechanism", str(ISCM.mechanismsRepresentedCount)),
    ("number-of-mechanisms", str(ISCM.declaredNumberOfMechanisms)),
    ("title", _DCT + "title"),
    ("publisher", _DCT + "publisher"),
)
FACT_ORDER = [k for k, _ in FACTS] + ["objective", "chair", "observers", "mechanisms", "statements"]

FACTS_QUERY = """SELECT ?this ?key ?o ?g ?s ?p ?compared WHERE {
  { VALUES (?key ?p) { %s } GRAPH ?g { ?this ?p ?o } BIND (?this AS ?s) }
  UNION { BIND ("type" AS ?key) BIND (rdf:type AS ?p) GRAPH ?g { ?this a ?o }
          FILTER (STRSTARTS(STR(?o), STR(iscm:))) BIND (?this AS ?s) }
  UNION { BIND ("objective" AS ?key) BIND (iscm:statedInParagraph AS ?p)
          GRAPH ?g { ?o iscm:statedInParagraph ?this } BIND (?o AS ?s) }
  UNION { BIND ("status" AS ?key) BIND (iscm:status AS ?p)
          GRAPH ?g { ?this iscm:activityStatus ?s . ?s iscm:status ?o } }
  UNION { BIND ("secretariat" AS ?key) BIND (iscm:providedBy AS ?p)
          GRAPH ?g { ?this iscm:secretariatArrangement ?s . ?s iscm:providedBy ?o } }
  FILTER (?g != graph:inferred)
  OPTIONAL { GRAPH graph:ontology { ?p iscm:comparedAcrossSources ?compared } }
}""" % " ".join(f'("{k}" <{p}>)' for k, p in FACTS if p.startswith("http"))

# The membership records of an organisation (?this as org:organization) or of a member (org:member).
MEMBERSHIPS = """SELECT ?this ?m ?org ?member ?role ?begin ?end ?endDay ?ended ?src ?derived ?g WHERE {
  GRAPH ?g { ?m org:organization ?org ; org:member ?member ; org:role ?role . }
  FILTER (%s = ?this)
  # a date given only as a year keeps that precision (time:inXSDgYear beside the day it stands for)
  OPTIONAL { ?m org:memberDuring/time:hasBeginning ?b . ?b time:inXSDDate ?beginDay
             OPTIONAL { ?b time:inXSDgYear ?beginYear } }
  OPTIONAL { ?m org:memberDuring/time:hasEnd ?e OPTIONAL { ?e time:inXSDDate ?endDay OPTIONAL { ?e time:inXSDgYear ?endYear } } }
  BIND (COALESCE(?beginYear, ?beginDay) AS ?begin)
  BIND (COALESCE(?endYear, ?endDay) AS ?end)
  BIND (BOUND(?e) AS ?ended)
  OPTIONAL { { ?m dcterms:source ?src } UNION { ?m prov:wasDerivedFrom/dcterms:source ?src } }
  BIND (EXISTS { ?m iscm:derived true } AS ?derived)
}"""
FOR_ORG, FOR_MEMBER = MEMBERSHIPS % "?org", MEMBERSHIPS % "?member"

# Labels and kinds of what the page names (memberships' other side, roles, sources, fact values):
# everything one or two steps from ?this, so one query serves the whole page.
NAMES = """SELECT ?this ?x ?label ?kind WHERE {
  { ?this ?p ?x } UNION { ?x ?p ?this } UNION { ?this ?p ?b . ?b ?q ?x FILTER (isBLANK(?b)) }
  UNION { ?m org:organization|org:member ?this ; org:organization|org:member|org:role ?x }
  UNION { ?this iscm:declaredKind ?k . ?x iscm:mentions ?k }
  UNION { ?k iscm:kindClass ?c . ?this a ?c . ?x iscm:mentions ?k }
  UNION { ?m org:organization|org:member ?this . { ?m dcterms:source ?x } UNION { ?m prov:wasDerivedFrom/dcterms:source ?x } }
  FILTER (isIRI(?x))
  OPTIONAL { ?x skos:prefLabel|rdfs:label ?label FILTER (LANG(?label) IN ("en", "ar")) }
  OPTIONAL { GRAPH ?kg { ?x a ?kind } FILTER (?kg != graph:inferred && STRSTARTS(STR(?kind), STR(iscm:))) }
}"""

# Each graph's source document(s), with title and year; and the documents a membership cites.
DOCUMENTS = """SELECT ?this ?g ?d ?title ?year WHERE {
  { ?g prov:wasDerivedFrom ?d } UNION { ?m org:organization|org:member ?this ; dcterms:source|prov:wasDerivedFrom/dcterms:source ?d BIND (?d AS ?g) }
  ?d a iscm:SourceDocument .
  OPTIONAL { ?d skos:prefLabel|dcterms:title ?title FILTER (LANG(?title) IN ("en", "ar", "")) }
  OPTIONAL { ?d dcterms:issued|dcterms:date ?year }
}"""
GRAPH_TITLES = "SELECT ?g ?d WHERE { GRAPH ?g { ?g dcterms:description ?d FILTER (LANG(?d) = 'en') } }"

# Links beyond the entity's own statements: paragraphs naming its kind, and a document's graphs.
LINKS = """SELECT ?this ?key ?x ?n WHERE {
  { BIND ("paragraphs" AS ?key) ?this iscm:declaredKind ?k . ?x iscm:mentions ?k ; a iscm:UNDocumentParagraph }
  UNION { BIND ("paragraphs" AS ?key) ?k iscm:kindClass ?c . GRAPH ?tg { ?this a ?c } FILTER (?tg != graph:inferred)
          ?x iscm:mentions ?k ; a iscm:UNDocumentParagraph }
  UNION { BIND ("mechanisms" AS ?key) ?x iscm:thematicFocus ?this }
  UNION { BIND ("mechanisms" AS ?key) ?x iscm:secretariatArrangement/iscm:providedBy ?this }
  UNION { BIND ("regional-bodies" AS ?key) ?this iscm:linkedRegionalBody ?x }
  UNION { BIND ("partners" AS ?key) ?this iscm:hasPartner ?x }
  UNION { BIND ("mechanisms" AS ?key) ?x iscm:linkedRegionalBody ?this }
  UNION { BIND ("paragraphs" AS ?key) ?x iscm:mentions ?this ; a iscm:UNDocumentParagraph }
  UNION { BIND ("events" AS ?key) ?x a iscm:Event ; ?p ?this }
}"""
# A source document's graphs and how many statements each holds.
COUNTS = """SELECT ?this ?x (COUNT(*) AS ?n) WHERE { ?x prov:wasDerivedFrom ?this . GRAPH ?x { ?s ?p ?o } }
GROUP BY ?this ?x"""
