"""/releases: every published release (HTML, Turtle, JSON-LD), each release's page with its figures,
dumps, changes and "cite this" (also as BibTeX and CSL-JSON), what changed between two releases
(HTML or JSON, and the exact patch as two N-Quads files) and the Atom feed. The views are thin: the
work is in publish/releases.py, publish/changes.py and publish/release_catalog.py."""
from __future__ import annotations

import json
import threading
from collections import OrderedDict

from flask import Blueprint, Response, abort, current_app, render_template, request, send_file

from iscm_graph import build_folder as bf
from iscm_graph.publish import changes as ch
from iscm_graph.publish import release_catalog as catalog
from iscm_graph.publish import releases as rel
from iscm_graph.rdf.formats import ATOM, BIBTEX, CSL_JSON, GZIP, HTML, JSON, JSONLD, choose, graph_format
from iscm_graph.rdf.serialize import serialize
from iscm_graph.web.common import public_base
from iscm_graph.web.errors import error_response
from iscm_graph.web.pages import local_href

bp = Blueprint("releases", __name__)
TURTLE = graph_format("turtle").media_type
NQUADS = graph_format("nq").media_type
DESCRIBED = [HTML, TURTLE, JSONLD]
_SUMMARIES: OrderedDict = OrderedDict()      # (a, b) -> summary, the few asked for last (each costs seconds)
_SUMMARIES_LOCK = threading.Lock()
_SUMMARIES_KEPT = 8


@bp.after_request
def cache_control(resp):
    # a release never changes (only whether it is the current one): its pages may be kept an hour; the list and feed grow
    if resp.status_code == 200:
        fixed = request.path.startswith("/releases/")
        resp.headers.setdefault("Cache-Control", "public, max-age=" + ("3600" if fixed else "300"))
    return resp


@bp.errorhandler(rel.UnknownReleaseError)
def unknown(exc):
    return error_response(404, str(exc))


def _settings():
    return current_app.extensions["iscm"].settings


def _negotiated(graph, page):
    mt = choose(request.accept_mimetypes, DESCRIBED, request.args.get("format"))
    if mt is None:
        return error_response(406, "offered: " + ", ".join(DESCRIBED))
    resp = Response(page(), mimetype=HTML) if mt == HTML else Response(serialize(graph(), mt), mimetype=mt)
    resp.vary.add("Accept")
    words = {HTML: "html", TURTLE: "turtle", JSONLD: "jsonld"}
    resp.headers["Link"] = ", ".join(f'<{request.path}?format={words[m]}>; rel="alternate"; type="{m}"'
                                     for m in DESCRIBED if m != mt)
    return resp


@bp.route("/releases")
def index():
    settings, base = _settings(), public_base()
    found = rel.list_releases(settings)
    current = rel.current_release(settings)
    kept = {r.version for r in found}
    rows = [{"release": r, "triples": rel.manifest(r)["triples"], "notes": ch.headline(rel.changes(r)),
             "previous_kept": r.previous in kept} for r in reversed(found)]
    return _negotiated(lambda: catalog.describe(found, base),
                       lambda: render_template("releases.html", rows=rows, current=current, build=None))


@bp.route("/releases.atom")
def feed():
    body = catalog.atom_feed(rel.list_releases(_settings()), public_base())
    return Response(body, mimetype=ATOM)


@bp.route("/releases/<version>")
def release_page(version: str):
    settings, base = _settings(), public_base()
    r = rel.get_release(settings, version)
    current = rel.current_release(settings)

    def page():
        m = rel.manifest(r)
        dumps = [{"name": n, "title": f.title, "bytes": (r.path / bf.DUMPS / n).stat().st_size}
                 for n, f in bf.DUMP_FILES.items() if (r.path / bf.DUMPS / n).is_file()]
        return render_template("release.html", r=r, manifest=m, dumps=dumps, summary=rel.changes(r),
                               headline=ch.headline(rel.changes(r)), disk=rel.disk_use(r), href=local_href,
                               is_current=bool(current and current.version == r.version),
                               previous_kept=bool(r.previous and (r.path.parent / r.previous).is_dir()),
                               cite_text=catalog.cite_text(r), cite_bib=catalog.cite_bibtex(r),
                               cite_csl=catalog.cite_csl_json(r), build=None)
    return _negotiated(lambda: catalog.describe([r], base), page)


