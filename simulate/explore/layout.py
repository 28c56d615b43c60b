"""The page's components: the lever panel generated from the controls, the results area, the page style.

Every text that depends on the language is a ``Span`` with the id ``{"type": "t", "key": …}``; one
callback (:func:`simulate.explore.app.texts`) fills them all in Chinese or English. Lever controls
have pattern-matching ids: ``{"type": "lever-value", "kind": <kind>, "path": <path>}`` and, for dated
paths, ``{"type": "lever-year", "path": <path>}``.
"""

from __future__ import annotations

import uuid

from dash import dcc, html

from simulate.explore import MAX_REPLICATIONS
from simulate.explore.controls import Control
from simulate.report.style import PALETTE, font_family

TABS = ("trajectories", "differences", "goals", "budget")
"""Result tabs, in page order (only the open tab's charts are drawn)."""


def T(key: str, tag=html.Span, **kw) -> html.Component:
    """A translated text element (filled by the texts callback); ``key@anything`` repeats a text with a unique id."""
    return tag(id={"type": "t", "key": key}, **kw)


def _fmt(v: float | None) -> str:
    if v is None:
        return ""
    return f"{v:,.0f}" if abs(v) >= 100 or float(v).is_integer() else f"{v:g}"


def control(c: Control) -> html.Div:
    """One lever's control: a label, the input(s), and its info line (unit, range, base value, source)."""
    vid = {"type": "lever-value", "kind": c.kind, "path": c.path}
    if c.kind in ("dated", "int", "float"):
        slider = dcc.Slider(id=vid, min=c.low, max=c.high, step=c.step, value=c.initial,
                            marks={c.low: _fmt(c.low), c.high: _fmt(c.high)}, updatemode="mouseup",
                            tooltip={"placement": "bottom", "always_visible": False}, className="slider")
        parts = [html.Div(slider, className="slider-box")]
        if c.kind == "dated":
            parts.append(html.Div([T(f"ui:from_year@{c.path}", className="from"),
                                   dcc.Dropdown(id={"type": "lever-year", "path": c.path}, options=list(c.options),
                                                value=c.initial_year, clearable=False, searchable=False,
                                                className="year")], className="when"))
        inputs = html.Div(parts, className="inputs")
    elif c.kind == "year":
        inputs = dcc.Dropdown(id=vid, options=list(c.options), value=c.initial, clearable=False, searchable=False,
                              className="year")
    elif c.kind == "choice":
        inputs = dcc.Dropdown(id=vid, options=[{"label": str(o), "value": o} for o in c.options], value=c.initial,
                              clearable=False, searchable=False)
    else:  # ids
        inputs = dcc.Dropdown(id=vid, options=[{"label": o, "value": o} for o in c.options], value=c.initial,
                              multi=True)
    return html.Div([T(f"field:{c.path}", tag=html.Label, className="name"), inputs,
                     T(f"info:{c.path}", tag=html.Div, className="info")],
                    className="lever", **{"data-path": c.path})


def lever_panel(controls: tuple[Control, ...]) -> list:
    """Controls grouped by top-level lever, in the schema's order."""
    groups: dict[str, list[Control]] = {}
    for c in controls:
        groups.setdefault(c.group, []).append(c)
    return [html.Details([html.Summary(T(f"group:{g}")), *[control(c) for c in cs]], open=True, className="group")
            for g, cs in groups.items()]


def page(controls: tuple[Control, ...], *, title: str, lang: str, reps: int) -> html.Div:
    """The whole page; a new session id for every page load (so two tabs never share results)."""
    rep_options = sorted({reps, 5, 10, 20, MAX_REPLICATIONS} & set(range(1, MAX_REPLICATIONS + 1)))
    header = html.Header([
        html.Div([T("ui:app_title", tag=html.H1), html.Span(title, className="scenario")], className="title"),
        html.Div([T("ui:reps", tag=html.Label), dcc.Dropdown(id="reps", options=rep_options, value=reps,
                                                              clearable=False, searchable=False, className="reps"),
                  T("ui:language", tag=html.Label),
                  dcc.RadioItems(id="lang", options=[{"label": "中文", "value": "zh"},
                                                     {"label": "English", "value": "en"}],
                                 value=lang, inline=True)], className="settings"),
    ])
    status = html.Div([html.Progress(id="progress", max=1, value=0), html.Span(id="status", className="status")],
                      className="statusbar")
    aside = html.Aside([
        html.Div([T("ui:levers", tag=html.H2), html.Button(T("ui:reset"), id="reset", n_clicks=0)], className="bar"),
        *lever_panel(controls),
        html.Div([T("ui:save_name", tag=html.Label), dcc.Input(id="save-name", type="text", maxLength=60,
                                                               debounce=True, className="save-name"),
                  html.Button(T("ui:save"), id="save", n_clicks=0),
                  html.Div(id="save-msg", className="msg"),
                  html.Button(T("ui:download"), id="download", n_clicks=0),
                  html.Div(id="download-msg", className="msg"), dcc.Download(id="download-file")],
                 className="actions"),
    ], className="levers")
    results = html.Section([
        html.Div(id="errors", className="errors"),
        html.Div(id="summary", className="summary"),
        dcc.Tabs(id="tab", value=TABS[0], children=[dcc.Tab(id=f"tab-{t}", value=t) for t in TABS]),
        html.Div(id="tab-content", className="tab-content"),
        html.Div(id="meta"),
    ], className="results")
    return html.Div([
        dcc.Store(id="session", data=uuid.uuid4().hex, storage_type="memory"),
        dcc.Store(id="job", storage_type="memory"),
        dcc.Store(id="shown", storage_type="memory"),
        dcc.Interval(id="tick", interval=200, disabled=True),
        header, status, html.Div([aside, results], className="columns"),
    ], className="app")


