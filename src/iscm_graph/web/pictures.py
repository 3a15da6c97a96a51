"""The pictures' pages: /maps, /timeline, /overlap, /compare and /charts (Vega-Lite views drawn by
static/pictures.js over a table each; the pictures themselves are made in reports/pictures.py)."""
from __future__ import annotations

import re
from datetime import date

from flask import Blueprint, Response, abort, redirect, render_template, request
from flask_babel import format_date, format_decimal, gettext

from iscm_graph.rdf.formats import HTML
from iscm_graph.reports import pictures
from iscm_graph.web.common import build, cached
from iscm_graph.web.errors import error_response
from iscm_graph.web.i18n import current
from iscm_graph.web.pages import local_href

bp = Blueprint("pictures", __name__)
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,79}")


@bp.app_template_filter("picture_number")
def picture_number(value) -> str:
    return format_decimal(value)


@bp.app_template_filter("picture_date")
def picture_date(value: str) -> str:
    try:
        return format_date(date.fromisoformat(value), "medium")
    except ValueError:
        return value


def _memo(loaded, key, make):
    # per build and language: titles and names are in the page's language
    key = (key, current())
    if key not in loaded.cache:
        loaded.cache[key] = make()
    return loaded.cache[key]


def _page(template: str, loaded, variant: str, **context) -> Response:
    body = render_template(template, href=local_href, build=loaded, **context)
    return cached(Response(body, mimetype=HTML), loaded, variant)


@bp.route("/maps")
def maps():
    loaded = build()
    picture = _memo(loaded, "states-map", lambda: pictures.states_map(loaded.store, current()))
    return _page("maps.html", loaded, "maps", picture=picture)


@bp.route("/timeline")
def timeline():
    loaded = build()
    picture = _memo(loaded, "timeline", lambda: pictures.timeline(loaded.store, current()))
    return _page("timeline.html", loaded, "timeline", picture=picture)


@bp.route("/overlap")
def overlap():
    loaded = build()
    picture = _memo(loaded, "overlap", lambda: pictures.overlap(loaded.store, current()))
    names = _memo(loaded, "mechanisms", lambda: pictures.mechanisms(loaded.store))
    return _page("overlap.html", loaded, "overlap", picture=picture, mechanisms=_choices(names),
                 chosen=[])


def _choices(names: dict) -> list[tuple[str, dict]]:
    """(slug, labels) of every mechanism, by name in the page's language."""
    lang = current()
    slugs = [(iri[len(pictures.MECHANISM_BASE):], labels) for iri, labels in names.items()
             if iri.startswith(pictures.MECHANISM_BASE)]
    return sorted(slugs, key=lambda s: (s[1].get(lang) or s[1].get("en") or s[0]).lower())


@bp.route("/compare")
def compare():
    asked = [m.strip() for m in request.args.getlist("m") if m.strip()]   # the form's empty third choice
    if not 2 <= len(asked) <= 3:
        return error_response(400, gettext("compare 2 or 3 mechanisms: /compare?m=colombo-process&m=abu-dhabi-dialogue"
                                           " (got %(count)s)", count=len(asked)))
    bad = [m for m in asked if not _SLUG.fullmatch(m)]
    if bad:
        return error_response(400, gettext("not a mechanism's name (lower-case letters, digits and hyphens): "
                                           "%(names)s", names=", ".join(repr(m[:80]) for m in bad)))
    if len(set(asked)) != len(asked):
        return error_response(400, gettext("a mechanism is named twice: %(names)s", names=", ".join(asked)))
    loaded = build()
    names = _memo(loaded, "mechanisms", lambda: pictures.mechanisms(loaded.store))
    iris = [pictures.MECHANISM_BASE + m for m in asked]
    unknown = [m for m, iri in zip(asked, iris) if iri not in names]
    if unknown:
        return error_response(404, gettext("no such mechanism: %(names)s; see /overlap for the list",
                                           names=", ".join(unknown)))
    comp = pictures.comparison(loaded.store, iris)
    picture = pictures.compare_map(loaded.store, comp, current())
    return _page("compare.html", loaded, "compare-" + "+".join(asked), comparison=comp, picture=picture,
                 mechanisms=_choices(names), chosen=asked)


@bp.route("/charts")
def charts():
    loaded = build()
    made = _memo(loaded, "charts", lambda: [pictures.chart(loaded.store, name, current())
                                            for name in pictures.chart_names()])
    return _page("charts.html", loaded, "charts", charts=made)


@bp.route("/charts/<name>.svg")
def chart_svg(name: str):
    """The charts were SVG images once: their addresses lead to the chart on /charts."""
    if name not in pictures.chart_names():
        abort(404, f"no chart {name!r}")
    return redirect(f"/charts#chart-{name}", code=301)
