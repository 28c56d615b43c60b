"""The page's charts: the briefing's band chart in the house style, at page size, redrawn fast.

:func:`trajectory_figure` and :func:`difference_figure` draw with
:func:`simulate.report.charts.band_chart` (house style, zh/en). Styling a plotly figure costs tens of
milliseconds (the template is validated and copied), which is most of the time between a finished run
and updated charts; but for one indicator, language and replication count only the numbers change.
So :class:`BandCharts` keeps the first figure of each such key as a plain dict and later fills its
traces with the new bands (:func:`refill`); a test checks that a refilled figure equals a freshly
drawn one.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pandas as pd
import plotly.graph_objects as go

from simulate.explore.labels import ui
from simulate.report import charts, metrics, tables
from simulate.report.labels import label
from simulate.report.style import PALETTE
from simulate.results.indicators import INDICATORS

CHART_HEIGHT = 330
"""Chart height on the page in pixels (the width follows the page)."""


def _names(o, lang: str) -> dict[str, str]:
    return {o.base.name: label("baseline", lang), o.variant.name: ui("variant", lang)}


def _colours(o) -> dict[str, str]:
    return {o.base.name: PALETTE["baseline"], o.variant.name: PALETTE["blue"]}


def _axis(cell: metrics.Cell, lang: str) -> tuple[str, str, float]:
    unit = INDICATORS[cell.indicator].unit
    if unit in ("share", "ratio"):
        return label(f"unit_{unit}", lang), ".1%", 1.0  # small charts: whole percents repeat on the axis
    if unit == "yuan":
        return label("money_unit", lang), ",.0f", tables.MONEY_SCALE[lang]
    key = {"persons": "unit_persons", "enterprises": "unit_enterprises"}.get(unit, "unit_count")
    return label(key, lang), ",.0f", 1.0


def _region(o, lang: str) -> str:
    region = o.base.scenario["region"]
    return (region.get("name_zh") or region["name"]) if lang == "zh" else str(region["name"]).replace("_", " ").title()


def compact(fig: go.Figure) -> go.Figure:
    """The house-style chart at page size: responsive width, smaller title, legend under the plot."""
    fig.update_layout(width=None, height=CHART_HEIGHT, autosize=True, margin=dict(l=60, r=20, t=70, b=30),
                      title=dict(font=dict(size=16), y=0.96), legend=dict(y=-0.12, font=dict(size=12)))
    fig.update_xaxes(title_text=None)  # the axis is years; the legend sits where its title was
    fig.update_annotations(font=dict(size=11))
    return fig


def role(trace: dict) -> str:
    """Which band column a trace of :func:`~simulate.report.charts.band_chart` draws: p95, p05 (filled) or p50."""
    if trace.get("fill") == "tonexty":
        return "p05"
    return "p50" if trace.get("mode") == "lines+markers" else "p95"


def refill(template: dict, df: pd.DataFrame) -> dict | None:
    """``template`` (a band chart as a dict) with its traces' x and y taken from ``df``; ``None`` if they differ.

    Each trace is matched to its scenario by ``legendgroup`` and to its column by :func:`role`; the layout
    (titles, axes, milestones, house style) is shared with the template.
    """
    data = []
    groups = {str(k): d.sort_values("year") for k, d in df.groupby("scenario", sort=False)}
    for trace in template["data"]:
        d = groups.get(str(trace.get("legendgroup")))
        col = role(trace)
        if d is None or d[col].isna().any():
            return None
        data.append({**trace, "x": d["year"].tolist(), "y": d[col].tolist()})
    drawn = {str(t.get("legendgroup")) for t in template["data"]}
    if drawn != set(groups):
        return None
    return {"data": data, "layout": template["layout"]}


class BandCharts:
    """Band charts drawn once per key by :func:`~simulate.report.charts.band_chart`, then refilled."""

    def __init__(self) -> None:
        self._templates: dict[tuple, dict] = {}
        self._lock = threading.Lock()

    def get(self, key: tuple, df: pd.DataFrame, draw: Callable[[], go.Figure]) -> dict:
        """The figure of ``df`` as a dict: the kept template refilled, or drawn (and kept) the first time."""
        with self._lock:
            template = self._templates.get(key)
        if template is not None:
            fig = refill(template, df)
            if fig is not None:
                return fig
        fig = draw().to_plotly_json()
        with self._lock:
            self._templates[key] = fig
        return fig


def _bands(o, cell: metrics.Cell, lang: str, diff: bool) -> tuple[pd.DataFrame, str, str]:
    if diff:
        df = metrics.paired_differences([o.base, o.variant], o.base, cell, paired=True)
    else:
        df = metrics.bands([o.base, o.variant], cell)
    y_title, fmt, div = _axis(cell, lang)
    df[metrics.BAND_COLUMNS] = df[metrics.BAND_COLUMNS] / div
    return df, y_title, (".2%" if fmt == ".1%" else fmt) if diff else fmt


def trajectory_figure(o, cell: metrics.Cell, lang: str, cache: BandCharts | None = None) -> dict:
    """Median and 90% band of one headline indicator, base and variant (a figure dict)."""
    df, y_title, fmt = _bands(o, cell, lang, diff=False)
    marks = {y: label("milestone", lang, year=y) for y in charts.MILESTONES}

    def draw() -> go.Figure:
        return compact(charts.band_chart(
            df, names=_names(o, lang), colours=_colours(o), title=label(cell.indicator, lang), y_title=y_title,
            x_title=label("year", lang), lang=lang, tickformat=fmt, milestones=marks,
            subtitle=label("subtitle_bands", lang, region=_region(o, lang), n=o.reps)))

    if cache is None:
        return draw().to_plotly_json()
    return cache.get(("trajectory", cell, lang, o.reps, o.base.name, o.variant.name), df, draw)


def difference_figure(o, cell: metrics.Cell, lang: str, cache: BandCharts | None = None) -> dict:
    """Median and 90% band of the paired difference variant − base of one headline indicator (a figure dict)."""
    df, y_title, fmt = _bands(o, cell, lang, diff=True)
    marks = {y: label("milestone", lang, year=y) for y in charts.MILESTONES}

    def draw() -> go.Figure:
        return compact(charts.band_chart(
            df, names={o.variant.name: ui("variant", lang)}, colours=_colours(o),
            title=label("difference_of", lang, name=label(cell.indicator, lang)), y_title=y_title,
            x_title=label("year", lang), lang=lang, tickformat=fmt, zero_line=True, milestones=marks,
            subtitle=label("subtitle_diff", lang, region=_region(o, lang))))

    if cache is None:
        return draw().to_plotly_json()
    return cache.get(("difference", cell, lang, o.base.name, o.variant.name), df, draw)


__all__ = ["BandCharts", "CHART_HEIGHT", "compact", "difference_figure", "refill", "role", "trajectory_figure"]
