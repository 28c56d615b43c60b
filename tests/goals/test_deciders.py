"""What decides a verdict: planted drivers are found, with their direction and threshold."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from simulate.goals.deciders import BAND, best_cut, chance_level, decided_by, deciders, parse, slack
from simulate.goals.verdicts import summarise
from simulate.uncertainty import declared, draws


def _goal(gid="toy.goal", comparator=">=", target=0.0, aggregate="value", low=None, high=None):
    return SimpleNamespace(id=gid, comparator=comparator, target=target, target_low=low, target_high=high,
                           aggregate=aggregate)


def _verdicts(value: np.ndarray, met: np.ndarray, gid="toy.goal") -> pd.DataFrame:
    n = len(value)
    return pd.DataFrame({"goal_id": gid, "deadline_year": 2025, "replication": np.arange(n), "value": value,
                         "met": met, "worst_value": np.nan})


@pytest.fixture(scope="module")
def table(baseline) -> pd.DataFrame:
    """40 replications' draws of the baseline's ~130 uncertain parameters."""
    return draws(declared(baseline), seed=11, replications=40)


@pytest.mark.parametrize("comparator", [">=", "<="])
def test_a_planted_parameter_that_alone_decides_a_toy_goal_is_ranked_first(table, comparator):
    planted = "behaviour.labour.outflow_before_search"
    x = table[planted].to_numpy()
    cut = float(np.quantile(x, 0.45))
    rng = np.random.default_rng(5)
    noise = 1e-3 * rng.standard_normal(len(x))
    # the goal is met when little leaves the region: value = cut − outflow (≥ 0) or outflow − cut (≤ 0)
    value = (cut - x if comparator == ">=" else x - cut) + noise
    met = value >= 0 if comparator == ">=" else value <= 0
    assert BAND[0] < met.mean() < BAND[1]
    out = decided_by(_verdicts(value, met), table, [_goal(comparator=comparator)])
    entries = parse(out[("toy.goal", 2025)])
    assert 1 <= len(entries) <= 3
    assert all(abs(float(e["rho"].replace("−", "-"))) >= chance_level(40, table.shape[1] - 1) for e in entries)
    first = entries[0]
    assert first["name"] == planted and first["op"] == "≤"
    assert float(first["threshold"]) == pytest.approx(cut, abs=0.01)
    assert int(first["right"]) >= 95


def test_two_drivers_are_ranked_above_the_other_parameters_with_their_direction(table):
    y = (table["behaviour.enterprises.participation_benefit"].rank().to_numpy()
         - table["behaviour.labour.outflow_before_search"].rank().to_numpy())
    met = y > np.median(y)
    found = deciders(table, y, met)
    assert {d.name: d.op for d in found[:2]} == {"behaviour.enterprises.participation_benefit": "≥",
                                                 "behaviour.labour.outflow_before_search": "≤"}


def test_a_goal_decided_by_no_parameter_gets_no_decider(table):
    rng = np.random.default_rng(2)
    value = rng.standard_normal(len(table))  # chance alone decides it
    assert decided_by(_verdicts(value, value >= 0), table, [_goal()]) == {}


def test_certain_verdicts_and_stochastic_runs_get_no_deciders(table):
    x = table["behaviour.labour.outflow_before_search"].to_numpy()
    always = _verdicts(x, np.ones(len(x), bool))
    assert decided_by(always, table, [_goal()]) == {}
    half = _verdicts(x, x > np.median(x))
    assert decided_by(half, table[["replication"]], [_goal()]) == {}
    assert decided_by(half, None, [_goal()]) == {}
    assert decided_by(half.head(8), table, [_goal()]) == {}  # too few replications to say


def test_every_year_rules_are_decided_on_their_worst_year(table):
    x = table["behaviour.labour.outflow_before_search"].to_numpy()
    v = _verdicts(np.zeros(len(x)), x < np.median(x)).assign(worst_value=np.median(x) - x)
    out = decided_by(v, table, [_goal(aggregate="every_year")])
    assert parse(out[("toy.goal", 2025)])[0]["name"] == "behaviour.labour.outflow_before_search"


def test_slack_is_positive_on_the_right_side_of_the_target():
    v = np.array([0.1, 0.5, 0.9])
    assert list(slack(v, ">=", 0.5, None, None)) == pytest.approx([-0.4, 0, 0.4])
    assert list(slack(v, "<=", 0.5, None, None)) == pytest.approx([0.4, 0, -0.4])
    assert list(slack(v, "between", None, 0.2, 0.6)) == pytest.approx([-0.1, 0, -0.3])


def test_best_cut_separates_met_from_missed():
    x = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    met = np.array([False, False, False, True, True, True])
    assert best_cut(x, met, "≥") == (3.5, 1.0)
    assert best_cut(x, ~met, "≤") == (3.5, 1.0)


def test_chance_level_falls_with_replications():
    assert chance_level(40, 133) < chance_level(20, 133) < 1
    assert chance_level(40, 133) == pytest.approx(0.57, abs=0.02)


def test_goals_csv_carries_decided_by(table):
    from simulate.goals.catalogue import load_catalogue

    goal = next(g for g in load_catalogue() if g.status == "modelled" and g.comparator == ">="
                and g.aggregate == "value")
    x = table["behaviour.enterprises.participation_benefit"].to_numpy()
    value = goal.target + (x - np.median(x))
    verdicts = _verdicts(value, value >= goal.target, gid=goal.id)
    verdicts["deadline_year"] = goal.deadline.year
    for col in ("margin", "margin_relative", "met_period", "year_first_met"):
        verdicts[col] = np.nan
    verdicts = verdicts.assign(judged_region="jiangxi", judged_metric=goal.metric, first_year=goal.deadline.year,
                               last_year=goal.deadline.year)
    g = summarise(verdicts, [goal], table)
    assert g["decided_by"].iloc[0].startswith("behaviour.enterprises.participation_benefit ≥ ")
    assert summarise(verdicts, [goal])["decided_by"].iloc[0] == ""
