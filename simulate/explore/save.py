"""What the page writes: a scenario file of the settings, and the briefing of the variant as a zip.

"Save as scenario" writes ``<name>.yaml`` into the folder given on the command line (``--save-dir``),
never to a path from the browser: the name is reduced to a scenario identifier, and an existing file
is never replaced (``name_2.yaml``, …). The file ``extends:`` the base scenario and sets only the
levers the page moved, each as ``{value: …, source: "explore: <time>"}``; it is read back with the
strict loader before the page says it is saved.

"Download briefing" writes the variant's run folder and, from that folder, the briefing
``talentsim report`` makes (:func:`simulate.report.briefing.report_bundle` +
:func:`simulate.report.export.export_bundle`), into a temporary folder, and zips it.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
import zipfile
from pathlib import Path

from simulate.explore.variant import WHERE, Variant
from simulate.results.runfolder import write_atomic
from simulate.scenario import LoadedScenario, load_scenario
from simulate.scenario.loader import Provenance, dump_resolved

IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_TRIES = 1000


def scenario_name(text: object, fallback: str) -> str:
    """A scenario identifier from what the planner typed (lower case, ``[a-z0-9_]``, ≤ 40, starts with a letter)."""
    name = re.sub(r"[^a-z0-9_]+", "_", str(text or "").strip().lower())
    name = re.sub(r"_+", "_", name).strip("_")
    name = re.sub(r"^[^a-z]+", "", name)[:40].rstrip("_")
    return name if IDENTIFIER.match(name) else fallback


def extends_reference(base_file: Path, save_dir: Path) -> str:
    """How a saved file names its base in ``extends:``: the path relative to the save folder (absolute if none)."""
    try:
        return Path(os.path.relpath(base_file.resolve(), save_dir.resolve())).as_posix()
    except ValueError:  # another drive
        return base_file.resolve().as_posix()


def free_path(save_dir: Path, name: str) -> tuple[Path, str]:
    """``save_dir/<name>.yaml``, or ``<name>_2.yaml`` … if taken; always directly inside ``save_dir``."""
    for i in range(1, MAX_TRIES + 1):
        candidate = name if i == 1 else f"{name[:36]}_{i}"
        path = save_dir / f"{candidate}.yaml"
        if not path.exists():
            if path.resolve().parent != save_dir.resolve():
                raise ValueError(f"refusing to write outside {save_dir}")
            return path, candidate
    raise ValueError(f"{save_dir}: {MAX_TRIES} files named {name}_N already")


def scenario_text(base: LoadedScenario, variant: Variant, name: str, extends: str) -> str:
    """The saved scenario's YAML: ``extends`` the base, a name and titles, and the changed levers with sources."""
    sc = base.scenario
    levers: dict = {}
    sources = {}
    for ch in variant.changes:
        node = levers
        *head, last = ch.path.split(".")
        for key in head:
            node = node.setdefault(key, {})
        node[last] = ch.value
        sources[f"levers.{ch.path}"] = Provenance(source=f"{WHERE}: {variant.stamp}", file=WHERE, line=0)
    data = {
        "extends": extends,
        "name": name,
        "title_zh": f"{sc.title_zh or sc.name}（调整：{name}）",
        "title_en": f"{sc.title_en or sc.name} (explored: {name})",
        "description": f"Saved by talentsim explore at {variant.stamp} from {sc.name}: "
                       + (", ".join(ch.path for ch in variant.changes) or "no lever changed") + ".",
    }
    if levers:
        data["levers"] = levers
    head = f"# Saved by `talentsim explore` at {variant.stamp}: {sc.name} with the levers moved in the page.\n"
    return head + dump_resolved(data, sources)


def save_scenario(base: LoadedScenario, base_file: Path, variant: Variant, name: object, save_dir: Path
                  ) -> tuple[Path, LoadedScenario]:
    """Write the variant as a scenario file into ``save_dir`` and load it back.

    Returns:
        The file written and the scenario loaded from it.

    Raises:
        ScenarioError: the written file does not load (it is removed).
    """
    save_dir = Path(save_dir)
    save_dir.mkdir(parents=True, exist_ok=True)
    path, name = free_path(save_dir, scenario_name(name, f"explore_{variant.stamp[:10].replace('-', '')}"))
    text = scenario_text(base, variant, name, extends_reference(base_file, save_dir))
    write_atomic(path, lambda p: p.write_text(text, encoding="utf-8"))
    try:
        return path, load_scenario(path)
    except Exception:
        path.unlink(missing_ok=True)
        raise


def briefing_zip(outcome, lang: str, images: bool) -> tuple[str, bytes]:
    """The variant's run folder and its ``talentsim report`` briefing, zipped: (file name, bytes)."""
    from simulate.report.briefing import report_bundle
    from simulate.report.export import export_bundle
    from simulate.report.runs import from_folder

    name = outcome.variant.name
    with tempfile.TemporaryDirectory(prefix="talentsim-explore-") as tmp:
        run_dir = outcome.result.write(Path(tmp) / name)
        run = from_folder(run_dir)
        bundle = report_bundle(run, lang=lang)
        export_bundle(run_dir / f"report_{lang}", title=bundle.title, lang=lang, figures=bundle.figures,
                      tables=bundle.tables, sections=bundle.sections, notes=bundle.notes, images=images)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in sorted(run_dir.rglob("*")):
                if path.is_file():
                    zf.write(path, Path(name) / path.relative_to(run_dir))
    return f"{name}_briefing_{lang}.zip", buf.getvalue()


__all__ = ["briefing_zip", "extends_reference", "free_path", "save_scenario", "scenario_name", "scenario_text"]
