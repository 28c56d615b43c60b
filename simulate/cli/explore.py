"""``talentsim explore [SCENARIO] [--host 127.0.0.1] [--port 8050] [--workers K] [--lang zh|en]``."""

from __future__ import annotations

import os
import shutil
import signal
from pathlib import Path
from typing import Annotated

import typer

from simulate.explore import DEFAULT_REPLICATIONS, MAX_REPLICATIONS

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def register(app: typer.Typer) -> None:
    """Add the ``explore`` command."""
    app.command("explore")(explore_command)


def explore_command(
    scenario: Annotated[Path | None, typer.Argument(help="base scenario YAML (default: the shipped Jiangxi "
                                                         "baseline)")] = None,
    host: Annotated[str, typer.Option("--host", help="address to serve on (another than 127.0.0.1 lets other "
                                                     "machines in)")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="port (0: any free port)")] = 8050,
    workers: Annotated[int | None, typer.Option("--workers", min=1, max=64, help="worker processes "
                                                "(default: CPU count)")] = None,
    lang: Annotated[str, typer.Option("--lang", help="zh or en (the page can switch)")] = "zh",
    reps: Annotated[int, typer.Option("--reps", min=1, max=MAX_REPLICATIONS, help="replications of the base and "
                                      "of each variant at first (the page allows up to 40)")] = DEFAULT_REPLICATIONS,
    seed: Annotated[int | None, typer.Option("--seed", help="root seed shared by base and variants "
                                             "(default: the scenario's)")] = None,
    save_dir: Annotated[Path, typer.Option("--save-dir", help="folder that 'save as scenario' writes into")]
    = Path("scenarios_saved"),
    images: Annotated[bool | None, typer.Option("--images/--no-images", help="PNG/SVG charts in the downloaded "
                                                "briefing (default: if Chromium is installed)")] = None,
) -> None:
    """Move lever sliders in a local browser page; goals, trajectories and cost update in seconds."""
    from simulate.cli.main import BadInput
    from simulate.explore.server import start
    from simulate.scenario import load_scenario

    if lang not in ("zh", "en"):
        raise BadInput(f"--lang must be zh or en, not {lang!r}")
    path = base_scenario_file(scenario)
    if save_dir.exists() and not save_dir.is_dir():
        raise BadInput(f"--save-dir {str(save_dir)!r} is not a folder")
    if host not in LOOPBACK:
        typer.echo(f"warning: serving on {host}, not only this machine: anyone who can reach it can run "
                   f"simulations and save scenarios into {save_dir}", err=True)
    if images is None:
        images = shutil.which("chromium") is not None or shutil.which("chromium-browser") is not None
    loaded = load_scenario(path)
    try:
        srv = start(loaded, path, host=host, port=port, workers=workers or os.cpu_count() or 1, reps=reps,
                    seed=seed, lang=lang, save_dir=save_dir, images=images, say=typer.echo)
    except OSError as exc:
        raise BadInput(f"cannot serve on {host}:{port}: {exc.strerror or exc} (pick another --port)") from exc
    typer.echo(f"talentsim explore: open {srv.url}  (scenarios saved into {save_dir}; Ctrl-C stops)")
    signal.signal(signal.SIGTERM, _interrupt)  # `kill` stops the workers too, as Ctrl-C does
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        typer.echo("stopped")
    finally:
        srv.close()


def base_scenario_file(arg: Path | None) -> Path:
    """The base scenario's file: the argument, or the shipped default (a shipped name where the CLI knows names).

    Raises:
        BadInput: no such file.
    """
    from simulate.cli.main import BadInput

    try:
        from simulate.cli.common import scenario_file  # shipped names (`talentsim explore jiangxi_baseline`)
    except ImportError:
        from simulate.cli.run import DEFAULT_SCENARIO

        path = arg or DEFAULT_SCENARIO
        if not path.is_file():
            raise BadInput(f"scenario file {str(path)!r} not found") from None
        return path
    return scenario_file(arg)


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt
