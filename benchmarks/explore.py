"""Time from a lever change to updated charts in ``talentsim explore``: median over 20 changes.

The app serves the Jiangxi province (10 replications on 2 workers by default) in this process; headless
Chromium (the Debian package, driven by Playwright) moves the per-student funding slider one step at a
time (20 distinct settings, each a new simulation) and waits until every chart of the open tab is drawn
from the new result (the figures carry their result's generation in ``layout.meta``). Also printed: the
server's part (change received → results ready) and the machine's load.

    python benchmarks/explore.py [--scenario FILE] [--reps 10] [--workers 2] [--changes 20] [--screenshot PNG]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DRAWN = """g => {
  const m = document.querySelector('#generation');
  if (!m || Number(m.dataset.generation) < g) return false;
  const plots = [...document.querySelectorAll('#tab-content .dash-graph')];
  return plots.length > 0 && plots.every(d => { const p = d.querySelector('.js-plotly-plot');
      return p && p._fullLayout && p._fullLayout.meta && p._fullLayout.meta.generation >= g; });
}"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", type=Path, default=ROOT / "scenarios" / "jiangxi_baseline.yaml")
    parser.add_argument("--reps", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--changes", type=int, default=20)
    parser.add_argument("--lever", default="per_student_funding.secondary")
    parser.add_argument("--screenshot", type=Path, help="also save a screenshot of the page (PNG) after the changes")
    args = parser.parse_args()

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("needs the Debian chromium package")
    from playwright.sync_api import sync_playwright

    from simulate.explore.server import start
    from simulate.scenario import load_scenario

    load_before = os.getloadavg()
    t = time.perf_counter()
    srv = start(load_scenario(args.scenario), args.scenario, port=0, workers=args.workers, reps=args.reps,
                save_dir=Path(tempfile.mkdtemp()), in_thread=True)
    startup = time.perf_counter() - t
    totals, server, cpu = [], [], []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": 1500, "height": 1000})
            t = time.perf_counter()
            page.goto(srv.url)
            page.wait_for_function(DRAWN, arg=1, timeout=300_000)
            first = time.perf_counter() - t
            thumb = page.locator(f'[data-path="{args.lever}"] [role=slider]')
            app_cpu = time.process_time()
            for _ in range(args.changes):
                gen = int(page.get_attribute("#generation", "data-generation"))
                thumb.focus()
                t = time.perf_counter()
                page.keyboard.press("ArrowRight")  # one slider step: a new setting, a new simulation
                page.wait_for_function(DRAWN, arg=gen + 1, timeout=300_000)
                totals.append(time.perf_counter() - t)
                server.append(float(page.get_attribute("#generation", "data-seconds")))
                cpu.append(float(page.get_attribute("#generation", "data-cpu")))
            app_cpu = (time.process_time() - app_cpu) / args.changes
            if args.screenshot:
                page.wait_for_timeout(500)
                page.screenshot(path=str(args.screenshot))
            browser.close()
    finally:
        srv.close()
    load_after = os.getloadavg()
    print(f"scenario {args.scenario.name}: {args.reps} replications on {args.workers} workers, {os.cpu_count()} CPUs; "
          f"load average {load_before[0]:.1f} before, {load_after[0]:.1f} after")
    print(f"start (base scenario simulated): {startup:.1f} s; page open to first charts: {first:.1f} s")
    print(f"lever change → updated charts, {len(totals)} changes: median {statistics.median(totals):.2f} s "
          f"(min {min(totals):.2f}, max {max(totals):.2f})")
    print(f"  of which change received → results ready (server): median {statistics.median(server):.2f} s")
    sim = statistics.median(cpu)
    print(f"CPU per change: replications {sim:.2f} s in the workers, {app_cpu:.2f} s in this process (app server "
          f"and Playwright); on an idle machine ≈ {sim / args.workers + app_cpu:.2f} s + the browser's drawing")


if __name__ == "__main__":
    main()
