"""December recording: turn a :class:`~simulate.world.World` into tidy indicator rows, by topic.

Each topic module (students, teachers, institutions, finance, market, enterprises) gives its
per-school quantities (summed to level × sub-region in one pass for all topics) and records its
indicators. A recorder made for some topics only (``Recorder(w, topics=...)``) skips the rest:
sweeps and searches that need a few indicators pay only for those.
"""

from __future__ import annotations

import numpy as np

from simulate.results.record import enterprises, finance, institutions, market, students, teachers
from simulate.results.record.recorder import COLUMNS, Recorder
from simulate.world import World

TOPICS = {m.NAME: m for m in (students, teachers, institutions, finance, market, enterprises)}
"""Recording topics by name, in recording order."""
NEEDS_STUDENTS = ("teachers",)
"""Topics that read the students' summed columns (the student–teacher ratio needs in-school students)."""

__all__ = ["COLUMNS", "TOPICS", "Recorder", "record_initial", "record_year", "topics_for"]


def topics_for(indicators) -> frozenset[str] | None:
    """The topics that record the given indicators (``None``: all)."""
    if indicators is None:
        return None
    from simulate.results.indicators import INDICATORS

    return frozenset(INDICATORS[i].topic for i in indicators)


def record_initial(rec: Recorder, w: World) -> None:
    """The base stock, written for ``base_year − 1`` so the in-school identity holds from the first year."""
    rec.begin_year()
    rec.grid(w.sc.base_year - 1, "in_school", rec.sum_lr(w.in_school()))


def record_year(rec: Recorder, w: World) -> None:
    """Record the indicators of the current year (called in December)."""
    rec.begin_year()
    chosen = [m for name, m in TOPICS.items() if rec.topics is None or name in rec.topics]
    cols: dict[str, np.ndarray] = {}
    for m in chosen:
        cols.update(m.columns(w))
    if "in_school" not in cols:  # the students topic counts it in its own pass; others read it too
        cols["in_school"] = w.in_school()
    # columns (and blocks of columns, (S, K)) written into one float table: the same table as column_stack of
    # float copies, without the copies; each column's level × sub-region sums are independent of the others
    names = list(cols)
    widths = [1 if cols[name].ndim == 1 else cols[name].shape[1] for name in names]
    table = np.empty((w.schools.n, sum(widths)))
    at = 0
    slots = {}
    for name, k in zip(names, widths, strict=True):
        if cols[name].ndim == 1:
            table[:, at] = cols[name]
            slots[name] = at
        else:
            table[:, at:at + k] = cols[name]
            slots[name] = slice(at, at + k)
        at += k
    summed = rec.sum_lr(table)
    g = {name: summed[:, :, i] for name, i in slots.items()}
    for m in chosen:
        m.emit(rec, w, g)
