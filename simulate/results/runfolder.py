"""Self-describing run folders, written atomically.

A run folder holds ``scenario.resolved.yaml``, ``results.parquet`` and
``summary.json`` (and more as later commands add them). The folder is built
next to its destination and swapped in with renames, so a failed or
interrupted run never leaves a half-written folder and never damages an
earlier one.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

Writer = Callable[[Path], None]
"""Writes one file at the given path."""


def write_atomic(path: Path, write: Writer) -> None:
    """Write one file through a temporary sibling and ``os.replace``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_folder(out: Path, files: dict[str, Writer]) -> Path:
    """Build every file in a temporary sibling folder, then swap it in place of ``out``.

    Files already in ``out`` that this run does not write are kept (e.g. a report
    made from an earlier run), so the swap only replaces what the run produced.
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.staging-", dir=out.parent))
    try:
        for name, write in files.items():
            write(staging / name)
        out.mkdir(exist_ok=True)
        for name in files:
            os.replace(staging / name, out / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return out


def json_writer(payload: dict) -> Writer:
    """A writer for a JSON document (UTF-8, indented)."""
    return lambda p: p.write_text(json.dumps(payload, indent=2, ensure_ascii=False, default=str) + "\n", "utf-8")


def text_writer(text: str) -> Writer:
    """A writer for a UTF-8 text file."""
    return lambda p: p.write_text(text, "utf-8")
