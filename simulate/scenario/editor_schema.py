"""The JSON Schema of the files planners write, for editors (``talentsim schema``).

Derived from the pydantic models at call time, so a field added to a model appears here without
an edit. The models describe a *resolved* scenario; a file on disk is looser, and the schema says
so:

* every key of a mapping is optional, since ``extends:`` may supply it (items of a list stay
  complete: an overlay replaces a list whole);
* every value may be written plain or as ``{value, source, note, unit, quality, range, dist, mode, se}``;
* dated paths take each form: a constant, steps ``{2019: 0.05, 2023: 0.15}`` or ``{ramp: {...}}``;
* ``extends`` is a name, a path or a list of them;
* unknown keys are refused (``additionalProperties: false``), so an editor underlines a typo;
* titles and descriptions carry the Chinese and English names an editor shows on hover.

YAML keys such as step years are integers; editors and validators compare them as text, which is
how they are matched here (``^[0-9]{4}$``).
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from typing import Any

from pydantic import BaseModel

from simulate.scenario.loader import DISTRIBUTIONS
from simulate.scenario.titles_zh import title_zh

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SHARE_ABOVE = 600
"""Inline schemas longer than this (characters of JSON) become one shared definition."""
META = "sourced_"
"""Prefix of the definitions of a sourced value's keys (``sourced_source``, ``sourced_range``, …)."""
EXTENDS = {
    "title": "继承的情景或参数文件 · extends",
    "description": "继承的情景或参数文件：a shipped scenario's name (jiangxi_baseline), a shipped layer "
                   "(calibration/parameters/behaviour) or a file path ending in .yaml, relative to this file; "
                   "or a list of them (later ones win, this file wins over all)",
    "anyOf": [{"type": "string", "minLength": 1},
              {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1}],
}


def _humanise(name: str) -> str:
    return name.replace("_", " ")


def _meta_defs() -> dict[str, Any]:
    text = {"type": "string", "minLength": 1}
    number = {"type": "number"}
    bound = {"anyOf": [number, {"type": "object"}]}  # a number, or a dated path (steps or a ramp)

    def prop(key: str, schema: dict, en: str) -> dict:
        return {**schema, "title": f"{title_zh(key)} · {key}", "description": f"{title_zh(key)}：{en}"}

    return {
        "source": prop("source", text, "where the value comes from: a statistic (obs: …), a policy clause, "
                                       "the arithmetic (derived: …) or 'assumption'"),
        "note": prop("note", text, "a note on the value"),
        "unit": prop("unit", text, "the unit the value is in"),
        "quality": prop("quality", text, "data-quality label"),
        "range": prop("range", {"type": "array", "prefixItems": [bound, bound], "minItems": 2, "maxItems": 2,
                                "items": False}, "plausible [low, high] of the value (low ≤ value ≤ high); for a "
                                                 "dated value, numbers or dated paths in the value's own form"),
        "dist": prop("dist", {"enum": list(DISTRIBUTIONS)}, "distribution of the value over its range"),
        "mode": prop("mode", number, "most likely value (triangular distribution)"),
        "se": prop("se", {"type": "number", "minimum": 0}, "standard error of the value"),
    }


