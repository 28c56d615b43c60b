"""Fit and back-test reports: tables (CSV, xlsx), charts (PNG, SVG) and one HTML page, plus a text file.

Built with :func:`simulate.report.export.export_bundle` and :func:`~simulate.report.style.house_style`;
``report.txt`` is written first and needs neither a browser nor kaleido.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from simulate.results.runfolder import write_atomic

LEVEL_NAMES = {
    "junior_secondary": ("初中", "Junior secondary"),
    "general_senior_secondary": ("普通高中", "General senior secondary"),
    "secondary_vocational": ("中职（不含技工学校）", "Secondary vocational (excl. technical)"),
    "secondary_vocational_incl_technical": ("中职（含技工学校）", "Secondary vocational (incl. technical)"),
    "technical_school": ("技工学校", "Technical schools"),
    "higher_vocational": ("高职专科", "Higher vocational"),
    "vocational_undergraduate": ("职业本科", "Vocational undergraduate"),
}
COLOURS = {"observed": "#1d232b", "model": "#1f5fa8", "fitted": "#1f5fa8", "engine": "#e07b1a",
           "persistence": "#7b4fa0", "trend": "#2e8b57", "actual": "#c0392b"}


def _name(level: str, lang: str) -> str:
    zh, en = LEVEL_NAMES.get(level, (level, level))
    return zh if lang == "zh" else en


def _style(fig: go.Figure, lang: str, height: int = 720) -> go.Figure:
    try:
        from simulate.report.style import house_style
    except ImportError:  # the report package is optional for the text outputs
        return fig
    return house_style(fig, lang, height=height)


def level_figure(table: pd.DataFrame, level: str, columns: dict[str, str], lang: str, title: str,
                 cutoff: int | None = None, titles: dict[str, str] | None = None) -> go.Figure:
    """Subplots per indicator of one level: observed markers and one line per column of ``columns``.

    With ``cutoff``, figures after it are drawn in red (they were not used to fit) behind a dotted line.
    ``titles`` replaces an indicator's subplot title (e.g. with the driver that explains its error).
    """
    sub = table[table.level == level]
    inds = list(dict.fromkeys(sub.indicator))
    n_cols = min(3, len(inds))
    n_rows = int(np.ceil(len(inds) / n_cols))
    names = [(titles or {}).get(ind, ind) for ind in inds]
    fig = make_subplots(rows=n_rows, cols=n_cols, subplot_titles=names, vertical_spacing=0.16,
                        horizontal_spacing=0.08)
    shown = set()
    for k, ind in enumerate(inds):
        g = sub[sub.indicator == ind].sort_values("year")
        r, c = k // n_cols + 1, k % n_cols + 1
        obs = g.dropna(subset=["value"]).drop_duplicates(["year", "value"])
        parts = [("observed", obs)] if cutoff is None else [("observed", obs[obs.year <= cutoff]),
                                                             ("actual", obs[obs.year > cutoff])]
        for key, part in parts:
            label = "observed" if key == "observed" else "actual (not used to fit)"
            fig.add_trace(go.Scatter(x=part.year, y=part.value, mode="markers", name=label, legendgroup=key,
                                     marker=dict(color=COLOURS[key], size=8), showlegend=key not in shown),
                          row=r, col=c)
            shown.add(key)
        if cutoff is not None:
            fig.add_vline(x=cutoff + 0.5, line=dict(color="#8a8a8a", dash="dot", width=1), row=r, col=c)
        for col, label in columns.items():
            if col not in g or g[col].isna().all():
                continue
            dash = "dash" if col in ("engine", "persistence", "trend") else "solid"
            fig.add_trace(go.Scatter(x=g.year, y=g[col], mode="lines+markers", name=label, legendgroup=col,
                                     line=dict(color=COLOURS.get(col, "#5f6b7a"), dash=dash, width=2),
                                     marker=dict(size=5), showlegend=col not in shown), row=r, col=c)
            shown.add(col)
    fig.update_layout(title=title)
    fig = _style(fig, lang, height=max(480, 330 * n_rows))
    fig.update_xaxes(tickformat="d", dtick=2 if table.year.max() - table.year.min() > 6 else 1)
    return fig


def fit_figures(table: pd.DataFrame, lang: str) -> dict[str, go.Figure]:
    """Observed vs fitted (and engine) per level."""
    cols = {"fitted": "fitted (aggregate model)" if lang == "en" else "拟合（总量模型）"}
    if "engine" in table:
        cols["engine"] = "engine hindcast" if lang == "en" else "主体模型回算"
    return {f"fit_{lv}": level_figure(table, lv, cols, lang, _name(lv, lang))
            for lv in dict.fromkeys(table.level)}


def backtest_figures(lines: pd.DataFrame, lang: str, fit_until: int,
                     drivers: pd.DataFrame | None = None) -> dict[str, go.Figure]:
    """Per level, one panel per scored series, titled with the driver that explains its error.

    Each panel: observed history and later actuals, the model (fitted then projected), persistence and
    the five-year trend.

    ``lines``: ``level, indicator, year, value, model, persistence, trend`` (see
    :func:`simulate.fitting.workflow.backtest_lines`).
    """
    figs = {}
    labels = {"model": "model" if lang == "en" else "模型",
              "persistence": "naive: persistence" if lang == "en" else "朴素：延续上年",
              "trend": "naive: 5-year trend" if lang == "en" else "朴素：五年趋势"}
    why = {}
    if drivers is not None and len(drivers):
        for r in drivers.itertuples():
            share = f" ({r.share_of_error:.0%})" if np.isfinite(r.share_of_error) else ""
            why[(r.level, r.indicator)] = f"{r.indicator}<br><sup>error: {r.explained_by}{share}</sup>"
    for lv in dict.fromkeys(lines.level):
        titles = {ind: t for (lev, ind), t in why.items() if lev == lv}
        figs[f"backtest_{lv}"] = level_figure(lines, lv, labels, lang, f"{_name(lv, lang)} — fit ≤ {fit_until}",
                                              cutoff=fit_until, titles=titles)
    return figs


def outlook_figure(table: pd.DataFrame, lang: str) -> go.Figure:
    """Per region: births 15 years earlier (× the region's share), junior graduates and secondary applicants."""
    regions = list(dict.fromkeys(table.region))
    fig = make_subplots(rows=1, cols=len(regions), subplot_titles=regions, horizontal_spacing=0.08)
    cols = {"junior_graduates": ("junior graduates", "初中毕业生", "#1d232b"),
            "secondary_vocational_applicants": ("secondary vocational applicants", "中职报考", "#1f5fa8"),
            "technical_applicants": ("technical-school applicants", "技工报考", "#e07b1a"),
            "external_higher_vocational_applicants": ("external 高职 applicants", "高职社会/普高生源", "#2e8b57")}
    for k, region in enumerate(regions):
        g = table[table.region == region]
        for col, (en, zh, colour) in cols.items():
            fig.add_trace(go.Scatter(x=g.year, y=g[col], mode="lines", name=en if lang == "en" else zh,
                                     legendgroup=col, showlegend=k == 0, line=dict(color=colour, width=2)),
                          row=1, col=k + 1)
    fig.update_layout(title="School-age cohort and applicants (central paths)" if lang == "en"
                      else "学龄人口与生源（中心路径）")
    return _style(fig, lang, height=480)


def mape_figure(errors: pd.DataFrame, lang: str) -> go.Figure:
    """MAPE of the model and the naive forecasts per series (common set)."""
    e = errors[errors.in_overall]
    names = [f"{lv}/{ind}" for lv, ind in zip(e.level, e.indicator, strict=True)]
    fig = go.Figure()
    for col, label in (("mape_model", "model"), ("mape_persistence", "persistence"), ("mape_trend", "5-year trend")):
        fig.add_trace(go.Bar(y=names, x=e[col], name=label, orientation="h",
                             marker_color=COLOURS[col.removeprefix("mape_")]))
    fig.update_layout(title="MAPE (%) by series", barmode="group", xaxis_title="MAPE (%)")
    return _style(fig, lang, height=max(720, 28 * len(names) * 3))


def write_bundle(out: Path, *, title: str, lang: str, figures: dict, tables: dict, notes: list[str],
                 images: bool) -> list[str]:
    """Write the HTML/xlsx/CSV/PNG/SVG bundle; returns warnings (e.g. charts not rendered)."""
    from simulate.report.export import export_bundle

    warnings = []
    try:
        export_bundle(out, title=title, lang=lang, figures=figures, tables=tables, notes=notes, images=images)
    except Exception as exc:  # noqa: BLE001 - chart images need Chromium; the tables must still be written
        if not images:
            raise
        warnings.append(f"chart images not written ({type(exc).__name__}: {exc}); HTML, xlsx and CSV written")
        export_bundle(out, title=title, lang=lang, figures=figures, tables=tables, notes=notes, images=False)
    return warnings


def write_text(path: Path, lines: list[str]) -> None:
    """A UTF-8 text file, written atomically."""
    write_atomic(path, lambda p: p.write_text("\n".join(lines) + "\n", encoding="utf-8"))


def format_table(df: pd.DataFrame, floats: str = "{:,.4g}") -> list[str]:
    """A plain-text table (for report.txt and the terminal)."""
    cells = [[str(c) for c in df.columns]]
    for row in df.itertuples(index=False):
        cells.append([floats.format(v) if isinstance(v, float) and np.isfinite(v) else ("—" if isinstance(v, float)
                      else str(v)) for v in row])
    widths = [max(len(r[i]) for r in cells) for i in range(len(cells[0]))]
    return ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]


def warn(messages: list[str]) -> None:
    """Print warnings to stderr."""
    for m in messages:
        print(f"warning: {m}", file=sys.stderr)
