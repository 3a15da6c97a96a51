"""The whole interface in Arabic: the catalogue is complete and compiled, every string the templates
and web modules mark for translation is in it, and each page asked for in Arabic is right-to-left,
shows none of its English interface strings, and formats its counts with Babel's Arabic rules (plural
forms included). Pages are parsed (html.parser); English data (names, query summaries) is marked
lang="en" on the pages and is not interface text."""
from __future__ import annotations

import gettext
import io
import re
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.dates import format_date
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

REPO = Path(__file__).resolve().parents[1]
TEMPLATES = REPO / "src" / "iscm_graph" / "web" / "templates"
TRANSLATIONS = REPO / "src" / "iscm_graph" / "web" / "translations"
PO = TRANSLATIONS / "ar" / "LC_MESSAGES" / "messages.po"
MO = TRANSLATIONS / "ar" / "LC_MESSAGES" / "messages.mo"
# the keywords `make translations` extracts (the Makefile's -k options on top of Babel's defaults)
KEYWORDS = {**DEFAULT_KEYWORDS, "lazy_gettext": None}
# Files (paths from the repository root) whose marked strings may still be missing from the catalogue
# because they are being rewritten elsewhere at the same time. Empty it when they are merged and
# translated; the test fails if a file listed here has nothing missing, so the list cannot go stale.
NOT_YET_TRANSLATED: frozenset[str] = frozenset()


def _catalogue():
    with PO.open("rb") as f:
        return read_po(f)


