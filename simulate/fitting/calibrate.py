"""Bounded weighted least squares of the aggregate model on the national series.

Residuals are relative, ``(model − observed) / (observed · σ)``, with σ from the figure's quality
(1% high, 3% medium, 10% low, doubled when approximate, ``~``); a figure given as a lower bound
(``>``) only counts when the model falls below it. Standard errors come from the Jacobian at the
optimum, scaled by the residual variance; ``bootstrap > 0`` adds percentile intervals from refits
to data simulated around the fit.

:func:`fit` cuts the data at ``fit_until`` before it looks at anything else.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.optimize import least_squares

from simulate.fitting import model, series
from simulate.fitting.cohort import DEFAULT_BIRTHS, Births, load_births
from simulate.fitting.data import TRANSFERS, Observed, relative_sigma
from simulate.fitting.params import BY_NAME, EXPANSION_YEARS, GROUPS, PARAMS, POLICY_YEAR, START, intake_paths_supported

INPUT_SERIES = {("junior_secondary", "enrollment")}
"""Series the model takes as given (drivers), so they are not fitted."""


@dataclass
class Fit:
    """A calibration: parameter values, their uncertainty, and the observations they were fitted to.

    Attributes:
        theta: every parameter (fitted and held at its start value).
        fitted: names of the estimated parameters.
        se: standard error of each fitted parameter (NaN at a bound).
        interval: bootstrap 95% percentile interval of each fitted parameter (empty without bootstrap).
        groups: group → ``"fitted"`` or why it was not.
        obs: the observations used (``level, indicator, year, value, qualifier, quality, sigma, line,
            fitted``).
        train: the data cut at ``fit_until``; inputs: the model inputs built from it.
        births: national births up to ``fit_until`` (None: none given).
    """

    theta: dict[str, float]
    fitted: list[str]
    se: dict[str, float]
    at_bound: set[str]
    groups: dict[str, str]
    obs: pd.DataFrame
    train: Observed
    inputs: model.Inputs
    fit_until: int
    cost: float
    dof: int
    interval: dict[str, tuple[float, float]] = field(default_factory=dict)
    births: Births | None = None

    def project(self, until: int, restart: bool = True) -> tuple[model.Inputs, dict]:
        """Run the fitted model from the initial stocks to ``until``: (its inputs, its output).

        With ``restart`` the years after the cut-off start from the published stocks of the cut-off year
        (as a scenario starting then would); the years up to it are the fit's either way.
        """
        inputs = model.Inputs.from_observed(self.train, until, trends=self.inputs.trends, births=self.births,
                                            fit_until=self.inputs.fit_until)
        if restart:
            inputs = inputs.restarted(self.train)
        return inputs, model.run(self.theta, inputs)

    def projectable(self, level: str, indicator: str) -> bool:
        """Whether every parameter group the series needs was fitted (and its own parameters estimated)."""
        return (all(self.groups.get(g) == "fitted" for g in series.dependencies(level, indicator))
                and all(n in self.fitted for n in series.required_params(level, indicator)))

    def missing(self, level: str, indicator: str) -> str:
        """Why a series cannot be projected ('' if it can)."""
        why = [f"{g}: {self.groups.get(g)}" for g in series.dependencies(level, indicator)
               if self.groups.get(g) != "fitted"]
        why += [f"{n} not estimated (no observation moves it)" for n in series.required_params(level, indicator)
                if n not in self.fitted]
        return "; ".join(why)

    def table(self) -> pd.DataFrame:
        """One row per parameter: value, SE, interval, status, engine key, meaning."""
        rows = []
        for p in PARAMS:
            lo, hi = self.interval.get(p.name, (np.nan, np.nan))
            if p.name in self.fitted:
                status = "at bound" if p.name in self.at_bound else (
                    "weakly identified" if weakly_identified(self, p.name) else "fitted")
            elif p.name.endswith(("_trend", "_policy")) and not self.inputs.trends:
                status = "held at 0: the scenario schema takes constant intake shares"
            elif p.name.endswith("_policy") and self.groups.get(p.group) == "fitted":
                status = f"held at 0: no data from {POLICY_YEAR} on (the first intake under the revised law)"
            elif self.groups.get(p.group) != "fitted":
                status = f"held at start value: {self.groups.get(p.group)}"
            else:
                status = "held at start value: no observation moves it"

            rows.append({"parameter": p.name, "group": p.group, "value": self.theta[p.name],
                         "se": self.se.get(p.name, np.nan), "ci_low": lo, "ci_high": hi, "status": status,
                         "engine_key": p.engine or "", "meaning": p.meaning})
        return pd.DataFrame(rows)


def observations(train: Observed, inputs: model.Inputs) -> pd.DataFrame:
    """The national figures the model is fitted to, with their relative σ and model year index."""
    f = train.frame
    f = f[f.region == "national"]
    keep = []
    for r in f.itertuples():
        if not series.is_modelled(r.level, r.indicator) or r.indicator == "schools":
            continue
        if (r.level, r.indicator) in INPUT_SERIES or r.year not in inputs.years:
            continue
        involved = ("secondary_vocational", "technical_school") if r.level == series.SECONDARY_SUM else (r.level,)
        if r.indicator == "in_school" and any(inputs.start.get(lv) == r.year for lv in involved):
            continue  # an initial stock: equal to the data by construction
        keep.append({"level": r.level, "indicator": r.indicator, "year": int(r.year), "value": float(r.value),
                     "qualifier": r.qualifier, "quality": r.quality, "sigma": relative_sigma(r.quality, r.qualifier),
                     "line": int(r.line), "group": series.identifying_group(r.level, r.indicator)})
    cols = ["level", "indicator", "year", "value", "qualifier", "quality", "sigma", "line", "group"]
    return pd.DataFrame(keep, columns=cols)


class _Objective:
    """Weighted relative residuals of the observations, as a function of the free parameters."""

    def __init__(self, table: pd.DataFrame, inputs: model.Inputs, base: dict[str, float], free: list[str]):
        self.table, self.inputs, self.base, self.free = table, inputs, base, free
        self.keys = list(dict.fromkeys(zip(table.level, table.indicator, strict=True)))
        self.pos = np.searchsorted(inputs.years, table.year.to_numpy())
        self.key_index = [self.keys.index(k) for k in zip(table.level, table.indicator, strict=True)]
        self.obs = table.value.to_numpy(float)
        self.scale = np.maximum(np.abs(self.obs), 1e-9) * table.sigma.to_numpy(float)
        q = table.qualifier.to_numpy(object)
        self.lower_bound, self.upper_bound = q == ">", q == "<"

    def theta(self, x: np.ndarray) -> dict[str, float]:
        t = dict(self.base)
        t.update(zip(self.free, map(float, x), strict=True))
        return t

    def predict(self, theta: dict[str, float]) -> np.ndarray:
        out = model.run(theta, self.inputs)
        cols = [series.predict(out, lv, ind, self.inputs.years, theta) for lv, ind in self.keys]
        return np.array([cols[k][p] for k, p in zip(self.key_index, self.pos, strict=True)], float)

    def __call__(self, x: np.ndarray, observed: np.ndarray | None = None) -> np.ndarray:
        m = self.predict(self.theta(x))
        diff = m - (self.obs if observed is None else observed)
        diff = np.where(self.lower_bound, np.minimum(diff, 0.0), diff)
        diff = np.where(self.upper_bound, np.maximum(diff, 0.0), diff)
        return np.nan_to_num(diff / self.scale, nan=1e3, posinf=1e3, neginf=-1e3)


def candidate_params(table: pd.DataFrame, inputs: model.Inputs) -> tuple[list[str], dict[str, str]]:
    """Parameters to estimate, and each group's status (fitted, or why not)."""
    counts = table.groupby("group").size().to_dict()
    hv_years = table[(table.level == "higher_vocational") & (table.indicator == "enrollment")].year
    has_transfers = ((table.level == TRANSFERS[0]) & (table.indicator == TRANSFERS[1])).any()
    groups, free = {}, []
    for g in GROUPS:
        names = [p.name for p in PARAMS if p.group == g]
        if not inputs.trends:
            names = [n for n in names if not n.endswith(("_trend", "_policy"))]
        if g == "teachers":  # a ratio trend needs the ratio observed in several years
            ratio_years = table[table.indicator == "student_teacher_ratio"].groupby("level").year.nunique()
            names = [n for n in names if not (n.startswith("ratio_") and n.endswith("_trend"))
                     or ratio_years.get(n.removeprefix("ratio_").removesuffix("_trend"), 0) >= 3
                     or n == "ratio_technical_school_trend" and (table.level == "technical_school").sum() >= 6]
        elif g == "intake":  # a change of slope needs intake observed both before and from the law
            years = table[table.group == g].year
            if not ((years >= POLICY_YEAR).any() and (years < POLICY_YEAR).any()):
                names = [n for n in names if not n.endswith("_policy")]
        if g == "higher":  # a shift needs HV entrants observed both before and from its year
            names = [n for n in names if n != "transfer_share" or has_transfers]
            names = [n for n in names if not n.startswith("expansion_") or (
                (hv_years >= int(n.rsplit("_", 1)[1])).any() and (hv_years < int(n.rsplit("_", 1)[1])).any())]
        n_obs = int(counts.get(g, 0))
        if n_obs >= len(names) and n_obs > 0:
            groups[g] = "fitted"
            free += names
        else:
            groups[g] = f"not identified ({n_obs} observation(s) up to the cut-off for {len(names)} parameter(s))"
    return free, groups


