"""Determinism: a (scenario, seed, replication) fixes every number, on any worker count."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import simulate
from simulate.engine import run_bare_loop, simulate_replication
from simulate.streams import Streams
from simulate.world import build_world

KEY = ["replication", "year", "region", "level", "dimension", "indicator"]


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(KEY, kind="stable").reset_index(drop=True)


def _numbers(frame: pd.DataFrame) -> pd.Series:
    """The value column keyed by cell (for comparisons between runs)."""
    df = frame.copy()
    for col in ("region", "level", "dimension", "indicator"):
        df[col] = df[col].astype(str)
    return df.set_index(KEY)["value"].sort_index()


def test_same_scenario_and_seed_give_identical_frames(small_scenario):
    a = simulate_replication(small_scenario, 42)
    b = simulate_replication(small_scenario, 42)
    pd.testing.assert_frame_equal(a.frame, b.frame, check_exact=True)
    np.testing.assert_array_equal(a.world.students, b.world.students)
    np.testing.assert_array_equal(a.world.firms.state, b.world.firms.state)


def test_same_seed_is_identical_on_the_baseline(baseline):
    a = simulate.run(baseline, seed=1).frame
    b = simulate.run(baseline, seed=1).frame
    pd.testing.assert_frame_equal(a, b, check_exact=True)


def test_different_seeds_give_different_values(small_scenario):
    a = _numbers(simulate_replication(small_scenario, 1).frame)
    b = _numbers(simulate_replication(small_scenario, 2).frame)
    pd.testing.assert_index_equal(a.index, b.index)  # same cells ...
    differ = a[~np.isclose(a, b, equal_nan=True)]
    assert len(differ) > 0.2 * len(a)  # ... different numbers (the base stock itself is drawn)
    ind = set(differ.index.get_level_values("indicator"))
    assert {"in_school", "graduates", "dropouts", "matched", "employees"} <= ind


def test_different_replications_give_different_values(small_scenario):
    a = _numbers(simulate_replication(small_scenario, 1, 0).frame.assign(replication=0))
    b = _numbers(simulate_replication(small_scenario, 1, 1).frame.assign(replication=0))
    assert (~np.isclose(a, b, equal_nan=True)).sum() > 0.2 * len(a)


def test_seed_defaults_to_the_scenarios_seed(small_scenario):
    r = simulate.run(small_scenario)
    assert r.seed == small_scenario.seed
    pd.testing.assert_frame_equal(r.frame, simulate_replication(small_scenario, small_scenario.seed).frame,
                                  check_exact=True)


def test_workers_do_not_change_the_numbers(small_scenario):
    one = simulate.run(small_scenario, seed=11, replications=3, workers=1)
    two = simulate.run(small_scenario, seed=11, replications=3, workers=2)
    assert sorted(one.frame.replication.unique()) == [0, 1, 2]
    pd.testing.assert_frame_equal(_sorted(one.frame), _sorted(two.frame), check_exact=True)


@pytest.fixture(scope="module")
def batch(small_scenario):
    return simulate.run(small_scenario, seed=5, replications=3)


@pytest.mark.parametrize("i", [0, 1, 2])
def test_replication_of_a_batch_equals_the_replication_alone(small_scenario, batch, i):
    alone = simulate_replication(small_scenario, 5, i).frame
    part = batch.frame[batch.frame.replication == i].reset_index(drop=True)
    pd.testing.assert_frame_equal(part, alone, check_exact=True)
    # RunResult.value orders by replication
    y = small_scenario.horizon
    vals = batch.value("in_school", y)
    assert len(vals) == 3
    assert vals[i] == alone[(alone.indicator == "in_school") & (alone.year == y) & (alone.level == "all")
                            & (alone.region == small_scenario.region.name) & (alone.dimension == "total")
                            ].value.item()


def test_calendar_and_bare_loop_agree(small_scenario):
    """The simpy calendar fires the steps in the same order as a plain loop."""
    a = simulate_replication(small_scenario, 9, 1).frame
    b = run_bare_loop(small_scenario, 9, 1).frame
    pd.testing.assert_frame_equal(a, b, check_exact=True)


def test_streams_are_keyed_reproducible_and_independent():
    a, b, c = Streams(3, 0), Streams(3, 0), Streams(3, 1)
    draws = a.get(2020, "july", "dropout").integers(0, 2**62, 4).tolist()
    assert draws == b.get(2020, "july", "dropout").integers(0, 2**62, 4).tolist()
    others = [a.get(2020, "july", "market"), a.get(2021, "july", "dropout"), a.get(2020, "december", "dropout"),
              c.get(2020, "july", "dropout")]
    for g in others:  # another purpose, year, step or replication: another stream
        assert g.integers(0, 2**62, 4).tolist() != draws


def test_per_record_uniforms_depend_only_on_the_stream_and_the_record():
    s = Streams(7, 2)
    full = s.uniform(2024, "december", "quit", 1000)
    idx = np.array([999, 3, 500, 3])
    np.testing.assert_array_equal(s.uniform_at(2024, "december", "quit", idx), full[idx])
    np.testing.assert_array_equal(s.uniform(2024, "december", "quit", 10), full[:10])  # a prefix
    assert 0.0 <= full.min() and full.max() < 1.0
    assert abs(full.mean() - 0.5) < 0.05 and abs(full.var() - 1 / 12) < 0.01
    assert not np.array_equal(full, s.uniform(2024, "december", "retirement", 1000))


def test_a_lever_change_does_not_shift_other_processes_draws(make_scenario, small_scenario):
    """Common random numbers: the synthetic world is the same whatever the levers."""
    other = make_scenario({"levers.apprenticeship_share": 0.4, "levers.per_student_funding.higher": 20000.0})
    a, b = build_world(small_scenario, 4), build_world(other, 4)
    np.testing.assert_array_equal(a.students, b.students)
    np.testing.assert_array_equal(a.schools.offers, b.schools.offers)
    np.testing.assert_array_equal(a.firms.employees, b.firms.employees)
    np.testing.assert_array_equal(a.teachers.active, b.teachers.active)
