"""Back-test: fit on the years up to a cut-off, project, and score against two naive forecasts.

No look-ahead: :func:`backtest` splits the data into the rows with ``year ≤ fit_until`` (the only
rows the fit, the projection and the naive forecasts see) and the later rows (used only to score).
The series to project come from the model's catalogue and the training rows, never from later rows.

Naive forecasts (as BLS evaluates its projections): *persistence*, the last observed value; and a
*linear trend* fitted by least squares to the last five observed years. Both are computed on the
harmonised history (one coverage across the breaks) and converted to the published coverage of the
year they forecast, so neither they nor the model are scored against a definition change.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from simulate.fitting import series
from simulate.fitting.attribution import attribute
from simulate.fitting.calibrate import Fit, fit
from simulate.fitting.cohort import Births
from simulate.fitting.data import INCLUDES_TRANSFERS, TRANSFERS, Observed, harmonised, national_series

PREDICTION_COLUMNS = ["region", "level", "indicator", "year", "value"]
SNAPSHOT = ("enrollment", "in_school", "graduates", "schools", "fulltime_teachers")
"""The indicators of a province's education snapshot (as :mod:`simulate.fitting.regional` reads them)."""
REGIONAL_COLUMNS = ["region", "level", "indicator", "year", "actual", "model", "persistence", "base_year",
                    "base_value", "share", "national", "ape_model", "ape_persistence", "note"]
"""Columns of the regional snapshot check (``regional.csv``): a later figure of a province against its share of
the national projection in its last snapshot of the same series up to the cut-off, and against persistence."""
HELD = "held at the last observed value"
MODEL = "cohort and staffing equations"


@dataclass
class Backtest:
    """Predictions, errors against the later rows, and the comparison with naive forecasts.

    Attributes:
        fit: the calibration on the rows up to ``fit_until``.
        predictions: ``region, level, indicator, year, value`` for every projected national series.
        regional: the regional snapshots after the cut-off, each scored (where the province has an earlier
            figure of the same series) as its share of the national projection (:func:`regional_check`).
        methods: (level, indicator) → how the model projects it (equations, or held).
        excluded: series of the training data the model does not project, with the reason.
        points: one row per scored figure: ``level, indicator, year, actual, model, persistence, trend``.
        drivers: per series projected by the equations, which driver explains its error
            (:func:`simulate.fitting.attribution.attribute`).
    """

    fit: Fit
    fit_until: int
    until: int
    predictions: pd.DataFrame
    methods: dict[tuple[str, str], str]
    excluded: pd.DataFrame
    points: pd.DataFrame
    drivers: pd.DataFrame = field(default_factory=pd.DataFrame)
    regional: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=REGIONAL_COLUMNS))

    def errors(self) -> pd.DataFrame:
        """MAPE (%) per series for the model and both naive forecasts; ``in_overall`` marks the common set."""
        rows = []
        for (lv, ind), g in self.points.groupby(["level", "indicator"], sort=False):
            ape = {k: (np.abs(g[k] - g.actual) / np.abs(g.actual) * 100) for k in ("model", "persistence", "trend")}
            method = self.methods.get((lv, ind), "")
            complete = all(ape[k].notna().all() for k in ape)
            rows.append({"level": lv, "indicator": ind, "years": ", ".join(map(str, g.year)), "n": len(g),
                         "method": method, "mape_model": ape["model"].mean(),
                         "mape_persistence": ape["persistence"].mean(), "mape_trend": ape["trend"].mean(),
                         "in_overall": bool(complete and method == MODEL)})
        cols = ["level", "indicator", "years", "n", "method", "mape_model", "mape_persistence", "mape_trend",
                "in_overall"]
        return pd.DataFrame(rows, columns=cols)

    def overall(self) -> dict[str, float]:
        """MAPE over every scored figure of the common set, and model / best naive."""
        err = self.errors()
        keep = {tuple(k) for k in err.loc[err.in_overall, ["level", "indicator"]].to_numpy()}
        p = self.points[[k in keep for k in zip(self.points.level, self.points.indicator, strict=True)]]
        out = {"series": len(keep), "figures": len(p)}
        for k in ("model", "persistence", "trend"):
            out[f"mape_{k}"] = float((np.abs(p[k] - p.actual) / np.abs(p.actual)).mean() * 100) if len(p) else np.nan
        best = min(out["mape_persistence"], out["mape_trend"])
        out["best_naive"] = "persistence" if out["mape_persistence"] <= out["mape_trend"] else "linear trend"
        out["ratio"] = out["mape_model"] / best if best > 0 else np.nan
        return out

    def verdict(self) -> str:
        """The comparison in one plain sentence."""
        o = self.overall()
        if not o["figures"]:
            return (f"No figure after {self.fit_until} up to {self.until} could be scored for the model and both "
                    "naive forecasts: there is nothing to compare.")
        beats = "beats" if o["ratio"] < 1 else "does NOT beat"
        span = f"{self.fit_until + 1}" if self.until == self.fit_until + 1 else f"{self.fit_until + 1}–{self.until}"
        return (f"Fitted on the data up to {self.fit_until} and scored on {o['figures']} published figures of "
                f"{o['series']} national series in {span}, the model's MAPE is "
                f"{o['mape_model']:.2f}% against {o['mape_persistence']:.2f}% for persistence and "
                f"{o['mape_trend']:.2f}% for the five-year linear trend: model / best naive ({o['best_naive']}) "
                f"= {o['ratio']:.2f}, so the model {beats} the best naive forecast.")


