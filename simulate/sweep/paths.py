"""Dotted paths into a scenario: ``levers.per_student_funding.secondary``, ``region.industries.digital_economy.x``.

A path addresses the plain scenario dict (``scenario.model_dump(mode="python")``). Segments are
mapping keys; a list is entered by index (``subregions[0]``) or by an element's ``id``/``name``
(``industries.digital_economy``). :func:`resolve` turns a path into concrete steps once (in the
parent); :func:`set_at` then writes values with those steps (in the workers, per design point).
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from pydantic import BaseModel

Step = str | int
"""A mapping key (``str``) or a list index (``int``)."""

_SEGMENT = re.compile(r"([A-Za-z_][A-Za-z0-9_]*|\d+)((?:\[\d+\])*)")


class PathError(ValueError):
    """A path that does not name a value of the scenario (message says why, with a suggestion)."""


def split(path: str) -> list[Step]:
    """``"a.b[2].c"`` → ``["a", "b", 2, "c"]`` (syntax only)."""
    if not isinstance(path, str) or not path.strip():
        raise PathError("expected a dotted path such as 'levers.apprenticeship_share'")
    out: list[Step] = []
    for part in path.split("."):
        m = _SEGMENT.fullmatch(part)
        if m is None:
            raise PathError(f"malformed path segment {part!r} in {path!r}")
        out.append(m.group(1))
        out.extend(int(i) for i in re.findall(r"\[(\d+)\]", m.group(2)))
    return out


def _suggest(key: str, options: list[str]) -> str:
    close = difflib.get_close_matches(key, options, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def resolve(data: dict, path: str) -> tuple[Step, ...]:
    """Concrete steps (keys and list indexes) of ``path`` in ``data``.

    Raises:
        PathError: a segment names nothing, with the keys available there.
    """
    steps: list[Step] = []
    node: Any = data
    done = ""
    for seg in split(path):
        if isinstance(node, dict):
            key: Step = seg
            if key not in node and isinstance(seg, str) and seg.isdigit() and int(seg) in node:
                key = int(seg)
            if key not in node:
                options = [str(k) for k in node]
                raise PathError(f"no key {str(seg)!r} under {done or 'the scenario'!r}{_suggest(str(seg), options)}; "
                                f"keys there: {', '.join(options[:12])}{' …' if len(options) > 12 else ''}")
            steps.append(key)
            node = node[key]
        elif isinstance(node, list):
            if isinstance(seg, int) or (isinstance(seg, str) and seg.isdigit()):
                i = int(seg)
                if not 0 <= i < len(node):
                    raise PathError(f"index {i} out of range under {done!r} ({len(node)} items)")
            else:
                ids = [str(x.get("id", x.get("name"))) if isinstance(x, dict) else "" for x in node]
                if seg not in ids:
                    raise PathError(f"no item with id {seg!r} under {done!r}{_suggest(seg, ids)}")
                i = ids.index(seg)
            steps.append(i)
            node = node[i]
        else:
            raise PathError(f"{done!r} is a value, not a group: nothing named {str(seg)!r} below it")
        done = f"{done}[{seg}]" if isinstance(seg, int) else (f"{done}.{seg}" if done else str(seg))
    return tuple(steps)


def get_at(data: Any, steps: tuple[Step, ...]) -> Any:
    """The value at ``steps`` in a dict/list tree or a pydantic model tree."""
    node = data
    for s in steps:
        if isinstance(node, BaseModel):
            node = getattr(node, str(s))
        else:
            node = node[s]
    return node


def set_at(data: dict, steps: tuple[Step, ...], value: Any) -> None:
    """Write ``value`` at ``steps`` (every container on the way must exist)."""
    node: Any = data
    for s in steps[:-1]:
        node = node[s]
    node[steps[-1]] = value


def copy_along(data: dict, paths: list[tuple[Step, ...]]) -> dict:
    """A copy of ``data`` sharing every branch that none of ``paths`` writes into (cheap per-point copies)."""
    if not paths:
        return dict(data)
    heads: dict[Step, list[tuple[Step, ...]]] = {}
    for p in paths:
        heads.setdefault(p[0], []).append(p[1:])
    out = dict(data) if isinstance(data, dict) else list(data)
    for head, rests in heads.items():
        child = data[head]
        deeper = [r for r in rests if r]
        if isinstance(child, (dict, list)):
            out[head] = copy_along(child, deeper) if deeper else (dict(child) if isinstance(child, dict)
                                                                   else list(child))
    return out


def show(steps: tuple[Step, ...]) -> str:
    """Steps back to a readable path."""
    text = ""
    for s in steps:
        text = f"{text}[{s}]" if isinstance(s, int) else (f"{text}.{s}" if text else str(s))
    return text
