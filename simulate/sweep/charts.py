"""Charts of a sweep's sensitivity tables, one figure per outcome with a panel per milestone year.

Tornado (OAT), μ*–σ (Morris), S1/ST bars (Sobol), S1 bars (RBD-FAST, lhs), main effects (grid), and
an overview heatmap of every factor's relative importance for every outcome and year. Every figure
is built bare and styled last with :func:`simulate.report.style.house_style`.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from simulate.report.labels import goal_name, label, translate
from simulate.report.style import PALETTE, PROBABILITY_SCALE, house_style, series_colour

TEXT: dict[str, tuple[str, str]] = {
    "p_met": ("达成概率", "P(met)"),
    "year": ("{year}年", "{year}"),
    "tornado": ("{name}：单因素敏感性（龙卷风图）", "{name}: one factor at a time (tornado)"),
    "low": ("低值", "Low"),
    "high": ("高值", "High"),
    "base_line": ("基准点", "Base point"),
    "morris": ("{name}：Morris筛选（μ* 与 σ）", "{name}: Morris screening (μ* and σ)"),
    "mu_star": ("μ*（平均绝对基本效应）", "μ* (mean absolute elementary effect)"),
    "sigma": ("σ（基本效应标准差）", "σ (std. dev. of elementary effects)"),
    "sobol": ("{name}：Sobol敏感性指数", "{name}: Sobol indices"),
    "S1": ("一阶指数 S1", "First order S1"),
    "ST": ("总效应指数 ST", "Total order ST"),
    "rbd": ("{name}：一阶敏感性指数（RBD-FAST）", "{name}: first-order indices (RBD-FAST)"),
    "main": ("{name}：主效应（网格）", "{name}: main effects (grid)"),
    "level_index": ("因素水平（由低到高）", "Factor level (low to high)"),
    "overview": ("各因素对各结果的相对重要性", "Relative importance of each factor for each outcome"),
    "importance": ("相对重要性（每行最大值 = 1）", "Relative importance (row maximum = 1)"),
    "outcome": ("结果", "Outcome"),
    "factor": ("因素", "Factor"),
    "index": ("指数", "Index"),
    "mean": ("平均值", "Mean"),
}


def text(key: str, lang: str, **fmt: object) -> str:
    """A sweep chart string in ``lang``."""
    return translate(TEXT, key, lang, **fmt)


def outcome_label(o: dict, lang: str) -> str:
    """Display name of an outcome (without the year)."""
    if o["kind"] == "goal":
        return f"{goal_name(o['goal_id'], lang)}（{text('p_met', lang)}）" if lang == "zh" else \
            f"{goal_name(o['goal_id'], lang)} ({text('p_met', lang)})"
    name = label(o["indicator"], lang, default=o["indicator"])
    extra = [x for x in (o.get("level") if o.get("level") not in (None, "all", "enterprise") else None,
                         o.get("region_label"), o.get("dimension") if o.get("dimension") != "total" else None) if x]
    if o.get("cumulative_from"):
        extra.append(f"{o['cumulative_from']}–" + ("累计" if lang == "zh" else "cumulative"))
    return name + (f" [{', '.join(str(x) for x in extra)}]" if extra else "")


def factor_labels(factors: list[dict], lang: str) -> dict[str, str]:
    """Factor name → display label."""
    return {f["name"]: (f.get("label_zh") if lang == "zh" else f.get("label_en")) or f["name"] for f in factors}


def _panels(years: list[int], title: str, lang: str, **kw) -> go.Figure:
    n = len(years)
    fig = make_subplots(rows=1, cols=n, subplot_titles=[text("year", lang, year=y) for y in years],
                        horizontal_spacing=0.12 if n > 1 else 0.0, **kw)
    fig.update_layout(title_text=title)
    return fig


def _fmt(v: object) -> str:
    if isinstance(v, float):
        return f"{v:,.6g}"
    return str(v)


def tornado_figure(t: pd.DataFrame, o: dict, flabels: dict[str, str], lang: str) -> go.Figure:
    """Bars from the base outcome to the outcome at each factor's low and high level, per year."""
    years = sorted(t.year.unique())
    last = t[t.year == years[-1]].sort_values("swing")
    first = t[t.year == years[-1]].set_index("factor")
    order = [f"{flabels[f]}<br><sup>{_fmt(first.low_level[f])} → {_fmt(first.high_level[f])}</sup>"
             for f in last.factor]
    fig = _panels(years, text("tornado", lang, name=outcome_label(o, lang)), lang, shared_yaxes=True)
    for c, y in enumerate(years, start=1):
        d = t[t.year == y].set_index("factor").loc[list(last.factor)]
        base = float(d.base.iloc[0])
        for side, colour in (("low", PALETTE["blue"]), ("high", PALETTE["orange"])):
            levels = [_fmt(v) for v in d[f"{side}_level"]]
            fig.add_trace(go.Bar(
                y=order, x=d[f"delta_{side}"], base=base, orientation="h", name=text(side, lang),
                marker_color=colour, legendgroup=side, showlegend=c == 1, customdata=levels,
                error_x=dict(type="data", array=d[f"delta_{side}_conf"].fillna(0), visible=True, color=PALETTE["axis"]),
                hovertemplate="%{customdata} → %{x:,.4g}<extra></extra>"), row=1, col=c)
        fig.add_vline(x=base, line=dict(color=PALETTE["baseline"], dash="dash"), row=1, col=c)
    fig.update_layout(barmode="overlay", bargap=0.35)
    return fig


