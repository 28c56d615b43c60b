"""The printed verdict table: outcomes first, commitments in their own block.

Each row shows whose figures are judged, the median value at the deadline, the target and the margin
(value − target, in the goal's unit), P(met) with its 95% interval, P(met every year of the milestone's
plan period) for standing rules, and the median year first met; under a row whose P(met) is uncertain,
the parameters that decide it. ``goals.csv`` holds the same numbers.
"""

from __future__ import annotations

import math

KINDS = (("outcome", "outcomes: what the simulated world produces"),
         ("commitment", "commitments: settings the scenario makes, judged on what is actually paid or done"))
"""The table's blocks, in order."""


def _missing(v: object) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or v == ""


def fmt_number(v: object, unit: str = "", signed: bool = False) -> str:
    """A compact number for the table: shares with 3 decimals, counts and yuan with thousands separators."""
    if _missing(v):
        return "—"
    try:
        x = float(v)
    except (TypeError, ValueError):
        return str(v)
    sign = "+" if signed else ""
    if unit == "share" or (abs(x) < 10 and x != int(x)):
        return f"{x:{sign}.3f}"
    return f"{x:{sign},.0f}"


def _row(row, width: int) -> str:
    unit = str(getattr(row, "unit", "") or "")
    year = "—" if _missing(row.median_year_first_met) else f"{float(row.median_year_first_met):.0f}"
    ci = f"{row.probability_ci_low:.2f}–{row.probability_ci_high:.2f}"
    period = "—" if _missing(row.probability_met_period) else f"{float(row.probability_met_period):.2f}"
    mark = "*" if str(row.proxy).lower() in ("true", "1") else " "
    fixed = "†" if not _missing(getattr(row, "fixed_because", "")) else " "
    judged = str(row.judged_region) if not _missing(row.judged_region) else "—"
    return (f"{mark}{fixed}{row.goal_id:<{width}}{str(row.deadline):<29}{judged:<44}"
            f"{fmt_number(row.value_at_deadline, unit):>11}{fmt_number(row.target, unit):>10}"
            f"{fmt_number(row.margin, unit, signed=True):>11}{row.probability_met:>7.2f}  {ci:<11}{period:>7}"
            f"{year:>9}")


def uncertainty_line(replications: int, uncertainty: str = "stochastic", parameters: int = 0) -> str:
    """What P(met) rests on: replications, and whether uncertain parameters were drawn in each."""
    reps = f"{replications} replication{'' if replications == 1 else 's'}"
    if uncertainty == "parameters" and parameters:
        return (f"P(met) covers both parameter uncertainty ({parameters} uncertain parameters drawn anew in each "
                f"replication, Latin hypercube) and stochastic uncertainty (the model's random draws), over {reps}")
    return (f"P(met) covers stochastic uncertainty only (the model's random draws; parameters at their central "
            f"values), over {reps}")


def _decided(row, width: int) -> list[str]:
    text = getattr(row, "decided_by", "")
    if _missing(text) or not isinstance(text, str):
        return []
    return [f"  {'':<{width}}decided by: {text}"]


def format_verdicts(goals, replications: int, uncertainty: str = "stochastic", parameters: int = 0) -> str:
    """The verdict table of a run's ``goals.csv`` frame (see :func:`simulate.goals.verdicts.summarise`).

    Args:
        uncertainty: ``parameters`` or ``stochastic`` (how the run drew its replications).
        parameters: how many uncertain parameters each replication drew.
    """
    modelled = goals[goals.status == "modelled"]
    width = max([len(str(g)) for g in modelled.goal_id] + [30]) + 2
    head = (f"  {'goal':<{width}}{'deadline':<29}{'judged on':<44}{'value':>11}{'target':>10}{'margin':>11}"
            f"{'P(met)':>7}  {'95% CI':<11}{'P(plan)':>7}{'year met':>9}")
    lines = [f"goal verdicts over {replications} replication(s): median value at the deadline, margin = value − "
             "target; P(plan) = met every year of the milestone's five-year plan period; * = proxy of a "
             "qualitative goal; † = fixed whatever the levers (fixed_because in goals.csv)",
             uncertainty_line(replications, uncertainty, parameters)
             + "; 'decided by': the parameters that best separate met from missed (ρ rank correlation, share "
               "of replications the rule gets right)"]
    for kind, title in KINDS:
        block = modelled[modelled["kind"] == kind] if "kind" in modelled else modelled.iloc[0:0]
        if block.empty:
            continue
        n = block.goal_id.nunique()
        lines += ["", f"{title} ({n} goal{'' if n == 1 else 's'})", head]
        for r in block.itertuples():
            lines += [_row(r, width), *_decided(r, width)]
    rest = goals[(goals.status != "modelled") & (goals.status != "applies_elsewhere")]
    lines.append(f"\n({len(rest)} catalogue targets of these regions not modelled, without an indicator yet, or "
                 "outside the horizon: see goals.csv)")
    lines.insert(1, region_line(goals))
    return "\n".join(lines)


def region_line(goals) -> str:
    """Which regions' goals the run judges and how many apply elsewhere (``goals.csv`` column ``applies_to``)."""
    if "applies_to" not in goals or "status" not in goals:
        return ""
    here = goals[goals.status != "applies_elsewhere"]
    away = goals[goals.status == "applies_elsewhere"]
    judged = here[here.status == "modelled"].goal_id.nunique()
    regions = ", ".join(sorted({str(r) for r in here.applies_to})) or "—"
    by_region = away.drop_duplicates("goal_id").applies_to.value_counts(sort=False)
    elsewhere = ", ".join(f"{r} {n}" for r, n in by_region.items())
    return (f"judges {judged} goal{'' if judged == 1 else 's'} of {regions} ({here.goal_id.nunique()} catalogue "
            f"targets apply here); {away.goal_id.nunique()} apply elsewhere"
            + (f" ({elsewhere}): judged on a scenario simulating their region" if elsewhere else ""))
