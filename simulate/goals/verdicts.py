"""Goal verdicts (目标达成判定): met or not at the deadline, when, by how much, P(met) with bands.

How a goal is judged (each rule written once, here):

* **Deadline month.** An indicator's yearly value is settled in a calendar month (``month`` in
  :data:`simulate.results.indicators.INDICATORS`). For a deadline (Y, m) the value in force is year Y's
  if the indicator's month is ≤ m, else year Y−1's; a deadline without a month means the end of Y.
  So a June 2025 deadline on a December stock is judged on December 2024.
* **value**: the value in force at the deadline.
* **cumulative**: the sum of the yearly flows from ``from_year`` to the deadline's settled year.
* **change**: the value in force at the deadline minus the value in ``from_year`` (clipped to the first
  simulated year), for a clause that asks for a direction ("closer", "raised") rather than a level.
* **every_year**: a standing rule, judged at each milestone (2025, 2030) not before its deadline: met
  if every year from the clause's own start (``from_year``, clipped to the first simulated year) to the
  milestone meets the target. The value shown is the milestone's own, the worst year is reported
  beside it, and P(met) is also given for the milestone's five-year plan period (2021–2025, 2026–2030),
  so a lever switched on after the clause's start shows as "not met every year" but can still be seen
  to hold in the current period.
* **Region.** A goal applies to its region (:data:`simulate.goals.catalogue.REGION_PREFIXES`: ``hn.*``
  Hunan, ``jl.*`` Jilin, ``cn.*`` national, ``jx.*`` Jiangxi, ``nc.*`` Nanchang) and is judged only on a
  scenario that simulates it (the province or one of its sub-regions; ``national`` only on a national
  scenario), on its own region's cell. The others are listed in ``goals.csv`` with status
  ``applies_elsewhere`` and ``applies_to`` naming their region. Where an indicator is recorded for the
  province only, ``judged_region`` says so (``jiangxi (nanchang not recorded separately)``).

Over replications: P(met) with a Wilson 95% interval, and the median, p05 and p95 of the value at the
deadline; the margin is the median value minus the target, in the goal's unit.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulate.goals.catalogue import PENDING_INDICATORS, Goal
from simulate.goals.deciders import decided_by
from simulate.results.indicators import INDICATORS

MILESTONES = (2025, 2030)
"""Years at which rules that must hold every year are judged."""
PLAN_YEARS = 5
"""A milestone's plan period: the five years ending at it (2021–2025, 2026–2030)."""
NON_SCHOOL_LEVELS = ("all", "enterprise")
"""Levels that are not an education level; a goal on one of them may be judged on the other's cell."""
Z95 = 1.959963984540054

GOALS_COLUMNS = [
    "goal_id", "name_en", "name_zh", "kind", "scope", "applies_to", "judged_region", "metric", "aggregate", "deadline",
    "judged_years", "comparator", "target", "unit", "value_at_deadline", "p05", "p95", "margin", "worst_value",
    "probability_met", "probability_ci_low", "probability_ci_high", "period", "probability_met_period",
    "median_year_first_met", "proxy", "status", "fixed_because", "source", "reason", "decided_by"]
"""Columns of ``goals.csv``.

``value_at_deadline`` (median over replications), ``p05``, ``p95``: the judged value (the sum for a
cumulative goal, the change since ``from_year`` for a change goal); ``margin``: ``value_at_deadline``
minus the target, in the goal's unit (for a range, the distance outside it); ``worst_value``: median of
the worst year of an every-year window; ``judged_years``: the years whose values are judged; ``period``
and ``probability_met_period``: the milestone's five-year plan period and P(met every year of it);
``median_year_first_met``: the first year the value meets the target (for an every-year rule, the year
since which it has held without a break up to the milestone); ``applies_to``: the region the goal applies to
(``status`` ``applies_elsewhere`` when the scenario does not simulate it); ``decided_by``: for P(met) strictly
between 0.05 and 0.95, the three uncertain parameters that best separate met from missed, each as
``name ≥ threshold (ρ rank correlation, share of replications the rule gets right)``
(:mod:`simulate.goals.deciders`)."""
APPLIES_ELSEWHERE = "applies_elsewhere"
"""``goals.csv`` status of a goal whose region the scenario does not simulate."""

