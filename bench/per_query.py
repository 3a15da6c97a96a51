"""Per-query regression benchmark: every catalogue query (with its default parameters) and every
analytical query, evaluated and serialised in-process the way a query process does
(query/evaluate.py), on builds of several sizes. Prints, per query, the median time at each scale,
the ratio to 1x and the rows returned, and marks the one-entity questions (a parameter names the
entity): those must cost the same at every scale, while an analytical query may grow with its answer.

    python bench/per_query.py 1=BUILD_FOLDER 10=BUILD_FOLDER 100=BUILD_FOLDER [--runs 7]

A BUILD_FOLDER is a build (the folder with manifest.json), e.g. <build_dir>/current.
bench/bench.py runs this on the builds of its scale curve."""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

from iscm_graph.query.catalogue import catalogue  # noqa: E402
from iscm_graph.query.evaluate import evaluate  # noqa: E402
from iscm_graph.query.store import EmbeddedStore  # noqa: E402

# the questions about one entity: their answers do not change when unrelated data grows
ONE_ENTITY = ("mechanism-profile", "members-as-of", "members-of", "secretariat-of-mechanism", "state-by-code",
              "state-memberships-as-of", "state-memberships")
JSON = "application/sparql-results+json"


def queries() -> dict[str, str]:
    """name -> query text with its default parameters bound (as the bench's mix sends them)."""
    from iscm_graph.query.remote import inject_values

    out = {}
    for name, q in catalogue(REPO / "queries").items():
        out[name] = inject_values(q.text, q.bind({})) if q.params else q.text
    for path in sorted((HERE / "analytical").glob("*.rq")):
        out["analytical/" + path.stem] = path.read_text()
    return out


def time_queries(build: Path, runs: int) -> dict[str, dict]:
    store = EmbeddedStore.from_build(build)
    out = {}
    for name, text in queries().items():
        job = {"query": text, "max_rows": 10**7, "results_type": JSON, "graph_type": "text/turtle",
               "base_iri": "http://localhost/sparql"}
        header, body = evaluate(store, job)             # a first run: warm the store's caches
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            header, body = evaluate(store, job)
            times.append((time.perf_counter() - start) * 1000)
        rows = len(json.loads(body)["results"]["bindings"]) if header["status"] == 200 and body.startswith(b"{") else None
        out[name] = {"ms": statistics.median(times), "rows": rows, "status": header["status"]}
    return out


def table(results: dict[int, dict[str, dict]]) -> list[str]:
    scales = sorted(results)
    base = scales[0]
    head = "| query | " + " | ".join(f"{s}× ms | rows" for s in scales) + " | " + \
           " | ".join(f"{s}×/{base}×" for s in scales[1:]) + " |"
    lines = [head, "|" + "---|" * (1 + 2 * len(scales) + len(scales) - 1)]
    for name in results[base]:
        mark = " (one entity)" if name in ONE_ENTITY else ""
        cells = " | ".join(f"{results[s][name]['ms']:.2f} | {results[s][name]['rows']}" for s in scales)
        ratios = " | ".join(f"{results[s][name]['ms'] / results[base][name]['ms']:.2f}" for s in scales[1:])
        lines.append(f"| {name}{mark} | {cells} | {ratios} |")
    totals = " | ".join(f"{sum(r['ms'] for r in results[s].values()):.1f} | " for s in scales)
    lines.append(f"| all, summed | {totals} " + " | ".join("" for _ in scales[1:]) + " |")
    worst = [max(results[s][n]["ms"] / results[base][n]["ms"] for n in ONE_ENTITY if n in results[base])
             for s in scales[1:]]
    if worst:
        lines.append("")
        lines.append("Slowest one-entity question against 1×: " +
                     ", ".join(f"{w:.2f}× at {s}×" for w, s in zip(worst, scales[1:])) + ".")
    return lines


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("builds", nargs="+", help="SCALE=BUILD_FOLDER, e.g. 1=~/.local/share/iscm-graph/current")
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args(argv)
    results = {}
    for item in args.builds:
        scale, _, folder = item.partition("=")
        results[int(scale)] = time_queries(Path(folder).expanduser().resolve(), args.runs)
    print("\n".join(table(results)))


if __name__ == "__main__":
    sys.exit(main())
