"""Strict, hostile-input-safe YAML loading for talentsim scenario files.

Pipeline: :func:`parse_yaml` (one file -> plain data + key positions +
provenance of *sourced leaves*), :func:`load_layers` (resolve ``extends``
overlays with :func:`deep_merge`), :func:`validate` (pydantic model, errors
mapped back to file:line), :func:`load` (all of it) and :func:`dump_resolved`
(write the merged result back as a re-loadable YAML file).
"""

from __future__ import annotations

import copy
import math
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pydantic
import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.events import AliasEvent, CollectionStartEvent
from yaml.nodes import MappingNode, ScalarNode, SequenceNode
from yaml.reader import ReaderError

from simulate import shipped

from .errors import Problem, ScenarioError, join_path, validation_problems

__all__ = [
    "MAX_BYTES", "MAX_DEPTH", "MAX_NODES", "Document", "Layered", "Provenance",
    "deep_merge", "dump_resolved", "load", "load_layers", "parse_yaml", "validate",
]

MAX_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 20
MAX_NODES = 100_000
MAX_LAYERS = 64
SOURCED_KEYS = frozenset({"value", "source", "note", "unit", "quality", "range", "dist", "mode", "se"})
UNCERTAINTY_KEYS = ("range", "dist", "mode", "se")
"""Optional keys of a sourced leaf that declare its uncertainty: ``range: [low, high]`` (each bound a
number, or for a dated value a dated path), ``dist``, ``mode``, ``se``."""
DISTRIBUTIONS = ("uniform", "triangular", "normal")
"""Values of a sourced leaf's ``dist``."""
_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp")}


@dataclass(frozen=True, kw_only=True)
class Provenance:
    """Where a leaf value came from.

    Attributes:
        source: Citation (``"MoE statistical yearbook 2022, table 3"``) or
            ``"scenario file <path>"`` for values written without a source.
        note: Free-text note from the sourced leaf.
        unit: Unit the value is expressed in.
        quality: Data-quality label.
        range: Plausible ``(low, high)`` of the value (``range: [lo, hi]``, lo ≤ value ≤ hi); for a
            dated value, ``[low, high]`` in the value's own form (numbers or dated paths), as plain data.
        dist: Distribution over ``range``: ``uniform``, ``triangular`` or ``normal``.
        mode: Most likely value (for ``triangular``).
        se: Standard error of the value.
        file: Scenario file that set the value.
        line: 1-based line of the value's key (or list item) in ``file``.
    """

    source: str
    note: str | None = None
    unit: str | None = None
    quality: str | None = None
    range: tuple[float, float] | list[Any] | None = None
    dist: str | None = None
    mode: float | None = None
    se: float | None = None
    file: str
    line: int


@dataclass(frozen=True)
class Document:
    """One parsed scenario file.

    Attributes:
        file: Path of the file as given.
        data: Plain dicts/lists/scalars with sourced leaves replaced by values.
        positions: Key path -> (line, column) of the key, or of the list item.
        sources: Key path -> provenance, for sourced leaves only.
    """

    file: str
    data: dict
    positions: dict[str, tuple[int, int]]
    sources: dict[str, Provenance]


@dataclass(frozen=True)
class Layered:
    """A scenario with all ``extends`` layers merged.

    Attributes:
        data: Merged plain data (the ``extends`` key removed).
        positions: Key path -> (file, line, column) from the last layer that
            set or mentioned the key.
        sources: Leaf key path -> provenance; every leaf has one.
        files: Every layer file, in merge order (bases first).
    """

    data: dict
    positions: dict[str, tuple[str, int, int]]
    sources: dict[str, Provenance]
    files: list[str]


class _Refused(Exception):
    """Internal: structural refusal raised while composing."""

    def __init__(self, mark: Any, message: str) -> None:
        super().__init__(message)
        self.mark, self.message = mark, message


