"""Units and dated lever paths used by the scenario schema.

Every lever in a scenario is a *dated path*: a value that may change over the
calendar. Planners write it in one of three forms:

* a constant: ``8000``
* steps at given years: ``{2019: 8000, 2023: 10000}`` (the value holds from
  each year until the next step; before the first step the first value holds)
* a linear ramp: ``{ramp: {from_year: 2020, from_value: 8000, to_year: 2025,
  to_value: 12000}}`` (constant before and after the ramp)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, PlainSerializer, WithJsonSchema

Share = Annotated[float, Field(ge=0.0, le=1.0, description="share, 0–1")]
"""A proportion between 0 and 1 (never a percent)."""
Yuan = Annotated[float, Field(ge=0.0, description="yuan (元)")]
"""A non-negative amount of money in yuan."""
Persons = Annotated[float, Field(ge=0.0, description="persons (人)")]
"""A non-negative head count."""
Rate = Annotated[float, Field(ge=0.0, le=10.0, description="yearly rate")]
"""A non-negative yearly rate (e.g. growth 0.10 = 10% a year)."""


@dataclass(frozen=True)
class DatedPath:
    """A value over calendar years: constant, steps or linear ramp.

    Attributes:
        kind: ``"constant"``, ``"steps"`` or ``"ramp"``.
        points: (year, value) pairs, sorted by year.
    """

    kind: str
    points: tuple[tuple[int, float], ...]

    def at(self, year: int) -> float:
        """Return the value in force in ``year``."""
        pts = self.points
        if self.kind == "constant" or year <= pts[0][0]:
            return pts[0][1]
        if self.kind == "steps":
            value = pts[0][1]
            for y, v in pts:
                if y <= year:
                    value = v
            return value
        (y0, v0), (y1, v1) = pts
        if year >= y1:
            return v1
        return v0 + (v1 - v0) * (year - y0) / (y1 - y0)

    def to_yaml(self) -> Any:
        """Return the planner-facing form (number, step mapping or ramp)."""
        if self.kind == "constant":
            return self.points[0][1]
        if self.kind == "steps":
            return {y: v for y, v in self.points}
        (y0, v0), (y1, v1) = self.points
        return {"ramp": {"from_year": y0, "from_value": v0, "to_year": y1, "to_value": v1}}

    @classmethod
    def constant(cls, value: float) -> DatedPath:
        """A path that holds ``value`` in every year."""
        return cls("constant", ((0, float(value)),))


def _check(value: Any, lo: float | None, hi: float | None, unit: str, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{where}expected a number ({unit}), got {value!r}")
    v = float(value)
    if not math.isfinite(v):
        raise ValueError(f"{where}expected a finite number ({unit}), got {value!r}")
    if lo is not None and v < lo:
        raise ValueError(f"{where}expected {unit} ≥ {lo:g}, got {value!r}")
    if hi is not None and v > hi:
        raise ValueError(f"{where}expected {unit} ≤ {hi:g}, got {value!r}")
    return v


def _check_year(y: Any, where: str) -> int:
    if isinstance(y, bool) or not isinstance(y, int) or not 1990 <= y <= 2100:
        raise ValueError(f"{where}expected a calendar year 1990–2100, got {y!r}")
    return y


def _parser(lo: float | None, hi: float | None, unit: str):
    def parse(raw: Any) -> DatedPath:
        if isinstance(raw, DatedPath):
            for _, v in raw.points:
                _check(v, lo, hi, unit, "")
            return raw
        if isinstance(raw, dict) and set(raw) == {"ramp"}:
            r = raw["ramp"]
            keys = {"from_year", "from_value", "to_year", "to_value"}
            if not isinstance(r, dict) or set(r) != keys:
                raise ValueError(f"a ramp needs exactly the keys {sorted(keys)}")
            y0 = _check_year(r["from_year"], "ramp from_year: ")
            y1 = _check_year(r["to_year"], "ramp to_year: ")
            if y1 <= y0:
                raise ValueError(f"ramp to_year ({y1}) must be after from_year ({y0})")
            v0 = _check(r["from_value"], lo, hi, unit, "ramp from_value: ")
            v1 = _check(r["to_value"], lo, hi, unit, "ramp to_value: ")
            return DatedPath("ramp", ((y0, v0), (y1, v1)))
        if isinstance(raw, dict):
            if not raw:
                raise ValueError("a step schedule needs at least one {year: value} entry")
            pts = []
            for y, v in raw.items():
                yy = _check_year(y, "step year: ")
                pts.append((yy, _check(v, lo, hi, unit, f"step {yy}: ")))
            return DatedPath("steps", tuple(sorted(pts)))
        return DatedPath("constant", ((0, _check(raw, lo, hi, unit, "")),))

    return parse


def _json_schema(lo: float | None, hi: float | None, unit: str) -> dict:
    num: dict[str, Any] = {"type": "number", "description": unit}
    if lo is not None:
        num["minimum"] = lo
    if hi is not None:
        num["maximum"] = hi
    return {
        "description": f"dated path ({unit}): a constant, steps {{year: value}}, or a ramp",
        "anyOf": [
            num,
            {"type": "object", "patternProperties": {"^[0-9]{4}$": num}, "additionalProperties": False},
            {
                "type": "object",
                "properties": {
                    "ramp": {
                        "type": "object",
                        "properties": {
                            "from_year": {"type": "integer"},
                            "from_value": num,
                            "to_year": {"type": "integer"},
                            "to_value": num,
                        },
                        "required": ["from_year", "from_value", "to_year", "to_value"],
                        "additionalProperties": False,
                    }
                },
                "required": ["ramp"],
                "additionalProperties": False,
            },
        ],
    }


def dated(lo: float | None, hi: float | None, unit: str) -> Any:
    """Build an annotated dated-path type with bounds ``[lo, hi]`` in ``unit``."""
    return Annotated[
        DatedPath,
        BeforeValidator(_parser(lo, hi, unit)),
        PlainSerializer(lambda p: p.to_yaml()),
        WithJsonSchema(_json_schema(lo, hi, unit)),
    ]


SharePath = dated(0.0, 1.0, "share 0–1")
"""A dated path of shares in [0, 1]."""
YuanPath = dated(0.0, None, "yuan")
"""A dated path of non-negative yuan amounts."""
CountPath = dated(0.0, None, "count")
"""A dated path of non-negative counts."""
GrowthPath = dated(-0.5, 1.0, "yearly growth rate")
"""A dated path of yearly growth rates (−0.5 to 1.0)."""
AgePath = dated(40.0, 75.0, "age in years")
"""A dated path of ages (e.g. a statutory retirement age rising year by year)."""
