"""Problems found in scenario files, and the exception that carries them.

Every error a scenario author can cause (bad YAML, hostile input, schema
violations) is reported as one or more :class:`Problem` records with a file,
a 1-based line/column and a dotted key path, so tools can print
``file:line:col: key.path: message`` lines without tracebacks.
"""

from __future__ import annotations

import difflib
import types
import typing
from dataclasses import dataclass
from typing import Any

__all__ = ["Problem", "ScenarioError", "join_path", "parent_path", "validation_problems"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario file.

    Attributes:
        file: Path of the offending file, as given or resolved.
        line: 1-based line number, or None when unknown.
        column: 1-based column number, or None when unknown.
        key_path: Dotted key path such as ``"levers.dropout_rate"``; list
            indexes are written ``"[2]"`` (``"region.subregions[0].name"``);
            ``""`` means the whole document.
        message: Plain-English statement of what is wrong or expected.
        hint: Optional suggestion, e.g. ``"did you mean 'dropout_rate'?"``.
    """

    file: str
    line: int | None
    column: int | None
    key_path: str
    message: str
    hint: str | None = None

    def format(self) -> str:
        """Render the problem as a single compiler-style line.

        Returns:
            Text like ``"scenarios/x.yaml:12:5: levers.share: expected ...
            (did you mean 'x'?)"``. Unknown line/column parts are omitted.
        """
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        text = f"{where}: "
        if self.key_path:
            text += f"{self.key_path}: "
        text += self.message
        if self.hint:
            text += f" ({self.hint})"
        return text


class ScenarioError(Exception):
    """Raised when a scenario cannot be loaded; carries every problem found.

    Attributes:
        problems: One or more :class:`Problem` records, in report order.
    """

    def __init__(self, problems: list[Problem] | Problem) -> None:
        """Create the error.

        Args:
            problems: A single problem or a non-empty list of them.

        Raises:
            ValueError: If ``problems`` is an empty list.
        """
        items = [problems] if isinstance(problems, Problem) else list(problems)
        if not items:
            raise ValueError("ScenarioError needs at least one Problem")
        self.problems: list[Problem] = items
        super().__init__("\n".join(p.format() for p in items))

    def __reduce__(self):  # keep the exception picklable (multiprocessing)
        return (type(self), (self.problems,))


def join_path(parent: str, key: object) -> str:
    """Return the key path of mapping entry ``key`` below ``parent``.

    Args:
        parent: Key path of the containing mapping (``""`` for the document).
        key: The mapping key (``str`` or ``int``).

    Returns:
        ``"parent.key"``, or just ``"key"`` at the top level.
    """
    return f"{parent}.{key}" if parent else str(key)


def parent_path(path: str) -> str | None:
    """Return the key path one level up, or None for the document itself.

    Args:
        path: A key path such as ``"a.b[2]"``.

    Returns:
        ``"a.b"`` for ``"a.b[2]"``, ``"a"`` for ``"a.b"``, ``""`` for ``"a"``
        and None for ``""``.
    """
    if not path:
        return None
    cut = max(path.rfind("."), path.rfind("["))
    return path[:cut] if cut > 0 else ""


def _loc_path(loc: tuple, data: Any) -> tuple[str, list]:
    """Map a pydantic ``loc`` onto a key path, walking ``data`` alongside.

    Union-member tags and ``[key]`` markers that do not name data are
    dropped from the path but kept (second item) for sub-model lookup.
    """
    path, cur, steps = "", data, []
    for i, el in enumerate(loc):
        last = i == len(loc) - 1
        if isinstance(cur, list) and isinstance(el, int) and not isinstance(el, bool):
            path, cur = f"{path}[{el}]", cur[el] if -len(cur) <= el < len(cur) else None
        elif isinstance(cur, dict) and (el in cur or last):
            path, cur = join_path(path, el), cur.get(el)
        elif isinstance(cur, dict) and isinstance(el, int) and str(el) in cur:
            path, cur = join_path(path, el), cur[str(el)]
        else:
            steps.append(("tag", el))
            continue
        steps.append(("key", el))
    return path, steps


def _unwrap(tp: Any) -> list[Any]:
    """Strip Annotated/Optional/Union wrappers; return candidate types."""
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(tp)[0])
    if origin in (typing.Union, types.UnionType):
        return [c for a in typing.get_args(tp) if a is not type(None) for c in _unwrap(a)]
    return [tp]


def _fields(model: Any) -> dict[str, Any]:
    fields = getattr(model, "model_fields", None)
    if not isinstance(fields, dict):
        return {}
    return {(f.alias or name): f for name, f in fields.items()}


def _model_at(model: Any, steps: list) -> Any:
    """Best-effort: the pydantic model class that owns the location ``steps``."""
    candidates = [model]
    for kind, el in steps:
        if kind == "tag":  # union member / validator name: narrow if it names a class
            candidates = [c for c in candidates if getattr(c, "__name__", None) == el] or candidates
            continue
        nxt: list[Any] = []
        for tp in candidates:
            origin, args = typing.get_origin(tp), typing.get_args(tp)
            if el in _fields(tp):
                nxt += _unwrap(_fields(tp)[el].annotation)
            elif origin in (list, tuple, set, frozenset) and args and isinstance(el, int):
                nxt += _unwrap(args[0])
            elif origin is dict and len(args) == 2:
                nxt += _unwrap(args[1])
        candidates = nxt
    models = [c for c in candidates if _fields(c)]
    return models[0] if len(models) == 1 else None


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _message(err: dict) -> str:
    msg = str(err.get("msg", "invalid value"))
    if msg.startswith("Input should be "):
        rest = msg[len("Input should be "):]
        if rest.startswith(("less", "greater", "at least", "at most", "a multiple", "finite")):
            rest = "a value " + rest
        msg = "expected " + rest
    elif msg.startswith("Value error, "):
        msg = msg[len("Value error, "):]
    if "[key]" in err.get("loc", ()):
        msg = "mapping key: " + msg
    custom = err.get("type") in ("value_error", "assertion_error")
    if "input" not in err or (custom and "got " in msg):  # validators often say "got" already
        return msg
    if isinstance(err.get("input"), (dict, list)) and custom:  # a whole section is no help in a one-line message
        return msg
    return f"{msg}, got {_short(err.get('input'))}"


def validation_problems(exc: Any, data: dict, positions: dict[str, tuple[str, int, int]],
                        model: Any, fallback_file: str) -> list[Problem]:
    """Convert a ``pydantic.ValidationError`` into located problems.

    Args:
        exc: The validation error.
        data: The data that was validated (used to read ``loc`` correctly).
        positions: Key path -> (file, line, column); the nearest ancestor's
            position is used when a path has none (e.g. a missing key).
        model: The model class that was validated (for "did you mean" hints).
        fallback_file: File to blame when no position is known.

    Returns:
        One problem per error, sorted by (file, line, column).
    """
    problems = []
    for err in exc.errors():
        loc = tuple(err.get("loc", ()))
        path, steps = _loc_path(loc, data)
        hint = None
        if err.get("type") == "extra_forbidden" and loc:
            message = f"unknown key {str(loc[-1])!r}"
            owner = _model_at(model, steps[:-1])
            close = difflib.get_close_matches(str(loc[-1]), list(_fields(owner)), n=1)
            hint = f"did you mean {close[0]!r}?" if owner is not None and close else None
        elif err.get("type") == "missing" and loc:
            message = f"missing required key {str(loc[-1])!r}"
        else:
            message = _message(err)
        probe: str | None = path
        while probe is not None and probe not in positions:
            probe = parent_path(probe)
        file, line, col = positions[probe] if probe is not None else (fallback_file, None, None)
        problems.append(Problem(file, line, col, path, message, hint))
    return sorted(problems, key=lambda p: (p.file, p.line or 0, p.column or 0))
