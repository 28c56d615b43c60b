"""The simulated world: every agent's state arrays, built from a scenario and a seed.

Randomness: one :class:`numpy.random.SeedSequence` per replication, spawned
into independent streams per process (synthesis, cohorts, market, teachers,
enterprises), so a change in one process never shifts another's draws and
common random numbers line up across compared scenarios.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from simulate.agents.cohorts import TRACKS
from simulate.agents.enterprises import Enterprises, synthesise_enterprises
from simulate.agents.schools import Schools, synthesise_schools
from simulate.agents.teachers import WINDOW, Teachers, tally
from simulate.market.labour import MarketOutcome
from simulate.policy.budget import YearBudget
from simulate.scenario.schema import LEVELS, Scenario

STREAMS = ("synthesis", "cohorts", "market", "teachers", "enterprises", "institutions")
"""Independent random streams of one replication."""


@dataclass
class World:
    """All state of one replication; steps in :mod:`simulate.steps` update it in place.

    Attributes:
        students: ``(S, M, G, T)`` students per school × major × grade × track.
        relevance: ``(M, I)`` row-stochastic major → industry weights.
        final_grade: ``(S,)`` last grade index of each school.
        establishment: ``(S,)`` base-year full-time teachers (staffing quota, 编制).
        base_ratio: ``(S,)`` base-year students per full-time teacher of the school's level.
        progressed_into: ``(L,)`` graduates admitted to each level this year (enrol in September).
        cells: flat indices of ``students`` cells that can hold anyone (offered majors, grades in the programme).
        year_flows: flows of the current year, filled by the steps and read by the recorder.
    """

    sc: Scenario
    year: int
    rng: dict[str, np.random.Generator]
    schools: Schools
    students: np.ndarray
    teachers: Teachers
    firms: Enterprises
    relevance: np.ndarray
    final_grade: np.ndarray
    establishment: np.ndarray
    base_ratio: np.ndarray
    progressed_into: np.ndarray
    cells: np.ndarray
    budget: YearBudget | None = None
    market: MarketOutcome | None = None
    employees_start: np.ndarray | None = None
    staff: dict[str, np.ndarray] = field(default_factory=dict)
    year_flows: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def n_levels(self) -> int:
        """Number of education levels."""
        return len(LEVELS)

    def in_school(self) -> np.ndarray:
        """Students per school."""
        return self.students.reshape(self.students.shape[0], -1).sum(axis=1)


def replication_streams(seed: int, replication: int) -> dict[str, np.random.Generator]:
    """Independent generators for one replication, identical on any machine or worker count."""
    root = np.random.SeedSequence(entropy=seed, spawn_key=(replication,))
    return {name: np.random.default_rng(child) for name, child in zip(STREAMS, root.spawn(len(STREAMS)), strict=True)}


def build_world(sc: Scenario, seed: int, replication: int = 0) -> World:
    """Synthesise schools, students, teachers and enterprises from the region's aggregates."""
    rng = replication_streams(seed, replication)
    r = rng["synthesis"]
    region = sc.region
    schools = synthesise_schools(sc, r)
    n_s, n_m = schools.offers.shape
    n_g = max(region.levels[lv].program_years for lv in LEVELS)
    years = np.array([region.levels[LEVELS[lv]].program_years for lv in schools.level])
    final_grade = years - 1
    students = np.zeros((n_s, n_m, n_g, len(TRACKS)), dtype=np.int64)
    major_w = np.array([m.enrollment_share for m in region.majors], float)
    for li, lv in enumerate(LEVELS):
        idx = np.flatnonzero(schools.level == li)
        if idx.size == 0:
            continue
        total = int(round(region.levels[lv].in_school * sc.scale))
        size = r.lognormal(0.0, 0.5, idx.size)
        cells = size[:, None] * schools.offers[idx] * major_w[None, :]
        per_grade = cells[:, :, None] * (np.arange(n_g)[None, None, :] < years[idx][:, None, None])
        weights = per_grade / per_grade.sum()
        counts = r.multinomial(total, weights.ravel()).reshape(per_grade.shape)
        students[idx, :, :, 0] = counts
    plan = students[:, :, 0, 0].copy()
    schools.plan[:] = plan
    rel = np.zeros((n_m, len(region.industries)))
    ind_index = {ind.id: i for i, ind in enumerate(region.industries)}
    for mi, m in enumerate(region.majors):
        for ind, w in m.relevance.items():
            rel[mi, ind_index[ind]] = w
    rel = rel / rel.sum(axis=1, keepdims=True)
    schools.consortium[:] = r.random(schools.n) < sc.behaviour.institutions.base_membership
    firms = synthesise_enterprises(sc, r)
    teachers, establishment, base_ratio = _synthesise_teachers(sc, schools, students, r)
    rule = sc.levers.teacher_practice
    staff = tally(teachers, schools.n, teachers.practice_months(rule.window_years, (sc.base_year - 1) % WINDOW),
                  rule.months_required)
    return World(
        staff=staff,
        sc=sc,
        year=sc.base_year,
        rng=rng,
        schools=schools,
        students=students,
        teachers=teachers,
        firms=firms,
        relevance=rel,
        final_grade=final_grade,
        establishment=establishment,
        base_ratio=base_ratio,
        progressed_into=np.zeros(len(LEVELS), dtype=np.int64),
        cells=np.flatnonzero(np.broadcast_to(
            schools.offers[:, :, None, None] & (np.arange(n_g)[None, None, :, None] < years[:, None, None, None]),
            students.shape)),
    )


