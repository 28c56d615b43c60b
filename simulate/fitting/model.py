"""The engine's cohort and staffing equations in expected value, at the national aggregate.

This is the deterministic counterpart of :func:`simulate.agents.intake.applicants`,
:func:`simulate.steps.graduate_july`, :func:`~simulate.steps.enrol_september` and
:func:`~simulate.steps.account_december` with the same parameter meanings, so values fitted here can be
written into a scenario:

* the school-age cohort: junior-secondary graduates are observed up to the cut-off; after it, the
  observed junior entrants graduate three years later less ``junior_dropout``; beyond them, entrants
  follow births twelve years earlier (``calibration/births_national.csv``) at the entry ratio of the
  last observed year — so graduates follow births 15 years earlier at the ratio of the last year the
  data determine (:func:`simulate.fitting.cohort.ratio_extension`, written into the scenario);
* July: every grade loses ``dropout``; the final grade's survivors graduate; the rest move up.
  ``graduates(y) = entrants(y − G) · (1 − d)^G``;
* September: secondary entrants = junior graduates × ``vocational_share`` (× ``technical_share`` for
  technical schools); general senior-secondary entrants = junior graduates × (``continuation`` −
  ``vocational_share``), so the general track takes what the vocational one gives up;
  higher-vocational entrants = external applicants (``external_share`` × the 扩招 shifts × junior
  graduates of three years earlier who did not enter vocational school) + ``progression`` ×
  secondary graduates; intake is demand-driven (plans are taken not to bind);
* the intake shares move linearly: ``*_trend`` a year up to the cut-off and on to
  :data:`~simulate.fitting.params.SHARE_PATH_END`, the vocational share with a change of slope from
  :data:`~simulate.fitting.params.POLICY_YEAR` when the data reach it (``vocational_share_policy``);
* so ``in_school(y) = in_school(y − 1) + enrollment − graduates − dropouts``;
* December: teachers are certified (effective ``certification`` rate of non-dual specialty teachers),
  retire after :data:`~simulate.fitting.params.CAREER_YEARS` or quit at ``teacher_attrition``, and
  schools hire up to ``in_school / student_teacher_ratio``.

Initial stocks are split evenly over grades (as the engine's synthesis does) and initial teachers
are ``in_school / ratio`` with uniform years of service. ``Inputs.overrides`` replaces a driver by
given values (NaN: the model's own), which the back-test uses to ask which driver explains an error.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from simulate.fitting.cohort import ENTRY_LAG, GENERAL_YEARS, Births
from simulate.fitting.data import Observed, as_array, harmonised
from simulate.fitting.params import (
    CAREER_YEARS,
    EXPANSION_YEARS,
    POLICY_YEAR,
    PROFESSIONAL_SHARE,
    PROGRESSION_TS,
    SHARE_PATH_END,
)

COHORTS = ("junior_secondary", "general_senior_secondary", "secondary_vocational", "technical_school",
           "higher_vocational")
"""Levels followed grade by grade, in the order a year is computed (feeders first)."""
TEACHING = ("secondary_vocational", "technical_school", "higher_vocational")
PROGRAM_YEARS = {lv: 3 for lv in COHORTS}
REFERENCE_SCALE = 1e6
"""External applicants per unit ``external_share`` when the data have no junior graduates of that year."""
OVERRIDABLE = ("junior_entrants", "junior_graduates", "vocational_share", "technical_share", "external_entrants",
               "general_share")
"""Drivers :attr:`Inputs.overrides` may replace (values by model year; NaN keeps the model's own)."""


@dataclass
class Inputs:
    """What the model takes from the data (never parameters).

    Attributes:
        years: model years, from the earliest initial stock to ``until``.
        fit_until: last year of the fitting window (intake-share slopes are anchored there).
        start: level → year of its initial stock; stock: level → that in-school total.
        junior_graduates, junior_enrollment: observed drivers aligned on ``years`` (NaN where unknown;
            beyond the observed entrants, entrants follow ``births`` ``ENTRY_LAG`` years earlier).
        junior_history: observed junior graduates of any year (the years before ``years`` included).
        births: national births up to the cut-off (None: entrants are held at their last value).
        entry_ratio: junior entrants per birth ``ENTRY_LAG`` years earlier used beyond the data.
        trends: fit yearly trends of the intake shares.
        overrides: driver name (:data:`OVERRIDABLE`) → values on ``years`` replacing the model's.
        restart: level → observed in-school total at ``fit_until``: a projection restarts from it (the
            grades rescaled) as a scenario starting the next year starts from the published stocks.
    """

    years: np.ndarray
    fit_until: int
    start: dict[str, int]
    stock: dict[str, float]
    junior_graduates: np.ndarray
    junior_enrollment: np.ndarray
    general_graduates: np.ndarray
    trends: bool = False
    junior_history: dict[int, float] = field(default_factory=dict)
    births: Births | None = None
    entry_ratio: float = float("nan")
    overrides: dict[str, np.ndarray] = field(default_factory=dict)
    restart: dict[str, float] = field(default_factory=dict)

    @classmethod
    def from_observed(cls, obs: Observed, until: int, trends: bool = False, births: Births | None = None,
                      fit_until: int | None = None) -> Inputs:
        """Initial stocks and drivers from (already cut) observations, for a run to ``until``.

        ``fit_until`` anchors the intake-share lines (default: the data's last year, or ``until`` if earlier).
        """
        start, stock = {}, {}
        for lv in COHORTS:
            h = harmonised(obs, lv, "in_school").values
            if len(h):
                start[lv], stock[lv] = int(h.index[0]), float(h.iloc[0])
        if not start:
            raise ValueError("the data has no national in_school series to start from")
        first = min(start.values())
        years = np.arange(first, max(until, first + 1) + 1)
        fit_until = min(obs.last_year, int(years[-1])) if fit_until is None else int(fit_until)
        enrol = obs.series("junior_secondary", "enrollment")
        junior = obs.series("junior_secondary", "graduates")
        entry = _entry_ratio(enrol, births)
        return cls(
            years=years, fit_until=fit_until, start=start, stock=stock,
            junior_graduates=as_array(junior, years),
            junior_enrollment=_entrants(enrol, years, births, entry),
            general_graduates=as_array(harmonised(obs, "general_senior_secondary", "graduates").values, years),
            trends=trends, junior_history={int(y): float(v) for y, v in junior.items()}, births=births,
            entry_ratio=entry,
        )

    def restarted(self, obs: Observed) -> Inputs:
        """A copy that restarts the senior levels from their observed in-school totals at ``fit_until``.

        Junior secondary is not restarted: its grades are the observed entrants already, and its graduates
        are the intake driver the scenario's births → graduates ratio reproduces.
        """
        stocks = {}
        for lv in COHORTS[1:]:
            h = harmonised(obs, lv, "in_school").values
            if self.fit_until in h.index and self.start.get(lv, self.fit_until + 1) < self.fit_until:
                stocks[lv] = float(h[self.fit_until])
        return Inputs(**{**self.__dict__, "restart": stocks})

    def with_overrides(self, **values: np.ndarray) -> Inputs:
        """A copy whose drivers named in ``values`` (see :data:`OVERRIDABLE`) are replaced where finite."""
        unknown = set(values) - set(OVERRIDABLE)
        if unknown:
            raise ValueError(f"unknown driver(s) {sorted(unknown)}; expected {OVERRIDABLE}")
        return Inputs(**{**self.__dict__, "overrides": {**self.overrides, **values}})


def _entry_ratio(enrol: pd.Series, births: Births | None) -> float:
    """Junior entrants per birth ``ENTRY_LAG`` years earlier in the last observed year (held beyond it)."""
    if births is None or not len(enrol):
        return float("nan")
    ratios = [v / births.at(int(y) - ENTRY_LAG) for y, v in enrol.items()
              if np.isfinite(births.at(int(y) - ENTRY_LAG))]
    return float(ratios[-1]) if ratios else float("nan")


def _entrants(enrol: pd.Series, years: np.ndarray, births: Births | None, entry: float) -> np.ndarray:
    """Junior entrants on ``years``: observed, then from births (or held at the last value without births)."""
    out = as_array(enrol, years).copy()
    if not len(enrol):
        return out
    last = int(enrol.index[-1])
    for i, y in enumerate(years):
        if y > last:
            b = births.at(int(y) - ENTRY_LAG) if births is not None else np.nan
            out[i] = b * entry if np.isfinite(b) and np.isfinite(entry) else float(enrol.iloc[-1])
    return out


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
    """An intake share in ``year``: the fitted value at ``fit_until``, moved by its slope on both sides.

    Beyond ``fit_until`` the slope continues to :data:`SHARE_PATH_END`, then the share is held. The
    vocational share's slope changes by ``vocational_share_policy`` from :data:`POLICY_YEAR`.
    """
    fu = inputs.fit_until
    y = min(year, max(SHARE_PATH_END, fu))
    value = theta[name]
    if inputs.trends:
        value += theta.get(f"{name}_trend", 0.0) * (y - fu)
        kink = POLICY_YEAR - 1
        value += theta.get(f"{name}_policy", 0.0) * (max(y, kink) - max(fu, kink))
    return float(np.clip(value, 0.0, 1.0))


def run(theta: dict[str, float], inputs: Inputs) -> dict[tuple[str, str], np.ndarray]:
    """Every modelled quantity by year: ``{(level, indicator): values aligned on inputs.years}``.

    Levels and indicators use the data's vocabulary; ``higher_vocational/enrollment`` excludes
    five-year transfers (given as ``five_year_program_transfer_enrollment``); teachers are
    ``fulltime_teachers``, ``professional_teachers`` and ``dual_qualified_teachers``; the drivers are
    under level ``driver`` (``junior_graduates``, ``vocational_share``, ``technical_share``).
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
    junior_by_year = dict(inputs.junior_history)
    for i, y in enumerate(years):
        y = int(y)
        grads: dict[str, float] = {}
        for lv in COHORTS:
            if lv == COHORTS[1]:  # the junior cohort has graduated: this year's intake pool is known
                junior_by_year[y] = _junior(i, inputs, grads)
            s0 = inputs.start.get(lv)
            if s0 is None or y < s0:
                continue
            if y == s0:
                grades[lv] = _start_grades(lv, s0, i, inputs, dropout[lv])
            else:
                s = grades[lv]
                if y == inputs.fit_until + 1 and lv in inputs.restart:  # start from the published stock
                    s *= inputs.restart[lv] / s.sum()
                d = dropout[lv]
                put(lv, "dropouts", i, d * s.sum())
                s *= 1.0 - d
                grads[lv] = float(s[-1])
                s[1:] = s[:-1].copy()
                entrants = _entrants_of(lv, y, i, theta, inputs, grads, junior_by_year, put)
                s[0] = entrants
                put(lv, "graduates", i, grads[lv])
                put(lv, "enrollment", i, entrants)
            put(lv, "in_school", i, float(grades[lv].sum()))
            if lv in TEACHING:
                _teachers(lv, y, i, s0, theta, grades[lv].sum(), staff, put, inputs)
        put("driver", "junior_graduates", i, junior_by_year[y])
        put("driver", "vocational_share", i, _share(theta, "vocational_share", y, i, inputs))
        put("driver", "technical_share", i, _share(theta, "technical_share", y, i, inputs))
        put("vocational_undergraduate", "enrollment", i, theta["undergraduate_external"])
    return out


def _start_grades(lv: str, s0: int, i: int, inputs: Inputs, dropout: float) -> np.ndarray:
    """Initial grades: the stock split evenly (as the engine's synthesis does), except junior secondary.

    Junior grades are the start year's entrants and the next years' graduates backed out through
    dropout when the data have them (the junior cohort is an input, not a synthesised stock).
    """
    g = PROGRAM_YEARS[lv]
    even = np.full(g, inputs.stock[lv] / g)
    if lv != "junior_secondary":
        return even
    later = [inputs.junior_history.get(s0 + k, np.nan) for k in range(1, g)]  # graduates of s0 + 1 …
    first = inputs.junior_enrollment[i]
    if not (np.isfinite(first) and all(np.isfinite(later))):
        return even
    return np.array([first] + [later[g - 2 - k] / (1.0 - dropout) ** (g - 1 - k) for k in range(g - 1)])


def _override(inputs: Inputs, name: str, i: int) -> float:
    v = inputs.overrides.get(name)
    return float(v[i]) if v is not None and np.isfinite(v[i]) else np.nan


def _share(theta: dict, name: str, y: int, i: int, inputs: Inputs) -> float:
    v = _override(inputs, name, i)
    return v if np.isfinite(v) else share_at(theta, name, y, inputs)


def _junior(i: int, inputs: Inputs, grads: dict[str, float]) -> float:
    """Junior-secondary graduates of year ``i``: overridden, observed, else the junior cohort's graduates."""
    v = _override(inputs, "junior_graduates", i)
    if np.isfinite(v):
        return v
    v = inputs.junior_graduates[i]
    if np.isfinite(v):
        return float(v)
    if "junior_secondary" in grads:
        return grads["junior_secondary"]
    known = inputs.junior_graduates[: i + 1]
    known = known[np.isfinite(known)]
    return float(known[-1]) if known.size else np.nan


def _entrants_of(lv: str, y: int, i: int, theta: dict, inputs: Inputs, grads: dict, junior_by_year: dict,
                 put) -> float:
    """Entrants of a level in September of ``y`` (the higher-vocational parts are recorded with ``put``)."""
    if lv == "junior_secondary":
        v = _override(inputs, "junior_entrants", i)
        return v if np.isfinite(v) else float(inputs.junior_enrollment[i])
    j = junior_by_year[y]
    v = _share(theta, "vocational_share", y, i, inputs)
    if lv == "general_senior_secondary":
        general = _override(inputs, "general_share", i)
        return (general if np.isfinite(general) else max(theta["continuation"] - v, 0.0)) * j
    if lv in ("secondary_vocational", "technical_school"):
        ts = _share(theta, "technical_share", y, i, inputs)
        return j * v * (ts if lv == "technical_school" else 1.0 - ts)
    # higher vocational: external applicants + progression of this July's secondary graduates
    g_sv, g_ts = grads.get("secondary_vocational", 0.0), grads.get("technical_school", 0.0)
    external = _override(inputs, "external_entrants", i)
    if not np.isfinite(external):
        external = external_rate(theta, y) * non_vocational(theta, y, inputs, junior_by_year)
    progressed = theta["progression_secondary_vocational"] * g_sv + PROGRESSION_TS * g_ts
    transfers = theta["transfer_share"] * g_sv
    put(lv, "external_entrants", i, external)
    put(lv, "progressed", i, progressed)
    put(lv, "five_year_program_transfer_enrollment", i, transfers)
    put(lv, "enrollment_excluding_transfers", i, external + progressed - transfers)
    return external + progressed


def external_rate(theta: dict, year: int) -> float:
    """External 高职 applicants per non-vocational junior graduate of ``GENERAL_YEARS`` earlier, in ``year``."""
    shock = 1.0
    for k in EXPANSION_YEARS:
        if year >= k:
            shock *= 1.0 + theta.get(f"expansion_{k}", 0.0)
    return theta["external_share"] * shock


def non_vocational(theta: dict, year: int, inputs: Inputs, junior_by_year: dict[int, float]) -> float:
    """Junior graduates of ``year − GENERAL_YEARS`` who did not enter vocational school (or the reference scale)."""
    left = year - GENERAL_YEARS
    j = junior_by_year.get(left, np.nan)
    if not np.isfinite(j):
        return REFERENCE_SCALE
    at = np.flatnonzero(inputs.years == left)
    v = _share(theta, "vocational_share", left, int(at[0]), inputs) if at.size else share_at(
        theta, "vocational_share", left, inputs)
    return j * (1.0 - v)


def ratio_at(theta: dict, lv: str, year: int, inputs: Inputs) -> float:
    """Students per full-time teacher schools hire up to in ``year``.

    The fitted value at the cut-off, moved by its trend before it and held after (the engine's
    constant ``student_teacher_ratio``).
    """
    trend = theta.get(f"ratio_{lv}_trend", 0.0) if inputs.trends else 0.0
    return theta[f"ratio_{lv}"] + trend * (min(year, inputs.fit_until) - inputs.fit_until)


def _teachers(lv: str, y: int, i: int, s0: int, theta: dict, in_school: float, staff: dict, put,
              inputs: Inputs) -> None:
    ratio = ratio_at(theta, lv, y, inputs)
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
