"""Memory and disk cost of keeping releases of the real data (not part of the test suite).

    python bench/release_memory.py [BUILD_FOLDER] [--releases 10] [--held 0,1,2,3]

It publishes `--releases` releases of one build by hard-linking its folder into a scratch build
directory (each release's manifest is a copy with its own build id, so the server loads each as
different data, as it would releases of different data), then for each count in `--held` starts
`iscm-graph serve` (default workers and query processes, `releases_loaded` set to that count), asks
each of that many older releases for documents and SPARQL queries from 8 threads (so every web
worker and most query processes open them) and reports the server's memory: PSS and RSS summed over
its process tree (bench.py's `memory_mb`). Disk: the bytes the releases add beyond the build they
were linked from (only release.json and the manifest copy are new files)."""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench import memory_mb  # noqa: E402

QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?m a org:Membership }"


def publish(build_dir: Path, build: Path, version: str, published: dt.datetime, current: bool) -> None:
    folder = build_dir / "releases" / version
    folder.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(build, folder, copy_function=os.link,
                    ignore=lambda d, names: ["manifest.json"] if Path(d) == build else [])
    manifest = json.loads((build / "manifest.json").read_text(encoding="utf-8"))
    if not current:
        manifest["build_id"] = f"{manifest['build_id'][:8]}-r{version}"
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    (folder / "release.json").write_text(json.dumps({
        "version": version, "build_id": build.name, "published": published.isoformat(), "previous": None,
        "iri": f"https://w3id.org/iscm/release/{version}"}), encoding="utf-8")
    if current:
        (folder.parent / "current").symlink_to(version)


def added_bytes(build: Path, releases: Path) -> tuple[int, int]:
    """(bytes the releases add on disk, bytes they would take as plain copies)."""
    shared = {(p.stat().st_dev, p.stat().st_ino) for p in build.rglob("*") if p.is_file()}
    seen, added, apparent = set(), 0, 0
    for p in releases.rglob("*"):
        if p.is_file() and not p.is_symlink():
            st = p.stat()
            apparent += st.st_size
            key = (st.st_dev, st.st_ino)
            if key not in shared and key not in seen:
                seen.add(key)
                added += st.st_blocks * 512
    return added, apparent


def get(url: str) -> None:
    with urllib.request.urlopen(url, timeout=60) as r:
        r.read()


def measure(root: Path, versions: list[str], held: int, port: int) -> dict:
    # one client asks from 8 threads: let it (the per-client limit is for the public); no slow lane,
    # whose processes are replaced by fresh ones (holding no release) after a long query
    env = {**os.environ, "ISCM_RELEASES_LOADED": str(max(held, 1)), "ISCM_CLIENT_QUERIES": "16",
           "ISCM_QUERY_SLOW_AFTER": "10", "ISCM_QUERY_TIMEOUT": "10"}
    proc = subprocess.Popen([sys.executable, "-m", "iscm_graph", "--build-dir", str(root), "serve",
                             "--host", "127.0.0.1", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                get(base + "/healthz")
                break
            except OSError:
                time.sleep(0.2)
        get(base + "/doc/mechanism/bali-process.ttl")
        urls = []
        for v in versions[:held]:
            urls += [f"{base}/releases/{v}/doc/mechanism/bali-process.ttl?n={i}" for i in range(16)]
            urls += [f"{base}/releases/{v}/sparql?" + urllib.parse.urlencode({"query": QUERY + f" # {i}"})
                     for i in range(24)]
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(get, urls))
        time.sleep(1)
        pss, rss, processes = memory_mb(proc.pid)
        return {"held": held, "pss_mb": round(pss, 1), "rss_mb": round(rss, 1), "processes": processes}
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("build", nargs="?", help="a build folder (default: the current build of ISCM_BUILD_DIR)")
    ap.add_argument("--releases", type=int, default=10)
    ap.add_argument("--held", default="0,1,2,3")
    ap.add_argument("--port", type=int, default=5108)
    args = ap.parse_args()
    if args.build:
        build = Path(args.build).resolve()
    else:
        from iscm_graph.build_folder import current_build
        from iscm_graph.config import load_settings
        build = current_build(load_settings())
    root = Path(tempfile.mkdtemp(prefix="iscm-release-memory-", dir=build.parent))   # same filesystem
    try:
        (root / "builds").mkdir()
        own = root / "builds" / build.name
        shutil.copytree(build, own, copy_function=os.link)
        (root / "current").symlink_to(own)
        start = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
        versions = [(start + dt.timedelta(days=30 * i)).strftime("%Y.%m.%d") for i in range(args.releases)]
        for i, v in enumerate(versions):
            publish(root, own, v, start + dt.timedelta(days=30 * i), current=i == len(versions) - 1)
        added, apparent = added_bytes(build, root / "releases")
        print(f"{args.releases} releases of {build.name}: {apparent / 1e6:.1f} MB as plain copies, "
              f"{added / 1e3:.0f} kB added on disk with hard links")
        older = versions[:-1]
        print("| older releases held | PSS (MB) | RSS sum (MB) | processes |\n|---|---|---|---|")
        for held in [int(x) for x in args.held.split(",")]:
            r = measure(root, older, held, args.port)
            print(f"| {r['held']} | {r['pss_mb']} | {r['rss_mb']} | {r['processes']} |", flush=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
