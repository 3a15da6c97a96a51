"""One run, one machine, one data set: this server against rdflib-endpoint, Virtuoso and the limit
(the same WSGI server answering a fixed response), driven by wrk. Prints a Markdown table of
throughput and p50/p99 latency with ratios, and the scale curve; writes both to bench/results/."""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "tests"))
from iscm_graph.query.catalogue import catalogue  # noqa: E402
from iscm_graph.query.remote import inject_values  # noqa: E402

CLI = [sys.executable, "-m", "iscm_graph"]
UNION = "https://w3id.org/iscm/graph/union"


def free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, proc, seconds: float = 120) -> float:
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return time.monotonic() - start
        except OSError:
            if proc is not None and proc.poll() is not None:
                raise RuntimeError(f"{url}: the process exited")
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


def tree(root: int) -> list[int]:
    """The process and all its descendants (gunicorn workers, the query supervisor and its processes)."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            pass
    found, frontier = [root], [root]
    while frontier:
        frontier = [pid for pid, ppid in parents.items() if ppid in frontier]
        found += frontier
    return found


def memory_mb(root: int) -> tuple[float, float, int]:
    """(PSS, RSS) in MB summed over the process tree, and its process count. PSS divides shared
    pages between the processes mapping them, so forked processes are not counted twice; RSS is
    the sum of each process's resident memory."""
    pss = rss = 0
    pids = tree(root)
    for pid in pids:
        try:
            text = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        pss += int(re.search(r"^Pss:\s+(\d+)", text, re.M).group(1))
        rss += int(re.search(r"^Rss:\s+(\d+)", text, re.M).group(1))
    return pss / 1024, rss / 1024, len(pids)


def wrk(url: str, connections: int, seconds: int, env: dict) -> dict:
    # a generous timeout: a slow peer is measured, not dropped (wrk counts only answered requests)
    out = subprocess.run(["wrk", "-t", str(min(connections, 2)), "-c", str(connections), "-d", f"{seconds}s", "--timeout", "60s",
                          "--latency", "-s", str(HERE / "mix.lua"), url],
                         capture_output=True, text=True, env={**os.environ, "NONCE": uuid.uuid4().hex, **env},
                         timeout=seconds + 60)
    text = out.stdout
    def latency(p):
        m = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)", text, re.M)
        if not m:
            return float("nan")
        return float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)]
    done = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m)", text)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    failed = int(errors.group(1)) if errors else 0
    # only answered requests count: a peer that refuses a query fast must not look faster for it
    rps = 0.0
    if done:
        secs = float(done.group(2)) * {"us": 1e-6, "ms": 1e-3, "s": 1, "m": 60}[done.group(3)]
        rps = (int(done.group(1)) - failed) / secs
    return {"rps": rps, "p50": latency(50), "p99": latency(99), "non2xx": failed}