VERDICT_COLUMNS = ["goal_id", "deadline_year", "replication", "value", "met", "met_period", "worst_value",
                   "year_first_met", "margin", "margin_relative", "judged_region", "judged_metric", "first_year",
                   "last_year"]
"""Columns of ``goal_verdicts.parquet`` (one row per goal, deadline or milestone, and replication)."""


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


def indicator_month(name: str) -> int:
    """The calendar month in which an indicator's yearly value is settled."""
    if name in INDICATORS:
        return INDICATORS[name].month
    return PENDING_INDICATORS[name].month


def settled_year(year: int, month: int | None, indicator_month: int) -> int:
    """The year whose value is in force at a deadline (``year``, ``month``); no month means year end."""
    return year if indicator_month <= (12 if month is None else month) else year - 1


@dataclass(frozen=True)
class Window:
    """The years one verdict judges.

    Attributes:
        deadline_year: the deadline (or milestone) year the verdict is reported under.
        first: first year whose value is judged (summed, or required every year).
        last: the year whose value is in force at the deadline.
        period_first: first year of the milestone's plan period (every-year rules only).
    """

    deadline_year: int
    first: int
    last: int
    period_first: int | None = None


def windows(g: Goal, base_year: int, horizon: int) -> list[Window]:
    """The verdicts a goal gets within the simulated years ``base_year``–``horizon``."""
    month = indicator_month(g.metric)
    if g.aggregate == "every_year":
        start = g.from_year
        # a rule starting in a month after the indicator is settled first binds the next year's value
        if g.deadline.year == g.from_year and g.deadline.month is not None and month < g.deadline.month:
            start += 1
        first = max(start, base_year)
        out = []
        for y in MILESTONES:
            last = settled_year(y, None, month)
            if y < g.deadline.year or last > horizon or last < first:
                continue
            out.append(Window(y, first, last, max(first, y - PLAN_YEARS + 1)))
        return out
    last = settled_year(g.deadline.year, g.deadline.month, month)
    first = max(g.from_year, base_year) if g.aggregate in ("cumulative", "change") else last
    if not base_year <= last <= horizon or (g.aggregate == "cumulative" and g.from_year < base_year):
        return []
    if g.aggregate == "change" and first >= last:
        return []
    return [Window(g.deadline.year, first, last)]


def verdict_years(g: Goal, base_year: int, horizon: int) -> list[int]:
    """The deadline or milestone years :func:`judge` gives a verdict for."""
    return [w.deadline_year for w in windows(g, base_year, horizon)]


def _meets(values: np.ndarray, g: Goal) -> np.ndarray:
    if g.comparator == ">=":
        return values >= g.target - 1e-9
    if g.comparator == "<=":
        return values <= g.target + 1e-9
    return (values >= g.target_low - 1e-9) & (values <= g.target_high + 1e-9)


def margin(values: np.ndarray | float, g: Goal) -> np.ndarray:
    """``value − target`` in the goal's unit; for a range, the distance outside it (0 inside)."""
    v = np.asarray(values, dtype=float)
    if g.comparator == "between":
        return np.where(v < g.target_low, v - g.target_low, np.where(v > g.target_high, v - g.target_high, 0.0))
    return v - g.target


def judged_indicators(goals: list[Goal] | tuple[Goal, ...]) -> set[str]:
    """The indicators :func:`judge` reads for these goals (their metrics and any stand-ins)."""
    wanted = {g.metric for g in goals if g.status == "modelled"}
    return wanted | {PENDING_INDICATORS[m].stand_in for m in wanted & set(PENDING_INDICATORS)} - {None}


