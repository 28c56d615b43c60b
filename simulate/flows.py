"""Typed flows of one simulated year: what each step produced, read by later steps and the recorder.

Each calendar step fills its own record (:class:`Budget` in January, :class:`Planning` in April,
:class:`Graduation` in July, :class:`Enrollment` in September, :class:`Accounting` in December);
:class:`YearFlows` holds the five. Arrays are per school (``(S,)``), per school × major (``(S, M)``)
or as documented.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulate.market.labour import MarketOutcome
from simulate.policy.apprenticeship import JointTraining
from simulate.policy.budget import PublicCost
from simulate.policy.funding import SchoolMoney
from simulate.policy.surcharge_share import Surcharge
from simulate.policy.teacher_practice import PracticePosts


@dataclass
class Budget:
    """January.

    Attributes:
        money: what each school is paid and how it is shared.
        surcharge: local surcharge collected and paid to schools.
        cost: the year's public cost by item (subsidies are added in December).
    """

    money: SchoolMoney
    surcharge: Surcharge
    cost: PublicCost


@dataclass
class Planning:
    """April.

    Attributes:
        opened: ``(K, 2)`` (school, major) pairs opened.
        merged: ``(K, 2)`` (school, into) pairs merged.
        plan: ``(S, M)`` September's plan within teacher capacity (the schools' own plans stay in
            ``Schools.plan``, so a year short of teachers does not cut later plans).
    """

    opened: np.ndarray
    merged: np.ndarray
    plan: np.ndarray


@dataclass
class Graduation:
    """June–July.

    Attributes:
        dropouts: ``(S, M, T)`` students who left school.
        graduates: ``(S, M, T)`` students who completed the final grade.
        market: destinations and the market per industry.
        posts: teacher-practice posts offered.
        placed: teachers placed in practice this summer.
    """

    dropouts: np.ndarray
    graduates: np.ndarray
    market: MarketOutcome
    posts: PracticePosts
    placed: int


@dataclass
class Enrollment:
    """September.

    Attributes:
        entrants: ``(S, M)`` new students.
        joint: joint-training places sought and filled.
        order_classes: ``(S,)`` order/apprenticeship classes formed.
    """

    entrants: np.ndarray
    joint: JointTraining
    order_classes: np.ndarray


@dataclass
class Accounting:
    """December.

    Attributes:
        certified, retired, quit, hired, engaged, released: teachers (counts).
        staff_trained: employees trained this year (weighted).
        joined, left: firms that started or stopped cooperating (weighted).
    """

    certified: int
    retired: int
    quit: int
    hired: int
    engaged: int
    released: int
    staff_trained: float
    joined: float
    left: float


@dataclass
class YearFlows:
    """The five records of the current year (``None`` until the step has run)."""

    budget: Budget | None = None
    planning: Planning | None = None
    graduation: Graduation | None = None
    enrollment: Enrollment | None = None
    accounting: Accounting | None = None
