"""Item 7: SECURITY.md names every limit the server has, with the default the code really uses."""
from __future__ import annotations

import dataclasses
import re

from conftest import REPO
from iscm_graph.config import Settings
from iscm_graph.query.guard import MAX_NESTING
from iscm_graph.pipeline.untrusted import MAX_FILE_BYTES

LIMITS = ("query_timeout", "max_rows", "query_workers", "query_queue", "query_memory", "client_queries",
          "query_slow_after", "max_body", "max_url")


def test_every_limit_is_documented_with_its_default():
    text = (REPO / "SECURITY.md").read_text(encoding="utf-8")
    defaults = {f.name: f.default for f in dataclasses.fields(Settings)}
    for name in LIMITS:
        m = re.search(rf"^\| `{name}` \| ([\d.]+)", text, re.M)
        assert m, f"{name} is not in SECURITY.md's table of limits"
        assert float(m.group(1)) == float(defaults[name]), name
    assert f"| {MAX_NESTING} (fixed) |" in text
    assert f"{MAX_FILE_BYTES // (1024 * 1024)} MiB (fixed)" in text
    assert '| `trusted_proxies` | "" (none) |' in text and Settings().trusted_proxies == ""
    for section in ("## Reporting a problem", "## Threat model", "## Limits and their settings",
                    "### The memory ceiling's arithmetic"):
        assert section in text


def test_readme_lists_the_same_settings():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for name in LIMITS:
        assert f"| `{name}` |" in readme, name
