"""Fixtures for sweep tests: a tiny scenario (≈20 ms a run) and spec files written next to it."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]

TINY = f"""extends: {ROOT / 'tests' / 'data' / 'small_jiangxi.yaml'}
name: tiny
horizon: 2026
region:
  enterprises: {{records: 20000}}
goals:
  add:
    # Hunan's secondary floor (003 §26) as a Jiangxi goal: hn.per_student.secondary applies to Hunan only
    - id: jx.per_student_floor
      kind: commitment
      name_zh: 中职生均拨款≥1万元（江西测试）
      name_en: Secondary per-student funding >= 10,000 yuan (Jiangxi test)
      text_zh: 确保中职学校、技工学校生均拨款标准不低于10000元
      text_en: Per-student appropriation for secondary vocational schools is at least 10,000 yuan a year.
      source: {{file: 003_6dbe643eb8838f3a.txt, clause: "§26", line: 69}}
      region: jiangxi
      level: secondary_vocational
      metric: per_student_funding_min
      aggregate: every_year
      from_year: 2018
      comparator: ">="
      target: 10000
      unit: yuan
      deadline: {{year: 2018}}
      status: modelled
"""

FACTORS = """factors:
  - name: apprenticeship_share
    path: levers.apprenticeship_share
    bounds: [0.0, 0.3]
    from_year: 2021
  - name: funding_secondary
    path: levers.per_student_funding.secondary
    bounds: [5000, 12000]
  - name: credit_rate
    path: levers.surcharge_credit.rate
    bounds: [0.0, 0.6]
  - name: eligibility
    path: levers.surcharge_credit.eligibility
    levels: [certified, cooperating]
"""

OUTCOMES = """outcomes:
  years: [2023, 2025]
  indicators:
    - order_trained
    - matched_rate
    - {indicator: enterprise_participation_rate, level: enterprise}
    - {indicator: public_cost, aggregate: cumulative, from_year: 2021}
  goals: [jx.per_student_floor, nc.dual_teachers]
"""


def write_spec(folder: Path, body: str, name: str = "spec.yaml") -> Path:
    """A spec file beside the tiny scenario (``scenario: tiny.yaml``)."""
    (folder / "tiny.yaml").write_text(TINY, encoding="utf-8")
    path = folder / name
    path.write_text(body, encoding="utf-8")
    return path


def ordered(out: Path) -> dict[str, pd.DataFrame]:
    """The ``experiments`` and ``outcomes`` tables of ``out/sweep.duckdb``, ordered by run_id."""
    import duckdb

    con = duckdb.connect(str(out / "sweep.duckdb"), read_only=True)
    try:
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY run_id").df() for t in ("experiments", "outcomes")}
    finally:
        con.close()


@pytest.fixture(scope="session")
def kit() -> SimpleNamespace:
    """The helpers above, for test modules (they do not import conftest)."""
    return SimpleNamespace(write_spec=write_spec, FACTORS=FACTORS, OUTCOMES=OUTCOMES, ordered=ordered)


@pytest.fixture
def spec_file(tmp_path: Path):
    """``spec_file(method, samples, replications, extra="")`` → a spec path in ``tmp_path``."""

    def make(method: str = "oat", samples: int = 2, replications: int = 2, extra: str = "analysis: {resamples: 100}\n",
             name: str = "spec.yaml") -> Path:
        body = (f"name: tiny_{method}\nscenario: tiny.yaml\nmethod: {method}\nsamples: {samples}\n"
                f"replications: {replications}\nseed: 11\n{extra}{FACTORS}{OUTCOMES}")
        return write_spec(tmp_path, body, name)

    return make
