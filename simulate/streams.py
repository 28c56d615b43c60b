"""Random streams keyed by (replication, year, step, purpose): common random numbers by construction.

Every random draw of a replication comes from a stream named by *why* it is drawn: the
year, the step of the calendar and the purpose (``streams.get(2024, "july", "dropout")``).
Streams are counter-based generators (:class:`numpy.random.Philox`, Random123) whose key is a
hash of the root seed, the replication and the stream's name, so

* a lever value or an extra draw in one step never shifts the draws of another step or year;
* per-record uniforms (:meth:`Streams.uniform_at`) are a counter-based hash of the stream key and
  the record index (SplitMix64, the generator behind Java's ``SplittableRandom``): record ``i``
  gets the same number in every compared scenario whatever other records exist or are drawn,
  and drawing for a subset costs only the subset. This is what keeps lever comparisons paired;
* the numbers depend only on (seed, replication, year, step, purpose), never on worker count,
  process or machine.
"""

from __future__ import annotations

import functools
import zlib
from collections.abc import Callable

import numpy as np
from scipy.special import ndtri

from simulate.jit import jit

Draw = Callable[[str, np.ndarray], np.ndarray]
"""``draw(purpose, idx)``: keyed uniforms for records ``idx`` in the current year and step."""

_MASK = (1 << 64) - 1


_C0, _C1, _C2 = np.uint64(0x9E3779B97F4A7C15), np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)
_S11, _S27, _S30, _S31 = np.uint64(11), np.uint64(27), np.uint64(30), np.uint64(31)


@jit
def _mix64(x: np.uint64) -> np.uint64:  # pragma: no cover - compiled
    """:func:`_mix` on a uint64, for compiled callers."""
    x = x + _C0
    x = (x ^ (x >> _S30)) * _C1
    x = (x ^ (x >> _S27)) * _C2
    return x ^ (x >> _S31)


@jit
def _hash_uniform(idx: np.ndarray, root: np.uint64, step_key: np.uint64,
                  purpose: np.uint64) -> np.ndarray:  # pragma: no cover - compiled
    """Keyed uniforms of records ``idx`` in one pass: SplitMix64 of ``idx ^ word``, top 53 bits on [0, 1).

    ``word`` hashes the stream's key (:meth:`Streams.key`: ``root`` and ``_mix(step_key ^ purpose)``) here rather
    than in Python, where its three 64-bit hashes on Python integers cost more than hashing the records:
    almost every stream is drawn from once a replication, so caching the word saved little.
    """
    word = _mix64(root ^ _mix64(_mix64(step_key ^ purpose)))
    out = np.empty(idx.size, np.float64)
    for i in range(idx.size):
        x = _mix64(np.uint64(idx[i]) ^ word)
        out[i] = np.float64(x >> _S11) * (1.0 / 9007199254740992.0)
    return out


def _mix(x: int) -> int:
    """SplitMix64 finaliser: a well-spread 64-bit hash of a 64-bit integer."""
    x = (x + 0x9E3779B97F4A7C15) & _MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK
    return x ^ (x >> 31)


@functools.lru_cache(maxsize=1024)
def _code(name: str) -> int:
    return zlib.crc32(name.encode("utf-8"))


class Streams:
    """The keyed random streams of one replication.

    Args:
        seed: the run's root seed (any non-negative integer).
        replication: the replication index.
    """

    def __init__(self, seed: int, replication: int):
        self.seed, self.replication = int(seed), int(replication)
        self._root = _mix(_mix(self.seed & _MASK) ^ (self.replication * 0xD1B54A32D192ED03 & _MASK))
        self._steps: dict[tuple[int, str], int] = {}  # (year, step) -> its key word, computed once
        self._root64 = np.uint64(self._root)

    def key(self, year: int, step: str, purpose: str) -> tuple[int, int]:
        """The two 64-bit Philox key words of a stream."""
        return self._root, _mix(self._step_key(year, step) ^ _code(purpose))

    def _step_key(self, year: int, step: str) -> int:
        k = self._steps.get((year, step))
        if k is None:
            k = self._steps[(year, step)] = _mix(self._root ^ _mix((int(year) << 32) ^ _code(step)))
        return k

    def get(self, year: int, step: str, purpose: str) -> np.random.Generator:
        """A fresh generator for one (year, step, purpose); the same key always gives the same numbers."""
        bg = np.random.Philox(key=np.array(self.key(year, step, purpose), dtype=np.uint64), counter=0)
        return np.random.Generator(bg)

    def uniform_at(self, year: int, step: str, purpose: str, idx: np.ndarray) -> np.ndarray:
        """Uniforms on [0, 1) for records ``idx``: the value of record ``i`` depends only on the stream and ``i``."""
        step_key, code = np.uint64(self._step_key(year, step)), np.uint64(_code(purpose))
        if type(idx) is np.ndarray and idx.dtype == np.int64 and idx.ndim == 1:  # the usual call: no conversions
            return _hash_uniform(idx, self._root64, step_key, code)
        flat = np.asarray(idx, np.int64).ravel()
        return _hash_uniform(flat, self._root64, step_key, code).reshape(np.shape(idx))

    def uniform(self, year: int, step: str, purpose: str, n: int) -> np.ndarray:
        """Uniforms for records ``0 … n−1`` (record ``i`` gets the same value for any ``n > i``)."""
        return self.uniform_at(year, step, purpose, np.arange(int(n)))


