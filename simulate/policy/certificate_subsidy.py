"""Certificate subsidies for trained employees (职业技能等级证书补贴, 002 §(十五)).

Lever ``levers.certificate_subsidy`` (yuan per employee trained to a certificate; Jilin pays
1,000–2,000 yuan, +30% in shortage occupations). In December every firm trains a share of its
employees: ``staff_training_base`` in a firm that does not cooperate with schools,
``staff_training_participant`` in one that does; the subsidy lowers the firm's cost of a
training (``training_cost_per_employee``) for the ``certified_share_of_trained`` who earn a certificate,
and the share rises by (cost / (cost − subsidy × that share))^ε (``training_subsidy_elasticity``),
capped at every employee.
The subsidy paid is public cost. The indicator is ``staff_trained_share`` (003 §11 asks ≥ 30%).
Because cooperating firms train more, the subsidy on those extra trainees is part of a firm's net
benefit of cooperating (:func:`cooperation_value`), so the subsidy also moves participation.
"""

from __future__ import annotations

import numpy as np

from simulate.agents.enterprises import Enterprises
from simulate.policy import Lever
from simulate.scenario.schema import Scenario

LEVER = Lever(
    path="certificate_subsidy", name_en="Certificate subsidy for trained employees", name_zh="职业技能证书补贴",
    clauses=("002_ed6320b76da44b90.txt §(十五)",),
    acts=(("December", "firms train more employees when the subsidy lowers the cost; the subsidy is public cost; "
                       "partners train more, so the subsidy adds to the net benefit of cooperating"),),
    indicators=("staff_trained_share", "certificate_subsidies", "public_cost", "enterprise_participation_rate"),
    parameters=("behaviour.enterprises.staff_training_base", "behaviour.enterprises.staff_training_participant",
                "behaviour.enterprises.training_cost_per_employee", "behaviour.enterprises.certified_share_of_trained",
                "behaviour.enterprises.training_subsidy_elasticity"),
)


def _lift(sc: Scenario, year: int) -> tuple[float, float]:
    """The subsidy per certificate and the factor it puts on the training share.

    The subsidy lowers the cost of the certified part of training; the share responds with elasticity ε.
    """
    b = sc.behaviour.enterprises
    cost = max(b.training_cost_per_employee, 1.0)
    subsidy = min(sc.levers.certificate_subsidy.at(year), 0.9 * cost)
    saved = subsidy * b.certified_share_of_trained  # per trained employee
    return subsidy, (cost / (cost - saved)) ** b.training_subsidy_elasticity


def training_share(f: Enterprises, sc: Scenario, year: int) -> np.ndarray:
    """Share of each firm's employees trained this year."""
    # two possible shares: lift and cap them once, then pick per firm (the same values as per-firm arithmetic)
    part, other = training_shares(sc, year)
    share = np.full(f.size, other)  # the two values written, not picked by a where over every firm
    share[f.participants()] = part
    return share


def training_shares(sc: Scenario, year: int) -> tuple[float, float]:
    """The share of employees trained this year by a participating firm and by any other."""
    b = sc.behaviour.enterprises
    lift = _lift(sc, year)[1]
    return min(b.staff_training_participant * lift, 1.0), min(b.staff_training_base * lift, 1.0)


def subsidy_paid(trained: float, sc: Scenario, year: int) -> float:
    """Public cost of the subsidy for ``trained`` employees (yuan): certificates earned × subsidy."""
    return float(trained) * sc.behaviour.enterprises.certified_share_of_trained * sc.levers.certificate_subsidy.at(year)


def cooperation_value(f: Enterprises, sc: Scenario, year: int) -> np.ndarray:
    """Yearly subsidy (yuan per firm) a firm gains by cooperating: it trains more employees as a partner."""
    return cooperation_value_per_employee(sc, year) * f.employees


def cooperation_value_per_employee(sc: Scenario, year: int) -> float:
    """:func:`cooperation_value` per employee (the December decision multiplies it in its compiled pass)."""
    b = sc.behaviour.enterprises
    subsidy, lift = _lift(sc, year)
    extra = (min(b.staff_training_participant * lift, 1.0) - min(b.staff_training_base * lift, 1.0))
    return subsidy * b.certified_share_of_trained * max(extra, 0.0)
