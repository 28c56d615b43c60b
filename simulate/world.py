"""The simulated world: every agent's state arrays, built from a scenario and a seed.

Randomness: every draw comes from a keyed stream (:class:`simulate.streams.Streams`) named by
(replication, year, step, purpose), so a change in one process never shifts another's draws
and common random numbers line up across compared scenarios.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from simulate.agents.cohorts import TRACKS
from simulate.agents.enterprises import (
    CERTIFIED,
    COOPERATING,
    Enterprises,
    logistic,
    synthesise_enterprises,
)
from simulate.agents.institutions import Consortia
from simulate.agents.schools import Schools, synthesise_schools
from simulate.agents.teachers import WINDOW, StaffCounts, Teachers, quit_years, tally
from simulate.alloc import largest_remainder
from simulate.flows import YearFlows
from simulate.jit import jit
from simulate.market.labour import MarketOutcome
from simulate.policy import apprenticeship, certificate_subsidy, surcharge_credit
from simulate.policy.funding import development_standard, operations_standard
from simulate.scenario.schema import LEVELS, Scenario, SurchargeCredit
from simulate.scenario.types import DatedPath
from simulate.streams import Draw, Streams


@dataclass
class World:
    """All state of one replication; steps in :mod:`simulate.steps` update it in place.

    Attributes:
        streams: the replication's keyed random streams.
        students: ``(S, M, G, T)`` students per school × major × grade × track.
        relevance: ``(M, I)`` row-stochastic major → industry weights.
        final_grade: ``(S,)`` last grade index of each school.
        base_ratio: ``(S,)`` base-year students per full-time teacher of the school's level (the staffing ratio).
        progressed_into: ``(L,)`` graduates admitted to each level this year (enrol in September).
        cells: flat indices of ``students`` cells that can hold anyone (offered majors, grades in the
            programme); cells of majors opened later are appended, so earlier cells keep their draws.
        consortia: vocational education groups and memberships.
        staff: teacher counts per school at the last tally (December, or synthesis).
        months: per teacher slot, practice months in the rule's window at the last tally.
        operations_std, development_std: ``(L,)`` per-student standard costs (yuan).
        market: last July's labour market (April reads its signal).
        usage: ``(I,)`` share of offered joint-training seats used last September.
        flows: the current year's flows.
    """

    sc: Scenario
    year: int
    streams: Streams
    schools: Schools
    students: np.ndarray
    teachers: Teachers
    firms: Enterprises
    consortia: Consortia
    relevance: np.ndarray
    final_grade: np.ndarray
    base_ratio: np.ndarray
    progressed_into: np.ndarray
    cells: np.ndarray
    staff: StaffCounts
    months: np.ndarray
    operations_std: np.ndarray
    development_std: np.ndarray
    usage: np.ndarray
    market: MarketOutcome | None = None
    employees_start: np.ndarray | None = None
    flows: YearFlows = field(default_factory=YearFlows)

    @property
    def n_levels(self) -> int:
        """Number of education levels."""
        return len(LEVELS)

    def in_school(self) -> np.ndarray:
        """Students per school.

        Called ~70 times a replication: a compiled sum over each school's contiguous block (a third of
        ``einsum``'s time on 75,000 cells), the same whole numbers in any order.
        """
        s = self.students
        if s.dtype == np.int64 and s.flags.c_contiguous:
            return _block_sums(s.reshape(s.shape[0], -1))
        return np.einsum("smgt->s", s)

    def uniform(self, step: str, purpose: str, n: int) -> np.ndarray:
        """``n`` keyed uniforms for this year (record ``i`` gets the same value in every compared scenario)."""
        return self.streams.uniform(self.year, step, purpose, n)

    def draws(self, step: str) -> Draw:
        """``draw(purpose, idx)`` for this year and step (per-record keyed uniforms)."""
        return lambda purpose, idx: self.streams.uniform_at(self.year, step, purpose, idx)

    def rng(self, step: str, purpose: str) -> np.random.Generator:
        """A keyed generator for this year, step and purpose."""
        return self.streams.get(self.year, step, purpose)

    def add_cells(self, school: np.ndarray, major: np.ndarray) -> None:
        """Append the cells of newly offered (school, major) pairs to :attr:`cells`."""
        n_s, n_m, n_g, n_t = self.students.shape
        years = self.final_grade[school] + 1
        new = [((s * n_m + m) * n_g + g) * n_t + t for s, m, y in zip(school, major, years, strict=True)
               for g in range(y) for t in range(n_t)]
        if new:
            self.cells = np.concatenate([self.cells, np.asarray(new, np.int64)])


def build_world(sc: Scenario, seed: int, replication: int = 0) -> World:
    """Synthesise schools, students, teachers and enterprises from the region's aggregates."""
    streams = Streams(seed, replication)
    y0 = sc.base_year - 1
    schools = synthesise_schools(sc, streams.get(y0, "synthesis", "schools"))
    n_s, n_m = schools.offers.shape
    n_g = max(sc.region.levels[lv].program_years for lv in LEVELS)
    years = _per_level(sc, "program_years")[schools.level]
    final_grade = years - 1
    students = _synthesise_students(sc, schools, n_g, years, streams.get(y0, "synthesis", "students"))
    schools.plan[:] = students[:, :, 0, 0]
    rel = np.zeros((n_m, len(sc.region.industries)))
    ind_index = {ind.id: i for i, ind in enumerate(sc.region.industries)}
    for mi, m in enumerate(sc.region.majors):
        for ind, wgt in m.relevance.items():
            rel[mi, ind_index[ind]] = wgt
    rel = rel / rel.sum(axis=1, keepdims=True)
    inst = sc.behaviour.institutions
    ri = streams.get(y0, "synthesis", "institutions")
    consortia = Consortia(memberships=(ri.random(n_s) < inst.base_membership).astype(np.int64))
    schools.consortium[:] = consortia.member
    per_school = np.full(n_s, inst.base_bases_per_school)
    schools.bases[:] = largest_remainder(np.floor(per_school + ri.random(n_s)).astype(np.int64),
                                         schools.offers.astype(float))
    firms = synthesise_enterprises(sc, streams.get(y0, "synthesis", "firms"))
    teachers = _synthesise_teachers(sc, schools, students, streams.get(y0, "synthesis", "teachers"))
    ratio = _per_level(sc, "student_teacher_ratio")[schools.level]
    rule = sc.levers.teacher_practice
    months = teachers.practice_months(rule.window_years, y0 % WINDOW)
    usage = _align_enterprises(sc, firms, students, streams.get(y0, "synthesis", "participation"))
    return World(
        sc=sc, year=sc.base_year, streams=streams, schools=schools, students=students, teachers=teachers,
        firms=firms, consortia=consortia, relevance=rel, final_grade=final_grade, base_ratio=ratio,
        progressed_into=np.zeros(len(LEVELS), dtype=np.int64),
        cells=np.flatnonzero(np.broadcast_to(
            schools.offers[:, :, None, None] & (np.arange(n_g)[None, None, :, None] < years[:, None, None, None]),
            students.shape)),
        staff=tally(teachers, n_s, months, rule.months_required, rule.window_years), months=months,
        operations_std=operations_standard(sc), development_std=development_standard(sc), usage=usage,
    )


