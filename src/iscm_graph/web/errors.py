"""One error shape for every route: a page in the reader's language for browsers (clients that prefer
HTML to both JSON and plain text), JSON for clients that take JSON, plain text otherwise."""
from __future__ import annotations

from flask import Response, json, render_template, request
from werkzeug.exceptions import HTTPException

from iscm_graph.errors import IscmError, LimitError, NoBuildError, QueryError
from iscm_graph.rdf.formats import HTML, JSON, TEXT
from iscm_graph.reports.resolve import ResolveError


def prefers_html(accept) -> bool:
    """A browser: HTML named and preferred to JSON and plain text (`*/*` or no Accept is not)."""
    return accept[HTML] > accept[TEXT] and accept[HTML] > accept[JSON]


def error_page(status: int, message: str) -> Response | None:
    """The error as a page in the reader's language; None if the page itself fails."""
    try:
        body = render_template("error.html", status=status, message=message)
    except Exception:   # an error page must never fail: the plain shape is answered instead
        return None
    resp = Response(body, status=status, mimetype=HTML)
    resp.vary.add("Accept")
    return resp


def error_response(status: int, message: str, headers: dict | None = None, extra: dict | None = None) -> Response:
    """`extra` joins the JSON error object (e.g. the candidates of an ambiguous name)."""
    accept = request.accept_mimetypes
    wants_json = accept.best_match([TEXT, JSON]) == JSON and accept[JSON] > accept[TEXT]
    page = error_page(status, message) if prefers_html(accept) else None
    if page is not None:
        resp = page
    elif wants_json:
        body = json.dumps({"error": {"status": status, "message": message, **(extra or {})}}, ensure_ascii=False)
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

    @app.errorhandler(ResolveError)
    def resolve_error(exc: ResolveError):
        return error_response(400, str(exc), extra={"candidates": exc.candidates})

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
