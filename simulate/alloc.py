"""Deterministic integer splits: share a whole number of people over cells, exactly and reproducibly.

Where the model splits an aggregate that is known (applicants over school plans, offered seats
over the school-majors that asked, graduates of a major over the industries it serves), drawing
the split at random adds noise without information and breaks the pairing of compared scenarios.
These splits are proportional, integer and capped, with the remainder going to the largest
fractional parts (Hamilton's method), so they conserve people exactly.
"""

from __future__ import annotations

import numpy as np

from simulate.jit import jit


def largest_remainder(total: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Split each row total over its row's weights: ``(G,)`` totals, ``(G, K)`` weights → ``(G, K)`` integers.

    Rows with zero weight get nothing; each row sums to its total otherwise.
    """
    total = np.asarray(total, np.int64)
    w = np.asarray(weights, float)
    if total.shape != w.shape[:1]:  # the kernel does not check bounds: refuse here what it would misread
        raise ValueError(f"largest_remainder: {total.shape} totals for {w.shape} weights (one total per row)")
    s = w.sum(axis=1)  # numpy's (pairwise) row sums: the kernel takes them as given
    out = np.zeros(w.shape, np.int64)
    rows = np.arange(total.size)
    _remainder_rows(out, rows, total, np.ascontiguousarray(w), s, rows)
    return out


def largest_remainder_into(out: np.ndarray, dest: np.ndarray, total: np.ndarray, weights: np.ndarray,
                           row: np.ndarray) -> None:
    """:func:`largest_remainder` of ``total[i]`` over ``weights[row[i]]``, written to ``out[dest[i]]`` (int64).

    The same integers, without gathering a weight row per total: callers split thousands of cells over the
    few rows of a major → industry matrix. The row sums are numpy's over ``weights`` (pairwise per row, the
    same sums as over gathered copies of the rows).
    """
    w = np.asarray(weights, float)
    _remainder_rows(out, np.asarray(dest, np.int64), np.asarray(total, np.int64), np.ascontiguousarray(w),
                    w.sum(axis=1), np.asarray(row, np.int64))


@jit
def _remainder_rows(out: np.ndarray, dest: np.ndarray, total: np.ndarray, w: np.ndarray, s: np.ndarray,
                    row: np.ndarray) -> None:
    """:func:`largest_remainder` of ``total[i]`` over ``w[row[i]]`` (row sum ``s[row[i]]``) into ``out[dest[i]]``.

    A compiled loop over the rows (callers split thousands of cells over a dozen industries, twice a
    July): per row the numpy form's float operations in its order, ``w·total / s``, floored; the ``short``
    units left go to the largest fractional parts, equal parts in column order (the stable ranking of
    ``argsort(-frac)``), picked one at a time since a row has few columns.
    """
    k_n = w.shape[1]
    frac = np.empty(k_n)
    picked = np.empty(k_n, np.bool_)
    for i in range(total.size):
        r = row[i]
        d = dest[i]
        if not s[r] > 0:
            continue  # a row without weight gets nothing
        short = total[i]
        for k in range(k_n):
            raw = w[r, k] * total[i] / s[r]
            b = np.int64(np.floor(raw))
            out[d, k] = b
            frac[k] = raw - b
            short -= b
            picked[k] = False
        for _ in range(min(short, k_n)):
            best = -1
            for k in range(k_n):
                if not picked[k] and (best < 0 or frac[k] > frac[best]):
                    best = k
            picked[best] = True
            out[d, best] += 1


def fill(capacity: np.ndarray, wants: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Give each cell a share of its group's capacity in proportion to what it wants, never more.

    Args:
        capacity: ``(G,)`` whole units available per group.
        wants: ``(N,)`` whole units each cell wants.
        group: ``(N,)`` group of each cell.

    Returns:
        ``(N,)`` integers ``x ≤ wants`` with ``Σ_group x = min(capacity, Σ_group wants)``.
    """
    wants = np.asarray(wants, np.int64)
    n_g = np.asarray(capacity).size
    cap = np.floor(np.asarray(capacity, float) + 1e-9).astype(np.int64)
    if n_g == 1:
        return _fill_one(int(cap.reshape(-1)[0]), wants)
    return _fill_groups(cap, wants, np.asarray(group, np.int64))


