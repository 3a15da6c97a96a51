"""One error shape for every route: JSON for clients that take JSON, plain text otherwise."""
from __future__ import annotations

from flask import Response, json, request
from werkzeug.exceptions import HTTPException

from iscm_graph.errors import IscmError, LimitError, NoBuildError, QueryError
from iscm_graph.rdf.formats import JSON, TEXT


def error_response(status: int, message: str, headers: dict | None = None) -> Response:
    accept = request.accept_mimetypes
    wants_json = accept.best_match([TEXT, JSON]) == JSON and accept[JSON] > accept[TEXT]
    if wants_json:
        body = json.dumps({"error": {"status": status, "message": message}})
        resp = Response(body, status=status, mimetype=JSON)
    else:
        resp = Response(f"{status} {message}\n", status=status, mimetype=TEXT)
    for k, v in (headers or {}).items():
        resp.headers[k] = v
    return resp


def register(app) -> None:
    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        headers = {}
        if exc.code == 405 and getattr(exc, "valid_methods", None):
            headers["Allow"] = ", ".join(exc.valid_methods)
        return error_response(exc.code or 500, exc.description or exc.name, headers)

    @app.errorhandler(QueryError)
    def query_error(exc: QueryError):
        return error_response(400, str(exc))

    @app.errorhandler(LimitError)
    def limit_error(exc: LimitError):
        headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after else {}
        if exc.status in (413, 414):
            headers["Connection"] = "close"     # the rest of an oversized request is not read
        return error_response(exc.status, str(exc), headers)

    @app.errorhandler(NoBuildError)
    def no_build(exc: NoBuildError):
        return error_response(503, str(exc), {"Retry-After": "30"})

    @app.errorhandler(IscmError)
    def iscm_error(exc: IscmError):
        return error_response(400, str(exc))
