"""Enterprise part-time teachers (企业兼职教师 ≥ 20% of specialty teachers, 001 §三.6, task 10).

Lever ``levers.part_time_target``: the part-time share of specialty teachers schools aim for.
In December each school seeks ⌈target × full-time specialty teachers⌉ part-time teachers; it
engages new ones as far as its money pays (``part_time_cost``, :mod:`simulate.policy.funding`)
and cooperating firms release staff to teach (``part_time_per_1000_staff`` × staff × the firm's
investment ratio, :mod:`simulate.policy.surcharge_credit`). When firms offer fewer than are
engaged (firms left), the excess engagements end.
"""

from __future__ import annotations

import numpy as np

from simulate.alloc import fill
from simulate.policy import Lever

LEVER = Lever(
    path="part_time_target", name_en="Enterprise part-time teacher target", name_zh="企业兼职教师比例目标",
    clauses=("001_7664ff0e7f3b3d70.txt §三.6 (task 10)",),
    acts=(("December", "schools engage part-time teachers up to the target, as far as money and firms allow"),),
    indicators=("part_time_teachers", "part_time_share", "teachers_engaged_part_time"),
    parameters=("behaviour.enterprises.part_time_per_1000_staff", "behaviour.budget.part_time_cost"),
)


def wanted(target: float, specialty: np.ndarray, engaged: np.ndarray) -> np.ndarray:
    """``(S,)`` new part-time teachers each school seeks: ⌈target × specialty⌉ − engaged (≥ 0)."""
    return np.maximum(np.ceil(target * specialty - 1e-9) - engaged, 0).astype(np.int64)


def engagements(want: np.ndarray, funded_share: np.ndarray, offered: float, engaged_total: int,
                u_school: np.ndarray) -> np.ndarray:
    """``(S,)`` new engagements: what each school can pay for, within what firms still offer."""
    affordable = np.minimum(np.floor(want * funded_share + u_school[: want.size]), want).astype(np.int64)
    pool = max(offered - engaged_total, 0.0)
    return fill(np.array([pool]), affordable, np.zeros(want.size, np.int64))


def releases(engaged: np.ndarray, offered: float) -> np.ndarray:
    """``(S,)`` engagements that end because firms offer fewer part-time teachers than are engaged."""
    total = int(engaged.sum())
    excess = total - int(np.floor(offered + 1e-9))
    if excess <= 0:
        return np.zeros(engaged.size, np.int64)
    keep = fill(np.array([total - excess]), engaged, np.zeros(engaged.size, np.int64))
    return engaged - keep
