"""Sensitivity sweeps: experiments as data, run anywhere, streamed to DuckDB, analysed with SALib.

>>> from simulate.sweep import load_sweep, run_sweep, analyse_store, build_report
>>> sweep = load_sweep("scenarios/sweeps/four_levers_morris.yaml")     # doctest: +SKIP
>>> summary = run_sweep(sweep, "runs/sweeps/morris", workers=2)         # doctest: +SKIP
>>> analysis, meta = analyse_store("runs/sweeps/morris")                # doctest: +SKIP
>>> build_report("runs/sweeps/morris", lang="en")                      # doctest: +SKIP

Modules: :mod:`~simulate.sweep.spec` (the YAML schema), :mod:`~simulate.sweep.plan` (loading and
resolving against the base scenario), :mod:`~simulate.sweep.factors` and :mod:`~simulate.sweep.paths`
(how values enter a scenario), :mod:`~simulate.sweep.sampling` (designs), :mod:`~simulate.sweep.worker`
and :mod:`~simulate.sweep.executors` (running), :mod:`~simulate.sweep.store` (DuckDB),
:mod:`~simulate.sweep.runner` (the loop), :mod:`~simulate.sweep.analysis`, :mod:`~simulate.sweep.charts`
and :mod:`~simulate.sweep.report`. Names are imported lazily, so a worker importing
:mod:`simulate.sweep.worker` does not load the charting stack.
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "Analysis": "analysis", "AnalysisError": "analysis", "analyse": "analysis", "analyse_store": "analysis",
    "Sweep": "plan", "load_sweep": "plan", "build_report": "report", "SweepSummary": "runner",
    "run_sweep": "runner", "Design": "sampling", "build_design": "sampling", "design_for": "sampling",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(f"simulate.sweep.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module 'simulate.sweep' has no attribute {name!r}")
