"""The parameters calibration fits: names shared with the engine, start values, bounds, groups.

Each :class:`Param` names the scenario key it becomes (``engine``), so a fitted value lands in the
layer format ``behaviour.cohorts.dropout_rate.secondary_vocational: {value, source, note}``.
Parameters without an engine key describe the drivers of the intake (the junior-secondary cohort,
the general track) or how the statistics are published (five-year transfers); they shape the
intake paths written into the national region layer.

Start values are generic and never derived from the data, so a back-test cannot learn anything from
years after its cut-off through them. A parameter is fitted only when its group has at least as many
observations in the fitting window as free parameters; otherwise it stays at its start value and
the series that depend on it are not projected (:func:`simulate.fitting.series.dependencies`).
"""

from __future__ import annotations

from dataclasses import dataclass

from simulate.scenario.schema import Intake

EXPANSION_YEARS = (2019, 2020)
"""Years of the higher-vocational expansion (高职扩招): a level shift of external applicants in each."""
POLICY_YEAR = 2022
"""First intake under the revised Vocational Education Law (in force 1 May 2022), which dropped the rule that
general and vocational senior secondary be "roughly equal" (普职比例大体相当): the vocational share may change
slope from this year (``vocational_share_policy``), estimated only when the fitting window reaches it."""
SHARE_PATH_END = 2030
"""Fitted share slopes continue beyond the last fitted year up to this year, then the shares are held
(a labelled assumption: the general/vocational split settles by 2030)."""
CAREER_YEARS = 35
"""Teachers' years of service at retirement (``behaviour.teachers.career_years``, an assumption)."""
PROFESSIONAL_SHARE = {"secondary_vocational": 0.556, "technical_school": 0.556, "higher_vocational": 0.60}
"""Specialty share of full-time teachers (``region.levels.*.professional_teacher_share``)."""
PROGRESSION_TS = 0.10
"""Technical-school graduates progressing to higher vocational (an assumption; no series separates them)."""


@dataclass(frozen=True)
class Param:
    """One parameter of the aggregate model.

    Attributes:
        name: identifier used in reports and ``parameters.csv``.
        group: identification group (see module docstring).
        start: start value (generic, not from the data).
        lower, upper: bounds of the bounded least squares.
        engine: dotted scenario key the fitted value is written to, or None.
        meaning: one line for the report.
    """

    name: str
    group: str
    start: float
    lower: float
    upper: float
    engine: str | None
    meaning: str


PARAMS: tuple[Param, ...] = (
    Param("junior_dropout", "junior", 0.005, 0.0, 0.1, None,
          "yearly dropout in junior secondary (junior graduates = entrants × (1 − d)³)"),
    Param("continuation", "general", 0.95, 0.5, 1.2, None,
          "senior-secondary entrants (general + vocational + technical) per junior graduate; "
          "general entrants = (continuation − vocational_share) × junior graduates"),
    Param("general_dropout", "general", 0.01, 0.0, 0.1, None, "yearly dropout in general senior secondary"),
    Param("vocational_share", "intake", 0.4, 0.05, 0.95, "region.intake.vocational_share",
          "share of junior graduates entering secondary vocational or technical schools"),
    Param("vocational_share_trend", "intake", 0.0, -0.03, 0.03, None,
          f"yearly change of vocational_share (continued beyond the last fitted year to {SHARE_PATH_END})"),
    Param("vocational_share_policy", "intake", 0.0, -0.05, 0.05, None,
          f"change of that slope from {POLICY_YEAR} (revised Vocational Education Law), when the data reach it"),
    Param("technical_share", "intake", 0.2, 0.0, 0.8, "region.intake.technical_share_of_secondary",
          "technical schools' share of secondary vocational intake"),
    Param("technical_share_trend", "intake", 0.0, -0.03, 0.03, None,
          f"yearly change of technical_share (continued beyond the last fitted year to {SHARE_PATH_END})"),
    Param("dropout_secondary_vocational", "secondary", 0.03, 0.0, 0.3,
          "behaviour.cohorts.dropout_rate.secondary_vocational", "yearly dropout, secondary vocational"),
    Param("dropout_technical_school", "secondary", 0.03, 0.0, 0.3,
          "behaviour.cohorts.dropout_rate.technical_school", "yearly dropout, technical schools"),
    Param("dropout_higher_vocational", "higher", 0.02, 0.0, 0.3,
          "behaviour.cohorts.dropout_rate.higher_vocational", "yearly dropout, higher vocational"),
    Param("progression_secondary_vocational", "higher", 0.3, 0.0, 0.95,
          "behaviour.cohorts.progression_rate.secondary_vocational",
          "secondary vocational graduates entering higher vocational (incl. five-year transfers)"),
    Param("external_share", "higher", 0.3, 0.0, 3.0, "region.intake.higher_external_rate",
          "external entrants to higher vocational per junior graduate of three years earlier who did not enter "
          "secondary vocational or technical school (before the 扩招 shifts)"),
    Param("transfer_share", "higher", 0.1, 0.0, 0.5, None,
          "five-year-programme transfers per secondary vocational graduate (published apart)"),
    *(Param(f"expansion_{y}", "higher", 0.0, -0.5, 1.5, "region.intake.higher_external_rate",
            f"level shift of external higher-vocational entrants from {y} (扩招)") for y in EXPANSION_YEARS),
    Param("ratio_secondary_vocational", "teachers", 19.0, 5.0, 40.0,
          "region.levels.secondary_vocational.student_teacher_ratio", "students per full-time teacher hired to"),
    Param("ratio_technical_school", "teachers", 19.0, 5.0, 40.0,
          "region.levels.technical_school.student_teacher_ratio", "students per full-time teacher hired to"),
    Param("ratio_higher_vocational", "teachers", 19.0, 5.0, 40.0,
          "region.levels.higher_vocational.student_teacher_ratio", "students per full-time teacher hired to"),
    *(Param(f"ratio_{lv}_trend", "teachers", 0.0, -1.0, 1.0, None,
            "yearly change of that ratio up to the last fitted year (then held: the engine's ratio is a constant)")
      for lv in ("secondary_vocational", "technical_school")),
    Param("teacher_attrition", "teachers", 0.02, 0.0, 0.2, "behaviour.teachers.attrition_rate",
          "yearly quits of full-time teachers besides retirement"),
    Param("certification", "dual", 0.05, 0.0, 1.0, "behaviour.teachers.certification_rate",
          "yearly share of non-dual specialty teachers certified dual-qualified (effective rate)"),
    Param("dual_start_secondary", "dual", 0.4, 0.0, 1.0, None,
          "dual-qualified share of specialty teachers at the start (secondary and technical)"),
    Param("dual_start_higher", "dual", 0.4, 0.0, 1.0, None,
          "dual-qualified share of specialty teachers at the start (higher vocational)"),
    Param("undergraduate_external", "undergraduate", 50_000.0, 0.0, 5e6,
          "region.intake.undergraduate_external_applicants", "four-year vocational-undergraduate entrants per year"),
)
BY_NAME = {p.name: p for p in PARAMS}
GROUPS = tuple(dict.fromkeys(p.group for p in PARAMS))
START = {p.name: p.start for p in PARAMS}


def intake_paths_supported() -> bool:
    """Whether the scenario schema takes dated paths for the intake shares (then trends are fitted).

    With ``Intake.vocational_share`` a plain share, a trend could not be written to a scenario, so
    the model would keep the shares constant like the engine does.
    """
    field = Intake.model_fields.get("vocational_share")
    return field is not None and "DatedPath" in str(field.annotation)
