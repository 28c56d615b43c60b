"""The 30% education-surcharge credit (教育费附加抵免, 004 §五(一)).

Lever ``levers.surcharge_credit``: ``rate`` (30% of qualifying investment) and ``eligibility``
(``certified`` pilot enterprises only, as 004 writes it, or every ``cooperating`` firm).

* **January**: an eligible firm is credited ``rate`` × last year's qualifying investment, capped
  by the surcharge it owes (3% + 2% of VAT and consumption tax, ``behaviour.budget.surcharge_rate``);
  the credit is public cost (surcharge foregone), split pro rata over the two surcharges.
* **Investment**: a cooperating firm's qualifying investment is
  ``investment_per_employee`` × staff × (1 − s)^−η, where s is the credit it expects at the margin
  (``rate`` if eligible, ``rate`` × its yearly certification chance if only certified firms may
  claim and it is large, 0 once the cap binds) and η is ``investment_credit_elasticity``.
  Seats, part-time teachers and training-base capacity follow investment
  (:func:`investment_ratio`).
* **December**: a firm's net benefit of cooperating (yuan) counts the credit it would claim;
  firms join and leave on net benefit (:func:`simulate.agents.enterprises` decisions in
  :mod:`simulate.steps`), so the credit moves participation, posts, seats, bases and consortia.
"""

from __future__ import annotations

import numpy as np

from simulate.agents.enterprises import CERTIFIED, COOPERATING, Enterprises
from simulate.policy import Lever
from simulate.scenario.schema import Scenario

LEVER = Lever(
    path="surcharge_credit", name_en="30% education-surcharge credit", name_zh="教育费附加抵免",
    clauses=("004_1a4bd3b1525ab7dc.txt §五(一)",),
    acts=(("January", "eligible firms are credited on last year's investment, capped by the surcharge due"),
          ("December", "investment responds to the credit; firms join and leave on net benefit")),
    indicators=("credits_foregone", "public_cost", "enterprise_investment", "enterprise_participation_rate",
                "participating_enterprises", "certified_enterprises", "practice_posts", "practice_posts_rate",
                "seats_offered", "joint_entrants", "order_classes", "training_bases", "part_time_share",
                "consortia", "industrial_colleges"),
    parameters=("behaviour.enterprises.investment_per_employee", "behaviour.enterprises.investment_credit_elasticity",
                "behaviour.enterprises.participation_benefit", "behaviour.enterprises.participation_size",
                "behaviour.enterprises.participation_peers", "behaviour.enterprises.participation_hires",
                "behaviour.enterprises.exit_rate", "behaviour.enterprises.certification_rate",
                "behaviour.budget.surcharge_rate", "region.enterprises.vat_ct_share_of_revenue"),
)


def surcharge_due(f: Enterprises, sc: Scenario) -> np.ndarray:
    """Education surcharge + local education surcharge owed per firm (yuan): 5% of VAT + consumption tax."""
    return sc.behaviour.budget.surcharge_rate * sc.region.enterprises.vat_ct_share_of_revenue * f.revenue


def eligible(f: Enterprises, eligibility: str) -> np.ndarray:
    """Firms that may claim the credit now."""
    return f.state == CERTIFIED if eligibility == "certified" else f.state >= COOPERATING


def claim_classes(f: Enterprises, sc: Scenario, large: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Each firm's claim class and each class's chance of claiming the credit: ``(code, chances)``.

    Classes: 0 may not claim, 1 large (claims once certified: its yearly certification chance), 2 certified;
    a single class of chance 1 when every cooperating firm may claim. The chance takes only these values, so
    what follows from it alone (the investment response, a ``pow`` per firm) is computed per class and
    spread with ``values[code]``: the same numbers. ``large`` is :attr:`Enterprises.large` if the caller has it.
    """
    if sc.levers.surcharge_credit.eligibility == "cooperating":
        return np.zeros(f.size, np.intp), np.ones(1)
    code = (f.large if large is None else large).astype(np.intp)
    code[f.state == CERTIFIED] = 2
    return code, np.array([0.0, sc.behaviour.enterprises.certification_rate, 1.0])


def eligibility_chance(f: Enterprises, sc: Scenario, year: int) -> np.ndarray:
    """Chance a cooperating firm can claim the credit (1, its yearly certification chance, or 0)."""
    code, chances = claim_classes(f, sc)
    return chances[code]


def investment(f: Enterprises, sc: Scenario, year: int, claim: tuple[np.ndarray, np.ndarray] | None = None,
               due: np.ndarray | None = None) -> np.ndarray:
    """Qualifying investment per firm if it cooperates this year (yuan), responding to the credit.

    ``claim`` (:func:`claim_classes`) and ``due`` (:func:`surcharge_due`) are passed by a caller that
    needs them too (the December decision), so they are computed once.
    """
    b = sc.behaviour.enterprises
    base = b.investment_per_employee * f.employees
    rate = sc.levers.surcharge_credit.rate.at(year)
    if rate <= 1e-9:
        return base
    code, chances = claim_classes(f, sc) if claim is None else claim
    s = np.clip(rate * chances, 0.0, 0.95)
    wanted = base * np.power(1.0 - s, -b.investment_credit_elasticity)[code]
    cap = (surcharge_due(f, sc) if due is None else due) / rate  # beyond it the credit no longer pays at the margin
    return np.where(wanted > cap, np.maximum(base, cap), wanted)


def investment_ratio(f: Enterprises, sc: Scenario) -> np.ndarray:
    """This year's investment / the investment without a credit (≥ 1 for cooperating firms, 0 otherwise).

    Read-only: April, September and December ask for it with the same investment and staff, so it is kept
    in ``f.memo`` with the two arrays it came from and computed again only once one is replaced.
    """
    per = sc.behaviour.enterprises.investment_per_employee
    hit = f.memo.get("investment_ratio")
    if hit is not None and hit[0] is f.investment and hit[1] is f.employees and hit[2] == per:
        return hit[3]
    base = per * f.employees
    ratio = np.divide(f.investment, base, out=np.zeros(f.size), where=base > 0)
    ratio.flags.writeable = False
    f.memo["investment_ratio"] = (f.investment, f.employees, per, ratio)
    return ratio


def credits(f: Enterprises, sc: Scenario, year: int, due: np.ndarray | None = None) -> np.ndarray:
    """January: credit per firm (unweighted yuan) on last year's qualifying investment."""
    cr = sc.levers.surcharge_credit
    ok = np.flatnonzero(eligible(f, cr.eligibility))  # the few eligible firms: computed for them alone
    out = np.zeros(f.size)
    out[ok] = np.minimum(cr.rate.at(year) * f.investment[ok], (surcharge_due(f, sc) if due is None else due)[ok])
    return out


def expected_credit(f: Enterprises, sc: Scenario, year: int, invest: np.ndarray, chance: np.ndarray | None = None,
                    due: np.ndarray | None = None) -> np.ndarray:
    """December: the credit a firm expects next year if it cooperates (yuan, for its decision)."""
    rate = sc.levers.surcharge_credit.rate.at(year)
    if chance is None:
        chance = eligibility_chance(f, sc, year)
    return chance * np.minimum(rate * invest, surcharge_due(f, sc) if due is None else due)
