"""How releases are described to others: the DCAT 3 series (`dcat:DatasetSeries`, each release a
`dcat:Dataset` in it with its version, date, notes and dumps), "cite this" in plain text, BibTeX and
CSL-JSON, and the Atom 1.0 feed announcing each release. Links resolve against the base URL the
description is served from; the identity IRIs (`https://w3id.org/iscm/release/{version}`) are fixed."""
from __future__ import annotations

import datetime as dt
import json
from xml.etree import ElementTree as ET

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, XSD

from iscm_graph import build_folder as bf
from iscm_graph.publish.changes import headline
from iscm_graph.publish.description import IANA, SPDX, TITLE_EN
from iscm_graph.publish.releases import IRI_BASE, Release, changes, manifest
from iscm_graph.rdf.formats import ATOM as ATOM_TYPE, GZIP, HTML

ADMS = Namespace("http://www.w3.org/ns/adms#")
# DCAT 3 (rdflib's closed DCAT namespace is DCAT 2: it lacks DatasetSeries, inSeries, hasVersion, version)
DCAT = Namespace("http://www.w3.org/ns/dcat#")
SERIES = URIRef(IRI_BASE.rstrip("/"))          # https://w3id.org/iscm/release: the series of every release
PUBLISHER = "iscm-graph project"
ATOM = "http://www.w3.org/2005/Atom"


def _title(r: Release) -> str:
    return f"{TITLE_EN}, release {r.version}"


def describe(releases: list[Release], base: str) -> Graph:
    """The series and its releases (oldest first) in DCAT 3, with this server's download links."""
    g = Graph()
    for prefix, ns in (("dcat", DCAT), ("dcterms", DCTERMS), ("prov", PROV), ("adms", ADMS)):
        g.bind(prefix, ns)
    g.add((SERIES, RDF.type, DCAT.DatasetSeries))
    g.add((SERIES, DCTERMS.title, Literal(f"{TITLE_EN}: releases", lang="en")))
    g.add((SERIES, DCAT.landingPage, URIRef(base + "/releases")))
    for r in releases:
        _release(g, r, base)
    if releases:
        g.add((SERIES, DCAT.last, URIRef(releases[-1].iri)))
        g.add((SERIES, DCAT.first, URIRef(releases[0].iri)))
    return g


def _release(g: Graph, r: Release, base: str) -> None:
    ds = URIRef(r.iri)
    m = manifest(r)
    g.add((ds, RDF.type, DCAT.Dataset))
    g.add((ds, DCTERMS.title, Literal(_title(r), lang="en")))
    g.add((ds, DCAT.inSeries, SERIES))
    g.add((SERIES, DCAT.hasVersion, ds))
    g.add((ds, DCAT.version, Literal(r.version)))
    g.add((ds, DCTERMS.issued, Literal(r.published.isoformat(), datatype=XSD.dateTime)))
    g.add((ds, DCTERMS.identifier, Literal(r.version)))
    g.add((ds, DCAT.landingPage, URIRef(f"{base}/releases/{r.version}")))
    notes = Literal(headline(changes(r)), lang="en")
    g.add((ds, ADMS.versionNotes, notes))
    g.add((ds, DCTERMS.description, notes))
    if r.previous:
        prev = URIRef(IRI_BASE + r.previous)
        g.add((ds, PROV.wasRevisionOf, prev))
        g.add((ds, DCAT.previousVersion, prev))
    for name, fmt in bf.DUMP_FILES.items():
        path = r.path / bf.DUMPS / name
        if not path.is_file():
            continue
        dist = URIRef(f"{r.iri}/{name}")
        g.add((ds, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCAT.downloadURL, URIRef(f"{base}/releases/{r.version}/download/{name}")))
        g.add((dist, DCAT.mediaType, URIRef(IANA + fmt.media_type)))
        g.add((dist, DCAT.compressFormat, URIRef(IANA + GZIP)))
        g.add((dist, DCAT.byteSize, Literal(path.stat().st_size, datatype=XSD.nonNegativeInteger)))
        sha = m.get("files", {}).get(f"{bf.DUMPS}/{name}")      # hashed by the build, as description.py does
        if sha:
            checksum = BNode()
            g.add((dist, SPDX.checksum, checksum))
            g.add((checksum, RDF.type, SPDX.Checksum))
            g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
            g.add((checksum, SPDX.checksumValue, Literal(sha, datatype=XSD.hexBinary)))


