"""Load a sweep spec and resolve it against its base scenario (every problem reported as file:line).

:func:`load_sweep` reads the spec with the scenario loader (strict YAML, pydantic), loads the base
scenario, resolves every factor's path, checks that its bounds or levels give a valid scenario at
every corner of the design box (so sampled shares stay valid), and resolves outcome names and years.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pydantic

from simulate import shipped
from simulate.goals.catalogue import scenario_goals
from simulate.goals.verdicts import MILESTONES
from simulate.results.indicators import INDICATORS
from simulate.scenario import LoadedScenario, Problem, Scenario, ScenarioError, load_scenario
from simulate.scenario.loader import load
from simulate.scenario.schema import LEVELS
from simulate.scenario.types import DatedPath
from simulate.sweep.factors import FactorPlan, schedule_prefix
from simulate.sweep.outcomes import Cell, GoalColumn, OutcomePlan, goal_years, slug
from simulate.sweep.paths import PathError, copy_along, get_at, resolve, show
from simulate.sweep.spec import RESERVED, Factor, IndicatorOutcome, SweepSpec
from simulate.uncertainty import Uncertain, declared
from simulate.uncertainty.declare import split_path
from simulate.uncertainty.sample import sum_to_one_siblings

MAX_CORNER_FACTORS = 10
"""Every corner of the design box is validated up to this many factors (then each factor alone)."""


@dataclass(frozen=True)
class Sweep:
    """A validated spec resolved against its base scenario (everything a run needs, picklable)."""

    spec: SweepSpec
    path: str
    loaded: LoadedScenario
    base: dict
    factors: tuple[FactorPlan, ...]
    outcomes: OutcomePlan

    @property
    def scenario(self) -> Scenario:
        """The base scenario."""
        return self.loaded.scenario

    def digest(self) -> str:
        """Hash of everything that fixes the runs' numbers: spec, base scenario, outcome columns."""
        fixed = {"spec": self.spec.model_dump(mode="json", exclude={"analysis", "title_zh", "title_en", "description"}),
                 "base": self.base, "columns": self.outcomes.columns}
        if self.spec.uncertainties:  # declared distributions live in the sources, not in the base values
            fixed["uncertain"] = [(f.name, f.path, f.lo, f.hi, f.dist, f.dist_args) for f in self.factors
                                  if f.uncertain is not None]
        payload = json.dumps(fixed, sort_keys=True, default=str)
        return hashlib.sha256(payload.encode()).hexdigest()


class _Problems:
    def __init__(self, file: str, positions: dict[str, tuple[str, int, int]]) -> None:
        self.file, self.positions, self.items = file, positions, []

    def add(self, key: str, message: str, hint: str | None = None) -> None:
        probe = key
        while probe and probe not in self.positions:
            cut = max(probe.rfind("."), probe.rfind("["))
            probe = probe[:cut] if cut > 0 else ""
        file, line, col = self.positions.get(probe, (self.file, None, None))
        self.items.append(Problem(file, line, col, key, message, hint))

    def raise_if_any(self) -> None:
        if self.items:
            raise ScenarioError(sorted(self.items, key=lambda p: (p.file, p.line or 0, p.column or 0)))



def base_scenario(name: str, spec_file: str, probs: _Problems) -> LoadedScenario:
    """Load the base scenario a spec names: a shipped name, or a path relative to the spec's file.

    Raises:
        ScenarioError: the name is unknown or the file is missing (as a problem of the spec's
            ``scenario`` key), or the scenario itself is invalid.
    """
    try:
        path = Path(os.path.normpath(shipped.resolve(name, Path(spec_file).parent)))
    except shipped.UnknownName as exc:
        probs.add("scenario", str(exc))
        probs.raise_if_any()
    if not path.is_file():
        probs.add("scenario", f"scenario file {str(path)!r} not found")
        probs.raise_if_any()
    return load_scenario(path)


def load_sweep(path: str | Path, samples: int | None = None) -> Sweep:
    """Load and resolve a sweep spec.

    Args:
        path: the spec YAML.
        samples: override of the spec's ``samples``.

    Raises:
        ScenarioError: every problem of the spec (or of its base scenario) as file:line:col: key: message.
    """
    spec, layered = load(path, SweepSpec)
    assert isinstance(spec, SweepSpec)
    file = layered.files[-1] if layered.files else str(path)
    probs = _Problems(file, layered.positions)
    if samples is not None:
        spec = SweepSpec.model_validate({**spec.model_dump(mode="python"), "samples": samples})
    loaded = base_scenario(spec.scenario, layered.positions.get("scenario", (file, 1, 1))[0], probs)
    sc = loaded.scenario
    base = sc.model_dump(mode="python")
    factors = tuple(_factor(i, f, sc, base, probs) for i, f in enumerate(spec.factors))
    outcomes = _outcomes(spec, sc, probs)
    if spec.uncertainties and not probs.items:
        taken = set(outcomes.columns)
        factors += uncertainty_factors(loaded, spec.uncertainties, factors, base, taken)
    probs.raise_if_any()
    _check_corners(spec, factors, base, probs)
    probs.raise_if_any()
    return Sweep(spec=spec, path=str(path), loaded=loaded, base=base, factors=factors, outcomes=outcomes)


