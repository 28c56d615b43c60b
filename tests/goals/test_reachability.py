"""Reachability: both ends compared per outcome goal; the CLI writes its folder."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from simulate.cli.main import ExitStatus, main
from simulate.goals.catalogue import SEEDS_FILES, Goal
from simulate.goals.reachability import REACHABILITY_COLUMNS, Reachability, compare_ends


def _goal(gid: str, **kw) -> Goal:
    base = dict(id=gid, kind="outcome", name_zh="测试", name_en="test", text_zh="测试", text_en="test",
                source={"file": SEEDS_FILES[1], "clause": "§二", "line": 30}, region="jiangxi", level="all",
                metric="training_bases", comparator=">=", target=1, unit="count", deadline={"year": 2025},
                status="modelled")
    return Goal.model_validate({**base, **kw})


def _table(rows: list[tuple]) -> pd.DataFrame:
    cols = ["goal_id", "kind", "deadline", "judged_region", "metric", "comparator", "target", "period", "proxy",
            "status", "value_at_deadline", "probability_met", "probability_met_period"]
    return pd.DataFrame(rows, columns=cols)


def test_compare_ends_keeps_outcomes_and_says_what_moves():
    goals = [_goal("t.moves"), _goal("t.still", fixed_because="2019 value already above target",
                                     fixed_because_zh="2019年已达标"),
             _goal("t.period"), _goal("t.commit", kind="commitment")]
    row = ("jiangxi", "training_bases", ">=", 1)
    low = _table([
        ("t.moves", "outcome", "2025", *row, "", False, "modelled", 10.0, 0.1, float("nan")),
        ("t.still", "outcome", "2025", *row, "", False, "modelled", 5.0, 1.0, float("nan")),
        ("t.period", "outcome", "2030 (every year from 2018)", *row, "2026–2030", True, "modelled", 1.0, 0.0, 0.0),
        ("t.commit", "commitment", "2025", *row, "", False, "modelled", 1.0, 0.0, float("nan")),
    ])
    high = low.assign(probability_met=[0.35, 1.0, 0.1, 1.0], probability_met_period=[float("nan"), float("nan"),
                                                                                        0.9, float("nan")],
                      value_at_deadline=[20.0, 6.0, 3.0, 2.0])
    t = compare_ends(low, high, goals).set_index("goal_id")
    assert list(t.reset_index().columns) == REACHABILITY_COLUMNS
    assert "t.commit" not in t.index  # commitments are settings, not something levers should reach
    assert bool(t.loc["t.moves", "moves"]) and t.loc["t.moves", "p_met_change"] == pytest.approx(0.25)
    assert not bool(t.loc["t.still", "goal_moves"]) and t.loc["t.still", "fixed_because"].startswith("2019")
    assert not bool(t.loc["t.period", "moves"]) and bool(t.loc["t.period", "period_moves"])
    assert bool(t.loc["t.period", "goal_moves"])  # the plan-period verdict moves
    r = Reachability(t.reset_index(), None, None)
    assert r.counts() == {"goals": 3, "moving": 2, "fixed_with_reason": 1, "fixed_without_reason": 0}


def test_a_change_below_the_threshold_does_not_move():
    goals = [_goal("t.a")]
    low = _table([("t.a", "outcome", "2025", "jiangxi", "training_bases", ">=", 1, "", False, "modelled", 1.0,
                   0.5, float("nan"))])
    high = low.assign(probability_met=[0.69])
    t = compare_ends(low, high, goals)
    assert not t["moves"].iloc[0] and not t["goal_moves"].iloc[0]
    assert compare_ends(low, low.assign(probability_met=[0.7]), goals)["moves"].iloc[0]


def test_cli_writes_the_reachability_folder(small_scenario_file, tmp_path, capsys):
    out = tmp_path / "reach"
    status = main(["goals", "--reachability", str(small_scenario_file), "--reps", "2", "--seed", "3",
                   "--out", str(out)])
    assert status == ExitStatus.OK
    printed = capsys.readouterr().out
    assert "every lever at the low / high end" in printed and "outcome goals:" in printed
    table = pd.read_csv(out / "reachability.csv")
    assert list(table.columns) == REACHABILITY_COLUMNS and len(table) > 10
    assert not table["goal_id"].isin(["hn.per_student.secondary", "nc.surcharge_share"]).any()
    assert table["p_met_low"].between(0, 1).all() and table["p_met_high"].between(0, 1).all()
    summary = json.loads((out / "summary.json").read_text())
    assert summary["seed"] == 3 and summary["replications"] == 2
    assert summary["ends"]["per_student_funding.secondary"] == {"low": 5000, "high": 15000, "high_from_year": 2020}
    low, high = pd.read_csv(out / "goals_low.csv"), pd.read_csv(out / "goals_high.csv")
    assert set(low.columns) == set(high.columns) and "kind" in low.columns


def test_cli_reachability_of_a_missing_file_is_bad_input(tmp_path, capsys):
    assert main(["goals", "--reachability", str(tmp_path / "nope.yaml")]) == ExitStatus.BAD_INPUT
    assert "not found" in capsys.readouterr().err
