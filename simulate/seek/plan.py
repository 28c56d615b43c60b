"""Load a seek spec and resolve it against its base scenario (every problem reported as file:line).

:func:`load_seek` checks every goal (modelled, with a verdict in the simulated years), resolves every
lever's path, validates the scenario with each setting of each lever and with every lever at its
strongest and weakest setting, and builds what a run reports: the public cost of each year the
objective reads and, per goal and verdict year, met (1/0) and the relative margin. Runs stop at the
last year any of these needs (the years before it do not depend on the horizon).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pydantic

from simulate.goals.catalogue import Goal, scenario_goals
from simulate.scenario import LoadedScenario, Scenario
from simulate.scenario.loader import load
from simulate.seek.spec import SeekSpec
from simulate.sweep.factors import schedule_prefix
from simulate.sweep.outcomes import Cell, GoalColumn, OutcomePlan, goal_years, slug
from simulate.sweep.paths import copy_along, set_at, show
from simulate.sweep.plan import _Problems, base_scenario, settable
from simulate.uncertainty import Uncertain, declared, draws

COST = "public_cost"
"""The indicator the cost objective sums (appropriations + surcharge + credits foregone + certificate subsidies)."""

Choice = tuple[int, int] | None
"""One lever's choice in a candidate: (setting index, start index), or ``None`` (the base scenario's own setting)."""


@dataclass(frozen=True)
class ChoicePlan:
    """A lever resolved against the base scenario (picklable; applied by the sweep worker).

    Attributes:
        name: column name.
        path: the dotted path as written.
        steps: concrete steps into the scenario dict.
        settings: the values to choose from, weakest first.
        starts: start years, latest first (``(None,)``: the value holds in every year).
        prefixes: per start year, the base schedule's (year, value) steps before it.
        base_value: the base scenario's own setting, as the scenario file writes it.
    """

    name: str
    path: str
    steps: tuple
    settings: tuple[Any, ...]
    starts: tuple[int | None, ...]
    prefixes: tuple[tuple[tuple[int, float], ...], ...]
    base_value: Any
    dated: bool
    label_zh: str = ""
    label_en: str = ""
    rest: tuple = ()
    touches: tuple = ()

    def label(self, lang: str) -> str:
        """Display name."""
        return (self.label_zh if lang == "zh" else self.label_en) or self.name

    def value(self, choice: Choice) -> Any:
        """The scenario value of a choice (a dated lever with a start year becomes steps)."""
        if choice is None:
            return self.base_value
        i, j = choice
        v = self.settings[i]
        if not isinstance(v, (str, bool)):
            v = float(v)
        start = self.starts[j]
        if start is None or not self.dated:
            return v
        return {**{y: x for y, x in self.prefixes[j]}, start: v}

    def apply(self, d: dict, choice: Choice) -> None:
        """Write a choice into the scenario dict ``d`` (``None`` leaves the base setting)."""
        if choice is not None:
            set_at(d, self.steps, self.value(choice))

    def text(self, choice: Choice) -> str:
        """``0.9 from 2022``, ``5000`` or ``base``."""
        if choice is None:
            return "base"
        v = self.settings[choice[0]]
        start = self.starts[choice[1]]
        shown = str(v) if isinstance(v, (str, bool)) else f"{v:g}"
        return shown + (f" from {start}" if start else "")

    def intensity(self, choice: Choice) -> float:
        """How strong a choice is, 0 (weakest setting, latest start) to 1; ties go to the weaker."""
        if choice is None:
            return 0.0
        i, j = choice
        n, m = len(self.settings), len(self.starts)
        return 0.9 * i / (n - 1) + 0.1 * (j / (m - 1) if m > 1 else 0.0)


@dataclass(frozen=True)
class GoalCheck:
    """A goal judged in a verdict year: its columns, minimum probability (constraints) and why (not reachable)."""

    goal_id: str
    year: int
    met: str
    margin: str
    probability: float
    constraint: bool
    reason: str | None = None


@dataclass(frozen=True)
class Seek:
    """A validated spec resolved against its base scenario."""

    spec: SeekSpec
    path: str
    loaded: LoadedScenario
    base: dict
    levers: tuple[ChoicePlan, ...]
    outcomes: OutcomePlan
    checks: tuple[GoalCheck, ...]
    goals: tuple[Goal, ...]
    seed: int
    cost_years: tuple[int, ...]
    uncertain: tuple[Uncertain, ...] = ()
    parameter_draws: np.ndarray | None = None
    """Replication × parameter draws (``uncertainty: parameters``): row ``r`` is what replication ``r`` of
    every candidate simulates, exactly the draws ``talentsim run best.yaml --reps N`` makes for N =
    ``confirm.replications`` (the same seed, the same declared parameters: best.yaml sets levers only)."""

    @property
    def scenario(self) -> Scenario:
        """The base scenario (its own horizon)."""
        return self.loaded.scenario

    @property
    def constraints(self) -> tuple[GoalCheck, ...]:
        """The goal checks the search must meet."""
        return tuple(c for c in self.checks if c.constraint)

    @property
    def window(self) -> tuple[int, int]:
        """The budget window."""
        return tuple(self.spec.objective.window)

    def digest(self) -> str:
        """Hash of everything that fixes the runs' numbers and the search's path."""
        payload = json.dumps({"spec": self.spec.model_dump(mode="json", exclude={"title_zh", "title_en",
                                                                                  "description"}),
                              "base": self.base, "columns": self.outcomes.columns, "seed": self.seed,
                              "uncertain": [u.name for u in self.uncertain],
                              "draws": None if self.parameter_draws is None
                              else hashlib.sha256(self.parameter_draws.tobytes()).hexdigest()},
                             sort_keys=True, default=str)
        return hashlib.sha256(payload.encode()).hexdigest()

    def goal(self, goal_id: str) -> Goal:
        """A goal of the base scenario's catalogue."""
        return next(g for g in self.goals if g.id == goal_id)


