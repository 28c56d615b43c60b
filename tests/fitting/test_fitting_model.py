"""The aggregate model keeps the engine's identities (stock-flow, cohort survival, hiring rule)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from simulate.fitting import fit, load_observed
from simulate.fitting.model import COHORTS, Inputs, run, share_at
from simulate.fitting.params import CAREER_YEARS, START

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def fitted():
    return fit(load_observed(ROOT / "calibration" / "observed_2015_2022.csv"))


@pytest.fixture(scope="module")
def projection(fitted):
    return fitted.project(2030)


@pytest.mark.parametrize("level", COHORTS)
def test_in_school_identity(projection, level):
    inputs, out = projection
    s, e, g, d = (out[(level, k)] for k in ("in_school", "enrollment", "graduates", "dropouts"))
    i = np.arange(1, s.size)
    ok = np.isfinite(e[i])
    assert ok.sum() >= 5
    np.testing.assert_allclose(s[i][ok], (s[i - 1] + e[i] - g[i] - d[i])[ok], rtol=1e-12)


@pytest.mark.parametrize("level", ["secondary_vocational", "technical_school", "higher_vocational"])
def test_graduates_are_final_grade_survivors(fitted, projection, level):
    inputs, out = projection
    e, g = out[(level, "enrollment")], out[(level, "graduates")]
    d = fitted.theta[f"dropout_{level}"]
    i = np.arange(3, e.size)
    ok = np.isfinite(e[i - 3])
    assert ok.sum() >= 5
    np.testing.assert_allclose(g[i][ok], (e[i - 3] * (1 - d) ** 3)[ok], rtol=1e-12)


def test_higher_vocational_intake_is_external_plus_progression(fitted, projection):
    _, out = projection
    t = fitted.theta
    hv = out[("higher_vocational", "enrollment")]
    sv, ts = out[("secondary_vocational", "graduates")], out[("technical_school", "graduates")]
    ext = out[("higher_vocational", "external_entrants")]
    ok = np.isfinite(hv)
    np.testing.assert_allclose(hv[ok], (ext + t["progression_secondary_vocational"] * sv + 0.10 * ts)[ok])
    excl = out[("higher_vocational", "enrollment_excluding_transfers")]
    np.testing.assert_allclose((hv - excl)[ok], (t["transfer_share"] * sv)[ok])


def test_teachers_follow_the_hiring_rule(fitted, projection):
    inputs, out = projection
    ratio = fitted.theta["ratio_higher_vocational"]
    s, ft = out[("higher_vocational", "in_school")], out[("higher_vocational", "fulltime_teachers")]
    grow = np.flatnonzero(np.diff(s) > 0) + 1
    assert grow.size >= 3
    np.testing.assert_allclose(ft[grow], s[grow] / ratio, rtol=1e-9)


def test_falling_enrolment_sheds_teachers_only_by_exits():
    years = np.arange(2015, 2025)
    inp = Inputs(years=years, fit_until=2024, start={"secondary_vocational": 2015}, stock={"secondary_vocational": 3e6},
                 junior_graduates=np.full(years.size, 1e6), junior_enrollment=np.full(years.size, np.nan),
                 general_graduates=np.full(years.size, np.nan))
    theta = dict(START, vocational_share=0.2, technical_share=0.0, teacher_attrition=0.05)
    out = run(theta, inp)
    ft = out[("secondary_vocational", "fulltime_teachers")]
    # year 1: no one has reached the end of a career yet, so only quits
    assert ft[1] == pytest.approx(ft[0] * 0.95)
    # later: quits plus the retiring service class
    assert ft[2] < ft[1] * 0.95 and ft[2] == pytest.approx(ft[1] * 0.95 - ft[0] / CAREER_YEARS * 0.95 ** 2, rel=1e-9)


def test_intake_share_trend_stops_at_the_last_fitted_year():
    inp = Inputs(years=np.arange(2015, 2030), fit_until=2020, start={}, stock={}, junior_graduates=np.zeros(15),
                 junior_enrollment=np.zeros(15), general_graduates=np.zeros(15), trends=True)
    theta = {"technical_share": 0.25, "technical_share_trend": 0.01}
    assert share_at(theta, "technical_share", 2020, inp) == 0.25
    assert share_at(theta, "technical_share", 2016, inp) == pytest.approx(0.21)
    assert share_at(theta, "technical_share", 2028, inp) == 0.25
    assert share_at(theta, "technical_share", 2016, Inputs(**{**inp.__dict__, "trends": False})) == 0.25
