"""The simpy calendar: five processes, one per event of the year, calling the vectorised steps.

Time is in years; each process fires at its month every year from the base
year to the horizon:

====================  =====  ===========================================
event                 month  step
====================  =====  ===========================================
budget (预算)           Jan   :func:`simulate.steps.budget_january`
major adjustment       Apr   :func:`simulate.steps.plan_april`
graduation and hiring  Jul   :func:`simulate.steps.graduate_july`
enrollment (招生)       Sep   :func:`simulate.steps.enrol_september`
accounting             Dec   :func:`simulate.steps.account_december` + recording
====================  =====  ===========================================

The engine never reads YAML: it takes a validated :class:`Scenario`.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pandas as pd
import simpy

from simulate import steps
from simulate.results.record import Recorder, record_initial, record_year
from simulate.scenario.schema import Scenario
from simulate.world import World, build_world

CALENDAR: tuple[tuple[str, float, Callable[[World], None]], ...] = (
    ("budget", 0 / 12, steps.budget_january),
    ("major_adjustment", 3 / 12, steps.plan_april),
    ("graduation", 6 / 12, steps.graduate_july),
    ("enrollment", 8 / 12, steps.enrol_september),
    ("accounting", 11 / 12, steps.account_december),
)
"""(event, offset within the year, step) in calendar order."""


@dataclass
class Replication:
    """One replication's outcome: the world at the horizon and the tidy indicator table."""

    world: World
    frame: pd.DataFrame


def _yearly(env: simpy.Environment, w: World, offset: float, step: Callable[[World], None], years: int,
            after: Callable[[World], None] | None = None):
    """A simpy process: run ``step`` at ``offset`` into each simulated year."""
    yield env.timeout(offset)
    for k in range(years):
        w.year = w.sc.base_year + k
        step(w)
        if after is not None:
            after(w)
        if k + 1 < years:
            yield env.timeout(1.0)


def simulate_replication(sc: Scenario, seed: int, replication: int = 0,
                         topics: frozenset[str] | None = None) -> Replication:
    """Build the world and run the calendar from the base year to the horizon (inclusive).

    Args:
        topics: record only these topics (:data:`simulate.results.record.TOPICS`); ``None`` records all.
    """
    with _heap_frozen():
        w = build_world(sc, seed, replication)
        rec = Recorder(w, topics)
        record_initial(rec, w)
        env = simpy.Environment()
        years = sc.horizon - sc.base_year + 1
        for name, offset, step in CALENDAR:
            after = (lambda world: record_year(rec, world)) if name == "accounting" else None
            env.process(_yearly(env, w, offset, step, years, after))
        env.run()
        return Replication(world=w, frame=rec.frame(sc.name, replication))


_frozen = 0  # replications running in this process (threads may run several); gc.freeze/unfreeze are global
_frozen_lock = threading.Lock()
_ours = False  # whether the outermost block froze the heap (False: it was frozen already, by the caller)


@contextlib.contextmanager
def _heap_frozen() -> Iterator[None]:
    """Leave the objects that exist before a replication out of the garbage collector's scans while it runs.

    A replication keeps its state in numpy arrays (which the collector does not track), but the process holds
    ~140,000 tracked objects from its imports (pandas, plotly, pydantic, …); a full collection scans them all
    (≈180 ms), and one landed every ~10 replications, ≈5% of the engine's time. Freezing moves them to the
    permanent generation for the replication (O(1)) and unfreezing returns them afterwards, so garbage made
    during the replication is still collected, and nothing frozen stays frozen. The numbers are unaffected.
    """
    global _frozen, _ours
    with _frozen_lock:
        if not _frozen:
            # a caller that froze the heap itself (e.g. before forking workers) keeps its freeze: only ours is undone
            _ours = gc.get_freeze_count() == 0
            if _ours:
                gc.freeze()
        _frozen += 1
    try:
        yield
    finally:
        with _frozen_lock:
            _frozen -= 1
            if not _frozen and _ours:
                gc.unfreeze()


def run_bare_loop(sc: Scenario, seed: int, replication: int = 0) -> Replication:
    """The same steps in a plain Python loop (benchmarks compare the calendar's overhead with it)."""
    w = build_world(sc, seed, replication)
    rec = Recorder(w)
    record_initial(rec, w)
    for k in range(sc.horizon - sc.base_year + 1):
        w.year = sc.base_year + k
        for name, _, step in CALENDAR:
            step(w)
            if name == "accounting":
                record_year(rec, w)
    return Replication(world=w, frame=rec.frame(sc.name, replication))
