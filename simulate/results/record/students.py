"""Recording, students: enrollment, in school, graduates, dropouts, joint training, destinations."""

from __future__ import annotations

import numpy as np

from simulate.agents.cohorts import TRACKS
from simulate.jit import jit
from simulate.market.labour import DESTINATIONS
from simulate.policy.order_classes import STANDARD as ORDER_CLASS_STANDARD
from simulate.results.record.recorder import Recorder
from simulate.scenario.schema import LEVELS
from simulate.world import World

NAME = "students"


def columns(w: World) -> dict[str, np.ndarray]:
    """Per-school quantities of this topic (summed to level × sub-region by the caller).

    ``in_school`` is not among them: the caller (:func:`simulate.results.record.record_year`) puts it in every
    year's table itself, with the same values.
    """
    s, fl = w.schools, w.flows
    enr, jt = fl.enrollment.entrants, fl.enrollment.joint
    grad = fl.graduation.graduates
    grad_sm = np.einsum("smt->sm", grad)  # integer sums; einsum: a strided .sum(axis=2) is 4× slower
    secondary = s.level == LEVELS.index("secondary_vocational")
    classes = fl.enrollment.order_classes
    return {
        "enrollment": enr.sum(axis=1), "graduates": grad_sm.sum(axis=1),
        "dropouts": fl.graduation.dropouts.reshape(s.n, -1).sum(axis=1), "plan": fl.planning.plan.sum(axis=1),
        "joint": jt.joint.sum(axis=1), "sought": jt.sought.sum(axis=1), "short": jt.short.sum(axis=1),
        "order_trained": grad_sm.sum(axis=1) - grad[:, :, 0].sum(axis=1), "order_classes": classes,
        "order_ok": secondary & s.active & (classes >= np.asarray(ORDER_CLASS_STANDARD)[s.tier]),
        "secondary": secondary & s.active, "schools": s.active.astype(float),
    }


@jit
def _breakdown(entrants, students, graduates):
    """Per school: entrants by major, in school by major, in school by track, graduates by major (as floats).

    One pass over the student counts instead of four ``einsum`` and a ``concatenate``: integer sums, the same
    whole numbers in any order.
    """
    n_s, n_m, n_g, n_t = students.shape
    out = np.empty((n_s, 3 * n_m + n_t))
    by_track = np.empty(n_t, np.int64)
    for s in range(n_s):
        by_track[:] = 0
        for m in range(n_m):
            total = 0
            for g in range(n_g):
                for t in range(n_t):
                    total += students[s, m, g, t]
                    by_track[t] += students[s, m, g, t]
            grads = 0
            for t in range(n_t):
                grads += graduates[s, m, t]
            out[s, m] = entrants[s, m]
            out[s, n_m + m] = total
            out[s, 2 * n_m + n_t + m] = grads
        for t in range(n_t):
            out[s, 2 * n_m + t] = by_track[t]
    return out


def emit(rec: Recorder, w: World, g: dict[str, np.ndarray]) -> None:
    """Record this topic's indicators for the current year."""
    y, fl = w.year, w.flows
    majors = [f"major:{m.id}" for m in w.sc.region.majors]
    n_m = len(majors)
    enr = fl.enrollment.entrants
    breakdown = rec.sum_lr(_breakdown(enr, w.students, fl.graduation.graduates))
    rec.grid(y, "enrollment", g["enrollment"])
    rec.grid(y, "enrollment", breakdown[:, :, :n_m], majors)
    rec.grid(y, "in_school", g["in_school"])
    rec.grid(y, "in_school", breakdown[:, :, n_m:2 * n_m], majors)
    rec.grid(y, "in_school", breakdown[:, :, 2 * n_m:2 * n_m + len(TRACKS)], [f"track:{x}" for x in TRACKS])
    rec.grid(y, "graduates", g["graduates"])
    rec.grid(y, "graduates", breakdown[:, :, 2 * n_m + len(TRACKS):], majors)
    rec.grid(y, "dropouts", g["dropouts"])
    rec.grid(y, "enrollment_plan", g["plan"])
    rec.grid(y, "schools", g["schools"])
    rec.grid(y, "joint_entrants", g["joint"])
    rec.grid(y, "joint_places_sought", g["sought"])
    rec.grid(y, "joint_training_seats_short", g["short"])
    rec.ratio(y, "apprenticeship_share", g["joint"], g["enrollment"])
    rec.grid(y, "order_trained", g["order_trained"])
    rec.grid(y, "order_classes", g["order_classes"])
    rec.ratio(y, "order_class_compliance", g["order_ok"], g["secondary"])
    rec.province(y, "majors_opened", float(len(fl.planning.opened)), level="all")
    dest = fl.graduation.market.destinations  # (D, L, R, M, T)
    d_lr = np.moveaxis(rec.with_totals(np.moveaxis(np.einsum("dlrmt->dlr", dest), 0, -1)), -1, 0)
    rec.grid(y, "graduate_destinations", np.moveaxis(d_lr, 0, -1), [f"destination:{d}" for d in DESTINATIONS])
    rec.grid(y, "progression", d_lr[0])
    rec.grid(y, "further_study", d_lr[1])
    rec.grid(y, "outflow", d_lr[4])
    rec.grid(y, "unemployed", d_lr[5])
    entering = d_lr[2:].sum(axis=0)
    rec.ratio(y, "matched_rate", d_lr[2], entering)
    rec.ratio(y, "local_retention_rate", entering - d_lr[4], entering)
    rec.province(y, "external_entrants", enr.sum() - w.progressed_into.sum(), level="all")
