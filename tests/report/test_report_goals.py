"""Briefing tables of goals: commitments in their own table, fixed_because shown, whose figures translated."""

from __future__ import annotations

import pandas as pd

from simulate.goals.catalogue import SEEDS_FILES, Goal
from simulate.goals.verdicts import judge, summarise
from simulate.report import tables
from simulate.report.briefing import headline
from simulate.report.runs import ScenarioRun

YEARS = list(range(2019, 2031))


def _goal(gid: str, **kw) -> Goal:
    base = dict(id=gid, kind="outcome", name_zh=f"目标{gid}", name_en=f"goal {gid}", text_zh="测试", text_en="test",
                source={"file": SEEDS_FILES[1], "clause": "§二", "line": 30}, region="jiangxi", level="all",
                metric="training_bases", comparator=">=", target=100, unit="count", deadline={"year": 2025},
                status="modelled")
    return Goal.model_validate({**base, **kw})


GOALS = (
    _goal("t.bases", fixed_because="2019 value already above target", fixed_because_zh="2019年已高于目标"),
    _goal("t.nanchang", region="nanchang", deadline={"year": 2025, "month": 6}),
    _goal("t.hunan", region="hunan"),
    _goal("t.funding", kind="commitment", metric="per_student_funding", unit="yuan", target=10000,
          aggregate="every_year", from_year=2018, deadline={"year": 2018}),
)


def _run() -> ScenarioRun:
    rows = [("s", r, y, "jiangxi", "all", "total", "training_bases", 150.0 + r) for r in range(2) for y in YEARS]
    rows += [("s", r, y, "jiangxi", "all", "total", "per_student_funding", 12000.0) for r in range(2) for y in YEARS]
    frame = pd.DataFrame(rows, columns=["scenario", "replication", "year", "region", "level", "dimension",
                                        "indicator", "value"])
    regions = ("jiangxi", "nanchang")
    goals = summarise(judge(frame, GOALS, "jiangxi", 2019, 2030, regions=regions), GOALS, regions=regions)
    scenario = {"name": "s", "base_year": 2019, "horizon": 2030,
                "region": {"name": "jiangxi", "name_zh": "江西省", "subregions": [{"name": "nanchang",
                                                                                 "name_zh": "南昌市"}]}}
    return ScenarioRun(name="s", scenario=scenario, sources={}, notes={}, frame=frame, goals=goals, seed=1,
                       replications=2, assumptions=[], origin="test", simulated=True, goal_defs=GOALS)


def test_commitments_have_their_own_table_and_stay_out_of_the_outcome_counts():
    run = _run()
    outcomes, commitments = tables.verdict_table(run, "en"), tables.verdict_table(run, "en", kind="commitment")
    assert list(outcomes["Goal id"]) == ["t.bases", "t.nanchang"]  # t.hunan applies elsewhere
    assert set(commitments["Goal id"]) == {"t.funding"} and commitments.attrs["title"] == "Commitments kept"
    assert "Fixed whatever the levers, because" not in commitments.columns
    text = headline(run, "en")
    assert text.startswith("Of 2 modelled targets, 2 are met") and "2 commitments" in text
    assert list(tables.goal_matrix([run], "en")["Goal id"]) == ["t.bases", "t.nanchang"]
    assert tables.judges_text(run, "en").endswith("this report judges 3 goals of Jiangxi, Nanchang; 1 apply elsewhere "
                                                  "(Hunan 1) and are judged on a scenario that simulates their region.")
    assert "本简报判定江西省、南昌市的3项目标；另有1项目标适用于其他地区（湖南省 1）" in tables.judges_text(run, "zh")
    assert set(tables.goal_matrix([run], "en", kind="commitment")["Goal id"]) == {"t.funding"}


def test_fixed_because_margin_and_whose_figures_are_shown_in_both_languages():
    run = _run()
    en, zh = tables.verdict_table(run, "en").set_index("Goal id"), tables.verdict_table(run, "zh").set_index("目标编号")
    assert en.loc["t.bases", "Fixed whatever the levers, because"] == "2019 value already above target"
    assert zh.loc["t.bases", "无论杠杆如何均不变的原因"] == "2019年已高于目标"
    assert en.loc["t.nanchang", "Fixed whatever the levers, because"] == ""
    assert en.loc["t.bases", "Margin (value − target)"] == 50.5
    assert en.loc["t.nanchang", "Judged on"] == "Jiangxi (Nanchang not recorded separately)"
    assert zh.loc["t.nanchang", "判定所用数据"] == "江西省（南昌市未单列）"
    assert "t.hunan" not in en.index  # a goal of a region the scenario does not simulate has no verdict
    assert en.loc["t.nanchang", "Deadline"] == "2025-06 (value of 2024)"
    assert zh.loc["t.nanchang", "期限"] == "2025-06（以2024年数值判定）"
    assert tables.goal_row_label("t.bases", "2025", False, "en", GOALS).startswith("†goal t.bases")
    assert tables.judged_region_text("jiangxi (nanchang not recorded separately)", "zh", run.scenario) == \
        "江西省（南昌市未单列）"


def test_an_older_goals_csv_without_kinds_is_read_as_outcomes():
    run = _run()
    old = run.goals.drop(columns=["kind"]).rename(columns={"value_at_deadline": "median_value"})
    run.goals = old[old.goal_id != "t.funding"]
    table = tables.verdict_table(run, "en")
    assert list(table["Goal id"]) == ["t.bases", "t.nanchang"] and table["Median value at deadline"].notna().all()
