"""Recording, enterprises: participation, certification, offers, training."""

from __future__ import annotations

import numpy as np

from simulate.agents.enterprises import KERNEL_LARGE, KERNEL_STATES
from simulate.jit import jit
from simulate.policy import surcharge_credit
from simulate.policy.certificate_subsidy import training_shares
from simulate.results.record.recorder import Recorder
from simulate.world import World

NAME = "enterprises"


def columns(w: World) -> dict[str, np.ndarray]:
    """This topic has no per-school quantities."""
    return {}


@jit
def _rows(weight, employees, revenue, state, investment, ratio, part_share, other_share, seats_per_staff, states,
          large_at, rows):
    """Per firm, the weighted quantities the sub-region sums add, as the numpy products made them.

    Rows: firms, participants, certified, large, large participants, staff, staff trained, seats offered,
    investment. A factor that is a mask multiplies by 1.0 or 0.0 as numpy's bool-to-float product does; the
    quantities of participants only are +0.0 for the others (the zeros they were written into). ``states`` and
    ``large_at`` are :data:`~simulate.agents.enterprises.KERNEL_STATES` and ``KERNEL_LARGE`` (arguments, not
    globals of another module, which numba's cache would not notice changing).
    """
    cooperating, certified = states[1], states[2]
    for i in range(weight.size):
        w = weight[i]
        st = state[i]
        large = revenue[i] >= large_at[0] or employees[i] >= large_at[1]
        staff = w * employees[i]
        rows[0, i] = w
        rows[1, i] = w if st >= cooperating else 0.0
        rows[2, i] = w if st == certified else 0.0
        rows[3, i] = w * (1.0 if large else 0.0)
        rows[4, i] = w if st >= cooperating and large else 0.0
        rows[5, i] = staff
        rows[6, i] = staff * (part_share if st >= cooperating else other_share)
        rows[7, i] = staff * ratio[i] * seats_per_staff if st >= cooperating else 0.0
        rows[8, i] = w * investment[i]


def emit(rec: Recorder, w: World, g: dict[str, np.ndarray]) -> None:
    """Record this topic's indicators for the current year."""
    y, sc, f = w.year, w.sc, w.firms
    n_r = len(sc.region.subregions)
    b = sc.behaviour.enterprises
    # the nine quantities summed by sub-region are rows of one array, summed in one reduceat (in the order they
    # are read back below), written in one compiled pass over the firms instead of a dozen masked numpy passes
    rows = np.empty((9, f.size))
    _rows(f.weight, f.employees, f.revenue, f.state, f.investment, surcharge_credit.investment_ratio(f, sc),
          *training_shares(sc, y), b.seats_per_100_staff / 100, KERNEL_STATES, KERNEL_LARGE, rows)
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
