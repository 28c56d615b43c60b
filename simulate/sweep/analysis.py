"""Sensitivity analysis of a stored sweep, per outcome and milestone year (SALib).

Each outcome column (an indicator in a year, or a goal met 0/1 at a deadline) is averaged over a
design point's replications — for a goal, that mean is the probability the goal is met — and then:

* ``oat`` → the tornado table: the outcome at each factor's low and high level against the base point,
  with the paired (common random numbers) difference and its confidence interval;
* ``morris`` → μ, μ*, σ (``SALib.analyze.morris``) with bootstrap confidence intervals of μ* and σ;
* ``sobol`` → S1 and ST (``SALib.analyze.sobol``) with bootstrap confidence intervals (S2 if asked);
* ``lhs`` → S1 by RBD-FAST (``SALib.analyze.rbd_fast``) with its confidence interval;
* ``grid`` → main effects: the mean outcome at each level of each factor.

:func:`analyse` works on plain arrays (tests feed it analytic functions); :func:`analyse_store`
reads a sweep folder.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from simulate.sweep.sampling import unit_problem
from simulate.sweep.store import Store, q


class AnalysisError(Exception):
    """The store cannot be analysed yet (incomplete design points)."""


@dataclass
class Analysis:
    """Sensitivity tables of a sweep.

    Attributes:
        method: the design method.
        tables: ``points`` (design and outcome means) and the method's index table
            (``tornado``, ``morris``, ``sobol``, ``rbd_fast`` or ``main_effects``).
        notes: caveats (missing runs, constant outcomes).
    """

    method: str
    tables: dict[str, pd.DataFrame]
    notes: list[str] = field(default_factory=list)


def _z(conf: float) -> float:
    return float(stats.norm.ppf(0.5 + conf / 2))


def morris_indices(unit: np.ndarray, y: np.ndarray, names: list[str], num_levels: int, conf: float = 0.95,
                   resamples: int = 1000, seed: int = 0) -> pd.DataFrame:
    """μ, μ*, σ with confidence half-widths of μ* (SALib) and σ (same bootstrap of the elementary effects)."""
    from SALib.analyze import morris

    problem = unit_problem(names)
    si = morris.analyze(problem, unit, y, num_levels=num_levels, conf_level=conf, num_resamples=resamples, seed=seed)
    d = len(names)
    ee = morris._compute_elementary_effects(unit, y, d + 1, morris._compute_delta(num_levels))
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, ee.shape[1], (resamples, ee.shape[1]))
    boot = ee[:, idx].std(axis=2, ddof=1)
    sigma_conf = _z(conf) * boot.std(axis=1, ddof=1)
    return pd.DataFrame({"factor": names, "mu": si["mu"], "mu_star": si["mu_star"], "mu_star_conf": si["mu_star_conf"],
                         "sigma": si["sigma"], "sigma_conf": sigma_conf})


def sobol_indices(y: np.ndarray, names: list[str], second_order: bool = False, conf: float = 0.95,
                  resamples: int = 1000, seed: int = 0) -> pd.DataFrame:
    """S1, ST and their confidence half-widths (``SALib.analyze.sobol``)."""
    from SALib.analyze import sobol

    si = sobol.analyze(unit_problem(names), y, calc_second_order=second_order, num_resamples=resamples,
                       conf_level=conf, seed=seed)
    out = pd.DataFrame({"factor": names, "S1": si["S1"], "S1_conf": si["S1_conf"], "ST": si["ST"],
                        "ST_conf": si["ST_conf"]})
    if second_order:
        out["S2_max"] = np.nanmax(np.nan_to_num(si["S2"], nan=-np.inf), axis=1)
    return out


def rbd_fast_indices(unit: np.ndarray, y: np.ndarray, names: list[str], conf: float = 0.95, resamples: int = 1000,
                     seed: int = 0) -> pd.DataFrame:
    """First-order indices by RBD-FAST on a Latin hypercube (``SALib.analyze.rbd_fast``)."""
    from SALib.analyze import rbd_fast

    m = max(1, min(10, (len(y) - 1) // 4))
    si = rbd_fast.analyze(unit_problem(names), unit, y, M=m, num_resamples=resamples, conf_level=conf, seed=seed)
    return pd.DataFrame({"factor": names, "S1": si["S1"], "S1_conf": si["S1_conf"]})


def tornado(points: pd.DataFrame, runs: pd.DataFrame | None, factors: list[dict], column: str,
            conf: float = 0.95) -> pd.DataFrame:
    """Low/high of each factor against the base point (point 0) for one outcome column.

    ``points`` has ``point``, the factor columns and ``column`` (the mean over replications); ``runs``
    (optional) has ``point``, ``replication`` and ``column`` for the paired differences' intervals.
    """
    base = points.loc[points.point == 0].iloc[0]
    rows = []
    for f in factors:
        name = f["name"]
        others = [g["name"] for g in factors if g["name"] != name]
        same = np.ones(len(points), bool)
        for o in others:
            same &= (points[o].astype(str) == str(base[o])).to_numpy()
        sel = points[same]
        if f["categorical"] or f["levels"] is not None:
            order = [str(v) for v in (f["levels"] or [])]
            sel = sel.assign(_k=[order.index(str(v)) if str(v) in order else -1 for v in sel[name]])
        else:
            sel = sel.assign(_k=sel[name].astype(float))
        sel = sel.sort_values("_k")
        lo, hi = sel.iloc[0], sel.iloc[-1]
        row = {"factor": name, "base_level": base[name], "low_level": lo[name], "high_level": hi[name],
               "base": base[column], "low": lo[column], "high": hi[column]}
        for side, p in (("low", lo), ("high", hi)):
            row[f"delta_{side}"] = p[column] - base[column]
            row[f"delta_{side}_conf"] = _paired_conf(runs, int(p.point), column, conf) if runs is not None else np.nan
        row["swing"] = abs(row["high"] - row["low"])
        rows.append(row)
    return pd.DataFrame(rows).sort_values("swing", ascending=False, kind="stable")


def _paired_conf(runs: pd.DataFrame, point: int, column: str, conf: float) -> float:
    if point == 0:
        return 0.0
    a = runs[runs.point == point].set_index("replication")[column]
    b = runs[runs.point == 0].set_index("replication")[column]
    d = (a - b).dropna()
    if len(d) < 2:
        return np.nan
    return float(stats.t.ppf(0.5 + conf / 2, len(d) - 1) * d.std(ddof=1) / np.sqrt(len(d)))


def main_effects(points: pd.DataFrame, factors: list[dict], column: str) -> pd.DataFrame:
    """Mean outcome at each level of each factor (grid designs)."""
    rows = []
    for f in factors:
        g = points.groupby(points[f["name"]].astype(str), sort=False)[column].mean()
        for level, v in g.items():
            rows.append({"factor": f["name"], "level": level, "mean": v})
    return pd.DataFrame(rows)


def analyse(method: str, points: pd.DataFrame, outcomes: list[dict], factors: list[dict], options: dict, *,
            runs: pd.DataFrame | None = None, conf: float = 0.95, resamples: int = 1000, seed: int = 0) -> Analysis:
    """Sensitivity tables for every outcome column.

    Args:
        method: ``oat``, ``grid``, ``lhs``, ``morris`` or ``sobol``.
        points: one row per design point, ordered by ``point``: ``point``, ``u_<factor>`` coordinates,
            factor values and the outcome columns (means over replications).
        outcomes: outcome descriptions (``column``, ``outcome``, ``year``, ``kind``...).
        factors: factor descriptions (``name``, ``levels``, ``categorical``...).
        options: design options (``num_levels``, ``second_order``).
        runs: run-level outcomes (``point``, ``replication``, columns) for OAT intervals.
        conf: confidence level of the intervals.
        resamples: bootstrap resamples.
        seed: seed of the bootstraps.
    """
    names = [f["name"] for f in factors]
    unit = points[[f"u_{n}" for n in names]].to_numpy(float) if method in ("morris", "lhs") else None
    parts, notes = [], []
    for o in outcomes:
        col = o["column"]
        y = points[col].to_numpy(float)
        if np.isnan(y).any():
            notes.append(f"{col}: missing in some runs (the cell is not recorded); not analysed")
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if method == "oat":
                t = tornado(points, runs, factors, col, conf)
            elif method == "grid":
                t = main_effects(points, factors, col)
            elif np.ptp(y) == 0:
                notes.append(f"{col}: the same in every design point ({y[0]:g}); indices undefined")
                continue
            elif method == "morris":
                t = morris_indices(unit, y, names, options.get("num_levels", 4), conf, resamples, seed)
            elif method == "sobol":
                t = sobol_indices(y, names, options.get("second_order", False), conf, resamples, seed)
            else:
                t = rbd_fast_indices(unit, y, names, conf, resamples, seed)
        t.insert(0, "year", o["year"])
        t.insert(0, "outcome", o["outcome"])
        t.insert(0, "column", col)
        parts.append(t)
    table = {"oat": "tornado", "grid": "main_effects", "lhs": "rbd_fast"}.get(method, method)
    result = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    return Analysis(method, {table: result, "points": points}, notes)


def analyse_store(out: str | Path) -> tuple[Analysis, dict]:
    """Analyse the sweep stored in ``out`` (read-only); returns the analysis and the sweep's meta.

    Raises:
        AnalysisError: a design point has no stored run yet.
    """
    store = Store.open_dir(Path(out), read_only=True)
    try:
        meta = store.meta()
        cols = [o["column"] for o in meta["outcomes"]]
        avg = ", ".join(f"avg(o.{q(c)}) AS {q(c)}" for c in cols)
        means = store.frame(f"SELECT e.point, count(*) AS n_runs, {avg} FROM outcomes o JOIN experiments e "
                            f"USING (run_id) GROUP BY e.point")
        design = store.frame("SELECT * FROM design ORDER BY point")
        runs = None
        if meta["method"] == "oat":
            sel = ", ".join(f"o.{q(c)}" for c in cols)
            runs = store.frame(f"SELECT e.point, e.replication, {sel} FROM outcomes o "
                               f"JOIN experiments e USING (run_id)")
        failed = store.count("failures")
    finally:
        store.close()
    points = design.merge(means, on="point", how="left").sort_values("point").reset_index(drop=True)
    missing = points.n_runs.isna().sum()
    if missing:
        raise AnalysisError(f"{missing} of {len(points)} design points have no stored run yet "
                            f"({int(points.n_runs.fillna(0).sum())} of {meta['planned']} runs stored"
                            f"{f', {failed} failed' if failed else ''}): finish the sweep with --resume first")
    spec = meta["spec"]
    a = analyse(meta["method"], points, meta["outcomes"], meta["factors"], meta["options"], runs=runs,
                conf=spec["analysis"]["conf_level"], resamples=spec["analysis"]["resamples"], seed=spec["seed"] % 2**32)
    stored = int(points.n_runs.sum())
    if stored < meta["planned"]:
        a.notes.insert(0, f"{stored} of {meta['planned']} runs stored ({failed} failed): some points have fewer "
                          f"replications than planned")
    return a, meta
