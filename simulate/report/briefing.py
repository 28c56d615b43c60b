"""Assemble a comparison or a one-scenario briefing: figures, tables, sections and notes.

:func:`compare_bundle` and :func:`report_bundle` only compute and draw (no files); the CLI
passes the result to :func:`simulate.report.export.export_bundle`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go

from simulate.report import charts, metrics, tables
from simulate.report.labels import goal_name, label, named
from simulate.report.runs import ScenarioRun, applicable_goals, pairing, unlike
from simulate.report.style import PALETTE, check_lang, series_colour
from simulate.results.indicators import INDICATORS

GOALS_PER_CHART = 18
"""Rows of one goal-matrix slide."""
DOC_ORDER = ("nc", "jx", "hn", "jl", "cn")


@dataclass
class Bundle:
    """What a briefing shows: ready for :func:`~simulate.report.export.export_bundle`."""

    title: str
    lang: str
    figures: dict[str, go.Figure] = field(default_factory=dict)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    sections: list[tuple[str, list[str]]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _region(run: ScenarioRun, lang: str) -> str:
    region = run.scenario["region"]
    return region.get("name_zh") or region["name"] if lang == "zh" else str(region["name"]).replace("_", " ").title()


def _axis(cell: metrics.Cell, lang: str) -> tuple[str, str | None, float]:
    """(y-axis title, tick format, divisor) of an indicator."""
    unit = INDICATORS[cell.indicator].unit
    if unit in ("share", "ratio"):
        return label(f"unit_{unit}", lang), ".0%", 1.0
    if unit == "yuan":
        return label("money_unit", lang), ",.0f", tables.MONEY_SCALE[lang]
    key = {"persons": "unit_persons", "enterprises": "unit_enterprises"}.get(unit, "unit_count")
    return label(key, lang), ",.0f", 1.0


def _colours(runs: list[ScenarioRun], baseline: ScenarioRun | None) -> dict[str, str]:
    out, i = {}, 0
    for run in runs:
        if baseline is not None and run is baseline and len(runs) > 1:
            out[run.name] = PALETTE["baseline"]
        else:
            out[run.name] = series_colour(i)
            i += 1
    return out


def _names(runs: list[ScenarioRun], lang: str) -> dict[str, str]:
    titles = [r.title(lang) for r in runs]
    return {r.name: (t if titles.count(t) == 1 else f"{t} ({r.name})") for r, t in zip(runs, titles, strict=True)}


def _trajectories(b: Bundle, runs: list[ScenarioRun], colours: dict[str, str], reps: int) -> list[str]:
    lang, first = b.lang, runs[0]
    names, region = _names(runs, lang), _region(first, lang)
    marks = {y: label("milestone", lang, year=y) for y in charts.MILESTONES}
    keys, parts = [], []
    for cell in metrics.KEY_INDICATORS:
        df = metrics.bands(runs, cell)
        if df.empty:
            continue
        y_title, fmt, div = _axis(cell, lang)
        df[metrics.BAND_COLUMNS] = df[metrics.BAND_COLUMNS] / div
        b.figures[f"traj_{cell.indicator}"] = charts.band_chart(
            df, names=names, colours=colours, title=label(cell.indicator, lang), y_title=y_title,
            x_title=label("year", lang), lang=lang, subtitle=label("subtitle_bands", lang, region=region, n=reps),
            tickformat=fmt, milestones=marks)
        keys.append(f"traj_{cell.indicator}")
        parts.append(df.assign(indicator=cell.indicator))
    year = 2030 if first.base_year <= 2030 <= first.horizon else first.horizon
    bal = metrics.industry_balance(runs, year)
    if not bal.empty:
        b.figures["industry_balance"] = charts.industry_chart(
            bal, names=names, colours=colours, industries=named(first.scenario["region"]["industries"], lang),
            title=label("supply_vs_demand", lang, year=year), y_title=label("unit_persons", lang),
            matched_name=label("matched", lang), demand_name=label("demand", lang), lang=lang,
            subtitle=label("subtitle_industry", lang, region=region))
        keys.append("industry_balance")
    if parts:
        b.tables["trajectories"] = tables.band_table(pd.concat(parts, ignore_index=True), runs, lang, "trajectories")
        keys.append("trajectories")
    return keys


def _goal_charts(b: Bundle, runs: list[ScenarioRun]) -> list[str]:
    lang = b.lang
    long = tables.goal_long(runs)
    goals = next((r.goal_defs for r in runs if r.goal_defs), ())
    long["row"] = [tables.goal_row_label(g, d, p, lang, goals) for g, d, p in
                   zip(long["goal_id"], long["deadline"], long["proxy"], strict=True)]
    long["doc"] = [g.split(".", 1)[0] if g.split(".", 1)[0] in DOC_ORDER else "other" for g in long["goal_id"]]
    groups: list[tuple[list[str], pd.DataFrame]] = []
    for doc in (*DOC_ORDER, "other"):  # first fit, in document order: small documents share a slide
        d = long[long["doc"] == doc]
        n = d["row"].nunique()
        if not n:
            continue
        fit = next((i for i, (_, g) in enumerate(groups) if g["row"].nunique() + n <= GOALS_PER_CHART), None)
        if fit is not None:
            docs, prev = groups[fit]
            groups[fit] = (docs + [doc], pd.concat([prev, d]))
            continue
        rows = list(dict.fromkeys(d["row"]))
        for i in range(0, n, GOALS_PER_CHART):
            groups.append(([doc], d[d["row"].isin(rows[i:i + GOALS_PER_CHART])]))
    keys = []
    names = _names(runs, lang)
    for i, (docs, d) in enumerate(groups, start=1):
        doc_text = "、".join(label(f"doc_{x}", lang) for x in docs) if lang == "zh" else \
            "; ".join(label(f"doc_{x}", lang) for x in docs)
        b.figures[f"goals_{i}"] = charts.goal_matrix_chart(
            d, names=names, title=label("goal_matrix_part", lang, doc=doc_text), lang=lang,
            subtitle=label("subtitle_goals", lang), colorbar_title=label("p_met", lang))
        keys.append(f"goals_{i}")
    return keys


def _budget(b: Bundle, runs: list[ScenarioRun], wins: list[tuple[int, int]]) -> list[str]:
    lang = b.lang
    keys = []
    budget = tables.budget_table(runs, wins, lang)
    rows = []
    scale = tables.MONEY_SCALE[lang]
    names = _names(runs, lang)
    for run in runs:
        raw = metrics.budget(run, wins, scale)
        for first, last in wins:
            col = f"window:{first}-{last}"
            for item, value in zip(raw.get("item", []), raw.get(col, []), strict=True):
                if item != "public_cost":
                    rows.append({"group": label("window", lang, n=last - first + 1, start=first, end=last),
                                 "bar": names[run.name], "item": item, "value": value})
    if rows:
        items = {c.indicator: label(c.indicator, lang) for c in metrics.BUDGET_ITEMS if c.indicator != "public_cost"}
        b.figures["budget_windows"] = charts.stacked_chart(
            pd.DataFrame(rows), items=items, colours=dict(zip(items, (PALETTE["blue"], PALETTE["teal"],
                                                                      PALETTE["orange"]), strict=True)),
            title=label("budget_windows_title", lang), y_title=label("money_unit", lang), lang=lang,
            subtitle=label("subtitle_budget", lang, region=_region(runs[0], lang)))
        keys.append("budget_windows")
    if not budget.empty:
        b.tables["budget"] = budget
        keys.append("budget")
    return keys


def _notes(runs: list[ScenarioRun], lang: str, wins: list[tuple[int, int]]) -> list[str]:
    notes = []
    for run in runs:
        origin = label("origin_note", lang, origin=run.origin,
                       how=label("simulated_now" if run.simulated else "read_from_folder", lang))
        notes.append(label("scenario_line", lang, title=run.title(lang), origin=origin, reps=run.replications,
                           seed=run.seed))
        notes.append(uncertainty_note(run, lang))
    notes += [t for t in (tables.judges_text(run, lang) for run in runs) if t]
    notes.append(label("windows_line", lang, windows=", ".join(f"{a}–{b}" for a, b in wins)))
    return notes


def uncertainty_note(run: ScenarioRun, lang: str) -> str:
    """What P(met) rests on: both parameter and stochastic uncertainty, or stochastic only; replications, parameters."""
    u = run.uncertainty or {}
    k = int(u.get("parameters") or 0)
    key = "uncertainty_parameters" if u.get("mode") == "parameters" and k else "uncertainty_stochastic"
    return label(key, lang, title=run.title(lang), k=k, reps=run.replications)


def compare_bundle(runs: list[ScenarioRun], baseline: ScenarioRun, lang: str = "zh",
                   window_start: int | None = None, unpaired: bool = False) -> Bundle:
    """Side-by-side comparison of scenarios against a baseline (the baseline is listed first).

    ``unpaired``: the scenarios may differ in region or base year; every difference is labelled
    unpaired (a difference of medians) and each run keeps only the goals that apply to its region.
    """
    check_lang(lang)
    runs = [applicable_goals(baseline)] + [applicable_goals(r) for r in runs if r is not baseline]
    b = Bundle(title=label("compare_title", lang), lang=lang)
    paired, reps = pairing(runs)
    paired = paired and not unpaired
    wins = metrics.windows(baseline.base_year, baseline.horizon, window_start)
    colours = _colours(runs, baseline)
    names = _names(runs, lang)
    b.notes = _notes(runs, lang, wins)
    b.notes.insert(len(runs), label("baseline_line", lang, title=baseline.title(lang)))
    b.notes.append(label("paired_note" if paired else "unpaired_note", lang))
    if unlike(runs):
        b.notes.append(label("unlike_note", lang, what=unlike(runs)))

    b.tables["lever_differences"] = tables.lever_differences(runs, lang)
    b.sections.append((label("lever_diff", lang), ["lever_differences"]))

    goal_keys = _goal_charts(b, runs)
    b.tables["goal_matrix"] = tables.goal_matrix(runs, lang)
    b.sections.append((label("goal_matrix", lang), goal_keys + ["goal_matrix"]))
    b.tables["commitment_matrix"] = tables.goal_matrix(runs, lang, kind="commitment")
    b.sections.append((label("commitments", lang), ["commitment_matrix"]))

    b.sections.append((label("trajectories", lang), _trajectories(b, runs, colours, reps)))

    diff_keys, parts = [], []
    region = _region(baseline, lang)
    marks = {y: label("milestone", lang, year=y) for y in charts.MILESTONES}
    for cell in metrics.KEY_INDICATORS:
        df = metrics.paired_differences(runs, baseline, cell, paired)
        if df.empty:
            continue
        y_title, fmt, div = _axis(cell, lang)
        df[metrics.BAND_COLUMNS] = df[metrics.BAND_COLUMNS] / div
        fmt = ".1%" if fmt == ".0%" else fmt
        b.figures[f"diff_{cell.indicator}"] = charts.band_chart(
            df, names={k: v for k, v in names.items() if k != baseline.name}, colours=colours,
            title=label("difference_of" if paired else "difference_of_unpaired", lang,
                        name=label(cell.indicator, lang)), y_title=y_title,
            x_title=label("year", lang), lang=lang, tickformat=fmt, zero_line=True, milestones=marks,
            subtitle=label("subtitle_diff" if paired else "subtitle_diff_unpaired", lang, region=region))
        diff_keys.append(f"diff_{cell.indicator}")
        parts.append(df.assign(indicator=cell.indicator))
    if parts:
        b.tables["differences"] = tables.band_table(pd.concat(parts, ignore_index=True), runs, lang,
                                                    "differences" if paired else "differences_unpaired", paired)
        diff_keys.append("differences")
    b.sections.append((label("differences" if paired else "differences_unpaired", lang), diff_keys))

    budget_keys = _budget(b, runs, wins)
    ce = tables.cost_table(metrics.cost_effectiveness(runs, baseline, wins, paired), runs, lang)
    if not ce.empty:
        b.tables["cost_effectiveness"] = ce
        budget_keys.append("cost_effectiveness")
    b.sections.append((label("budget", lang), budget_keys))

    b.tables["assumptions"] = tables.assumptions_table(runs, lang)
    b.sections.append((label("assumptions", lang), ["assumptions"]))
    return _rounded(b)


def headline(run: ScenarioRun, lang: str) -> str:
    """How many modelled outcome targets are met, uncertain, unlikely; then the commitments apart."""
    p = tables.goal_rows(run, "outcome")["probability_met"].astype(float)
    text = label("headline_line", lang, n=len(p), met=int((p >= 0.9).sum()),
                 uncertain=int(((p > 0.1) & (p < 0.9)).sum()), unmet=int((p <= 0.1).sum()))
    c = tables.goal_rows(run, "commitment")["probability_met"].astype(float)
    if len(c):
        text += ("" if lang == "zh" else " ") + label("headline_commitments", lang, n=len(c),
                                                      kept=int((c >= 0.9).sum()))
    return text


def report_bundle(run: ScenarioRun, lang: str = "zh", window_start: int | None = None) -> Bundle:
    """A one-scenario briefing: headline verdicts, trajectories with bands, budget, assumptions."""
    check_lang(lang)
    b = Bundle(title=label("labelled", lang, name=label("report_title", lang), text=run.title(lang)), lang=lang)
    wins = metrics.windows(run.base_year, run.horizon, window_start)
    b.notes = [headline(run, lang), *_notes([run], lang, wins)]
    if run.scenario.get("description"):
        b.notes.append(label("labelled", lang, name=label("scenario_description", lang),
                             text=str(run.scenario["description"]).strip()))
    b.tables["verdicts"] = tables.verdict_table(run, lang)
    b.sections.append((label("headline", lang), _goal_charts(b, [run]) + ["verdicts"]))
    b.tables["commitments"] = tables.verdict_table(run, lang, kind="commitment")
    b.sections.append((label("commitments", lang), ["commitments"]))
    b.sections.append((label("trajectories", lang), _trajectories(b, [run], _colours([run], None),
                                                                  run.replications)))
    b.sections.append((label("budget", lang), _budget(b, [run], wins)))
    b.tables["assumptions"] = tables.assumptions_table([run], lang)
    b.sections.append((label("assumptions", lang), ["assumptions"]))
    return _rounded(b)


def _rounded(b: Bundle) -> Bundle:
    """Tables with 6 significant digits, so CSV and Excel read cleanly (both get the same numbers)."""
    b.tables = {k: tables.round_sig(v) for k, v in b.tables.items()}
    return b


__all__ = ["Bundle", "compare_bundle", "goal_name", "headline", "report_bundle", "uncertainty_note"]
