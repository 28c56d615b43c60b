"""A commented starter scenario (``talentsim init``): extends a base and shows every lever with its value and source."""

from __future__ import annotations

import re
import typing
from typing import Any

import yaml
from pydantic import BaseModel

from simulate.scenario import LoadedScenario
from simulate.scenario.schema import Levers
from simulate.scenario.titles_zh import title_zh

SCHEMA_FILE = "talentsim.schema.json"
"""The editor schema ``talentsim init`` writes beside the scenario (and names in its first line)."""


def scenario_name(stem: str) -> str:
    """A valid scenario name from a file name: ``My Plan-2025`` → ``my_plan_2025``."""
    name = re.sub(r"[^a-z0-9_]+", "_", stem.lower()).strip("_")
    if not name or not name[0].isalpha():
        name = f"plan_{name}".rstrip("_")
    return name[:40]


def _flow(value: Any) -> str:
    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, sort_keys=False, width=10**6)
    return text.removesuffix("\n...\n").strip()


def _model_of(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_of(arg)
        if found is not None:
            return found
    return None


def _comment(model: type[BaseModel], key: str) -> str:
    field = model.model_fields[key]
    sub = _model_of(field.annotation)
    en = field.description or ""
    if not en and sub is not None and sub.__doc__:
        en = sub.__doc__.strip().splitlines()[0]
    zh = title_zh(key, model.__name__)
    if zh and en.startswith(zh):
        return en
    return " — ".join(x for x in (zh, en) if x)


def _leaf(loaded: LoadedScenario, path: str, value: Any, base: str) -> tuple[str, str]:
    """``(yaml text, trailing comment)`` of one lever value."""
    prov = loaded.sources.get(path)
    if prov is None:
        return _flow(value), "schema default"
    if prov.source.startswith("scenario file "):
        return _flow(value), f"no source given in {base}"
    leaf: dict[str, Any] = {"value": value, "source": prov.source}
    for key in ("note", "unit", "quality", "dist", "mode", "se"):
        if getattr(prov, key) is not None:
            leaf[key] = getattr(prov, key)
    if prov.range is not None:
        leaf["range"] = list(prov.range)
    return _flow(leaf), ""


def _levers(loaded: LoadedScenario, model: type[BaseModel], data: dict, path: str, indent: int,
            base: str) -> tuple[list[str], int]:
    lines, count = [], 0
    pad = "  " * indent
    for key, field in model.model_fields.items():
        sub = _model_of(field.annotation)
        value = data.get(key)
        lines.append(f"{pad}# {_comment(model, key)}")
        if sub is not None and isinstance(value, dict):  # key by key: each lever shows its own value and source
            lines.append(f"{pad}{key}:")
            inner, n = _levers(loaded, sub, value, f"{path}.{key}", indent + 1, base)
            lines += inner
            count += n
            continue
        text, note = _leaf(loaded, f"{path}.{key}", value, base)
        if note == "schema default":
            lines.append(f"{pad}# {key}: {text}    # (schema default)")
        else:
            lines.append(f"{pad}{key}: {text}" + (f"    # {note}" if note else ""))
        count += 1
    return lines, count


def starter_yaml(loaded: LoadedScenario, *, name: str, extends: str, base: str, command: str) -> tuple[str, int]:
    """The text of a starter scenario and the number of levers it shows.

    Args:
        loaded: the base scenario, loaded (its values and their sources).
        name: the new scenario's name.
        extends: the ``extends:`` entry (a shipped name or a path relative to the new file).
        base: how to call the base in comments (its name).
        command: the command that wrote the file (quoted in its header).
    """
    sc = loaded.scenario
    levers, count = _levers(loaded, Levers, sc.model_dump(mode="python")["levers"], "levers", 1, base)
    head = [
        f"# yaml-language-server: $schema={SCHEMA_FILE}",
        f"# A scenario of your own on top of {base} ({sc.title_zh or sc.title_en or sc.name}).",
        f"# Written by `{command}`.",
        "#",
        f"# Every lever below holds {base}'s value and the source of that value. To change a lever, write the",
        "# new value and say where it comes from (a statistic, a policy clause, or 'assumption: why'), e.g.",
        "#   apprenticeship_share: {value: 0.15, source: 'assumption: order classes scaled up'}",
        "# A lever may be a constant, steps {2023: 0.10, 2025: 0.15} (each value holds from its year on) or",
        "# a ramp {ramp: {from_year: 2023, from_value: 0.05, to_year: 2027, to_value: 0.20}}.",
        f"# Delete the levers you leave alone: they then come from {base}.",
        "# Check the file with `talentsim validate FILE`, simulate it with `talentsim run FILE`.",
        f"extends: {extends}",
        f"name: {name}",
        f"title_zh: {_flow(f'{name}（基于{sc.title_zh or sc.name}）')}",
        f"title_en: {_flow(f'{name} (based on {sc.title_en or sc.name})')}",
        f"# base_year: {sc.base_year}    # first simulated year, from {base}",
        f"# horizon: {sc.horizon}    # last simulated year",
        f"# seed: {sc.seed}    # root seed of the random numbers",
        f"# {title_zh('levers')} · levers",
        "levers:",
    ]
    return "\n".join(head + levers) + "\n", count


__all__ = ["SCHEMA_FILE", "scenario_name", "starter_yaml"]
