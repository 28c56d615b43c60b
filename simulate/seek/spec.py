"""The seek spec: which goals to meet with what probability, which levers to choose, at what cost.

A spec is YAML, loaded with the scenario loader (strict, duplicate and unknown keys refused, every
problem as file:line)::

    name: nanchang_2025_least_cost
    scenario: ../jiangxi_baseline.yaml        # the base: levers not chosen keep its setting
    goals:                                    # the constraint set: goal id → minimum P(met)
      nc.parttime_share: 0.8
      nc.dual_teachers: {probability: 0.8, years: [2025]}
    not_reachable:                            # listed, judged on the result, never constraints
      nc.order_trained: null                  # null: the catalogue's fixed_because says why
    levers:
      - path: levers.part_time_target
        bounds: [0.10, 0.25]
        step: 0.025
        from_year: [2020, 2021, 2022, 2023]   # the start year as a choice (or one year)
    objective: {kind: least_cost, window: [2023, 2027]}
    search: {replications: 8, runs: 1600, batch: 8}
    confirm: {replications: 50, candidates: 3}

:func:`simulate.seek.plan.load_seek` resolves it against the base scenario.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Identifier = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,47}$")]
Year = Annotated[int, Field(ge=1990, le=2100)]
Level = float | str | bool
MAX_LEVELS = 200


class Strict(BaseModel):
    """Unknown keys are errors; objects are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class LeverChoice(Strict):
    """A lever the search chooses: its settings (weakest first) and, for a dated lever, its start year."""

    name: Identifier | None = Field(default=None, description="column name (default: from the path)")
    path: str = Field(description="dotted path into the scenario, e.g. levers.teacher_practice.enforcement")
    bounds: tuple[float, float] | None = Field(default=None, description="[low, high], with step")
    step: float | None = Field(default=None, gt=0, description="grid step within the bounds")
    levels: list[Level] | None = Field(default=None, min_length=2, max_length=MAX_LEVELS,
                                       description="the settings to choose from, weakest first")
    from_year: Year | list[Year] | None = Field(
        default=None, description="the value holds from this year (dated levers); a list makes the start year a choice")
    label_zh: str = ""
    label_en: str = ""

    @model_validator(mode="after")
    def _shape(self) -> LeverChoice:
        if (self.bounds is None) == (self.levels is None):
            raise ValueError("give exactly one of 'bounds' with 'step' or 'levels'")
        if self.bounds is not None:
            lo, hi = self.bounds
            if not (math.isfinite(lo) and math.isfinite(hi)) or not lo < hi:
                raise ValueError(f"bounds must be finite with low < high, got {list(self.bounds)}")
            if self.step is None:
                raise ValueError("'bounds' needs a 'step' (the search chooses among grid values)")
            n = (hi - lo) / self.step
            if abs(n - round(n)) > 1e-6:
                raise ValueError(f"step {self.step:g} does not divide the bounds {list(self.bounds)}")
            if round(n) + 1 > MAX_LEVELS:
                raise ValueError(f"{round(n) + 1} levels: at most {MAX_LEVELS} (take a larger step)")
        elif self.step is not None:
            raise ValueError("'step' goes with 'bounds', not with 'levels'")
        if self.levels is not None:
            if len({repr(v) for v in self.levels}) != len(self.levels):
                raise ValueError("levels must be distinct")
            if len({isinstance(v, (str, bool)) for v in self.levels}) > 1:
                raise ValueError("levels must be all numbers or all text")
        if isinstance(self.from_year, list) and (not self.from_year or len(set(self.from_year)) != len(self.from_year)):
            raise ValueError("from_year: give distinct years")
        return self

    @property
    def column(self) -> str:
        """The lever's column name in the store."""
        if self.name:
            return self.name
        parts = self.path.replace("[", ".").replace("]", "").split(".")
        if parts[0] == "levers" and len(parts) > 1:
            parts = parts[1:]
        return "_".join(parts).lower()[:40]

    @property
    def settings(self) -> tuple[Level, ...]:
        """The settings, weakest first."""
        if self.levels is not None:
            return tuple(self.levels)
        lo, hi = self.bounds
        n = round((hi - lo) / self.step)
        return tuple(round(lo + i * self.step, 10) for i in range(n + 1))

    @property
    def starts(self) -> tuple[int | None, ...]:
        """Start years to choose from, latest (weakest) first; ``(None,)`` when the value holds in every year."""
        if self.from_year is None:
            return (None,)
        years = self.from_year if isinstance(self.from_year, list) else [self.from_year]
        return tuple(sorted(years, reverse=True))


