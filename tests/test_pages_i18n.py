"""The pages in Arabic and in English (issue 16, items 3-5): the language chosen by ?lang=, the cookie
and Accept-Language; names falling back visibly and counted on /untranslated; error pages for
browsers while API and RDF clients keep their error shapes; schema.org JSON-LD, canonical and hreflang
links, the sitemap and robots.txt. Pages are parsed (html.parser), not searched as text."""
from __future__ import annotations

import gettext
import io
import json
import re
import xml.etree.ElementTree as ET
from datetime import datetime
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path

import pytest
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

BUDAPEST = "/doc/mechanism/budapest-process.html"
OBJECTIVE = "/doc/objective/1.html"          # the GCM objectives have no Arabic name yet
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
TRANSLATIONS = Path(__file__).resolve().parents[1] / "src" / "iscm_graph" / "web" / "translations"


class Page(HTMLParser):
    """The parts of a page the tests read: every element with its attributes and text."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[dict] = []
        self._open: list[dict] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        el = {"tag": tag, "attrs": dict(attrs), "text": ""}
        self.elements.append(el)
        if tag not in ("meta", "link", "input", "br", "img"):
            self._open.append(el)

    def handle_endtag(self, tag):
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i]["tag"] == tag:
                del self._open[i:]
                break

    def handle_data(self, data):
        for el in self._open:
            el["text"] += data

    def find(self, tag, **attrs) -> list[dict]:
        return [e for e in self.elements if e["tag"] == tag
                and all(e["attrs"].get(k.rstrip("_")) == v for k, v in attrs.items())]

    def one(self, tag, **attrs) -> dict:
        found = self.find(tag, **attrs)
        assert len(found) == 1, (tag, attrs, found)
        return found[0]

    @property
    def html(self) -> dict:
        return self.find("html")[0]

    def jsonld(self) -> dict:
        return json.loads(self.one("script", type="application/ld+json")["text"])


@pytest.fixture
def fresh(site):
    """The session's app with a client of its own (cookies are per client)."""
    client = type(site).__new__(type(site))
    client.client = site.client.application.test_client()
    return client


def page(client, path, **kwargs) -> Page:
    resp = client.get(path, **kwargs)
    assert resp.status_code == 200, (path, resp.status_code, resp.text[:300])
    return Page(resp.text)


# --- choosing the language ------------------------------------------------------------------------

def test_lang_parameter_gives_arabic_right_to_left(fresh):
    resp = fresh.get("/", params={"lang": "ar"})
    doc = Page(resp.text)
    assert doc.html["attrs"] == {"lang": "ar", "dir": "rtl"}
    assert "بالأرقام" in [h["text"] for h in doc.find("h2")]                    # "In figures"
    assert {b["text"] for b in doc.find("button", type="submit")} == {"بحث"}
    assert "lang=ar" in resp.headers["Set-Cookie"]


def test_english_is_the_default_and_left_to_right(fresh):
    doc = page(fresh, "/")
    assert doc.html["attrs"] == {"lang": "en", "dir": "ltr"}
    assert "In figures" in [h["text"] for h in doc.find("h2")]


def test_the_cookie_keeps_the_choice(fresh):
    fresh.get("/", params={"lang": "ar"})
    assert page(fresh, "/browse").html["attrs"]["lang"] == "ar"
    assert page(fresh, BUDAPEST).html["attrs"]["lang"] == "ar"
    fresh.get("/", params={"lang": "en"})
    assert page(fresh, "/browse").html["attrs"]["lang"] == "en"


@pytest.mark.parametrize("header,lang", [("ar", "ar"), ("ar-EG,ar;q=0.9,en;q=0.5", "ar"), ("fr, ar;q=0.5", "ar"),
                                         ("en-GB,en;q=0.9", "en"), ("fr", "en"), ("", "en")])
def test_accept_language_picks_the_best_match(fresh, header, lang):
    doc = page(fresh, "/browse", headers={"Accept-Language": header})
    assert doc.html["attrs"]["lang"] == lang


def test_the_parameter_wins_over_cookie_and_header(fresh):
    fresh.get("/", params={"lang": "ar"})
    doc = page(fresh, "/browse", params={"lang": "en"}, headers={"Accept-Language": "ar"})
    assert doc.html["attrs"]["lang"] == "en"


@pytest.mark.parametrize("value", ["xx", "AR", "<script>", "ar'--", "e" * 500, ""])
def test_an_unknown_language_falls_back_to_english(fresh, value):
    resp = fresh.get("/browse", params={"lang": value})
    assert resp.status_code == 200 and "Set-Cookie" not in resp.headers
    assert Page(resp.text).html["attrs"]["lang"] == "en"


