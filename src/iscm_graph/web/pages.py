"""HTML views of resources and graphs: English and Arabic side by side, provenance per statement."""
from __future__ import annotations

import re
from collections import defaultdict

from flask import render_template
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDFS, SKOS

from iscm_graph.namespaces import BASE, ISCM, PREFIXES
from iscm_graph.rdf.terms import to_rdflib
from iscm_graph.reports import pictures
from iscm_graph.reports.profile import INFERRED, profile
from iscm_graph.web import i18n, schema_org

ONTOLOGY_NS = str(ISCM)
TEXT_BASE = BASE + "source/"
_LINE_IRI = re.compile(r"^(?P<code>\d{3})\.txt#line=(?P<a>\d+),(?P<b>\d+)$")


def local_href(iri: str) -> str | None:
    """Where an IRI of this dataset is shown on this server (None for outside IRIs)."""
    if iri.startswith(BASE + "id/"):
        return "/doc/" + iri[len(BASE + "id/"):] + ".html"
    if iri.startswith(BASE + "graph/"):
        return "/graph/" + iri[len(BASE + "graph/"):] + ".html"
    if iri.startswith(ONTOLOGY_NS):
        return "/ontology.html#" + iri[len(ONTOLOGY_NS):]
    if iri == BASE + "ontology" or iri.startswith(BASE + "ontology/"):
        return "/ontology.html"          # the ontology, its modules and their versions
    return None


def line_href(iri: str) -> tuple[str, str] | None:
    """The HTML anchor of an RFC 5147 line IRI of a served text, and its label:
    `…/source/000.txt#line=152,153` -> (`/source/000.html#line-153`, `000: 153`)."""
    if not iri.startswith(TEXT_BASE):
        return None
    m = _LINE_IRI.match(iri[len(TEXT_BASE):])
    if not m or int(m["b"]) <= int(m["a"]):
        return None
    first, last = int(m["a"]) + 1, int(m["b"])
    lines = str(first) if first == last else f"{first}-{last}"
    return f"/source/{m['code']}.html#line-{first}", f"{m['code']}: {lines}"


def curie(iri: str) -> str:
    for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


class Labeller:
    def __init__(self, ontology, triples):
        self.labels: dict = defaultdict(dict)
        for s, p, o in list(ontology.triples((None, RDFS.label, None))) + [
                t for t in triples if t[1] in (SKOS.prefLabel, RDFS.label)]:
            if isinstance(o, Literal) and o.language in ("en", "ar"):
                self.labels[s].setdefault(o.language, str(o))

    def both(self, term) -> dict:
        return self.labels.get(term, {})


def _value(term, labeller) -> dict:
    if isinstance(term, Literal):
        return {"kind": "literal", "text": str(term), "lang": term.language,
                "dir": "rtl" if term.language == "ar" else "ltr" if term.language else None,
                "datatype": curie(str(term.datatype)) if term.datatype else None}
    if isinstance(term, BNode):
        return {"kind": "blank", "id": str(term)}
    iri = str(term)
    return {"kind": "iri", "iri": iri, "href": local_href(iri) or iri, "curie": curie(iri),
            "labels": labeller.both(term)}


# The line(s) of the source texts that state what a resource page shows: its own statements, those of
# the blank nodes it owns (two levels down) and those linking to it. One query per page, ?this bound.
_LINES = """SELECT DISTINCT ?this ?s ?p ?o ?g ?ref WHERE {
  { GRAPH ?lg { ?st rdf:subject ?this ; rdf:predicate ?p ; rdf:object ?o } }
  UNION { ?this ?q ?s FILTER (isBLANK(?s)) GRAPH ?lg { ?st rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o } }
  UNION { ?this ?q ?b . ?b ?q2 ?s FILTER (isBLANK(?b) && isBLANK(?s))
          GRAPH ?lg { ?st rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o } }
  UNION { GRAPH ?lg { ?st rdf:object ?this ; rdf:subject ?s ; rdf:predicate ?p } FILTER (!isBLANK(?s)) }
  GRAPH ?lg { ?st a rdf:Statement ; iscm:statedIn ?g ; iscm:lineReference ?ref }
}"""


