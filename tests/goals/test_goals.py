"""Goal catalogue and verdicts: coverage of the digest, traceability, Wilson interval, P = 1 / P = 0."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from simulate.goals.catalogue import SEEDS_FILES, Goal, load_catalogue, scenario_goals
from simulate.goals.verdicts import judge, summarise, wilson_interval
from simulate.results.indicators import INDICATORS
from simulate.scenario.schema import GoalSettings

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
DIGEST_IDS = [
    "nc.order_trained", "nc.dual_teachers", "nc.training_bases", "nc.groups", "nc.dual_share",
    "nc.parttime_share", "nc.order_classes", "nc.industrial_colleges", "nc.surcharge_share", "jx.practice_hours",
    "jx.training_funds", "jx.teacher_practice", "jx.2025", "jx.2030", "hn.per_student", "hn.teacher_posts",
    "hn.staff_training", "hn.teacher_practice", "hn.counts", "hn.big_firms", "hn.forecast", "jl.training_funds",
    "jl.cert_subsidy", "jl.223", "jl.committees", "cn.cities", "cn.enterprises", "jx.tech_transfer",
]
"""Every id of the POLICY_DIGEST.md target table (jx.2025 / jx.2030 is one row with two ids)."""


def test_digest_table_ids_match_this_list():
    digest = SHARED / "POLICY_DIGEST.md"
    if not digest.exists():
        pytest.skip("shared/ not beside the clone")
    found = set(re.findall(r"^\| ((?:nc|jx|hn|jl|cn)\.[a-z0-9_.]+)", digest.read_text(encoding="utf-8"), re.M))
    assert found == set(DIGEST_IDS) - {"jx.2030"}  # the "jx.2025 / jx.2030" row is read as jx.2025


@pytest.mark.parametrize("digest_id", DIGEST_IDS)
def test_catalogue_covers_every_digest_target(digest_id):
    goals = load_catalogue()
    assert any(g.digest_id == digest_id for g in goals), f"no goal for digest row {digest_id}"


def test_every_goal_names_a_seed_file_clause_and_a_produced_indicator():
    for g in load_catalogue():
        assert g.source.file in SEEDS_FILES
        assert g.source.clause
        if g.status == "modelled":
            assert g.metric in INDICATORS, g.id
        else:
            assert g.reason
        if g.proxy:
            assert g.rationale


def test_source_lines_hold_the_target_text():
    seeds = SHARED / "seeds"
    if not seeds.exists():
        pytest.skip("shared/seeds not beside the clone")
    for g in load_catalogue():
        lines = (seeds / g.source.file).read_text(encoding="utf-8").split("\n")
        assert g.source.line <= len(lines), g.id
        flat = re.sub(r"\s", "", (seeds / g.source.file).read_text(encoding="utf-8"))
        assert re.sub(r"\s", "", g.text_zh)[:12] in flat or g.notes, g.id


@pytest.mark.parametrize("successes,n,low,high", [
    (0, 10, 0.0, 0.2775327), (10, 10, 0.7224673, 1.0), (5, 10, 0.2365931, 0.7634069), (1, 100, 0.0017674, 0.0544861),
])
def test_wilson_interval_matches_hand_computed_values(successes, n, low, high):
    lo, hi = wilson_interval(successes, n)
    assert lo == pytest.approx(low, abs=1e-6) and hi == pytest.approx(high, abs=1e-6)


def _goal(**kw) -> Goal:
    base = dict(id="t.goal", name_zh="测试", name_en="test", text_zh="测试", text_en="test",
                source={"file": SEEDS_FILES[1], "clause": "§二", "line": 30}, region="jiangxi", level="all",
                metric="in_school", comparator=">=", target=0, unit="persons", deadline={"year": 2022},
                status="modelled")
    return Goal.model_validate({**base, **kw})


def _frame(values_by_rep: dict[int, list[float]], years=(2019, 2020, 2021, 2022)) -> pd.DataFrame:
    rows = [("s", rep, y, "jiangxi", "all", "total", "in_school", v)
            for rep, vals in values_by_rep.items() for y, v in zip(years, vals, strict=True)]
    return pd.DataFrame(rows, columns=["scenario", "replication", "year", "region", "level", "dimension",
                                       "indicator", "value"])


def test_goal_met_by_construction_has_probability_one_and_unmeetable_zero():
    frame = _frame({r: [100, 110, 120, 130 + r] for r in range(8)})
    met, never = _goal(id="t.met", target=50), _goal(id="t.never", target=1e9)
    verdicts = judge(frame, [met, never], "jiangxi", 2019, 2022)
    table = summarise(verdicts, [met, never]).set_index("goal_id")
    assert table.loc["t.met", "probability_met"] == 1.0
    assert table.loc["t.never", "probability_met"] == 0.0
    assert table.loc["t.met", "median_year_first_met"] == 2019
    assert np.isnan(table.loc["t.never", "median_year_first_met"])
    lo, hi = wilson_interval(0, 8)
    assert table.loc["t.never", "probability_ci_high"] == pytest.approx(hi)


def test_cumulative_and_every_year_aggregation_by_hand():
    frame = _frame({0: [10, 20, 30, 40], 1: [10, 5, 30, 40]})
    cum = _goal(id="t.cum", aggregate="cumulative", from_year=2020, target=90)  # 20+30+40 = 90 ; 5+30+40 = 75
    every = _goal(id="t.every", aggregate="every_year", from_year=2019, target=8, deadline={"year": 2019})
    v = judge(frame, [cum], "jiangxi", 2019, 2022).set_index("replication")
    assert v.loc[0, "value"] == 90 and bool(v.loc[0, "met"]) and v.loc[0, "year_first_met"] == 2022
    assert v.loc[1, "value"] == 75 and not bool(v.loc[1, "met"])
    assert v.loc[1, "margin"] == -15 and v.loc[1, "margin_relative"] == pytest.approx(-15 / 90)
    # every_year is judged at milestones inside the horizon: none here (2025/2030 > 2022)
    assert judge(frame, [every], "jiangxi", 2019, 2022).empty
    v2 = judge(frame, [every], "jiangxi", 2019, 2030)
    assert v2.empty or set(v2["deadline_year"]) <= {2025, 2030}


def test_scenario_can_override_a_target_and_add_a_goal():
    added = _goal(id="local.extra").model_dump(mode="json")
    settings = GoalSettings(override={"nc.dual_teachers": {"target": 700, "deadline": {"year": 2026}}}, add=[added])
    goals = {g.id: g for g in scenario_goals(settings)}
    assert goals["nc.dual_teachers"].target == 700 and goals["nc.dual_teachers"].deadline.year == 2026
    assert "local.extra" in goals
    assert {g.id: g for g in load_catalogue()}["nc.dual_teachers"].target == 600  # catalogue untouched
    with pytest.raises(ValueError, match="unknown goal"):
        scenario_goals(GoalSettings(override={"no.such": {"target": 1}}))
