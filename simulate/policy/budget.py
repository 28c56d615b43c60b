"""Public cost (公共财政成本): what the levers cost the treasury each year.

Public cost = per-student appropriations (:mod:`simulate.policy.funding`) + the local education
surcharge paid to vocational schools (:mod:`simulate.policy.surcharge_share`) + surcharge
credits foregone (:mod:`simulate.policy.surcharge_credit`) + certificate subsidies paid
(:mod:`simulate.policy.certificate_subsidy`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PublicCost:
    """A year's public cost by item (yuan)."""

    appropriations: float
    surcharge_vocational: float
    credits_foregone: float
    subsidies: float = 0.0

    @property
    def total(self) -> float:
        """All items."""
        return self.appropriations + self.surcharge_vocational + self.credits_foregone + self.subsidies