def fit(obs: Observed, fit_until: int | None = None, *, bootstrap: int = 0, seed: int = 0,
        trends: bool | None = None, births: Births | None | str = "default") -> Fit:
    """Fit the aggregate model to the national rows with ``year ≤ fit_until`` (default: all years).

    Args:
        obs: the loaded data file.
        fit_until: last year of data used; later rows are dropped before anything else.
        bootstrap: number of parametric-bootstrap refits for percentile intervals (0: none).
        seed: seed of the bootstrap draws.
        trends: fit trends of the intake shares (default: when the scenario schema can take them).
        births: national births (``"default"``: ``calibration/births_national.csv``; None: none), cut
            at ``fit_until`` like the data.
    """
    fit_until = obs.last_year if fit_until is None else int(fit_until)
    train = obs.until(fit_until)  # no look-ahead: nothing after the cut-off is kept
    if isinstance(births, str):
        births = load_births(DEFAULT_BIRTHS)
    births = births.until(fit_until) if births is not None else None
    trends = intake_paths_supported() if trends is None else trends
    inputs = model.Inputs.from_observed(train, fit_until, trends=trends, births=births)
    table = observations(train, inputs)
    base = dict(START)
    if len(table):  # figures the model has no value for (flows in a level's first year) are not fitted
        table = table[np.isfinite(_Objective(table, inputs, base, []).predict(base))].reset_index(drop=True)
    free, groups = candidate_params(table, inputs)
    if "transfer_share" not in free:  # no transfers published apart: entrants are counted in full
        base["transfer_share"] = 0.0
    obj = _Objective(table, inputs, base, free)
    x0 = np.array([START[n] for n in free])
    if free:  # parameters the observations do not move are held (e.g. a level with no data)
        jac0 = _jacobian(obj, x0)
        moved = np.abs(jac0).sum(axis=0) > 1e-9
        free = [n for n, m in zip(free, moved, strict=True) if m]
        obj = _Objective(table, inputs, base, free)
        x0 = np.array([START[n] for n in free])
    lb = np.array([BY_NAME[n].lower for n in free])
    ub = np.array([BY_NAME[n].upper for n in free])
    theta, se, at_bound, cost, dof, interval = dict(base), {}, set(), 0.0, 0, {}
    if free:
        res = least_squares(obj, x0, bounds=(lb, ub), x_scale=np.maximum(np.abs(x0), 0.1 * (ub - lb)),
                            method="trf", max_nfev=400 * len(free), xtol=1e-12, ftol=1e-12, gtol=1e-10)
        theta = obj.theta(res.x)
        cost = float(2 * res.cost)
        dof = len(table) - len(free)
        at_bound = {n for n, a in zip(free, res.active_mask, strict=True) if a != 0}
        two_sided = ~(obj.lower_bound | obj.upper_bound)  # a bound that holds carries no information on SE
        se = _standard_errors(res.jac * two_sided[:, None], free, at_bound, cost, dof)
        if bootstrap > 0:
            interval = _bootstrap(obj, res.x, lb, ub, cost, dof, bootstrap, seed)
    fitted_table = table.assign(fitted=obj.predict(theta) if len(table) else np.zeros(0))
    return Fit(theta=theta, fitted=free, se=se, at_bound=at_bound, groups=groups, obs=fitted_table, train=train,
               inputs=inputs, fit_until=fit_until, cost=cost, dof=dof, interval=interval, births=births)