def _synthesise_teachers(sc: Scenario, schools: Schools, students: np.ndarray,
                         r: np.random.Generator) -> tuple[Teachers, np.ndarray, np.ndarray]:
    """Full-time teachers from the student–teacher ratio, specialty and dual-qualified shares."""
    region = sc.region
    stock = [region.levels[LEVELS[lv]] for lv in schools.level]
    ratio = np.array([s.student_teacher_ratio for s in stock])
    in_school = students.sum(axis=(1, 2, 3))
    ft = np.rint(in_school / ratio).astype(np.int64)
    prof_share = np.array([s.professional_teacher_share for s in stock])
    dual_share = np.array([s.dual_qualified_share for s in stock])
    pt_share = np.array([s.part_time_share for s in stock])
    t = Teachers.empty(int(ft.sum() * 1.15) + 64)
    school = np.repeat(np.arange(schools.n, dtype=np.int32), ft)
    prof = r.random(school.size) < prof_share[school]
    dual = prof & (r.random(school.size) < dual_share[school])
    service = r.integers(0, sc.behaviour.teachers.career_years, school.size).astype(np.int16)
    slots = t.add(school, prof, part_time=False, dual=dual, service=service)
    # certified teachers have met the practice rule (certification requires it)
    rule = sc.levers.teacher_practice
    t.practice[(sc.base_year - 1) % WINDOW, slots[dual]] = min(rule.months_required, 127)
    prof_count = np.bincount(school[prof], minlength=schools.n)
    pt = r.binomial(prof_count, np.clip(pt_share, 0, 1))
    pt_school = np.repeat(np.arange(schools.n, dtype=np.int32), pt)
    t.add(pt_school, np.ones(pt_school.size, bool), part_time=True)
    return t, ft, ratio


def group_sum(keys: np.ndarray, values: np.ndarray, n_groups: int) -> np.ndarray:
    """Sum rows of ``values`` (``(N,)`` or ``(N, K...)``) by integer ``keys`` into ``(n_groups, K...)``.

    Sorted keys (schools by level and sub-region, firms by sub-region and industry) are summed
    as contiguous runs with ``np.add.reduceat``; unsorted ones are sorted first (a 1-D array uses
    one bincount). Both are much faster than ``np.add.at`` on the array sizes the engine uses.
    """
    v = np.asarray(values, float)
    keys = np.asarray(keys)
    if keys.size and np.all(keys[1:] >= keys[:-1]):
        counts = np.bincount(keys, minlength=n_groups)
        present = np.flatnonzero(counts)
        out = np.zeros((n_groups, *v.shape[1:]))
        out[present] = np.add.reduceat(v, (np.cumsum(counts) - counts)[present], axis=0)
        return out
    if v.ndim == 1:
        return np.bincount(keys, weights=v, minlength=n_groups)
    order = np.argsort(keys, kind="stable")
    return group_sum(keys[order], v[order], n_groups)
