"""The W3C Entity Reconciliation service (API 0.2, as OpenRefine speaks it) at /reconcile: the manifest,
reconciliation batches (GET or POST, the `queries` field), suggest, preview and view. The answers are made
in reports/reconcile.py; this only reads requests. Any origin may call it (the app's CORS headers)."""
from __future__ import annotations

import json

from flask import Blueprint, Response, abort, redirect, render_template, request

from iscm_graph.rdf.formats import HTML, JSON
from iscm_graph.reports.reconcile import Reconciler, ReconcileError, manifest, page_args
from iscm_graph.web.common import build, public_base
from iscm_graph.web.i18n import current, direction
from iscm_graph.web.pages import local_href

bp = Blueprint("reconcile", __name__)
_MAX_FIELD = 200


def _reconciler() -> Reconciler:
    loaded = build()
    if "reconciler" not in loaded.cache:
        loaded.cache["reconciler"] = Reconciler(loaded.resolver())
    return loaded.cache["reconciler"]


def _json(body) -> Response:
    return Response(json.dumps(body, ensure_ascii=False), mimetype=JSON)


def _arg(name: str, required: bool = False) -> str:
    value = request.args.get(name)
    if value is None and required:
        raise ReconcileError(f"{name}: missing (e.g. ?{name}=Egypt)")
    if value is not None and len(value) > _MAX_FIELD:
        raise ReconcileError(f"{name}: longer than {_MAX_FIELD} characters")
    return value or ""


@bp.route("/reconcile", methods=["GET", "POST"])
def service():
    """No `queries`: the manifest. `queries`: a JSON object of queries, answered as a batch."""
    if "extend" in request.values:
        raise ReconcileError("extend: data extension is not offered by this service")
    raw = request.values.get("queries")
    if raw is None:
        return _json(manifest(public_base(), _reconciler().resolver))
    try:
        queries = json.loads(raw)
    except ValueError as exc:
        raise ReconcileError(f"queries: not JSON ({exc})") from None
    return _json(_reconciler().batch(queries))


@bp.route("/reconcile/suggest/entity")
def suggest_entity():
    cursor, limit = page_args(request.args.get("cursor"), request.args.get("limit"))
    return _json(_reconciler().suggest_entities(_arg("prefix", True), _arg("type") or None, cursor, limit))


@bp.route("/reconcile/suggest/type")
def suggest_type():
    cursor, limit = page_args(request.args.get("cursor"), request.args.get("limit"))
    return _json(_reconciler().suggest_types(_arg("prefix", True), cursor, limit))


@bp.route("/reconcile/suggest/property")
def suggest_property():
    cursor, limit = page_args(request.args.get("cursor"), request.args.get("limit"))
    return _json(_reconciler().suggest_properties(_arg("prefix", True), cursor, limit))


@bp.route("/reconcile/preview")
def preview():
    """A small HTML document in the reader's language, for OpenRefine's preview frame."""
    iri = _arg("id", True)
    shown = _reconciler().preview(iri)
    if shown is None:
        abort(404, f"no entity {iri!r} in this dataset")
    lang = current()
    body = render_template("reconcile_preview.html", e=shown, lang=lang, dir=direction(lang),
                           href=local_href(iri) or iri)
    return Response(body, mimetype=HTML)


@bp.route("/reconcile/view")
def view():
    """The entity's page on this server (the manifest's view template)."""
    iri = _arg("id", True)
    if _reconciler().preview(iri) is None:
        abort(404, f"no entity {iri!r} in this dataset")
    return redirect(local_href(iri) or iri, code=303)