def _jacobian(obj: _Objective, x: np.ndarray) -> np.ndarray:
    f0 = obj(x)
    cols = []
    for k in range(x.size):
        h = 1e-4 * max(abs(x[k]), 1e-2)
        xk = x.copy()
        p = BY_NAME[obj.free[k]]
        xk[k] = x[k] + h if x[k] + h <= p.upper else x[k] - h
        cols.append((obj(xk) - f0) / (xk[k] - x[k]))
    return np.column_stack(cols) if cols else np.zeros((f0.size, 0))


def _standard_errors(jac: np.ndarray, free: list[str], at_bound: set[str], cost: float, dof: int) -> dict[str, float]:
    """SE from (JᵀJ)⁻¹ scaled by the residual variance (unit variance when there is no residual dof)."""
    inner = [i for i, n in enumerate(free) if n not in at_bound]
    se = {n: np.nan for n in free}
    if not inner:
        return se
    j = jac[:, inner]
    norms = np.linalg.norm(j, axis=0)
    cov = np.linalg.pinv(j.T @ j)
    s2 = cost / dof if dof > 0 else 1.0
    for k, i in enumerate(inner):
        if norms[k] > 1e-6 * norms.max():  # a flat direction (e.g. only a lower bound binds) has no SE
            se[free[i]] = float(np.sqrt(max(cov[k, k], 0.0) * s2))
    return se


