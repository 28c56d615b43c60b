"""The range of each policy lever the documents support, and scenarios with every lever at one end.

``scenarios/lever_ranges.yaml`` gives, for each lever of :class:`simulate.scenario.schema.Levers`, a
low end (the status quo or the weakest reading of a clause) and a high end (the strongest setting the
documents support), each with its source. Levers deliberately left to the scenario are listed under
``not_ranged`` with the reason.

>>> from simulate.scenario.lever_ranges import load_lever_ranges
>>> {r.lever for r in load_lever_ranges()} >= {"apprenticeship_share", "per_student_funding.secondary"}
True
"""

from __future__ import annotations

import copy
import re
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from simulate.scenario.loader import Layered, parse_yaml, validate
from simulate.scenario.schema import Levers, Scenario
from simulate.scenario.types import DatedPath

End = Literal["low", "high"]
CLAUSE = re.compile(r"^\d{3}_[0-9a-f]{16}\.txt §\S")
"""A source that cites a clause of a seed document: ``003_6dbe643eb8838f3a.txt §26``."""


def lever_ranges_file() -> Path:
    """Where the shipped ``lever_ranges.yaml`` is (the one place that knows)."""
    from simulate import shipped

    return shipped.scenarios_dir() / "lever_ranges.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LeverBound(_Strict):
    """One end of a lever's range.

    Attributes:
        value: the setting: a number, a dated path (``{year: value}`` steps or a ramp) or a plain setting.
        from_year: the value holds from this year; before it the scenario keeps its own path.
        source: a clause (``<seed file> §<clause>``), ``obs: …`` or ``assumption: <reason>``.
        note: optional remark.
    """

    value: Any
    source: str
    from_year: int | None = Field(default=None, ge=1990, le=2100)
    note: str | None = None

    @field_validator("source")
    @classmethod
    def _cited(cls, text: str) -> str:
        text = text.strip()
        if CLAUSE.match(text):
            return text
        for prefix in ("assumption:", "obs:"):
            if text.startswith(prefix) and len(text) > len(prefix) + 3:
                return text
        raise ValueError("source must cite a clause ('<seed file> §<clause>'), an observation ('obs: …') or "
                         "give a reason ('assumption: <reason>')")


class LeverRange(_Strict):
    """A lever's low and high end.

    Attributes:
        lever: dotted path under ``levers.`` (``per_student_funding.secondary``).
        unit: what the value measures.
        low: the status quo or weakest reading.
        high: the strongest setting the documents support.
        note: optional remark.
        regions: the regions (``region.name`` of a scenario) whose scenarios the range applies to; ``None``:
            every region. Elsewhere the lever keeps the scenario's own setting (the clause is another
            region's, e.g. Nanchang's order-class tiers).
    """

    lever: str = Field(pattern=r"^[a-z_A-Z]+(\.[a-z_A-Z]+)*$")
    unit: str
    low: LeverBound
    high: LeverBound
    note: str | None = None
    regions: list[str] | None = None

    def applies_to(self, region: str) -> bool:
        """Whether the range applies to a scenario of ``region``."""
        return self.regions is None or region in self.regions

    def end(self, end: End) -> LeverBound:
        """The ``low`` or ``high`` bound."""
        return self.low if end == "low" else self.high


class NotRanged(_Strict):
    """A lever left at the scenario's own setting, with the reason."""

    lever: str
    reason: str = Field(min_length=10)


class LeverRangesFile(_Strict):
    """The file: ranged levers and the levers deliberately not ranged."""

    ranges: list[LeverRange] = Field(min_length=1)
    not_ranged: list[NotRanged] = Field(default_factory=list)

    @model_validator(mode="after")
    def _known_and_unique(self) -> LeverRangesFile:
        names = [r.lever for r in self.ranges] + [n.lever for n in self.not_ranged]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ValueError(f"levers listed twice: {dup}")
        unknown = sorted(set(names) - set(lever_paths()))
        if unknown:
            raise ValueError(f"not levers of a scenario: {unknown} (levers are {list(lever_paths())})")
        return self


def lever_paths(model: type[BaseModel] = Levers, prefix: str = "") -> tuple[str, ...]:
    """Every leaf lever of the scenario schema as a dotted path under ``levers.``."""
    out: list[str] = []
    for name, field in model.model_fields.items():
        kind = field.annotation
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            out += lever_paths(kind, f"{prefix}{name}.")
        else:
            out.append(f"{prefix}{name}")
    return tuple(out)