# -- cite this ---------------------------------------------------------------------------------

def cite_text(r: Release) -> str:
    return (f"{PUBLISHER} ({r.published.year}). {TITLE_EN} (version {r.version}) [Data set]. "
            f"Released {r.published.date().isoformat()}. {r.iri}")


def cite_bibtex(r: Release) -> str:
    key = "iscm-graph-" + r.version.replace(".", "-")
    fields = {"title": f"{{{TITLE_EN}}}", "author": f"{{{PUBLISHER}}}", "publisher": f"{{{PUBLISHER}}}",
              "version": f"{{{r.version}}}", "year": f"{{{r.published.year}}}",
              "month": f"{{{r.published.month}}}", "date": f"{{{r.published.date().isoformat()}}}",
              "url": f"{{{r.iri}}}", "note": "{Data set (RDF knowledge graph)}"}
    body = ",\n".join(f"  {k} = {v}" for k, v in fields.items())
    return f"@dataset{{{key},\n{body}\n}}\n"


def cite_csl(r: Release) -> list[dict]:
    """CSL-JSON: a list of items (citeproc's input shape)."""
    d = r.published.date()
    return [{"id": "iscm-graph-" + r.version, "type": "dataset", "title": TITLE_EN, "version": r.version,
             "author": [{"literal": PUBLISHER}], "publisher": PUBLISHER, "URL": r.iri,
             "issued": {"date-parts": [[d.year, d.month, d.day]]}, "medium": "RDF knowledge graph"}]


# -- the feed ----------------------------------------------------------------------------------

def atom_feed(releases: list[Release], base: str) -> bytes:
    """Atom 1.0, newest release first, each entry with its summary of changes and its links."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")

    def sub(parent, tag, text=None, **attrs):
        el = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if text is not None:
            el.text = text
        return el

    sub(feed, "id", str(SERIES))
    sub(feed, "title", f"{TITLE_EN}: releases")
    newest = releases[-1].published if releases else dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    sub(feed, "updated", newest.isoformat())
    sub(sub(feed, "author"), "name", PUBLISHER)
    sub(feed, "link", rel="self", href=f"{base}/releases.atom", type=ATOM_TYPE)
    sub(feed, "link", rel="alternate", href=f"{base}/releases", type=HTML)
    for r in reversed(releases):
        entry = sub(feed, "entry")
        sub(entry, "id", r.iri)
        sub(entry, "title", _title(r))
        sub(entry, "updated", r.published.isoformat())
        sub(entry, "published", r.published.isoformat())
        sub(entry, "summary", headline(changes(r)))
        sub(entry, "link", rel="alternate", type=HTML, href=f"{base}/releases/{r.version}")
        if r.previous and (r.path.parent / r.previous).is_dir():      # not pruned
            sub(entry, "link", rel="related", type=HTML, title=f"Changes since {r.previous}",
                href=f"{base}/releases/{r.previous}/changes/{r.version}")
        for name, fmt in bf.DUMP_FILES.items():
            if (r.path / bf.DUMPS / name).is_file():
                sub(entry, "link", rel="enclosure", type=GZIP, title=fmt.title,
                    href=f"{base}/releases/{r.version}/download/{name}",
                    length=str((r.path / bf.DUMPS / name).stat().st_size))
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def cite_csl_json(r: Release) -> str:
    return json.dumps(cite_csl(r), ensure_ascii=False, indent=1)
