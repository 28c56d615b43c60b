"""What the page shows, as Dash components: lever texts and info lines, the goal matrix, tables, the open tab.

Pure functions from the explorer's controls and an :class:`~simulate.explore.results.Outcome` to components;
the callbacks in :mod:`simulate.explore.app` call them.
"""

from __future__ import annotations

import math

import pandas as pd
from dash import dcc, html

from simulate.explore.controls import Control
from simulate.explore.figures import BandCharts, difference_figure, trajectory_figure
from simulate.explore.labels import FIELDS, choice_name, field_name, group_name, ui
from simulate.explore.results import (
    CELLS,
    Outcome,
    budget_table,
    changes_table,
    cost_table,
    goal_label,
    moved,
    moved_rows,
)
from simulate.goals.table import fmt_number
from simulate.report.html_page import format_cell, probability_colour
from simulate.report.labels import named

PLOT_CONFIG = {"displaylogo": False, "responsive": True, "modeBarButtonsToRemove": ["sendDataToCloud"]}


# -- texts ------------------------------------------------------------------------------------------

def _num(v: object, lang: str, kind: str = "") -> str:
    if kind == "year":
        return str(v)
    if v is None:
        return ui("everywhere", lang)
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if isinstance(v, list):
        return ", ".join(map(str, v))
    return f"{v:,}" if isinstance(v, int) and not isinstance(v, bool) and abs(v) >= 1000 else str(v)


def info(c: Control, lang: str) -> list:
    """A control's info line: unit, documented range, base value and its source (range sources below)."""
    unit = (FIELDS.get(c.path, ("", "", ""))[2] if lang == "zh" else "") or c.unit
    parts = [f"{ui('unit', lang)}: {unit}" if unit else ""]
    details = []
    if c.range is not None:
        lo, hi = c.range.low, c.range.high
        if lo.value == hi.value:
            parts.append(ui("range_fixed", lang, low=_num(lo.value, lang, c.kind)))
        else:
            parts.append(ui("range", lang, low=_num(lo.value, lang, c.kind), high=_num(hi.value, lang, c.kind)))
        details = [html.Div(f"{ui('low', lang)} {_num(lo.value, lang, c.kind)}: {lo.source}"),
                   html.Div(f"{ui('high', lang)} {_num(hi.value, lang, c.kind)}: {hi.source}")]
    elif c.not_ranged:
        parts.append(ui("not_ranged", lang, reason=c.not_ranged))
    else:
        parts.append(ui("no_range", lang))
    base = c.base_text if c.kind != "ids" else (", ".join(c.initial) or ui("none_selected", lang))
    if c.nullable and c.base is None:
        base = ui("everywhere", lang)
    parts.append(f"{ui('base_value', lang)}: {base}")
    line = " · ".join(p for p in parts if p)
    src = f"{ui('source', lang)}: {c.source}"
    if details:  # the range ends' sources fold under the base value's source
        return [html.Div(line), html.Details([html.Summary(src), *details])]
    return [html.Div(line), html.Div(src)]


def text(key: str, lang: str, controls: dict[str, Control]) -> object:
    """The content of a translated element (see :func:`simulate.explore.layout.T`)."""
    kind, _, rest = key.split("@", 1)[0].partition(":")  # "@…" keeps repeated texts' ids unique
    if kind == "ui":
        return ui(rest, lang)
    if kind == "group":
        return group_name(rest, lang)
    if kind == "field":
        return field_name(rest, lang)
    if kind == "info" and rest in controls:
        return info(controls[rest], lang)
    return key


def options(c: Control, lang: str, region) -> list[dict]:
    """Options of a select or multi-select control in ``lang``."""
    if c.kind == "choice":
        return [{"label": choice_name(c.path, o, lang), "value": o} for o in c.options]
    if "major" in f"{c.path} {c.description}":
        names = named(region.majors, lang)
    else:
        names = {s.name: (s.name_zh if lang == "zh" else s.name.replace("_", " ").title()) for s in region.subregions}
    out = [{"label": names.get(o, o), "value": o} for o in c.options]
    return out


# -- results ----------------------------------------------------------------------------------------

def _p_cell(p: float, cls: str) -> html.Td:
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return html.Td("—", className=f"num {cls}")
    return html.Td(f"{p:.0%}", className=f"num {cls}", style={"background": probability_colour(float(p))},
                   **{"data-p": f"{p:.6f}"})


def _year(v: float) -> str:
    return "—" if v is None or math.isnan(v) else f"{v:.0f}"


