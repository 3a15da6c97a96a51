"""Pushing a build into an external triple store with the SPARQL 1.1 Graph Store HTTP Protocol.

Each named graph is PUT (a re-run replaces it rather than adding to it); so is the union of all
graphs, as graph/union, which a server reading from that store uses as its default graph (a set,
as the embedded store's is). Then every count is checked with SPARQL on the target; nothing is
reported as done that was not verified.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import requests

from iscm_graph.build_folder import DATASET, read_manifest
from iscm_graph.errors import IscmError
from iscm_graph.namespaces import UNION_GRAPH
from iscm_graph.rdf.formats import graph_format, result_format

_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


@dataclass
class Published:
    graph: str
    expected: int
    found: int


def _graphs(build: Path) -> dict[str, list]:
    graphs: dict[str, list] = {}
    union: set = set()
    with (build / DATASET).open("rb") as fh:
        for q in ox.parse(fh, format=ox.RdfFormat.N_QUADS):
            triple = ox.Triple(q.subject, q.predicate, q.object)
            graphs.setdefault(q.graph_name.value, []).append(triple)
            union.add(triple)
    graphs[UNION_GRAPH] = sorted(union, key=str)
    return graphs


def _request(method: str, url: str, auth, **kwargs) -> requests.Response:
    try:
        resp = requests.request(method, url, auth=auth, timeout=120, **kwargs)
    except requests.ConnectionError:
        raise IscmError(f"cannot reach the store at {url.split('?')[0]}: connection refused or no route") from None
    except requests.Timeout:
        raise IscmError(f"the store at {url.split('?')[0]} did not answer within 120 s") from None
    if resp.status_code in (401, 403):
        raise IscmError(f"the store refused the credentials ({resp.status_code} {resp.reason}) at {url.split('?')[0]}")
    if resp.status_code >= 400:
        raise IscmError(f"the store answered {resp.status_code} {resp.reason} for {method} {url.split('?')[0]}: "
                        f"{resp.text[:300]}")
    return resp


def count_in_store(endpoint: str, graph: str, auth=None) -> int:
    resp = _request("POST", endpoint, auth, data={"query": _COUNT.replace("?g", f"<{graph}>", 1)},
                    headers={"Accept": result_format("xml").media_type})
    results = ox.parse_query_results(resp.content, format=ox.QueryResultsFormat.XML)
    return int(next(iter(results))["n"].value)


def publish(build: Path, endpoint: str, graph_store: str | None = None, user: str | None = None,
            password: str | None = None, progress=lambda msg: None) -> list[Published]:
    manifest = read_manifest(build)
    store = graph_store or endpoint.rstrip("/") + "-graph-crud" + ("-auth" if user else "")
    auth = requests.auth.HTTPDigestAuth(user, password or "") if user else None
    graphs = _graphs(build)
    for name, triples in graphs.items():
        body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
        _request("PUT", store, auth, params={"graph": name}, data=body,
                 headers={"Content-Type": graph_format("nt").media_type})
        progress(f"PUT {name}: {len(triples)} triples")
    results = []
    for name, triples in graphs.items():
        # graph names are IRIs from our own build, validated by the N-Quads parser above
        results.append(Published(name, len(triples), count_in_store(endpoint, name, auth)))
    wrong = [r for r in results if r.expected != r.found]
    if wrong:
        raise IscmError("the store does not hold what was sent: " + "; ".join(
            f"{r.graph}: sent {r.expected}, found {r.found}" for r in wrong))
    if set(manifest["graphs"]) - set(graphs):
        raise IscmError("the build's manifest names graphs its dataset does not hold")
    return results
