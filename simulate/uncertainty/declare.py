"""Which parameters are uncertain, and how: distributions declared beside the values (参数不确定性).

Read from a loaded scenario's provenance, never by the engine:

* a sourced value with ``range: [low, high]`` is **uniform** over the range, or **triangular** peaked at
  ``mode`` (default: the value) with ``dist: triangular``; its note says where the range comes from;
* a fitted value (source ``fitted: …``) with a standard error (``SE x`` in the source text, or ``se:``)
  is **normal** around the value, truncated to ±3 SE, to the schema's bounds and to its ``range``: the one
  it gives, else the plausible range a lower layer declared for the same key (:func:`bounded`);
* a dated path with ``range: [low path, high path]`` is drawn **between** the two: one draw u in [0, 1]
  puts the path at low + u·(high − low), year by year;
* a fitted dated path with a standard error is **shifted** as a whole by one normal draw.

Levers (``levers.…``) are never uncertain: they are the planner's choice. One assumption written once
per item of a list (the same value, source and range for every industry's revenue growth) is one unknown
and gets one draw, named with ``[*]`` (only when every item of the list carries it). Integer parameters
are drawn over their range widened by half a unit on each side and rounded, so each whole number is
equally likely.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import TypeAdapter
from scipy import stats

from simulate.scenario import LoadedScenario, Problem, ScenarioError
from simulate.scenario.loader import Provenance, parse_yaml
from simulate.scenario.schema import Scenario
from simulate.scenario.types import DatedPath, dated

DISTRIBUTIONS = ("uniform", "triangular", "normal", "between", "shift")
"""Kinds of :class:`Uncertain`: the first three draw a number; ``between`` a position between two dated
paths (0 = low, 1 = high); ``shift`` an offset added to every point of a fitted dated path."""
NEVER = ("levers", "goals")
"""Top-level keys never sampled: the planner's choices and the targets."""
SE_SPAN = 3.0
"""A fitted value is truncated to ± this many standard errors."""
_SE = re.compile(r"\bSE\s*[=:]?\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)")
_ITEM = re.compile(r"\[(\d+)\]")
_RAMP = re.compile(r"\.ramp(\..*)?$")
_ANY_PATH = TypeAdapter(dated(None, None, "value"))


@dataclass(frozen=True)
class Uncertain:
    """One uncertain parameter and its distribution.

    Attributes:
        name: the column of ``parameters.parquet`` and the key of its random stream: the key path, with list
            items named by their id (``region.industries[aviation].employment_share``) or ``[*]`` for one
            assumption shared by every item.
        paths: key paths (as in :attr:`LoadedScenario.sources`) the drawn value is written to.
        dist: one of :data:`DISTRIBUTIONS`.
        low, high: support of the draw (a position 0–1 for ``between``; offsets for ``shift``).
        central: the scenario's value (a number, or the planner-facing form of a dated path).
        mode: peak of a triangular distribution.
        sd: standard deviation of a normal distribution (its mean is the central value; 0 for ``shift``).
        integer: the parameter takes whole numbers.
        low_path, high_path: planner-facing low and high paths of a ``between`` parameter.
        bounds: the schema's bounds of the value (a path's points are kept inside them).
        source, note, file, line: where the value and its range come from.
    """

    name: str
    paths: tuple[str, ...]
    dist: str
    low: float
    high: float
    central: Any
    mode: float | None = None
    sd: float | None = None
    integer: bool = False
    low_path: Any = None
    high_path: Any = None
    bounds: tuple[float, float] = (-math.inf, math.inf)
    source: str = ""
    note: str | None = None
    file: str = ""
    line: int = 0

    @property
    def is_path(self) -> bool:
        """Whether the parameter is a dated path (drawn ``between`` two paths or ``shift``-ed)."""
        return self.dist in ("between", "shift")

    @property
    def centre(self) -> float:
        """The draw that leaves the scenario as it is (the value; no shift), where one exists."""
        if self.dist == "shift":
            return 0.0
        if self.dist == "between":
            return math.nan
        return float(self.central)

    def quantile(self, u: np.ndarray) -> np.ndarray:
        """Draws for unit coordinates ``u`` (the distribution's quantile function)."""
        u = np.clip(np.asarray(u, float), 0.0, 1.0)
        lo, hi = self.low, self.high
        if self.integer and self.dist in ("uniform", "triangular") and hi > lo:
            lo, hi = lo - 0.5, hi + 0.5
        if hi <= lo:
            x = np.full(u.shape, lo)
        elif self.dist == "triangular":
            x = stats.triang.ppf(u, (self.mode - lo) / (hi - lo), loc=lo, scale=hi - lo)
        elif self.dist in ("normal", "shift"):
            mean = self.centre
            if not self.sd:
                x = np.full(u.shape, mean)
            else:
                x = stats.truncnorm.ppf(u, (lo - mean) / self.sd, (hi - mean) / self.sd, loc=mean, scale=self.sd)
        else:
            x = lo + u * (hi - lo)
        if self.integer:
            x = np.floor(x + 0.5)
        return np.clip(x, self.low, self.high)

    def written(self, x: float) -> Any:
        """The value written into the scenario for draw ``x`` (a number, or a planner-facing path)."""
        if self.dist == "between":
            return between(self.low_path, self.high_path, float(x), self.bounds).to_yaml()
        if self.dist == "shift":
            path = _ANY_PATH.validate_python(self.central)
            lo, hi = self.bounds
            return DatedPath(path.kind, tuple((y, min(hi, max(lo, v + float(x)))) for y, v in path.points)).to_yaml()
        return int(x) if self.integer else float(x)

    def is_central(self, x: float) -> bool:
        """Whether draw ``x`` leaves the scenario as it is (then nothing is written: zero width = no change)."""
        if self.dist == "between":
            return between(self.low_path, self.high_path, float(x), self.bounds) == _path(repr(self.central))
        return float(x) == self.centre

    def describe(self) -> dict:
        """What ``summary.json`` lists about the parameter."""
        out: dict[str, Any] = {"name": self.name, "dist": self.dist}
        if self.dist == "between":
            out.update(low=self.low_path, high=self.high_path, central=self.central)
        else:
            out.update(low=self.low, high=self.high, central=self.central)
        if self.mode is not None:
            out["mode"] = self.mode
        if self.sd is not None:
            out["sd"] = self.sd
        if self.integer:
            out["integer"] = True
        if len(self.paths) > 1 or self.paths[0] != self.name:
            out["paths"] = list(self.paths)
        out.update(source=self.source, note=self.note, file=self.file, line=self.line)
        return out


