"""Benchmark: the calibrated demo population against the study's published figures.

Generates the population (``llmnav.synth``), runs the whole pipeline
(``llmnav.analyze.analyze``) on it in a temporary folder, and prints each
figure of DESIGN section 9 beside its target band, the interface comparison,
the campaign actors' scores, the mapping accuracy against the generator's
labels, and the seconds of generation and of each analyze stage. The
figures are computed from the store and the scores (``llmnav.synth.calibrate``),
never from the labels.

Usage::

    python benchmarks/bench_demo.py [--actors 832] [--seed 0] [--workers N] [--json]

Exit code 1 when a figure is outside its band or a campaign actor is not critical.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def run(actors: int, seed: int, workers: int | None, out_dir: Path) -> dict[str, Any]:
    from llmnav.analyze import analyze
    from llmnav.store.duckdb import Store
    from llmnav.synth import write_population
    from llmnav.synth.calibrate import mapping_accuracy, measure, read_labels

    started = time.perf_counter()
    summary = write_population(
        out_dir / "telemetry" / "population.jsonl", actors, seed, labels=out_dir / "labels.jsonl"
    )
    generate = time.perf_counter() - started
    result = analyze([out_dir / "telemetry"], out_dir, workers=workers)
    with Store.open(result.db, read_only=True) as store:
        figures = measure(
            store, result.population, result.scores, campaign_actors=summary.campaign_actors
        )
        accuracy = mapping_accuracy(store, read_labels(summary.labels))
    return {
        "actors": actors,
        "seed": seed,
        "generated_actions": summary.actions,
        "rejected": sum(f.rejected for f in result.ingest.files),
        "seconds": {"generate": generate, **result.seconds},
        "figures": figures,
        "accuracy": accuracy,
    }


def main(argv: list[str] | None = None) -> int:
    from llmnav.synth.calibrate import TARGETS

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--actors", type=int, default=832)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--json", action="store_true", help="Print the results as JSON.")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="llmnav-demo-") as tmp:
        results = run(args.actors, args.seed, args.workers, Path(tmp))
    figures = results["figures"]
    failed = [f.name for f in TARGETS if not f.ok(figures[f.name])]
    if not figures["campaign_all_critical"]:
        failed.append("campaign_all_critical")
    results["failed"] = failed
    if args.json:
        print(json.dumps(results, indent=2, default=str))
        return 1 if failed else 0
    print(f"demo population: {args.actors} actors, seed {args.seed}")
    for figure in TARGETS:
        value = figures[figure.name]
        shown = "n/a" if math.isnan(value) else f"{value:.2f}"
        mark = "ok" if figure.ok(value) else "OFF"
        band = f"target {figure.target:g} ± {figure.tolerance:g}"
        print(f"  {figure.name:<30} {shown:>8}  {band}  {mark}")
    print(f"  actions {figures['actions']:,} (study 13,873); rejected {results['rejected']}")
    print(f"  code_agent share {figures['interface_share_code_agent_pct']:.1f}% (study 80%)")
    print(
        f"  interface mean ARiES {figures['interface_mean_aries']}, "
        f"Welch p = {figures['interface_welch_p']:.3f} (study: indistinguishable)"
    )
    print(f"  tiers {figures['tiers']}")
    drift = ", ".join(f"{t} {v:+.1f}" for t, v in figures["technique_drift_pct_points"].items())
    print(f"  drift second - first half, % points: {drift} (study T1087 +8.9, T1020 +6.2,")
    print("    T1587 -12, T1566 -8.6)")
    critical = figures["campaign_all_critical"]
    print(f"  campaign actors {figures['campaign_aries']} (all critical: {critical})")
    acc = results["accuracy"]
    print(
        f"  mapping accuracy vs labels: top-1 exact {acc['top1_exact']:.3f}, "
        f"parent {acc['top1_parent']:.3f} ({acc['actions']:,} labelled actions)"
    )
    for kind, row in acc["by_kind"].items():
        exact, parent, n = row["top1_exact"], row["top1_parent"], row["actions"]
        print(f"    {kind:<10} exact {exact:.3f} parent {parent:.3f} ({n:,})")
    print("  seconds " + " | ".join(f"{k} {v:.2f}" for k, v in results["seconds"].items()))
    total = sum(v for k, v in results["seconds"].items() if k != "generate")
    print(f"  analyze total {total:.2f}s")
    if failed:
        print(f"outside the bands: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
