"""The cost of keeping releases: publish N releases of the real build (hard-linked, as
`iscm-graph release publish` does) into a scratch build folder, report the disk each takes (its own
bytes, bytes shared by hard links) and in all; then, in a fresh process, load 1..K of them as a
server does (`web/state.py` `load_build`: the embedded store, ontology, shapes, context) and report
the process's resident memory after each, i.e. what a server holding K releases in memory costs.

    python bench/releases_cost.py [--releases 10] [--hold 4] [--build-dir DIR] [--distinct]

DIR (default: ISCM_BUILD_DIR or ./build) must hold a good build; it is only read. With --distinct,
each release is a build of its own from a copy of the repository's data in which one more state joins
the IGC each time (so every dataset file differs, as between real releases): the disk figures are
then those of releases whose data changed; builds are pruned as `keep_builds` says."""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path


# states that are not IGC participants: one joins for each further release (--distinct)
JOINING = ["ITA", "PRT", "CZE", "HUN", "SVK", "SVN", "HRV", "EST", "LVA", "LTU", "ROU", "BGR"]


def _rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def hold(build_dir: str, versions: list[str]) -> None:
    """Child process: load the releases one after another, printing RSS after each as JSON lines."""
    from iscm_graph.config import load_settings
    from iscm_graph.publish.releases import get_release
    from iscm_graph.web.state import load_build

    settings = load_settings(build_dir=build_dir)
    held = []
    print(json.dumps({"held": 0, "rss_kib": _rss_kib()}), flush=True)
    for v in versions:
        held.append(load_build(settings, get_release(settings, v).path))
        print(json.dumps({"held": len(held), "rss_kib": _rss_kib()}), flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--releases", type=int, default=10)
    ap.add_argument("--hold", type=int, default=4, help="how many releases one process loads")
    ap.add_argument("--build-dir", default=os.environ.get("ISCM_BUILD_DIR", "build"))
    ap.add_argument("--distinct", action="store_true", help="a new build of changed data for each release")
    ap.add_argument("--_hold", nargs="*", help=argparse.SUPPRESS)
    ap.add_argument("--_dir", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args._hold is not None:
        hold(args._dir, args._hold)
        return

    from iscm_graph import build_folder as bf
    from iscm_graph.config import load_settings
    from iscm_graph.publish.releases import disk_total, disk_use, publish_release

    source = bf.current_build(load_settings(build_dir=args.build_dir))
    scratch = Path(tempfile.mkdtemp(prefix="releases-cost-", dir=Path(args.build_dir).resolve().parent))
    try:
        # the scratch folder holds a link to the real build, so releases hard-link to its files
        (scratch / "builds").mkdir()
        os.symlink(source, scratch / "builds" / source.name)
        os.symlink(Path("builds") / source.name, scratch / "current")
        settings = load_settings(build_dir=scratch)
        day = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
        build_bytes = sum(p.stat().st_size for p in source.rglob("*") if p.is_file())
        print(f"build {source.name}: {build_bytes:,} bytes in {sum(1 for p in source.rglob('*') if p.is_file())} files")
        print(f"{'release':<12} {'own bytes':>10} {'shared bytes':>13} {'files':>6}")
        releases = []
        if args.distinct:
            from iscm_graph.pipeline.build import run_build
            repo = Path(__file__).resolve().parents[1]
            for folder in ("ontology", "shapes", "data", "queries", "sources"):
                shutil.copytree(repo / folder, scratch / "source" / folder)
            settings = load_settings(source_dir=scratch / "source", build_dir=scratch)
        for i in range(args.releases):
            if args.distinct:
                if i:
                    with (scratch / "source" / "data" / "memberships" / "igc.csv").open("a") as fh:
                        fh.write(f"{JOINING[i - 1]},member,2026-{i:02d}-01,,igc-iom,\n")
                assert run_build(settings).ok
                source = bf.current_build(settings)
            r = publish_release(settings, source, now=day + dt.timedelta(days=30 * i))
            use = disk_use(r)
            releases.append(r)
            print(f"{r.version:<12} {use.own:>10,} {use.shared:>13,} {use.files:>6}")
        total = disk_total(settings)
        if args.distinct:
            builds = sum(p.stat().st_size for p in (scratch / "builds").rglob("*") if p.is_file()
                         and p.stat().st_nlink == 1)
            print(f"builds kept beside them (keep_builds={settings.keep_builds}) add {builds:,} bytes of their own")
        print(f"all {len(releases)} releases: {total:,} bytes on disk (each hard-linked file once); "
              f"{total - build_bytes:,} bytes beyond the build itself; "
              f"as copies they would take {build_bytes * len(releases):,} bytes")
        k = min(args.hold, len(releases))
        out = subprocess.run([sys.executable, __file__, "--_dir", str(scratch), "--_hold",
                              *[r.version for r in releases[:k]]], capture_output=True, text=True, check=True)
        rows = [json.loads(line) for line in out.stdout.splitlines()]
        base = rows[0]["rss_kib"]
        print(f"{'held':>4} {'RSS MiB':>8} {'per release MiB':>16}")
        for row in rows:
            per = (row["rss_kib"] - base) / row["held"] / 1024 if row["held"] else 0
            print(f"{row['held']:>4} {row['rss_kib'] / 1024:>8.1f} {per:>16.1f}")
    finally:
        for p in [scratch, *scratch.rglob("*")]:
            if p.is_dir() and not p.is_symlink():
                p.chmod(0o755)
        shutil.rmtree(scratch)


if __name__ == "__main__":
    main()