class _StrictComposer(Composer):
    """Composer that refuses anchors/aliases, deep nesting and huge graphs."""

    def compose_node(self, parent, index):  # PyYAML hook
        event = self.peek_event()
        if isinstance(event, AliasEvent) or getattr(event, "anchor", None) is not None:
            raise _Refused(event.start_mark,
                           "YAML anchors and aliases are not allowed in scenario files")
        self._node_count += 1
        if self._node_count > MAX_NODES:
            raise _Refused(event.start_mark, f"more than {MAX_NODES:,} YAML nodes")
        if not isinstance(event, CollectionStartEvent):
            return super().compose_node(parent, index)
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise _Refused(event.start_mark, f"nesting deeper than {MAX_DEPTH} levels")
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_StrictComposer, _Base):  # type: ignore[misc, valid-type]
    """Python strict composer on top of the (C, if available) safe parser."""

    def __init__(self, stream: str) -> None:
        _Base.__init__(self, stream)
        self.anchors, self._node_count, self._depth = {}, 0, 0


def _fail(file: str, mark: Any = None, message: str = "", path: str = "") -> ScenarioError:
    line = mark.line + 1 if mark is not None else None
    col = mark.column + 1 if mark is not None else None
    return ScenarioError(Problem(file, line, col, path, message))


