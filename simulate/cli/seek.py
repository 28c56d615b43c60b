"""``talentsim seek SPEC.yaml``: the cheapest lever mix that meets chosen goals with a chosen probability."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    """Add the ``seek`` command."""
    app.command("seek")(seek_command)


def seek_command(
    spec: Annotated[Path, typer.Argument(help="seek spec YAML (see scenarios/seeks/)")],
    workers: Annotated[int, typer.Option("--workers", min=1, max=1024,
                                         help="local processes (or LocalCluster workers with --scheduler local)")] = 1,
    scheduler: Annotated[str | None, typer.Option("--scheduler", help="dask.distributed scheduler, e.g. "
                                                  "tcp://10.0.0.5:8786 ('local' starts a LocalCluster)")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="output folder (default: runs/seeks/<spec name>)")] = None,
    resume: Annotated[bool, typer.Option("--resume", help="continue the search stored in --out")] = False,
    lang: Annotated[str, typer.Option("--lang", help="report language: zh or en")] = "zh",
    report: Annotated[bool, typer.Option("--report/--no-report", help="write the report")] = True,
    images: Annotated[bool, typer.Option("--images/--no-images", help="write PNG and SVG charts")] = True,
    progress: Annotated[bool | None, typer.Option("--progress/--no-progress",
                                                  help="progress bar (default: on a terminal)")] = None,
) -> None:
    """Search for the cheapest dated lever mix meeting the spec's goals; write best.yaml, the frontier, a report."""
    from simulate.cli.main import BadInput
    from simulate.seek.evaluate import SeekFailed
    from simulate.seek.outputs import tables, write_outputs
    from simulate.seek.plan import load_seek
    from simulate.seek.report import write_report
    from simulate.seek.runner import run_seek
    from simulate.sweep.executors import SchedulerUnreachable
    from simulate.sweep.store import StoreError

    if lang not in ("zh", "en"):
        raise BadInput(f"--lang must be zh or en, got {lang!r}")
    if not spec.is_file():
        raise BadInput(f"seek spec {str(spec)!r} not found")
    seek = load_seek(spec)
    folder = out or Path("runs") / "seeks" / seek.spec.name
    try:
        run = run_seek(seek, folder, workers=workers, scheduler=scheduler, resume=resume, show_progress=progress)
    except (StoreError, SchedulerUnreachable) as exc:
        raise BadInput(str(exc)) from None
    except SeekFailed as exc:
        typer.echo(f"error: {exc}; the runs stored so far are kept: continue with --resume", err=True)
        raise typer.Exit(1) from None
    if run.status == "interrupted":
        typer.echo(f"interrupted after {run.runs:,} stored runs: continue with --resume --out {folder}", err=True)
        raise typer.Abort()
    write_outputs(run)
    typer.echo(summary_text(run))
    if report:
        written = write_report(run, tables(run), lang, images=images)
        typer.echo(f"report: {written['report.html']}")


def summary_text(run) -> str:
    """What the terminal shows at the end."""
    from simulate.seek.outputs import objective_text

    seek, res, ev = run.seek, run.result, run.evaluator
    lines = [f"seek {seek.spec.name}: {objective_text(run)}",
             f"{run.runs:,} runs stored ({ev.ran:,} now, {run.elapsed_s:.1f} s, {run.executor}, {run.workers} "
             f"worker{'s' if run.workers != 1 else ''}); {len(ev.candidates)} candidates; search {res.status}"]
    base = ev.stats(res.base_point, seek.spec.confirm.replications)
    if res.best is None:
        lines.append("no candidate found")
    else:
        b = res.best
        lines.append(f"best: {ev.label(ev.candidates[b.point])}")
        lines.append(f"cost {seek.window[0]}–{seek.window[1]}: {b.stats.cost / 1e9:,.2f} bn yuan "
                     f"(base {base.cost / 1e9:,.2f} bn, {(b.stats.cost - base.cost) / 1e9:+,.2f})")
        for c in seek.constraints:
            if c.met in b.wilson:
                lo, hi = b.wilson[c.met]
                p = float(b.stats.met[c.met].mean())
                lines.append(f"  {c.goal_id}@{c.year}: P(met) {p:.2f} [{lo:.2f}, {hi:.2f}] ≥ {c.probability:g}: "
                             f"{'met' if b.passes[c.met] else 'NOT met'}")
        lines.append(f"best.yaml: {run.out / 'best.yaml'}")
    for c in seek.checks:
        why = res.unreachable.get(c.met) or (None if c.constraint else c.reason or "listed as not reachable")
        if why:
            lines.append(f"  not reachable: {c.goal_id}@{c.year}: {why}")
    return "\n".join(lines)
