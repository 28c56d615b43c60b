"""Apprenticeship and order classes (现代学徒制 / 订单班, 000 §(六); 001 §三.4; 002 §(十八); 003 §14).

Lever ``levers.apprenticeship_share``: the share of entrants each school seeks to train jointly
with a firm ("招生即招工、入校即入厂").

* **September**: each school-major seeks share × entrants joint places (rounded), at least its tier's
  minimum order classes (:mod:`simulate.policy.order_classes`). Cooperating firms offer seats in
  proportion to their staff and their qualifying investment (``seats_per_100_staff``); the seats of a
  sub-region and major go to the school-majors that asked, in proportion to what they asked; what
  firms do not offer is reported as ``joint_training_seats_short``. A share of the joint entrants
  are apprentices (``apprenticeship_of_joint``), the rest order-class students.
* **July**: joint-track students drop out less (``dropout_joint_factor``); graduates are hired by
  their partner firm (``order_retention`` / ``apprenticeship_retention``), and those not kept leave
  the region less often (``joint_outflow_factor``).
* **December, firms answer**: a cooperating firm values the trainees it hosts — seats used ×
  (retention × ``hire_value`` / programme years − ``apprentice_cost``) a year — in its net benefit,
  so schools asking for more seats change which firms join (:mod:`simulate.steps`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulate.agents.enterprises import Enterprises
from simulate.alloc import fill
from simulate.policy import Lever
from simulate.scenario.schema import Scenario

LEVER = Lever(
    path="apprenticeship_share", name_en="Apprenticeship and order-class share", name_zh="现代学徒制/订单班比例",
    clauses=("000_e33053aec7dde7aa.txt §(六)", "001_7664ff0e7f3b3d70.txt §三.4", "002_ed6320b76da44b90.txt §(十八)",
             "003_6dbe643eb8838f3a.txt §14"),
    acts=(("September", "schools seek joint places; firms' seats limit them; the shortfall is reported"),
          ("July", "joint-track students drop out less; partner firms keep graduates; fewer leave"),
          ("December", "firms value the trainees they would host in their decision to cooperate")),
    indicators=("joint_places_sought", "joint_entrants", "joint_training_seats_short", "apprenticeship_share",
                "order_trained", "order_classes", "matched_rate", "local_retention_rate", "outflow",
                "enterprise_participation_rate", "seats_offered"),
    parameters=("behaviour.enterprises.seats_per_100_staff", "behaviour.enterprises.hire_value",
                "behaviour.enterprises.apprentice_cost", "behaviour.institutions.apprenticeship_of_joint",
                "behaviour.labour.order_retention", "behaviour.labour.apprenticeship_retention",
                "behaviour.labour.joint_outflow_factor", "behaviour.cohorts.dropout_joint_factor"),
)


@dataclass(frozen=True)
class JointTraining:
    """September joint-training places.

    Attributes:
        sought: ``(S, M)`` joint places schools sought.
        joint: ``(S, M)`` joint-training entrants (≤ sought, ≤ seats offered).
        seats_offered: ``(R, M)`` seats cooperating firms offered.
        usage: ``(I,)`` seats used / offered per industry (for firms' December decision).
    """

    sought: np.ndarray
    joint: np.ndarray
    seats_offered: np.ndarray
    usage: np.ndarray

    @property
    def short(self) -> np.ndarray:
        """``(S, M)`` places sought that firms did not offer."""
        return self.sought - self.joint


def seats_by_block(f: Enterprises, sc: Scenario, invest_ratio: np.ndarray) -> np.ndarray:
    """``(R, I)`` seats offered by cooperating firms per sub-region and industry."""
    # employees × seats / 100 × ratio × participating, left to right, for the participants only (zero elsewhere;
    # their factor 1.0 leaves the product as it is)
    who = f.participants()
    per = np.zeros(f.size)
    per[who] = f.employees[who] * sc.behaviour.enterprises.seats_per_100_staff / 100.0 * invest_ratio[who]
    return f.by_block(per, len(sc.region.subregions), len(sc.region.industries))


def major_columns(relevance: np.ndarray) -> np.ndarray:
    """``(M, I)``: the share of an industry's seats or bases that suits each major (columns sum to 1)."""
    return relevance / np.maximum(relevance.sum(axis=0, keepdims=True), 1e-12)


def sought_places(entrants: np.ndarray, share: float, minimum_students: np.ndarray) -> np.ndarray:
    """``(S, M)`` joint places sought: share × entrants (rounded), raised to the tier minimum, ≤ entrants."""
    want = np.rint(entrants * share)
    need = np.maximum(minimum_students - want.sum(axis=1), 0)
    tot = entrants.sum(axis=1)
    extra = np.divide(need, tot, out=np.zeros(tot.shape), where=tot > 0)
    # only schools short of their minimum are raised: for the others ceil(entrants × 0 − 1e-9) is −0.0, which
    # adds nothing, so the raise is computed for those few rows alone
    short = np.flatnonzero(extra)
    if short.size:
        want[short] += np.ceil(entrants[short] * extra[short, None] - 1e-9)
    return np.minimum(want, entrants, out=want).astype(np.int64)


def place(entrants: np.ndarray, sought: np.ndarray, seats_ri: np.ndarray, relevance: np.ndarray,
          subregion: np.ndarray) -> JointTraining:
    """Give the seats of each sub-region × major to its school-majors in proportion to what they sought."""
    n_s, n_m = entrants.shape
    n_r = seats_ri.shape[0]
    cols = major_columns(relevance)
    seats_rm = seats_ri @ cols.T
    group = (subregion.astype(np.int64)[:, None] * n_m + np.arange(n_m)[None, :]).ravel()
    joint = fill(seats_rm.ravel(), sought.ravel(), group).reshape(n_s, n_m)
    # by sub-region × major: bincount adds in school order like np.add.at, ~20× faster
    used_rm = np.bincount(group, weights=joint.ravel(), minlength=n_r * n_m).reshape(n_r, n_m)
    offered_i = seats_ri.sum(axis=0)
    used_i = (used_rm.sum(axis=0) @ cols) if n_m else np.zeros_like(offered_i)
    usage = np.divide(used_i, offered_i, out=np.zeros_like(offered_i), where=offered_i > 0)
    usage = np.minimum(np.maximum(usage, 0.0, out=usage), 1.0, out=usage)  # clip's values, without its wrapper cost
    return JointTraining(sought=sought, joint=joint, seats_offered=seats_rm, usage=usage)


def trainee_value(f: Enterprises, sc: Scenario, usage: np.ndarray, invest_ratio: np.ndarray,
                  program_years: float) -> np.ndarray:
    """Yearly value (yuan per firm) of the trainees a firm would host if it cooperates.

    Seats it offers × the share of its industry's seats schools use × (retention × hire value /
    programme years − cost of a trainee-year).
    """
    b = sc.behaviour.enterprises
    seats = f.employees * b.seats_per_100_staff / 100.0 * np.maximum(invest_ratio, 1.0)
    return seats * f.spread(usage) * seat_value(sc, program_years)


def seat_value(sc: Scenario, program_years: float) -> float:
    """Yearly value (yuan) to a firm of one trainee seat used: retention × hire value / programme years − cost.

    Its sign decides whether schools asking for more joint places draw firms in or drive them out
    (``benchmarks/apprenticeship_value.py``).
    """
    b = sc.behaviour.enterprises
    lab = sc.behaviour.labour
    a = sc.behaviour.institutions.apprenticeship_of_joint
    retention = a * lab.apprenticeship_retention + (1 - a) * lab.order_retention
    return retention * b.hire_value / max(program_years, 1.0) - b.apprentice_cost
