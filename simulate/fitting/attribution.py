"""Which driver explains a back-test error: re-run the projection with one driver as it turned out.

After scoring, each intake driver is replaced by its *realised* value in the scored years — read off
the later rows the way the model defines it — and the projection is run again; the driver whose
realised path removes most of a series' error explains it (at least :data:`EXPLAINS` of it; else the
drivers together, when they do). Whatever no driver removes is put down to the rates and the hiring
rule (dropout, progression, student–teacher ratio) and the stocks the projection starts from.

Realised drivers (years after the cut-off, where the later rows publish them):

* **junior entrants**: junior-secondary enrollment;
* **junior cohort**: junior-secondary graduates;
* **vocational share**: secondary vocational + technical entrants / junior graduates;
* **technical share**: technical entrants / (secondary vocational + technical entrants);
* **general share**: general senior-secondary entrants / junior graduates;
* **external 高职 applicants**: higher-vocational entrants (excl. five-year transfers) − the
  model's progressed secondary graduates + its transfers.

This runs after the scores and only reads later rows to explain them: the predictions never see them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulate.fitting import model, series
from simulate.fitting.calibrate import Fit
from simulate.fitting.data import Observed, harmonised

DRIVERS = {
    "junior_entrants": "junior entrants (births 12 years earlier)",
    "junior_graduates": "junior cohort (births → junior graduates)",
    "vocational_share": "general/vocational split (vocational share)",
    "technical_share": "technical share of secondary intake",
    "general_share": "general-track share (普高 entrants per junior graduate)",
    "external_entrants": "external 高职 applicants (扩招 and after)",
}
"""Driver (:data:`simulate.fitting.model.OVERRIDABLE`) → what a planner calls it."""
RESIDUAL = "rates and hiring rule (dropout, progression, student–teacher ratio)"
TOGETHER = "the intake drivers together (no single one alone)"
EXPLAINS = 0.25
"""A driver explains a series' error when its realised path removes at least this share of it."""


def realised(fit: Fit, actual: Observed, inputs: model.Inputs, out: dict) -> dict[str, np.ndarray]:
    """Each driver as it turned out, on ``inputs.years`` (NaN up to the cut-off and where unpublished)."""
    years = inputs.years
    later = years > fit.fit_until

    def h(level: str, indicator: str) -> np.ndarray:
        s = harmonised(actual, level, indicator).values
        return np.where(later, s.reindex(years).to_numpy(float), np.nan)

    junior_obs = h("junior_secondary", "graduates")
    junior = np.where(np.isfinite(junior_obs), junior_obs, out[("driver", "junior_graduates")])
    secondary = h("secondary_vocational_incl_technical", "enrollment")
    excl = h("secondary_vocational", "enrollment")
    hv = h("higher_vocational", "enrollment")
    with np.errstate(invalid="ignore", divide="ignore"):
        drivers = {
            "junior_entrants": h("junior_secondary", "enrollment"),
            "junior_graduates": junior_obs,
            "vocational_share": secondary / junior,
            "technical_share": (secondary - excl) / secondary,
            "general_share": h("general_senior_secondary", "enrollment") / junior,
            "external_entrants": hv - out[("higher_vocational", "progressed")]
            + out[("higher_vocational", "five_year_program_transfer_enrollment")],
        }
    return {k: np.where(np.isfinite(v), v, np.nan) for k, v in drivers.items()}


def attribute(fit: Fit, actual: Observed, points: pd.DataFrame, methods: dict, until: int) -> pd.DataFrame:
    """Per scored series: the model's MAPE, the MAPE with each driver realised, and the driver that explains it.

    ``share_of_error`` is the share of the error the named driver (or the drivers together) removes;
    for the residual, the share left once every driver is realised.

    Args:
        fit: the calibration the back-test projected with.
        actual: the rows up to ``until`` (training and later).
        points: the back-test's scored figures (``level, indicator, year, actual, model``).
        methods: how each series was projected (only the model's equations are attributed).
        until: last projected year.
    """
    inputs, out = fit.project(until)
    real = {k: v for k, v in realised(fit, actual, inputs, out).items() if np.isfinite(v).any()}
    runs = {k: model.run(fit.theta, inputs.with_overrides(**{k: v})) for k, v in real.items()}
    if real:
        runs["all"] = model.run(fit.theta, inputs.with_overrides(**real))
    at = {int(y): i for i, y in enumerate(inputs.years)}
    rows = []
    for (lv, ind), g in points.groupby(["level", "indicator"], sort=False):
        if methods.get((lv, ind)) != "cohort and staffing equations":
            continue
        idx = [at[int(y)] for y in g.year]
        obs = g.actual.to_numpy(float)

        def mape(o: dict, lv=lv, ind=ind, idx=idx, obs=obs) -> float:
            pred = series.predict(o, lv, ind, inputs.years, fit.theta)
            return float(np.mean(np.abs(pred[idx] - obs) / np.abs(obs)) * 100) if pred is not None else np.nan

        base = float(np.mean(np.abs(g.model.to_numpy(float) - obs) / np.abs(obs)) * 100)
        row = {"level": lv, "indicator": ind, "mape_model": base}
        row.update({f"mape_realised_{k}": mape(runs[k]) for k in DRIVERS if k in runs})
        row["mape_all_drivers_realised"] = mape(runs["all"]) if "all" in runs else np.nan
        gains = {k: base - row[f"mape_realised_{k}"] for k in DRIVERS if f"mape_realised_{k}" in row}
        best = max(gains, key=lambda k: gains[k]) if gains else None
        joint = base - row["mape_all_drivers_realised"]
        if best is not None and base > 0 and gains[best] >= EXPLAINS * base:
            row["explained_by"], row["share_of_error"] = DRIVERS[best], gains[best] / base
        elif base > 0 and np.isfinite(joint) and joint >= EXPLAINS * base:
            row["explained_by"], row["share_of_error"] = TOGETHER, joint / base
        else:  # the share of the error left once every driver is as it turned out
            left = row["mape_all_drivers_realised"]
            row["explained_by"] = RESIDUAL
            row["share_of_error"] = min(left / base, 1.0) if base > 0 and np.isfinite(left) else np.nan
        rows.append(row)
    cols = (["level", "indicator", "mape_model"] + [f"mape_realised_{k}" for k in DRIVERS]
            + ["mape_all_drivers_realised", "explained_by", "share_of_error"])
    return pd.DataFrame(rows).reindex(columns=cols)


__all__ = ["DRIVERS", "RESIDUAL", "TOGETHER", "attribute", "realised"]
