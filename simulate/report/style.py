"""The house style of every chart: one palette, fonts that carry Chinese, slide-sized layout.

:func:`house_style` is pure: it returns a styled copy and leaves the figure it is given
untouched, so plot functions can build a bare figure and style it last.

>>> import plotly.graph_objects as go
>>> fig = house_style(go.Figure(go.Scatter(x=[1, 2], y=[3, 4])), lang="zh")
>>> fig.layout.width, fig.layout.height
(1280, 720)
"""

from __future__ import annotations

import plotly.graph_objects as go

SLIDE_WIDTH = 1280
"""Default export width in pixels (16:9 slide)."""
SLIDE_HEIGHT = 720
"""Default export height in pixels (16:9 slide)."""
LANGS = ("zh", "en")
"""Supported languages; Chinese is the default."""

PALETTE: dict[str, str] = {
    # series colours, in the order scenarios are drawn (colour-blind-safe, print-safe)
    "blue": "#1f5fa8",
    "orange": "#e07b1a",
    "green": "#2e8b57",
    "purple": "#7b4fa0",
    "red": "#c0392b",
    "teal": "#138d90",
    "brown": "#8c5a3c",
    "pink": "#c2578f",
    # roles
    "baseline": "#5f6b7a",
    "target": "#c0392b",
    "zero": "#8a8a8a",
    "grid": "#e3e6ea",
    "axis": "#4a4f57",
    "text": "#1d232b",
    "muted": "#6b7280",
    "background": "#ffffff",
    "panel": "#f6f7f9",
    # goal matrix: probability the goal is met
    "met": "#2e8b57",
    "likely": "#9ccc65",
    "uncertain": "#f2c14e",
    "unlikely": "#f08a4b",
    "not_met": "#c0392b",
    "not_judged": "#d9dde3",
}
"""Named colours of the house style."""

SERIES = ("blue", "orange", "green", "purple", "red", "teal", "brown", "pink")
"""Palette names used, in order, for scenarios or categories."""

FONTS = {
    "zh": "Noto Sans CJK SC, Noto Sans SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, SimHei, sans-serif",
    "en": "Noto Sans, Helvetica Neue, Arial, Noto Sans CJK SC, Microsoft YaHei, sans-serif",
}
"""Font stacks; the English stack still falls back to a CJK font for Chinese scenario names."""

PROBABILITY_SCALE = [
    [0.0, PALETTE["not_met"]],
    [0.25, PALETTE["unlikely"]],
    [0.5, PALETTE["uncertain"]],
    [0.75, PALETTE["likely"]],
    [1.0, PALETTE["met"]],
]
"""Colour scale of P(met), 0 → red, 1 → green."""


def check_lang(lang: str) -> str:
    """Return ``lang`` if supported, else raise ``ValueError``."""
    if lang not in LANGS:
        raise ValueError(f"unsupported language {lang!r} (use one of {', '.join(LANGS)})")
    return lang


def series_colour(i: int) -> str:
    """The ``i``-th series colour (cycling)."""
    return PALETTE[SERIES[i % len(SERIES)]]


def rgba(colour: str, alpha: float) -> str:
    """``#rrggbb`` → ``rgba(r,g,b,alpha)`` for translucent bands."""
    c = colour.lstrip("#")
    r, g, b = (int(c[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha:g})"


def font_family(lang: str = "zh") -> str:
    """The font stack for a language."""
    return FONTS[check_lang(lang)]


def house_style(fig: go.Figure, lang: str = "zh", *, width: int = SLIDE_WIDTH, height: int = SLIDE_HEIGHT) -> go.Figure:
    """Return a copy of ``fig`` in the house style.

    Fonts (Noto Sans CJK SC first for Chinese), slide size (1280×720 by default), white
    background with light grid, margins that leave room for titles and a horizontal legend
    under the plot, and the palette as the colourway. Titles, axes and data are kept.

    Args:
        fig: any plotly figure.
        lang: ``"zh"`` or ``"en"``.
        width: figure width in pixels.
        height: figure height in pixels.

    Returns:
        A new, styled figure.
    """
    family = font_family(lang)
    out = go.Figure(fig)
    axis = dict(showgrid=True, gridcolor=PALETTE["grid"], zeroline=False, linecolor=PALETTE["axis"],
                showline=True, ticks="outside", tickcolor=PALETTE["axis"], automargin=True,
                title_font=dict(size=15, color=PALETTE["axis"]), tickfont=dict(size=13, color=PALETTE["axis"]))
    out.update_layout(
        template="plotly_white",
        width=width,
        height=height,
        font=dict(family=family, size=14, color=PALETTE["text"]),
        title=dict(x=0.01, xanchor="left", y=0.97, yanchor="top", font=dict(size=22, family=family)),
        margin=dict(l=80, r=40, t=90, b=90),
        paper_bgcolor=PALETTE["background"],
        plot_bgcolor=PALETTE["background"],
        colorway=[PALETTE[n] for n in SERIES],
        legend=dict(orientation="h", x=0.0, xanchor="left", y=-0.12, yanchor="top", font=dict(size=13),
                    bgcolor="rgba(255,255,255,0)"),
        hoverlabel=dict(font=dict(family=family)),
    )
    out.update_xaxes(**axis)
    out.update_yaxes(**axis)
    out.update_annotations(font=dict(family=family))
    return out