def settable(path: str, at: str, sc: Scenario, base: dict, probs: _Problems) -> tuple[list, Any, Any, bool] | None:
    """Resolve a spec's ``path`` to one value of the scenario: ``(steps, target, current, dated)``.

    ``target`` is the validated scenario's object there (a :class:`DatedPath` for a dated lever), ``current``
    the plain value in ``base``. A path that does not resolve, or names a group or list rather than one
    value, is reported under ``at`` and gives ``None``. Shared by sweep factors and seek levers.
    """
    try:
        steps = resolve(base, path)
    except PathError as exc:
        probs.add(f"{at}.path", str(exc))
        return None
    target = get_at(sc, steps)
    dated = isinstance(target, DatedPath)
    current = get_at(base, steps)
    if not dated and (isinstance(current, (dict, list)) or isinstance(target, pydantic.BaseModel)):
        keys = list(current) if isinstance(current, dict) else [f"[{k}]" for k in range(len(current))]
        probs.add(f"{at}.path", f"{show(steps)!r} is a group, not a value; name one of: {', '.join(map(str, keys))}")
        return None
    return steps, target, current, dated


def _factor(i: int, f: Factor, sc: Scenario, base: dict, probs: _Problems) -> FactorPlan | None:
    at = f"factors[{i}]"
    found = settable(f.path, at, sc, base, probs)
    if found is None:
        return None
    steps, target, current, dated = found
    if f.from_year is not None and not dated:
        probs.add(f"{at}.from_year", f"{show(steps)!r} is not a dated lever; from_year applies to dated paths only")
    if f.from_year is not None and not sc.base_year <= f.from_year <= sc.horizon:
        probs.add(f"{at}.from_year", f"expected a year in the simulated range {sc.base_year}–{sc.horizon}")
    numeric_target = isinstance(current, (int, float)) and not isinstance(current, bool) or dated
    if f.bounds is not None and not numeric_target:
        probs.add(f"{at}.bounds", f"{show(steps)!r} holds {current!r}, not a number: give 'levels' instead")
        return None
    rest_steps, rest_base = [], []
    for j, r in enumerate(f.rest):
        try:
            rs = resolve(base, r)
        except PathError as exc:
            probs.add(f"{at}.rest[{j}]", str(exc))
            continue
        v = get_at(base, rs)
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            probs.add(f"{at}.rest[{j}]", f"{r!r} holds {v!r}, not a share")
            continue
        rest_steps.append(rs)
        rest_base.append(float(v))
    if f.rest and (dated or not numeric_target):
        probs.add(f"{at}.rest", "'rest' applies to a plain share (not a dated lever)")
    if f.rest and rest_base and sum(rest_base) <= 0:
        probs.add(f"{at}.rest", "the shares under 'rest' are all zero in the base scenario: nothing to rescale")
    scenario_value: Any = target.at(f.from_year or sc.base_year) if dated else current
    integer = f.integer or (isinstance(current, int) and not isinstance(current, bool) and not f.categorical)
    baseline = f.baseline
    if baseline is None:
        if f.levels is not None:
            baseline = next((lv for lv in f.levels if repr(lv) == repr(scenario_value)
                             or (not isinstance(lv, (str, bool)) and not isinstance(scenario_value, (str, bool))
                                 and math.isclose(float(lv), float(scenario_value)))), f.levels[0])
        elif f.bounds[0] <= float(scenario_value) <= f.bounds[1]:
            baseline = float(scenario_value)
        else:
            baseline = (f.bounds[0] + f.bounds[1]) / 2
    elif f.levels is not None and repr(baseline) not in {repr(v) for v in f.levels}:
        probs.add(f"{at}.baseline", f"baseline {baseline!r} is not one of the levels")
    elif f.bounds is not None and not f.bounds[0] <= float(baseline) <= f.bounds[1]:
        probs.add(f"{at}.baseline", f"baseline {baseline} is outside the bounds {list(f.bounds)}")
    d = f.distribution
    args = (d.mode,) if d.kind == "triangular" else (d.mean, d.sd) if d.kind == "normal" else ()
    levels = tuple(f.levels) if f.levels is not None else None
    if levels is not None and not isinstance(levels[0], (str, bool)):
        levels = tuple(float(v) for v in levels)
        baseline = float(baseline)
    return FactorPlan(
        name=f.column, path=f.path, steps=steps, lo=f.bounds[0] if f.bounds else None,
        hi=f.bounds[1] if f.bounds else None, levels=levels, dist=d.kind, dist_args=args, integer=integer,
        baseline=baseline, prefix=schedule_prefix(target, sc.base_year, f.from_year) if dated and f.from_year else (),
        from_year=f.from_year if dated else None, rest=tuple(rest_steps), rest_base=tuple(rest_base),
        total=(float(current) + sum(rest_base)) if f.rest and numeric_target and not dated else 1.0,
        label_zh=f.label_zh, label_en=f.label_en)


