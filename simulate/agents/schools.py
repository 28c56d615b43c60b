"""Schools (学校): static attributes as arrays, and the April enrollment plan.

Schools are synthesised from the region's published aggregates: the number of
schools per level, the share located in each sub-region, and for secondary
vocational schools the tier grades (A / B / other, 南昌 school grading).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulate.scenario.schema import LEVELS, TIERS, Scenario


@dataclass
class Schools:
    """Struct of arrays, one entry per school.

    Attributes:
        level: index into :data:`LEVELS`.
        subregion: index into ``scenario.region.subregions``.
        tier: index into :data:`TIERS` (only secondary vocational schools have A/B).
        county: a county/district school (县区学校), subject to the industrial-college rule.
        offers: ``(S, M)`` bool, majors the school teaches.
        plan: ``(S, M)`` int, September intake plan per major (招生计划).
        bases: ``(S, M)`` int, practice/training bases per major (实习实训基地).
        consortium: bool, member of a vocational education group or consortium (职教集团).
        industrial_college: bool, runs an industrial college (产业学院).
        funding_level: per-student appropriation the school gets before any floor (yuan).
        active: the school enrolls and teaches (False once merged into another).
        entrants: last September's entrants (mergers look at it).
        base_entrants: the first September's entrants.
    """

    level: np.ndarray
    subregion: np.ndarray
    tier: np.ndarray
    county: np.ndarray
    offers: np.ndarray
    plan: np.ndarray
    bases: np.ndarray
    consortium: np.ndarray
    industrial_college: np.ndarray
    funding_level: np.ndarray
    active: np.ndarray
    entrants: np.ndarray
    base_entrants: np.ndarray

    @property
    def n(self) -> int:
        """Number of schools."""
        return self.level.size


def synthesise_schools(sc: Scenario, rng: np.random.Generator) -> Schools:
    """Place schools by level and sub-region, grade tiers, and pick the majors each offers."""
    region = sc.region
    n_majors = len(region.majors)
    major_weight = np.array([m.enrollment_share for m in region.majors], dtype=float)
    major_weight = major_weight / major_weight.sum()
    levels, subs, tiers, county = [], [], [], []
    for li, lv in enumerate(LEVELS):
        stock = region.levels[lv]
        n = stock.schools
        shares = np.array([getattr(s.school_share, lv) for s in region.subregions])
        counts = _largest_remainder(n, shares)
        for ri, c in enumerate(counts):
            levels += [li] * c
            subs += [ri] * c
            n_county = region.subregions[ri].county_schools if lv == "secondary_vocational" else 0
            county += [True] * min(c, n_county) + [False] * max(0, c - n_county)
        if lv == "secondary_vocational":
            tier_share = np.array([region.tier_shares[t] for t in TIERS])
            tier_counts = _largest_remainder(n, tier_share)
            tiers += list(rng.permutation(np.repeat(np.arange(len(TIERS)), tier_counts)))
        else:
            tiers += [TIERS.index("other")] * n
    level = np.array(levels, dtype=np.int8)
    # weighted sampling without replacement for every school at once (Efraimidis–Spirakis keys):
    # the k smallest of Exp(1)/weight are a draw of k majors in proportion to their weights
    keys = rng.exponential(size=(level.size, n_majors)) / np.where(major_weight > 0, major_weight, np.nan)
    keys = np.nan_to_num(keys, nan=np.inf)
    k = np.array([min(region.levels[LEVELS[lv]].majors_per_school, n_majors) for lv in level])
    rank = np.argsort(np.argsort(keys, axis=1, kind="stable"), axis=1, kind="stable")
    offers = (rank < k[:, None]) & np.isfinite(keys)
    fin = region.finance
    mean = np.asarray(fin.funding_level.as_tuple())[level]
    cv = fin.funding_dispersion
    sigma = np.sqrt(np.log1p(cv * cv))
    funding = mean * np.exp(sigma * rng.standard_normal(level.size) - sigma * sigma / 2)
    return Schools(
        level=level,
        subregion=np.array(subs, dtype=np.int8),
        tier=np.array(tiers, dtype=np.int8),
        county=np.array(county, dtype=bool),
        offers=offers,
        plan=np.zeros((level.size, n_majors), dtype=np.int64),
        bases=np.zeros((level.size, n_majors), dtype=np.int64),
        consortium=np.zeros(level.size, dtype=bool),
        industrial_college=np.zeros(level.size, dtype=bool),
        funding_level=funding,
        active=np.ones(level.size, dtype=bool),
        entrants=np.zeros(level.size, dtype=np.int64),
        base_entrants=np.zeros(level.size, dtype=np.int64),
    )


def _largest_remainder(total: int, shares: np.ndarray) -> np.ndarray:
    """Split an integer ``total`` by ``shares`` so the parts sum exactly to ``total``."""
    shares = np.asarray(shares, dtype=float)
    raw = total * shares / shares.sum()
    base = np.floor(raw).astype(np.int64)
    short = total - int(base.sum())
    if short:
        base[np.argsort(-(raw - base), kind="stable")[:short]] += 1
    return base


def merger_pairs(s: Schools, min_intake: np.ndarray, in_school: np.ndarray) -> np.ndarray:
    """Pairs (school, into) of small schools merging (撤并: closure of small schools), ``(K, 2)``.

    A school whose last intake fell below its level's minimum, and below four fifths of its first intake
    (it is shrinking, not small by design), merges into the largest other active school of its level and
    sub-region. A school that has no such partner stays open.
    """
    shrinking = s.entrants < 0.8 * s.base_entrants  # schools smaller than the standard from the start stay
    small = s.active & (s.entrants < min_intake[s.level]) & (s.entrants > 0) & shrinking
    if not small.any():
        return np.zeros((0, 2), np.int64)
    key = s.level.astype(np.int64) * 256 + s.subregion
    host_size = np.where(s.active & ~small, in_school, -1)
    pairs = []
    for k in np.unique(key[small]):
        group = np.flatnonzero(key == k)
        best = group[np.argmax(host_size[group])]
        if host_size[best] < 0:
            continue
        pairs += [(i, best) for i in group[small[group]]]
    return np.array(pairs, np.int64).reshape(-1, 2)
