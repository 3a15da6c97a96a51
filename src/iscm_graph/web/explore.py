"""Pages for people: browse lists, faceted mechanisms, search. Each list also as CSV/JSON. (The charts
are pictures: web/pictures.py.)"""
from __future__ import annotations

import csv
import io
import json
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, render_template, request

from iscm_graph.reports.browse import FACETS, LISTS, SORTS, filter_mechanisms, load_list, load_mechanisms
from iscm_graph.reports.search import SearchIndex
from iscm_graph.web.common import build, cached
from iscm_graph.rdf.formats import CSV, HTML, JSON, TABLE_TYPES, choose, content_type
from iscm_graph.web.errors import error_response
from iscm_graph.web.i18n import current
from iscm_graph.web.pages import local_href

bp = Blueprint("explore", __name__)
_FORMATS = TABLE_TYPES


def _format() -> str | None:
    explicit = request.args.get("format")
    if explicit:
        return explicit if explicit in _FORMATS else None
    # no Accept header means anything is acceptable: the first offered (HTML)
    best = choose(request.accept_mimetypes, list(_FORMATS.values()))
    return {v: k for k, v in _FORMATS.items()}.get(best)


def _alternates(path: str, args: dict) -> str:
    links = []
    for fmt in ("json", "csv"):
        query = urlencode({**{k: v for k, v in args.items() if v}, "format": fmt})
        links.append(f'<{path}?{query}>; rel="alternate"; type="{_FORMATS[fmt]}"')
    return ", ".join(links)


def _tabular(rows: list[dict], fmt: str) -> Response:
    if fmt == "json":
        return Response(json.dumps(rows, ensure_ascii=False, indent=1), mimetype=JSON)
    out = io.StringIO()
    if rows:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return Response(out.getvalue(), content_type=content_type(CSV))


def _memo(loaded, key, make):
    if key not in loaded.cache:
        loaded.cache[key] = make()
    return loaded.cache[key]


@bp.route("/browse")
def browse_index():
    return render_template("browse_index.html", lists=LISTS, build=build())


@bp.route("/browse/mechanisms")
def mechanisms():
    fmt = _format()
    if fmt is None:
        return error_response(406, "offered: " + ", ".join(_FORMATS.values()))
    loaded = build()
    mechs = _memo(loaded, "mechanisms", lambda: load_mechanisms(loaded.store))
    selected = {f: request.args.get(f, "") for f in FACETS}
    sort = request.args.get("sort", "name")
    if sort not in SORTS:
        return error_response(400, f"sort must be one of {', '.join(SORTS)}")
    chosen, facets = filter_mechanisms(mechs, selected, sort, current())
    if fmt != "html":
        return _tabular([m.as_row() for m in chosen], fmt)
    # the selected values' names, as the facets list them (a value matching nothing keeps its id)
    selected_names = {f: next((names for value, names, _ in facets[f] if value == v), {"en": v})
                      for f, v in selected.items() if v}
    title, _, title_ar = LISTS["mechanisms"]

    def facet_link(name: str, value: str) -> str:
        """The query string with one facet (or sort, or format) set: toggles a selected facet off."""
        args = {**selected, "sort": sort}
        args[name] = "" if selected.get(name) == value else value
        return urlencode({k: v for k, v in args.items() if v})

    resp = Response(render_template("mechanisms.html", mechanisms=chosen, facets=facets, selected=selected,
                                    selected_names=selected_names, sort=sort, sorts=list(SORTS), href=local_href,
                                    build=loaded, facet_link=facet_link, total=len(mechs),
                                    names={"en": title, "ar": title_ar}), mimetype=HTML)
    resp.headers["Link"] = _alternates("/browse/mechanisms", {**selected, "sort": sort})
    return resp


@bp.route("/browse/<slug>")
def browse(slug: str):
    if slug not in LISTS:
        abort(404, f"no list {slug!r}; lists: {', '.join(LISTS)}")
    fmt = _format()
    if fmt is None:
        return error_response(406, "offered: " + ", ".join(_FORMATS.values()))
    loaded = build()
    rows = _memo(loaded, ("list", slug), lambda: load_list(loaded.store, slug))
    if fmt != "html":
        return _tabular(rows, fmt)
    title, _, title_ar = LISTS[slug]
    resp = Response(render_template("browse.html", rows=rows, title=title, title_ar=title_ar, href=local_href,
                                    build=loaded), mimetype=HTML)
    resp.headers["Link"] = _alternates(f"/browse/{slug}", {})
    return cached(resp, loaded, f"browse-{slug}")


@bp.route("/search")
def search():
    fmt = _format()
    if fmt is None or fmt == "csv":
        return error_response(406, f"offered: {HTML}, {JSON}")
    q = request.args.get("q", "")
    if len(q) > 200:
        return error_response(400, "the search text is limited to 200 characters")
    loaded = build()
    index = _memo(loaded, "search", lambda: SearchIndex(loaded.store, loaded.resolver()))
    hits = index.search(q) if q.strip() else []
    if fmt == "json":
        return Response(json.dumps({"q": q, "results": [h.as_dict() for h in hits]}, ensure_ascii=False),
                        mimetype=JSON)
    resp = Response(render_template("search.html", q=q, hits=hits, href=local_href, build=loaded), mimetype=HTML)
    resp.headers["Link"] = f'</search?{urlencode({"q": q, "format": "json"})}>; rel="alternate"; type="{JSON}"'
    return resp
