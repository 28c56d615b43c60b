"""``talentsim compare A.yaml B.yaml [C ...] [--baseline A] [--reps N] [--lang zh|en] [--out DIR]``."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from simulate.cli.common import check_lang, check_seed, out_option, require_browser, scenario_file

DEFAULT_REPS = 20


def register(app: typer.Typer) -> None:
    """Add the ``compare`` command."""
    app.command("compare")(compare_command)


def compare_command(
    inputs: Annotated[list[str], typer.Argument(metavar="SCENARIO...", help="two or more shipped scenarios' names, "
                                                "scenario files or run folders")],
    baseline: Annotated[str | None, typer.Option("--baseline", help="the input (path or scenario name) to compare "
                                                                    "against (default: the first)")] = None,
    reps: Annotated[int | None, typer.Option("--reps", min=1, max=100000, help="replications of each simulated "
                                             f"scenario (default {DEFAULT_REPS}, or the run folders' count)")] = None,
    seed: Annotated[int | None, typer.Option("--seed", help="root seed shared by every simulated scenario "
                                             "(default: the baseline's), so differences are paired")] = None,
    workers: Annotated[int | None, typer.Option("--workers", min=1, max=256, help="processes "
                                                "(default: the available CPU cores)")] = None,
    lang: Annotated[str, typer.Option("--lang", help="zh or en")] = "zh",
    out: Annotated[Path | None, typer.Option("--out", parser=out_option, metavar="DIR",
                                             help="output folder (default: reports/compare_<names>_<lang>)")] = None,
    force: Annotated[bool, typer.Option("--force", help="replace an existing output folder whole")] = False,
    window_start: Annotated[int | None, typer.Option("--window-start", help="first year of the 5- and 10-year "
                                                     "budget windows (default 2026)")] = None,
    images: Annotated[bool, typer.Option("--images/--no-images", help="write PNG and SVG charts (needs Chromium)")]
    = True,
    save_runs: Annotated[bool, typer.Option("--save-runs/--no-save-runs", help="keep the run folder of each "
                                            "simulated scenario in DIR/runs/")] = True,
    unpaired: Annotated[bool, typer.Option("--unpaired", help="compare scenarios of different regions or base "
                                           "years: differences labelled unpaired, goals only where they apply")]
    = False,
) -> None:
    """Put scenarios side by side: lever differences, goal matrix, trajectories, paired differences, budget.

    Scenarios of different regions or base years are refused unless --unpaired: their differences are
    not effects of a lever.
    """
    from simulate.cli.main import BadInput
    from simulate.report import runs as R
    from simulate.results.runfolder import fill, reserve

    check_lang(lang)
    check_seed(seed)
    if len(inputs) < 2:
        raise BadInput("compare needs at least two scenarios or run folders")
    start = time.perf_counter()
    paths = [Path(text) for text in inputs]
    loaded, folders = [], []
    for text, path in zip(inputs, paths, strict=True):
        if text.strip() and path.is_dir():
            try:
                folders.append((path, R.from_folder(path)))
            except R.RunFolderError as exc:
                raise BadInput(str(exc)) from exc
        else:
            from simulate.scenario import load_scenario

            try:
                file = scenario_file(text)
            except BadInput as exc:
                raise BadInput(f"{exc} (compare takes scenarios or run folders)") from None
            loaded.append((path, load_scenario(file)))
    base_input = _find_baseline(baseline, paths, loaded, folders)
    _check_alike(loaded, folders, unpaired)
    require_browser(images)  # before simulating or writing anything

    folder = out or Path("reports") / f"compare_{'_'.join(_stem(p, loaded, folders) for p in paths)[:80]}_{lang}"
    with reserve(folder, replace=force) as slot:  # refuses a busy or existing folder before simulating
        simulated = []
        if loaded:
            import simulate
            from simulate.api import available_cores

            seed = _seed(seed, base_input, loaded, folders)
            n = reps or (min(r.replications for _, r in folders) if folders else DEFAULT_REPS)
            for path, scenario in loaded:
                result = simulate.run(scenario, seed=seed, replications=n, workers=workers or available_cores())
                simulated.append((path, R.from_result(result, path), result))
        by_input = {id(p): r for p, r in folders} | {id(p): r for p, r, _ in simulated}
        runs = R.unique_names([by_input[id(p)] for p in _ordered(paths, loaded, folders)])
        base_run = by_input[id(base_input)]
        sim_s = time.perf_counter() - start

        from simulate.report.briefing import compare_bundle
        from simulate.report.export import export_bundle

        if save_runs:
            for _, run, result in simulated:
                fill(slot.staging / "runs" / run.name, result.files())
        bundle = compare_bundle(runs, base_run, lang=lang, window_start=window_start, unpaired=unpaired)
        written = export_bundle(slot.staging, title=bundle.title, lang=lang, figures=bundle.figures,
                                tables=bundle.tables, sections=bundle.sections, notes=bundle.notes, images=images)
        slot.commit()
    total = time.perf_counter() - start
    paired, n_common = R.pairing(runs)
    how = ("NOT paired: " + R.unlike(runs) + " (--unpaired)" if unpaired and R.unlike(runs)
           else "NOT paired (--unpaired)" if unpaired
           else f"paired on {n_common} common replications" if paired else "NOT paired: seeds differ")
    typer.echo(f"compared {len(runs)} scenarios against {base_run.name} ({how})")
    for run in runs:
        typer.echo(f"  {run.name:<32} {run.replications:>5} reps  seed {run.seed}  "
                   f"{'simulated' if run.simulated else 'from ' + run.origin}")
    typer.echo(f"report: {folder / 'report.html'}  ({len(written)} files; simulation {sim_s:.1f} s, "
               f"total {total:.1f} s)")


def _stem(path: Path, loaded, folders) -> str:
    """A short name of an input for the default output folder."""
    for p, sc in loaded:
        if p is path:
            return sc.scenario.name
    for p, run in folders:
        if p is path:
            return run.name
    return path.stem


def _check_alike(loaded, folders, unpaired: bool) -> None:
    """Refuse scenarios of different regions or base years unless ``--unpaired``, before simulating."""
    from simulate.cli.main import BadInput

    seen = [(sc.scenario.name, sc.scenario.region.name, sc.scenario.base_year) for _, sc in loaded]
    seen += [(run.name, run.province, run.base_year) for _, run in folders]
    if unpaired or len({(r, y) for _, r, y in seen}) <= 1:
        return
    listed = ", ".join(f"{name} ({region} from {year})" for name, region, year in seen)
    raise BadInput(f"cannot pair scenarios of different regions or base years: {listed}. Their differences are "
                   "not effects of a lever; pass --unpaired to put them side by side anyway (differences labelled "
                   "unpaired, goals judged only where they apply)")


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
