"""``talentsim indicators``: print the indicator reference (units and meanings)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the ``indicators`` command."""
    app.command("indicators")(indicators_command)


def indicators_command() -> None:
    """Print the indicator reference as Markdown."""
    from simulate.results.indicators import reference_markdown

    typer.echo(reference_markdown(), nl=False)
