"""One control per lever, generated from the scenario schema (not from a hand-made list).

:func:`lever_controls` walks :class:`~simulate.scenario.schema.Levers` (and its nested models) and
turns each leaf field into a :class:`Control` by its type:

============================  ==========  =============================================================
field type                    kind        control
============================  ==========  =============================================================
dated path (constant, steps,  ``dated``   a slider for the value and a year picker for when it starts:
ramp)                                     the value holds from that year, the base path before it
``int`` named ``*year``       ``year``    a year picker (the simulated years)
``int`` / ``float``           ``int`` /   a slider within the field's bounds
                              ``float``
``Literal[...]``              ``choice``  a select
list of ids (majors,          ``ids``     a multi-select of the region's majors or sub-regions
sub-regions)
============================  ==========  =============================================================

Slider ends come from ``scenarios/lever_ranges.yaml`` (widened to include the base value); a lever
whose documents fix one value, or that has no range, uses the schema's bounds. Each control carries
the unit, the documented range with its sources and the base value's source
(:attr:`simulate.scenario.LoadedScenario.sources`).
"""

from __future__ import annotations

import math
import types
import typing
from dataclasses import dataclass
from typing import Any, Literal

from annotated_types import Ge, Gt, Le, Lt
from pydantic import BaseModel, WithJsonSchema

from simulate.scenario import LoadedScenario
from simulate.scenario.errors import parent_path
from simulate.scenario.lever_ranges import LeverRange, load_lever_ranges, not_ranged_levers
from simulate.scenario.schema import Levers
from simulate.scenario.types import DatedPath

KINDS = ("dated", "year", "int", "float", "choice", "ids")
"""Control kinds, see the module docstring."""


@dataclass(frozen=True)
class Control:
    """How the page shows and edits one lever field.

    Attributes:
        path: dotted path under ``levers.`` (``per_student_funding.secondary``).
        group: the top-level lever it belongs to (``per_student_funding``).
        kind: one of :data:`KINDS`.
        description: the schema's description of the field (English).
        unit: the unit in English (the lever range's, else the schema's).
        low, high: slider ends (``dated``, ``int``, ``float``); ``None`` otherwise.
        step: slider step.
        options: choices of a ``choice``, ids of an ``ids`` control, years of a ``year`` control or picker.
        base: the base scenario's value as the page shows it (a number, a word, a list, ``None``).
        base_text: the base value as text (a dated path in its planner-facing form).
        initial: the control's starting value (equal to the base's; for a dated path its value at the
            initial year).
        initial_year: for a dated path, the year the control's value holds from at first.
        source: the source of the base value (the nearest key path some file set).
        range: the documented range (``scenarios/lever_ranges.yaml``), if any.
        not_ranged: why the lever has no range, if the ranges file says so.
        nullable: an ``ids`` field whose empty selection means "everywhere" (``None``).
    """

    path: str
    group: str
    kind: str
    description: str
    unit: str
    low: float | None
    high: float | None
    step: float | None
    options: tuple
    base: Any
    base_text: str
    initial: Any
    initial_year: int | None
    source: str
    range: LeverRange | None = None
    not_ranged: str | None = None
    nullable: bool = False


def _unwrap(tp: Any) -> tuple[Any, bool]:
    """The type inside ``X | None`` and whether ``None`` is allowed."""
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return (args[0] if len(args) == 1 else tp), len(args) < len(typing.get_args(tp))
    return tp, False


def _bounds(metadata: list) -> tuple[float | None, float | None]:
    lo = hi = None
    for m in metadata:
        if isinstance(m, (Ge, Gt)):
            lo = float(getattr(m, "ge", getattr(m, "gt", None)))
        elif isinstance(m, (Le, Lt)):
            hi = float(getattr(m, "le", getattr(m, "lt", None)))
    return lo, hi


def _dated_schema(metadata: list) -> tuple[float | None, float | None, str]:
    """Bounds and unit of a dated path type, read from its JSON Schema."""
    for m in metadata:
        if isinstance(m, WithJsonSchema) and m.json_schema:
            num = m.json_schema["anyOf"][0]
            return num.get("minimum"), num.get("maximum"), num.get("description", "")
    return None, None, ""


def nice_step(low: float, high: float) -> float:
    """A round slider step giving about 20–200 positions between ``low`` and ``high``."""
    span = high - low
    if span <= 0:
        return 1.0
    return 10.0 ** math.floor(math.log10(span / 20))


def _number(bound: Any) -> float | None:
    if isinstance(bound, bool) or not isinstance(bound, (int, float)):
        return None
    return float(bound)


def _ends(base: float, rng: LeverRange | None, lo: float | None, hi: float | None) -> tuple[float, float]:
    """Slider ends: the documented range widened to the base value; the schema's bounds where no range helps."""
    ends = [base]
    if rng is not None:
        ends += [v for v in (_number(rng.low.value), _number(rng.high.value)) if v is not None]
    low, high = min(ends), max(ends)
    if high <= low:  # no range, or the documents fix one value: the schema's bounds, else around the value
        low = lo if lo is not None else min(0.0, base)
        high = hi if hi is not None and hi - low <= 100 * max(1.0, abs(base)) else max(2 * abs(base), low + 1)
    return low, high


