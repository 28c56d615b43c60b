"""A small scenario loaded from files (so its values carry their sources, ranges and standard errors)."""

from __future__ import annotations

from pathlib import Path

import pytest

import simulate
from simulate.scenario import LoadedScenario

ROOT = Path(__file__).resolve().parents[2]
SMALL_FILE = ROOT / "tests" / "data" / "small_jiangxi.yaml"


def small_text(extra: str = "") -> str:
    """An overlay of ``tests/data/small_jiangxi.yaml``: 2019–2025, 500 enterprise records simulated."""
    return (f"extends: {SMALL_FILE}\nname: small_uncertain\nhorizon: 2025\n"
            f"region:\n  enterprises: {{records: 25000}}\n{extra}")


@pytest.fixture(scope="session")
def small_loaded(tmp_path_factory) -> LoadedScenario:
    """The small scenario with the baseline's provenance: every declared distribution is there."""
    path = tmp_path_factory.mktemp("uncertain") / "small.yaml"
    path.write_text(small_text(), encoding="utf-8")
    return simulate.load_scenario(path)


@pytest.fixture
def small_file(tmp_path):
    """``small_file(extra)`` → a scenario file: the small scenario with ``extra`` YAML overlaid."""

    def make(extra: str = "", name: str = "small.yaml") -> Path:
        path = tmp_path / name
        path.write_text(small_text(extra), encoding="utf-8")
        return path

    return make
