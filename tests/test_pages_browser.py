"""The profile pages in a real browser, in English and in Arabic: Playwright driving Debian's Chromium
against a live server (the `server` fixture), one page per test, parametrized by (page, language).

Each page is checked against the pages' markup contract (summary box `#summary`, `#members`,
`#memberships`, the member map `#member-map`, `#statements`, `#footnotes`), against the facts the data
states (asserted by IRI or link, so both languages share them), with axe-core (no serious or critical
violation), for requests to other hosts (none), and without JavaScript (the summary, the members and
the map's fallback table are still there; the search form still works).

Full-page screenshots go to tests/screenshots/pages/{lang}-{name}.png (kept out of git).
"""
from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from babel.messages.pofile import read_po

playwright = pytest.importorskip("playwright.sync_api")
axe_playwright = pytest.importorskip("axe_playwright_python.sync_playwright")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# the flags that work on these machines (no sandbox as root; no background traffic to outside hosts)
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
SHOTS = Path(__file__).parent / "screenshots" / "pages"
CATALOGUE = (Path(__file__).resolve().parents[1] / "src" / "iscm_graph" / "web" / "translations" / "ar"
             / "LC_MESSAGES" / "messages.po")
LANGS = ("en", "ar")
ARABIC = re.compile(r"[\u0600-\u06FF]")
DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789")  # numbers may be written in Arabic-Indic digits
# Vega renders the map after the page has loaded; it gets this long before the test fails
RENDER_MS = 20_000

ID = "https://w3id.org/iscm/id/"


def state(code: str) -> str:
    return f"{ID}state/{code}"


def doc(iri: str) -> str:
    """The page of an entity of the graph, as the pages link it (a query string may follow)."""
    return "/doc/" + iri.removeprefix(ID) + ".html"


@dataclass(frozen=True)
class Profile:
    """One page under test and what the data says it must show."""
    path: str
    names: dict                      # the page's h1 per language
    facts: dict = field(default_factory=dict)        # summary fact KEY -> IRIs linked in its <dd>
    numbers: dict = field(default_factory=dict)      # summary fact KEY -> numbers (and years) its <dd> shows
    disagreements: tuple = ()                        # summary facts whose sources disagree
    statements: dict = field(default_factory=dict)   # ontology term -> IRIs among its values
    members: dict = field(default_factory=dict)      # data-role -> IRIs with a row in that table
    member_counts: dict = field(default_factory=dict)  # data-role -> exact number of rows
    memberships: tuple = ()                          # organizations with a row in #memberships
    links: tuple = ()                                # IRIs linked from #links
    map_names: dict = field(default_factory=dict)    # language -> member names the map's table lists

    @property
    def has_summary(self) -> bool:
        return bool(self.facts)

    @property
    def has_map(self) -> bool:
        return bool(self.member_counts)


KIND_RCP = f"{ID}kind/regional-consultative-process"
GCM = f"{ID}document/a-res-73-195"
IMRF = f"{ID}forum/imrf"
COLOMBO_MEMBERS = ("afg", "bgd", "khm", "chn", "ind", "idn", "npl", "pak", "phl", "lka", "tha", "vnm")
ECOWAS_MEMBERS = ("ben", "civ", "cpv", "gha", "gin", "gmb", "gnb", "lbr", "nga", "sen", "sle", "tgo")

