"""Plot functions: tidy DataFrame in, house-styled plotly figure out. Nothing is read or written.

Every function takes already translated texts (titles, names) and a ``lang`` for fonts, so
the same function draws the Chinese and the English chart.
"""

from __future__ import annotations

import textwrap

import pandas as pd
import plotly.graph_objects as go

from simulate.report.style import PALETTE, PROBABILITY_SCALE, SLIDE_HEIGHT, SLIDE_WIDTH, house_style, rgba

MILESTONES = (2025, 2030)


def wrap(text: str, width: int = 28) -> str:
    """Break a long label into lines for an axis or legend (``<br>``); CJK text by characters."""
    if len(text) <= width:
        return text
    if any("\u3400" <= ch <= "\u9fff" for ch in text):
        width = max(8, width // 2)
        return "<br>".join(text[i:i + width] for i in range(0, len(text), width))
    return "<br>".join(textwrap.wrap(text, width))


def _title(title: str, subtitle: str | None) -> dict:
    out: dict = {"text": title}
    if subtitle:
        out["subtitle"] = {"text": subtitle, "font": {"size": 14, "color": PALETTE["muted"]}}
    return out


def _year_axis(fig: go.Figure, x_title: str, years) -> None:
    years = sorted(int(y) for y in years)
    span = (years[-1] - years[0]) if years else 0
    fig.update_xaxes(title_text=x_title, tickformat="d", dtick=1 if span <= 10 else 2)


def _milestones(fig: go.Figure, years, text: dict[int, str] | None) -> None:
    if not len(years):
        return
    lo, hi = min(years), max(years)
    for y in MILESTONES:
        if lo < y < hi:
            fig.add_vline(x=y, line=dict(color=PALETTE["muted"], dash="dot", width=1),
                          annotation_text=(text or {}).get(y, ""), annotation_position="top left",
                          annotation_font=dict(size=12, color=PALETTE["muted"]))


def band_chart(df: pd.DataFrame, *, names: dict[str, str], colours: dict[str, str], title: str, y_title: str,
               x_title: str, lang: str = "zh", subtitle: str | None = None, tickformat: str | None = None,
               zero_line: bool = False, milestones: dict[int, str] | None = None,
               width: int = SLIDE_WIDTH, height: int = SLIDE_HEIGHT) -> go.Figure:
    """Median lines with 90% (p05–p95) bands per scenario on shared axes.

    Args:
        df: ``scenario, year, p05, p50, p95`` (p05/p95 may be NaN: no band is drawn).
        names: scenario → legend text; scenarios are drawn in this order.
        colours: scenario → colour.
        title: chart title.
        y_title: y-axis title (the unit).
        x_title: x-axis title.
        lang: font language.
        subtitle: line under the title (region, what the band is).
        tickformat: y tick format (``".0%"`` for shares, ``",.0f"`` for counts).
        zero_line: draw y = 0 (for differences).
        milestones: year → label of dotted vertical lines (2025, 2030).
        width: figure width in pixels.
        height: figure height in pixels.
    """
    fig = go.Figure()
    for key, name in names.items():
        d = df[df["scenario"] == key].sort_values("year")
        if d.empty:
            continue
        colour = colours[key]
        if d["p05"].notna().any():
            fig.add_trace(go.Scatter(x=d["year"], y=d["p95"], mode="lines", line=dict(width=0), legendgroup=key,
                                     showlegend=False, hoverinfo="skip"))
            fig.add_trace(go.Scatter(x=d["year"], y=d["p05"], mode="lines", line=dict(width=0), fill="tonexty",
                                     fillcolor=rgba(colour, 0.18), legendgroup=key, showlegend=False,
                                     hoverinfo="skip"))
        fig.add_trace(go.Scatter(x=d["year"], y=d["p50"], mode="lines+markers", name=wrap(name, 40), legendgroup=key,
                                 line=dict(color=colour, width=3), marker=dict(size=6, color=colour)))
    if zero_line:
        fig.add_hline(y=0, line=dict(color=PALETTE["zero"], width=1.5))
    _milestones(fig, df["year"].unique() if len(df) else [], milestones)
    fig.update_layout(title=_title(title, subtitle), yaxis_title=y_title, hovermode="x unified")
    _year_axis(fig, x_title, df["year"].unique() if len(df) else [])
    if tickformat:
        fig.update_yaxes(tickformat=tickformat)
    return house_style(fig, lang, width=width, height=height)


def goal_matrix_chart(df: pd.DataFrame, *, names: dict[str, str], title: str, lang: str = "zh",
                      subtitle: str | None = None, colorbar_title: str = "P", width: int = SLIDE_WIDTH,
                      height: int = SLIDE_HEIGHT) -> go.Figure:
    """Heatmap of P(met): goals down, scenarios across, each cell ``P | median year met``.

    Args:
        df: ``row`` (unique goal label, proxies already marked), ``scenario``, ``p_met``, ``year_met``;
            rows are drawn in order of first appearance.
        names: scenario → column heading, in column order.
        title: chart title.
        lang: font language.
        subtitle: line under the title (how to read a cell).
        colorbar_title: title of the colour bar.
        width: figure width in pixels.
        height: figure height in pixels.
    """
    rows = list(dict.fromkeys(df["row"]))
    cols = list(names)
    z = df.pivot_table(index="row", columns="scenario", values="p_met", aggfunc="first", dropna=False)
    z = z.reindex(index=rows, columns=cols)
    years = df.pivot_table(index="row", columns="scenario", values="year_met", aggfunc="first", dropna=False)
    years = years.reindex(index=rows, columns=cols)
    text = [[("—" if pd.isna(p) else f"{p:.0%}") + ("" if pd.isna(y) else f" | {int(y)}")
             for p, y in zip(zr, yr, strict=True)] for zr, yr in zip(z.to_numpy(), years.to_numpy(), strict=True)]
    fig = go.Figure(go.Heatmap(
        z=z.to_numpy(), x=[wrap(names[c], 24) for c in cols], y=[wrap(r, 60) for r in rows], text=text,
        texttemplate="%{text}", textfont=dict(size=13), colorscale=PROBABILITY_SCALE, zmin=0, zmax=1, xgap=2,
        ygap=2, colorbar=dict(title=dict(text=colorbar_title), tickformat=".0%", len=0.8, thickness=14),
        hovertemplate="%{y}<br>%{x}<br>%{text}<extra></extra>"))
    fig.update_layout(title=_title(title, subtitle))
    fig.update_yaxes(autorange="reversed", showgrid=False, ticks="")
    fig.update_xaxes(side="top", showgrid=False, ticks="")
    out = house_style(fig, lang, width=width, height=height)
    out.update_layout(margin=dict(t=150, l=20, b=30))
    out.update_yaxes(showline=False, tickfont=dict(size=12))
    out.update_xaxes(showline=False)
    return out


def industry_chart(df: pd.DataFrame, *, names: dict[str, str], colours: dict[str, str], industries: dict[str, str],
                   title: str, y_title: str, matched_name: str, demand_name: str, lang: str = "zh",
                   subtitle: str | None = None, width: int = SLIDE_WIDTH, height: int = SLIDE_HEIGHT) -> go.Figure:
    """Matched graduates (bars) against demand (diamonds) per industry, grouped by scenario.

    Args:
        df: ``scenario, industry, matched, demand`` (medians).
        names: scenario → legend text, in drawing order.
        colours: scenario → colour.
        industries: industry id → display name (order of the x axis).
        title: chart title.
        y_title: y-axis title.
        matched_name: legend text of the bars.
        demand_name: legend text of the diamonds.
        lang: font language.
        subtitle: line under the title.
        width: figure width in pixels.
        height: figure height in pixels.
    """
    fig = go.Figure()
    order = [i for i in industries if i in set(df["industry"])]
    x = [wrap(industries[i], 10) for i in order]
    for key, name in names.items():
        d = df[df["scenario"] == key].set_index("industry").reindex(order)
        fig.add_trace(go.Bar(x=x, y=d["matched"], name=wrap(f"{name}：{matched_name}" if lang == "zh" else
                                                            f"{name}: {matched_name}", 50),
                             marker_color=colours[key], offsetgroup=key, legendgroup=key))
        fig.add_trace(go.Scatter(x=x, y=d["demand"], mode="markers", name=wrap(
            f"{name}：{demand_name}" if lang == "zh" else f"{name}: {demand_name}", 50), legendgroup=key,
            marker=dict(symbol="diamond", size=12, color=colours[key], line=dict(color="white", width=1)),
            offsetgroup=key))
    fig.update_layout(title=_title(title, subtitle), barmode="group", yaxis_title=y_title, scattermode="group")
    fig.update_yaxes(tickformat=",.0f")
    return house_style(fig, lang, width=width, height=height)


def stacked_chart(df: pd.DataFrame, *, items: dict[str, str], colours: dict[str, str], title: str, y_title: str,
                  lang: str = "zh", subtitle: str | None = None, width: int = SLIDE_WIDTH,
                  height: int = SLIDE_HEIGHT) -> go.Figure:
    """Stacked bars: ``group`` (e.g. window) × ``bar`` (scenario) on a two-level axis, stacked by ``item``.

    Args:
        df: ``group, bar, item, value``.
        items: item key → legend text, in stacking order.
        colours: item key → colour.
        title: chart title.
        y_title: y-axis title.
        lang: font language.
        subtitle: line under the title.
        width: figure width in pixels.
        height: figure height in pixels.
    """
    fig = go.Figure()
    groups = list(dict.fromkeys(df["group"]))
    bars = list(dict.fromkeys(df["bar"]))
    pairs = [(g, b) for g in groups for b in bars]
    for key, name in items.items():
        d = df[df["item"] == key].set_index(["group", "bar"])["value"]
        fig.add_trace(go.Bar(x=[[g for g, _ in pairs], [wrap(b, 24) for _, b in pairs]],
                             y=[d.get(p) for p in pairs], name=name, marker_color=colours[key]))
    fig.update_layout(title=_title(title, subtitle), barmode="stack", yaxis_title=y_title)
    fig.update_yaxes(tickformat=",.0f")
    out = house_style(fig, lang, width=width, height=height)
    # the two-level axis needs the space under the plot: legend top right, in stacking order
    out.update_layout(legend=dict(x=1.0, xanchor="right", y=1.02, yanchor="bottom", traceorder="normal"),
                      margin=dict(t=120, b=40))
    return out
