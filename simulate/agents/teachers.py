"""Teachers (教师) as individual records in a struct of arrays.

A record is a full-time teacher or an enterprise part-time teacher (企业兼职教师).
Full-time specialty teachers (专业课教师) need enterprise practice (6 months in
5 years, 企业实践) and may be certified dual-qualified (双师型). Records are
never deleted: a teacher who leaves becomes inactive, so every person hired is
accounted for.

Randomness is drawn per record slot from keyed streams (:class:`simulate.streams.Streams`):
slot ``i`` gets the same uniform in every compared scenario, so a lever changes
*which* teachers act only through the rule it changes, not through shifted draws.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from simulate.jit import jit
from simulate.scenario.schema import Teachers as TeacherParams
from simulate.streams import Draw

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
        female: a woman (her statutory retirement age differs).
        age: age in years.
        service: years of service.
        from_industry: hired from industry with enterprise experience (国发〔2019〕4号 §(十二)).
        practice: ``(WINDOW, N)`` months of enterprise practice per year, ring buffer by year.
        early_practice: months of practice in the first three years of service.
        quit_year: the December in which the teacher quits if still below retirement age: a geometric
            lifetime drawn at hiring at the yearly quit rate (memoryless, so the same as a yearly draw, and a
            compared scenario sees the same teacher quit in the same year).
        uid: identity of the person in the slot, the key of their random draws: the base staff are
            numbered, a hire is named by (year, school, rank among the school's hires that year), so the
            same person draws the same luck in every compared scenario (:func:`hire_uid`).
    """

    active: np.ndarray
    school: np.ndarray
    professional: np.ndarray
    part_time: np.ndarray
    dual: np.ndarray
    female: np.ndarray
    age: np.ndarray
    service: np.ndarray
    from_industry: np.ndarray
    practice: np.ndarray
    early_practice: np.ndarray
    quit_year: np.ndarray
    uid: np.ndarray

    @classmethod
    def empty(cls, capacity: int) -> Teachers:
        """Allocate ``capacity`` inactive slots."""
        return cls(
            active=np.zeros(capacity, bool),
            school=np.zeros(capacity, np.int64),
            professional=np.zeros(capacity, bool),
            part_time=np.zeros(capacity, bool),
            dual=np.zeros(capacity, bool),
            female=np.zeros(capacity, bool),
            age=np.zeros(capacity, np.int16),
            service=np.zeros(capacity, np.int16),
            from_industry=np.zeros(capacity, bool),
            practice=np.zeros((WINDOW, capacity), np.int8),
            early_practice=np.zeros(capacity, np.int16),
            quit_year=np.zeros(capacity, np.int16),
            uid=np.zeros(capacity, np.int64),
        )

    @property
    def size(self) -> int:
        """Number of slots (active or not)."""
        return self.active.size

    def add(self, school: np.ndarray, professional: np.ndarray, part_time: bool, *, dual: np.ndarray | None = None,
            female: np.ndarray | None = None, age: np.ndarray | int = 0, service: np.ndarray | int = 0,
            from_industry: np.ndarray | bool = False, uid: np.ndarray | None = None,
            quit_year: np.ndarray | int = 32767) -> np.ndarray:
        """Fill free slots (lowest first) with new teachers; returns their slot indices."""
        n = school.size
        slots = _first_free(self.active, n)  # compiled: stops at the n-th free slot, no mask or index array
        if slots.size < n:
            self._grow(n - slots.size)
            slots = _first_free(self.active, n)
        # the free slots are often one run (the world build, slots added by growing): a slice writes each
        # field several times faster than the index array (the slots are ascending, so a run iff they span n)
        at = slice(int(slots[0]), int(slots[0]) + n) if n and slots[-1] - slots[0] == n - 1 else slots
        self.active[at] = True
        self.school[at] = school
        self.professional[at] = professional
        self.part_time[at] = part_time
        self.dual[at] = False if dual is None else dual
        self.female[at] = False if female is None else female
        self.age[at] = age
        self.service[at] = service
        self.from_industry[at] = from_industry
        if isinstance(at, slice):
            self.practice[:, at] = 0
        else:  # scattered slots: a compiled loop is ~3× numpy's 2-D fancy-index scatter
            _clear_columns(self.practice, slots)
        self.early_practice[at] = 0
        self.uid[at] = np.arange(n) if uid is None else uid
        self.quit_year[at] = quit_year
        return slots

    def _grow(self, at_least: int) -> None:
        extra = max(at_least, self.active.size // 2)
        more = Teachers.empty(extra)
        for name in self.__dataclass_fields__:
            axis = 1 if name == "practice" else 0
            setattr(self, name, np.concatenate([getattr(self, name), getattr(more, name)], axis=axis))

    def practice_months(self, window_years: int, year_slot: int, slots: np.ndarray | None = None) -> np.ndarray:
        """Months of practice in the last ``window_years`` years (including this one).

        Args:
            slots: only these slots (in their order); all slots when ``None``. December recounts only the
                slots it filled instead of every record (the others' practice did not change).
        """
        # compiled sums (integers: exact in any order) instead of a gather of the rows and a pass per year
        rows = window_rows(window_years, year_slot)
        if slots is None:
            return _window_sum(self.practice, rows)
        return _window_sum_at(self.practice, rows, np.asarray(slots, np.int64))

    @property
    def specialty(self) -> np.ndarray:
        """Serving full-time specialty teachers."""
        return self.active & self.professional & ~self.part_time

    def per_school(self, mask: np.ndarray, n_schools: int) -> np.ndarray:
        """Teachers per school among the slots in the boolean ``mask``.

        A compiled histogram of (school, in mask) (:func:`_school_histogram`): numpy needed the mask's
        indices, a gather of their schools and a bincount (≈2.5× the time).
        """
        return _school_histogram(self.school, mask.view(np.uint8), n_schools, 2, 4)[:, 1].copy()

    def serving_per_school(self, n_schools: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Full-time, part-time and full-time specialty teachers per school, ``(S,)`` each.

        One compiled pass over the records (:func:`_serving_counts`) instead of three :meth:`per_school`
        passes: December needs all three.
        """
        out = _serving_counts(self.school, self.active, self.part_time, self.professional, n_schools)
        return out[0], out[1], out[2]


def window_rows(window_years: int, year_slot: int) -> np.ndarray:
    """Rows of :attr:`Teachers.practice` holding the last ``window_years`` years (including ``year_slot``'s)."""
    return np.array([(year_slot - k) % WINDOW for k in range(min(window_years, WINDOW))], np.int64)


@jit
def _serving_counts(school: np.ndarray, active: np.ndarray, part_time: np.ndarray, professional: np.ndarray,
                    n_schools: int) -> np.ndarray:
    """``(3, S)`` full-time, part-time and full-time specialty teachers per school.

    Each record's kind is a byte code from a branch-free pass over byte views (vectorised by the compiler; numpy
    took four passes), counted in a (school, kind) histogram, record ``i`` in partial table ``i % 4`` so that adds
    to the same cell do not wait on each other (integer counts: exact in any order).
    """
    n = school.size
    a8, p8, s8 = active.view(np.uint8), part_time.view(np.uint8), professional.view(np.uint8)
    kind = np.empty(n, np.uint8)
    for i in range(n):  # 0 full-time other, 1 full-time specialty, 2 part-time; 4 and over: empty slot
        kind[i] = ((s8[i] & (p8[i] ^ 1)) | (p8[i] << 1)) | ((a8[i] ^ 1) << 2)
    part = np.zeros((4, n_schools, 8), np.int64)
    for i in range(n):
        part[i & 3, school[i], kind[i]] += 1
    out = np.zeros((3, n_schools), np.int64)
    for s in range(n_schools):
        for q in range(4):
            out[0, s] += part[q, s, 0] + part[q, s, 1]
            out[1, s] += part[q, s, 2]
            out[2, s] += part[q, s, 1]
    return out


@jit
def _school_histogram(school: np.ndarray, code: np.ndarray, n_schools: int, n_codes: int, lanes: int) -> np.ndarray:
    """``(S, n_codes)`` records per (school, code); codes ≥ ``n_codes`` are not counted.

    Consecutive records often add to the same cell (the synthesised records of a school start in runs; hires
    later scatter them into freed slots), and each add waits for the previous one to that cell: record ``i``
    counts in partial table ``i % lanes`` (a power of two) to break those chains; the partial tables are summed
    at the end (integers, exact).
    """
    part = np.zeros((lanes, n_schools, n_codes), np.int64)
    for i in range(school.size):
        c = code[i]
        if c < n_codes:
            part[i & (lanes - 1), school[i], c] += 1
    out = part[0].copy()
    for q in range(1, lanes):
        out += part[q]
    return out


@jit
def _first_free(active: np.ndarray, n: int) -> np.ndarray:
    """The first ``n`` inactive slots, ascending (fewer if there are fewer).

    The scan stops at the n-th free slot: December's hires fill slots that leavers freed, scattered early in
    the records, where ``np.flatnonzero(~active)`` negated and scanned all ~80,000 slots (≈4–5× slower).
    """
    out = np.empty(n, np.int64)
    k = 0
    for i in range(active.size):
        if k == n:
            break
        if not active[i]:
            out[k] = i
            k += 1
    return out[:k]


@jit
def _clear_columns(practice: np.ndarray, slots: np.ndarray) -> None:
    """Zero the practice history (every year row) of ``slots``."""
    for r in range(practice.shape[0]):
        for j in range(slots.size):
            practice[r, slots[j]] = 0


@jit
def _window_sum(practice: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Per slot, the int16 sum of the practice months in year ``rows`` (integers: any order is exact)."""
    out = np.zeros(practice.shape[1], np.int16)
    for r in rows:
        row = practice[r]
        for i in range(out.size):
            out[i] += row[i]
    return out


@jit
def _window_sum_at(practice: np.ndarray, rows: np.ndarray, slots: np.ndarray) -> np.ndarray:
    """:func:`_window_sum` for the given slots only, in their order."""
    out = np.zeros(slots.size, np.int16)
    for r in rows:
        row = practice[r]
        for j in range(slots.size):
            out[j] += row[slots[j]]
    return out


def at_least(values: np.ndarray, x: float) -> np.ndarray:
    """``values >= x`` for an integer array (ages, years of service), compared with the whole number ⌈x⌉.

    The same answer as comparing with the float, without the array's conversion to floats (4× slower).
    """
    return values >= math.ceil(x) if math.isfinite(x) else values >= x


def at_least_threshold(x: float) -> int:
    """The whole number ``k`` with ``v >= k`` ⇔ ``v >= x`` for every int16 ``v`` (:func:`at_least` in a kernel).

    NaN and +inf: no value qualifies; −inf: every value does (int16 values lie strictly within ±2^31).
    """
    if math.isfinite(x):
        return math.ceil(x)
    return -(2 ** 31) if x < 0 else 2 ** 31


def hire_uid(year: int, school: np.ndarray, kind: int) -> np.ndarray:
    """Identities of people joining in ``year``: (kind, year, school, rank among the school's joiners)."""
    school = np.asarray(school, np.int64)
    rank = np.arange(school.size) - np.searchsorted(school, school)  # school is sorted (np.repeat order)
    return (np.int64(1 + kind) << np.int64(58)) | (np.int64(year) << np.int64(44)) | (school << np.int64(20)) | rank


def quit_years(first: int, rate: float, u: np.ndarray) -> np.ndarray:
    """The December each teacher quits: ``first`` + a geometric number of whole years at the yearly ``rate``."""
    if rate <= 1e-9:
        return np.full(u.size, 32767, np.int16)
    years = np.log(np.clip(u, 1e-300, 1.0)) / np.log1p(-min(rate, 1 - 1e-12))
    return np.minimum(first + np.floor(np.minimum(years, 32767.0)), 32767).astype(np.int16)


def retire_and_quit(t: Teachers, retirement_male: float, retirement_female: float, year: int,
                    draw: Draw) -> tuple[np.ndarray, np.ndarray]:
    """December exits: retirement at the statutory age, quits below it; survivors age a year.

    A fractional retirement age (the 2025 reform raises it a month at a time) retires the teachers
    at its whole part with probability 1 − fraction.

    Args:
        year: this December (teachers whose ``quit_year`` it is quit).
        draw: keyed uniforms per person (purpose ``retirement``, for the fractional retirement age).

    Returns:
        Slot indices of retirees and of quitters (both now inactive).
    """
    youngest = np.floor(min(retirement_male, retirement_female))
    # one compiled scan for everyone who may leave (old enough to retire, or at their quit year), then split the few
    leaving = _leaving(t.active, t.part_time, t.age, t.quit_year, at_least_threshold(youngest), year)
    # the few leavers are split in two compiled passes (about fifteen numpy calls on small arrays before)
    old, due, edge, gap = _retirement_due(leaving, t.age, t.female, float(youngest), float(retirement_male),
                                          float(retirement_female))
    u = draw("retirement", t.uid[old[edge]])  # at the fractional age's whole part: retire with prob. 1 − fraction
    retire, quit_ = _retirees_and_quitters(leaving, old, due, edge, u, gap, t.quit_year, year)
    t.active[retire] = False
    t.active[quit_] = False
    stay = t.active
    np.add(t.service, stay, out=t.service, casting="unsafe")
    np.add(t.age, stay, out=t.age, casting="unsafe")
    return retire, quit_


@jit
def _leaving(active: np.ndarray, part_time: np.ndarray, age: np.ndarray, quit_year: np.ndarray, old: int,
             year: int) -> np.ndarray:
    """Serving full-time slots with ``age >= old`` or ``quit_year <= year``, ascending.

    A branch-free pass over byte views writes the flags (vectorised by the compiler), a second one gathers
    the flagged slots, writing every slot and advancing only for the flagged (numpy took five passes over every
    record and a flatnonzero).
    """
    n = active.size
    a8, p8 = active.view(np.uint8), part_time.view(np.uint8)
    flag = np.empty(n, np.uint8)
    for i in range(n):
        flag[i] = a8[i] & (p8[i] ^ 1) & (np.uint8(age[i] >= old) | np.uint8(quit_year[i] <= year))
    out = np.empty(n, np.int64)
    k = 0
    for i in range(n):
        out[k] = i
        k += flag[i]
    return out[:k].copy()


@jit
def _retirement_due(leaving: np.ndarray, age: np.ndarray, female: np.ndarray, youngest: float, age_male: float,
                    age_female: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Of the ``leaving`` slots, those at or over the ``youngest`` retirement age (``old``) and who must retire.

    Per old teacher ``ra`` is their sex's retirement age, ``whole`` its whole part: ``due`` if older than
    ``whole`` or exactly ``whole`` with a whole ``ra``; ``edge`` (positions into ``old``) are those exactly
    ``whole`` with a fractional ``ra``, who retire by lot against ``gap = ra − whole`` (numpy's comparisons of
    the int16 ages with the float ages, and its subtraction: the same IEEE operations).
    """
    old = np.empty(leaving.size, np.int64)
    due = np.empty(leaving.size, np.bool_)
    edge = np.empty(leaving.size, np.int64)
    gap = np.empty(leaving.size, np.float64)
    n_old = 0
    n_edge = 0
    for j in range(leaving.size):
        i = leaving[j]
        a = age[i]
        if not a >= youngest:
            continue
        ra = age_female if female[i] else age_male
        whole = np.floor(ra)
        old[n_old] = i
        due[n_old] = a > whole or (a == whole and ra == whole)
        if a == whole and ra > whole:
            edge[n_edge] = n_old
            gap[n_edge] = ra - whole
            n_edge += 1
        n_old += 1
    return old[:n_old].copy(), due[:n_old].copy(), edge[:n_edge].copy(), gap[:n_edge].copy()


@jit
def _retirees_and_quitters(leaving: np.ndarray, old: np.ndarray, due: np.ndarray, edge: np.ndarray, u: np.ndarray,
                           gap: np.ndarray, quit_year: np.ndarray, year: int) -> tuple[np.ndarray, np.ndarray]:
    """Retirees and quitters, both ascending.

    Retirees are the ``old`` that are due, or at the edge with ``u ≥ gap``; quitters the other ``leaving`` at
    their quit year. ``old`` is a subsequence of ``leaving`` (both ascending), walked alongside it.
    """
    for k in range(edge.size):
        if u[k] >= gap[k]:
            due[edge[k]] = True
    retire = np.empty(old.size, np.int64)
    quit_ = np.empty(leaving.size, np.int64)
    n_r = 0
    n_q = 0
    k = 0
    for j in range(leaving.size):
        i = leaving[j]
        retired = False
        if k < old.size and old[k] == i:
            retired = due[k]
            k += 1
        if retired:
            retire[n_r] = i
            n_r += 1
        elif quit_year[i] <= year:
            quit_[n_q] = i
            n_q += 1
    return retire[:n_r].copy(), quit_[:n_q].copy()


def hire(t: Teachers, n_by_school: np.ndarray, professional_share: np.ndarray, bt: TeacherParams,
         months_required: int, year: int, draw: Draw) -> np.ndarray:
    """Hire full-time teachers per school; specialty hires come partly from industry.

    Industry hires (3+ years in a firm, 国发〔2019〕4号 §(十二)) bring the rule's practice months
    (their enterprise years count as practice) and a share is recognised dual-qualified on arrival.

    Args:
        bt: ``behaviour.teachers`` (industry share and dual share on arrival, ages, women's share).
        draw: keyed uniforms per hire identity (specialty, from industry, dual, female).

    Returns:
        Slots of the hired teachers.
    """
    school = np.repeat(np.arange(n_by_school.size, dtype=np.int64), n_by_school)
    uid = hire_uid(year, school, 0)
    prof = draw("specialty", uid) < professional_share[school]
    industry = prof & (draw("from_industry", uid) < bt.industry_hire_share.at(year))
    dual = industry & (draw("dual_on_arrival", uid) < bt.industry_hire_dual_share)
    female = draw("female", uid) < bt.female_share
    age = np.where(industry, bt.industry_hire_age, bt.entry_age)
    leave = quit_years(year + 1, bt.attrition_rate, draw("quit_lifetime", uid))
    slots = t.add(school, prof, part_time=False, dual=dual, female=female, age=age, from_industry=industry, uid=uid,
                  quit_year=leave)
    t.practice[year % WINDOW][slots[industry]] = min(months_required, 127)  # through the row: a faster 1-D scatter
    t.early_practice[slots[industry]] = months_required  # their enterprise years meet the new-teacher rule
    return slots


def engage_part_time(t: Teachers, n_by_school: np.ndarray, year: int) -> np.ndarray:
    """Engage enterprise part-time specialty teachers per school (企业兼职教师). Returns their slots."""
    school = np.repeat(np.arange(n_by_school.size, dtype=np.int64), n_by_school)
    return t.add(school, np.ones(school.size, bool), part_time=True, uid=hire_uid(year, school, 1))


def release_part_time(t: Teachers, n_by_school: np.ndarray) -> np.ndarray:
    """End the engagement of ``n_by_school`` part-time teachers per school (longest-serving first)."""
    if not n_by_school.any():
        return np.zeros(0, np.int64)
    idx = np.flatnonzero(t.active & t.part_time)
    order = idx[np.lexsort((-t.service[idx], t.school[idx]))]
    school = t.school[order]
    rank = np.arange(order.size) - np.searchsorted(school, school)
    gone = order[rank < n_by_school[school]]
    t.active[gone] = False
    return gone


@dataclass(frozen=True)
class StaffCounts:
    """Per-school counts ``(S,)`` of every teacher kind the model and the recorder use.

    Attributes:
        fulltime: full-time teachers (专任教师).
        professional: full-time specialty teachers (专业课教师).
        dual: dual-qualified specialty teachers (双师型).
        part_time: enterprise part-time teachers (兼职教师).
        compliant: specialty teachers meeting the practice rule in its window.
        due: specialty teachers whose window has run (service ≥ the window's years), bound by the rule.
        due_compliant: of those, the ones meeting the rule.
        third_year: specialty teachers who completed their third year of service this year.
        third_year_early_ok: of those, the ones with the required months of practice in their first three years.
    """

    fulltime: np.ndarray
    professional: np.ndarray
    dual: np.ndarray
    part_time: np.ndarray
    compliant: np.ndarray
    due: np.ndarray
    due_compliant: np.ndarray
    third_year: np.ndarray
    third_year_early_ok: np.ndarray


def tally(t: Teachers, n_schools: int, months: np.ndarray, months_required: int, window_years: int) -> StaffCounts:
    """Per-school counts of every teacher kind, with practice compliance judged on ``months``.

    One compiled pass over the records (:func:`_tally_counts`): numpy built a 7-bit code per record in about
    fifteen byte-wide passes, counted it per (school, code) and summed each count's codes (integers: the same).
    """
    c = _tally_counts(t.school, t.active, t.part_time, t.professional, t.dual, t.service, t.early_practice, months,
                      months_required, window_years, n_schools)
    return StaffCounts(fulltime=c[0], professional=c[1], dual=c[2], part_time=c[3], compliant=c[4], due=c[5],
                       due_compliant=c[6], third_year=c[7], third_year_early_ok=c[8])


@jit
def _tally_counts(school: np.ndarray, active: np.ndarray, part_time: np.ndarray, professional: np.ndarray,
                  dual: np.ndarray, service: np.ndarray, early: np.ndarray, months: np.ndarray, months_required: int,
                  window_years: int, n_schools: int) -> np.ndarray:
    """``(9, S)`` :class:`StaffCounts` in field order.

    Each record gets a 7-bit code (bits 0-4 dual, compliant, due, third year, early practice done; bit 5
    specialty; bit 6 part-time; 128 and over for an empty slot, not counted) in a branch-free pass over byte
    views (vectorised by the compiler; numpy took about fifteen passes), counted per (school, code);
    :func:`_sum_codes` then sums each count's codes (integers: exact in any order).
    """
    n = school.size
    a8, p8, s8, d8 = active.view(np.uint8), part_time.view(np.uint8), professional.view(np.uint8), dual.view(np.uint8)
    code = np.empty(n, np.uint8)
    for i in range(n):
        code[i] = (d8[i] | (np.uint8(months[i] >= months_required) << 1) | (np.uint8(service[i] >= window_years) << 2)
                   | (np.uint8(service[i] == 3) << 3) | (np.uint8(early[i] >= months_required) << 4) | (s8[i] << 5)
                   | (p8[i] << 6) | ((a8[i] ^ 1) << 7))
    table = np.zeros((n_schools, 256), np.int64)
    for i in range(n):
        table[school[i], code[i]] += 1
    return _sum_codes(table)


@jit
def _sum_codes(table: np.ndarray) -> np.ndarray:
    """``(9, S)`` :class:`StaffCounts` (in field order) from the ``(S, 256)`` code histogram of :func:`_tally_counts`.

    Codes 0-31 are full-time others, 32-63 full-time specialty teachers, 64-127 part-time teachers; a
    specialty code's bits 0-4 are dual, compliant, due, third year, early practice done.
    """
    out = np.zeros((9, table.shape[0]), np.int64)
    for s in range(table.shape[0]):
        row = table[s]
        other = 0
        for c in range(32):
            other += row[c]
        part_time = 0
        for c in range(64, 128):
            part_time += row[c]
        prof = dual = ok = bound = bound_ok = third = third_ok = 0
        for c in range(32):
            m = row[32 + c]
            prof += m
            dual += m * (c & 1)
            ok += m * ((c >> 1) & 1)
            bound += m * ((c >> 2) & 1)
            bound_ok += m * ((c >> 1) & (c >> 2) & 1)
            third += m * ((c >> 3) & 1)
            third_ok += m * ((c >> 3) & (c >> 4) & 1)
        out[0, s] = other + prof
        out[1, s] = prof
        out[2, s] = dual
        out[3, s] = part_time
        out[4, s] = ok
        out[5, s] = bound
        out[6, s] = bound_ok
        out[7, s] = third
        out[8, s] = third_ok
    return out
