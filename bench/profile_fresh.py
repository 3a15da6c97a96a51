"""Where the time of a fresh query goes, by a sampling profiler: py-spy records every process of the
server (gunicorn master and workers, the query supervisor and its query processes) while wrk sends
the query mix, each text unique, at 8 connections; the samples are sorted into the parts of the
fresh-query path and printed as a Markdown table.

    python bench/profile_fresh.py [BUILD_DIR] [--seconds 10] [--gil]

BUILD_DIR holds `current` (default: the default build folder). Needs `py-spy` (bench/run installs
it) and wrk. py-spy slows what it samples, so the throughput printed here is not a benchmark figure:
only the shares are."""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench  # noqa: E402

# (part, test on the sampled stack's frames), first match wins
PARTS = [
    ("query process: serialising the answer (SPARQL JSON, RDF)",
     lambda s: "iscm_graph/query/pool.py" in s and ("_results_json" in s or "_term_json" in s or "serialize" in s)),
    ("query process: evaluation (pyoxigraph, planning and iterating the solutions)",
     lambda s: "iscm_graph/query/pool.py" in s and ("EmbeddedStore.query" in s or "evaluate (iscm_graph/query/evaluate.py" in s)),
    ("query process: receiving, checking and answering the job (wire, guard)",
     lambda s: "iscm_graph/query/pool.py" in s),
    ("web worker: hand-off to the query process and back (client slot, socket, wire)",
     lambda s: "QueryClient.run" in s or "ClientSlots" in s),
    ("web worker: Flask and the app (routing, request limits, form parsing, content negotiation, headers)",
     lambda s: "Flask.__call__" in s),
    ("web worker: gunicorn (HTTP parsing, writing the answer, access log)",
     lambda s: "gunicorn/workers" in s),
]


def breakdown(raw: Path) -> list[tuple[str, int]]:
    parts: Counter = Counter()
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        part = next((name for name, test in PARTS if test(stack)), "other (master, supervisor, threads between requests)")
        parts[part] += int(count)
    return parts.most_common()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("build_dir", nargs="?", default=str(Path.home() / ".local/share/iscm-graph"))
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--gil", action="store_true", help="sample only the threads holding the GIL: Python's own work "
                    "(pyoxigraph evaluates with the GIL released, so its evaluation drops out of this view)")
    args = ap.parse_args()
    spy = shutil.which("py-spy")
    if spy is None:
        sys.exit("py-spy is not installed: pip install py-spy (bench/run does)")
    work = Path(tempfile.mkdtemp(prefix="iscm-profile-"))
    texts = bench.mix_texts()
    bodies = bench.write_bodies(work, texts)
    port = bench.free_port()
    server = bench.serve(Path(args.build_dir), port)
    url = f"http://127.0.0.1:{port}/sparql"
    try:
        bench.warm(url, texts, {"BODIES": str(bodies)})
        raw = work / "samples.txt"
        rec = subprocess.Popen([spy, "record", "--subprocesses", "--pid", str(server.proc.pid), "--format", "raw",
                                "--rate", "200", *(["--gil"] if args.gil else []), "--duration", str(args.seconds), "--output", str(raw)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        run = bench.wrk(url, 8, args.seconds, {"BODIES": str(bodies)})
        rec.wait()
        parts = breakdown(raw)
        total = sum(n for _, n in parts)
        print(f"py-spy, {args.seconds} s of the fresh query mix at 8 connections ({run['rps'] / len(texts):.2f} "
              f"mixes/s while sampled), {total:,} samples of {'threads holding the GIL' if args.gil else 'busy threads'} in every process "
              "of the server\n")
        print("| part of the fresh-query path | share of samples |")
        print("|---|---|")
        for name, n in parts:
            print(f"| {name} | {n / total * 100:.1f}% |")
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
