"""The reconciliation service (/reconcile, W3C Entity Reconciliation API 0.2): every JSON answer is
validated against the specification's published schemas (tests/conformance/reconciliation-api-0.2/,
resolved from a local registry: nothing is fetched), and the service is driven as OpenRefine drives it."""
from __future__ import annotations

import json
import urllib.parse
import urllib.request
from html.parser import HTMLParser

import pytest
from jsonschema import Draft7Validator
from referencing import Registry
from referencing.exceptions import NoSuchResource
from referencing.jsonschema import DRAFT7

from conftest import CONFORMANCE

SCHEMAS = CONFORMANCE / "reconciliation-api-0.2"
SPEC = "https://reconciliation-api.github.io/specs/0.2/schemas/"
ONT = "https://w3id.org/iscm/ontology#"
ID = "https://w3id.org/iscm/id/"
EGY = ID + "state/egy"
COLOMBO = ID + "mechanism/colombo-process"
JSON_ACCEPT = {"Accept": "application/json"}


def _no_network(uri: str):
    raise NoSuchResource(ref=uri)     # a $ref outside the vendored files fails instead of being fetched


def _registry() -> Registry:
    resources = []
    for path in SCHEMAS.glob("*.json"):
        doc = json.loads(path.read_text(encoding="utf-8"))
        resource = DRAFT7.create_resource(doc)
        # under its own $id and under the 0.2 URL of its file name (the query batch's $id differs)
        resources += [(doc["$id"].rstrip("#"), resource), (SPEC + path.name, resource)]
    return Registry(retrieve=_no_network).with_resources(resources)


REGISTRY = _registry()


def validate(instance, schema_file: str) -> None:
    schema = json.loads((SCHEMAS / schema_file).read_text(encoding="utf-8"))
    errors = sorted(Draft7Validator(schema, registry=REGISTRY).iter_errors(instance), key=str)
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors]


def test_the_schemas_can_fail():
    # the validator sees the schemas: a manifest without versions and a result without a score fail
    with pytest.raises(AssertionError):
        validate({"name": "x", "identifierSpace": "x", "schemaSpace": "x"}, "manifest.json")
    with pytest.raises(AssertionError):
        validate({"q0": {"result": [{"id": "x", "name": "x"}]}}, "reconciliation-result-batch.json")
    with pytest.raises(AssertionError):     # defaultTypes items go through the $ref to type.json
        validate({"versions": ["0.2"], "name": "x", "identifierSpace": "x", "schemaSpace": "x",
                  "defaultTypes": [{"id": "x"}]}, "manifest.json")


def batch(site, queries: dict, method: str = "POST") -> dict:
    validate(queries, "reconciliation-query-batch.json")
    if method == "POST":
        resp = site.post("/reconcile", data={"queries": json.dumps(queries, ensure_ascii=False)})
    else:
        resp = site.get("/reconcile", params={"queries": json.dumps(queries, ensure_ascii=False)})
    assert resp.status_code == 200, resp.text
    assert resp.headers["Content-Type"].startswith("application/json")
    body = resp.json()
    validate(body, "reconciliation-result-batch.json")
    assert set(body) == set(queries)
    return body


def top(answer: dict) -> dict | None:
    return answer["result"][0] if answer["result"] else None


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.text, self.links, self.html_attrs = [], [], {}

    def handle_starttag(self, tag, attrs):
        if tag == "html":
            self.html_attrs = dict(attrs)
        if tag == "a":
            self.links.append(dict(attrs).get("href"))

    def handle_data(self, data):
        self.text.append(data)


def parse_html(text: str) -> _Text:
    parser = _Text()
    parser.feed(text)
    return parser


# --- the manifest ----------------------------------------------------------------------------------------

def test_manifest(site):
    resp = site.get("/reconcile")
    assert resp.status_code == 200 and resp.headers["Access-Control-Allow-Origin"] == "*"
    manifest = resp.json()
    validate(manifest, "manifest.json")
    assert manifest["versions"] == ["0.2"]
    assert manifest["identifierSpace"] == ID and manifest["schemaSpace"] == ONT
    assert {t["id"] for t in manifest["defaultTypes"]} >= {ONT + "State", ONT + "ConsultationMechanism",
                                                             ONT + "RegionalBody", ONT + "UNRegionalCommission"}
    assert manifest["view"]["url"].endswith("/reconcile/view?id={{id}}")
    assert manifest["preview"]["url"].endswith("/reconcile/preview?id={{id}}")
    assert {k: v["service_path"] for k, v in manifest["suggest"].items()} == {
        "entity": "/suggest/entity", "type": "/suggest/type", "property": "/suggest/property"}


