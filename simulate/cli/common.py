"""What several subcommands check the same way: scenario arguments, output folders, seeds, the browser."""

from __future__ import annotations

import stat
from pathlib import Path

import typer

from simulate import shipped


def out_option(value: str | Path) -> Path:
    """Parser of ``--out``-like options: an empty value is refused (it would mean the current folder)."""
    if isinstance(value, Path):  # a default
        return value
    if value.strip() == "":
        raise typer.BadParameter("is empty: give the folder to write, e.g. --out runs/my_plan")
    return Path(value)


def scenario_file(arg: str | Path | None, *, kind: str = "scenario") -> Path:
    """The file a scenario argument names: a shipped scenario's name (``jiangxi_baseline``) or a path.

    Raises:
        BadInput: a name no shipped scenario has, or a path that is missing, a folder or not a regular file.
    """
    from simulate.cli.main import BadInput

    text = str(arg) if arg is not None else shipped.DEFAULT_SCENARIO
    if text.strip() == "":
        raise BadInput(f"the {kind} is empty: give a shipped scenario's name (talentsim scenarios) or a file path")
    if shipped.is_name(text):
        try:
            return shipped.sweep_spec_path(text) if kind == "sweep spec" else shipped.scenario_path(text)
        except shipped.UnknownName as exc:
            if not Path(text).exists():  # else a file or folder of that name here: say what it is below
                raise BadInput(str(exc)) from None
    path = Path(text)
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise BadInput(f"{kind} file {text!r} not found") from None
    except OSError as exc:
        raise BadInput(f"{kind} file {text!r}: {exc.strerror or exc}") from None
    if stat.S_ISDIR(mode):
        raise BadInput(f"{text!r} is a folder, not a {kind} file: give the path of a .yaml file")
    if not stat.S_ISREG(mode):
        raise BadInput(f"{text!r} is not a regular file (a pipe, socket or device): give the path of a .yaml file")
    return path


def check_seed(seed: int | None) -> None:
    """Seeds are whole numbers ≥ 0 (numpy's ``SeedSequence`` takes no negative number)."""
    from simulate.cli.main import BadInput

    if seed is not None and seed < 0:
        raise BadInput(f"--seed {seed}: a seed is a whole number 0 or more, e.g. --seed 7")


def require_browser(images: bool) -> None:
    """With images on, make sure a browser is there before any work (else exit 2 naming both remedies)."""
    if not images:
        return
    from simulate.cli.main import BadInput
    from simulate.report.images import BrowserNotFound, find_browser

    try:
        find_browser()
    except BrowserNotFound as exc:
        raise BadInput(str(exc)) from None


def check_lang(lang: str) -> None:
    """Report languages are zh and en."""
    from simulate.cli.main import BadInput

    if lang not in ("zh", "en"):
        raise BadInput(f"--lang must be zh or en, not {lang!r}")
