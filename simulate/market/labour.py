"""Labour market (劳动力市场): vacancies by industry, matching of graduates, destinations.

Graduates not progressing to a higher level search for jobs. Order-class and
apprenticeship graduates are first hired by their partner firms; a share of the
others leave for other provinces before searching; the rest are matched to
vacancies per industry through the matching function M = A·U^α·V^(1−α), capped
by both U and V, so every filled vacancy has exactly one graduate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulate.agents.cohorts import allocate

DESTINATIONS = ("progression", "further_study", "matched", "unmatched_job", "outflow", "unemployed")
"""Where every graduate goes, in array order; they sum to the graduates exactly."""


@dataclass
class MarketOutcome:
    """Destinations per graduate cell and the market per industry.

    Attributes:
        destinations: ``(D, *cell_shape)`` graduates by destination (``DESTINATIONS`` order).
        vacancies: ``(I,)`` vacancies open to vocational graduates (demand).
        supply: ``(I,)`` graduates seeking work in each industry (incl. partner hires).
        matched: ``(I,)`` vacancies filled by graduates.
    """

    destinations: np.ndarray
    vacancies: np.ndarray
    supply: np.ndarray
    matched: np.ndarray

    @property
    def shortage(self) -> np.ndarray:
        """Vacancies left unfilled by graduates."""
        return self.vacancies - self.matched

    @property
    def surplus(self) -> np.ndarray:
        """Graduates who sought a job in the industry and found none."""
        return self.supply - self.matched

    def mismatch_by_industry(self) -> np.ndarray:
        """|supply − demand| / max(supply, demand) per industry, 0 (balanced) to 1."""
        top = np.maximum(self.supply, self.vacancies)
        return np.divide(np.abs(self.supply - self.vacancies), top, out=np.zeros(top.shape), where=top > 0)

    def mismatch_index(self) -> float:
        """Dissimilarity of the supply and demand mixes across industries (0 = same mix)."""
        s, v = self.supply.sum(), self.vacancies.sum()
        if s <= 0 or v <= 0:
            return 0.0
        return float(0.5 * np.abs(self.supply / s - self.vacancies / v).sum())


def vacancies(employees_now: np.ndarray, employees_before: np.ndarray, replacement: np.ndarray,
              vocational_share: float) -> np.ndarray:
    """Demand from growth plus replacement (retirement and turnover), open to vocational graduates."""
    growth = np.maximum(employees_now - employees_before, 0.0)
    return np.floor(vocational_share * (growth + replacement * employees_before)).astype(np.int64)


def match_count(seekers: np.ndarray, vacancies: np.ndarray, efficiency: float, alpha: float) -> np.ndarray:
    """Matches per industry: ⌊min(A·U^α·V^(1−α), U, V)⌋."""
    u = seekers.astype(float)
    v = vacancies.astype(float)
    m = efficiency * np.power(u, alpha) * np.power(v, 1.0 - alpha)
    return np.floor(np.minimum(np.minimum(m, u), v)).astype(np.int64)


def place_graduates(
    graduates: np.ndarray,
    progression: np.ndarray,
    further: np.ndarray,
    joint_track: np.ndarray,
    relevance: np.ndarray,
    vac: np.ndarray,
    order_retention: float,
    outflow_before: float,
    outflow_unmatched: float,
    unmatched_job_share: float,
    efficiency: float,
    alpha: float,
    rng: np.random.Generator,
) -> MarketOutcome:
    """Send every graduate to exactly one destination.

    Args:
        graduates: ``(L, R, M, T)`` graduates by level, sub-region, major, track.
        progression: same shape, graduates continuing to the next level (already capped).
        further: same shape, graduates continuing to study outside the model.
        joint_track: ``(T,)`` bool, tracks trained with a partner firm.
        relevance: ``(M, I)`` row-stochastic major → industry weights.
        vac: ``(I,)`` vacancies open to vocational graduates.
        rng: the market stream.
    """
    cell_shape = graduates.shape
    n_ind = relevance.shape[1]
    seekers = graduates - progression - further
    major_p = np.broadcast_to(relevance[None, None, :, None, :], (*cell_shape, n_ind))
    # 1. partner-firm hires of order/apprenticeship graduates
    retain_n = np.where(joint_track[None, None, None, :], rng.binomial(seekers, order_retention), 0)
    retained = rng.multinomial(retain_n, major_p)  # (L,R,M,T,I)
    retained_i = retained.reshape(-1, n_ind).sum(axis=0)
    over = retained_i > vac
    for i in np.flatnonzero(over):  # at most I iterations: partner hires beyond the firms' vacancies
        retained[..., i] = allocate(int(vac[i]), retained[..., i], rng)
    retained_i = retained.reshape(-1, n_ind).sum(axis=0)
    retained_cells = retained.sum(axis=-1)
    # 2. leave the region before searching
    rest = seekers - retained_cells
    early_out = rng.binomial(rest, outflow_before)
    search = rest - early_out
    # 3. matching per industry
    directed = rng.multinomial(search, major_p)  # (L,R,M,T,I)
    u_i = directed.reshape(-1, n_ind).sum(axis=0)
    open_v = vac - retained_i
    m_i = match_count(u_i, open_v, efficiency, alpha)
    matched = np.zeros_like(directed)
    for i in range(n_ind):
        matched[..., i] = allocate(int(m_i[i]), directed[..., i], rng)
    matched_cells = matched.sum(axis=-1)
    # 4. the unmatched: leave, take a job outside their field, or stay unemployed
    unmatched = search - matched_cells
    late_out = rng.binomial(unmatched, outflow_unmatched)
    staying = unmatched - late_out
    other_job = rng.binomial(staying, unmatched_job_share)
    dest = np.stack([
        progression,
        further,
        retained_cells + matched_cells,
        other_job,
        early_out + late_out,
        staying - other_job,
    ])
    return MarketOutcome(
        destinations=dest,
        vacancies=vac,
        supply=retained_i + u_i,
        matched=retained_i + m_i,
    )
