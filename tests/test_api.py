"""The query API: every catalogue query as GET /api/{name}, typed parameters, OpenAPI, fuzzed."""
from __future__ import annotations

import csv
import io
import os
from pathlib import Path


from conftest import REPO
from iscm_graph.query.catalogue import catalogue

QUERIES = catalogue(REPO / "queries")


def test_openapi_lists_every_query(site):
    doc = site.get("/api/openapi.json", timeout=30).json()
    assert doc["openapi"].startswith("3.")
    assert {p.removeprefix("/api/") for p in doc["paths"]} == set(QUERIES)
    members_of = doc["paths"]["/api/members-of"]["get"]
    assert [p["name"] for p in members_of["parameters"]] == ["organization", "format"]
    # an iri parameter takes names, codes and slugs too, and says so
    organization = members_of["parameters"][0]
    assert organization["schema"] == {"type": "string", "minLength": 1, "default": QUERIES["members-of"].params[0].default}
    assert "ISO 3166-1" in organization["description"] and "full IRI" in organization["description"]


def test_api_json_and_csv(site):
    url = "/api/members-of"
    params = {"organization": "https://w3id.org/iscm/id/mechanism/colombo-process"}
    data = site.get(url, params=params, timeout=30).json()
    members = [r for r in data["rows"] if r["role"] == "member"]
    assert len(members) == 12 and data["columns"][0] == "organization"
    text = site.get(url, params={**params, "format": "csv"}, timeout=30).text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len([r for r in rows if r["role"] == "member"]) == 12
    via_accept = site.get(url, params=params, headers={"Accept": "text/csv"}, timeout=30)
    assert via_accept.headers["Content-Type"].startswith("text/csv")


def test_api_defaults_and_bad_parameters(site):
    assert len(site.get("/api/members-as-of", timeout=30).json()["rows"]) == 15   # ECOWAS, 2024-06-01
    for params, message in [({"date": "yesterday"}, "not a valid date"), ({"organization": "not an iri"}, "nothing is named 'not an iri'"),
                            ({"nope": "1"}, "no parameter"), ({"format": "xml"}, "format must be")]:
        resp = site.get("/api/members-as-of", params=params, headers={"Accept": "application/json"}, timeout=30)
        assert resp.status_code == 400 and message in resp.json()["error"]["message"], params
    assert site.get("/api/no-such-query", timeout=30).status_code == 404


def test_api_values_are_bound_not_pasted(site):
    # a value that would change the query if it were pasted into the text names nothing; an IRI the
    # dataset does not have is refused by name rather than answered with no rows
    evil = "https://w3id.org/iscm/id/x> } UNION { ?m ?p ?o"
    resp = site.get("/api/members-of", params={"organization": evil}, headers={"Accept": "application/json"})
    assert resp.status_code == 400 and "nothing is named" in resp.json()["error"]["message"]
    harmless = "https://w3id.org/iscm/id/mechanism/none"
    resp = site.get("/api/members-of", params={"organization": harmless}, headers={"Accept": "application/json"})
    assert resp.status_code == 400 and "no resource <" + harmless + ">" in resp.json()["error"]["message"]


def test_api_human_page(site):
    page = site.get("/api", timeout=30).text
    assert "/api/openapi.json" in page and all(f"/api/{name}" in page for name in QUERIES)


def test_schemathesis(server, tmp_path):
    """Schemathesis calls every operation with generated valid and invalid inputs: no server error,
    every status code and body as the OpenAPI document says."""
    import shutil
    import subprocess
    import sys

    cli = shutil.which("schemathesis") or str(Path(sys.executable).parent / "schemathesis")
    # Every check but "schema-valid data is accepted": an iri parameter takes any name, and a well-formed
    # name may name nothing in the dataset, which is answered 400 with the nearest names (documented).
    out = subprocess.run([cli, "run", server + "/api/openapi.json", "--checks", "all",
                          "--exclude-checks", "positive_data_acceptance", "--max-examples", "30",
                          "--seed", "1", "--report", "junit", "--report-dir", str(tmp_path)],
                         capture_output=True, text=True, timeout=900, env={**os.environ, "NO_COLOR": "1"})
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]