def _per_level(sc: Scenario, name: str) -> np.ndarray:
    """``(L,)`` a level parameter of the region, in :data:`LEVELS` order (index it by the schools' levels).

    The same values as a list over the schools, without a Python loop over hundreds of schools.
    """
    return np.array([getattr(sc.region.levels[lv], name) for lv in LEVELS])


def _synthesise_students(sc: Scenario, schools: Schools, n_g: int, years: np.ndarray,
                         r: np.random.Generator) -> np.ndarray:
    """Base stock per school × major × grade (regular track).

    Lognormal school sizes, the level's in-school total, sub-regions' own shares where the region gives
    them, grades evenly.
    """
    region = sc.region
    n_s, n_m = schools.offers.shape
    students = np.zeros((n_s, n_m, n_g, len(TRACKS)), dtype=np.int64)
    major_w = np.array([m.enrollment_share for m in region.majors], float)
    size = r.lognormal(0.0, 0.5, n_s)
    for li, lv in enumerate(LEVELS):
        idx = np.flatnonzero(schools.level == li)
        if idx.size == 0:
            continue
        total = int(round(region.levels[lv].in_school * sc.scale))
        cells = size[idx, None] * schools.offers[idx] * major_w[None, :]
        per_grade = cells[:, :, None] * (np.arange(n_g)[None, None, :] < years[idx][:, None, None])
        sub = schools.subregion[idx]
        # a sub-region with its own share of the level's students gets exactly that share
        weight = np.ones(idx.size)
        given = {ri: s.levels[lv].in_school_share for ri, s in enumerate(region.subregions)
                 if lv in s.levels and s.levels[lv].in_school_share is not None}
        mass = per_grade.reshape(idx.size, -1).sum(axis=1)
        free = ~np.isin(sub, list(given))
        rest = 1.0 - sum(given.values())
        for ri, share in given.items():
            here = sub == ri
            if mass[here].sum() > 0:
                weight[here] = share / mass[here].sum()
        if free.any() and mass[free].sum() > 0:
            weight[free] = rest / mass[free].sum()
        weights = per_grade * weight[:, None, None]
        weights = weights / weights.sum()
        counts = r.multinomial(total, weights.ravel()).reshape(per_grade.shape)
        students[idx, :, :, 0] = counts
    return students