def test_a_forged_cookie_is_ignored(fresh):
    fresh.client.set_cookie("lang", "xx")
    assert page(fresh, "/browse").html["attrs"]["lang"] == "en"


def test_every_page_links_to_itself_in_the_other_language(fresh):
    doc = page(fresh, "/search", params={"q": "Colombo"})
    switch = doc.one("a", **{"class": "lang-switch"})
    assert switch["attrs"]["href"] == "/search?q=Colombo&lang=ar" and switch["attrs"]["hreflang"] == "ar"
    doc = page(fresh, "/search", params={"q": "Colombo", "lang": "ar"})
    assert doc.one("a", **{"class": "lang-switch"})["attrs"]["href"] == "/search?q=Colombo&lang=en"


def test_pages_in_each_language_have_their_own_etag_and_cache_entry(fresh):
    ar = fresh.get("/browse/states", headers={"Accept-Language": "ar"})
    en = fresh.get("/browse/states", headers={"Accept-Language": "en"})
    assert ar.headers["ETag"] != en.headers["ETag"]
    assert "Accept-Language" in en.headers["Vary"] and "Cookie" in en.headers["Vary"]
    again = fresh.get("/browse/states", headers={"Accept-Language": "en"})
    assert Page(again.text).html["attrs"]["lang"] == "en"
    assert fresh.get("/browse/states", headers={"Accept-Language": "en", "If-None-Match": ar.headers["ETag"]}
                     ).status_code == 200
    assert fresh.get("/browse/states", headers={"Accept-Language": "en", "If-None-Match": en.headers["ETag"]}
                     ).status_code == 304


def test_numbers_and_dates_follow_the_language(fresh):
    manifest = fresh.client.application.extensions["iscm"].get().manifest
    created = datetime.fromisoformat(manifest["created"].replace("Z", "+00:00")).date()
    for lang in ("en", "ar"):
        doc = page(fresh, "/", params={"lang": lang})
        assert doc.one("time")["text"] == format_date(created, "long", locale=lang)
    sizes = [td["text"] for td in page(fresh, "/", params={"lang": "en"}).find("td") if td["text"].endswith("bytes")]
    assert sizes and all(re.fullmatch(r"\d{1,3}(,\d{3})* bytes", s) for s in sizes)


# --- names in the chosen language ----------------------------------------------------------------

def test_a_missing_arabic_name_falls_back_visibly(fresh):
    doc = page(fresh, OBJECTIVE, params={"lang": "ar"})
    h1 = doc.one("h1")
    marked = doc.find("span", **{"class": "untranslated"})
    assert marked and marked[0]["attrs"]["lang"] == "en" and marked[0]["attrs"]["dir"] == "ltr"
    assert marked[0]["text"] and marked[0]["text"] in h1["text"]
    assert "الاسم العربي غير متوفر" in [s["text"] for s in doc.find("span", **{"class": "missing"})]
    english = page(fresh, OBJECTIVE, params={"lang": "en"})
    assert "Arabic name missing" in [s["text"] for s in english.find("span", **{"class": "missing"})]
    assert not english.find("span", **{"class": "untranslated"})


def test_names_are_in_the_chosen_language(fresh):
    ar = page(fresh, BUDAPEST, params={"lang": "ar"})
    assert ar.one("h1")["text"] == "عملية بودابست"
    assert "Budapest Process" in [p["text"] for p in ar.find("p", lang="en")]
    en = page(fresh, BUDAPEST, params={"lang": "en"})
    assert en.one("h1")["text"] == "Budapest Process"
    assert en.one("title")["text"].startswith("Budapest Process")


def test_untranslated_lists_and_counts_the_entities_without_a_name(fresh):
    doc = page(fresh, "/untranslated")
    count = int(doc.one("data", id="count-ar")["attrs"]["value"])
    table = doc.one("table", **{"data-lang": "ar"})
    rows = [a for a in doc.find("a") if a["attrs"].get("href", "").startswith("/doc/")]
    assert count > 0 and table
    assert OBJECTIVE in {a["attrs"]["href"] for a in rows}
    assert BUDAPEST not in {a["attrs"]["href"] for a in rows}
    assert int(doc.one("data", id="count-en")["attrs"]["value"]) >= 0
    assert len([a for a in rows]) == count + int(doc.one("data", id="count-en")["attrs"]["value"])


# --- errors ---------------------------------------------------------------------------------------