PAGES = {
    "home": Profile("/", {"en": "Inter-State Consultation Mechanisms on Migration",
                          "ar": "آليات التشاور بين الدول بشأن الهجرة"}),
    # data/memberships/colombo-process.csv: 12 members, 8 observers; secretariat IOM (data/curated/names.trig)
    "colombo-process": Profile(
        "/doc/mechanism/colombo-process.html",
        {"en": "Regional Consultative Process on Overseas Employment and Contractual Labour for Countries "
               "of Origin in Asia", "ar": "عملية كولومبو"},
        facts={"kind": [KIND_RCP], "secretariat": [f"{ID}organization/iom"], "region": [f"{ID}region/asia-pacific"],
               "themes": [f"{ID}theme/labour-migration"]},
        # the brochure (2014) counts 11 members, the fact sheet (2018) 12
        numbers={"members": [11, 2014, 12, 2018], "observers": [8], "founded": [2003]}, disagreements=("members",),
        statements={"declaredKind": [KIND_RCP], "hasSecretariat": [f"{ID}organization/iom"],
                    "hasMember": [state("lka")]},
        members={"member": [state(c) for c in COLOMBO_MEMBERS], "observer": [state("are"), state("kor")]},
        member_counts={"member": 12, "observer": 8},
        links=(f"{ID}paragraph/a-res-73-195-50", f"{ID}paragraph/a-res-73-195-52"),
        map_names={"en": ["Sri Lanka", "Nepal", "Cambodia"], "ar": ["سريلانكا"]}),
    # data/memberships/budapest-process.csv: 52 participating states, 7 observers; Türkiye chair since
    # 2006 with Hungary co-chair, Hungary chair 1993-2006 (ended: former); secretariat ICMPD
    "budapest-process": Profile(
        "/doc/mechanism/budapest-process.html", {"en": "Budapest Process", "ar": "عملية بودابست"},
        facts={"kind": [KIND_RCP], "secretariat": [f"{ID}organization/icmpd"], "chair": [state("tur")]},
        # the brochure's 49 predates the Silk Routes countries, the fact sheet counts 52
        numbers={"members": [49, 52], "observers": [7], "founded": [1993]}, disagreements=("members",),
        statements={"hasSecretariat": [f"{ID}organization/icmpd"], "hasChair": [state("tur")]},
        members={"member": [state("tur"), state("hun"), state("afg"), state("irq"), state("pak")],
                 "observer": [state("usa"), state("can")], "chair": [state("tur")],
                 "co-chair": [state("hun")], "former": [state("hun")]},
        member_counts={"member": 52, "observer": 7, "chair": 1, "co-chair": 1},
        map_names={"en": ["Türkiye", "Hungary"], "ar": ["تركيا"]}),
    # data/memberships/*.csv rows for EGY, and the mechanisms derived from its bodies' memberships
    "egypt": Profile(
        "/doc/state/egy.html", {"en": "Egypt", "ar": "مصر"},
        facts={"un-status": [f"{ID}concept/un-member-state"], "code": []},
        # member of six mechanisms today: Khartoum, MTM, and PAFoM, MIDCOM, GFMD, the Arab RCP through
        # its bodies (the Rabat Process ended in 2014)
        numbers={"mechanisms": [6]},
        statements={"memberOf": [f"{ID}mechanism/khartoum-process", f"{ID}mechanism/mtm", f"{ID}body/au",
                                 f"{ID}body/las"]},
        memberships=(f"{ID}mechanism/khartoum-process", f"{ID}mechanism/mtm", f"{ID}mechanism/rabat-process",
                     f"{ID}body/au", f"{ID}body/las", f"{ID}body/comesa", f"{ID}commission/eca",
                     f"{ID}commission/escwa")),
    # data/memberships/ecowas.csv: 12 member states today; Burkina Faso, Mali and Niger left on
    # 29 January 2025, Mauritania in 2000 (ended: former)
    "ecowas": Profile(
        "/doc/body/ecowas.html",
        {"en": "Economic Community of West African States", "ar": "الجماعة الاقتصادية لدول غرب أفريقيا"},
        facts={"members": []}, numbers={"members": [12]},
        statements={"hasMember": [state(c) for c in ECOWAS_MEMBERS]},
        members={"member": [state(c) for c in ECOWAS_MEMBERS],
                 "former": [state("bfa"), state("mli"), state("ner"), state("mrt")]},
        member_counts={"member": 12},
        links=(f"{ID}mechanism/midwa",),
        map_names={"en": ["Nigeria", "Ghana", "Cabo Verde"], "ar": ["نيجيريا"]}),
    # the GCM paragraphs data/sources/003.trig gives the mechanisms a role in: 49 creates the review
    # forum (IMRF); 50 invites RCPs to regional reviews; 52 invites RCPs to contribute to the IMRF
    "gcm-49": Profile(
        "/doc/paragraph/a-res-73-195-49.html", {"en": "GCM paragraph 49", "ar": "الفقرة 49 من الاتفاق العالمي"},
        facts={"document": [GCM], "mentions": [IMRF, f"{ID}event/high-level-dialogue"]}, numbers={"number": [49]},
        statements={"partOfDocument": [GCM], "mentions": [IMRF]}),
    "gcm-50": Profile(
        "/doc/paragraph/a-res-73-195-50.html", {"en": "GCM paragraph 50", "ar": "الفقرة 50 من الاتفاق العالمي"},
        facts={"document": [GCM], "mentions": [KIND_RCP, IMRF, f"{ID}forum/regional-reviews"]},
        numbers={"number": [50]},
        statements={"partOfDocument": [GCM], "mentions": [KIND_RCP, IMRF], "invites": [KIND_RCP]}),
    "gcm-52": Profile(
        "/doc/paragraph/a-res-73-195-52.html", {"en": "GCM paragraph 52", "ar": "الفقرة 52 من الاتفاق العالمي"},
        facts={"document": [GCM], "mentions": [KIND_RCP, f"{ID}kind/consultation-mechanism", IMRF]},
        numbers={"number": [52]},
        statements={"partOfDocument": [GCM], "mentions": [KIND_RCP, IMRF], "invites": [KIND_RCP]}),
}
CASES = [pytest.param(name, lang, id=f"{lang}-{name}") for name in PAGES for lang in LANGS]
PROFILES = [c for c in CASES if PAGES[c.values[0]].has_summary]
MAPS = [c for c in CASES if PAGES[c.values[0]].has_map]


