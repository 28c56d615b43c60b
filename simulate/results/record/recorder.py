"""The recorder: collects indicator rows of one replication and builds the tidy table.

Values are summed by level × sub-region with ``reduceat`` and then totalled
to ``all`` levels and the whole province, so every aggregate row is exactly
the sum of its parts. Ratios are computed from the summed numerators and
denominators, never averaged.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulate.results.indicators import INDICATORS
from simulate.scenario.schema import LEVELS
from simulate.world import World

COLUMNS = ["scenario", "replication", "year", "region", "level", "dimension", "indicator", "value"]
"""Columns of ``results.parquet``."""


class _Layout:
    """Row metadata of one recording call: level and region codes, dimension codes, indicator."""

    __slots__ = ("indicator", "level", "region", "dims", "size")

    def __init__(self, indicator: str, level: np.ndarray, region: np.ndarray, dims: np.ndarray):
        # small integer codes (made once per layout): :meth:`Recorder.frame` concatenates and checks a fraction of
        # the bytes, and pandas narrows category codes to the same smallest type whatever type it is given
        self.indicator = indicator
        self.level, self.region, self.dims = (np.asarray(c, np.int16) for c in (level, region, dims))
        self.size = level.size


class Recorder:
    """Collects indicator rows for one replication; :meth:`frame` returns the tidy table.

    Every year records the same sequence of calls, so each call's row metadata (levels,
    regions, dimensions) is built once and reused: a year costs only its values.
    """

    def __init__(self, w: World, topics: frozenset[str] | None = None):
        sc = w.sc
        self.topics = topics
        self.levels = list(LEVELS) + ["all", "enterprise"]
        self.regions = [r.name for r in sc.region.subregions] + [sc.region.name]
        self._n_l, self._n_r = len(LEVELS), len(sc.region.subregions)
        key = w.schools.level.astype(np.int64) * self._n_r + w.schools.subregion
        # schools are laid out by level, then sub-region: each cell is a contiguous run of schools
        self._order = None if np.all(np.diff(key) >= 0) else np.argsort(key, kind="stable")
        counts = np.bincount(key, minlength=self._n_l * self._n_r)
        self._cells = np.flatnonzero(counts)
        self._starts = (np.cumsum(counts) - counts)[self._cells]
        li, ri = np.meshgrid(np.arange(self._n_l + 1), np.arange(self._n_r + 1), indexing="ij")
        self._li, self._ri = li.ravel(), ri.ravel()
        self._dims: dict[str, int] = {"total": 0}
        self._layouts: list[_Layout] = []
        self._pos = 0
        self._chunks: list[tuple[int, _Layout, np.ndarray]] = []

    def begin_year(self) -> None:
        """Start a year's recording (call sites are matched to layouts by their order)."""
        self._pos = 0

    def _add(self, year: int, indicator: str, values: np.ndarray, make: callable) -> None:
        pos = self._pos
        self._pos += 1
        lay = self._layouts[pos] if pos < len(self._layouts) else None
        if lay is None or lay.indicator != indicator or lay.size != values.size:
            assert indicator in INDICATORS, indicator
            lay = _Layout(indicator, *make())
            if pos < len(self._layouts):
                self._layouts[pos] = lay
            else:
                self._layouts.append(lay)
        self._chunks.append((year, lay, values))

    def _codes(self, dims: list[str] | None, n: int) -> np.ndarray:
        """Integer codes of ``dims`` (a breakdown repeated to ``n`` rows; ``None`` = total)."""
        key = tuple(dims) if dims else ("total",)
        base = np.array([self._dims.setdefault(d, len(self._dims)) for d in key], np.int32)
        return np.tile(base, n // base.size)

    # -- grids ------------------------------------------------------------------
    def sum_lr(self, per_school: np.ndarray) -> np.ndarray:
        """Sum a per-school array (``(S,)`` or ``(S, K)``) to ``(L+1, R+1[, K])`` with totals last."""
        v = np.asarray(per_school, float)
        if self._order is not None:
            v = v[self._order]
        g = np.zeros((self._n_l * self._n_r, *v.shape[1:]))
        g[self._cells] = np.add.reduceat(v, self._starts, axis=0)
        return self.with_totals(g.reshape(self._n_l, self._n_r, *v.shape[1:]))

    def min_lr(self, per_school: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Smallest per-school value of each level × sub-region cell (and of their totals), over ``mask``.

        NaN where no school of the cell is in ``mask``.
        """
        n_l, n_r = self._n_l, self._n_r
        v = np.where(mask, np.asarray(per_school, float), np.inf)
        if self._order is not None:
            v = v[self._order]
        out = np.full(n_l * n_r, np.inf)
        out[self._cells] = np.minimum.reduceat(v, self._starts)  # the cells' contiguous runs, as in sum_lr
        g = out.reshape(n_l, n_r)
        full = np.full((n_l + 1, n_r + 1), np.inf)
        full[:n_l, :n_r] = g
        full[:n_l, n_r] = g.min(axis=1)
        full[n_l] = full[:n_l].min(axis=0)
        return np.where(np.isinf(full), np.nan, full)

    @staticmethod
    def with_totals(g: np.ndarray) -> np.ndarray:
        """Append the province column and the ``all`` levels row to an ``(L, R[, K])`` grid."""
        n_l, n_r = g.shape[:2]
        out = np.empty((n_l + 1, n_r + 1, *g.shape[2:]))
        out[:n_l, :n_r] = g
        out[:n_l, n_r] = g.sum(axis=1)
        out[n_l] = out[:n_l].sum(axis=0)
        return out

    def grid(self, year: int, indicator: str, grid: np.ndarray, dims: list[str] | None = None) -> None:
        """Record a ``(L+1, R+1[, K])`` grid of level × region (× dimension) values."""
        li, ri = self._li, self._ri
        if grid.ndim == 2:
            self._add(year, indicator, grid.ravel(), lambda: (li, ri, self._codes(None, li.size)))
        else:
            k = grid.shape[2]
            self._add(year, indicator, grid.reshape(-1),
                      lambda: (np.repeat(li, k), np.repeat(ri, k), self._codes(dims, li.size * k)))

    def ratio(self, year: int, indicator: str, num: np.ndarray, den: np.ndarray) -> None:
        """Record num/den per cell (NaN where the denominator is zero)."""
        num, den = np.asarray(num), np.asarray(den)  # .shape of arrays: np.shape is a Python call, 255 ratios a run
        shape = num.shape if num.shape == den.shape else np.broadcast_shapes(num.shape, den.shape)
        out = np.full(shape, np.nan)
        self.grid(year, indicator, np.divide(num, den, out=out, where=den > 0))

    def region_vector(self, year: int, indicator: str, values: np.ndarray, level: str = "enterprise",
                      dims: list[str] | None = None) -> None:
        """Record ``(R+1[, K])`` values for one level (default ``enterprise``)."""
        v = np.asarray(values, float)
        li = self.levels.index(level)
        n_r = v.shape[0]
        if v.ndim == 1:
            self._add(year, indicator, v, lambda: (np.full(n_r, li), np.arange(n_r), self._codes(None, n_r)))
        else:
            k = v.shape[1]
            self._add(year, indicator, v.reshape(-1), lambda: (
                np.full(n_r * k, li), np.repeat(np.arange(n_r), k), self._codes(dims, n_r * k)))

    def province(self, year: int, indicator: str, value, level: str = "enterprise", dims: list[str] | None = None
                 ) -> None:
        """Record a province-level value (or a ``(K,)`` breakdown over ``dims``)."""
        v = np.asarray(value, float)
        if v.ndim == 0:  # a scalar (most calls: ~440 a replication): reshape, not atleast_1d's Python wrapper
            v = v.reshape(1)
        li, ri = self.levels.index(level), len(self.regions) - 1
        self._add(year, indicator, v, lambda: (np.full(v.size, li), np.full(v.size, ri), self._codes(dims, v.size)))

    # -- output -----------------------------------------------------------------
    def frame(self, scenario: str, replication: int) -> pd.DataFrame:
        """The tidy table of everything recorded."""
        names = list(INDICATORS)
        code = {n: i for i, n in enumerate(names)}
        sizes = np.array([lay.size for _, lay, _ in self._chunks])
        n = int(sizes.sum())
        years = np.repeat(np.array([c[0] for c in self._chunks], np.int16), sizes)
        inds = np.repeat(np.array([code[lay.indicator] for _, lay, _ in self._chunks], np.int32), sizes)
        cat = pd.Categorical.from_codes
        dim_names = sorted(self._dims, key=self._dims.get)
        return pd.DataFrame({
            "scenario": cat(np.zeros(n, np.int8), categories=[scenario]),
            "replication": np.full(n, replication, np.int32),
            "year": years,
            "region": cat(np.concatenate([lay.region for _, lay, _ in self._chunks]), categories=self.regions),
            "level": cat(np.concatenate([lay.level for _, lay, _ in self._chunks]), categories=self.levels),
            "dimension": cat(np.concatenate([lay.dims for _, lay, _ in self._chunks]), categories=dim_names),
            "indicator": cat(inds, categories=names),
            "value": np.concatenate([v for _, _, v in self._chunks]).astype(float, copy=False),
        }, columns=COLUMNS)