def binomial(n: np.ndarray, p: np.ndarray | float, u: np.ndarray | Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """Binomial(n, p) draws by inversion of one uniform per cell: the common-random-numbers binomial.

    The draw is the ``u``-quantile of Binomial(n, p), so it rises with ``n`` and ``p`` for a fixed ``u``:
    a lever that changes a cell's count or probability moves its draw only as much as the change implies
    (the comonotone coupling of compared scenarios; Law & Kelton, *Simulation Modeling and Analysis*,
    §11.2). Cells with variance n·p·(1−p) ≥ 2 use the Cornish–Fisher quantile (normal with the skewness
    term; mean and variance exact to the rounding); the others are inverted exactly by summing the mass.

    ``u`` is one uniform per cell, or ``u(idx)`` giving the uniforms of the flat cells ``idx`` (keyed uniforms,
    e.g. ``lambda idx: draw(purpose, idx)``): it is then asked for the non-empty cells only, which get the same
    values as from the whole array, without hashing the empty cells (most of a sparse grid).
    """
    n = np.asarray(n, np.int64)
    shape = n.shape
    n = n.ravel()
    p = np.asarray(p, float)
    some = np.flatnonzero(n)
    full = some.size == n.size  # every cell holds someone
    if callable(u):
        u = np.asarray(u(some), float)
    else:
        u = np.asarray(u, float).ravel()
        if not full:
            u = u[some]
    if full:
        if p.shape != shape:
            p = np.broadcast_to(p, shape)
        return _invert(n, p.ravel(), u).reshape(shape)
    # an empty cell draws 0: invert only the others (every step is per cell)
    out = np.zeros(n.size, np.int64)
    if some.size:
        if p.ndim == 0:
            ps = np.full(some.size, p)
        else:
            ps = (p if p.shape == shape else np.broadcast_to(p, shape)).ravel()[some]
        out[some] = _invert(n[some], ps, u)
    return out.reshape(shape)


def _invert(n: np.ndarray, p: np.ndarray, u: np.ndarray) -> np.ndarray:
    """:func:`binomial` for flat arrays of non-empty cells.

    Each cell inverts its smaller tail (``n − Bin(n, 1 − p)`` at ``1 − u`` for p > 0.5 keeps the draw rising in
    u); cells with variance ≥ 2 take the Cornish–Fisher quantile and the others are inverted exactly
    (:func:`_count_below`). numpy computes the two transcendental inputs for every cell (the normal quantile of the
    clipped uniform and ``(1 − p)^n``, so their last bits are numpy's), and one compiled pass
    (:func:`_invert_cells`) does the rest: the arrays are small (hundreds to a few thousand cells) and this runs
    ~8 times a simulated year, so the ~25 numpy calls of the array form cost more than the arithmetic.
    """
    flip = p > 0.5
    pf = np.where(flip, 1.0 - p, p)
    uf = np.where(flip, 1.0 - u, u)
    z = ndtri(np.minimum(np.maximum(uf, 1e-12), 1 - 1e-12))
    return _invert_cells(n, pf, uf, flip, z, np.power(1.0 - pf, n))


@jit
def _invert_cells(n: np.ndarray, p: np.ndarray, u: np.ndarray, flip: np.ndarray, z: np.ndarray,
                  mass0: np.ndarray) -> np.ndarray:  # pragma: no cover - compiled
    """The draws of :func:`_invert` from the smaller-tail ``p``, ``u``, normal quantiles ``z`` and ``(1 − p)^n``."""
    out = np.empty(n.size, np.int64)
    for i in range(n.size):
        ni, pi = n[i], p[i]
        var = ni * pi * (1.0 - pi)
        if var >= 2.0:  # Cornish–Fisher: normal with the skewness term
            zi = z[i]
            q = ni * pi + np.sqrt(var) * zi + (1.0 - 2.0 * pi) * (zi * zi - 1.0) / 6.0
            x = min(max(np.floor(q + 0.5), 0.0), float(ni))
            k = np.int64(x)
        elif ni > 0 and pi > 0:
            k = min(_count_below_one(ni, pi / (1.0 - pi), u[i], mass0[i]), ni)
        else:
            k = 0
        out[i] = ni - k if flip[i] else k
    return out


@jit
def _count_below_one(n: np.int64, ratio: float, u: float, mass0: float) -> np.int64:  # pragma: no cover
    """Exact inversion of a cell with variance below 2: how many of ``cdf_0 … cdf_{n−1}`` lie below ``u``.

    ``mass_k = mass_{k−1} · (n − k + 1)·r/k`` with r = p/(1 − p) and ``mass_0 = (1 − p)^n`` (numpy's ``power``,
    passed in), and ``cdf_k = cdf_{k−1} + mass_k``. The cdf never falls, so the count is the first term that
    reaches ``u``, or n if none of the first n does (a Bernoulli cell needs only ``cdf_0``).
    """
    m = mass0
    c = m
    k = 0
    while u > c:
        k += 1
        if k >= n:
            break
        m = m * ((n - k + 1) * ratio / k)
        c = c + m
    return k
