"""Pictures drawn from live SPARQL results as Vega-Lite specs (data inline), each with the table it
shows and the query behind it: member maps, the states map, the timeline, the overlap matrix, the
side-by-side comparison and the fact sheet's bar charts.

Titles, captions and axis titles go through flask_babel's gettext, so the functions are called per
request (in the page's language); outside a request they stay English. Names of states and mechanisms
are taken in `lang`, falling back to English. Values are bound to the queries, never pasted in."""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from flask_babel import gettext
from rdflib import URIRef

from iscm_graph.reports.charts import CHARTS, chart_data

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
WORLD = "/static/vendor/world-atlas/countries-50m.json"
MECHANISM_BASE = "https://w3id.org/iscm/id/mechanism/"
GFMD = MECHANISM_BASE + "gfmd"
# a state with several current roles is coloured by the first of these it holds
ROLE_ORDER = ("chair", "co-chair", "member", "associate-member", "observer", "partner", "suspended")
ROLE_COLOURS = ("#a51d2d", "#e66100", "#1a5fb4", "#62a0ea", "#26a269", "#8f6ac9", "#865e3c")
NO_DATA = "#dedede"


@dataclass
class Picture:
    id: str
    kind: str
    title: str
    caption: str
    spec: dict
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    query: str = ""


def _name(labels: dict, lang: str) -> str:
    return labels.get(lang) or labels.get("en") or labels.get("ar") or ""


def _v(row, var):
    term = row[var]
    return None if term is None else term.value


def link_query(text: str, bindings: dict[str, list[str]]) -> str:
    """The query as the /sparql page should show it: the bound IRIs as a trailing VALUES clause. The
    IRIs are ones found in the graph (callers look them up first), never raw user input."""
    for var, iris in bindings.items():
        if any(c in iri for iri in iris for c in '<>" {}|\\^`\n'):
            raise ValueError(f"not an IRI fit for a query text: {iris!r}")
        text += f"\nVALUES ?{var} {{ {' '.join(f'<{i}>' for i in iris)} }}"
    return text


def _base(description: str, data: list[dict] | None = None, **spec) -> dict:
    out = {"$schema": SCHEMA, "description": description, "width": "container",
           "autosize": {"type": "fit", "contains": "padding"},
           "config": {"font": "system-ui, sans-serif", "view": {"stroke": None}}}
    if data is not None:
        out["data"] = {"values": data}
    out.update(spec)
    return out


def _world_layers(description: str, data: list[dict], colour: dict, tooltip: list[dict]) -> dict:
    """A world map: every country grey, the states of `data` (keyed by ISO numeric code) coloured.
    Each state's shape is described (for screen readers) as its tooltip reads: "State: value"."""
    said = " + '; ' + ".join(f"datum[{json.dumps(t['field'])}]" for t in tooltip)
    return _base(description, None, height=420, projection={"type": "equalEarth"}, layer=[
        {"data": {"url": WORLD, "format": {"type": "topojson", "feature": "countries"}},
         "mark": {"type": "geoshape", "fill": NO_DATA, "stroke": "#ffffff", "strokeWidth": 0.3, "aria": False}},
        {"data": {"values": data},
         "transform": [{"lookup": "numeric", "as": "geo",
                        "from": {"data": {"url": WORLD, "format": {"type": "topojson", "feature": "countries"}},
                                 "key": "id"}},
                       {"filter": "datum.geo != null"}, {"calculate": said, "as": "said"}],
         "mark": {"type": "geoshape", "stroke": "#ffffff", "strokeWidth": 0.3},
         "encoding": {"shape": {"field": "geo", "type": "geojson"}, "color": colour, "tooltip": tooltip,
                      "description": {"field": "said"}}},
    ])


# ---------------------------------------------------------------- member map

