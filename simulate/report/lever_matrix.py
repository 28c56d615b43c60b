"""The lever response matrix (``talentsim levers``): each lever at the top of its range against a scenario.

Every lever of :func:`simulate.policy.levers` with a range in ``scenarios/lever_ranges.yaml`` is set to
its high end alone (the others stay as the scenario has them), and the scenario and each variant are run
with the same seed and replications, so effects are paired on common random numbers. Per outcome goal:
the paired effect on the goal's indicator in 2025 and 2030 (median and 90% interval over replications)
and the change in P(met) at the goal's deadlines.

Where an effect's 90% interval includes 0 but the effect is not 0 throughout, the matrix says what decides
it: among the parameters of the lever's own mechanism (:attr:`simulate.policy.Lever.parameters`, an a-priori
hypothesis rather than a search over all ~140 draws), those whose draws rank-correlate most with the paired
effect across replications (:func:`simulate.goals.deciders.deciders`, with "met" read as "the effect is
positive"), kept only where |ρ| exceeds what the best of them reaches by chance (``decided_by_chance_rho``,
5% per cell: across a matrix of a few hundred cells some leads pass by chance, so read them as leads to
check, e.g. with a sweep). An effect whose sign
depends on a parameter the documents leave open is a finding about that parameter, not noise.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from simulate.goals.catalogue import Goal, scenario_goals
from simulate.goals.deciders import MIN_REPLICATIONS, chance_level, deciders, parse
from simulate.goals.verdicts import _cells, locate, simulated_regions
from simulate.policy import levers
from simulate.report.labels import label
from simulate.report.style import PALETTE, house_style

YEARS = (2025, 2030)
"""Years at which effects on goal indicators are reported."""
MATRIX_COLUMNS = ["lever", "lever_paths", "goal_id", "indicator", "judged_region", "year", "base_median",
                  "lever_median", "effect_median", "effect_p05", "effect_p95", "interval_excludes_zero",
                  "p_met_base", "p_met_lever", "delta_p_met", "effect_decided_by",
                  "decided_by_chance_rho"]
"""Columns of ``lever_matrix.csv`` (effects are lever − base per replication; P(met) at the goal's
deadline nearest to the year; ``effect_decided_by``: for an effect whose interval includes 0, the
parameters that decide its sign, as ``name ≥ cut (ρ, share of replications the cut sorts right)``, and
``decided_by_chance_rho`` the |ρ| the best of the lever's own parameters reaches by chance at 5%; deciders
below it are left out)."""
DECIDERS_SHOWN = 2
"""Parameters named per undecided effect."""


@dataclass(frozen=True)
class LeverVariant:
    """One lever at the top of its range: the registry lever and the ranged paths set."""

    lever: str
    paths: tuple[str, ...]


def variants(ranges, region: str | None = None) -> list[LeverVariant]:
    """One variant per registry lever that has ranged paths whose high end differs from the low end.

    With ``region``, only the ranges that apply to a scenario of that region (``LeverRange.regions``).
    """
    out = []
    for lv in levers():
        paths = tuple(r.lever for r in ranges if (r.lever == lv.path or r.lever.startswith(lv.path + "."))
                      and r.low.value != r.high.value and (region is None or r.applies_to(region)))
        if paths:
            out.append(LeverVariant(lv.path, paths))
    return out


def _indicator_tables(result, goals: list[Goal]) -> dict[str, tuple[pd.DataFrame | None, str, str]]:
    sc = result.scenario
    metrics = {g.metric for g in goals}
    cells = _cells(result.frame, metrics)
    regions = {r.name for r in sc.region.subregions} | {sc.region.name}
    return {g.id: locate(cells, g, sc.region.name, regions) for g in goals}


def _p_met(goals_table: pd.DataFrame) -> pd.Series:
    t = goals_table[goals_table["status"] == "modelled"]
    return t.groupby("goal_id")["probability_met"].max()


def _of_lever(columns, lever_parameters: tuple[str, ...] | None) -> list[str]:
    """The parameter columns that belong to the lever's mechanism (all of them without a list)."""
    cols = [c for c in columns if c != "replication"]
    if lever_parameters is None:
        return cols
    return [c for c in cols if any(c == p or c.startswith((p + ".", p + "[")) for p in lever_parameters)]


def effect_deciders(effect: pd.Series, parameters: pd.DataFrame | None,
                    lever_parameters: tuple[str, ...] | None = None) -> tuple[str, float]:
    """``(decided_by text, chance |ρ|)`` for a paired effect indexed by replication.

    Args:
        lever_parameters: the lever's mechanism parameters (scenario paths); only their draws are ranked.

    Empty text when there are no such drawn parameters, fewer replications than
    :data:`simulate.goals.deciders.MIN_REPLICATIONS`, or an effect that is constant across replications.
    """
    if parameters is None:
        return "", float("nan")
    cols = _of_lever(parameters.columns, lever_parameters)
    if not cols:
        return "", float("nan")
    params = parameters.set_index("replication")[cols]
    e = effect.dropna()
    e = e[e.index.isin(params.index)]
    if len(e) < MIN_REPLICATIONS or np.ptp(e.to_numpy(float)) == 0:
        return "", float("nan")
    x = params.loc[e.index].reset_index(drop=True)
    x = x.loc[:, x.nunique() > 1]
    if x.shape[1] == 0:
        return "", float("nan")
    found = deciders(x, e.to_numpy(float), e.to_numpy(float) > 0, top=DECIDERS_SHOWN)  # above chance only
    return "; ".join(f.text() for f in found), chance_level(len(e), x.shape[1])


