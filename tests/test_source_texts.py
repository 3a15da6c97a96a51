"""The source texts are served (issue 15, provenance to the line): /source/{code}.txt is the
repository's text byte for byte, /source/{code}.html has one anchor per line, /id/source/{code}
leads to either by Accept (RDF clients still get the document's description), and a resource's page
links each value a source states to the line of the text that states it."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from conftest import SOURCES

TEXTS = {p.name[:3]: p for p in sorted(SOURCES.glob("[0-9][0-9][0-9]_*.txt"))}


class _Page(HTMLParser):
    """The ids of a page's elements, the text of each `line-N` element, and the rows of its tables
    (cell texts and the line-reference links of each row)."""

    def __init__(self, text: str):
        super().__init__()
        self.ids, self.lines, self.rows, self.hrefs = [], {}, [], []
        self._line = self._row = self._cell = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.append(a["id"])
        if a.get("id", "").startswith("line-"):
            self._line = a["id"]
            self.lines[self._line] = ""
        if tag == "a":
            self.hrefs.append(a.get("href"))
        if tag == "tr":
            self._row = {"cells": [], "lines": []}
        elif tag == "td" and self._row is not None:
            self._row["cells"].append("")
            self._cell = True
        elif tag == "a" and self._row is not None and "line-ref" in (a.get("class") or ""):
            self._row["lines"].append(a["href"])

    def handle_endtag(self, tag):
        if tag == "div":
            self._line = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._line is not None:
            self.lines[self._line] += data
        if self._row is not None and self._row["cells"]:
            self._row["cells"][-1] += data


@pytest.mark.parametrize("code", sorted(TEXTS))
def test_plain_text_is_the_repository_text(site, code):
    resp = site.get(f"/source/{code}.txt")
    assert resp.status_code == 200
    assert resp.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert resp.content == TEXTS[code].read_bytes()
    assert resp.headers.get("ETag")


@pytest.mark.parametrize("code", sorted(TEXTS))
def test_html_page_has_one_anchor_per_line(site, code):
    resp = site.get(f"/source/{code}.html")
    assert resp.status_code == 200 and resp.headers["Content-Type"].startswith("text/html")
    lines = TEXTS[code].read_text(encoding="utf-8").splitlines()
    page = _Page(resp.text)
    anchors = [i for i in page.ids if i.startswith("line-")]
    assert anchors == [f"line-{n}" for n in range(1, len(lines) + 1)]
    for n in range(1, len(lines) + 1):
        assert f'href="#line-{n}"' in resp.text
    assert 'dir="rtl" lang="ar"' in resp.text
    assert site.get(f"/source/{code}").text == resp.text


def test_html_page_shows_the_arabic_text_and_the_title(site):
    page = site.get("/source/000.html").text
    # line 162 of the fact sheet, the Budapest Process's row of the table
    line = TEXTS["000"].read_text(encoding="utf-8").splitlines()[161]
    assert "عملية بودابست" in line
    assert _Page(page).lines["line-162"].endswith(line)
    assert "<title>Inter-State Consultation Mechanisms on Migration" in page
    assert 'lang="ar"' in page and "آليات التشاور بين الدول بشأن الهجرة" in page
    assert 'href="/doc/source/000.html"' in page and 'href="/source/000.txt"' in page


@pytest.mark.parametrize("accept,location", [
    ("text/html", "/source/000.html"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "/source/000.html"),
    ("text/plain", "/source/000.txt"),
    ("text/turtle", "/doc/source/000.ttl"),              # RDF clients: the document's description
    ("application/ld+json", "/doc/source/000.jsonld"),
])
def test_id_of_a_source_leads_to_its_text_by_accept(site, accept, location):
    resp = site.get("/id/source/000", headers={"Accept": accept}, allow_redirects=False)
    assert resp.status_code == 303
    assert resp.headers["Location"].endswith(location)
    assert "Accept" in resp.headers.get("Vary", "")


def test_the_document_page_links_its_texts(site):
    page = site.get("/doc/source/001.html").text
    for code in ("001", "002"):        # one brochure, two renditions
        assert f'href="/source/{code}.html"' in page and f'href="/source/{code}.txt"' in page


@pytest.mark.parametrize("path", ["/source/../x", "/source/..%2F..%2Fpyproject.toml", "/source/999.txt",
                                  "/source/999.html", "/source/000.pdf", "/source/000.", "/source/000.txt.gz",
                                  "/source/.txt", "/source/%00.txt", "/source/manifest.json",
                                  "/source/000_5205e44cb8027a47.txt"])
def test_unknown_texts_are_404_in_the_error_shape(site, path):
    resp = site.get(path, headers={"Accept": "application/json"})
    assert resp.status_code == 404
    assert resp.json()["error"]["status"] == 404
    text = site.get(path)
    assert text.status_code == 404 and text.text.startswith("404 ")


@pytest.mark.parametrize("slug", ["budapest-process", "colombo-process"])
def test_a_mechanism_page_links_values_to_the_lines_that_state_them(site, slug):
    page = _Page(site.get(f"/doc/mechanism/{slug}.html").text)
    cited = [r for r in page.rows if r["lines"]]
    assert cited, "no value links to a line"
    texts: dict[str, _Page] = {}
    checked = 0
    for row in cited:
        value = row["cells"][1].split()
        for href in row["lines"]:
            m = re.fullmatch(r"/source/(\d{3})\.html#line-(\d+)", href)
            assert m, href
            code, n = m[1], int(m[2])
            if code not in texts:
                texts[code] = _Page(site.get(f"/source/{code}.html").text)
            line = texts[code].lines.get(f"line-{n}")
            assert line is not None, f"{href} names no line"
            if value and re.fullmatch(r"\d+", value[0]):        # a count or a year: on the line it cites
                assert value[0] in line, (href, value[0], line)
                checked += 1
    assert checked >= 2
