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

from simulate.agents.cohorts import advance, allocate
from simulate.agents.enterprises import CERTIFIED, COOPERATING, NONE, Enterprises
from simulate.alloc import fill, largest_remainder
from simulate.engine import simulate_replication
from simulate.market.labour import DESTINATIONS, MatchingParams, match_count, place_graduates, vacancies
from simulate.policy import apprenticeship, funding, surcharge_credit, surcharge_share
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


def test_sought_places_by_hand():
    entrants = np.array([[100, 50], [40, 0]])
    # share 0.2: 20, 10 / 8, 0; 0.25: 25, 12.5 → 12 (round half to even) / 10, 0
    np.testing.assert_array_equal(apprenticeship.sought_places(entrants, 0.2, np.zeros(2)), [[20, 10], [8, 0]])
    np.testing.assert_array_equal(apprenticeship.sought_places(entrants, 0.25, np.zeros(2)), [[25, 12], [10, 0]])
    # school 1 must fill 30 places (minimum classes): 30 − 8 = 22 more, ⌈40 × 22/40⌉ → 30
    np.testing.assert_array_equal(apprenticeship.sought_places(entrants, 0.2, np.array([0, 30])), [[20, 10], [30, 0]])
    # never more than the entrants
    np.testing.assert_array_equal(apprenticeship.sought_places(entrants, 1.0, np.array([500, 500])),
                                  [[100, 50], [40, 0]])


def test_joint_places_share_seats_in_proportion_to_what_schools_sought():
    # 3 schools in one sub-region, 1 major → 1 industry; seats 30 for 60 sought (20, 30, 10)
    entrants = np.array([[100], [100], [100]])
    sought = np.array([[20], [30], [10]])
    jt = apprenticeship.place(entrants, sought, np.array([[30.0]]), np.array([[1.0]]), np.zeros(3, np.int8))
    np.testing.assert_array_equal(jt.joint, [[10], [15], [5]])
    np.testing.assert_array_equal(jt.short, [[10], [15], [5]])
    assert jt.usage.tolist() == [1.0]
    # seats to spare: everyone gets what they sought, usage below one
    jt = apprenticeship.place(entrants, sought, np.array([[120.0]]), np.array([[1.0]]), np.zeros(3, np.int8))
    np.testing.assert_array_equal(jt.joint, sought)
    assert jt.usage.tolist() == [0.5]


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_fill_never_exceeds_wants_and_gives_each_group_its_capacity(data):
    n = data.draw(st.integers(1, 40))
    g = data.draw(st.integers(1, 5))
    group = np.array(data.draw(st.lists(st.integers(0, g - 1), min_size=n, max_size=n)))
    wants = np.array(data.draw(st.lists(st.integers(0, 200), min_size=n, max_size=n)))
    cap = np.array(data.draw(st.lists(st.floats(0, 5000), min_size=g, max_size=g)))
    out = fill(cap, wants, group)
    assert (out >= 0).all() and (out <= wants).all()
    for k in range(g):
        assert out[group == k].sum() == min(int(np.floor(cap[k] + 1e-9)), wants[group == k].sum())