MEMBER_MAP_QUERY = """SELECT ?organization ?state ?code ?numeric ?en ?ar ?role ?roleEn ?roleAr WHERE {
  ?m org:organization ?organization ; org:member ?state ; org:role ?role .
  ?state a iscm:Country ; iscm:alpha3 ?code ; iscm:numericCode ?numeric .
  # current roles only: no end in the past or of unknown date, no beginning in the future
  FILTER NOT EXISTS { ?m org:memberDuring/time:hasEnd ?e
                      FILTER (NOT EXISTS { ?e time:inXSDDate [] } || EXISTS { ?e time:inXSDDate ?end FILTER (STR(?end) < SUBSTR(STR(NOW()), 1, 10)) }) }
  FILTER NOT EXISTS { ?m org:memberDuring/time:hasBeginning/time:inXSDDate ?begin FILTER (STR(?begin) > SUBSTR(STR(NOW()), 1, 10)) }
  OPTIONAL { ?state skos:prefLabel ?en FILTER (LANG(?en) = "en") }
  OPTIONAL { ?state skos:prefLabel ?ar FILTER (LANG(?ar) = "ar") }
  OPTIONAL { ?role skos:prefLabel ?roleEn FILTER (LANG(?roleEn) = "en") }
  OPTIONAL { ?role skos:prefLabel ?roleAr FILTER (LANG(?roleAr) = "ar") }
} ORDER BY ?organization ?en ?role"""


def role_key(role_iri: str) -> str:
    """`.../concept/role-co-chair` -> `co-chair` (the role concept's local name without its prefix)."""
    local = role_iri.rsplit("/", 1)[-1]
    return local[len("role-"):] if local.startswith("role-") else local


def _rank(role: str) -> int:
    return ROLE_ORDER.index(role) if role in ROLE_ORDER else len(ROLE_ORDER)


def current_roles(store, iris: list[str]) -> dict[str, dict[str, dict]]:
    """organization IRI -> state IRI -> {code, numeric, labels, roles: {key: {en, ar}}}."""
    found: dict[str, dict[str, dict]] = {iri: {} for iri in iris}
    for iri in iris:
        for row in store.query(MEMBER_MAP_QUERY, {"organization": URIRef(iri)}):
            state = _v(row, "state")
            entry = found[iri].setdefault(state, {"code": _v(row, "code"), "numeric": _v(row, "numeric"),
                                                  "labels": {"en": _v(row, "en"), "ar": _v(row, "ar")},
                                                  "roles": {}})
            entry["roles"][role_key(_v(row, "role"))] = {"en": _v(row, "roleEn"), "ar": _v(row, "roleAr")}
    return found


def _label(store, iri: str) -> dict:
    labels = {"en": None, "ar": None, "short": None}
    rows = store.query("""SELECT ?this ?en ?ar ?short WHERE {
      OPTIONAL { ?this skos:prefLabel ?en FILTER (LANG(?en) = "en") }
      OPTIONAL { ?this skos:prefLabel ?ar FILTER (LANG(?ar) = "ar") }
      OPTIONAL { GRAPH <https://w3id.org/iscm/graph/curated/names> { ?this skos:altLabel ?short FILTER (LANG(?short) = "en") } }
    } ORDER BY STRLEN(?short)""", {"this": URIRef(iri)})
    for row in rows:
        for k in labels:
            labels[k] = labels[k] or _v(row, k)
    return labels


def member_map(store, iri: str, lang: str = "en") -> Picture | None:
    """The members of a mechanism, regional body or UN commission on a world map, coloured by their
    role; None when it has no (current) memberships of states."""
    states = current_roles(store, [iri])[iri]
    if not states:
        return None
    org = _name(_label(store, iri), lang)
    data, rows = [], []
    for state, entry in sorted(states.items(), key=lambda kv: _name(kv[1]["labels"], lang)):
        roles = sorted(entry["roles"], key=_rank)
        role_names = [_name(entry["roles"][r], lang) or r for r in roles]
        data.append({"numeric": entry["numeric"], "state": _name(entry["labels"], lang), "code": entry["code"],
                     "role": roles[0], "roleName": role_names[0], "roles": ", ".join(role_names)})
        rows.append([{"iri": state, "labels": entry["labels"]}, entry["code"], ", ".join(role_names)])
    used = [r for r in ROLE_ORDER if any(d["role"] == r for d in data)]
    used += sorted({d["role"] for d in data} - set(used))
    legend_names = {d["role"]: d["roleName"] for d in data}
    colour = {"field": "role", "type": "nominal", "title": gettext("Role"),
              "scale": {"domain": used, "range": [ROLE_COLOURS[_rank(r)] if _rank(r) < len(ROLE_COLOURS)
                                                  else "#5e5c64" for r in used]},
              "legend": {"labelExpr": _label_expr(legend_names), "orient": "bottom"}}
    tooltip = [{"field": "state", "title": gettext("State")}, {"field": "roles", "title": gettext("Role")}]
    title = gettext("Members of %(name)s on the map", name=org)
    description = gettext("World map of the %(count)s states in %(name)s, coloured by role; other countries grey.",
                          count=len(data), name=org)
    return Picture("member-map", "member-map", title, description,
                   _world_layers(description, data, colour, tooltip),
                   [gettext("State"), gettext("Code"), gettext("Role")], rows,
                   link_query(MEMBER_MAP_QUERY, {"organization": [iri]}))