def _read_text(path: Path, file: str) -> str:
    try:
        kind = os.stat(path).st_mode
        if stat.S_ISDIR(kind):
            raise _fail(file, message="is a folder, not a scenario file: give the path of a .yaml file")
        if not stat.S_ISREG(kind):
            raise _fail(file, message="is not a regular file (a pipe, socket or device): give the path of a .yaml file")
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))  # never wait on a FIFO swapped in
        with os.fdopen(fd, "rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise _fail(file, message=f"cannot read file: {exc.strerror or exc}") from None
    if len(raw) > MAX_BYTES:
        raise _fail(file, message=f"file is larger than the {MAX_BYTES // 1024 // 1024} MiB limit")
    try:
        return raw.decode("utf-8")  # a leading BOM is skipped by the YAML scanner
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ScenarioError(Problem(file, line, col, "", (
            f"file is not valid UTF-8 (bad byte 0x{raw[exc.start]:02x} at byte offset {exc.start})"
        ))) from None


class _PyLoader(_StrictComposer, yaml.SafeLoader):
    """The same strict composer on the pure-Python parser, which has no nesting limit of its own."""

    def __init__(self, stream: str) -> None:
        yaml.SafeLoader.__init__(self, stream)
        self.anchors, self._node_count, self._depth = {}, 0, 0


def _tab_at(text: str, mark: Any) -> bool:
    """True when the character at ``mark``, or the indentation of its line, is a tab."""
    if mark is None:
        return False
    lines = text.splitlines()
    if not 0 <= mark.line < len(lines):
        return False
    line = lines[mark.line]
    return line[mark.column:mark.column + 1] == "\t" or "\t" in line[:len(line) - len(line.lstrip())]


def _compose_with(loader_class: type, text: str, file: str) -> Any:
    loader = loader_class(text)
    try:
        return loader.get_single_node()
    except _Refused as exc:
        raise _fail(file, exc.mark, exc.message) from None
    except yaml.MarkedYAMLError as exc:
        if loader_class is not _PyLoader and _Base is not yaml.SafeLoader:
            # libyaml has limits of its own (e.g. a nesting depth) that may fire before this composer's:
            # the Python parser reports the same file under this loader's own rules and wording
            return _compose_with(_PyLoader, text, file)
        mark = exc.problem_mark or exc.context_mark
        if "another document" in str(exc.problem):
            raise _fail(file, exc.problem_mark, "only one YAML document is allowed per scenario file") from None
        if _tab_at(text, mark):
            raise _fail(file, mark, "a tab character: YAML indents with spaces only (replace the tab with spaces)") \
                from None
        msg = f"YAML syntax error: {exc.problem}" + (f" ({exc.context})" if exc.context else "")
        raise _fail(file, mark, msg) from None
    except ReaderError as exc:
        line = text.encode("utf-8")[: exc.position or 0].count(b"\n") + 1
        msg = f"unreadable character: {exc.reason}"
        raise ScenarioError(Problem(file, line, None, "", msg)) from None
    except yaml.YAMLError as exc:  # pragma: no cover - defensive
        raise _fail(file, message=f"YAML error: {exc}") from None
    except RecursionError:  # pragma: no cover - the depth limit refuses first
        raise _fail(file, message=f"nesting deeper than {MAX_DEPTH} levels") from None
    finally:
        loader.dispose()


def _compose(text: str, file: str) -> MappingNode:
    node = _compose_with(_Loader, text, file)
    if node is None or (isinstance(node, ScalarNode) and node.tag == _TAG + "null"
                        and not node.value):
        raise _fail(file, message="empty scenario file")
    if not isinstance(node, MappingNode) or node.tag != _TAG + "map":
        msg = "the top level of a scenario file must be a mapping of keys to values"
        raise _fail(file, node.start_mark, msg)
    return node


class _Builder:
    """Turns a composed node graph into plain data, positions and sources."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.constructor = SafeConstructor()
        self.positions: dict[str, tuple[int, int]] = {}
        self.sources: dict[str, Provenance] = {}
        self.problems: list[Problem] = []

    def problem(self, node: Any, path: str, message: str) -> None:
        mark = node.start_mark
        self.problems.append(Problem(self.file, mark.line + 1, mark.column + 1, path, message))

    def scalar(self, node: ScalarNode, path: str) -> Any:
        if node.tag not in _SCALAR_TAGS:
            self.problem(node, path, f"unsupported YAML tag {node.tag!r}")
            return None
        try:
            return self.constructor.construct_object(node)
        except (yaml.YAMLError, ValueError, OverflowError) as exc:
            self.problem(node, path, f"cannot read value {node.value[:40]!r}: {exc}")
            return None

    def build(self, node: Any, path: str) -> Any:
        if isinstance(node, ScalarNode):
            return self.scalar(node, path)
        if isinstance(node, SequenceNode):
            if node.tag != _TAG + "seq":
                self.problem(node, path, f"unsupported YAML tag {node.tag!r}")
            items = []
            for i, item in enumerate(node.value):
                child = f"{path}[{i}]"
                self.positions[child] = (item.start_mark.line + 1, item.start_mark.column + 1)
                items.append(self.build(item, child))
            return items
        return self.mapping(node, path)

    def key(self, node: Any, path: str) -> Any:
        if not isinstance(node, ScalarNode):
            self.problem(node, path, "keys must be text or whole numbers, not lists or mappings")
            return None
        if node.tag not in (_TAG + "str", _TAG + "int"):
            kind = node.tag.rsplit(":", 1)[-1]
            what = {"null": "empty (null)", "bool": "true/false", "float": "a decimal number",
                    "timestamp": "a date", "merge": "a YAML merge key"}.get(kind)
            what = what or f"tagged {node.tag}"
            self.problem(node, path, f"key {node.value!r} is read as {what}; keys must be text or "
                                     "whole numbers (put it in quotes to use it as text)")
            return None
        return self.scalar(node, path)

    def mapping(self, node: MappingNode, path: str) -> Any:
        if node.tag != _TAG + "map":
            self.problem(node, path, f"unsupported YAML tag {node.tag!r}")
        entries: dict[Any, tuple[Any, Any]] = {}
        for key_node, value_node in node.value:
            key = self.key(key_node, path)
            if key is None:
                continue
            if key in entries:
                first = entries[key][0].start_mark.line + 1
                self.problem(key_node, join_path(path, key),
                             f"duplicate key {key!r} (first defined on line {first})")
                continue
            entries[key] = (key_node, value_node)
        if path and "value" in entries and "source" in entries and set(entries) <= SOURCED_KEYS:
            return self.sourced(entries, path)
        out = {}
        for key, (key_node, value_node) in entries.items():
            child = join_path(path, key)
            self.positions[child] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            out[key] = self.build(value_node, child)
        return out

    def sourced(self, entries: dict, path: str) -> Any:
        meta: dict[str, str | None] = {}
        for name in ("source", "note", "unit", "quality"):
            if name not in entries:
                continue
            node = entries[name][1]
            text = self.scalar(node, path) if isinstance(node, ScalarNode) else node
            if isinstance(text, str) and text.strip():
                meta[name] = text
            elif text is not None or name == "source":
                self.problem(node, path, f"{name!r} of a sourced value must be non-empty text")
        line = self.positions.get(path, (entries["value"][0].start_mark.line + 1, 0))[0]
        value = self.build(entries["value"][1], path)
        self.sources[path] = Provenance(
            source=meta.get("source", ""), note=meta.get("note"), unit=meta.get("unit"),
            quality=meta.get("quality"), file=self.file, line=line, **self.uncertainty(entries, path, value))
        return value

    def number(self, node: Any, path: str, name: str) -> float | None:
        value = self.scalar(node, path) if isinstance(node, ScalarNode) else None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            self.problem(node, path, f"{name!r} of a sourced value must be a finite number")
            return None
        return float(value)

    def uncertainty(self, entries: dict, path: str, value: Any) -> dict[str, Any]:
        """``range``, ``dist``, ``mode`` and ``se`` of a sourced leaf, checked."""
        out: dict[str, Any] = {}
        numeric = not isinstance(value, bool) and isinstance(value, (int, float))
        if "range" in entries:
            node = entries["range"][1]
            items = node.value if isinstance(node, SequenceNode) else None
            if items is None or len(items) != 2:
                self.problem(node, path, "'range' of a sourced value must be a list [low, high] of two numbers "
                                         "(for a dated value, two numbers or dated paths)")
            elif not all(isinstance(n, ScalarNode) for n in items):  # a dated value's band: kept as plain data
                if numeric:
                    self.problem(node, path, "'range' of a single number must be two numbers [low, high]")
                else:
                    known = set(self.positions)
                    bounds = [self.number(n, path, "range") if isinstance(n, ScalarNode)
                              else self.build(n, f"{path}.range") for n in items]
                    for key in set(self.positions) - known:  # uncertainty is metadata, not a key of the scenario
                        del self.positions[key]
                    out["range"] = bounds
            else:
                lo, hi = (self.number(n, path, "range") for n in items)
                if lo is not None and hi is not None:
                    if lo > hi:
                        self.problem(node, path, f"'range' [{lo:g}, {hi:g}]: low is above high")
                    elif numeric and not lo <= value <= hi:
                        self.problem(node, path, f"value {value!r} lies outside its range [{lo:g}, {hi:g}]")
                    else:
                        out["range"] = (lo, hi)
        if "dist" in entries:
            node = entries["dist"][1]
            dist = self.scalar(node, path) if isinstance(node, ScalarNode) else None
            if dist not in DISTRIBUTIONS:
                self.problem(node, path, f"'dist' of a sourced value must be one of {', '.join(DISTRIBUTIONS)}")
            else:
                out["dist"] = dist
        for name in ("mode", "se"):
            if name in entries:
                number = self.number(entries[name][1], path, name)
                if name == "se" and number is not None and number < 0:
                    self.problem(entries[name][1], path, "'se' of a sourced value must not be negative")
                elif number is not None:
                    out[name] = number
        return out


def parse_yaml(path: Path | str) -> Document:
    """Parse one scenario file strictly.

    Args:
        path: File to read.

    Returns:
        The parsed :class:`Document`.

    Raises:
        ScenarioError: For oversize/non-UTF-8 files, YAML syntax errors,
            anchors/aliases, nesting deeper than ``MAX_DEPTH``, more than
            ``MAX_NODES`` nodes, duplicate or non-text/int keys, unsupported
            tags, several documents, an empty file or a non-mapping top level.
    """
    file = str(path)
    node = _compose(_read_text(Path(path), file), file)
    builder = _Builder(file)
    builder.positions[""] = (node.start_mark.line + 1, node.start_mark.column + 1)
    data = builder.build(node, "")
    if builder.problems:
        raise ScenarioError(sorted(builder.problems, key=lambda p: (p.line or 0, p.column or 0)))
    return Document(file, data, builder.positions, builder.sources)


def _is_schedule(value: Any) -> bool:
    """True for a dated path written as a mapping: steps (all keys years) or ``{ramp: {...}}``.

    A dated path is one value: an overlay replaces it whole, and its provenance (with a range of
    paths) belongs to the path, not to the ramp's fields.
    """
    if not isinstance(value, dict) or not value:
        return False
    if set(value) == {"ramp"} and isinstance(value["ramp"], dict):
        return True
    return all(isinstance(k, int) and not isinstance(k, bool) for k in value)


def _mergeable(base: Any, overlay: Any) -> bool:
    return (isinstance(base, dict) and isinstance(overlay, dict)
            and not _is_schedule(base) and not _is_schedule(overlay))


def deep_merge(base: dict, overlay: dict) -> dict:
    """Merge ``overlay`` onto ``base`` without mutating either.

    Mappings merge recursively; any other overlay value (scalar, list, or a
    mapping replacing a non-mapping) replaces the base value wholesale.
    Int-keyed mappings (lever schedules) on either side are replaced whole.

    Args:
        base: Lower layer.
        overlay: Higher layer; wins on conflicts.

    Returns:
        A new, deep-copied dict.
    """
    merged = {}
    for key, value in base.items():
        if key in overlay and _mergeable(value, overlay[key]):
            merged[key] = deep_merge(value, overlay[key])
        else:
            merged[key] = copy.deepcopy(overlay.get(key, value))
    for key, value in overlay.items():
        if key not in base:
            merged[key] = copy.deepcopy(value)
    return merged


def _replaced_paths(base: dict, overlay: dict, path: str, out: set[str]) -> set[str]:
    """Collect the key paths where ``deep_merge`` replaces instead of merging."""
    for key, value in overlay.items():
        child = join_path(path, key)
        if key in base and _mergeable(base[key], value):
            _replaced_paths(base[key], value, child, out)
        else:
            out.add(child)
    return out


def _prefixes(path: str) -> list[str]:
    cuts = [i for i, ch in enumerate(path) if ch in ".[" and i > 0]
    return [path[:i] for i in cuts] + [path]


def _under_any(path: str, roots: set[str]) -> bool:
    return any(p in roots for p in _prefixes(path))


def _leaf_provenance(doc: Document, data: dict) -> dict[str, Provenance]:
    """Provenance for every leaf of one layer; bare leaves cite the file."""
    out: dict[str, Provenance] = {}

    def walk(value: Any, path: str, inherited: Provenance | None) -> None:
        prov = doc.sources.get(path, inherited)
        if isinstance(value, dict) and value and not _is_schedule(value):
            for key, child in value.items():
                walk(child, join_path(path, key), prov)
        elif isinstance(value, list) and path not in doc.sources and any(
                isinstance(v, (dict, list)) for v in value):
            for i, child in enumerate(value):
                walk(child, f"{path}[{i}]", prov)
        else:
            line = doc.positions.get(path, (0, 0))[0]
            out[path] = prov or Provenance(source=f"scenario file {doc.file}",
                                           file=doc.file, line=line)

    for key, value in data.items():
        walk(value, join_path("", key), None)
    return out


def _resolve_order(path: Path) -> list[Document]:
    """Parse ``path`` and everything it extends; return layers bases-first."""
    cache: dict[Path, Document] = {}
    order: list[Document] = []
    done: set[Path] = set()

    def visit(target: Path, stack: list[tuple[Path, str]]) -> None:
        resolved = target.resolve()
        if resolved not in cache:
            cache[resolved] = parse_yaml(target)
        doc = cache[resolved]
        chain = stack + [(resolved, doc.file)]
        raw = doc.data.get("extends", [])
        entries = [raw] if isinstance(raw, str) else raw
        if not isinstance(entries, list) or not all(isinstance(e, str) and e for e in entries):
            line, col = doc.positions["extends"]
            raise ScenarioError(Problem(doc.file, line, col, "extends", "expected a shipped scenario name "
                                        "(jiangxi_baseline), a file path, or a list of them"))
        for i, rel in enumerate(entries):
            at = "extends" if isinstance(raw, str) else f"extends[{i}]"
            line, col = doc.positions.get(at, doc.positions["extends"])
            try:
                child = Path(os.path.normpath(shipped.resolve(rel, target.parent)))
            except shipped.UnknownName as exc:
                raise ScenarioError(Problem(doc.file, line, col, at, str(exc))) from None
            if child.is_dir():
                raise ScenarioError(Problem(doc.file, line, col, at,
                                            f"extended file {str(child)!r} is a folder, not a scenario file"))
            if not child.exists():
                raise ScenarioError(Problem(doc.file, line, col, at, f"extended file {str(child)!r} not found"))
            if child.resolve() in {p for p, _ in chain}:
                names = " -> ".join([s for _, s in chain] + [str(child)])
                raise ScenarioError(Problem(doc.file, line, col, at, f"extends cycle: {names}"))
            if child.resolve() not in done:
                if len(cache) >= MAX_LAYERS:
                    raise ScenarioError(Problem(doc.file, line, col, at,
                                                f"more than {MAX_LAYERS} extended files"))
                visit(child, chain)
        done.add(resolved)
        order.append(doc)

    visit(path, [])
    return order


def load_layers(path: Path | str) -> Layered:
    """Load a scenario file and merge the files it ``extends``.

    ``extends`` is a path or list of paths relative to the including file's
    directory, or the name of a shipped scenario (``jiangxi_baseline``) or
    layer (``calibration/parameters/behaviour``; see :mod:`simulate.shipped`).
    Layers apply depth-first in listed order (later entries win; the
    including file wins over everything it extends); each file is applied
    once even if reached twice.

    Args:
        path: The top scenario file.

    Returns:
        The merged :class:`Layered` scenario.

    Raises:
        ScenarioError: For any parse problem, a missing extended file
            (pointing at the ``extends`` line), or an ``extends`` cycle.
    """
    data: dict = {}
    positions: dict[str, tuple[str, int, int]] = {}
    sources: dict[str, Provenance] = {}
    layers = _resolve_order(Path(path))
    for doc in layers:
        layer = {k: v for k, v in doc.data.items() if k != "extends"}
        replaced = _replaced_paths(data, layer, "", set())
        positions = {p: v for p, v in positions.items() if not _under_any(p, replaced)}
        positions.update((p, (doc.file, *lc)) for p, lc in doc.positions.items()
                         if not _under_any(p, {"extends"}))
        sources = {p: v for p, v in sources.items() if not _under_any(p, replaced)}
        sources.update((p, v) for p, v in _leaf_provenance(doc, layer).items()
                       if _under_any(p, replaced))
        data = deep_merge(data, layer)
    return Layered(data, positions, sources, [doc.file for doc in layers])


def validate(layered: Layered, model: type[pydantic.BaseModel]) -> pydantic.BaseModel:
    """Validate merged data against a pydantic model.

    Args:
        layered: Output of :func:`load_layers`.
        model: The scenario model class.

    Returns:
        The validated model instance.

    Raises:
        ScenarioError: With one :class:`Problem` per validation error,
            located via ``layered.positions`` and sorted by (file, line).
    """
    try:
        return model.model_validate(layered.data)
    except pydantic.ValidationError as exc:
        fallback = layered.files[-1] if layered.files else "<scenario>"
        problems = validation_problems(exc, layered.data, layered.positions, model, fallback)
        raise ScenarioError(problems) from None


def load(path: Path | str, model: type[pydantic.BaseModel]) -> tuple[pydantic.BaseModel, Layered]:
    """Load, merge and validate a scenario file.

    Args:
        path: The top scenario file.
        model: The scenario model class.

    Returns:
        ``(model_instance, layered)``.

    Raises:
        ScenarioError: On any problem with the files or the data.
    """
    layered = load_layers(path)
    return validate(layered, model), layered


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """Safe dumper that never writes anchors or aliases."""

    def ignore_aliases(self, data: Any) -> bool:  # PyYAML hook
        return True


def dump_resolved(data: dict, sources: dict[str, Provenance]) -> str:
    """Write merged data as YAML with provenance attached as sourced leaves.

    Every value whose key path has a provenance is written as
    ``{value: ..., source: ..., note: ..., unit: ..., quality: ..., range: ...,
    dist: ..., mode: ..., se: ...}`` (None fields omitted), so :func:`parse_yaml` of the result gives back ``data``.

    Args:
        data: Plain scenario data (e.g. ``Layered.data``).
        sources: Key path -> provenance (e.g. ``Layered.sources``).

    Returns:
        YAML text.
    """
    def wrap(value: Any, path: str) -> Any:
        if isinstance(value, dict):
            value = {k: wrap(v, join_path(path, k)) for k, v in value.items()}
        elif isinstance(value, list):
            value = [wrap(v, f"{path}[{i}]") for i, v in enumerate(value)]
        prov = sources.get(path) if path else None
        if prov is None:
            return value
        leaf = {"value": value, "source": prov.source}
        leaf.update((k, getattr(prov, k)) for k in ("note", "unit", "quality", "dist", "mode", "se")
                    if getattr(prov, k) is not None)
        if prov.range is not None:
            leaf["range"] = list(prov.range)
        return leaf

    return yaml.dump(wrap(data, ""), Dumper=_Dumper, sort_keys=False, allow_unicode=True)
