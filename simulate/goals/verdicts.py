"""Goal verdicts (目标达成判定): met or not at the deadline, year first met, margin, P(met) with bands.

For each goal and replication the indicator series is aggregated as the goal
says (value in the deadline year; cumulative from ``from_year``; or held in
every year from ``from_year``, judged at the 2025 and 2030 milestones), then
compared with the target. Over replications: the probability of meeting the
goal with a Wilson 95% interval, and the p05 / median / p95 of the judged value.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from simulate.goals.catalogue import Goal
from simulate.scenario.schema import LEVELS

MILESTONES = (2025, 2030)
"""Years at which rules that must hold every year are judged."""
SIMULATED_REGIONS_FALLBACK = ("hunan", "jilin", "national")
"""Issuers whose rates and standards are benchmarks judged on the simulated province."""
Z95 = 1.959963984540054

GOALS_COLUMNS = ["goal_id", "name_en", "name_zh", "scope", "metric", "deadline", "comparator", "target",
                 "median_value", "p05", "p95", "probability_met", "probability_ci_low", "probability_ci_high",
                 "median_year_first_met", "proxy", "status", "source", "reason"]
"""Columns of ``goals.csv``."""


def wilson_interval(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion (95% by default)."""
    if n <= 0:
        return (float("nan"), float("nan"))
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z / denom * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return (low, high)


def _meets(values: np.ndarray, g: Goal) -> np.ndarray:
    if g.comparator == ">=":
        return values >= g.target - 1e-9
    if g.comparator == "<=":
        return values <= g.target + 1e-9
    return (values >= g.target_low - 1e-9) & (values <= g.target_high + 1e-9)


def _series(frame: pd.DataFrame, g: Goal, province: str) -> pd.DataFrame | None:
    """Replication × year table of the goal's indicator (``None`` when the engine has no such cell)."""
    level = g.level if g.level in (*LEVELS, "all", "enterprise") else "all"
    region = province if g.region in SIMULATED_REGIONS_FALLBACK else g.region
    f = frame[(frame.indicator == g.metric) & (frame.dimension == "total")]
    for lv, rg in ((level, region), ("all", region), ("enterprise", region), (level, province), ("all", province),
                   ("enterprise", province)):
        sel = f[(f.level == lv) & (f.region == rg)]
        if len(sel):
            return sel.pivot_table(index="replication", columns="year", values="value", observed=True, dropna=False)
    return None


def judge(frame: pd.DataFrame, goals: list[Goal] | tuple[Goal, ...], province: str, base_year: int,
          horizon: int) -> pd.DataFrame:
    """Per goal, deadline and replication: judged value, met, year first met, margins."""
    rows = []
    for g in goals:
        if g.status != "modelled":
            continue
        table = _series(frame, g, province)
        if table is None:
            continue
        deadlines = [y for y in MILESTONES if y >= g.deadline.year] if g.aggregate == "every_year" else [
            g.deadline.year]
        for year in deadlines:
            if not base_year <= year <= horizon:
                continue
            start = max(g.from_year or base_year, base_year)
            window = table.loc[:, [c for c in table.columns if start <= c <= year]]
            if window.shape[1] == 0:
                continue
            if g.aggregate == "cumulative":
                running = window.cumsum(axis=1)
            elif g.aggregate == "every_year":
                running = window.cummin(axis=1) if g.comparator == ">=" else window.cummax(axis=1)
            else:
                running = window
            judged = running[year].to_numpy() if year in running.columns else np.full(len(table), np.nan)
            met = _meets(judged, g)
            ok = _meets(running.to_numpy(), g)
            years = np.array(running.columns)
            first = np.where(ok.any(axis=1), years[np.argmax(ok, axis=1)], np.nan)
            target = g.target if g.target is not None else g.target_low
            sign = -1.0 if g.comparator == "<=" else 1.0
            margin = sign * (judged - target)
            for r, rep in enumerate(table.index):
                rows.append((g.id, year, int(rep), judged[r], bool(met[r]), first[r], margin[r],
                             margin[r] / abs(target) if target else np.nan))
    return pd.DataFrame(rows, columns=["goal_id", "deadline_year", "replication", "value", "met", "year_first_met",
                                       "margin", "margin_relative"])


def summarise(per_rep: pd.DataFrame, goals: list[Goal] | tuple[Goal, ...]) -> pd.DataFrame:
    """Aggregate per-replication verdicts into the ``goals.csv`` table (every catalogue goal listed)."""
    by_goal = {g.id: g for g in goals}
    out = []
    grouped = dict(tuple(per_rep.groupby(["goal_id", "deadline_year"]))) if len(per_rep) else {}
    for g in goals:
        keys = sorted(k for k in grouped if k[0] == g.id)
        base = {
            "goal_id": g.id, "name_en": g.name_en, "name_zh": g.name_zh, "scope": f"{g.region}/{g.level}",
            "metric": g.metric or "", "comparator": g.comparator,
            "target": g.target if g.target is not None else f"{g.target_low}–{g.target_high}",
            "proxy": g.proxy, "source": by_goal[g.id].source_label,
        }
        if not keys:
            reason = g.reason if g.status == "not_modelled" else "deadline outside the simulated years"
            status = g.status if g.status == "not_modelled" else "outside_horizon"
            out.append({**base, "deadline": g.deadline.label(), "status": status, "reason": reason})
            continue
        for key in keys:
            d = grouped[key]
            n, k = len(d), int(d["met"].sum())
            lo, hi = wilson_interval(k, n)
            year = key[1]
            out.append({
                **base,
                "deadline": g.deadline.label() if year == g.deadline.year else f"{year} (every year from "
                                                                               f"{g.from_year})",
                "median_value": float(d["value"].median()), "p05": float(d["value"].quantile(0.05)),
                "p95": float(d["value"].quantile(0.95)), "probability_met": k / n,
                "probability_ci_low": lo, "probability_ci_high": hi,
                "median_year_first_met": float(d["year_first_met"].median()) if d["year_first_met"].notna().any()
                else np.nan,
                "status": "modelled", "reason": "",
            })
    return pd.DataFrame(out, columns=GOALS_COLUMNS)


def bands(frame: pd.DataFrame) -> pd.DataFrame:
    """p05, p25, p50, p75, p95 over replications per indicator, year, region, level, dimension."""
    keys = ["scenario", "indicator", "year", "region", "level", "dimension"]
    q = frame.groupby(keys, observed=True)["value"].quantile([0.05, 0.25, 0.5, 0.75, 0.95]).unstack()
    q.columns = ["p05", "p25", "p50", "p75", "p95"]
    return q.reset_index()
