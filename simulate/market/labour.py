"""Labour market (劳动力市场): vacancies by industry, matching of graduates, destinations.

Graduates not progressing to a higher level search for jobs:

1. order-class and apprenticeship graduates are first hired by their partner firms
   (``order_retention`` / ``apprenticeship_retention``), within those firms' vacancies;
2. a share of the others leave the region before searching (``outflow_before_search``; joint-track
   graduates not kept leave less, ``joint_outflow_factor``);
3. the rest look for work in the industries their major serves, split by the relevance weights,
   and are matched per industry through M = A·U^α·V^(1−α), capped by U and V. Graduates of schools
   with less operating money search less effectively (weight ``resource^ε``,
   ``match_quality_elasticity``), so matches go to them less often;
4. a share of the unmatched (``second_search_share``) search once more across every industry their
   major serves, for the vacancies left;
5. the unmatched leave, take a job outside their field, or stay unemployed.

Splits of known totals are deterministic and exact (:mod:`simulate.alloc`); individual choices
(leaving, taking another job) are binomial draws from keyed streams. Every graduate ends in
exactly one destination and every filled vacancy has exactly one graduate.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from simulate.alloc import fill, hand_out, largest_remainder_into
from simulate.jit import jit
from simulate.streams import binomial

DESTINATIONS = ("progression", "further_study", "matched", "unmatched_job", "outflow", "unemployed")
"""Where every graduate goes, in array order; they sum to the graduates exactly."""


@dataclass(frozen=True)
class MatchingParams:
    """Labour-market parameters (``behaviour.labour``) used in July.

    Attributes:
        retention: ``(T,)`` share of each track's graduates their partner firm keeps (0 for regular).
        outflow_before: regular job seekers who leave before searching.
        joint_outflow_factor: early outflow of joint-track graduates not kept, relative to regular.
        outflow_unmatched: unmatched graduates who then leave.
        unmatched_job_share: remaining unmatched who take a job outside their field.
        efficiency, alpha: matching function A and α.
        second_search: unmatched who search again across their major's industries.
    """

    retention: np.ndarray
    outflow_before: float
    joint_outflow_factor: float
    outflow_unmatched: float
    unmatched_job_share: float
    efficiency: float
    alpha: float
    second_search: float


@dataclass
class MarketOutcome:
    """Destinations per graduate cell and the market per industry.

    Attributes:
        destinations: ``(D, *cell_shape)`` graduates by destination (``DESTINATIONS`` order).
        vacancies: ``(I,)`` vacancies open to vocational graduates (demand).
        supply: ``(I,)`` graduates seeking work in each industry in the first search (incl. partner hires): the
            industry mix graduates were trained for.
        matched: ``(I,)`` vacancies filled by graduates (first and second search).
        matched_first: ``(I,)`` vacancies filled by graduates trained for the industry (first search).
    """

    destinations: np.ndarray
    vacancies: np.ndarray
    supply: np.ndarray
    matched: np.ndarray
    matched_first: np.ndarray

    @property
    def shortage(self) -> np.ndarray:
        """Vacancies left unfilled by graduates."""
        return self.vacancies - self.matched

    @property
    def surplus(self) -> np.ndarray:
        """Graduates trained for the industry who found no job in it (they searched elsewhere or left)."""
        return self.supply - self.matched_first

    def mismatch_by_industry(self) -> np.ndarray:
        """|supply − demand| / demand per industry (0 = balanced; the 2030 proxy's "≤ 15% of demand")."""
        v = self.vacancies.astype(float)
        return np.divide(np.abs(self.supply - v), v, out=np.zeros(v.shape), where=v > 0)

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
    u = np.asarray(seekers, float)
    v = np.asarray(vacancies, float)
    m = efficiency * np.power(u, alpha) * np.power(v, 1.0 - alpha)
    return np.floor(np.minimum(np.minimum(m, u), v)).astype(np.int64)


def _split(counts: np.ndarray, relevance: np.ndarray) -> np.ndarray:
    """Split each cell's count over industries by its major's relevance: ``(*cells, I)`` integers."""
    shape = counts.shape
    n_i = relevance.shape[1]
    n_m = shape[2]
    if not n_m:
        return np.zeros((*shape, n_i))
    flat = counts.reshape(-1)
    out = np.zeros((flat.size, n_i), np.int64)
    nz = np.flatnonzero(flat)  # an empty cell splits into zeros: only the others are computed
    if nz.size:
        # each cell over its major's row, without gathering a row per cell (a compiled split)
        largest_remainder_into(out, nz, flat[nz], relevance, (nz // shape[3]) % n_m)
    return out.reshape(*shape, n_i)


def _match(directed: np.ndarray, quality: np.ndarray, open_v: np.ndarray, p: MatchingParams) -> np.ndarray:
    """Matches per cell and industry.

    The matching function's count on quality-weighted seekers, shared over cells in proportion to their
    effective search (never more than a cell's seekers).
    """
    n_i = directed.shape[-1]
    flat = directed.reshape(-1, n_i)
    q = np.broadcast_to(quality, directed.shape[:-1]).reshape(-1, 1)
    if n_i < 2:
        effective = (flat * q).sum(axis=0)
        m_i = np.minimum(match_count(effective, np.maximum(open_v, 0), p.efficiency, p.alpha), flat.sum(axis=0))
        return weighted_fill(m_i, flat, flat * q).reshape(directed.shape)
    # the (cell, industry) pairs with seekers, in row order: a major serves a few industries, so most pairs
    # are empty; column sums add in row order (as bincount and the sums over rows do), in a compiled pass
    nz, col, seekers, weight, effective, sought = _pairs(np.asarray(flat, np.int64), np.ascontiguousarray(q[:, 0]))
    m_i = np.minimum(match_count(effective, np.maximum(open_v, 0), p.efficiency, p.alpha), sought)
    out = np.zeros(flat.size, np.int64)
    out[nz] = _fill_pairs(m_i, seekers, weight, col, n_i)
    return out.reshape(directed.shape)


@jit
def _pairs(flat: np.ndarray, q: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray,
                                                       np.ndarray]:
    """The non-empty (cell, industry) pairs of ``flat`` ``(C, I)``, and sums per industry, in one pass.

    Returns the pairs' flat index, industry, seekers and quality weight (seekers · the cell's quality ``q``),
    then per industry the weights' sum (added in row order, as ``bincount``) and the seekers.
    """
    n_i = flat.shape[1]
    nz = np.flatnonzero(flat)
    col = nz % n_i
    seekers = np.empty(nz.size, np.int64)
    weight = np.empty(nz.size)
    effective = np.zeros(n_i)
    sought = np.zeros(n_i, np.int64)
    for k in range(nz.size):
        c, i = nz[k] // n_i, col[k]
        s = flat[c, i]
        seekers[k] = s
        weight[k] = s * q[c]
        effective[i] += weight[k]
        sought[i] += s
    return nz, col, seekers, weight, effective, sought


def weighted_fill(total: np.ndarray, cap: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Water-filling: per column, integers ≤ the cap summing to min(total, Σcap), in proportion to the weight.

    Cells that reach their cap pass the rest on to the others. Weights are ≥ 0.
    """
    cap = np.asarray(cap, np.int64)
    if cap.shape[1] >= 2:  # the cells with room, in row order (an empty cell gets nothing)
        nz = np.flatnonzero(cap)
        out = np.zeros(cap.size, np.int64)
        out[nz] = _fill_pairs(total, cap.reshape(-1)[nz], np.broadcast_to(weight, cap.shape).reshape(-1)[nz],
                              nz % cap.shape[1], cap.shape[1])
        return out.reshape(cap.shape)
    rows = np.flatnonzero(cap.any(axis=1))
    if rows.size < cap.shape[0]:  # rows without room get nothing: fill the others only
        out = np.zeros_like(cap)
        out[rows] = weighted_fill(total, cap[rows], np.broadcast_to(weight, cap.shape)[rows])
        return out
    out = np.zeros_like(cap)
    left = np.minimum(np.asarray(total, np.int64), cap.sum(axis=0))
    for _ in range(6):
        if not left.any():
            break
        room = cap - out
        w = np.where(room > 0, weight, 0.0)
        ws = w.sum(axis=0)
        raw = np.divide(w * left[None, :], ws[None, :], out=np.zeros(w.shape), where=ws[None, :] > 0)
        take = np.minimum(np.floor(raw + 1e-9).astype(np.int64), room)
        out += take
        left = left - take.sum(axis=0)
    if left.any():  # a few units left: one each to the cells with most weight and room
        room = cap - out
        key = np.where(room > 0, weight + 1.0, 0.0)
        rank = np.argsort(np.argsort(-key, axis=0, kind="stable"), axis=0, kind="stable")
        out += (rank < left[None, :]) & (room > 0)
    return out


def _fill_pairs(total: np.ndarray, cap: np.ndarray, weight: np.ndarray, col: np.ndarray, n_cols: int) -> np.ndarray:
    """:func:`weighted_fill` over the non-empty cells only, given as flat ``(cap, weight, column)`` in row order.

    The same numbers as the dense water-filling: column sums add the cells in row order (as ``bincount`` and
    the sums over rows do), and the last units go by weight, then row, within each column. The passes run
    in a compiled kernel (:func:`_water_fill`): in numpy each was a dozen whole-array calls, and up to seven
    passes run twice a July.
    """
    weight, col = np.asarray(weight, float), np.asarray(col, np.int64)
    out, left, room = _water_fill(np.asarray(total, np.int64), np.asarray(cap, np.int64), weight, col, n_cols)
    hand_out(out, left, weight + 1.0, room > 0, col)  # units left: one each to cells with room, by weight, then row
    return out


@jit
def _water_fill(total: np.ndarray, cap: np.ndarray, weight: np.ndarray, col: np.ndarray, n_cols: int
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`_fill_pairs`' passes: the float operations of the numpy form, per cell, in the same order.

    Per pass, the weight of the cells with room is summed per column in row order (``bincount``'s order),
    then each cell takes ``min(floor(w·left / Σw + 1e-9), room)``; at most six passes, stopping when every
    column is served or nothing moves. The units left go one each to the cells with room, by column, weight
    (descending) and row: a stable sort by weight (numpy's, in :func:`_water_fill`'s caller: numba's compiled
    mergesort took five seconds to compile), ranked within each column (:func:`simulate.alloc.hand_out`).

    Returns:
        The units each cell takes in the passes, the units left per column and each cell's room left.
    """
    n = cap.size
    left = np.zeros(n_cols, np.int64)
    for k in range(n):
        left[col[k]] += cap[k]
    for c in range(n_cols):
        left[c] = min(total[c], left[c])
    room = cap.copy()  # kept instead of the filled amount (cap − room)
    ws = np.empty(n_cols)
    taken = np.empty(n_cols, np.int64)
    for _ in range(6):
        if not np.any(left != 0):
            break
        ws[:] = 0.0
        for k in range(n):
            ws[col[k]] += weight[k] if room[k] > 0 else 0.0
        taken[:] = 0
        for k in range(n):
            c = col[k]
            w = weight[k] if room[k] > 0 else 0.0
            raw = w * left[c] / ws[c] if ws[c] > 0 else 0.0
            take = min(np.int64(np.floor(raw + 1e-9)), room[k])
            room[k] -= take  # a cell's own room only: the weights of this pass were summed above
            taken[c] += take
        if not np.any(taken != 0):  # nothing moved (every take was 0): further passes would do the same
            break
        left -= taken
    return cap - room, left, room


def place_graduates(graduates: np.ndarray, progression: np.ndarray, further: np.ndarray, relevance: np.ndarray,
                    vac: np.ndarray, quality: np.ndarray, p: MatchingParams,
                    uniform: Callable[[str, np.ndarray], np.ndarray] | np.random.Generator) -> MarketOutcome:
    """Send every graduate to exactly one destination.

    Args:
        graduates: ``(L, R, M, T)`` graduates by level, sub-region, major, track.
        progression: same shape, graduates continuing to the next level (already capped).
        further: same shape, graduates continuing to study outside the model.
        relevance: ``(M, I)`` row-stochastic major → industry weights.
        vac: ``(I,)`` vacancies open to vocational graduates.
        quality: ``(L, R, 1, 1)`` or broadcastable search effectiveness of each cell's graduates.
        uniform: ``uniform(purpose, idx)`` gives keyed uniforms for the flat graduate cells ``idx`` (draws by
            inversion, paired across compared scenarios; asked for non-empty cells only), or a generator for
            plain binomial draws.
    """
    if isinstance(uniform, np.random.Generator):
        rng = uniform

        def draw(n, prob, purpose):
            return rng.binomial(n, prob)
    else:
        def draw(n, prob, purpose):
            # keyed uniforms for the non-empty cells only (an empty cell draws 0 whatever its uniform)
            return binomial(n, prob, lambda idx: uniform(purpose, idx))

    n_ind = relevance.shape[1]
    seekers = graduates - progression - further
    # 1. partner-firm hires of order/apprenticeship graduates, within the firms' vacancies
    keep = np.floor(seekers * p.retention[None, None, None, :] + 1e-9).astype(np.int64)
    retained = _split(keep, relevance)
    retained_i = retained.reshape(-1, n_ind).sum(axis=0)
    over = np.flatnonzero(retained_i > vac)
    if over.size:
        for i in over:
            col = retained[..., i].reshape(-1)
            retained[..., i] = fill(np.array([vac[i]]), col, np.zeros(col.size, np.int64)).reshape(col.shape) \
                .reshape(retained.shape[:-1])
        retained_i = retained.reshape(-1, n_ind).sum(axis=0)  # (summed again only when some were capped)
    retained_cells = retained.sum(axis=-1)
    # 2. leave the region before searching
    rest = seekers - retained_cells
    joint = p.retention > 0
    out_p = np.where(joint, p.outflow_before * p.joint_outflow_factor, p.outflow_before)
    early_out = draw(rest, np.broadcast_to(out_p[None, None, None, :], rest.shape), "outflow_early")
    search = rest - early_out
    # 3. matching per industry (quality-weighted)
    directed = _split(search, relevance)
    u_i = directed.reshape(-1, n_ind).sum(axis=0)
    open_v = vac - retained_i
    matched = _match(directed, quality, open_v, p)
    # 4. second search across the major's industries, for vacancies left
    matched_first_cells = matched.sum(axis=-1)
    unmatched = search - matched_first_cells
    again = np.floor(unmatched * p.second_search + 1e-9).astype(np.int64)
    first_i = matched.reshape(-1, n_ind).sum(axis=0)
    left_v = open_v - first_i
    second = np.zeros_like(matched)
    if again.any() and left_v.any():
        rel_left = relevance * (left_v > 0)[None, :] * left_v[None, :]
        rows = rel_left.sum(axis=1, keepdims=True)
        rel2 = np.divide(rel_left, rows, out=np.zeros_like(rel_left), where=rows > 0)
        redirected = _split(again * (rows[:, 0] > 0)[None, None, :, None], rel2)
        second = _match(redirected, quality, left_v, p)
    matched_cells = matched_first_cells + second.sum(axis=-1)
    matched_i = first_i + second.reshape(-1, n_ind).sum(axis=0)
    # 5. the unmatched: leave, take a job outside their field, or stay unemployed
    unmatched = search - matched_cells
    late_out = draw(unmatched, p.outflow_unmatched, "outflow_late")
    staying = unmatched - late_out
    other_job = draw(staying, p.unmatched_job_share, "other_job")
    dest = np.stack([progression, further, retained_cells + matched_cells, other_job, early_out + late_out,
                     staying - other_job])
    return MarketOutcome(destinations=dest, vacancies=vac, supply=retained_i + u_i, matched=retained_i + matched_i,
                         matched_first=retained_i + first_i)