def _label_expr(names: dict[str, str]) -> str:
    """A Vega expression turning a legend's keys into the names shown (JSON strings are valid there)."""
    parts = [f"datum.value === {json.dumps(k)} ? {json.dumps(v)}" for k, v in names.items()]
    return " : ".join(parts + ["datum.value"])


# ---------------------------------------------------------------- states map

STATES_MAP_QUERY = """SELECT ?state ?code ?numeric ?en ?ar (COUNT(DISTINCT ?m) AS ?mechanisms) WHERE {
  ?state iscm:memberOf ?m ; iscm:alpha3 ?code ; iscm:numericCode ?numeric .
  ?m a iscm:ConsultationMechanism .
  OPTIONAL { ?state skos:prefLabel ?en FILTER (LANG(?en) = "en") }
  OPTIONAL { ?state skos:prefLabel ?ar FILTER (LANG(?ar) = "ar") }
} GROUP BY ?state ?code ?numeric ?en ?ar ORDER BY DESC(?mechanisms) ?en"""


def states_map(store, lang: str = "en") -> Picture:
    """How many consultation mechanisms each state is a current member of, as a choropleth."""
    data, rows = [], []
    for row in store.query(STATES_MAP_QUERY):
        labels = {"en": _v(row, "en"), "ar": _v(row, "ar")}
        count = int(_v(row, "mechanisms"))
        data.append({"numeric": _v(row, "numeric"), "code": _v(row, "code"), "state": _name(labels, lang),
                     "mechanisms": count})
        rows.append([{"iri": _v(row, "state"), "labels": labels}, _v(row, "code"), count])
    count_title = gettext("Mechanisms")
    colour = {"field": "mechanisms", "type": "quantitative", "title": count_title,
              "scale": {"scheme": "blues", "domainMin": 0}, "legend": {"orient": "bottom"}}
    tooltip = [{"field": "state", "title": gettext("State")},
               {"field": "mechanisms", "type": "quantitative", "title": count_title}]
    description = gettext("World map of the number of consultation mechanisms each state belongs to "
                          "(%(count)s states); countries in none are grey.", count=len(data))
    return Picture("states-map", "states-map", gettext("States by number of mechanisms"), description,
                   _world_layers(description, data, colour, tooltip),
                   [gettext("State"), gettext("Code"), gettext("Mechanisms")], rows, STATES_MAP_QUERY)


# ---------------------------------------------------------------- timeline