def goal_table(o: Outcome, lang: str) -> html.Div:
    """The goal matrix: P(met) base and variant, Δ, P(plan period), year met, margin; outcomes, then commitments."""
    head = [ui(k, lang) for k in ("col_goal", "col_deadline", "col_target", "col_p_base", "col_p_variant",
                                  "col_delta", "col_period", "col_year", "col_margin")]
    blocks = []
    for kind in ("outcome", "commitment"):
        g = o.goals[o.goals["kind"] == kind]
        if g.empty:
            continue
        rows = []
        for r, changed in zip(g.itertuples(), moved_rows(g), strict=True):
            name, deadline = goal_label(o, r.goal_id, r.deadline, lang)
            delta = "—" if math.isnan(r.delta) else f"{100 * r.delta:+.0f}"
            rows.append(html.Tr([
                html.Td(name), html.Td(deadline), html.Td(fmt_number(r.target, r.unit), className="num"),
                _p_cell(r.p_base, "p-base"), _p_cell(r.p_variant, "p-variant"), html.Td(delta, className="num"),
                html.Td(f"{_pct(r.period_base)} → {_pct(r.period_variant)}", className="num period",
                        **{"data-base": _pstr(r.period_base), "data-variant": _pstr(r.period_variant)}),
                html.Td(f"{_year(r.year_base)} → {_year(r.year_variant)}", className="num"),
                html.Td(fmt_number(r.margin_variant, r.unit, signed=True), className="num"),
            ], className="moved" if changed else "", **{"data-goal": r.goal_id, "data-deadline": r.deadline}))
        blocks += [html.H4(ui("outcomes" if kind == "outcome" else "commitments", lang)),
                   html.Table([html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(rows)])]
    return html.Div([html.P(ui("goals_note", lang), className="note"), *blocks])


def _pct(p: float) -> str:
    return "—" if p is None or math.isnan(p) else f"{p:.0%}"


def _pstr(p: float) -> str:
    return "" if p is None or math.isnan(p) else f"{p:.6f}"


def frame_table(df: pd.DataFrame) -> html.Div:
    """A DataFrame as a plain table (numbers formatted as in the briefing's HTML)."""
    if df is None or df.empty:
        return html.Div()
    rows = []
    for rec in df.itertuples(index=False, name=None):
        cells = []
        for v in rec:
            shown, is_text = format_cell(v)
            cells.append(html.Td(shown, className="" if is_text else "num"))
        rows.append(html.Tr(cells))
    caption = df.attrs.get("caption")
    return html.Div([html.H4(df.attrs.get("title", "")),
                     html.Table([html.Thead(html.Tr([html.Th(str(c)) for c in df.columns])), html.Tbody(rows)]),
                     html.P(caption, className="note") if caption else None])


def tab_children(o: Outcome, tab: str, lang: str, cache: BandCharts | None = None) -> list:
    """The open tab's content (cached per outcome, tab and language); ``cache`` keeps drawn charts for refilling."""
    key = (tab, lang)
    if key in o.cache:
        return o.cache[key]
    meta = {"generation": o.generation, "lang": lang}  # lets a test or benchmark see which result a chart shows

    def graph(name: str, fig: dict) -> dcc.Graph:
        return dcc.Graph(id=name, figure={"data": fig["data"], "layout": {**fig["layout"], "meta": meta}},
                         config=PLOT_CONFIG)

    if tab == "trajectories":
        out = [html.Div([graph(f"traj-{c.indicator}", trajectory_figure(o, c, lang, cache)) for c in CELLS],
                        className="charts")]
    elif tab == "differences":
        out = [html.P(ui("paired", lang), className="note"),
               html.Div([graph(f"diff-{c.indicator}", difference_figure(o, c, lang, cache)) for c in CELLS],
                        className="charts")]
    elif tab == "goals":
        out = [goal_table(o, lang)]
    else:
        out = [frame_table(budget_table(o, lang)), frame_table(cost_table(o, lang))]
    o.cache[key] = out
    return out


def summary(o: Outcome, lang: str) -> list:
    """What changed and what moved, above the tabs."""
    if not o.changes:
        return [html.P(ui("no_changes", lang))]
    df = changes_table(o, lang)
    df.attrs["title"] = ui("changed_levers", lang)
    return [frame_table(df), html.P([ui("moved", lang, n=moved(o)), " · ", ui("paired", lang)], className="note")]


__all__ = ["PLOT_CONFIG", "frame_table", "goal_table", "info", "options", "summary", "tab_children", "text"]