def _cells(frame: pd.DataFrame, metrics: set[str]) -> dict[str, pd.DataFrame]:
    f = frame[frame["indicator"].isin(metrics) & (frame["dimension"] == "total")]
    return {str(k): d for k, d in f.groupby("indicator", observed=True)}


def simulated_regions(scenario) -> tuple[str, ...]:
    """The regions a scenario simulates: its province (or the country) and its sub-regions."""
    region = scenario.region
    return (region.name, *(s.name for s in region.subregions))


def locate(cells: dict[str, pd.DataFrame], g: Goal, province: str, regions: set[str]
           ) -> tuple[pd.DataFrame | None, str, str]:
    """Replication × year table of the goal's indicator, whose figures they are, and which indicator.

    The goal's own region's cell; the province's where the indicator is not recorded for a sub-region.

    Returns:
        ``(table, judged_region, judged_metric)``; ``table`` is ``None`` when the frame has no such cell.
    """
    metric = g.metric
    f = cells.get(metric)
    pending = PENDING_INDICATORS.get(metric)
    if f is None and pending is not None and pending.stand_in is not None:
        f = cells.get(pending.stand_in)
        metric = f"{pending.stand_in} (standing in for {g.metric})"
    region = label = g.region
    if f is None or region not in regions:  # no such indicator, or the scenario does not simulate the region
        return None, label, metric
    levels = [g.level] + [lv for lv in NON_SCHOOL_LEVELS if g.level in NON_SCHOOL_LEVELS and lv != g.level]
    for rg in dict.fromkeys([region, province]):
        for lv in levels:
            sel = f[(f["region"] == rg) & (f["level"] == lv)]
            if len(sel):
                if rg != region:  # the indicator is recorded for the province only
                    label = f"{province} ({g.region} not recorded separately)"
                table = sel.pivot_table(index="replication", columns="year", values="value", observed=True,
                                        dropna=False)
                return table, label, metric
    return None, label, metric


def _held_since(ok: np.ndarray, years: np.ndarray) -> np.ndarray:
    """Per row, the first year from which every later column is True (NaN if the last is False)."""
    out = np.full(ok.shape[0], np.nan)
    for r in range(ok.shape[0]):
        if not ok[r, -1]:
            continue
        broken = np.flatnonzero(~ok[r])
        out[r] = years[broken[-1] + 1] if broken.size else years[0]
    return out


def _first_met(ok: np.ndarray, years: np.ndarray) -> np.ndarray:
    return np.where(ok.any(axis=1), years[np.argmax(ok, axis=1)], np.nan)


def _judge_window(table: pd.DataFrame, g: Goal, w: Window) -> dict[str, np.ndarray]:
    n = len(table)
    nan = np.full(n, np.nan)
    cols = np.array(table.columns)
    inside = cols[(cols >= w.first) & (cols <= w.last)]
    if w.last not in table.columns or len(inside) == 0:
        return {}
    if g.aggregate == "cumulative":
        after = cols[cols >= w.first]
        running = table.loc[:, after].cumsum(axis=1)
        value = running[w.last].to_numpy()
        first = _first_met(_meets(running.to_numpy(), g), after)
        return dict(value=value, met=_meets(value, g), met_period=nan, worst=nan, first=first)
    if g.aggregate == "every_year":
        block = table.loc[:, inside].to_numpy()
        ok = _meets(block, g) & ~np.isnan(block)  # a year without a value does not count as held
        filled = np.where(np.isnan(block), -np.inf if g.comparator == "<=" else np.inf, block)
        worst = filled.max(axis=1) if g.comparator == "<=" else filled.min(axis=1)
        worst = np.where(np.isfinite(worst), worst, np.nan)
        period = ok[:, inside >= w.period_first].all(axis=1).astype(float)
        return dict(value=table[w.last].to_numpy(), met=ok.all(axis=1), met_period=period, worst=worst,
                    first=_held_since(ok, inside))
    if g.aggregate == "change":
        after = cols[cols > w.first]
        change = table.loc[:, after].to_numpy() - table[w.first].to_numpy()[:, None]
        value = table[w.last].to_numpy() - table[w.first].to_numpy()
        return dict(value=value, met=_meets(value, g), met_period=nan, worst=nan,
                    first=_first_met(_meets(change, g), after))
    value = table[w.last].to_numpy()
    return dict(value=value, met=_meets(value, g), met_period=nan, worst=nan,
                first=_first_met(_meets(table.to_numpy(), g), cols))


