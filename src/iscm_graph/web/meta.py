"""Home page, dataset description (VoID/DCAT), the JSON-LD context, dumps and health."""
from __future__ import annotations

import json
import os

from flask import Blueprint, Response, abort, current_app, render_template, request, send_file

from ..negotiation import DOCUMENT_TYPES, EXTENSIONS, HTML, choose
from ..rdfout import serialize
from ..summary import headline_counts
from .cache import MAX_ENTRY
from .common import build, cached, not_modified, public_base
from .errors import error_response
from .service import DUMPS, void_description

bp = Blueprint("meta", __name__)


@bp.route("/")
def home():
    loaded = build()
    counts = loaded.cache.get("counts") or loaded.cache.setdefault("counts", headline_counts(loaded.store))
    resp = Response(render_template("home.html", counts=counts, build=loaded), mimetype=HTML)
    return cached(resp, loaded, "home")


@bp.route("/.well-known/void", defaults={"ext": None})
@bp.route("/.well-known/void.<ext>")
def void(ext):
    offered = [mt for mt in DOCUMENT_TYPES if mt != HTML]
    mt = EXTENSIONS.get(ext) if ext else choose(request.accept_mimetypes, offered, request.args.get("format"))
    if mt is None or mt == HTML:
        return error_response(406, "offered: " + ", ".join(offered))
    loaded = build()
    variant = "void-" + mt.rsplit("/", 1)[1]
    if not_modified(loaded, variant):
        return cached(Response(status=304), loaded, variant)
    body = serialize(void_description(loaded, public_base()), mt, loaded.context, public_base() + "/context.jsonld")
    return cached(Response(body, mimetype=mt), loaded, variant)


@bp.route("/context.jsonld")
def context():
    loaded = build()
    if not_modified(loaded, "context"):
        return cached(Response(status=304), loaded, "context", vary_accept=False)
    body = json.dumps(loaded.context, indent=1, ensure_ascii=False)
    return cached(Response(body, mimetype="application/ld+json"), loaded, "context", vary_accept=False)


@bp.route("/download/<name>")
def download(name: str):
    if name not in DUMPS:
        abort(404, f"no dump {name!r}; available: {', '.join(DUMPS)}")
    loaded = build()
    path = loaded.path / "dumps" / name
    if not path.is_file():
        abort(404, f"this build has no {name}")
    if path.stat().st_size <= MAX_ENTRY:
        # small enough to keep in the response cache: later requests are answered from memory
        resp = Response(path.read_bytes(), headers={"Content-Disposition": f"attachment; filename={name}"})
    else:
        resp = send_file(path, mimetype="application/gzip", download_name=name, etag=False, conditional=False)
    resp.headers["Content-Type"] = "application/gzip"
    return cached(resp, loaded, "dump-" + name, vary_accept=False)


@bp.route("/healthz")
def healthz():
    """The build being served and the query processes: 200 when queries can be answered, else 503."""
    try:
        loaded = build()
    except Exception as exc:  # the health check must answer whatever is wrong
        return Response(json.dumps({"status": "unavailable", "error": str(exc)}), status=503,
                        mimetype="application/json")
    report = {"status": "ok", "build": loaded.build_id, "created": loaded.manifest["created"],
              "triples": loaded.manifest["triples"], "store": loaded.store_kind, "web_worker": os.getpid()}
    pool = current_app.extensions.get("iscm-queries")
    if pool is not None and loaded.store_kind == "embedded":
        status = pool.status()
        report["query_pool"] = status
        serving = bool(status) and status.get("build_folder") == str(loaded.path)
        if not serving or not status.get("workers"):
            report["status"] = "starting" if not serving else "unavailable"
    code = 200 if report["status"] == "ok" else 503
    return Response(json.dumps(report), status=code, mimetype="application/json",
                    headers={"Cache-Control": "no-store"})