def _slug(name: str) -> str:
    text = re.sub(r"^(behaviour|region)\.", "", name).replace("[*]", "")
    text = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    return text if text[:1].isalpha() else f"p_{text}"


def uncertainty_factors(loaded: LoadedScenario, which: str | list[str], explicit: tuple[FactorPlan, ...],
                        base: dict, taken: set[str]) -> tuple[FactorPlan, ...]:
    """Factors for the scenario's declared uncertain parameters (``uncertainties: all`` or path prefixes).

    Each keeps its declared distribution (:class:`simulate.uncertainty.Uncertain`); a parameter an explicit
    factor already varies is left to that factor. Column names are the parameter's path without the
    ``behaviour.``/``region.`` head (``labour_outflow_before_search``), made unique.
    """
    varied = {p.steps for p in explicit} | {r for p in explicit for r in p.rest}
    names = {p.name for p in explicit} | set(taken) | set(RESERVED)
    out = []
    for u in declared(loaded):
        if which != "all" and not any(u.name.startswith(w) or any(p.startswith(w) for p in u.paths) for w in which):
            continue
        steps = [tuple(split_path(p)) for p in u.paths]
        if any(s in varied for s in steps):
            continue
        name = _slug(u.name)[:48]
        if name in names:
            name = f"{name[:40]}_{hashlib.sha1(u.name.encode()).hexdigest()[:7]}"
        names.add(name)
        out.append(uncertain_plan(u, name, steps, base))
    return tuple(out)


def uncertain_plan(u: Uncertain, name: str, steps: list[tuple], base: dict) -> FactorPlan:
    """A factor plan drawing ``u`` with its declared distribution (a path by its position, 0 = low, 1 = high)."""
    dist, args = {"uniform": ("uniform", ()), "between": ("uniform", ()), "triangular": ("triangular", (u.mode,)),
                  "normal": ("normal", (u.centre, u.sd)), "shift": ("normal", (0.0, u.sd))}[u.dist]
    touches = tuple(steps[1:]) + tuple(tuple(split_path(s)) for p in u.paths for s in sum_to_one_siblings(p, base))
    return FactorPlan(name=name, path=u.name, steps=steps[0], lo=u.low, hi=u.high, levels=None, dist=dist,
                      dist_args=args, integer=u.integer, baseline=0.5 if u.dist == "between" else u.centre,
                      label_en=u.name, label_zh=u.name, uncertain=u, touches=touches)


def _extremes(p: FactorPlan) -> list[Any]:
    if p.levels is not None:
        return list(dict.fromkeys(p.levels))
    return [p.coerce(p.lo), p.coerce(p.hi)]


def _check_corners(spec: SweepSpec, plans: tuple[FactorPlan, ...], base: dict, probs: _Problems) -> None:
    """Validate the scenario at each factor's extremes, and at every corner of the box for few factors.

    Every schema constraint is an interval or a linear inequality, so a valid box has valid corners and a
    valid interior: sampled values (always within the bounds) give valid scenarios.
    """
    paths = [p.steps for p in plans] + [r for p in plans for r in (*p.rest, *p.touches)]

    def attempt(assign: list[tuple[int, Any]]) -> str | None:
        d = copy_along(base, paths)
        for i, v in assign:
            plans[i].apply(d, v)
        try:
            Scenario.model_validate(d)
        except pydantic.ValidationError as exc:
            err = exc.errors()[0]
            loc = ".".join(str(x) for x in err.get("loc", ()))
            return f"{loc}: {err.get('msg', 'invalid')}".removeprefix(": ")
        return None

    bad = False
    for i, p in enumerate(plans):
        for v in _extremes(p) + [p.baseline]:
            msg = attempt([(i, v)])
            if msg:
                key = "levels" if p.levels is not None else "bounds"
                hint = "list the other shares of the set under 'rest'" if "sum to" in msg else None
                probs.add(f"factors[{i}].{key}", f"value {v!r} gives an invalid scenario: {msg}", hint)
                bad = True
                break
    corners = math.prod(len(_extremes(p)) for p in plans)
    if bad or len(plans) > MAX_CORNER_FACTORS or len(plans) < 2 or corners > 2**MAX_CORNER_FACTORS:
        return
    for combo in itertools.product(*[_extremes(p) for p in plans]):
        msg = attempt(list(enumerate(combo)))
        if msg:
            names = ", ".join(f"{p.name}={v!r}" for p, v in zip(plans, combo, strict=True))
            probs.add("factors", f"the combination {names} gives an invalid scenario: {msg}")
            return


