"""Known answers for the common-random-numbers binomial (:func:`simulate.streams.binomial`).

Every count the engine draws (dropouts, progression, market shares, bases lost) goes through it, and its
inversion of one uniform per cell is what keeps compared scenarios paired, so it is checked against the exact
quantile function, not against its own earlier output.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import binom

from simulate.streams import binomial


def _cells(rng: np.random.Generator, size: int, n_max: int, p_lo: float, p_hi: float):
    n = rng.integers(1, n_max + 1, size)
    p = rng.uniform(p_lo, p_hi, size)
    return n, p, rng.random(size)


def test_small_variance_cells_are_the_exact_quantile():
    """Variance below 2 (the exact branch): the draw is the smallest k with P(X ≤ k) ≥ u."""
    rng = np.random.default_rng(11)
    n, p, u = _cells(rng, 20_000, 40, 0.0, 0.5)
    small = n * p * (1 - p) < 2
    n, p, u = n[small], p[small], u[small]
    assert n.size > 5_000 and n.max() > 20  # long running sums (twenty terms and more) are covered
    np.testing.assert_array_equal(binomial(n, p, u), binom.ppf(u, n, p).astype(np.int64))


def test_cells_above_one_half_invert_the_other_tail():
    """p > 1/2 draws n − Bin(n, 1 − p) at 1 − u, so the draw still rises with u."""
    rng = np.random.default_rng(12)
    n, p, u = _cells(rng, 5_000, 30, 0.5, 1.0)
    small = n * p * (1 - p) < 2
    n, p, u = n[small], p[small], u[small]
    np.testing.assert_array_equal(binomial(n, p, u), n - binom.ppf(1 - u, n, 1 - p).astype(np.int64))


def test_large_variance_cells_have_the_binomial_mean_and_variance():
    """Variance ≥ 2 (Cornish–Fisher): over evenly spread uniforms the draws' mean and variance are Bin(n, p)'s."""
    u = (np.arange(20_000) + 0.5) / 20_000
    for n, p in ((20, 0.3), (500, 0.02), (10_000, 0.45), (80, 0.9)):
        x = binomial(np.full(u.size, n), p, u)
        assert abs(x.mean() - n * p) < 0.02 * np.sqrt(n * p * (1 - p)) + 0.01
        assert abs(x.var() / (n * p * (1 - p)) - 1) < 0.03
        assert x.min() >= 0 and x.max() <= n


def test_draws_rise_with_the_uniform_the_count_and_the_probability():
    """Comonotone coupling: a lever that raises a cell's count or probability never lowers its draw."""
    rng = np.random.default_rng(13)
    n, p, u = _cells(rng, 4_000, 300, 0.0, 1.0)
    x = binomial(n, p, u)
    assert (binomial(n, p, np.minimum(u + 0.01, 1 - 1e-12)) >= x).all()
    assert (binomial(n + 3, p, u) >= x).all()
    assert (binomial(n, np.minimum(p + 0.02, 1.0), u) >= x).all()


def test_uniforms_asked_per_cell_give_the_same_draws_as_the_whole_array():
    """``u`` as a function is asked for the non-empty cells only, and each cell draws what it draws from the array."""
    rng = np.random.default_rng(14)
    n = rng.integers(0, 6, (30, 8)) * rng.integers(0, 2, (30, 8))  # about half the cells empty
    p = rng.uniform(0, 1, (30, 8))
    u = rng.random(n.size)
    asked = []

    def by_cell(idx: np.ndarray) -> np.ndarray:
        asked.append(idx)
        return u[idx]

    np.testing.assert_array_equal(binomial(n, p, by_cell), binomial(n, p, u.reshape(n.shape)))
    np.testing.assert_array_equal(np.concatenate(asked), np.flatnonzero(n))
    assert (binomial(n, p, by_cell)[n == 0] == 0).all()
