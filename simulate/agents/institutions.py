"""Vocational education groups and consortia (职教集团、市域产教联合体, 001 §二 task 9), industrial colleges.

Consortia are a stock per level × sub-region (the groups that schools of that level there lead or
join). In December a share dissolves (``consortium_dissolution_rate``); a school forms a new one
with probability ``consortium_formation_rate`` × (its partner firms / ``consortium_partner_firms``),
capped at three times the rate, so formation follows enterprise participation (and through it the
surcharge credit); a school outside every consortium joins one of its sub-region with
``consortium_join_rate``. A county/district school opens an industrial college (产业学院, 001 §三.5)
once it has ``industrial_college_partners`` partner firms.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Consortia:
    """Consortia per level × sub-region and each school's membership.

    Attributes:
        count: ``(L, R)`` consortia.
        member: ``(S,)`` the school is in at least one.
    """

    count: np.ndarray
    member: np.ndarray


def base_consortia(level: np.ndarray, subregion: np.ndarray, n_levels: int, n_subregions: int,
                   per_school: float) -> np.ndarray:
    """``(L, R)`` consortia in the base year: ``per_school`` × schools, rounded."""
    schools = np.zeros((n_levels, n_subregions))
    np.add.at(schools, (level, subregion), 1)
    return np.rint(schools * per_school).astype(np.int64)


def partner_firms(coop_by_region: np.ndarray, in_school: np.ndarray, subregion: np.ndarray) -> np.ndarray:
    """``(S,)`` cooperating firms per school: a sub-region's firms shared in proportion to students."""
    students = np.bincount(subregion, weights=in_school, minlength=coop_by_region.size)
    share = np.divide(in_school, students[subregion], out=np.zeros(in_school.size), where=students[subregion] > 0)
    return coop_by_region[subregion] * share


def update(c: Consortia, level: np.ndarray, subregion: np.ndarray, active: np.ndarray, partners: np.ndarray,
           rate: float, partner_ref: float, dissolution: float, join_rate: float, u_form: np.ndarray,
           u_join: np.ndarray, u_leave: np.ndarray, dissolved: np.ndarray) -> None:
    """December: dissolutions (``dissolved``, drawn by the caller), formations and joins, in place."""
    n_s = level.size
    before = np.maximum(c.count, 1)
    c.count -= dissolved
    share_gone = dissolved / before
    c.member &= ~(u_leave[:n_s] < share_gone[level, subregion])
    p = rate * np.minimum(partners / partner_ref, 3.0)
    form = active & (u_form[:n_s] < p)
    np.add.at(c.count, (level[form], subregion[form]), 1)
    c.member |= form
    available = c.count.sum(axis=0)[subregion] > 0
    c.member |= active & ~c.member & available & (u_join[:n_s] < join_rate)


def industrial_colleges(colleges: np.ndarray, partners: np.ndarray, threshold: int) -> np.ndarray:
    """Schools with an industrial college: those that had one, and those reaching ``threshold`` partners."""
    return colleges | (partners >= threshold)
