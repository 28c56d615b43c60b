"""The fitted parameters in the agent engine: a national hindcast scored like the aggregate model.

The hindcast is the national baseline restarted from the observed stocks of the year before the
first year every engine level has a stock (2017 → base year 2018), with the fitted parameters and
the observed or fitted intake drivers, run to the last fitted year. Its national totals are mapped
onto the published series with the same measurement equations as the aggregate model.

Teacher certification in the engine works through practice compliance, retirements, quits and hires
from industry, which the aggregate model does not follow; its rate is fitted on the engine itself
(:mod:`~simulate.fitting.dual_share`) and passed in.
"""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd

from simulate import shipped
from simulate.fitting import layers, paths, series
from simulate.fitting.calibrate import Fit
from simulate.fitting.cohort import COHORT_LAG, GENERAL_YEARS
from simulate.fitting.data import harmonised
from simulate.scenario.loader import deep_merge, load_layers, parse_yaml
from simulate.scenario.schema import LEVELS, Scenario

BEHAVIOUR = shipped.calibration_dir() / "parameters" / "behaviour.yaml"
NATIONAL_REGION = shipped.calibration_dir() / "parameters" / "national_region.yaml"
NATIONAL_BASELINE = shipped.scenarios_dir() / "national_baseline.yaml"
ENGINE_LEVELS = ("secondary_vocational", "technical_school", "higher_vocational")


def national_dict() -> dict:
    """The national baseline from its parameter files and its own levers (not the fitted layers)."""
    data = deep_merge(load_layers(BEHAVIOUR).data, load_layers(NATIONAL_REGION).data)
    top = {k: v for k, v in parse_yaml(NATIONAL_BASELINE).data.items() if k != "extends"}
    return deep_merge(data, top)


def hindcast_dict(fit: Fit, certification: float | None = None) -> dict:
    """The national scenario restarted from the observed stocks, with the fitted values."""
    d = copy.deepcopy(national_dict())
    inputs, out = fit.project(fit.fit_until)
    years = inputs.years
    at = {int(y): i for i, y in enumerate(years)}
    base = max(inputs.start[lv] for lv in ENGINE_LEVELS) + 1
    d.update(name="national_hindcast", base_year=base, horizon=max(fit.fit_until, base + 1))
    region = d["region"]
    for lv in LEVELS:
        stock = region["levels"][lv]
        if lv not in ENGINE_LEVELS:  # no vocational undergraduates before 2019
            stock.update(schools=0, in_school=0)
            continue
        stock["in_school"] = float(harmonised(fit.train, lv, "in_school").values[base - 1])
        schools = harmonised(fit.train, lv, "schools").values
        earlier = schools[schools.index <= base - 1]
        if len(earlier):
            stock["schools"] = int(round(earlier.iloc[-1]))
        if layers.usable(fit, f"ratio_{lv}"):
            stock["student_teacher_ratio"] = fit.theta[f"ratio_{lv}"]
        if fit.groups.get("dual") == "fitted":
            dual, prof = out[(lv, "dual_qualified_teachers")], out[(lv, "professional_teachers")]
            stock["dual_qualified_share"] = float(dual[at[base - 1]] / prof[at[base - 1]])
    region["intake"] = hindcast_intake(fit)
    coh = d["behaviour"]["cohorts"]
    for lv in ENGINE_LEVELS:
        if layers.usable(fit, f"dropout_{lv}"):
            coh["dropout_rate"][lv] = fit.theta[f"dropout_{lv}"]
    if layers.usable(fit, "progression_secondary_vocational"):
        coh["progression_rate"]["secondary_vocational"] = fit.theta["progression_secondary_vocational"]
    if layers.usable(fit, "teacher_attrition"):
        d["behaviour"]["teachers"]["attrition_rate"] = fit.theta["teacher_attrition"]
    if certification is not None:
        d["behaviour"]["teachers"]["certification_rate"] = certification
    adj = d["levers"]["enrollment_adjustment"]
    adj.update(from_year=base, max_change=0.5, responsiveness=0.0, expand=[m["id"] for m in region["majors"]])
    return d


