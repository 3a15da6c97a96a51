"""An external triple store: publish into Virtuoso, compare with the embedded store, and serve from it."""
from __future__ import annotations

import http.server
import subprocess
import threading

import pytest
import requests

from conftest import REPO, ServerProcess, free_port
from iscm_graph.query.catalogue import catalogue
from iscm_graph.query.remote import RemoteStore
from virtuoso import Virtuoso

QUERIES = catalogue(REPO / "queries")


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    v = Virtuoso(tmp_path_factory.mktemp("virtuoso"))
    yield v
    v.stop()


@pytest.fixture(scope="module")
def published(virtuoso, cli):
    out = cli("publish", "--endpoint", virtuoso.url + "/sparql")
    assert out.returncode == 0, out.stderr[-3000:]
    return out


def _norm(term) -> str:
    """What two engines may legitimately write differently: blank node labels, the order of
    GROUP_CONCAT parts, an empty GROUP_CONCAT ('' or unbound), booleans (true or 1)."""
    import pyoxigraph as ox
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return "_:b"
    value = term.value
    if isinstance(term, ox.Literal) and term.datatype.value.endswith("#boolean"):
        return {"true": "1", "false": "0"}.get(value, value)
    return _parts(value)


def _parts(value: str) -> str:
    if ", " in value:
        return ", ".join(sorted(value.split(", ")))
    if value.startswith("http") and " " in value:
        return " ".join(sorted(value.split(" ")))
    return value


def _rows(results):
    names = [v.value for v in results.variables]
    return sorted(tuple(_norm(row[n]) for n in names) for row in results)


def test_publish_verifies_every_graph(published, built):
    lines = [l for l in published.stdout.splitlines() if l.endswith("(verified)")]
    assert len(lines) == len(built.graph_counts) + 1            # every named graph, plus graph/union
    counts = {l.split()[1]: int(l.split()[0]) for l in lines}
    for graph, n in built.graph_counts.items():
        assert counts[graph] == n


def test_publish_again_replaces_rather_than_duplicates(virtuoso, published, cli):
    again = cli("publish", "--endpoint", virtuoso.url + "/sparql")
    assert again.returncode == 0 and again.stdout.splitlines()[-1] == published.stdout.splitlines()[-1]


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_competency_queries_answer_alike(store, virtuoso, published, built, name):
    remote = RemoteStore(virtuoso.url + "/sparql", sorted(built.graph_counts))
    q = QUERIES[name]
    bindings = q.bind({})
    assert _rows(remote.query(q.text, bindings)) == _rows(store.query(q.text, bindings)), name


def test_publish_with_credentials(virtuoso, cli):
    ok = cli("publish", "--endpoint", virtuoso.url + "/sparql", "--user", "dba", "--password", "dba")
    assert ok.returncode == 0, ok.stderr[-2000:]
    refused = cli("publish", "--endpoint", virtuoso.url + "/sparql", "--user", "dba", "--password", "wrong")
    assert refused.returncode == 2 and "refused the credentials" in refused.stderr


def test_unreachable_store_is_a_clear_error(cli):
    out = cli("publish", "--endpoint", f"http://127.0.0.1:{free_port()}/sparql")
    assert out.returncode == 2 and "cannot reach the store" in out.stderr and "Traceback" not in out.stderr


def test_count_mismatch_is_reported(cli):
    """A store that accepts every PUT but keeps nothing: publish must not report success."""
    class Forgetful(http.server.BaseHTTPRequestHandler):
        def do_PUT(self):
            self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(201)
            self.end_headers()

        def do_POST(self):
            self.rfile.read(int(self.headers["Content-Length"]))
            body = (b'<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>'
                    b'<variable name="n"/></head><results><result><binding name="n"><literal datatype='
                    b'"http://www.w3.org/2001/XMLSchema#integer">0</literal></binding></result></results></sparql>')
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Forgetful)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        out = cli("publish", "--endpoint", f"http://127.0.0.1:{server.server_port}/sparql")
    finally:
        server.shutdown()
    assert out.returncode == 2 and "does not hold what was sent" in out.stderr


def test_a_failing_store_is_a_gateway_error_not_the_clients():
    """A store that answers 500 (Virtuoso refusing on its own cost estimate, say) or not at all is the
    server's problem: 502 with the store's words, not a 400 that blames the query."""
    from iscm_graph.errors import LimitError, QueryError

    class Failing(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers["Content-Length"]))
            body = b"Virtuoso 42000 Error The estimated execution time 596 (sec) exceeds the limit"
            self.send_response(500)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Failing)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with pytest.raises(LimitError) as failed:
            RemoteStore(f"http://127.0.0.1:{server.server_port}/sparql", []).query("ASK {}")
    finally:
        server.shutdown()
    assert failed.value.status == 502 and "estimated execution time" in str(failed.value)
    with pytest.raises(LimitError) as silent:
        RemoteStore(f"http://127.0.0.1:{free_port()}/sparql", [], timeout=5).query("ASK {}")
    assert silent.value.status == 502 and "did not answer" in str(silent.value)
    assert not issubclass(LimitError, QueryError)


@pytest.fixture(scope="module")
def served_from_virtuoso(virtuoso, published, build_root):
    srv = ServerProcess("--source", REPO, "--build-dir", build_root,
                        env={"ISCM_STORE": "sparql+" + virtuoso.url + "/sparql"})
    yield srv.url
    srv.stop()


