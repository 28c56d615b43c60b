"""Student cohorts (学生队列): counts per school × major × grade × track.

Tracks are ``regular`` (普通), ``order_class`` (订单班) and ``apprenticeship``
(现代学徒制). Every student who enters is, at every moment, in school,
graduated (to a destination), or dropped out: the yearly step moves people
between those states with binomial draws and never creates or loses one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from simulate.streams import binomial

TRACKS = ("regular", "order_class", "apprenticeship")
"""Training tracks, in array order."""


@dataclass
class CohortStep:
    """What one June–July cohort step produced.

    Attributes:
        dropouts: ``(S, M, T)`` students who left school this year.
        graduates: ``(S, M, T)`` students who completed the final grade.
    """

    dropouts: np.ndarray
    graduates: np.ndarray


def advance(
    students: np.ndarray,
    final_grade: np.ndarray,
    dropout: np.ndarray,
    rng: np.random.Generator | None = None,
    cells: np.ndarray | None = None,
    uniform: Callable[[np.ndarray], np.ndarray] | None = None,
) -> CohortStep:
    """Apply a school year: dropout in every grade, graduation of the final grade, promotion.

    Args:
        students: ``(S, M, G, T)`` counts, modified in place.
        final_grade: ``(S,)`` index of each school's final grade (program years − 1).
        dropout: ``(S,)`` yearly dropout probability per school, or ``(S, T)`` per school and track.
        rng: a generator for plain binomial draws (used when ``uniform`` is not given).
        cells: flat indices of the cells that can hold students (offered majors, grades within the
            programme); ``None`` scans the whole array.
        uniform: keyed uniforms per school × grade × track: dropouts are then drawn by inversion
            (:func:`simulate.streams.binomial`) per school, grade and track and shared over majors, so
            compared scenarios stay paired.

    Returns:
        Dropouts and graduates per school × major × track.
    """
    n_s, n_m, n_g, n_t = students.shape
    if uniform is not None:
        hit, (s, g, t), rows, lost = _dropout_rows(students, dropout, uniform)
        students[s, :, g, t] = rows - lost
        # dropouts by (school, grade, track, major), then summed over grades: whole numbers, exact in any order
        # (one scatter and a small reduction instead of a bincount over per-major keys built for every row); the
        # grades are added as contiguous (S, T·M) slices, faster than a reduction over the middle axis
        by_row = np.zeros((n_s, n_g, n_t * n_m), np.int64)
        by_row.reshape(-1, n_m)[hit] = lost
        acc = by_row[:, 0].copy()
        for k in range(1, n_g):
            acc += by_row[:, k]
        dropouts = acc.reshape(n_s, n_t, n_m).transpose(0, 2, 1).copy()
    else:
        flat = students.reshape(-1)
        occupied = np.flatnonzero(flat) if cells is None else cells[flat[cells] > 0]
        per_school = flat.size // n_s
        p = dropout[occupied // per_school] if dropout.ndim == 1 else dropout[occupied // per_school, occupied % n_t]
        drawn = rng.binomial(flat[occupied], p)
        flat[occupied] -= drawn
        # (s, m, g, t) -> (s, m, t): drop the grade digit of the flat index
        smt = (occupied // (n_g * n_t)) * n_t + occupied % n_t
        dropouts = np.rint(np.bincount(smt, weights=drawn, minlength=n_s * n_m * n_t)).astype(np.int64).reshape(
            n_s, n_m, n_t)
    idx = np.arange(n_s)
    graduates = students[idx, :, final_grade, :]  # a copy (fancy indexing)
    students[idx, :, final_grade, :] = 0
    # promote: grade g -> g + 1 (grades past a school's final grade stay empty)
    if students.flags.c_contiguous:
        # grade and track are the last axes, so shifting the flat array by one grade's tracks moves every grade up
        # in one contiguous copy (3× faster than the strided one); the last grade of each (school, major) lands in
        # grade 0 of the next, which is emptied below
        flat = students.reshape(-1)
        flat[n_t:] = flat[:-n_t].copy()
    else:
        students[:, :, 1:, :] = students[:, :, :-1, :].copy()
    students[:, :, 0, :] = 0
    return CohortStep(dropouts=dropouts, graduates=graduates)


def _dropout_rows(students: np.ndarray, dropout: np.ndarray, uniform: Callable[[np.ndarray], np.ndarray]
                  ) -> tuple[np.ndarray, tuple[np.ndarray, ...], np.ndarray, np.ndarray]:
    """Dropouts: one inverted binomial per school × grade × track, shared over majors.

    A school's dropout probability does not depend on the major, so the count per school, grade and track
    is Binomial(students, p); it is split over the majors in proportion to their students by systematic
    allocation (cumulative shares, floored), which never takes more than a major has and keeps the total.

    Returns:
        ``(hit, (s, g, t), rows, lost)`` for the (school, grade, track) rows that lose someone: their flat indices
        in ``(S, G, T)``, their school, grade and track, their students ``(H, M)`` before and the dropouts
        ``(H, M)`` by major (every other row loses no one).
    """
    n_s, n_m, n_g, n_t = students.shape
    n = np.einsum("smgt->sgt", students).reshape(-1)  # integer sums (exact in any order); einsum: 2× faster
    p = np.broadcast_to(dropout[:, None, None] if dropout.ndim == 1 else dropout[:, None, :], (n_s, n_g, n_t))
    # empty rows draw no dropouts: uniforms (keyed by row index) only for the others
    some = np.flatnonzero(n)
    total = binomial(n[some], p.reshape(-1)[some], uniform(some))
    # only the rows that lose someone need a split (the others are all zero)
    lose = np.flatnonzero(total)
    hit, total = some[lose], total[lose]
    s, g, t = np.unravel_index(hit, (n_s, n_g, n_t))
    rows = students[s, :, g, t]  # (H, M)
    share = total / n[hit]  # total > 0 implies n > 0
    cut = np.floor(np.cumsum(rows, axis=1) * share[:, None] + 0.5).astype(np.int64)
    cut[:, -1] = total  # exact total, whatever the rounding of the cumulative share
    # the difference of consecutive cuts, taken in integers into one array (np.diff would prepend a copy)
    lost = np.empty_like(cut)
    lost[:, 0] = cut[:, 0]
    np.subtract(cut[:, 1:], cut[:, :-1], out=lost[:, 1:])
    return hit, (s, g, t), rows, lost


def allocate(total: int, weights: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Split ``total`` people over cells with integer capacities ``weights``, never exceeding one.

    Draws without replacement (multivariate hypergeometric), so the result sums
    to ``min(total, weights.sum())`` and no cell exceeds its capacity.
    """
    flat = np.asarray(weights, dtype=np.int64).ravel()
    cap = int(flat.sum())
    if total >= cap:
        return flat.reshape(np.shape(weights)).copy()
    if total <= 0:
        return np.zeros(np.shape(weights), dtype=np.int64)
    out = rng.multivariate_hypergeometric(flat, int(total), method="marginals")
    return out.reshape(np.shape(weights))
