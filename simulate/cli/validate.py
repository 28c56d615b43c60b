"""``talentsim validate FILE...``: check scenario files without running them."""

from __future__ import annotations

from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    """Add the ``validate`` command."""
    app.command("validate")(validate_command)


def validate_command(files: Annotated[list[str], typer.Argument(
        metavar="SCENARIO...", help="scenario files, or shipped scenarios' names")]) -> None:
    """Validate scenario files; every problem is reported as file:line:column: key.path: message."""
    from simulate.cli.common import scenario_file
    from simulate.scenario import ScenarioError, load_scenario

    problems = []
    for f in [scenario_file(f) for f in files]:
        try:
            loaded = load_scenario(f)
        except ScenarioError as exc:
            problems.extend(exc.problems)
            continue
        typer.echo(f"ok: {f} ({loaded.scenario.name}, {len(loaded.assumptions())} labelled assumptions)")
    if problems:
        raise ScenarioError(problems)
