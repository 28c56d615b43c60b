"""The sweep spec: experiments as data (XLRM: levers and uncertainties X, outcomes M), validated like scenarios.

A spec file names a base scenario, the factors to vary (a dotted path to a lever or parameter with
bounds or levels, an optional distribution), the design method and its sample size, replications per
design point, the outcomes (indicators at milestone years, goals met) and a seed::

    name: four_levers_morris
    scenario: jiangxi_baseline
    method: morris            # oat | grid | lhs | morris | sobol
    samples: 10               # trajectories (morris), base samples (sobol), points (lhs), levels (oat, grid)
    replications: 4
    seed: 20240501
    factors:
      - path: levers.apprenticeship_share
        bounds: [0.0, 0.3]
        from_year: 2023       # optional: the sampled value is a step from this year on
    outcomes:
      years: [2025, 2030]
      indicators: [matched_rate, {indicator: enterprise_participation_rate, level: enterprise}]
      goals: [jx.2030.participation]
    uncertainties: all        # optional: also vary every uncertain parameter the scenario declares

``uncertainties: all`` (or a list of path prefixes such as ``[behaviour.labour, region.industries]``) adds
each uncertain parameter of the base scenario (:func:`simulate.uncertainty.declared`: ranges, standard
errors of fitted values, low and high paths) as a factor with its declared distribution; a path an
explicit factor already varies keeps the explicit factor. Levers are never among them.

:func:`simulate.sweep.plan.load_sweep` loads it with the scenario loader (file:line errors).
"""

from __future__ import annotations

import math
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Identifier = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,47}$")]
METHODS = ("oat", "grid", "lhs", "morris", "sobol")
DEFAULT_SAMPLES = {"oat": 2, "grid": 3, "lhs": 64, "morris": 10, "sobol": 64}
"""Default ``samples`` per method (levels per factor for oat/grid, base samples or trajectories otherwise)."""
RESERVED = frozenset({"run_id", "point", "replication", "seed", "engine_replication", "label", "n", "session"})


class Strict(BaseModel):
    """Unknown keys are errors; objects are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Distribution(Strict):
    """How a factor is sampled within its bounds (lhs, morris, sobol); every draw stays inside the bounds."""

    kind: Literal["uniform", "triangular", "normal"] = "uniform"
    mode: float | None = Field(default=None, description="peak of a triangular distribution")
    mean: float | None = Field(default=None, description="mean of a normal distribution (truncated to the bounds)")
    sd: float | None = Field(default=None, gt=0, description="standard deviation of a normal distribution")

    @model_validator(mode="after")
    def _params(self) -> Distribution:
        need = {"uniform": set(), "triangular": {"mode"}, "normal": {"mean", "sd"}}[self.kind]
        given = {k for k in ("mode", "mean", "sd") if getattr(self, k) is not None}
        if given != need:
            raise ValueError(f"a {self.kind} distribution takes {sorted(need) or 'no parameters'}, got {sorted(given)}")
        return self


Level = float | str | bool


class Factor(Strict):
    """One lever or uncertain parameter to vary."""

    name: Identifier | None = Field(default=None, description="column name (default: from the path)")
    path: str = Field(description="dotted path into the scenario, e.g. levers.per_student_funding.secondary")
    bounds: tuple[float, float] | None = Field(default=None, description="[low, high] of a continuous factor")
    levels: list[Level] | None = Field(default=None, min_length=2, max_length=100, description="discrete values")
    baseline: Level | None = Field(default=None, description="value at the OAT base point (default: the scenario's)")
    distribution: Distribution = Field(default_factory=Distribution)
    from_year: int | None = Field(default=None, ge=1990, le=2100,
                                  description="apply the value as a step from this year (dated levers only)")
    integer: bool = Field(default=False, description="round sampled values to whole numbers")
    rest: list[str] = Field(default_factory=list,
                            description="shares rescaled so the set keeps its sum (e.g. sums to 1)")
    label_zh: str = ""
    label_en: str = ""

    @model_validator(mode="after")
    def _shape(self) -> Factor:
        if (self.bounds is None) == (self.levels is None):
            raise ValueError("give exactly one of 'bounds' (continuous) or 'levels' (discrete)")
        if self.bounds is not None:
            lo, hi = self.bounds
            if not (math.isfinite(lo) and math.isfinite(hi)) or not lo < hi:
                raise ValueError(f"bounds must be finite with low < high, got {list(self.bounds)}")
            d = self.distribution
            if d.kind == "triangular" and not lo <= d.mode <= hi:
                raise ValueError(f"triangular mode {d.mode} outside the bounds {list(self.bounds)}")
            if d.kind == "normal" and not lo <= d.mean <= hi:
                raise ValueError(f"normal mean {d.mean} outside the bounds {list(self.bounds)}")
            if isinstance(self.baseline, (str, bool)):
                raise ValueError("the baseline of a continuous factor must be a number")
        else:
            if self.distribution.kind != "uniform":
                raise ValueError("a factor with levels is sampled uniformly over its levels; remove 'distribution'")
            keys = [repr(v) for v in self.levels]
            if len(set(keys)) != len(keys):
                raise ValueError("levels must be distinct")
            kinds = {isinstance(v, str) or isinstance(v, bool) for v in self.levels}
            if len(kinds) > 1:
                raise ValueError("levels must be all numbers or all text")
        if self.rest and self.levels is not None and any(isinstance(v, (str, bool)) for v in self.levels):
            raise ValueError("'rest' needs numeric shares")
        return self

    @property
    def column(self) -> str:
        """The factor's column name in the store."""
        if self.name:
            return self.name
        parts = self.path.replace("[", ".").replace("]", "").split(".")
        if parts[0] in ("levers", "behaviour", "region") and len(parts) > 1:
            parts = parts[1:]
        return "_".join(parts).lower()[:48]

    @property
    def categorical(self) -> bool:
        """Discrete text/boolean levels."""
        return self.levels is not None and isinstance(self.levels[0], (str, bool))