TIMELINE_QUERY = """SELECT ?lane ?date ?subject ?en ?ar ?detail ?graph WHERE {
  {   # founding years, as each source states them
    GRAPH ?graph { ?subject iscm:foundingYear ?year } ?subject a iscm:ConsultationMechanism .
    FILTER (STRSTARTS(STR(?graph), "https://w3id.org/iscm/graph/source/"))
    BIND ("founded" AS ?lane) BIND (SUBSTR(STR(?year), 1, 4) AS ?date)
  } UNION {   # joins after a mechanism was founded, and departures
    ?ms org:organization ?subject ; org:member ?state ; org:role/skos:prefLabel ?detail FILTER (LANG(?detail) = "en")
    ?subject a iscm:ConsultationMechanism .
    ?state skos:prefLabel ?stateName FILTER (LANG(?stateName) = "en")
    { ?ms org:memberDuring/time:hasBeginning/time:inXSDDate ?d . BIND ("joined" AS ?lane)
      FILTER NOT EXISTS { GRAPH <https://w3id.org/iscm/graph/source/000> { ?subject iscm:foundingYear ?fy } FILTER (SUBSTR(STR(?d), 1, 4) <= STR(?fy)) } }
    UNION { ?ms org:memberDuring/time:hasEnd/time:inXSDDate ?d . BIND ("left" AS ?lane) }
    BIND (STR(?d) AS ?date) BIND (?state AS ?graph)
  } UNION {   # the GCM process
    ?subject iscm:partOfProcess+ ?process . ?process a iscm:GCMProcess . ?subject schema:startDate ?d
    BIND ("gcm" AS ?lane) BIND (STR(?d) AS ?date)
  } UNION {   # Global Meetings of RCP chairs and secretariats, as each source dates them
    ?subject a iscm:GlobalMeeting .
    GRAPH ?graph { ?subject iscm:year|schema:startDate ?d }
    FILTER (STRSTARTS(STR(?graph), "https://w3id.org/iscm/graph/source/"))
    BIND ("meeting" AS ?lane) BIND (STR(?d) AS ?date)
  }
  OPTIONAL { ?subject skos:prefLabel ?en FILTER (LANG(?en) = "en") }
  OPTIONAL { ?subject skos:prefLabel ?ar FILTER (LANG(?ar) = "ar") }
} ORDER BY ?date ?lane ?en"""

STATE_NAMES = """SELECT ?state ?en ?ar WHERE {
  ?state a iscm:Country . OPTIONAL { ?state skos:prefLabel ?en FILTER (LANG(?en) = "en") }
  OPTIONAL { ?state skos:prefLabel ?ar FILTER (LANG(?ar) = "ar") } }"""
ROLE_NAMES = """SELECT ?en ?ar WHERE { ?role skos:prefLabel ?en FILTER (LANG(?en) = "en")
  OPTIONAL { ?role skos:prefLabel ?ar FILTER (LANG(?ar) = "ar") } }"""


def _lanes() -> dict[str, str]:
    return {"founded": gettext("Founded"), "joined": gettext("State joined"), "left": gettext("State left"),
            "gcm": gettext("GCM process"), "meeting": gettext("Global RCP meeting")}


def _source_code(graph: str | None) -> str:
    return graph.rsplit("/", 1)[-1] if graph else ""


