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
_TRACK_LABELS = [f"track:{x}" for x in TRACKS]
_DESTINATION_LABELS = [f"destination:{d}" for d in DESTINATIONS]


def columns(w: World) -> dict[str, np.ndarray]:
    """Per-school quantities of this topic (summed to level × sub-region by the caller).

    The student counts (in school, entrants, graduates, dropouts, plan, joint training) and their per-major and
    per-track breakdown come from one compiled pass (:func:`_counts`); ``in_school`` among them spares the caller
    its own pass over the students (the same values as :meth:`World.in_school`).
    """
    s, fl = w.schools, w.flows
    jt = fl.enrollment.joint
    counts = _counts(*(np.ascontiguousarray(a, np.int64) for a in (
        w.students, fl.enrollment.entrants, fl.graduation.graduates, fl.graduation.dropouts, fl.planning.plan,
        jt.joint, jt.sought, jt.short)))
    secondary = s.level == LEVELS.index("secondary_vocational")
    classes = fl.enrollment.order_classes
    cols = {name: counts[:, i] for i, name in enumerate(_COUNTS)}
    cols["breakdown"] = counts[:, len(_COUNTS):]
    cols.update({
        "order_classes": classes,
        "order_ok": secondary & s.active & (classes >= np.asarray(ORDER_CLASS_STANDARD)[s.tier]),
        "secondary": secondary & s.active, "schools": s.active.astype(float),
    })
    return cols


_COUNTS = ("in_school", "enrollment", "graduates", "dropouts", "plan", "joint", "sought", "short", "order_trained")
"""The per-school totals :func:`_counts` writes first, in its column order."""


@jit
def _counts(students, entrants, graduates, dropouts, plan, joint, sought, short):
    """Per school, as floats: the totals of :data:`_COUNTS`, then the per-major and per-track breakdown.

    The breakdown's columns: entrants by major, in school by major, in school by track, graduates by major.

    One pass over the student counts instead of a dozen numpy sums, four ``einsum`` and a ``concatenate``:
    integer sums, the same whole numbers in any order. ``order_trained`` is the graduates of every track but the
    first (general) one.
    """
    n_s, n_m, n_g, n_t = students.shape
    gt = n_g * n_t
    # flat rows indexed from zero (a (grade, track) block per major): the compiler vectorises these inner loops,
    # which it did not over four nested indices
    flat = students.reshape(n_s, n_m * gt)
    grad = graduates.reshape(n_s, n_m * n_t)
    drop = dropouts.reshape(n_s, dropouts.shape[1] * dropouts.shape[2])
    k = 9
    out = np.empty((n_s, k + 3 * n_m + n_t))
    acc = np.empty(gt, np.int64)  # a school's students by (grade, track), summed over majors
    for s in range(n_s):
        acc[:] = 0
        in_school = 0
        grads_all = 0
        grads_general = 0
        for m in range(n_m):
            total = 0
            for i in range(gt):
                v = flat[s, m * gt + i]
                total += v
                acc[i] += v
            grads = 0
            for t in range(n_t):
                grads += grad[s, m * n_t + t]
            grads_general += grad[s, m * n_t]
            in_school += total
            grads_all += grads
            out[s, k + m] = entrants[s, m]
            out[s, k + n_m + m] = total
            out[s, k + 2 * n_m + n_t + m] = grads
        for t in range(n_t):
            by_track = 0
            for g in range(n_g):
                by_track += acc[g * n_t + t]
            out[s, k + 2 * n_m + t] = by_track
        n_drop = 0
        for i in range(drop.shape[1]):
            n_drop += drop[s, i]
        n_enr = n_plan = n_joint = n_sought = n_short = 0
        for m in range(entrants.shape[1]):
            n_enr += entrants[s, m]
        for m in range(plan.shape[1]):
            n_plan += plan[s, m]
        for m in range(joint.shape[1]):
            n_joint += joint[s, m]
            n_sought += sought[s, m]
            n_short += short[s, m]
        out[s, 0] = in_school
        out[s, 1] = n_enr
        out[s, 2] = grads_all
        out[s, 3] = n_drop
        out[s, 4] = n_plan
        out[s, 5] = n_joint
        out[s, 6] = n_sought
        out[s, 7] = n_short
        out[s, 8] = grads_all - grads_general
    return out


@jit
def _destinations(dest):
    """Graduates by destination and those entering the labour market, per level × sub-region with totals.

    ``(L+1, R+1, D)`` and ``(L+1, R+1)`` floats with the ``all`` levels row and the province column; entering
    is the destinations from the third on.

    One pass over the ``(D, L, R, M, T)`` counts instead of an ``einsum``, :meth:`Recorder.with_totals` and the
    axis moves around it: integer sums, the same whole numbers in any order.
    """
    n_d, n_l, n_r, n_m, n_t = dest.shape
    counts = np.zeros((n_l + 1, n_r + 1, n_d), np.int64)
    for d in range(n_d):
        for lv in range(n_l):
            for r in range(n_r):
                total = 0
                for m in range(n_m):
                    for t in range(n_t):
                        total += dest[d, lv, r, m, t]
                counts[lv, r, d] += total
                counts[lv, n_r, d] += total
                counts[n_l, r, d] += total
                counts[n_l, n_r, d] += total
    entering = np.zeros((n_l + 1, n_r + 1), np.int64)
    for lv in range(n_l + 1):
        for r in range(n_r + 1):
            for d in range(2, n_d):
                entering[lv, r] += counts[lv, r, d]
    return counts.astype(np.float64), entering.astype(np.float64)


def emit(rec: Recorder, w: World, g: dict[str, np.ndarray]) -> None:
    """Record this topic's indicators for the current year."""
    y, fl = w.year, w.flows
    majors = rec.memo("majors", lambda: [f"major:{m.id}" for m in w.sc.region.majors])
    n_m = len(majors)
    enr = fl.enrollment.entrants
    breakdown = g["breakdown"]
    rec.grid(y, "enrollment", g["enrollment"])
    rec.grid(y, "enrollment", breakdown[:, :, :n_m], majors)
    rec.grid(y, "in_school", g["in_school"])
    rec.grid(y, "in_school", breakdown[:, :, n_m:2 * n_m], majors)
    rec.grid(y, "in_school", breakdown[:, :, 2 * n_m:2 * n_m + len(TRACKS)], _TRACK_LABELS)
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
    by_dest, entering = _destinations(np.ascontiguousarray(fl.graduation.market.destinations, np.int64))
    rec.grid(y, "graduate_destinations", by_dest, _DESTINATION_LABELS)
    rec.grid(y, "progression", by_dest[:, :, 0])
    rec.grid(y, "further_study", by_dest[:, :, 1])
    rec.grid(y, "outflow", by_dest[:, :, 4])
    rec.grid(y, "unemployed", by_dest[:, :, 5])
    rec.ratio(y, "matched_rate", by_dest[:, :, 2], entering)
    rec.ratio(y, "local_retention_rate", entering - by_dest[:, :, 4], entering)
    rec.province(y, "external_entrants", enr.sum() - w.progressed_into.sum(), level="all")