class GoalTarget(Strict):
    """A goal of the constraint set: its minimum probability and (optionally) which verdict years count."""

    probability: float = Field(gt=0.0, lt=1.0, description="minimum P(met)")
    years: list[Year] | None = Field(default=None, min_length=1,
                                     description="deadline or milestone years (default: every verdict year simulated)")


class Objective(Strict):
    """What the search minimises."""

    kind: Literal["least_cost", "most_goals"] = Field(
        default="least_cost", description="least public cost meeting every goal, or most goals met within a budget")
    window: tuple[Year, Year] = Field(description="budget window [first, last year], public cost summed over it")
    statistic: Literal["mean", "median"] = Field(default="mean", description="over replications")
    budget: float | None = Field(default=None, gt=0, description="yuan over the window (most_goals)")
    tie_tolerance: float = Field(default=0.001, ge=0, lt=0.1,
                                 description="costs closer than this share of the base cost are ties: the weaker "
                                             "setting wins")

    @model_validator(mode="after")
    def _consistent(self) -> Objective:
        if self.window[1] < self.window[0]:
            raise ValueError(f"window must run forwards, got {list(self.window)}")
        if self.kind == "most_goals" and self.budget is None:
            raise ValueError("most_goals needs a budget (yuan over the window)")
        return self


class Search(Strict):
    """How the search spends its runs."""

    replications: int = Field(default=8, ge=2, le=1000, description="replications per candidate")
    runs: int = Field(default=1600, ge=10, le=10_000_000, description="run budget (base, ceiling, single-lever scan "
                                                                     "and search; confirmation comes on top)")
    batch: int = Field(default=8, ge=1, le=256, description="candidates proposed and run together")
    startup: int = Field(default=16, ge=0, le=10_000, description="random candidates before the TPE model")
    patience: int = Field(default=6, ge=1, le=1000, description="batches without a better feasible candidate "
                                                               "before the search stops")


class Confirm(Strict):
    """The re-run of the best candidates."""

    replications: int = Field(default=50, ge=2, le=100_000)
    candidates: int = Field(default=3, ge=1, le=100)
    rounds: int = Field(default=3, ge=1, le=20, description="further groups of candidates tried when none passes")


class SeekSpec(Strict):
    """A goal-seeking problem."""

    name: Identifier
    title_zh: str = ""
    title_en: str = ""
    description: str = ""
    scenario: str = Field(description="base scenario file, relative to this spec file")
    seed: int | None = Field(default=None, ge=0, lt=2**63, description="root seed (default: the base scenario's)")
    goals: dict[str, float | GoalTarget] = Field(min_length=1, description="goal id → minimum P(met)")
    not_reachable: dict[str, str | None] = Field(
        default_factory=dict, description="goals known not to be reachable: judged and reported, never constraints "
                                          "(null: the catalogue's fixed_because says why)")
    levers: list[LeverChoice] = Field(min_length=1, max_length=32)
    objective: Objective
    search: Search = Field(default_factory=Search)
    confirm: Confirm = Field(default_factory=Confirm)
    uncertainty: Literal["parameters", "stochastic"] = Field(
        default="parameters", description="parameters: every replication draws the base scenario's uncertain "
        "parameters as `talentsim run` does (the default); stochastic: parameters at their central values")

    @model_validator(mode="after")
    def _consistent(self) -> SeekSpec:
        cols = [lv.column for lv in self.levers]
        dup = sorted({c for c in cols if cols.count(c) > 1})
        if dup:
            raise ValueError(f"lever names must be unique; give 'name' to tell apart {dup}")
        paths = [lv.path for lv in self.levers]
        if len(set(paths)) != len(paths):
            raise ValueError("a path may be chosen by one lever entry only")
        both = sorted(set(self.goals) & set(self.not_reachable))
        if both:
            raise ValueError(f"goals {both} are both constraints and not_reachable")
        if self.confirm.replications < self.search.replications:
            raise ValueError("confirm.replications must be at least search.replications")
        return self

    def target(self, goal_id: str) -> GoalTarget:
        """The constraint of a goal."""
        t = self.goals[goal_id]
        return t if isinstance(t, GoalTarget) else GoalTarget(probability=t)
