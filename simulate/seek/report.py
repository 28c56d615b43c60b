"""The seek report in the house style: frontier, convergence, goals, single levers (offline HTML, PNG/SVG, Excel).

Charts are pure functions from the output tables to figures, styled last with
:func:`simulate.report.style.house_style`; :func:`write_report` assembles them with
:func:`simulate.report.export.export_bundle` into ``DIR/report_<lang>/``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from simulate.report.labels import translate
from simulate.report.style import PALETTE, house_style

TEXT: dict[str, tuple[str, str]] = {
    "title": ("{name}：达成目标的最低成本杠杆组合", "{name}: the cheapest lever mix that meets the goals"),
    "frontier": ("成本与达成目标数（前沿）", "Cost against goals met (frontier)"),
    "cost_axis": ("{first}–{last}年公共财政成本（亿元）", "Public cost {first}–{last} (billion yuan)"),
    "goals_axis": ("达成的约束目标数（P ≥ 要求）", "Constraint goals met (P ≥ required)"),
    "candidates": ("候选组合", "Candidates"),
    "frontier_line": ("前沿：每个目标数的最低成本", "Frontier: cheapest for each number of goals"),
    "base": ("基准情景", "Base scenario"),
    "best": ("寻优结果", "Result"),
    "convergence": ("搜索收敛过程", "Convergence of the search"),
    "runs_axis": ("已用模拟次数", "Runs used"),
    "best_cost": ("最优可行成本（亿元）", "Best feasible cost (billion yuan)"),
    "trial_cost": ("各候选成本（可行）", "Candidate cost (feasible)"),
    "trial_infeasible": ("各候选成本（不可行）", "Candidate cost (infeasible)"),
    "goals_chart": ("各目标达成概率：基准与寻优结果", "P(met) of each goal: base and result"),
    "p_axis": ("达成概率（误差线：Wilson 95%区间）", "P(met) (bars: Wilson 95% interval)"),
    "required": ("要求的最低概率", "Required probability"),
    "sec_result": ("结果", "Result"),
    "sec_goals": ("目标", "Goals"),
    "sec_search": ("搜索", "Search"),
    "note_objective": ("目标函数：{objective}。成本为各次模拟{stat}：预算窗口内的公共财政成本"
                       "（生均拨款 + 地方教育附加 + 教育费附加抵免 + 证书补贴），"
                       "杠杆在窗口前启动时加上其在窗口前相对基准情景多花的部分（逐次配对）。",
                       "Objective: {objective}. Cost is the {stat} over replications of the public cost over the "
                       "window (appropriations + surcharge to vocational schools + credits foregone + certificate "
                       "subsidies), plus, when a lever starts before the window, what it spends beyond the base "
                       "scenario in those earlier years (paired replication by replication)."),
    "note_free": ("不产生公共财政支出的杠杆（如执法力度、兼职教师目标、每专业基地目标）在此口径下是免费的："
                  "它们的成本由学校"
                  "从既有拨款中承担。成本相差不到基准成本的{tol:.1%}视为相同，此时取较弱的设定（较低的取值、较晚的"
                  "启动年份），即最小干预。",
                  "Levers that cost the public purse nothing (enforcement, the part-time and bases-per-major targets) "
                  "are free in this accounting: schools pay for them out of the money they already get. Costs within "
                  "{tol:.1%} of the base cost are ties, broken towards the weaker setting (lower value, later start): "
                  "the minimal intervention."),
    "note_search": ("各候选组合使用共同随机数（相同种子、相同重复序号）比较，每个{reps}次重复；"
                    "optuna TPE（带约束，种子{seed}）"
                    "每批提出{batch}个候选。最优的候选再以{creps}次重复复核：仅当Wilson 95%区间下限不低于要求概率时，"
                    "目标才算达成。共{runs:,}次模拟，{cands}个候选，状态：{status}。",
                    "Candidates are compared on common random numbers (same seed, same replication numbers), {reps} "
                    "replications each; optuna's TPE with constraints (seed {seed}) proposes {batch} at a time. The "
                    "best are re-run with {creps} replications: a goal counts as met only when the lower bound of "
                    "its Wilson 95% interval clears the required probability. {runs:,} runs, {cands} candidates; "
                    "status: {status}."),
    "note_unreachable": ("在杠杆范围内无法达成：{goals}。原因见“目标”表。",
                         "Not reachable within the lever ranges: {goals}. The goals table says why."),
    "note_none": ("没有候选组合使每个目标都通过复核；结果为通过目标最多、成本最低的组合。",
                  "No candidate passed every goal at confirmation; the result is the one passing most goals, "
                  "then the cheapest."),
    "note_cost": ("基准情景成本 {base:,.2f} 亿元；寻优结果 {best:,.2f} 亿元（{delta:+,.2f} 亿元）。",
                  "Base scenario cost {base:,.2f} billion yuan; result {best:,.2f} billion yuan ({delta:+,.2f})."),
    "note_uncertainty": ("P(met) 同时涵盖参数不确定性（每次重复抽取基准情景声明的 {k} 个不确定参数，"
                         "与 talentsim run 相同）和随机性；候选方案在相同的参数抽样与随机数上比较。",
                         "P(met) covers both parameter uncertainty (every replication draws the base scenario's {k} "
                         "declared uncertain parameters, as talentsim run does) and chance; candidates are compared "
                         "on the same draws and random numbers."),
    "note_stochastic": ("P(met) 只反映随机性：参数取中心值（uncertainty: stochastic）；用 talentsim run best.yaml "
                        "--uncertainty stochastic 复核。",
                        "P(met) reflects chance only: parameters at their central values (uncertainty: stochastic); "
                        "check with talentsim run best.yaml --uncertainty stochastic."),
}


def _t(key: str, lang: str, **fmt) -> str:
    return translate(TEXT, key, lang, **fmt)


def frontier_figure(cands: pd.DataFrame, front: pd.DataFrame, window: tuple[int, int], lang: str,
                    best_point: int | None) -> go.Figure:
    """All candidates (cost against goals met), the frontier, the base and the result."""
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=cands.cost / 1e8 if lang == "zh" else cands.cost / 1e9, y=cands.goals_met,
                             mode="markers", name=_t("candidates", lang), text=cands.label,
                             marker=dict(color=PALETTE["muted"], size=7, opacity=0.45)))
    scale = 1e8 if lang == "zh" else 1e9
    fig.add_trace(go.Scatter(x=front.cost / scale, y=front.goals_met, mode="lines+markers", line_shape="hv",
                             name=_t("frontier_line", lang), text=front.label,
                             marker=dict(color=PALETTE["blue"], size=10), line=dict(color=PALETTE["blue"], width=2)))
    for point, key, colour, symbol in ((0, "base", PALETTE["baseline"], "square"),
                                       (best_point, "best", PALETTE["green"], "star")):
        row = cands[cands.point == point]
        if point is not None and len(row):
            fig.add_trace(go.Scatter(x=row.cost / scale, y=row.goals_met, mode="markers", name=_t(key, lang),
                                     text=row.label, marker=dict(color=colour, size=16, symbol=symbol)))
    axis = _t("cost_axis", lang, first=window[0], last=window[1])
    fig.update_layout(title=_t("frontier", lang), xaxis_title=axis, yaxis_title=_t("goals_axis", lang))
    fig.update_yaxes(dtick=1)
    return house_style(fig, lang)


def convergence_figure(trace: pd.DataFrame, lang: str) -> go.Figure:
    """Each search candidate's cost (feasible or not) and the best feasible cost, against runs used."""
    fig = go.Figure()
    scale = 1e8 if lang == "zh" else 1e9
    for feasible, key, colour in ((True, "trial_cost", PALETTE["green"]), (False, "trial_infeasible", PALETTE["red"])):
        d = trace[trace.feasible == feasible]
        fig.add_trace(go.Scatter(x=d.runs, y=d.cost / scale, mode="markers", name=_t(key, lang),
                                 marker=dict(color=colour, size=6, opacity=0.5)))
    fig.add_trace(go.Scatter(x=trace.runs, y=trace.best / scale, mode="lines", line_shape="hv",
                             name=_t("best_cost", lang), line=dict(color=PALETTE["blue"], width=3)))
    fig.update_layout(title=_t("convergence", lang), xaxis_title=_t("runs_axis", lang),
                      yaxis_title=_t("best_cost", lang))
    return house_style(fig, lang)