def _synthesise_teachers(sc: Scenario, schools: Schools, students: np.ndarray, r: np.random.Generator) -> Teachers:
    """Full-time teachers from the student–teacher ratio, and enterprise part-time teachers.

    Specialty and dual-qualified shares, ages, practice histories spread over the rule's window.
    """
    region, bt = sc.region, sc.behaviour.teachers
    ratio = _per_level(sc, "student_teacher_ratio")[schools.level]
    in_school = students.sum(axis=(1, 2, 3))
    ft = np.rint(in_school / ratio).astype(np.int64)
    prof_share = _per_level(sc, "professional_teacher_share")[schools.level]
    dual_share = _per_level(sc, "dual_qualified_share")[schools.level]
    for ri, sub in enumerate(region.subregions):  # sub-regions' own dual-qualified shares
        for li, lv in enumerate(LEVELS):
            over = sub.levels.get(lv)
            if over is not None and over.dual_qualified_share is not None:
                dual_share[(schools.level == li) & (schools.subregion == ri)] = over.dual_qualified_share
    pt_share = _per_level(sc, "part_time_share")[schools.level]
    t = Teachers.empty(int(ft.sum() * 1.15) + 64)
    school = np.repeat(np.arange(schools.n, dtype=np.int32), ft)
    n = school.size
    # np.repeat of the per-school shares: the same array as gathering them through `school`, sequentially
    prof = r.random(n) < np.repeat(prof_share, ft)
    dual = prof & (r.random(n) < np.repeat(dual_share, ft))
    female = r.random(n) < bt.female_share
    retire = np.where(female, bt.retirement_age_female.at(sc.base_year), bt.retirement_age_male.at(sc.base_year))
    age = np.floor(bt.entry_age + r.random(n) * (retire - bt.entry_age)).astype(np.int16)
    service = np.maximum(age - bt.entry_age, 0).astype(np.int16)
    slots = t.add(school, prof, part_time=False, dual=dual, female=female, age=age, service=service,
                  quit_year=quit_years(sc.base_year, bt.attrition_rate, r.random(n)))
    rule = sc.levers.teacher_practice
    window = min(rule.window_years, WINDOW)
    # practice histories: dual-qualified teachers and a share of the others met the rule in some year of
    # the window, the years spread evenly over it (so compliance lapses gradually, not all at once)
    when = (sc.base_year - 1 - r.integers(0, window, n)) % WINDOW
    some = ~dual & prof & (r.random(n) < bt.initial_practice_share)
    for met in (np.flatnonzero(dual), np.flatnonzero(some)):  # indices once: masks would be applied twice
        t.practice[when[met], slots[met]] = min(rule.months_required, 127)
    t.early_practice[slots] = np.where(dual | some, rule.months_required, 0)
    prof_count = np.bincount(school[prof], minlength=schools.n)
    pt = r.binomial(prof_count, np.clip(pt_share, 0, 1))
    pt_school = np.repeat(np.arange(schools.n, dtype=np.int32), pt)
    t.add(pt_school, np.ones(pt_school.size, bool), part_time=True, uid=n + np.arange(pt_school.size))
    return t