def judge(frame: pd.DataFrame, goals: list[Goal] | tuple[Goal, ...], province: str, base_year: int,
          horizon: int, regions: Collection[str] | None = None) -> pd.DataFrame:
    """Per goal, deadline (or milestone) and replication: the judged value, met, when, margin, whose figures.

    Only goals that apply to ``regions`` (the scenario's province and sub-regions,
    :func:`simulated_regions`; by default the regions of ``frame``) are judged.

    Returns:
        A frame with :data:`VERDICT_COLUMNS`.
    """
    if regions is None:
        regions = {str(r) for r in pd.unique(frame["region"])} if len(frame) else {province}
    regions = set(regions)
    modelled = [g for g in goals if g.status == "modelled" and g.applies_to(regions)]
    cells = _cells(frame, judged_indicators(modelled))
    parts = []
    for g in modelled:
        if g.metric not in INDICATORS and g.metric not in PENDING_INDICATORS:
            continue
        table, label, metric = locate(cells, g, province, regions)
        if table is None:
            continue
        target = g.target if g.target is not None else g.target_low
        for w in windows(g, base_year, horizon):
            res = _judge_window(table, g, w)
            if not res:
                continue
            m = margin(res["value"], g)
            parts.append(pd.DataFrame({
                "goal_id": g.id, "deadline_year": w.deadline_year, "replication": table.index.to_numpy(),
                "value": res["value"], "met": res["met"].astype(bool), "met_period": res["met_period"],
                "worst_value": res["worst"], "year_first_met": res["first"], "margin": m,
                "margin_relative": m / abs(target) if target else np.nan, "judged_region": label,
                "judged_metric": metric,
                "first_year": w.first, "last_year": w.last}))
    if not parts:
        return pd.DataFrame(columns=VERDICT_COLUMNS)
    return pd.concat(parts, ignore_index=True)[VERDICT_COLUMNS]


def _target_text(g: Goal) -> object:
    return g.target if g.target is not None else f"{g.target_low}–{g.target_high}"


def _years_text(first: int, last: int) -> str:
    return f"{first}" if first == last else f"{first}–{last}"


def deadline_label(g: Goal, deadline_year: int, first: int, last: int) -> str:
    """The deadline as ``goals.csv`` shows it, with the years judged where they are not obvious.

    ``2025``; ``2024-06 (value of 2023)`` when the deadline month falls before the indicator is settled;
    ``2030 (every year from 2018)`` for a standing rule at a milestone (the clause's own start year);
    ``2025 (sum from 2023)``; ``2025 (change since 2019)``.
    """
    if g.aggregate == "every_year":
        return f"{deadline_year} (every year from {g.from_year})"
    if g.aggregate == "cumulative":
        return f"{g.deadline.label()} (sum from {first})"
    if g.aggregate == "change":
        return f"{g.deadline.label()} (change since {first})"
    if last != g.deadline.year:
        return f"{g.deadline.label()} (value of {last})"
    return g.deadline.label()


def elsewhere_reason(g: Goal) -> str:
    """Why a goal has no verdict on a scenario that does not simulate its region."""
    text = f"applies to {g.region}: judged on a scenario that simulates {g.region}"
    return text + (f" (not modelled there either: {g.reason})" if g.status == "not_modelled" else "")


