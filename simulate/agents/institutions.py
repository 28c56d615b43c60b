"""Vocational education groups and consortia (职教集团、市域产教联合体, 001 §二 task 9), industrial colleges.

Each school takes part in a number of consortia (``memberships``). In December each membership ends with
probability ``consortium_dissolution_rate``; a school forms (leads) a new consortium with probability
``consortium_formation_rate`` × (its partner firms / ``consortium_partner_firms``), capped at three times
the rate, and joins one more with ``consortium_join_rate`` × the same factor, so consortia follow
enterprise participation (and through it the surcharge credit). The consortia a level × sub-region's
schools lead or join are their memberships ÷ ``consortium_overlap`` (schools of one level and sub-region
in the same consortium). A county/district school opens an industrial college (产业学院, 001 §三.5) once
it has ``industrial_college_partners`` partner firms.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Consortia:
    """Each school's consortium memberships.

    Attributes:
        memberships: ``(S,)`` consortia the school takes part in.
    """

    memberships: np.ndarray

    @property
    def member(self) -> np.ndarray:
        """``(S,)`` the school is in at least one consortium."""
        return self.memberships > 0


def partner_firms(coop_by_region: np.ndarray, active: np.ndarray, subregion: np.ndarray) -> np.ndarray:
    """``(S,)`` cooperating firms per school: a sub-region's cooperating firms over its enrolling schools.

    A firm partners with a school whatever the school's size, so a small county school has as many
    potential partners as a large one (its industrial park's firms).
    """
    schools = np.bincount(subregion[active], minlength=coop_by_region.size)
    per = np.divide(coop_by_region, schools, out=np.zeros(coop_by_region.size), where=schools > 0)
    return np.where(active, per[subregion], 0.0)


def update(c: Consortia, active: np.ndarray, partners: np.ndarray, rate: float, partner_ref: float, join_rate: float,
           ended: np.ndarray, u_form: np.ndarray, u_join: np.ndarray) -> None:
    """December: memberships that ended (``ended``, drawn by the caller), formations and joins, in place."""
    n_s = active.size
    factor = np.minimum(partners / partner_ref, 3.0)
    form = active & (u_form[:n_s] < rate * factor)
    join = active & (u_join[:n_s] < join_rate * factor)
    c.memberships = np.where(active, c.memberships - ended + form + join, 0)


def industrial_colleges(colleges: np.ndarray, partners: np.ndarray, threshold: int) -> np.ndarray:
    """Schools with an industrial college: those that had one, and those reaching ``threshold`` partners."""
    return colleges | (partners >= threshold)
