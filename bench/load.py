"""Bounded load and soak of this server on loopback (a benchmark, not a test).

Load: `--clients` concurrent clients for `--seconds`: one client sends runaway queries one after
another (each must end in 503 at the time limit), the others mix the query mix (each text made
unique) and entity documents (Turtle, JSON-LD, HTML). Every answer is classified: expected (200 for
queries and documents, 503 "time limit" for runaways) or unexpected (anything else, connection
errors included). Soak: `--soak-clients` for `--soak-seconds`, the same mix, sampling the memory of
the whole process tree (gunicorn master and workers, query supervisor and query processes).
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
FORMATS = ("ttl", "jsonld", "html")


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


def client(base: str, deadline: float, tally: Tally, texts: list[str], docs: list[str], runaway: bool, seed: int):
    rnd = random.Random(seed)
    session = requests.Session()
    n = 0
    while time.monotonic() < deadline:
        n += 1
        if runaway:
            kind, args = "runaway", {"method": "GET", "url": base + "/sparql",
                                     "params": {"query": f"{RUNAWAY} # {seed}-{n}"}}
        elif rnd.random() < 0.6:
            kind, args = "query", {"method": "POST", "url": base + "/sparql",
                                   "data": {"query": f"{rnd.choice(texts)}\n# {seed}-{n}"}}
        else:
            kind, args = "document", {"method": "GET", "url": f"{base}{rnd.choice(docs)}.{rnd.choice(FORMATS)}"}
        started = time.monotonic()
        try:
            r = session.request(**args, headers={"Accept": "application/sparql-results+json"}, timeout=120)
            outcome = str(r.status_code)
            if kind == "runaway":
                expected = r.status_code == 503 and "time limit" in r.text
            else:
                expected = r.status_code == 200 and len(r.content) > 0
        except requests.RequestException as exc:
            outcome, expected = type(exc).__name__, False
        tally.record(kind, time.monotonic() - started, outcome, expected)


def run_clients(base, seconds, clients, texts, docs, on_tick=None) -> Tally:
    tally = Tally()
    deadline = time.monotonic() + seconds
    threads = [threading.Thread(target=client, args=(base, deadline, tally, texts, docs, i == 0, i), daemon=True)
               for i in range(clients)]
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
    for kind in ("query", "document", "runaway"):
        lat = tally.latency[kind]
        outcomes = ", ".join(f"{o}: {c}" for (k, o), c in sorted(tally.outcomes.items()) if k == kind)
        bad = sum(c for (k, _), c in tally.unexpected.items() if k == kind)
        lines.append(f"| {kind} | {len(lat)} | {len(lat) / seconds:.1f} | {pct(lat, 50):.1f} | {pct(lat, 99):.1f} | "
                     f"{outcomes} | {bad} |")
    normal = tally.latency["query"] + tally.latency["document"]
    lines.append(f"\nNormal requests (queries and documents): {len(normal)}, p50 {pct(normal, 50):.1f} ms, "
                 f"p99 {pct(normal, 99):.1f} ms. Unexpected answers: {sum(tally.unexpected.values())}"
                 + (f" {dict(tally.unexpected)}" if tally.unexpected else "") + ".")
    return lines


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--soak-clients", type=int, default=8)
    ap.add_argument("--soak-seconds", type=int, default=600)
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="iscm-load-"))
    build_dir = work / "build"
    measured_build(REPO, build_dir)
    port = free_port()
    server = serve(build_dir, port)
    base = f"http://127.0.0.1:{port}"
    texts = mix_texts()
    rows = requests.get(base + "/sparql", params={"query": "SELECT DISTINCT ?s WHERE { ?s a ?t "
                        "FILTER(STRSTARTS(STR(?s), 'https://w3id.org/iscm/id/mechanism/') || "
                        "STRSTARTS(STR(?s), 'https://w3id.org/iscm/id/state/')) } LIMIT 200"},
                        headers={"Accept": "application/sparql-results+json"}, timeout=60).json()
    docs = ["/doc/" + b["s"]["value"].split("/id/", 1)[1] for b in rows["results"]["bindings"]]
    out = [f"# iscm-graph load and soak, {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC", "",
           f"Machine: {os.cpu_count()} cores, {platform.platform()}, Python {platform.python_version()}. "
           f"Server: `iscm-graph serve` with default settings (2 web workers x 4 threads, 2 query processes, "
           f"queue 16, 10 s time limit). {len(texts)} mix queries, {len(docs)} entity documents x {len(FORMATS)} formats.", ""]
    try:
        before = memory_mb(server.proc.pid)
        peak = [before[0]]
        tally = run_clients(base, args.seconds, args.clients, texts, docs,
                            on_tick=lambda: peak.append(memory_mb(server.proc.pid)[0]))
        after = memory_mb(server.proc.pid)
        out += [f"## Load: {args.clients} clients for {args.seconds} s (one of them sending runaway queries)", ""]
        out += tally_table(tally, args.seconds)
        out += ["", f"Memory (PSS of the process tree): {before[0]:.0f} MB before, peak {max(peak):.0f} MB, "
                    f"{after[0]:.0f} MB after ({after[2]} processes).", ""]
        print("\n".join(out), flush=True)

        samples = []
        started = time.monotonic()

        def sample():
            t = time.monotonic() - started
            if not samples or t - samples[-1][0] >= 30:
                samples.append((t, *memory_mb(server.proc.pid)))
        soak = run_clients(base, args.soak_seconds, args.soak_clients, texts, docs, on_tick=sample)
        samples.append((time.monotonic() - started, *memory_mb(server.proc.pid)))
        out += [f"## Soak: {args.soak_clients} clients for {args.soak_seconds} s", ""]
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