def _outcomes(spec: SweepSpec, sc: Scenario, probs: _Problems) -> OutcomePlan:
    o = spec.outcomes
    province = sc.region.name
    regions = {province, *(s.name for s in sc.region.subregions)}
    cells: list[Cell] = []
    default_years = o.years or [y for y in MILESTONES if sc.base_year <= y <= sc.horizon] or [sc.horizon]
    for y_i, y in enumerate(o.years or []):
        if not sc.base_year <= y <= sc.horizon:
            probs.add(f"outcomes.years[{y_i}]", f"year {y} is outside the simulated years {sc.base_year}–{sc.horizon}")
    for i, raw in enumerate(o.indicators):
        item = IndicatorOutcome(indicator=raw) if isinstance(raw, str) else raw
        at = f"outcomes.indicators[{i}]" + ("" if isinstance(raw, str) else ".indicator")
        if item.indicator not in INDICATORS:
            import difflib

            close = difflib.get_close_matches(item.indicator, list(INDICATORS), n=1)
            probs.add(at, f"unknown indicator {item.indicator!r}", f"did you mean {close[0]!r}?" if close else None)
            continue
        if item.level is not None and item.level not in (*LEVELS, "all", "enterprise"):
            probs.add(f"outcomes.indicators[{i}].level", f"unknown level {item.level!r}; one of "
                                                         f"{', '.join((*LEVELS, 'all', 'enterprise'))}")
        region = item.region or province
        if region not in regions:
            probs.add(f"outcomes.indicators[{i}].region", f"unknown region {region!r}; one of {sorted(regions)}")
        years = item.years or default_years
        for y in years:
            if not sc.base_year <= y <= sc.horizon:
                probs.add(f"outcomes.indicators[{i}]", f"year {y} is outside {sc.base_year}–{sc.horizon}")
        name = item.name or "_".join(
            [item.indicator] + ([item.level] if item.level not in (None, "all", "enterprise") else [])
            + ([region] if region != province else []) + ([slug(item.dimension)] if item.dimension != "total" else [])
            + (["cumulative"] if item.aggregate == "cumulative" else []))
        levels = (item.level,) if item.level else ("all", "enterprise")
        first = (item.from_year or sc.base_year + 1) if item.aggregate == "cumulative" else None
        cells += [Cell(f"{name}_{y}", name, item.indicator, levels, region, item.dimension, y, first) for y in years]
    goals = scenario_goals(sc.goals)
    modelled = {g.id: g for g in goals if g.status == "modelled" and g.applies_to(regions)}
    wanted = list(modelled) if o.goals == "all" else list(o.goals)
    chosen, goal_cols = [], []
    for i, gid in enumerate(wanted):
        g = modelled.get(gid)
        if g is None:
            import difflib

            known = {x.id: x for x in goals}
            if gid in known and known[gid].status == "modelled":
                reason = (f"goal {gid!r} applies to {known[gid].region}, which the scenario does not simulate "
                          f"(it simulates {', '.join(sorted(regions))})")
            else:
                reason = (f"goal {gid!r} is not modelled ({known[gid].reason})" if gid in known
                          else f"unknown goal {gid!r}")
            close = difflib.get_close_matches(gid, list(modelled), n=1)
            probs.add(f"outcomes.goals[{i}]", reason, f"did you mean {close[0]!r}?" if close and gid not in known
                      else None)
            continue
        years = goal_years(g, sc.base_year, sc.horizon)
        if not years:
            probs.add(f"outcomes.goals[{i}]", f"goal {gid!r} has no deadline within {sc.base_year}–{sc.horizon}")
            continue
        chosen.append(g)
        goal_cols += [GoalColumn(f"goal_{slug(gid)}_{y}", gid, y) for y in years]
    columns = [c.column for c in cells] + [g.column for g in goal_cols]
    dup = sorted({c for c in columns if columns.count(c) > 1})
    if dup:
        probs.add("outcomes", f"outcome columns {dup} appear twice; give 'name' to tell them apart")
    factor_cols = {f.column for f in spec.factors}
    clash = sorted((set(columns) & factor_cols) | (set(columns) & RESERVED))
    if clash:
        probs.add("outcomes", f"outcome columns {clash} clash with factor or reserved names")
    return OutcomePlan(tuple(cells), tuple(goal_cols), tuple(chosen), province, sc.base_year, sc.horizon)
