"""Fitted values as scenario layers: YAML files a scenario ``extends:`` after the parameter files.

Two layers, because rates and regional drivers travel differently:

* the **behaviour** layer (``--out``, default ``runs/calibration/fitted/behaviour.yaml``; the shipped
  copy is ``calibration/fitted/behaviour.yaml``): dropout,
  progression, teacher attrition and certification — rates any region's scenario may extend;
* the **national region** layer (default ``national_region.yaml`` beside the behaviour layer): intake
  drivers (junior graduates and their growth path, vocational and technical shares, external
  higher-vocational applicants with the 扩招 shifts) and student–teacher ratios, for
  ``scenarios/national_baseline.yaml`` (base year :data:`BASE_YEAR_DEFAULT` = last data year + 1).

Every value is ``{value, source, note}``; the source says how it was fitted. Weakly identified
parameters are not written (the scenario keeps its parameter file's value) and are listed in the
file's header and the report.
"""

from __future__ import annotations

import math

import numpy as np
import yaml

from simulate.fitting import model
from simulate.fitting.calibrate import Fit, weakly_identified
from simulate.fitting.params import BY_NAME, EXPANSION_YEARS

BEHAVIOUR_KEYS = ("dropout_secondary_vocational", "dropout_technical_school", "dropout_higher_vocational",
                  "progression_secondary_vocational", "teacher_attrition")
RATIO_KEYS = ("ratio_secondary_vocational", "ratio_technical_school", "ratio_higher_vocational")


def source(fit: Fit, name: str, command: str) -> str:
    """``fitted: <command> (SE x)`` or with the bootstrap interval."""
    se = fit.se.get(name, math.nan)
    lo, hi = fit.interval.get(name, (math.nan, math.nan))
    unc = f"SE {_num(se)}" if math.isfinite(se) else "SE n/a"
    if math.isfinite(lo):
        unc += f", bootstrap 95% {_num(lo)}–{_num(hi)}"
    return f"fitted: {command} ({unc})"


def _num(v: float) -> str:
    return f"{v:.4g}"


def _set(tree: dict, dotted: str, leaf: dict) -> None:
    *head, last = dotted.split(".")
    node = tree
    for k in head:
        node = node.setdefault(k, {})
    node[last] = leaf


def usable(fit: Fit, name: str) -> bool:
    """Estimated and identified (a value at a bound is written: the data push it there)."""
    return name in fit.fitted and not weakly_identified(fit, name)


def behaviour_layer(fit: Fit, command: str, certification: float | None = None,
                    certification_note: str = "") -> tuple[dict, list[str]]:
    """The behaviour layer as plain data, and the names left out (weakly identified or not fitted)."""
    tree: dict = {}
    skipped = []
    for name in BEHAVIOUR_KEYS:
        if not usable(fit, name):
            skipped.append(name)
            continue
        p = BY_NAME[name]
        note = p.meaning + (" (at a bound of the search)" if name in fit.at_bound else "")
        _set(tree, p.engine, {"value": round(float(fit.theta[name]), 5), "source": source(fit, name, command),
                              "note": note})
    if certification is not None and usable(fit, "certification"):
        _set(tree, BY_NAME["certification"].engine, {
            "value": round(float(certification), 4), "source": source(fit, "certification", command),
            "note": certification_note or "effective rate mapped through the engine's practice compliance"})
    else:
        skipped.append("certification")
    return tree, skipped


def region_layer(fit: Fit, command: str, base_year: int) -> tuple[dict, list[str]]:
    """The national region layer for a scenario starting in ``base_year``."""
    horizon = max(base_year + 6, fit.fit_until + 7)
    inputs, out = fit.project(horizon)
    years = inputs.years
    at = {int(y): i for i, y in enumerate(years)}
    tree: dict = {}
    skipped = []
    for name in RATIO_KEYS:
        if usable(fit, name):
            p = BY_NAME[name]
            _set(tree, p.engine, {"value": round(float(fit.theta[name]), 3), "source": source(fit, name, command),
                                  "note": "students per full-time teacher schools hire up to"})
        else:
            skipped.append(name)
    intake = {}
    if fit.groups.get("intake") == "fitted":
        for name, key in (("vocational_share", "vocational_share"),
                          ("technical_share", "technical_share_of_secondary")):
            value = _share_value(fit, name, inputs)
            intake[key] = {"value": value, "source": source(fit, name, command), "note": BY_NAME[name].meaning}
    junior = out[("driver", "junior_graduates")]
    if base_year in at and math.isfinite(junior[at[base_year]]):
        intake["junior_graduates"] = {
            "value": round(float(junior[at[base_year]])),
            "source": f"fitted: {command}: junior-secondary entrants × (1 − junior_dropout)³ "
                      f"(junior_dropout {fit.theta['junior_dropout']:.4f}), or observed graduates",
            "note": f"junior-secondary graduates in {base_year}"}
        intake["junior_graduates_growth"] = {
            "value": _growth_steps(junior, years, base_year),
            "source": f"fitted: {command}: junior cohort projected from observed entrants; held once they run out",
            "note": "yearly growth of junior-secondary graduates"}
    external = out.get(("higher_vocational", "external_entrants"))
    if fit.groups.get("higher") == "fitted" and external is not None and base_year in at:
        shifts = ", ".join(f"{y}: {fit.theta.get(f'expansion_{y}', 0.0):+.3f}" for y in EXPANSION_YEARS)
        intake["higher_external_applicants"] = {
            "value": round(float(external[at[base_year]])),
            "source": source(fit, "external_share", command),
            "note": f"external_share {fit.theta['external_share']:.4f} × general senior graduates × "
                    f"扩招 shifts ({shifts})"}
        intake["higher_external_growth"] = {
            "value": _growth_steps(external, years, base_year),
            "source": f"fitted: {command}: general senior graduates projected by their cohort",
            "note": "yearly growth of external higher-vocational applicants"}
    if usable(fit, "undergraduate_external"):
        intake["undergraduate_external_applicants"] = {
            "value": round(float(fit.theta["undergraduate_external"])),
            "source": source(fit, "undergraduate_external", command),
            "note": BY_NAME["undergraduate_external"].meaning}
    if intake:
        tree.setdefault("region", {})["intake"] = intake
    return tree, skipped


def _share_value(fit: Fit, name: str, inputs: model.Inputs):
    value = round(float(fit.theta[name]), 5)
    if not inputs.trends:
        return value
    first = int(inputs.years[0])
    start = model.share_at(fit.theta, name, first, inputs)
    if abs(start - value) < 1e-6:
        return value
    return {"ramp": {"from_year": first, "from_value": round(start, 5), "to_year": inputs.fit_until,
                     "to_value": value}}


def _growth_steps(path: np.ndarray, years: np.ndarray, base_year: int) -> float | dict[int, float]:
    """Yearly growth of ``path`` after ``base_year`` as steps (the last one 0: flat afterwards)."""
    steps = {int(y): round(float(path[i] / path[i - 1] - 1.0), 5) for i, y in enumerate(years)
             if y > base_year and i > 0 and np.isfinite(path[i]) and np.isfinite(path[i - 1]) and path[i - 1] > 0}
    while steps and steps[max(steps)] == 0.0:
        steps.pop(max(steps))
    if not steps:
        return 0.0
    steps[max(steps) + 1] = 0.0
    return steps


def dump_layer(tree: dict, header: list[str]) -> str:
    """YAML text of a layer with a comment header."""
    body = yaml.safe_dump(tree, sort_keys=False, allow_unicode=True, width=200)
    return "".join(f"# {h}\n" for h in header) + body
