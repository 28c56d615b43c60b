"""``talentsim calibrate [--data FILE] [--fit-until YEAR] [--out params.yaml] [--report DIR] ...``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from simulate.cli.common import out_option, require_browser


def register(app: typer.Typer) -> None:
    """Add the ``calibrate`` command."""
    app.command("calibrate")(calibrate_command)


def calibrate_command(
    data: Annotated[Path | None, typer.Option("--data", help="observed statistics CSV (default: "
                                                             "calibration/observed_2015_2022.csv)")] = None,
    fit_until: Annotated[int | None, typer.Option("--fit-until", min=1990, max=2100,
                                                  help="last year of data used (default: all)")] = None,
    out: Annotated[Path | None, typer.Option("--out", parser=out_option, metavar="FILE", help="fitted behaviour "
                                             "layer (default: runs/calibration/fitted/behaviour.yaml in the working "
                                             "folder; the shipped layers are never written)")] = None,
    region_out: Annotated[Path | None, typer.Option("--region-out", parser=out_option, metavar="FILE",
                                                    help="fitted national region layer (default: "
                                                    "national_region.yaml beside a behaviour.yaml --out, else "
                                                    "<out>.national_region.yaml)")] = None,
    report_dir: Annotated[Path, typer.Option("--report", parser=out_option, metavar="DIR",
                                             help="fit report folder")] = Path("runs/calibration"),
    base_year: Annotated[int | None, typer.Option(
        "--base-year", min=1990, max=2100, help="base year of the national layer (default: last year + 1)")] = None,
    bootstrap: Annotated[int, typer.Option("--bootstrap", min=0, max=10000,
                                           help="bootstrap refits for 95% intervals (0: standard errors only)")] = 0,
    engine: Annotated[bool, typer.Option("--engine/--no-engine", help="check the fit with a national engine "
                                                                      "hindcast (maps teacher certification)")] = True,
    images: Annotated[bool, typer.Option("--images/--no-images", help="write PNG/SVG charts (needs Chromium)")] = True,
    lang: Annotated[str, typer.Option("--lang", help="report language: en or zh")] = "en",
    seed: Annotated[int, typer.Option("--seed", min=0, help="seed of the engine run and the bootstrap")] = 0,
    births: Annotated[Path | None, typer.Option("--births", help="national births CSV (default: "
                                                                 "calibration/births_national.csv)")] = None,
    regional: Annotated[list[str] | None, typer.Option(
        "--regional", help="REGION[:BASE_YEAR]: also write <REGION>_intake.yaml next to --out, the fitted national "
                           "drivers scaled by the region's snapshot shares (repeatable)")] = None,
) -> None:
    """Fit dropout, progression, intake drivers, teacher ratios and attrition to the national statistics.

    Writes the fitted values as scenario layers ({value, source, note}, uncertain driver paths with a
    range; a scenario `extends:` them after the parameter files): behaviour, the national cohort
    (births → junior graduates), the national region, and with --regional a province's intake; and a
    fit report: observed vs fitted per series, RMSE, MAPE and R², and the cohort projection.
    """
    from simulate.cli.main import BadInput
    from simulate.fitting.data import DataError
    from simulate.fitting.report import format_table, warn
    from simulate.fitting.workflow import calibrate

    if lang not in ("en", "zh"):
        raise BadInput(f"--lang {lang!r}: expected en or zh")
    if data is not None and not data.is_file():
        raise BadInput(f"data file {str(data)!r} not found")
    if births is not None and not births.is_file():
        raise BadInput(f"births file {str(births)!r} not found")
    require_browser(images)  # before fitting and before any file is written
    pairs = []
    for item in regional or []:
        name, _, year = item.partition(":")
        if not name.isidentifier() or (year and not year.isdigit()):
            raise BadInput(f"--regional {item!r}: expected REGION or REGION:YEAR, e.g. jiangxi:2019")
        pairs.append((name, int(year) if year else None))
    try:
        r = calibrate(data, fit_until, out=out, region_out=region_out, report_dir=report_dir, base_year=base_year,
                      bootstrap=bootstrap, engine=engine, images=images, lang=lang, seed=seed, regional=tuple(pairs),
                      births=births)
    except DataError as exc:
        raise BadInput(str(exc)) from None
    except ValueError as exc:  # e.g. a cut-off before every series starts
        raise BadInput(f"cannot calibrate: {exc}") from None
    warn(r.warnings)
    t = r.fit.table()
    typer.echo(f"fitted {len(r.fit.fitted)} parameters to {len(r.fit.obs)} national figures (≤ {r.fit.fit_until})")
    typer.echo("\n".join(format_table(t[["parameter", "value", "se", "status"]])))
    s = r.statistics
    typer.echo(f"\nmedian MAPE over {len(s)} series: {s.mape.median():.2f}% (aggregate model)"
               + (f", {r.engine_statistics.mape.median():.2f}% (engine hindcast, {r.engine_runtime_s:.1f} s)"
                  if r.engine_statistics is not None else ""))
    typer.echo("written: " + ", ".join(str(p) for p in r.files))