def backtest(obs: Observed, fit_until: int, until: int | None = None, *, bootstrap: int = 0,
             births: Births | None | str = "default") -> Backtest:
    """Fit on ``year ≤ fit_until``, project national series to ``until`` and score the later rows.

    ``births`` (default: ``calibration/births_national.csv``) are cut at ``fit_until`` like the data.
    """
    fit_until = int(fit_until)
    train, later = obs.until(fit_until), obs.after(fit_until)  # the split comes first
    until = int(until) if until is not None else max(fit_until + 1, obs.last_year)
    if until <= fit_until:
        raise ValueError(f"--until ({until}) must be after --fit-until ({fit_until})")
    f = fit(train, fit_until, bootstrap=bootstrap, births=births)
    predictions, methods, excluded = project(f, train, until)
    points = score(predictions, train, later.until(until))
    drivers = attribute(f, obs.until(until), points, methods, until)  # after scoring: explains, never predicts
    regional = regional_check(predictions, train, later.until(until))
    return Backtest(f, fit_until, until, predictions, methods, excluded, points, drivers, regional)


def regional_check(predictions: pd.DataFrame, train: Observed, actual: Observed) -> pd.DataFrame:
    """Score the provinces' later snapshots as a province is simulated: a constant share of the national flows.

    Regions have snapshots, not series (Jiangxi 2021, Jilin 2017 and 2021, Hunan 2017–2018). For each regional
    snapshot figure (:data:`SNAPSHOT`) after the cut-off whose level and indicator the national projection
    covers, the model's forecast is the province's share of the national figure in its last snapshot of the
    same series up to the cut-off × the national projection of that year (the assumption behind every
    province's intake layer); persistence is that snapshot itself. A later figure without an earlier one of
    its series is listed, unscored, with the reason.
    """
    pred = predictions.set_index(["level", "indicator", "year"]).value
    projected = {(lv, ind) for lv, ind, _ in pred.index}
    rows = []
    later = actual.frame[(actual.frame.region != "national") & actual.frame.indicator.isin(SNAPSHOT)]
    for r in later.itertuples():
        row = {"region": r.region, "level": r.level, "indicator": r.indicator, "year": int(r.year),
               "actual": float(r.value)}
        base = train.series(r.level, r.indicator, r.region)
        if (r.level, r.indicator) not in projected:
            rows.append({**row, "note": "the national projection does not cover this series"})
            continue
        if not len(base):
            rows.append({**row, "note": "no earlier snapshot of the series to scale"})
            continue
        by, bv = int(base.index[-1]), float(base.iloc[-1])
        nat = harmonised(train, r.level, r.indicator).values
        if by not in nat.index or not nat[by] > 0:
            rows.append({**row, "base_year": by, "base_value": bv, "note": f"no national figure of {by} to scale by"})
            continue
        share, national = bv / float(nat[by]), float(pred.get((r.level, r.indicator, int(r.year)), np.nan))
        model = share * national
        rows.append({**row, "model": model, "persistence": bv, "base_year": by, "base_value": bv, "share": share,
                     "national": national, "ape_model": abs(model - r.value) / abs(r.value) * 100,
                     "ape_persistence": abs(bv - r.value) / abs(r.value) * 100,
                     "note": f"share of {by} × the national projection"})
    return pd.DataFrame(rows, columns=REGIONAL_COLUMNS)