def alternate(targets: list[tuple[str, dict]], connections: int, seconds: int, rounds: int) -> list[dict]:
    """Runs of the same workload against each target (url, wrk environment), in turn, `rounds` times:
    each target's run with the median throughput. Alternating spreads what the machine's neighbours
    do over all the targets alike; one run after the other, a 10-second run here varies by +-20%."""
    runs = [[] for _ in targets]
    for _ in range(rounds):
        for i, (url, env) in enumerate(targets):
            runs[i].append(wrk(url, connections, seconds, env))
    out = []
    for rs in runs:
        med = sorted(rs, key=lambda r: r["rps"])[len(rs) // 2]
        out.append({**med, "non2xx": sum(r["non2xx"] for r in rs), "runs": [r["rps"] for r in rs]})
    return out


def warm(url: str, texts: list[str], env: dict) -> None:
    """Every query of the mix once per connection of the c=8 runs: the query processes (or the peer's
    caches of plans and pages) have seen each before the first measured run."""
    wrk(url, 8, max(3, len(texts) // 4), env)


def mix_texts() -> list[str]:
    texts = []
    for name, q in catalogue(REPO / "queries").items():
        texts.append(inject_values(q.text, q.bind({})) if q.params else q.text)
    texts += [p.read_text() for p in sorted((HERE / "analytical").glob("*.rq"))]
    return texts


def write_bodies(folder: Path, texts: list[str]) -> Path:
    path = folder / "bodies.txt"
    path.write_text("\n".join(urllib.parse.urlencode({"query": t}) for t in texts) + "\n")
    return path


class Proc:
    def __init__(self, cmd, ready_url, env=None, cwd=None):
        self.start = time.monotonic()
        self.proc = subprocess.Popen(cmd, env={**os.environ, **(env or {})}, cwd=cwd,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.startup = wait_for(ready_url, self.proc)

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def measured_build(source: Path, build_dir: Path) -> dict:
    """Build in a child process; report the build's own step timings (from its "Build time" line)
    and the peak memory of the whole `iscm-graph build` command."""
    code = ("import resource, subprocess, sys; r = subprocess.run(sys.argv[1:], capture_output=True, text=True);"
            "print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss);"
            "print([l for l in r.stdout.splitlines() if l.startswith('Build time')][-1:])")
    out = subprocess.run([sys.executable, "-c", code, *CLI, "--source", str(source), "--build-dir", str(build_dir),
                          "build"], capture_output=True, text=True)
    first, log = out.stdout.split("\n", 1)
    rc, maxrss = first.split()
    if rc != "0":
        raise RuntimeError(f"build of {source} failed")
    manifest = json.loads((build_dir / "current" / "manifest.json").read_text())
    timings = {k: float(v) for k, v in re.findall(r"(load|reason|validate|write) ([\d.]+) s", log)}
    timings["total"] = sum(timings.values())
    return {"triples": manifest["triples"], "peak_mb": int(maxrss) / 1024, **timings}


def serve(build_dir: Path, port: int, env=None) -> Proc:
    # default settings but one: wrk is one client, and the per-client limit (client_queries, 2) would
    # refuse six of its eight connections; the peers have no such limit
    return Proc([*CLI, "--source", str(REPO), "--build-dir", str(build_dir), "serve", "--port", str(port)],
                f"http://127.0.0.1:{port}/healthz", env={"ISCM_CLIENT_QUERIES": "64", **(env or {})})


def oxigraph_server(build_dir: Path, folder: Path) -> tuple[Proc, str] | None:
    """`oxigraph serve-read-only` (the pyoxigraph project's server) on the same dump, its default
    graph holding the union of the named graphs as a set, as this server's does; None when the
    `oxigraph` command is not installed."""
    exe = shutil.which("oxigraph")
    if exe is None:
        return None
    import pyoxigraph as ox
    folder.mkdir(parents=True, exist_ok=True)
    nq = build_dir / "current" / "dataset.nq"
    union = folder / "union.nt"
    triples = {ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(path=str(nq), format=ox.RdfFormat.N_QUADS)}
    union.write_bytes(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))
    store = folder / "oxigraph"
    subprocess.run([exe, "load", "--location", str(store), "--file", str(nq)], check=True, capture_output=True)
    subprocess.run([exe, "load", "--location", str(store), "--file", str(union)], check=True, capture_output=True)
    port = free_port()
    proc = Proc([exe, "serve-read-only", "--location", str(store), "--bind", f"127.0.0.1:{port}"],
                f"http://127.0.0.1:{port}/query?query=ASK%7B%7D")
    return proc, f"http://127.0.0.1:{port}/query"


def virtuoso_server(build_dir: Path, folder: Path):
    """Virtuoso Open Source 7, loaded by `iscm-graph publish`; (server, endpoint, extra parameters)."""
    from virtuoso import Virtuoso
    folder.mkdir(parents=True, exist_ok=True)
    v = Virtuoso(folder)
    subprocess.run([*CLI, "--build-dir", str(build_dir), "publish", "--endpoint", v.url + "/sparql"],
                   check=True, capture_output=True)
    return v, v.url + "/sparql", "&" + urllib.parse.urlencode({"default-graph-uri": UNION})


def limit(size: int, sizes: dict[str, int] | None = None, folder: Path | None = None) -> tuple[Proc, str]:
    """The fixed-response limit: `size` bytes for any request, or for a request (a GET's path, a POST's
    body) in `sizes`, the size this server answered it with."""
    port = free_port()
    env = {"LIMIT_BYTES": str(size)}
    if sizes:
        fd, name = tempfile.mkstemp(prefix="limit-sizes-", suffix=".json", dir=folder)
        with os.fdopen(fd, "w") as f:
            json.dump(list(sizes.items()), f)
        env["LIMIT_SIZES"] = name
    # the same gunicorn settings as `iscm-graph serve`, access log included
    proc = Proc([sys.executable, "-m", "gunicorn", "-w", "2", "-k", "gthread", "--threads", "16", "-b",
                 f"127.0.0.1:{port}", "--access-logfile", "-", "limit_app:app"], f"http://127.0.0.1:{port}/", env=env,
                cwd=HERE)
    return proc, f"http://127.0.0.1:{port}/"


def response_size(url: str, body: str | None = None, accept: str = "application/sparql-results+json") -> int:
    req = urllib.request.Request(url, data=body.encode() if body else None, headers={"Accept": accept})
    with urllib.request.urlopen(req, timeout=60) as r:
        return len(r.read())


def row(name, ours, peer=None, per=1):
    def cell(r):
        return f"{r['rps'] / per:,.2f} | {r['p50']:.2f} | {r['p99']:.2f}"
    ratio = f"{ours['rps'] / peer['rps']:.2f}×" if peer and peer["rps"] else "–"
    return f"| {name} | {cell(ours)} | {cell(peer) if peer else '– | – | –'} | {ratio} |"


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seconds", type=int, default=10, help="duration of each wrk run")
    ap.add_argument("--scales", default="1,10", help="data sizes for the scale curve, e.g. 1,10,100")
    ap.add_argument("--skip-peers", action="store_true", help="only this server and the limit")
    ap.add_argument("--rounds", type=int, default=3, help="alternating runs per comparison (the median is kept)")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="iscm-bench-"))
    lines, results = [], {}
    mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
    cpu = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
    machine = (f"{os.cpu_count()} cores ({cpu.group(1) if cpu else platform.machine()}), {mem_kb // 1024} MB, "
               f"{platform.system()} {platform.release()}, Python {platform.python_version()}")
    try:
        build1 = work / "build"
        b = measured_build(REPO, build1)
        texts = mix_texts()
        bodies = write_bodies(work, texts)
        port = free_port()
        ours = serve(build1, port)
        ours_url = f"http://127.0.0.1:{port}/sparql"
        site = f"http://127.0.0.1:{port}"
        ours_pss, ours_rss, ours_procs = memory_mb(ours.proc.pid)
        sizes = [response_size(ours_url, urllib.parse.urlencode({"query": t})) for t in texts]
        S, R = args.seconds, args.rounds
        fresh = {"BODIES": str(bodies)}
        repeated = {"BODIES": str(bodies), "UNIQUE": "0"}
        # every server is warmed before it is measured: its query processes have run the mix once, and
        # a repeated query or a document has been answered (fresh, once per web worker) before
        warm(ours_url, texts, fresh)
        for t in texts * 8:
            response_size(ours_url, urllib.parse.urlencode({"query": t}))
        docs = {}
        entities = ["mechanism/budapest-process", "mechanism/colombo-process", "mechanism/midsa", "state/egy",
                    "body/ecowas", "commission/escwa", "objective/23", "paragraph/a-res-73-195-52", "theme/labour-migration",
                    "meeting/global-rcp-7"]
        for fmt, accept in (("ttl", "text/turtle"), ("jsonld", "application/ld+json"), ("html", "text/html")):
            docs[fmt] = work / f"docs-{fmt}.txt"
            docs[fmt].write_text("\n".join(f"/doc/{e}.{fmt}" for e in entities) + "\n")
            for e in entities * 8:
                response_size(f"{site}/doc/{e}.{fmt}", accept=accept)
        dump = work / "dump.txt"
        dump.write_text("/download/dataset.nq.gz\n")
        for _ in range(8):
            response_size(f"{site}/download/dataset.nq.gz", accept="*/*")
        # the limits: the same stack answering the same sizes from memory (bench/limit_app.py), one per
        # workload, all running at once so that their runs and ours alternate
        limits = {}
        # a repeated body gets as many bytes as this server answers it with; a fresh (unique) text the median
        limits["mix"] = limit(int(statistics.median(sizes)), dict(zip(bodies.read_text().splitlines(), sizes)), work)
        for fmt, accept in (("ttl", "text/turtle"), ("jsonld", "application/ld+json"), ("html", "text/html")):
            doc_sizes = {path: response_size(site + path, accept=accept) for path in docs[fmt].read_text().split()}
            limits["doc-" + fmt] = limit(int(statistics.median(doc_sizes.values())), doc_sizes, work)
        limits["dump"] = limit((build1 / "current" / "dumps" / "dataset.nq.gz").stat().st_size, None, work)
        try:
            for c in (1, 8):
                results[("repeat", "ours", c)], results[("repeat", "limit", c)] = alternate(
                    [(ours_url, repeated), (limits["mix"][1], repeated)], c, S, R)
                for fmt, accept in (("ttl", "text/turtle"), ("jsonld", "application/ld+json"), ("html", "text/html")):
                    env = {"PATHS": str(docs[fmt]), "ACCEPT": accept}
                    results[("doc-" + fmt, "ours", c)], results[("doc-" + fmt, "limit", c)] = alternate(
                        [(site, env), (limits["doc-" + fmt][1], env)], c, S, R)
                env = {"PATHS": str(dump), "ACCEPT": "*/*"}
                results[("dump", "ours", c)], results[("dump", "limit", c)] = alternate(
                    [(site, env), (limits["dump"][1], env)], c, S, R)
                results[("mix", "limit", c)] = wrk(limits["mix"][1], c, S, fresh)
        finally:
            for lim, _ in limits.values():
                lim.stop()
        # fresh queries: this server and each peer loaded with the same data at once, their runs alternating
        fresh_peers = [("ours", ours_url, fresh)]
        peers = []
        if not args.skip_peers:
            v, vurl, extra = virtuoso_server(build1, work / "virtuoso")
            peers.append(v)
            fresh_peers.append(("virtuoso", vurl, {**fresh, "EXTRA": extra}))
            oxi = oxigraph_server(build1, work / "oxi-1")
            if oxi is not None:
                peers.append(oxi[0])
                fresh_peers.append(("oxigraph", oxi[1], fresh))
        try:
            for _, url, env in fresh_peers[1:]:
                warm(url, texts, env)
            for c in (1, 8):
                measured = alternate([(url, env) for _, url, env in fresh_peers], c, S, R)
                for (name, _, _), r in zip(fresh_peers, measured):
                    results[("mix", name, c)] = r
        finally:
            for p in peers:
                p.stop()
        ours.stop()
        if not args.skip_peers:
            trig = work / "dataset.trig"
            subprocess.run([*CLI, "--build-dir", str(build1), "export", "--format", "trig", "-o", str(trig)], check=True)
            rport = free_port()
            rdfe = Proc(["rdflib-endpoint", "serve", "--host", "127.0.0.1", "--port", str(rport), str(trig)],
                        f"http://127.0.0.1:{rport}/?query=ASK%7B%7D")
            # its slowest queries take seconds each, more with 8 at once: a longer window, so that it
            # completes requests at all (in 10 s at c=8 it completed none)
            for c in (1, 8):
                results[("mix", "rdflib-endpoint", c)] = wrk(f"http://127.0.0.1:{rport}/", c, max(S, 40), fresh)
            rdfe.stop()
        n = len(texts)
        lines.append(f"# iscm-graph benchmark, {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC\n")
        lines.append(f"Machine: {machine}. wrk, {S} s per run ({max(S, 40)} s for rdflib-endpoint). Query mix: {n} queries "
                     f"({n - 5} catalogue queries with fixed parameters + 5 analytical), each request's text made unique. "
                     f"Every comparison but rdflib-endpoint's is {R} rounds of runs alternating between the servers "
                     f"(all loaded at once, each warmed first); the run with the median throughput is shown, every "
                     f"run's figure is listed under the table.\n")
        lines.append("| workload (concurrency) | this server: /s | p50 ms | p99 ms | peer: /s | p50 ms | p99 ms | ratio |")
        lines.append("|---|---|---|---|---|---|---|---|")
        for c in (1, 8):
            for peer in ("rdflib-endpoint", "virtuoso", "oxigraph", "limit"):
                if ("mix", peer, c) in results:
                    lines.append(row(f"query mixes/s vs {peer} (c={c})", results[("mix", "ours", c)], results[("mix", peer, c)], per=n))
            lines.append(row(f"repeated queries/s vs limit (c={c})", results[("repeat", "ours", c)], results[("repeat", "limit", c)]))
            for fmt in ("ttl", "jsonld", "html"):
                lines.append(row(f"entity documents .{fmt} vs limit (c={c})", results[("doc-" + fmt, "ours", c)], results[("doc-" + fmt, "limit", c)]))
            lines.append(row(f"N-Quads dump vs limit (c={c})", results[("dump", "ours", c)], results[("dump", "limit", c)]))
        lines.append("")
        for (work_name, who, c), r in results.items():
            if "runs" in r:
                lines.append(f"- {work_name} (c={c}), {who}: " + ", ".join(f"{x:,.0f}" for x in r["runs"]) + " requests/s")
        errors = {k: r["non2xx"] for k, r in results.items() if r["non2xx"]}
        lines.append(f"\nNon-2xx responses: {errors or 'none'}. Ratios are this server's throughput over the peer's "
                     f"(query mixes per second for the mix, one mix = every query once).\n")
        lines.append(f"Build of the real data: {b['total']:.2f} s (load {b['load']:.2f}, reason {b['reason']:.2f}, "
                     f"validate {b['validate']:.2f}, write {b.get('write', 0):.2f}), peak {b['peak_mb']:.0f} MB. "
                     f"Server start {ours.startup:.2f} s; memory of its {ours_procs} processes (gunicorn master and "
                     f"workers, query supervisor and query processes): PSS {ours_pss:.0f} MB, RSS sum {ours_rss:.0f} MB.\n")
        lines.append("## Scale\n")
        lines.append("| scale | triples | load s | reason s | validate s | write s | build s | peak MB | start s | PSS MB | RSS MB | mixes/s (c=8) | non-2xx | Virtuoso mixes/s | ratio | oxigraph mixes/s | ratio |")
        lines.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
        scale_builds = {}
        for factor in (int(x) for x in args.scales.split(",")):
            try:
                if factor == 1:
                    bs, bdir = b, build1
                else:
                    src = __import__("synth").grow(REPO, build1 / "current" / "dataset.nq", factor, work / f"src-{factor}")
                    bdir = work / f"build-{factor}"
                    bs = measured_build(src, bdir)
                sport = free_port()
                srv = serve(bdir, sport)
                pss, rss, _ = memory_mb(srv.proc.pid)
                warm(f"http://127.0.0.1:{sport}/sparql", texts, fresh)
                r = wrk(f"http://127.0.0.1:{sport}/sparql", 8, S, fresh)
                srv.stop()
                scale_builds[factor] = bdir / "current"
                peers = ["–", "–", "–", "–"]
                if not args.skip_peers:
                    v, vurl, extra = virtuoso_server(bdir, work / f"virtuoso-{factor}")
                    warm(vurl, texts, {**fresh, "EXTRA": extra})
                    vr = wrk(vurl, 8, S, {**fresh, "EXTRA": extra})
                    v.stop()
                    peers[:2] = [f"{vr['rps'] / n:.2f}", f"{r['rps'] / vr['rps']:.2f}×" if vr["rps"] else "–"]
                    oxi = oxigraph_server(bdir, work / f"oxi-{factor}")
                    if oxi is not None:
                        warm(oxi[1], texts, fresh)
                        orr = wrk(oxi[1], 8, S, fresh)
                        oxi[0].stop()
                        peers[2:] = [f"{orr['rps'] / n:.2f}", f"{r['rps'] / orr['rps']:.2f}×" if orr["rps"] else "–"]
                lines.append(f"| {factor}× | {bs['triples']:,} | {bs['load']:.1f} | {bs['reason']:.1f} | {bs['validate']:.1f} | "
                             f"{bs.get('write', 0):.1f} | {bs['total']:.1f} | {bs['peak_mb']:.0f} | {srv.startup:.2f} | {pss:.0f} | {rss:.0f} | {r['rps'] / n:.2f} | {r['non2xx']} | "
                             + " | ".join(peers) + " |")
            except Exception as exc:        # report the scale that failed, keep the rest
                lines.append(f"| {factor}× | failed: {exc} |")
        if scale_builds:
            import per_query
            lines.append("\n## Per query, in-process (median of 5, ms)\n")
            lines += per_query.table({f: per_query.time_queries(p, 5) for f, p in scale_builds.items()})
        report = "\n".join(lines) + "\n"
        print(report)
        out = HERE / "results" / f"{dt.datetime.now():%Y-%m-%dT%H%M}.md"
        out.write_text(report)
        print(f"written to {out}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    main()
