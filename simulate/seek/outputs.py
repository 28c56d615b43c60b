"""What a search leaves in ``DIR``: ``best.yaml``, the tables and ``summary.json``.

The tables are the frontier, the goals, the single levers and every candidate; :mod:`simulate.seek.report`
adds the report bundle.

``best.yaml`` extends the base scenario and sets only the levers the result changes, each with
``source: "seek: SPEC.yaml, …"``; its ``seed`` is the search's, so ``talentsim run DIR/best.yaml --reps N``
(N ≤ the confirmation's replications) repeats the confirmation's runs exactly (common random numbers).
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from simulate.goals.verdicts import wilson_interval
from simulate.results.runfolder import write_atomic
from simulate.seek.plan import GoalCheck
from simulate.seek.runner import SeekRun


def _fmt_p(p: float) -> str:
    return f"{p:g}"


def objective_text(run: SeekRun) -> str:
    """``least public cost 2023–2027 meeting nc.x ≥ 0.8, …``."""
    seek = run.seek
    o = seek.spec.objective
    goals = ", ".join(f"{c.goal_id}@{c.year} ≥ {_fmt_p(c.probability)}" for c in seek.constraints
                      if c.met not in run.result.unreachable)
    if o.kind == "least_cost":
        return f"least public cost {o.window[0]}–{o.window[1]} ({o.statistic}) meeting {goals or 'no goal'}"
    return f"most goals met ({goals}) within {o.budget:,.0f} yuan over {o.window[0]}–{o.window[1]}"


def best_yaml(run: SeekRun) -> str | None:
    """The runnable scenario of the result (``None`` when there is none)."""
    best = run.result.best
    if best is None:
        return None
    seek, ev = run.seek, run.evaluator
    cand = ev.candidates[best.point]
    base_file = Path(seek.loaded.files[-1]).resolve()
    rel = os.path.relpath(base_file, run.out.resolve())
    sc = seek.scenario
    passing = ", ".join(f"{c.goal_id}@{c.year}: P {float(np.nanmean(best.stats.met[c.met])):.2f} (Wilson ≥ "
                        f"{best.wilson[c.met][0]:.2f})" for c in seek.constraints if c.met in best.wilson)
    source = (f"seek: {seek.path}, {objective_text(run)}; candidate {best.point} of {len(ev.candidates)}, "
              f"{best.stats.n} replications, seed {seek.seed}" + (f"; {passing}" if passing else ""))
    levers: dict = {}
    for lv, c in zip(seek.levers, cand, strict=True):
        if c is None:
            continue
        node = levers
        keys = [str(s) for s in lv.steps[1:]]
        for k in keys[:-1]:
            node = node.setdefault(k, {})
        node[keys[-1]] = {"value": _plain(lv.value(c)), "source": source}
    doc = {"extends": rel, "name": f"{seek.spec.name}_best"[:48],
           "title_zh": f"{seek.spec.title_zh or seek.spec.name}：寻优结果",
           "title_en": f"{seek.spec.title_en or seek.spec.name}: result of the search",
           "seed": int(seek.seed), "levers": levers}
    head = (f"# Written by `talentsim seek {seek.path}`: {objective_text(run)}.\n"
            f"# Base scenario: {sc.name} ({base_file.name}); levers not listed keep its settings.\n"
            f"# Run it: talentsim run {run.out / 'best.yaml'} --reps {best.stats.n}"
            + (" --uncertainty stochastic" if seek.spec.uncertainty == "stochastic" else "") + "\n")
    return head + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=1000)


def _plain(v):
    if isinstance(v, dict):
        return {int(k): _plain(x) for k, x in v.items()}
    if isinstance(v, float) and v.is_integer() and abs(v) >= 100:
        return int(v)
    return v


def _value(run: SeekRun, check: GoalCheck, margins: np.ndarray) -> float:
    g = run.seek.goal(check.goal_id)
    target = g.target if g.target is not None else g.target_low
    if not target or not np.isfinite(margins).any():
        return float("nan")
    return float(target + np.nanmedian(margins) * abs(target))


def tables(run: SeekRun) -> dict[str, pd.DataFrame]:
    """Every table of the outputs (English column names; the report labels them)."""
    seek, ev, res = run.seek, run.evaluator, run.result
    reps, creps = seek.spec.search.replications, seek.spec.confirm.replications
    base = ev.stats(res.base_point, creps)
    best = res.best
    out: dict[str, pd.DataFrame] = {}
    cand = ev.candidates[best.point] if best else (None,) * len(seek.levers)
    out["levers"] = pd.DataFrame([{
        "lever": lv.name, "label_zh": lv.label_zh, "label_en": lv.label_en, "path": lv.path,
        "chosen": lv.text(c) if c is not None else "base", "value": json.dumps(_plain(lv.value(c)), default=str),
        "base_value": json.dumps(_plain(lv.base_value), default=str),
        "settings": ", ".join(str(v) for v in lv.settings),
        "start_years": ", ".join(str(y) for y in lv.starts if y is not None)} for lv, c in
        zip(seek.levers, cand, strict=True)])
    rows = []
    for c in seek.checks:
        g = seek.goal(c.goal_id)
        row = {"goal_id": c.goal_id, "name_zh": g.name_zh, "name_en": g.name_en, "year": c.year,
               "role": "constraint" if c.constraint and c.met not in res.unreachable else
               ("not reachable (found)" if c.constraint else "not reachable (listed)"),
               "min_probability": c.probability if c.constraint else np.nan,
               "base_p_met": float(np.nanmean(base.met[c.met])), "base_value": _value(run, c, base.margin[c.met])}
        if best is not None:
            s = best.stats
            k = int(np.nan_to_num(s.met[c.met]).sum())
            lo, hi = wilson_interval(k, s.n)
            row.update(best_p_met=k / s.n, wilson_low=lo, wilson_high=hi, best_value=_value(run, c, s.margin[c.met]),
                       replications=s.n, met=bool(c.constraint and c.met not in res.unreachable
                                                  and lo >= c.probability - 1e-12))
        row["why_not"] = res.unreachable.get(c.met) or (c.reason or "" if not c.constraint else "")
        rows.append(row)
    out["goals"] = pd.DataFrame(rows)
    srows = []
    for r in res.single:
        g = seek.goal(r["goal_id"])
        srows.append({"goal_id": r["goal_id"], "name_zh": g.name_zh, "name_en": g.name_en, "year": r["year"],
                      "lever": r["lever"] or "", "setting": r["setting"] or "no single lever within its range",
                      "cost": r["cost"], "extra_cost": r["cost"] - ev.stats(res.base_point, reps).cost
                      if r["lever"] else np.nan, "p_met": r["p_met"]})
    out["single_lever"] = pd.DataFrame(srows, columns=["goal_id", "name_zh", "name_en", "year", "lever", "setting",
                                                       "cost", "extra_cost", "p_met"])
    out["candidates"] = candidates_table(run)
    out["frontier"] = frontier(out["candidates"])
    out["trace"] = pd.DataFrame(res.trace, columns=["trial", "batch", "point", "objective", "cost", "feasible",
                                                    "goals_met", "best", "runs"])
    b = ev.stats(res.base_point, creps)
    out["cost"] = pd.DataFrame([
        {"what": "base", "label": seek.scenario.name, "cost": b.cost, "replications": b.n},
        *([{"what": "best", "label": ev.label(cand), "cost": best.stats.cost, "replications": best.stats.n}]
          if best else [])])
    return out


def candidates_table(run: SeekRun) -> pd.DataFrame:
    """Every candidate with its search-replication statistics: cost, goals met, feasible."""
    from simulate.seek.search import Scorer

    seek, ev, res = run.seek, run.evaluator, run.result
    scorer = Scorer(seek, 0.0, [], 0.8)
    reps = seek.spec.search.replications
    active = [c for c in seek.constraints if c.met not in res.unreachable]
    all_goals = list(seek.constraints)
    rows = []
    for p, cand in enumerate(ev.candidates):
        if not ev.have(p, reps):
            continue
        s = ev.stats(p, reps)
        met = [c.goal_id + f"@{c.year}" for c in all_goals if scorer.feasible(s, c)]
        rows.append({"point": p, "phase": ev.phases[p], "label": ev.label(cand), "runs": len(ev.rows.get(p, {})),
                     "cost": s.cost, "goals_met": len(met), "goals": ", ".join(met),
                     "feasible": all(scorer.feasible(s, c) for c in active)})
    return pd.DataFrame(rows, columns=["point", "phase", "label", "runs", "cost", "goals_met", "goals", "feasible"])


def frontier(cands: pd.DataFrame) -> pd.DataFrame:
    """The cheapest candidate for each number of goals met, keeping only those that add a goal (Pareto)."""
    if cands.empty:
        return cands.assign(extra_cost=[])
    best = cands.sort_values(["goals_met", "cost", "point"]).groupby("goals_met", as_index=False).first()
    keep, floor = [], math.inf
    for row in best.sort_values("goals_met", ascending=False).itertuples():
        if row.cost < floor:
            keep.append(row.Index)
            floor = row.cost
    out = best.loc[sorted(keep)].sort_values("goals_met").reset_index(drop=True)
    base = cands.loc[cands.point == 0, "cost"]
    out["extra_cost"] = out["cost"] - (float(base.iloc[0]) if len(base) else np.nan)
    return out


def summary(run: SeekRun) -> dict:
    """``summary.json``."""
    res, ev = run.result, run.evaluator
    best = res.best
    return {"name": run.seek.spec.name, "spec": run.seek.path, "status": run.status, "search": res.status,
            "objective": objective_text(run), "seed": run.seek.seed, "executor": run.executor,
            "workers": run.workers, "runs_stored": run.runs, "runs_now": ev.ran, "candidates": len(ev.candidates),
            "elapsed_s": round(run.elapsed_s, 2), "horizon_simulated": run.seek.base["horizon"],
            "best": None if best is None else {"point": best.point, "label": ev.label(ev.candidates[best.point]),
                                               "cost": best.stats.cost, "replications": best.stats.n,
                                               "every_goal_passes": best.all_pass},
            "base_cost": ev.stats(res.base_point, run.seek.spec.confirm.replications).cost,
            "not_reachable": {k: v for k, v in res.unreachable.items()}}


def write_outputs(run: SeekRun) -> dict[str, Path]:
    """``best.yaml``, ``tables/*.csv`` and ``summary.json`` in ``DIR`` (each written atomically)."""
    out = run.out
    written: dict[str, Path] = {}
    text = best_yaml(run)
    if text is not None:
        write_atomic(out / "best.yaml", lambda p: p.write_text(text, encoding="utf-8"))
        written["best.yaml"] = out / "best.yaml"
    for name, df in tables(run).items():
        path = out / "tables" / f"{name}.csv"
        write_atomic(path, lambda p, df=df: df.to_csv(p, index=False, encoding="utf-8-sig"))
        written[f"tables/{name}.csv"] = path
    info = summary(run)
    write_atomic(out / "summary.json", lambda p: p.write_text(json.dumps(info, indent=2, ensure_ascii=False,
                                                                         default=str), encoding="utf-8"))
    written["summary.json"] = out / "summary.json"
    return written
