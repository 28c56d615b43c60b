"""What decides a verdict (决定因素): the uncertain parameters that separate met from missed.

Every replication draws its own value of each uncertain parameter (:mod:`simulate.uncertainty`), so for a
goal whose P(met) is neither near 0 nor near 1 the replications that met it and those that missed it can
be told apart by what they drew. For each goal and deadline with P(met) strictly between
:data:`BAND` (0.05 and 0.95):

1. **Rank** the parameters by the absolute Spearman rank correlation ρ between their draws and the goal's
   *slack* across replications (how far the judged value is on the right side of the target: value −
   target for "≥", target − value for "≤", minus the distance outside a range; for a rule that must hold
   every year, the worst year's). ρ > 0 means more of the parameter helps meet the goal. A rank
   correlation on the given sample is a regression-based measure that stays robust with 20–40
   replications and ~130 parameters (``scipy.stats.rankdata``); SALib's moment-independent analyzers on
   the same sample (delta, PAWN, RBD-FAST) recovered planted drivers less often at that size and need
   hundreds of runs — a sweep with ``uncertainties: all`` provides them.
2. **Threshold**: for each of the top :data:`TOP`, the single cut "met if X ≥ t" (or ≤ for ρ < 0) that
   classifies the most replications right, with the share it gets right.

With *n* replications and *k* parameters, |ρ| up to about ``chance_level(n, k)`` can arise by chance for
the best of *k* unrelated parameters, so ``decided_by`` lists only deciders above it (at 40 replications
and ~140 parameters, |ρ| ≥ 0.57): a verdict with none says that no single parameter stands out.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import ndtri
from scipy.stats import rankdata

BAND = (0.05, 0.95)
"""P(met) strictly between these gets a ``decided_by``."""
TOP = 3
"""Parameters shown per verdict."""
MIN_REPLICATIONS = 10
"""Fewer replications give no ``decided_by`` (a rank correlation over a handful of runs says nothing)."""
ENTRY = re.compile(r"^(?P<name>\S+) (?P<op>[≥≤]) (?P<threshold>\S+) \(ρ (?P<rho>[-+−]?[0-9.]+), (?P<right>\d+)%\)$")
"""One entry of the ``decided_by`` text (entries are joined by ``"; "``)."""


@dataclass(frozen=True)
class Decider:
    """One parameter that helps decide a verdict.

    Attributes:
        name: the parameter (a column of ``parameters.parquet``).
        rho: Spearman rank correlation of its draws with the goal's slack (> 0: more of it helps).
        op: ``≥`` (met if the parameter is at least the threshold) or ``≤``.
        threshold: the cut that classifies the most replications right.
        right: share of replications the rule "met if name op threshold" classifies right.
    """

    name: str
    rho: float
    op: str
    threshold: float
    right: float

    def text(self) -> str:
        """``name ≥ 0.287 (ρ +0.71, 88%)``."""
        return f"{self.name} {self.op} {self.threshold:.4g} (ρ {self.rho:+.2f}, {self.right:.0%})"


def parse(text: object) -> list[dict]:
    """The entries of a ``decided_by`` text: ``name, op, threshold, rho, right`` (strings), in order."""
    if not isinstance(text, str) or not text.strip():
        return []
    out = []
    for part in text.split("; "):
        m = ENTRY.match(part.strip())
        if m:
            out.append(m.groupdict())
    return out


def chance_level(n: int, k: int, alpha: float = 0.05) -> float:
    """|ρ| the best of ``k`` unrelated parameters exceeds with probability ``alpha`` over ``n`` replications."""
    if n < 4 or k < 1:
        return math.nan
    return float(min(1.0, ndtri(1 - alpha / (2 * k)) / math.sqrt(n - 1)))


def slack(value: np.ndarray, comparator: str, target: float | None, low: float | None, high: float | None
          ) -> np.ndarray:
    """How far each value is on the right side of the target (≥ 0 when met)."""
    v = np.asarray(value, float)
    if comparator == ">=":
        return v - target
    if comparator == "<=":
        return target - v
    return -np.maximum(low - v, 0.0) - np.maximum(v - high, 0.0)


def rank_correlations(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Spearman ρ of each column of ``x`` with ``y`` (NaN for a constant column)."""
    rx = rankdata(x, axis=0)
    ry = rankdata(y)
    rx = rx - rx.mean(axis=0)
    ry = ry - ry.mean()
    with np.errstate(invalid="ignore", divide="ignore"):
        return (rx * ry[:, None]).sum(axis=0) / np.sqrt((rx * rx).sum(axis=0) * (ry * ry).sum())


