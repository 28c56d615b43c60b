"""``talentsim goals [SCENARIO] [--format table|csv|json]``: list the goal catalogue."""

from __future__ import annotations

import json
from enum import StrEnum
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
    scenario: Annotated[str | None, typer.Argument(metavar="[SCENARIO]", help="apply this scenario's added or "
                                                   "overridden goals (a shipped scenario's name or a file)")] = None,
    fmt: Annotated[Format, typer.Option("--format", help="table, csv or json")] = Format.table,
) -> None:
    """List every target of the five policy documents with its source clause, metric and status."""
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
    rows = [{"id": g.id, "name_en": g.name_en, "name_zh": g.name_zh, "scope": f"{g.region}/{g.level}",
             "metric": g.metric or "", "aggregate": g.aggregate, "comparator": g.comparator,
             "target": g.target if g.target is not None else f"{g.target_low}–{g.target_high}",
             "deadline": g.deadline.label(), "proxy": g.proxy, "status": g.status,
             "source": g.source_label} for g in goals]
    frame = pd.DataFrame(rows)
    if fmt is Format.csv:
        typer.echo(frame.to_csv(index=False), nl=False)
        return
    for r in rows:
        mark = "*" if r["proxy"] else " "
        typer.echo(f"{mark}{r['id']:<40}{r['deadline']:<9}{r['comparator']:>3} {str(r['target']):<10}"
                   f"{r['metric'] or '—':<34}{r['status']:<13}{r['source']}")
    typer.echo(f"\n{len(rows)} goals; * = proxy of a qualitative goal")