@bp.route("/releases/<version>/cite.bib")
def cite_bib(version: str):
    r = rel.get_release(_settings(), version)
    return Response(catalog.cite_bibtex(r), mimetype=BIBTEX,
                    headers={"Content-Disposition": f"inline; filename=iscm-graph-{r.version}.bib"})


@bp.route("/releases/<version>/cite.json")
def cite_json(version: str):
    r = rel.get_release(_settings(), version)
    return Response(catalog.cite_csl_json(r), mimetype=CSL_JSON)


@bp.route("/releases/<version>/download/<name>")
def download(version: str, name: str):
    settings = _settings()
    r = rel.get_release(settings, version)
    if name not in bf.DUMP_FILES and name not in bf.REGISTRY_FILES:
        abort(404, f"no dump {name!r}; available: {', '.join([*bf.DUMP_FILES, *bf.REGISTRY_FILES])}")
    path = r.path / bf.DUMPS / name
    if not path.is_file():
        abort(404, f"release {version} has no {name}")
    rel.lease(settings, version)        # `release prune` leaves it while it is being sent
    media_type = bf.REGISTRY_FILES[name][0] if name in bf.REGISTRY_FILES else GZIP
    return send_file(path, mimetype=media_type, download_name=name, conditional=True)


def _summary(a: rel.Release, b: rel.Release) -> dict:
    if b.previous == a.version:
        return rel.changes(b)           # written when b was published
    key = (a.version, b.version)
    with _SUMMARIES_LOCK:
        if key in _SUMMARIES:
            _SUMMARIES.move_to_end(key)
            return _SUMMARIES[key]
    summary = ch.summarize(a.path, b.path)
    with _SUMMARIES_LOCK:
        _SUMMARIES[key] = summary
        while len(_SUMMARIES) > _SUMMARIES_KEPT:
            _SUMMARIES.popitem(last=False)
    return summary


@bp.route("/releases/<a>/changes/<b>")
def changes(a: str, b: str):
    settings = _settings()
    ra, rb = rel.get_release(settings, a), rel.get_release(settings, b)
    mt = choose(request.accept_mimetypes, [HTML, JSON], request.args.get("format"))
    if mt is None:
        return error_response(406, f"offered: {HTML}, {JSON}")
    summary = _summary(ra, rb)
    if mt == JSON:
        body = {"from": ra.iri, "to": rb.iri, "headline": ch.headline(summary), **summary,
                "patch": {"removed": request.path + "/removed.nq", "added": request.path + "/added.nq"}}
        resp = Response(json.dumps(body, ensure_ascii=False, indent=1), mimetype=JSON)
    else:
        resp = Response(render_template("release_changes.html", a=ra, b=rb, s=summary, href=local_href,
                                        headline=ch.headline(summary), build=None), mimetype=HTML)
    resp.vary.add("Accept")
    return resp


@bp.route("/releases/<a>/changes/<b>/<kind>.nq")
def patch(a: str, b: str, kind: str):
    settings = _settings()
    ra, rb = rel.get_release(settings, a), rel.get_release(settings, b)
    if kind not in ("added", "removed"):
        abort(404, f"no patch file {kind}.nq: the patch is added.nq and removed.nq")
    removed, added = ch.patch(ra.path, rb.path)
    return Response("".join(added if kind == "added" else removed), mimetype=NQUADS,
                    headers={"Content-Disposition": f"attachment; filename={a}-to-{b}-{kind}.nq"})
