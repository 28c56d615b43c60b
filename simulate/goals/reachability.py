"""Reachability audit: can any lever setting the documents support move a goal's verdict?

The scenario is run twice with the same seed (so the two ends are paired on common random numbers):
once with every lever of ``scenarios/lever_ranges.yaml`` at its low end, once at its high end. Per
outcome goal and deadline, P(met) at both ends. A goal whose P(met) moves by less than
:data:`MOVE_THRESHOLD` at every deadline, both for its own window and (for a standing rule) for the
milestone's five-year plan period, does not move; the catalogue then owes a ``fixed_because``
reason about the world (or the goal is stuck by a defect of the model, which is reported instead).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulate.goals.catalogue import Goal, scenario_goals

MOVE_THRESHOLD = 0.2
"""A verdict moves when P(met) differs by at least this much between the two ends."""

REACHABILITY_COLUMNS = [
    "goal_id", "deadline", "judged_region", "metric", "comparator", "target", "value_low", "value_high",
    "p_met_low", "p_met_high", "p_met_change", "moves", "period", "p_met_period_low", "p_met_period_high",
    "period_moves", "goal_moves", "proxy", "fixed_because"]
"""Columns of ``reachability.csv`` (``value_*`` are medians over replications at the deadline)."""


@dataclass
class Reachability:
    """The audit of one scenario.

    Attributes:
        table: one row per outcome goal and deadline (:data:`REACHABILITY_COLUMNS`).
        low: the run with every lever at its low end.
        high: the run with every lever at its high end.
    """

    table: pd.DataFrame
    low: object
    high: object

    def counts(self) -> dict[str, int]:
        """Goals that move, and those that do not (with and without a ``fixed_because``)."""
        per_goal = self.table.groupby("goal_id", sort=False).agg(moves=("goal_moves", "first"),
                                                                fixed=("fixed_because", "first"))
        still = per_goal[~per_goal["moves"]]
        return {"goals": len(per_goal), "moving": int(per_goal["moves"].sum()),
                "fixed_with_reason": int((still["fixed"].fillna("") != "").sum()),
                "fixed_without_reason": int((still["fixed"].fillna("") == "").sum())}


def compare_ends(low: pd.DataFrame, high: pd.DataFrame, goals: list[Goal] | tuple[Goal, ...],
                 threshold: float = MOVE_THRESHOLD) -> pd.DataFrame:
    """The reachability table from the ``goals.csv`` tables of the two ends (outcome goals only)."""
    by_id = {g.id: g for g in goals}
    keep = ["goal_id", "deadline", "judged_region", "metric", "comparator", "target", "period", "proxy"]
    stats = ["value_at_deadline", "probability_met", "probability_met_period"]

    def outcomes(t: pd.DataFrame) -> pd.DataFrame:
        return t[(t["kind"] == "outcome") & (t["status"] == "modelled")]

    merged = outcomes(low)[keep + stats].merge(outcomes(high)[["goal_id", "deadline"] + stats],
                                               on=["goal_id", "deadline"], suffixes=("_low", "_high"))
    out = pd.DataFrame({
        **{k: merged[k] for k in keep if k not in ("period", "proxy")},
        "value_low": merged["value_at_deadline_low"], "value_high": merged["value_at_deadline_high"],
        "p_met_low": merged["probability_met_low"], "p_met_high": merged["probability_met_high"],
    })
    out["p_met_change"] = out["p_met_high"] - out["p_met_low"]
    out["moves"] = out["p_met_change"].abs() >= threshold - 1e-12
    out["period"] = merged["period"]
    out["p_met_period_low"] = merged["probability_met_period_low"]
    out["p_met_period_high"] = merged["probability_met_period_high"]
    change = (out["p_met_period_high"] - out["p_met_period_low"]).abs()
    out["period_moves"] = np.where(change.notna(), change >= threshold - 1e-12, False).astype(bool)
    out["goal_moves"] = (out["moves"] | out["period_moves"]).groupby(out["goal_id"]).transform("any").astype(bool)
    out["proxy"] = merged["proxy"]
    out["fixed_because"] = [by_id[g].fixed_because or "" if g in by_id else "" for g in out["goal_id"]]
    return out[REACHABILITY_COLUMNS].reset_index(drop=True)


def reachability(loaded, replications: int = 10, seed: int | None = None, workers: int = 1,
                 threshold: float = MOVE_THRESHOLD) -> Reachability:
    """Run ``loaded`` with every lever at its low and at its high end (same seed) and compare the verdicts.

    Args:
        loaded: a :class:`simulate.scenario.LoadedScenario`.
        replications: Monte Carlo replications at each end.
        seed: root seed (the scenario's by default), shared by both ends.
        workers: processes per run.
        threshold: the change in P(met) that counts as moving.
    """
    from simulate.api import run
    from simulate.scenario import LoadedScenario
    from simulate.scenario.lever_ranges import apply_lever_ends

    sc = loaded.scenario
    seed = sc.seed if seed is None else int(seed)
    results = {}
    for end in ("low", "high"):
        variant = LoadedScenario(scenario=apply_lever_ends(sc, end), sources={}, files=loaded.files)
        results[end] = run(variant, seed=seed, replications=replications, workers=workers)
    table = compare_ends(results["low"].goals(), results["high"].goals(), scenario_goals(sc.goals), threshold)
    return Reachability(table, results["low"], results["high"])


def format_reachability(r: Reachability, scenario: str, replications: int) -> str:
    """The audit as a text table: one line per outcome goal and deadline; * = a proxy."""
    t = r.table
    lines = [f"reachability of {scenario}: every lever at the low / high end of scenarios/lever_ranges.yaml, "
             f"{replications} replication(s) each, same seed",
             f"{'goal':<37}{'deadline':<29}{'value low':>12}{'value high':>12}{'P low':>7}{'P high':>7}"
             f"{'period':>11}{'P low':>7}{'P high':>7}  moves"]
    for row in t.itertuples():
        mark = "*" if row.proxy else " "
        moves = "yes" if row.moves else ("period" if row.period_moves else "no")
        fixed = "  fixed: " + row.fixed_because if row.fixed_because and not row.goal_moves else ""
        pl = "—" if pd.isna(row.p_met_period_low) else f"{row.p_met_period_low:.2f}"
        ph = "—" if pd.isna(row.p_met_period_high) else f"{row.p_met_period_high:.2f}"
        lines.append(f"{mark}{row.goal_id:<36}{row.deadline:<29}{_num(row.value_low):>12}{_num(row.value_high):>12}"
                     f"{row.p_met_low:>7.2f}{row.p_met_high:>7.2f}{row.period or '—':>11}{pl:>7}{ph:>7}  "
                     f"{moves}{fixed}")
    c = r.counts()
    lines.append(f"\n{c['goals']} outcome goals: {c['moving']} move (|ΔP| ≥ {MOVE_THRESHOLD:g} at some deadline or "
                 f"plan period), "
                 f"{c['fixed_with_reason']} fixed for a stated reason, {c['fixed_without_reason']} stuck without one")
    return "\n".join(lines)


def _num(v: float) -> str:
    if v is None or not np.isfinite(v):
        return "—"
    return f"{v:,.0f}" if abs(v) >= 100 else f"{v:.3f}"