def hindcast_intake(fit: Fit) -> dict:
    """``region.intake`` of the national hindcast: the fitted central paths (births as the fit saw them)."""
    if fit.births is None:
        raise ValueError("the engine hindcast needs national births (calibration/births_national.csv)")
    ratio = paths.junior_ratio_path(fit)
    if ratio is None:
        raise ValueError("too few years to fit the births → junior graduates ratio")
    return {
        "national_births": {int(y): float(v) for y, v in fit.births.values.items()},
        "cohort_lag": COHORT_LAG, "higher_external_lag": GENERAL_YEARS, "junior_per_birth": ratio.value,
        "province_share": 1.0,
        "vocational_share": paths.share_path(fit, "vocational_share").value,
        "technical_share_of_secondary": paths.share_path(fit, "technical_share").value,
        "higher_external_rate": paths.external_rate_path(fit).value,
        "undergraduate_external_applicants": 0.0,
    }


def _totals(frame: pd.DataFrame, region: str) -> dict[tuple[str, str], pd.Series]:
    f = frame[(frame.region == region) & (frame.dimension == "total")]
    g = f.groupby(["level", "indicator", "year"], observed=True)["value"].median()
    return {(lv, ind): s.droplevel([0, 1]) for (lv, ind), s in g.groupby(level=[0, 1])}


def engine_output(frame: pd.DataFrame, fit: Fit, years: np.ndarray) -> dict[tuple[str, str], np.ndarray]:
    """National totals of an engine run in the aggregate model's output layout."""
    t = _totals(frame, "national")
    out = {}
    for lv in LEVELS:
        for ind in ("enrollment", "in_school", "graduates", "fulltime_teachers", "professional_teachers",
                    "dual_qualified_teachers"):
            s = t.get((lv, ind))
            if s is not None:
                out[(lv, ind)] = s.reindex(years).to_numpy(float)
    if ("higher_vocational", "enrollment") in out:
        transfers = fit.theta["transfer_share"] * out[("secondary_vocational", "graduates")]
        out[("higher_vocational", "five_year_program_transfer_enrollment")] = transfers
        hv = out[("higher_vocational", "enrollment")]
        out[("higher_vocational", "enrollment_excluding_transfers")] = hv - transfers
    return out


def engine_fit(fit: Fit, seed: int = 0, certification: float | None = None) -> tuple[pd.DataFrame, pd.DataFrame,
                                                                                       float]:
    """Run the hindcast.

    Returns:
        The fitted observations with an ``engine`` column; every fitted series by year from the engine
        (``level, indicator, year, engine``); the run time in seconds.
    """
    import simulate

    sc = Scenario.model_validate(hindcast_dict(fit, certification))
    result = simulate.run(sc, seed=seed)
    years = np.arange(sc.base_year, sc.horizon + 1)
    out = engine_output(result.frame, fit, years)
    paths = long_table(out, fit, years, "engine")
    table = fit.obs.merge(paths, on=["level", "indicator", "year"], how="left")
    return table, paths, result.runtime_s


def long_table(out: dict, fit: Fit, years: np.ndarray, column: str) -> pd.DataFrame:
    """Every series fitted in ``fit`` computed from a model or engine output, one row per year."""
    rows = []
    for lv, ind in dict.fromkeys(zip(fit.obs.level, fit.obs.indicator, strict=True)):
        pred = series.predict(out, lv, ind, years, fit.theta)
        if pred is not None:
            rows += [{"level": lv, "indicator": ind, "year": int(y), column: float(v)}
                     for y, v in zip(years, pred, strict=True) if np.isfinite(v)]
    return pd.DataFrame(rows, columns=["level", "indicator", "year", column])


__all__ = ["engine_fit", "hindcast_dict", "national_dict"]
