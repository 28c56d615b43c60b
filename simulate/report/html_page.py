"""The self-contained HTML page of a briefing: plotly.js inlined once, charts and tables, no network.

Nothing on the page is loaded from a host: no ``src``/``href`` to http(s), fonts from the
system, plotly.js embedded in one ``<script>`` element. Tables may carry display hints in
``DataFrame.attrs``:

- ``"probability_columns"``: columns whose numbers in [0, 1] colour the cell by P(met);
- ``"caption"``: a line shown under the table.
"""

from __future__ import annotations

import html
import math
from numbers import Number

import pandas as pd
import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from simulate.report.style import PALETTE, PROBABILITY_SCALE, font_family

PLOT_CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "modeBarButtonsToRemove": ["sendDataToCloud", "lasso2d", "select2d"],
}

CSS = """
body {{ font-family: {font}; color: {text}; background: #fff; margin: 0; }}
main {{ max-width: 1320px; margin: 0 auto; padding: 24px 32px 64px; }}
h1 {{ font-size: 28px; margin: 8px 0 4px; }}
h2 {{ font-size: 21px; margin: 36px 0 10px; padding-bottom: 4px; border-bottom: 2px solid {blue}; }}
h3 {{ font-size: 16px; margin: 22px 0 6px; color: {muted}; }}
.meta, .caption {{ color: {muted}; font-size: 13px; }}
.notes li {{ margin: 2px 0; }}
nav ol {{ columns: 2; font-size: 14px; }}
.chart {{ width: 100%; height: 620px; margin: 8px 0 18px; }}
.table-wrap {{ overflow-x: auto; margin: 6px 0 18px; }}
table {{ border-collapse: collapse; font-size: 13px; }}
th, td {{ border: 1px solid {grid}; padding: 4px 8px; text-align: right; white-space: nowrap; }}
th {{ background: {panel}; position: sticky; top: 0; }}
td.text, th.text {{ text-align: left; white-space: normal; max-width: 420px; }}
@media print {{ .chart {{ height: 540px; page-break-inside: avoid; }} nav {{ display: none; }} }}
"""


def format_cell(value: object) -> tuple[str, bool]:
    """Display text of a cell and whether it is text (left-aligned)."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return "—", False
    if isinstance(value, bool):
        return ("✓" if value else ""), True
    if isinstance(value, Number):
        v = float(value)
        if v.is_integer() and abs(v) < 1e15:
            return f"{int(v):,}", False
        if abs(v) >= 100:
            return f"{v:,.0f}", False
        if abs(v) >= 1:
            return f"{v:,.2f}", False
        return f"{v:.3g}", False
    return str(value), True


def probability_colour(p: float) -> str:
    """Background colour of a P(met) cell: the heatmap's colour scale, interpolated."""
    p = min(1.0, max(0.0, p))
    for (lo, c0), (hi, c1) in zip(PROBABILITY_SCALE, PROBABILITY_SCALE[1:], strict=False):
        if p <= hi:
            t = 0.0 if hi == lo else (p - lo) / (hi - lo)
            a, b = (int(c0[i:i + 2], 16) for i in (1, 3, 5)), (int(c1[i:i + 2], 16) for i in (1, 3, 5))
            return "#" + "".join(f"{round(x + (y - x) * t):02x}" for x, y in zip(a, b, strict=True))
    return PALETTE["met"]


def table_html(df: pd.DataFrame) -> str:
    """A table as escaped HTML, with P(met) cells coloured."""
    prob = set(df.attrs.get("probability_columns", []))
    head = "".join(f'<th class="text">{html.escape(str(c))}</th>' for c in df.columns)
    rows = []
    for rec in df.itertuples(index=False, name=None):
        cells = []
        for col, value in zip(df.columns, rec, strict=True):
            text, is_text = format_cell(value)
            style = ""
            if col in prob and isinstance(value, Number) and not isinstance(value, bool) and not math.isnan(value):
                style = f' style="background:{probability_colour(float(value))}"'
                text = f"{float(value):.2f}"
            cls = ' class="text"' if is_text else ""
            cells.append(f"<td{cls}{style}>{html.escape(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    caption = df.attrs.get("caption")
    cap = f'<p class="caption">{html.escape(caption)}</p>' if caption else ""
    return (f'<div class="table-wrap"><table><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody>'
            f"</table></div>{cap}")


def figure_html(fig: go.Figure, name: str) -> str:
    """A chart as a div and a script calling the inlined plotly.js (responsive width)."""
    live = go.Figure(fig)
    live.update_layout(width=None, height=None, autosize=True)
    div = live.to_html(full_html=False, include_plotlyjs=False, div_id=f"chart-{name}", config=PLOT_CONFIG,
                       default_width="100%", default_height="100%")
    title = html.escape(_title_of(fig), quote=True)  # the title as page text, whatever plotly's JSON escaping
    return f'<div class="chart" data-chart="{html.escape(name)}" role="img" aria-label="{title}">{div}</div>'


def _title_of(fig: go.Figure) -> str:
    return fig.layout.title.text or ""


def render_page(*, title: str, lang: str, figures: dict[str, go.Figure], tables: dict[str, pd.DataFrame],
                sections: list[tuple[str, list[str]]], notes: list[str], generated: str) -> str:
    """The whole HTML document."""
    css = CSS.format(font=font_family(lang), text=PALETTE["text"], blue=PALETTE["blue"], muted=PALETTE["muted"],
                     grid=PALETTE["grid"], panel=PALETTE["panel"])
    toc, body = [], []
    for i, (heading, names) in enumerate(sections):
        anchor = f"s{i + 1}"
        toc.append(f'<li><a href="#{anchor}">{html.escape(heading)}</a></li>')
        body.append(f'<section id="{anchor}"><h2>{html.escape(heading)}</h2>')
        for name in names:
            if name in figures:
                body.append(figure_html(figures[name], name))
            else:
                df = tables[name]
                sub = df.attrs.get("title")
                if sub and sub != heading:
                    body.append(f"<h3>{html.escape(sub)}</h3>")
                body.append(table_html(df))
        body.append("</section>")
    notes_html = "".join(f"<li>{html.escape(n)}</li>" for n in notes)
    html_lang = "zh-CN" if lang == "zh" else "en"
    return "\n".join([
        "<!DOCTYPE html>",
        f'<html lang="{html_lang}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(title)}</title>",
        f"<style>{css}</style>",
        f'<script type="text/javascript">{get_plotlyjs()}</script>',
        "</head><body><main>",
        f"<h1>{html.escape(title)}</h1>",
        f'<p class="meta">talentsim · {html.escape(generated)}</p>',
        f'<ul class="notes">{notes_html}</ul>' if notes else "",
        f"<nav><ol>{''.join(toc)}</ol></nav>" if len(sections) > 1 else "",
        *body,
        "</main></body></html>",
    ])