def timeline(store, lang: str = "en") -> Picture:
    """Founding years (each source's; where they disagree every value is kept and marked), joins and
    departures of states with dates, the GCM process and the Global RCP meetings, on one time axis."""
    lanes = _lanes()
    states = {_v(r, "state"): {"en": _v(r, "en"), "ar": _v(r, "ar")} for r in store.query(STATE_NAMES)}
    roles = {_v(r, "en"): {"en": _v(r, "en"), "ar": _v(r, "ar")} for r in store.query(ROLE_NAMES)}
    found = list(store.query(TIMELINE_QUERY))
    # where sources give different dates for one founding or meeting, every value is shown and marked
    values: dict[tuple, set] = {}
    for row in found:
        if _v(row, "lane") in ("founded", "meeting"):
            values.setdefault((_v(row, "lane"), _v(row, "subject")), set()).add(_v(row, "date")[:4])
    data, rows, seen = [], [], set()
    for row in found:
        lane, subject, date, graph = (_v(row, k) for k in ("lane", "subject", "date", "graph"))
        labels = {"en": _v(row, "en"), "ar": _v(row, "ar")}
        disputed = len(values.get((lane, subject), ())) > 1
        if lane in ("joined", "left"):
            state = states.get(graph, {})
            role = roles.get(_v(row, "detail"), {"en": _v(row, "detail")})
            detail = f"{_name(state, lang)} ({_name(role, lang)})"
            source = ""
        else:
            source = _source_code(graph)
            detail = gettext("source %(code)s", code=source) if source else ""
            if disputed:
                detail += " · " + gettext("sources disagree")
        key = (lane, subject, date, detail)
        if key in seen:     # one meeting stated with the same date by two sources is one point
            continue
        seen.add(key)
        year = date[:4]
        data.append({"date": date if len(date) > 4 else f"{year}-07-01", "when": date, "lane": lanes[lane],
                     "name": _name(labels, lang), "detail": detail,
                     "certainty": gettext("sources disagree") if disputed else gettext("one value")})
        rows.append([{"date": date} if len(date) > 4 else year, lanes[lane],
                     {"iri": subject, "labels": labels}, detail])
    lane_title = gettext("Event")
    spec = _base(gettext("Timeline of the mechanisms' founding, membership changes, the GCM process and the "
                         "Global RCP meetings (%(count)s events).", count=len(data)), data,
                 height=280, mark={"type": "point", "filled": True, "size": 60, "opacity": 0.75},
                 encoding={
                     "x": {"field": "date", "type": "temporal", "title": gettext("Year"),
                           "axis": {"format": "%Y", "labelOverlap": True}},
                     "y": {"field": "lane", "type": "nominal", "title": lane_title,
                           "sort": list(lanes.values())},
                     "color": {"field": "lane", "type": "nominal", "title": lane_title, "legend": None,
                               "sort": list(lanes.values())},
                     "shape": {"field": "certainty", "type": "nominal", "title": gettext("Date"),
                               "legend": {"orient": "bottom"}},
                     "tooltip": [{"field": "when", "title": gettext("Date")},
                                 {"field": "lane", "title": lane_title},
                                 {"field": "name", "title": gettext("Name")},
                                 {"field": "detail", "title": gettext("Detail")}]})
    return Picture("timeline", "timeline", gettext("Timeline"), spec["description"], spec,
                   [gettext("Date"), lane_title, gettext("Name"), gettext("Detail")], rows, TIMELINE_QUERY)


# ---------------------------------------------------------------- overlap and comparison

MECHANISMS_QUERY = """SELECT ?m ?en ?ar (MIN(?alt) AS ?short) WHERE {
  ?m a iscm:ConsultationMechanism .
  OPTIONAL { ?m skos:prefLabel ?en FILTER (LANG(?en) = "en") }
  OPTIONAL { ?m skos:prefLabel ?ar FILTER (LANG(?ar) = "ar") }
  OPTIONAL { GRAPH <https://w3id.org/iscm/graph/curated/names> { ?m skos:altLabel ?alt FILTER (LANG(?alt) = "en" && STRLEN(?alt) <= 16) } }
} GROUP BY ?m ?en ?ar ORDER BY ?en"""

OVERLAP_QUERY = """SELECT ?a ?b (COUNT(DISTINCT ?state) AS ?shared) WHERE {
  ?a a iscm:ConsultationMechanism ; iscm:hasMember ?state .
  ?b a iscm:ConsultationMechanism ; iscm:hasMember ?state .
  FILTER (STR(?a) < STR(?b) && ?a != mech:gfmd && ?b != mech:gfmd)   # the GFMD is open to all
} GROUP BY ?a ?b ORDER BY DESC(?shared)"""


def mechanisms(store) -> dict[str, dict]:
    """Every consultation mechanism: IRI -> labels (en, ar, a short English name)."""
    return {_v(r, "m"): {"en": _v(r, "en"), "ar": _v(r, "ar"), "short": _v(r, "short")}
            for r in store.query(MECHANISMS_QUERY)}


def _short(labels: dict, lang: str) -> str:
    return (labels.get("short") if lang == "en" else None) or _name(labels, lang)