def load_seek(path: str | Path) -> Seek:
    """Load and resolve a seek spec.

    Raises:
        ScenarioError: every problem of the spec (or of its base scenario) as file:line:col: key: message.
    """
    spec, layered = load(path, SeekSpec)
    assert isinstance(spec, SeekSpec)
    file = layered.files[-1] if layered.files else str(path)
    probs = _Problems(file, layered.positions)
    loaded = base_scenario(spec.scenario, layered.positions.get("scenario", (file, 1, 1))[0], probs)
    sc = loaded.scenario
    base = sc.model_dump(mode="python")
    first, last = spec.objective.window
    if not sc.base_year <= first <= last <= sc.horizon:
        probs.add("objective.window", f"the window must lie within the simulated years {sc.base_year}–{sc.horizon}")
    goals = scenario_goals(sc.goals)
    checks = _checks(spec, goals, sc, probs)
    levers = tuple(_lever(i, sc, base, spec, probs) for i in range(len(spec.levers)))
    probs.raise_if_any()
    _check_settings(levers, base, probs)
    probs.raise_if_any()
    starts = [y for lv in levers for y in lv.starts if y is not None]
    cost_years = tuple(range(min([first, *starts]), last + 1))
    horizon = max([last] + [c.year for c in checks if c.constraint])
    checks = tuple(c for c in checks if c.year <= horizon)  # listed goals are judged within the years simulated
    base = {**base, "horizon": horizon}
    cells = tuple(Cell(f"cost_{y}", "cost", COST, ("all",), sc.region.name, "total", y) for y in cost_years)
    cols = tuple(GoalColumn(c.met, c.goal_id, c.year, "met") for c in checks) + tuple(
        GoalColumn(c.margin, c.goal_id, c.year, "margin") for c in checks)
    judged = tuple(g for g in goals if g.id in {c.goal_id for c in checks})
    outcomes = OutcomePlan(cells, cols, judged, sc.region.name, sc.base_year, horizon)
    seed = sc.seed if spec.seed is None else spec.seed
    uncertain: tuple[Uncertain, ...] = ()
    table = None
    if spec.uncertainty == "parameters":
        uncertain = declared(loaded)
        n = max(spec.search.replications, spec.confirm.replications)
        frame = draws(uncertain, seed, n)
        table = frame[[u.name for u in uncertain]].to_numpy(float) if uncertain else None
    return Seek(spec=spec, path=str(path), loaded=loaded, base=base, levers=levers, outcomes=outcomes,
                checks=checks, goals=goals, seed=seed, cost_years=cost_years, uncertain=uncertain,
                parameter_draws=table)


