"""What each shipped region rests on: the data, arithmetic on it, fitted layers, clauses, or assumptions.

A region is data: ``calibration/parameters/<region>_region.yaml`` (every leaf ``{value, source[, note][, range]}``)
and, for a province, the intake layer ``calibration/fitted/<region>_intake.yaml`` written by
``talentsim calibrate --regional <region>:<year>`` (the national region: ``fitted/national_region.yaml``).
:func:`coverage` lists every value of every shipped region with the kind of its source; the calibration
report states per region what was fitted and what was assumed (:func:`statements`), and which of the
data's rows of the region its file cites.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import yaml

from simulate import shipped

PARAMETERS = shipped.calibration_dir() / "parameters"
FITTED = shipped.calibration_dir() / "fitted"
COVERAGE_COLUMNS = ["region", "file", "key", "kind", "value", "range", "source", "note"]
"""Columns of ``regions.csv``: one row per value of a region file or its fitted layer."""
KINDS = ("data", "derived", "fitted", "clause", "assumption", "other")
"""Kinds of source: ``obs:`` (a row of the data), ``derived:`` (arithmetic on rows), a fitted layer, a policy
clause (``<seed file> §…``), ``assumption``, or another citation (e.g. a law)."""
CLAUSE = re.compile(r"\d{3}_[0-9a-f]{16}\.txt")
ROW = re.compile(r"\b([a-z]+)/([a-z_]+)/(\w+)/(\d{4})\b")
"""A data row cited as region/level/indicator/year (in a source or a note)."""


def kind_of(source: str) -> str:
    """The kind of a source text (:data:`KINDS`)."""
    text = str(source).strip()
    prefixes = (("obs:", "data"), ("derived:", "derived"), ("fitted:", "fitted"), ("assumption", "assumption"))
    for prefix, kind in prefixes:
        if text.startswith(prefix):
            return kind
    return "clause" if CLAUSE.search(text) else "other"


def _leaves(tree, path: str = ""):
    if isinstance(tree, dict) and "value" in tree and "source" in tree:
        yield path, tree
    elif isinstance(tree, dict):
        for k, v in tree.items():
            yield from _leaves(v, f"{path}.{k}" if path else str(k))
    elif isinstance(tree, list):
        for item in tree:
            key = item.get("id") or item.get("name") if isinstance(item, dict) else None
            yield from _leaves(item, f"{path}[{key}]" if key else path)


def _short(value) -> str:
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "…"


def fitted_layer(region: str, fitted: Path = FITTED) -> Path:
    """The fitted layer a shipped scenario of ``region`` extends after its region file."""
    return Path(fitted) / ("national_region.yaml" if region == "national" else f"{region}_intake.yaml")


def coverage(parameters: Path = PARAMETERS, fitted: Path = FITTED) -> pd.DataFrame:
    """Every value of every shipped region file, and of its fitted layer (which overrides it), with its kind."""
    rows = []
    for path in sorted(Path(parameters).glob("*_region.yaml")):
        tree = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        region = str((tree.get("region") or {}).get("name") or path.stem.removesuffix("_region"))
        layer = fitted_layer(region, fitted)
        over = dict(_leaves(yaml.safe_load(layer.read_text(encoding="utf-8")) or {})) if layer.is_file() else {}
        for key, leaf in _leaves(tree):
            if key in over:
                continue
            rows.append({"region": region, "file": path.name, "key": key, "kind": kind_of(leaf["source"]),
                         "value": _short(leaf["value"]), "range": _short(leaf.get("range", "")),
                         "source": str(leaf["source"]), "note": str(leaf.get("note", ""))})
        for key, leaf in over.items():
            rows.append({"region": region, "file": layer.name, "key": key, "kind": "fitted",
                         "value": _short(leaf["value"]), "range": _short(leaf.get("range", "")),
                         "source": str(leaf["source"]), "note": str(leaf.get("note", ""))})
    return pd.DataFrame(rows, columns=COVERAGE_COLUMNS)


def cited_rows(table: pd.DataFrame, region: str) -> set[tuple[str, str, str, int]]:
    """The data rows (region, level, indicator, year) a region's values cite, in their sources or notes."""
    out = set()
    g = table[table.region == region]
    for text in list(g.source) + list(g.note):
        out |= {(r, lv, ind, int(y)) for r, lv, ind, y in ROW.findall(str(text))}
    return out


def statements(table: pd.DataFrame, data: pd.DataFrame | None = None) -> list[str]:
    """Per region, one line: what its values rest on, what was fitted, and which of the data's rows it uses.

    Counts by kind of source (:data:`KINDS`), how many assumptions carry a range (``regions.csv`` lists the
    others), the intake paths fitted or scaled from the national fit, and the data's rows of the region
    the values cite (in a source or a note) or leave unused.
    """
    lines = []
    for region, g in table.groupby("region", sort=False):
        counts = g.kind.value_counts()
        assumed = g[g.kind == "assumption"]
        files = " + ".join(dict.fromkeys(g.file))
        text = (f"{region} ({files}): " + ", ".join(f"{int(counts.get(k, 0))} {k}" for k in KINDS if counts.get(k, 0))
                + f"; {int((assumed.range != '').sum())} of {len(assumed)} assumptions carry a range")
        fitted = g[g.kind == "fitted"].key.str.replace("region.intake.", "", regex=False)
        if len(fitted):
            text += "; fitted or scaled from the national fit: " + ", ".join(fitted)
        if data is not None:
            own = data[(data.region == region) & (data.region != "national")]
            if len(own):
                rows = {(r.region, r.level, r.indicator, int(r.year)) for r in own.itertuples()}
                used = rows & cited_rows(table, region)
                unused = sorted(rows - used)
                text += (f"; cites {len(used)} of the data's {len(rows)} {region} rows"
                         + (" (not used: " + ", ".join(f"{lv}/{ind}/{y}" for _, lv, ind, y in unused[:12])
                            + (", …" if len(unused) > 12 else "") + ")" if unused else ""))
        lines.append(text)
    return lines


__all__ = ["COVERAGE_COLUMNS", "KINDS", "cited_rows", "coverage", "fitted_layer", "kind_of", "statements"]
