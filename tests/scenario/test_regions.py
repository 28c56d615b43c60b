"""Every region of the five documents is a simulated region, and each goal is judged where it applies.

A region is data: a region file and a baseline scenario (here also a synthetic province in one file,
``tests/data/synthetic_region.yaml``). Hunan's and Jilin's files are built from the data's rows of those
provinces; their baselines judge their own goals (``hn.*``, ``jl.*``), the national scenario the national
plan's (``cn.*``), and every other goal is listed as applying elsewhere.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

import simulate
from simulate.goals.catalogue import REGION_PREFIXES, load_catalogue, scenario_goals
from simulate.goals.verdicts import APPLIES_ELSEWHERE, simulated_regions, summarise
from simulate.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"
SYNTHETIC = ROOT / "tests" / "data" / "synthetic_region.yaml"
HORIZON = 2025
"""The province runs below stop at the first milestone (enough for every verdict they check)."""


def _run(name: str, reps: int = 1):
    loaded = load_scenario(SCENARIOS / f"{name}.yaml")
    short = loaded.scenario.model_copy(update={"horizon": HORIZON})
    return simulate.run(type(loaded)(scenario=short, sources=loaded.sources, files=loaded.files), replications=reps)


@pytest.fixture(scope="module")
def runs():
    return {name: _run(name) for name in ("hunan_baseline", "hunan_funding_10k_12k", "jilin_baseline",
                                          "jilin_certificate_subsidy")}


# -- a region is data ------------------------------------------------------------------------------------------

def test_a_synthetic_region_from_one_file_runs_and_judges_its_own_goals(tmp_path):
    result = simulate.run(load_scenario(SYNTHETIC), replications=2)
    sc = result.scenario
    assert simulated_regions(sc) == ("synthetica", "capital", "rest_of_synthetica")
    assert set(range(2019, 2024)) <= set(result.frame.year.unique()) and result.frame.year.max() == 2023
    goals = result.goals().set_index("goal_id")
    assert goals.loc["sy.participation", "judged_region"] == "synthetica"
    assert goals.loc["sy.capital_bases", "judged_region"] == "capital"
    assert (goals.loc[["sy.participation", "sy.capital_bases"], "status"] == "modelled").all()
    assert goals.loc["sy.capital_bases", "probability_met"] == 1.0
    catalogue = goals.drop(index=["sy.participation", "sy.capital_bases"])
    assert (catalogue.status == APPLIES_ELSEWHERE).all()  # no document's goal is judged on a made-up province
    assert set(result.goal_verdicts().goal_id) == {"sy.participation", "sy.capital_bases"}
    folder = result.write(tmp_path / "run")
    assert "synthetica" in (folder / "scenario.resolved.yaml").read_text(encoding="utf-8")


def test_a_new_region_gets_its_intake_layer_from_its_file_alone(tmp_path):
    """`talentsim calibrate --regional <region>:<year>` needs only the region file when the data has no rows."""
    from simulate.fitting import fit, load_observed
    from simulate.fitting.layers import dump_layer
    from simulate.fitting.regional import intake_layer

    obs = load_observed(ROOT / "calibration" / "observed_2015_2022.csv")
    shutil.copy(SYNTHETIC, tmp_path / "synthetica_region.yaml")
    tree = intake_layer(fit(obs), obs, "synthetica", 2019, "test", parameters=tmp_path)
    intake = tree["region"]["intake"]
    assert {"province_share", "vocational_share", "technical_share_of_secondary"} <= set(intake)
    assert "synthetica_region.yaml levels.secondary_vocational.in_school (60,000" in intake["province_share"]["note"]
    assert intake["province_share"]["range"] == [0.004, 0.005]  # the file's own range, the data having none
    layer = tmp_path / "synthetica_intake.yaml"
    layer.write_text(dump_layer(tree, ["test"]), encoding="utf-8")
    scen = tmp_path / "with_intake.yaml"
    scen.write_text(f"extends:\n  - {SYNTHETIC}\n  - {layer}\nname: synthetica_fitted\n", encoding="utf-8")
    sc = load_scenario(scen).scenario
    from simulate.agents.intake import applicants

    plan = [sc.region.levels[lv].in_school / 3 for lv in ("secondary_vocational", "technical_school")]
    np.testing.assert_allclose(applicants(sc, 2019)[:2] / sc.scale, plan, rtol=1e-3)


# -- Hunan and Jilin from their data rows -------------------------------------------------------------------------

def _leaf(tree: dict, dotted: str) -> dict:
    node = tree
    for part in dotted.split("."):
        node = node[part]
    return node


@pytest.mark.parametrize(("region", "figures"), [
    ("hunan", {"levels.higher_vocational.schools": (70, "obs: hunan/higher_vocational/schools/2018"),
               "levels.higher_vocational.in_school": (518300, "obs: hunan/higher_vocational/in_school/2017"),
               "enterprises.base_participation": (0.0101, "hunan/other/enterprises_in_provincial_voc_groups/2018")}),
    ("jilin", {"levels.secondary_vocational.schools": (277, "obs: jilin/secondary_vocational/schools/2017"),
               "levels.secondary_vocational.in_school": (162000, "obs: jilin/secondary_vocational/in_school/2017"),
               "levels.higher_vocational.schools": (25, "obs: jilin/higher_vocational/schools/2017"),
               "levels.higher_vocational.in_school": (167000, "obs: jilin/higher_vocational/in_school/2017"),
               "levels.secondary_vocational.student_teacher_ratio": (9.31, "jilin/other/secvoc_staff_total/2017"),
               "enterprises.employees": (8818900, "jilin/population/resident_population/2019")}),
])
def test_region_files_are_built_from_the_datas_rows(region, figures):
    tree = yaml.safe_load((ROOT / "calibration" / "parameters" / f"{region}_region.yaml").read_text(encoding="utf-8"))
    reg = tree["region"]
    assert reg["name"] == region
    for key, (value, cited) in figures.items():
        leaf = _leaf(reg, key)
        assert leaf["value"] == pytest.approx(value), key
        assert cited in leaf["source"], key
    # every value is sourced, and every assumption that is not structural carries a range
    structural = ("program_years", "county_schools", "enrollment_share", "relevance", "records", "priority")
    from simulate.fitting.coverage import coverage

    table = coverage()
    mine = table[table.region == region]
    assert len(mine) > 100 and (mine.source.str.len() > 0).all()
    loose = mine[(mine.kind == "assumption") & (mine.range == "")]
    assert all(any(s in k for s in structural) for k in loose.key), list(loose.key)


@pytest.mark.parametrize(("region", "seed"), [("hunan", "003_6dbe643eb8838f3a.txt"),
                                              ("jilin", "002_ed6320b76da44b90.txt")])
def test_industries_are_the_ones_the_regions_own_document_names(region, seed):
    sc = load_scenario(SCENARIOS / f"{region}_baseline.yaml")
    ids = {i.id for i in sc.scenario.region.industries}
    assert "other" in ids and len(ids) >= 6
    for i, ind in enumerate(sc.scenario.region.industries):
        if ind.priority:
            assert seed in sc.sources[f"region.industries[{i}].priority"].source, ind.id
    majors = {m.id for m in sc.scenario.region.majors}
    jiangxi = {m.id for m in load_scenario(SCENARIOS / "jiangxi_baseline.yaml").scenario.region.majors}
    assert jiangxi <= majors  # the same major groups as Jiangxi's, mapped to the region's industries
    for m in sc.scenario.region.majors:
        assert set(m.relevance) <= ids


# -- goals are judged where they apply ----------------------------------------------------------------------------

def test_each_region_judges_its_own_goals(runs):
    catalogue = load_catalogue()
    for name, prefix in (("hunan_baseline", "hn"), ("jilin_baseline", "jl")):
        result = runs[name]
        region = REGION_PREFIXES[prefix]
        v = result.goal_verdicts()
        assert len(v) and set(v.goal_id.str.split(".").str[0]) == {prefix}
        assert set(v.judged_region) == {region}  # its own figures, never another province's
        table = result.goals()
        own = table[table.goal_id.str.startswith(prefix + ".")]
        assert (own.status != APPLIES_ELSEWHERE).all() and (own.applies_to == region).all()
        away = table[~table.goal_id.str.startswith(prefix + ".")]
        assert (away.status == APPLIES_ELSEWHERE).all()
        assert set(away.applies_to) == set(REGION_PREFIXES.values()) - {region}
        assert away.reason.str.startswith("applies to ").all()
        modelled = {g.id for g in catalogue if g.id.startswith(prefix + ".") and g.status == "modelled"}
        assert set(v.goal_id) == modelled


def test_hunan_goals_are_no_longer_judged_on_jiangxi():
    sc = load_scenario(SCENARIOS / "jiangxi_baseline.yaml").scenario
    goals = scenario_goals(sc.goals)
    table = summarise(pd.DataFrame(), goals, regions=simulated_regions(sc)).set_index("goal_id")
    for gid in table.index:
        applies = REGION_PREFIXES[gid.split(".")[0]] in ("jiangxi", "nanchang")
        assert (table.loc[gid, "status"] == APPLIES_ELSEWHERE) != applies, gid
    assert table.loc["hn.per_student.secondary", "applies_to"] == "hunan"


def test_the_national_plan_is_judged_on_the_national_scenario():
    sc = load_scenario(SCENARIOS / "national_baseline.yaml").scenario
    regions = simulated_regions(sc)
    cn = [g for g in load_catalogue() if g.id.startswith("cn.")]
    assert cn and all(g.applies_to(regions) for g in cn)
    assert not any(g.applies_to(regions) for g in load_catalogue() if not g.id.startswith("cn."))
    assert {g.id for g in cn if g.status == "modelled"} >= {"cn.enterprises", "cn.2024.participation",
                                                            "cn.2024.mismatch"}


# -- the regions' status quo and their lever scenarios ------------------------------------------------------------

def test_hunan_funding_standard_is_met_only_when_applied(runs):
    base = runs["hunan_baseline"].goals().set_index(["goal_id", "deadline"])
    raised = runs["hunan_funding_10k_12k"].goals().set_index(["goal_id", "deadline"])
    for gid in ("hn.per_student.secondary", "hn.per_student.technical_school"):
        key = (gid, "2025 (every year from 2018)")
        assert base.loc[key, "probability_met"] == 0.0  # the status quo before 003 §26
        assert raised.loc[key, "probability_met"] == 1.0 and raised.loc[key, "value_at_deadline"] >= 10000


def test_jilin_certificate_subsidy_pays_and_trains_more(runs):
    def at(name, indicator):
        f = runs[name].frame
        sel = f[(f.indicator == indicator) & (f.region == "jilin") & (f.dimension == "total") & (f.year == 2024)]
        return float(sel.value.sum())

    assert at("jilin_baseline", "certificate_subsidies") == 0.0
    assert at("jilin_certificate_subsidy", "certificate_subsidies") > 0.0
    assert at("jilin_certificate_subsidy", "staff_trained_share") > at("jilin_baseline", "staff_trained_share")


@pytest.mark.parametrize(("name", "bounds"), [
    ("hunan_baseline", {"secondary_vocational": 0.96, "higher_vocational": 0.88}),
    ("jilin_baseline", {"secondary_vocational": 0.95, "higher_vocational": 0.90})])
def test_base_years_meet_the_published_employment_rates(runs, name, bounds):
    """The data's employment rates (>96% / >88% Hunan 2018, >95% / >90% Jilin 2017) are lower bounds the
    simulated first graduating year meets: graduates without a job or study place are few."""
    f = runs[name].frame
    region = runs[name].scenario.region.name
    for level, bound in bounds.items():
        sel = f[(f.region == region) & (f.level == level) & (f.dimension == "total") & (f.year == 2019)]
        grads = float(sel[sel.indicator == "graduates"].value.sum())
        unemployed = float(sel[sel.indicator == "unemployed"].value.sum())
        assert grads > 0 and 1 - unemployed / grads > bound, (level, unemployed, grads)


def test_lever_ranges_apply_to_every_region():
    from simulate.scenario.lever_ranges import apply_lever_ends, load_lever_ranges

    for name in ("hunan_baseline", "jilin_baseline"):
        sc = load_scenario(SCENARIOS / f"{name}.yaml").scenario
        high = apply_lever_ends(sc, "high")  # Nanchang's order-class tiers are not imposed on other provinces
        assert high.levers.order_class_minimum == sc.levers.order_class_minimum
        assert high.levers.per_student_funding.secondary.at(2025) == 15000
        low = apply_lever_ends(sc, "low")
        assert low.levers.per_student_funding.secondary.at(2025) == sc.levers.per_student_funding.secondary.at(2025)
    tiers = [r for r in load_lever_ranges() if r.lever.startswith("order_class_minimum")]
    assert tiers and all(r.regions == ["jiangxi"] for r in tiers)


def test_reports_say_which_goals_they_judge(runs, tmp_path):
    from simulate.report.runs import from_result
    from simulate.report.tables import judges_text

    run = from_result(runs["hunan_baseline"])
    for lang, words in (("en", ("goals of Hunan", "apply elsewhere", "Jiangxi")), ("zh", ("湖南省", "其他地区"))):
        text = judges_text(run, lang)
        assert all(w in text for w in words), text
