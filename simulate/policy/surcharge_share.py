"""The vocational share of the local education surcharge (地方教育附加用于职业教育 ≥ 30%, 001 §三.7).

Lever ``levers.surcharge_vocational_share``. In January the local education surcharge
(2% of VAT and consumption tax, net of the local part of the credits granted, see
:mod:`simulate.policy.surcharge_credit`) is collected; the lever's share of it is paid to
vocational schools in proportion to their students, where it joins the appropriations as
school money (:mod:`simulate.policy.funding`). The commitment indicator
``surcharge_vocational_share`` is what was actually paid ÷ what was collected.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulate.policy import Lever

LEVER = Lever(
    path="surcharge_vocational_share", name_en="Vocational share of the local education surcharge",
    name_zh="地方教育附加用于职业教育比例",
    clauses=("001_7664ff0e7f3b3d70.txt §三.7",),
    acts=(("January", "the share of the local surcharge collected is paid to vocational schools by students"),),
    indicators=("surcharge_vocational", "surcharge_vocational_share", "public_cost", "funded_share"),
    parameters=("behaviour.budget.local_surcharge_rate", "region.enterprises.vat_ct_share_of_revenue"),
)


@dataclass(frozen=True)
class Surcharge:
    """January surcharge accounts (yuan).

    Attributes:
        collected: local education surcharge collected, net of credits.
        to_schools: ``(S,)`` paid to each vocational school.
        credits: all credits granted against both surcharges.
    """

    collected: float
    to_schools: np.ndarray
    credits: float

    @property
    def spent_on_vocational(self) -> float:
        """Local surcharge actually paid to vocational schools."""
        return float(self.to_schools.sum())


def collect(vat_ct: float, local_rate: float, surcharge_rate: float, credits: float, share: float,
            in_school: np.ndarray) -> Surcharge:
    """Collect the local surcharge net of its part of the credits and pay the vocational share to schools."""
    local_credit = credits * (local_rate / surcharge_rate) if surcharge_rate > 0 else 0.0
    collected = max(local_rate * vat_ct - local_credit, 0.0)
    total = in_school.sum()
    weights = in_school / total if total > 0 else np.zeros_like(in_school, dtype=float)
    return Surcharge(collected=collected, to_schools=share * collected * weights, credits=float(credits))
