"""Teacher enterprise practice (教师企业实践, 000 §(八); 003 §9, §15) and dual-qualified certification.

Lever ``levers.teacher_practice``: the rule (``months_required`` in ``window_years``), its
``enforcement`` (share of teachers short of the rule whom schools send) and ``post_rate`` (the
practice posts firms are asked to offer, ≥ 0.5% of staff, 003 §9).

* **July, posts**: large and medium firms (大中型企业, the firms 003 §9 addresses) offer
  ``post_rate`` × staff, cooperating ones at ``post_compliance_participating``, the others at
  ``post_compliance_other``; public teacher-training bases (国培/省培基地) add
  ``public_posts_per_100_teachers``.
* **July, placements**: specialty teachers short of the rule seek a post with probability
  ``enforcement``; each school sends as many as its practice money pays for
  (:mod:`simulate.policy.funding`); posts go first to teachers who are not yet dual-qualified
  (and to new teachers without their first-three-years practice), then to certified teachers due
  under the five-year rule, by lot within a class.
* **December, certification** (双师型认定): a practice-compliant specialty teacher who is not yet
  dual-qualified is certified with probability ``certification_rate`` × the school's funded share
  of certification courses.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulate.agents.enterprises import Enterprises
from simulate.agents.teachers import Teachers
from simulate.jit import jit
from simulate.policy import Lever
from simulate.scenario.schema import Scenario
from simulate.streams import Draw

LEVER = Lever(
    path="teacher_practice", name_en="Teacher enterprise-practice rule", name_zh="教师企业实践制度",
    clauses=("000_e33053aec7dde7aa.txt §(八)", "003_6dbe643eb8838f3a.txt §9", "003_6dbe643eb8838f3a.txt §15"),
    acts=(("July", "large and medium firms and public bases offer posts; schools send teachers short of the rule"),
          ("December", "practice-compliant teachers with a funded course are certified dual-qualified")),
    indicators=("practice_posts", "practice_posts_rate", "teachers_placed_in_practice",
                "teacher_practice_compliance", "new_teacher_practice_compliance", "teachers_certified",
                "dual_qualified_teachers", "dual_qualified_share", "dual_share_compliance"),
    parameters=("behaviour.enterprises.post_compliance_participating", "behaviour.enterprises.post_compliance_other",
                "behaviour.enterprises.public_posts_per_100_teachers", "behaviour.enterprises.medium_staff",
                "behaviour.teachers.practice_months_per_post", "behaviour.teachers.certification_rate",
                "behaviour.budget.practice_cost_per_month"),
)


@dataclass(frozen=True)
class PracticePosts:
    """Posts offered in July.

    Attributes:
        firm_posts: posts offered by firms.
        public_posts: places at public teacher-training bases.
        covered_staff: employees of the large and medium firms the 0.5% rule addresses.
    """

    firm_posts: float
    public_posts: float
    covered_staff: float

    @property
    def total(self) -> float:
        """All posts."""
        return self.firm_posts + self.public_posts

    @property
    def rate(self) -> float:
        """Firm posts per employee of the firms the rule covers (the 003 §9 indicator)."""
        return self.firm_posts / self.covered_staff if self.covered_staff > 0 else 0.0


def covered_firms(f: Enterprises, medium_staff: int) -> np.ndarray:
    """Large and medium firms (≥ 1亿元 revenue or ≥ ``medium_staff`` employees)."""
    return f.large | (f.employees >= medium_staff)


def posts_offered(f: Enterprises, sc: Scenario, year: int, specialty_teachers: float) -> PracticePosts:
    """July: practice posts from firms and public training bases."""
    b = sc.behaviour.enterprises
    covered = covered_firms(f, b.medium_staff)
    compliance = np.where(f.participating, b.post_compliance_participating, b.post_compliance_other)
    staff = f.weight * f.employees * covered
    firm = float((staff * compliance).sum()) * sc.levers.teacher_practice.post_rate.at(year)
    public = b.public_posts_per_100_teachers * specialty_teachers / 100.0
    return PracticePosts(firm_posts=firm, public_posts=public, covered_staff=float(staff.sum()))


def needing(t: Teachers, months: np.ndarray, months_required: int, specialty: np.ndarray | None = None) -> np.ndarray:
    """Specialty teachers short of the rule in the window, or new teachers short of their first-years months.

    Args:
        specialty: :attr:`Teachers.specialty`, if the caller has it (January shares it with other counts).
    """
    need = t.service < 3
    need &= t.early_practice < months_required  # new and short of the first-years months
    need |= months < months_required
    need &= t.specialty if specialty is None else specialty
    return need


def candidates(t: Teachers, months: np.ndarray, months_required: int,
               specialty: np.ndarray | None = None) -> np.ndarray:
    """Specialty teachers not yet dual-qualified who meet the practice rule: who may be certified."""
    cand = months >= months_required
    cand &= t.specialty if specialty is None else specialty
    cand &= ~t.dual
    return cand


def place(t: Teachers, months: np.ndarray, months_required: int, enforcement: float, funded_share: np.ndarray,
          posts: float, months_per_post: int, year_slot: int, draw: Draw) -> np.ndarray:
    """Place teachers in practice posts (summer); returns the placed slots.

    Args:
        months: practice months in the rule's window per slot (before this summer).
        funded_share: ``(S,)`` share of the practice the rule asks for that each school can pay.
        draw: keyed uniforms per slot (``seek``: sent under enforcement and funding; ``lot`` within a
            priority class).
    """
    t.practice[year_slot] = 0
    need = _needing_slots(t.active, t.part_time, t.professional, t.service, t.early_practice, months,
                          months_required)  # np.flatnonzero(needing(...)), compiled
    # the rule sends a teacher with probability `enforcement`, if the school's practice money pays for it
    send = enforcement * funded_share  # per school, compared per teacher in `_below` (the same products)
    seekers = _below(need, draw("seek", t.uid[need]), send, t.school)
    n_posts = int(posts)
    if seekers.size > n_posts:
        # priority in [0, 2): class (0 not yet dual-qualified or new, 1 certified and due) + a lot
        priority = np.where(t.dual[seekers] & (t.service[seekers] >= 3), 1.0, 0.0) + draw("lot", t.uid[seekers])
        # the partition scrambles the slots: sort them back (without it they stay in slot order)
        seekers = np.sort(seekers[np.argpartition(priority, n_posts)[:n_posts]]) if n_posts > 0 else seekers[:0]
    t.practice[year_slot][seekers] = min(months_per_post, 127)  # through the row: a 1-D scatter is faster
    early = seekers[t.service[seekers] < 3]
    t.early_practice[early] += months_per_post
    return seekers


@jit
def _needing_slots(active: np.ndarray, part_time: np.ndarray, professional: np.ndarray, service: np.ndarray,
                   early: np.ndarray, months: np.ndarray, months_required: int) -> np.ndarray:
    """The slots :func:`needing` flags, ascending.

    A branch-free pass over byte views writes the flags (vectorised by the compiler), a second gathers the
    flagged slots, writing every slot and advancing only for the flagged (numpy took six passes over every
    record and a flatnonzero).
    """
    n = active.size
    a8, p8, s8 = active.view(np.uint8), part_time.view(np.uint8), professional.view(np.uint8)
    flag = np.empty(n, np.uint8)
    for i in range(n):
        short = np.uint8(months[i] < months_required)
        new = np.uint8(service[i] < 3) & np.uint8(early[i] < months_required)
        flag[i] = a8[i] & (p8[i] ^ 1) & s8[i] & (new | short)
    return _flagged(flag)


@jit
def _candidate_slots(active: np.ndarray, part_time: np.ndarray, professional: np.ndarray, dual: np.ndarray,
                     months: np.ndarray, months_required: int) -> np.ndarray:
    """The slots :func:`candidates` flags, ascending (as :func:`_needing_slots`)."""
    n = active.size
    a8, p8, s8, d8 = active.view(np.uint8), part_time.view(np.uint8), professional.view(np.uint8), dual.view(np.uint8)
    flag = np.empty(n, np.uint8)
    for i in range(n):
        flag[i] = a8[i] & (p8[i] ^ 1) & s8[i] & (d8[i] ^ 1) & np.uint8(months[i] >= months_required)
    return _flagged(flag)


@jit
def _flagged(flag: np.ndarray) -> np.ndarray:
    """``np.flatnonzero(flag)`` for 0/1 bytes, branch-free (the flagged fall at random)."""
    out = np.empty(flag.size, np.int64)
    k = 0
    for i in range(flag.size):
        out[k] = i
        k += flag[i]
    return out[:k].copy()


@jit
def _below(slots: np.ndarray, u: np.ndarray, chance: np.ndarray, school: np.ndarray) -> np.ndarray:
    """``slots[u < chance[school[slots]]]``: the slots whose uniform falls below their school's chance, in order.

    One compiled pass instead of two gathers, a comparison and a boolean index over tens of thousands of
    teachers (≈3× faster); branch-free (every slot is written, the count advances only for those kept), as
    the kept ones fall at random.
    """
    out = np.empty(slots.size, np.int64)
    k = 0
    for j in range(slots.size):
        i = slots[j]
        out[k] = i
        k += u[j] < chance[school[i]]
    return out[:k].copy()


def certify(t: Teachers, months: np.ndarray, months_required: int, rate: float, funded_share: np.ndarray,
            draw: Draw) -> np.ndarray:
    """December certification (双师型认定) of practice-compliant specialty teachers; returns their slots."""
    cand = _candidate_slots(t.active, t.part_time, t.professional, t.dual, months,
                            months_required)  # np.flatnonzero(candidates(...)), compiled
    chance = rate * funded_share  # per school, compared per teacher in `_below` (the same products)
    won = _below(cand, draw("certification", t.uid[cand]), chance, t.school)
    t.dual[won] = True
    return won


def practice_need(t: Teachers, months: np.ndarray, months_required: int, enforcement: float,
                  n_schools: int, specialty: np.ndarray | None = None) -> np.ndarray:
    """January: teachers per school the rule would send to practice this year (for the school budget)."""
    return enforcement * t.per_school(needing(t, months, months_required, specialty), n_schools)


def certification_need(t: Teachers, months: np.ndarray, months_required: int, rate: float,
                       n_schools: int, specialty: np.ndarray | None = None) -> np.ndarray:
    """January: expected certification courses per school this year (candidates × rate)."""
    return rate * t.per_school(candidates(t, months, months_required, specialty), n_schools)
