"""The package's layout keeps the data flow visible: build-time code (pipeline/) is never reached from
what serves (web/, query/), so a server process carries none of the build stack."""
from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

import iscm_graph

PACKAGE = Path(iscm_graph.__file__).resolve().parent
STAGES = ["pipeline", "query", "reports", "publish", "rdf", "web"]
# what only building needs: a serving process must never import these
BUILD_ONLY = {"pyshacl", "owlrl", "pycountry"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def _imports(name: str) -> set[str]:
    """Every iscm_graph module `name` imports, at module level or inside a function."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            # `from pkg import mod` names a module when pkg.mod is one
            targets = [base] + [f"{base}.{a.name}" for a in node.names]
        else:
            continue
        found |= {t for t in targets if t in MODULES}
    return found


def _reachable(start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        todo += _imports(name)
        # importing a.b.c runs a/__init__ and a/b/__init__ first
        parts = name.split(".")
        todo += [".".join(parts[:i]) for i in range(1, len(parts))]
    return seen


def test_the_rule_sees_imports():
    # the checker itself must find what is there, or the rule below could never fail
    assert "iscm_graph.pipeline.sources" in _reachable("iscm_graph.pipeline.build")
    assert "iscm_graph.query.store" in _reachable("iscm_graph.web.state")


@pytest.mark.parametrize("name", sorted(m for m in MODULES if m.split(".")[1:2] in (["web"], ["query"])))
def test_web_and_query_never_reach_the_pipeline(name):
    reached = sorted(m for m in _reachable(name) if m.startswith("iscm_graph.pipeline"))
    assert not reached, f"{name} reaches build-time code: {reached}"


def test_every_stage_says_what_it_holds():
    for stage in STAGES:
        doc = ast.get_docstring(ast.parse((PACKAGE / stage / "__init__.py").read_text(encoding="utf-8")))
        assert doc and len(doc.split()) >= 20, f"{stage}/__init__.py needs a paragraph saying what the stage holds"


def test_no_module_outside_a_stage_but_the_core():
    top = sorted(p.stem for p in PACKAGE.glob("*.py"))
    assert top == ["__init__", "__main__", "build_folder", "cli", "config", "errors", "namespaces"]


def test_serving_loads_no_build_stack():
    """Import the web package, create the app and every module it serves with: none of the
    build-only libraries is loaded."""
    code = ("import json, sys, pkgutil, importlib, iscm_graph.web as w\n"
            "for m in pkgutil.walk_packages(w.__path__, 'iscm_graph.web.'): importlib.import_module(m.name)\n"
            "for m in pkgutil.walk_packages(__import__('iscm_graph.query').query.__path__, 'iscm_graph.query.'):\n"
            "    importlib.import_module(m.name)\n"
            "from iscm_graph.config import load_settings\n"
            "w.create_app(load_settings())\n"
            "print(json.dumps(sorted(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    loaded = {m.split(".")[0] for m in json.loads(out.stdout)}
    assert "flask" in loaded and "pyoxigraph" in loaded       # the check sees what was imported
    assert not (loaded & BUILD_ONLY), f"serving imports {sorted(loaded & BUILD_ONLY)}"
