"""Shared fixtures: the shipped baseline, a small fast variant of it (as a dict and as a file), frame helpers.

Scenarios are frozen pydantic models, so variants are built from a plain dict:
``loaded.scenario.model_dump(mode="python")`` → edit → ``Scenario.model_validate``
(dated paths dump to their planner-facing form and parse back).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from simulate import shipped
from simulate.scenario import LoadedScenario, Scenario, load_scenario

ROOT = Path(__file__).resolve().parents[1]
BASELINE_PATH = shipped.scenario_path("jiangxi_baseline")

SMALL_SCHOOLS = {
    "secondary_vocational": 24,
    "technical_school": 12,
    "higher_vocational": 8,
    "vocational_undergraduate": 2,
}
"""Schools per level of the small scenario (the baseline has 213 / 117 / 61 / 3)."""
SMALL_RECORDS = 500
"""Enterprise records actually simulated (the engine simulates ``records × scale`` records)."""
SMALL_YEARS = 6
SMALL_SCALE = 0.02


def set_path(d: dict, dotted: str, value: Any) -> None:
    """Set ``d["a"]["b"]...`` for ``dotted == "a.b..."``; the key must already exist."""
    *head, last = dotted.split(".")
    node = d
    for key in head:
        node = node[key]
    if last not in node:
        raise KeyError(f"{dotted}: no key {last!r} (have {sorted(node)})")
    node[last] = value


def scenario_from(base: Mapping[str, Any], updates: Mapping[str, Any] | None = None) -> Scenario:
    """Validate a scenario from a (deep-copied) baseline dict with dotted-path ``updates`` applied."""
    d = copy.deepcopy(dict(base))
    for key, value in (updates or {}).items():
        set_path(d, key, value)
    return Scenario.model_validate(d)


def small_dict(base: Mapping[str, Any]) -> dict[str, Any]:
    """The baseline dict shrunk: fewer schools, 500 enterprise records, 7 years, scale 0.02.

    ``synthesise_enterprises`` simulates ``records × min(scale, 10)`` records, so ``records`` is set
    to 500 / scale to simulate 500.
    """
    d = copy.deepcopy(dict(base))
    d["name"] = "jiangxi_small"
    d["horizon"] = d["base_year"] + SMALL_YEARS
    d["scale"] = SMALL_SCALE
    d["region"]["enterprises"]["records"] = round(SMALL_RECORDS / SMALL_SCALE)
    for level, n in SMALL_SCHOOLS.items():
        d["region"]["levels"][level]["schools"] = n
    return d


class Tidy:
    """Fast look-up of the tidy results frame: ``tidy(indicator, level, region, dimension)`` → values by year."""

    def __init__(self, frame: pd.DataFrame, province: str):
        df = frame.copy()
        for col in ("indicator", "level", "region", "dimension"):
            df[col] = df[col].astype(str)
        self.frame = df
        self.province = province
        self._s = df.set_index(["indicator", "level", "region", "dimension", "year"])["value"].sort_index()
        assert self._s.index.is_unique, "tidy frame has duplicate cells"

    def __call__(self, indicator: str, level: str = "all", region: str | None = None,
                 dimension: str = "total") -> pd.Series:
        key = (indicator, level, region or self.province, dimension)
        out = self._s.loc[key]
        assert isinstance(out, pd.Series) and len(out) > 0, key
        return out

    def at(self, indicator: str, year: int, level: str = "all", region: str | None = None,
           dimension: str = "total") -> float:
        return float(self(indicator, level, region, dimension).loc[year])

    def dimensions(self, indicator: str, prefix: str) -> list[str]:
        df = self.frame
        dims = df.loc[(df.indicator == indicator) & df.dimension.str.startswith(prefix), "dimension"]
        return sorted(dims.unique())

    def years(self, indicator: str = "enrollment") -> np.ndarray:
        return self(indicator).index.to_numpy()


def pytest_sessionstart(session: pytest.Session) -> None:
    """Compile the engine's kernels before any test runs.

    numba compiles them on first use and caches the machine code beside the modules (``simulate/jit.py``): on a
    fresh clone that is ≈30 s once. Paying it here, in one process, keeps it out of every test's own time limit
    (subprocesses and worker pools load the cache) and stops parallel workers compiling the same kernels at once.
    """
    if session.config.getoption("collectonly"):
        return
    from simulate.engine import simulate_replication

    try:
        simulate_replication(Scenario.model_validate(small_dict(load_scenario(BASELINE_PATH).scenario.model_dump(
            mode="python"))), 0, 0)
    except Exception as e:  # the engine's own tests will say what is wrong; the session must still run them
        import warnings

        warnings.warn(f"compiling the kernels before the tests failed: {e!r}", stacklevel=1)


@pytest.fixture
def small_scenario_file(tmp_path: Path) -> Path:
    """A variant of the baseline with few schools, few enterprise records and a short horizon (runs in well
    under a second)."""
    path = tmp_path / "small.yaml"
    path.write_text(f"extends: {ROOT / 'tests' / 'data' / 'small_jiangxi.yaml'}\nhorizon: 2024\n", encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def baseline() -> LoadedScenario:
    """The shipped baseline scenario (loaded once)."""
    return load_scenario(BASELINE_PATH)


@pytest.fixture(scope="session")
def baseline_dict(baseline: LoadedScenario) -> dict[str, Any]:
    """The baseline as a plain dict (treat as read-only; :func:`scenario_from` deep-copies)."""
    return baseline.scenario.model_dump(mode="python")


@pytest.fixture(scope="session")
def small_base_dict(baseline_dict: dict[str, Any]) -> dict[str, Any]:
    """The small scenario as a plain dict (read-only)."""
    return small_dict(baseline_dict)


@pytest.fixture(scope="session")
def small_scenario(small_base_dict: dict[str, Any]) -> Scenario:
    """A fast variant of the baseline: 46 schools, 500 enterprise records, 7 years, scale 0.02."""
    return Scenario.model_validate(small_base_dict)


@pytest.fixture(scope="session")
def make_scenario(small_base_dict: dict[str, Any]) -> Callable[..., Scenario]:
    """``make_scenario({"levers.apprenticeship_share": 0.3}, base=None)``: a validated variant.

    ``base`` defaults to the small scenario's dict.
    """

    def make(updates: Mapping[str, Any] | None = None, base: Mapping[str, Any] | None = None) -> Scenario:
        return scenario_from(small_base_dict if base is None else base, updates)

    return make


@pytest.fixture(scope="session")
def tidy() -> Callable[[pd.DataFrame, str], Tidy]:
    """Constructor of :class:`Tidy` (fixtures avoid importing conftest from test modules)."""
    return Tidy
