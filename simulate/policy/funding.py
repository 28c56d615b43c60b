"""Per-student funding (生均拨款, 003 §26): what a school is paid and what the money buys.

Lever ``levers.per_student_funding`` (secondary / higher): a floor on the per-student
appropriation. A school is paid its own current level (``region.finance``: the region's
average with a lognormal spread across schools) or the floor where the floor is higher,
times its students, plus its share of the local education surcharge
(:mod:`simulate.policy.surcharge_share`).

The money pays, in January, by one stated rule:

1. **committed**: salaries of the full-time teachers employed (编制 staff are not laid off) and of
   those who replace this year's leavers within the staffing quota, pay of the part-time teachers
   engaged and the upkeep of existing training bases;
2. **the rest is shared** over the year's needs — operations at the standard (公用经费, incl.
   equipment), hiring up to the staffing ratio, enterprise-practice months for the teachers the
   practice rule sends, certification courses, new part-time teachers and new training bases —
   every need receiving the same fraction of itself (``funded_share``, at most 1); money beyond
   every need raises operations above the standard.

The standard per-student cost (``behaviour.budget.standard_cost_per_student``) is the national
all-in figure (17,447 yuan for 中职 in 2020), so a school at the national average meets its needs
(``funded_share`` ≈ 1). Less money means fewer hires (larger classes), fewer practice months and
certifications, fewer new bases, and operations below the standard, which raise dropout and
lower graduates' search effectiveness through labelled elasticities
(``behaviour.cohorts.dropout_resource_elasticity``, ``behaviour.labour.match_quality_elasticity``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulate.policy import Lever
from simulate.scenario.schema import LEVELS, Scenario

LEVER = Lever(
    path="per_student_funding", name_en="Per-student funding floor", name_zh="生均拨款标准",
    clauses=("003_6dbe643eb8838f3a.txt §26", "002_ed6320b76da44b90.txt §(三十)"),
    acts=(("January", "schools below the floor are raised to it; money is shared over the year's needs"),
          ("July", "practice is sent as far as the money pays; operating money shifts dropout and job search"),
          ("December", "hires beyond refilled posts, certification courses, part-time teachers, new bases")),
    indicators=("appropriations", "per_student_funding", "per_student_funding_min", "funded_share", "public_cost",
                "dropouts", "matched_rate", "teacher_practice_compliance", "teachers_certified",
                "dual_qualified_share", "student_teacher_ratio", "training_bases", "part_time_share"),
    parameters=("region.finance.funding_level", "region.finance.funding_dispersion",
                "behaviour.budget.standard_cost_per_student", "behaviour.teachers.salary_cost",
                "behaviour.budget.practice_cost_per_month", "behaviour.budget.certification_cost",
                "behaviour.budget.base_cost", "behaviour.budget.part_time_cost",
                "behaviour.cohorts.dropout_resource_elasticity", "behaviour.labour.match_quality_elasticity"),
)

HIGHER = LEVELS.index("higher_vocational")
RESOURCE_FLOOR = 0.25
"""Lowest operating-resource ratio the elasticities are applied at (keeps multipliers finite)."""
RESOURCE_CAP = 2.0
"""Highest operating-resource ratio that still improves outcomes."""


@dataclass(frozen=True)
class SchoolNeeds:
    """A school's yearly needs in yuan (January), each ``(S,)``.

    Attributes:
        committed: salaries of full-time teachers (incl. replacements of this year's leavers), pay of
            engaged part-time teachers, base upkeep.
        operations: operations at the standard per student.
        hiring: salaries of the teachers needed beyond the current staff to reach the staffing ratio.
        practice: practice months the rule sends teachers to this year × the cost of a month.
        certification: certification courses for this year's expected candidates.
        part_time: pay of new part-time teachers up to the target.
        bases: equipment of new training bases up to the target.
    """

    committed: np.ndarray
    operations: np.ndarray
    hiring: np.ndarray
    practice: np.ndarray
    certification: np.ndarray
    part_time: np.ndarray
    bases: np.ndarray

    @property
    def shared(self) -> np.ndarray:
        """Needs paid from what is left after committed spending."""
        return self.operations + self.hiring + self.practice + self.certification + self.part_time + self.bases


@dataclass(frozen=True)
class SchoolMoney:
    """January: what each school is paid and how the money is shared (each ``(S,)``, yuan unless noted).

    Attributes:
        per_student: appropriation per student actually paid (max of current level and floor).
        appropriations: per-student appropriations paid.
        surcharge: local education surcharge paid to the school.
        needs: the year's needs.
        funded_share: fraction of every shared need paid (0–1).
        resource_ratio: operations paid / operations needed (≥ 0; above 1 when money exceeds every need).
    """

    per_student: np.ndarray
    appropriations: np.ndarray
    surcharge: np.ndarray
    needs: SchoolNeeds
    funded_share: np.ndarray
    resource_ratio: np.ndarray

    @property
    def income(self) -> np.ndarray:
        """Money reaching each school this year."""
        return self.appropriations + self.surcharge


def floors(sc: Scenario, year: int, level: np.ndarray) -> np.ndarray:
    """The lever's floor per school: secondary floor for 中职/技工, higher floor for 高职/职业本科."""
    f = sc.levers.per_student_funding
    return np.where(level >= HIGHER, f.higher.at(year), f.secondary.at(year))


def development_standard(sc: Scenario) -> np.ndarray:
    """Per-student teacher-development cost at the standard, by level (yuan).

    Practice for the rule (months_required / window_years a year per specialty teacher), a
    certification course for the share of specialty teachers certified a year (≈ the
    certification rate × the non-dual share), part-time teachers at the base share, and
    base upkeep at the base-year bases per school.
    """
    b, t = sc.behaviour.budget, sc.behaviour.teachers
    rule = sc.levers.teacher_practice
    inst = sc.behaviour.institutions
    out = np.zeros(len(LEVELS))
    for i, lv in enumerate(LEVELS):
        st = sc.region.levels[lv]
        per_teacher = st.professional_teacher_share / st.student_teacher_ratio
        practice = rule.months_required / rule.window_years * b.practice_cost_per_month
        cert = t.certification_rate * (1 - st.dual_qualified_share) * 0.5 * b.certification_cost
        part = st.part_time_share * b.part_time_cost
        students_per_school = st.in_school / max(st.schools, 1)
        bases = inst.base_bases_per_school * b.base_cost / max(students_per_school, 1.0)
        out[i] = per_teacher * (practice + cert + part) + bases
    return out


def operations_standard(sc: Scenario) -> np.ndarray:
    """Per-student operations at the standard, by level: standard cost − salaries − development (yuan)."""
    b = sc.behaviour.budget
    salary = sc.behaviour.teachers.salary_cost
    ratio = np.array([sc.region.levels[lv].student_teacher_ratio for lv in LEVELS])
    ops = np.asarray(b.standard_cost_per_student.as_tuple()) - salary / ratio - development_standard(sc)
    return np.maximum(ops, 0.0)


def share_money(income: np.ndarray, needs: SchoolNeeds) -> tuple[np.ndarray, np.ndarray]:
    """The sharing rule: ``(funded_share, resource_ratio)`` per school.

    After committed spending, every shared need gets the same fraction of itself (≤ 1); what is
    left beyond every need goes to operations.
    """
    available = np.maximum(income - needs.committed, 0.0)
    shared = needs.shared
    share = np.clip(np.divide(available, shared, out=np.ones_like(available), where=shared > 0), 0.0, 1.0)
    ops_paid = share * needs.operations + np.maximum(available - shared, 0.0)
    ratio = np.divide(ops_paid, needs.operations, out=np.ones_like(ops_paid), where=needs.operations > 0)
    return share, ratio


def pay(per_student: np.ndarray, in_school: np.ndarray, surcharge: np.ndarray, needs: SchoolNeeds) -> SchoolMoney:
    """Pay each school and share its money (January)."""
    appropriations = per_student * in_school
    share, ratio = share_money(appropriations + surcharge, needs)
    return SchoolMoney(per_student=per_student, appropriations=appropriations, surcharge=surcharge, needs=needs,
                       funded_share=share, resource_ratio=ratio)


def resource_multiplier(ratio: np.ndarray, elasticity: float) -> np.ndarray:
    """``clip(ratio)^elasticity``: how operating money scales an outcome (dropout uses the inverse)."""
    return np.power(np.clip(ratio, RESOURCE_FLOOR, RESOURCE_CAP), elasticity)
