"""How each published national series is computed from the model (its measurement equation).

A published figure is compared with the model quantity it measures on its own coverage: e.g.
``secondary_vocational_incl_technical/in_school`` is secondary vocational + technical schools, and
``higher_vocational/enrollment`` of 2021 includes five-year transfers. Series the model does not
describe (GDP, funding, the components of 中职, single figures under ``other``…) are listed with the
reason by :func:`unmodelled_reason`.
"""

from __future__ import annotations

import numpy as np

from simulate.fitting.data import INCLUDES_TRANSFERS
from simulate.fitting.params import BY_NAME, GROUPS

Output = dict[tuple[str, str], np.ndarray]

STOCK_FLOWS = ("enrollment", "in_school", "graduates", "fulltime_teachers")
SECONDARY_SUM = "secondary_vocational_incl_technical"
_BASE_GROUPS = {
    "junior_secondary": ("junior",),
    "general_senior_secondary": ("intake", "general"),
    "secondary_vocational": ("intake", "secondary"),
    "technical_school": ("intake", "secondary"),
    SECONDARY_SUM: ("intake", "secondary"),
    "higher_vocational": ("intake", "secondary", "higher"),
    "vocational_undergraduate": ("undergraduate",),
}
_INDICATOR_GROUPS = {
    "fulltime_teachers": ("teachers",), "student_teacher_ratio": ("teachers",),
    "dual_qualified_share_of_specialty_teachers": ("teachers", "dual"),
    "dual_qualified_share_of_all_fulltime_teachers": ("teachers", "dual"),
    "graduate_progression_rate": ("higher",), "five_year_program_transfer_enrollment": ("higher",),
}
MODELLED: dict[str, tuple[str, ...]] = {
    "junior_secondary": ("enrollment", "in_school", "graduates"),
    "general_senior_secondary": ("enrollment", "in_school", "graduates"),
    "secondary_vocational": STOCK_FLOWS + ("student_teacher_ratio", "dual_qualified_share_of_specialty_teachers",
                                           "dual_qualified_share_of_all_fulltime_teachers",
                                           "graduate_progression_rate", "schools"),
    "technical_school": STOCK_FLOWS + ("schools",),
    SECONDARY_SUM: STOCK_FLOWS + ("schools",),
    "higher_vocational": STOCK_FLOWS + ("dual_qualified_share_of_specialty_teachers",
                                        "five_year_program_transfer_enrollment", "schools"),
    "vocational_undergraduate": ("enrollment", "schools"),
}
"""Published national series the model predicts (``schools`` are held: the engine fixes them)."""


def is_modelled(level: str, indicator: str) -> bool:
    """Whether the model predicts this national series."""
    return indicator in MODELLED.get(level, ())


def dependencies(level: str, indicator: str) -> tuple[str, ...]:
    """Parameter groups a series needs fitted before it can be projected."""
    if indicator == "schools":
        return ()
    if indicator == "graduate_progression_rate":
        return ("higher",)
    groups = _BASE_GROUPS[level] + _INDICATOR_GROUPS.get(indicator, ())
    return tuple(g for g in GROUPS if g in groups)


def required_params(level: str, indicator: str) -> tuple[str, ...]:
    """Parameters that must have been estimated (not held) for the series to be projected."""
    if indicator in ("fulltime_teachers", "student_teacher_ratio") or "dual_qualified" in indicator:
        levels = ("secondary_vocational", "technical_school") if level == SECONDARY_SUM else (level,)
        return tuple(f"ratio_{lv}" for lv in levels)
    if indicator == "graduate_progression_rate":
        return ("progression_secondary_vocational",)
    return ()


def identifying_group(level: str, indicator: str) -> str | None:
    """The parameter group a series' observations identify (None for held series)."""
    if indicator == "schools":
        return None
    if indicator == "enrollment" and level in ("secondary_vocational", "technical_school", SECONDARY_SUM):
        return "intake"
    if level == "general_senior_secondary":
        return "general"
    return dependencies(level, indicator)[-1]


def predict(out: Output, level: str, indicator: str, years: np.ndarray, theta: dict[str, float]) -> np.ndarray | None:
    """Model values of a published national series at ``years`` (the model's year axis), or None."""
    if not is_modelled(level, indicator) or indicator == "schools":
        return None

    def q(lv: str, ind: str) -> np.ndarray:
        return out.get((lv, ind), np.full(years.size, np.nan))

    if level == SECONDARY_SUM:
        return q("secondary_vocational", indicator) + q("technical_school", indicator)
    if level == "higher_vocational" and indicator == "enrollment":
        excl = q(level, "enrollment_excluding_transfers")
        return np.where(np.isin(years, sorted(INCLUDES_TRANSFERS)), q(level, "enrollment"), excl)
    if indicator == "student_teacher_ratio":
        return q(level, "in_school") / q(level, "fulltime_teachers")
    if indicator == "dual_qualified_share_of_specialty_teachers":
        return 100.0 * q(level, "dual_qualified_teachers") / q(level, "professional_teachers")
    if indicator == "dual_qualified_share_of_all_fulltime_teachers":
        return 100.0 * q(level, "dual_qualified_teachers") / q(level, "fulltime_teachers")
    if indicator == "graduate_progression_rate":
        return np.full(years.size, 100.0 * theta["progression_secondary_vocational"])
    return q(level, indicator)


def unmodelled_reason(level: str, indicator: str) -> str:
    """Why a national series is not projected by the model."""
    if level in ("regular_specialized_secondary", "vocational_high_school", "adult_specialized_secondary"):
        return "a component of 中职; the engine does not split secondary vocational schools by type"
    if level in ("economy", "population", "senior_secondary_all"):
        return "outside the model (needs population or the economy)"
    if level == "higher_vocational" and indicator == "student_teacher_ratio":
        return ("the published 高职 ratio counts weighted students and part-time teachers: in_school / "
                "fulltime_teachers was 27.9 in 2021 against a published 19.85")
    if level == "other":
        return "a single figure outside the cohort and staffing equations"
    return "not an output of the engine's cohort or staffing equations"


def params_of(groups: tuple[str, ...] | list[str]) -> list[str]:
    """Names of the parameters in ``groups``."""
    return [p.name for p in BY_NAME.values() if p.group in groups]
