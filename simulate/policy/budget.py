"""Budget (财政): per-student appropriations, the local education surcharge, credits foregone.

* 生均拨款: appropriations = per-student funding × students in school (003 §26).
* 地方教育附加: 2% of VAT + consumption tax; a share (≥ 30%, 001 §三.7) goes to
  vocational schools, net of the credits enterprises claim against it.
* 教育费附加抵免: credits foregone = Σ credits (004 §五(一)).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class YearBudget:
    """January budget, in yuan.

    Attributes:
        appropriations: ``(S,)`` per-student appropriations per school.
        surcharge_vocational: ``(S,)`` vocational share of the local surcharge per school.
        surcharge_revenue: local education surcharge collected (net of credits).
        credits_foregone: surcharge credits granted to enterprises.
    """

    appropriations: np.ndarray
    surcharge_vocational: np.ndarray
    surcharge_revenue: float
    credits_foregone: float

    @property
    def school_funds(self) -> np.ndarray:
        """Money reaching each school this year."""
        return self.appropriations + self.surcharge_vocational

    @property
    def public_cost(self) -> float:
        """Appropriations + vocational surcharge spending + credits foregone."""
        return float(self.appropriations.sum() + self.surcharge_vocational.sum() + self.credits_foregone)


def january_budget(
    in_school: np.ndarray,
    funding_per_student: np.ndarray,
    vat_ct: float,
    local_rate: float,
    surcharge_rate: float,
    credits: float,
    vocational_share: float,
) -> YearBudget:
    """Compute the year's money for every school.

    Args:
        in_school: ``(S,)`` students per school.
        funding_per_student: ``(S,)`` yuan per student (by the school's level).
        vat_ct: VAT + consumption tax paid by all enterprises last year (yuan).
        local_rate: local education surcharge rate (2%).
        surcharge_rate: both surcharges together (5%), against which credits are claimed.
        credits: credits granted this year (yuan), split pro rata over the two surcharges.
        vocational_share: share of the local surcharge earmarked for vocational schools.
    """
    appropriations = in_school * funding_per_student
    local_credit = credits * (local_rate / surcharge_rate) if surcharge_rate > 0 else 0.0
    revenue = max(local_rate * vat_ct - local_credit, 0.0)
    total = in_school.sum()
    share = in_school / total if total > 0 else np.zeros_like(in_school, dtype=float)
    return YearBudget(
        appropriations=appropriations.astype(float),
        surcharge_vocational=vocational_share * revenue * share,
        surcharge_revenue=revenue,
        credits_foregone=float(credits),
    )
