"""SPARQL 1.1 Protocol at /sparql: queries by GET, form POST and direct POST; updates refused."""
from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template, request

from iscm_graph.errors import QueryError
from iscm_graph.namespaces import PREFIXES
from iscm_graph.query.evaluate import evaluate
from iscm_graph.query.fairness import client_key
from iscm_graph.query.guard import check_graph_name, check_query
from iscm_graph.rdf.formats import (FORM, GRAPH_FORMATS, HTML, SPARQL_QUERY, SPARQL_UPDATE, choose, content_type,
                                     query_media_types)
from iscm_graph.web.common import build, public_base
from iscm_graph.web.errors import error_response
from iscm_graph.web.service import service_description

bp = Blueprint("sparql", __name__)
_UPDATE_REFUSED = "this endpoint is read-only: SPARQL updates are not accepted"


def _body_text() -> str:
    charset = (request.mimetype_params.get("charset") or "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise QueryError(f"the query must be sent as UTF-8, not {charset}")
    try:
        return request.get_data(cache=False).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise QueryError(f"the query body is not valid UTF-8 (byte {exc.start})") from None


def _single(values: list[str], name: str) -> str | None:
    if len(values) > 1:
        raise QueryError(f"exactly one {name} parameter is allowed, {len(values)} were given")
    return values[0] if values else None


def _read_request():
    """(query text or None, default graphs, named graphs) per the protocol; raises on bad requests."""
    args = request.args
    defaults, named = args.getlist("default-graph-uri"), args.getlist("named-graph-uri")
    if request.method == "GET":
        if "update" in args:
            return None, None, None
        return _single(args.getlist("query"), "query"), defaults, named
    kind = request.mimetype
    if kind == FORM:
        form = request.form
        if "update" in form:
            return None, None, None
        defaults += form.getlist("default-graph-uri")
        named += form.getlist("named-graph-uri")
        query = _single(form.getlist("query") + args.getlist("query"), "query")
        if query is None:
            raise QueryError("no query: send query=... in the form body")
        return query, defaults, named
    if kind == SPARQL_QUERY:
        return _body_text(), defaults, named
    if kind == SPARQL_UPDATE:
        return None, None, None
    raise _Unsupported(kind)


class _Unsupported(Exception):
    pass


@bp.route("/sparql", methods=["GET", "POST", "OPTIONS"], strict_slashes=False)
@bp.route("/sparql/", methods=["GET", "POST", "OPTIONS"])
def endpoint():
    return answer(None)


def answer(release_build):
    """The protocol over the current build, or over an older release's (`release_build`, a loaded
    build): its queries go to the same query processes, naming the release's folder."""
    if request.method == "OPTIONS":
        return Response(status=204)
    try:
        query, defaults, named = _read_request()
    except _Unsupported as exc:
        return error_response(415, f"unsupported media type {exc.args[0] or '(none)'}: use "
                                   f"{FORM} or {SPARQL_QUERY}")
    if defaults is None:
        return error_response(403 if request.method == "POST" else 400, _UPDATE_REFUSED)
    if query is None:
        if "query" not in request.args and request.method == "GET":
            return _describe_service(release_build)
        raise QueryError("no query given")
    check_query(query, PREFIXES)
    for name in defaults:
        check_graph_name(name, "default-graph-uri")
    for name in named:
        check_graph_name(name, "named-graph-uri")
    current = build()
    loaded = release_build or current
    explicit = request.values.get("format")
    job = {"query": query, "default_graphs": defaults, "named_graphs": named,
           "base_iri": public_base() + "/sparql", "max_rows": current_app.extensions["iscm"].settings.max_rows,
           **query_media_types(request.accept_mimetypes, explicit)}
    if loaded.path != current.path:
        job["build_folder"] = str(loaded.path)      # the query process opens the release's store
    pool = current_app.extensions.get("iscm-queries")
    with current_app.extensions["iscm-slots"].hold(_client()):
        if pool is not None and loaded.store_kind == "embedded":
            # in a query process, which can be stopped at the time limit
            header, body = pool.run(current.path, job)
        else:
            # an external store keeps its own time limit; without a pool (an app embedded elsewhere)
            # the query runs here, on the same evaluation path with the same row limit
            header, body = evaluate(loaded.store, job)
    if header["status"] != 200:
        return error_response(header["status"], header["message"])
    return Response(body, content_type=content_type(header["content_type"]), headers={"Vary": "Accept"})


def _client() -> str:
    settings = current_app.extensions["iscm"].settings
    return client_key(request.remote_addr, request.headers.getlist("X-Forwarded-For"), settings.trusted_proxies)


def _describe_service(release_build=None) -> Response:
    loaded = release_build or build()
    offered = [HTML] + [f.media_type for f in GRAPH_FORMATS if not f.quads]
    mt = choose(request.accept_mimetypes, offered, request.args.get("format"))
    if mt is None:
        return error_response(406, "offered: " + ", ".join(offered))
    if mt == HTML:
        return _editor_page(loaded)
    from iscm_graph.rdf.serialize import serialize
    graph = service_description(loaded, public_base())
    body = serialize(graph, mt, loaded.context, public_base() + "/context.jsonld")
    return Response(body, mimetype=mt, headers={"Vary": "Accept"})


DEFAULT_QUERY = """SELECT ?mechanism ?label ?year WHERE {
  ?mechanism a iscm:RegionalConsultativeProcess ;
             skos:prefLabel ?label ;
             iscm:foundingYear ?year .
  FILTER (LANG(?label) = "en")
} ORDER BY ?year
"""


def _editor_page(loaded) -> Response:
    from iscm_graph.namespaces import PREFIXES
    examples = loaded.queries
    prefix_lines = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in sorted(PREFIXES.items())
                           if p in ("iscm", "skos", "rdfs", "xsd", "mech", "state", "org", "prov", "dcterms"))
    texts = {name: q.text for name, q in examples.items()}
    texts["__prefixes__"] = prefix_lines
    texts["__default__"] = DEFAULT_QUERY
    return Response(render_template("query.html", examples=examples, example_texts=texts, build=loaded,
                                    # the endpoint asked (an older release's is /releases/{version}/sparql)
                                    endpoint=public_base() + request.path.rstrip("/"),
                                    default_query=prefix_lines + DEFAULT_QUERY),
                    mimetype=HTML)

