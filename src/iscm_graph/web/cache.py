"""A per-process response cache for what a build makes static: a response is kept under the build, method,
scheme and host, path with query string, body, Accept, Content-Type, Accept-Language and the `lang`
cookie, so a repeated request (the same document, the same query) is answered from memory. A new build
changes the key, so nothing stale is served.

Hits are answered by a WSGI middleware in front of Flask: a cached answer costs a dictionary lookup and
one lstat of the `current` link, not a request context. Only answers that were 200 for exactly the same
request are kept, so the request checks (web/limits.py) have already passed for them; and the cache sits
behind those checks: a request over the URL or body limit is never looked up, so its body is never read
here (the limits answer 413 or 414 without reading it). Conditional requests (If-None-Match) go through
Flask, which answers 304."""
from __future__ import annotations

import io
import os
import threading
from collections import OrderedDict
from pathlib import Path

from flask import current_app, request

from iscm_graph.web.i18n import cookie_language

MAX_BYTES = 64 * 1024 * 1024      # per worker process
MAX_ENTRY = 2 * 1024 * 1024       # bigger answers (dumps, whole graphs) are not kept
CACHED_PREFIXES = ("/sparql", "/doc/", "/api/", "/browse", "/search", "/charts", "/graph/", "/ontology",
                   "/shapes", "/.well-known/", "/context.jsonld", "/source/", "/sitemap.xml", "/robots.txt",
                   "/untranslated", "/maps", "/timeline", "/overlap", "/compare",
                   # dumps up to MAX_ENTRY: from memory, with no request context (bigger ones are sent by sendfile)
                   "/download/")
_KEY = "iscm.cache_key"


class ResponseCache:
    def __init__(self):
        self._items: OrderedDict = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            item = self._items.get(key)
            if item is not None:
                self._items.move_to_end(key)
            return item

    def put(self, key, item, size: int):
        with self._lock:
            if key in self._items:
                return
            self._items[key] = item
            self._bytes += size
            while self._bytes > MAX_BYTES and self._items:
                _, item = self._items.popitem(last=False)
                self._bytes -= len(item[-1])


def _build_marker(link: Path):
    """Identifies the build `current` points at: the link is replaced (new inode) by every build."""
    try:
        st = os.lstat(link)
    except OSError:
        return None
    return st.st_ino, st.st_mtime_ns


def request_key(environ, link: Path, settings):
    """The cache key of a request, or None when its answer is not to be cached. A POST body within
    the limits is read here (it is small: at most MAX_ENTRY and max_body) and put back for the
    application; one over them is left unread for the limits to refuse."""
    method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "")
    if method not in ("GET", "POST") or not (path == "/" or path.startswith(CACHED_PREFIXES)):
        return None
    if "HTTP_ACCEPT_DATETIME" in environ:      # a Memento TimeGate request (web/memento.py) redirects
        return None
    if len(environ.get("RAW_URI") or environ.get("REQUEST_URI") or path) > settings.max_url:
        return None
    marker = _build_marker(link)
    if marker is None:
        return None
    body = b""
    if method == "POST":
        try:
            length = int(environ.get("CONTENT_LENGTH") or -1)
        except ValueError:
            return None
        if not 0 <= length <= min(MAX_ENTRY, settings.max_body):
            return None
        body = environ["wsgi.input"].read(length)
        environ["wsgi.input"] = io.BytesIO(body)
    # answers link to the server by the address it was asked at, so the host is part of the key
    return (marker, method, environ.get("wsgi.url_scheme", ""), environ.get("HTTP_HOST", ""), path,
            environ.get("QUERY_STRING", ""), body, environ.get("HTTP_ACCEPT", ""), environ.get("CONTENT_TYPE", ""),
            # pages are in the reader's language (web/i18n.py): what chooses it is part of the key
            environ.get("HTTP_ACCEPT_LANGUAGE", ""), cookie_language(environ))


class FastPath:
    """WSGI middleware: answer cache hits before Flask; remember the key for the after-request hook."""

    def __init__(self, app, cache: ResponseCache, settings):
        self.app, self.cache, self.settings = app, cache, settings
        self.link = Path(settings.build_dir) / "current"

    def __call__(self, environ, start_response):
        key = request_key(environ, self.link, self.settings)
        if key is not None:
            environ[_KEY] = key
            if "HTTP_IF_NONE_MATCH" not in environ:
                item = self.cache.get(key)
                if item is not None:
                    status, _, hit_headers, body = item
                    start_response(status, hit_headers)
                    return [body]
        return self.app(environ, start_response)


def register(app) -> None:
    cache = ResponseCache()
    app.extensions["iscm-cache"] = cache
    app.wsgi_app = FastPath(app.wsgi_app, cache, app.extensions["iscm"].settings)

    @app.before_request
    def answer_conditional_from_cache():
        # unconditional hits were answered by FastPath already; a second lookup would only miss
        key = request.environ.get(_KEY)
        if key is None or "HTTP_IF_NONE_MATCH" not in request.environ:
            return None
        item = cache.get(key)
        if item is None:
            return None
        status, headers, _, body = item
        resp = current_app.response_class(body, status=status, headers=headers)
        resp.headers["X-Cache"] = "hit"
        return resp.make_conditional(request)

    @app.after_request
    def keep_in_cache(response):
        key = request.environ.get(_KEY)
        if (key is None or response.status_code != 200 or response.direct_passthrough
                or response.headers.get("X-Cache") == "hit"):
            return response
        body = response.get_data()
        if len(body) <= MAX_ENTRY:
            headers = [(k, v) for k, v in response.headers.items() if k.lower() not in ("content-length", "x-cache")]
            # a hit's headers, made once: the answer's own, its length, and that it came from the cache
            hit_headers = headers + [("Content-Length", str(len(body))), ("X-Cache", "hit")]
            cache.put(key, (response.status, headers, hit_headers, body), len(body))
        return response
