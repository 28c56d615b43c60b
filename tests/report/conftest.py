"""Fixtures for report tests: two small scenario files, their run folders, and synthetic runs."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
REPS = 4
CJK = re.compile(r"[\u3400-\u9fff]")


@pytest.fixture(scope="session")
def small_files(tmp_path_factory) -> dict[str, Path]:
    """``base`` (small, 2019–2030) and ``funding`` (the same with secondary funding at 10,000, sourced)."""
    d = tmp_path_factory.mktemp("scenarios")
    base = d / "small.yaml"
    base.write_text(f"""extends: {ROOT / 'tests' / 'data' / 'small_jiangxi.yaml'}
title_zh: 小型基准
title_en: Small baseline
""", encoding="utf-8")
    funding = d / "small_funding.yaml"
    funding.write_text("""extends: small.yaml
name: small_funding
title_zh: 小型：生均拨款提高
title_en: "Small: higher per-student funding"
levers:
  per_student_funding:
    secondary: {value: 10000, source: "test: raised funding"}
""", encoding="utf-8")
    return {"base": base, "funding": funding}


@pytest.fixture(scope="session")
def run_folders(small_files, tmp_path_factory) -> dict[str, Path]:
    """Run folders: ``base`` and ``funding`` with the same seed, ``other_seed`` (base, another seed)."""
    import simulate

    d = tmp_path_factory.mktemp("runs")
    out = {}
    for key, seed, reps in (("base", 11, REPS), ("funding", 11, REPS), ("other_seed", 12, 2)):
        path = small_files["funding" if key == "funding" else "base"]
        result = simulate.run(simulate.load_scenario(path), seed=seed, replications=reps)
        out[key] = result.write(d / key)
    return out


@pytest.fixture(scope="session")
def compare_dirs(run_folders, tmp_path_factory) -> dict[str, Path]:
    """``talentsim compare`` of the two paired run folders, without images, in zh and en."""
    from simulate.cli.main import main

    out = {}
    for lang in ("zh", "en"):
        d = tmp_path_factory.mktemp(f"compare_{lang}")
        assert main(["compare", str(run_folders["base"]), str(run_folders["funding"]), "--lang", lang,
                     "--out", str(d), "--no-images"]) == 0
        out[lang] = d
    return out


def _frame(name: str, cells: dict[tuple[str, str, str], np.ndarray], years: list[int]) -> pd.DataFrame:
    rows = []
    for (indicator, level, dimension), values in cells.items():
        values = np.asarray(values, dtype=float)
        for r in range(values.shape[0]):
            for j, y in enumerate(years):
                rows.append((name, r, y, "prov", level, dimension, indicator, values[r, j]))
    return pd.DataFrame(rows, columns=["scenario", "replication", "year", "region", "level", "dimension",
                                       "indicator", "value"])


@pytest.fixture
def make_run() -> Callable:
    """``make_run(name, cells, years=(2026..2030), seed=1, scenario=None, sources=None)`` → a ScenarioRun."""
    from simulate.report.runs import ScenarioRun

    def make(name, cells, years=tuple(range(2026, 2031)), seed=1, scenario=None, sources=None, assumptions=()):
        years = list(years)
        sc = {"name": name, "title_zh": f"{name}（中）", "title_en": f"{name} (en)", "base_year": years[0],
              "horizon": years[-1], "region": {"name": "prov", "name_zh": "某省", "industries": []}}
        sc.update(scenario or {})
        frame = _frame(name, cells, years)
        goals = pd.DataFrame(columns=["goal_id", "status", "deadline", "probability_met", "probability_ci_low",
                                      "probability_ci_high", "median_year_first_met", "proxy"])
        reps = max(np.asarray(v).shape[0] for v in cells.values()) if cells else 0
        return ScenarioRun(name=name, scenario=sc, sources=dict(sources or {}), notes={}, frame=frame,
                           goals=goals, seed=seed, replications=reps, assumptions=list(assumptions), origin="test",
                           simulated=True)

    return make


@pytest.fixture(scope="session")
def cjk() -> re.Pattern:
    """Pattern of CJK ideographs."""
    return CJK
