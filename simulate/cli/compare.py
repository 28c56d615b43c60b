"""``talentsim compare A.yaml B.yaml [C ...] [--baseline A] [--reps N] [--lang zh|en] [--out DIR]``."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Annotated

import typer

DEFAULT_REPS = 20


def register(app: typer.Typer) -> None:
    """Add the ``compare`` command."""
    app.command("compare")(compare_command)


def compare_command(
    inputs: Annotated[list[Path], typer.Argument(help="two or more scenario YAML files or run folders")],
    baseline: Annotated[str | None, typer.Option("--baseline", help="the input (path or scenario name) to compare "
                                                                    "against (default: the first)")] = None,
    reps: Annotated[int | None, typer.Option("--reps", min=1, max=100000, help="replications of each simulated "
                                             f"scenario (default {DEFAULT_REPS}, or the run folders' count)")] = None,
    seed: Annotated[int | None, typer.Option("--seed", help="root seed shared by every simulated scenario "
                                             "(default: the baseline's), so differences are paired")] = None,
    workers: Annotated[int | None, typer.Option("--workers", min=1, max=256, help="processes "
                                                "(default: CPU count)")] = None,
    lang: Annotated[str, typer.Option("--lang", help="zh or en")] = "zh",
    out: Annotated[Path | None, typer.Option("--out", help="output folder (default: reports/compare_<names>_<lang>)")]
    = None,
    window_start: Annotated[int | None, typer.Option("--window-start", help="first year of the 5- and 10-year "
                                                     "budget windows (default 2026)")] = None,
    images: Annotated[bool, typer.Option("--images/--no-images", help="write PNG and SVG charts")] = True,
    save_runs: Annotated[bool, typer.Option("--save-runs/--no-save-runs", help="keep the run folder of each "
                                            "simulated scenario in DIR/runs/")] = True,
) -> None:
    """Put scenarios side by side: lever differences, goal matrix, trajectories, paired differences, budget."""
    from simulate.cli.main import BadInput
    from simulate.report import runs as R

    if lang not in ("zh", "en"):
        raise BadInput(f"--lang must be zh or en, not {lang!r}")
    if len(inputs) < 2:
        raise BadInput("compare needs at least two scenarios or run folders")
    start = time.perf_counter()
    loaded, folders = [], []
    for path in inputs:
        if path.is_dir():
            try:
                folders.append((path, R.from_folder(path)))
            except R.RunFolderError as exc:
                raise BadInput(str(exc)) from exc
        elif path.is_file():
            from simulate.scenario import load_scenario

            loaded.append((path, load_scenario(path)))
        else:
            raise BadInput(f"{str(path)!r} is neither a scenario file nor a run folder")
    base_input = _find_baseline(baseline, inputs, loaded, folders)

    simulated = []
    if loaded:
        import simulate

        seed = _seed(seed, base_input, loaded, folders)
        n = reps or (min(r.replications for _, r in folders) if folders else DEFAULT_REPS)
        workers = workers or os.cpu_count() or 1
        for path, scenario in loaded:
            result = simulate.run(scenario, seed=seed, replications=n, workers=workers)
            run = R.from_result(result, path)
            simulated.append((path, run, result))
    by_input = {id(p): r for p, r in folders} | {id(p): r for p, r, _ in simulated}
    runs = R.unique_names([by_input[id(p)] for p in _ordered(inputs, loaded, folders)])
    base_run = by_input[id(base_input)]
    sim_s = time.perf_counter() - start

    from simulate.report.briefing import compare_bundle
    from simulate.report.export import export_bundle

    folder = out or Path("reports") / f"compare_{'_'.join(r.name for r in runs)[:80]}_{lang}"
    if save_runs:
        for _, run, result in simulated:
            result.write(folder / "runs" / run.name)
    bundle = compare_bundle(runs, base_run, lang=lang, window_start=window_start)
    written = export_bundle(folder, title=bundle.title, lang=lang, figures=bundle.figures, tables=bundle.tables,
                            sections=bundle.sections, notes=bundle.notes, images=images)
    total = time.perf_counter() - start
    paired, n_common = R.pairing(runs)
    typer.echo(f"compared {len(runs)} scenarios against {base_run.name} "
               f"({'paired on ' + str(n_common) + ' common replications' if paired else 'NOT paired: seeds differ'})")
    for run in runs:
        typer.echo(f"  {run.name:<32} {run.replications:>5} reps  seed {run.seed}  "
                   f"{'simulated' if run.simulated else 'from ' + run.origin}")
    typer.echo(f"report: {folder / 'report.html'}  ({len(written)} files; simulation {sim_s:.1f} s, "
               f"total {total:.1f} s)")


def _ordered(inputs, loaded, folders):
    """The input path objects in command-line order."""
    return [p for p in inputs if any(p is q for q, _ in loaded) or any(p is q for q, _ in folders)]


def _find_baseline(baseline, inputs, loaded, folders):
    from simulate.cli.main import BadInput

    if baseline is None:
        return inputs[0]
    names = {}
    for path, sc in loaded:
        names[path] = {str(path), str(path.resolve()), path.stem, sc.scenario.name}
    for path, run in folders:
        names[path] = {str(path), str(path.resolve()), path.name, run.name}
    matches = [p for p in inputs if baseline in names.get(p, set())]
    if not matches:
        raise BadInput(f"--baseline {baseline!r} matches none of the inputs "
                       f"({', '.join(sorted({n for s in names.values() for n in s if '/' not in n}))})")
    return matches[0]


def _seed(seed, base_input, loaded, folders):
    """The common seed of simulated scenarios: --seed, else the baseline's (a folder's seed pairs with it)."""
    if seed is not None:
        return seed
    for path, run in folders:
        if path is base_input:
            return run.seed
    for path, sc in loaded:
        if path is base_input:
            return sc.scenario.seed
    return folders[0][1].seed if folders else loaded[0][1].scenario.seed
