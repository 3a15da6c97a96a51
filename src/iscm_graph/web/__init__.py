"""The web application: the Flask app factory (settings, the build holder, the blueprints; nothing happens
at import), one blueprint per group of routes (`sparql`, `resources`, `texts`, `api`, `explore`, `meta`,
`findable`, `untranslated`, `pictures`, `reconcile`, `memento`, `releases`), the pages' language (`i18n`), the request `limits` and response `cache` in
front of them, `state` (the build a process answers from, read from the build folder alone) and `server`
(gunicorn with the query pool beside it). It reads builds; it never builds: nothing here imports the
pipeline."""
from __future__ import annotations

from flask import Flask, request

from iscm_graph.config import load_settings


def create_app(settings=None, query_socket_dir=None) -> Flask:
    """The app; `query_socket_dir` is where the query pool (query/pool.py) listens. Without it (an app
    embedded elsewhere) user queries run in the web process, without the time limit."""
    app = Flask(__name__)
    app.config["JSON_AS_ASCII"] = False
    settings = settings or load_settings()
    from iscm_graph.web.state import BuildHolder

    app.extensions["iscm"] = BuildHolder(settings)
    from iscm_graph.query.fairness import ClientSlots
    # the slots are shared by every process of this server: they are named after its query socket folder
    app.extensions["iscm-slots"] = ClientSlots(str(query_socket_dir or settings.build_dir), settings.client_queries)
    if query_socket_dir is not None:
        from iscm_graph.query.client import QueryClient
        app.extensions["iscm-queries"] = QueryClient(settings, query_socket_dir)

    from iscm_graph.web import (api, cache, errors, explore, findable, i18n, limits, memento, meta, pictures,
                                reconcile, releases, resources, sparql, texts, untranslated)
    errors.register(app)
    limits.register(app)
    cache.register(app)
    i18n.register(app)      # after the cache: its cookie and Vary are kept with the cached answer
    app.register_blueprint(sparql.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(explore.bp)
    app.register_blueprint(pictures.bp)
    app.register_blueprint(texts.bp)
    app.register_blueprint(resources.bp)
    app.register_blueprint(meta.bp)
    app.register_blueprint(findable.bp)
    app.register_blueprint(untranslated.bp)
    app.register_blueprint(reconcile.bp)
    app.register_blueprint(releases.bp)
    memento.register(app)      # older releases and Memento; its hooks add headers to /id and /doc

    @app.after_request
    def cors(response):
        # Read-only linked data: any origin may GET or POST (SPARQL) it. The methods and request headers
        # allowed are a preflight's answer (Fetch standard, CORS protocol): other answers leave them out.
        response.headers.setdefault("Access-Control-Allow-Origin", "*")
        if request.method == "OPTIONS":
            response.headers.setdefault("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
            response.headers.setdefault("Access-Control-Allow-Headers", "Accept, Content-Type, If-None-Match")
        response.headers.setdefault("Access-Control-Expose-Headers", "ETag, Link, Location, Vary")
        return response

    return app