def morris_figure(t: pd.DataFrame, o: dict, flabels: dict[str, str], lang: str) -> go.Figure:
    """μ* against σ with confidence intervals, per year."""
    years = sorted(t.year.unique())
    fig = _panels(years, text("morris", lang, name=outcome_label(o, lang)), lang)
    for c, y in enumerate(years, start=1):
        d = t[t.year == y]
        visible = 0.05 * float(np.nanmax(np.r_[d.mu_star, d.sigma, 0]))  # name only the points that stand apart
        for i, r in enumerate(d.itertuples()):
            name = flabels[r.factor] if max(r.mu_star, r.sigma) > visible else ""
            fig.add_trace(go.Scatter(
                x=[r.mu_star], y=[r.sigma], mode="markers+text", text=[name], textposition="top center",
                marker=dict(size=12, color=series_colour(i)), name=flabels[r.factor], legendgroup=r.factor,
                showlegend=c == 1, error_x=dict(type="data", array=[r.mu_star_conf], visible=True),
                error_y=dict(type="data", array=[r.sigma_conf], visible=True)), row=1, col=c)
        top = float(np.nanmax(np.r_[d.mu_star + d.mu_star_conf, d.sigma + d.sigma_conf, 0])) * 1.1 or 1.0
        fig.add_trace(go.Scatter(x=[0, top], y=[0, top], mode="lines", line=dict(dash="dot", color=PALETTE["muted"]),
                                 showlegend=False, hoverinfo="skip"), row=1, col=c)
        fig.update_xaxes(title_text=text("mu_star", lang), rangemode="tozero", row=1, col=c)
        fig.update_yaxes(title_text=text("sigma", lang) if c == 1 else None, rangemode="tozero", row=1, col=c)
    return fig


def index_bars_figure(t: pd.DataFrame, o: dict, flabels: dict[str, str], lang: str, method: str) -> go.Figure:
    """S1 (and ST) bars with confidence intervals, per year."""
    years = sorted(t.year.unique())
    title = text("sobol" if method == "sobol" else "rbd", lang, name=outcome_label(o, lang))
    fig = _panels(years, title, lang, shared_yaxes=True)
    metrics = ["S1", "ST"] if method == "sobol" else ["S1"]
    order = list(t[t.year == years[-1]].sort_values(metrics[-1]).factor)
    for c, y in enumerate(years, start=1):
        d = t[t.year == y].set_index("factor").loc[order]
        for i, m in enumerate(metrics):
            fig.add_trace(go.Bar(
                y=[flabels[f] for f in order], x=d[m], orientation="h", name=text(m, lang), legendgroup=m,
                marker_color=series_colour(i), showlegend=c == 1,
                error_x=dict(type="data", array=d[f"{m}_conf"].fillna(0), visible=True, color=PALETTE["axis"])),
                row=1, col=c)
        fig.update_xaxes(title_text=text("index", lang), row=1, col=c)
    fig.update_layout(barmode="group")
    return fig