def test_serve_store_keeps_the_row_limit(virtuoso, published, build_root):
    """Queries to an external store run in the web process: the row limit still holds, refused with
    the same 422 as in the query processes, never cut short."""
    srv = ServerProcess("--build-dir", build_root, env={"ISCM_STORE": "sparql+" + virtuoso.url + "/sparql",
                                                        "ISCM_MAX_ROWS": "100"})
    try:
        over = requests.get(srv.url + "/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"},
                            headers={"Accept": "application/sparql-results+json"}, timeout=60)
        assert over.status_code == 422 and "max_rows" in over.text
        triples = requests.get(srv.url + "/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"},
                               headers={"Accept": "text/turtle"}, timeout=60)
        assert triples.status_code == 422 and "triples" in triples.text
        within = requests.get(srv.url + "/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 100"},
                              headers={"Accept": "application/sparql-results+json"}, timeout=60)
        assert within.status_code == 200 and len(within.json()["results"]["bindings"]) == 100
    finally:
        srv.stop()


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_serve_store_answers_the_api_like_the_embedded_server(server, served_from_virtuoso, name):
    ours = requests.get(f"{server}/api/{name}", timeout=60).json()
    theirs = requests.get(f"{served_from_virtuoso}/api/{name}", timeout=60).json()
    def norm(v):
        if v in (None, ""):
            return ""
        if v.startswith("_:"):
            return "_:b"
        return _parts({"true": "1", "false": "0"}.get(v, v))
    key = lambda rows: sorted(tuple(sorted((k, norm(v)) for k, v in r.items())) for r in rows)
    assert ours["columns"] == theirs["columns"] and key(ours["rows"]) == key(theirs["rows"])


def test_serve_store_keeps_every_route(server, served_from_virtuoso):
    from rdflib import Graph
    for path in ("/", "/browse/mechanisms", "/search?q=colombo", "/charts", "/doc/mechanism/budapest-process.html",
                 "/.well-known/void"):
        assert requests.get(served_from_virtuoso + path, timeout=60).status_code == 200, path
    doc = requests.get(served_from_virtuoso + "/id/mechanism/budapest-process", headers={"Accept": "text/turtle"},
                       timeout=60)
    g = Graph().parse(data=doc.text, format="turtle")
    counts = {str(o) for o in g.objects(None, None) if str(o) in ("52", "49")}
    assert counts == {"52", "49"}
    sparql = requests.get(served_from_virtuoso + "/sparql", params={"query": "SELECT (COUNT(*) AS ?n) { ?m a iscm:ConsultationMechanism }"},
                          headers={"Accept": "application/sparql-results+json"}, timeout=60).json()
    assert sparql["results"]["bindings"][0]["n"]["value"] == "30"


# --- the package as a user installs it: runtime dependencies only ----------------------------------

def test_runtime_only_install_imports_every_module(runtime_python):
    code = ("import importlib, importlib.util, pkgutil, iscm_graph\n"
            "for extra in ('pytest', 'SPARQLWrapper', 'playwright', 'schemathesis', 'hypothesis'):\n"
            "    assert importlib.util.find_spec(extra) is None, extra + ' is installed: not a runtime-only environment'\n"
            "names = [m.name for m in pkgutil.walk_packages(iscm_graph.__path__, 'iscm_graph.')\n"
            "         if not m.name.endswith('__main__')]\n"
            "for name in names: importlib.import_module(name)\n"
            "print(len(names))")
    out = subprocess.run([runtime_python, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    assert int(out.stdout) > 40


def test_runtime_only_install_every_subcommand_helps(runtime_python):
    top = subprocess.run([runtime_python, "-m", "iscm_graph", "--help"], capture_output=True, text=True, timeout=120)
    assert top.returncode == 0, top.stderr
    commands = [line.split()[0] for line in top.stdout.split("Commands:", 1)[1].splitlines() if line.strip()]
    assert {"build", "validate", "query", "queries", "conflicts", "memberships", "serve", "export", "dcat",
            "publish"} <= set(commands)
    for command in commands:
        out = subprocess.run([runtime_python, "-m", "iscm_graph", command, "--help"], capture_output=True,
                             text=True, timeout=120)
        assert out.returncode == 0 and "Usage:" in out.stdout, (command, out.stderr[-2000:])


def test_runtime_only_install_publishes_and_serves_from_the_store(runtime_python, virtuoso, build_root, built):
    out = subprocess.run([runtime_python, "-m", "iscm_graph", "--build-dir", str(build_root), "publish",
                          "--endpoint", virtuoso.url + "/sparql"], capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    verified = [line for line in out.stdout.splitlines() if line.endswith("(verified)")]
    assert len(verified) == len(built.graph_counts) + 1
    srv = ServerProcess("--build-dir", build_root, python=runtime_python,
                        env={"ISCM_STORE": "sparql+" + virtuoso.url + "/sparql"})
    try:
        answer = requests.get(srv.url + "/sparql", params={"query": "SELECT (COUNT(*) AS ?n) { ?m a iscm:ConsultationMechanism }"},
                              headers={"Accept": "application/sparql-results+json"}, timeout=60).json()
        assert answer["results"]["bindings"][0]["n"]["value"] == "30"
    finally:
        srv.stop()
