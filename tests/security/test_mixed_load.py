"""Item 6 in small: the load generator of bench/load.py (clients mixing unique queries, documents
and one client sending runaway queries) against the server with small limits. Every runaway ends
in 503 at the time limit; every query and document is answered 200; nothing else happens."""
from __future__ import annotations

import sys

import requests

from conftest import REPO

sys.path.insert(0, str(REPO / "bench"))
from load import run_clients  # noqa: E402
from bench import mix_texts  # noqa: E402


def test_mixed_load_with_runaway_queries(limited):
    docs = ["/doc/mechanism/colombo-process", "/doc/state/egy", "/doc/body/ecowas", "/doc/mechanism/midsa"]
    tally = run_clients(limited.url, 8, 6, mix_texts(), docs)
    kinds = {kind for kind, _ in tally.outcomes}
    assert {"query", "document", "runaway"} <= kinds, tally.outcomes
    assert not tally.unexpected, dict(tally.unexpected)
    assert requests.get(limited.url + "/healthz", timeout=30).json()["status"] == "ok"