def _align_enterprises(sc: Scenario, f: Enterprises, students: np.ndarray, r: np.random.Generator) -> np.ndarray:
    """Base-year participation as a steady state of the decision rule; returns the base seat usage ``(I,)``.

    Each firm's join propensity under the status-quo policy (``region.enterprises.status_quo``, not the
    scenario's levers: those act from the first year on) is computed without intercept; the
    intercept is solved so that the firms' stationary participation (join / (join + exit)) averages
    the published base participation, and each firm's starting state is drawn from its own
    stationary probability. Large cooperating firms are then certified at the published share.
    """
    pop, b = sc.region.enterprises, sc.behaviour.enterprises
    y = sc.base_year
    sq = pop.status_quo  # decisions are aligned under the policy in force when participation was observed
    sc = sc.model_copy(update={"levers": sc.levers.model_copy(update={
        "surcharge_credit": SurchargeCredit(rate=sq.credit_rate, eligibility=sq.credit_eligibility),
        "certificate_subsidy": DatedPath.constant(sq.certificate_subsidy),
        "apprenticeship_share": DatedPath.constant(sq.apprenticeship_share)})})
    f.state[:] = COOPERATING  # evaluate the offer of cooperating (investment, credit, trainees)
    invest = surcharge_credit.investment(f, sc, y)
    f.investment = invest
    ratio = surcharge_credit.investment_ratio(f, sc)
    offered = float((f.weight * f.employees * b.seats_per_100_staff / 100.0 * ratio).sum())
    entrants = float(students[:, :, 0, :].sum())  # a base cohort (scaled like the firms' weights)
    sought = sc.levers.apprenticeship_share.at(y) * entrants
    usage = np.full(len(sc.region.industries), min(1.0, sought / offered) if offered > 0 else 0.0)
    years = float(np.mean([sc.region.levels[lv].program_years for lv in LEVELS]))
    value = apprenticeship.trainee_value(f, sc, usage, ratio, years)
    base = b.investment_per_employee * f.employees
    credit = surcharge_credit.expected_credit(f, sc, y, base)
    subsidy = certificate_subsidy.cooperation_value(f, sc, y)
    nb = (credit + value + subsidy - base) / (f.employees * 100.0)
    ind = sc.region.industries
    hires = np.array([100 * pop.vocational_hire_share * (i.replacement_rate + max(i.revenue_growth.at(y), 0.0)
                                                         * i.employment_elasticity) for i in ind])
    own = (b.participation_size * f.large + b.participation_benefit * nb
           + b.participation_hires * hires[f.industry] / 100)
    exit_p = np.full(f.size, b.exit_rate)
    target = pop.base_participation
    n_i = len(ind)
    staff = f.by_industry(f.employees, n_i)
    peers = np.full(n_i, target)
    for _ in range(3):  # peers (staff-weighted participation by industry) and intercept as a fixed point
        util = own + b.participation_peers * peers[f.industry]
        f.intercept, p_part = _stationary_intercept(util, f.weight, exit_p, target)
        peers = np.divide(f.by_industry(p_part * f.employees, n_i), staff, out=np.zeros(n_i), where=staff > 0)
    part = r.random(f.size) < p_part
    f.state[:] = np.where(part, COOPERATING, 0)
    large_part = part & f.large
    n_part, n_large = float((f.weight * part).sum()), float((f.weight * large_part).sum())
    p_cert = min(1.0, pop.base_certified * n_part / n_large) if n_large > 0 else 0.0
    f.state[large_part & (r.random(f.size) < p_cert)] = CERTIFIED
    f.investment = np.where(f.participating, invest, 0.0)
    f.nb_base = nb
    f.credit_due = surcharge_credit.credits(f, sc, y - 1)
    return usage


