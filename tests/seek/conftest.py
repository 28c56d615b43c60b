"""Fixtures for seek tests: a three-year tiny scenario with a goal whose cheapest setting is known by hand.

The goal ``test.surcharge_share`` asks the share of the local education surcharge actually spent on
vocational schools (``surcharge_vocational_share``) to reach 0.37 in 2021. The lever
``surcharge_vocational_share`` sets that share and every point of it is public money, so on the grid
0.30, 0.32, …, 0.50 the cheapest setting that meets the goal is 0.38 (bisection by hand: 0.40 meets,
0.34 does not, 0.36 does not, 0.38 does). ``test.out_of_reach`` (0.9) is beyond the
lever's range: the search must say so and go on without it. ``teacher_practice.post_rate`` costs nothing and moves
nothing here: the tie rule must leave it at its weakest setting.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parents[2]

TINY = f"""extends: {ROOT / 'tests' / 'data' / 'small_jiangxi.yaml'}
name: tiny_seek_base
horizon: 2021
region:
  levels:
    secondary_vocational: {{schools: 8}}
    technical_school: {{schools: 4}}
    higher_vocational: {{schools: 3}}
    vocational_undergraduate: {{schools: 1}}
  enterprises: {{records: 10000}}
goals:
  add:
    - id: test.surcharge_share
      kind: outcome
      name_zh: 测试目标
      name_en: Test goal
      text_zh: 测试
      text_en: test
      source: {{file: "001_7664ff0e7f3b3d70.txt", clause: "§三.7", line: 56}}
      region: nanchang
      level: all
      metric: surcharge_vocational_share
      aggregate: value
      comparator: ">="
      target: 0.37
      unit: share
      deadline: {{year: 2021}}
      status: modelled
    - id: test.out_of_reach
      kind: outcome
      name_zh: 测试目标（无法达成）
      name_en: Test goal out of reach
      text_zh: 测试
      text_en: test
      source: {{file: "001_7664ff0e7f3b3d70.txt", clause: "§三.7", line: 56}}
      region: nanchang
      level: all
      metric: surcharge_vocational_share
      aggregate: value
      comparator: ">="
      target: 0.9
      unit: share
      deadline: {{year: 2021}}
      status: modelled
"""

SPEC = """name: tiny_least_cost
scenario: tiny.yaml
seed: 7
goals:
  test.surcharge_share: 0.5
  test.out_of_reach: 0.5
levers:
  - path: levers.surcharge_vocational_share
    bounds: [0.30, 0.50]
    step: 0.02
    from_year: 2020
  - path: levers.teacher_practice.post_rate
    bounds: [0.005, 0.01]
    step: 0.0025
    from_year: 2020
objective: {window: [2020, 2021]}
search: {replications: 2, runs: 56, batch: 4, startup: 8, patience: 2}
confirm: {replications: 4, candidates: 2}
"""


def write_spec(folder: Path, body: str = SPEC, name: str = "spec.yaml") -> Path:
    """A spec file beside the tiny scenario (``scenario: tiny.yaml``)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "tiny.yaml").write_text(TINY, encoding="utf-8")
    path = folder / name
    path.write_text(body, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def seek_kit() -> SimpleNamespace:
    """The helpers above."""
    return SimpleNamespace(write_spec=write_spec, SPEC=SPEC, TINY=TINY)


@pytest.fixture(scope="session")
def one_worker_run(tmp_path_factory, seek_kit):
    """The tiny search on one worker (shared by the tests that compare against it)."""
    from simulate.cli.main import main

    folder = tmp_path_factory.mktemp("seek1")
    spec = write_spec(folder)
    status = main(["seek", str(spec), "--out", str(folder / "out"), "--no-images", "--lang", "en", "--no-progress"])
    return SimpleNamespace(status=status, spec=spec, out=folder / "out")
