"""Practice and training bases (实习实训基地: every major ≥ 3, 001 §三.3, task 4).

Lever ``levers.bases_per_major_target``: the bases per major schools build towards. Bases are
a stock per school-major. In December a share of bases is lost (``base_attrition``: partners
leave, equipment ages); each school-major short of the target builds new ones as far as its money
pays (``base_cost``, :mod:`simulate.policy.funding`): first with firms of its sub-region that can
host them (cooperating firms host ``bases_per_firm`` × their investment ratio, spread over the
majors that suit their industry), then on campus (校内实训基地) for ``own_base_share`` of the
funded need firms could not host. Compliance (``bases_per_major_compliance``) is judged against the plan's 3
per major (:data:`STANDARD`), whatever the lever asks.
"""

from __future__ import annotations

import numpy as np

from simulate.agents.enterprises import Enterprises
from simulate.alloc import fill
from simulate.jit import jit
from simulate.policy import Lever
from simulate.policy.apprenticeship import major_columns
from simulate.scenario.schema import Scenario

LEVER = Lever(
    path="bases_per_major_target", name_en="Training bases per major", name_zh="每专业实习实训基地数",
    clauses=("001_7664ff0e7f3b3d70.txt §三.3 (task 4)",),
    acts=(("December", "bases are lost and built towards the target with firms or on campus, as money allows"),),
    indicators=("training_bases", "bases_per_major_compliance"),
    parameters=("behaviour.enterprises.bases_per_firm", "behaviour.institutions.base_attrition",
                "behaviour.institutions.own_base_share", "behaviour.budget.base_cost"),
)

STANDARD = 3
"""Training bases every major should have (001_7664ff0e7f3b3d70.txt §三.3: 各专业建有不少于3个实习实训基地)."""


def capacity(f: Enterprises, sc: Scenario, invest_ratio: np.ndarray, relevance: np.ndarray) -> np.ndarray:
    """``(R, M)`` bases cooperating firms can host per sub-region and major.

    April's plans and December's building ask with the same firms (participation changes after the
    December building): the result is kept in ``f.memo`` (read-only) with what it was computed from.
    """
    shape = (len(sc.region.subregions), len(sc.region.industries))
    per_firm = sc.behaviour.enterprises.bases_per_firm
    hit = f.memo.get("base_capacity")
    if (hit is not None and hit[0] is invest_ratio and hit[1] is relevance and hit[2] == (per_firm, shape)
            and np.array_equal(hit[3], f.state)):
        return hit[4]
    who = f.participants()  # per_firm × ratio × participating: nonzero for participants only
    per = np.zeros(f.size)
    per[who] = per_firm * invest_ratio[who]
    cap = f.by_block(per, *shape) @ major_columns(relevance).T
    if not invest_ratio.flags.writeable:  # :func:`investment_ratio`'s kept array: no one writes into it
        cap.flags.writeable = False
        f.memo["base_capacity"] = (invest_ratio, relevance, (per_firm, shape), f.state.copy(), cap)
    return cap


def build(bases: np.ndarray, offers: np.ndarray, target: float, funded_share: np.ndarray, cap_rm: np.ndarray,
          subregion: np.ndarray, lost: np.ndarray, u_school: np.ndarray, own_share: float) -> np.ndarray:
    """December: bases after losses and new building; returns the new ``(S, M)`` stock."""
    n_s, n_m = bases.shape
    # the element-wise steps before and after the fill are compiled passes (they were a dozen numpy passes)
    kept, affordable, group, used = _wanted(bases, lost, offers, np.ceil(target - 1e-9), funded_share, u_school,
                                            subregion, cap_rm.size)
    free = np.maximum(cap_rm.ravel() - used, 0.0)
    hosted = fill(free, affordable.ravel(), group)
    return _built(kept, affordable, hosted.reshape(n_s, n_m), own_share, u_school)


@jit
def _wanted(bases, lost, offers, goal, funded_share, u_school, subregion, n_groups):
    """Bases kept, new bases afforded, each cell's (sub-region, major) group and the bases each group holds.

    As numpy did it: ``want = max(goal − kept, 0)`` where offered (``goal`` the whole target), afforded
    ``min(floor(want × funded share + u), want)``; a group's bases summed in cell order (``np.bincount``'s order).
    """
    n_s, n_m = bases.shape
    kept = np.empty((n_s, n_m), np.int64)
    affordable = np.zeros((n_s, n_m), np.int64)
    group = np.empty(n_s * n_m, np.int64)
    used = np.zeros(n_groups)
    for s in range(n_s):
        for m in range(n_m):
            k = bases[s, m] - lost[s, m]
            kept[s, m] = k
            g = np.int64(subregion[s]) * n_m + m
            group[s * n_m + m] = g
            used[g] += k
            if offers[s, m]:
                d = goal - k
                want = np.int64(d) if d > 0 else 0
                a = np.floor(want * funded_share[s] + u_school[s])
                affordable[s, m] = np.int64(a) if a < want else want
    return kept, affordable, group, used


@jit
def _built(kept, affordable, hosted, own_share, u_school):
    """The new stock: kept + hosted + own, ``own = min(floor((afforded − hosted) × own share + u), afforded − hosted)``.

    Integers but for the floor's argument, computed as numpy computed it.
    """
    n_s, n_m = kept.shape
    out = np.empty((n_s, n_m), np.int64)
    for s in range(n_s):
        for m in range(n_m):
            rest = affordable[s, m] - hosted[s, m]
            own = np.int64(np.floor(rest * own_share + u_school[s]))
            out[s, m] = kept[s, m] + hosted[s, m] + (own if own < rest else rest)
    return out


def need(bases: np.ndarray, offers: np.ndarray, target: float) -> np.ndarray:
    """``(S,)`` new bases each school would build to reach the target."""
    return np.where(offers, np.maximum(np.ceil(target - 1e-9) - bases, 0), 0).sum(axis=1)