def _set(data: Any, path: str, value: Any) -> None:
    """Set a value at a loader key path (``ranges[3].low``)."""
    parts = re.findall(r"[^.\[\]]+|\[\d+\]", path)
    node = data
    for part in parts[:-1]:
        node = node[int(part[1:-1])] if part.startswith("[") else node[part]
    last = parts[-1]
    if last.startswith("["):
        node[int(last[1:-1])] = value
    else:
        node[last] = value


def read_lever_ranges(path: Path | str) -> LeverRangesFile:
    """Read and validate a lever-ranges file strictly (duplicate or unknown keys name file and line).

    Raises:
        ScenarioError: a problem with the file, located by line.
    """
    doc = parse_yaml(path)
    data = copy.deepcopy(doc.data)
    # the strict parser folds {value, source[, note]} leaves into their value; put the bound back together
    for key, prov in sorted(doc.sources.items(), key=lambda kv: -len(kv[0])):
        node: Any = data
        for part in re.findall(r"[^.\[\]]+|\[\d+\]", key):
            node = node[int(part[1:-1])] if part.startswith("[") else node[part]
        bound = {"value": node, "source": prov.source}
        if prov.note:
            bound["note"] = prov.note
        _set(data, key, bound)
    positions = {k: (doc.file, *pos) for k, pos in doc.positions.items()}
    return validate(Layered(data, positions, {}, [doc.file]), LeverRangesFile)


@cache
def _shipped() -> LeverRangesFile:
    return read_lever_ranges(lever_ranges_file())


def load_lever_ranges() -> tuple[LeverRange, ...]:
    """The shipped lever ranges, validated."""
    return tuple(_shipped().ranges)


def not_ranged_levers() -> tuple[NotRanged, ...]:
    """Levers the shipped file leaves at the scenario's own setting, with the reasons."""
    return tuple(_shipped().not_ranged)


def _current(levers: Levers, path: str) -> Any:
    node: Any = levers
    for part in path.split("."):
        node = getattr(node, part)
    return node


def _bound_value(bound: LeverBound, current: Any, base_year: int, lever: str) -> Any:
    if bound.from_year is None or bound.from_year <= base_year:
        return copy.deepcopy(bound.value)
    if not isinstance(current, DatedPath) or isinstance(bound.value, (dict, list, str, bool)):
        raise ValueError(f"lever range {lever}: from_year needs a dated lever and a single value")
    steps = {y: current.at(y) for y in range(base_year, bound.from_year)}
    steps[bound.from_year] = float(bound.value)
    return steps


def apply_lever_ends(scenario: Scenario, end: End, only: set[str] | None = None,
                     ranges: tuple[LeverRange, ...] | None = None) -> Scenario:
    """A validated copy of ``scenario`` with every ranged lever (or those in ``only``) at one end.

    Levers not ranged, not in ``only``, or ranged for other regions only (``LeverRange.regions``), keep the
    scenario's own setting. The scenario itself is untouched.

    Args:
        scenario: the scenario to start from.
        end: ``"low"`` or ``"high"``.
        only: dotted lever paths to set (all ranged levers if ``None``).
        ranges: the ranges to use (the shipped file if ``None``).

    Raises:
        ValueError: ``end`` is not low/high, ``only`` names a lever without a range, or the result does not
            validate (e.g. a range names a sub-region the scenario's region lacks).
    """
    if end not in ("low", "high"):
        raise ValueError(f"end must be 'low' or 'high', not {end!r}")
    ranges = load_lever_ranges() if ranges is None else ranges
    known = {r.lever for r in ranges}
    if only is not None and not set(only) <= known:
        raise ValueError(f"no lever range for {sorted(set(only) - known)}")
    data = scenario.model_dump(mode="python")
    for r in ranges:
        if (only is not None and r.lever not in only) or not r.applies_to(scenario.region.name):
            continue
        current = _current(scenario.levers, r.lever)
        _set(data["levers"], r.lever, _bound_value(r.end(end), current, scenario.base_year, r.lever))
    return Scenario.model_validate(data)


__all__ = ["LeverBound", "LeverRange", "NotRanged", "apply_lever_ends", "lever_paths", "lever_ranges_file",
           "load_lever_ranges", "not_ranged_levers", "read_lever_ranges"]
