"""Run every benchmark and write ``benchmarks/RESULTS.md``.

Benchmarks are not tests: machines are shared and noisy, so each number sits
beside a baseline measured in the same run, and the ratio is what to compare.

Usage::

    make bench                      # or: python benchmarks/run.py --shared ../shared
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_aio  # noqa: E402
import bench_aries  # noqa: E402
import bench_catalog  # noqa: E402
import bench_demo  # noqa: E402
import bench_ingest  # noqa: E402
import bench_map  # noqa: E402
import bench_tactic_labels  # noqa: E402


def _machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"


def catalog_section(result: dict[str, Any]) -> str:
    return "\n".join(
        [
            "## Catalog load",
            "",
            "Fresh interpreter each run (median of "
            f"{result['runs']}): `from llmnav.catalog import load_catalog; load_catalog()`.",
            "Baseline: `json.load(gzip.open(...))` of the Enterprise STIX bundle with the stdlib "
            f"(median of {result['bundle_runs']}).",
            "",
            "| what | seconds |",
            "| --- | ---: |",
            f"| llmnav: import + load Enterprise 18.1 | {result['catalog_load_s']:.3f} |",
            f"| of which `load_catalog()` | {result['catalog_load_only_s']:.3f} |",
            f"| first procedure lookup (lazy part) | {result['first_procedures_s']:.3f} |",
            f"| first detection lookup (lazy part) | {result['first_detections_s']:.3f} |",
            f"| first search (builds the index) | {result['first_search_s']:.3f} |",
            f"| baseline: stdlib load of the STIX bundle | {result['bundle_load_s']:.3f} |",
            "",
            f"**Ratio: the catalog loads {result['ratio']:.1f}x faster than the bundle** "
            f"(budget 0.3 s: {'met' if result['within_budget'] else 'NOT met'}). "
            f"Packaged catalog files: {result['catalog_total_bytes'] / 1e6:.2f} MB "
            f"(bundle: {result['bundle_bytes'] / 1e6:.2f} MB gzipped).",
            "",
        ]
    )


def ingest_section(result: dict[str, Any]) -> str:
    seconds, rates = result["seconds"], result["events_per_s"]
    labels = {
        "llmnav": "llmnav `ingest_files` (parse, validate, ids, store, segment)",
        "llmnav_cli": "llmnav `ingest` command (start-up included)",
        "json_parse": "baseline: stdlib `json.loads` of every line, nothing else",
        "duckdb_read_json": "baseline: DuckDB `read_json` into a table, no checks",
    }
    rows = [f"| {labels[k]} | {seconds[k]:.2f} | {rates[k]:,.0f} |" for k in labels]
    return "\n".join(
        [
            "## Ingest throughput (native event JSONL)",
            "",
            f"{result['events']:,} events (chat, API and agent sessions with tool calls and "
            "results), written by `benchmarks/bench_ingest.py`; best of the runs, fresh "
            "database each time.",
            "",
            "| what | seconds | events/s |",
            "| --- | ---: | ---: |",
            *rows,
            "",
            f"**Ratios: llmnav takes {result['ratio_vs_json_parse']:.1f}x the time of bare "
            f"JSON parsing and {result['ratio_vs_duckdb_read_json']:.1f}x DuckDB's native "
            "loader**, while validating every record, quarantining bad ones with their line, "
            "deriving stable ids, de-duplicating against the store and segmenting sessions "
            "into actions. Target: at least 50,000 events/s on 2 cores.",
            "",
        ]
    )


def map_section(result: dict[str, Any]) -> str:
    seconds, rates = result["seconds"], result["actions_per_s"]
    labels = {
        "llmnav_map_1": "`llmnav map` (analyst, rules, references, model, intent), 1 worker",
        "llmnav_map_2": "`llmnav map`, 2 workers",
        "baseline_nn": "baseline: char n-gram TF-IDF nearest neighbour, in process",
    }
    rows = [f"| {labels[k]} | {seconds[k]:.2f} | {rates[k]:,.0f} |" for k in labels]
    ratio = seconds["llmnav_map_2"] / seconds["baseline_nn"]
    return "\n".join(
        [
            "## Mapping throughput",
            "",
            f"{result['actions']:,} actions: Atomic commands, CyberSecEval prompts and agent "
            "tool calls, shuffled. The `llmnav map` times include interpreter start-up and "
            "model loading.",
            "",
            "| what | seconds | actions/s |",
            "| --- | ---: | ---: |",
            *rows,
            "",
            f"**Ratio: `llmnav map` with 2 workers takes {ratio:.2f}x the baseline's time.** "
            "Target: at least 5,000 actions/s on 2 cores.",
            "",
        ]
    )


def eval_section(scores: list[dict[str, Any]]) -> str:
    from llmnav.mapping.evaluate import METRICS as keys

    header = "| data set | system | n | " + " | ".join(h for _, h in keys) + " |"
    rows = [header, "| --- | --- | ---: |" + " ---: |" * len(keys)]
    for s in scores:
        cells = ["" if s[k] is None else f"{s[k]:.3f}" for k, _ in keys]
        rows.append(f"| {s['dataset']} | {s['system']} | {s['n']} | " + " | ".join(cells) + " |")
    calibration = [
        f"- {s['dataset']}: exact@1 by first-technique confidence "
        + ", ".join(f">={low:g}: {acc:.2f} (n={n})" for low, acc, n in s["reliability"])
        for s in scores
        if s["system"] == "llmnav" and s["reliability"]
    ]
    return "\n".join(
        [
            "## Mapping accuracy (`llmnav eval`)",
            "",
            "Atomic and TRAM rows: the holdout the shipped model never saw (`is_holdout`). "
            "CyberSecEval prompts: never trained on; tactic over the 10 labelled tactics. "
            "Command corpora written by other people (`benchmarks/data/commands/`, or "
            "`make bench COMMANDS=...`; `llmnav eval --commands`) are scored whole. "
            "The baseline is a character n-gram TF-IDF nearest neighbour trained on the same "
            "data in the same run.",
            "",
            *rows,
            "",
            "Calibration (llmnav): accuracy rises with confidence.",
            "",
            *calibration,
            "",
        ]
    )


def tactic_labels_section(result: dict[str, Any]) -> str:
    share = result["share"]
    rows = [
        "| category | n | label among the ATT&CK tactics of analyst A's technique | llmnav |",
        "| --- | ---: | ---: | ---: |",
    ]
    for category, found in result["per_category"].items():
        cells = f"{found['n']} | {found['filed_a']:.2f} | {found['llmnav']:.2f}"
        rows.append(f"| {category} | {cells} |")
    return "\n".join(
        [
            "## CyberSecEval tactic categories vs ATT&CK (`benchmarks/bench_tactic_labels.py`)",
            "",
            f"{result['prompts']} malicious dev prompts; two analysts named the technique "
            "(and B the tactic) of each prompt's capability, blind to the categories "
            "(`benchmarks/data/README.md`).",
            "",
            "| measure | share |",
            "| --- | ---: |",
            f"| category is an ATT&CK tactic of analyst A's technique | {share['filed_a']:.3f} |",
            "| ... of analyst A's technique or its alternative | "
            f"{share['filed_a_or_alternative']:.3f} |",
            f"| category is an ATT&CK tactic of analyst B's technique | {share['filed_b']:.3f} |",
            f"| analyst B's tactic is the category | {share['analyst_b_tactic']:.3f} |",
            f"| llmnav's first tactic is the category | {share['llmnav']:.3f} |",
            f"| llmnav's first tactic is analyst B's | {share['llmnav_agrees_with_b']:.3f} |",
            f"| analysts A and B name the same parent technique | {share['same_parent_a_b']:.3f} |",
            "",
            *rows,
            "",
        ]
    )


def aio_section(result: dict[str, Any]) -> str:
    sessions = result["sessions"]
    labels = sorted(sessions)
    rows = [
        f"| {behaviour} | "
        + " | ".join(
            f"{rates[label]:.1%} ({round(rates[label] * sessions[label])})" for label in labels
        )
        + " |"
        for behaviour, rates in result["rates"].items()
    ]
    overhead = [
        f"| {name} | {o['without_orchestrate']:.2f} | {o['orchestrate']:.2f} | "
        f"{o['overhead']:.0%} |"
        for name, o in result["overhead"].items()
    ]
    guarded = ", ".join(bench_aio.GUARDED)
    return "\n".join(
        [
            "## AIO behaviours on real agent sessions",
            "",
            "`llmnav analyze` over `agent-traces-dev.jsonl` (`benchmarks/bench_aio.py`): share of "
            "sessions of each label on which each behaviour fires. "
            + ", ".join(f"{sessions[label]} {label}" for label in labels)
            + f" sessions. Target: {guarded} on at most 5% of benign sessions.",
            "",
            "| behaviour | " + " | ".join(labels) + " |",
            "| --- | " + " | ".join("---:" for _ in labels) + " |",
            *rows,
            "",
            "Guarded behaviours firing on benign sessions: "
            + (", ".join(f"{b} in {s}" for b, s, _ in result["benign_guarded"]) or "none")
            + ".",
            "",
            "What graph building and all ten detectors add to `analyze` (best of 3 runs; "
            "baseline: the other stages of the same run: ingest, map, score, outputs):",
            "",
            "| data | other stages (s) | orchestrate (s) | added |",
            "| --- | ---: | ---: | ---: |",
            *overhead,
            "",
        ]
    )


def aries_section(result: dict[str, Any]) -> str:
    def row(name: str, summary: dict[str, Any]) -> str:
        tiers = summary["tiers"]
        low = tiers.get("benign", {}).get("low", float("nan"))
        means = ", ".join(f"{k} {v:.1f}" for k, v in summary["mean"].items())
        return f"| {name} | {summary['auc']:.3f} | {low:.0%} | {means} |"

    rows = [
        row("agent traces, without AIO hits", result["without_aio"]),
        row(f"agent traces, with AIO ({result['aio_hits']} hits)", result["with_aio"]),
        row("CyberSecEval prompts as one-request chat actors", result["chat_prompts"]),
    ]
    rows += [
        row(f"held-out fold {fold['fold']} (intent retrained without its benign sessions)", fold)
        for fold in result.get("heldout", [])
    ]
    return "\n".join(
        [
            "## ARiES: offensive vs benign",
            "",
            "`benchmarks/bench_aries.py`: ROC AUC of ARiES (offensive vs benign actors) and the "
            "share of benign actors in tier low. Targets: AUC >= 0.90, >= 90% benign in low. "
            "The shipped intent model learned from the benign steps of these traces, so the "
            "held-out folds are the honest numbers.",
            "",
            "| data | AUC | benign in low | mean ARiES |",
            "| --- | ---: | ---: | --- |",
            *rows,
            "",
        ]
    )


def _demo() -> dict[str, Any]:
    import tempfile

    with tempfile.TemporaryDirectory(prefix="llmnav-demo-") as tmp:
        return bench_demo.run(832, 0, None, Path(tmp))


def demo_section(result: dict[str, Any]) -> str:
    from llmnav.synth.calibrate import TARGETS

    figures, accuracy, seconds = result["figures"], result["accuracy"], result["seconds"]
    rows = [
        f"| {t.name} | {figures[t.name]:.2f} | {t.target:g} ± {t.tolerance:g} | "
        f"{'ok' if t.ok(figures[t.name]) else 'OFF'} |"
        for t in TARGETS
    ]
    analysis = sum(v for k, v in seconds.items() if k != "generate")
    stages = " | ".join(f"{k} {v:.1f}s" for k, v in seconds.items())
    return "\n".join(
        [
            "## Demo population (`llmnav demo`)",
            "",
            f"`benchmarks/bench_demo.py`: {result['actors']} actors (seed {result['seed']}), "
            f"{figures['actions']:,} actions, {result['rejected']} rejected, through the whole "
            "pipeline; each figure computed from the store and the scores, beside the study's "
            "value and band (DESIGN section 9).",
            "",
            "| figure | demo | study ± band | |",
            "| --- | ---: | --- | --- |",
            *rows,
            "",
            f"Campaign actors: {figures['campaign_aries']} (all critical: "
            f"{figures['campaign_all_critical']}). Interface groups: mean ARiES "
            f"{figures['interface_mean_aries']}, Welch p = {figures['interface_welch_p']:.2f}.",
            "",
            f"Mapping accuracy against the generator's labels: top-1 exact "
            f"{accuracy['top1_exact']:.3f}, parent {accuracy['top1_parent']:.3f} over "
            f"{accuracy['actions']:,} labelled actions.",
            "",
            f"Analysis time (target 20 s on 2 cores): {analysis:.1f} s ({stages}).",
            "",
        ]
    )


SHIPPED_COMMANDS = HERE / "data" / "commands"


def _command(commands: list[Path]) -> str:
    """How to produce the same file again, with the command corpora of this run."""
    if sorted(c.resolve() for c in commands) == sorted(SHIPPED_COMMANDS.glob("*.jsonl")):
        return "make bench"
    return 'make bench COMMANDS="' + " ".join(str(c) for c in commands) + '"'


def main() -> int:
    parser = argparse.ArgumentParser(description="Run the llmnav benchmarks.")
    parser.add_argument("--shared", type=Path, default=HERE.parents[1] / "shared")
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--output", type=Path, default=HERE / "RESULTS.md")
    parser.add_argument(
        "--commands",
        type=Path,
        action="append",
        default=[],
        help="a labelled command corpus of your own for the accuracy section (repeatable)",
    )
    args = parser.parse_args()
    from dataclasses import asdict

    from llmnav.mapping.evaluate import evaluate

    results = {
        "catalog": bench_catalog.run(args.shared),
        "ingest": bench_ingest.run(args.events),
        "map": bench_map.run(args.shared),
        "eval": [
            asdict(s) for s in evaluate(args.shared / "data" / "bench", commands=args.commands)
        ],
        "tactic_labels": bench_tactic_labels.run(args.shared),
        "aio": bench_aio.run(args.shared, runs=3),
        "aries": bench_aries.run(args.shared),
        "demo": _demo(),
    }
    results["aries"]["heldout"] = bench_aries.heldout(
        args.shared, bench_aries.load_config(), bench_aries.load_catalog()
    )
    (HERE / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    header = [
        "# Benchmark results",
        "",
        f"Produced by `{_command(args.commands)}` on "
        f"{datetime.now(UTC):%Y-%m-%d} ({_machine()}). Raw numbers: `benchmarks/results.json`.",
        "The machine is shared and noisy: compare the ratios, which are measured in the same run.",
        "",
    ]
    text = "\n".join(header) + "\n" + catalog_section(results["catalog"]) + "\n"
    text += ingest_section(results["ingest"]) + "\n"
    text += map_section(results["map"]) + "\n" + eval_section(results["eval"]) + "\n"
    text += tactic_labels_section(results["tactic_labels"]) + "\n"
    text += aio_section(results["aio"]) + "\n" + aries_section(results["aries"]) + "\n"
    text += demo_section(results["demo"])
    args.output.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
