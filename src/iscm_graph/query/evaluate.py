"""One query, evaluated and serialised: the protocol's dataset options, the row limit (counted before
anything is written, so an over-long result is refused, never cut) and the media type the web
worker chose. The one path for every /sparql query: a query process runs it on the embedded store,
the web process on a remote one. Errors come back as a status and a message, never a traceback."""
from __future__ import annotations

import itertools
import json

import pyoxigraph as ox

from iscm_graph.errors import QueryError
from iscm_graph.rdf.formats import BOOLEAN_TYPES, GRAPH_TYPES, RESULT_TYPES, by_media_type


def _term_json(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            out["datatype"] = term.datatype.value
        return out
    return {"type": "triple", "value": {"subject": _term_json(term.subject),
                                         "predicate": _term_json(term.predicate),
                                         "object": _term_json(term.object)}}


def _results_json(names: list[str], rows: list) -> bytes:
    """SPARQL 1.1 Query Results JSON of the rows. A term's JSON is written once per answer and reused
    (the same IRIs and labels recur row after row), and the rows are joined as text, instead of a dict
    per binding encoded as one tree (6% off the in-process time of the benchmark's query mix)."""
    keys = [json.dumps(n, ensure_ascii=False) + ":" for n in names]
    memo: dict = {}
    out = []
    for row in rows:
        parts = []
        for i, key in enumerate(keys):
            term = row[i]
            if term is None:
                continue
            text = memo.get(term)
            if text is None:
                text = memo[term] = json.dumps(_term_json(term), ensure_ascii=False)
            parts.append(key + text)
        out.append("{" + ",".join(parts) + "}")
    return ('{"head":{"vars":' + json.dumps(names, ensure_ascii=False) + '},"results":{"bindings":['
            + ",".join(out) + "]}}").encode("utf-8")


def _too_many(max_rows: int, what: str) -> tuple[dict, bytes]:
    return {"status": 422, "message": f"the result has more than {max_rows} {what} (the max_rows limit): "
                                      "add LIMIT and OFFSET to page through it, or download the dump "
                                      "from /download/dataset.nq.gz"}, b""


def evaluate(store, request: dict) -> tuple[dict, bytes]:
    """Run one query as the protocol asks, on any store of the store interface (the embedded one in
    a query process, a remote one in the web process); return a reply header and the serialised
    body. `request` holds the query, the dataset (`default_graphs`, `named_graphs`), `base_iri`,
    `max_rows` and the media types chosen for each query form: SELECT (`results_type`), ASK
    (`boolean_type`, else `results_type`) and graphs (`graph_type`)."""
    max_rows = request["max_rows"]
    try:
        results = store.query(request["query"], default_graphs=request.get("default_graphs") or None,
                              named_graphs=request.get("named_graphs") or None, base_iri=request.get("base_iri"))
        if isinstance(results, (ox.QueryTriples, list)):
            media_type = request.get("graph_type")
            if media_type is None:
                return {"status": 406, "message": "no acceptable RDF format; offered: " + ", ".join(GRAPH_TYPES)}, b""
            triples = list(itertools.islice(results, max_rows + 1))
            if len(triples) > max_rows:
                return _too_many(max_rows, "triples")
            fmt = by_media_type(media_type)
            if fmt.quads:
                triples = [ox.Quad(t.subject, t.predicate, t.object) for t in triples]
            return {"status": 200, "content_type": media_type}, ox.serialize(triples, format=fmt.engine)
        if isinstance(results, ox.QueryBoolean):
            media_type = request.get("boolean_type", request.get("results_type"))
            if media_type is None:
                return {"status": 406, "message": "no acceptable result format; offered: " + ", ".join(BOOLEAN_TYPES)}, b""
            return {"status": 200, "content_type": media_type}, results.serialize(format=by_media_type(media_type).engine)
        media_type = request.get("results_type")
        if media_type is None:
            return {"status": 406, "message": "no acceptable result format; offered: " + ", ".join(RESULT_TYPES)}, b""
        writer = by_media_type(media_type).engine
        # Rows are counted before anything is written, so an over-long result is refused, never cut.
        names = [v.value for v in results.variables]
        rows = list(itertools.islice(results, max_rows + 1))
        if len(rows) > max_rows:
            return _too_many(max_rows, "rows")
        body = _results_json(names, rows)
        if writer != ox.QueryResultsFormat.JSON:
            body = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON).serialize(format=writer)
        return {"status": 200, "content_type": media_type}, body
    except QueryError as exc:
        return {"status": 400, "message": str(exc)}, b""
    except SyntaxError as exc:
        return {"status": 400, "message": f"SPARQL syntax error: {exc}"}, b""
    except (OSError, ValueError, RuntimeError, TypeError) as exc:
        return {"status": 400, "message": f"query failed: {exc}"}, b""