def test_a_browser_gets_a_404_page_in_arabic_with_search_and_home(fresh):
    resp = fresh.get("/no/such/page", params={"lang": "ar"}, headers={"Accept": BROWSER})
    assert resp.status_code == 404 and resp.headers["Content-Type"].startswith("text/html")
    doc = Page(resp.text)
    assert doc.html["attrs"] == {"lang": "ar", "dir": "rtl"}
    assert "غير موجود" in doc.one("h1")["text"]
    forms = doc.find("form", action="/search")
    assert forms and all(f["attrs"]["method"] == "get" for f in forms)
    assert doc.find("input", id="error-q", name="q")
    assert doc.find("a", href="/", rel="home")
    assert doc.find("meta", name="robots", content="noindex") and not doc.find("link", rel="canonical")
    assert "Traceback" not in resp.text


def test_a_browser_gets_an_unknown_resource_as_a_page_too(fresh):
    resp = fresh.get("/doc/mechanism/no-such-thing.html", params={"lang": "ar"}, headers={"Accept": BROWSER})
    assert resp.status_code == 404 and Page(resp.text).html["attrs"]["lang"] == "ar"


def test_browser_405_and_406_are_pages_and_keep_their_headers(fresh):
    put = fresh.put("/sparql", data="x", headers={"Accept": BROWSER})
    assert put.status_code == 405 and "GET" in put.headers["Allow"]
    assert put.headers["Content-Type"].startswith("text/html") and Page(put.text).one("h1")["text"].startswith("405")
    void = fresh.get("/.well-known/void", headers={"Accept": "text/html"})
    assert void.status_code == 406 and Page(void.text).one("h1")["text"].startswith("406")


@pytest.mark.parametrize("headers", [{"Accept": "application/json"}, {"Accept": "text/plain"}, {}, {"Accept": "*/*"},
                                     {"Accept": "application/json, text/html;q=0.5"}])
def test_api_and_plain_clients_keep_the_error_shapes(fresh, headers):
    resp = fresh.get("/no/such/page", params={"lang": "ar"}, headers=headers)
    assert resp.status_code == 404
    if headers.get("Accept", "").startswith("application/json"):
        assert resp.headers["Content-Type"].startswith("application/json")
        assert resp.json() == {"error": {"status": 404, "message": resp.json()["error"]["message"]}}
    else:
        assert resp.headers["Content-Type"].startswith("text/plain") and resp.text.startswith("404 ")


def test_rdf_clients_keep_their_404(fresh):
    resp = fresh.get("/id/mechanism/no-such-thing", headers={"Accept": "text/turtle"})
    assert resp.status_code == 404 and resp.headers["Content-Type"].startswith("text/turtle")


# --- findable -------------------------------------------------------------------------------------

def test_the_home_page_describes_the_dataset(fresh):
    data = page(fresh, "/").jsonld()
    assert data["@context"] == "https://schema.org" and data["@type"] == "Dataset"
    assert data["license"].startswith("https://creativecommons.org/licenses/by/")
    assert {n["@language"] for n in data["name"]} == {"en", "ar"} and data["description"]
    urls = [d["contentUrl"] for d in data["distribution"]]
    assert urls and all(u.startswith("http://localhost/download/") for u in urls)
    assert all(d["@type"] == "DataDownload" and d["encodingFormat"] for d in data["distribution"])


@pytest.mark.parametrize("path,schema_type", [(BUDAPEST, "Organization"), ("/doc/state/egy.html", "Country"),
                                              ("/doc/organization/au-commission.html", "Organization"),
                                              ("/doc/source/000.html", "CreativeWork"),
                                              ("/doc/objective/1.html", "DefinedTerm")])
def test_entity_pages_describe_the_entity(fresh, path, schema_type):
    data = page(fresh, path).jsonld()
    assert data["@type"] == schema_type and data["url"] == "http://localhost" + path
    assert data["@id"].startswith("https://w3id.org/iscm/id/")


def test_meetings_are_events_and_states_name_their_matches(fresh):
    sitemap = fresh.get("/sitemap.xml").text
    meeting = re.search(r"<loc>http://localhost(/doc/meeting/[^<?]+)\?lang=en</loc>", sitemap)
    assert meeting, "no meeting page in the sitemap"
    assert page(fresh, meeting.group(1)).jsonld()["@type"] == "Event"
    egypt = page(fresh, "/doc/state/egy.html").jsonld()
    # its skos:exactMatch: the EU country authority and its Wikidata item (data/curated/wikidata.csv)
    assert egypt["sameAs"] == ["http://publications.europa.eu/resource/authority/country/EGY",
                               "http://www.wikidata.org/entity/Q79"]
    assert {n["@language"]: n["@value"] for n in egypt["name"]} == {"en": "Egypt", "ar": "مصر"}


