"""``talentsim goals [SCENARIO] [--format table|csv|json]``: list the goal catalogue.

``talentsim goals --reachability [SCENARIO] [--reps N] [--workers K] [--seed S] [--out DIR]`` runs the
scenario with every lever at the low and at the high end of ``scenarios/lever_ranges.yaml`` (same seed)
and writes, per outcome goal and deadline, P(met) at both ends to ``DIR/reachability.csv``.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer


class Format(StrEnum):
    """Output formats."""

    table = "table"
    csv = "csv"
    json = "json"


def register(app: typer.Typer) -> None:
    """Add the ``goals`` command."""
    app.command("goals")(goals_command)


def goals_command(
    scenario: Annotated[str | None, typer.Argument(
        metavar="[SCENARIO]", help="a shipped scenario's name or a file: apply its added or overridden goals "
                                   "(with --reachability: the scenario to audit, default jiangxi_baseline)")] = None,
    fmt: Annotated[Format, typer.Option("--format", help="table, csv or json")] = Format.table,
    reach: Annotated[bool, typer.Option(
        "--reachability", help="run every lever at the low and the high end of scenarios/lever_ranges.yaml and "
                               "write P(met) at both ends per outcome goal")] = False,
    reps: Annotated[int, typer.Option("--reps", min=1, max=100000, help="replications at each end")] = 10,
    workers: Annotated[int, typer.Option("--workers", min=1, max=256, help="processes")] = 1,
    seed: Annotated[int | None, typer.Option("--seed", help="root seed shared by both ends (default: the "
                                                            "scenario's)")] = None,
    out: Annotated[Path | None, typer.Option(
        "--out", help="folder for reachability.csv (default: runs/reachability_<scenario name>)")] = None,
    force: Annotated[bool, typer.Option("--force", help="replace an existing --reachability folder whole")] = False,
) -> None:
    """List every target of the five policy documents with its kind, source clause, metric and status."""
    if reach:
        _reachability(scenario, reps, workers, seed, out, force)
        return
    import pandas as pd

    from simulate.goals.catalogue import load_catalogue, scenario_goals

    if scenario is not None:
        from simulate.cli.common import scenario_file
        from simulate.scenario import load_scenario

        goals = scenario_goals(load_scenario(scenario_file(scenario)).scenario.goals)
    else:
        goals = load_catalogue()
    if fmt is Format.json:
        typer.echo(json.dumps([g.model_dump(mode="json") for g in goals], ensure_ascii=False, indent=2))
        return
    rows = [{"id": g.id, "kind": g.kind, "name_en": g.name_en, "name_zh": g.name_zh, "scope": f"{g.region}/{g.level}",
             "metric": g.metric or "", "aggregate": g.aggregate, "from_year": g.from_year or "",
             "comparator": g.comparator,
             "target": g.target if g.target is not None else f"{g.target_low}–{g.target_high}",
             "deadline": g.deadline.label(), "proxy": g.proxy, "status": g.status,
             "fixed_because": g.fixed_because or "", "source": g.source_label} for g in goals]
    frame = pd.DataFrame(rows)
    if fmt is Format.csv:
        typer.echo(frame.to_csv(index=False), nl=False)
        return
    for r in rows:
        mark = "*" if r["proxy"] else " "
        typer.echo(f"{mark}{r['id']:<40}{r['kind']:<11}{r['deadline']:<9}{r['comparator']:>3} {str(r['target']):<10}"
                   f"{r['metric'] or '—':<36}{r['status']:<13}{r['source']}")
    typer.echo(f"\n{len(rows)} goals; * = proxy of a qualitative goal")


def _reachability(scenario: str | None, reps: int, workers: int, seed: int | None, out: Path | None,
                  force: bool) -> None:
    import simulate
    from simulate.cli.common import scenario_file
    from simulate.cli.main import BadInput
    from simulate.goals.reachability import format_reachability, reachability
    from simulate.results.runfolder import json_writer, write_folder
    from simulate.scenario.lever_ranges import lever_ranges_file, load_lever_ranges

    path = scenario_file(scenario)
    loaded = simulate.load_scenario(path)
    try:
        result = reachability(loaded, replications=reps, seed=seed, workers=workers)
    except ValueError as exc:  # a lever range that does not fit this scenario (e.g. an unknown sub-region)
        raise BadInput(f"cannot set the levers of {path} to the ends of {lever_ranges_file()}: {exc}") from None
    name = loaded.scenario.name
    folder = out or Path("runs") / f"reachability_{name}"
    table = result.table
    summary = {
        "scenario": name, "scenario_file": str(path), "seed": result.low.seed, "replications": reps,
        "lever_ranges": str(lever_ranges_file()), "talentsim_version": simulate.api.package_version(),
        "counts": result.counts(),
        "ends": {r.lever: {"low": r.low.value, "high": r.high.value, "high_from_year": r.high.from_year}
                 for r in load_lever_ranges()},
    }
    write_folder(folder, {
        "reachability.csv": lambda p: table.to_csv(p, index=False),
        "goals_low.csv": lambda p: result.low.goals().to_csv(p, index=False),
        "goals_high.csv": lambda p: result.high.goals().to_csv(p, index=False),
        "summary.json": json_writer(summary),
    }, replace=force)
    typer.echo(format_reachability(result, name, reps))
    typer.echo(f"\nreachability folder: {folder}")
