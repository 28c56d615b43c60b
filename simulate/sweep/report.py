"""The sweep report: charts and tables rebuilt from ``DIR/sweep.duckdb`` (``talentsim sweep-report DIR``).

Written with :func:`simulate.report.export.export_bundle` into ``DIR/report_<lang>/``: an offline
``report.html``, ``figures/*.png|svg``, ``tables.xlsx`` and ``tables/*.csv``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from simulate.sweep.analysis import analyse_store
from simulate.sweep.charts import factor_labels, figures, outcome_label

MAX_HTML_POINTS = 2000
"""Above this many design points the per-point table goes to ``points.csv`` only (not into the page)."""

METHOD_NOTE = {
    "oat": ("单因素（OAT）：每次只改变一个因素，其余保持基准值；条形为该因素取低值/高值时结果相对基准点的变化，"
            "误差线为配对差异的{conf:.0%}置信区间。",
            "One at a time (OAT): each factor moves alone, the others stay at the base point; bars show the outcome "
            "at the factor's low and high level against the base point, with {conf:.0%} intervals of the paired "
            "differences."),
    "grid": ("全因子网格：主效应为各因素每个水平下所有设计点结果的平均值。",
             "Full factorial grid: main effects are the mean outcome over all design points at each level of "
             "a factor."),
    "lhs": ("拉丁超立方抽样，RBD-FAST一阶敏感性指数（SALib），误差线为{conf:.0%}置信区间。",
            "Latin hypercube sample; first-order indices by RBD-FAST (SALib) with {conf:.0%} intervals."),
    "morris": ("Morris基本效应（SALib）：μ*衡量因素的总体影响，σ衡量交互作用与非线性；误差线为自助法{conf:.0%}"
               "置信区间。点在虚线（σ = μ*）上方表示影响强烈依赖其他因素。",
               "Morris elementary effects (SALib): μ* measures a factor's overall influence, σ its interactions and "
               "non-linearity; error bars are bootstrap {conf:.0%} intervals. Points above the dotted line "
               "(σ = μ*) depend strongly on the other factors."),
    "sobol": ("Sobol方差分解（Saltelli抽样，SALib）：S1为因素单独解释的方差比例，ST含全部交互作用；"
              "误差线为自助法{conf:.0%}置信区间。",
              "Sobol variance decomposition (Saltelli sampling, SALib): S1 is the share of variance a factor explains "
              "alone, ST including all its interactions; error bars are bootstrap {conf:.0%} intervals."),
}


def _notes(meta: dict, notes: list[str], lang: str) -> list[str]:
    spec = meta["spec"]
    conf = spec["analysis"]["conf_level"]
    zh = lang == "zh"
    crn = spec["common_random_numbers"]
    lines = [
        (f"基准情景：{meta['scenario_name']}；设计方法：{meta['method']}，{meta['points']:,}个设计点 × "
         f"{meta['replications']}次重复 = {meta['planned']:,}次模拟；随机种子 {spec['seed']}"
         + ("（各设计点共用随机数）。" if crn else "（每次模拟独立随机数）。")) if zh else
        (f"Base scenario: {meta['scenario_name']}; method {meta['method']}, {meta['points']:,} design points × "
         f"{meta['replications']} replications = {meta['planned']:,} runs; seed {spec['seed']}"
         + (" (common random numbers across points)." if crn else " (independent random numbers per run).")),
        METHOD_NOTE[meta["method"]][0 if zh else 1].format(conf=conf),
        ("目标结果为各设计点重复模拟中目标达成的比例（达成概率）。" if zh else
         "Goal outcomes are the share of a point's replications in which the goal is met (its probability)."),
    ]
    return lines + notes


def factor_table(meta: dict, lang: str) -> pd.DataFrame:
    """The factors: label, path, range or levels, base value, distribution, step year."""
    labels = factor_labels(meta["factors"], lang)
    dists = {f["path"]: f.get("distribution", {}) for f in meta["spec"]["factors"]}
    rows = []
    for f in meta["factors"]:
        rng = f"{f['lo']:g} – {f['hi']:g}" if f["levels"] is None else ", ".join(str(v) for v in f["levels"])
        d = dists.get(f["path"]) or {}
        rows.append({"factor": f["name"], "label": labels[f["name"]], "path": f["path"], "range": rng,
                     "baseline": f["baseline"], "distribution": d.get("kind", f.get("distribution", "uniform")),
                     "from_year": f["from_year"]})
    return pd.DataFrame(rows)


def build_report(out: str | Path, lang: str = "zh", *, report_dir: str | Path | None = None,
                 images: bool = True) -> dict[str, Path]:
    """Analyse the stored sweep in ``out`` and write its report bundle; returns the files written."""
    from simulate.report.export import export_bundle

    out = Path(out)
    analysis, meta = analyse_store(out)
    method = analysis.method
    key = {"oat": "tornado", "grid": "main_effects", "lhs": "rbd_fast"}.get(method, method)
    table = analysis.tables[key]
    outcomes = meta["outcomes"]
    figs = figures(method, table, outcomes, meta["factors"], lang)
    flabels = factor_labels(meta["factors"], lang)
    by_col = {o["column"]: o for o in outcomes}
    shown = table.copy()
    if not shown.empty:
        shown.insert(1, "outcome_label", [outcome_label(by_col[c], lang) for c in shown.column])
        shown.insert(shown.columns.get_loc("factor") + 1, "factor_label", [flabels[f] for f in shown.factor])
    points = analysis.tables["points"]
    tables = {key: shown, "factors": factor_table(meta, lang)}
    target = Path(report_dir) if report_dir is not None else out / f"report_{lang}"
    if len(points) <= MAX_HTML_POINTS:
        tables["points"] = points
    else:
        target.mkdir(parents=True, exist_ok=True)
        points.to_csv(target / "points.csv", index=False, encoding="utf-8-sig")
    spec = meta["spec"]
    title = (spec.get("title_zh") if lang == "zh" else spec.get("title_en")) or meta["name"]
    overview = [n for n in ("overview",) if n in figs]
    heading = {"zh": ("总览", "各结果的敏感性", "数据表"),
               "en": ("Overview", "Sensitivity of each outcome", "Tables")}[lang]
    sections = [(heading[0], overview + ["factors"]), (heading[1], [n for n in figs if n != "overview"]),
                (heading[2], [n for n in tables if n != "factors"])]
    sections = [(h, names) for h, names in sections if names]
    written = export_bundle(target, title=title, lang=lang, figures=figs, tables=tables, sections=sections,
                            notes=_notes(meta, analysis.notes, lang), images=images)
    if len(points) > MAX_HTML_POINTS:
        written["points.csv"] = target / "points.csv"
    return written
