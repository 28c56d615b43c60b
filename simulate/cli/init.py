"""``talentsim init FILE [--from NAME]``: a commented starter scenario that extends a shipped one."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from simulate.cli.common import out_option


def register(app: typer.Typer) -> None:
    """Add the ``init`` command."""
    app.command("init")(init_command)


def init_command(
    file: Annotated[Path, typer.Argument(parser=out_option, metavar="FILE", help="the scenario file to write "
                                         "(e.g. my_plan.yaml)")],
    base: Annotated[str, typer.Option("--from", metavar="NAME", help="the scenario it extends: a shipped "
                                      "scenario's name (talentsim scenarios) or a file")] = "jiangxi_baseline",
    force: Annotated[bool, typer.Option("--force", help="overwrite FILE if it exists")] = False,
) -> None:
    """Write a starter scenario that extends NAME and shows every lever with its current value and source.

    Also writes talentsim.schema.json beside it, named in the file's first line, so an editor with the
    YAML language server (VS Code's YAML extension, for one) completes keys and explains them on hover.
    """
    from simulate import package_version, shipped
    from simulate.cli.common import scenario_file
    from simulate.cli.main import BadInput
    from simulate.cli.schema import schema_text
    from simulate.results.runfolder import write_atomic
    from simulate.scenario import load_scenario
    from simulate.scenario.editor_schema import scenario_schema
    from simulate.scenario.starter import SCHEMA_FILE, scenario_name, starter_yaml

    if file.suffix.lower() not in (".yaml", ".yml"):
        raise BadInput(f"{str(file)!r}: a scenario file name ends in .yaml, e.g. {file.stem or 'my_plan'}.yaml")
    if file.is_dir() or (file.exists() and not file.is_file()):
        raise BadInput(f"{str(file)!r} is not a file: give a new .yaml file name")
    if file.exists() and not force:
        raise BadInput(f"{str(file)!r} already exists: pass --force to overwrite it, or choose another name")
    base_path = scenario_file(base)
    loaded = load_scenario(base_path)
    if shipped.is_name(base):
        extends, label = base, base
    else:
        extends = os.path.relpath(base_path.resolve(), file.parent.resolve() if file.parent.exists() else file.parent)
        label = loaded.scenario.name
    name = scenario_name(file.stem)
    text, count = starter_yaml(loaded, name=name, extends=extends, base=label,
                               command=f"talentsim init {file.name} --from {base} (talentsim {package_version()})")
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(file, lambda p: p.write_text(text, encoding="utf-8"))
        schema = file.parent / SCHEMA_FILE
        write_atomic(schema, lambda p: p.write_text(schema_text(scenario_schema()), encoding="utf-8"))
    except OSError as exc:
        raise BadInput(f"cannot write {str(file)!r}: {exc.strerror or exc}") from None
    load_scenario(file)  # the starter reproduces its base exactly; a failure here is a bug, not the user's
    typer.echo(f"written: {file} (scenario {name!r}, extends {extends}; {count} levers with their values and sources)")
    typer.echo(f"written: {schema} (editor schema named in the file's first line)")
    typer.echo(f"next: edit {file}, then `talentsim validate {file}` and `talentsim run {file}`")
