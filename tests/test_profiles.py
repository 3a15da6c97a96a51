"""The resource pages read as encyclopedia entries: a summary box of key facts with footnotes to the
documents (and lines) that state them, both values where sources disagree, members by role with dates
and sources, a state's memberships, links, and every statement below with the inferred ones apart.
Pages are parsed into element trees; every assertion names a fact of the data."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

ID = "https://w3id.org/iscm/id/"
VOID = {"meta", "link", "input", "br", "img", "hr", "source", "wbr"}
LANGS = ["en", "ar"]


class El:
    def __init__(self, tag: str, attrs: dict, parent=None):
        self.tag, self.attrs, self.parent, self.children, self.parts = tag, attrs, parent, [], []

    @property
    def text(self) -> str:
        return re.sub(r"\s+", " ", "".join(
            p if isinstance(p, str) else p.text for p in self.parts)).strip()

    def iter(self):
        for c in self.children:
            yield c
            yield from c.iter()

    def find(self, tag: str | None = None, **attrs) -> list[El]:
        return [e for e in self.iter() if (tag is None or e.tag == tag)
                and all(e.attrs.get(k.rstrip("_").replace("_", "-")) == v for k, v in attrs.items())]

    def one(self, tag: str | None = None, **attrs) -> El:
        found = self.find(tag, **attrs)
        assert len(found) == 1, (tag, attrs, len(found))
        return found[0]

    def hrefs(self) -> list[str]:
        return [a.attrs.get("href") for a in self.find("a")]


class Tree(HTMLParser):
    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.root = self._cur = El("#root", {})
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        el = El(tag, dict(attrs), self._cur)
        self._cur.children.append(el)
        self._cur.parts.append(el)
        if tag not in VOID:
            self._cur = el

    def handle_endtag(self, tag):
        el = self._cur
        while el is not self.root and el.tag != tag:
            el = el.parent
        if el is not self.root:
            self._cur = el.parent

    def handle_data(self, data):
        self._cur.parts.append(data)


def page(site, path: str, lang: str) -> El:
    resp = site.get(path, params={"lang": lang})
    assert resp.status_code == 200, (path, resp.status_code)
    root = Tree(resp.text).root
    assert root.one("html").attrs["dir"] == ("rtl" if lang == "ar" else "ltr")
    return root


def fact(root: El, key: str) -> El:
    summary = root.one("aside", id="summary")
    assert summary.attrs["aria-labelledby"] == "summary-title" and summary.find("h2", id="summary-title")
    div = summary.one("div", data_fact=key)
    assert div.attrs["class"] == "fact" and len(div.find("dt")) == 1
    return div.one("dd")


def footnote(root: El, ref: El) -> El:
    """The footnote a `fn-ref` link points to."""
    assert ref.attrs["class"] == "fn-ref" and ref.parent.tag == "sup"
    n = ref.attrs["href"].removeprefix("#fn-")
    assert ref.text == n
    return root.one("ol", id="footnotes").one("li", id=f"fn-{n}")


def members(root: El, role: str) -> dict[str, El]:
    section = root.one("section", id="members")
    table = section.one("table", data_role=role)
    assert "members" in table.attrs["class"].split()
    assert [th.attrs.get("scope") for th in table.one("thead").find("th")] == ["col"] * len(table.one("thead").find("th"))
    return {tr.attrs["data-member"]: tr for tr in table.one("tbody").find("tr")}


def line_text(site, href: str) -> str:
    m = re.fullmatch(r"/source/(\d{3})\.html#line-(\d+)", href)
    assert m, href
    text = Tree(site.get(f"/source/{m[1]}.html").text).root
    return text.one(id=f"line-{m[2]}").text


@pytest.mark.parametrize("lang", LANGS)
def test_colombo_process_summary(site, lang):
    root = page(site, "/doc/mechanism/colombo-process.html", lang)
    kind = fact(root, "kind")
    assert "/doc/kind/regional-consultative-process.html" in kind.hrefs()
    assert kind.find("a", class_="fn-ref")
    secretariat = fact(root, "secretariat")
    assert "/doc/organization/iom.html" in secretariat.hrefs()
    # the secretariat comes from the brochure (source 001), with the line that names it
    note = footnote(root, secretariat.one("a", class_="fn-ref"))
    assert "/doc/source/001.html" in note.hrefs()
    assert any(h.startswith("/source/002.html#line-") for h in note.hrefs())
    founded = fact(root, "founded")
    note = footnote(root, founded.one("a", class_="fn-ref"))
    lines = [a.attrs["href"] for a in note.find("a", class_="line-ref")]
    assert lines and "2003" in line_text(site, lines[0])
    assert "/doc/theme/labour-migration.html" in fact(root, "themes").hrefs()
    assert "/doc/state/ind.html" in fact(root, "chair").hrefs()       # India chairs 2024-2026


@pytest.mark.parametrize("lang", LANGS)
def test_a_disagreement_shows_both_values_with_their_documents(site, lang):
    root = page(site, "/doc/mechanism/colombo-process.html", lang)
    dd = fact(root, "members")
    assert dd.attrs.get("class") == "disagreement"
    values = {}
    for span in dd.find("span", class_="value"):
        note = footnote(root, span.one("a", class_="fn-ref"))
        values[span.one("data").attrs["value"]] = (note.hrefs()[0], span.one("span", class_="according").text)
    assert set(values) == {"11", "12"}
    docs = {href for href, _ in values.values()}
    assert docs == {"/doc/source/000.html", "/doc/source/001.html"}
    years = sorted(re.search(r"(\d{4}|[٠-٩]{4})\)?$", according)[1] for _, according in values.values())
    assert years in (["2014", "2018"], ["٢٠١٤", "٢٠١٨"])


@pytest.mark.parametrize("lang", LANGS)
def test_colombo_process_members_by_role(site, lang):
    root = page(site, "/doc/mechanism/colombo-process.html", lang)
    member = members(root, "member")
    assert len(member) == 12 and ID + "state/lka" in member and ID + "state/khm" in member
    row = member[ID + "state/lka"]
    assert "/doc/state/lka.html" in row.hrefs()
    assert row.find("a", class_="fn-ref") and "/doc/source/list/colombo-tribune-2024.html" in \
        footnote(root, row.one("a", class_="fn-ref")).hrefs()
    assert ID + "state/sau" in members(root, "observer")
    assert ID + "state/ind" in members(root, "chair")
    # past chairs are former: Sri Lanka chaired 2013-2017
    former = members(root, "former")
    assert ID + "state/lka" in former
    cells = former[ID + "state/lka"].find("td")
    assert re.search(r"2013|٢٠١٣", cells[2].text) and re.search(r"2017|٢٠١٧", cells[3].text)
    # the member map comes between the summary and the members
    html = site.get("/doc/mechanism/colombo-process.html").text
    assert html.index('id="summary"') < html.index("<section id=\"members\"")


@pytest.mark.parametrize("lang", LANGS)
def test_budapest_process_secretariat_and_chairs(site, lang):
    root = page(site, "/doc/mechanism/budapest-process.html", lang)
    assert "/doc/organization/icmpd.html" in fact(root, "secretariat").hrefs()
    chairs = {**members(root, "chair"), **members(root, "co-chair")}
    assert chairs and set(chairs) <= {ID + "state/tur", ID + "state/hun"}
    # the summary names today's chair(s), as the membership records say
    assert {f"/doc/state/{iri.rsplit('/', 1)[1]}.html" for iri in chairs} <= set(fact(root, "chair").hrefs())
    assert fact(root, "members").attrs.get("class") == "disagreement"        # 52 (2018) and 49 (2014)


@pytest.mark.parametrize("lang", LANGS)
def test_egypt_memberships_with_sources(site, lang):
    root = page(site, "/doc/state/egy.html", lang)
    assert fact(root, "code").text.startswith("EGY")
    section = root.one("section", id="memberships")
    assert section.attrs["aria-labelledby"] == "memberships-title" and section.find("h2", id="memberships-title")
    rows: dict[str, list[El]] = {}
    for tr in section.one("tbody").find("tr"):
        rows.setdefault(tr.attrs["data-organization"], []).append(tr)
    for org in ("mechanism/arab-rcp", "body/las", "mechanism/gfmd", "commission/escwa", "body/au"):
        assert ID + org in rows, org
    arab = rows[ID + "mechanism/arab-rcp"]
    kinds = {tr.find("td")[1].text for tr in arab}
    assert all(kinds) and (lang == "ar" or kinds == {"regional consultative process on migration"})
    # the Arab RCP membership follows from the League of Arab States' list: its footnote names it
    notes = [footnote(root, a) for tr in arab for a in tr.find("a", class_="fn-ref")]
    assert any("/doc/source/list/las-wiki.html" in n.hrefs() or "/doc/source/list/las-nationsonline.html" in n.hrefs()
               for n in notes)
    assert int(fact(root, "mechanisms").one("data").attrs["value"]) >= 5


@pytest.mark.parametrize("lang", LANGS)
def test_ecowas_members_and_former_members(site, lang):
    root = page(site, "/doc/body/ecowas.html", lang)
    member = members(root, "member")
    assert ID + "state/nga" in member and ID + "state/sen" in member
    assert ID + "state/mli" not in member                     # left on 29 January 2025
    former = members(root, "former")
    assert ID + "state/mli" in former
    assert re.search(r"2025|٢٠٢٥", former[ID + "state/mli"].find("td")[3].text)
    assert "/doc/source/list/ecowas-reliefweb.html" in footnote(root, member[ID + "state/nga"].one("a", class_="fn-ref")).hrefs()


@pytest.mark.parametrize("lang", LANGS)
def test_a_paragraph_names_rcps(site, lang):
    root = page(site, "/doc/paragraph/a-res-73-195-50.html", lang)
    mentions = fact(root, "mentions")
    assert "/doc/kind/regional-consultative-process.html" in mentions.hrefs()
    assert "/doc/commission/escwa.html" in mentions.hrefs()
    assert "/doc/document/a-res-73-195.html" in fact(root, "document").hrefs()
    note = footnote(root, mentions.find("a", class_="fn-ref")[0])
    assert "/doc/source/003.html" in note.hrefs()
    # and the RCPs' pages list the paragraph among their links
    colombo = page(site, "/doc/mechanism/colombo-process.html", lang)
    links = colombo.one("section", id="links")
    assert "/doc/paragraph/a-res-73-195-50.html" in links.one("ul", data_links="paragraphs").hrefs()


@pytest.mark.parametrize("lang", LANGS)
def test_a_source_document(site, lang):
    root = page(site, "/doc/source/000.html", lang)
    assert "/doc/organization/iom.html" in fact(root, "publisher").hrefs()
    assert fact(root, "date").one("time").attrs["datetime"] == "2018"
    assert fact(root, "title").text
    assert int(fact(root, "statements").one("data").attrs["value"]) > 400
    assert "/source/000.html" in root.hrefs()


@pytest.mark.parametrize("lang", LANGS)
def test_a_meeting_and_a_thematic_area(site, lang):
    meeting = page(site, "/doc/meeting/global-rcp-1.html", lang)
    assert fact(meeting, "date").one("time").attrs["datetime"] == "2005"
    assert "/doc/organization/iom.html" in fact(meeting, "host").hrefs()
    assert "/doc/source/001.html" in footnote(meeting, fact(meeting, "date").one("a", class_="fn-ref")).hrefs()
    theme = page(site, "/doc/theme/labour-migration.html", lang)
    linked = theme.one("section", id="links").one("ul", data_links="mechanisms").hrefs()
    assert "/doc/mechanism/colombo-process.html" in linked and "/doc/mechanism/abu-dhabi-dialogue.html" in linked


@pytest.mark.parametrize("lang", LANGS)
def test_inferred_statements_are_apart_and_closed(site, lang):
    root = page(site, "/doc/mechanism/colombo-process.html", lang)
    section = root.one("section", id="statements")
    details = section.one("details", id="inferred")
    assert "open" not in details.attrs
    inferred = " ".join(details.hrefs())
    assert "/ontology.html#hasChair" in inferred and "/ontology.html#hasSecretariat" in inferred
    stated = [t for t in section.find("table") if details not in _ancestors(t)]
    stated_hrefs = {h for t in stated for h in t.hrefs()}
    assert "/ontology.html#hasChair" not in stated_hrefs and "/ontology.html#hasSecretariat" not in stated_hrefs
    assert "/ontology.html#foundingYear" in stated_hrefs
    # source graphs by their document's title, not graph:source/000
    cells = [td for t in stated for td in t.find("td", class_="prov")]
    assert any("/graph/source/000.html" in td.hrefs() and "graph:source/000" not in td.text
               and "(2018)" in td.text.translate(str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789")) for td in cells)


def _ancestors(el: El):
    while el.parent is not None:
        el = el.parent
        yield el


@pytest.mark.parametrize("path", ["/doc/mechanism/colombo-process.html", "/doc/state/egy.html", "/doc/body/ecowas.html"])
def test_every_footnote_reference_has_its_note(site, path):
    root = page(site, path, "en")
    refs = root.find("a", class_="fn-ref")
    assert refs
    ids = {li.attrs["id"] for li in root.one("ol", id="footnotes").find("li")}
    assert {a.attrs["href"][1:] for a in refs} <= ids


def test_profile_library_without_the_web(store):
    from iscm_graph.reports.profile import profile

    colombo = profile(store, ID + "mechanism/colombo-process")
    facts = {f.key: f for f in colombo.facts}
    assert facts["members"].disagreement and {v.term.value for v in facts["members"].values} == {"11", "12"}
    assert not facts["founded"].disagreement
    assert ID + "state/lka" in {m.member for m in colombo.members["member"]}
    assert profile(store, ID + "state/egy").memberships
    unknown = profile(store, ID + "mechanism/no-such-thing")
    assert unknown.facts == [] and unknown.members == {} and unknown.memberships == []


@pytest.mark.parametrize("lang", LANGS)
def test_a_kind_disagreement_names_both_kinds(site, lang):
    """The fact sheet (2018) counts the Abu Dhabi Dialogue an inter-regional forum, the brochure (2014)
    an RCP; founding years agree, so only the kind and the member count are disagreements."""
    root = page(site, "/doc/mechanism/abu-dhabi-dialogue.html", lang)
    kind = fact(root, "kind")
    assert kind.attrs.get("class") == "disagreement"
    by_kind = {span.find("a")[0].attrs["href"]: footnote(root, span.one("a", class_="fn-ref")).hrefs()[0]
               for span in kind.find("span", class_="value")}
    assert by_kind == {"/doc/kind/inter-regional-forum.html": "/doc/source/000.html",
                       "/doc/kind/regional-consultative-process.html": "/doc/source/001.html"}
    assert fact(root, "founded").attrs.get("class") is None


def test_a_source_document_lists_the_graphs_drawn_from_it(site):
    root = page(site, "/doc/source/000.html", "en")
    graphs = root.one("section", id="links").one("ul", data_links="graphs")
    assert "/graph/source/000.html" in graphs.hrefs() and "/graph/lines/000.html" in graphs.hrefs()


def test_dates_keep_the_precision_the_sources_give(site):
    """A membership list that gives only a year shows the year (not 1 January of it); one that gives a
    day shows the day; a chair whose term ends in a year not yet over is still the chair."""
    root = page(site, "/doc/mechanism/colombo-process.html", "en")
    cells = members(root, "chair")[ID + "state/ind"].find("td")
    assert (cells[1].text, cells[2].text) == ("2024", "2026")
    eu = page(site, "/doc/body/eu.html", "en")
    joined = {iri: tr.find("td")[1].text for iri, tr in members(eu, "member").items()}
    assert joined[ID + "state/dnk"] == "Jan 1, 1973" and joined[ID + "state/hrv"] == "Jul 1, 2013"