@pytest.mark.parametrize("path", ["/", "/browse", "/browse/states", BUDAPEST, "/untranslated", "/charts",
                                  "/search?q=Colombo"])
def test_every_page_has_a_canonical_link_and_language_alternates(fresh, path):
    doc = page(fresh, path, params={"lang": "ar"} if "?" not in path else None)
    canonical = doc.one("link", rel="canonical")["attrs"]["href"]
    assert canonical.startswith("http://localhost/") and "lang=" in canonical
    alternates = {link["attrs"]["hreflang"]: link["attrs"]["href"] for link in doc.find("link", rel="alternate")
                  if "hreflang" in link["attrs"]}
    assert set(alternates) == {"en", "ar", "x-default"}
    assert alternates["ar"].endswith("lang=ar") and "lang=" not in alternates["x-default"]


def test_the_sitemap_lists_the_pages_with_their_alternates(fresh):
    resp = fresh.get("/sitemap.xml")
    assert resp.status_code == 200 and resp.headers["Content-Type"].startswith("application/xml")
    root = ET.fromstring(resp.content)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    urls = {u.find("s:loc", ns).text: u for u in root.findall("s:url", ns)}
    assert "http://localhost/?lang=en" in urls and "http://localhost/?lang=ar" in urls
    budapest = urls["http://localhost" + BUDAPEST + "?lang=ar"]
    links = {link.get("hreflang"): link.get("href") for link in budapest.findall("x:link", ns)}
    assert links == {"en": "http://localhost" + BUDAPEST + "?lang=en", "ar": "http://localhost" + BUDAPEST + "?lang=ar",
                     "x-default": "http://localhost" + BUDAPEST}
    assert len(urls) > 1000 and all(loc.startswith("http://localhost/") for loc in urls)


def test_robots_points_to_the_sitemap(fresh):
    resp = fresh.get("/robots.txt")
    assert resp.status_code == 200 and resp.headers["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://localhost/sitemap.xml" in resp.text.splitlines()


# --- the catalogues -------------------------------------------------------------------------------

def _read(path: Path):
    with path.open("rb") as f:
        return read_po(f)


def test_every_string_of_the_pages_is_translated_into_arabic():
    template = {m.id for m in _read(TRANSLATIONS / "messages.pot") if m.id}
    arabic = {m.id: m.string for m in _read(TRANSLATIONS / "ar" / "LC_MESSAGES" / "messages.po") if m.id}
    assert template == set(arabic), "run `make translations` and translate the new strings"
    # a plural entry has one string per Arabic plural form: each is checked
    forms = {(k, s) for k, v in arabic.items() for s in (v if isinstance(v, tuple) else (v,))}
    assert all(s for _, s in forms), [k for k, s in forms if not s]
    assert all(re.search("[\u0600-\u06ff]", s) for _, s in forms)


def test_the_compiled_catalogue_is_the_current_one():
    catalog = _read(TRANSLATIONS / "ar" / "LC_MESSAGES" / "messages.po")
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    committed = (TRANSLATIONS / "ar" / "LC_MESSAGES" / "messages.mo").read_bytes()
    def messages(mo: bytes) -> dict:      # the header (dates, versions) aside
        return {k: v for k, v in gettext.GNUTranslations(io.BytesIO(mo))._catalog.items() if k}
    assert messages(committed) == messages(compiled.getvalue()), "run `make translations`"


def test_the_installed_package_carries_the_catalogue():
    mo = resources.files("iscm_graph") / "web" / "translations" / "ar" / "LC_MESSAGES" / "messages.mo"
    assert mo.is_file()


def test_media_types_are_named_only_in_the_formats_table():
    """The new modules (and every other) take media types from rdf/formats.py: no string constant of
    the code elsewhere is one."""
    import ast
    package = Path(__file__).resolve().parents[1] / "src" / "iscm_graph"
    media_type = re.compile(r"^(text|application|image)/[\w.+-]+$")
    found = []
    for path in package.rglob("*.py"):
        if path.relative_to(package).as_posix() == "rdf/formats.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and media_type.match(node.value):
                found.append((path.name, node.value))
    assert not found, found


@pytest.mark.parametrize("path,canonical", [("/doc/mechanism/budapest-process", BUDAPEST),
                                            ("/source/000", "/source/000.html"), ("/ontology", "/ontology.html")])
def test_a_page_served_at_two_paths_names_one(fresh, path, canonical):
    doc = page(fresh, path, headers={"Accept": "text/html"})
    assert doc.one("link", rel="canonical")["attrs"]["href"] == "http://localhost" + canonical + "?lang=en"
    assert doc.one("a", **{"class": "lang-switch"})["attrs"]["href"] == canonical + "?lang=ar"