# --- as OpenRefine drives it -------------------------------------------------------------------------------

# A researcher's sheet: countries with their ISO code, and the mechanisms and bodies they sit in.
SHEET = [
    # (name as typed, type, ISO alpha-3 or None, expected IRI or None, auto-matched?)
    ("Egypt", "State", "EGY", EGY, True),
    ("المغرب", "State", "MAR", ID + "state/mar", True),                 # Arabic name
    ("Philipines", "State", "PHL", ID + "state/phl", False),            # a typo: top candidate, not matched
    ("Sri Lanka", "State", "LKA", ID + "state/lka", True),
    ("الأردن", "State", "JOR", ID + "state/jor", True),
    ("Atlantis", "State", "ATL", None, False),                           # unknown
    ("Colombo Process", "ConsultationMechanism", None, COLOMBO, True),
    ("عملية بودابست", "ConsultationMechanism", None, ID + "mechanism/budapest-process", True),
    ("MIDSA", "ConsultationMechanism", None, ID + "mechanism/midsa", True),   # an acronym
    ("ECOWAS", "RegionalBody", None, ID + "body/ecowas", True),
]


def test_openrefine_session(site):
    manifest = site.get("/reconcile").json()
    validate(manifest, "manifest.json")
    queries = {}
    for i, (name, kind, iso3, _, _) in enumerate(SHEET):
        q = {"query": name, "type": ONT + kind, "type_strict": "should", "limit": 3}
        if iso3:
            q["properties"] = [{"pid": "alpha3", "v": iso3}]
        queries[f"q{i}"] = q
    answers = batch(site, queries)
    for i, (name, _, _, expected, matched) in enumerate(SHEET):
        best = top(answers[f"q{i}"])
        if expected is None:
            assert best is None or (not best["match"] and best["score"] < 60), (name, best)
            continue
        assert best["id"] == expected, (name, best)
        assert best["match"] is matched, (name, best)
        assert len(answers[f"q{i}"]["result"]) <= 3
        assert all(not r["match"] for r in answers[f"q{i}"]["result"][1:])
    typo = top(answers["q2"])
    assert 80 <= typo["score"] < 100 and typo["name"] == "Philippines"
    assert {"id": ONT + "State", "name": "state"} in top(answers["q0"])["type"]

    # OpenRefine shows the preview of a candidate in a frame, and links its view
    preview_url = manifest["preview"]["url"].replace("{{id}}", urllib.parse.quote(EGY, safe=""))
    resp = site.get(preview_url.removeprefix(site.url))
    assert resp.status_code == 200 and resp.headers["Content-Type"].startswith("text/html")
    page = parse_html(resp.text)
    assert page.html_attrs == {"lang": "en", "dir": "ltr"}
    full = " ".join(page.text)
    assert "Egypt" in full and "مصر" in full and "EGY" in full
    assert "/doc/state/egy.html" in page.links
    view = site.get(manifest["view"]["url"].replace("{{id}}", EGY).removeprefix(site.url), allow_redirects=False)
    assert view.status_code == 303 and view.headers["Location"].endswith("/doc/state/egy.html")


def test_get_and_post_give_the_same_answer(site):
    queries = {"q0": {"query": "Colombo Process"}, "q1": {"query": "Egypt", "type": "state"}}
    assert batch(site, queries, "GET") == batch(site, queries, "POST")


# --- types, properties, Arabic ----------------------------------------------------------------------------

def test_type_constrained_queries(site):
    answers = batch(site, {
        "state": {"query": "Australia", "type": ONT + "State"},
        "region": {"query": "Australia", "type": ONT + "Region"},
        "wrong": {"query": "Colombo Process", "type": ONT + "State"},
        "any": {"query": "Colombo Process", "type": [ONT + "State", ONT + "ConsultationMechanism"]},
        "should": {"query": "Colombo Process", "type": ONT + "State", "type_strict": "should"},
        "all": {"query": "Colombo Process", "type": [ONT + "ConsultationMechanism",
                                                     ONT + "RegionalConsultativeProcess"], "type_strict": "all"},
    })
    assert top(answers["state"])["id"] == ID + "state/aus" and top(answers["state"])["match"]
    assert top(answers["region"])["id"] == ID + "region/australia" and top(answers["region"])["match"]
    assert all(r["id"] != COLOMBO for r in answers["wrong"]["result"])
    assert top(answers["any"])["id"] == COLOMBO and top(answers["any"])["match"]
    # "should": another type is still offered, ranked lower and never an automatic match
    should = top(answers["should"])
    assert should["id"] == COLOMBO and should["score"] == 80 and not should["match"]
    assert top(answers["all"])["id"] == COLOMBO


