"""Recording, finance: appropriations, surcharge, credits, subsidies, public cost, schools' money."""

from __future__ import annotations

import numpy as np

from simulate.results.record.recorder import Recorder
from simulate.world import World

NAME = "finance"


def columns(w: World) -> dict[str, np.ndarray]:
    """Per-school quantities of this topic."""
    m = w.flows.budget.money
    paid = np.where(m.per_student > 0, m.appropriations / np.where(m.per_student > 0, m.per_student, 1), 0.0)
    return {
        "appropriations": m.appropriations, "surcharge": m.surcharge, "paid": paid,
        "shared_need": m.needs.shared, "shared_paid": m.funded_share * m.needs.shared,
    }


def emit(rec: Recorder, w: World, g: dict[str, np.ndarray]) -> None:
    """Record this topic's indicators for the current year."""
    y, b = w.year, w.flows.budget
    m = b.money
    rec.grid(y, "appropriations", g["appropriations"])
    rec.grid(y, "surcharge_vocational", g["surcharge"])
    rec.ratio(y, "per_student_funding", g["appropriations"], g["paid"])
    rec.grid(y, "per_student_funding_min", rec.min_lr(m.per_student, w.schools.active & (m.appropriations > 0)))
    rec.ratio(y, "funded_share", g["shared_paid"], g["shared_need"])
    sur = b.surcharge
    share = sur.spent_on_vocational / sur.collected if sur.collected > 0 else np.nan
    rec.province(y, "surcharge_vocational_share", share, level="all")
    rec.province(y, "credits_foregone", b.cost.credits_foregone)
    rec.province(y, "certificate_subsidies", b.cost.subsidies)
    rec.province(y, "public_cost", b.cost.total, level="all")
