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

from simulate.jit import jit
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
    compiled = students.dtype == np.int64 and students.flags.c_contiguous  # the kernels' layout (the engine's)
    if uniform is not None and compiled:
        dropouts = _dropouts_keyed(students, dropout, uniform)
    elif uniform is not None:
        hit, (s, g, t), rows, lost = _dropout_rows(students, dropout, uniform)
        students[s, :, g, t] = rows - lost
        dropouts = np.zeros((n_s, n_m, n_t), np.int64)
        np.add.at(dropouts, (s, slice(None), t), lost)
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
    if compiled:
        # graduation and promotion in one compiled pass over the grades (three whole-array copies in numpy)
        graduates = _graduate_promote(students, np.asarray(final_grade, np.int64))
        return CohortStep(dropouts=dropouts, graduates=graduates)
    idx = np.arange(n_s)
    graduates = students[idx, :, final_grade, :]  # a copy (fancy indexing)
    students[idx, :, final_grade, :] = 0
    # promote: grade g -> g + 1 (grades past a school's final grade stay empty)
    students[:, :, 1:, :] = students[:, :, :-1, :].copy()
    students[:, :, 0, :] = 0
    return CohortStep(dropouts=dropouts, graduates=graduates)


def _dropouts_keyed(students: np.ndarray, dropout: np.ndarray, uniform: Callable[[np.ndarray], np.ndarray]
                    ) -> np.ndarray:
    """:func:`_dropout_rows` and its scatter for the engine's layout (C-contiguous int64): ``(S, M, T)`` dropouts.

    The same draws (uniforms for the same occupied rows, the same inversion) and the same split, but the row
    sums, the gathers and the split with its scatter are two compiled passes instead of about twenty numpy
    calls on ~75,000 cells, whose overhead and temporaries were most of the step's time.
    """
    n_s, n_t = students.shape[0], students.shape[3]
    d = np.ascontiguousarray(np.broadcast_to(dropout[:, None] if dropout.ndim == 1 else dropout, (n_s, n_t)),
                             dtype=float)
    some, n, p = _occupied_rows(students, d)
    total = binomial(n, p, uniform(some))
    return _split_dropouts(students, some, n, total)


@jit
def _occupied_rows(students: np.ndarray, dropout: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The (school, grade, track) rows holding students: flat indices in ``(S, G, T)``, students, probability."""
    n_s, n_m, n_g, n_t = students.shape
    block = n_g * n_t  # a (school, major)'s grades × tracks: contiguous, in the order of a school's rows
    flat = students.reshape(-1)
    n = np.zeros(n_s * block, np.int64)
    for s in range(n_s):
        for m in range(n_m):
            src = (s * n_m + m) * block
            for j in range(block):
                n[s * block + j] += flat[src + j]
    some = np.flatnonzero(n)
    p = np.empty(some.size)
    for k in range(some.size):
        r = some[k]
        p[k] = dropout[r // (n_g * n_t), r % n_t]
    return some, n[some], p


@jit
def _split_dropouts(students: np.ndarray, rows: np.ndarray, n: np.ndarray, total: np.ndarray) -> np.ndarray:
    """Split each row's dropouts over its majors (:func:`_dropout_rows`' cumulative shares), in place.

    Floats as in numpy: ``total / n`` per row, then ``floor(cumsum · share + 0.5)`` per major; the last major's
    cut is the exact total. Returns the ``(S, M, T)`` dropouts (integer sums over grades: exact in any order).
    """
    n_s, n_m, n_g, n_t = students.shape
    out = np.zeros((n_s, n_m, n_t), np.int64)
    for k in range(rows.size):
        if total[k] == 0:
            continue
        r = rows[k]
        s, g, t = r // (n_g * n_t), (r // n_t) % n_g, r % n_t
        share = total[k] / n[k]
        cum = 0
        prev = 0
        for m in range(n_m):
            cum += students[s, m, g, t]
            cut = total[k] if m == n_m - 1 else np.int64(np.floor(cum * share + 0.5))
            lost = cut - prev
            prev = cut
            students[s, m, g, t] -= lost
            out[s, m, t] += lost
    return out


@jit
def _graduate_promote(students: np.ndarray, final_grade: np.ndarray) -> np.ndarray:
    """Take each school's final grade out as graduates ``(S, M, T)`` and move every other grade up one, in place."""
    n_s, n_m, n_g, n_t = students.shape
    grads = np.empty((n_s, n_m, n_t), np.int64)
    for s in range(n_s):
        f = final_grade[s]
        for m in range(n_m):
            for t in range(n_t):
                grads[s, m, t] = students[s, m, f, t]
                students[s, m, f, t] = 0
            for g in range(n_g - 1, 0, -1):
                for t in range(n_t):
                    students[s, m, g, t] = students[s, m, g - 1, t]
            for t in range(n_t):
                students[s, m, 0, t] = 0
    return grads


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
