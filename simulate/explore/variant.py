"""The page's lever settings as a variant of the base scenario: an overlay, checked whole by the schema.

Values from the browser are never trusted: each is placed, as sent, into a copy of the base scenario's
data at its control's path, and the copy is validated by :class:`~simulate.scenario.schema.Scenario`.
A problem is reported as the CLI reports it (:meth:`simulate.scenario.errors.Problem.format`), with
``explore`` standing where the CLI names a file and line. The base scenario is never modified.

A dated lever moved to value *v* from year *y* becomes the steps path
``{base_year: base value, …, y: v}``: the base path holds before *y*, *v* from *y* on (a year at or
before the base year gives the constant *v*).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pydantic

from simulate.explore.controls import Control
from simulate.scenario import LoadedScenario, Scenario, ScenarioError
from simulate.scenario.errors import validation_problems
from simulate.scenario.loader import Provenance
from simulate.scenario.types import DatedPath

WHERE = "explore"
"""What stands for the file name in the messages of values set in the page."""
SUFFIX = "_explore"


@dataclass(frozen=True)
class Change:
    """One lever the page moved away from the base.

    Attributes:
        path: dotted path under ``levers.``.
        value: the new value in its planner-facing YAML form (a number, steps mapping, word, list, ``None``).
        base_text: the base value as text.
        text: the new value as text.
    """

    path: str
    value: Any
    base_text: str
    text: str


@dataclass(frozen=True)
class Variant:
    """A validated variant of the base scenario.

    Attributes:
        loaded: the variant with the sources of its values (each changed value: ``explore: <stamp>``).
        changes: the levers that differ from the base, in the order of the controls.
        stamp: when the settings were read (the source text of every changed value).
    """

    loaded: LoadedScenario
    changes: tuple[Change, ...]
    stamp: str
    key: tuple = field(default=(), repr=False)

    @property
    def scenario(self) -> Scenario:
        """The validated scenario."""
        return self.loaded.scenario


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(a)), abs(float(b)))
    return a == b


def _tidy(v: Any) -> Any:
    return int(v) if isinstance(v, float) and v.is_integer() else v


def dated_value(base: DatedPath, value: Any, year: Any, base_year: int) -> Any:
    """The path "``value`` from ``year``, the base path before it" in planner-facing form."""
    if isinstance(year, bool) or not isinstance(year, int):
        return {year: value}  # not a year: the schema says so
    if year <= base_year:
        return _tidy(value)
    steps: dict[int, Any] = {}
    last = None
    for y in range(base_year, year):
        v = base.at(y)
        if last is None or not _same(v, last):
            steps[y] = _tidy(v)
            last = v
    steps[year] = _tidy(value)
    return steps


def change_of(c: Control, base_value: Any, value: Any, year: Any, base_year: int) -> Change | None:
    """The change a control's value (and year) makes, or ``None`` if it is the base's."""
    if c.kind == "dated":
        if _same(value, c.initial) and _same(year, c.initial_year):
            return None
        new = dated_value(base_value, value, year, base_year)
        return Change(c.path, new, c.base_text, _text(new))
    if c.kind == "ids":
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            if sorted(set(value)) == sorted(c.initial):
                return None
            value = [i for i in c.options if i in value] + sorted(set(value) - set(c.options))
            if c.nullable and not value:
                value = None
        return Change(c.path, value, c.base_text, _text(value))
    if _same(value, c.initial):
        return None
    return Change(c.path, value, c.base_text, _text(value))


def _text(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_text(v)}" for k, v in value.items()) + "}"
    if isinstance(value, float):
        return f"{value:g}"
    return "—" if value is None else str(value)


def variant_name(base: Scenario) -> str:
    """The variant's scenario name (an identifier of at most 40 characters)."""
    return base.name[: 40 - len(SUFFIX)] + SUFFIX


def _get(node: Any, path: str) -> Any:
    for part in path.split("."):
        node = getattr(node, part)
    return node


def _put(data: dict, path: str, value: Any) -> None:
    *head, last = path.split(".")
    node = data
    for key in head:
        node = node[key]
    node[last] = value


def stamp_now() -> str:
    """The time a change was made, as the source of changed values says it."""
    return datetime.now().isoformat(timespec="seconds")


def build_variant(base: LoadedScenario, controls: tuple[Control, ...], values: dict[str, Any],
                  years: dict[str, Any] | None = None, stamp: str | None = None) -> Variant:
    """Overlay the page's values on the base scenario and validate the result.

    Args:
        base: the base scenario.
        controls: the page's controls (:func:`simulate.explore.controls.lever_controls`).
        values: control path → value as the browser sent it; paths the page has no control for are ignored,
            a missing path keeps the base value.
        years: control path → year a dated value holds from.
        stamp: the source text's time (now if ``None``).

    Raises:
        ScenarioError: the variant does not validate; one :class:`~simulate.scenario.errors.Problem` per
            error, as the CLI reports it.
    """
    years = years or {}
    stamp = stamp or stamp_now()
    sc = base.scenario
    changes = []
    for c in controls:
        if c.path not in values and c.path not in years:
            continue
        value = values.get(c.path, c.initial)
        year = years.get(c.path, c.initial_year)
        change = change_of(c, _get(sc.levers, c.path), value, year, sc.base_year)
        if change is not None:
            changes.append(change)
    data = sc.model_dump(mode="python")
    data["name"] = variant_name(sc)
    for ch in changes:
        _put(data["levers"], ch.path, ch.value)
    try:
        scenario = Scenario.model_validate(data)
    except pydantic.ValidationError as exc:
        raise ScenarioError(validation_problems(exc, data, {}, Scenario, WHERE)) from None
    sources = dict(base.sources)
    for ch in changes:
        key = f"levers.{ch.path}"
        for k in [k for k in sources if k == key or k.startswith(key + ".")]:
            del sources[k]
        sources[key] = Provenance(source=f"explore: {stamp}", file=WHERE, line=0)
    loaded = LoadedScenario(scenario=scenario, sources=sources, files=(*base.files, WHERE))
    key = tuple((ch.path, repr(ch.value)) for ch in changes)
    return Variant(loaded=loaded, changes=tuple(changes), stamp=stamp, key=key)


__all__ = ["Change", "Variant", "WHERE", "build_variant", "change_of", "dated_value", "stamp_now", "variant_name"]
