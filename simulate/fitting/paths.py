"""The fitted intake drivers as dated paths for a scenario, each with a central path and a plausible range.

Every function returns :class:`DriverPath`: the central path and its ``low``/``high`` bounds in the
planner-facing forms of :mod:`simulate.scenario.types` (a constant or ``{year: value}`` steps), plus a
sentence saying how the range was set. :mod:`~simulate.fitting.layers` writes them as sourced
leaves ``{value, source, range: [low, high], note}``; :mod:`~simulate.fitting.engine_check` uses the
central paths. The paths reproduce the aggregate model exactly, so the engine fed with them follows it.

* **vocational and technical shares**: the fitted line up to the cut-off and on to
  :data:`~simulate.fitting.params.SHARE_PATH_END` (with the post-2022 change of slope when the data
  reach it), held after. Range: from *held at the cut-off level* (the split stops moving) to *the
  projected change half as large again*.
* **external applicants to 高职 per non-vocational junior graduate**: the pre-expansion rate, the
  2019 and 2020 扩招 shifts, held after. Range: from *the 2020 top-up lapses after the action
  plan (2019–2021)* to *one more top-up of the 2020 size*.
* **junior graduates per birth 15 years earlier**: the years the data determine, then
  :func:`~simulate.fitting.cohort.ratio_extension` (range: registration complete ↔ worse still).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulate.fitting import model
from simulate.fitting.calibrate import Fit
from simulate.fitting.cohort import COHORT_LAG, ENTRY_LAG, JUNIOR_YEARS, junior_ratio, ratio_extension
from simulate.fitting.params import EXPANSION_YEARS, POLICY_YEAR, SHARE_PATH_END

DIGITS = 5


@dataclass(frozen=True)
class DriverPath:
    """A dated path with its plausible range.

    Attributes:
        value, low, high: constants or ``{year: value}`` steps (held after the last step).
        how: how the central path was obtained; range: how the bounds were set.
    """

    value: float | dict[int, float]
    low: float | dict[int, float]
    high: float | dict[int, float]
    how: str
    range: str

    def at(self, year: int, which: str = "value") -> float:
        """The value of ``which`` (value, low or high) in ``year`` (steps semantics)."""
        path = getattr(self, which)
        if not isinstance(path, dict):
            return float(path)
        years = sorted(path)
        keep = [y for y in years if y <= year]
        return float(path[keep[-1] if keep else years[0]])

    def scaled(self, factor: float, cap: float | None = None) -> DriverPath:
        """Every bound × ``factor`` (clipped at ``cap``); ``how`` and ``range`` then describe the national path."""
        def s(p):
            if isinstance(p, dict):
                return {y: _r(min(v * factor, cap) if cap is not None else v * factor) for y, v in p.items()}
            return _r(min(p * factor, cap) if cap is not None else p * factor)
        return DriverPath(s(self.value), s(self.low), s(self.high), f"national {self.how}, × {factor:.4f}",
                          f"the national range × {factor:.4f}, i.e. {self.range}")


def _r(v: float) -> float:
    return round(float(v), DIGITS)


def _compact(steps: dict[int, float]) -> float | dict[int, float]:
    """Drop steps that repeat the previous value; a single value becomes a constant."""
    out: dict[int, float] = {}
    for y in sorted(steps):
        if not out or steps[y] != out[max(out)]:
            out[y] = steps[y]
    return next(iter(out.values())) if len(out) == 1 else out


def share_path(fit: Fit, name: str) -> DriverPath:
    """The path of ``vocational_share`` or ``technical_share`` by year, with its range (see module docstring)."""
    inputs = fit.inputs
    fu = inputs.fit_until
    first, last = int(inputs.years[0]), max(SHARE_PATH_END, fu)
    central = {y: _r(model.share_at(fit.theta, name, y, inputs)) for y in range(first, last + 1)}
    held = {y: central[min(y, fu)] for y in central}
    faster = {y: _r(float(np.clip(c + 0.5 * (c - held[y]), 0.0, 1.0))) for y, c in central.items()}
    low = {y: min(held[y], faster[y]) for y in central}
    high = {y: max(held[y], faster[y]) for y in central}
    slope = fit.theta.get(f"{name}_trend", 0.0) if inputs.trends else 0.0
    kink = fit.theta.get(f"{name}_policy", 0.0) if inputs.trends else 0.0
    how = (f"fitted line to {fu} ({central[fu]:.4f} in {fu}, {slope * 100:+.2f} pp a year"
           + (f", {(slope + kink) * 100:+.2f} pp a year from {POLICY_YEAR}" if kink else "")
           + f"), continued to {last} ({central[last]:.4f}) and held")
    rng = (f"from held at the {fu} level ({held[last]:.4f}: the split stops moving) to the projected change half "
           f"as large again ({faster[last]:.4f} in {last})")
    return DriverPath(_compact(central), _compact(low), _compact(high), how, rng)


def external_rate_path(fit: Fit) -> DriverPath:
    """External 高职 applicants per non-vocational junior graduate three years earlier, by year."""
    first, fu = int(fit.inputs.years[0]), fit.fit_until
    years = [first] + [y for y in EXPANSION_YEARS if y > first]
    central = {y: _r(model.external_rate(fit.theta, y)) for y in years}
    after = fu + 1
    shifted = [y for y in EXPANSION_YEARS if y <= fu and fit.theta.get(f"expansion_{y}", 0.0) != 0.0]
    last_shift = 1.0 + fit.theta.get(f"expansion_{shifted[-1]}", 0.0) if shifted else 1.0
    level = model.external_rate(fit.theta, fu)
    low = {**central, after: _r(level / last_shift)}
    high = {**central, after: _r(level * last_shift)}
    shifts = ", ".join(f"{y}: {fit.theta.get(f'expansion_{y}', 0.0):+.3f}" for y in EXPANSION_YEARS)
    how = (f"external_share {fit.theta['external_share']:.4f} × 扩招 shifts ({shifts}), held after {fu}")
    what = f"the {shifted[-1]} shift" if shifted else "no shift"
    rng = (f"from {what} lapsing after {fu} ({low[after]:.4f}: the expansion action plan 2019–2021 ended) to one "
           f"more shift of that size ({high[after]:.4f})")
    return DriverPath(_compact(central), _compact(low), _compact(high), how, rng)


def junior_ratio_path(fit: Fit) -> DriverPath | None:
    """National junior graduates per birth :data:`COHORT_LAG` years earlier, by year (None without births)."""
    if fit.births is None:
        return None
    last_entrants = fit.train.series("junior_secondary", "enrollment")
    covered = fit.fit_until + (JUNIOR_YEARS if len(last_entrants) and last_entrants.index[-1] >= fit.fit_until
                               else 0)
    inputs, out = fit.project(covered)
    ratio = junior_ratio(out[("driver", "junior_graduates")], inputs.years, fit.births, covered)
    if len(ratio) < 3:
        return None
    ext = ratio_extension(ratio, fit.theta["junior_dropout"])
    steps = {int(y): _r(v) for y, v in ratio.items()}
    central = {**steps, ext.first_year: _r(ext.central)}
    low = {**steps, ext.first_year: _r(ext.low)}
    high = {**steps, ext.first_year: _r(ext.high)}
    jd = fit.theta["junior_dropout"]
    how = (f"observed junior graduates / births {COHORT_LAG} years earlier to {fit.fit_until}, then junior entrants "
           f"to {fit.fit_until} (births {ENTRY_LAG} years earlier) × (1 − junior_dropout {jd:.4f})³ to {covered}; "
           f"from {ext.first_year} the {covered} ratio held ({ext.central:.4f})")
    rng = (f"from registration complete from the next cohort on ({ext.low:.4f} = junior completion alone) to the "
           f"drift of the last two determined years repeated once ({ext.high:.4f})")
    return DriverPath(central, low, high, how, rng)


__all__ = ["DriverPath", "external_rate_path", "junior_ratio_path", "share_path"]
