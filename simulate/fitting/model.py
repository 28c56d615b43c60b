"""The engine's cohort and staffing equations in expected value, at the national aggregate.

This is the deterministic counterpart of :func:`simulate.steps.graduate_july`,
:func:`~simulate.steps.enrol_september` and :func:`~simulate.steps.account_december` with the same
parameter meanings, so values fitted here can be written into a scenario:

* July: every grade loses ``dropout``; the final grade's survivors graduate; the rest move up.
  ``graduates(y) = entrants(y − G) · (1 − d)^G``;
* September: secondary entrants = junior graduates × ``vocational_share`` (× ``technical_share`` for
  technical schools); higher-vocational entrants = external applicants + ``progression`` × secondary
  graduates; intake is demand-driven (plans are taken not to bind);
* so ``in_school(y) = in_school(y − 1) + enrollment − graduates − dropouts``;
* December: teachers are certified (effective ``certification`` rate of non-dual specialty teachers),
  retire after :data:`~simulate.fitting.params.CAREER_YEARS` or quit at ``teacher_attrition``, and
  schools hire up to ``in_school / student_teacher_ratio``.

Initial stocks are split evenly over grades (as the engine's synthesis does) and initial teachers
are ``in_school / ratio`` with uniform years of service. The drivers (junior-secondary graduates and
entrants, general senior-secondary graduates) are taken as observed where the data has them and
projected by their own cohorts beyond.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulate.fitting.data import Observed, as_array, harmonised
from simulate.fitting.params import CAREER_YEARS, EXPANSION_YEARS, PROFESSIONAL_SHARE, PROGRESSION_TS

COHORTS = ("junior_secondary", "general_senior_secondary", "secondary_vocational", "technical_school",
           "higher_vocational")
"""Levels followed grade by grade, in the order a year is computed (feeders first)."""
TEACHING = ("secondary_vocational", "technical_school", "higher_vocational")
PROGRAM_YEARS = {lv: 3 for lv in COHORTS}
REFERENCE_SCALE = 1e6
"""External applicants per unit ``external_share`` when the data has no general-track graduates."""


@dataclass
class Inputs:
    """What the model takes from the data (never parameters).

    Attributes:
        years: model years, from the earliest initial stock to ``until``.
        fit_until: last year of the fitting window (intake-share trends stop there).
        start: level → year of its initial stock; stock: level → that in-school total.
        junior_graduates, junior_enrollment, general_graduates: observed drivers aligned on ``years``
            (NaN where unknown; junior enrollment is held at its last value beyond the data).
        trends: fit yearly trends of the intake shares.
    """

    years: np.ndarray
    fit_until: int
    start: dict[str, int]
    stock: dict[str, float]
    junior_graduates: np.ndarray
    junior_enrollment: np.ndarray
    general_graduates: np.ndarray
    trends: bool = False

    @classmethod
    def from_observed(cls, obs: Observed, until: int, trends: bool = False) -> Inputs:
        """Initial stocks and drivers from (already cut) observations, for a run to ``until``."""
        start, stock = {}, {}
        for lv in COHORTS:
            h = harmonised(obs, lv, "in_school").values
            if len(h):
                start[lv], stock[lv] = int(h.index[0]), float(h.iloc[0])
        if not start:
            raise ValueError("the data has no national in_school series to start from")
        first = min(start.values())
        years = np.arange(first, max(until, first + 1) + 1)
        fit_until = min(obs.last_year, int(years[-1]))
        enrol = obs.series("junior_secondary", "enrollment")
        held = enrol.reindex(range(int(years[0]), int(years[-1]) + 1)).ffill() if len(enrol) else None
        return cls(
            years=years, fit_until=fit_until, start=start, stock=stock,
            junior_graduates=as_array(obs.series("junior_secondary", "graduates"), years),
            junior_enrollment=held.to_numpy(float) if held is not None else np.full(years.size, np.nan),
            general_graduates=as_array(harmonised(obs, "general_senior_secondary", "graduates").values, years),
            trends=trends,
        )


@dataclass
class _Staff:
    """Full-time teachers of one level by kind (non-specialty, specialty, dual) × years of service."""

    stock: np.ndarray  # (3, CAREER_YEARS + 1)

    @classmethod
    def start(cls, total: float, professional: float, dual: float) -> _Staff:
        s = np.zeros((3, CAREER_YEARS + 1))
        per = total / CAREER_YEARS
        s[0, :CAREER_YEARS] = per * (1 - professional)
        s[1, :CAREER_YEARS] = per * professional * (1 - dual)
        s[2, :CAREER_YEARS] = per * professional * dual
        return cls(s)

    def december(self, in_school: float, ratio: float, attrition: float, certification: float,
                 professional: float) -> None:
        s = self.stock
        moved = certification * s[1]
        s[1] -= moved
        s[2] += moved
        s[:, CAREER_YEARS] = 0.0                       # retire at the end of a career
        s *= 1.0 - attrition                           # quits
        s[:, 1:] = s[:, :-1].copy()                    # a year of service
        s[:, 0] = 0.0
        hires = max(in_school / ratio - s.sum(), 0.0)
        s[0, 0] = hires * (1 - professional)
        s[1, 0] = hires * professional

    def counts(self) -> tuple[float, float, float]:
        t = self.stock.sum(axis=1)
        return float(t.sum()), float(t[1] + t[2]), float(t[2])


def share_at(theta: dict[str, float], name: str, year: int, inputs: Inputs) -> float:
    """An intake share in ``year``: the fitted value at ``fit_until``, moved by its trend before then."""
    trend = theta.get(f"{name}_trend", 0.0) if inputs.trends else 0.0
    return float(np.clip(theta[name] + trend * (min(year, inputs.fit_until) - inputs.fit_until), 0.0, 1.0))


def run(theta: dict[str, float], inputs: Inputs) -> dict[tuple[str, str], np.ndarray]:
    """Every modelled quantity by year: ``{(level, indicator): values aligned on inputs.years}``.

    Levels and indicators use the data's vocabulary; ``higher_vocational/enrollment`` excludes
    five-year transfers (given as ``five_year_program_transfer_enrollment``); teachers are
    ``fulltime_teachers``, ``professional_teachers`` and ``dual_qualified_teachers``.
    """
    years, n = inputs.years, inputs.years.size
    out: dict[tuple[str, str], np.ndarray] = {}

    def put(level: str, ind: str, i: int, v: float) -> None:
        out.setdefault((level, ind), np.full(n, np.nan))[i] = v

    grades: dict[str, np.ndarray] = {}
    staff: dict[str, _Staff] = {}
    dropout = {"junior_secondary": theta["junior_dropout"], "general_senior_secondary": theta["general_dropout"],
               **{lv: theta[f"dropout_{lv}"] for lv in ("secondary_vocational", "technical_school",
                                                         "higher_vocational")}}
    for i, y in enumerate(years):
        y = int(y)
        grads: dict[str, float] = {}
        for lv in COHORTS:
            s0 = inputs.start.get(lv)
            if s0 is None or y < s0:
                continue
            g = PROGRAM_YEARS[lv]
            if y == s0:
                grades[lv] = np.full(g, inputs.stock[lv] / g)
            else:
                s = grades[lv]
                d = dropout[lv]
                put(lv, "dropouts", i, d * s.sum())
                s *= 1.0 - d
                grads[lv] = float(s[-1])
                s[1:] = s[:-1].copy()
                entrants = _entrants(lv, y, i, theta, inputs, grads, put)
                s[0] = entrants
                put(lv, "graduates", i, grads[lv])
                put(lv, "enrollment", i, entrants)
            put(lv, "in_school", i, float(grades[lv].sum()))
            if lv in TEACHING:
                _teachers(lv, y, i, s0, theta, grades[lv].sum(), staff, put)
        put("driver", "junior_graduates", i, _junior(i, inputs, grads))
        put("driver", "general_graduates", i, _general(i, inputs, grads))
        put("vocational_undergraduate", "enrollment", i, theta["undergraduate_external"])
    return out


def _driver(observed: np.ndarray, level: str, i: int, grads: dict[str, float]) -> float:
    """A driver in year ``i``: observed if known, else its cohort's graduates, else the last known value."""
    v = observed[i]
    if np.isfinite(v):
        return float(v)
    if level in grads:
        return grads[level]
    known = observed[: i + 1]
    known = known[np.isfinite(known)]
    return float(known[-1]) if known.size else np.nan