def test_fill_and_largest_remainder_by_hand():
    np.testing.assert_array_equal(fill(np.array([10.0]), np.array([4, 4, 4]), np.zeros(3, int)), [4, 3, 3])
    np.testing.assert_array_equal(fill(np.array([3.0, 100.0]), np.array([2, 2, 5]), np.array([0, 0, 1])), [2, 1, 5])
    # equal remainders go to the earlier cells; a cell that wants nothing, between them, gets nothing
    np.testing.assert_array_equal(fill(np.array([2.0, 5.0]), np.array([1, 0, 1, 1, 2]), np.array([0, 0, 0, 0, 1])),
                                  [1, 0, 1, 0, 2])
    np.testing.assert_array_equal(largest_remainder(np.array([10, 7]), np.array([[1.0, 1.0, 1.0], [0.5, 0.25, 0.25]])),
                                  [[4, 3, 3], [3, 2, 2]])  # 3.5, 1.75, 1.75: the .75s get the two left


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
           outflow_before=0.0, outflow_unmatched=0.0, job_share=0.0, efficiency=1.0, alpha=0.5, second=0.0,
           joint_outflow=1.0, quality=1.0, seed=0):
    grads = np.asarray(grads, np.int64)
    zeros = np.zeros_like(grads)
    p = MatchingParams(retention=np.where(np.array(joint), retention, 0.0), outflow_before=outflow_before,
                       joint_outflow_factor=joint_outflow, outflow_unmatched=outflow_unmatched,
                       unmatched_job_share=job_share, efficiency=efficiency, alpha=alpha, second_search=second)
    return place_graduates(grads, zeros if progression is None else np.asarray(progression, np.int64),
                           zeros if further is None else np.asarray(further, np.int64), np.array(relevance, float),
                           np.asarray(vac, np.int64), np.asarray(quality, float), p, np.random.default_rng(seed))


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
    # |supply − demand| / demand: |50 − 100| / 100 and |80 − 20| / 20
    assert out.mismatch_by_industry().tolist() == [0.5, 3.0]
    # supply mix (50, 80)/130 vs demand mix (100, 20)/120
    assert out.mismatch_index() == pytest.approx(0.5 * (abs(50 / 130 - 100 / 120) + abs(80 / 130 - 20 / 120)))


# -- funding, surcharge and credits --------------------------------------------------------


def test_surcharge_collected_net_of_credits_and_shared_by_students():
    sur = surcharge_share.collect(vat_ct=1_000_000.0, local_rate=0.02, surcharge_rate=0.05, credits=1000.0,
                                  share=0.3, in_school=np.array([100.0, 200.0]))
    # local surcharge 2% × 1,000,000 = 20,000, less the local part of the credits 1,000 × 2/5 = 400
    assert sur.collected == pytest.approx(19_600.0, rel=1e-15)
    np.testing.assert_allclose(sur.to_schools, [1_960.0, 3_920.0], rtol=1e-12)  # 30%, split 1 : 2
    assert sur.spent_on_vocational == pytest.approx(5_880.0)
    # credits larger than the local surcharge: nothing collected; no students: nothing paid
    assert surcharge_share.collect(1000.0, 0.02, 0.05, 1e6, 1.0, np.array([10.0])).collected == 0.0
    assert surcharge_share.collect(1000.0, 0.02, 0.05, 0.0, 0.5, np.zeros(2)).to_schools.tolist() == [0.0, 0.0]


def _needs(**kw):
    base = {k: np.zeros(2) for k in ("committed", "operations", "hiring", "practice", "certification", "part_time",
                                     "bases")}
    base.update({k: np.asarray(v, float) for k, v in kw.items()})
    return funding.SchoolNeeds(**base)


def test_money_after_committed_spending_is_shared_in_proportion_to_needs():
    # school 0: income 1,000; committed 400; needs 800 + 200 = 1,000 → 60% of every need
    # school 1: income 2,000; committed 400; needs 1,000 → every need met, 600 more for operations
    needs = _needs(committed=[400, 400], operations=[800, 800], practice=[200, 200])
    share, ratio = funding.share_money(np.array([1000.0, 2000.0]), needs)
    np.testing.assert_allclose(share, [0.6, 1.0])
    np.testing.assert_allclose(ratio, [0.6, (800 + 600) / 800])
    # committed spending above income: nothing shared
    share, ratio = funding.share_money(np.array([300.0, 400.0]), needs)
    np.testing.assert_allclose(share, [0.0, 0.0])
    np.testing.assert_allclose(ratio, [0.0, 0.0])


def test_funding_floor_only_lifts_schools_paid_below_it(make_scenario):
    sc = make_scenario({"levers.per_student_funding.secondary": 10000.0})
    level = np.array([0, 1, 2, 3])
    np.testing.assert_array_equal(funding.floors(sc, 2020, level), [10000.0, 10000.0, 12000.0, 12000.0])
    paid = np.maximum(np.array([8000.0, 15000.0, 11000.0, 20000.0]), funding.floors(sc, 2020, level))
    np.testing.assert_array_equal(paid, [10000.0, 15000.0, 12000.0, 20000.0])
    assert funding.resource_multiplier(np.array([0.0, 1.0, 9.0]), 0.5).tolist() == pytest.approx(
        [0.25 ** 0.5, 1.0, 2.0 ** 0.5])


