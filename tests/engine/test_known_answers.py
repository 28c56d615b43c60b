"""Known answers: the engine's building blocks against hand arithmetic and closed forms,
and policy levers that must move an outcome in a known direction."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from pydantic import TypeAdapter

from simulate.agents.cohorts import advance, allocate, joint_training_share
from simulate.agents.enterprises import CERTIFIED, COOPERATING, NONE, Enterprises, surcharge_credit
from simulate.engine import simulate_replication
from simulate.market.labour import DESTINATIONS, match_count, place_graduates, vacancies
from simulate.policy.budget import january_budget
from simulate.scenario.types import DatedPath, SharePath, YuanPath

D = {name: i for i, name in enumerate(DESTINATIONS)}

# -- cohorts.advance ---------------------------------------------------------------


def test_advance_without_dropout_shifts_grades_and_graduates_the_final_grade():
    # 2 schools × 2 majors × 4 grades × 3 tracks; school 0 has 3 grades (final index 2), school 1 has 4
    s = np.zeros((2, 2, 4, 3), np.int64)
    s[0, 0, :3, 0] = [10, 20, 30]
    s[0, 1, :3, 2] = [1, 2, 3]
    s[1, 0, :, 1] = [5, 6, 7, 8]
    s[1, 1, :, 0] = [100, 0, 50, 9]
    before = s.copy()
    step = advance(s, np.array([2, 3]), np.zeros(2), np.random.default_rng(0))
    assert (step.dropouts == 0).all()
    expected_grads = np.zeros((2, 2, 3), np.int64)
    expected_grads[0, 0, 0] = 30
    expected_grads[0, 1, 2] = 3
    expected_grads[1, 0, 1] = 8
    expected_grads[1, 1, 0] = 9
    np.testing.assert_array_equal(step.graduates, expected_grads)
    expected = np.zeros_like(before)
    expected[0, :, 1:3] = before[0, :, 0:2]  # school 0: grades 0,1 → 1,2; grade 3 stays empty
    expected[1, :, 1:4] = before[1, :, 0:3]
    np.testing.assert_array_equal(s, expected)
    assert (s[:, :, 0] == 0).all()  # grade 0 is empty until September


def test_advance_with_certain_dropout_empties_every_grade():
    s = np.zeros((1, 2, 3, 3), np.int64)
    s[0, :, :, :] = np.arange(18).reshape(2, 3, 3)
    total = s.sum()
    step = advance(s, np.array([2]), np.ones(1), np.random.default_rng(0))
    assert s.sum() == 0
    assert step.graduates.sum() == 0
    assert step.dropouts.sum() == total
    np.testing.assert_array_equal(step.dropouts, np.arange(18).reshape(1, 2, 3, 3).sum(axis=2))


@pytest.mark.parametrize("p", [0.05, 0.3])
def test_advance_survival_follows_the_geometric_law(p):
    """One cohort of n, no entrants: after j years n·(1−p)^j remain (binomial thinning is binomial)."""
    n, final = 10_000_000, 4
    s = np.zeros((1, 1, final + 1, 1), np.int64)
    s[0, 0, 0, 0] = n
    rng = np.random.default_rng(12345)
    dropped = 0
    for j in range(1, final + 2):
        step = advance(s, np.array([final]), np.array([p]), rng)
        dropped += int(step.dropouts.sum())
        survivors = int(s.sum()) + int(step.graduates.sum())
        q = (1 - p) ** j
        assert abs(survivors - n * q) <= 6 * math.sqrt(n * q * (1 - q)), j
        assert survivors + dropped == n
        if j <= final:
            assert s[0, 0, j, 0] == survivors and step.graduates.sum() == 0
    assert s.sum() == 0 and step.graduates.sum() == survivors


@settings(max_examples=50, deadline=None)
@given(
    students=hnp.arrays(np.int64, st.tuples(st.integers(1, 4), st.integers(1, 3), st.just(4), st.just(3)),
                        elements=st.integers(0, 1000)),
    data=st.data(),
)
def test_advance_never_creates_or_loses_anyone(students, data):
    n_s = students.shape[0]
    final = np.array(data.draw(st.lists(st.integers(0, 3), min_size=n_s, max_size=n_s)))
    for s in range(n_s):  # grades past a school's final grade are empty
        students[s, :, final[s] + 1:] = 0
    dropout = np.array(data.draw(st.lists(st.floats(0, 1), min_size=n_s, max_size=n_s)))
    total = students.sum()
    step = advance(students, final, dropout, np.random.default_rng(data.draw(st.integers(0, 2**32))))
    assert students.sum() + step.graduates.sum() + step.dropouts.sum() == total
    assert (students >= 0).all() and (step.graduates >= 0).all() and (step.dropouts >= 0).all()
    assert (students[:, :, 0] == 0).all()
    for s in range(n_s):
        assert (students[s, :, final[s] + 1:] == 0).all()


# -- cohorts.allocate -------------------------------------------------------------


@settings(max_examples=100, deadline=None)
@given(
    weights=hnp.arrays(np.int64, hnp.array_shapes(min_dims=1, max_dims=3, max_side=5), elements=st.integers(0, 500)),
    total=st.integers(-10, 5000),
    seed=st.integers(0, 2**32),
)
def test_allocate_respects_capacities_and_places_min_of_total_and_capacity(weights, total, seed):
    out = allocate(total, weights, np.random.default_rng(seed))
    assert out.shape == weights.shape
    assert (out >= 0).all()
    assert (out <= weights).all()
    assert out.sum() == min(max(total, 0), int(weights.sum()))


def test_allocate_is_unbiased_over_cells():
    """Without replacement in proportion to capacity: E[out] = total × w / Σw."""
    w = np.array([1000, 3000, 6000])
    out = np.array([allocate(5000, w, np.random.default_rng(s)) for s in range(200)]).mean(axis=0)
    np.testing.assert_allclose(out, 5000 * w / w.sum(), rtol=0.01)


def test_joint_training_share_by_hand():
    entrants = np.array([[100, 50], [40, 0]])
    seats = np.array([[100.0, 3.7], [1000.0, 1000.0]])
    # lever 0.2: want ⌊20⌋, ⌊10⌋ / ⌊8⌋, 0 → capped by ⌊seats⌋ = 3 in cell (0, 1)
    np.testing.assert_array_equal(joint_training_share(entrants, seats, 0.2, np.zeros(2)), [[20, 3], [8, 0]])
    # school 1 must fill 30 students (minimum classes): need 30 − 8 = 22 more → +⌊40 × 22/40⌋ = 30
    np.testing.assert_array_equal(joint_training_share(entrants, seats, 0.2, np.array([0, 30])), [[20, 3], [30, 0]])
    # never more than the entrants
    np.testing.assert_array_equal(joint_training_share(entrants, seats, 1.0, np.array([500, 500])), [[100, 3], [40, 0]])


# -- labour market ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("u", "v", "expected"),
    [
        (400, 100, 100),  # ⌊0.9·√(400·100)⌋ = 180, capped at V = 100
        (100, 400, 100),  # 180 capped at U = 100
        (36, 100, 36),  # ⌊0.9·6·10⌋ = 54, capped at U = 36
        (90, 100, 85),  # ⌊0.9·√9000⌋ = ⌊85.38⌋ < U, V: the matching function binds
        (0, 100, 0),
        (100, 0, 0),
        (10, 10, 9),  # ⌊0.9·10⌋
    ],
)
def test_match_count_by_hand(u, v, expected):
    assert match_count(np.array([u]), np.array([v]), 0.9, 0.5).tolist() == [expected]


def test_match_count_vectorised_and_other_alpha():
    # α = 0.75: 1 × 16^0.75 × 256^0.25 = 8 × 4 = 32
    np.testing.assert_array_equal(match_count(np.array([16, 400, 36]), np.array([256, 100, 100]), 1.0, 0.75),
                                  [16, 100, 36])
    assert match_count(np.array([16]), np.array([256]), 0.5, 0.75).tolist() == [16]  # 0.5·32 = 16 = U
    assert match_count(np.array([81]), np.array([16]), 0.5, 0.5).tolist() == [16]  # 0.5·36 = 18 → capped V
    assert match_count(np.array([36]), np.array([100]), 0.5, 0.5).tolist() == [30]  # 0.5·6·10, below both caps
    assert match_count(np.array([50]), np.array([50]), 0.37, 0.5).tolist() == [18]  # ⌊18.5⌋


def test_vacancies_by_hand():
    # growth 100 (only positive growth counts) + 5% × 1000 replacement = 150, × 30% = 45
    np.testing.assert_array_equal(vacancies(np.array([1100.0, 900.0]), np.array([1000.0, 1000.0]),
                                            np.array([0.05, 0.05]), 0.3), [45, 15])


def _place(grads, vac, *, joint=(False,), relevance=((1.0,),), progression=None, further=None, retention=1.0,
           outflow_before=0.0, outflow_unmatched=0.0, job_share=0.0, efficiency=1.0, alpha=0.5, seed=0):
    grads = np.asarray(grads, np.int64)
    zeros = np.zeros_like(grads)
    return place_graduates(grads, zeros if progression is None else np.asarray(progression, np.int64),
                           zeros if further is None else np.asarray(further, np.int64), np.array(joint),
                           np.array(relevance, float), np.asarray(vac, np.int64), retention, outflow_before,
                           outflow_unmatched, job_share, efficiency, alpha, np.random.default_rng(seed))


def test_place_graduates_all_matched_when_vacancies_suffice():
    # 1 level × 1 region × 1 major × 1 (regular) track; 100 seekers, 100 vacancies, A = 1 → √(100·100) = 100
    out = _place([[[[100]]]], [100])
    assert out.destinations[:, 0, 0, 0, 0].tolist() == [0, 0, 100, 0, 0, 0]
    assert out.supply.tolist() == [100] and out.matched.tolist() == [100] and out.vacancies.tolist() == [100]


def test_place_graduates_by_hand_with_progression_and_scarce_vacancies():
    # 120 graduates, 10 progress, 10 study further → 100 seekers; V = 25 → ⌊√2500⌋ = 50 → capped at 25
    out = _place([[[[120]]]], [25], progression=[[[[10]]]], further=[[[[10]]]], job_share=1.0)
    assert out.destinations[:, 0, 0, 0, 0].tolist() == [10, 10, 25, 75, 0, 0]
    # the same, but the unmatched stay unemployed / all leave the region
    out = _place([[[[120]]]], [25], progression=[[[[10]]]], further=[[[[10]]]], job_share=0.0)
    assert out.destinations[:, 0, 0, 0, 0].tolist() == [10, 10, 25, 0, 0, 75]
    out = _place([[[[120]]]], [25], progression=[[[[10]]]], further=[[[[10]]]], outflow_unmatched=1.0)
    assert out.destinations[:, 0, 0, 0, 0].tolist() == [10, 10, 25, 0, 75, 0]
    # everyone leaves before searching: nobody is matched although vacancies are open
    out = _place([[[[120]]]], [25], progression=[[[[10]]]], further=[[[[10]]]], outflow_before=1.0)
    assert out.destinations[:, 0, 0, 0, 0].tolist() == [10, 10, 0, 0, 100, 0]
    assert out.matched.tolist() == [0] and out.supply.tolist() == [0]


def test_place_graduates_partner_firms_hire_order_graduates_first():
    # tracks (regular, order): 60 regular + 40 order-class graduates; 50 vacancies; retention 1
    # partner firms hire all 40 → 10 vacancies left for 60 searchers: ⌊√600⌋ = 24 → capped at 10
    out = _place([[[[60, 40]]]], [50], joint=(False, True), outflow_unmatched=1.0)
    d = out.destinations[:, 0, 0, 0, :]
    assert d[:, 0].tolist() == [0, 0, 10, 0, 50, 0]
    assert d[:, 1].tolist() == [0, 0, 40, 0, 0, 0]
    assert out.supply.tolist() == [100] and out.matched.tolist() == [50]
    assert out.shortage.tolist() == [0] and out.surplus.tolist() == [50]


def test_place_graduates_partner_hires_are_capped_by_vacancies():
    # 40 order graduates but only 30 vacancies: 30 retained, the other 10 search (no vacancy left)
    out = _place([[[[0, 40]]]], [30], joint=(False, True), job_share=1.0)
    assert out.destinations[:, 0, 0, 0, 1].tolist() == [0, 0, 30, 10, 0, 0]
    assert out.matched.tolist() == [30] and out.supply.tolist() == [40]


def test_place_graduates_routes_majors_to_their_industries():
    # 2 majors, 2 industries: major 0 → industry 0 only, major 1 → industry 1 only
    # major 0: 50 seekers, V0 = 100 → ⌊√5000⌋ = 70 → capped 50; major 1: 80 seekers, V1 = 20 → 20
    out = _place([[[[50], [80]]]], [100, 20], relevance=((1.0, 0.0), (0.0, 1.0)), job_share=1.0)
    assert out.destinations[:, 0, 0, 0, 0].tolist() == [0, 0, 50, 0, 0, 0]
    assert out.destinations[:, 0, 0, 1, 0].tolist() == [0, 0, 20, 60, 0, 0]
    assert out.supply.tolist() == [50, 80] and out.matched.tolist() == [50, 20]
    assert out.shortage.tolist() == [50, 0] and out.surplus.tolist() == [0, 60]
    assert out.mismatch_by_industry().tolist() == [0.5, 0.75]
    # supply mix (50, 80)/130 vs demand mix (100, 20)/120
    assert out.mismatch_index() == pytest.approx(0.5 * (abs(50 / 130 - 100 / 120) + abs(80 / 130 - 20 / 120)))


# -- budget and credits ---------------------------------------------------------------------


def test_january_budget_by_hand():
    b = january_budget(np.array([100.0, 200.0]), np.array([5000.0, 12000.0]), vat_ct=1_000_000.0, local_rate=0.02,
                       surcharge_rate=0.05, credits=1000.0, vocational_share=0.3)
    np.testing.assert_allclose(b.appropriations, [500_000.0, 2_400_000.0], rtol=1e-15)
    # local surcharge 2% × 1,000,000 = 20,000, less the local part of the credits 1,000 × 2/5 = 400
    assert b.surcharge_revenue == pytest.approx(19_600.0, rel=1e-15)
    # 30% to vocational schools = 5,880, split by students 1 : 2
    np.testing.assert_allclose(b.surcharge_vocational, [1_960.0, 3_920.0], rtol=1e-12)
    assert b.credits_foregone == 1000.0
    np.testing.assert_allclose(b.school_funds, [501_960.0, 2_403_920.0], rtol=1e-12)
    assert b.public_cost == pytest.approx(2_900_000.0 + 5_880.0 + 1_000.0, rel=1e-12)


def test_january_budget_edge_cases():
    # credits larger than the local surcharge: revenue floors at zero
    b = january_budget(np.array([10.0]), np.array([1.0]), 1000.0, 0.02, 0.05, credits=1e6, vocational_share=1.0)
    assert b.surcharge_revenue == 0.0 and b.surcharge_vocational.tolist() == [0.0]
    # no students: nothing to split
    b = january_budget(np.zeros(2), np.array([1.0, 1.0]), 1000.0, 0.02, 0.05, 0.0, 0.5)
    assert b.appropriations.tolist() == [0.0, 0.0] and b.surcharge_vocational.tolist() == [0.0, 0.0]
    assert b.surcharge_revenue == pytest.approx(20.0)


def _firms(state, investment, revenue):
    n = len(state)
    return Enterprises(industry=np.zeros(n, np.int16), subregion=np.zeros(n, np.int8), weight=np.ones(n),
                       employees=np.full(n, 10.0), revenue=np.array(revenue, float), state=np.array(state, np.int8),
                       investment=np.array(investment, float))


def test_surcharge_credit_by_hand():
    # due = 5% × VAT+CT = 0.05 × 0.04 × revenue = 0.002 × revenue
    f = _firms([NONE, COOPERATING, CERTIFIED, CERTIFIED], [1000.0, 1000.0, 1000.0, 100_000.0],
               [1e6, 1e6, 1e6, 1e6])
    # certified firm 2: min(30% × 1,000, 2,000) = 300; certified firm 3: min(30,000, 2,000) = 2,000
    np.testing.assert_allclose(surcharge_credit(f, 0.3, "certified", 0.04, 0.05), [0.0, 0.0, 300.0, 2000.0],
                               rtol=1e-12)
    np.testing.assert_allclose(surcharge_credit(f, 0.3, "cooperating", 0.04, 0.05), [0.0, 300.0, 300.0, 2000.0],
                               rtol=1e-12)
    assert (surcharge_credit(f, 0.0, "cooperating", 0.04, 0.05) == 0).all()


# -- dated paths ----------------------------------------------------------------------------


def test_dated_path_constant():
    p = DatedPath.constant(8000)
    assert [p.at(y) for y in (1990, 2019, 2100)] == [8000.0, 8000.0, 8000.0]


def test_dated_path_steps():
    p = DatedPath("steps", ((2019, 8000.0), (2023, 10000.0), (2026, 9000.0)))
    got = {y: p.at(y) for y in (2010, 2019, 2020, 2022, 2023, 2025, 2026, 2040)}
    assert got == {2010: 8000.0, 2019: 8000.0, 2020: 8000.0, 2022: 8000.0, 2023: 10000.0, 2025: 10000.0,
                   2026: 9000.0, 2040: 9000.0}


def test_dated_path_ramp():
    p = DatedPath("ramp", ((2020, 8000.0), (2025, 12000.0)))
    got = {y: p.at(y) for y in (2015, 2020, 2021, 2022, 2024, 2025, 2030)}
    assert got == pytest.approx({2015: 8000.0, 2020: 8000.0, 2021: 8800.0, 2022: 9600.0, 2024: 11200.0,
                                 2025: 12000.0, 2030: 12000.0}, rel=1e-15)


def test_dated_paths_parse_from_planner_forms():
    yuan = TypeAdapter(YuanPath)
    steps = yuan.validate_python({2023: 10000, 2019: 8000})  # written out of order
    assert steps.kind == "steps" and steps.points == ((2019, 8000.0), (2023, 10000.0))
    assert (steps.at(2018), steps.at(2022), steps.at(2023)) == (8000.0, 8000.0, 10000.0)
    ramp = TypeAdapter(SharePath).validate_python(
        {"ramp": {"from_year": 2020, "from_value": 0.1, "to_year": 2030, "to_value": 0.3}})
    assert ramp.at(2019) == 0.1 and ramp.at(2025) == pytest.approx(0.2) and ramp.at(2031) == 0.3
    assert yuan.validate_python(5000).at(2035) == 5000.0
    with pytest.raises(ValueError):
        TypeAdapter(SharePath).validate_python(1.5)


# -- levers move outcomes in known directions -------------------------------------------------


def _tidy(tidy, sc, seed=3):
    return tidy(simulate_replication(sc, seed).frame, sc.region.name)


def test_apprenticeship_share_raises_joint_entrants_when_seats_are_ample(make_scenario, tidy):
    ample = {"behaviour.enterprises.seats_per_100_staff": 50.0, "region.enterprises.base_participation": 0.5}
    low = _tidy(tidy, make_scenario({**ample, "levers.apprenticeship_share": 0.05}))
    high = _tidy(tidy, make_scenario({**ample, "levers.apprenticeship_share": 0.5}))
    sc = make_scenario(ample)
    y0 = sc.base_year
    # the first September's entrants do not depend on the lever (common random numbers)
    assert low.at("enrollment", y0) == high.at("enrollment", y0) > 0
    assert high.at("joint_entrants", y0) > 5 * low.at("joint_entrants", y0) > 0
    assert (high("joint_entrants") > low("joint_entrants")).all()
    # shares of entrants follow the lever (⌊·⌋ per school-major loses less than one student per cell)
    share = high("apprenticeship_share")
    assert (share <= 0.5).all() and (share > 0.45).all()
    assert (low("apprenticeship_share") <= 0.05).all()


def test_zero_apprenticeship_share_and_minimum_means_no_joint_tracks(make_scenario, tidy):
    t = _tidy(tidy, make_scenario({"levers.apprenticeship_share": 0.0}))
    assert (t("joint_entrants") == 0).all()
    assert (t("order_classes") == 0).all()
    assert (t("in_school", "all", None, "track:order_class") == 0).all()
    assert (t("in_school", "all", None, "track:apprenticeship") == 0).all()


def test_zero_surcharge_credit_rate_means_no_credits_foregone(make_scenario, tidy):
    none = _tidy(tidy, make_scenario({"levers.surcharge_credit.rate": 0.0,
                                      "levers.surcharge_credit.eligibility": "cooperating"}))
    assert (none("credits_foregone", "enterprise") == 0).all()
    some = _tidy(tidy, make_scenario({"levers.surcharge_credit.rate": 0.3,
                                      "levers.surcharge_credit.eligibility": "cooperating"}))
    assert (some("credits_foregone", "enterprise") > 0).all()
    # credits are paid out of the local surcharge: vocational surcharge money falls in the first year
    y0 = make_scenario().base_year
    assert some.at("surcharge_vocational", y0) < none.at("surcharge_vocational", y0)


def test_per_student_funding_scales_first_year_appropriations_exactly(make_scenario, tidy):
    base = _tidy(tidy, make_scenario({"levers.per_student_funding.secondary": 5000.0}))
    more = _tidy(tidy, make_scenario({"levers.per_student_funding.secondary": 7500.0}))
    y0 = make_scenario().base_year
    for lv in ("secondary_vocational", "technical_school"):
        # January appropriations are paid on the base stock, identical in both runs
        assert more.at("appropriations", y0, lv) == pytest.approx(1.5 * base.at("appropriations", y0, lv), rel=1e-12)
        assert base.at("appropriations", y0, lv) == pytest.approx(5000.0 * base.at("in_school", y0 - 1, lv),
                                                                  rel=1e-12)
        assert more.at("per_student_funding", y0, lv) == pytest.approx(7500.0, rel=1e-12)
    for lv in ("higher_vocational", "vocational_undergraduate"):
        assert more.at("appropriations", y0, lv) == base.at("appropriations", y0, lv)
        assert base.at("per_student_funding", y0, lv) == pytest.approx(12000.0, rel=1e-12)


def test_funding_path_steps_take_effect_in_their_year(make_scenario, tidy):
    sc = make_scenario()
    y0 = sc.base_year
    t = _tidy(tidy, make_scenario({"levers.per_student_funding.higher": {y0: 12000.0, y0 + 2: 15000.0}}))
    psf = t("per_student_funding", "higher_vocational")
    assert psf[y0] == pytest.approx(12000.0) and psf[y0 + 1] == pytest.approx(12000.0)
    np.testing.assert_allclose(psf.loc[y0 + 2:].to_numpy(), 15000.0, rtol=1e-12)


def test_practice_posts_rate_equals_the_post_rate_lever(make_scenario, tidy):
    """Posts are offered in July as post_rate × the staff of firms participating then.

    Regression: the rate was once divided by December's (next year's) participating staff.
    """
    y0 = make_scenario().base_year
    path = {y0: 0.005, y0 + 3: 0.02}
    t = _tidy(tidy, make_scenario({"levers.teacher_practice.post_rate": path,
                                   "region.enterprises.base_participation": 0.2}))
    rate = t("practice_posts_rate", "enterprise")
    expected = np.where(rate.index < y0 + 3, 0.005, 0.02)
    np.testing.assert_allclose(rate.to_numpy(), expected, rtol=1e-9)
    # placements never exceed the posts offered
    assert (t("teachers_placed_in_practice") <= np.floor(t("practice_posts", "enterprise"))).all()


COH = "behaviour.cohorts."


def _destination_shares(t, level):
    grads = t("graduates", level).sum()
    assert grads > 5000
    return t("progression", level).sum() / grads, t("further_study", level).sum() / grads


def test_progression_and_further_study_follow_their_rates(make_scenario, tidy):
    """With seats to spare at the next level, shares of graduates match the rates (binomial noise only)."""
    t = _tidy(tidy, make_scenario({COH + "progression_rate.secondary_vocational": 0.3,
                                   COH + "further_study_rate.secondary_vocational": 0.2}))
    prog, further = _destination_shares(t, "secondary_vocational")
    assert prog == pytest.approx(0.3, abs=0.015)
    assert further == pytest.approx(0.2, abs=0.015)
    # everyone admitted to the next level enrols there: higher-vocational entrants include them
    assert (t("enrollment", "higher_vocational") >= t("progression", "secondary_vocational")
            + t("progression", "technical_school")).all()


def test_progression_and_further_study_summing_to_one_is_simulated(make_scenario, tidy):
    """Regression: 0.1 / (1 − 0.9) = 1.0000000000000002 once made numpy's binomial raise in graduate_july."""
    t = _tidy(tidy, make_scenario({COH + "progression_rate.secondary_vocational": 0.9,
                                   COH + "further_study_rate.secondary_vocational": 0.1}))
    prog, further = _destination_shares(t, "secondary_vocational")
    assert prog == pytest.approx(0.9, abs=0.02) and further == pytest.approx(0.1, abs=0.02)


