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
