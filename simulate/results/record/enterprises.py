"""Recording, enterprises: participation, certification, offers, training."""

from __future__ import annotations

import numpy as np

from simulate.agents.enterprises import CERTIFIED
from simulate.policy import surcharge_credit
from simulate.policy.certificate_subsidy import training_share
from simulate.results.record.recorder import Recorder
from simulate.world import World

NAME = "enterprises"


def columns(w: World) -> dict[str, np.ndarray]:
    """This topic has no per-school quantities."""
    return {}


def emit(rec: Recorder, w: World, g: dict[str, np.ndarray]) -> None:
    """Record this topic's indicators for the current year."""
    y, sc, f = w.year, w.sc, w.firms
    n_r = len(sc.region.subregions)
    b = sc.behaviour.enterprises
    part, large = f.participating, f.large
    wgt, staff = f.weight, f.weight * f.employees
    ratio = surcharge_credit.investment_ratio(f, sc)
    trained = staff * training_share(f, sc, y)
    by_r = f.by_subregion([wgt, wgt * part, wgt * (f.state == CERTIFIED), wgt * large, wgt * (part & large), staff,
                           trained, staff * part * ratio * (b.seats_per_100_staff / 100), wgt * f.investment], n_r)
    by_r = np.vstack([by_r, by_r.sum(axis=0)])
    firms_r, part_r, cert_r, large_r, part_large_r, staff_r, trained_r, seats_r, invest_r = by_r.T
    rec.region_vector(y, "participating_enterprises", part_r)
    rec.region_vector(y, "certified_enterprises", cert_r)
    rec.region_vector(y, "enterprise_participation_rate", part_r / np.maximum(firms_r, 1e-12))
    rec.region_vector(y, "large_enterprise_participation_rate", part_large_r / np.maximum(large_r, 1e-12))
    rec.region_vector(y, "staff_trained_share", trained_r / np.maximum(staff_r, 1e-12))
    rec.region_vector(y, "employees", staff_r)
    rec.region_vector(y, "seats_offered", seats_r)
    rec.region_vector(y, "enterprise_investment", invest_r)
