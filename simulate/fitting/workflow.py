"""What ``talentsim calibrate`` and ``talentsim backtest`` do, as library calls."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from simulate import shipped
from simulate.fitting import engine_check, layers, report
from simulate.fitting import regional as regions
from simulate.fitting.backtest import Backtest, backtest
from simulate.fitting.calibrate import Fit, fit, fit_statistics
from simulate.fitting.data import Observed, harmonised, load_observed
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


def _csv(path: Path, df: pd.DataFrame) -> Path:
    write_atomic(path, lambda p: df.to_csv(p, index=False))
    return path


def calibrate(data: Path | None = None, fit_until: int | None = None, *, out: Path | None = None,
              region_out: Path | None = None, report_dir: Path = DEFAULT_OUT, base_year: int | None = None,
              bootstrap: int = 0, engine: bool = True, images: bool = True, lang: str = "en",
              seed: int = 0, regional: tuple[tuple[str, int | None], ...] = ()) -> Calibration:
    """Fit, check in the engine, write both scenario layers (and regional intake layers) and the fit report.

    ``regional``: (region, base year or None) pairs; each gets ``<region>_intake.yaml`` next to ``out``
    with the fitted national drivers scaled by the region's snapshot shares.
    """
    data = Path(data or DEFAULT_DATA)
    obs = load_observed(data)
    f = fit(obs, fit_until, bootstrap=bootstrap, seed=seed)
    command = f"talentsim calibrate --fit-until {f.fit_until}"
    command += "" if data == DEFAULT_DATA else f" --data {data.name}"
    stats = fit_statistics(f.obs)
    table = f.obs.copy()
    inputs, out_model = f.project(f.fit_until)
    paths = engine_check.long_table(out_model, f, inputs.years, "fitted")
    result = Calibration(fit=f, statistics=stats, files=[])
    if engine:
        result.certification = engine_check.certification_rate(f, seed=seed)
        table, engine_paths, result.engine_runtime_s = engine_check.engine_fit(
            f, seed=seed, certification=result.certification[0])
        result.engine_statistics = fit_statistics(table, "engine")
        paths = paths.merge(engine_paths, on=["level", "indicator", "year"], how="left")
    result.paths = paths.merge(f.obs[["level", "indicator", "year", "value"]], on=["level", "indicator", "year"],
                               how="left")
    out = Path(out) if out else DEFAULT_OUT / "fitted" / "behaviour.yaml"
    region_out = Path(region_out) if region_out else (
        out.with_name("national_region.yaml") if out.name == "behaviour.yaml"
        else out.with_name(out.stem + ".national_region.yaml"))
    base_year = int(base_year) if base_year is not None else obs.until(f.fit_until).last_year + 1
    cert, cert_note = result.certification
    beh, skipped_b = layers.behaviour_layer(f, command, cert, cert_note)
    reg, skipped_r = layers.region_layer(f, command, base_year)
    result.skipped = skipped_b + skipped_r
    header = [f"Written by `{command}` ({data.name}); do not edit by hand: re-run the command.",
              "A scenario extends this file after calibration/parameters/*.yaml to use the fitted values.",
              "Not written (weakly identified or not fitted; the parameter files' values stand): "
              + (", ".join(result.skipped) or "none") + "."]
    for path, tree, what in ((out, beh, "behaviour (rates any region may use)"),
                             (region_out, reg, f"national region, for a scenario with base_year {base_year}")):
        text = layers.dump_layer(tree, [f"Fitted {what}."] + header)
        write_atomic(path, lambda p, text=text: p.write_text(text, encoding="utf-8"))
        result.files.append(path)
    for region, year in regional:
        year = base_year if year is None else int(year)
        tree = regions.intake_layer(f, obs, region, year, command)
        if not tree:
            raise ValueError(f"the data has no {region} in-school snapshot to scale national flows by")
        text = layers.dump_layer(tree, [f"Intake of {region} for a scenario with base_year {year}: fitted national "
                                        "drivers × the region's shares in the data.", header[0]])
        path = out.with_name(f"{region}_intake.yaml")
        write_atomic(path, lambda p, text=text: p.write_text(text, encoding="utf-8"))
        result.files.append(path)
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
    files.append(folder / "report.txt")
    report.write_text(folder / "report.txt", lines)
    figs = report.fit_figures(r.paths if r.paths is not None else table, lang)
    r.warnings += report.write_bundle(
        folder, title="Calibration: observed vs fitted" if lang == "en" else "校准：观测值与拟合值", lang=lang,
        figures=figs, tables={"parameters": params, "fit_statistics": stats, "observed_vs_fitted": table,
                              "regional_shares": shares},
        notes=lines[:3], images=images)
    return files + [folder / "report.html"]


def run_backtest(data: Path, fit_until: int, until: int | None, out: Path, *, images: bool = True,
                 lang: str = "en", bootstrap: int = 0) -> tuple[Backtest, list[str]]:
    """Back-test and write ``predictions.csv``, ``errors.csv``, ``report.txt`` and the bundle into ``out``."""
    obs = load_observed(data)
    start = time.perf_counter()
    bt = backtest(obs, fit_until, until, bootstrap=bootstrap)
    out = Path(out)
    errors = bt.errors()
    _csv(out / "predictions.csv", bt.predictions)
    _csv(out / "errors.csv", errors)
    _csv(out / "scored_figures.csv", bt.points)
    _csv(out / "parameters.csv", bt.fit.table())
    _csv(out / "not_projected.csv", bt.excluded)
    o = bt.overall()
    lines = [f"Back-test: fit on {Path(data).name} rows with year ≤ {bt.fit_until}, projection to {bt.until}",
             "", bt.verdict(), "",
             f"overall MAPE over the common set ({o['series']} series, {o['figures']} figures): model "
             f"{o['mape_model']:.2f}%, persistence {o['mape_persistence']:.2f}%, linear trend (last five observed "
             f"years) {o['mape_trend']:.2f}%, model / best naive = {o['ratio']:.2f}",
             "Series held at their last value (school counts, junior-secondary entrants) and series a naive forecast "
             "cannot be made for are listed but not in the overall figures.", "", "MAPE per series (%):"]
    lines += report.format_table(errors.drop(columns=["years"]))
    lines += ["", f"Not projected ({len(bt.excluded)} series):"]
    lines += [f"  {r.level}/{r.indicator}: {r.reason}" for r in bt.excluded.itertuples()]
    lines += ["", f"time: {time.perf_counter() - start:.2f} s"]
    report.write_text(out / "report.txt", lines)
    history = _history(bt.fit.train, bt.points)
    figs = report.backtest_figures(bt.points, history, lang, bt.fit_until)
    if errors.in_overall.any():
        figs["mape_by_series"] = report.mape_figure(errors, lang)
    warnings = report.write_bundle(out, title=f"Back-test: fit ≤ {bt.fit_until}, scored {bt.fit_until + 1}–{bt.until}",
                                   lang=lang, figures=figs, tables={"errors": errors, "predictions": bt.predictions,
                                                                    "scored_figures": bt.points},
                                   notes=[bt.verdict()], images=images)
    return bt, warnings


def _history(train: Observed, points: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for lv, ind in dict.fromkeys(zip(points.level, points.indicator, strict=True)):
        h = harmonised(train, lv, ind).values
        rows += [{"level": lv, "indicator": ind, "year": int(y), "value": float(v)} for y, v in h.items()]
    return pd.DataFrame(rows, columns=["level", "indicator", "year", "value"])


__all__ = ["Calibration", "DEFAULT_DATA", "calibrate", "run_backtest"]
