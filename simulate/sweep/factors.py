"""Factor plans: how a sampled number becomes a valid scenario value (shares stay shares).

A :class:`FactorPlan` is the resolved, picklable form of a spec factor. ``from_unit`` maps a
coordinate in [0, 1] (SALib's unit hypercube) to the factor's value through its distribution's
quantile function, so every draw lies within the bounds; bounds are checked against the schema
at load time, so a share stays in [0, 1]. ``apply`` writes the value into a scenario dict: a dated
lever gets a constant (or a step from ``from_year``), and shares listed under ``rest`` are rescaled
so the set keeps its sum (a composition summing to 1 is reparameterised by one free share).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

from simulate.sweep.paths import Step, set_at
from simulate.uncertainty import Uncertain, write


@dataclass(frozen=True)
class FactorPlan:
    """A factor resolved against the base scenario.

    Attributes:
        name: column name.
        path: the dotted path as written.
        steps: concrete steps into the scenario dict.
        lo, hi: bounds of a continuous factor (``None`` for levels).
        levels: discrete values (``None`` for a continuous factor).
        dist: ``uniform``, ``triangular`` or ``normal`` (truncated to the bounds).
        dist_args: (mode,) or (mean, sd).
        integer: round to whole numbers.
        baseline: value at the OAT base point.
        prefix: for a step from ``from_year``: the base schedule's (year, value) steps before it.
        from_year: first year of the sampled value (dated levers), else ``None``.
        rest: steps of the shares rescaled with this one.
        rest_base: their base values.
        total: the sum the set keeps (this share + rest, in the base scenario).
        uncertain: for a factor from ``uncertainties:``, the declared parameter: its value is written as
            :func:`simulate.uncertainty.write` does (every list item it stands for, sum-to-one sets rebalanced).
        touches: steps a value may write besides ``steps`` and ``rest`` (copied before a point is built).
    """

    name: str
    path: str
    steps: tuple[Step, ...]
    lo: float | None
    hi: float | None
    levels: tuple[Any, ...] | None
    dist: str
    dist_args: tuple[float, ...]
    integer: bool
    baseline: Any
    prefix: tuple[tuple[int, float], ...] = ()
    from_year: int | None = None
    rest: tuple[tuple[Step, ...], ...] = ()
    rest_base: tuple[float, ...] = ()
    total: float = 1.0
    label_zh: str = ""
    label_en: str = ""
    uncertain: Uncertain | None = None
    touches: tuple[tuple[Step, ...], ...] = ()

    @property
    def categorical(self) -> bool:
        """Text or boolean levels."""
        return self.levels is not None and isinstance(self.levels[0], (str, bool))

    def label(self, lang: str) -> str:
        """Display name."""
        return (self.label_zh if lang == "zh" else self.label_en) or self.name

    def from_unit(self, u: np.ndarray) -> list[Any]:
        """Values for unit coordinates ``u`` (quantiles of the factor's distribution)."""
        u = np.clip(np.asarray(u, float), 0.0, 1.0)
        if self.uncertain is not None:  # the declared distribution, exactly as a run draws it
            return [self.coerce(v) for v in self.uncertain.quantile(u)]
        if self.levels is not None:
            idx = np.minimum((u * len(self.levels)).astype(int), len(self.levels) - 1)
            return [self.levels[i] for i in idx]
        lo, hi = self.lo, self.hi
        if self.dist == "triangular":
            c = (self.dist_args[0] - lo) / (hi - lo)
            x = stats.triang.ppf(u, c, loc=lo, scale=hi - lo)
        elif self.dist == "normal":
            mean, sd = self.dist_args
            x = stats.truncnorm.ppf(u, (lo - mean) / sd, (hi - mean) / sd, loc=mean, scale=sd)
        else:
            x = lo + u * (hi - lo)
        x = np.clip(x, lo, hi)
        return [self.coerce(v) for v in x]

    def to_unit(self, value: Any) -> float:
        """Position of a value in [0, 1] (levels: centre of its cell; continuous: linear in the bounds)."""
        if self.levels is not None:
            i = [repr(v) for v in self.levels].index(repr(value))
            return (i + 0.5) / len(self.levels)
        return (float(value) - self.lo) / (self.hi - self.lo)

    def coerce(self, v: Any) -> Any:
        """A design value in the form the store and the scenario take."""
        if self.categorical:
            return v
        v = float(v)
        return float(round(v)) if self.integer else v

    def apply(self, d: dict, value: Any) -> None:
        """Write ``value`` (and the rescaled ``rest``) into the scenario dict ``d``."""
        if self.uncertain is not None:
            write(d, [(self.uncertain, float(value))])
            return
        v: Any = value
        if not self.categorical:
            v = int(round(value)) if self.integer else float(value)
        if self.from_year is not None:
            v = {**{y: x for y, x in self.prefix}, self.from_year: v}
        set_at(d, self.steps, v)
        if self.rest:
            remain = self.total - float(value)
            base = sum(self.rest_base)
            for steps, b in zip(self.rest, self.rest_base, strict=True):
                set_at(d, steps, max(0.0, b * remain / base))


def schedule_prefix(path: Any, base_year: int, from_year: int) -> tuple[tuple[int, float], ...]:
    """The steps of a dated path before ``from_year`` (one per change, from the year before the base year)."""
    out: list[tuple[int, float]] = []
    for y in range(max(1990, min(base_year - 1, from_year - 1)), from_year):
        v = float(path.at(y))
        if not out or out[-1][1] != v:
            out.append((y, v))
    return tuple(out)