def _extracted() -> list[tuple[str, str | tuple]]:
    """(file, message id) of every string the extraction finds, as `make translations` runs it."""
    with (REPO / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    found = []
    for filename, _lineno, message, _comments, _context in extract_from_dir(
            str(REPO), method_map, options_map, keywords=KEYWORDS):
        found.append((filename, message))
    return found


def _msgid(message) -> str:
    return message[0] if isinstance(message, tuple) else message


# --- the catalogue -------------------------------------------------------------------------------

def test_the_catalogue_has_no_untranslated_or_fuzzy_entry():
    catalog = _catalogue()
    assert catalog.num_plurals == 6                        # Arabic: zero, one, two, few, many, other
    untranslated, fuzzy = [], []
    for m in catalog:
        if not m.id:
            continue
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        if len(strings) != (catalog.num_plurals if m.pluralizable else 1) or not all(strings):
            untranslated.append(m.id)
        if m.fuzzy:
            fuzzy.append(m.id)
    assert not untranslated and not fuzzy, (untranslated, fuzzy)
    errors = [(m.id, [str(e) for e in errs]) for m, errs in catalog.check()]
    assert not errors, errors                              # placeholders the English does not have


def test_the_compiled_catalogue_matches_the_po_file():
    compiled = io.BytesIO()
    write_mo(compiled, _catalogue())

    def messages(mo: bytes) -> dict:            # the header (dates, versions) aside
        return {k: v for k, v in gettext.GNUTranslations(io.BytesIO(mo))._catalog.items() if k}
    assert messages(MO.read_bytes()) == messages(compiled.getvalue()), "run `make translations`"


def test_every_marked_string_is_in_the_catalogue():
    catalogue = {_msgid(m.id): m for m in _catalogue() if m.id}
    found = _extracted()
    assert any(f.endswith("mechanisms.html") for f, _ in found)         # the extraction reads the templates
    missing: dict[str, set[str]] = {}
    for filename, message in found:
        entry = catalogue.get(_msgid(message))
        plural_differs = entry is not None and isinstance(message, tuple) != bool(entry.pluralizable)
        if entry is None or plural_differs:
            missing.setdefault(filename, set()).add(_msgid(message))
    exempt = {f: ids for f, ids in missing.items() if f in NOT_YET_TRANSLATED}
    assert not {f: ids for f, ids in missing.items() if f not in exempt}, "run `make translations`"
    assert set(exempt) == set(NOT_YET_TRANSLATED), "these files are translated now: empty NOT_YET_TRANSLATED"


# --- the pages -----------------------------------------------------------------------------------

class Visible(HTMLParser):
    """A page's <html> attributes, its visible text and readable attributes, leaving out what is not
    interface text: scripts and styles, code, pre, textareas, elements marked lang="en", and the lines
    of a source document's text (class "line": the document's own words, in both languages)."""
    SKIP = {"script", "style", "code", "pre", "textarea"}
    VOID = {"meta", "link", "input", "br", "img", "hr", "source", "wbr"}
    READ = ("title", "aria-label", "placeholder", "alt")

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.html_attrs: dict = {}
        self.parts: list[str] = []
        self.by_class: dict[str, list[str]] = {}
        self._stack: list[tuple[str, bool, list[str]]] = []
        self.feed(text)

    def _skipping(self) -> bool:
        return any(skip for _, skip, _ in self._stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.html_attrs = attrs
            return
        skip = tag in self.SKIP or attrs.get("lang") == "en" or "line" in (attrs.get("class") or "").split()
        if not skip and not self._skipping():
            self.parts += [v for k, v in attrs.items() if k in self.READ and v]
        if tag not in self.VOID:
            self._stack.append((tag, skip, (attrs.get("class") or "").split()))

    def handle_endtag(self, tag):
        for i in range(len(self._stack) - 1, -1, -1):
            if self._stack[i][0] == tag:
                del self._stack[i:]
                break

    def handle_data(self, data):
        for _, _, classes in self._stack:
            for c in classes:
                self.by_class.setdefault(c, []).append(data)
        if not self._skipping():
            self.parts.append(data)

    @property
    def text(self) -> str:
        # IRIs, paths and CURIEs (owl:Ontology) are not interface text either
        text = re.sub(r"(?:https?://|/)\S*", " ", " ".join(self.parts))
        return re.sub(r"\b[A-Za-z][\w-]*:[\w.-]+", " ", text)


def _english_fragments(messages) -> set[str]:
    """The English words of these interface strings: each message id (singular and plural) cut at
    its placeholders, keeping pieces with at least two letters."""
    fragments = set()
    for message in messages:
        for text in (message if isinstance(message, tuple) else (message,)):
            for piece in re.split(r"%\(\w+\)s|%s", text):
                piece = piece.strip(" .,:;()·…")
                if len(re.findall("[A-Za-z]", piece)) >= 2:
                    fragments.add(piece)
    return fragments


def _marked_in(template: str) -> list:
    return [message for filename, message in _extracted() if Path(filename).name == template]


def _arabic():
    with MO.open("rb") as f:
        return gettext.GNUTranslations(f)


@pytest.fixture
def fresh(site):
    """The session's app with a client of its own: asking for Arabic sets the `lang` cookie, which
    must not reach the other tests' requests."""
    client = type(site).__new__(type(site))
    client.client = site.client.application.test_client()
    return client


PAGES = {   # path: the template that draws it
    "/browse": "browse_index.html",
    "/browse/states": "browse.html",
    "/browse/objectives": "browse.html",
    "/browse/mechanisms": "mechanisms.html",
    "/browse/mechanisms?theme=labour-migration&decade=2000s": "mechanisms.html",
    "/search?q=colombo": "search.html",
    "/search?q=process": "search.html",
    "/search?q=zzzzqqq": "search.html",
    "/sparql": "query.html",
    "/api": "api.html",
    "/source/000.html": "source.html",
    "/ontology.html": "graph.html",
    "/graph/source/000.html": "graph.html",
    "/": "home.html",
    "/doc/mechanism/colombo-process.html": "resource.html",
    "/doc/mechanism/budapest-process.html": "resource.html",
    "/doc/state/egy.html": "resource.html",
    "/doc/body/ecowas.html": "resource.html",
    "/doc/paragraph/a-res-73-195-50.html": "resource.html",
    "/doc/source/000.html": "resource.html",
    "/maps": "maps.html",
    "/timeline": "timeline.html",
    "/overlap": "overlap.html",
    "/compare?m=colombo-process&m=abu-dhabi-dialogue": "compare.html",
    "/charts": "charts.html",
    "/releases": "releases.html",
}


def _get(client, path: str, lang: str):
    path, _, query = path.partition("?")
    params = [tuple(p.split("=", 1)) for p in query.split("&") if p]     # a name may repeat (/compare)
    resp = client.get(path, params=params + [("lang", lang)], headers={"Accept": "text/html"})
    assert resp.status_code == 200, (path, resp.status_code, resp.text[:300])
    return Visible(resp.text)


@pytest.mark.parametrize("path", sorted(PAGES))
def test_each_page_in_arabic_is_right_to_left_without_english_interface(fresh, path):
    page = _get(fresh, path, "ar")
    assert page.html_attrs == {"lang": "ar", "dir": "rtl"}
    # every English interface string the catalogue knows, not only this template's: a string left
    # unmarked, or moved from another page, is caught too
    assert _marked_in(PAGES[path]), "the template marks no string"
    fragments = _english_fragments(m.id for m in _catalogue() if m.id)
    english = sorted(f for f in fragments if re.search(r"(?<![\w-])" + re.escape(f) + r"(?![\w-])", page.text))
    assert not english, english
    assert re.search("[\u0600-\u06ff]", page.text)


@pytest.mark.parametrize("path", sorted(PAGES))
def test_each_page_in_english_keeps_its_english_interface(fresh, path):
    page = _get(fresh, path, "en")
    assert page.html_attrs == {"lang": "en", "dir": "ltr"}
    own = _english_fragments(_marked_in(PAGES[path]))
    assert any(re.search(r"(?<![\w-])" + re.escape(f) + r"(?![\w-])", page.text) for f in own), own


def _count_line(client, path: str, lang: str, **params) -> str:
    resp = client.get(path, params={**params, "lang": lang}, headers={"Accept": "text/html"})
    body = resp.text.split("<main>", 1)[1]
    first = re.search(r"<p>(.*?)</p>", body, re.S).group(1)
    return re.sub(r"<[^>]+>", "", first).split(" · ")[0].strip()


@pytest.mark.parametrize("path,singular,plural", [
    ("/browse/states", "%(num)s entry", "%(num)s entries"),
    ("/browse/commissions", "%(num)s entry", "%(num)s entries"),
    ("/browse/objectives", "%(num)s entry", "%(num)s entries"),
])
def test_counts_take_the_arabic_plural_form(fresh, path, singular, plural):
    rows = fresh.get(path, params={"format": "json"}).json()
    n = len(rows)
    expected = _arabic().ngettext(singular, plural, n) % {"num": format_decimal(n, locale="ar")}
    assert _count_line(fresh, path, "ar") == expected
    assert _count_line(fresh, path, "en") == f"{format_decimal(n, locale='en')} entries"
    # the forms differ: the page is not one form for every number
    forms = {_arabic().ngettext(singular, plural, k) for k in (0, 1, 2, 5, 11, 100)}
    assert len(forms) == 6


def test_the_mechanisms_count_and_the_pages_date_are_formatted_for_arabic(fresh):
    mechanisms = fresh.get("/browse/mechanisms", params={"format": "json"}).json()
    shown = fresh.get("/browse/mechanisms", params={"format": "json", "kind": "GlobalProcess"}).json()
    line = _count_line(fresh, "/browse/mechanisms", "ar", kind="GlobalProcess")
    total = len(mechanisms)
    expected = _arabic().ngettext("%(shown)s of %(num)s mechanism", "%(shown)s of %(num)s mechanisms", total) % {
        "shown": format_decimal(len(shown), locale="ar"), "num": format_decimal(total, locale="ar")}
    assert line.startswith(expected)
    manifest = fresh.client.application.extensions["iscm"].get().manifest
    created = datetime.fromisoformat(manifest["created"].replace("Z", "+00:00")).date()
    resp = fresh.get("/api", params={"lang": "ar"})
    assert re.search(r"<time[^>]*>([^<]*)</time>", resp.text).group(1) == format_date(created, "long", locale="ar")


def test_facet_values_and_kinds_are_named_in_arabic(fresh):
    resp = fresh.get("/browse/mechanisms", params={"lang": "ar", "theme": "labour-migration"})
    legends = re.findall(r"<legend>([^<]*)</legend>", resp.text)
    assert legends == ["النوع", "المنطقة", "المجال المواضيعي", "الأمانة", "عقد التأسيس"]
    kind = re.search(r'data-facet="kind" data-value="RegionalConsultativeProcess"[^>]*>([^<]*)</a>', resp.text)
    assert kind.group(1) == "عملية تشاورية إقليمية"
    theme = re.search(r'data-value="labour-migration"[^>]*>([^<]*)</a>', resp.text)
    assert theme.group(1) == "هجرة اليد العاملة"
    assert "<strong>هجرة اليد العاملة</strong>" in resp.text        # the chosen value, by name
    # the data stays as it was: English names, the kind's id
    rows = fresh.get("/browse/mechanisms", params={"format": "json", "theme": "labour-migration"}).json()
    assert rows and all(r["kind"] in ("RegionalConsultativeProcess", "InterRegionalForum", "GlobalProcess")
                        for r in rows)
    assert any("Labour migration" in r["themes"] or "labour migration" in r["themes"].lower() for r in rows)


def test_search_results_name_the_kind_in_arabic_and_json_stays_english(fresh):
    resp = fresh.get("/search", params={"lang": "ar", "q": "كولومبو"})
    assert '<span class="kind">العملية التشاورية الإقليمية بشأن الهجرة</span>' in resp.text
    data = fresh.get("/search", params={"q": "كولومبو", "format": "json", "lang": "ar"}).json()
    assert data["results"][0]["kindLabel"] == "regional consultative process on migration"


def test_code_and_iris_stay_left_to_right_in_arabic(fresh):
    api = fresh.get("/api", params={"lang": "ar"}).text
    assert '<pre dir="ltr">' in api and '<code dir="ltr">/api/members-of</code>' in api
    sparql = fresh.get("/sparql", params={"lang": "ar"}, headers={"Accept": "text/html"}).text
    assert '<textarea id="query" name="query" rows="14" dir="ltr"' in sparql
    assert re.search(r'<option value="[\w-]+" lang="en" dir="ltr">', sparql)      # the summaries stay English