def test_short_type_names_are_accepted(site):
    answers = batch(site, {"q0": {"query": "Egypt", "type": "state"}, "q1": {"query": "Egypt", "type": "State"}})
    assert top(answers["q0"])["id"] == top(answers["q1"])["id"] == EGY


@pytest.mark.parametrize("name,expected", [
    ("مصر", EGY), ("عملية كولومبو", COLOMBO), ("عمليّة كولومبو", COLOMBO), ("عمليه كولومبو", COLOMBO),
    ("الفلبين", ID + "state/phl"),          # the data writes الفلبّين with a shadda
    ("الجماعة الاقتصادية لدول غرب افريقيا", ID + "body/ecowas"),      # alef without hamza
])
def test_arabic_names(site, name, expected):
    best = top(batch(site, {"q0": {"query": name}})["q0"])
    assert best["id"] == expected and best["match"] and best["score"] == 100


def test_property_constraints(site):
    answers = batch(site, {
        "only": {"properties": [{"pid": "alpha2", "v": "ma"}]},
        "numeric": {"properties": [{"pid": "numericCode", "v": 818}]},
        "contradicted": {"query": "Egypt", "properties": [{"pid": "alpha3", "v": "TUN"}]},
        "iri_pid": {"query": "Egypt", "properties": [{"pid": ONT + "alpha3", "v": ["EGY", "XXX"]}]},
    })
    assert top(answers["only"])["id"] == ID + "state/mar" and top(answers["only"])["match"]
    assert top(answers["numeric"])["id"] == EGY
    # an exact name whose code says otherwise is no match
    assert not any(r["match"] for r in answers["contradicted"]["result"])
    assert {r["id"]: r["score"] for r in answers["contradicted"]["result"]}[EGY] == 50
    assert top(answers["iri_pid"])["id"] == EGY and top(answers["iri_pid"])["match"]


def test_ambiguous_names_are_never_matched(site):
    best = batch(site, {"q0": {"query": "AU"}})["q0"]["result"]
    assert {r["id"] for r in best[:2]} == {ID + "body/au", ID + "state/aus"}
    assert not any(r["match"] for r in best)


# --- suggest ------------------------------------------------------------------------------------------------

def test_suggest_entities(site):
    body = site.get("/reconcile/suggest/entity", params={"prefix": "colom"}).json()
    validate(body, "suggest-entities-response.json")
    assert body["result"][0]["id"] == COLOMBO
    assert {"id": ONT + "RegionalConsultativeProcess"}.items() <= body["result"][0]["notable"][0].items()
    arabic = site.get("/reconcile/suggest/entity", params={"prefix": "كولو"}).json()
    validate(arabic, "suggest-entities-response.json")
    # Colombia (كولومبيا) and the Colombo Process (عملية كولومبو: a word of its name)
    assert [r["id"] for r in arabic["result"][:2]] == [ID + "state/col", COLOMBO]
    assert site.get("/reconcile/suggest/entity", params={"prefix": "عملية كولو"}).json()["result"][0]["id"] == COLOMBO
    typed = site.get("/reconcile/suggest/entity", params={"prefix": "Aus", "type": ONT + "Region"}).json()
    validate(typed, "suggest-entities-response.json")
    assert [r["id"] for r in typed["result"]] == [ID + "region/australia", ID + "region/europe-australia-americas"]
    paged = site.get("/reconcile/suggest/entity", params={"prefix": "a", "cursor": 2, "limit": 3}).json()
    first = site.get("/reconcile/suggest/entity", params={"prefix": "a", "limit": 5}).json()
    assert paged["result"] == first["result"][2:5]


def test_suggest_types_and_properties(site):
    types = site.get("/reconcile/suggest/type", params={"prefix": "sta"}).json()
    validate(types, "suggest-types-response.json")
    assert ONT + "State" in [t["id"] for t in types["result"]]
    arabic = site.get("/reconcile/suggest/type", params={"prefix": "دولة"}).json()
    assert ONT + "State" in [t["id"] for t in arabic["result"]]
    props = site.get("/reconcile/suggest/property", params={"prefix": "iso"}).json()
    validate(props, "suggest-properties-response.json")
    assert [p["id"] for p in props["result"]] == ["alpha2", "alpha3", "numericCode"]