def goals_figure(goals: pd.DataFrame, lang: str) -> go.Figure:
    """P(met) per goal and year at the base and in the result, Wilson intervals, the required probability."""
    names = [f"{(r.name_zh if lang == 'zh' else r.name_en)} ({r.year})" for r in goals.itertuples()]
    fig = go.Figure()
    fig.add_trace(go.Bar(x=names, y=goals.base_p_met, name=_t("base", lang), marker_color=PALETTE["baseline"]))
    if "best_p_met" in goals:
        err = dict(type="data", symmetric=False, array=(goals.wilson_high - goals.best_p_met).clip(lower=0),
                   arrayminus=(goals.best_p_met - goals.wilson_low).clip(lower=0), color=PALETTE["axis"])
        fig.add_trace(go.Bar(x=names, y=goals.best_p_met, name=_t("best", lang), marker_color=PALETTE["green"],
                             error_y=err))
    req = goals.min_probability
    fig.add_trace(go.Scatter(x=names, y=req, mode="markers", name=_t("required", lang),
                             marker=dict(symbol="line-ew-open", size=40, color=PALETTE["target"], line=dict(width=3))))
    fig.update_layout(title=_t("goals_chart", lang), yaxis_title=_t("p_axis", lang), barmode="group",
                      yaxis_range=[0, 1.05])
    return house_style(fig, lang)


