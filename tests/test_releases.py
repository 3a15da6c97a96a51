"""Releases: two builds of different data published as two releases; what changed between them (the
memberships and the count that were edited, and nothing else of theirs), the exact patch, the feed,
the citation formats, pruning and the errors."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import xml.etree.ElementTree as ET

import pytest

from conftest import REPO, Site, run_cli
from iscm_graph.config import load_settings
from iscm_graph.pipeline.build import run_build
from iscm_graph.publish import changes, releases

A, B = "2026.01.15", "2026.03.01"
STATE = "https://w3id.org/iscm/id/state/"
IGC = "https://w3id.org/iscm/id/mechanism/igc"
GFMD = "https://w3id.org/iscm/id/mechanism/gfmd"
ATOM = "{http://www.w3.org/2005/Atom}"


def _edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """Release A from the repository's data; release B after Italy joins the IGC, Denmark leaves it,
    Brunei's ASEAN accession date is corrected and a source's count of GFMD members changes."""
    work = tmp_path_factory.mktemp("releases")
    source = work / "source"
    for folder in ("ontology", "shapes", "data", "queries", "sources"):
        shutil.copytree(REPO / folder, source / folder)
    settings = load_settings(source_dir=source, build_dir=work / "build")
    assert run_build(settings).ok
    first = releases.publish_release(settings, version=A, now=dt.datetime(2026, 1, 15, 12, tzinfo=dt.timezone.utc))
    members = source / "data" / "memberships"
    with (members / "igc.csv").open("a", encoding="utf-8") as fh:
        fh.write("ITA,member,2026-02-01,,igc-iom,joined in 2026\n")
    _edit(members / "igc.csv", "DNK,member,,,", "DNK,member,,2026-02-15,")
    _edit(members / "asean.csv", "BRN,member,1984-01-07,", "BRN,member,1984-01-08,")
    _edit(source / "data" / "sources" / "003.trig", 'iscm:declaredMemberCount "195"', 'iscm:declaredMemberCount "196"')
    _edit(source / "data" / "sources" / "lines" / "003.csv",
          'declaredMemberCount>,"""195""', 'declaredMemberCount>,"""196""')
    result = run_build(settings)
    assert result.ok, "\n".join(r.line() for r in result.report.violations)
    second = releases.publish_release(settings, version=B, now=dt.datetime(2026, 3, 1, 9, tzinfo=dt.timezone.utc))
    return settings, first, second


@pytest.fixture(scope="module")
def summary(published):
    settings, a, b = published
    return changes.summarize(a.path, b.path)


@pytest.fixture(scope="module")
def release_site(published) -> Site:
    from iscm_graph.web import create_app
    return Site(create_app(published[0]))


def test_two_releases_are_listed_oldest_first_and_the_last_is_current(published):
    settings, a, b = published
    assert [r.version for r in releases.list_releases(settings)] == [A, B]
    assert releases.current_release(settings).version == B
    assert b.previous == A and a.previous is None
    assert b.iri == "https://w3id.org/iscm/release/" + B
    assert a.build_id != b.build_id
    info = json.loads((b.path / "release.json").read_text(encoding="utf-8"))
    assert info == {"version": B, "build_id": b.build_id, "published": "2026-03-01T09:00:00+00:00",
                    "previous": A, "iri": b.iri}
    # read-only, and sharing its files with the build it was made from
    assert not os.access(b.path, os.W_OK) or os.geteuid() == 0
    assert (b.path / "dataset.nq").stat().st_nlink >= 2


def test_release_at_a_moment(published):
    settings, a, b = published
    utc = dt.timezone.utc
    assert releases.release_at(settings, dt.datetime(2026, 1, 1, tzinfo=utc)) is None
    assert releases.release_at(settings, dt.datetime(2026, 1, 15, 12, tzinfo=utc)).version == A
    assert releases.release_at(settings, dt.datetime(2026, 2, 28)).version == A
    assert releases.release_at(settings, dt.datetime(2027, 1, 1, tzinfo=utc)).version == B


def test_the_diff_names_the_changed_memberships(summary):
    began = [(m["state"]["iri"], m["organization"]["iri"], m["role"], m["start"]) for m in summary["memberships"]["began"]]
    assert began == [(STATE + "ita", IGC, "member", "2026-02-01")]
    ended = [(m["state"]["iri"], m["organization"]["iri"], m["end"]) for m in summary["memberships"]["ended"]]
    assert ended == [(STATE + "dnk", IGC, "2026-02-15")]
    changed = {(m["state"]["iri"], m["organization"]["iri"]): (m["was"], m["start"], m["end"])
               for m in summary["memberships"]["dates_changed"]}
    assert changed == {
        (STATE + "brn", "https://w3id.org/iscm/id/body/asean"): ({"start": "1984-01-07", "end": None}, "1984-01-08", None)}
    igc = [m for m in summary["members"] if m["organization"]["iri"] == IGC]
    assert len(igc) == 1
    assert [s["iri"] for s in igc[0]["joined"]] == [STATE + "ita"]
    assert [s["iri"] for s in igc[0]["left"]] == [STATE + "dnk"]
    assert igc[0]["after"] == igc[0]["before"]
    assert igc[0]["organization"]["label"]
    # Only the IGC's members changed (ASEAN's dates did not change who is a member)
    assert [m["organization"]["iri"] for m in summary["members"]] == [IGC]


def test_the_diff_names_the_changed_count_and_nothing_else(summary):
    assert [(c["subject"]["iri"], c["graph"], c["old"], c["new"]) for c in summary["counts"]] == [
        (GFMD, "https://w3id.org/iscm/graph/source/003", "195", "196")]
    assert summary["corrected"] == []
    assert summary["sources"] == {"added": [], "removed": []}
    assert summary["entities"] == {"added": [], "removed": []}
    assert summary["graphs"] == {"added": [], "removed": []}


def _same_dataset(lines: set[str], path) -> bool:
    """The lines and the file hold the same RDF dataset (blank nodes aside: isomorphic)."""
    import pyoxigraph as ox

    def canonical(text):
        ds = ox.Dataset(ox.parse(text, format=ox.RdfFormat.N_QUADS))
        ds.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        return {str(q) for q in ds}
    return canonical("".join(lines)) == canonical(path.read_text(encoding="utf-8"))


def test_the_patch_turns_release_a_into_release_b(published, tmp_path):
    settings, a, b = published
    n_removed, n_added = changes.write_patch(a.path, b.path, tmp_path)
    lines = changes.read_lines(a.path / "dataset.nq")
    lines -= changes.read_lines(tmp_path / "removed.nq")
    lines |= changes.read_lines(tmp_path / "added.nq")
    assert _same_dataset(lines, b.path / "dataset.nq")
    # the patch holds what changed, not the blank nodes canonicalization relabelled (thousands of lines)
    assert 0 < n_removed < 60 and 0 < n_added < 60
    added = (tmp_path / "added.nq").read_text(encoding="utf-8")
    assert "<https://w3id.org/iscm/id/membership/igc/ita-member-2026> <http://www.w3.org/ns/org#member> " \
           "<https://w3id.org/iscm/id/state/ita>" in added
    assert '"1984-01-08"^^<http://www.w3.org/2001/XMLSchema#date>' in added
    assert '"1984-01-07"^^' in (tmp_path / "removed.nq").read_text(encoding="utf-8")
    # the patch files are N-Quads any parser reads
    import pyoxigraph as ox
    assert len(list(ox.parse(path=str(tmp_path / "added.nq"), format=ox.RdfFormat.N_QUADS))) == n_added


def test_a_patch_between_equal_releases_is_empty(published, tmp_path):
    settings, a, b = published
    assert changes.write_patch(b.path, b.path, tmp_path) == (0, 0)


def test_the_summary_written_at_publishing_is_the_diff(published, summary):
    settings, a, b = published
    assert releases.changes(a) is None
    assert releases.changes(b) == summary
    assert changes.headline(summary).startswith(
        "1 membership began; 1 membership ended; 1 membership's dates changed; 1 organisation changed members "
        "(1 joined, 1 left); 1 declared count changed (patch: ")


def test_cli_diff_list_and_patch(published, tmp_path):
    settings, a, b = published
    out = run_cli("--build-dir", settings.build_dir, "diff", A, B, "--patch", tmp_path / "patch")
    assert out.returncode == 0, out.stderr
    assert "Italy in " in out.stdout and "Denmark" in out.stdout and "195 -> 196" in out.stdout
    assert (tmp_path / "patch" / "added.nq").is_file() and (tmp_path / "patch" / "removed.nq").is_file()
    listed = run_cli("--build-dir", settings.build_dir, "release", "list", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)["releases"]
    assert [r["version"] for r in rows] == [A, B] and rows[1]["current"]
    assert all(r["triples"] > 1000 and r["shared_bytes"] > 0 for r in rows)
    bad = run_cli("--build-dir", settings.build_dir, "diff", A, "1999.01.01")
    assert bad.returncode == 2 and "no release '1999.01.01'" in bad.stderr
    again = run_cli("--build-dir", settings.build_dir, "release", "publish", "--version", B)
    assert again.returncode == 2 and f"release {B} exists" in again.stderr
    pruned = run_cli("--build-dir", settings.build_dir, "release", "prune", "--keep", "0")
    assert pruned.returncode == 2 and "keep at least 1" in pruned.stderr


def test_publishing_refuses_an_existing_or_malformed_version(published):
    settings, a, b = published
    with pytest.raises(releases.ReleaseError, match="exists"):
        releases.publish_release(settings, version=B)
    for bad in ("latest", "2026.13.01", "2026.01.15.1", "../x"):
        with pytest.raises(releases.ReleaseError, match="expected a date"):
            releases.publish_release(settings, version=bad)
    with pytest.raises(releases.ReleaseError, match="no build"):
        releases.publish_release(settings, build="nonexistent")


def test_publishing_refuses_a_build_that_did_not_conform(published, tmp_path):
    settings, a, b = published
    failed = tmp_path / "failed"
    failed.mkdir()
    (failed / "manifest.json").write_text('{"build_id": "0123456789abcdef"}', encoding="utf-8")
    (failed / "dataset.nq").write_text("", encoding="utf-8")
    (failed / "validation.json").write_text('{"conforms": false, "violations": 1}', encoding="utf-8")
    with pytest.raises(releases.ReleaseError, match="did not conform"):
        releases.publish_release(settings, build=failed, version="2026.12.31")
    (failed / "manifest.json").unlink()
    with pytest.raises(releases.ReleaseError, match="not a written build"):
        releases.publish_release(settings, build=failed, version="2026.12.31")
    assert [r.version for r in releases.list_releases(settings)] == [A, B]
    with pytest.raises(releases.UnknownReleaseError, match="no release"):
        releases.get_release(settings, "2020.01.01")
    assert not list(releases.releases_dir(settings).glob(".staging-*"))


def test_disk_use_counts_linked_files_as_shared(published):
    settings, a, b = published
    use = releases.disk_use(b)
    assert use.shared >= (b.path / "dataset.nq").stat().st_size
    assert 0 < use.own < 1024 * 1024          # release.json and changes.json only
    assert releases.disk_total(settings) <= releases.disk_use(a).total + use.total
    # what did not change between the two builds is stored once for both releases; the data is not
    for same in ("shapes.ttl", "context.jsonld", "queries/chairs.rq"):
        assert (a.path / same).stat().st_ino == (b.path / same).stat().st_ino, same
    assert (a.path / "dataset.nq").stat().st_ino != (b.path / "dataset.nq").stat().st_ino


def _writable_copy(settings, tmp_path):
    """Settings over a copy of the published build folder that tests may change: its releases writable,
    and no leases (the downloads served in this process leased A; the copy has no server)."""
    copy = tmp_path / "build"
    shutil.copytree(settings.build_dir, copy, symlinks=True)
    other = load_settings(source_dir=settings.source_dir, build_dir=copy)
    for r in releases.list_releases(other):
        releases._set_mode(r.path, writable=True)
    shutil.rmtree(releases.releases_dir(other) / ".leases", ignore_errors=True)
    return other


def test_prune_keeps_the_current_and_leased_releases(published, tmp_path):
    settings, a, b = published
    other = _writable_copy(settings, tmp_path)
    third = releases.publish_release(other, version="2026.04.01")
    releases.lease(other, A)                     # a server in this process holds A
    assert releases.prune(other, keep=1) == [B]
    releases.release_lease(other, A)
    assert releases.prune(other, keep=1) == [A]
    assert [r.version for r in releases.list_releases(other)] == [third.version]
    # going back: the current release is never removed, even if older than those kept
    fourth = releases.publish_release(other, version="2026.05.01")
    os.replace(_relink(other, third.version), releases.releases_dir(other) / "current")
    assert releases.prune(other, keep=1) == []
    assert [r.version for r in releases.list_releases(other)] == [third.version, fourth.version]
    with pytest.raises(releases.ReleaseError, match="at least 1"):
        releases.prune(other, keep=0)


def _relink(settings, version):
    tmp = releases.releases_dir(settings) / ".tmp-link"
    tmp.symlink_to(version)
    return tmp


# -- served ----------------------------------------------------------------------------------------

def test_the_feed_lists_both_releases(release_site):
    r = release_site.get("/releases.atom")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(r.content)
    entries = feed.findall(ATOM + "entry")
    assert [e.findtext(ATOM + "id") for e in entries] == ["https://w3id.org/iscm/release/" + B,
                                                          "https://w3id.org/iscm/release/" + A]
    newest = entries[0]
    assert newest.findtext(ATOM + "summary").startswith("1 membership began; 1 membership ended;")
    links = {(l.get("rel"), l.get("href").removeprefix(release_site.url)) for l in newest.findall(ATOM + "link")}
    assert ("alternate", f"/releases/{B}") in links
    assert ("related", f"/releases/{A}/changes/{B}") in links
    assert ("enclosure", f"/releases/{B}/download/dataset.nq.gz") in links
    assert entries[1].findtext(ATOM + "summary") == "First release."
    assert feed.findtext(ATOM + "updated") == "2026-03-01T09:00:00+00:00"


def test_the_series_in_dcat(release_site, published):
    from rdflib import Graph, Literal, Namespace, URIRef
    from rdflib.namespace import DCTERMS, PROV, RDF
    DCAT = Namespace("http://www.w3.org/ns/dcat#")
    series, a, b = (URIRef("https://w3id.org/iscm/release"), URIRef("https://w3id.org/iscm/release/" + A),
                    URIRef("https://w3id.org/iscm/release/" + B))
    for accept, fmt in (("text/turtle", "turtle"), ("application/ld+json", "json-ld")):
        r = release_site.get("/releases", headers={"Accept": accept})
        assert r.status_code == 200 and r.headers["Content-Type"].startswith(accept)
        g = Graph().parse(data=r.content, format=fmt)
        assert (series, RDF.type, DCAT.DatasetSeries) in g
        assert set(g.objects(series, DCAT.hasVersion)) == {a, b}
        assert (b, DCAT.inSeries, series) in g and (b, RDF.type, DCAT.Dataset) in g
        assert (b, DCAT.version, Literal(B)) in g
        assert (b, PROV.wasRevisionOf, a) in g and (a, PROV.wasRevisionOf, None) not in g
        assert g.value(b, DCTERMS.issued).toPython().isoformat() == "2026-03-01T09:00:00+00:00"
        assert "1 declared count changed" in str(g.value(b, URIRef("http://www.w3.org/ns/adms#versionNotes")))
        urls = {str(g.value(d, DCAT.downloadURL)) for d in g.objects(b, DCAT.distribution)}
        assert release_site.url + f"/releases/{B}/download/dataset.nq.gz" in urls
        spdx = Namespace("http://spdx.org/rdf/terms#")
        for dist in g.objects(b, DCAT.distribution):
            name = str(g.value(dist, DCAT.downloadURL)).rsplit("/", 1)[-1]
            value = g.value(g.value(dist, spdx.checksum), spdx.checksumValue)
            assert str(value) == hashlib.sha256((published[2].path / "dumps" / name).read_bytes()).hexdigest()


def test_the_release_page_and_its_citations(release_site, published):
    settings, a, b = published
    page = release_site.get(f"/releases/{B}", headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert f"/releases/{B}/download/dataset.nq.gz" in page.text and f"/releases/{A}/changes/{B}" in page.text
    assert 'id="cite-text"' in page.text and "@dataset{" in page.text
    bib = release_site.get(f"/releases/{B}/cite.bib")
    assert bib.headers["Content-Type"].startswith("application/x-bibtex")
    entry = re.match(r"@(\w+)\{([^,]+),\n(.*)\}\s*$", bib.text, re.S)
    assert entry and entry[1] == "dataset"
    fields = dict(re.findall(r"^\s*(\w+) = \{(.*)\},?$", entry[3], re.M))
    assert fields["version"] == B and fields["url"] == b.iri and fields["year"] == "2026"
    csl = release_site.get(f"/releases/{B}/cite.json")
    assert csl.headers["Content-Type"].startswith("application/vnd.citationstyles.csl+json")
    [item] = csl.json()
    assert item["type"] == "dataset" and item["version"] == B and item["URL"] == b.iri
    assert item["title"] == "ISCM knowledge graph" and item["issued"] == {"date-parts": [[2026, 3, 1]]}
    ar = release_site.get(f"/releases/{B}", headers={"Accept": "text/html", "Accept-Language": "ar"})
    assert ar.status_code == 200 and 'lang="ar"' in ar.text


def test_the_changes_served(release_site, published, summary):
    settings, a, b = published
    r = release_site.get(f"/releases/{A}/changes/{B}", headers={"Accept": "application/json"})
    assert r.status_code == 200
    body = r.json()
    assert body["memberships"] == summary["memberships"] and body["counts"] == summary["counts"]
    html = release_site.get(f"/releases/{A}/changes/{B}", headers={"Accept": "text/html"})
    assert "/doc/state/ita.html" in html.text and "/doc/mechanism/igc.html" in html.text
    added = release_site.get(f"/releases/{A}/changes/{B}/added.nq")
    removed = release_site.get(f"/releases/{A}/changes/{B}/removed.nq")
    assert added.headers["Content-Type"].startswith("application/n-quads")
    lines = changes.read_lines(a.path / "dataset.nq")
    lines = (lines - set(removed.text.splitlines(keepends=True))) | set(added.text.splitlines(keepends=True))
    assert _same_dataset(lines, b.path / "dataset.nq")
    # the other way round is computed on demand: the patch is the inverse
    back = release_site.get(f"/releases/{B}/changes/{A}", headers={"Accept": "application/json"}).json()
    assert [m["state"]["iri"] for m in back["memberships"]["ended"]] == [STATE + "ita"]


def test_release_downloads(release_site, published):
    settings, a, b = published
    r = release_site.get(f"/releases/{A}/download/dataset.nq.gz")
    assert r.status_code == 200 and r.content == (a.path / "dumps" / "dataset.nq.gz").read_bytes()
    assert release_site.get(f"/releases/{A}/download/nothing.gz").status_code == 404


@pytest.mark.parametrize("path", [f"/releases/1999.01.01", f"/releases/{A}/changes/1999.01.01",
                                  f"/releases/latest/cite.bib", f"/releases/1999.01.01/changes/{B}/added.nq",
                                  f"/releases/1999.01.01/download/dataset.nq.gz"])
def test_unknown_releases_are_404_with_a_message(release_site, path):
    r = release_site.get(path, headers={"Accept": "application/json"})
    assert r.status_code == 404
    assert "no release" in r.json()["error"]["message"]


def test_the_alternates_named_in_link_headers_answer(release_site):
    page = release_site.get(f"/releases/{A}", headers={"Accept": "text/html"})
    links = re.findall(r'<([^>]+)>; rel="alternate"; type="([^"]+)"', page.headers["Link"])
    assert {t for _, t in links} == {"text/turtle", "application/ld+json"}
    for href, media_type in links:
        r = release_site.get(href)
        assert r.status_code == 200 and r.headers["Content-Type"].startswith(media_type), href
    assert release_site.get("/releases", headers={"Accept": "image/png"}).status_code == 406


def test_no_release_yet(tmp_path):
    from iscm_graph.web import create_app
    empty = load_settings(source_dir=REPO, build_dir=tmp_path)
    assert releases.list_releases(empty) == [] and releases.current_release(empty) is None
    assert releases.release_at(empty, dt.datetime(2030, 1, 1)) is None
    site = Site(create_app(empty))
    page = site.get("/releases", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "/releases.atom" in page.text
    feed = ET.fromstring(site.get("/releases.atom").content)
    assert feed.findall(ATOM + "entry") == []
    from iscm_graph.errors import NoBuildError
    with pytest.raises(NoBuildError, match="no good build"):
        releases.publish_release(empty)


def test_a_pruned_previous_release_is_named_not_linked(published, tmp_path):
    from iscm_graph.web import create_app
    settings, a, b = published
    other = _writable_copy(settings, tmp_path)
    assert releases.prune(other, keep=1) == [A]
    site = Site(create_app(other))
    page = site.get(f"/releases/{B}", headers={"Accept": "text/html"})
    assert page.status_code == 200 and f"/releases/{A}" not in page.text and A in page.text
    feed = site.get("/releases.atom").text
    assert f"/releases/{A}/changes/" not in feed


def test_leases_of_dead_processes_or_not_renewed_do_not_count(published):
    import socket
    import subprocess
    settings, a, b = published
    folder = releases.releases_dir(settings) / ".leases" / "2026.06.01"
    folder.mkdir(parents=True)
    dead = subprocess.Popen(["true"])
    dead.wait()
    (folder / f"{socket.gethostname()}-{dead.pid}").touch()
    assert not releases.leased(settings, "2026.06.01")
    releases.lease(settings, "2026.06.01")
    assert releases.leased(settings, "2026.06.01")
    old = dt.datetime.now().timestamp() - settings.release_lease - 60
    for f in folder.iterdir():
        os.utime(f, (old, old))
    assert not releases.leased(settings, "2026.06.01")
    shutil.rmtree(folder)