@pytest.mark.parametrize("case", ["progression capped by the next level's plan", "undergraduate progression rate"])
def test_further_study_rate_holds_whatever_happens_to_progression(make_scenario, tidy, case):
    """Applicants turned away by the next level look for work; further study keeps its own rate.

    Regression: further study was once drawn at further_rate / (1 − progression_rate) among everyone
    not admitted, giving 0.50 instead of 0.10 with a full plan and 0.38 instead of 0.20 for undergraduates.
    """
    if case.startswith("progression capped"):
        level, rates = "secondary_vocational", (0.8, 0.1)
        extra = {"region.levels.higher_vocational.in_school": 3000}  # a tiny higher-vocational plan
    else:
        level, rates = "vocational_undergraduate", (0.5, 0.2)
        extra = {"region.levels.vocational_undergraduate.in_school": 500_000}  # enough graduates for precision
    t = _tidy(tidy, make_scenario({COH + f"progression_rate.{level}": rates[0],
                                   COH + f"further_study_rate.{level}": rates[1], **extra}))
    _, further = _destination_shares(t, level)
    assert further == pytest.approx(rates[1], abs=0.02)


def test_certain_dropout_empties_a_level(make_scenario, tidy):
    """Dropout 1 at a level: every student there leaves each July; only September's entrants remain."""
    sc = make_scenario({"behaviour.cohorts.dropout_rate.technical_school": 1.0})
    t = _tidy(tidy, sc)
    lv = "technical_school"
    assert (t("graduates", lv) == 0).all()
    pd_years = t("in_school", lv).index[1:]
    for y in pd_years:
        assert t.at("dropouts", y, lv) == t.at("in_school", y - 1, lv)
        assert t.at("in_school", y, lv) == t.at("enrollment", y, lv)
