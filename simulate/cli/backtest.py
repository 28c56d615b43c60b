"""``talentsim backtest --data FILE --fit-until YEAR [--until YEAR] --out DIR``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from simulate.cli.common import out_option, require_browser


def register(app: typer.Typer) -> None:
    """Add the ``backtest`` command."""
    app.command("backtest")(backtest_command)


def backtest_command(
    fit_until: Annotated[int, typer.Option("--fit-until", min=1990, max=2100, help="last year used to fit")],
    out: Annotated[Path, typer.Option("--out", parser=out_option, metavar="DIR", help="output folder")],
    data: Annotated[Path | None, typer.Option("--data", help="observed statistics CSV (default: "
                                                             "calibration/observed_2015_2022.csv)")] = None,
    until: Annotated[int | None, typer.Option("--until", min=1990, max=2100,
                                              help="last projected year (default: the data's last year)")] = None,
    report_bundle: Annotated[bool, typer.Option(
        "--report/--no-report", help="write the HTML/xlsx report with a chart per scored series (observed, model, "
                                     "persistence, trend; titled with the driver that explains the error)")] = True,
    images: Annotated[bool, typer.Option("--images/--no-images", help="write PNG/SVG charts (needs Chromium)")] = True,
    births: Annotated[Path | None, typer.Option("--births", help="national births CSV (default: "
                                                                 "calibration/births_national.csv)")] = None,
    lang: Annotated[str, typer.Option("--lang", help="report language: en or zh")] = "en",
) -> None:
    """Fit on rows with year ≤ --fit-until only, project every national series, score against naive forecasts.

    Writes DIR/predictions.csv (region, level, indicator, year, value), DIR/errors.csv (MAPE per series
    for the model, persistence and a five-year linear trend), DIR/drivers.csv (which driver explains each
    series' error), DIR/report.txt and, with --report, an HTML report with the charts.
    """
    from simulate.cli.main import BadInput
    from simulate.fitting.data import DataError
    from simulate.fitting.report import warn
    from simulate.fitting.workflow import DEFAULT_DATA, run_backtest

    if lang not in ("en", "zh"):
        raise BadInput(f"--lang {lang!r}: expected en or zh")
    data = data or DEFAULT_DATA
    if not data.is_file():
        raise BadInput(f"data file {str(data)!r} not found")
    if births is not None and not births.is_file():
        raise BadInput(f"births file {str(births)!r} not found")
    if until is not None and until <= fit_until:
        raise BadInput(f"--until ({until}) must be after --fit-until ({fit_until})")
    require_browser(images)  # before fitting and before any file is written
    try:
        bt, warnings = run_backtest(data, fit_until, until, out, images=images, lang=lang, births=births,
                                    report_bundle=report_bundle)
    except DataError as exc:
        raise BadInput(str(exc)) from None
    except ValueError as exc:
        raise BadInput(f"cannot back-test: {exc}") from None
    warn(warnings)
    typer.echo(bt.verdict())
    written = [out / n for n in ("predictions.csv", "errors.csv", "drivers.csv", "report.txt")]
    written += [out / "report.html"] if report_bundle else []
    typer.echo("written: " + ", ".join(str(p) for p in written))
