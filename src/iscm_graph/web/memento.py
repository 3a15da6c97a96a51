"""The graph as it was: every resource document and the SPARQL endpoint of an older release, and
Memento (RFC 7089) over the releases.

- `/releases/{version}/doc/{kind}/{slug}[.ext]`: a memento, the document as release V had it (every
  format and the page, with a banner naming the current release); `Memento-Datetime` is the
  release's publication.
- `/releases/{version}/sparql`: the SPARQL protocol over release V, answered by the same query
  processes as /sparql.
- `?release=V` on `/doc/...` and `/sparql`: a 307 redirect to the paths above (the method and body
  are kept, so a POSTed query follows).
- The original resource `/id/{kind}/{slug}` is its own TimeGate (RFC 7089 pattern 2.1), and so is
  its document `/doc/{kind}/{slug}`: with `Accept-Datetime` they answer 302 to the memento of the
  release current at that datetime.
- `/timemap/link/{kind}/{slug}`: the TimeMap in application/link-format.
The Memento headers on the current /id and /doc answers are added here, after their views."""
from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, Response, abort, current_app, g, redirect, request

from iscm_graph.errors import IscmError
from iscm_graph.history import memento as mt
from iscm_graph.namespaces import BASE
from iscm_graph.publish import releases as rel
from iscm_graph.rdf.formats import DOCUMENT_TYPES, HTML
from iscm_graph.web import resources, sparql
from iscm_graph.web.common import public_base
from iscm_graph.web.errors import error_response

bp = Blueprint("memento", __name__)
_TIMEGATES = ("resources.identifier", "resources.document")


def _settings():
    return current_app.extensions["iscm"].settings


def _release(version: str) -> rel.Release:
    try:
        return rel.get_release(_settings(), version)
    except (IscmError, LookupError, ValueError):
        abort(404, f"no release {version!r}: the releases are listed at /releases")


def _loaded(release: rel.Release):
    if _settings().store != "embedded":
        abort(501, "older releases are served from the embedded store only (the store setting names "
                   "an external endpoint)")
    return current_app.extensions["iscm-releases"].get(release)


def _mementos(stem: str) -> list[mt.Memento]:
    """The mementos of /id/{stem}: the releases in which it appears, oldest first."""
    presence = current_app.extensions["iscm-presence"]
    iri, base = BASE + "id/" + stem, public_base()
    releases = rel.list_releases(_settings())
    presence.forget_except(r.path for r in releases)
    return [mt.Memento(f"{base}/releases/{r.version}/doc/{stem}", r.published, r.version)
            for r in releases if presence.holds(r.path, iri)]


def _uris(stem: str) -> tuple[str, str, str]:
    """Original (also the TimeGate) and TimeMap of /id/{stem}, on this server."""
    base = public_base()
    return f"{base}/id/{stem}", f"{base}/id/{stem}", f"{base}/timemap/link/{stem}"


def _add_link(resp: Response, value: str) -> None:
    resp.headers["Link"] = f'{resp.headers["Link"]}, {value}' if resp.headers.get("Link") else value


# --- the mementos ------------------------------------------------------------------------------------

@bp.route("/releases/<version>/doc/<path:path>")
def release_document(version: str, path: str):
    release = _release(version)
    loaded = _loaded(release)
    current = rel.current_release(_settings())
    stem, _ = resources._split_extension(path)
    g.release_banner = {"version": release.version, "date": release.published.date().isoformat(),
                        "current": current.version if current else None, "href": f"/doc/{stem}.html"}
    resp = resources.document_response(path, loaded, f"{public_base()}/releases/{release.version}/doc/")
    if resp.status_code in (200, 304):
        mementos = _mementos(stem)
        this = next((m for m in mementos if m.version == release.version), None)
        if this is not None:
            resp.headers["Memento-Datetime"] = mt.http_date(release.published)
            _add_link(resp, mt.memento_links(*_uris(stem), mementos, this))
    return resp


