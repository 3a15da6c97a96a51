"""Helpers the blueprints share: the current build, caching headers, alternates."""
from __future__ import annotations

from flask import Response, current_app, request

from iscm_graph.rdf.formats import HTML, by_media_type


def build():
    return current_app.extensions["iscm"].get()


def public_base() -> str:
    """This server's own base URL, so every link stays on this server."""
    return request.host_url.rstrip("/")


def cached(resp: Response, loaded, variant: str, vary_accept: bool = True) -> Response:
    resp.set_etag(f"{loaded.build_id}-{variant}")
    resp.headers["Last-Modified"] = loaded.last_modified
    resp.headers["Cache-Control"] = "public, max-age=300"
    if vary_accept:
        resp.vary.add("Accept")
    return resp.make_conditional(request)


def not_modified(loaded, variant: str) -> bool:
    return request.if_none_match.contains(f"{loaded.build_id}-{variant}")


def alternates(base_path: str, current: str, types) -> str:
    links = []
    for mt in types:
        if mt == current:
            continue
        ext = "html" if mt == HTML else by_media_type(mt).extension
        links.append(f'<{base_path}.{ext}>; rel="alternate"; type="{mt}"')
    return ", ".join(links)
