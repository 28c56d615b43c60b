"""Dynamic major adjustment (专业动态调整, 000 §(六); 001 §三.2 every April; 002 §(九); 003 §4).

Lever ``levers.enrollment_adjustment``: ``responsiveness`` (elasticity of a major's plan to its
relative market pressure), ``max_change`` (cap on a major's yearly change), majors to
``expand`` or ``close``, and ``from_year``.

In April, from last July's labour market, each major's pressure is the demand for the
industries it serves over the graduates who sought work there, ``(R·demand + 1) / (R·supply + 1)``
with ``R`` the major → industry relevance. A school's plan for a major changes by
``responsiveness × log(pressure / the level's average pressure)``, capped at ±``max_change``: so
majors shrink as well as grow and the level's volume follows applicants, not the signal. Listed
majors expand at the cap or close. With the lever on, a school opens the major it lacks with the
highest relative pressure when that pressure exceeds ``major_opening_pressure``, it has teacher
room and firms in its sub-region host training bases for the major; a major planned below
``major_min_intake`` stops enrolling. Graduates who do not find a job in their first industry
search once more across the industries their major serves (:mod:`simulate.market.labour`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulate.policy import Lever
from simulate.scenario.schema import Scenario

LEVER = Lever(
    path="enrollment_adjustment", name_en="Dynamic major adjustment", name_zh="专业动态调整",
    clauses=("000_e33053aec7dde7aa.txt §(六)", "001_7664ff0e7f3b3d70.txt §三.2", "002_ed6320b76da44b90.txt §(九)",
             "003_6dbe643eb8838f3a.txt §4"),
    acts=(("April", "plans follow each major's pressure relative to its level; majors open and close"),
          ("July", "unmatched graduates search once more across their major's industries")),
    indicators=("enrollment", "enrollment_plan", "majors_opened", "mismatch", "mismatch_index",
                "max_priority_mismatch", "matched_rate", "local_retention_rate"),
    parameters=("behaviour.institutions.major_min_intake", "behaviour.institutions.major_opening_pressure",
                "behaviour.labour.second_search_share", "behaviour.teachers.max_ratio_factor"),
)


@dataclass(frozen=True)
class PlanChange:
    """April: the new plan and the majors opened.

    Attributes:
        plan: ``(S, M)`` September intake plan.
        opened: ``(K, 2)`` (school, major) pairs opened this April.
    """

    plan: np.ndarray
    opened: np.ndarray


def pressure(relevance: np.ndarray, demand: np.ndarray, supply: np.ndarray) -> np.ndarray:
    """``(M,)`` demand/supply ratio of the industries each major serves (1 = balanced)."""
    return (relevance @ demand + 1.0) / (relevance @ supply + 1.0)


def relative_pressure(plan: np.ndarray, level: np.ndarray, n_levels: int, p: np.ndarray) -> np.ndarray:
    """``(S, M)``: a major's pressure over the plan-weighted geometric mean of its school's level."""
    logp = np.log(np.clip(p, 1e-6, None))
    n_m = p.size
    # plan summed by level: bincount adds in school order like np.add.at, ~20× faster
    by_level = np.bincount((np.asarray(level, np.int64)[:, None] * n_m + np.arange(n_m)).ravel(),
                           weights=plan.ravel(), minlength=n_levels * n_m).reshape(n_levels, n_m)
    tot = by_level.sum(axis=1)
    mean = np.divide(by_level @ logp, tot, out=np.zeros(n_levels), where=tot > 0)
    return np.exp(logp[None, :] - mean[level][:, None])


def adjust(sc: Scenario, year: int, plan: np.ndarray, offers: np.ndarray, level: np.ndarray, n_levels: int,
           p: np.ndarray | None, room: np.ndarray, base_capacity: np.ndarray) -> PlanChange:
    """April major adjustment.

    Args:
        plan: ``(S, M)`` last year's plan.
        offers: ``(S, M)`` majors taught (updated in place when a major opens).
        p: ``(M,)`` market pressure (``None`` in the first April: no signal yet).
        room: ``(S,)`` entrants a school's teachers could still take.
        base_capacity: ``(S, M)`` training-base capacity firms offer the school's sub-region for each major.
    """
    adj = sc.levers.enrollment_adjustment
    empty = np.zeros((0, 2), np.int64)
    if year < adj.from_year:
        return PlanChange(plan.copy(), empty)
    ids = [m.id for m in sc.region.majors]
    # set membership over a few majors' ids: np.isin on string lists costs ~50 µs a call
    to_expand, to_close = set(adj.expand), set(adj.close)
    expand = np.array([i in to_expand for i in ids], bool)
    close = np.array([i in to_close for i in ids], bool)
    resp, cap = adj.responsiveness.at(year), adj.max_change.at(year)
    if p is None or resp == 0:
        # no signal, or plans do not follow it: resp × log(rel) is 0 (rel = exp of a bounded log-ratio is
        # finite and positive), so the pressures are not computed
        rel = None  # read below only when plans follow the market
        change = np.zeros(plan.shape)  # (within ±cap: the cap is a share, ≥ 0)
    else:
        rel = relative_pressure(plan, level, n_levels, p)
        change = np.clip(resp * np.log(rel), -cap, cap)
    change = np.where(expand[None, :], cap, change)
    new = np.rint(plan * (1.0 + change)).astype(np.int64)
    new[:, close] = 0
    new = np.where(offers, new, 0)
    inst = sc.behaviour.institutions
    opened = empty
    if resp > 0 and p is not None:
        new[(new < inst.major_min_intake * sc.scale) & offers] = 0
        cand = np.where(~offers & (base_capacity > 0) & ~close[None, :], rel, 0.0)
        best = np.argmax(cand, axis=1)
        top = cand[np.arange(plan.shape[0]), best]
        size = max(inst.major_min_intake * sc.scale, 1)
        ok = (top >= inst.major_opening_pressure) & (room >= size)
        schools = np.flatnonzero(ok)
        if schools.size:
            opened = np.column_stack([schools, best[schools]])
            offers[schools, best[schools]] = True
            new[schools, best[schools]] = np.minimum(room[schools], 2 * size).astype(np.int64)
    return PlanChange(new, opened)
