"""The site as a person uses it: Playwright driving Debian's Chromium against a live server.

Screenshots of each step are written to tests/screenshots/ (kept out of git).
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

playwright = pytest.importorskip("playwright.sync_api")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = Path(__file__).parent / "screenshots"
# the flags that work on these machines (no sandbox as root; no background traffic to outside hosts)
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def page(server):
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is not installed: `make test` installs Debian's chromium package")
    SHOTS.mkdir(exist_ok=True)
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        context = browser.new_context(base_url=server, viewport={"width": 1280, "height": 900})
        pg = context.new_page()
        outside = []
        pg.on("request", lambda req: outside.append(req.url) if not req.url.startswith(server) and
              not req.url.startswith(("data:", "blob:", "about:")) else None)
        pg.outside_requests = outside
        yield pg
        browser.close()


def shot(page, name):
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_home_page(page):
    page.goto("/")
    assert page.locator("h1").first.inner_text() == "Inter-State Consultation Mechanisms on Migration"
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator('h1[lang="ar"][dir="rtl"]').count() == 1
    assert "regional consultative processes" in page.inner_text("main")
    shot(page, "01-home")


@pytest.mark.parametrize("query,step", [("كولومبو", "02-search-arabic"), ("colombo", "03-search-english")])
def test_search_reaches_the_colombo_process(page, query, step):
    page.goto("/")
    page.fill("#home-q", query)
    page.press("#home-q", "Enter")
    page.wait_for_selector("#results li")
    shot(page, step)
    page.click("#results li:first-child a")
    page.wait_for_load_state()
    assert "/doc/mechanism/colombo-process.html" in page.url
    assert "عملية كولومبو" in page.inner_text("main")
    shot(page, step + "-page")


def test_filter_mechanisms_by_theme(page):
    page.goto("/browse/mechanisms")
    assert page.locator("#mechanisms tbody tr").count() == 30
    page.click('a[data-facet="theme"][data-value="labour-migration"]')
    page.wait_for_load_state()
    rows = page.locator("#mechanisms tbody tr")
    names = rows.all_inner_texts()
    assert 0 < len(names) < 30
    assert any("Colombo" in n or "CP" in n for n in names) and any("Abu Dhabi" in n for n in names)
    assert not any("Budapest" in n for n in names)
    shot(page, "04-mechanisms-labour-migration")


def test_run_an_example_query_in_the_editor(page):
    page.goto("/sparql")
    page.wait_for_selector(".yasqe .CodeMirror")
    page.select_option("#examples", "mechanisms-by-kind")
    page.click(".yasqe_queryButton")
    page.wait_for_selector(".yasr table tbody tr", timeout=20000)
    text = page.inner_text(".yasr")
    assert "15" in text and "14" in text
    shot(page, "05-query-editor")
    assert page.outside_requests == [], page.outside_requests


def drawn_marks(page, figure_id: str) -> int:
    """Waits for the script to draw a picture; the number of marks in its SVG view."""
    page.wait_for_selector(f'#{figure_id}[data-drawn="true"] .picture-view svg', timeout=30000)
    return page.locator(f"#{figure_id}-view svg .mark-shape path, #{figure_id}-view svg .mark-rect path,"
                        f" #{figure_id}-view svg .mark-symbol path").count()


def test_each_chart_is_drawn(page):
    page.goto("/charts")
    figures = page.locator("main figure.picture")
    assert figures.count() == 4
    for i in range(figures.count()):
        fid = figures.nth(i).get_attribute("id")
        assert drawn_marks(page, fid) > 0, fid
        # once drawn, the table is folded into a <details>
        assert page.locator(f"#{fid} details table.picture-table").count() == 1
    shot(page, "06-charts")
    assert page.outside_requests == [], page.outside_requests


@pytest.mark.parametrize("path,figure_id,step", [("/maps", "states-map", "08-maps"),
                                                 ("/compare?m=colombo-process&m=abu-dhabi-dialogue", "compare",
                                                  "09-compare"),
                                                 ("/maps?lang=ar", "states-map", "10-maps-arabic")])
def test_maps_are_drawn_from_this_server_only(page, path, figure_id, step):
    page.outside_requests.clear()
    page.goto(path)
    # one shape per state with data, over the grey countries of the base layer
    assert drawn_marks(page, figure_id) > 100
    label = page.locator(f"#{figure_id}-view svg").first.get_attribute("aria-label") or ""
    assert label.strip(), "the SVG has no description"
    shot(page, step)
    page.context.clear_cookies()        # `?lang=ar` leaves a cookie: the next tests read English pages
    assert page.outside_requests == [], page.outside_requests


def test_keyboard_navigation_reaches_search(page):
    page.goto("/")
    for _ in range(16):     # the home link, ten in the nav, the language link, then the search field
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "site-q":
            break
    assert page.evaluate("document.activeElement.id") == "site-q"


def test_phone_width(page):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/doc/mechanism/midsa.html")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    shot(page, "07-phone-midsa")
    page.set_viewport_size({"width": 1280, "height": 900})
    assert overflow <= 5