def _fill_groups(cap: np.ndarray, wants: np.ndarray, group: np.ndarray) -> np.ndarray:
    """:func:`fill` for several groups (``cap`` whole units per group), as one compiled pass (:func:`_fill_kernel`)."""
    group = np.asarray(group, np.int64)
    out, short, frac = _fill_kernel(np.asarray(cap, np.int64), np.asarray(wants, np.int64), group)
    hand_out(out, short, frac, frac > 0, group)
    return out


@jit
def _fill_kernel(cap: np.ndarray, wants: np.ndarray, group: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`_fill_groups` per cell: the numpy form's float operations in its order, without its dozen passes.

    Each cell gets ``min(floor(wants · give/tot + 1e-9), wants)``, ``give/tot`` its group's served share; the
    units a group still owes go one each to its cells with the largest remainders, equal remainders in cell
    order (:func:`hand_out`: a stable sort by remainder, ranked within each group, the order of the numpy
    ``lexsort``). Returns the floors, the units each group still owes and the cells' remainders (−1: none).

    Cells that want nothing get nothing and are never ranked (nor is their group read), so the split of the
    asking cells is the one they would get alone: most grids are sparse (school-majors seeking seats or
    bases), and the kernel skips the others instead of the caller gathering and scattering the asking cells.
    """
    n_g = cap.size
    n = wants.size
    tot = np.zeros(n_g, np.int64)
    for k in range(n):
        if wants[k] != 0:
            tot[group[k]] += wants[k]
    give = np.minimum(cap, tot)
    ratio = np.zeros(n_g)
    for g in range(n_g):
        if tot[g] > 0:
            ratio[g] = give[g] / tot[g]
    out = np.empty(n, np.int64)
    frac = np.empty(n)
    short = give.copy()
    for k in range(n):
        if wants[k] == 0:
            out[k] = 0
            frac[k] = -1.0
            continue
        raw = wants[k] * ratio[group[k]]
        o = min(np.int64(np.floor(raw + 1e-9)), wants[k])
        out[k] = o
        frac[k] = raw - o if o < wants[k] else -1.0
        short[group[k]] -= o
    return out, short, frac


def hand_out(out: np.ndarray, short: np.ndarray, key: np.ndarray, eligible: np.ndarray, group: np.ndarray) -> None:
    """The units ``short`` per group go one each to its ``eligible`` cells with the largest ``key``, ties in cell order.

    The last step of a water-filling split (here and in :mod:`simulate.market.labour`): numpy's stable sort,
    then a compiled pass ranking the cells within their group (numba's own stable sort took ~5 s to compile).
    """
    if np.any(short != 0):
        cand = np.flatnonzero(eligible)
        _hand_out(out, short, cand, np.argsort(-key[cand], kind="stable"), group)


@jit
def _hand_out(out: np.ndarray, short: np.ndarray, cand: np.ndarray, order: np.ndarray, group: np.ndarray) -> None:
    """:func:`hand_out`'s ranking: ``cand[order]`` in turn, one unit each while its group is owed."""
    rank = np.zeros(short.size, np.int64)
    for j in order:
        k = cand[j]
        g = group[k]
        if rank[g] < short[g]:
            out[k] += 1
        rank[g] += 1


def _fill_one(cap: int, wants: np.ndarray) -> np.ndarray:
    """:func:`fill` for a single group (every cell passed: ``argpartition``'s ties depend on the cells it sees).

    The proportional floors and remainders are one compiled pass (:func:`_floor_shares`); the last units
    stay with numpy's ``argpartition`` on the same remainders, so tied cells are chosen as before.
    """
    out, frac, short = _floor_shares(cap, wants)
    if short > 0:
        top = np.argpartition(-frac, short - 1)[:short] if short < frac.size else np.arange(frac.size)
        out[top] += 1
    return out


@jit
def _floor_shares(cap: int, wants: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """:func:`_fill_one`'s floors ``min(floor(wants · cap/tot + 1e-9), wants)``, remainders and units left.

    The remainder is −1 for a cell already at its wants (never topped up); nothing is left when the group can
    serve everyone (each cell gets its wants) or has nothing to give.
    """
    n = wants.size
    tot = 0
    for k in range(n):
        tot += wants[k]
    frac = np.full(n, -1.0)
    if cap >= tot:
        return wants.copy(), frac, 0
    out = np.zeros(n, np.int64)
    if cap <= 0:
        return out, frac, 0
    ratio = cap / tot
    short = cap
    for k in range(n):
        raw = wants[k] * ratio
        o = min(np.int64(np.floor(raw + 1e-9)), wants[k])
        out[k] = o
        short -= o
        if o < wants[k]:
            frac[k] = raw - o
    return out, frac, short
