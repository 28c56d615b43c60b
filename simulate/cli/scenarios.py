"""``talentsim scenarios``: the shipped scenarios (and sweep specs) by name, with their titles."""

from __future__ import annotations

from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    """Add the ``scenarios`` command."""
    app.command("scenarios")(scenarios_command)


def scenarios_command(
    lang: Annotated[str, typer.Option("--lang", help="title language: zh or en")] = "en",
) -> None:
    """List the scenarios shipped with talentsim; use a name wherever a scenario file is asked for.

    `talentsim run jiangxi_baseline`, `talentsim compare jiangxi_baseline funding_10k_12k`, and
    `extends: jiangxi_baseline` in a file of your own, anywhere on disk.
    """
    from simulate import shipped
    from simulate.cli.common import check_lang

    check_lang(lang)
    items, specs = shipped.list_scenarios(), shipped.list_sweep_specs()
    width = max((len(s.name) for s in items + specs), default=10) + 2
    for s in items:
        title = (s.title_zh if lang == "zh" else s.title_en) or s.title_en or s.title_zh
        base = f"  (extends {', '.join(s.extends)})" if s.extends and all(shipped.is_name(e) for e in s.extends) \
            else ""
        mark = "*" if s.name == shipped.DEFAULT_SCENARIO else " "
        typer.echo(f"{mark} {s.name:<{width}}{title}{base}")
    if specs:
        typer.echo("\nsweep specs (talentsim sweep NAME):")
        for s in specs:
            title = (s.title_zh if lang == "zh" else s.title_en) or s.title_en or s.title_zh
            typer.echo(f"  {s.name:<{width}}{title}")
    typer.echo(f"\n* the default of `talentsim run`. Start a scenario of your own with "
               f"`talentsim init my_plan.yaml --from {shipped.DEFAULT_SCENARIO}`.")
