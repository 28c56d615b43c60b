"""Numbers behind the charts: indicator series, bands, paired differences, budget and cost-effectiveness.

Every function takes :class:`~simulate.report.runs.ScenarioRun` objects (or tidy frames) and
returns a tidy DataFrame; nothing here draws or writes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulate.report.runs import ScenarioRun

QUANTILES = {"p05": 0.05, "p25": 0.25, "p50": 0.5, "p75": 0.75, "p95": 0.95}
BAND_COLUMNS = list(QUANTILES)


@dataclass(frozen=True)
class Cell:
    """One indicator cell at the province level: indicator, level and dimension."""

    indicator: str
    level: str = "all"
    dimension: str = "total"


KEY_INDICATORS = (
    Cell("dual_qualified_share"),
    Cell("dual_qualified_teachers"),
    Cell("order_trained"),
    Cell("mismatch_index", "enterprise"),
    Cell("outflow"),
    Cell("enterprise_participation_rate", "enterprise"),
    Cell("public_cost"),
)
"""Trajectories of every briefing (matched supply vs demand by industry is drawn separately)."""

BUDGET_ITEMS = (
    Cell("appropriations"),
    Cell("surcharge_vocational"),
    Cell("credits_foregone", "enterprise"),
    Cell("public_cost"),
)
"""Budget rows: per-student appropriations, surcharge to vocational schools, credits foregone, total."""
MATCHED = Cell("graduate_destinations", "all", "destination:matched")
DUAL = Cell("dual_qualified_teachers")
COST = Cell("public_cost")
FIVE_YEAR_PLAN_START = 2026
"""Default start of the budget windows: the 15th five-year plan (2026–2030) and the decade to 2035."""


def series(run: ScenarioRun, cell: Cell) -> pd.DataFrame:
    """Replication × year table of one province-level cell (empty if the engine wrote none)."""
    f = run.frame
    sel = f[(f["indicator"] == cell.indicator) & (f["region"] == run.province) & (f["level"] == cell.level)
            & (f["dimension"] == cell.dimension)]
    sel = sel[(sel["year"] >= run.base_year) & (sel["year"] <= run.horizon)]
    if sel.empty:
        return pd.DataFrame()
    table = sel.pivot_table(index="replication", columns="year", values="value", observed=True, aggfunc="first")
    table.columns = table.columns.astype(int)
    return table.sort_index()


def _quantiles(table: pd.DataFrame) -> pd.DataFrame:
    q = table.quantile(list(QUANTILES.values()), axis=0).T
    q.columns = BAND_COLUMNS
    q.index.name = "year"
    return q.reset_index()


def bands(runs: list[ScenarioRun], cell: Cell) -> pd.DataFrame:
    """``scenario, year, p05 … p95`` of a cell over each run's replications."""
    parts = []
    for run in runs:
        table = series(run, cell)
        if not table.empty:
            parts.append(_quantiles(table).assign(scenario=run.name))
    if not parts:
        return pd.DataFrame(columns=["scenario", "year", *BAND_COLUMNS])
    return pd.concat(parts, ignore_index=True)[["scenario", "year", *BAND_COLUMNS]]


def paired_differences(runs: list[ScenarioRun], baseline: ScenarioRun, cell: Cell, paired: bool) -> pd.DataFrame:
    """``scenario, year, p05 … p95`` of (scenario − baseline).

    Paired: replication by replication over the replications both have (common random numbers),
    then quantiles. Not paired: only ``p50`` = difference of medians; the band columns are NaN.
    """
    base = series(baseline, cell)
    parts = []
    for run in runs:
        if run is baseline or base.empty:
            continue
        table = series(run, cell)
        if table.empty:
            continue
        years = [y for y in table.columns if y in base.columns]
        if paired:
            reps = [r for r in table.index if r in base.index]
            diff = table.loc[reps, years] - base.loc[reps, years]
            q = _quantiles(diff)
        else:
            q = pd.DataFrame({"year": years, **{c: np.nan for c in BAND_COLUMNS}})
            q["p50"] = (table[years].median() - base[years].median()).to_numpy()
        parts.append(q.assign(scenario=run.name))
    if not parts:
        return pd.DataFrame(columns=["scenario", "year", *BAND_COLUMNS])
    return pd.concat(parts, ignore_index=True)[["scenario", "year", *BAND_COLUMNS]]


def industry_balance(runs: list[ScenarioRun], year: int) -> pd.DataFrame:
    """``scenario, industry, matched, demand, supply`` (medians) of every industry in ``year``."""
    rows = []
    for run in runs:
        f = run.frame
        sel = f[(f["region"] == run.province) & (f["level"] == "enterprise") & (f["year"] == year)
                & f["indicator"].isin(["matched", "demand", "supply"])]
        sel = sel[sel["dimension"].astype(str).str.startswith("industry:")]
        med = sel.groupby(["dimension", "indicator"], observed=True)["value"].median().unstack()
        for dim, row in med.iterrows():
            rows.append({"scenario": run.name, "industry": str(dim).split(":", 1)[1],
                         **{k: float(row.get(k, np.nan)) for k in ("matched", "demand", "supply")}})
    return pd.DataFrame(rows, columns=["scenario", "industry", "matched", "demand", "supply"])