def weakly_identified(fit: Fit, name: str) -> bool:
    """No SE, or a 95% interval wider than half the admissible range: the data hardly move it."""
    p = BY_NAME[name]
    se = fit.se.get(name, np.nan)
    return name in fit.fitted and name not in fit.at_bound and not (np.isfinite(se) and 4 * se < p.upper - p.lower)


def _bootstrap(obj: _Objective, x: np.ndarray, lb, ub, cost: float, dof: int, n: int, seed: int) -> dict:
    """Percentile intervals from refits to ``model × (1 + s·σ·ε)`` (parametric bootstrap)."""
    rng = np.random.default_rng(seed)
    m = obj.predict(obj.theta(x))
    s = np.sqrt(cost / dof) if dof > 0 else 1.0
    sigma = obj.table.sigma.to_numpy(float)
    draws = []
    for _ in range(n):
        fake = m * (1.0 + s * sigma * rng.standard_normal(m.size))
        res = least_squares(lambda z, fake=fake: obj(z, fake), x, bounds=(lb, ub), method="trf",
                            x_scale=np.maximum(np.abs(x), 0.1 * (ub - lb)), max_nfev=200 * x.size,
                            xtol=1e-10, ftol=1e-10, gtol=1e-10)
        draws.append(res.x)
    d = np.array(draws)
    return {name: (float(np.percentile(d[:, k], 2.5)), float(np.percentile(d[:, k], 97.5)))
            for k, name in enumerate(obj.free)}


def fit_statistics(table: pd.DataFrame, value: str = "fitted") -> pd.DataFrame:
    """Per series: observations, RMSE (series units), MAPE (%) and R² of column ``value`` against ``value``.

    A figure published as a lower bound (``>``) counts as no error when the model is above it.
    """
    rows = []
    for (lv, ind), g in table.dropna(subset=[value]).groupby(["level", "indicator"], sort=False):
        o, m = g.value.to_numpy(float), g[value].to_numpy(float)
        err = m - o
        if "qualifier" in g:
            q = g.qualifier.to_numpy(object)
            err = np.where(q == ">", np.minimum(err, 0.0), np.where(q == "<", np.maximum(err, 0.0), err))
        ss_tot = float(((o - o.mean()) ** 2).sum())
        rows.append({"level": lv, "indicator": ind, "n": len(g), "rmse": float(np.sqrt((err ** 2).mean())),
                     "mape": float(np.mean(np.abs(err) / np.abs(o)) * 100),
                     "r2": 1 - float((err ** 2).sum()) / ss_tot if len(g) >= 3 and ss_tot > 0 else np.nan})
    return pd.DataFrame(rows, columns=["level", "indicator", "n", "rmse", "mape", "r2"])


__all__ = ["EXPANSION_YEARS", "Fit", "fit", "fit_statistics", "observations", "weakly_identified"]