@pytest.fixture(scope="module")
def interface():
    """The interface strings in the page's language: the Arabic catalogue's translations."""
    with CATALOGUE.open("rb") as f:
        catalogue = read_po(f)

    def translate(text: str, lang: str) -> str:
        if lang == "en":
            return text
        message = catalogue.get(text)
        assert message is not None and message.string, f"{text!r} has no Arabic translation"
        return message.string
    return translate


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is not installed: `make test` installs Debian's chromium package")
    SHOTS.mkdir(parents=True, exist_ok=True)
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


def _context(browser, server, **options):
    return browser.new_context(base_url=server, viewport={"width": 1280, "height": 900}, **options)


@pytest.fixture(scope="module")
def with_js(browser, server):
    context = _context(browser, server)
    yield context
    context.close()


@pytest.fixture(scope="module")
def without_js(browser, server):
    context = _context(browser, server, java_script_enabled=False)
    yield context
    context.close()


def _open(context, server, name, lang):
    """A new page at PAGES[name] in `lang`; every URL it requests is kept in page.requested."""
    pg = context.new_page()
    pg.requested = []
    pg.on("request", lambda req: pg.requested.append(req.url))
    response = pg.goto(f"{PAGES[name].path}?lang={lang}")
    assert response is not None and response.status == 200, (name, lang, response and response.status)
    return pg


@pytest.fixture
def page(with_js, server, request):
    name, lang = request.node.callspec.params["name"], request.node.callspec.params["lang"]
    pg = _open(with_js, server, name, lang)
    pg.wait_for_load_state("networkidle")
    yield pg
    pg.close()


@pytest.fixture
def static_page(without_js, server, request):
    name, lang = request.node.callspec.params["name"], request.node.callspec.params["lang"]
    pg = _open(without_js, server, name, lang)
    yield pg
    pg.close()


def outside_requests(pg, server) -> list[str]:
    here = urlsplit(server).netloc
    return [u for u in pg.requested
            if not u.startswith(("data:", "blob:", "about:")) and urlsplit(u).netloc != here]


def wait_for_map(pg):
    """Wait for the member map to be drawn, when the page has one (test_member_map fails when it has
    none, or when it is never drawn)."""
    if pg.locator("#member-map .picture-view").count():
        try:
            pg.wait_for_selector("#member-map .picture-view svg", timeout=RENDER_MS)
        except playwright.TimeoutError:
            pass