def overlap(store, lang: str = "en") -> Picture:
    """A matrix of the mechanisms (the GFMD left out) by the number of current member states they
    share; the table lists the pairs that share any."""
    names = mechanisms(store)
    pairs = [(_v(r, "a"), _v(r, "b"), int(_v(r, "shared"))) for r in store.query(OVERLAP_QUERY)]
    data = []
    for a, b, shared in pairs:
        for x, y in ((a, b), (b, a)):   # both halves, so the matrix reads from either axis
            data.append({"x": _short(names[x], lang), "y": _short(names[y], lang), "shared": shared,
                         "xName": _name(names[x], lang), "yName": _name(names[y], lang)})
    rows = [[{"iri": a, "labels": names[a]}, {"iri": b, "labels": names[b]}, shared] for a, b, shared in pairs]
    order = sorted({d["x"] for d in data})
    mech_title, shared_title = gettext("Mechanism"), gettext("Shared member states")
    spec = _base(gettext("Matrix of %(count)s pairs of consultation mechanisms by the number of member states "
                         "they share.", count=len(pairs)), data, height={"step": 16},
                 encoding={"x": {"field": "x", "type": "nominal", "title": mech_title, "sort": order,
                                 "axis": {"labelAngle": -60, "labelLimit": 160}},
                           "y": {"field": "y", "type": "nominal", "title": mech_title, "sort": order,
                                 "axis": {"labelLimit": 160}},
                           "tooltip": [{"field": "xName", "title": mech_title},
                                       {"field": "yName", "title": mech_title},
                                       {"field": "shared", "type": "quantitative", "title": shared_title}]},
                 layer=[{"mark": "rect", "encoding": {"color": {"field": "shared", "type": "quantitative",
                                                                "title": shared_title,
                                                                "scale": {"scheme": "blues"}}}},
                        {"mark": {"type": "text", "fontSize": 9},
                         "encoding": {"text": {"field": "shared", "type": "quantitative"},
                                      "color": {"condition": {"test": "datum.shared > 25", "value": "#ffffff"},
                                                "value": "#1b1b1b"}}}])
    return Picture("overlap", "overlap", gettext("How the mechanisms overlap"), spec["description"], spec,
                   [mech_title, mech_title, shared_title], rows, OVERLAP_QUERY)


@dataclass
class Comparison:
    iris: list[str]
    labels: dict[str, dict]
    members: dict[str, dict[str, dict]]      # mechanism -> state -> entry (as current_roles)
    facts: dict[str, dict]
    shared: list[str]                        # states in every one of them

    def states(self, lang: str = "en") -> list[tuple[str, dict]]:
        """Every member state of any of them, (IRI, entry), by name in `lang`."""
        union = {s: e for iri in self.iris for s, e in self.members[iri].items()}
        return sorted(union.items(), key=lambda kv: _name(kv[1]["labels"], lang))


FACTS_QUERY = """SELECT ?mechanism ?kind ?kindAr ?year ?status ?statusAr ?knownOn WHERE {
  ?mechanism a ?class . VALUES ?class { iscm:RegionalConsultativeProcess iscm:InterRegionalForum iscm:GlobalProcess }
  ?class rdfs:label ?kind FILTER (LANG(?kind) = "en")
  OPTIONAL { ?class rdfs:label ?kindAr FILTER (LANG(?kindAr) = "ar") }
  OPTIONAL { GRAPH <https://w3id.org/iscm/graph/source/000> { ?mechanism iscm:foundingYear ?year } }
  OPTIONAL { ?mechanism iscm:activityStatus ?a . ?a iscm:status ?st ; iscm:statusKnownOn ?knownOn .
             ?st skos:prefLabel ?status FILTER (LANG(?status) = "en")
             OPTIONAL { ?st skos:prefLabel ?statusAr FILTER (LANG(?statusAr) = "ar") } }
} ORDER BY DESC(?knownOn)"""


def comparison(store, iris: list[str]) -> Comparison:
    """Two or three mechanisms side by side: key facts, the current members of each and those shared."""
    names = mechanisms(store)
    members = {iri: {s: e for s, e in states.items() if "member" in e["roles"]}
               for iri, states in current_roles(store, iris).items()}
    facts = {}
    for iri in iris:
        for row in store.query(FACTS_QUERY, {"mechanism": URIRef(iri)}):
            if iri in facts:     # the latest status assessment came first
                continue
            facts[iri] = {"kind": {"en": _v(row, "kind"), "ar": _v(row, "kindAr")}, "founded": _v(row, "year"),
                          "status": {"en": _v(row, "status"), "ar": _v(row, "statusAr")},
                          "members": len(members[iri])}
        facts.setdefault(iri, {"members": len(members[iri])})
    shared = set.intersection(*(set(m) for m in members.values())) if members else set()
    return Comparison(iris, {i: names[i] for i in iris}, members, facts, sorted(shared))