@cache
def _path(text: str) -> DatedPath:
    """A planner-facing dated path (given as its ``repr``, so it can be cached) parsed."""
    import ast

    return _ANY_PATH.validate_python(ast.literal_eval(text))


def between(low: Any, high: Any, u: float, bounds: tuple[float, float] = (-math.inf, math.inf)) -> DatedPath:
    """The path ``low + u·(high − low)`` year by year (a ramp or steps like its ends where they align)."""
    a, b = _path(repr(low)), _path(repr(high))
    lo, hi = bounds

    def mix(x: float, y: float) -> float:
        return min(hi, max(lo, x + u * (y - x)))

    if a.kind == b.kind and [y for y, _ in a.points] == [y for y, _ in b.points]:
        return DatedPath(a.kind, tuple((y, mix(x, z)) for (y, x), (_, z) in zip(a.points, b.points, strict=True)))
    years = [y for p in (a, b) if p.kind != "constant" for y, _ in p.points]
    first, last = min(years), max(years)
    return DatedPath("steps", tuple((y, mix(a.at(y), b.at(y))) for y in range(first, last + 1)))


def standard_error(prov: Provenance) -> float | None:
    """A fitted value's standard error: the ``se`` key, else ``SE x`` in its source text."""
    if prov.se is not None:
        return float(prov.se)
    m = _SE.search(prov.source or "")
    return float(m.group(1)) if m else None


def _fitted(prov: Provenance) -> bool:
    return (prov.source or "").strip().lower().startswith("fitted")


@cache
def _schema() -> dict:
    return Scenario.model_json_schema()