def linked(scope, iri: str):
    """The links to an entity's page inside a locator (exact path; a query string may follow)."""
    href = doc(iri)
    return scope.locator(f'a[href="{href}"], a[href^="{href}?"], a[href^="{href}#"]')


# ---------------------------------------------------------------------------------- the shell

@pytest.mark.parametrize("name,lang", CASES)
def test_language_title_switch_and_footer(page, server, interface, name, lang):
    profile = PAGES[name]
    html = page.locator("html")
    assert html.get_attribute("lang") == lang
    assert html.get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")

    # the name in the page's language
    title = page.title()
    wanted = profile.names[lang]
    if name == "home":
        assert page.locator(f'main h1[lang="{lang}"]').inner_text().strip() == wanted
        assert page.locator("main h1").first.get_attribute("lang") == lang  # the page's language first
        assert title == interface("ISCM knowledge graph", lang)
    else:
        assert page.locator("main h1").inner_text().strip() == wanted
        assert title == f"{wanted} · {interface('ISCM graph', lang)}"
        # the name in the other language stands beside it, marked as that language
        other = "en" if lang == "ar" else "ar"
        assert page.locator(f'main .names [lang="{other}"]', has_text=profile.names[other]).count() >= 1

    # the interface strings are the catalogue's, Arabic ones in Arabic
    nav = page.locator('header nav a[href="/browse"]')
    assert nav.inner_text().strip() == interface("Browse", lang)
    assert page.locator("header form[role=search] button[type=submit]").inner_text().strip() == \
        interface("Search", lang)
    if lang == "ar":
        assert ARABIC.search(nav.inner_text())

    # the switch leads to the same page in the other language, and is marked as that language
    other = "en" if lang == "ar" else "ar"
    switch = page.locator("header a.lang-switch")
    assert switch.count() == 1
    assert switch.get_attribute("hreflang") == other and switch.get_attribute("lang") == other
    assert switch.inner_text().strip() == ("العربية" if other == "ar" else "English")
    switch.click()
    page.wait_for_load_state()
    assert urlsplit(page.url).path == profile.path
    assert page.locator("html").get_attribute("lang") == other
    page.go_back()
    page.wait_for_load_state()

    # nothing sticks out sideways (an element pushed off one side widens a right-to-left page)
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 5

    # the footer: the build's date and the translation coverage, in the page's language
    footer = page.locator("footer")
    assert footer.locator("time[datetime]").count() == 1
    assert footer.locator('a[href="/untranslated"]').inner_text().strip() == \
        interface("Translation coverage", lang)

    wait_for_map(page)  # the screenshot shows the map once drawn
    page.screenshot(path=str(SHOTS / f"{lang}-{name}.png"), full_page=True)
    assert outside_requests(page, server) == []


# ---------------------------------------------------------------------------------- the facts

def statement_values(pg) -> dict[str, list[str]]:
    """Ontology term -> the hrefs of its values, read from the statement tables (#statements when
    the page has it): a row names its property in its first cell, or leaves it empty to continue the
    row above."""
    return pg.evaluate("""() => {
      const scope = document.querySelector('#statements') || document.querySelector('main');
      const found = {};
      for (const table of scope.querySelectorAll('table')) {
        let term = null;
        for (const row of table.querySelectorAll('tbody tr')) {
          const cells = row.querySelectorAll(':scope > td');
          if (cells.length < 2) { term = null; continue; }
          const first = cells[0];
          const property = first.querySelector('a[href^="/ontology.html#"]');
          if (property) term = property.getAttribute('href').split('#')[1];
          else if (first.textContent.trim()) term = null;
          if (!term) continue;
          (found[term] = found[term] || []).push(
            ...[...cells[1].querySelectorAll('a[href]')].map(a => a.getAttribute('href')));
        }
      }
      return found;
    }""")


@pytest.mark.parametrize("name,lang", [c for c in CASES if PAGES[c.values[0]].statements])
def test_statement_tables_hold_the_facts(page, name, lang):
    found = statement_values(page)
    for term, iris in PAGES[name].statements.items():
        hrefs = {h.split("?")[0] for h in found.get(term, [])}
        missing = [iri for iri in iris if doc(iri) not in hrefs]
        assert not missing, f"{term}: {missing} not among {sorted(hrefs)}"