def project(f: Fit, train: Observed, until: int) -> tuple[pd.DataFrame, dict, pd.DataFrame]:
    """Predictions of every national series the model projects, for ``fit_until < year ≤ until``."""
    inputs, out = f.project(until)
    years = inputs.years
    future = (years > f.fit_until) & (years <= until)
    candidates = list(dict.fromkeys(
        [(lv, ind) for lv, inds in series.MODELLED.items() for ind in inds] + national_series(train)))
    rows, methods, excluded = [], {}, []
    for lv, ind in candidates:
        if not series.is_modelled(lv, ind):
            excluded.append({"level": lv, "indicator": ind, "reason": series.unmodelled_reason(lv, ind)})
            continue
        if ind == "schools" or (lv, ind) == ("junior_secondary", "enrollment"):
            hist = harmonised(train, lv, ind).values
            if not len(hist):
                continue
            values, methods[(lv, ind)] = np.full(future.sum(), float(hist.iloc[-1])), HELD
        elif f.projectable(lv, ind):
            values, methods[(lv, ind)] = series.predict(out, lv, ind, years, f.theta)[future], MODEL
        else:
            excluded.append({"level": lv, "indicator": ind,
                             "reason": "not identified from the data up to the cut-off: " + f.missing(lv, ind)})
            continue
        for y, v in zip(years[future], values, strict=True):
            if np.isfinite(v):
                rows.append({"region": "national", "level": lv, "indicator": ind, "year": int(y), "value": float(v)})
    return (pd.DataFrame(rows, columns=PREDICTION_COLUMNS), methods,
            pd.DataFrame(excluded, columns=["level", "indicator", "reason"]))


def naive(train: Observed, level: str, indicator: str, year: int) -> tuple[float, float]:
    """(persistence, five-year linear trend) forecasts of a published figure from the training rows."""
    if level == "higher_vocational" and indicator == "enrollment" and year in INCLUDES_TRANSFERS:
        a, b = naive(train, level, "enrollment_excl", year), naive(train, *TRANSFERS, year)
        return a[0] + b[0], a[1] + b[1]
    h = harmonised(train, level, "enrollment" if indicator == "enrollment_excl" else indicator).values.dropna()
    if not len(h):
        return np.nan, np.nan
    last = h.iloc[-5:]
    trend = np.nan
    if len(last) >= 2:
        slope, intercept = np.polyfit(last.index.to_numpy(float), last.to_numpy(float), 1)
        trend = float(intercept + slope * year)
    return float(h.iloc[-1]), trend


def score(predictions: pd.DataFrame, train: Observed, actual: Observed) -> pd.DataFrame:
    """Each later national figure with the model's prediction and the two naive forecasts."""
    pred = predictions.set_index(["level", "indicator", "year"]).value
    rows = []
    projected = {(lv, ind) for lv, ind, _ in pred.index}
    nat = actual.frame[actual.frame.region == "national"]
    for r in nat.itertuples():
        key = (r.level, r.indicator, int(r.year))
        if (r.level, r.indicator) not in projected:
            continue
        pers, trend = naive(train, r.level, r.indicator, int(r.year))
        rows.append({"level": r.level, "indicator": r.indicator, "year": int(r.year), "actual": float(r.value),
                     "model": float(pred.get(key, np.nan)), "persistence": pers, "trend": trend})
    return pd.DataFrame(rows, columns=["level", "indicator", "year", "actual", "model", "persistence", "trend"])
