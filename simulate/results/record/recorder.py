"""The recorder: collects indicator rows of one replication and builds the tidy table.

Values are summed by level × sub-region with ``reduceat`` and then totalled
to ``all`` levels and the whole province, so every aggregate row is exactly
the sum of its parts. Ratios are computed from the summed numerators and
denominators, never averaged.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from simulate.results.indicators import INDICATORS
from simulate.scenario.schema import LEVELS
from simulate.world import World

COLUMNS = ["scenario", "replication", "year", "region", "level", "dimension", "indicator", "value"]
"""Columns of ``results.parquet``."""


class _Layout:
    """Row metadata of one recording call: the indicator and its rows' level, region and dimension codes."""

    __slots__ = ("indicator", "meta", "size")

    def __init__(self, indicator: str, meta: np.ndarray):
        self.indicator = indicator
        self.meta = meta
        self.size = meta.shape[1]


_META: dict[tuple, np.ndarray] = {}
"""Row codes of a layout, ``(3, rows)`` int16 (level, region, dimension), shared by every recorder.

Keyed by everything that makes them (the call's kind, the grid's size, the level, the rows and the dimension
codes), so a replication reuses the arrays of the ones before it instead of building ~80 each time: the
codes, not the names, are in the key, so recorders that number their dimensions differently never share.
Read-only arrays; a few hundred per distinct province layout.
"""


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
        self._memo: dict[str, object] = {}

    def memo(self, key: str, make: Callable[[], object]) -> object:
        """``make()`` once per recorder (breakdown labels and the like, fixed for a replication's scenario)."""
        got = self._memo.get(key)
        if got is None:
            got = self._memo[key] = make()
        return got

    def begin_year(self) -> None:
        """Start a year's recording (call sites are matched to layouts by their order)."""
        self._pos = 0

    def _add(self, year: int, indicator: str, values: np.ndarray, kind: str, level: int, dims: list[str] | None
             ) -> None:
        """Append one call's values; its layout is the one this call site had last year unless it changed."""
        pos = self._pos
        self._pos += 1
        lay = self._layouts[pos] if pos < len(self._layouts) else None
        if lay is None or lay.indicator != indicator or lay.size != values.size:
            assert indicator in INDICATORS, indicator
            lay = _Layout(indicator, self._meta(kind, level, values.size, dims))
            if pos < len(self._layouts):
                self._layouts[pos] = lay
            else:
                self._layouts.append(lay)
        self._chunks.append((year, lay, values))

    def _meta(self, kind: str, level: int, n: int, dims: list[str] | None) -> np.ndarray:
        """The ``(3, n)`` level, region and dimension codes of a call's rows (see :data:`_META`).

        ``grid``: every level × region cell (with totals), each repeated for the breakdown; ``region``: one level,
        the regions (with the province), each repeated for the breakdown; ``province``: one level, the province.
        The dimension codes (a breakdown ``dims``, ``None`` = total) repeat to ``n`` rows.
        """
        codes = tuple(self._dims.setdefault(d, len(self._dims)) for d in (tuple(dims) if dims else ("total",)))
        key = (kind, self._n_l, self._n_r, level, n, codes)
        meta = _META.get(key)
        if meta is None:
            k = len(codes)
            if kind == "grid":
                lv, rg = np.repeat(self._li, k), np.repeat(self._ri, k)
            elif kind == "region":
                lv, rg = np.full(n, level), np.repeat(np.arange(n // k), k)
            else:
                lv, rg = np.full(n, level), np.full(n, len(self.regions) - 1)
            meta = np.stack([lv, rg, np.tile(np.array(codes), n // k)]).astype(np.int16)
            meta.flags.writeable = False
            meta = _META.setdefault(key, meta)
        return meta

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
        if grid.ndim == 2:
            self._add(year, indicator, grid.ravel(), "grid", -1, None)
        else:
            self._add(year, indicator, grid.reshape(-1), "grid", -1, dims)

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
        if v.ndim == 1:
            self._add(year, indicator, v, "region", li, None)
        else:
            self._add(year, indicator, v.reshape(-1), "region", li, dims)

    def province(self, year: int, indicator: str, value, level: str = "enterprise", dims: list[str] | None = None
                 ) -> None:
        """Record a province-level value (or a ``(K,)`` breakdown over ``dims``)."""
        v = np.asarray(value, float)
        if v.ndim == 0:  # a scalar (most calls: ~440 a replication): reshape, not atleast_1d's Python wrapper
            v = v.reshape(1)
        self._add(year, indicator, v, "province", self.levels.index(level), dims)

    # -- output -----------------------------------------------------------------
    def frame(self, scenario: str, replication: int) -> pd.DataFrame:
        """The tidy table of everything recorded.

        The category codes are valid by construction (indices into the lists given with them), so pandas is
        spared checking each column's codes again.
        """
        names = list(INDICATORS)
        code = {n: i for i, n in enumerate(names)}
        chunks = self._chunks
        lays = [c[1] for c in chunks]
        sizes = np.array([lay.size for lay in lays])
        n = int(sizes.sum())
        years = np.repeat(np.array([c[0] for c in chunks], np.int16), sizes)
        inds = np.repeat(np.array([code[lay.indicator] for lay in lays], np.int32), sizes)
        meta = np.concatenate([lay.meta for lay in lays], axis=1)  # one concatenate for level, region and dims
        dim_names = sorted(self._dims, key=self._dims.get)

        def cat(codes, categories):
            return pd.Categorical.from_codes(codes, categories=categories, validate=False)

        return pd.DataFrame({
            "scenario": cat(np.zeros(n, np.int8), [scenario]),
            "replication": np.full(n, replication, np.int32),
            "year": years,
            "region": cat(meta[1], self.regions),
            "level": cat(meta[0], self.levels),
            "dimension": cat(meta[2], dim_names),
            "indicator": cat(inds, names),
            "value": np.concatenate([c[2] for c in chunks]).astype(float, copy=False),
        }, columns=COLUMNS)
