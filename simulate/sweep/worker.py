"""What a worker does: build the point's scenario, simulate one replication, return the outcome row.

The context (base scenario dict, factor plans, outcome plan) reaches a worker once — a process-pool
initializer, or a Dask ``scatter(broadcast=True)`` — and is cached there by its key; a task is a
handful of ``(run_id, point, replication, seed, engine_replication, values)`` tuples. The model does
not know it is swept: it gets an ordinary validated :class:`Scenario`.
"""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import sys
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import numpy as np

from simulate.engine import simulate_replication
from simulate.scenario.schema import Scenario
from simulate.sweep.factors import FactorPlan
from simulate.sweep.outcomes import OutcomePlan, cell_values, goal_rows, goal_values
from simulate.sweep.paths import copy_along
from simulate.uncertainty.sample import apply_row

Task = tuple[str, int, int, int, int, tuple]
"""``(run_id, point, replication, seed, engine_replication, factor values)``."""


@dataclass(frozen=True)
class Context:
    """Everything a worker needs, shipped once per sweep."""

    key: str
    base: dict
    factors: tuple[FactorPlan, ...]
    outcomes: OutcomePlan
    uncertain: tuple = ()
    """Declared uncertain parameters every replication draws (goal seeking; a sweep varies them as factors)."""
    parameter_draws: Any = None
    """Replication × parameter draws of ``uncertain`` (row ``r`` for replication ``r``)."""


def run_id(point: int, replication: int) -> str:
    """The run's id: a function of the design point and the replication only."""
    return f"{point:07d}-{replication:04d}"


def run_seed(seed: int, point: int, replication: int, common_random_numbers: bool) -> tuple[int, int]:
    """``(seed, engine_replication)`` passed to :func:`simulate_replication`.

    With common random numbers, replication ``r`` of every point uses the spec seed and engine
    replication ``r`` (streams ``SeedSequence(seed, spawn_key=(r,))``): points differ only by their
    factor values, which sharpens differences (OAT, elementary effects). Without, each run draws from
    ``SeedSequence(seed, spawn_key=(point, r))``.
    """
    if common_random_numbers:
        return int(seed), int(replication)
    state = np.random.SeedSequence(seed, spawn_key=(point, replication)).generate_state(2, np.uint32)
    return int(state[0]) << 31 | int(state[1]) >> 1, 0


M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
"""glibc ``mallopt`` parameters."""
_MALLOC_TUNED = False


def tune_malloc() -> bool:
    """Undo the cost of ``MALLOC_TRIM_THRESHOLD_`` (set on every Dask worker by its nanny) for the sweep.

    With that variable set, glibc stops adapting its mmap threshold, so every numpy temporary above
    128 KiB is mmap'ed and unmapped again: a province run took 2.1× the CPU time here. Raising the
    mmap threshold to glibc's own adaptive ceiling (32 MiB) and the trim threshold to 64 MiB restores
    the normal speed. Only when the variable is set, on Linux; ``TALENTSIM_MALLOC_TUNE=0`` disables it.
    """
    global _MALLOC_TUNED
    if (_MALLOC_TUNED or not os.environ.get("MALLOC_TRIM_THRESHOLD_") or sys.platform != "linux"
            or os.environ.get("TALENTSIM_MALLOC_TUNE") == "0"):
        return False
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024)
        libc.mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024)
    except (OSError, AttributeError):
        return False
    _MALLOC_TUNED = True
    return True


def untune_malloc() -> bool:
    """Give a worker back the allocator settings it had before :func:`tune_malloc`."""
    global _MALLOC_TUNED
    if not _MALLOC_TUNED:
        return False
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(M_MMAP_THRESHOLD, 128 * 1024)
        libc.mallopt(M_TRIM_THRESHOLD, int(os.environ.get("MALLOC_TRIM_THRESHOLD_", 128 * 1024)))
    except (OSError, AttributeError, ValueError):
        return False
    _MALLOC_TUNED = False
    return True


_CTX: Context | None = None
_SCENARIOS: OrderedDict[tuple[str, int], Scenario] = OrderedDict()
_HOST = socket.gethostname()


def init_process(ctx: Context) -> None:
    """Process-pool initializer: keep the context; leave Ctrl-C to the parent (it stops the pool)."""
    global _CTX
    _CTX = ctx
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def scenario_for(ctx: Context, point: int, values: tuple) -> Scenario:
    """The validated scenario of a design point (a few recent points are cached)."""
    key = (ctx.key, point)
    sc = _SCENARIOS.get(key)
    if sc is not None:
        _SCENARIOS.move_to_end(key)
        return sc
    d = copy_along(ctx.base, [f.steps for f in ctx.factors] + [r for f in ctx.factors for r in (*f.rest, *f.touches)])
    for f, v in zip(ctx.factors, values, strict=True):
        f.apply(d, v)
    sc = Scenario.model_validate(d)
    _SCENARIOS[key] = sc
    while len(_SCENARIOS) > 16:
        _SCENARIOS.popitem(last=False)
    return sc


def with_draws(sc: Scenario, ctx: Context, replication: int) -> Scenario:
    """The point's scenario with replication ``replication``'s parameter draws written in, as a run does."""
    return apply_row(sc, ctx.uncertain, ctx.parameter_draws[replication])


def run_chunk(ctx: Context, tasks: list[Task]) -> list[dict[str, Any]]:
    """Several runs → their outcome rows (``_error`` instead when a run fails).

    Indicator cells are read from each run's frame as it finishes; goals are judged once for the
    chunk (the per-call cost of :func:`judge` is then shared by the chunk's runs).
    """
    tune_malloc()
    rows: list[dict[str, Any]] = []
    parts: list[Any] = []
    for rid, point, _rep, seed, engine_rep, values in tasks:
        start = time.perf_counter()
        try:
            sc = scenario_for(ctx, point, values)
            if ctx.uncertain:
                sc = with_draws(sc, ctx, _rep)
            frame = simulate_replication(sc, seed, engine_rep, topics=ctx.outcomes.topics).frame
            row: dict[str, Any] = cell_values(frame, ctx.outcomes)
            parts.append(goal_rows(frame, ctx.outcomes))
            del frame
        except Exception as exc:  # a failed run is recorded, the sweep goes on
            row = {"_error": f"{type(exc).__name__}: {exc}"[:2000]}
            parts.append(None)
        row.update(run_id=rid, _duration=time.perf_counter() - start, _worker=f"{_HOST}:{os.getpid()}")
        rows.append(row)
    ok = [i for i, p in enumerate(parts) if p is not None]
    start = time.perf_counter()
    try:
        goals = goal_values([parts[i] for i in ok], ctx.outcomes)
    except Exception as exc:
        goals = [{"_error": f"judging goals: {type(exc).__name__}: {exc}"[:2000]} for _ in ok]
    share = (time.perf_counter() - start) / max(1, len(ok))
    for i, g in zip(ok, goals, strict=True):
        rows[i].update(g)
        rows[i]["_duration"] += share
    return rows


def run_chunk_pooled(tasks: list[Task]) -> list[dict[str, Any]]:
    """Several runs in a process-pool worker (the context came with the initializer)."""
    assert _CTX is not None, "worker not initialised"
    return run_chunk(_CTX, tasks)