def _firms(state, investment, revenue, employees=10.0):
    n = len(state)
    return Enterprises(industry=np.zeros(n, np.int16), subregion=np.zeros(n, np.int8), weight=np.ones(n),
                       employees=np.full(n, employees), revenue=np.array(revenue, float),
                       state=np.array(state, np.int8), investment=np.array(investment, float))


def test_surcharge_credit_by_hand(make_scenario):
    # due = 5% × VAT+CT = 0.05 × 0.04 × revenue = 0.002 × revenue = 2,000 for revenue 1e6
    f = _firms([NONE, COOPERATING, CERTIFIED, CERTIFIED], [1000.0, 1000.0, 1000.0, 100_000.0], [1e6] * 4)
    cert = make_scenario({"levers.surcharge_credit.rate": 0.3, "levers.surcharge_credit.eligibility": "certified",
                          "region.enterprises.vat_ct_share_of_revenue": 0.04})
    coop = make_scenario({"levers.surcharge_credit.rate": 0.3, "levers.surcharge_credit.eligibility": "cooperating",
                          "region.enterprises.vat_ct_share_of_revenue": 0.04})
    # certified firm 2: min(30% × 1,000, 2,000) = 300; certified firm 3: min(30,000, 2,000) = 2,000
    np.testing.assert_allclose(surcharge_credit.credits(f, cert, 2020), [0.0, 0.0, 300.0, 2000.0], rtol=1e-12)
    np.testing.assert_allclose(surcharge_credit.credits(f, coop, 2020), [0.0, 300.0, 300.0, 2000.0], rtol=1e-12)
    none = make_scenario({"levers.surcharge_credit.rate": 0.0, "levers.surcharge_credit.eligibility": "cooperating"})
    assert (surcharge_credit.credits(f, none, 2020) == 0).all()


def test_investment_responds_to_the_credit_until_the_cap(make_scenario):
    """investment = base × (1 − s)^−η for eligible firms, never beyond what the surcharge due makes worth it."""
    sc = make_scenario({"levers.surcharge_credit.rate": 0.3, "levers.surcharge_credit.eligibility": "cooperating",
                        "behaviour.enterprises.investment_per_employee": 500.0,
                        "behaviour.enterprises.investment_credit_elasticity": 1.0,
                        "region.enterprises.vat_ct_share_of_revenue": 0.04})
    # 10 staff: base 5,000; uncapped 5,000 / 0.7 = 7,142.9; revenue 1e7 → due 20,000 → no cap
    f = _firms([COOPERATING], [0.0], [1e7])
    assert surcharge_credit.investment(f, sc, 2020)[0] == pytest.approx(5000 / 0.7)
    # revenue 5e6 → due 10,000 → 30% of 7,142.9 = 2,143 < 10,000: still uncapped; revenue 3e6 → due 6,000:
    # the credit stops paying at 6,000 / 0.3 = 20,000 > 7,143 → uncapped; revenue 5e5 → due 1,000 → cap 3,333 < base
    f = _firms([COOPERATING], [0.0], [5e5])
    assert surcharge_credit.investment(f, sc, 2020)[0] == pytest.approx(5000.0)
    no_credit = make_scenario({"levers.surcharge_credit.rate": 0.0})
    assert surcharge_credit.investment(_firms([COOPERATING], [0.0], [1e7]), no_credit, 2020)[0] == pytest.approx(5000)


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
    # shares of entrants follow the lever (rounding per school-major moves less than one student per cell)
    share = high("apprenticeship_share")
    assert (abs(share - 0.5) < 0.01).all()
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
    y0 = make_scenario().base_year
    # January of the base year credits the year before under the status-quo rules (certified firms only,
    # none among this small world's records); from the next January every cooperating firm claims
    assert (some("credits_foregone", "enterprise").loc[y0 + 1:] > 0).all()
    # credits are paid out of the local surcharge: vocational surcharge money falls in the first year
    assert some.at("surcharge_vocational", y0 + 1) < none.at("surcharge_vocational", y0 + 1)


