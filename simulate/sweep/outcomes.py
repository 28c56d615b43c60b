"""Outcome columns of a sweep and their extraction from one run's tidy frame.

Two kinds of column, each one number per run:

* an indicator cell (indicator, level, region, dimension) in a milestone year (``<name>_<year>``),
  or its sum over years (``aggregate: cumulative``);
* a goal (``goal_<id>_<year>``): 1 if the goal is met in this run at that deadline or milestone,
  else 0, judged by :func:`simulate.goals.verdicts.judge`; the goal's probability is the mean over
  a design point's replications (computed in the analysis).

Workers return only this small row, never the frame.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulate.goals.catalogue import Goal
from simulate.goals.verdicts import judge, judged_indicators, verdict_years


@dataclass(frozen=True)
class Cell:
    """An indicator outcome column."""

    column: str
    name: str
    indicator: str
    levels: tuple[str, ...]
    region: str
    dimension: str
    year: int
    first_year: int | None = None


@dataclass(frozen=True)
class GoalColumn:
    """A goal-met outcome column."""

    column: str
    goal_id: str
    year: int


@dataclass(frozen=True)
class OutcomePlan:
    """Every outcome column of a sweep, in store order, and what extraction needs."""

    cells: tuple[Cell, ...]
    goal_columns: tuple[GoalColumn, ...]
    goals: tuple[Goal, ...]
    province: str
    base_year: int
    horizon: int

    @property
    def columns(self) -> list[str]:
        """Column names, cells first."""
        return [c.column for c in self.cells] + [g.column for g in self.goal_columns]

    def describe(self) -> list[dict]:
        """One record per column: kind, outcome name, year and what it measures (stored in the sweep's meta)."""
        out = [{"column": c.column, "kind": "indicator", "outcome": c.name, "year": c.year, "indicator": c.indicator,
                "level": c.levels[0], "region": c.region, "dimension": c.dimension,
                "region_label": c.region if c.region != self.province else None,
                "cumulative_from": c.first_year} for c in self.cells]
        out += [{"column": g.column, "kind": "goal", "outcome": f"goal_{slug(g.goal_id)}", "year": g.year,
                 "goal_id": g.goal_id} for g in self.goal_columns]
        return out


def slug(text: str) -> str:
    """A column-safe version of an id (``jx.2030.participation`` → ``jx_2030_participation``)."""
    return re.sub(r"[^a-z0-9_]+", "_", text.lower()).strip("_")


def goal_years(g: Goal, base_year: int, horizon: int) -> list[int]:
    """The years :func:`judge` gives a verdict for (the deadline; every milestone for every-year rules)."""
    return verdict_years(g, base_year, horizon)


def _codes(col: pd.Series) -> tuple[np.ndarray, dict[str, int]]:
    if not isinstance(col.dtype, pd.CategoricalDtype):
        col = col.astype("category")
    cats = col.cat.categories
    return col.cat.codes.to_numpy(), {str(c): i for i, c in enumerate(cats)}


def cell_values(frame: pd.DataFrame, plan: OutcomePlan) -> dict[str, float]:
    """The indicator columns of one run (NaN where the frame has no such cell)."""
    row: dict[str, float] = {}
    if not plan.cells:
        return row
    ind, ind_ix = _codes(frame["indicator"])
    lev, lev_ix = _codes(frame["level"])
    reg, reg_ix = _codes(frame["region"])
    dim, dim_ix = _codes(frame["dimension"])
    years = frame["year"].to_numpy()
    values = frame["value"].to_numpy()
    cache: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}
    for c in plan.cells:
        key = (c.indicator, c.levels, c.region, c.dimension)
        if key not in cache:
            found = (np.empty(0, int), np.empty(0))
            base = ((ind == ind_ix.get(c.indicator, -2)) & (reg == reg_ix.get(c.region, -2))
                    & (dim == dim_ix.get(c.dimension, -2)))
            for lv in c.levels:
                sel = base & (lev == lev_ix.get(lv, -2))
                if sel.any():
                    found = (years[sel], values[sel])
                    break
            cache[key] = found
        ys, vs = cache[key]
        if c.first_year is None:
            hit = vs[ys == c.year]
            row[c.column] = float(hit[0]) if hit.size else float("nan")
        else:
            window = (ys >= c.first_year) & (ys <= c.year)
            row[c.column] = float(vs[window].sum()) if window.any() else float("nan")
    return row


def goal_rows(frame: pd.DataFrame, plan: OutcomePlan) -> pd.DataFrame:
    """The part of a run's frame the goals are judged on (their metrics, totals only)."""
    return frame[frame["indicator"].isin(judged_indicators(plan.goals)) & (frame["dimension"] == "total")]


def goal_values(parts: list[pd.DataFrame], plan: OutcomePlan) -> list[dict[str, float]]:
    """The goal columns of several runs, judged together (one :func:`judge` call for all of them).

    ``judge`` decides each replication on its own rows, so judging runs together gives each run exactly
    the verdict it gets alone; runs are told apart by a temporary replication number.
    """
    if not plan.goal_columns or not parts:
        return [{} for _ in parts]
    tagged = [p.assign(replication=np.int32(i)) for i, p in enumerate(parts)]
    frame = pd.concat(tagged, ignore_index=True) if len(tagged) > 1 else tagged[0]
    regions = {plan.province, *(g.region for g in plan.goals)}  # the plan keeps only goals the scenario simulates
    verdicts = judge(frame, plan.goals, plan.province, plan.base_year, plan.horizon, regions=regions)
    met = {(int(r), g, int(y)): float(m) for r, g, y, m in zip(verdicts.replication, verdicts.goal_id,
                                                                   verdicts.deadline_year, verdicts.met, strict=True)}
    return [{g.column: met.get((i, g.goal_id, g.year), float("nan")) for g in plan.goal_columns}
            for i in range(len(parts))]


def extract(frame: pd.DataFrame, plan: OutcomePlan) -> dict[str, float]:
    """The outcome row of one run (NaN where the frame has no such cell)."""
    return {**cell_values(frame, plan), **goal_values([goal_rows(frame, plan)], plan)[0]}
