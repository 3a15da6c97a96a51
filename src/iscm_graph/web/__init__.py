"""Flask app factory: settings, the build holder and the blueprints; nothing happens at import."""
from __future__ import annotations

from flask import Flask

from ..config import load_settings


def create_app(settings=None, query_socket_dir=None) -> Flask:
    """The app; `query_socket_dir` is where the query pool (querypool.py) listens. Without it (an app
    embedded elsewhere) user queries run in the web process, without the time limit."""
    app = Flask(__name__)
    app.config["JSON_AS_ASCII"] = False
    settings = settings or load_settings()
    from .state import BuildHolder

    app.extensions["iscm"] = BuildHolder(settings)
    if query_socket_dir is not None:
        from ..queryclient import QueryClient
        app.extensions["iscm-queries"] = QueryClient(settings, query_socket_dir)

    from . import api, cache, errors, explore, limits, meta, resources, sparql
    errors.register(app)
    limits.register(app)
    cache.register(app)
    app.register_blueprint(sparql.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(explore.bp)
    app.register_blueprint(resources.bp)
    app.register_blueprint(meta.bp)

    @app.after_request
    def cors(response):
        # Read-only linked data: any origin may GET or POST (SPARQL) it.
        response.headers.setdefault("Access-Control-Allow-Origin", "*")
        response.headers.setdefault("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
        response.headers.setdefault("Access-Control-Allow-Headers", "Accept, Content-Type, If-None-Match")
        response.headers.setdefault("Access-Control-Expose-Headers", "ETag, Link, Location, Vary")
        return response

    return app
