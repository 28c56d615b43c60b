"""``talentsim report RUN_DIR [--lang zh|en] [--out DIR]``: a one-scenario briefing from a run folder."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from simulate.cli.common import check_lang, out_option, require_browser


def register(app: typer.Typer) -> None:
    """Add the ``report`` command."""
    app.command("report")(report_command)


def report_command(
    run_dir: Annotated[Path, typer.Argument(help="run folder written by `talentsim run`")],
    lang: Annotated[str, typer.Option("--lang", help="zh or en")] = "zh",
    out: Annotated[Path | None, typer.Option("--out", parser=out_option, metavar="DIR",
                                             help="output folder (default: RUN_DIR/report_<lang>, replaced "
                                                  "whole each time)")] = None,
    force: Annotated[bool, typer.Option("--force", help="replace an existing --out folder whole")] = False,
    window_start: Annotated[int | None, typer.Option("--window-start", help="first year of the 5- and 10-year "
                                                     "budget windows (default 2026)")] = None,
    images: Annotated[bool, typer.Option("--images/--no-images", help="write PNG and SVG charts (needs Chromium)")]
    = True,
) -> None:
    """Brief one scenario from its run folder (no simulation): verdicts, trajectories with bands, budget."""
    from simulate.cli.main import BadInput
    from simulate.report import runs as R
    from simulate.report.briefing import headline, report_bundle
    from simulate.report.export import export_bundle
    from simulate.results.runfolder import reserve

    check_lang(lang)
    start = time.perf_counter()
    try:
        run = R.from_folder(run_dir)
    except R.RunFolderError as exc:
        raise BadInput(str(exc)) from exc
    require_browser(images)  # before writing anything
    folder = out or run_dir / f"report_{lang}"
    with reserve(folder, replace=force or out is None) as slot:  # the briefing appears whole, or not at all
        bundle = report_bundle(run, lang=lang, window_start=window_start)
        written = export_bundle(slot.staging, title=bundle.title, lang=lang, figures=bundle.figures,
                                tables=bundle.tables, sections=bundle.sections, notes=bundle.notes, images=images)
        slot.commit()
    typer.echo(headline(run, lang))
    typer.echo(f"report: {folder / 'report.html'}  ({len(written)} files, {time.perf_counter() - start:.1f} s)")
