"""Enterprises (企业) as weighted records: size, growth, taxes, participation, investment, offers.

Participation states: ``none`` (0), ``cooperating`` (1, 校企合作), ``certified``
(2, 产教融合型企业). A cooperating firm invests in vocational education (qualifying
investment, 投资兴办职业教育); what it offers schools — order/apprenticeship seats,
enterprise part-time teachers, training-base capacity — follows that investment and its size.
Whether it joins or leaves is decided on net benefit in yuan (:mod:`simulate.policy.surcharge_credit`
and :mod:`simulate.policy.apprenticeship` add the credit and the value of trainees kept).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.special import expit

from simulate.jit import jit
from simulate.scenario.schema import Scenario

NONE, COOPERATING, CERTIFIED = 0, 1, 2
LARGE_REVENUE = 1e8
"""Revenue (yuan) from which a firm is "large" (≥ 1亿元, Hunan 003 §7)."""
LARGE_STAFF = 1000
"""Staff from which a firm is "large" (≥ 1,000 employees, Hunan 003 §7)."""
KERNEL_STATES = np.array([NONE, COOPERATING, CERTIFIED], np.int64)
KERNEL_LARGE = np.array([LARGE_REVENUE, LARGE_STAFF], float)
"""The states and the large-firm thresholds for compiled kernels in other modules, which take them as arguments:
numba caches a kernel's machine code with the globals it reads baked in, and a change to a constant defined in
another module would not recompile it (``simulate/jit.py``)."""


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
        investment: this year's qualifying investment per firm (yuan); 0 when not cooperating.
        intercept: logit intercept of joining, aligned at synthesis so the base year is stationary.
        nb_base: net benefit of cooperating per firm under the base-year levers (100 yuan per employee);
            leaving responds to the change from it.
        credit_due: surcharge credit per firm to be granted next January on this year's investment.
        block_starts: first record of each (sub-region, industry) run when records are ordered so.
        memo: values derived from the arrays above and reused: ones of the fixed industry blocks, and ones
            stored with the arrays they were computed from, valid while those are the same objects (the
            engine replaces ``employees`` and ``investment`` when they change, never writes into them).
    """

    industry: np.ndarray
    subregion: np.ndarray
    weight: np.ndarray
    employees: np.ndarray
    revenue: np.ndarray
    state: np.ndarray
    investment: np.ndarray
    intercept: float = 0.0
    nb_base: np.ndarray | None = field(default=None, repr=False)
    credit_due: np.ndarray | None = field(default=None, repr=False)
    block_starts: np.ndarray | None = field(default=None, repr=False)
    memo: dict = field(default_factory=dict, repr=False, compare=False)

    def __setattr__(self, name: str, value: object) -> None:
        # ``memo`` keys its values by the identity of ``employees`` and ``investment``: an array assigned to
        # either is made read-only, so writing into it in place (which would leave a stale memo) raises
        if name in ("employees", "investment") and isinstance(value, np.ndarray):
            value.flags.writeable = False
        object.__setattr__(self, name, value)

    @property
    def size(self) -> int:
        """Number of records."""
        return self.state.size

    @property
    def large(self) -> np.ndarray:
        """Firms with revenue ≥ 100 million yuan or ≥ 1,000 staff."""
        return (self.revenue >= LARGE_REVENUE) | (self.employees >= LARGE_STAFF)

    @property
    def participating(self) -> np.ndarray:
        """Cooperating or certified."""
        return self.state >= COOPERATING

    def participants(self) -> np.ndarray:
        """Indices of the cooperating or certified firms.

        They are a few percent of the records, and many per-firm quantities are zero for the others: those are
        built by writing the participants' values into zeros, the values a product with :attr:`participating`
        gives (every factor is finite and ≥ 0, so the others' products are +0.0) at a fraction of the cost.
        """
        return np.flatnonzero(self.state >= COOPERATING)

    def staff(self, mask: np.ndarray | None = None) -> float:
        """Weighted employees, optionally of the firms in ``mask``."""
        w = self.weight * self.employees
        return float(w.sum() if mask is None else w[mask].sum())

    def spread(self, per_industry: np.ndarray) -> np.ndarray:
        """A per-industry quantity on each record: ``per_industry[industry]``.

        Records are ordered in (sub-region, industry) blocks, so each block's value is repeated over its run:
        the same copy ~3× faster than gathering through the int16 industry codes.
        """
        if self.block_starts is None:
            return per_industry[self.industry]
        runs = self.memo.get("runs")
        if runs is None:
            runs = self.memo["runs"] = (self.industry[self.block_starts].astype(np.intp),
                                        np.diff(np.append(self.block_starts, self.size)))
        return np.repeat(per_industry[runs[0]], runs[1])

    def by_industry(self, values: np.ndarray, n_industries: int) -> np.ndarray:
        """Weighted sum of a per-firm quantity by industry.

        Records are ordered by sub-region then industry, so each (sub-region, industry) block is a
        contiguous run: sum the runs, then the runs of each industry.

        Staff by industry is asked for in July (this year's and last year's staff) and December: the sums of
        an array that is ``employees`` are kept (read-only) for it and the previous one, which :func:`grow`
        replaced rather than wrote into.
        """
        staff = values is self.employees
        if staff:
            for arr, n, sums in self.memo.get("staff_by_industry", ()):
                if arr is values and n == n_industries:
                    return sums
        weighted = self.weight * values
        if self.block_starts is None:
            sums = np.bincount(self.industry, weights=weighted, minlength=n_industries)
        else:
            starts, block_industry = self.block_starts, self.industry[self.block_starts]
            sums = np.bincount(block_industry, weights=np.add.reduceat(weighted, starts), minlength=n_industries)
        if staff:
            sums.flags.writeable = False
            self.memo["staff_by_industry"] = [(values, n_industries, sums), *self.memo.get("staff_by_industry", ())][:2]
        return sums

    def by_subregion(self, rows: list[np.ndarray] | np.ndarray, n_subregions: int) -> np.ndarray:
        """Sums of per-firm quantities (each already weighted) by sub-region: ``(n_subregions, len(rows))``.

        Records are ordered by sub-region, so each sub-region is one contiguous run. ``rows`` may be a
        ``(K, N)`` array: one ``reduceat`` along its rows sums each run as the per-row calls do (same values).
        """
        key = ("subregion_runs", n_subregions)
        runs = self.memo.get(key)
        if runs is None:  # sub-regions of the records never change
            bounds = np.searchsorted(self.subregion, np.arange(n_subregions + 1))
            present = np.flatnonzero(bounds[1:] > bounds[:-1])
            runs = self.memo[key] = (present, bounds[:-1][present])
        present, starts = runs
        out = np.zeros((n_subregions, len(rows)))
        if present.size:
            if isinstance(rows, np.ndarray) and rows.ndim == 2:
                out[present] = np.add.reduceat(rows, starts, axis=1).T
            else:
                for j, v in enumerate(rows):
                    out[present, j] = np.add.reduceat(v, starts)
        return out

    def by_block(self, values: np.ndarray, n_subregions: int, n_industries: int) -> np.ndarray:
        """Weighted sum of a per-firm quantity by (sub-region, industry): ``(R, I)``."""
        weighted = self.weight * values
        out = np.zeros(n_subregions * n_industries)
        if self.block_starts is None:
            np.add.at(out, self.subregion.astype(np.int64) * n_industries + self.industry, weighted)
        else:
            s = self.block_starts
            out[self.subregion[s].astype(np.int64) * n_industries + self.industry[s]] = np.add.reduceat(weighted, s)
        return out.reshape(n_subregions, n_industries)


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
    starts = np.flatnonzero(np.r_[True, (industry[1:] != industry[:-1]) | (subregion[1:] != subregion[:-1])])
    return Enterprises(industry, subregion, weight, employees, revenue, state, np.zeros(n),
                       block_starts=starts)