def source_of(loaded: LoadedScenario, path: str) -> str:
    """The source of a value: its own, or that of the nearest key path above it that a file set."""
    probe: str | None = path
    while probe:
        prov = loaded.sources.get(probe)
        if prov is not None:
            return prov.source
        probe = parent_path(probe)
    return "default"


def dated_start(path: DatedPath, base_year: int) -> tuple[float, int]:
    """The (value, year) a dated control starts at.

    A constant holds from the year after the base year; a step schedule starts at its last step, a ramp at its end.
    """
    if path.kind == "constant":
        return path.points[0][1], base_year + 1
    year, value = path.points[-1]
    return value, max(int(year), base_year + 1)


def _text(value: Any) -> str:
    if isinstance(value, DatedPath):
        value = value.to_yaml()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _control(loaded: LoadedScenario, path: str, field, value: Any, ranges: dict, unranged: dict) -> Control:
    sc = loaded.scenario
    name = path.rsplit(".", 1)[-1]
    group = path.split(".", 1)[0]
    rng = ranges.get(path)
    tp, nullable = _unwrap(field.annotation)
    desc = field.description or ""
    common = dict(path=path, group=group, description=desc, base_text=_text(value),
                  source=source_of(loaded, f"levers.{path}"), range=rng, not_ranged=unranged.get(path))
    if tp is DatedPath:
        lo, hi, unit = _dated_schema(field.metadata)
        start, year = dated_start(value, sc.base_year)
        low, high = _ends(start, rng, lo, hi)
        low, high = min(low, *(v for _, v in value.points)), max(high, *(v for _, v in value.points))
        return Control(kind="dated", unit=rng.unit if rng else unit, low=low, high=high, step=nice_step(low, high),
                       options=tuple(range(sc.base_year, sc.horizon + 1)), base=value.to_yaml(), initial=start,
                       initial_year=year, **common)
    if typing.get_origin(tp) is Literal:
        options = typing.get_args(tp)
        return Control(kind="choice", unit=rng.unit if rng else "", low=None, high=None, step=None, options=options,
                       base=value, initial=value, initial_year=None, **common)
    if typing.get_origin(tp) is list:
        if "major" in f"{name} {desc}":
            options = tuple(m.id for m in sc.region.majors)
        elif "subregion" in name:
            options = tuple(s.name for s in sc.region.subregions)
        else:
            raise TypeError(f"explore has no vocabulary for the list lever levers.{path}")
        shown = list(value) if value is not None else []
        return Control(kind="ids", unit=rng.unit if rng else "", low=None, high=None, step=None, options=options,
                       base=value, initial=shown, initial_year=None, nullable=nullable, **common)
    if tp is int and name.endswith("year"):
        years = tuple(sorted({*range(sc.base_year, sc.horizon + 1), int(value)}))
        return Control(kind="year", unit=rng.unit if rng else "year", low=None, high=None, step=None, options=years,
                       base=value, initial=int(value), initial_year=None, **common)
    if tp in (int, float):
        lo, hi = _bounds(field.metadata)
        low, high = _ends(float(value), rng, lo, hi)
        step = 1.0 if tp is int else nice_step(low, high)
        return Control(kind="int" if tp is int else "float", unit=rng.unit if rng else desc, low=low, high=high,
                       step=step, options=(), base=value, initial=value, initial_year=None, **common)
    raise TypeError(f"explore has no control for levers.{path} (type {field.annotation})")


def lever_controls(loaded: LoadedScenario, ranges: tuple[LeverRange, ...] | None = None) -> tuple[Control, ...]:
    """Every lever field of the scenario schema as a control, in the schema's order.

    Args:
        loaded: the base scenario (its values and their sources).
        ranges: documented lever ranges (the shipped ``scenarios/lever_ranges.yaml`` if ``None``).

    Raises:
        TypeError: a lever field of a type the page cannot show (a new lever type needs a control).
    """
    ranges = load_lever_ranges() if ranges is None else ranges
    by_path = {r.lever: r for r in ranges}
    unranged = {n.lever: n.reason for n in not_ranged_levers()}
    out: list[Control] = []

    def walk(model: type[BaseModel], value: BaseModel, prefix: str) -> None:
        for name, field in model.model_fields.items():
            child = getattr(value, name)
            kind = field.annotation
            if isinstance(kind, type) and issubclass(kind, BaseModel):
                walk(kind, child, f"{prefix}{name}.")
            else:
                out.append(_control(loaded, f"{prefix}{name}", field, child, by_path, unranged))

    walk(Levers, loaded.scenario.levers, "")
    return tuple(out)


__all__ = ["Control", "KINDS", "dated_start", "lever_controls", "nice_step", "source_of"]
