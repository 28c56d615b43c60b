"""Recording, institutions: training bases, consortia, industrial colleges."""

from __future__ import annotations

import numpy as np

from simulate.policy.training_bases import STANDARD as BASES_STANDARD
from simulate.results.record.recorder import Recorder
from simulate.world import World

NAME = "institutions"


def columns(w: World) -> dict[str, np.ndarray]:
    """Per-school quantities of this topic."""
    s = w.schools
    offered = s.offers & s.active[:, None]
    return {
        "bases": s.bases.sum(axis=1), "bases_ok": (offered & (s.bases >= BASES_STANDARD)).sum(axis=1),
        "offers": offered.sum(axis=1), "members": s.consortium & s.active, "active": s.active.astype(float),
        "memberships": w.consortia.memberships,
        "colleges": s.industrial_college, "county_colleges": s.county & s.industrial_college,
        "county": s.county & s.active,
    }


def emit(rec: Recorder, w: World, g: dict[str, np.ndarray]) -> None:
    """Record this topic's indicators for the current year."""
    y = w.year
    rec.grid(y, "training_bases", g["bases"])
    rec.ratio(y, "bases_per_major_compliance", g["bases_ok"], g["offers"])
    rec.grid(y, "consortia", g["memberships"] / w.sc.behaviour.institutions.consortium_overlap)
    rec.ratio(y, "consortium_membership", g["members"], g["active"])
    rec.grid(y, "industrial_colleges", g["colleges"])
    rec.ratio(y, "industrial_college_compliance", g["county_colleges"], g["county"])
