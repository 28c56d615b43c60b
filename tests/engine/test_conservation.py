"""Accounting identities of the engine, as properties over generated valid scenarios.

Every example varies levers, behavioural shares and the seed of the small
scenario (conftest), runs one replication and checks, for every year, that
people are neither created nor lost, that graduates go to exactly one
destination, that each filled vacancy has one graduate, that teachers are
accounted for, and that breakdown rows add up to their totals.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from simulate.engine import simulate_replication
from simulate.market.labour import DESTINATIONS
from simulate.results.indicators import INDICATORS
from simulate.scenario.schema import LEVELS
from simulate.world import build_world

PROPERTY = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])

shares = st.floats(0.0, 1.0, allow_subnormal=False)
small_shares = st.floats(0.0, 0.3, allow_subnormal=False)


@st.composite
def progression_pair(draw):
    """(progression_rate, further_study_rate) with a sum ≤ 1 (the schema's rule).

    Decimal pairs such as (0.9, 0.1) sum to exactly 1 while 0.1 / (1 − 0.9) > 1 in floating point
    (this once crashed graduate_july).
    """
    if draw(st.booleans()):
        i = draw(st.integers(0, 100))
        j = draw(st.one_of(st.just(100 - i), st.integers(0, 100 - i)))
        p, f = i / 100, j / 100
    else:
        p = draw(st.one_of(st.just(0.0), st.just(1.0), shares))
        f = draw(st.one_of(st.just(0.0), shares.map(lambda u: u * (1.0 - p))))
    assume(p + f <= 1.0)
    return p, f


@st.composite
def scenario_updates(draw) -> dict:
    """Dotted-path updates of the small scenario: levers, behavioural shares (all valid)."""
    u: dict = {
        "levers.apprenticeship_share": draw(shares),
        "levers.per_student_funding.secondary": draw(st.floats(0.0, 30_000.0, allow_subnormal=False)),
        "levers.per_student_funding.higher": draw(st.floats(0.0, 40_000.0, allow_subnormal=False)),
        "levers.surcharge_credit.rate": draw(shares),
        "levers.surcharge_credit.eligibility": draw(st.sampled_from(["certified", "cooperating"])),
        "levers.enrollment_adjustment.responsiveness": draw(shares),
        "levers.enrollment_adjustment.max_change": draw(shares),
        "levers.teacher_practice.enforcement": draw(shares),
        "levers.teacher_practice.post_rate": draw(st.one_of(small_shares, shares)),
        "levers.part_time_target": draw(shares),
        "levers.bases_per_major_target": draw(st.floats(0.0, 10.0, allow_subnormal=False)),
        "levers.order_class_minimum.A": draw(st.integers(0, 8)),
        "levers.order_class_minimum.B": draw(st.integers(0, 5)),
        "levers.order_class_minimum.other": draw(st.integers(0, 3)),
        "behaviour.labour.order_retention": draw(shares),
        "behaviour.labour.outflow_before_search": draw(shares),
        "behaviour.labour.outflow_unmatched": draw(shares),
        "behaviour.labour.unmatched_job_share": draw(shares),
        "behaviour.labour.matching_efficiency": draw(st.floats(0.05, 5.0, allow_subnormal=False)),
        "behaviour.enterprises.seats_per_100_staff": draw(st.floats(0.0, 50.0, allow_subnormal=False)),
        "region.enterprises.base_participation": draw(st.floats(0.0, 0.5, allow_subnormal=False)),
        "region.finance.funding_dispersion": draw(st.floats(0.0, 1.0, allow_subnormal=False)),
        "behaviour.labour.apprenticeship_retention": draw(shares),
        "behaviour.labour.second_search_share": draw(shares),
        "behaviour.labour.joint_outflow_factor": draw(shares),
        "behaviour.cohorts.dropout_joint_factor": draw(shares),
        "behaviour.enterprises.post_compliance_other": draw(shares),
        "behaviour.institutions.own_base_share": draw(shares),
        "behaviour.teachers.attrition_rate": draw(small_shares),
    }
    for lv in LEVELS:
        u[f"behaviour.cohorts.dropout_rate.{lv}"] = draw(st.one_of(small_shares, shares))
        p, f = draw(progression_pair())
        u[f"behaviour.cohorts.progression_rate.{lv}"] = p
        u[f"behaviour.cohorts.further_study_rate.{lv}"] = f
    return u


seeds = st.integers(0, 2**32 - 1)


def run(make_scenario, tidy, updates: dict, seed: int):
    sc = make_scenario(updates)
    rep = simulate_replication(sc, seed)
    return sc, rep, tidy(rep.frame, sc.region.name)


# -- people --------------------------------------------------------------------


@PROPERTY
@given(updates=scenario_updates(), seed=seeds)
def test_people_are_conserved_per_level_and_system_wide(make_scenario, tidy, updates, seed):
    sc, _, t = run(make_scenario, tidy, updates, seed)
    years = range(sc.base_year, sc.horizon + 1)
    assert list(t("in_school").index) == [sc.base_year - 1, *years]
    for region in [r.name for r in sc.region.subregions] + [sc.region.name]:
        for lv in LEVELS:
            stock = t("in_school", lv, region)
            enr, grad, drop = (t(name, lv, region) for name in ("enrollment", "graduates", "dropouts"))
            for y in years:
                assert stock[y] == stock[y - 1] + enr[y] - grad[y] - drop[y], (region, lv, y)
    total = sum(t("in_school", lv) for lv in LEVELS)
    ext, drop = t("external_entrants"), t("dropouts")
    grad, prog = t("graduates"), t("progression")
    for y in years:
        leaving = grad[y] - prog[y]
        assert total[y] == total[y - 1] + ext[y] - drop[y] - leaving, y
        # and the level='all' rows agree with the sum over levels
        assert t.at("in_school", y) == total[y]


@PROPERTY
@given(updates=scenario_updates(), seed=seeds)
def test_graduate_destinations_partition_graduates(make_scenario, tidy, updates, seed):
    sc, rep, t = run(make_scenario, tidy, updates, seed)
    dims = [f"destination:{d}" for d in DESTINATIONS]
    assert t.dimensions("graduate_destinations", "destination:") == sorted(dims)
    for region in [r.name for r in sc.region.subregions] + [sc.region.name]:
        for lv in [*LEVELS, "all"]:
            grads = t("graduates", lv, region)
            dest = sum(t("graduate_destinations", lv, region, d) for d in dims)
            pd.testing.assert_series_equal(dest, grads, check_names=False)
            # the named destination indicators are the same numbers
            for name in ("progression", "further_study", "outflow", "unemployed"):
                pd.testing.assert_series_equal(t(name, lv, region), t("graduate_destinations", lv, region,
                                                                      f"destination:{name}"), check_names=False)
    # vocational undergraduates have no modelled next level; progression never exceeds graduates
    assert (t("progression", "vocational_undergraduate") == 0).all()
    # the horizon's market object carries the same partition, cell by cell (level × sub-region × major × track)
    w = rep.world
    dest = w.market.destinations
    assert (dest >= 0).all()
    n_r = len(sc.region.subregions)
    graduates = w.flows.graduation.graduates
    cells = np.zeros((len(LEVELS) * n_r, *graduates.shape[1:]), np.int64)
    np.add.at(cells, w.schools.level.astype(np.int64) * n_r + w.schools.subregion, graduates)
    np.testing.assert_array_equal(dest.sum(axis=0), cells.reshape(dest.shape[1:]))


@PROPERTY
@given(updates=scenario_updates(), seed=seeds)
def test_no_negative_values_and_shares_in_unit_interval(make_scenario, tidy, updates, seed):
    _, _, t = run(make_scenario, tidy, updates, seed)
    f = t.frame
    kind = f.indicator.map(lambda i: INDICATORS[i].kind)
    unit = f.indicator.map(lambda i: INDICATORS[i].unit)
    v = f.value
    # only ratios may be NaN (zero denominator); stocks and flows are always numbers
    assert not v[kind != "ratio"].isna().any(), f[(kind != "ratio") & v.isna()].indicator.unique()
    assert np.isfinite(v.dropna()).all()
    neg = f[v < 0]
    assert neg.empty, neg.head(10)
    share = f[(unit == "share") & v.notna()]
    # part_time_share is a head-count ratio (part-time / full-time specialty teachers), not a share
    share = share[share.indicator != "part_time_share"]
    over = share[share.value > 1.0 + 1e-12]
    assert over.empty, over.head(10)
    # counts of persons are whole numbers (employees are weighted enterprise records, hence fractional)
    persons = f[(unit == "persons") & (kind != "ratio") & (f.indicator != "employees")]
    assert (persons.value == np.round(persons.value)).all()


@PROPERTY
@given(updates=scenario_updates(), seed=seeds)
def test_every_filled_vacancy_has_one_graduate(make_scenario, tidy, updates, seed):
    sc, _, t = run(make_scenario, tidy, updates, seed)
    ind = [f"industry:{i.id}" for i in sc.region.industries]
    demand = pd.concat([t("demand", "enterprise", None, d) for d in ind], axis=1)
    supply = pd.concat([t("supply", "enterprise", None, d) for d in ind], axis=1)
    matched = pd.concat([t("matched", "enterprise", None, d) for d in ind], axis=1)
    assert (matched.to_numpy() <= demand.to_numpy()).all()
    # graduates trained for an industry who found no job in it: between none and all of them
    surplus = pd.concat([t("surplus", "enterprise", None, d) for d in ind], axis=1)
    assert (surplus.to_numpy() >= 0).all() and (surplus.to_numpy() <= supply.to_numpy()).all()
    # Σ industries matched == graduates whose destination is a matched job (all levels, province)
    pd.testing.assert_series_equal(matched.sum(axis=1), t("graduate_destinations", "all", None,
                                                          "destination:matched"), check_names=False)
    # the province totals are the sums over industries, and shortage/surplus are the gaps
    for name, by_ind in (("demand", demand), ("supply", supply), ("matched", matched)):
        pd.testing.assert_series_equal(t(name, "enterprise"), by_ind.sum(axis=1), check_names=False)
    pd.testing.assert_series_equal(t("shortage", "enterprise"), t("demand", "enterprise") - t("matched", "enterprise"),
                                   check_names=False)
    pd.testing.assert_series_equal(t("surplus", "enterprise"), surplus.sum(axis=1), check_names=False)


@PROPERTY
@given(updates=scenario_updates(), seed=seeds)
def test_teachers_are_accounted_for(make_scenario, tidy, updates, seed):
    sc, rep, t = run(make_scenario, tidy, updates, seed)
    initial = int(build_world(sc, seed).teachers.active.sum())
    hired, engaged, left = t("teachers_hired"), t("teachers_engaged_part_time"), t("teachers_left")
    active = int(rep.world.teachers.active.sum())
    assert active == initial + hired.sum() + engaged.sum() - left.sum()
    # year by year, from the recorded stocks (full-time + part-time = every active teacher)
    stock = t("fulltime_teachers") + t("part_time_teachers")
    previous = initial
    for y in range(sc.base_year, sc.horizon + 1):
        assert stock[y] == previous + hired[y] + engaged[y] - left[y], y
        previous = stock[y]
    assert stock[sc.horizon] == active
    # the recorded sub-stocks are nested
    assert (t("dual_qualified_teachers") <= t("professional_teachers")).all()
    assert (t("professional_teachers") <= t("fulltime_teachers")).all()
    assert (t("teachers_placed_in_practice") <= np.floor(t("practice_posts", "enterprise"))).all()


# -- breakdowns add up ------------------------------------------------------------------


def _additive(f: pd.DataFrame) -> pd.DataFrame:
    """Rows of stock and flow indicators (ratios are not additive)."""
    return f[f.indicator.map(lambda i: INDICATORS[i].kind) != "ratio"]


def _assert_parts_sum(parts: pd.DataFrame, total: pd.Series, what: str) -> None:
    s = parts.sum(axis=1)
    whole = total.to_numpy()
    integral = np.all(whole == np.round(whole)) and np.all(parts.to_numpy() == np.round(parts.to_numpy()))
    # counts add up exactly; money and weighted enterprise sums up to float rounding
    bad = ~np.isclose(s.to_numpy(), whole, rtol=0 if integral else 1e-12, atol=0 if integral else 1e-9)
    assert not bad.any(), f"{what}: parts do not sum to the total at\n{total[bad].to_frame('total').assign(sum=s[bad])}"


def check_subregions_sum_to_province(t, sc, skip=()) -> None:
    f = _additive(t.frame)
    f = f[~f.indicator.isin(skip)]
    p = f.pivot_table(index=["indicator", "level", "dimension", "year"], columns="region", values="value",
                      aggfunc="sum", observed=True)
    subs = [r.name for r in sc.region.subregions]
    has_parts = p[subs].notna().all(axis=1)
    p = p[has_parts]
    assert len(p) > 0
    # every indicator with sub-region rows: stocks, flows, and the enterprise vectors
    assert {"in_school", "enrollment", "graduates", "dropouts", "employees", "participating_enterprises"} <= set(
        p.index.get_level_values("indicator"))
    _assert_parts_sum(p[subs], p[sc.region.name], "sub-regions → province")


def check_levels_sum_to_all(t, skip=()) -> None:
    f = _additive(t.frame)
    f = f[~f.indicator.isin(skip) & f.level.isin([*LEVELS, "all"])]
    p = f.pivot_table(index=["indicator", "region", "dimension", "year"], columns="level", values="value",
                      aggfunc="sum", observed=True)
    p = p[p[list(LEVELS)].notna().all(axis=1)]
    assert len(p) > 0
    _assert_parts_sum(p[list(LEVELS)], p["all"], "levels → all")


@PROPERTY
@given(updates=scenario_updates(), seed=seeds)
def test_breakdowns_sum_to_totals(make_scenario, tidy, updates, seed):
    sc, _, t = run(make_scenario, tidy, updates, seed)
    majors = [f"major:{m.id}" for m in sc.region.majors]
    tracks = ("track:regular", "track:order_class", "track:apprenticeship")
    for region in [r.name for r in sc.region.subregions] + [sc.region.name]:
        for lv in [*LEVELS, "all"]:
            total = t("in_school", lv, region).drop(sc.base_year - 1)
            by_major = sum(t("in_school", lv, region, m) for m in majors)
            by_track = sum(t("in_school", lv, region, x) for x in tracks)
            pd.testing.assert_series_equal(by_major, total, check_names=False)
            pd.testing.assert_series_equal(by_track, total, check_names=False)
            for flow in ("enrollment", "graduates"):
                pd.testing.assert_series_equal(sum(t(flow, lv, region, m) for m in majors), t(flow, lv, region),
                                               check_names=False)
            # joint-track entrants are a part of enrollment; order-trained graduates a part of graduates
            assert (t("joint_entrants", lv, region) <= t("enrollment", lv, region)).all()
            assert (t("order_trained", lv, region) <= t("graduates", lv, region)).all()
    check_subregions_sum_to_province(t, sc)
    check_levels_sum_to_all(t)


def test_breakdowns_sum_to_totals_on_the_baseline(baseline, tidy):
    sc = baseline.scenario
    t = tidy(simulate_replication(sc, 7).frame, sc.region.name)
    check_subregions_sum_to_province(t, sc)
    check_levels_sum_to_all(t)


def test_consortia_rows_sum_to_their_parts(baseline, tidy):
    """Regression: consortia were once ceil(members / size) of the totals, so rows did not add up."""
    sc = baseline.scenario
    t = tidy(simulate_replication(sc, 1).frame, sc.region.name)
    subs = [r.name for r in sc.region.subregions]
    for lv in [*LEVELS, "all"]:
        pd.testing.assert_series_equal(sum(t("consortia", lv, r) for r in subs), t("consortia", lv),
                                       check_names=False)
    pd.testing.assert_series_equal(sum(t("consortia", lv) for lv in LEVELS), t("consortia"), check_names=False)
