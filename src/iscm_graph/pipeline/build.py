"""The build: load, reason and derive, validate, and only then write; a failed build never replaces
the last good one. Each step is a module of this package; this one runs them in order and times them."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from iscm_graph.pipeline.check import check
from iscm_graph.pipeline.validate import Report
from iscm_graph.pipeline.line_refs import text_files
from iscm_graph.pipeline.write import build_lock, write_build

Progress = Callable[[str], None]


@dataclass
class BuildResult:
    report: Report
    graph_counts: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    path: Path | None = None            # the new build, when it conformed

    @property
    def ok(self) -> bool:
        return self.report.conforms and self.path is not None


class _Timer:
    def __init__(self, progress: Progress, timings: dict):
        self.progress, self.timings = progress, timings

    def step(self, name: str, label: str):
        timer = self

        class _Step:
            def __enter__(self):
                timer.progress(f"{label} ...")
                self.start = time.perf_counter()

            def __exit__(self, *exc):
                elapsed = time.perf_counter() - self.start
                timer.timings[name] = round(elapsed, 3)
                if exc[0] is None:
                    timer.progress(f"{label}: done in {elapsed:.2f} s")
        return _Step()


def run_build(settings, progress: Progress = lambda msg: None) -> BuildResult:
    timings: dict[str, float] = {}
    timer = _Timer(progress, timings)
    started = time.perf_counter()
    checked = check(settings, step=timer.step)
    graphs = checked.graphs
    result = BuildResult(report=checked.report, timings=timings,
                         graph_counts={str(g.identifier): len(g) for g in graphs})
    if not checked.report.conforms:
        timings["total"] = round(time.perf_counter() - started, 3)
        return result
    sources = checked.sources
    with timer.step("write", "[4/4] writing the build"), build_lock(Path(settings.build_dir)):
        timings["total"] = round(time.perf_counter() - started, 3)
        result.path = write_build(settings, sources.files + sources.texts, graphs, sources.shapes,
                                  sources.ontology, result.graph_counts, checked.report, timings,
                                  text_files(settings.texts_dir) if settings.texts_dir.is_dir() else {})
    timings["total"] = round(time.perf_counter() - started, 3)
    return result