@pytest.mark.parametrize("name,lang", PROFILES)
def test_summary_box(page, name, lang):
    summary = page.locator('aside#summary.summary[aria-labelledby="summary-title"]')
    assert summary.count() == 1
    assert summary.locator("h2#summary-title").inner_text().strip()
    profile = PAGES[name]
    for key in {**profile.facts, **profile.numbers}:
        fact = summary.locator(f'dl .fact[data-fact="{key}"]')
        assert fact.count() == 1, f"no fact {key!r}"
        assert fact.locator("dt").inner_text().strip(), f"fact {key!r} has no name"
        assert fact.locator("dd").first.inner_text().strip(), f"fact {key!r} has no value"
        for iri in profile.facts.get(key, []):
            assert linked(fact.locator("dd"), iri).count() >= 1, f"fact {key!r} does not link {iri}"
        # the text without the footnote numbers (they stick to the values)
        text = fact.locator("dd").evaluate(
            "dd => { const c = dd.cloneNode(true); c.querySelectorAll('sup').forEach(s => s.remove());"
            " return c.textContent; }")
        shown = {int(n) for n in re.findall(r"[0-9]+", text.translate(DIGITS))}
        missing = [n for n in profile.numbers.get(key, []) if n not in shown]
        assert not missing, f"fact {key!r} does not show {missing}"
    for key in profile.disagreements:
        assert summary.locator(f'.fact[data-fact="{key}"] dd.disagreement').count() == 1, f"{key!r} disagreement"
    if lang == "ar":
        assert ARABIC.search(summary.locator("h2#summary-title").inner_text())

    # every footnote reference points at a footnote naming its source document
    refs = summary.locator("sup a.fn-ref")
    assert refs.count() >= 1
    for href in set(refs.evaluate_all("els => els.map(a => a.getAttribute('href'))")):
        assert re.fullmatch(r"#fn-\d+", href), href
        note = page.locator(f"ol#footnotes > li{href}")
        assert note.count() == 1, f"{href} has no footnote"
        # a source document, or the curated graph a fact comes from
        assert note.locator('a[href^="/doc/source/"], a[href^="/source/"], a[href^="/graph/"]').count() >= 1

    # the inferred statements are there but folded away
    inferred = page.locator("#statements details#inferred")
    assert inferred.count() == 1 and inferred.get_attribute("open") is None


def _assert_members(pg, name):
    profile = PAGES[name]
    if profile.memberships:
        section = pg.locator('section#memberships[aria-labelledby="memberships-title"]')
        assert section.count() == 1 and pg.locator("#memberships-title").count() == 1
        for iri in profile.memberships:
            row = section.locator(f'tr[data-organization="{iri}"]')
            assert row.count() >= 1, f"no membership row for {iri}"
            assert linked(row.first, iri).count() >= 1, f"the row of {iri} does not link its page"
    if profile.members:
        section = pg.locator('section#members[aria-labelledby="members-title"]')
        assert section.count() == 1 and pg.locator("#members-title").count() == 1
        for role, iris in profile.members.items():
            table = section.locator(f'table.members[data-role="{role}"]')
            assert table.count() == 1, f"no table for role {role!r}"
            for iri in iris:
                row = table.locator(f'tr[data-member="{iri}"]')
                assert row.count() == 1, f"{iri} has {row.count()} rows as {role!r}"
                assert linked(row, iri).count() >= 1, f"the row of {iri} does not link its page"
        for role, n in profile.member_counts.items():
            rows = section.locator(f'table.members[data-role="{role}"] tr[data-member]')
            assert rows.count() == n, f"{rows.count()} rows as {role!r}, the data has {n}"


@pytest.mark.parametrize("name,lang", [c for c in CASES if PAGES[c.values[0]].members
                                       or PAGES[c.values[0]].memberships])
def test_members_and_memberships(page, name, lang):
    _assert_members(page, name)