def test_a_funding_floor_above_every_school_sets_appropriations_exactly(make_scenario, tidy):
    """With a floor above every school's own level, each is paid the floor × its students in January."""
    sc = make_scenario({"levers.per_student_funding.secondary": 50000.0})
    t = _tidy(tidy, sc)
    y0 = sc.base_year
    for lv in ("secondary_vocational", "technical_school"):
        assert t.at("appropriations", y0, lv) == pytest.approx(50000.0 * t.at("in_school", y0 - 1, lv), rel=1e-12)
        assert t.at("per_student_funding", y0, lv) == pytest.approx(50000.0, rel=1e-12)
        assert t.at("per_student_funding_min", y0, lv) == pytest.approx(50000.0, rel=1e-12)
    low = _tidy(tidy, make_scenario({"levers.per_student_funding.secondary": 0.0}))
    # a floor below every school leaves each at its own level
    assert low.at("per_student_funding_min", y0, "secondary_vocational") > 0
    assert low.at("appropriations", y0, "higher_vocational") == t.at("appropriations", y0, "higher_vocational")


def test_funding_path_steps_take_effect_in_their_year(make_scenario, tidy):
    sc = make_scenario()
    y0 = sc.base_year
    t = _tidy(tidy, make_scenario({"levers.per_student_funding.higher": {y0: 12000.0, y0 + 2: 15000.0},
                                   "region.finance.funding_level.higher_vocational": 13000.0,
                                   "region.finance.funding_dispersion": 0.05}))
    psf = t("per_student_funding_min", "higher_vocational")
    assert psf[y0] >= 12000.0 and psf[y0 + 1] >= 12000.0
    assert psf[y0] < 15000.0
    np.testing.assert_allclose(psf.loc[y0 + 2:].to_numpy(), 15000.0, rtol=1e-12)


def test_practice_posts_follow_the_post_rate_lever_and_firms_compliance(make_scenario, tidy):
    """Posts = post_rate × staff of large and medium firms × their compliance, offered in July.

    With every covered firm complying fully the rate indicator equals the lever; with no compliance and no
    public posts there are none, whatever the lever asks.
    """
    y0 = make_scenario().base_year
    path = {y0: 0.005, y0 + 3: 0.02}
    full = {"levers.teacher_practice.post_rate": path, "behaviour.enterprises.post_compliance_participating": 1.0,
            "behaviour.enterprises.post_compliance_other": 1.0}
    t = _tidy(tidy, make_scenario(full))
    rate = t("practice_posts_rate", "enterprise")
    np.testing.assert_allclose(rate.to_numpy(), np.where(rate.index < y0 + 3, 0.005, 0.02), rtol=1e-9)
    assert (t("teachers_placed_in_practice") <= np.floor(t("practice_posts", "enterprise"))).all()
    none = _tidy(tidy, make_scenario({**full, "behaviour.enterprises.post_compliance_participating": 0.0,
                                      "behaviour.enterprises.post_compliance_other": 0.0,
                                      "behaviour.enterprises.public_posts_per_100_teachers": 0.0}))
    assert (none("practice_posts", "enterprise") == 0).all() and (none("teachers_placed_in_practice") == 0).all()


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
    sc = make_scenario({"behaviour.cohorts.dropout_rate.technical_school": 1.0,
                        "behaviour.cohorts.dropout_joint_factor": 1.0,
                        "behaviour.cohorts.dropout_resource_elasticity": 0.0})
    t = _tidy(tidy, sc)
    lv = "technical_school"
    assert (t("graduates", lv) == 0).all()
    pd_years = t("in_school", lv).index[1:]
    for y in pd_years:
        assert t.at("dropouts", y, lv) == t.at("in_school", y - 1, lv)
        assert t.at("in_school", y, lv) == t.at("enrollment", y, lv)