class IndicatorOutcome(Strict):
    """An indicator cell at milestone years (the value in the year, or summed from ``from_year``)."""

    indicator: str
    level: str | None = Field(default=None, description="education level, all or enterprise (default: all, "
                                                        "else enterprise)")
    region: str | None = Field(default=None, description="region or subregion (default: the province)")
    dimension: str = "total"
    years: list[Annotated[int, Field(ge=1990, le=2100)]] | None = Field(default=None, min_length=1)
    aggregate: Literal["value", "cumulative"] = "value"
    from_year: int | None = Field(default=None, ge=1990, le=2100, description="first year of a cumulative sum")
    name: Identifier | None = None


class Outcomes(Strict):
    """What every run reports: indicator cells at milestone years and whether goals are met (0/1)."""

    years: list[Annotated[int, Field(ge=1990, le=2100)]] | None = Field(
        default=None, min_length=1, description="milestone years (default: 2025 and 2030 where simulated, else the "
                                                "horizon)")
    indicators: list[str | IndicatorOutcome] = Field(default_factory=list)
    goals: list[str] | Literal["all"] = Field(default_factory=list, description="goal ids, or all")

    @model_validator(mode="after")
    def _some(self) -> Outcomes:
        if not self.indicators and not self.goals:
            raise ValueError("name at least one indicator or goal")
        return self


class MorrisOptions(Strict):
    """Options of the Morris design (SALib)."""

    levels: int = Field(default=4, ge=2, le=20, description="grid levels p (even)")
    optimal_trajectories: int | None = Field(default=None, ge=2,
                                             description="keep the best r of `samples` trajectories")
    local_optimization: bool = True

    @model_validator(mode="after")
    def _even(self) -> MorrisOptions:
        if self.levels % 2:
            raise ValueError(f"Morris levels must be even, got {self.levels}")
        return self


class SobolOptions(Strict):
    """Options of the Sobol (Saltelli) design."""

    second_order: bool = Field(default=False, description="also estimate second-order indices S2")


class AnalysisOptions(Strict):
    """Confidence level and bootstrap resamples of the indices."""

    conf_level: float = Field(default=0.95, gt=0.5, lt=1)
    resamples: int = Field(default=1000, ge=10, le=100_000)


class SweepSpec(Strict):
    """A sensitivity sweep."""

    name: Identifier
    title_zh: str = ""
    title_en: str = ""
    description: str = ""
    scenario: str = Field(description="base scenario: a shipped scenario's name (jiangxi_baseline) or a file "
                                      "path relative to this spec file")
    method: Literal["oat", "grid", "lhs", "morris", "sobol"]
    samples: int | None = Field(default=None, ge=1, le=1_000_000)
    replications: int = Field(default=1, ge=1, le=10_000, description="replications per design point")
    seed: int = Field(default=0, ge=0, lt=2**63)
    common_random_numbers: bool = Field(default=True, description="replication r of every point shares its seed")
    factors: list[Factor] = Field(default_factory=list, max_length=64)
    uncertainties: Literal["all"] | list[Annotated[str, Field(min_length=1)]] = Field(
        default_factory=list, description="vary the scenario's declared uncertain parameters too: all, or those "
                                          "under these path prefixes")
    outcomes: Outcomes
    morris: MorrisOptions = Field(default_factory=MorrisOptions)
    sobol: SobolOptions = Field(default_factory=SobolOptions)
    analysis: AnalysisOptions = Field(default_factory=AnalysisOptions)

    @model_validator(mode="after")
    def _consistent(self) -> SweepSpec:
        if not self.factors and not self.uncertainties:
            raise ValueError("name at least one factor, or uncertainties: all")
        cols = [f.column for f in self.factors]
        dup = sorted({c for c in cols if cols.count(c) > 1})
        if dup:
            raise ValueError(f"factor names must be unique; give 'name' to tell apart {dup}")
        clash = sorted(set(cols) & RESERVED)
        if clash:
            raise ValueError(f"factor names {clash} are reserved column names")
        paths = [f.path for f in self.factors] + [r for f in self.factors for r in f.rest]
        if len(set(paths)) != len(paths):
            raise ValueError("a path may be varied by one factor only (including 'rest' lists)")
        if self.method == "sobol" and self.samples is not None:
            check_sobol_samples(self.samples)
        if self.method in ("oat", "grid") and self.samples is not None and self.samples < 2:
            raise ValueError(f"{self.method} needs samples (levels per factor) ≥ 2")
        return self

    @property
    def n_samples(self) -> int:
        """``samples`` or the method's default."""
        return self.samples if self.samples is not None else DEFAULT_SAMPLES[self.method]


def check_sobol_samples(n: int) -> None:
    """Saltelli's scheme needs a power of two base samples."""
    if n < 2 or n & (n - 1):
        raise ValueError(f"Sobol samples must be a power of 2 (e.g. 64, 128, 256), got {n}")