def _junior(i: int, inputs: Inputs, grads: dict[str, float]) -> float:
    """Junior-secondary graduates used for the intake."""
    return _driver(inputs.junior_graduates, "junior_secondary", i, grads)


def _general(i: int, inputs: Inputs, grads: dict[str, float]) -> float:
    """General senior-secondary graduates (reference of external higher-vocational applicants), or NaN."""
    return _driver(inputs.general_graduates, "general_senior_secondary", i, grads)


def _entrants(lv: str, y: int, i: int, theta: dict, inputs: Inputs, grads: dict, put) -> float:
    """Entrants of a level in September of ``y`` (the higher-vocational parts are recorded with ``put``)."""
    if lv == "junior_secondary":
        return float(inputs.junior_enrollment[i])
    j = _junior(i, inputs, grads)
    if lv == "general_senior_secondary":
        return theta["general_share"] * j
    if lv in ("secondary_vocational", "technical_school"):
        secondary = j * share_at(theta, "vocational_share", y, inputs)
        ts = share_at(theta, "technical_share", y, inputs)
        return secondary * (ts if lv == "technical_school" else 1.0 - ts)
    # higher vocational: external applicants + progression of this July's secondary graduates
    g_sv, g_ts = grads.get("secondary_vocational", 0.0), grads.get("technical_school", 0.0)
    reference = _general(i, inputs, grads)
    if not np.isfinite(reference):
        reference = REFERENCE_SCALE
    shock = 1.0
    for k in EXPANSION_YEARS:
        if y >= k:
            shock *= 1.0 + theta.get(f"expansion_{k}", 0.0)
    external = theta["external_share"] * reference * shock
    progressed = theta["progression_secondary_vocational"] * g_sv + PROGRESSION_TS * g_ts
    transfers = theta["transfer_share"] * g_sv
    put(lv, "external_entrants", i, external)
    put(lv, "progressed", i, progressed)
    put(lv, "five_year_program_transfer_enrollment", i, transfers)
    put(lv, "enrollment_excluding_transfers", i, external + progressed - transfers)
    return external + progressed


def _teachers(lv: str, y: int, i: int, s0: int, theta: dict, in_school: float, staff: dict, put) -> None:
    ratio = theta[f"ratio_{lv}"]
    prof = PROFESSIONAL_SHARE[lv]
    if y == s0:
        dual = theta["dual_start_higher" if lv == "higher_vocational" else "dual_start_secondary"]
        staff[lv] = _Staff.start(in_school / ratio, prof, dual)
    else:
        staff[lv].december(in_school, ratio, theta["teacher_attrition"], theta["certification"], prof)
    ft, pr, du = staff[lv].counts()
    put(lv, "fulltime_teachers", i, ft)
    put(lv, "professional_teachers", i, pr)
    put(lv, "dual_qualified_teachers", i, du)
