"""/untranslated: the entities that have no name yet in English or in Arabic, counted by kind, each
linked to its page (where its name falls back, marked, to the other language)."""
from __future__ import annotations

from flask import Blueprint, Response, render_template

from iscm_graph.rdf.formats import HTML
from iscm_graph.reports.untranslated import untranslated
from iscm_graph.web.common import build, cached
from iscm_graph.web.pages import local_href

bp = Blueprint("untranslated", __name__)


@bp.route("/untranslated")
def page():
    loaded = build()
    total, missing = loaded.cache.get("untranslated") or loaded.cache.setdefault(
        "untranslated", untranslated(loaded.store))
    resp = Response(render_template("untranslated.html", total=total, missing=missing, href=local_href,
                                    build=loaded), mimetype=HTML)
    return cached(resp, loaded, "untranslated")
