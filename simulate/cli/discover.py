"""``talentsim discover SWEEP_DIR --goal GOAL_ID``: PRIM scenario discovery on a sweep's store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    """Add the ``discover`` command."""
    app.command("discover")(discover_command)


def discover_command(
    folder: Annotated[Path, typer.Argument(help="sweep folder holding sweep.duckdb")],
    goal: Annotated[str, typer.Option("--goal", help="goal id, e.g. nc.dual_teachers")],
    met: Annotated[bool, typer.Option("--met/--missed", help="find where the goal is met (default) or missed")] = True,
    year: Annotated[int | None, typer.Option("--year", help="deadline or milestone year (default: the first)")] = None,
    threshold: Annotated[float, typer.Option("--threshold", min=0.05, max=1.0,
                                             help="density the chosen box must reach")] = 0.8,
    lang: Annotated[str, typer.Option("--lang", help="zh or en")] = "zh",
    images: Annotated[bool, typer.Option("--images/--no-images", help="write PNG and SVG charts")] = True,
) -> None:
    """Find the boxes of lever and uncertainty ranges where a goal is met (or missed), with PRIM."""
    from simulate.cli.main import BadInput
    from simulate.seek.discover import DiscoverError, discover, write_discovery
    from simulate.sweep.store import StoreError

    if lang not in ("zh", "en"):
        raise BadInput(f"--lang must be zh or en, got {lang!r}")
    try:
        d = discover(folder, goal, met=met, year=year, threshold=threshold)
    except (StoreError, DiscoverError) as exc:
        raise BadInput(str(exc)) from None
    written = write_discovery(d, folder, lang, images=images)
    c = d.trajectory.iloc[d.chosen]
    typer.echo(f"{goal} ({d.year}) {'met' if met else 'missed'} in {d.k:,} of {d.n:,} runs; chosen box {d.chosen}: "
               f"coverage {c.coverage:.2f}, density {c.density:.2f}, mass {c.mass:.2f}")
    for r in d.restrictions.itertuples():
        span = f" (sampled {r.range_low:g} – {r.range_high:g})" if r.range_low != "" else ""
        low, high = (str(v) if not isinstance(v, float) else f"{v:,.0f}" if abs(v) >= 1000 else f"{v:.4g}"
                     for v in (r.low, r.high))
        typer.echo(f"  {r.factor}: {low} – {high}{span}, qp {r.qp_value:.2g}")
    typer.echo(f"report: {written['report.html']}")
