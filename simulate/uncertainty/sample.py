"""Draw the uncertain parameters once per run and build each replication's scenario.

Replication *i* of a run simulates ``apply(scenario, uncertain, draws[i])`` with its usual keyed random
streams, so a replication differs from the next both in what the model does not know (its parameter
draws) and in its coin flips.

**Latin hypercube, one column per parameter.** Each parameter's column is a one-dimensional Latin
hypercube over the replications (``scipy.stats.qmc.LatinHypercube``: one draw in each of the R equal
strata, in random order), from a generator keyed by the run's seed and the parameter's name. A joint
design whose columns follow a sorted list of names would shift every column when a scenario declares
one more parameter; keyed columns give compared scenarios (a baseline and its lever variant) identical
draws for every parameter they share, replication by replication, so their differences stay paired. The
draws are made in the parent process, once, so they never depend on the number of workers.

**Zero width is no change.** A parameter whose draw equals its central value is not written, and a
replication with nothing to write simulates the scenario object itself, bit for bit as ``stochastic``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd
import pydantic

from simulate.scenario.schema import LEVELS, Scenario
from simulate.uncertainty.declare import Uncertain, counts, split_path, value_at

MODES = ("parameters", "stochastic")
"""``parameters``: every replication draws the uncertain parameters (the default); ``stochastic``: they
stay at their central values and only the model's random draws differ between replications."""
STREAM_TAG = 0x50415241
"""First word of every parameter stream's spawn key ("PARA"): apart from any replication's streams."""
SAMPLER = ("Latin hypercube over the replications, one column per parameter (scipy.stats.qmc.LatinHypercube), "
           "each from a generator keyed by (seed, parameter name)")
_SUM_TO_ONE = (
    re.compile(r"^region\.tier_shares\.(\w+)$"),
    re.compile(r"^region\.subregions\[(\d+)\]\.school_share\.(\w+)$"),
    re.compile(r"^region\.subregions\[(\d+)\]\.enterprise_share$"),
)
"""Shares the schema requires to sum to 1: when some are drawn, the others take up the difference."""


def _generator(seed: int, name: str) -> np.random.Generator:
    words = np.frombuffer(hashlib.sha256(name.encode("utf-8")).digest()[:16], dtype=np.uint32)
    seq = np.random.SeedSequence(int(seed), spawn_key=(STREAM_TAG, *(int(w) for w in words)))
    return np.random.Generator(np.random.PCG64(seq))


def unit_column(seed: int, name: str, replications: int) -> np.ndarray:
    """A one-dimensional Latin hypercube of ``replications`` points in [0, 1), keyed by (seed, name)."""
    from scipy.stats import qmc

    rng = _generator(seed, name)
    try:
        lhs = qmc.LatinHypercube(d=1, rng=rng)
    except TypeError:  # scipy < 1.15 names the generator ``seed``
        lhs = qmc.LatinHypercube(d=1, seed=rng)
    return lhs.random(int(replications))[:, 0]


def draws(uncertain: Sequence[Uncertain], seed: int, replications: int) -> pd.DataFrame:
    """Replication × parameter draws (``parameters.parquet``).

    Columns: ``replication``, then one per parameter (its :attr:`Uncertain.name`): the value drawn, or for a
    dated path the position between its low and high path (``between``) or the shift added (``shift``).
    """
    cols: dict[str, Any] = {"replication": np.arange(int(replications), dtype=np.int64)}
    for u in uncertain:
        cols[u.name] = u.quantile(unit_column(seed, u.name, replications))
    return pd.DataFrame(cols)


def sum_to_one_siblings(path: str, data: dict) -> list[str]:
    """The other members of a sum-to-one set ``path`` belongs to (empty if none)."""
    if not path.startswith(("region.tier_shares", "region.subregions")):
        return []
    m = _SUM_TO_ONE[0].match(path)
    if m:
        return [f"region.tier_shares.{k}" for k in data["region"]["tier_shares"] if k != m.group(1)]
    subs = range(len(data["region"]["subregions"]))
    m = _SUM_TO_ONE[1].match(path)
    if m and m.group(2) in LEVELS:
        return [f"region.subregions[{j}].school_share.{m.group(2)}" for j in subs if j != int(m.group(1))]
    m = _SUM_TO_ONE[2].match(path)
    if m:
        return [f"region.subregions[{j}].enterprise_share" for j in subs if j != int(m.group(1))]
    return []


