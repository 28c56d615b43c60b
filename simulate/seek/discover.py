"""Scenario discovery on a sweep: PRIM boxes of lever and uncertainty ranges where a goal is met (or missed).

``talentsim discover SWEEP_DIR --goal GOAL_ID [--met | --missed]`` reads the runs of ``SWEEP_DIR/sweep.duckdb``
(every factor of the sweep, levers and uncertain parameters alike, and the goal's 1/0 column), and runs
the Patient Rule Induction Method of the ``prim`` package (Project Platypus' standalone release of EMA
workbench's implementation): boxes are peeled from the whole factor space, a share ``peel_alpha`` at a
time, each peel keeping the box where the goal's outcome is densest, then pasted back. Each box on the
peeling trajectory has a *coverage* (the share of all runs of interest that fall in it), a *density*
(the share of the runs in it that are of interest) and a *mass* (the share of all runs in it). The box
chosen is the last on the trajectory whose density reaches the threshold (``find_box``); its
restrictions, with PRIM's quasi-p-values, say which factor ranges make the goal met (or missed).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from simulate.report.labels import goal_name, translate
from simulate.report.style import PALETTE, house_style
from simulate.sweep.store import Store, StoreError, q


class DiscoverError(ValueError):
    """The sweep cannot answer the question (no such goal column, no run of interest)."""


TEXT: dict[str, tuple[str, str]] = {
    "title": ("情景发现：{goal}（{year}）{what}的条件", "Scenario discovery: where {goal} ({year}) is {what}"),
    "met": ("达成", "met"),
    "missed": ("未达成", "missed"),
    "trajectory": ("PRIM剥离轨迹：覆盖率与密度", "PRIM peeling trajectory: coverage and density"),
    "coverage": ("覆盖率（盒内关注情形 ÷ 全部关注情形）", "Coverage (cases of interest in the box ÷ all)"),
    "density": ("密度（盒内关注情形 ÷ 盒内情形）", "Density (cases of interest in the box ÷ runs in the box)"),
    "res_dim": ("受限维度数", "Restricted dimensions"),
    "chosen": ("选定的盒子", "Chosen box"),
    "restrictions": ("选定盒子的限制范围（相对各因素的取值范围）",
                     "The chosen box's restrictions (within each factor's range)"),
    "range_axis": ("在取值范围中的位置（0 = 下限，1 = 上限）",
                   "Position within the factor's range (0 = low, 1 = high)"),
    "full": ("抽样范围", "Sampled range"),
    "box": ("盒子", "Box"),
    "note": ("基于扫描 {sweep} 的 {n:,} 次模拟（{k:,} 次{what}，占 {share:.0%}）；PRIM 阈值 {threshold:.0%}，"
             "每次剥离 {alpha:.0%}。选定盒子：覆盖率 {cov:.0%}，密度 {den:.0%}，质量 {mass:.0%}，受限维度 {dims}。",
             "From {n:,} runs of the sweep {sweep} ({k:,} {what}, {share:.0%}); PRIM threshold {threshold:.0%}, "
             "peeling {alpha:.0%} at a time. Chosen box: coverage {cov:.0%}, density {den:.0%}, mass {mass:.0%}, "
             "{dims} restricted dimension(s)."),
    "note_qp": ("拟p值（qp）检验每项限制是否只是偶然：越小越可信。",
                "Quasi-p-values (qp) test whether each restriction "
                "could be chance: smaller is more credible."),
}


@dataclass
class Discovery:
    """A PRIM result: the chosen box, the trajectory, and what it was run on."""

    goal_id: str
    year: int
    met: bool
    column: str
    restrictions: pd.DataFrame
    trajectory: pd.DataFrame
    chosen: int
    n: int
    k: int
    threshold: float
    peel_alpha: float
    factors: list[dict]


def load_runs(folder: Path, goal_id: str, year: int | None) -> tuple[pd.DataFrame, pd.Series, dict, str, int]:
    """The sweep's factor values per run and the goal's 1/0 column (read-only)."""
    store = Store.open_dir(folder, read_only=True)
    try:
        meta = store.meta()
        goals = [o for o in meta["outcomes"] if o["kind"] == "goal"]
        mine = [o for o in goals if o["goal_id"] == goal_id and (year is None or o["year"] == year)]
        if not mine:
            have = sorted({f"{o['goal_id']} ({o['year']})" for o in goals})
            raise DiscoverError(f"the sweep in {folder} has no outcome for goal {goal_id!r}"
                                + (f" in {year}" if year else "") + f"; its goals: {', '.join(have) or 'none'}")
        col = mine[0]["column"]
        names = [f["name"] for f in meta["factors"]]
        sel = ", ".join(f"e.{q(n)}" for n in names)
        df = store.frame(f"SELECT {sel}, o.{q(col)} AS y FROM experiments e JOIN outcomes o USING (run_id) "
                         "ORDER BY e.run_id")
    finally:
        store.close()
    df = df.dropna(subset=["y"])
    return df[names], df["y"], meta, col, int(mine[0]["year"])


def discover(folder: str | Path, goal_id: str, *, met: bool = True, year: int | None = None,
             threshold: float = 0.8, peel_alpha: float = 0.05) -> Discovery:
    """Run PRIM for the runs where the goal is met (or missed).

    Raises:
        StoreError: no sweep store in ``folder``.
        DiscoverError: the sweep has no such goal, or no run of interest.
    """
    import prim

    folder = Path(folder)
    x, y, meta, col, year = load_runs(folder, goal_id, year)
    interest = (y >= 0.5) if met else (y < 0.5)
    n, k = len(y), int(interest.sum())
    if n == 0:
        raise DiscoverError(f"the sweep in {folder} has no finished run with goal {goal_id!r}")
    if k == 0:
        raise DiscoverError(f"goal {goal_id!r} ({year}) is {'never met' if met else 'met'} in every run of the "
                            f"sweep: there is nothing to discover")
    for f in meta["factors"]:
        if f["categorical"]:
            x[f["name"]] = x[f["name"]].astype(str).astype("category")
    p = prim.Prim(x.reset_index(drop=True), interest.to_numpy(), threshold=threshold, threshold_type=">",
                  peel_alpha=peel_alpha)
    box = p.find_box()
    if box is None:
        raise DiscoverError("PRIM found no box")
    traj = box.peeling_trajectory.reset_index(drop=True).rename(columns={"res dim": "res_dim"})
    traj.insert(0, "box", range(len(traj)))
    chosen = int(box._cur_box % len(traj))  # noqa: SLF001 (the package gives no public accessor)
    restrictions = _restrictions(box, meta["factors"])
    return Discovery(goal_id, year, met, col, restrictions, traj, chosen, n, k, threshold, peel_alpha,
                     meta["factors"])


def _restrictions(box, factors: list[dict]) -> pd.DataFrame:
    limits = box.limits
    rows = []
    for f in factors:
        name = f["name"]
        if name not in limits.index:
            continue
        lo, hi = limits.loc[name, "min"], limits.loc[name, "max"]
        qp = limits.loc[name].get("qp values", np.nan)
        if f["categorical"]:
            rows.append({"factor": name, "path": f["path"], "low": str(lo), "high": str(hi), "range_low": "",
                         "range_high": "", "from": np.nan, "to": np.nan, "qp_value": qp})
            continue
        span_lo, span_hi = (f["lo"], f["hi"]) if f["levels"] is None else (min(f["levels"]), max(f["levels"]))
        width = (span_hi - span_lo) or 1.0
        rows.append({"factor": name, "path": f["path"], "low": float(lo), "high": float(hi), "range_low": span_lo,
                     "range_high": span_hi, "from": (float(lo) - span_lo) / width,
                     "to": (float(hi) - span_lo) / width, "qp_value": float(qp)})
    return pd.DataFrame(rows, columns=["factor", "path", "low", "high", "range_low", "range_high", "from", "to",
                                       "qp_value"])


def trajectory_figure(d: Discovery, lang: str) -> go.Figure:
    """Coverage against density of every box on the peeling trajectory, coloured by restricted dimensions."""
    t = d.trajectory
    fig = go.Figure(go.Scatter(x=t.coverage, y=t.density, mode="markers+lines", text=[f"box {b}" for b in t.box],
                               marker=dict(color=t.res_dim, colorscale="Viridis", size=9, showscale=True,
                                           colorbar=dict(title=translate(TEXT, "res_dim", lang))),
                               line=dict(color=PALETTE["grid"]), name=translate(TEXT, "box", lang)))
    c = t.iloc[d.chosen]
    fig.add_trace(go.Scatter(x=[c.coverage], y=[c.density], mode="markers", name=translate(TEXT, "chosen", lang),
                             marker=dict(symbol="star", size=20, color=PALETTE["red"])))
    fig.update_layout(title=translate(TEXT, "trajectory", lang), xaxis_title=translate(TEXT, "coverage", lang),
                      yaxis_title=translate(TEXT, "density", lang))
    return house_style(fig, lang)


def restrictions_figure(d: Discovery, lang: str) -> go.Figure:
    """The chosen box's range on each restricted factor, within the range the sweep sampled."""
    r = d.restrictions.dropna(subset=["from"])
    labels = {f["name"]: ((f.get("label_zh") if lang == "zh" else f.get("label_en")) or f["name"]) for f in d.factors}
    names = [labels[f] for f in r.factor]
    fig = go.Figure()
    fig.add_trace(go.Bar(y=names, x=[1.0] * len(r), base=[0.0] * len(r), orientation="h",
                         name=translate(TEXT, "full", lang), marker_color=PALETTE["grid"]))
    fig.add_trace(go.Bar(y=names, x=r["to"] - r["from"], base=r["from"], orientation="h",
                         name=translate(TEXT, "box", lang), marker_color=PALETTE["blue"],
                         text=[f"{lo:g} – {hi:g}" for lo, hi in zip(r.low, r.high, strict=True)],
                         textposition="inside"))
    fig.update_layout(title=translate(TEXT, "restrictions", lang), barmode="overlay",
                      xaxis_title=translate(TEXT, "range_axis", lang), xaxis_range=[0, 1])
    return house_style(fig, lang)


