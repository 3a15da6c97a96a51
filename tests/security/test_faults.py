"""Item 4: faults lose nothing. A build killed with SIGKILL leaves the last good build serving; a
query process killed mid-query is replaced and its client told so; the query pool's supervisor is
restarted by the server; /healthz reports the build and the query processes; served files are
opened read-only."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time

import requests

from conftest import REPO, ServerProcess

from .helpers import assert_error

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
QUICK = "ASK { ?s ?p ?o }"
JSON = {"Accept": "application/sparql-results+json"}


def _health(url) -> dict:
    return requests.get(url + "/healthz", timeout=30).json()


def _wait_for(predicate, what: str, tries: int = 300):
    for _ in range(tries):
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"never happened: {what}")


def _ask(url) -> int:
    return requests.get(url + "/sparql", params={"query": QUICK}, headers=JSON, timeout=60).status_code


def test_healthz_reports_build_and_query_processes(limited, built):
    h = _health(limited.url)
    manifest = json.loads((built.path / "manifest.json").read_text())
    assert h["status"] == "ok" and h["build"] == manifest["build_id"] and h["triples"] == manifest["triples"]
    pool = h["query_pool"]
    assert pool["build"] == manifest["build_id"] and pool["build_folder"] == str(built.path)
    assert len(pool["workers"]) == pool["configured_workers"] == 2
    for worker in pool["workers"]:
        os.kill(worker["pid"], 0)            # each is a live process
    assert pool["timeout_s"] == 2 and pool["max_rows"] == 1000 and pool["queue"] == 2


def test_kill_9_during_build_keeps_the_last_good_build_serving(own_build):
    srv = ServerProcess("--source", REPO, "--build-dir", own_build)
    try:
        before = _health(srv.url)
        current = os.readlink(own_build / "current")
        build = subprocess.Popen([sys.executable, "-m", "iscm_graph", "--source", REPO, "--build-dir", own_build, "build"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # kill it while it writes: its staging folder exists, the `current` link not yet swapped
        _wait_for(lambda: any((own_build / "builds").glob(".staging-*")) or build.poll() is not None,
                  "the build started writing", tries=3000)
        build.send_signal(signal.SIGKILL)
        build.wait()
        assert build.returncode == -signal.SIGKILL
        assert any((own_build / "builds").glob(".staging-*"))        # it was killed mid-write
        assert os.readlink(own_build / "current") == current
        after = _health(srv.url)
        assert after["status"] == "ok" and after["build"] == before["build"]
        assert after["query_pool"]["build_folder"] == before["query_pool"]["build_folder"]
        assert _ask(srv.url) == 200
        # the next build removes the leftovers, and the server (and its query pool) move to it
        r = subprocess.run([sys.executable, "-m", "iscm_graph", "--source", REPO, "--build-dir", own_build, "build"],
                           capture_output=True, text=True, timeout=600)
        assert r.returncode == 0, r.stderr[-2000:]
        assert not any((own_build / "builds").glob(".staging-*"))
        new_folder = str((own_build / "current").resolve())
        assert new_folder != before["query_pool"]["build_folder"]
        _wait_for(lambda: _health(srv.url)["query_pool"]["build_folder"] == new_folder, "pool on the new build")
        assert _ask(srv.url) == 200
    finally:
        srv.stop()


def test_query_process_killed_mid_query_is_replaced(built, build_root):
    srv = ServerProcess("--source", REPO, "--build-dir", build_root, env={"ISCM_QUERY_TIMEOUT": "60"})
    try:
        pool = _health(srv.url)["query_pool"]
        pids = [w["pid"] for w in pool["workers"]]
        result = {}
        client = threading.Thread(target=lambda: result.setdefault(
            "r", requests.get(srv.url + "/sparql", params={"query": RUNAWAY}, headers=JSON, timeout=120)))
        client.start()
        time.sleep(1.0)                      # let a process take the query
        for pid in pids:                     # kill them all: the one evaluating is among them
            os.kill(pid, signal.SIGKILL)
        client.join()
        message = assert_error(result["r"], 503)
        assert "stopped while evaluating" in message and "replaced" in message
        fresh = _wait_for(lambda: (p := _health(srv.url)["query_pool"]) and len(p["workers"]) == p["configured_workers"]
                          and not {w["pid"] for w in p["workers"]} & set(pids) and p, "replacements")
        assert fresh["replaced"] >= len(pids)
        assert _ask(srv.url) == 200
    finally:
        srv.stop()


def test_supervisor_killed_is_restarted(built, build_root):
    srv = ServerProcess("--source", REPO, "--build-dir", build_root)
    try:
        first = _health(srv.url)["query_pool"]
        os.kill(first["supervisor"], signal.SIGKILL)
        _wait_for(lambda: (p := _health(srv.url).get("query_pool")) and p["supervisor"] != first["supervisor"]
                  and len(p["workers"]) == p["configured_workers"], "a new supervisor")
        assert _wait_for(lambda: _ask(srv.url) == 200, "queries answered again")
        for worker in first["workers"]:      # the old query processes did not outlive their supervisor
            _wait_for(lambda: not os.path.exists(f"/proc/{worker['pid']}") or
                      open(f"/proc/{worker['pid']}/stat").read().split()[2] == "Z", "old worker gone")
    finally:
        srv.stop()


def test_served_files_are_open_read_only(limited, built):
    requests.get(limited.url + "/download/dataset.nq.gz", timeout=30)
    server_pids = [limited.proc.pid] + [int(p) for p in os.listdir("/proc") if p.isdigit()
                                        and _parent(int(p)) == limited.proc.pid]
    checked = 0
    for pid in server_pids:
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            continue
        for fd in fds:
            try:
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
                flags = int(open(f"/proc/{pid}/fdinfo/{fd}").read().split("flags:")[1].split()[0], 8)
            except OSError:
                continue
            if target.startswith(str(built.path.parent)):
                checked += 1
                assert flags & os.O_ACCMODE == os.O_RDONLY, (pid, target, oct(flags))
    for path in built.path.rglob("*"):
        assert path.stat().st_mode & 0o222 == 0, path


def _parent(pid: int) -> int:
    try:
        return int(open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return -1
