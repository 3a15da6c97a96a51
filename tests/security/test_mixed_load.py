"""Item 6 in small: the load generator of bench/load.py (clients mixing unique queries, documents
and one client sending runaway queries) against a server with a short time limit and the default
queue (as bench/load runs it). Every runaway ends in 503 at the time limit; every query and document
is answered 200; nothing else happens.

The small limits' queue of 2, with the default six query processes: six clients can never overflow
it. Each client has an address of its own (X-Forwarded-For, loopback being the trusted proxy), as
real clients do, so the cap per client (test_hostile_load.py) does not apply between them."""
from __future__ import annotations

import sys

import pytest
import requests

from conftest import REPO, ServerProcess
from .conftest import LIMITS

sys.path.insert(0, str(REPO / "bench"))
from load import run_clients  # noqa: E402
from bench import mix_texts  # noqa: E402


@pytest.fixture(scope="module")
def mixed(built, build_root):
    srv = ServerProcess("--source", REPO, "--build-dir", build_root, env={**LIMITS, "ISCM_QUERY_WORKERS": "6", "ISCM_TRUSTED_PROXIES": "127.0.0.1"})
    yield srv
    srv.stop()


def test_mixed_load_with_runaway_queries(mixed):
    docs = ["/doc/mechanism/colombo-process", "/doc/state/egy", "/doc/body/ecowas", "/doc/mechanism/midsa"]
    tally = run_clients(mixed.url, 8, 6, mix_texts(), docs, forwarded=True)
    kinds = {kind for kind, _ in tally.outcomes}
    assert {"query", "document", "runaway"} <= kinds, tally.outcomes
    assert not tally.unexpected, dict(tally.unexpected)
    assert requests.get(mixed.url + "/healthz", timeout=30).json()["status"] == "ok"
