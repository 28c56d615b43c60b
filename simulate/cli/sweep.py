"""``talentsim sweep SPEC.yaml`` and ``talentsim sweep-report DIR``: sensitivity sweeps and their reports."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from simulate.cli.common import out_option, require_browser, scenario_file


class SweepFailed(RuntimeError):
    """Runs failed or a worker died (exit status 1); what is stored is kept for ``--resume``."""


def register(app: typer.Typer) -> None:
    """Add the ``sweep`` and ``sweep-report`` commands."""
    app.command("sweep")(sweep_command)
    app.command("sweep-report")(sweep_report_command)


def sweep_command(
    spec: Annotated[str, typer.Argument(metavar="SPEC", help="a shipped sweep spec's name (talentsim scenarios) "
                                        "or a sweep spec file")],
    samples: Annotated[int | None, typer.Option("--samples", min=1, max=1_000_000,
                                                help="override the spec's samples")] = None,
    workers: Annotated[int, typer.Option("--workers", min=1, max=1024,
                                         help="local processes (or LocalCluster workers with --scheduler local)")] = 1,
    scheduler: Annotated[str | None, typer.Option("--scheduler", help="dask.distributed scheduler, e.g. "
                                                  "tcp://10.0.0.5:8786 ('local' starts a LocalCluster)")] = None,
    out: Annotated[Path | None, typer.Option("--out", parser=out_option, metavar="DIR",
                                             help="sweep folder (default: runs/sweeps/<spec name>)")] = None,
    resume: Annotated[bool, typer.Option("--resume", help="continue the sweep stored in --out, skipping "
                                                          "stored runs")] = False,
    lang: Annotated[str, typer.Option("--lang", help="report language: zh or en")] = "zh",
    report: Annotated[bool, typer.Option("--report/--no-report", help="write the report when the sweep "
                                                                       "completes")] = True,
    images: Annotated[bool, typer.Option("--images/--no-images", help="PNG and SVG charts in the report (needs "
                                                                       "Chromium)")] = True,
    progress: Annotated[bool | None, typer.Option("--progress/--no-progress",
                                                  help="progress bar (default: on a terminal)")] = None,
) -> None:
    """Run a sensitivity sweep (oat, grid, lhs, morris, sobol) into DIR/sweep.duckdb, then write its report."""
    from simulate.cli.main import BadInput
    from simulate.sweep.executors import SchedulerUnreachable, WorkerFailure
    from simulate.sweep.plan import load_sweep
    from simulate.sweep.runner import run_sweep
    from simulate.sweep.sampling import DesignError
    from simulate.sweep.spec import check_sobol_samples
    from simulate.sweep.store import StoreError

    _check_lang(lang)
    spec = scenario_file(spec, kind="sweep spec")
    sweep = load_sweep(spec)
    if samples is not None:
        try:
            if sweep.spec.method == "sobol":
                check_sobol_samples(samples)
            if sweep.spec.method in ("oat", "grid") and samples < 2:
                raise ValueError(f"{sweep.spec.method} needs --samples (levels per factor) ≥ 2")
        except ValueError as exc:
            raise BadInput(f"--samples: {exc}") from None
        sweep = load_sweep(spec, samples=samples)
    folder = out or Path("runs") / "sweeps" / sweep.spec.name
    require_browser(report and images)  # before the sweep: a report without its browser would come too late
    try:
        summary = run_sweep(sweep, folder, workers=workers, scheduler=scheduler, resume=resume, progress=progress)
    except (StoreError, DesignError, SchedulerUnreachable) as exc:
        raise BadInput(str(exc)) from None
    except WorkerFailure as exc:
        raise SweepFailed(f"{exc}; the runs stored so far are kept: continue with --resume") from None
    typer.echo(summary.text())
    if summary.status == "interrupted":
        raise KeyboardInterrupt  # main() prints "interrupted" and exits with 130
    if summary.status != "complete":
        raise SweepFailed(f"{summary.planned - summary.stored} run(s) not stored ({summary.failed} failed; see the "
                          f"failures table): rerun with --resume to retry them")
    if report:
        _write_report(folder, lang, images=images)


def sweep_report_command(
    folder: Annotated[Path, typer.Argument(help="sweep folder holding sweep.duckdb")],
    lang: Annotated[str, typer.Option("--lang", help="zh or en")] = "zh",
    out: Annotated[Path | None, typer.Option("--out", parser=out_option, metavar="DIR",
                                             help="report folder (default: DIR/report_<lang>, replaced whole "
                                                  "each time)")] = None,
    force: Annotated[bool, typer.Option("--force", help="replace an existing --out folder whole")] = False,
    images: Annotated[bool, typer.Option("--images/--no-images", help="write PNG and SVG charts (needs Chromium)")]
    = True,
) -> None:
    """Rebuild a sweep's charts and tables from its store (offline HTML, PNG/SVG, CSV, Excel)."""
    _check_lang(lang)
    _write_report(folder, lang, out, images, force)


def _check_lang(lang: str) -> None:
    from simulate.cli.common import check_lang

    check_lang(lang)


def _write_report(folder: Path, lang: str, out: Path | None = None, images: bool = True, force: bool = False) -> None:
    from simulate.cli.main import BadInput
    from simulate.results.runfolder import reserve
    from simulate.sweep.analysis import AnalysisError
    from simulate.sweep.report import build_report
    from simulate.sweep.store import StoreError

    if not (folder / "sweep.duckdb").is_file():
        raise BadInput(f"no sweep store at {folder / 'sweep.duckdb'}: give a folder `talentsim sweep` wrote")
    require_browser(images)
    target = out or folder / f"report_{lang}"
    try:
        with reserve(target, replace=force or out is None) as slot:  # the report appears whole, or not at all
            written = build_report(folder, lang, report_dir=slot.staging, images=images)
            slot.commit()
    except (StoreError, AnalysisError) as exc:
        raise BadInput(str(exc)) from None
    written = {k: target / Path(v).relative_to(slot.staging) for k, v in written.items()}
    page = written.get("report.html")
    n_fig = sum(1 for k in written if k.startswith("figures/") and k.endswith(".png"))
    typer.echo(f"report: {page} ({n_fig} chart(s), {sum(1 for k in written if k.startswith('tables/'))} table(s))")
