"""House style is checked, not hoped for: ruff (docstrings in Google convention, imports, bugbear)."""

from __future__ import annotations

import ast
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_ruff_finds_nothing():
    # the interpreter running the tests, not whatever `ruff` is first on PATH (or none, in a venv not activated)
    if importlib.util.find_spec("ruff") is None:
        pytest.skip("ruff is not installed (pip install -e '.[test]' brings it)")
    done = subprocess.run([sys.executable, "-m", "ruff", "check", str(ROOT)], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr


ENGINE = ["engine.py", "steps.py", "world.py", "flows.py", "streams.py", "alloc.py", "agents", "market", "policy",
          "results/record", "results/indicators.py", "scenario/schema.py", "scenario/types.py"]
FORBIDDEN = ("yaml", "simulate.cli", "simulate.report", "simulate.sweep", "simulate.fitting",
             "simulate.scenario.loader", "simulate.api")


def test_engine_modules_never_import_yaml_cli_report_or_sweep():
    """STYLE.md: dependencies point one way; the engine takes a validated Scenario, never YAML."""
    files = []
    for entry in ENGINE:
        path = ROOT / "simulate" / entry
        files += sorted(path.glob("*.py")) if path.is_dir() else [path]
    offenders = []
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            offenders += [f"{path.relative_to(ROOT)}: {n}" for n in names if n.startswith(FORBIDDEN)]
    assert not offenders, offenders


def _kernels_reading_other_modules(text: str, label: str) -> list[str]:
    """Names a ``@jit`` kernel loads from an import (not numpy/math, not shadowed by its own arguments or locals)."""
    tree = ast.parse(text)
    imported = {(a.asname or a.name).split(".")[0] for node in tree.body
                if isinstance(node, (ast.Import, ast.ImportFrom)) for a in node.names}
    imported -= {"np", "numpy", "math", "numba", "jit", "annotations"}
    found = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and any(getattr(d, "id", None) == "jit" for d in node.decorator_list):
            body = ast.Module(body=node.body, type_ignores=[])
            own = {a.arg for a in node.args.args} | {n.id for n in ast.walk(body)
                                                      if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
            found += [f"{label}:{n.lineno} {node.name} reads {n.id}" for n in ast.walk(body)
                      if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and n.id in imported - own]
    return found


def test_compiled_kernels_read_only_their_own_modules_globals():
    """simulate/jit.py: numba's cache bakes globals in and watches only the kernel's own file, so a kernel that read
    another module's constant (or called its kernel) would keep a stale copy after that module changed."""
    offenders = [f for path in sorted((ROOT / "simulate").rglob("*.py"))
                 for f in _kernels_reading_other_modules(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))]
    assert not offenders, offenders


def test_the_kernel_rule_check_finds_a_foreign_constant():
    probe = ("from simulate.jit import jit\nfrom simulate.agents import enterprises as ent\n"
             "from simulate.agents.enterprises import LARGE_STAFF\n\n\n"
             "@jit\ndef _k(x, part_time):\n    return x >= LARGE_STAFF and x >= ent.COOPERATING and part_time\n")
    assert _kernels_reading_other_modules(probe, "probe") == ["probe:8 _k reads LARGE_STAFF", "probe:8 _k reads ent"]
