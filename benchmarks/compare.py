"""Comparison benchmark: two scenarios × 20 replications, every chart and export, end to end.

    python benchmarks/compare.py [--reps 20] [--workers 2] [--out DIR] [--plain-images 2]

Prints the wall time of each stage (simulation, tables and charts, HTML/Excel/CSV, PNG+SVG
through one kept kaleido server) and, for reference, the time of a plain ``write_image`` per
chart (which starts a browser each time). Target: the whole comparison under 60 s on the
2-core development machine.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = (ROOT / "scenarios" / "jiangxi_baseline.yaml", ROOT / "scenarios" / "funding_10k_12k.yaml")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--lang", default="zh")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--plain-images", type=int, default=2, help="charts to time with plain write_image")
    args = parser.parse_args()

    t0 = time.perf_counter()
    import simulate
    from simulate.report import runs as R
    from simulate.report.briefing import compare_bundle
    from simulate.report.export import chart_server, export_bundle, figure_image

    stages: dict[str, float] = {}
    loaded = [simulate.load_scenario(p) for p in SCENARIOS]
    seed = loaded[0].scenario.seed
    t = time.perf_counter()
    results = [simulate.run(sc, seed=seed, replications=args.reps, workers=args.workers) for sc in loaded]
    runs = [R.from_result(r, p) for r, p in zip(results, SCENARIOS, strict=True)]
    stages["simulate + verdicts"] = time.perf_counter() - t

    t = time.perf_counter()
    bundle = compare_bundle(runs, runs[0], lang=args.lang)
    stages["tables + charts"] = time.perf_counter() - t

    out = args.out or Path(tempfile.mkdtemp(prefix="talentsim-bench-"))
    t = time.perf_counter()
    export_bundle(out, title=bundle.title, lang=args.lang, figures=bundle.figures, tables=bundle.tables,
                  sections=bundle.sections, notes=bundle.notes, images=False)
    stages["html + xlsx + csv"] = time.perf_counter() - t

    t = time.perf_counter()
    with chart_server():
        stages["kaleido server start"] = time.perf_counter() - t
        t = time.perf_counter()
        written = export_bundle(out, title=bundle.title, lang=args.lang, figures=bundle.figures,
                                tables=bundle.tables, sections=bundle.sections, notes=bundle.notes)
        stages["full export (server kept)"] = time.perf_counter() - t
    n_images = sum(1 for k in written if k.startswith("figures/"))
    total = time.perf_counter() - t0

    plain = []
    if args.plain_images:
        import plotly.io as pio

        for fig in list(bundle.figures.values())[: args.plain_images]:
            t = time.perf_counter()
            pio.to_image(fig, format="png")
            plain.append(time.perf_counter() - t)
    t = time.perf_counter()
    with chart_server():
        fig = next(iter(bundle.figures.values()))
        figure_image(fig, "png")
        t1 = time.perf_counter()
        for f in list(bundle.figures.values())[:5]:
            figure_image(f, "png")
        kept = (time.perf_counter() - t1) / 5
    report = {
        "scenarios": [r.name for r in runs], "replications": args.reps, "workers": args.workers,
        "figures": len(bundle.figures), "tables": len(bundle.tables), "image_files": n_images,
        "stages_s": {k: round(v, 2) for k, v in stages.items()},
        "total_s (import to last file)": round(total, 2),
        "per_png_kept_server_s": round(kept, 3),
        "per_png_plain_write_image_s": [round(x, 2) for x in plain],
        "out": str(out),
    }
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