def _set(data: dict, path: str, value: Any) -> None:
    steps = split_path(path)
    value_at(data, steps[:-1])[steps[-1]] = value


def write(data: dict, changes: Iterable[tuple[Uncertain, float]]) -> None:
    """Write drawn values into a plain scenario dict; sum-to-one sets are rebalanced by their undrawn members."""
    written: set[str] = set()
    for u, x in changes:
        value = u.written(x)
        for p in u.paths:
            _set(data, p, value)
            written.add(p)
    done: set[str] = set()
    for p in sorted(written):
        others = [s for s in sum_to_one_siblings(p, data) if s not in written]
        if not others or p in done:
            continue
        members = [p] + [s for s in sum_to_one_siblings(p, data) if s in written]
        done.update(members)
        fixed = sum(float(value_at(data, split_path(s))) for s in members)
        free = [float(value_at(data, split_path(s))) for s in others]
        if sum(free) <= 0:
            continue
        scale = max(0.0, 1.0 - fixed) / sum(free)
        for s, v in zip(others, free, strict=True):
            _set(data, s, v * scale)


def apply(scenario: Scenario, uncertain: Sequence[Uncertain], row: Any) -> Scenario:
    """The scenario with one replication's draws (``row[name]``) written in: a validated copy.

    Returns ``scenario`` itself when every draw equals its central value.

    Raises:
        ValueError: the draws give an invalid scenario (a range wider than the schema allows together).
    """
    return _applied(scenario, [(u, float(row[u.name])) for u in uncertain])


def apply_row(scenario: Scenario, uncertain: Sequence[Uncertain], values: Sequence[float]) -> Scenario:
    """As :func:`apply`, with the draws given in the order of ``uncertain`` (a row of the draws array)."""
    return _applied(scenario, [(u, float(x)) for u, x in zip(uncertain, values, strict=True)])


def _applied(scenario: Scenario, drawn: Sequence[tuple[Uncertain, float]]) -> Scenario:
    changes = [(u, x) for u, x in drawn if not u.is_central(x)]
    if not changes:
        return scenario
    data = scenario.model_dump(mode="python")
    write(data, changes)
    try:
        return Scenario.model_validate(data)
    except pydantic.ValidationError as exc:
        names = ", ".join(u.name for u, _ in changes[:5])
        raise ValueError(f"the parameter draws ({names}, …) give an invalid scenario: {exc}") from None


def replication_scenarios(scenario: Scenario, uncertain: Sequence[Uncertain], table: pd.DataFrame
                          ) -> list[Scenario]:
    """The scenario each replication simulates, built once per run (a few ms in all)."""
    cols = [table[u.name].to_numpy(float) for u in uncertain]
    return [_applied(scenario, [(u, float(c[r])) for u, c in zip(uncertain, cols, strict=True)])
            for r in range(len(table))]


def summary(mode: str, uncertain: Sequence[Uncertain], replications: int) -> dict:
    """What ``summary.json`` says about the run's uncertainty: mode, sampler, counts and every parameter."""
    out: dict[str, Any] = {"mode": mode, "replications": int(replications), "parameters": len(uncertain)}
    if mode == "parameters":
        out.update(sampler=SAMPLER, by_distribution=counts(uncertain),
                   sampled=[u.describe() for u in uncertain])
    else:
        out["note"] = "parameters at their central values; replications differ by the model's random draws only"
    return out


def check_mode(mode: str) -> str:
    """``mode`` if it is one of :data:`MODES`."""
    if mode not in MODES:
        raise ValueError(f"uncertainty must be one of {', '.join(MODES)}, got {mode!r}")
    return mode
