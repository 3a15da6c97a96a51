"""Bounded load and soak of this server on loopback (a benchmark, not a test).

Load, in four phases of `--seconds` each, `--clients` normal clients mixing catalogue queries
(each text made unique) and entity documents (Turtle, JSON-LD, HTML), each client with an address
of its own: with no attackers (cold caches); with two runaway hogs (clients keeping as many queries at the time
limit running as the per-client limit allows); with two memory hogs (the same, with queries that
grow until the memory ceiling stops them); with no attackers again (warm caches). Every answer is classified: expected (200 for queries and
documents, 503 "time limit" or "memory ceiling" for the attacks) or unexpected (anything else,
connection errors included), with p50/p99 per kind and the peak memory of the whole process tree
(gunicorn master and workers, query supervisor and query processes). Soak: `--soak-clients` for
`--soak-seconds`, the mix with one runaway client, sampling that memory.
Prints Markdown and writes it to bench/results/load-<time>.md.
"""
from __future__ import annotations

import argparse
import collections
import datetime as dt
import os
import platform
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench import REPO, free_port, measured_build, memory_mb, mix_texts, serve  # noqa: E402

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
# materialises the cross product before sorting it: grows until the memory ceiling stops it
MEMORY_HOG = "SELECT ?a ?d WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 1"
FORMATS = ("ttl", "jsonld", "html")
# what each kind of attacker sends, and the one answer it must get
ATTACKS = {"runaway": RUNAWAY, "memory": MEMORY_HOG}


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.latency = collections.defaultdict(list)
        self.outcomes = collections.Counter()
        self.unexpected = collections.Counter()

    def record(self, kind: str, seconds: float, outcome: str, expected: bool):
        with self.lock:
            self.latency[kind].append(seconds * 1000)
            self.outcomes[(kind, outcome)] += 1
            if not expected:
                self.unexpected[(kind, outcome)] += 1


def client(base: str, deadline: float, tally: Tally, texts: list[str], docs: list[str], attack: str | None,
           seed: int, address: str | None):
    """One client thread: an attacker sends its attack query again and again; a normal client
    mixes catalogue queries and entity documents. `address` is sent as X-Forwarded-For (the server
    trusts loopback as its proxy), so each client counts as itself."""
    rnd = random.Random(seed)
    session = requests.Session()
    headers = {"Accept": "application/sparql-results+json"}
    if address:
        headers["X-Forwarded-For"] = address
    n = 0
    while time.monotonic() < deadline:
        n += 1
        if attack:
            kind, args = attack, {"method": "GET", "url": base + "/sparql",
                                  "params": {"query": f"{ATTACKS[attack]} # {seed}-{n}"}}
        elif rnd.random() < 0.6:
            kind, args = "query", {"method": "POST", "url": base + "/sparql",
                                   "data": {"query": f"{rnd.choice(texts)}\n# {seed}-{n}"}}
        else:
            kind, args = "document", {"method": "GET", "url": f"{base}{rnd.choice(docs)}.{rnd.choice(FORMATS)}"}
        started = time.monotonic()
        try:
            r = session.request(**args, headers=headers, timeout=120)
            outcome = str(r.status_code)
            if attack:
                # stopped by its own limit, or by the other one: a memory hog in the slow lane may
                # reach the time limit first when the cores are busy
                stops = [limit for limit in ("memory ceiling", "time limit") if limit in r.text]
                expected = r.status_code == 503 and bool(stops)
                if expected:
                    outcome += " " + stops[0]
            else:
                expected = r.status_code == 200 and len(r.content) > 0
            if not expected:          # what went wrong, in the server's words
                outcome += " " + r.text[:90].strip().split("\n")[0]
        except requests.RequestException as exc:
            outcome, expected = type(exc).__name__, False
        tally.record(kind, time.monotonic() - started, outcome, expected)


def run_clients(base, seconds, clients, texts, docs, on_tick=None, attackers=("runaway",), per_attacker=1,
                forwarded=False) -> Tally:
    """`clients` clients for `seconds`: one attacking client per entry of `attackers` (each keeping
    `per_attacker` queries running at all times), the others normal. With `forwarded`, each client
    has an address of its own (X-Forwarded-For); else all share loopback's."""
    tally = Tally()
    deadline = time.monotonic() + seconds
    threads = []
    for i in range(clients):
        attack = attackers[i] if i < len(attackers) else None
        address = f"198.51.100.{i + 1}" if forwarded else None
        for j in range(per_attacker if attack else 1):
            threads.append(threading.Thread(target=client, args=(base, deadline, tally, texts, docs, attack,
                                                                 i * 100 + j, address), daemon=True))
    for t in threads:
        t.start()
    while any(t.is_alive() for t in threads):
        time.sleep(1)
        if on_tick:
            on_tick()
    return tally


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def tally_table(tally: Tally, seconds: float) -> list[str]:
    lines = ["| requests | count | /s | p50 ms | p99 ms | outcomes | unexpected |", "|---|---|---|---|---|---|---|"]
    for kind in ("query", "document", *ATTACKS):
        lat = tally.latency[kind]
        if not lat:
            continue
        outcomes = ", ".join(f"{o}: {c}" for (k, o), c in sorted(tally.outcomes.items()) if k == kind)
        bad = sum(c for (k, _), c in tally.unexpected.items() if k == kind)
        lines.append(f"| {kind} | {len(lat)} | {len(lat) / seconds:.1f} | {pct(lat, 50):.1f} | {pct(lat, 99):.1f} | "
                     f"{outcomes} | {bad} |")
    normal = tally.latency["query"] + tally.latency["document"]
    lines.append(f"\nNormal requests (queries and documents): {len(normal)}, p50 {pct(normal, 50):.1f} ms, "
                 f"p99 {pct(normal, 99):.1f} ms. Unexpected answers: {sum(tally.unexpected.values())}"
                 + (f" {dict(tally.unexpected)}" if tally.unexpected else "") + ".")
    return lines


