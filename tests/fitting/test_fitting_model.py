"""The aggregate model keeps the engine's identities (stock-flow, cohort survival, hiring rule)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from simulate.fitting import fit, load_observed
from simulate.fitting.cohort import COHORT_LAG
from simulate.fitting.model import COHORTS, Inputs, run, share_at
from simulate.fitting.params import CAREER_YEARS, SHARE_PATH_END, START

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def fitted():
    return fit(load_observed(ROOT / "calibration" / "observed_2015_2022.csv"))


@pytest.fixture(scope="module")
def projection(fitted):
    return fitted.project(2030, restart=False)


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
    inputs, out = projection
    t = fitted.theta
    hv = out[("higher_vocational", "enrollment")]
    sv, ts = out[("secondary_vocational", "graduates")], out[("technical_school", "graduates")]
    ext = out[("higher_vocational", "external_entrants")]
    ok = np.isfinite(hv)
    np.testing.assert_allclose(hv[ok], (ext + t["progression_secondary_vocational"] * sv + 0.10 * ts)[ok])
    # external = rate × junior graduates of three years earlier who did not enter vocational school
    j, v = out[("driver", "junior_graduates")], out[("driver", "vocational_share")]
    i = np.flatnonzero(ok)
    i = i[i >= 3]
    rate = np.array([t["external_share"] * (1 + t["expansion_2019"]) ** (y >= 2019) * (1 + t["expansion_2020"])
                     ** (y >= 2020) for y in inputs.years[i]])
    np.testing.assert_allclose(ext[i], rate * j[i - 3] * (1 - v[i - 3]), rtol=1e-12)
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


def test_intake_share_line_continues_to_the_path_end_then_holds():
    """The shares are lines anchored at the last fitted year, continued to SHARE_PATH_END (the central
    path written into scenarios), with the vocational share's slope changing from the 2022 law."""
    inp = Inputs(years=np.arange(2015, 2030), fit_until=2020, start={}, stock={}, junior_graduates=np.zeros(15),
                 junior_enrollment=np.zeros(15), general_graduates=np.zeros(15), trends=True)
    theta = {"technical_share": 0.25, "technical_share_trend": 0.01}
    assert share_at(theta, "technical_share", 2020, inp) == 0.25
    assert share_at(theta, "technical_share", 2016, inp) == pytest.approx(0.21)
    assert share_at(theta, "technical_share", 2028, inp) == pytest.approx(0.33)
    assert share_at(theta, "technical_share", 2040, inp) == share_at(theta, "technical_share", SHARE_PATH_END, inp)
    assert share_at(theta, "technical_share", 2016, Inputs(**{**inp.__dict__, "trends": False})) == 0.25
    law = Inputs(**{**inp.__dict__, "fit_until": 2022})
    v = {"vocational_share": 0.40, "vocational_share_trend": 0.002, "vocational_share_policy": -0.012}
    assert share_at(v, "vocational_share", 2021, law) == pytest.approx(0.40 + 0.01)  # the 2022 step: −1 pp
    assert share_at(v, "vocational_share", 2019, law) == pytest.approx(0.41 - 0.004)  # before the law: +0.2 pp
    assert share_at(v, "vocational_share", 2025, law) == pytest.approx(0.40 - 0.03)


def test_junior_cohort_follows_births_beyond_the_entrants(fitted):
    """After the observed entrants have graduated, graduates = births 15 years earlier × the last determined
    ratio, so the births fall reaches the intake pool (2035 vs 2030 = births 2020 vs 2015)."""
    inputs, out = fitted.project(2036)
    at = {int(y): i for i, y in enumerate(inputs.years)}
    junior = out[("driver", "junior_graduates")]
    b = fitted.births
    last = fitted.inputs.fit_until + 3
    ratio = junior[at[last]] / b.at(last - COHORT_LAG)
    for y in (2028, 2030, 2033, 2035):
        assert junior[at[y]] == pytest.approx(b.at(y - COHORT_LAG) * ratio, rel=1e-9)
    assert junior[at[2035]] / junior[at[2030]] == pytest.approx(b.at(2020) / b.at(2015), rel=1e-9)
    sv = out[("secondary_vocational", "enrollment")]
    v = out[("driver", "vocational_share")]
    # the shares are held after 2030, so the 2030→2035 fall of intake is the births fall
    assert v[at[2035]] == v[at[2030]] and sv[at[2035]] / sv[at[2030]] == pytest.approx(12020000 / 16550000, rel=1e-6)


def test_a_projection_restarts_from_the_published_stocks_of_the_cut_off_year(fitted, projection):
    """As a scenario starting the year after the cut-off starts from the published stocks."""
    inputs, out = fitted.project(2030)
    _, plain = projection
    fu = np.flatnonzero(inputs.years == fitted.fit_until)[0]
    for lv, published in (("secondary_vocational", 13392900), ("technical_school", 4450000)):
        assert inputs.restart[lv] == published
        s, e, g, d = (out[(lv, k)] for k in ("in_school", "enrollment", "graduates", "dropouts"))
        assert s[fu + 1] == pytest.approx(published + e[fu + 1] - g[fu + 1] - d[fu + 1], rel=1e-12)
        np.testing.assert_array_equal(s[: fu + 1], plain[(lv, "in_school")][: fu + 1])  # the fit is unchanged
    assert "junior_secondary" not in inputs.restart  # the intake driver comes from the observed entrants


def test_general_track_takes_what_the_vocational_one_gives_up(fitted, projection):
    inputs, out = projection
    j, v = out[("driver", "junior_graduates")], out[("driver", "vocational_share")]
    g = out[("general_senior_secondary", "enrollment")]
    ok = np.isfinite(g)
    np.testing.assert_allclose(g[ok], ((fitted.theta["continuation"] - v) * j)[ok], rtol=1e-12)


def test_overrides_replace_a_driver(fitted, projection):
    inputs, out = projection
    forced = np.full(inputs.years.size, np.nan)
    forced[-1] = 0.5
    alt = run(fitted.theta, inputs.with_overrides(vocational_share=forced))
    assert alt[("driver", "vocational_share")][-1] == 0.5
    j, t = out[("driver", "junior_graduates")][-1], out[("driver", "technical_share")][-1]
    assert alt[("technical_school", "enrollment")][-1] == pytest.approx(j * 0.5 * t)
    np.testing.assert_array_equal(alt[("driver", "vocational_share")][:-1], out[("driver", "vocational_share")][:-1])
    with pytest.raises(ValueError, match="unknown driver"):
        inputs.with_overrides(dropout=forced)