def matrix(base, runs: dict[LeverVariant, object]) -> pd.DataFrame:
    """The response matrix from a base run and one run per lever variant (same seed and replications)."""
    regions = simulated_regions(base.scenario)
    goals = [g for g in scenario_goals(base.scenario.goals)
             if g.kind == "outcome" and g.status == "modelled" and g.applies_to(regions)]
    base_tables = _indicator_tables(base, goals)
    base_p = _p_met(base.goals())
    own = {lv.path: lv.parameters for lv in levers()}
    rows = []
    for var, res in runs.items():
        tables = _indicator_tables(res, goals)
        p_lever = _p_met(res.goals())
        for g in goals:
            tb, region, metric = base_tables[g.id]
            tv, _, _ = tables[g.id]
            for year in YEARS:
                if tb is None or tv is None or year not in tb.columns or year not in tv.columns:
                    continue
                b = tb[year].sort_index().to_numpy(float)
                v = tv[year].sort_index().to_numpy(float)
                d = v - b
                index = tb[year].sort_index().index
                ok = ~np.isnan(d)
                if not ok.any():
                    continue
                q05, q50, q95 = np.quantile(d[ok], [0.05, 0.5, 0.95])
                pb, pv = float(base_p.get(g.id, np.nan)), float(p_lever.get(g.id, np.nan))
                excludes = bool(q05 > 0 or q95 < 0)
                why, chance = ("", float("nan")) if excludes else \
                    effect_deciders(pd.Series(d, index=index), getattr(res, "parameters", None), own.get(var.lever))
                rows.append((var.lever, ";".join(var.paths), g.id, metric, region, year, float(np.nanmedian(b)),
                             float(np.nanmedian(v)), float(q50), float(q05), float(q95),
                             excludes, pb, pv, pv - pb, why, chance))
    return pd.DataFrame(rows, columns=MATRIX_COLUMNS)


def decided_lines(m: pd.DataFrame) -> list[str]:
    """One line per undecided lever-goal effect that has a decider above chance.

    Undecided: the median is not 0 but the 90% interval includes 0; the first year with a decider is shown.
    """
    out, seen = [], set()
    for r in m[~m["interval_excludes_zero"] & (m["effect_median"] != 0)].itertuples():
        if (r.lever, r.goal_id) in seen or not parse(r.effect_decided_by):
            continue
        seen.add((r.lever, r.goal_id))
        out.append(f"  {r.lever} → {r.goal_id} {r.year}: effect {r.effect_median:+.4g} [{r.effect_p05:+.4g}, "
                   f"{r.effect_p95:+.4g}], positive when {r.effect_decided_by.split('; ')[0]} "
                   f"(a lead: chance |ρ| {r.decided_by_chance_rho:.2f} among the lever's own parameters)")
    return out


def heatmap(m: pd.DataFrame, year: int, lang: str, goal_names: dict[str, str]) -> go.Figure:
    """The heat map of one year: rows goals, columns levers.

    Colour is the median effect relative to the base (±100% clipped); a dot marks an effect whose 90%
    interval includes zero.
    """
    d = m[m["year"] == year].copy()
    rel = d["effect_median"] / d["base_median"].abs().where(d["base_median"].abs() > 1e-12)
    d["rel"] = rel.fillna(np.sign(d["effect_median"])).clip(-1, 1)
    goals = list(dict.fromkeys(d["goal_id"]))
    cols = list(dict.fromkeys(d["lever"]))
    z = np.full((len(goals), len(cols)), np.nan)
    text = [["" for _ in cols] for _ in goals]
    for r in d.itertuples():
        i, j = goals.index(r.goal_id), cols.index(r.lever)
        z[i, j] = r.rel
        text[i][j] = f"{r.rel:+.0%}" if r.interval_excludes_zero else "·"
    names = {lv.path: (lv.name_zh if lang == "zh" else lv.name_en) for lv in levers()}
    fig = go.Figure(go.Heatmap(
        z=z, x=[names.get(c, c) for c in cols], y=[goal_names.get(g, g) for g in goals], text=text,
        texttemplate="%{text}", zmin=-1, zmax=1, colorscale=[[0, PALETTE["red"]], [0.5, "#f7f7f7"],
                                                              [1, PALETTE["green"]]],
        colorbar={"title": {"text": label("lever_matrix_scale", lang)}, "tickformat": ".0%"}))
    fig.update_layout(title={"text": label("lever_matrix_title", lang, year=year)})
    fig.update_yaxes(autorange="reversed")
    return house_style(fig, lang, height=max(720, 26 * len(goals) + 200))


__all__ = ["MATRIX_COLUMNS", "LeverVariant", "decided_lines", "effect_deciders", "heatmap", "matrix", "variants"]
