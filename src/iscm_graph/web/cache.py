"""A per-process response cache for what a build makes static: a response is kept under the build id,
method, path with query string, body and Accept header, so a repeated request (the same document,
the same query) is answered from memory. A new build changes the key, so nothing stale is served."""
from __future__ import annotations

import threading
from collections import OrderedDict

from flask import Response, current_app, g, request

MAX_BYTES = 64 * 1024 * 1024      # per worker process
MAX_ENTRY = 2 * 1024 * 1024       # bigger answers (dumps, whole graphs) are not kept
CACHED_PREFIXES = ("/sparql", "/doc/", "/api/", "/browse", "/search", "/charts", "/graph/", "/ontology",
                   "/shapes", "/.well-known/", "/context.jsonld")


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
                _, (body, _, _) = self._items.popitem(last=False)
                self._bytes -= len(body)


def _key():
    if request.method not in ("GET", "POST") or not (request.path == "/" or request.path.startswith(CACHED_PREFIXES)):
        return None
    if request.content_length and request.content_length > MAX_ENTRY:
        return None
    holder = current_app.extensions["iscm"]
    try:
        build_id = holder.get().build_id
    except Exception:            # no build: let the view answer with its own error
        return None
    body = request.get_data(cache=True) if request.method == "POST" else b""
    return (build_id, request.method, request.full_path, body, request.headers.get("Accept", ""),
            request.headers.get("Content-Type", ""))


def register(app) -> None:
    cache = ResponseCache()
    app.extensions["iscm-cache"] = cache

    @app.before_request
    def answer_from_cache():
        key = _key()
        g.cache_key = key
        if key is None:
            return None
        item = cache.get(key)
        if item is None:
            return None
        body, status, headers = item
        resp = Response(body, status=status, headers=headers)
        resp.headers["X-Cache"] = "hit"
        return resp.make_conditional(request)

    @app.after_request
    def keep_in_cache(response):
        key = getattr(g, "cache_key", None)
        if (key is None or response.status_code != 200 or response.direct_passthrough
                or response.headers.get("X-Cache") == "hit"):
            return response
        body = response.get_data()
        if len(body) <= MAX_ENTRY:
            headers = [(k, v) for k, v in response.headers.items() if k.lower() not in ("content-length", "x-cache")]
            cache.put(key, (body, response.status_code, headers), len(body))
        return response
