"""Engine benchmark: wall time and peak memory of one replication, scaling, calendar overhead.

    python benchmarks/engine.py [--repeat 7]

Each case runs in a fresh subprocess so its peak resident memory (ru_maxrss) is its own.
Targets (2-core machine): ≤ 100 ms per baseline replication, ≤ 300 MB peak, calendar
overhead ≤ 5%, time growing no faster than linearly with population, and parameter sampling adding
no measurable time per replication (``sampling``: drawing and building the replications' scenarios,
then the engine on central and on sampled scenarios, interleaved).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "jiangxi_baseline.yaml"


def measure(case: str, repeat: int) -> dict:
    """Run inside the child: time ``repeat`` replications of one case."""
    import simulate
    from simulate.engine import run_bare_loop, simulate_replication

    loaded = simulate.load_scenario(BASELINE)
    sc = loaded.scenario
    if case.startswith("scale"):
        sc = sc.model_copy(update={"scale": float(case[5:])})
    fn = run_bare_loop if case == "bare_loop" else simulate_replication
    fn(sc, 0, 0)  # warm-up: imports, first-touch allocations
    times, cpu = [], []
    for r in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        fn(sc, 0, r + 1)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return {"case": case, "median_s": statistics.median(times), "min_s": min(times),
            "cpu_s": statistics.median(cpu), "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def measure_sampling(repeat: int, replications: int = 40) -> dict:
    """Inside the child: CPU cost of declaring, drawing and applying the parameters of a 40-replication run,
    and the engine on central vs sampled scenarios.

    The replications alternate (central, sampled, central, …) so load from other jobs hits both alike.
    """
    import simulate
    from simulate.engine import simulate_replication
    from simulate.uncertainty import declared, draws, replication_scenarios

    loaded = simulate.load_scenario(BASELINE)
    sc = loaded.scenario
    declared(loaded)  # warm-up: JSON schema, parsers
    c0 = time.process_time()
    uncertain = declared(loaded)
    c1 = time.process_time()
    table = draws(uncertain, 0, replications)
    c2 = time.process_time()
    scenarios = replication_scenarios(sc, uncertain, table)
    c3 = time.process_time()
    simulate_replication(sc, 0, 0)  # warm-up
    central, sampled = [], []
    for r in range(repeat):
        for out, scen in ((central, sc), (sampled, scenarios[r + 1])):
            t = time.process_time()
            simulate_replication(scen, 0, r + 1)
            out.append(time.process_time() - t)
    return {"case": "sampling", "parameters": len(uncertain), "replications": replications,
            "declare_s": c1 - c0, "draw_s": c2 - c1, "apply_s": c3 - c2,
            "central_cpu_s": statistics.median(central), "sampled_cpu_s": statistics.median(sampled)}


def main() -> None:
    """Run every case in its own process and print a table."""
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--repeat", type=int, default=7)
    p.add_argument("--case", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.case:
        fn = measure_sampling if args.case == "sampling" else lambda r: measure(args.case, r)
        print(json.dumps(fn(args.repeat)))
        return
    rows = []
    for case in ("calendar", "bare_loop", "scale10"):
        out = subprocess.run([sys.executable, __file__, "--case", case, "--repeat", str(args.repeat)],
                             check=True, capture_output=True, text=True).stdout
        rows.append(json.loads(out.strip().splitlines()[-1]))
    by = {r["case"]: r for r in rows}
    print(f"{'case':<22}{'median ms':>12}{'min ms':>10}{'CPU ms':>10}{'peak MB':>10}")
    for r in rows:
        label = {"calendar": "baseline (simpy)", "bare_loop": "baseline (bare loop)",
                 "scale10": "baseline ×10 people"}[r["case"]]
        print(f"{label:<22}{r['median_s'] * 1e3:>12.1f}{r['min_s'] * 1e3:>10.1f}{r['cpu_s'] * 1e3:>10.1f}"
              f"{r['peak_mb']:>10.0f}")
    overhead = by["calendar"]["cpu_s"] / by["bare_loop"]["cpu_s"] - 1
    growth = by["scale10"]["cpu_s"] / by["calendar"]["cpu_s"]
    print(f"\ncalendar overhead vs bare loop (median CPU time): {overhead:+.1%}")
    print(f"CPU time at 10× population / baseline: {growth:.2f}× (linear would be 10×)")
    print("(CPU time is the figure to compare when other work shares the machine)")
    out = subprocess.run([sys.executable, __file__, "--case", "sampling", "--repeat", str(args.repeat)],
                         check=True, capture_output=True, text=True).stdout
    s = json.loads(out.strip().splitlines()[-1])
    per_rep = (s["declare_s"] + s["draw_s"] + s["apply_s"]) / s["replications"]
    print(f"\nparameter sampling ({s['parameters']} parameters, a {s['replications']}-replication run, CPU): declare "
          f"{s['declare_s'] * 1e3:.0f} ms and draw {s['draw_s'] * 1e3:.0f} ms once per run, build the replications' "
          f"scenarios {s['apply_s'] / s['replications'] * 1e3:.1f} ms each: {per_rep * 1e3:.1f} ms per replication "
          f"({per_rep / s['central_cpu_s']:.1%} of one)")
    print(f"engine CPU median {s['central_cpu_s'] * 1e3:.0f} ms on the central scenario, "
          f"{s['sampled_cpu_s'] * 1e3:.0f} ms on sampled ones (interleaved; sampled values change the work, "
          "e.g. majors per school)")


if __name__ == "__main__":
    main()