def best_cut(x: np.ndarray, met: np.ndarray, op: str) -> tuple[float, float]:
    """``(threshold, share right)`` of the rule "met if x ≥ t" (``op`` ``≥``) or "x ≤ t" that is right most often.

    Candidate cuts are midpoints between neighbouring distinct values; among equally good cuts the middle one.
    """
    values = np.unique(x)
    if values.size < 2:
        return float(values[0]) if values.size else math.nan, float(np.mean(met))
    cuts = (values[:-1] + values[1:]) / 2
    pred = x[:, None] >= cuts[None, :] if op == "≥" else x[:, None] <= cuts[None, :]
    right = (pred == met[:, None]).mean(axis=0)
    best = np.flatnonzero(right == right.max())
    i = best[len(best) // 2]
    return float(cuts[i]), float(right[i])


def deciders(x: pd.DataFrame, y: np.ndarray, met: np.ndarray, top: int = TOP) -> list[Decider]:
    """Up to ``top`` parameters (columns of ``x``) most rank-correlated with the slack ``y``, with their cuts.

    Only parameters whose |ρ| reaches :func:`chance_level` for the replications and the parameters that vary
    are returned: below it a "decider" is a lead, not a finding.
    """
    cols = [c for c in x.columns if c != "replication"]
    if not cols:
        return []
    values = x[cols].to_numpy(float)
    rho = rank_correlations(values, np.asarray(y, float))
    chance = chance_level(len(values), int(np.isfinite(rho).sum()))
    order = [j for j in np.argsort(-np.nan_to_num(np.abs(rho), nan=-1.0), kind="stable")
             if np.isfinite(rho[j]) and abs(rho[j]) >= chance]
    out = []
    for j in order[:top]:
        op = "≥" if rho[j] >= 0 else "≤"
        t, right = best_cut(values[:, j], np.asarray(met, bool), op)
        out.append(Decider(cols[j], float(rho[j]), op, t, right))
    return out


def decided_by(verdicts: pd.DataFrame, parameters: pd.DataFrame | None, goals) -> dict[tuple[str, int], str]:
    """``decided_by`` text per (goal id, deadline year) whose P(met) lies strictly inside :data:`BAND`."""
    if parameters is None or len(parameters.columns) <= 1 or not len(verdicts):
        return {}
    defs = {g.id: g for g in goals}
    params = parameters.set_index("replication")
    out: dict[tuple[str, int], str] = {}
    for (gid, year), d in verdicts.groupby(["goal_id", "deadline_year"], sort=False):
        g = defs.get(gid)
        p = float(d["met"].mean())
        if g is None or len(d) < MIN_REPLICATIONS or not BAND[0] < p < BAND[1]:
            continue
        d = d[d["replication"].isin(params.index)]
        judged = d["worst_value"] if g.aggregate == "every_year" else d["value"]
        y = slack(judged.to_numpy(float), g.comparator, g.target, g.target_low, g.target_high)
        keep = np.isfinite(y)
        if keep.sum() < MIN_REPLICATIONS:
            continue
        x = params.loc[d["replication"].to_numpy()[keep]].reset_index(drop=True)
        found = deciders(x, y[keep], d["met"].to_numpy(bool)[keep])
        if found:
            out[(str(gid), int(year))] = "; ".join(f.text() for f in found)
    return out
