"""The design: which factor values each design point gets (deterministic from the spec and its seed).

``lhs``, ``morris`` and ``sobol`` draw points in SALib's unit hypercube (``SALib.sample.latin``,
``SALib.sample.morris``, ``SALib.sample.sobol`` — Saltelli's scheme) and map each coordinate through
the factor's quantile function; ``oat`` moves one factor at a time from the base point to each of its
levels; ``grid`` is the full factorial of the factors' levels. The unit coordinates are kept: the
Morris and RBD-FAST analyses read them.
"""

from __future__ import annotations

import itertools
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from simulate.sweep.factors import FactorPlan

MAX_POINTS = 1_000_000


class DesignError(ValueError):
    """A design that cannot be built from the spec and the sample size asked for."""


@dataclass(frozen=True)
class Design:
    """Design points of a sweep.

    Attributes:
        method: ``oat``, ``grid``, ``lhs``, ``morris`` or ``sobol``.
        factors: the factor plans, in column order.
        unit: ``(P, D)`` coordinates in [0, 1] (SALib's problem space).
        values: ``P`` rows of ``D`` factor values, as applied to the scenario.
        labels: ``P`` point labels (``base``, ``apprenticeship_share=0.3``, or ``""``).
        options: what the analysis needs (``num_levels``, ``second_order``, ``samples``).
    """

    method: str
    factors: tuple[FactorPlan, ...]
    unit: np.ndarray
    values: list[list[Any]]
    labels: list[str]
    options: dict = field(default_factory=dict)

    @property
    def n_points(self) -> int:
        """Number of design points."""
        return len(self.values)

    @property
    def problem(self) -> dict:
        """The SALib problem (unit bounds; names are the factor columns)."""
        return unit_problem([f.name for f in self.factors])


def unit_problem(names: list[str]) -> dict:
    """A SALib problem over the unit hypercube."""
    return {"num_vars": len(names), "names": list(names), "bounds": [[0.0, 1.0]] * len(names)}


def levels_of(f: FactorPlan, n: int) -> list[Any]:
    """The OAT/grid levels of a factor: its ``levels``, else ``n`` evenly spaced values over its bounds."""
    if f.levels is not None:
        return list(f.levels)
    return list(dict.fromkeys(f.coerce(float(f"{v:.12g}")) for v in np.linspace(f.lo, f.hi, n)))


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, (str, bool)) or isinstance(b, (str, bool)):
        return repr(a) == repr(b)
    return bool(np.isclose(float(a), float(b), rtol=1e-12, atol=1e-12))


def build_design(factors: tuple[FactorPlan, ...], method: str, samples: int, seed: int, *,
                 morris_levels: int = 4, optimal_trajectories: int | None = None, local_optimization: bool = True,
                 second_order: bool = False) -> Design:
    """Build the design; the same arguments always give the same points.

    Raises:
        DesignError: too many points, or a sample size the method cannot use.
    """
    d = len(factors)
    names = [f.name for f in factors]
    problem = unit_problem(names)
    labels: list[str] = []
    options: dict[str, Any] = {"samples": samples}
    if method in ("oat", "grid"):
        lv = [levels_of(f, samples) for f in factors]
        if method == "oat":
            rows = [[f.baseline for f in factors]]
            labels = ["base"]
            for j, f in enumerate(factors):
                for v in lv[j]:
                    if not _same(v, f.baseline):
                        row = list(rows[0])
                        row[j] = v
                        rows.append(row)
                        labels.append(f"{f.name}={v:.6g}" if isinstance(v, float) else f"{f.name}={v}")
        else:
            total = int(np.prod([len(x) for x in lv]))
            if total > MAX_POINTS:
                raise DesignError(f"the grid has {total:,} points (more than {MAX_POINTS:,}); use fewer levels")
            rows = [list(c) for c in itertools.product(*lv)]
            labels = [""] * len(rows)
        unit = np.array([[f.to_unit(v) for f, v in zip(factors, r, strict=True)] for r in rows], float)
        unit = unit.reshape(len(rows), d)
        return Design(method, factors, unit, rows, labels, options)
    from SALib.sample import latin, morris, sobol

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if method == "lhs":
            if samples < 2:
                raise DesignError("lhs needs at least 2 samples")
            unit = latin.sample(problem, samples, seed=seed)
        elif method == "morris":
            if d < 2:
                raise DesignError("Morris needs at least 2 factors")
            if optimal_trajectories is not None and optimal_trajectories >= samples:
                raise DesignError(f"optimal_trajectories ({optimal_trajectories}) must be below samples ({samples})")
            unit = morris.sample(problem, samples, num_levels=morris_levels, optimal_trajectories=optimal_trajectories,
                                 local_optimization=local_optimization, seed=seed)
            options["num_levels"] = morris_levels
        elif method == "sobol":
            if samples < 2 or samples & (samples - 1):
                raise DesignError(f"Sobol samples must be a power of 2 (e.g. 64, 128, 256), got {samples}")
            unit = sobol.sample(problem, samples, calc_second_order=second_order, scramble=True, seed=seed)
            options["second_order"] = second_order
        else:  # pragma: no cover - the spec schema only admits the five methods
            raise DesignError(f"unknown method {method!r}")
    unit = np.asarray(unit, float)
    if len(unit) > MAX_POINTS:
        raise DesignError(f"the design has {len(unit):,} points (more than {MAX_POINTS:,})")
    cols = [f.from_unit(unit[:, j]) for j, f in enumerate(factors)]
    rows = [list(r) for r in zip(*cols, strict=True)]
    return Design(method, factors, unit, rows, [""] * len(rows), options)


def design_for(sweep) -> Design:
    """The design of a loaded :class:`simulate.sweep.plan.Sweep`."""
    s = sweep.spec
    return build_design(sweep.factors, s.method, s.n_samples, s.seed, morris_levels=s.morris.levels,
                        optimal_trajectories=s.morris.optimal_trajectories,
                        local_optimization=s.morris.local_optimization, second_order=s.sobol.second_order)
