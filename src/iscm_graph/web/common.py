"""Helpers the blueprints share: the current build, caching headers, alternates."""
from __future__ import annotations

from flask import Response, current_app, request

from iscm_graph.rdf.formats import HTML, by_media_type


def build():
    return current_app.extensions["iscm"].get()


def public_base() -> str:
    """This server's own base URL, so every link stays on this server."""
    return request.host_url.rstrip("/")


def _tags(loaded, variant: str) -> tuple[str, str]:
    """The entity tag of a variant, and of its page in the reader's language (pages differ by it)."""
    from iscm_graph.web.i18n import current
    plain = f"{loaded.build_id}-{variant}"
    return plain, f"{plain}-{current()}"


def cached(resp: Response, loaded, variant: str, vary_accept: bool = True) -> Response:
    plain, localized = _tags(loaded, variant)
    if resp.status_code == 304:
        resp.set_etag(localized if request.if_none_match.contains(localized) else plain)
    else:
        resp.set_etag(localized if resp.mimetype == HTML else plain)
    resp.headers["Last-Modified"] = loaded.last_modified
    resp.headers["Cache-Control"] = "public, max-age=300"
    if vary_accept:
        resp.vary.add("Accept")
    return resp.make_conditional(request)


def not_modified(loaded, variant: str) -> bool:
    return any(request.if_none_match.contains(tag) for tag in _tags(loaded, variant))


def alternates(base_path: str, current: str, types) -> str:
    links = []
    for mt in types:
        if mt == current:
            continue
        ext = "html" if mt == HTML else by_media_type(mt).extension
        links.append(f'<{base_path}.{ext}>; rel="alternate"; type="{mt}"')
    return ", ".join(links)
