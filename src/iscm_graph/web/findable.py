"""What search engines and dataset search read: /sitemap.xml (the home page and every entity page, each
in both languages, with its language alternates) and /robots.txt (pointing to the sitemap). The pages
themselves carry their canonical link, hreflang alternates (web/i18n.py) and schema.org JSON-LD
(web/schema_org.py)."""
from __future__ import annotations

from urllib.parse import urlencode
from xml.sax.saxutils import quoteattr

from flask import Blueprint, Response
from rdflib import Literal

from iscm_graph.namespaces import ID
from iscm_graph.rdf.formats import TEXT, XML
from iscm_graph.web.common import build, cached, public_base
from iscm_graph.web.i18n import LANGUAGES
from iscm_graph.web.pages import local_href

bp = Blueprint("findable", __name__)
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"
# every typed entity of the dataset, its namespace bound as a value
_ENTITIES = """SELECT DISTINCT ?prefix ?this WHERE {
  ?this a ?type FILTER (isIRI(?this) && STRSTARTS(STR(?this), ?prefix))
}"""


def entity_pages(store) -> list[str]:
    """The paths of the entity pages (/doc/....html), sorted."""
    found = {local_href(row["this"].value) for row in store.query(_ENTITIES, {"prefix": Literal(str(ID))})}
    return sorted(p for p in found if p)


def _in(url: str, lang: str | None) -> str:
    return url + ("?" + urlencode({"lang": lang}) if lang else "")


def sitemap(base: str, paths: list[str], modified: str) -> str:
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           f'<urlset xmlns="{SITEMAP_NS}" xmlns:xhtml="{XHTML_NS}">']
    for path in ["/"] + paths:
        url = base + path
        alternates = "".join(f'<xhtml:link rel="alternate" hreflang="{lang}" href={quoteattr(_in(url, lang))}/>'
                             for lang in LANGUAGES)
        alternates += f'<xhtml:link rel="alternate" hreflang="x-default" href={quoteattr(url)}/>'
        for lang in LANGUAGES:
            loc = _in(url, lang).replace("&", "&amp;").replace("<", "&lt;")
            out.append(f"<url><loc>{loc}</loc><lastmod>{modified}</lastmod>{alternates}</url>")
    out.append("</urlset>")
    return "\n".join(out) + "\n"


@bp.route("/sitemap.xml")
def sitemap_xml():
    loaded = build()
    paths = loaded.cache.get("entity-pages") or loaded.cache.setdefault("entity-pages", entity_pages(loaded.store))
    modified = str(loaded.manifest.get("created", ""))[:10]
    resp = Response(sitemap(public_base(), paths, modified), mimetype=XML)
    return cached(resp, loaded, "sitemap", vary_accept=False)


@bp.route("/robots.txt")
def robots():
    loaded = build()
    body = f"User-agent: *\nAllow: /\nDisallow: /sparql\nDisallow: /api/\n\nSitemap: {public_base()}/sitemap.xml\n"
    return cached(Response(body, mimetype=TEXT), loaded, "robots", vary_accept=False)
