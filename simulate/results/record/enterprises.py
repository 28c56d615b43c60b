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
    large = f.large
    # the nine quantities summed by sub-region are rows of one array, summed in one reduceat (named views, in
    # the order they are read back below). Those that are zero outside the participants (a few percent of firms)
    # are written for them alone: the values of weight × participating etc. (a factor 1.0 leaves a product as it is)
    rows = np.zeros((9, f.size))
    firms, part, cert, large_w, part_large, staff, trained, seats, invest = rows
    wgt, who = f.weight, f.participants()
    firms[:] = wgt
    part[who] = wgt[who]
    certified = who[f.state[who] == CERTIFIED]
    cert[certified] = wgt[certified]
    np.multiply(wgt, large, out=large_w)
    big = who[large[who]]
    part_large[big] = wgt[big]
    np.multiply(wgt, f.employees, out=staff)
    np.multiply(staff, training_share(f, sc, y), out=trained)
    seats[who] = staff[who] * surcharge_credit.investment_ratio(f, sc)[who] * (b.seats_per_100_staff / 100)
    np.multiply(wgt, f.investment, out=invest)
    by_r = f.by_subregion(rows, n_r)
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