def compare_map(store, comp: Comparison, lang: str = "en") -> Picture:
    """The combined membership on a world map: each state coloured by which of the mechanisms it is in."""
    states: dict[str, dict] = {}
    for iri in comp.iris:
        for state, entry in comp.members[iri].items():
            states.setdefault(state, {**entry, "in": []})["in"].append(iri)
    shorts = {i: _short(comp.labels[i], lang) for i in comp.iris}
    everyone = gettext("All of them")
    data, rows = [], []
    for state, entry in sorted(states.items(), key=lambda kv: _name(kv[1]["labels"], lang)):
        group = everyone if len(entry["in"]) == len(comp.iris) else " + ".join(shorts[i] for i in entry["in"])
        data.append({"numeric": entry["numeric"], "code": entry["code"], "state": _name(entry["labels"], lang),
                     "group": group})
        rows.append([{"iri": state, "labels": entry["labels"]}, entry["code"], group])
    groups = sorted({d["group"] for d in data}, key=lambda g: (g == everyone, g.count("+"), g))
    palette = ["#1a5fb4", "#e66100", "#26a269", "#8f6ac9", "#c64600", "#0c7d9d", "#a51d2d"]
    colour = {"field": "group", "type": "nominal", "title": gettext("Member of"),
              "scale": {"domain": groups, "range": [palette[i % len(palette)] for i in range(len(groups))]},
              "legend": {"orient": "bottom", "labelLimit": 300}}
    tooltip = [{"field": "state", "title": gettext("State")}, {"field": "group", "title": gettext("Member of")}]
    names = " · ".join(_name(comp.labels[i], lang) for i in comp.iris)
    description = gettext("World map of the %(count)s member states of %(names)s, coloured by which of them "
                          "each belongs to; %(shared)s belong to all.", count=len(data), names=names,
                          shared=len(comp.shared))
    return Picture("compare", "compare", gettext("Combined membership"), description,
                   _world_layers(description, data, colour, tooltip),
                   [gettext("State"), gettext("Code"), gettext("Member of")], rows,
                   link_query(MEMBER_MAP_QUERY, {"organization": comp.iris}))


# ---------------------------------------------------------------- the fact sheet's bar charts

def _chart_titles() -> dict[str, tuple[str, str]]:
    return {"mechanisms-by-kind": (gettext("Mechanisms by kind"), gettext("Mechanisms")),
            "states-by-kind": (gettext("Participating states by kind (fact sheet 000)"), gettext("States")),
            "mechanisms-by-decade": (gettext("Mechanisms by decade of founding"), gettext("Mechanisms")),
            "themes": (gettext("Thematic areas by number of mechanisms"), gettext("Mechanisms"))}


def chart(store, name: str, lang: str = "en") -> Picture:
    """One of the fact sheet's figures as a horizontal bar chart."""
    title, unit = _chart_titles()[name]
    data = chart_data(store, name, lang)
    category = gettext("Thematic area") if name == "themes" else gettext("Category")
    values = [{"label": label, "value": value} for label, value in data.rows]
    spec = _base(gettext("Bar chart: %(title)s.", title=title) + " " +
                 ", ".join(f"{label}: {value}" for label, value in data.rows), values,
                 height={"step": 28}, mark={"type": "bar", "color": "#1a5fb4"},
                 encoding={"y": {"field": "label", "type": "nominal", "title": category, "sort": None,
                                 "axis": {"labelLimit": 260}},
                           "x": {"field": "value", "type": "quantitative", "title": unit},
                           "tooltip": [{"field": "label", "title": category},
                                       {"field": "value", "type": "quantitative", "title": unit}]})
    return Picture(f"chart-{name}", "chart", title, spec["description"], spec, [category, unit],
                   [[label, value] for label, value in data.rows], data.query)


def chart_names() -> list[str]:
    return list(CHARTS)