def windows(base_year: int, horizon: int, start: int | None = None) -> list[tuple[int, int]]:
    """The 5- and 10-year budget windows ``(first, last)``, clipped to the simulated years.

    The default start is 2026 (the 15th five-year plan), moved earlier if fewer than five
    simulated years would remain. A window cut by the horizon keeps its actual last year; a
    window identical to an earlier one is dropped.
    """
    if start is None:
        start = max(base_year, min(FIVE_YEAR_PLAN_START, horizon - 4))
    start = min(max(start, base_year), horizon)
    out: list[tuple[int, int]] = []
    for n in (5, 10):
        w = (start, min(start + n - 1, horizon))
        if w not in out:
            out.append(w)
    return out


def budget(run: ScenarioRun, wins: list[tuple[int, int]], scale: float) -> pd.DataFrame:
    """Budget rows of one run: ``item, <year>…, window:<first>-<last>…`` in money units of ``scale`` yuan.

    Years are medians over replications; a window is the median of per-replication sums.
    """
    rows = []
    for cell in BUDGET_ITEMS:
        table = series(run, cell)
        if table.empty:
            continue
        row: dict[str, object] = {"item": cell.indicator}
        for year in table.columns:
            row[str(year)] = float(table[year].median()) / scale
        for first, last in wins:
            cols = [y for y in table.columns if first <= y <= last]
            row[f"window:{first}-{last}"] = float(table[cols].sum(axis=1).median()) / scale
        rows.append(row)
    return pd.DataFrame(rows)


def _ratio(d_cost: float, d_effect: float) -> tuple[float, str]:
    """Cost per additional unit, or NaN and the reason it is not meaningful."""
    if not np.isfinite(d_cost) or not np.isfinite(d_effect):
        return np.nan, "na_unpaired"
    if abs(d_effect) < 0.5:
        return np.nan, "na_no_gain"
    if d_effect < 0:
        return np.nan, "na_loss"
    if d_cost <= 0:
        return np.nan, "na_saving"
    return d_cost / d_effect, ""


def cost_effectiveness(runs: list[ScenarioRun], baseline: ScenarioRun, wins: list[tuple[int, int]],
                       paired: bool) -> pd.DataFrame:
    """Per scenario and window: additional public cost, matched graduates and dual-qualified teachers.

    Columns: ``scenario, first, last``; ``d_cost_*``, ``d_matched_*``, ``d_dual_*`` with
    ``mean, p05, p50, p95`` (bands only when paired); ``cost_per_matched``, ``matched_reason``,
    ``cost_per_dual``, ``dual_reason``. Ratios are mean Δ cost / mean Δ effect (yuan per person);
    a reason key (see :data:`simulate.report.labels.UI`) replaces a ratio that is not meaningful.
    Matched graduates are summed over the window; dual-qualified teachers are a stock, compared
    at the window's last year.
    """
    base = {c: series(baseline, c) for c in (COST, MATCHED, DUAL)}
    rows = []
    for run in runs:
        if run is baseline:
            continue
        own = {c: series(run, c) for c in (COST, MATCHED, DUAL)}
        for first, last in wins:
            row: dict[str, object] = {"scenario": run.name, "first": first, "last": last}
            for key, cell, cumulative in (("cost", COST, True), ("matched", MATCHED, True), ("dual", DUAL, False)):
                a, b = own[cell], base[cell]
                cols = [y for y in range(first, last + 1) if y in a.columns and y in b.columns]
                if not cumulative:
                    cols = [last] if last in cols else []
                if not cols:
                    row.update({f"d_{key}_{s}": np.nan for s in ("mean", "p05", "p50", "p95")})
                    continue
                sa, sb = a[cols].sum(axis=1), b[cols].sum(axis=1)
                row[f"d_{key}_mean"] = float(sa.mean() - sb.mean())
                if paired:
                    reps = [r for r in sa.index if r in sb.index]
                    d = sa.loc[reps] - sb.loc[reps]
                    row.update({f"d_{key}_p05": float(d.quantile(0.05)), f"d_{key}_p50": float(d.median()),
                                f"d_{key}_p95": float(d.quantile(0.95))})
                else:
                    row.update({f"d_{key}_p05": np.nan, f"d_{key}_p50": float(sa.median() - sb.median()),
                                f"d_{key}_p95": np.nan})
            row["cost_per_matched"], row["matched_reason"] = _ratio(row["d_cost_mean"], row["d_matched_mean"])
            row["cost_per_dual"], row["dual_reason"] = _ratio(row["d_cost_mean"], row["d_dual_mean"])
            rows.append(row)
    return pd.DataFrame(rows)