def _deref(node: dict) -> dict:
    while "$ref" in node:
        node = _schema()["$defs"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def schema_bounds(steps: Iterable[str | int]) -> tuple[float, float, bool]:
    """``(low, high, integer)`` the schema allows at a key path (a dated path's point bounds)."""
    node = _schema()
    for s in steps:
        node = _deref(node)
        if isinstance(s, int) and "items" in node:
            node = node["items"]
        elif s in node.get("properties", {}):
            node = node["properties"][s]
        elif isinstance(node.get("additionalProperties"), dict):
            node = node["additionalProperties"]
        else:
            return -math.inf, math.inf, False
    node = _deref(node)
    for branch in node.get("anyOf", [node]):
        branch = _deref(branch)
        if branch.get("type") in ("number", "integer"):
            lo = branch.get("minimum", -math.inf)
            hi = branch.get("maximum", math.inf)
            if "exclusiveMinimum" in branch:
                lo = float(np.nextafter(branch["exclusiveMinimum"], math.inf))
            if "exclusiveMaximum" in branch:
                hi = float(np.nextafter(branch["exclusiveMaximum"], -math.inf))
            return float(lo), float(hi), branch["type"] == "integer"
    return -math.inf, math.inf, False


@cache
def split_path(path: str) -> tuple[str | int, ...]:
    """``region.industries[2].employment_share`` → ``("region", "industries", 2, "employment_share")``."""
    out: list[str | int] = []
    for part in path.split("."):
        head = part.split("[", 1)[0]
        out.append(int(head) if head.isdigit() else head)
        out.extend(int(i) for i in _ITEM.findall(part))
    return tuple(out)


def value_at(data: Any, steps: Iterable[str | int]) -> Any:
    """The value at ``steps`` in a plain dict/list tree (a dumped scenario)."""
    for s in steps:
        data = data[s]
    return data


def _display(path: str, data: dict) -> str:
    """The path with list items named by their id (``industries[aviation]``), as reports show it."""
    out, node = [], data
    for part in path.split("."):
        head = part.split("[", 1)[0]
        node = node[int(head) if head.isdigit() else head] if isinstance(node, dict) else node
        text = head
        for i in _ITEM.findall(part):
            node = node[int(i)]
            key = node.get("id", node.get("name")) if isinstance(node, dict) else None
            text += f"[{key if key is not None else i}]"
        out.append(text)
    return ".".join(out)


def _lower_ranges(loaded: LoadedScenario) -> dict[str, list[tuple[str, tuple]]]:
    """Key path → [(file, range)] declared by each layer, bases first (to bound fitted values)."""
    out: dict[str, list[tuple[str, tuple]]] = {}
    for file in loaded.files:
        for key, rng in _file_ranges(file):
            out.setdefault(key, []).append(rng)
    return out


_RANGES: dict[tuple[str, int, int], tuple[tuple[str, tuple[str, tuple]], ...]] = {}
"""A layer file's declared ranges, keyed by its path, modification time and size (see :func:`_file_ranges`)."""


def _file_ranges(file: str | Path) -> tuple[tuple[str, tuple[str, tuple]], ...]:
    """``(key, (file, range))`` for every range a layer file declares; ``()`` if it is gone or no longer parses.

    Every run bounds its fitted values with them, and re-parsing a scenario's seven layers strictly took ≈100 ms,
    a third of a one-replication run: a file is parsed again only when its modification time or size changes.
    """
    try:
        st = os.stat(file)
    except OSError:  # a layer moved since loading: its ranges are not used
        return ()
    stamp = (str(file), st.st_mtime_ns, st.st_size)
    got = _RANGES.get(stamp)
    if got is None:
        try:
            doc = parse_yaml(file)
        except (OSError, ScenarioError):
            return ()
        got = _RANGES[stamp] = tuple((key, (doc.file, prov.range)) for key, prov in doc.sources.items()
                                     if prov.range is not None)
    return got


def _problem(prov: Provenance, path: str, message: str) -> ScenarioError:
    return ScenarioError(Problem(prov.file, prov.line or None, None, path, message))


def _one(path: str, prov: Provenance, data: dict) -> Uncertain | None:
    steps = split_path(path)
    lo_b, hi_b, integer = schema_bounds(steps)
    try:
        value = value_at(data, steps)
    except (KeyError, IndexError, TypeError):
        return None
    se = standard_error(prov) if _fitted(prov) else None
    if prov.range is None and se is None:
        return None
    base = dict(paths=(path,), bounds=(lo_b, hi_b), integer=integer, source=prov.source, note=prov.note,
                file=prov.file, line=prov.line)
    is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if not is_number and not isinstance(value, dict):
        raise _problem(prov, path, f"a range or standard error needs a number or a dated path, got {value!r}")
    low, high = prov.range if prov.range is not None else (None, None)
    numeric = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (low, high))
    if is_number and se is not None:  # a fit: normal within ±3 SE, the schema's bounds and any range given
        v = float(value)
        low, high = (max(v - SE_SPAN * se, lo_b, float(low)), min(v + SE_SPAN * se, hi_b, float(high))) if numeric \
            else (max(v - SE_SPAN * se, lo_b), min(v + SE_SPAN * se, hi_b))
        return Uncertain(name=path, dist="normal", low=low, high=high, central=value, sd=se, **base)
    if prov.range is None:  # a fitted dated path: shifted as a whole, its points kept within the bounds
        points = [p for _, p in _ANY_PATH.validate_python(value).points]
        low, high = max(-SE_SPAN * se, lo_b - min(points)), min(SE_SPAN * se, hi_b - max(points))
        return Uncertain(name=path, dist="shift", low=low, high=high, central=value, sd=se, **base)
    if is_number and numeric:
        low, high = max(float(low), lo_b), min(float(high), hi_b)
        if prov.dist not in (None, "uniform", "triangular"):
            raise _problem(prov, path, f"dist must be uniform or triangular, got {prov.dist!r}")
        mode = None
        if prov.dist == "triangular":
            mode = float(value if prov.mode is None else prov.mode)
            if not low <= mode <= high:
                raise _problem(prov, path, f"triangular mode {mode:g} outside the range [{low:g}, {high:g}]")
        return Uncertain(name=path, dist=prov.dist or "uniform", low=low, high=high, central=value, mode=mode,
                         **base)
    if numeric:
        raise _problem(prov, path, "a dated path's range must be [low path, high path] (e.g. two ramps), not numbers")
    try:
        a, b = _ANY_PATH.validate_python(low), _ANY_PATH.validate_python(high)
    except ValueError:
        raise _problem(prov, path, "range must be [low, high] numbers, or [low path, high path] for a dated "
                                   "path") from None
    if is_number and a.kind == b.kind == "constant":
        return Uncertain(name=path, dist=prov.dist or "uniform", low=max(a.points[0][1], lo_b),
                         high=min(b.points[0][1], hi_b), central=value, **base)
    return Uncertain(name=path, dist="between", low=0.0, high=1.0, central=value, low_path=a.to_yaml(),
                     high_path=b.to_yaml(), **base)


