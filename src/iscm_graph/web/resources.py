"""Dereferenceable IRIs: /id/... answers 303 to /doc/...; documents in every RDF format and HTML.
The ontology, the shapes and the named graphs are documents the same way."""
from __future__ import annotations

import re

import pyoxigraph as ox
from flask import Blueprint, Response, abort, redirect, render_template, request
from flask_babel import lazy_gettext
from rdflib import Dataset, Graph, URIRef

from iscm_graph.rdf.terms import to_rdflib
from iscm_graph.reports.documents import describe
from iscm_graph.namespaces import BASE
from iscm_graph.rdf.formats import DOCUMENT_TYPES, EXTENSIONS, HTML, TEXT, by_media_type, choose
from iscm_graph.rdf.serialize import serialize
from iscm_graph.web.common import alternates, build, cached, not_modified, public_base
from iscm_graph.web.errors import error_response
from iscm_graph.web.i18n import set_canonical_path
from iscm_graph.web.pages import resource_page

bp = Blueprint("resources", __name__)
_SAFE_PATH = re.compile(r"^[A-Za-z0-9._~!$&'()*+,;=:@%/-]+$")


def _split_extension(path: str) -> tuple[str, str | None]:
    stem, dot, ext = path.rpartition(".")
    if dot and ext in EXTENSIONS and "/" not in ext:
        return stem, EXTENSIONS[ext]
    return path, None


def _check_path(path: str) -> None:
    if not _SAFE_PATH.match(path) or ".." in path.split("/") or "//" in path:
        abort(404, "no such resource")
    try:
        ox.NamedNode(BASE + "id/" + path)          # what is not a valid IRI names nothing here
    except ValueError:
        abort(404, "no such resource")


def _negotiate(explicit_type: str | None) -> str | None:
    if explicit_type:
        return explicit_type
    return choose(request.accept_mimetypes, DOCUMENT_TYPES, request.args.get("format"))


@bp.route("/id/<path:path>")
def identifier(path: str):
    _check_path(path)
    loaded = build()
    iri = BASE + "id/" + path
    if not bool(loaded.store.query("ASK { { ?this ?p ?o } UNION { ?s ?p ?this } }", {"this": URIRef(iri)})):
        return _not_found(iri)
    mt = _negotiate(None)
    if mt is None:
        return error_response(406, "offered: " + ", ".join(DOCUMENT_TYPES))
    ext = "html" if mt == HTML else [e for e, m in EXTENSIONS.items() if m == mt][0]
    resp = redirect(f"/doc/{path}.{ext}", code=303)
    resp.vary.add("Accept")
    return resp


EXTENSIONS_REV = {mt: ext for ext, mt in EXTENSIONS.items()}


def _respond(mt: str | None, variant: str, base_path: str, make_html, make_data, loaded=None):
    """One document in the negotiated type, with caching headers and alternates; the body is made
    only when the client's copy (ETag) is not current. make_* return None for an unknown resource.
    `loaded` is the build answering (an older release's), the current one by default."""
    if mt is None:
        return error_response(406, "offered: " + ", ".join(DOCUMENT_TYPES))
    loaded = loaded or build()
    variant = f"{variant}-{EXTENSIONS_REV[mt]}"
    if not_modified(loaded, variant):
        return cached(Response(status=304), loaded, variant)
    if mt == HTML:
        set_canonical_path(base_path[len(public_base()):] + ".html")
        body = make_html(loaded)
    else:
        data = make_data(loaded, mt)
        body = None if data is None else serialize(data, mt, loaded.context, public_base() + "/context.jsonld")
    if body is None:
        return None
    resp = Response(body, mimetype=mt)
    resp.headers["Link"] = alternates(base_path, mt, DOCUMENT_TYPES)
    resp.headers["Content-Location"] = f"{base_path}.{EXTENSIONS_REV[mt]}"
    return cached(resp, loaded, variant)


@bp.route("/doc/<path:path>")
def document(path: str):
    return document_response(path, None, f"{public_base()}/doc/")


def document_response(path: str, loaded, doc_base: str):
    """The document of /id/{path} from `loaded` (None: the current build), its URL under `doc_base`."""
    _check_path(path)
    stem, explicit = _split_extension(path)
    iri = BASE + "id/" + stem
    base_path = f"{doc_base}{stem}"
    found = {}

    def description(loaded):
        if "d" not in found:
            found["d"] = describe(loaded.store, iri)
        return found["d"] if found["d"].found else None

    def html(loaded):
        desc = description(loaded)
        return desc and resource_page(loaded, desc, base_path)

    def data(loaded, mt):
        desc = description(loaded)
        return desc and (desc.dataset() if by_media_type(mt).quads else desc.graph())

    mt = _negotiate(explicit)
    resp = _respond(mt, "doc", base_path, html, data, loaded)
    return resp if resp is not None else _not_found(iri, mt)


def _not_found(iri: str, mt: str | None = None):
    mt = mt or _negotiate(None) or TEXT
    message = f"no resource {iri} in this graph"
    if mt == HTML:
        return Response(render_template("error.html", status=404, message=message), status=404, mimetype=HTML)
    if mt in EXTENSIONS_REV:
        # an empty graph in the format asked for, so RDF clients can parse the 404 too
        data = Dataset() if by_media_type(mt).quads else Graph()
        return Response(serialize(data, mt), status=404, mimetype=mt)
    return error_response(404, message)


def _graph_document(make_graph, base_path: str, variant: str, explicit: str | None, title: str):
    from iscm_graph.web.pages import graph_page

    return _respond(_negotiate(explicit), variant, base_path,
                    lambda loaded: graph_page(loaded, make_graph(loaded), title, base_path),
                    lambda loaded, mt: make_graph(loaded))


# the pages' titles, translated when a page is drawn
VOCABULARIES = {"ontology": ("ontology", lazy_gettext("ISCM ontology")),
                "shapes": ("shapes", lazy_gettext("SHACL shapes"))}


@bp.route("/<any(ontology, shapes):name>", defaults={"ext": None})
@bp.route("/<any(ontology, shapes):name>.<ext>")
def vocabulary(name: str, ext):
    """The ontology and the shapes, each one document in every format."""
    if ext is not None and ext not in EXTENSIONS:
        abort(404, "no such format")
    attribute, title = VOCABULARIES[name]
    return _graph_document(lambda loaded: getattr(loaded, attribute), f"{public_base()}/{name}", name,
                           EXTENSIONS.get(ext), title)


@bp.route("/graph/<path:path>")
def named_graph(path: str):
    _check_path(path)
    stem, explicit = _split_extension(path)
    iri = BASE + "graph/" + stem
    if iri not in build().manifest["graphs"]:
        return _not_found(iri, _negotiate(explicit))

    def make_graph(loaded):
        g = Graph(identifier=URIRef(iri))
        for row in loaded.store.query("SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": URIRef(iri)}):
            g.add((to_rdflib(row["s"]), to_rdflib(row["p"]), to_rdflib(row["o"])))
        return g
    return _graph_document(make_graph, f"{public_base()}/graph/{stem}", "graph-" + stem.replace("/", "-"),
                           explicit, lazy_gettext("Named graph %(iri)s", iri=iri))
