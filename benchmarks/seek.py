"""Benchmark of ``talentsim seek``: runs to convergence and wall time of a shipped spec on 2 local workers,
the search's own overhead (a resume of the finished search re-runs nothing), and runs/s of the same runs
through the sweep engine (executor + worker) with no search around them.

    python benchmarks/seek.py                                   # the Nanchang spec, 2 workers
    python benchmarks/seek.py --out runs/seeks/nanchang_2025_least_cost --reuse   # time a finished search
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--spec", default=str(ROOT / "scenarios" / "seeks" / "nanchang_2025_least_cost.yaml"))
    ap.add_argument("--out", default=str(ROOT / "runs" / "bench_seek"))
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--reuse", action="store_true", help="time a finished search in --out instead of running one")
    ap.add_argument("--engine-runs", type=int, default=64)
    args = ap.parse_args()

    from simulate.seek.evaluate import context, open_store
    from simulate.seek.plan import load_seek
    from simulate.seek.runner import run_seek
    from simulate.sweep.executors import PoolExecutor
    from simulate.sweep.worker import run_id, run_seed

    seek = load_seek(args.spec)
    out = Path(args.out)
    report: dict = {"spec": args.spec, "workers": args.workers}
    if not args.reuse:
        shutil.rmtree(out, ignore_errors=True)
        t = time.perf_counter()
        run = run_seek(seek, out, workers=args.workers, show_progress=False)
        report["search_wall_s"] = round(time.perf_counter() - t, 1)
        report["runs"] = run.runs
        report["candidates"] = len(run.evaluator.candidates)
        report["status"] = run.result.status
        report["runs_to_best"] = _runs_to_best(run)
    t = time.perf_counter()
    replay = run_seek(seek, out, workers=1, resume=True, show_progress=False)
    report["replay_wall_s"] = round(time.perf_counter() - t, 2)
    report["replay_ran"] = replay.evaluator.ran
    report.setdefault("runs", replay.runs)
    report.setdefault("candidates", len(replay.evaluator.candidates))
    report.setdefault("status", replay.result.status)
    report.setdefault("runs_to_best", _runs_to_best(replay))
    report["overhead_ms_per_run"] = round(1000 * report["replay_wall_s"] / max(1, replay.runs), 2)

    # the same kind of runs through the sweep engine alone: the first candidates' replications
    store = open_store(seek, out, resume=True)
    store.close()
    cands = replay.evaluator.candidates
    tasks = []
    for p in range(min(len(cands), args.engine_runs)):
        seed, rep = run_seed(seek.seed, p, 0, True)
        tasks.append((run_id(p, 0), p, 0, seed, rep, cands[p]))
    ex = PoolExecutor(args.workers)
    ex.start(context(seek))
    try:
        t = time.perf_counter()
        n = sum(len(rows) for rows in ex.map_chunks([tasks[i:i + 2] for i in range(0, len(tasks), 2)]))
        engine_s = time.perf_counter() - t
    finally:
        ex.close()
    report["engine_runs"] = n
    report["engine_runs_per_s"] = round(n / engine_s, 2)
    if "search_wall_s" in report:
        report["search_runs_per_s"] = round(report["runs"] / report["search_wall_s"], 2)
    print(json.dumps(report, indent=2))


def _runs_to_best(run) -> int | None:
    """Runs used when the search first reached the cost of its final best feasible candidate."""
    trace = run.result.trace
    feasible = [r for r in trace if r["feasible"]]
    if not feasible:
        return None
    final = feasible[-1]["best"]
    return next(r["runs"] for r in trace if r["best"] <= final + 1e-6)


if __name__ == "__main__":
    main()
