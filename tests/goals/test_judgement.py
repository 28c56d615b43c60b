"""Known answers for each kind of judgement, on hand-made tidy frames.

Each test writes a few indicator series whose verdict can be worked out by hand: a threshold at the
deadline, the deadline month against the month an indicator is settled, a standing rule over its own
window, a cumulative count, a change since a start year, whose region's figures are judged, and the
table that shows outcomes and commitments apart.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from simulate.goals.catalogue import SEEDS_FILES, Goal
from simulate.goals.table import format_verdicts
from simulate.goals.verdicts import (
    GOALS_COLUMNS,
    settled_year,
    summarise,
    verdict_years,
    wilson_interval,
)
from simulate.goals.verdicts import judge as _judge
from simulate.results.indicators import INDICATORS
from simulate.sweep.outcomes import goal_years

YEARS = tuple(range(2019, 2031))


def goal(**kw) -> Goal:
    base = dict(id="t.goal", kind="outcome", name_zh="测试", name_en="test", text_zh="测试", text_en="test",
                source={"file": SEEDS_FILES[1], "clause": "§二", "line": 30}, region="jiangxi", level="all",
                metric="training_bases", comparator=">=", target=0, unit="count", deadline={"year": 2024},
                status="modelled")
    return Goal.model_validate({**base, **kw})


def frame(indicator: str, by_rep: dict[int, list[float]], years=YEARS, region="jiangxi", level="all"
          ) -> pd.DataFrame:
    rows = [("s", rep, y, region, level, "total", indicator, v)
            for rep, vals in by_rep.items() for y, v in zip(years, vals, strict=True)]
    return pd.DataFrame(rows, columns=["scenario", "replication", "year", "region", "level", "dimension",
                                       "indicator", "value"])


def judge(f: pd.DataFrame, goals: list[Goal], province="jiangxi") -> pd.DataFrame:
    return _judge(f, goals, province, 2019, 2030)


def one(f: pd.DataFrame, g: Goal, deadline_year: int | None = None) -> pd.DataFrame:
    v = judge(f, [g])
    if deadline_year is not None:
        v = v[v.deadline_year == deadline_year]
    return v.set_index("replication")


def ramp(start: float, step: float) -> list[float]:
    return [start + step * i for i in range(len(YEARS))]


# -- threshold at the deadline --------------------------------------------------------------------

def test_threshold_is_judged_on_the_value_in_force_at_the_deadline():
    # training bases 100, 110, ... (2019 = 100, 2024 = 150); rep 1 is 20 lower every year
    f = pd.concat([frame("training_bases", {0: ramp(100, 10)}), frame("training_bases", {1: ramp(80, 10)})])
    g = goal(target=140)
    v = one(f, g)
    assert v.loc[0, "value"] == 150 and bool(v.loc[0, "met"]) and v.loc[0, "year_first_met"] == 2023
    assert v.loc[1, "value"] == 130 and not bool(v.loc[1, "met"]) and v.loc[1, "year_first_met"] == 2025
    assert v.loc[1, "margin"] == -10 and v.loc[1, "margin_relative"] == pytest.approx(-10 / 140)
    row = summarise(judge(f, [g]), [g]).iloc[0]
    assert row.probability_met == 0.5 and row.value_at_deadline == 140 and row.margin == 0
    assert (row.probability_ci_low, row.probability_ci_high) == pytest.approx(wilson_interval(1, 2))
    assert row.judged_years == "2024" and row.deadline == "2024"


def test_a_goal_met_by_construction_has_probability_one_and_an_unmeetable_one_zero():
    f = frame("training_bases", {r: ramp(100 + r, 1) for r in range(8)})
    met, never = goal(id="t.met", target=50), goal(id="t.never", target=1e9)
    table = summarise(judge(f, [met, never]), [met, never]).set_index("goal_id")
    assert table.loc["t.met", "probability_met"] == 1.0 and table.loc["t.met", "median_year_first_met"] == 2019
    assert table.loc["t.never", "probability_met"] == 0.0 and np.isnan(table.loc["t.never", "median_year_first_met"])
    assert table.loc["t.never", "probability_ci_high"] == pytest.approx(wilson_interval(0, 8)[1])


def test_at_most_goal_margin_is_value_minus_target():
    f = frame("mismatch_index", {0: [0.30] * 12}, level="enterprise")
    g = goal(metric="mismatch_index", level="enterprise", comparator="<=", target=0.25, unit="share",
             deadline={"year": 2025})
    row = summarise(judge(f, [g]), [g]).iloc[0]
    assert row.probability_met == 0.0 and row.margin == pytest.approx(0.05)


# -- deadline month ---------------------------------------------------------------------------------

def test_settled_year_rule():
    assert settled_year(2025, 6, 12) == 2024  # June deadline, December stock: last December's
    assert settled_year(2025, 6, 1) == 2025  # January budget is settled before June
    assert settled_year(2025, 9, 9) == 2025  # September enrollment by a September deadline
    assert settled_year(2025, None, 12) == 2025  # no month: the end of the year


def test_a_june_deadline_is_judged_on_the_december_before():
    assert INDICATORS["training_bases"].month == 12 and INDICATORS["per_student_funding"].month == 1
    f = pd.concat([frame("training_bases", {0: ramp(100, 10)}), frame("per_student_funding", {0: ramp(100, 10)})])
    bases = goal(id="t.bases", target=145, deadline={"year": 2024, "month": 6})
    funding = goal(id="t.funding", metric="per_student_funding", unit="yuan", target=145,
                   deadline={"year": 2024, "month": 6})
    v = judge(f, [bases, funding]).set_index("goal_id")
    assert v.loc["t.bases", "value"] == 140 and not bool(v.loc["t.bases", "met"])  # December 2023
    assert v.loc["t.funding", "value"] == 150 and bool(v.loc["t.funding", "met"])  # January 2024
    table = summarise(judge(f, [bases, funding]), [bases, funding]).set_index("goal_id")
    assert table.loc["t.bases", "deadline"] == "2024-06 (value of 2023)"
    assert table.loc["t.funding", "deadline"] == "2024-06"


def test_a_deadline_in_the_base_years_december_before_is_outside_the_simulation():
    f = frame("training_bases", {0: ramp(100, 10)})
    g = goal(target=1, deadline={"year": 2019, "month": 6})  # would need December 2018
    assert judge(f, [g]).empty
    assert summarise(judge(f, [g]), [g]).iloc[0].status == "outside_horizon"


# -- every year -------------------------------------------------------------------------------------

def test_every_year_is_judged_from_the_clauses_own_start_not_2018():
    # below target in 2019-2020 only; the rule starts in 2021, so it is met at both milestones
    values = [5, 5] + [20] * 10
    f = frame("training_bases", {0: values})
    g = goal(aggregate="every_year", from_year=2021, deadline={"year": 2021}, target=10)
    assert verdict_years(g, 2019, 2030) == [2025, 2030] == goal_years(g, 2019, 2030)
    v = judge(f, [g]).set_index("deadline_year")
    assert bool(v.loc[2025, "met"]) and bool(v.loc[2030, "met"])
    assert v.loc[2025, "first_year"] == 2021 and v.loc[2030, "last_year"] == 2030
    # the same series under a rule from 2018 (clipped to 2019) is honestly not met every year
    early = goal(aggregate="every_year", from_year=2018, deadline={"year": 2018}, target=10)
    v = judge(f, [early]).set_index("deadline_year")
    assert not bool(v.loc[2025, "met"]) and v.loc[2025, "first_year"] == 2019
    # ... but it holds every year of both plan periods (2021-2025, 2026-2030)
    assert v.loc[2025, "met_period"] == 1.0 and v.loc[2030, "met_period"] == 1.0
    assert v.loc[2030, "year_first_met"] == 2021  # held without a break since 2021


def test_every_year_reports_the_milestone_value_and_the_worst_year_apart():
    values = [0.08, 0.2, 0.3, 0.4, 0.45, 0.5, 0.5, 0.52, 0.54, 0.55, 0.56, 0.56]
    f = frame("teacher_practice_compliance", {0: values})
    g = goal(metric="teacher_practice_compliance", aggregate="every_year", from_year=2019, deadline={"year": 2019},
             target=0.5, unit="share")
    row = summarise(judge(f, [g]), [g]).set_index("deadline").loc["2030 (every year from 2019)"]
    assert row.value_at_deadline == 0.56 and row.worst_value == 0.08  # not the minimum since 2019
    assert row.probability_met == 0.0 and row.probability_met_period == 1.0 and row.period == "2026–2030"
    assert row.margin == pytest.approx(0.06) and row.median_year_first_met == 2024


def test_every_year_from_a_month_binds_the_first_value_settled_after_it():
    # order classes from the September 2025 intake: the September 2025 value is the first judged
    f = frame("order_class_compliance", {0: [0.0] * 6 + [1.0] * 6})  # 1.0 from 2025
    g = goal(metric="order_class_compliance", aggregate="every_year", from_year=2025,
             deadline={"year": 2025, "month": 9}, target=1.0, unit="share")
    v = judge(f, [g]).set_index("deadline_year")
    assert bool(v.loc[2025, "met"]) and v.loc[2025, "first_year"] == 2025
    # a December-settled indicator under a rule from September 2024 is first judged in December 2024
    assert INDICATORS["training_bases"].month == 12
    g2 = goal(aggregate="every_year", from_year=2024, deadline={"year": 2024, "month": 9}, target=1)
    assert judge(frame("training_bases", {0: ramp(100, 1)}), [g2]).first_year.min() == 2024
    # an indicator settled in January is first bound the next January
    g3 = goal(metric="per_student_funding", aggregate="every_year", from_year=2024, deadline={"year": 2024, "month": 9},
              target=1, unit="yuan")
    assert judge(frame("per_student_funding", {0: ramp(100, 1)}), [g3]).first_year.min() == 2025


# -- cumulative and change --------------------------------------------------------------------------

def test_cumulative_count_sums_the_intakes_settled_by_the_deadline():
    # joint-training entrants (September): 1,000 a year from 2019, 3,000 a year from 2023
    entrants = [1000] * 4 + [3000] * 8
    f = frame("joint_entrants", {0: entrants}, region="nanchang", level="secondary_vocational")
    g = goal(metric="joint_entrants", aggregate="cumulative", from_year=2023, target=8000, unit="persons",
             region="nanchang", level="secondary_vocational", deadline={"year": 2025})
    v = one(f, g)
    assert v.loc[0, "value"] == 9000 and bool(v.loc[0, "met"]) and v.loc[0, "year_first_met"] == 2025
    assert v.loc[0, "judged_region"] == "nanchang"
    june = goal(metric="joint_entrants", aggregate="cumulative", from_year=2023, target=8000, unit="persons",
                region="nanchang", level="secondary_vocational", deadline={"year": 2025, "month": 6})
    v = one(f, june)  # the September 2025 intake is not in yet
    assert v.loc[0, "value"] == 6000 and not bool(v.loc[0, "met"]) and v.loc[0, "margin"] == -2000
    row = summarise(judge(f, [june]), [june]).iloc[0]
    assert row.deadline == "2025-06 (sum from 2023)" and row.judged_years == "2023–2024"


def test_change_compares_the_deadline_with_the_start():
    f = frame("mismatch_index", {0: ramp(0.20, -0.002), 1: ramp(0.20, 0.001)}, level="enterprise")
    g = goal(metric="mismatch_index", level="all", aggregate="change", from_year=2018, comparator="<=", target=-0.01,
             unit="share", deadline={"year": 2025})
    v = one(f, g)  # 2025 is six steps after 2019 (the start, clipped to the first simulated year)
    assert v.loc[0, "value"] == pytest.approx(-0.012) and bool(v.loc[0, "met"]) and v.loc[0, "year_first_met"] == 2024
    assert v.loc[1, "value"] == pytest.approx(0.006) and not bool(v.loc[1, "met"])
    assert summarise(judge(f, [g]), [g]).iloc[0].deadline == "2025 (change since 2019)"


# -- whose figures ----------------------------------------------------------------------------------

def test_judged_region_says_whose_figures_are_judged():
    f = pd.concat([
        frame("training_bases", {0: ramp(100, 10)}, region="nanchang", level="secondary_vocational"),
        frame("training_bases", {0: ramp(900, 10)}, region="jiangxi", level="secondary_vocational"),
        frame("surcharge_vocational_share", {0: [0.3] * 12}),
    ])
    own = goal(id="t.own", region="nanchang", level="secondary_vocational", target=1)
    hunan = goal(id="t.hunan", region="hunan", level="secondary_vocational", target=1)
    province_only = goal(id="t.sur", region="nanchang", metric="surcharge_vocational_share", unit="share", target=0.3)
    regions = ("jiangxi", "nanchang", "rest_of_jiangxi")
    goals = [own, hunan, province_only]
    verdicts = _judge(f, goals, "jiangxi", 2019, 2030, regions=regions)
    table = summarise(verdicts, goals, regions=regions).set_index("goal_id")
    assert table.loc["t.own", "judged_region"] == "nanchang" and table.loc["t.own", "value_at_deadline"] == 150
    assert table.loc["t.sur", "judged_region"] == "jiangxi (nanchang not recorded separately)"
    # a goal of a region the scenario does not simulate is never judged on another region's figures
    assert "t.hunan" not in set(verdicts.goal_id)
    assert table.loc["t.hunan", "status"] == "applies_elsewhere" and table.loc["t.hunan", "applies_to"] == "hunan"
    assert "judged on a scenario that simulates hunan" in table.loc["t.hunan", "reason"]
    assert pd.isna(table.loc["t.hunan", "judged_region"]) and pd.isna(table.loc["t.hunan", "value_at_deadline"])
    assert (table["applies_to"] == ["nanchang", "hunan", "nanchang"]).all()


def test_a_goal_applies_to_the_region_its_prefix_names():
    from simulate.goals.catalogue import REGION_PREFIXES, load_catalogue

    for g in load_catalogue():
        assert g.region == REGION_PREFIXES[g.id.split(".")[0]], g.id
    with pytest.raises(ValueError, match="applies to hunan"):
        goal(id="hn.wrong", region="jiangxi")
    # judged on the region's own scenario (hunan is simulated), refused on another province's
    f = frame("training_bases", {0: ramp(100, 10)}, region="hunan", level="secondary_vocational")
    g = goal(id="hn.bases", region="hunan", level="secondary_vocational", target=1)
    assert set(_judge(f, [g], "hunan", 2019, 2030, regions=("hunan", "all_hunan")).judged_region) == {"hunan"}
    assert _judge(f.assign(region="jiangxi"), [g], "jiangxi", 2019, 2030, regions=("jiangxi", "nanchang")).empty


def test_a_school_level_goal_is_never_judged_on_another_level():
    f = frame("training_bases", {0: ramp(100, 10)}, level="all")
    g = goal(level="secondary_vocational", target=1)
    assert judge(f, [g]).empty


def test_a_pending_indicator_is_judged_on_its_stand_in_and_named():
    f = frame("per_student_funding", {0: [5000] + [12000] * 11}, level="secondary_vocational")
    g = goal(kind="commitment", metric="per_student_funding_min", level="secondary_vocational", unit="yuan",
             aggregate="every_year", from_year=2018, deadline={"year": 2018}, target=10000)
    table = summarise(judge(f, [g]), [g])
    assert set(table.metric) == {"per_student_funding (standing in for per_student_funding_min)"}
    assert list(table.probability_met) == [0.0, 0.0] and list(table.probability_met_period) == [1.0, 1.0]
    empty = summarise(judge(frame("in_school", {0: [1.0] * 12}), [g]), [g]).iloc[0]
    assert empty.status == "indicator_missing" and "per_student_funding_min" in empty.reason


# -- the table --------------------------------------------------------------------------------------

def test_goals_csv_and_the_printed_table_keep_commitments_apart():
    f = pd.concat([frame("training_bases", {0: ramp(100, 10)}), frame("surcharge_vocational_share", {0: [0.3] * 12})])
    out = goal(id="t.outcome", target=140, fixed_because="2019 value already above target",
               fixed_because_zh="2019年已达标")
    com = goal(id="t.commitment", kind="commitment", metric="surcharge_vocational_share", unit="share",
               aggregate="every_year", from_year=2023, deadline={"year": 2023}, target=0.3)
    table = summarise(judge(f, [out, com]), [out, com])
    assert list(table.columns) == GOALS_COLUMNS
    assert set(table.kind) == {"outcome", "commitment"}
    assert table.set_index("goal_id").loc["t.outcome", "fixed_because"] == "2019 value already above target"
    text = format_verdicts(table, 1)
    outcomes, commitments = text.split("commitments:")
    assert "t.outcome" in outcomes and "t.commitment" not in outcomes and "t.commitment" in commitments
    assert "(1 goal)" in outcomes and "†t.outcome" in outcomes
    assert "jiangxi" in outcomes and "+10" in outcomes  # judged region and margin shown
