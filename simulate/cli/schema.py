"""``talentsim schema``: print the scenario JSON Schema (for editor autocompletion)."""

from __future__ import annotations

import json

import typer


def register(app: typer.Typer) -> None:
    """Add the ``schema`` command."""
    app.command("schema")(schema_command)


def schema_command() -> None:
    """Print the JSON Schema of scenario files."""
    from simulate.scenario.schema import Scenario

    schema = Scenario.model_json_schema()
    schema["properties"]["extends"] = {
        "description": "file(s) this scenario overlays, relative to this file",
        "anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
    }
    typer.echo(json.dumps(schema, indent=2, ensure_ascii=False))