# attacks off twice: first with cold caches (each document's first render), last with warm ones,
# the fair comparison for the phases with attacks between them
PHASES = (("attacks off, cold caches", ()), ("runaway hogs", ("runaway", "runaway")),
          ("memory hogs", ("memory", "memory")), ("attacks off, warm caches", ()))


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--clients", type=int, default=50, help="normal clients in each load phase")
    ap.add_argument("--seconds", type=int, default=60, help="length of each load phase")
    ap.add_argument("--soak-clients", type=int, default=8)
    ap.add_argument("--soak-seconds", type=int, default=600)
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="iscm-load-"))
    build_dir = work / "build"
    measured_build(REPO, build_dir)
    port = free_port()
    # loopback is the trusted proxy: each client's X-Forwarded-For is its address
    server = serve(build_dir, port, env={"ISCM_TRUSTED_PROXIES": "127.0.0.1"})
    base = f"http://127.0.0.1:{port}"
    texts = mix_texts()
    rows = requests.get(base + "/sparql", params={"query": "SELECT DISTINCT ?s WHERE { ?s a ?t "
                        "FILTER(STRSTARTS(STR(?s), 'https://w3id.org/iscm/id/mechanism/') || "
                        "STRSTARTS(STR(?s), 'https://w3id.org/iscm/id/state/')) } LIMIT 200"},
                        headers={"Accept": "application/sparql-results+json"}, timeout=60).json()
    docs = ["/doc/" + b["s"]["value"].split("/id/", 1)[1] for b in rows["results"]["bindings"]]
    pool = requests.get(base + "/healthz", timeout=30).json()["query_pool"]
    per_attacker = pool["client_queries"]
    out = [f"# iscm-graph load and soak, {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC", "",
           f"Machine: {os.cpu_count()} cores, {platform.platform()}, Python {platform.python_version()}. "
           f"Server: `iscm-graph serve` with default settings (2 web workers, {pool['configured_workers']} query "
           f"processes, queue {pool['queue']}, {pool['timeout_s']:g} s time limit, {pool['memory_limit_mb']} MiB "
           f"memory ceiling, {per_attacker} queries per client, slow lane after {pool['slow_after_s']:g} s) and "
           f"loopback as trusted proxy. {len(texts)} catalogue and mix queries, {len(docs)} entity documents x "
           f"{len(FORMATS)} formats. Each attacker is one client keeping {per_attacker} attack queries running "
           "at all times (its per-client limit).", ""]
    try:
        for title, attackers in PHASES:
            before = memory_mb(server.proc.pid)
            peak = [before[0]]
            tally = run_clients(base, args.seconds, args.clients + len(attackers), texts, docs,
                                on_tick=lambda: peak.append(memory_mb(server.proc.pid)[0]),
                                attackers=attackers, per_attacker=per_attacker, forwarded=True)
            after = memory_mb(server.proc.pid)
            out += [f"## Load, {title}: {args.clients} normal clients for {args.seconds} s"
                    + (f", {len(attackers)} attackers ({', '.join(attackers)})" if attackers else ""), ""]
            out += tally_table(tally, args.seconds)
            out += ["", f"Memory (PSS of the whole process tree): {before[0]:.0f} MB before, peak {max(peak):.0f} MB, "
                        f"{after[0]:.0f} MB after ({after[2]} processes).", ""]
            print("\n".join(out), flush=True)
        pool = requests.get(base + "/healthz", timeout=30).json()["query_pool"]
        out += [f"Query processes ended over the load phases: {pool['ended']} (memory ceiling hits "
                f"{pool['memory_hits']}, time limit hits {pool['time_limit_hits']}, replaced {pool['replaced']}).", ""]

        samples = []
        started = time.monotonic()

        def sample():
            t = time.monotonic() - started
            if not samples or t - samples[-1][0] >= 30:
                samples.append((t, *memory_mb(server.proc.pid)))
        soak = run_clients(base, args.soak_seconds, args.soak_clients, texts, docs, on_tick=sample, forwarded=True)
        samples.append((time.monotonic() - started, *memory_mb(server.proc.pid)))
        out += [f"## Soak: {args.soak_clients} clients for {args.soak_seconds} s (one sending runaway queries)", ""]
        out += tally_table(soak, args.soak_seconds)
        out += ["", "| minute | PSS MB | RSS MB | processes |", "|---|---|---|---|"]
        for t, pss, rss, n in samples:
            if t < 1 or int(t) % 60 < 30 or t == samples[-1][0]:
                out.append(f"| {t / 60:.1f} | {pss:.0f} | {rss:.0f} | {n} |")
        half = [s[1] for s in samples if s[0] >= samples[-1][0] / 2]
        out += ["", f"PSS over the second half of the soak: min {min(half):.0f} MB, max {max(half):.0f} MB "
                    f"(spread {max(half) - min(half):.0f} MB); first sample {samples[0][1]:.0f} MB, "
                    f"last {samples[-1][1]:.0f} MB, median {statistics.median(s[1] for s in samples):.0f} MB."]
    finally:
        server.stop()
    text = "\n".join(out) + "\n"
    print(text)
    results = HERE / "results"
    results.mkdir(exist_ok=True)
    (results / f"load-{dt.datetime.now(dt.timezone.utc):%Y-%m-%dT%H%M}.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