class _Generator:
    def __init__(self, source_defs: dict[str, Any]) -> None:
        self.source_defs = source_defs
        self.defs: dict[str, Any] = {f"{META}{k}": v for k, v in _meta_defs().items()}
        self.meta = {k: {"$ref": f"#/$defs/{META}{k}"} for k in _meta_defs()}
        self.shared_names: dict[str, str] = {}

    # --- references to model definitions, relaxed (optional keys) or complete (list items) ---

    def ref(self, ref: str, complete: bool) -> dict:
        name = ref.rsplit("/", 1)[-1]
        target = f"{name}Complete" if complete else name
        if target not in self.defs:
            self.defs[target] = {}  # placeholder against recursion
            self.defs[target] = self.obj(self.source_defs[name], name, complete=complete)
        return {"$ref": f"#/$defs/{target}"}

    def described(self, schema: dict) -> str | None:
        if "description" in schema:
            return schema["description"]
        if "$ref" in schema:
            return self.source_defs.get(schema["$ref"].rsplit("/", 1)[-1], {}).get("description")
        return None

    # --- nodes ---

    def obj(self, schema: dict, model: str | None, complete: bool) -> dict:
        skip = ("properties", "required", "title", "additionalProperties", "patternProperties")
        out = {k: copy.deepcopy(v) for k, v in schema.items() if k not in skip}
        out.setdefault("type", "object")
        if model is not None:
            out["title"] = model
        props = schema.get("properties", {})
        out["properties"] = {key: self.field(sub, key, model) for key, sub in props.items()}
        if "required" in schema and (complete or model is None):
            out["required"] = list(schema["required"])
        if "additionalProperties" in schema:
            extra = schema["additionalProperties"]
            out["additionalProperties"] = self.leaf(extra, in_array=False) if isinstance(extra, dict) else extra
        elif model is not None or props:
            out["additionalProperties"] = False
        if "patternProperties" in schema:
            out["patternProperties"] = {p: self.leaf(s, in_array=False) for p, s in schema["patternProperties"].items()}
        return out

    def field(self, schema: dict, key: str, model: str | None) -> dict:
        out = self.leaf(schema, in_array=False)
        zh = title_zh(key, model)
        en = self.described(schema) or _humanise(key)
        out["title"] = f"{zh} · {key}" if zh else key
        out["description"] = f"{zh}：{en}" if zh else en
        return out

    def plain(self, schema: dict, in_array: bool) -> dict:
        if "$ref" in schema:
            return self.ref(schema["$ref"], complete=in_array)
        out = {k: copy.deepcopy(v) for k, v in schema.items() if k not in ("title", "description")}
        for key in ("anyOf", "oneOf", "allOf"):
            if key in out:
                out[key] = [self.plain(s, in_array) for s in schema[key]]
        if schema.get("type") == "object" or "properties" in schema or "patternProperties" in schema:
            inline = self.obj(schema, None, complete=True)
            inline.pop("description", None)
            return inline
        if isinstance(schema.get("items"), dict):
            out["items"] = self.leaf(schema["items"], in_array=True)
        if "prefixItems" in schema:
            out["prefixItems"] = [self.leaf(s, in_array=True) for s in schema["prefixItems"]]
        return out

    def shared(self, plain: dict) -> dict:
        """A large inline schema (a dated path, say) as one definition, referred to wherever it recurs."""
        text = json.dumps(plain, sort_keys=True, ensure_ascii=False)
        if len(text) < SHARE_ABOVE:
            return plain
        if text not in self.shared_names:
            first = (plain.get("anyOf") or [{}])[0]
            hint = f"dated path {first.get('description', '')}" if '"ramp"' in text else "value"
            slug = re.sub(r"[^A-Za-z0-9]+", "_", hint).strip("_")
            name = f"{slug}_{hashlib.sha1(text.encode()).hexdigest()[:6]}"
            self.shared_names[text] = name
            self.defs[name] = plain
        return {"$ref": f"#/$defs/{self.shared_names[text]}"}

    def leaf(self, schema: dict, in_array: bool) -> dict:
        """A value that may be written plain or wrapped as ``{value: …, source: …}``."""
        plain = self.shared(self.plain(schema, in_array))
        if plain == {} or schema.get("type") == "null":
            return plain
        sourced = {"type": "object", "properties": {"value": plain, **self.meta},
                   "required": ["value", "source"], "additionalProperties": False}
        return {"anyOf": [plain, sourced]}


def editor_schema(model: type[BaseModel], *, title: str, extends: bool = True) -> dict[str, Any]:
    """The editor schema of a file validated into ``model`` (a scenario or a sweep spec).

    Args:
        model: the pydantic model the file becomes.
        title: the schema's title.
        extends: describe the ``extends`` key (every layered file may have one).
    """
    source = model.model_json_schema(ref_template="#/$defs/{model}")
    g = _Generator(source.get("$defs", {}))
    root = g.obj({k: v for k, v in source.items() if k != "$defs"}, model.__name__, complete=False)
    if extends:
        root["properties"] = {"extends": EXTENDS, **root["properties"]}
    root.pop("title", None)
    out = {"$schema": SCHEMA_DIALECT, "title": title,
           "description": (source.get("description") or "").strip() + (
               "\nEvery key is optional where `extends:` supplies it; any value may be written "
               "{value: …, source: …}."),
           **root}
    out["$defs"] = dict(sorted(g.defs.items()))
    return out


def scenario_schema() -> dict[str, Any]:
    """The editor schema of scenario files (``talentsim schema``)."""
    from simulate.scenario.schema import Scenario

    return editor_schema(Scenario, title="talentsim scenario (情景文件)")


def sweep_schema() -> dict[str, Any]:
    """The editor schema of sweep spec files (``talentsim schema --sweep``)."""
    from simulate.sweep.spec import SweepSpec

    return editor_schema(SweepSpec, title="talentsim sweep spec (敏感性分析设定)")


def year_keys(data: Any) -> Any:
    """YAML data as an editor sees it: every mapping key as text (step years ``2019`` → ``"2019"``)."""
    if isinstance(data, dict):
        return {str(k): year_keys(v) for k, v in data.items()}
    if isinstance(data, list):
        return [year_keys(v) for v in data]
    if hasattr(data, "isoformat"):
        return data.isoformat()
    return data


__all__ = ["editor_schema", "scenario_schema", "sweep_schema", "year_keys"]
