"""``talentsim validate FILE...``: check scenario files without running them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    """Add the ``validate`` command."""
    app.command("validate")(validate_command)


def validate_command(files: Annotated[list[Path], typer.Argument(help="scenario files")]) -> None:
    """Validate scenario files; every problem is reported as file:line:column: key.path: message."""
    from simulate.cli.main import BadInput
    from simulate.scenario import ScenarioError, load_scenario

    problems = []
    for f in files:
        if not f.is_file():
            raise BadInput(f"scenario file {str(f)!r} not found")
        try:
            loaded = load_scenario(f)
        except ScenarioError as exc:
            problems.extend(exc.problems)
            continue
        typer.echo(f"ok: {f} ({loaded.scenario.name}, {len(loaded.assumptions())} labelled assumptions)")
    if problems:
        raise ScenarioError(problems)
