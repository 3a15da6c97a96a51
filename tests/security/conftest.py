"""Fixtures of the security tests: a server with small limits, canaries, and the check that the
build the servers answer from is read-only and byte-for-byte unchanged after every test."""
from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from conftest import REPO, ServerProcess

from .helpers import Canary, FifoCanary

# Small limits, so each can be reached quickly.
LIMITS = {"ISCM_QUERY_TIMEOUT": "2", "ISCM_QUERY_WORKERS": "2", "ISCM_QUERY_QUEUE": "2",
          "ISCM_MAX_ROWS": "1000", "ISCM_MAX_BODY": "65536", "ISCM_MAX_URL": "4000"}


def _fingerprint(folder: Path) -> dict:
    return {str(p.relative_to(folder)): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mode & 0o777)
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(autouse=True)
def build_unchanged(built):
    """Every file of the served build is read-only, and has the same bytes after the test."""
    before = _fingerprint(built.path)
    assert before and all(mode & 0o222 == 0 for _, mode in before.values()), before
    yield
    assert _fingerprint(built.path) == before


@pytest.fixture(scope="session")
def limited(built, build_root):
    srv = ServerProcess("--source", REPO, "--build-dir", build_root, env=LIMITS)
    yield srv
    srv.stop()


@pytest.fixture
def canary():
    c = Canary()
    yield c
    c.close()


@pytest.fixture
def fifo(tmp_path):
    f = FifoCanary(tmp_path)
    yield f
    f.close()


@pytest.fixture
def own_build(built, tmp_path) -> Path:
    """A copy of the session's build folder that a test may rebuild, kill and serve on its own."""
    target = tmp_path / "builds-root"
    shutil.copytree(built.path.parent.parent, target, symlinks=True)
    return target