def test_preview_in_arabic(site):
    # by Accept-Language: `?lang=ar` would leave a cookie in the test client the session shares
    resp = site.get("/reconcile/preview", params={"id": COLOMBO}, headers={"Accept-Language": "ar"})
    page = parse_html(resp.text)
    assert resp.status_code == 200 and page.html_attrs == {"lang": "ar", "dir": "rtl"}
    # the Arabic name first (the title), the English one after it
    full = " ".join(page.text)
    assert full.index("عملية كولومبو") < full.index(
        "Regional Consultative Process on Overseas Employment and Contractual Labour for Countries of Origin in Asia")


# --- bad input ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("queries,message", [
    ("{not json", "queries: not JSON"),
    ("[1, 2]", "queries: a JSON object"),
    ('{"q0": "Egypt"}', "queries.q0: a JSON object"),
    ('{"q0": {"query": 7}}', "queries.q0.query: a string"),
    ('{"q0": {"query": "x", "colour": "red"}}', "queries.q0: unknown field(s) colour"),
    ('{"q0": {"query": "x", "limit": 0}}', "queries.q0.limit"),
    ('{"q0": {"query": "x", "type": "Planet"}}', "queries.q0.type: unknown type 'Planet'"),
    ('{"q0": {"query": "x", "type_strict": "maybe"}}', "queries.q0.type_strict"),
    ('{"q0": {"query": "x", "properties": [{"pid": "colour", "v": "red"}]}}', "unknown property 'colour'"),
    ('{"q0": {"query": "x", "properties": [{"v": "red"}]}}', "queries.q0.properties[0]: an object with pid and v"),
    ('{"q0": {"query": " "}}', "give a query text or at least one property"),
])
def test_bad_batches_are_400_with_the_place(site, queries, message):
    resp = site.post("/reconcile", data={"queries": queries}, headers=JSON_ACCEPT)
    assert resp.status_code == 400, resp.text
    assert message in resp.json()["error"]["message"]


def test_other_bad_requests(site):
    assert site.get("/reconcile/suggest/entity", headers=JSON_ACCEPT).status_code == 400
    resp = site.get("/reconcile/suggest/entity", params={"prefix": "a", "cursor": "x"}, headers=JSON_ACCEPT)
    assert resp.status_code == 400 and "cursor" in resp.json()["error"]["message"]
    resp = site.get("/reconcile/preview", params={"id": ID + "state/zzz"}, headers=JSON_ACCEPT)
    assert resp.status_code == 404 and "no entity" in resp.json()["error"]["message"]
    resp = site.post("/reconcile", data={"extend": "{}"}, headers=JSON_ACCEPT)
    assert resp.status_code == 400 and "data extension" in resp.json()["error"]["message"]


# --- over real HTTP ------------------------------------------------------------------------------------------

def test_over_http_with_cors(server):
    origin = {"Origin": "https://openrefine.example"}
    with urllib.request.urlopen(urllib.request.Request(server + "/reconcile", headers=origin), timeout=30) as r:
        assert r.headers["Access-Control-Allow-Origin"] == "*"
        manifest = json.load(r)
    validate(manifest, "manifest.json")
    assert manifest["preview"]["url"].startswith(server)
    queries = {f"q{i}": {"query": name, "type": ONT + kind} for i, (name, kind, *_rest) in enumerate(SHEET)}
    data = urllib.parse.urlencode({"queries": json.dumps(queries)}).encode()
    request = urllib.request.Request(server + "/reconcile", data=data, headers=origin)    # a form POST
    with urllib.request.urlopen(request, timeout=60) as r:
        assert r.headers["Access-Control-Allow-Origin"] == "*"
        answers = json.load(r)
    validate(answers, "reconciliation-result-batch.json")
    assert top(answers["q0"])["id"] == EGY and top(answers["q6"])["id"] == COLOMBO
    preflight = urllib.request.Request(server + "/reconcile", method="OPTIONS",
                                       headers={**origin, "Access-Control-Request-Method": "POST"})
    with urllib.request.urlopen(preflight, timeout=30) as r:
        assert r.status in (200, 204) and "POST" in r.headers["Access-Control-Allow-Methods"]
