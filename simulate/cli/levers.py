"""``talentsim levers [SCENARIO] [--reps N] [--workers K] [--out DIR] [--lang zh|en] [--no-images] [--doc]``."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from simulate.cli.common import check_lang, out_option, require_browser, scenario_file


def register(app: typer.Typer) -> None:
    """Add the ``levers`` command."""
    app.command("levers")(levers_command)


def levers_command(
    scenario: Annotated[str | None, typer.Argument(metavar="[SCENARIO]", help="a shipped scenario's name or a "
                                                   "scenario file (default: jiangxi_baseline)")] = None,
    reps: Annotated[int, typer.Option("--reps", min=1, max=1000, help="replications per lever and for the base")] = 10,
    workers: Annotated[int | None, typer.Option("--workers", min=1, max=256, help="processes (default: the "
                                                "available CPU cores)")] = None,
    seed: Annotated[int | None, typer.Option("--seed", min=0, help="root seed (default: the scenario's)")] = None,
    out: Annotated[Path | None, typer.Option("--out", parser=out_option, metavar="DIR",
                                             help="output folder (default: runs/levers_<scenario>)")] = None,
    force: Annotated[bool, typer.Option("--force", help="replace an existing output folder whole")] = False,
    lang: Annotated[str, typer.Option("--lang", help="zh or en")] = "zh",
    images: Annotated[bool, typer.Option("--images/--no-images", help="write PNG and SVG charts")] = True,
    doc: Annotated[bool, typer.Option("--doc", help="write docs/levers.md (the lever reference) for the scenario "
                                                    "and stop")] = False,
) -> None:
    """The lever response matrix: each lever alone at the top of its range against the scenario.

    Paired effects (median and 90% interval) on every outcome goal's indicator in 2025 and 2030 and the
    change in P(met), as lever_matrix.csv, a heat map per year and an HTML/Excel bundle.
    """
    import simulate
    from simulate.api import available_cores

    check_lang(lang)
    loaded = simulate.load_scenario(scenario_file(scenario))
    workers = workers or available_cores()
    if doc:
        from simulate.report.levers_doc import levers_markdown
        from simulate.results.runfolder import text_writer, write_atomic

        target = out or Path("docs") / "levers.md"
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, text_writer(levers_markdown(loaded)))
        typer.echo(f"written: {target}")
        return
    from simulate.report import lever_matrix as lm
    from simulate.report.export import export_bundle
    from simulate.report.labels import goal_name, label
    from simulate.results.runfolder import reserve
    from simulate.scenario import LoadedScenario
    from simulate.scenario.lever_ranges import apply_lever_ends, load_lever_ranges

    start = time.perf_counter()
    sc = loaded.scenario
    seed = sc.seed if seed is None else seed
    ranges = load_lever_ranges()
    require_browser(images)  # before simulating or writing anything
    folder = out or Path("runs") / f"levers_{sc.name}"
    with reserve(folder, replace=force) as slot:  # refuses a busy or existing folder before simulating
        base = simulate.run(loaded, seed=seed, replications=reps, workers=workers)
        runs = {}
        for var in lm.variants(ranges, sc.region.name):
            variant = apply_lever_ends(sc, "high", only=set(var.paths), ranges=ranges)
            runs[var] = simulate.run(LoadedScenario(variant, loaded.sources, loaded.files), seed=seed,
                                     replications=reps, workers=workers)
            typer.echo(f"  {var.lever}: done", err=True)
        m = lm.matrix(base, runs)
        names = {g: goal_name(g, lang) for g in m["goal_id"].unique()}
        figures = {f"lever_matrix_{y}": lm.heatmap(m, y, lang, names) for y in lm.YEARS if (m["year"] == y).any()}
        table = m.copy()
        table.attrs["probability_columns"] = ("p_met_base", "p_met_lever")
        export_bundle(slot.staging, title=label("lever_matrix_title", lang, year="2025/2030"), lang=lang,
                      figures=figures, tables={"lever_matrix": table}, notes=[label("lever_matrix_note", lang)],
                      images=images)
        slot.commit()
    moved = m[m["interval_excludes_zero"]].groupby("lever")["goal_id"].nunique()
    for var in runs:
        typer.echo(f"{var.lever:<28} moves {int(moved.get(var.lever, 0)):>3} goal indicators (90% interval excludes 0)")
    for line in lm.decided_lines(m):
        typer.echo(line)
    typer.echo(f"lever matrix: {folder / 'tables' / 'lever_matrix.csv'}  ({len(runs)} levers × {reps} replications, "
               f"{time.perf_counter() - start:.0f} s)")