@bp.route("/releases/<version>/sparql", methods=["GET", "POST", "OPTIONS"], strict_slashes=False)
def release_sparql(version: str):
    release = _release(version)
    return sparql.answer(_loaded(release))


@bp.route("/timemap/link/<path:path>")
def timemap(path: str):
    resources._check_path(path)
    mementos = _mementos(path)
    if not mementos:
        return error_response(404, f"no release holds {BASE}id/{path}")
    original, timegate, timemap_uri = _uris(path)
    return Response(mt.timemap(original, timegate, timemap_uri, mementos), mimetype=mt.LINK_FORMAT)


# --- the TimeGate and the headers of the current answers ------------------------------------------

def _stem() -> str | None:
    path = (request.view_args or {}).get("path")
    if path is None:
        return None
    if request.endpoint == "resources.document":
        path, _ = resources._split_extension(path)
    return path


def _to_release():
    """`?release=V` on /doc/... or /sparql: the same request at the release's path."""
    version = request.args["release"]
    release = _release(version)
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "release"]
    if request.endpoint == "sparql.endpoint":
        target = f"/releases/{release.version}/sparql"
    else:
        target = f"/releases/{release.version}/doc/{request.view_args['path']}"
    return redirect(target + ("?" + urlencode(args) if args else ""), code=307)


def _negotiate_datetime(stem: str):
    """The TimeGate: 302 to the memento current at the Accept-Datetime."""
    try:
        when = mt.parse_accept_datetime(request.headers["Accept-Datetime"])
    except mt.DatetimeError as exc:
        return error_response(400, str(exc), {"Vary": "accept-datetime"})
    mementos = _mementos(stem)
    if not mementos:
        return error_response(404, f"no release holds {BASE}id/{stem}", {"Vary": "accept-datetime"})
    chosen = mt.choose(mementos, when)
    target = chosen.uri
    if request.endpoint == "resources.document":
        _, explicit = resources._split_extension(request.view_args["path"])
        if explicit:
            target += "." + resources.EXTENSIONS_REV[explicit]
    else:
        kind = resources._negotiate(None)
        if kind is None:
            return error_response(406, "offered: " + ", ".join(DOCUMENT_TYPES))
        target += "." + ("html" if kind == HTML else resources.EXTENSIONS_REV[kind])
    resp = redirect(target, code=302)
    resp.vary.add("Accept-Datetime")
    resp.vary.add("Accept")
    resp.headers["Link"] = mt.memento_links(*_uris(stem), mementos)
    return resp


@bp.before_app_request
def timegate():
    if request.endpoint not in _TIMEGATES + ("sparql.endpoint",):
        return None
    if "release" in request.args and request.endpoint != "resources.identifier":
        return _to_release()
    stem = _stem()
    if stem is None or "Accept-Datetime" not in request.headers:
        return None
    resources._check_path(stem)
    return _negotiate_datetime(stem)


@bp.after_app_request
def memento_headers(resp: Response):
    """The current /id and /doc answers name their TimeGate and TimeMap (when there are releases)."""
    if request.endpoint not in _TIMEGATES or resp.status_code not in (200, 303, 304):
        return resp
    stem = _stem()
    if stem is None or not rel.any_release(_settings()):
        return resp
    _add_link(resp, mt.original_links(*_uris(stem)))
    resp.vary.add("Accept-Datetime")
    return resp


@bp.app_context_processor
def release_banner():
    """The banner of a page of an older release (templates/base.html)."""
    return {"release_banner": g.get("release_banner")}


def register(app) -> None:
    from iscm_graph.history.presence import Presence
    from iscm_graph.web.release_state import ReleaseHolder

    app.extensions["iscm-releases"] = ReleaseHolder(app.extensions["iscm"].settings, app.extensions["iscm"])
    app.extensions["iscm-presence"] = Presence()
    app.register_blueprint(bp)