def summarise(per_rep: pd.DataFrame, goals: list[Goal] | tuple[Goal, ...],
              parameters: pd.DataFrame | None = None, regions: Collection[str] | None = None) -> pd.DataFrame:
    """Aggregate per-replication verdicts into the ``goals.csv`` table (every catalogue goal listed).

    Args:
        parameters: the run's parameter draws (replication × parameter); with them, ``decided_by`` names
            the parameters that decide each uncertain verdict.
        regions: the scenario's (:func:`simulated_regions`); a goal of another region is listed with status
            ``applies_elsewhere`` and the reason. Without, every goal is taken to apply.
    """
    deciding = decided_by(per_rep, parameters, goals)
    out = []
    grouped = dict(tuple(per_rep.groupby(["goal_id", "deadline_year"]))) if len(per_rep) else {}
    for g in goals:
        keys = sorted(k for k in grouped if k[0] == g.id)
        base = {
            "goal_id": g.id, "name_en": g.name_en, "name_zh": g.name_zh, "kind": g.kind,
            "scope": f"{g.region}/{g.level}", "metric": g.metric or "", "aggregate": g.aggregate,
            "comparator": g.comparator, "target": _target_text(g), "unit": g.unit, "proxy": g.proxy,
            "fixed_because": g.fixed_because or "", "source": g.source_label,
        }
        base["applies_to"] = g.region
        if not keys:
            if regions is not None and not g.applies_to(regions):
                status, reason = APPLIES_ELSEWHERE, elsewhere_reason(g)
            elif g.status == "not_modelled":
                status, reason = g.status, g.reason
            elif g.metric in PENDING_INDICATORS:
                status, reason = "indicator_missing", (f"the engine does not yet write {g.metric} "
                                                       f"({PENDING_INDICATORS[g.metric].definition})")
            else:
                status, reason = "outside_horizon", "deadline outside the simulated years, or no such cell"
            out.append({**base, "deadline": g.deadline.label(), "status": status, "reason": reason})
            continue
        for key in keys:
            d = grouped[key]
            n, k = len(d), int(d["met"].sum())
            lo, hi = wilson_interval(k, n)
            first, last = int(d["first_year"].iloc[0]), int(d["last_year"].iloc[0])
            every = g.aggregate == "every_year"
            median = float(d["value"].median())
            period = ""
            if every:
                period = _years_text(max(first, key[1] - PLAN_YEARS + 1), last)
            out.append({
                **base, "deadline": deadline_label(g, key[1], first, last),
                "judged_region": str(d["judged_region"].iloc[0]),
                "metric": str(d["judged_metric"].iloc[0]),
                "judged_years": _years_text(first, last) if g.aggregate != "value" else f"{last}",
                "value_at_deadline": median, "p05": float(d["value"].quantile(0.05)),
                "p95": float(d["value"].quantile(0.95)), "margin": float(margin(median, g)),
                "worst_value": float(d["worst_value"].median()) if every else np.nan,
                "probability_met": k / n, "probability_ci_low": lo, "probability_ci_high": hi,
                "period": period, "probability_met_period": float(d["met_period"].mean()) if every else np.nan,
                "median_year_first_met": float(d["year_first_met"].median()) if d["year_first_met"].notna().any()
                else np.nan,
                "status": "modelled", "reason": "", "decided_by": deciding.get((g.id, int(key[1])), ""),
            })
    return pd.DataFrame(out, columns=GOALS_COLUMNS)


def bands(frame: pd.DataFrame) -> pd.DataFrame:
    """p05, p25, p50, p75, p95 over replications per indicator, year, region, level, dimension."""
    keys = ["scenario", "indicator", "year", "region", "level", "dimension"]
    q = frame.groupby(keys, observed=True)["value"].quantile([0.05, 0.25, 0.5, 0.75, 0.95]).unstack()
    q.columns = ["p05", "p25", "p50", "p75", "p95"]
    return q.reset_index()
