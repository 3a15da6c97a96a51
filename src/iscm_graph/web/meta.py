"""Home page, dataset description (VoID/DCAT), the JSON-LD context, dumps and health."""
from __future__ import annotations

import json
import os

from flask import Blueprint, Response, abort, current_app, render_template, request, send_file

from iscm_graph import build_folder as bf
from iscm_graph.publish.description import IANA, dataset_iri, read_description
from iscm_graph.rdf.formats import DOCUMENT_TYPES, EXTENSIONS, GZIP, HTML, JSON, JSONLD, choose, content_type
from iscm_graph.rdf.serialize import serialize
from iscm_graph.reports.summary import headline_counts
from iscm_graph.web import schema_org
from iscm_graph.web.cache import MAX_ENTRY
from iscm_graph.web.common import build, cached, not_modified, public_base
from iscm_graph.web.errors import error_response

bp = Blueprint("meta", __name__)


@bp.route("/")
def home():
    loaded = build()
    counts = loaded.cache.get("counts") or loaded.cache.setdefault("counts", headline_counts(loaded.store))
    about = dataset_summary(loaded, public_base())
    about["modified"] = loaded.manifest.get("created")
    resp = Response(render_template("home.html", counts=counts, build=loaded, about=about,
                                    jsonld=schema_org.script(schema_org.dataset(about, public_base() + "/"))),
                    mimetype=HTML)
    return cached(resp, loaded, "home")


def description(loaded, base: str):
    """The build's dataset description, its relative IRIs resolved against this server's base."""
    key = ("description", base)
    if key not in loaded.cache:
        loaded.cache[key] = read_description(loaded.path / bf.DESCRIPTION, base)
    return loaded.cache[key]


def dataset_summary(loaded, base: str) -> dict:
    """What the home page says of the dataset, read from the same description /.well-known/void serves."""
    from rdflib.namespace import DCAT, DCTERMS, OWL, RDFS, VOID
    g = description(loaded, base)
    ds = dataset_iri(base)
    licence = g.value(ds, DCTERMS.license)
    dumps = []
    for dist in sorted(g.objects(ds, DCAT.distribution)):
        url = g.value(dist, DCAT.downloadURL)
        if url is not None:
            dumps.append({"url": str(url), "name": str(url).rsplit("/", 1)[-1],
                          "title": str(g.value(dist, DCTERMS.title) or ""),
                          "bytes": int(g.value(dist, DCAT.byteSize) or 0),
                          "media_type": str(g.value(dist, DCAT.mediaType) or "").removeprefix(IANA)})
    titles = {t.language: str(t) for t in g.objects(ds, DCTERMS.title) if getattr(t, "language", None)}
    return {"iri": str(ds), "title": str(g.value(ds, DCTERMS.title) or ""), "titles": titles,
            "licence_url": str(g.value(licence, OWL.sameAs) or licence),
            "description": str(g.value(ds, DCTERMS.description) or ""),
            "licence": str(licence), "licence_label": str(g.value(licence, RDFS.label) or licence),
            "endpoint": str(g.value(ds, VOID.sparqlEndpoint)), "dumps": dumps}


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
    body = serialize(description(loaded, public_base()), mt, loaded.context, public_base() + "/context.jsonld")
    return cached(Response(body, mimetype=mt), loaded, variant)


@bp.route("/context.jsonld")
def context():
    loaded = build()
    if not_modified(loaded, "context"):
        return cached(Response(status=304), loaded, "context", vary_accept=False)
    body = json.dumps(loaded.context, indent=1, ensure_ascii=False)
    return cached(Response(body, mimetype=JSONLD), loaded, "context", vary_accept=False)


@bp.route("/download/<name>")
def download(name: str):
    if name not in bf.DUMP_FILES and name not in bf.REGISTRY_FILES:
        abort(404, f"no dump {name!r}; available: {', '.join([*bf.DUMP_FILES, *bf.REGISTRY_FILES])}")
    loaded = build()
    path = loaded.path / bf.DUMPS / name
    if not path.is_file():
        abort(404, f"this build has no {name}")
    if name in bf.REGISTRY_FILES:
        media_type = bf.REGISTRY_FILES[name][0]
        resp = Response(path.read_bytes(), headers={"Content-Disposition": f"attachment; filename={name}"})
        resp.headers["Content-Type"] = content_type(media_type)
        return cached(resp, loaded, "dump-" + name, vary_accept=False)
    if path.stat().st_size <= MAX_ENTRY:
        # small enough to keep in the response cache: later requests are answered from memory
        resp = Response(path.read_bytes(), headers={"Content-Disposition": f"attachment; filename={name}"})
    else:
        resp = send_file(path, mimetype=GZIP, download_name=name, etag=False, conditional=False)
    resp.headers["Content-Type"] = GZIP
    return cached(resp, loaded, "dump-" + name, vary_accept=False)


@bp.route("/healthz")
def healthz():
    """The build being served and the query processes: 200 when queries can be answered, else 503."""
    try:
        loaded = build()
    except Exception as exc:  # the health check must answer whatever is wrong
        return Response(json.dumps({"status": "unavailable", "error": str(exc)}), status=503,
                        mimetype=JSON)
    report = {"status": "ok", "build": loaded.build_id, "created": loaded.manifest["created"],
              "triples": loaded.manifest["triples"], "store": loaded.store_kind, "web_worker": os.getpid()}
    held = current_app.extensions.get("iscm-releases")
    if held is not None:
        report["releases"] = held.status()      # older releases this web worker holds (web/release_state.py)
    pool = current_app.extensions.get("iscm-queries")
    if pool is not None and loaded.store_kind == "embedded":
        status = pool.status()
        report["query_pool"] = status
        serving = bool(status) and status.get("build_folder") == str(loaded.path)
        if not serving or not status.get("workers"):
            report["status"] = "starting" if not serving else "unavailable"
    code = 200 if report["status"] == "ok" else 503
    return Response(json.dumps(report), status=code, mimetype=JSON,
                    headers={"Cache-Control": "no-store"})