def main_effects_figure(t: pd.DataFrame, o: dict, flabels: dict[str, str], lang: str) -> go.Figure:
    """Mean outcome at each level of each factor, per year."""
    years = sorted(t.year.unique())
    fig = _panels(years, text("main", lang, name=outcome_label(o, lang)), lang, shared_yaxes=True)
    for c, y in enumerate(years, start=1):
        d = t[t.year == y]
        for i, (f, g) in enumerate(d.groupby("factor", sort=False)):
            fig.add_trace(go.Scatter(x=list(range(len(g))), y=g["mean"], text=g.level, mode="lines+markers",
                                     name=flabels[f], legendgroup=f, showlegend=c == 1,
                                     line=dict(color=series_colour(i)),
                                     hovertemplate="%{text}: %{y:,.4g}<extra></extra>"), row=1, col=c)
        fig.update_xaxes(title_text=text("level_index", lang), row=1, col=c)
    return fig


IMPORTANCE = {"oat": "swing", "morris": "mu_star", "sobol": "ST", "lhs": "S1"}


def overview_figure(t: pd.DataFrame, method: str, outcomes: list[dict], flabels: dict[str, str],
                    lang: str) -> go.Figure | None:
    """Heatmap: factor importance for every outcome column, scaled so each row's maximum is 1."""
    metric = IMPORTANCE.get(method)
    if metric is None or t.empty:
        return None
    by_col = {o["column"]: o for o in outcomes}
    m = t.pivot_table(index="column", columns="factor", values=metric, aggfunc="first", sort=False)
    m = m.clip(lower=0)
    m = m.div(m.max(axis=1).replace(0, np.nan), axis=0).fillna(0.0)
    rows = [f"{outcome_label(by_col[c], lang)} · {by_col[c]['year']}" for c in m.index]
    fig = go.Figure(go.Heatmap(z=m.to_numpy(), x=[flabels[f] for f in m.columns], y=rows, zmin=0, zmax=1,
                               colorscale=[[0, "#ffffff"], [1, PALETTE["blue"]]],
                               colorbar=dict(title=dict(text=text("importance", lang), side="right")),
                               text=np.vectorize(lambda v: "" if math.isnan(v) else f"{v:.2f}")(m.to_numpy()),
                               texttemplate="%{text}", hoverongaps=False))
    fig.update_layout(title_text=text("overview", lang), yaxis=dict(autorange="reversed"))
    return fig


def figures(method: str, table: pd.DataFrame, outcomes: list[dict], factors: list[dict],
            lang: str) -> dict[str, go.Figure]:
    """Every chart of a sweep, styled: ``overview`` then one per outcome (``<method>_<outcome>``)."""
    flabels = factor_labels(factors, lang)
    out: dict[str, go.Figure] = {}
    height = max(720, 140 + 60 * len(factors))
    ov = overview_figure(table, method, outcomes, flabels, lang)
    if ov is not None:
        out["overview"] = house_style(ov, lang, height=max(720, 200 + 28 * table.column.nunique()))
    if table.empty:
        return out
    first = {}
    for o in outcomes:
        first.setdefault(o["outcome"], o)
    for name, o in first.items():
        t = table[table.outcome == name]
        if t.empty:
            continue
        if method == "oat":
            fig = tornado_figure(t, o, flabels, lang)
        elif method == "morris":
            fig = morris_figure(t, o, flabels, lang)
        elif method in ("sobol", "lhs"):
            fig = index_bars_figure(t, o, flabels, lang, method)
        else:
            fig = main_effects_figure(t, o, flabels, lang)
        out[f"{method}_{name}"[:80]] = house_style(fig, lang, height=height)
    return out


__all__ = ["figures", "outcome_label", "factor_labels", "text", "PROBABILITY_SCALE"]
