"""What ``talentsim calibrate`` and ``talentsim backtest`` do, as library calls."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from simulate import shipped
from simulate.fitting import coverage, dual_share, engine_check, layers, outlook, report, series
from simulate.fitting import regional as regions
from simulate.fitting.backtest import MODEL, Backtest, backtest, naive
from simulate.fitting.calibrate import Fit, fit, fit_statistics
from simulate.fitting.cohort import DEFAULT_BIRTHS, load_births
from simulate.fitting.data import harmonised, load_observed
from simulate.results.runfolder import write_atomic

DEFAULT_DATA = shipped.calibration_dir() / "observed_2015_2022.csv"
"""The national statistics shipped with talentsim."""
DEFAULT_OUT = Path("runs") / "calibration"
"""Where ``calibrate`` writes without ``--out``/``--report``: a folder of the working directory, never the package."""


@dataclass
class Calibration:
    """Outputs of a calibration run."""

    fit: Fit
    statistics: pd.DataFrame
    files: list[Path]
    engine_statistics: pd.DataFrame | None = None
    engine_runtime_s: float | None = None
    certification: tuple[float | None, str] = (None, "")
    skipped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    shares: pd.DataFrame | None = None
    paths: pd.DataFrame | None = None
    outlook: pd.DataFrame | None = None


def _csv(path: Path, df: pd.DataFrame) -> Path:
    write_atomic(path, lambda p: df.to_csv(p, index=False))
    return path


def calibrate(data: Path | None = None, fit_until: int | None = None, *, out: Path | None = None,
              region_out: Path | None = None, report_dir: Path = DEFAULT_OUT, base_year: int | None = None,
              bootstrap: int = 0, engine: bool = True, images: bool = True, lang: str = "en",
              seed: int = 0, regional: tuple[tuple[str, int | None], ...] = (),
              births: Path | None = None) -> Calibration:
    """Fit, check in the engine, write the scenario layers (and regional intake layers) and the fit report.

    Layers: behaviour (``out``), national region (``region_out``) and the national cohort
    (``cohort.yaml`` next to the default ``out``, else ``<out>.cohort.yaml``). ``regional``: (region,
    base year or None) pairs; each gets ``<region>_intake.yaml`` next to ``out`` with the fitted national
    drivers scaled to the region (:mod:`~simulate.fitting.regional`).
    """
    data = Path(data or DEFAULT_DATA)
    births_file = Path(births or DEFAULT_BIRTHS)
    obs = load_observed(data)
    born = load_births(births_file)
    f = fit(obs, fit_until, bootstrap=bootstrap, seed=seed, births=born)
    command = f"talentsim calibrate --fit-until {f.fit_until}"
    command += "" if data == DEFAULT_DATA else f" --data {data.name}"
    command += "" if births_file == DEFAULT_BIRTHS else f" --births {births_file.name}"
    stats = fit_statistics(f.obs)
    table = f.obs.copy()
    inputs, out_model = f.project(f.fit_until)
    paths = engine_check.long_table(out_model, f, inputs.years, "fitted")
    result = Calibration(fit=f, statistics=stats, files=[])
    dual = None
    if engine:  # certification fitted on the national engine to the 2021 and 2022 shares
        dual = dual_share.fit_certification(dual_share.national_scenario(f))
        result.certification = (dual.rate, dual.source())
        table, engine_paths, result.engine_runtime_s = engine_check.engine_fit(
            f, seed=seed, certification=result.certification[0])
        result.engine_statistics = fit_statistics(table, "engine")
        paths = paths.merge(engine_paths, on=["level", "indicator", "year"], how="left")
    result.paths = paths.merge(f.obs[["level", "indicator", "year", "value"]], on=["level", "indicator", "year"],
                               how="left")
    out = Path(out) if out else DEFAULT_OUT / "fitted" / "behaviour.yaml"
    beside = out.name == "behaviour.yaml"
    region_out = Path(region_out) if region_out else (
        out.with_name("national_region.yaml") if beside else out.with_name(out.stem + ".national_region.yaml"))
    cohort_out = out.with_name("cohort.yaml") if beside else out.with_name(out.stem + ".cohort.yaml")
    base_year = int(base_year) if base_year is not None else obs.until(f.fit_until).last_year + 1
    beh, skipped_b = layers.behaviour_layer(f, command)  # certification: the teachers layer below
    reg, skipped_r = layers.region_layer(f, command, base_year)
    result.skipped = skipped_b + skipped_r
    header = [f"Written by `{command}` ({data.name}); do not edit by hand: re-run the command.",
              "A scenario extends this file after calibration/parameters/*.yaml to use the fitted values.",
              "Not written (weakly identified or not fitted; the parameter files' values stand): "
              + (", ".join(result.skipped) or "none") + "."]
    coh = layers.cohort_layer(f, born, command)
    intake_trees = {"national": reg} if "intake" in reg.get("region", {}) else {}
    for path, tree, what in ((out, beh, "behaviour (rates any region may use)"),
                             (region_out, reg, f"national region, for a scenario with base_year {base_year}"),
                             (cohort_out, coh, "national school-age cohort (every scenario extends it; a "
                                               "province scales it by its province_share)")):
        text = layers.dump_layer(tree, [f"Fitted {what}."] + header)
        write_atomic(path, lambda p, text=text: p.write_text(text, encoding="utf-8"))
        result.files.append(path)
    if dual is not None:
        path = out.with_name("teachers.yaml") if beside else out.with_name(out.stem + ".teachers.yaml")
        text = dual_share.layer_text(dual)
        write_atomic(path, lambda p, text=text: p.write_text(text, encoding="utf-8"))
        result.files.append(path)
    for region, year in regional:
        year = base_year if year is None else int(year)
        tree = regions.intake_layer(f, obs, region, year, command)
        if not tree:
            raise ValueError(f"the data has no {region} in-school snapshot to scale national flows by, and "
                             f"calibration/parameters/{region}_region.yaml gives no secondary stocks")
        text = layers.dump_layer(tree, [f"Intake of {region} for a scenario with base_year {year}: fitted national "
                                        "drivers scaled to the region's snapshot in the data.",
                                        header[0].replace(command, f"{command} --regional {region}:{year}")])
        path = out.with_name(f"{region}_intake.yaml")
        write_atomic(path, lambda p, text=text: p.write_text(text, encoding="utf-8"))
        result.files.append(path)
        intake_trees[region] = tree
    if data == DEFAULT_DATA:  # the report covers every shipped region: the intake layers not re-fitted now, as shipped
        for path in sorted((shipped.calibration_dir() / "fitted").glob("*_intake.yaml")):
            name = path.stem.removesuffix("_intake")
            if name not in intake_trees:
                intake_trees[name] = yaml.safe_load(path.read_text(encoding="utf-8"))
    complete = {k: t for k, t in intake_trees.items() if {"vocational_share", "technical_share_of_secondary",
                                                          "higher_external_rate"} <= set(t["region"]["intake"])}
    if complete and "junior_per_birth" in coh["region"]["intake"]:
        result.outlook = outlook.outlook(coh, complete)
    result.shares = pd.concat([regions.regional_shares(obs, r) for r in sorted(set(obs.frame.region) - {"national"})],
                              ignore_index=True)
    result.files += _calibration_report(Path(report_dir), result, table, command, lang, images)
    return result


def _calibration_report(folder: Path, r: Calibration, table: pd.DataFrame, command: str, lang: str,
                        images: bool) -> list[Path]:
    f = r.fit
    params = f.table()
    stats = r.statistics.copy()
    if r.engine_statistics is not None:
        stats = stats.merge(r.engine_statistics, on=["level", "indicator"], how="left", suffixes=("", "_engine"))
    shares = r.shares if r.shares is not None else pd.DataFrame()
    files = [_csv(folder / "parameters.csv", params), _csv(folder / "fit_statistics.csv", stats),
             _csv(folder / "observed_vs_fitted.csv", table), _csv(folder / "regional_shares.csv", shares)]
    lines = [f"Calibration: {command}", f"data: {f.train.file} (rows with year ≤ {f.fit_until})",
             f"observations fitted: {len(f.obs)}; free parameters: {len(f.fitted)}; residual dof: {f.dof}; "
             f"weighted SSR: {f.cost:.1f} (σ by quality: high 1%, medium 3%, low 10%)", "",
             "Parameters (SE scaled by the residual variance; weakly identified = 95% interval wider than half "
             "the admissible range):"]
    lines += report.format_table(params[["parameter", "value", "se", "ci_low", "ci_high", "status", "engine_key"]])
    lines += ["", "Fit per series (aggregate model" + (", then the engine hindcast" if r.engine_statistics is not None
                                                        else "") + "): n, RMSE (series units), MAPE %, R²"]
    lines += report.format_table(stats)
    if r.engine_runtime_s is not None:
        lines += ["", f"engine hindcast: {r.engine_runtime_s:.2f} s; certification mapping: {r.certification[1]}"]
    lines += ["", "Not written to the scenario layers: " + (", ".join(r.skipped) or "none")]
    regions = coverage.coverage()
    files.append(_csv(folder / "regions.csv", regions))
    lines += ["", "Shipped regions (calibration/parameters/*_region.yaml and the fitted layer each baseline extends; "
                  "every value in regions.csv with its source): what comes from the data, what is derived, fitted, "
                  "set by a clause or assumed:"]
    lines += [f"  {t}" for t in coverage.statements(regions, f.train.frame)]
    tables = {"parameters": params, "fit_statistics": stats, "observed_vs_fitted": table, "regional_shares": shares,
              "regions": regions}
    if r.outlook is not None:
        files.append(_csv(folder / "cohort_outlook.csv", r.outlook))
        tables["cohort_outlook"] = r.outlook
        lines += ["", "School-age cohort: the central paths written to the layers, through the engine's intake "
                      "equations (junior graduates = births 15 years earlier × junior_per_birth × province_share; the "
                      "ratio and the shares are held after 2030, so from 2030 intake follows births):"]
        lines += [f"  {s}" for s in outlook.statements(r.outlook)]
    files.append(folder / "report.txt")
    report.write_text(folder / "report.txt", lines)
    figs = report.fit_figures(r.paths if r.paths is not None else table, lang)
    if r.outlook is not None:
        figs["outlook"] = report.outlook_figure(r.outlook, lang)
    r.warnings += report.write_bundle(
        folder, title="Calibration: observed vs fitted" if lang == "en" else "校准：观测值与拟合值", lang=lang,
        figures=figs, tables=tables, notes=lines[:3] + ([f"Cohort: {s}" for s in outlook.statements(r.outlook)]
                                                        if r.outlook is not None else []), images=images)
    return files + [folder / "report.html"]


def run_backtest(data: Path, fit_until: int, until: int | None, out: Path, *, images: bool = True,
                 lang: str = "en", bootstrap: int = 0, births: Path | None = None,
                 report_bundle: bool = True) -> tuple[Backtest, list[str]]:
    """Back-test and write ``predictions.csv``, ``errors.csv``, ``drivers.csv``, ``report.txt`` into ``out``.

    With ``report_bundle`` also the HTML/xlsx report with one chart panel per scored series (observed,
    model, persistence and trend; titled with the driver that explains the error).
    """
    obs = load_observed(data)
    born = load_births(Path(births or DEFAULT_BIRTHS))
    start = time.perf_counter()
    bt = backtest(obs, fit_until, until, bootstrap=bootstrap, births=born)
    out = Path(out)
    errors = bt.errors()
    _csv(out / "predictions.csv", bt.predictions)
    _csv(out / "errors.csv", errors)
    _csv(out / "scored_figures.csv", bt.points)
    _csv(out / "parameters.csv", bt.fit.table())
    _csv(out / "not_projected.csv", bt.excluded)
    _csv(out / "drivers.csv", bt.drivers)
    _csv(out / "regional.csv", bt.regional)
    o = bt.overall()
    lines = [f"Back-test: fit on {Path(data).name} rows with year ≤ {bt.fit_until}, projection to {bt.until}",
             "", bt.verdict(), "",
             f"overall MAPE over the common set ({o['series']} series, {o['figures']} figures): model "
             f"{o['mape_model']:.2f}%, persistence {o['mape_persistence']:.2f}%, linear trend (last five observed "
             f"years) {o['mape_trend']:.2f}%, model / best naive = {o['ratio']:.2f}",
             "Series held at their last value (school counts, junior-secondary entrants) and series a naive forecast "
             "cannot be made for are listed but not in the overall figures.", "", "MAPE per series (%):"]
    lines += report.format_table(errors.drop(columns=["years"]))
    lines += ["", "Which driver explains the error (the projection re-run with each driver as it turned out; "
              "share_of_error = share of the model's MAPE it removes, or for the rates, the share left):"]
    if len(bt.drivers):
        lines += report.format_table(bt.drivers[["level", "indicator", "mape_model", "explained_by",
                                                 "share_of_error"]])
    lines += ["", "Regional snapshots after the cut-off (a province as the engine treats it: its share of the national "
                  "series in its last snapshot up to the cut-off × the national projection; persistence = that "
                  "snapshot):"]
    scored = bt.regional[bt.regional.model.notna()]
    lines += [f"  {r.region}/{r.level}/{r.indicator}/{r.year}: actual {r.actual:,.0f}; model {r.model:,.0f} (share "
              f"{r.share:.4f} of {int(r.base_year)} × national {r.national:,.0f}), error {r.ape_model:.1f}%; "
              f"persistence {r.persistence:,.0f}, error {r.ape_persistence:.1f}%"
              for r in scored.itertuples()] or ["  none scored"]
    unscored = bt.regional[bt.regional.model.isna()]
    if len(unscored):
        lines += [f"  not scored ({len(unscored)}): " + "; ".join(
            f"{r.region}/{r.level}/{r.indicator}/{r.year} ({r.note})" for r in unscored.itertuples())]
    lines += ["", f"Not projected ({len(bt.excluded)} series):"]
    lines += [f"  {r.level}/{r.indicator}: {r.reason}" for r in bt.excluded.itertuples()]
    lines += ["", f"time: {time.perf_counter() - start:.2f} s"]
    report.write_text(out / "report.txt", lines)
    if not report_bundle:
        return bt, []
    figs = report.backtest_figures(backtest_lines(bt), lang, bt.fit_until, bt.drivers)
    if errors.in_overall.any():
        figs["mape_by_series"] = report.mape_figure(errors, lang)
    warnings = report.write_bundle(out, title=f"Back-test: fit ≤ {bt.fit_until}, scored {bt.fit_until + 1}–{bt.until}",
                                   lang=lang, figures=figs, tables={"errors": errors, "drivers": bt.drivers,
                                                                    "regional": bt.regional,
                                                                    "predictions": bt.predictions,
                                                                    "scored_figures": bt.points},
                                   notes=[bt.verdict()], images=images)
    return bt, warnings


def backtest_lines(bt: Backtest) -> pd.DataFrame:
    """Per scored series and year: the observed history and later actuals, the model, and the naive forecasts.

    Columns ``level, indicator, year, value, model, persistence, trend``: the model fitted up to the
    cut-off then projected; persistence and the five-year trend drawn from the cut-off.
    """
    fu = bt.fit_until
    _, fitted = bt.fit.project(fu, restart=False)
    inputs, projected = bt.fit.project(bt.until)
    years = inputs.years
    held = bt.predictions.set_index(["level", "indicator", "year"]).value
    rows = []
    for lv, ind in dict.fromkeys(zip(bt.points.level, bt.points.indicator, strict=True)):
        hist = harmonised(bt.fit.train, lv, ind).values
        actual = bt.points[(bt.points.level == lv) & (bt.points.indicator == ind)].set_index("year").actual
        equations = bt.methods.get((lv, ind)) == MODEL
        model_in = series.predict(fitted, lv, ind, years[years <= fu], bt.fit.theta) if equations else None
        model_out = series.predict(projected, lv, ind, years, bt.fit.theta) if equations else None
        last = float(hist.iloc[-1]) if len(hist) else np.nan
        for i, y in enumerate(int(y) for y in years):
            row = {"level": lv, "indicator": ind, "year": y,
                   "value": float(hist[y]) if y in hist.index else float(actual.get(y, np.nan))}
            if model_in is not None and y <= fu:
                row["model"] = float(model_in[i])
            elif model_out is not None:
                row["model"] = float(model_out[i])
            elif y > fu:
                row["model"] = float(held.get((lv, ind, y), np.nan))
            if y == fu:
                row["persistence"] = row["trend"] = last
            elif y > fu:
                row["persistence"], row["trend"] = naive(bt.fit.train, lv, ind, y)
            rows.append(row)
    return pd.DataFrame(rows, columns=["level", "indicator", "year", "value", "model", "persistence", "trend"])


__all__ = ["Calibration", "DEFAULT_DATA", "calibrate", "run_backtest"]