def bounded(loaded: LoadedScenario) -> LoadedScenario:
    """The scenario with each fitted value's plausible range in its provenance (and its SE as ``se``).

    A fitted value (``fitted: … (SE x)``) replaces a parameter file's value and, with it, the range that
    file declared; that range still bounds what the fit may say. Written into the provenance, it travels
    into ``scenario.resolved.yaml`` (``range`` and ``se`` beside the fitted value), so the resolved file
    declares the same distributions and reproduces the run.
    """
    fitted = {k: p for k, p in loaded.sources.items()
              if _fitted(p) and p.range is None and standard_error(p) is not None}
    if not fitted:
        return loaded
    lower = _lower_ranges(loaded)
    data = loaded.scenario.model_dump(mode="python")
    sources = dict(loaded.sources)
    for key, prov in fitted.items():
        for _, (a, b) in lower.get(key, [])[-1:]:  # the nearest lower layer's range
            try:
                v = value_at(data, split_path(key))
            except (KeyError, IndexError, TypeError):
                continue
            numbers = all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in (a, b, v))
            if numbers and a <= v <= b:
                sources[key] = replace(prov, range=(a, b), se=standard_error(prov))
    return LoadedScenario(loaded.scenario, sources, loaded.files)


def _group_key(path: str) -> str | None:
    return _ITEM.sub("[*]", path) if _ITEM.search(path) else None


def _signature(u: Uncertain) -> tuple:
    return (u.dist, u.low, u.high, repr(u.central), u.mode, u.sd, repr(u.low_path), repr(u.high_path), u.source)


def declared(loaded: LoadedScenario) -> tuple[Uncertain, ...]:
    """Every uncertain parameter of a scenario, sorted by name (levers and goals never).

    Raises:
        ScenarioError: a range that does not fit its value (file:line of the value).
    """
    loaded = bounded(loaded)
    data = loaded.scenario.model_dump(mode="python")
    found: list[Uncertain] = []
    seen: set[str] = set()
    for key, prov in loaded.sources.items():
        path = _RAMP.sub("", key)  # a ramp's leaves share the provenance of the path they form
        if path in seen or path.split(".", 1)[0].split("[", 1)[0] in NEVER:
            continue
        if prov.range is None and not (_fitted(prov) and standard_error(prov) is not None):
            continue
        seen.add(path)
        u = _one(path, prov, data)
        if u is not None:
            found.append(u)
    groups: dict[str, list[Uncertain]] = {}
    for u in found:
        groups.setdefault(_group_key(u.paths[0]) or u.paths[0], []).append(u)
    out = []
    for key, members in groups.items():
        items = _items(key, data)
        if len(members) > 1 and len(members) == items and len({_signature(m) for m in members}) == 1:
            out.append(_renamed(members[0], key, tuple(p for m in members for p in m.paths)))
        else:
            out += [_renamed(u, _display(u.paths[0], data)) for u in members]
    return tuple(sorted(out, key=lambda u: u.name))


def _items(pattern: str, data: dict) -> int:
    """How many list items a ``[*]`` pattern covers (1 for a plain path)."""
    if "[*]" not in pattern:
        return 1
    head = pattern.split("[*]", 1)[0]
    try:
        return len(value_at(data, split_path(head)))
    except (KeyError, IndexError, TypeError):
        return 0


def _renamed(u: Uncertain, name: str, paths: tuple[str, ...] | None = None) -> Uncertain:
    return replace(u, name=name, paths=paths or u.paths)


def counts(uncertain: Iterable[Uncertain]) -> dict[str, int]:
    """Parameters per distribution (``{"uniform": 120, "triangular": 14, …}``)."""
    out = dict.fromkeys(DISTRIBUTIONS, 0)
    for u in uncertain:
        out[u.dist] += 1
    return {k: v for k, v in out.items() if v}