def write_discovery(d: Discovery, folder: Path, lang: str = "zh", *, images: bool = True) -> dict[str, Path]:
    """Write the discovery into the sweep's report folder: ``DIR/report_<lang>/discover_<goal>_<year>_<met>/``."""
    from simulate.report.export import export_bundle
    from simulate.sweep.outcomes import slug

    what = translate(TEXT, "met" if d.met else "missed", lang)
    target = Path(folder) / f"report_{lang}" / f"discover_{slug(d.goal_id)}_{d.year}_{'met' if d.met else 'missed'}"
    c = d.trajectory.iloc[d.chosen]
    summary = pd.DataFrame([{"goal_id": d.goal_id, "year": d.year, "interest": "met" if d.met else "missed",
                             "runs": d.n, "runs_of_interest": d.k, "coverage": c.coverage, "density": c.density,
                             "mass": c.mass, "restricted_dimensions": int(c.res_dim), "box": d.chosen}])
    notes = [translate(TEXT, "note", lang, sweep=Path(folder).name, n=d.n, k=d.k, what=what, share=d.k / d.n,
                       threshold=d.threshold, alpha=d.peel_alpha, cov=c.coverage, den=c.density, mass=c.mass,
                       dims=int(c.res_dim)), translate(TEXT, "note_qp", lang)]
    figs = {"trajectory": trajectory_figure(d, lang), "restrictions_chart": restrictions_figure(d, lang)}
    tables = {"restrictions": d.restrictions, "trajectory_table": d.trajectory, "summary": summary}
    title = translate(TEXT, "title", lang, goal=goal_name(d.goal_id, lang), year=d.year, what=what)
    return export_bundle(target, title=title, lang=lang, figures=figs, tables=tables, notes=notes, images=images,
                         sections=[(title, ["restrictions_chart", "restrictions", "summary", "trajectory",
                                            "trajectory_table"])])


__all__ = ["DiscoverError", "Discovery", "StoreError", "discover", "write_discovery"]