def grow(e: Enterprises, revenue_growth: np.ndarray, elasticity: np.ndarray, noise: float,
         rng: np.random.Generator) -> np.ndarray:
    """Grow revenue by industry growth plus a firm shock; employment follows by its elasticity.

    Returns:
        Employees per firm before growth (for the growth part of demand).
    """
    before = e.employees  # replaced below, not written into: it is the copy to return
    shock = rng.standard_normal(e.industry.size)
    e.employees = _grow(shock, noise, revenue_growth, elasticity, e.industry, e.revenue, before)
    return before


@jit
def _grow(shock, noise, revenue_growth, elasticity, industry, revenue, employees):
    """:func:`grow`'s arithmetic in one pass (it was nine whole-array numpy passes): revenue in place, new staff.

    Per firm, in numpy's order: ``g = max(shock × noise + growth[industry], −0.9)``, revenue × (1 + g),
    staff × ``max(elasticity[industry] × g + 1, 0.1)`` (element-wise: the same bits; a NaN stays NaN as in
    ``np.maximum``).
    """
    out = np.empty(employees.size)
    for i in range(employees.size):
        g = shock[i] * noise + revenue_growth[industry[i]]
        if g < -0.9:
            g = -0.9
        revenue[i] *= 1.0 + g
        factor = elasticity[industry[i]] * g + 1.0
        if factor < 0.1:
            factor = 0.1
        out[i] = employees[i] * factor
    return out


def logistic(x: np.ndarray) -> np.ndarray:
    """The logistic function, overflow-safe (:func:`scipy.special.expit`)."""
    return expit(x)
