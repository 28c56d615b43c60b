"""Teachers (教师) as individual records in a struct of arrays.

A record is a full-time teacher or an enterprise part-time teacher (企业兼职教师).
Full-time specialty teachers (专业课教师) need enterprise practice (6 months in
5 years, 企业实践) and may be certified dual-qualified (双师型). Records are
never deleted: a teacher who leaves becomes inactive, so every person hired is
accounted for.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

WINDOW = 10
"""Years of enterprise-practice history kept per teacher (the rule's window is ≤ 10)."""


@dataclass
class Teachers:
    """Struct of arrays over teacher slots (capacity grows when full).

    Attributes:
        active: slot holds a serving teacher.
        school: school index.
        professional: teaches specialty courses (专业课).
        part_time: enterprise part-time teacher (兼职).
        dual: certified dual-qualified (双师型).
        service: years of service.
        practice: ``(WINDOW, N)`` months of enterprise practice per year, ring buffer by year.
        early_practice: months of practice in the first three years of service.
    """

    active: np.ndarray
    school: np.ndarray
    professional: np.ndarray
    part_time: np.ndarray
    dual: np.ndarray
    service: np.ndarray
    practice: np.ndarray
    early_practice: np.ndarray

    @classmethod
    def empty(cls, capacity: int) -> Teachers:
        """Allocate ``capacity`` inactive slots."""
        return cls(
            active=np.zeros(capacity, bool),
            school=np.zeros(capacity, np.int64),
            professional=np.zeros(capacity, bool),
            part_time=np.zeros(capacity, bool),
            dual=np.zeros(capacity, bool),
            service=np.zeros(capacity, np.int16),
            practice=np.zeros((WINDOW, capacity), np.int8),
            early_practice=np.zeros(capacity, np.int16),
        )

    def add(self, school: np.ndarray, professional: np.ndarray, part_time: bool, dual: np.ndarray | None = None,
            service: np.ndarray | None = None) -> np.ndarray:
        """Fill free slots with new teachers; returns their slot indices."""
        n = school.size
        free = np.flatnonzero(~self.active)
        if free.size < n:
            self._grow(n - free.size)
            free = np.flatnonzero(~self.active)
        slots = free[:n]
        self.active[slots] = True
        self.school[slots] = school
        self.professional[slots] = professional
        self.part_time[slots] = part_time
        self.dual[slots] = False if dual is None else dual
        self.service[slots] = 0 if service is None else service
        self.practice[:, slots] = 0
        self.early_practice[slots] = 0
        return slots

    def _grow(self, at_least: int) -> None:
        extra = max(at_least, self.active.size // 2)
        more = Teachers.empty(extra)
        for name in self.__dataclass_fields__:
            axis = 1 if name == "practice" else 0
            setattr(self, name, np.concatenate([getattr(self, name), getattr(more, name)], axis=axis))

    def practice_months(self, window_years: int, year_slot: int) -> np.ndarray:
        """Months of practice in the last ``window_years`` years (including this one)."""
        total = np.zeros(self.active.size, np.int16)
        for k in range(min(window_years, WINDOW)):
            total += self.practice[(year_slot - k) % WINDOW]
        return total

    def needs_practice(self, months_required: int, window_years: int, year_slot: int) -> np.ndarray:
        """Full-time specialty teachers short of the practice rule."""
        ft = self.active & self.professional & ~self.part_time
        return ft & (self.practice_months(window_years, year_slot) < months_required)


def bernoulli_subset(idx: np.ndarray, p: float, rng: np.random.Generator) -> np.ndarray:
    """Keep each of ``idx`` independently with probability ``p``, as a sorted subset.

    Draws how many (binomial) and then which (uniform without replacement): the same
    distribution as one uniform draw per element, at a cost proportional to the kept ones.
    """
    if p >= 0.05:  # many kept: one uniform per element is cheaper than choosing which
        return idx[rng.random(idx.size) < p]
    k = int(rng.binomial(idx.size, p)) if idx.size else 0
    if k == 0:
        return idx[:0]
    return np.sort(idx[rng.choice(idx.size, size=k, replace=False)])


def summer_practice(t: Teachers, posts: float, months_per_post: int, enforcement: float, months_required: int,
                    window_years: int, year_slot: int, rng: np.random.Generator) -> int:
    """Place teachers short of the rule in enterprise practice posts (summer); new teachers first.

    Returns:
        The number of teachers placed (≤ posts).
    """
    t.practice[year_slot] = 0
    needy = np.flatnonzero(t.needs_practice(months_required, window_years, year_slot))
    seekers = bernoulli_subset(needy, enforcement, rng)
    n_posts = int(posts)
    if seekers.size > n_posts:  # new teachers first (their first-3-years rule), the rest by lot
        is_new = t.service[seekers] < 3
        new, old = seekers[is_new], seekers[~is_new]
        if new.size >= n_posts:
            seekers = rng.choice(new, size=n_posts, replace=False)
        else:
            seekers = np.concatenate([new, rng.choice(old, size=n_posts - new.size, replace=False)])
    t.practice[year_slot, seekers] = months_per_post
    early = seekers[t.service[seekers] < 3]
    t.early_practice[early] += months_per_post
    return int(seekers.size)


def certify(t: Teachers, months: np.ndarray, months_required: int, rate: float, rng: np.random.Generator) -> int:
    """Certify practice-compliant specialty teachers as dual-qualified (双师型认定); returns new count.

    Args:
        months: per record, practice months in the rule's window (:meth:`Teachers.practice_months`).
    """
    cand = t.active & t.professional & ~t.part_time & ~t.dual & (months >= months_required)
    won = bernoulli_subset(np.flatnonzero(cand), rate, rng)
    t.dual[won] = True
    return int(won.size)


def leave(t: Teachers, attrition: float, career_years: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """December exits: retirement at the end of a career, quits at the attrition rate.

    Returns:
        Slot indices of retirees and of quitters (both now inactive).
    """
    retire = np.flatnonzero(t.active & (t.service >= career_years))
    quit_ = bernoulli_subset(np.flatnonzero(t.active & (t.service < career_years)), attrition, rng)
    t.active[retire] = False
    t.active[quit_] = False
    np.add(t.service, t.active, out=t.service, casting="unsafe")  # a year of service for those who stay
    return retire, quit_


def hire(t: Teachers, n_by_school: np.ndarray, professional_share: np.ndarray, rng: np.random.Generator
         ) -> np.ndarray:
    """Hire full-time teachers per school; a share of them teach specialty courses. Returns their slots."""
    school = np.repeat(np.arange(n_by_school.size, dtype=np.int32), n_by_school)
    prof = rng.random(school.size) < professional_share[school]
    return t.add(school, prof, part_time=False)


def engage_part_time(t: Teachers, n_by_school: np.ndarray) -> np.ndarray:
    """Engage enterprise part-time specialty teachers per school (企业兼职教师). Returns their slots."""
    school = np.repeat(np.arange(n_by_school.size, dtype=np.int32), n_by_school)
    return t.add(school, np.ones(school.size, bool), part_time=True)


def tally(t: Teachers, n_schools: int, months: np.ndarray, months_required: int) -> dict[str, np.ndarray]:
    """Per-school counts of every teacher kind, with practice compliance judged on ``months``."""
    return counts_by_kind(t, n_schools, months >= months_required, t.early_practice >= months_required)


def counts_by_kind(t: Teachers, n_schools: int, compliant: np.ndarray, early_ok: np.ndarray) -> dict[str, np.ndarray]:
    """Per-school counts of every teacher kind the recorder reports, in one pass over the records.

    Args:
        compliant: per record, meets the practice rule in the current window.
        early_ok: per record, did the required months in the first three years of service.
    """
    u8 = np.uint8
    code = (t.part_time.view(u8) | (t.professional.view(u8) << u8(1)) | (t.dual.view(u8) << u8(2))
            | (compliant.view(u8) << u8(3)) | ((t.service >= 3).view(u8) << u8(4)) | (early_ok.view(u8) << u8(5)))
    code[~t.active] = 64  # a bucket for empty slots, dropped below
    table = np.bincount(t.school * 65 + code, minlength=n_schools * 65).reshape(n_schools, 65)[:, :64]
    c = np.arange(64)
    pt, prof, dual, comp, senior, early = ((c >> k) & 1 == 1 for k in range(6))

    def pick(sel: np.ndarray) -> np.ndarray:
        return table[:, sel].sum(axis=1)

    return {
        "fulltime": pick(~pt),
        "professional": pick(~pt & prof),
        "dual": pick(~pt & prof & dual),
        "part_time": pick(pt),
        "compliant": pick(~pt & prof & comp),
        "senior": pick(~pt & senior),
        "senior_early_ok": pick(~pt & senior & early),
    }
