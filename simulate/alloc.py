"""Deterministic integer splits: share a whole number of people over cells, exactly and reproducibly.

Where the model splits an aggregate that is known (applicants over school plans, offered seats
over the school-majors that asked, graduates of a major over the industries it serves), drawing
the split at random adds noise without information and breaks the pairing of compared scenarios.
These splits are proportional, integer and capped, with the remainder going to the largest
fractional parts (Hamilton's method), so they conserve people exactly.
"""

from __future__ import annotations

import numpy as np


def largest_remainder(total: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Split each row total over its row's weights: ``(G,)`` totals, ``(G, K)`` weights → ``(G, K)`` integers.

    Rows with zero weight get nothing; each row sums to its total otherwise.
    """
    total = np.asarray(total, np.int64)
    w = np.asarray(weights, float)
    s = w.sum(axis=1, keepdims=True)
    raw = np.divide(w * total[:, None], s, out=np.zeros_like(w), where=s > 0)
    base = np.floor(raw).astype(np.int64)
    short = np.where(s[:, 0] > 0, total - base.sum(axis=1), 0)
    if np.count_nonzero(short):
        frac = raw - base
        rank = np.argsort(np.argsort(-frac, axis=1, kind="stable"), axis=1, kind="stable")
        base += rank < short[:, None]
    return base


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
    group = np.asarray(group, np.int64)
    # cells that want nothing get nothing, and the others are ranked by group, remainder and cell order, so
    # the split of the asking cells alone is the same: most grids are sparse (school-majors seeking seats or
    # bases), and only those cells are worked on
    asks = np.flatnonzero(wants)
    if asks.size == wants.size:
        return _fill_groups(cap, wants, group)
    out = np.zeros(wants.size, np.int64)
    if asks.size:
        out[asks] = _fill_groups(cap, wants[asks], group[asks])
    return out


def _fill_groups(cap: np.ndarray, wants: np.ndarray, group: np.ndarray) -> np.ndarray:
    """:func:`fill` for several groups (``cap`` whole units per group)."""
    n_g = cap.size
    tot = np.bincount(group, weights=wants, minlength=n_g).astype(np.int64)
    give = np.minimum(cap, tot)
    ratio = np.divide(give, tot, out=np.zeros(n_g), where=tot > 0)
    raw = wants * ratio[group]
    out = np.minimum(np.floor(raw + 1e-9).astype(np.int64), wants)
    short = give - np.bincount(group, weights=out, minlength=n_g).astype(np.int64)
    if np.count_nonzero(short):
        frac = np.where(out < wants, raw - out, -1.0)
        cand = np.flatnonzero(frac > 0)
        order = cand[np.lexsort((cand, -frac[cand], group[cand]))]
        g_sorted = group[order]
        rank = np.arange(order.size) - np.searchsorted(g_sorted, g_sorted)
        add = (rank < short[g_sorted]) & (out[order] < wants[order])
        out[order[add]] += 1
    return out


def _fill_one(cap: int, wants: np.ndarray) -> np.ndarray:
    """:func:`fill` for a single group (every cell passed: ``argpartition``'s ties depend on the cells it sees)."""
    tot = int(wants.sum())
    if cap >= tot:
        return wants.copy()
    if cap <= 0:
        return np.zeros_like(wants)
    raw = wants * (cap / tot)
    out = np.floor(raw + 1e-9).astype(np.int64)
    np.minimum(out, wants, out=out)
    short = cap - int(out.sum())
    if short > 0:
        frac = np.where(out < wants, raw - out, -1.0)
        top = np.argpartition(-frac, short - 1)[:short] if short < frac.size else np.arange(frac.size)
        out[top] += 1
    return out
