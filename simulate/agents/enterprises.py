"""Enterprises (企业) as weighted records: size, growth, taxes, participation, offers.

Participation states: ``none`` (0), ``cooperating`` (1, 校企合作), ``certified``
(2, 产教融合型企业). Firms join in response to the surcharge credit
(教育费附加抵免), certificate subsidies, expected hires, size and peers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from simulate.scenario.schema import Scenario

NONE, COOPERATING, CERTIFIED = 0, 1, 2
LARGE_REVENUE = 1e8
"""Revenue (yuan) from which a firm is "large" (≥ 1亿元, Hunan 003 §7)."""
LARGE_STAFF = 1000
"""Staff from which a firm is "large" (≥ 1,000 employees, Hunan 003 §7)."""


@dataclass
class Enterprises:
    """Struct of arrays, one entry per enterprise record (each stands for ``weight`` firms).

    Attributes:
        industry: industry index.
        subregion: sub-region index.
        weight: firms this record stands for.
        employees: employees per firm.
        revenue: yearly revenue per firm (yuan).
        state: participation state (0 none, 1 cooperating, 2 certified).
        investment: last year's qualifying investment per firm (yuan).
        block_starts: first record of each (sub-region, industry) run when records are ordered so.
    """

    industry: np.ndarray
    subregion: np.ndarray
    weight: np.ndarray
    employees: np.ndarray
    revenue: np.ndarray
    state: np.ndarray
    investment: np.ndarray
    block_starts: np.ndarray | None = field(default=None, repr=False)

    @property
    def large(self) -> np.ndarray:
        """Firms with revenue ≥ 100 million yuan or ≥ 1,000 staff."""
        return (self.revenue >= LARGE_REVENUE) | (self.employees >= LARGE_STAFF)

    @property
    def participating(self) -> np.ndarray:
        """Cooperating or certified."""
        return self.state >= COOPERATING

    def staff(self, mask: np.ndarray | None = None) -> float:
        """Weighted employees, optionally of the firms in ``mask``."""
        w = self.weight * self.employees
        return float(w.sum() if mask is None else w[mask].sum())

    def by_industry(self, values: np.ndarray, n_industries: int) -> np.ndarray:
        """Weighted sum of a per-firm quantity by industry.

        Records are ordered by sub-region then industry, so each (sub-region, industry) block is a
        contiguous run: sum the runs, then the runs of each industry.
        """
        weighted = self.weight * values
        if self.block_starts is None:
            return np.bincount(self.industry, weights=weighted, minlength=n_industries)
        starts, block_industry = self.block_starts, self.industry[self.block_starts]
        return np.bincount(block_industry, weights=np.add.reduceat(weighted, starts), minlength=n_industries)


def synthesise_enterprises(sc: Scenario, rng: np.random.Generator) -> Enterprises:
    """Draw firm sizes (lognormal), industries and sub-regions matching the published totals."""
    pop = sc.region.enterprises
    n = max(1, int(round(pop.records * min(sc.scale, 10.0))))
    ind_share = np.array([i.employment_share for i in sc.region.industries])
    ind_share = ind_share / ind_share.sum()
    sub_share = np.array([s.enterprise_share for s in sc.region.subregions])
    industry = rng.choice(ind_share.size, size=n, p=ind_share).astype(np.int16)
    subregion = rng.choice(sub_share.size, size=n, p=sub_share).astype(np.int8)
    order = np.lexsort((industry, subregion))  # records by sub-region, then industry: sums run over blocks
    industry, subregion = industry[order], subregion[order]
    mean_size = pop.employees / pop.count
    sigma = pop.size_sigma
    employees = rng.lognormal(np.log(mean_size) - sigma**2 / 2, sigma, size=n)
    weight = np.full(n, pop.count * sc.scale / n)
    # rescale each industry so its weighted employees match its share of the total
    target = ind_share * pop.employees * sc.scale
    have = np.bincount(industry, weights=weight * employees, minlength=ind_share.size)
    employees *= np.divide(target, have, out=np.ones_like(target), where=have > 0)[industry]
    revenue = employees * pop.revenue_per_employee
    state = np.zeros(n, np.int8)
    u = rng.random(n)
    state[u < pop.base_participation] = COOPERATING
    state[u < pop.base_participation * pop.base_certified] = CERTIFIED
    investment = np.where(state >= COOPERATING, employees * sc.behaviour.enterprises.investment_per_employee, 0.0)
    starts = np.flatnonzero(np.r_[True, (industry[1:] != industry[:-1]) | (subregion[1:] != subregion[:-1])])
    return Enterprises(industry, subregion, weight, employees, revenue, state, investment, block_starts=starts)


def grow(e: Enterprises, revenue_growth: np.ndarray, elasticity: np.ndarray, noise: float,
         rng: np.random.Generator) -> np.ndarray:
    """Grow revenue by industry growth plus a firm shock; employment follows by its elasticity.

    Returns:
        Employees per firm before growth (for the growth part of demand).
    """
    before = e.employees.copy()
    g = revenue_growth[e.industry] + noise * rng.standard_normal(e.industry.size)
    g = np.maximum(g, -0.9)
    e.revenue *= 1.0 + g
    e.employees *= np.maximum(1.0 + elasticity[e.industry] * g, 0.1)
    return before


def surcharge_credit(e: Enterprises, rate: float, eligibility: str, vat_share: float,
                     surcharge_rate: float) -> np.ndarray:
    """January: credit per firm of last year's qualifying investment against the surcharge due.

    Credit = min(rate × investment, surcharge due), surcharge due = 5% × (VAT + consumption tax)
    (004 §五(一)). Returns yuan per firm (unweighted).
    """
    eligible = e.state == CERTIFIED if eligibility == "certified" else e.state >= COOPERATING
    due = surcharge_rate * vat_share * e.revenue
    return np.where(eligible, np.minimum(rate * e.investment, due), 0.0)


def decide_participation(e: Enterprises, sc: Scenario, year: int, hires_per_100: np.ndarray,
                         rng: np.random.Generator) -> None:
    """December: firms join (logit), leave, or get certified for next year.

    A firm weighs the credit it could claim (a share of the investment that
    cooperation costs, capped by the surcharge it owes and, when only certified
    firms may claim, discounted by its chance of certification), certificate
    subsidies, the hires it expects per 100 staff, its size and its peers.

    Args:
        year: the year the decision takes effect (levers are read then).
        hires_per_100: ``(I,)`` expected hires per 100 staff by industry.
    """
    b = sc.behaviour.enterprises
    lv = sc.levers
    n_ind = len(sc.region.industries)
    invest = e.employees * b.investment_per_employee
    large = e.large
    due = sc.behaviour.budget.surcharge_rate * sc.region.enterprises.vat_ct_share_of_revenue * e.revenue
    credit = np.minimum(lv.surcharge_credit.rate.at(year) * invest, due)
    if lv.surcharge_credit.eligibility == "certified":
        credit = credit * np.where(large, b.certification_rate, 0.0)
    credit_share = np.divide(credit, invest, out=np.zeros_like(invest), where=invest > 0)
    subsidy_share = lv.certificate_subsidy.at(year) * b.staff_training_share / max(b.investment_per_employee, 1.0)
    staff = e.by_industry(e.employees, n_ind)
    part_staff = e.by_industry(np.where(e.participating, e.employees, 0.0), n_ind)
    peers = np.divide(part_staff, staff, out=np.zeros(n_ind), where=staff > 0)
    util = (b.participation_intercept + b.participation_size * large
            + b.participation_incentive * (credit_share + subsidy_share)
            + b.participation_peers * peers[e.industry] + b.participation_hires * hires_per_100[e.industry] / 100)
    p_join = 1.0 / (1.0 + np.exp(-util))
    u = rng.random(e.state.size)
    none = e.state == NONE
    coop = e.state == COOPERATING
    joins = none & (u < p_join)
    quits = coop & (u < b.exit_rate)
    certify = coop & ~quits & large & (rng.random(e.state.size) < b.certification_rate)
    e.state[joins] = COOPERATING
    e.state[quits] = NONE
    e.state[certify] = CERTIFIED
    e.investment = np.where(e.state >= COOPERATING, invest, 0.0)