@pytest.mark.parametrize("name,lang", [c for c in CASES if PAGES[c.values[0]].links])
def test_links(page, name, lang):
    section = page.locator('section#links[aria-labelledby="links-title"]')
    assert section.count() == 1
    for iri in PAGES[name].links:
        assert linked(section, iri).count() >= 1, f"#links does not link {iri}"


# ---------------------------------------------------------------------------------- the map

def _assert_map_table(pg, name, lang):
    table = pg.locator("#member-map table.picture-table")
    assert table.count() == 1
    # text_content: with JavaScript the table may be folded away behind the drawn map
    assert table.locator("caption").text_content().strip()
    assert table.locator('thead th[scope="col"]').count() >= 1
    assert table.locator("tbody tr").count() >= PAGES[name].member_counts["member"]
    text = table.text_content()
    for member in PAGES[name].map_names[lang]:
        assert member in text, f"{member} is not in the map's table"
    for iri in PAGES[name].members["member"]:
        assert linked(table, iri).count() >= 1, f"the map's table does not link {iri}"


@pytest.mark.parametrize("name,lang", MAPS)
def test_member_map(page, server, name, lang):
    figure = page.locator('figure.picture#member-map[data-picture="member-map"]')
    assert figure.count() == 1
    assert figure.locator("figcaption").inner_text().strip()
    assert figure.locator('script[type="application/json"]#member-map-spec').count() == 1
    assert figure.locator('a.picture-query[href^="/sparql?query="]').count() == 1
    # between the summary box and the members
    order = page.evaluate("""() => {
      const [s, m, list] = ['#summary', '#member-map', '#members'].map(q => document.querySelector(q));
      return !!(s && m && list) && !!(s.compareDocumentPosition(m) & Node.DOCUMENT_POSITION_FOLLOWING)
        && !!(m.compareDocumentPosition(list) & Node.DOCUMENT_POSITION_FOLLOWING);
    }""")
    assert order, "the map is not between #summary and #members"

    page.wait_for_selector("#member-map-view.picture-view svg", timeout=RENDER_MS)
    paths = page.locator("#member-map .picture-view svg path")
    assert paths.count() >= PAGES[name].member_counts["member"]
    # the members' shapes are described by name (what a screen reader says of them)
    labels = paths.evaluate_all("ps => ps.map(p => p.getAttribute('aria-label') || '')")
    for member in PAGES[name].map_names[lang]:
        assert any(member in label for label in labels), f"no shape on the map is described as {member}"
    _assert_map_table(page, name, lang)
    assert outside_requests(page, server) == []


# ---------------------------------------------------------------------------------- accessibility

@pytest.mark.parametrize("name,lang", CASES)
def test_no_serious_accessibility_violation(page, name, lang):
    wait_for_map(page)  # check the drawn map too
    results = axe_playwright.Axe().run(page)
    serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    report = "\n".join(f"{v['id']} ({v['impact']}): " + "; ".join(", ".join(n["target"]) for n in v["nodes"])
                       for v in serious)
    assert not serious, report


# ---------------------------------------------------------------------------------- without JavaScript

@pytest.mark.parametrize("name,lang", PROFILES)
def test_without_javascript_the_facts_members_and_map_table_stay(static_page, name, lang):
    assert static_page.locator("#summary .fact").count() >= len({**PAGES[name].facts, **PAGES[name].numbers})
    _assert_members(static_page, name)
    if PAGES[name].has_map:
        assert static_page.locator("#member-map .picture-view svg").count() == 0
        _assert_map_table(static_page, name, lang)
        assert static_page.locator("#member-map table.picture-table").is_visible(), "the map's table is hidden"
    assert static_page.locator("#summary").is_visible()


@pytest.mark.parametrize("name,lang", CASES)
def test_without_javascript_the_search_form_works(static_page, name, lang):
    static_page.fill("header #site-q", "colombo")
    with static_page.expect_navigation():
        static_page.click("header form[role=search] button[type=submit]")
    assert urlsplit(static_page.url).path == "/search"
    assert static_page.locator("html").get_attribute("lang") == lang
    assert linked(static_page.locator("#results"), f"{ID}mechanism/colombo-process").count() >= 1
