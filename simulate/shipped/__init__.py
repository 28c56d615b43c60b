"""Files shipped with talentsim: named scenarios, sweep specs, parameter and calibration files.

The repository's top-level ``scenarios/`` and ``calibration/`` folders are installed as the package
data ``simulate.shipped.scenarios`` and ``simulate.shipped.calibration`` (see ``setup.py``), so an
editable install and a wheel read the same files here, through :mod:`importlib.resources`. Call
these functions instead of building paths from ``__file__``: an installed talentsim has no source tree.

Names a planner may write instead of paths (on the command line and in ``extends:``):

* ``jiangxi_baseline`` — a bare name (no ``/``, no ``.yaml``) is the shipped scenario
  ``scenarios/jiangxi_baseline.yaml``;
* ``calibration/parameters/behaviour`` — ``calibration/…`` without ``.yaml`` is the shipped layer
  ``calibration/parameters/behaviour.yaml``.

Anything else is a path (relative to the including file in ``extends:``).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

SCENARIO_PACKAGE = "simulate.shipped.scenarios"
"""Package data holding ``scenarios/`` (scenarios, ``sweeps/`` and whatever sub-folders are added)."""
CALIBRATION_PACKAGE = "simulate.shipped.calibration"
"""Package data holding ``calibration/`` (observed statistics, ``parameters/``, ``fitted/``)."""
DEFAULT_SCENARIO = "jiangxi_baseline"
"""The scenario ``talentsim run`` simulates when none is given."""
NAME = re.compile(r"^[a-z][a-z0-9_]{0,79}$")
"""A shipped scenario or sweep spec name (the file name without ``.yaml``)."""
LAYER = re.compile(r"^calibration(/[a-z0-9_]{1,80}){1,4}$")
"""A named shipped calibration layer, e.g. ``calibration/parameters/behaviour``."""
SUFFIXES = (".yaml", ".yml")


class UnknownName(LookupError):
    """A name that no shipped file has; the message lists the names there are."""


@dataclass(frozen=True)
class Shipped:
    """One shipped scenario or sweep spec, as listed by ``talentsim scenarios``.

    Attributes:
        name: what to type (``jiangxi_baseline``).
        path: the installed file.
        title_zh: the file's Chinese title (``""`` if it has none).
        title_en: the file's English title.
        extends: what the file extends, as written.
    """

    name: str
    path: Path
    title_zh: str
    title_en: str
    extends: tuple[str, ...]


def _folder(package: str) -> Path:
    root = resources.files(package)
    if not isinstance(root, Path):  # a zipped install; pip never makes one
        raise RuntimeError(f"talentsim's {package} is not a folder on disk ({root!r}); reinstall with pip")
    return root


def scenarios_dir() -> Path:
    """The folder of shipped scenarios (``scenarios/`` of the repository)."""
    return _folder(SCENARIO_PACKAGE)


def calibration_dir() -> Path:
    """The folder of shipped statistics, parameter files and fitted layers (``calibration/``)."""
    return _folder(CALIBRATION_PACKAGE)


def data_file(*parts: str) -> Path:
    """A shipped file under ``calibration/``, e.g. ``data_file("observed_2015_2022.csv")``.

    Raises:
        FileNotFoundError: when talentsim ships no such file.
    """
    path = calibration_dir().joinpath(*parts)
    if not path.is_file():
        raise FileNotFoundError(f"talentsim ships no file calibration/{'/'.join(parts)}")
    return path


def is_name(text: str) -> bool:
    """True for a bare name: no path separator and no ``.yaml``/``.yml`` suffix (``jiangxi_baseline``)."""
    return bool(text) and "/" not in text and "\\" not in text and not text.lower().endswith(SUFFIXES) \
        and text not in (".", "..")


def is_layer_name(text: str) -> bool:
    """True for a named shipped calibration layer (``calibration/parameters/behaviour``, no suffix)."""
    return bool(LAYER.match(text))


def _pick(folder: Path, name: str, kind: str, available: list[str]) -> Path:
    path = folder / f"{name}.yaml"
    if NAME.match(name) and path.is_file():
        return path
    close = difflib.get_close_matches(name, available, n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    raise UnknownName(f"no shipped {kind} is named {name!r} ({hint}shipped: {', '.join(available) or 'none'}); "
                      "a file of your own is given by its path, e.g. ./my_plan.yaml")


def scenario_path(name: str) -> Path:
    """The file of the shipped scenario ``name`` (``jiangxi_baseline``).

    Raises:
        UnknownName: naming the shipped scenarios (and the closest one).
    """
    return _pick(scenarios_dir(), name, "scenario", [s.name for s in list_scenarios()])


def sweep_spec_path(name: str) -> Path:
    """The file of the shipped sweep spec ``name`` (``four_levers_oat``).

    Raises:
        UnknownName: naming the shipped sweep specs.
    """
    return _pick(scenarios_dir() / "sweeps", name, "sweep spec", [s.name for s in list_sweep_specs()])


def layer_path(name: str) -> Path:
    """The file of a named shipped layer: ``calibration/parameters/behaviour`` → ``…/parameters/behaviour.yaml``.

    Raises:
        UnknownName: when the name is malformed or no such layer is shipped.
    """
    if is_layer_name(name):
        path = calibration_dir().joinpath(*name.split("/")[1:]).with_suffix(".yaml")
        if path.is_file():
            return path
    layers = sorted("calibration/" + p.relative_to(calibration_dir()).with_suffix("").as_posix()
                    for p in calibration_dir().rglob("*.yaml"))
    close = difflib.get_close_matches(name, layers, n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    raise UnknownName(f"no shipped layer is named {name!r} ({hint}shipped: {', '.join(layers)})")


def resolve(entry: str, relative_to: Path) -> Path:
    """Where an ``extends:`` entry points: a shipped scenario, a shipped layer, or a path relative to a folder.

    Raises:
        UnknownName: for a name no shipped file has.
    """
    if is_name(entry):
        return scenario_path(entry)
    if is_layer_name(entry):
        return layer_path(entry)
    return Path(entry) if Path(entry).is_absolute() else relative_to / entry


def _listing(folder: Path, accept) -> list[Shipped]:
    import yaml

    out = []
    for path in sorted(folder.glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue
        if not isinstance(data, dict) or not NAME.match(path.stem) or not accept(data):
            continue
        raw = data.get("extends") or []
        extends = (raw,) if isinstance(raw, str) else tuple(str(e) for e in raw if isinstance(e, str))
        out.append(Shipped(path.stem, path, str(data.get("title_zh") or ""), str(data.get("title_en") or ""),
                           extends))
    return out


def list_scenarios() -> list[Shipped]:
    """The shipped scenarios: files in ``scenarios/`` with a ``name`` and an ``extends`` or a ``base_year``."""
    return _listing(scenarios_dir(), lambda d: "name" in d and ("extends" in d or "base_year" in d))


def list_sweep_specs() -> list[Shipped]:
    """The shipped sweep specs (``scenarios/sweeps/*.yaml``)."""
    return _listing(scenarios_dir() / "sweeps", lambda d: {"name", "scenario", "factors"} <= set(d))


__all__ = ["CALIBRATION_PACKAGE", "DEFAULT_SCENARIO", "SCENARIO_PACKAGE", "Shipped", "UnknownName", "calibration_dir",
           "data_file", "is_layer_name", "is_name", "layer_path", "list_scenarios", "list_sweep_specs", "resolve",
           "scenario_path", "scenarios_dir", "sweep_spec_path"]