def _goal_table(goals: pd.DataFrame, lang: str) -> pd.DataFrame:
    zh = lang == "zh"
    cols = {"goal_id": "目标编号" if zh else "Goal id", ("name_zh" if zh else "name_en"): "目标" if zh else "Goal",
            "year": "年份" if zh else "Year", "role": "角色" if zh else "Role",
            "min_probability": "要求概率" if zh else "Required P",
            "base_p_met": "基准达成概率" if zh else "Base P(met)",
            "best_p_met": "结果达成概率" if zh else "Result P(met)", "wilson_low": "Wilson下限" if zh else "Wilson low",
            "wilson_high": "Wilson上限" if zh else "Wilson high", "base_value": "基准取值" if zh else "Base value",
            "best_value": "结果取值" if zh else "Result value", "met": "达成" if zh else "Met",
            "why_not": "无法达成的原因" if zh else "Why not reachable"}
    t = goals[[c for c in cols if c in goals]].rename(columns=cols)
    t.attrs["probability_columns"] = tuple(cols[c] for c in ("base_p_met", "best_p_met") if c in goals)
    return t


def write_report(run, tabs: dict[str, pd.DataFrame], lang: str = "zh", *, images: bool = True,
                 report_dir: Path | None = None) -> dict[str, Path]:
    """Write ``DIR/report_<lang>/`` (offline HTML, PNG/SVG, Excel, CSV) from the output tables."""
    from simulate.report.export import export_bundle

    seek, res, ev = run.seek, run.result, run.evaluator
    spec = seek.spec
    title_name = (spec.title_zh if lang == "zh" else spec.title_en) or spec.name
    best = res.best.point if res.best else None
    figs = {"frontier": frontier_figure(tabs["candidates"], tabs["frontier"], seek.window, lang, best),
            "goals_chart": goals_figure(tabs["goals"], lang)}
    if len(tabs["trace"]):
        figs["convergence"] = convergence_figure(tabs["trace"], lang)
    tables = {"result_levers": tabs["levers"], "goals": _goal_table(tabs["goals"], lang),
              "single_lever": tabs["single_lever"], "frontier_table": tabs["frontier"],
              "cost": tabs["cost"], "candidates": tabs["candidates"]}
    from simulate.seek.outputs import objective_text

    base_cost = float(tabs["cost"].cost.iloc[0])
    scale = 1e8 if lang == "zh" else 1e9
    stat = {"zh": {"mean": "均值", "median": "中位数"}, "en": {"mean": "mean", "median": "median"}}[lang]
    notes = [_t("note_objective", lang, objective=objective_text(run), stat=stat[spec.objective.statistic]),
             _t("note_free", lang, tol=spec.objective.tie_tolerance),
             _t("note_search", lang, reps=spec.search.replications, seed=seek.seed, batch=spec.search.batch,
                creps=spec.confirm.replications, runs=run.runs, cands=len(ev.candidates), status=res.status)]
    if res.best is not None:
        notes.append(_t("note_cost", lang, base=base_cost / scale, best=res.best.stats.cost / scale,
                        delta=(res.best.stats.cost - base_cost) / scale))
        if not res.best.all_pass:
            notes.append(_t("note_none", lang))
    unreach = sorted({c.goal_id for c in seek.checks if c.met in res.unreachable or not c.constraint})
    if unreach:
        notes.append(_t("note_unreachable", lang, goals=", ".join(unreach)))
    notes.append(_t("note_uncertainty", lang, k=len(seek.uncertain)) if seek.uncertain
                 else _t("note_stochastic", lang))
    sections = [(_t("sec_result", lang), ["frontier", "result_levers", "cost", "frontier_table"]),
                (_t("sec_goals", lang), ["goals_chart", "goals", "single_lever"]),
                (_t("sec_search", lang), [n for n in ("convergence",) if n in figs] + ["candidates"])]
    target = Path(report_dir) if report_dir is not None else run.out / f"report_{lang}"
    return export_bundle(target, title=_t("title", lang, name=title_name), lang=lang, figures=figs, tables=tables,
                         sections=sections, notes=notes, images=images)

