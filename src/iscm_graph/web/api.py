"""Every catalogue query (queries/*.rq) as GET /api/{name}, described by an OpenAPI 3 document."""
from __future__ import annotations

import csv
import io
import json

from flask import Blueprint, Response, abort, render_template, request

from iscm_graph.errors import QueryError
from iscm_graph.query.catalogue import PARAM_KINDS
from iscm_graph.rdf.formats import CSV, JSON, TEXT, choose, content_type
from iscm_graph.web.common import build, public_base
from iscm_graph.web.errors import error_response

bp = Blueprint("api", __name__)
# an iri parameter takes a name, code, slug or Wikidata id as well as a full IRI: not `format: uri`
_SCHEMAS = {"iri": {"type": "string", "minLength": 1}, "string": {"type": "string"},
            "integer": {"type": "integer"}, "date": {"type": "string", "format": "date"},
            "year": {"type": "string", "pattern": "^[0-9]{4}$"}}
_ERROR = {"type": "object", "required": ["error"], "properties": {"error": {
    "type": "object", "required": ["status", "message"],
    "properties": {"status": {"type": "integer"}, "message": {"type": "string"},
                   # when a name is ambiguous (all it names) or unknown (the nearest names)
                   "candidates": {"type": "array", "items": {"type": "object", "required": ["iri", "label", "kind"],
                                  "properties": {"iri": {"type": "string"}, "label": {"type": "string"},
                                                 "kind": {"type": "string"}}}}}}}}
_IRI_HELP = ("a full IRI, or a name (English or Arabic), acronym, ISO 3166-1 code (alpha-2, alpha-3, numeric), "
             "slug or Wikidata id (Q79) naming one resource")
_RESULT = {"type": "object", "required": ["query", "columns", "rows"], "properties": {
    "query": {"type": "string"}, "summary": {"type": "string"},
    "parameters": {"type": "object", "additionalProperties": {"type": "string"}},
    "columns": {"type": "array", "items": {"type": "string"}},
    "rows": {"type": "array", "items": {"type": "object",
                                       "additionalProperties": {"type": "string", "nullable": True}}}}}


def _catalogue():
    return build().queries


def openapi_document(queries, base: str) -> dict:
    paths = {}
    for name, q in queries.items():
        params = [{"name": p.name, "in": "query", "required": p.default is None,
                   "schema": {**_SCHEMAS[p.type], **({"default": p.default} if p.default else {})},
                   "description": (_IRI_HELP + (f" (a {PARAM_KINDS[p.name]})" if p.name in PARAM_KINDS else "")
                                   if p.type == "iri" else p.type)
                                  + (f", default {p.default}" if p.default else "")}
                  for p in q.params]
        params.append({"name": "format", "in": "query", "required": False,
                       "schema": {"type": "string", "enum": ["json", "csv"], "default": "json"}})
        paths[f"/api/{name}"] = {"get": {
            "operationId": name.replace("-", "_"), "summary": q.summary, "parameters": params,
            "responses": {
                "200": {"description": "the answer", "content": {
                    JSON: {"schema": _RESULT}, CSV: {"schema": {"type": "string"}}}},
                "400": {"description": "a missing or ill-typed parameter, or a name naming no resource or "
                                       "several (the error lists candidates)",
                        "content": {JSON: {"schema": _ERROR}, TEXT: {"schema": {"type": "string"}}}},
                "406": {"description": "no acceptable format",
                        "content": {JSON: {"schema": _ERROR}, TEXT: {"schema": {"type": "string"}}}},
            }}}
    return {"openapi": "3.0.3",
            "info": {"title": "ISCM knowledge graph: query API", "version": "1.0.0",
                     "description": "The competency questions of the ISCM graph as REST calls. Parameters are "
                                    "bound as RDF terms, never pasted into the query."},
            "servers": [{"url": base}], "paths": paths}


@bp.route("/api/openapi.json")
def openapi():
    return Response(json.dumps(openapi_document(_catalogue(), public_base()), indent=1),
                    mimetype=JSON)


@bp.route("/api")
def index():
    return render_template("api.html", queries=_catalogue(), base=public_base(), build=build())


def _text(term) -> str | None:
    """A result term as a plain string; blank nodes keep their `_:` so they are not taken for text."""
    import pyoxigraph as ox
    if term is None:
        return None
    return "_:" + term.value if isinstance(term, ox.BlankNode) else term.value


@bp.route("/api/<name>")
def run(name: str):
    queries = _catalogue()
    if name not in queries:
        abort(404, f"no query {name!r}; see /api")
    q = queries[name]
    values = {k: v for k, v in request.args.items() if k != "format"}
    loaded = build()
    # QueryError (400) for unknown, missing or ill-typed values; ResolveError lists candidates
    bindings = q.bind(values, loaded.resolver())
    fmt = request.args.get("format")
    if fmt is None:
        best = choose(request.accept_mimetypes, [JSON, CSV])      # none given: JSON
        fmt = {CSV: "csv", JSON: "json", None: None}[best]
        if fmt is None:
            return error_response(406, f"offered: {JSON}, {CSV}")
    if fmt not in ("json", "csv"):
        raise QueryError(f"format must be json or csv, not {fmt!r}")
    results = loaded.store.query(q.text, bindings)
    columns = [v.value for v in results.variables]
    rows = [{c: _text(row[c]) for c in columns} for row in results]
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return Response(out.getvalue(), content_type=content_type(CSV))
    body = {"query": name, "summary": q.summary, "parameters": {k: str(v) for k, v in bindings.items()},
            "columns": columns, "rows": rows}
    return Response(json.dumps(body, ensure_ascii=False), mimetype=JSON)
