"""Fixtures for goal tests: a small scenario file that runs in a fraction of a second."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def small_scenario_file(tmp_path: Path) -> Path:
    """A variant of the baseline with few schools, few enterprise records and 2019–2026."""
    path = tmp_path / "small.yaml"
    path.write_text(f"extends: {ROOT / 'tests' / 'data' / 'small_jiangxi.yaml'}\nhorizon: 2026\n", encoding="utf-8")
    return path
