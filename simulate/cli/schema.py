"""``talentsim schema [--sweep] [--out FILE]``: the JSON Schema of scenario (or sweep spec) files, for editors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from simulate.cli.common import out_option


def register(app: typer.Typer) -> None:
    """Add the ``schema`` command."""
    app.command("schema")(schema_command)


def schema_command(
    sweep: Annotated[bool, typer.Option("--sweep", help="the schema of sweep spec files instead")] = False,
    out: Annotated[Path | None, typer.Option("--out", parser=out_option, metavar="FILE",
                                             help="write it to FILE (default: print it)")] = None,
) -> None:
    """Print the JSON Schema of the files planners write, for editor completion and checks.

    Every key is optional where `extends:` can supply it, any value may be written {value, source, note},
    dated paths take each of their forms, and unknown keys are refused. Point an editor at it with a first
    line `# yaml-language-server: $schema=talentsim.schema.json` (`talentsim init` writes both).
    """
    from simulate.scenario.editor_schema import scenario_schema, sweep_schema

    text = schema_text(sweep_schema() if sweep else scenario_schema())
    if out is None:
        typer.echo(text, nl=False)
        return
    from simulate.results.runfolder import write_atomic

    write_atomic(out, lambda p: p.write_text(text, encoding="utf-8"))
    typer.echo(f"written: {out}")


def schema_text(schema: dict) -> str:
    """The schema as indented JSON (UTF-8, Chinese titles as written)."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