def _checks(spec: SeekSpec, goals: tuple[Goal, ...], sc: Scenario, probs: _Problems) -> tuple[GoalCheck, ...]:
    known = {g.id: g for g in goals}
    out: list[GoalCheck] = []
    listed = [(gid, True) for gid in spec.goals] + [(gid, False) for gid in spec.not_reachable]
    for gid, constraint in listed:
        at = f"{'goals' if constraint else 'not_reachable'}.{gid}"
        g = known.get(gid)
        if g is None:
            import difflib

            close = difflib.get_close_matches(gid, list(known), n=1)
            probs.add(at, f"unknown goal {gid!r}", f"did you mean {close[0]!r}?" if close else None)
            continue
        if g.status != "modelled":
            probs.add(at, f"goal {gid!r} is not modelled ({g.reason})")
            continue
        years = goal_years(g, sc.base_year, sc.horizon)
        wanted = years
        if constraint and spec.target(gid).years is not None:
            wanted = spec.target(gid).years
            missing = sorted(set(wanted) - set(years))
            if missing:
                probs.add(f"{at}.years", f"goal {gid!r} has no verdict in {missing}; its verdict years are {years}")
                continue
        if not wanted:
            probs.add(at, f"goal {gid!r} has no verdict within {sc.base_year}–{sc.horizon}")
            continue
        p = spec.target(gid).probability if constraint else 0.0
        reason = None if constraint else (spec.not_reachable[gid] or g.fixed_because)
        for y in wanted:
            s = f"{slug(gid)}_{y}"
            out.append(GoalCheck(gid, y, f"met_{s}", f"margin_{s}", p, constraint, reason))
    return tuple(out)


def _lever(i: int, sc: Scenario, base: dict, spec: SeekSpec, probs: _Problems) -> ChoicePlan | None:
    lv = spec.levers[i]
    at = f"levers[{i}]"
    if not lv.path.startswith("levers."):
        probs.add(f"{at}.path", "choose policy levers only: the path must start with 'levers.'")
        return None
    found = settable(lv.path, at, sc, base, probs)
    if found is None:
        return None
    steps, target, current, dated = found
    starts = lv.starts
    if starts != (None,) and not dated:
        probs.add(f"{at}.from_year", f"{show(steps)!r} is not a dated lever; from_year applies to dated paths only")
        return None
    for y in starts:
        if y is not None and not sc.base_year < y <= sc.horizon:
            probs.add(f"{at}.from_year", f"start year {y} outside {sc.base_year + 1}–{sc.horizon} (the base year's "
                                         "values are observed)")
            return None
    numeric = dated or (isinstance(current, (int, float)) and not isinstance(current, bool))
    settings = lv.settings
    if numeric and any(isinstance(v, (str, bool)) for v in settings):
        probs.add(f"{at}.levels", f"{show(steps)!r} holds a number: give numeric levels")
        return None
    if not numeric and lv.bounds is not None:
        probs.add(f"{at}.bounds", f"{show(steps)!r} holds {current!r}, not a number: give 'levels'")
        return None
    prefixes = tuple(schedule_prefix(target, sc.base_year, y) if y is not None and dated else () for y in starts)
    base_value = target.to_yaml() if dated else current
    return ChoicePlan(name=lv.column, path=lv.path, steps=steps, settings=settings, starts=starts,
                      prefixes=prefixes, base_value=base_value, dated=dated, label_zh=lv.label_zh,
                      label_en=lv.label_en)


def _check_settings(levers: tuple[ChoicePlan, ...], base: dict, probs: _Problems) -> None:
    """Every setting of each lever alone, and every lever at once at its weakest and strongest, validate."""
    paths = [lv.steps for lv in levers]

    def attempt(choices: list[Choice]) -> str | None:
        d = copy_along(base, paths)
        for lv, c in zip(levers, choices, strict=True):
            lv.apply(d, c)
        try:
            Scenario.model_validate(d)
        except pydantic.ValidationError as exc:
            err = exc.errors()[0]
            return f"{'.'.join(str(x) for x in err.get('loc', ()))}: {err.get('msg', 'invalid')}"
        return None

    for i, lv in enumerate(levers):
        for k, v in enumerate(lv.settings):
            msg = attempt([(k, 0) if j == i else None for j in range(len(levers))])
            if msg:
                probs.add(f"levers[{i}]", f"setting {v!r} gives an invalid scenario: {msg}")
                return
    for end in (0, -1):
        choices = [(end % len(lv.settings), len(lv.starts) - 1) for lv in levers]
        msg = attempt(choices)
        if msg:
            probs.add("levers", f"every lever at its {'weakest' if end == 0 else 'strongest'} setting gives an "
                                f"invalid scenario: {msg}")
