"""The source documents' texts, the targets of the line references (`iscm:lineReference`,
`https://w3id.org/iscm/source/000.txt#line=152,153`): `/source/{code}.txt` the text as it is,
`/source/{code}.html` (or `/source/{code}`) one anchor per line (`#line-153`); `/id/source/{code}`
leads to them by `Accept`, and RDF clients still get the document's description. Texts are looked up
in the list the build carries (build_folder.source_texts), never found by joining a name to a path."""
from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, render_template, request
from rdflib import Literal

from iscm_graph import build_folder as bf
from iscm_graph.rdf.formats import DOCUMENT_TYPES, HTML, TEXT, choose
from iscm_graph.web.common import build, cached, not_modified
from iscm_graph.web.i18n import set_canonical_path
from iscm_graph.web.pages import local_href

bp = Blueprint("texts", __name__)
_TITLE = """SELECT ?name ?doc ?title WHERE { ?doc iscm:fileName ?name ; dcterms:title ?title }"""


def texts(loaded) -> dict:
    """code -> file of the texts this build carries (kept with the build)."""
    if "texts" not in loaded.cache:
        loaded.cache["texts"] = bf.source_texts(loaded.path, loaded.manifest)
    return loaded.cache["texts"]


def _text_file(loaded, code: str):
    path = texts(loaded).get(code)
    if path is None or not path.is_file():
        abort(404, f"no source text {code!r}; texts: {', '.join(sorted(texts(loaded))) or 'none'}")
    return path


@bp.route("/source/<name>")
def source_text(name: str):
    code, dot, ext = name.partition(".")
    if ext not in ("txt", "html", "") or (dot and not ext):
        abort(404, "no such text: /source/{code}.txt or /source/{code}.html")
    loaded = build()
    path = _text_file(loaded, code)
    variant = f"source-{code}-{ext or 'html'}"
    if not_modified(loaded, variant):
        return cached(Response(status=304), loaded, variant, vary_accept=False)
    if ext == "txt":
        resp = Response(path.read_bytes(), mimetype=TEXT)
    else:
        set_canonical_path(f"/source/{code}.html")
        resp = Response(_page(loaded, code, path.read_text(encoding="utf-8")), mimetype=HTML)
    resp.headers["Link"] = (f'</source/{code}.html>; rel="alternate"; type="{HTML}"' if ext == "txt"
                            else f'</source/{code}.txt>; rel="alternate"; type="{TEXT}"')
    return cached(resp, loaded, variant, vary_accept=False)


def _page(loaded, code: str, text: str) -> str:
    titles, documents = {}, []
    name = loaded.manifest.get("texts", {}).get(code)
    if name:
        for row in loaded.store.query(_TITLE, {"name": Literal(name)}):
            lang = row["title"].language
            if lang in ("en", "ar"):
                titles.setdefault(lang, row["title"].value)
            href = local_href(row["doc"].value)
            if href and href not in documents:
                documents.append(href)
    return render_template("source.html", code=code, titles=titles, documents=documents,
                           lines=text.splitlines(), text_type=TEXT, build=loaded)


@bp.route("/id/source/<code>")
def source_identifier(code: str):
    """Browsers get the text's page, text clients the text, RDF clients the document's
    description (/doc/source/{code}) as for every other identifier."""
    loaded = build()
    if code in texts(loaded):
        mt = choose(request.accept_mimetypes, DOCUMENT_TYPES + [TEXT], request.args.get("format"))
        if mt in (HTML, TEXT):
            resp = redirect(f"/source/{code}.{'html' if mt == HTML else 'txt'}", code=303)
            resp.vary.add("Accept")
            return resp
    from iscm_graph.web.resources import identifier
    return identifier("source/" + code)