CSS = """
body {{ font-family: {font}; color: {text}; margin: 0; background: #fff; }}
.app {{ padding: 0 18px 40px; }}
header {{ display: flex; justify-content: space-between; align-items: center; gap: 16px; flex-wrap: wrap;
         border-bottom: 2px solid {blue}; padding: 8px 0; }}
header h1 {{ font-size: 22px; margin: 0; display: inline; }}
header .scenario {{ margin-left: 12px; color: {muted}; }}
.settings {{ display: flex; align-items: center; gap: 10px; }}
.settings .reps {{ width: 90px; }}
.statusbar {{ display: flex; align-items: center; gap: 12px; padding: 6px 0; font-size: 14px; color: {muted}; }}
.statusbar progress {{ width: 240px; height: 12px; }}
.columns {{ display: grid; grid-template-columns: minmax(400px, 460px) 1fr; gap: 18px; }}
aside.levers {{ background: {panel}; padding: 8px 12px; border-radius: 6px; max-height: calc(100vh - 110px);
               overflow-y: auto; position: sticky; top: 8px; }}
aside .bar {{ display: flex; justify-content: space-between; align-items: center; }}
aside h2 {{ font-size: 18px; margin: 6px 0; }}
details.group {{ border-top: 1px solid {grid}; padding: 4px 0; }}
details.group summary {{ font-weight: 600; cursor: pointer; padding: 4px 0; }}
.lever {{ margin: 6px 0 10px; }}
.lever .name {{ display: block; font-size: 14px; margin-bottom: 2px; }}
.lever .slider-box {{ width: 100%; }}
.lever .when {{ display: flex; align-items: center; justify-content: flex-end; gap: 6px; margin-top: -4px; }}
.lever .from {{ font-size: 12px; color: {muted}; }}
.lever .year {{ width: 92px; font-size: 13px; }}
.lever .info {{ font-size: 11.5px; color: {muted}; line-height: 1.35; }}
.actions {{ border-top: 1px solid {grid}; margin-top: 8px; padding-top: 8px; display: flex; flex-direction: column;
           gap: 6px; }}
button {{ font: inherit; padding: 4px 12px; border: 1px solid {blue}; background: #fff; color: {blue};
          border-radius: 4px; cursor: pointer; }}
button:hover {{ background: {blue}; color: #fff; }}
.msg {{ font-size: 13px; color: {muted}; word-break: break-all; }}
.errors {{ color: {red}; font-family: monospace; font-size: 13px; white-space: pre-wrap; }}
.summary {{ font-size: 14px; margin: 4px 0 8px; }}
.summary table, .tab-content table {{ border-collapse: collapse; font-size: 13px; margin: 6px 0 12px; }}
.summary td, .summary th, .tab-content td, .tab-content th {{ border: 1px solid {grid}; padding: 3px 7px; }}
.tab-content th {{ background: {panel}; position: sticky; top: 0; }}
.tab-content td.num {{ text-align: right; white-space: nowrap; }}
.charts {{ display: grid; grid-template-columns: repeat(auto-fill, minmax(440px, 1fr)); gap: 8px; }}
.note {{ font-size: 12.5px; color: {muted}; }}
tr.moved td {{ font-weight: 600; }}
"""


def index_string(lang: str) -> str:
    """Dash's page template with the house style's fonts and colours inlined (no stylesheet is fetched)."""
    css = CSS.format(font=font_family(lang), text=PALETTE["text"], blue=PALETTE["blue"], muted=PALETTE["muted"],
                     panel=PALETTE["panel"], grid=PALETTE["grid"], red=PALETTE["red"])
    return ("<!DOCTYPE html><html><head>{%metas%}<title>{%title%}</title>{%favicon%}{%css%}"
            f"<style>{css}</style></head><body>{{%app_entry%}}<footer>{{%config%}}{{%scripts%}}{{%renderer%}}"
            "</footer></body></html>")


__all__ = ["CSS", "TABS", "T", "control", "index_string", "lever_panel", "page"]
