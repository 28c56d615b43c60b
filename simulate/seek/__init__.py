"""Goal-seeking: the cheapest dated lever mix that meets chosen goals with a chosen probability.

``talentsim seek SPEC.yaml`` (:mod:`simulate.cli.seek`): a spec (:mod:`simulate.seek.spec`) names a base
scenario, the goals with their minimum P(met), the levers to choose (settings and start years) and the
objective; :func:`simulate.seek.plan.load_seek` resolves it, :func:`simulate.seek.runner.run_seek` searches
(:mod:`simulate.seek.search`, optuna's TPE with constraints on common random numbers, confirmed with
Wilson intervals) through the sweep's executors into ``DIR/seek.duckdb``, and
:func:`simulate.seek.outputs.write_outputs` writes ``best.yaml``, the frontier and the report.
"""
