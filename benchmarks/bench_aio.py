"""Benchmark: AIO behaviours on real agent sessions, and what detection costs in ``analyze``.

1. Firing rates: ``analyze`` over ``agent-traces-dev.jsonl`` (offensive CTF
   solving vs benign coding and shell tasks); for each AIO behaviour, the
   share of sessions of each label it fires on. The sessions' labels are read
   only here, never by the detectors.
2. Overhead: ``analyze`` stage timings (best of ``--runs``, fresh output folder
   each time) on the demo population (``llmnav synth``, 832 actors, seed 0), on
   the bundled example telemetry and on the agent traces; the baseline is the
   other stages of the same run (ingest, map, score, outputs), so the ratio is
   what graph building and all detectors add.

Usage::

    python benchmarks/bench_aio.py --shared ../shared [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from llmnav.analyze import AnalyzeResult, analyze
from llmnav.store.duckdb import Store

ROOT = Path(__file__).resolve().parents[1]
GUARDED = ("AIO.T0001", "AIO.T0003", "AIO.T0004", "AIO.T0009")
"""Behaviours that must fire on at most 5% of benign sessions."""


def labels_of(result: AnalyzeResult) -> dict[str, str]:
    with Store.open(result.db, read_only=True) as store:
        rows = store.query(
            "SELECT session_id, json_extract_string(attrs, '$.session.label') AS label "
            "FROM events WHERE json_extract_string(attrs, '$.session.label') IS NOT NULL"
        )
    return {row["session_id"]: row["label"] for row in rows}


def firing_rates(result: AnalyzeResult) -> dict[str, Any]:
    labels = labels_of(result)
    sessions = Counter(labels.values())
    fired: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for hit in result.aio_hits:
        fired[hit.behaviour_id][labels[hit.session_id]].add(hit.session_id)
    rates = {
        f"AIO.T{n:04d}": {
            label: len(fired[f"AIO.T{n:04d}"][label]) / count for label, count in sessions.items()
        }
        for n in range(1, 11)
    }
    benign_examples = sorted(
        (hit.behaviour_id, hit.session_id, hit.detail[:160])
        for hit in result.aio_hits
        if labels[hit.session_id] == "benign" and hit.behaviour_id in GUARDED
    )
    return {"sessions": dict(sessions), "rates": rates, "benign_guarded": benign_examples}


def timed(inputs: list[Path], runs: int) -> dict[str, float]:
    best: dict[str, float] = {}
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            result = analyze(inputs, Path(tmp) / "out")
        for stage, seconds in result.seconds.items():
            best[stage] = min(best.get(stage, seconds), seconds)
    without = sum(s for stage, s in best.items() if stage != "orchestrate")
    return {**best, "without_orchestrate": without, "overhead": best["orchestrate"] / without}


def main() -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    return run(args.shared, args.runs)


def run(shared: Path, runs: int) -> dict[str, Any]:
    from llmnav.synth import write_population

    traces = shared / "data" / "bench" / "agent-traces-dev.jsonl"
    with tempfile.TemporaryDirectory() as tmp:
        rates = firing_rates(analyze([traces], Path(tmp) / "out"))
        population = Path(tmp) / "demo" / "population.jsonl"
        population.parent.mkdir()
        write_population(population, 832, 0, labels=Path(tmp) / "labels.jsonl")
        demo = timed([population], runs)
    return {
        **rates,
        "overhead": {
            "demo population (832 actors)": demo,
            "example telemetry": timed([ROOT / "examples" / "telemetry"], runs),
            "agent traces": timed([traces], runs),
        },
    }


if __name__ == "__main__":
    print(json.dumps(main(), indent=1))
