"""``talentsim sweep SPEC.yaml`` and ``talentsim sweep-report DIR``: sensitivity sweeps and their reports."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


class SweepFailed(RuntimeError):
    """Runs failed or a worker died (exit status 1); what is stored is kept for ``--resume``."""


def register(app: typer.Typer) -> None:
    """Add the ``sweep`` and ``sweep-report`` commands."""
    app.command("sweep")(sweep_command)
    app.command("sweep-report")(sweep_report_command)


def sweep_command(
    spec: Annotated[Path, typer.Argument(help="sweep spec YAML (see scenarios/sweeps/)")],
    samples: Annotated[int | None, typer.Option("--samples", min=1, max=1_000_000,
                                                help="override the spec's samples")] = None,
    workers: Annotated[int, typer.Option("--workers", min=1, max=1024,
                                         help="local processes (or LocalCluster workers with --scheduler local)")] = 1,
    scheduler: Annotated[str | None, typer.Option("--scheduler", help="dask.distributed scheduler, e.g. "
                                                  "tcp://10.0.0.5:8786 ('local' starts a LocalCluster)")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="sweep folder (default: runs/sweeps/<spec name>)")] = None,
    resume: Annotated[bool, typer.Option("--resume", help="continue the sweep stored in --out, skipping "
                                                          "stored runs")] = False,
    lang: Annotated[str, typer.Option("--lang", help="report language: zh or en")] = "zh",
    report: Annotated[bool, typer.Option("--report/--no-report", help="write the report when the sweep "
                                                                       "completes")] = True,
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
    if not spec.is_file():
        raise BadInput(f"sweep spec {str(spec)!r} not found")
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
    try:
        summary = run_sweep(sweep, folder, workers=workers, scheduler=scheduler, resume=resume, progress=progress)
    except (StoreError, DesignError, SchedulerUnreachable) as exc:
        raise BadInput(str(exc)) from None
    except WorkerFailure as exc:
        raise SweepFailed(f"{exc}; the runs stored so far are kept: continue with --resume") from None
    typer.echo(summary.text())
    if summary.status == "interrupted":
        # typer turns KeyboardInterrupt into Exit(130), which main() (standalone_mode=False) reports as 0;
        # Abort reaches main() and exits with status 1
        raise typer.Abort()
    if summary.status != "complete":
        raise SweepFailed(f"{summary.planned - summary.stored} run(s) not stored ({summary.failed} failed; see the "
                          f"failures table): rerun with --resume to retry them")
    if report:
        _write_report(folder, lang)


def sweep_report_command(
    folder: Annotated[Path, typer.Argument(help="sweep folder holding sweep.duckdb")],
    lang: Annotated[str, typer.Option("--lang", help="zh or en")] = "zh",
    out: Annotated[Path | None, typer.Option("--out", help="report folder (default: DIR/report_<lang>)")] = None,
    images: Annotated[bool, typer.Option("--images/--no-images", help="write PNG and SVG charts")] = True,
) -> None:
    """Rebuild a sweep's charts and tables from its store (offline HTML, PNG/SVG, CSV, Excel)."""
    _check_lang(lang)
    _write_report(folder, lang, out, images)


def _check_lang(lang: str) -> None:
    from simulate.cli.main import BadInput

    if lang not in ("zh", "en"):
        raise BadInput(f"--lang must be zh or en, got {lang!r}")


def _write_report(folder: Path, lang: str, out: Path | None = None, images: bool = True) -> None:
    from simulate.cli.main import BadInput
    from simulate.sweep.analysis import AnalysisError
    from simulate.sweep.report import build_report
    from simulate.sweep.store import StoreError

    try:
        written = build_report(folder, lang, report_dir=out, images=images)
    except (StoreError, AnalysisError) as exc:
        raise BadInput(str(exc)) from None
    page = written.get("report.html")
    n_fig = sum(1 for k in written if k.startswith("figures/") and k.endswith(".png"))
    typer.echo(f"report: {page} ({n_fig} chart(s), {sum(1 for k in written if k.startswith('tables/'))} table(s))")
