"""Calibration recovers the parameters the engine itself was run with."""

from __future__ import annotations

import copy

import pytest

import simulate
from simulate.fitting import fit, load_observed
from simulate.fitting.synthetic import engine_statistics
from simulate.scenario import Scenario

TRUE = {
    "dropout_secondary_vocational": 0.05,
    "dropout_technical_school": 0.045,
    "dropout_higher_vocational": 0.015,
    "progression_secondary_vocational": 0.35,
    "teacher_attrition": 0.03,
    "vocational_share": 0.35,
    "technical_share": 0.25,
}
RATE = 0.245
"""External 高职 applicants per non-vocational junior graduate three years earlier (≈120,000 in 2019)."""
JUNIOR_2019 = 667_400.0
SCALE = 0.2  # enough people per school that hiring to whole teachers adds little noise


@pytest.fixture(scope="module")
def truth(small_base_dict) -> Scenario:
    """A small Jiangxi variant over 11 years with a shrinking junior cohort (so teachers must leave)."""
    d = copy.deepcopy(small_base_dict)
    d["scale"] = SCALE
    d["region"]["enterprises"]["records"] = round(500 / SCALE)
    d["horizon"] = d["base_year"] + 10
    coh = d["behaviour"]["cohorts"]
    coh["dropout_rate"].update(secondary_vocational=TRUE["dropout_secondary_vocational"],
                               technical_school=TRUE["dropout_technical_school"],
                               higher_vocational=TRUE["dropout_higher_vocational"])
    coh["progression_rate"].update(secondary_vocational=TRUE["progression_secondary_vocational"], technical_school=0.10)
    d["behaviour"]["teachers"]["attrition_rate"] = TRUE["teacher_attrition"]
    # the aggregate model's world: careers of 35 years from age 25, no hires from industry, dropout that
    # does not depend on school money or track, schools that never merge
    d["behaviour"]["teachers"].update(entry_age=25, industry_hire_share=0.0, retirement_age_male=60,
                                      retirement_age_female=60)
    coh["dropout_resource_elasticity"] = 0.0
    coh["dropout_joint_factor"] = 1.0
    d["behaviour"]["institutions"]["merger_min_intake"] = {lv: 0 for lv in d["behaviour"]["institutions"][
        "merger_min_intake"]}
    # a junior cohort shrinking 4% a year: births × 1 per graduate, the whole of them in the region
    d["region"]["intake"].update(vocational_share=TRUE["vocational_share"],
                                 technical_share_of_secondary=TRUE["technical_share"], junior_per_birth=1.0,
                                 province_share=1.0, higher_external_rate=RATE,
                                 national_births={y: JUNIOR_2019 * 0.96 ** (y - 2004) for y in range(1995, 2031)})
    return Scenario.model_validate(d)


@pytest.fixture(scope="module", params=[0, 1])
def recovered(request, truth, tmp_path_factory):
    result = simulate.run(truth, seed=request.param)
    path = tmp_path_factory.mktemp("engine") / "engine_statistics.csv"
    engine_statistics(result.frame, truth).to_csv(path, index=False)
    return fit(load_observed(path), trends=False), truth


def test_plans_do_not_bind_so_intake_is_demand_driven(truth):
    """Guard: the recovery assumes every applicant finds a place, as the aggregate model does."""
    from simulate.agents.intake import junior_graduates

    lv = truth.region.levels
    vocational, technical = TRUE["vocational_share"], TRUE["technical_share"]
    secondary = junior_graduates(truth, truth.base_year) * vocational
    assert secondary * (1 - technical) < lv["secondary_vocational"].in_school / 3
    assert secondary * technical < lv["technical_school"].in_school / 3


@pytest.mark.parametrize("name, tol", [
    ("dropout_secondary_vocational", 0.003), ("dropout_technical_school", 0.003),
    ("dropout_higher_vocational", 0.003), ("progression_secondary_vocational", 0.01),
    ("vocational_share", 0.003), ("technical_share", 0.003), ("teacher_attrition", 0.006),
])
def test_rates_are_recovered(recovered, name, tol):
    f, _ = recovered
    assert name in f.fitted
    assert f.theta[name] == pytest.approx(TRUE[name], abs=tol)
    se = f.se[name]
    assert 0 < se < 0.01


def test_external_applicants_and_staffing_ratios_are_recovered(recovered):
    """Ratios and attrition carry an aggregation bias of a few percent: each school hires to its own
    ceil(students / ratio) and keeps surplus teachers while others hire, which the national equation
    cannot see (hence 4% here and ±0.006 on attrition above)."""
    f, sc = recovered
    # external entrants = external_share × (scaled) junior graduates of three years earlier not in vocational school
    assert f.theta["external_share"] == pytest.approx(RATE, rel=0.04)
    for lv in ("secondary_vocational", "technical_school", "higher_vocational"):
        # schools hire to ceil(students / ratio) each, so the aggregate ratio is a little lower
        assert f.theta[f"ratio_{lv}"] == pytest.approx(sc.region.levels[lv].student_teacher_ratio, rel=0.04)
    assert abs(f.theta["expansion_2020"]) < 0.03  # no expansion in the engine run
    assert "expansion_2019" not in f.fitted  # no entrants observed before 2019: not separable from the level


def test_the_fit_reproduces_the_engine_series(recovered):
    f, _ = recovered
    counts = f.obs[f.obs.indicator.isin(["enrollment", "in_school", "graduates"])]
    rel = (counts.fitted / counts.value - 1).abs()
    assert rel.max() < 0.02
