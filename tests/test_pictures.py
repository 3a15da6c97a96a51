"""The pictures (reports/pictures.py) and their pages: the specs' inline data match the graph by queries
of their own, every page has its figure, table and query link in both languages, and /compare refuses
bad input with a clear 4xx."""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import render_template_string

from conftest import select
from iscm_graph.reports import pictures

MECH = "https://w3id.org/iscm/id/mechanism/"
COLOMBO, ADD = MECH + "colombo-process", MECH + "abu-dhabi-dialogue"


class Figures(HTMLParser):
    """Each figure.picture of a page: its attributes, spec, table header/rows and query link."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.figures: list[dict] = []
        self.html_attrs: dict = {}
        self._fig = None
        self._in = None         # "spec", "th", "td", "caption"
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.html_attrs = a
        if tag == "figure" and "picture" in a.get("class", "").split():
            self._fig = {"attrs": a, "spec": "", "th": [], "rows": [], "views": [], "query": None,
                         "caption": "", "th_scope": [], "table": False}
            self.figures.append(self._fig)
        elif self._fig is None:
            return
        elif tag == "div" and a.get("class") == "picture-view":
            self._fig["views"].append(a)
        elif tag == "script" and a.get("type") == "application/json":
            self._fig["spec_id"] = a.get("id")
            self._in = "spec"
        elif tag == "table" and a.get("class") == "picture-table":
            self._fig["table"] = True
        elif tag == "caption":
            self._in = "caption"
        elif tag == "th":
            self._fig["th"].append("")
            self._fig["th_scope"].append(a.get("scope"))
            self._in = "th"
        elif tag == "tbody":
            self._fig["body"] = True
        elif tag == "tr" and self._fig.get("body"):
            self._fig["rows"].append([])
        elif tag == "td":
            self._fig["rows"][-1].append("")
            self._in = "td"
        elif tag == "a" and a.get("class") == "picture-query":
            self._fig["query"] = a.get("href")

    def handle_endtag(self, tag):
        if tag == "figure":
            self._fig = None
        if tag in ("script", "th", "td", "caption"):
            self._in = None

    def handle_data(self, data):
        if self._fig is None or self._in is None:
            return
        if self._in == "spec":
            self._fig["spec"] += data
        elif self._in == "caption":
            self._fig["caption"] += data
        elif self._in == "th":
            self._fig["th"][-1] += data
        elif self._in == "td":
            self._fig["rows"][-1][-1] += data


def figures(site, path, lang="en") -> Figures:
    resp = site.get(path + ("&" if "?" in path else "?") + "lang=" + lang, headers={"Accept": "text/html"})
    assert resp.status_code == 200, (path, resp.status_code, resp.text[:300])
    return Figures(resp.text)


def layer_values(spec: dict) -> list[dict]:
    """The inline data of a spec: its own, or that of the layer that has some."""
    if "values" in spec.get("data", {}):
        return spec["data"]["values"]
    return next(layer["data"]["values"] for layer in spec["layer"] if "values" in layer.get("data", {}))


def assert_valid_spec(spec: dict):
    assert spec["$schema"] == "https://vega.github.io/schema/vega-lite/v6.json"
    assert spec["description"].strip()
    marks = [spec.get("mark")] + [layer.get("mark") for layer in spec.get("layer", [])]
    assert any(marks), "no mark"
    assert isinstance(layer_values(spec), list)


# --- the functions ----------------------------------------------------------------------------------

def test_colombo_member_map_has_sri_lanka_as_member(store):
    picture = pictures.member_map(store, COLOMBO)
    assert picture.id == "member-map" and picture.kind == "member-map"
    assert_valid_spec(picture.spec)
    by_numeric = {d["numeric"]: d for d in layer_values(picture.spec)}
    assert by_numeric["144"]["role"] in ("member", "chair") and by_numeric["144"]["state"] == "Sri Lanka"
    assert picture.spec["projection"]["type"] == "equalEarth"
    # every current member state of the list is on the map, by an independent query
    members = {r["n"] for r in select(store, """SELECT ?org ?n WHERE {
        ?m org:organization ?org ; org:member ?s ; org:role <https://w3id.org/iscm/id/concept/role-member> .
        ?s iscm:numericCode ?n FILTER NOT EXISTS { ?m org:memberDuring/time:hasEnd [] } }""",
        org=pictures.URIRef(COLOMBO))}
    assert members and members <= set(by_numeric)


def test_member_map_is_none_without_memberships(store):
    assert pictures.member_map(store, "https://w3id.org/iscm/id/state/egy") is None


def test_states_map_counts_match_the_mechanisms_of_egypt(store):
    picture = pictures.states_map(store)
    assert_valid_spec(picture.spec)
    egypt = next(d for d in layer_values(picture.spec) if d["code"] == "EGY")
    ours = select(store, """SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE {
        <https://w3id.org/iscm/id/state/egy> iscm:memberOf ?m . ?m a iscm:ConsultationMechanism }""")
    assert egypt["mechanisms"] == int(ours[0]["n"]) > 0
    assert egypt["numeric"] == "818"


def test_overlap_of_two_mechanisms_is_the_intersection_of_their_members(store):
    picture = pictures.overlap(store)
    assert_valid_spec(picture.spec)

    def members(iri):
        return {r["s"] for r in select(store, "SELECT ?m ?s WHERE { ?m iscm:hasMember ?s }", m=pictures.URIRef(iri))}

    expected = len(members(COLOMBO) & members(ADD))
    pair = [row for row in picture.rows if {row[0]["iri"], row[1]["iri"]} == {COLOMBO, ADD}]
    assert len(pair) == 1 and pair[0][2] == expected > 0
    names = {pair[0][0]["labels"]["en"], pair[0][1]["labels"]["en"]}
    cells = [d for d in layer_values(picture.spec) if {d["xName"], d["yName"]} == names]
    assert [d["shared"] for d in cells] == [expected, expected]     # both halves of the matrix


def test_comparison_shares_the_intersection(store):
    comp = pictures.comparison(store, [COLOMBO, ADD])
    assert set(comp.shared) == set(comp.members[COLOMBO]) & set(comp.members[ADD])
    picture = pictures.compare_map(store, comp)
    assert_valid_spec(picture.spec)
    assert len(layer_values(picture.spec)) == len(set(comp.members[COLOMBO]) | set(comp.members[ADD]))
    assert "VALUES ?organization" in picture.query


def test_timeline_has_each_kind_of_event(store):
    picture = pictures.timeline(store)
    assert_valid_spec(picture.spec)
    lanes = {d["lane"] for d in layer_values(picture.spec)}
    assert lanes == {"Founded", "State joined", "State left", "GCM process", "Global RCP meeting"}
    budapest = [d for d in layer_values(picture.spec) if d["lane"] == "Founded" and d["name"] == "Budapest Process"]
    assert [d["when"] for d in budapest] == ["1993"]


def test_timeline_marks_sources_that_disagree(store, monkeypatch):
    """Two sources with different founding years: both values are shown, each marked."""
    real = store.query

    def query(text, bindings=None, **kw):
        rows = list(real(text, bindings, **kw))
        if text is pictures.TIMELINE_QUERY:
            import pyoxigraph as ox
            extra = [r for r in rows if r["lane"].value == "founded" and r["en"] is not None
                     and r["en"].value == "Budapest Process"][0]
            values = [extra[v] for v in ("lane", "date", "subject", "en", "ar", "detail", "graph")]
            values[1] = ox.Literal("1991")
            values[6] = ox.NamedNode("https://w3id.org/iscm/graph/source/001")
            rows.append(dict(zip(("lane", "date", "subject", "en", "ar", "detail", "graph"), values)))
        return rows

    monkeypatch.setattr(store, "query", query)
    budapest = [d for d in layer_values(pictures.timeline(store).spec)
                if d["lane"] == "Founded" and d["name"] == "Budapest Process"]
    assert sorted(d["when"] for d in budapest) == ["1991", "1993"]
    assert all(d["certainty"] == "sources disagree" and "sources disagree" in d["detail"] for d in budapest)


@pytest.mark.parametrize("name", pictures.chart_names())
def test_charts_are_bar_charts_of_the_query(store, name):
    picture = pictures.chart(store, name)
    assert_valid_spec(picture.spec)
    assert picture.id == f"chart-{name}" and picture.spec["mark"]["type"] == "bar"
    assert [[d["label"], d["value"]] for d in picture.spec["data"]["values"]] == picture.rows
    assert picture.rows and all(isinstance(v, int) for _, v in picture.rows)


def test_link_query_refuses_what_is_not_an_iri():
    with pytest.raises(ValueError):
        pictures.link_query("SELECT * {}", {"x": ["a> } DROP ALL #"]})


# --- the pages ----------------------------------------------------------------------------------------

PAGES = [("/maps", "states-map", "states-map"), ("/timeline", "timeline", "timeline"),
         ("/overlap", "overlap", "overlap"), ("/compare?m=colombo-process&m=abu-dhabi-dialogue", "compare", "compare")]


@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize("path,fid,kind", PAGES)
def test_each_page_has_its_figure_table_and_query(site, path, fid, kind, lang):
    page = figures(site, path, lang)
    assert page.html_attrs["lang"] == lang and page.html_attrs["dir"] == ("rtl" if lang == "ar" else "ltr")
    [fig] = page.figures
    assert fig["attrs"]["id"] == fid and fig["attrs"]["data-picture"] == kind
    assert fig["views"] == [{"class": "picture-view", "id": f"{fid}-view", "dir": "ltr"}]
    assert fig["spec_id"] == f"{fid}-spec"
    spec = json.loads(fig["spec"])
    assert_valid_spec(spec)
    assert fig["th"] and set(fig["th_scope"]) == {"col"} and fig["caption"].strip()
    assert fig["rows"] and all(len(row) == len(fig["th"]) for row in fig["rows"])
    query = parse_qs(urlsplit(fig["query"]).query)["query"][0]
    assert urlsplit(fig["query"]).path == "/sparql" and "SELECT" in query


def test_maps_page_table_matches_the_spec(site):
    [fig] = figures(site, "/maps").figures
    spec = json.loads(fig["spec"])
    egypt = [row for row in fig["rows"] if row[1] == "EGY"]
    assert len(egypt) == 1 and egypt[0][0] == "Egypt"
    assert int(egypt[0][2]) == next(d["mechanisms"] for d in layer_values(spec) if d["code"] == "EGY")


def test_arabic_pages_name_states_in_arabic(site):
    [fig] = figures(site, "/maps", "ar").figures
    spec = json.loads(fig["spec"])
    assert next(d["state"] for d in layer_values(spec) if d["code"] == "EGY") == "مصر"
    assert any(row[0] == "مصر" for row in fig["rows"])


def test_charts_page_has_four_figures(site):
    page = figures(site, "/charts")
    assert [f["attrs"]["id"] for f in page.figures] == [f"chart-{n}" for n in pictures.chart_names()]
    assert all(f["attrs"]["data-picture"] == "chart" and f["rows"] and f["query"] for f in page.figures)


@pytest.mark.parametrize("name", pictures.chart_names())
def test_old_chart_addresses_redirect(site, name):
    resp = site.get(f"/charts/{name}.svg", allow_redirects=False)
    assert resp.status_code == 301 and resp.headers["Location"].endswith(f"/charts#chart-{name}")


def test_unknown_chart_is_404(site):
    assert site.get("/charts/nothing.svg", allow_redirects=False).status_code == 404


def test_compare_page_lists_shared_members(site, store):
    resp = site.get("/compare", params={"m": ["colombo-process", "abu-dhabi-dialogue"]})
    comp = pictures.comparison(store, [COLOMBO, ADD])
    shared = set(re.findall(r'<tr data-member="([^"]+)" class="shared"', resp.text))
    assert shared == set(comp.shared) and shared
    assert re.findall(r'data-fact="members"><dt>[^<]*</dt><dd>(\d+)</dd>', resp.text) == [
        str(len(comp.members[COLOMBO])), str(len(comp.members[ADD]))]


def test_overlap_offers_a_get_form_to_compare(site):
    html = site.get("/overlap").text
    form = re.search(r'<form class="compare-form" action="/compare" method="get"', html)
    assert form and len(re.findall(r'<select id="compare-m\d" name="m"', html)) == 3
    assert re.search(r'<label for="compare-m0">', html)
    # the empty third choice of the form is ignored
    assert site.get("/compare?m=colombo-process&m=abu-dhabi-dialogue&m=").status_code == 200


@pytest.mark.parametrize("query,status,words", [
    ("", 400, "2 or 3"),
    ("?m=colombo-process", 400, "2 or 3"),
    ("?m=colombo-process&m=abu-dhabi-dialogue&m=bali-process&m=budapest-process", 400, "2 or 3"),
    ("?m=colombo-process&m=<script>", 400, "not a mechanism"),
    ("?m=colombo-process&m=" + "x" * 300, 400, "not a mechanism"),
    ("?m=colombo-process&m=colombo-process", 400, "named twice"),
    ("?m=colombo-process&m=no-such-thing", 404, "no such mechanism: no-such-thing"),
    ("?m=colombo-process&m=egy", 404, "no such mechanism"),
])
def test_compare_refuses_bad_input(site, query, status, words):
    resp = site.get("/compare" + query, headers={"Accept": "application/json"})
    assert resp.status_code == status
    error = resp.json()["error"]
    assert error["status"] == status and words in error["message"]
    page = site.get("/compare" + query, headers={"Accept": "text/html"})
    assert page.status_code == status and "<script>" not in page.text.split("<main>")[1]


def test_member_map_renders_through_the_figure_macro(site, store):
    """The member map as a mechanism's page will show it: the contract's markup, from the macro."""
    app = site.client.application
    picture = pictures.member_map(store, COLOMBO)
    with app.test_request_context("/doc/mechanism/colombo-process.html"):
        app.preprocess_request()
        from iscm_graph.web.pages import local_href
        html = render_template_string('{% from "_pictures.html" import figure with context %}{{ figure(p) }}',
                                      p=picture, href=local_href)
    [fig] = Figures(html).figures
    assert fig["attrs"] == {"class": "picture", "id": "member-map", "data-picture": "member-map",
                            "data-table-label": "Table of the data", "data-actions-label": "Save the picture",
                            "data-svg-label": "Save as SVG", "data-png-label": "Save as PNG"}
    assert any(row[0] == "Sri Lanka" and row[1] == "LKA" for row in fig["rows"])
    assert '<a href="/doc/state/lka.html">Sri Lanka</a>' in html
    assert json.loads(fig["spec"]) == picture.spec


@pytest.mark.parametrize("iri,code", [("https://w3id.org/iscm/id/body/ecowas", "NGA"),
                                      ("https://w3id.org/iscm/id/commission/escwa", "EGY")])
def test_member_maps_of_bodies_and_commissions(store, iri, code):
    picture = pictures.member_map(store, iri)
    assert picture is not None
    assert code in {d["code"] for d in layer_values(picture.spec)}
    assert set(picture.spec["layer"][1]["encoding"]["color"]["scale"]["domain"]) <= {
        "chair", "co-chair", "member", "associate-member", "observer", "partner", "suspended"}
