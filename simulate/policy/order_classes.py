"""Minimum order classes per school by tier (订单班, 001 §三.4: A-tier ≥ 5 a year, B ≥ 3, others ≥ 2).

Lever ``levers.order_class_minimum`` (per tier, the sub-regions where it applies and the first
September). In September a secondary vocational school under the rule seeks at least its tier's
classes × ``order_class_size`` joint places (:func:`minimum_students`), on top of the
apprenticeship share; seats permitting (:mod:`simulate.policy.apprenticeship`), it forms
⌈joint entrants / class size⌉ order classes. The indicator ``order_class_compliance`` judges the
classes formed against the plan's standard (5 / 3 / 2), whatever the lever asks.
"""

from __future__ import annotations

import numpy as np

from simulate.policy import Lever
from simulate.scenario.schema import LEVELS, TIERS, Scenario

LEVER = Lever(
    path="order_class_minimum", name_en="Minimum order classes by school tier", name_zh="订单班最低数量（分档）",
    clauses=("001_7664ff0e7f3b3d70.txt §三.4 (task 7)",),
    acts=(("September", "schools under the rule seek at least their tier's classes of joint places"),),
    indicators=("joint_places_sought", "joint_entrants", "order_classes", "order_class_compliance",
                "joint_training_seats_short"),
    parameters=("behaviour.institutions.order_class_size",),
)

STANDARD = (5, 3, 2)
"""Order classes a secondary vocational school should run a year by tier A / B / other (001 §三.4, task 7)."""


def minimum_students(sc: Scenario, year: int, level: np.ndarray, tier: np.ndarray, subregion: np.ndarray
                     ) -> np.ndarray:
    """``(S,)`` joint places a school must fill to run its tier's minimum order classes this September."""
    ocm = sc.levers.order_class_minimum
    minimum = np.array([getattr(ocm, tr) for tr in TIERS])[tier] * sc.behaviour.institutions.order_class_size
    applies = (level == LEVELS.index("secondary_vocational")) & (year >= ocm.from_year)
    if ocm.subregions is not None:
        names = np.array([r.name for r in sc.region.subregions])
        applies &= np.isin(names[subregion], ocm.subregions)
    return np.where(applies, minimum, 0)


def classes(joint_per_school: np.ndarray, class_size: int) -> np.ndarray:
    """Order/apprenticeship classes formed: ⌈joint entrants / class size⌉."""
    return np.ceil(joint_per_school / class_size).astype(np.int64)