def line_links(loaded, iri: str) -> dict:
    """(s, p, o, graph) -> links to the lines of the source texts that state it."""
    this = URIRef(iri)
    found = defaultdict(set)
    for row in loaded.store.query(_LINES, {"this": this}):
        link = line_href(row["ref"].value)
        if link is not None:
            # the resource's own statements leave ?s unbound, those linking to it ?o
            s = this if row["s"] is None else to_rdflib(row["s"])
            o = this if row["o"] is None else to_rdflib(row["o"])
            found[(s, to_rdflib(row["p"]), o, row["g"].value)].add(link)
    return {k: [{"href": h, "label": label} for h, label in sorted(v, key=lambda x: (x[1], x[0]))]
            for k, v in found.items()}


def resource_page(loaded, desc, base_path: str) -> str:
    triples = [(s, p, o) for s, p, o, _ in desc.statements + desc.context]
    labeller = Labeller(loaded.ontology, triples)
    this = URIRef(desc.iri)
    lines = line_links(loaded, desc.iri)
    about = profile(loaded.store, desc.iri, lines)
    # stated and inferred statements apart; each source graph named by its document's title
    out, incoming, inferred = defaultdict(list), defaultdict(list), defaultdict(list)
    for s, p, o, g in desc.statements:
        row = {"value": _value(o if s == this else s, labeller), "graph": g, "source": about.sources.get(g),
               "graph_href": local_href(g) or g, "graph_curie": curie(g), "lines": lines.get((s, p, o, g), []),
               "incoming": s != this}
        (inferred if g == INFERRED else out if s == this else incoming)[p].append(row)
    blank = defaultdict(list)
    for s, p, o, g in desc.context:
        if isinstance(s, BNode):
            blank[str(s)].append({"predicate": _value(p, labeller), "value": _value(o, labeller), "graph": g,
                                  "source": about.sources.get(g), "graph_curie": curie(g),
                                  "graph_href": local_href(g) or g, "lines": lines.get((s, p, o, g), [])})
    def rows(groups):
        return [{"predicate": _value(p, labeller), "values": sorted(v, key=lambda r: (r["graph"], str(r["value"])))}
                for p, v in sorted(groups.items(), key=lambda kv: curie(str(kv[0])))]
    names = labeller.both(this)
    # the ontology's names of the classes the page shows (kinds of organisation)
    kind_labels = {c: labeller.both(URIRef(c)) for cs in about.kinds.values() for c in cs}
    kind_labels.update({str(v.term.value): labeller.both(URIRef(v.term.value)) for f in about.facts
                        if f.key == "kind" for v in f.values})
    # a source document's texts (iscm:fileName), served at /source/{code}.html
    codes = {name: code for code, name in loaded.manifest.get("texts", {}).items()}
    texts = sorted(codes[str(o)] for s, p, o, _ in desc.statements
                   if s == this and p == ISCM.fileName and str(o) in codes)
    jsonld = schema_org.script(schema_org.entity(loaded.store, desc.iri, base_path + ".html"))
    return render_template("resource.html", iri=desc.iri, names=names, curie=curie(desc.iri), texts=texts,
                           statements=rows(out), incoming=rows(incoming), inferred=rows(inferred), blank=blank,
                           profile=about, href=local_href, kind_labels=kind_labels,
                           member_map=pictures.member_map(loaded.store, desc.iri, i18n.current()),
                           inferred_count=sum(len(v) for v in inferred.values()),
                           base_path=base_path, build=loaded, jsonld=jsonld)


def graph_page(loaded, graph, title: str, base_path: str) -> str:
    labeller = Labeller(loaded.ontology, list(graph))
    subjects = defaultdict(list)
    for s, p, o in sorted(graph, key=lambda t: (str(t[0]), str(t[1]), str(t[2]))):
        subjects[s].append({"predicate": _value(p, labeller), "value": _value(o, labeller)})
    items = [{"subject": _value(s, labeller), "anchor": str(s).rsplit("#", 1)[-1], "rows": rows}
             for s, rows in subjects.items()]
    return render_template("graph.html", title=title, items=items[:3000], truncated=len(items) > 3000,
                           base_path=base_path, build=loaded, total=len(graph))
