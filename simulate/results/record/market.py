"""Recording, labour market: demand, supply, matches, mismatch by industry."""

from __future__ import annotations

import numpy as np

from simulate.results.record.recorder import Recorder
from simulate.world import World

NAME = "market"


def columns(w: World) -> dict[str, np.ndarray]:
    """This topic has no per-school quantities."""
    return {}


def emit(rec: Recorder, w: World, g: dict[str, np.ndarray]) -> None:
    """Record this topic's indicators for the current year."""
    y, sc, m = w.year, w.sc, w.flows.graduation.market
    inds = rec.memo("industries", lambda: [f"industry:{i.id}" for i in sc.region.industries])
    rec.province(y, "demand", m.vacancies, dims=inds)
    rec.province(y, "supply", m.supply, dims=inds)
    rec.province(y, "matched", m.matched, dims=inds)
    rec.province(y, "shortage", m.shortage, dims=inds)
    rec.province(y, "surplus", m.surplus, dims=inds)
    mm = m.mismatch_by_industry()
    rec.province(y, "mismatch", mm, dims=inds)
    for name, v in (("demand", m.vacancies), ("supply", m.supply), ("matched", m.matched),
                    ("shortage", m.shortage), ("surplus", m.surplus)):
        rec.province(y, name, v.sum())
    rec.province(y, "mismatch_index", m.mismatch_index())
    prio = rec.memo("priority", lambda: np.array([i.priority for i in sc.region.industries]))
    rec.province(y, "max_priority_mismatch", mm[prio].max() if prio.any() else 0.0)
