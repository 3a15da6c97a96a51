"""Checks every request passes before any view or the cache sees it: the URL length limit, the body
limit (413 before the body is read), and well-formed percent-encoding and UTF-8 in the path, the
query string and form bodies (werkzeug would otherwise replace bad bytes silently)."""
from __future__ import annotations

import io
import re
from urllib.parse import unquote_to_bytes

from flask import request

from iscm_graph.errors import LimitError
from iscm_graph.rdf.formats import FORM

_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


def check_encoded(text: str, where: str) -> None:
    """Raise LimitError(400) unless `text` is well-formed percent-encoded UTF-8."""
    bad = _BAD_PERCENT.search(text)
    if bad:
        raise LimitError(400, f"malformed percent-encoding in the {where} at character {bad.start() + 1}: "
                              f"{text[bad.start():bad.start() + 3]!r} is not % followed by two hex digits")
    raw = unquote_to_bytes(text.replace("+", " "))
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LimitError(400, f"the {where} is not valid UTF-8 once percent-decoded (byte {exc.start + 1})") from None


def register(app) -> None:
    settings = app.extensions["iscm"].settings
    # werkzeug enforces this while reading, so a chunked body (no Content-Length) stops at the limit too
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body

    @app.before_request
    def check_request():
        environ = request.environ
        target = environ.get("RAW_URI") or environ.get("REQUEST_URI") or request.full_path
        if len(target) > settings.max_url:
            raise LimitError(414, f"the request URL has {len(target)} characters, more than the "
                                  f"{settings.max_url} allowed (setting max_url): send long queries by POST")
        length = request.content_length
        if length is not None and length > settings.max_body:
            raise LimitError(413, f"the request body has {length} bytes, more than the {settings.max_body} "
                                  "allowed (setting max_body)")
        if length is None and environ.get("wsgi.input_terminated"):
            # A chunked body has no length up front: read at most one byte past the limit, then
            # refuse, or hand the body on with its length known (werkzeug would silently cut it).
            data = environ["wsgi.input"].read(settings.max_body + 1)
            if len(data) > settings.max_body:
                raise LimitError(413, f"the request body is longer than the {settings.max_body} bytes "
                                      "allowed (setting max_body)")
            environ["wsgi.input"] = io.BytesIO(data)
            environ["CONTENT_LENGTH"] = str(len(data))
            environ.pop("wsgi.input_terminated")
        try:
            environ.get("PATH_INFO", "").encode("latin-1").decode("utf-8")
        except UnicodeError:
            raise LimitError(400, "the request path is not valid UTF-8") from None
        path = target.split("?", 1)[0]
        check_encoded(path, "request path")
        check_encoded(environ.get("QUERY_STRING", ""), "query string")
        if request.method == "POST" and request.mimetype == FORM:
            check_encoded(request.get_data(cache=True).decode("latin-1"), "form body")