def _stationary_intercept(util: np.ndarray, weight: np.ndarray, exit_p: np.ndarray,
                          target: float) -> tuple[float, np.ndarray]:
    """Intercept ``a`` with Σw·j/(j+e) = target·Σw, j = logistic(a + util) (Newton on a monotone function).

    Returns ``a`` and the firms' stationary participation j/(j+e) at ``a``: the last Newton step has
    computed it already, so the caller need not evaluate the logistic over all firms once more.
    """
    if target <= 0:
        a = -40.0
        j = logistic(a + util)
        return a, j / (j + exit_p)
    total = float(weight.sum())
    a = float(np.log(target / (1 - target)) - np.median(util))
    at_a = None
    for _ in range(30):
        j = logistic(a + util)
        p = j + exit_p
        np.divide(j, p, out=p)  # p = j / (j + e), without a second temporary
        at_a = p
        wp = weight * p
        gap = float(wp.sum()) / total - target
        if abs(gap) < 1e-7 * target:
            break
        # d p / d a = p(1−p)(1−j): w·p·(1−p)·(1−j) multiplied left to right as before, reusing w·p from the gap
        # and in place (the same products, bit for bit; five arrays of 20,000 firms fewer per Newton step)
        dp = np.subtract(1.0, p)
        dp *= wp
        j = np.subtract(1.0, j, out=j)
        dp *= j
        slope = float(dp.sum()) / total
        if slope <= 0:
            break
        a -= max(min(gap / slope, 5.0), -5.0)
        at_a = None
    if at_a is None:  # 30 steps without convergence: p belongs to the previous a
        j = logistic(a + util)
        at_a = j / (j + exit_p)
    return a, at_a


def group_sum(keys: np.ndarray, values: np.ndarray, n_groups: int) -> np.ndarray:
    """Sum rows of ``values`` (``(N,)`` or ``(N, K...)``) by integer ``keys`` into ``(n_groups, K...)``.

    Sorted keys (schools by level and sub-region, firms by sub-region and industry) are summed
    as contiguous runs with ``np.add.reduceat``; unsorted ones are sorted first (a 1-D array uses
    one bincount). Both are much faster than ``np.add.at`` on the array sizes the engine uses.
    Integer values are summed as integers (exact, no float copy of a people array); others as floats.
    """
    v = np.asarray(values)
    if v.dtype.kind not in "iu":
        v = v.astype(float)
    keys = np.asarray(keys)
    if keys.size and np.all(keys[1:] >= keys[:-1]):
        counts = np.bincount(keys, minlength=n_groups)
        present = np.flatnonzero(counts)
        out = np.zeros((n_groups, *v.shape[1:]), v.dtype)
        out[present] = np.add.reduceat(v, (np.cumsum(counts) - counts)[present], axis=0)
        return out
    if v.ndim == 1:  # bincount sums in floats: whole numbers below 2**53 come back exact
        return np.bincount(keys, weights=v, minlength=n_groups).astype(v.dtype, copy=False)
    order = np.argsort(keys, kind="stable")
    return group_sum(keys[order], v[order], n_groups)


@jit
def _block_sums(v: np.ndarray) -> np.ndarray:
    """Integer sum of each row of ``v`` ``(N, K)``."""
    out = np.zeros(v.shape[0], np.int64)
    for i in range(v.shape[0]):
        acc = 0
        for k in range(v.shape[1]):
            acc += v[i, k]
        out[i] = acc
    return out
