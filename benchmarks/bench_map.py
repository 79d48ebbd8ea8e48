"""Benchmark: ``llmnav map`` throughput on a mix of commands and prompts, beside a baseline.

Inputs: Atomic Red Team commands, CyberSecEval prompts and agent tool-call
commands from ``../shared/data/bench``, shuffled and repeated to ``--actions``
lines. Timed, each best of ``--runs``:

- ``llmnav_map_1`` / ``llmnav_map_2``: the ``llmnav map`` command with one and
  two worker processes (start-up and model load included);
- baseline ``nn``: the character n-gram TF-IDF nearest neighbour of ``llmnav
  eval`` (fitted before timing) ranking the same texts in process.

Besides, ``engine_actions_per_cpu_s``: the mapping engine alone, in process (no
start-up, no JSON), in actions per second of CPU time: what one core maps.

Usage::

    python benchmarks/bench_map.py --shared ../shared [--actions 50000] [--runs 2]
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def inputs(bench: Path, n: int) -> list[str]:
    def rows(name: str) -> list[dict[str, Any]]:
        return [json.loads(line) for line in (bench / name).open()]

    texts = [str(a["command"]) for a in rows("atomic-dev.jsonl")]
    texts += [str(p["text"]) for p in rows("cyberseceval-prompts-dev.jsonl")]
    texts += [
        str(s["tool_input"])
        for t in rows("agent-traces-dev.jsonl")
        for s in t["steps"]
        if s.get("tool_input")
    ]
    random.Random(0).shuffle(texts)
    return (texts * (n // len(texts) + 1))[:n]


def best_of(runs: int, command: list[str]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return min(times)


def engine_rate(texts: list[str], batch: int = 512) -> float:
    """Actions the mapping engine maps per second of CPU time (one core), in process."""
    from llmnav.mapping.base import MapInput
    from llmnav.mapping.engine import MappingEngine
    from llmnav.mapping.kinds import guess_kind

    engine = MappingEngine.default()
    items = [MapInput(str(i), t, guess_kind(t)) for i, t in enumerate(texts)]
    engine.map(items[:batch], evidence=False)
    start = time.process_time()
    for i in range(0, len(items), batch):
        engine.map(items[i : i + batch], evidence=False)
    return len(items) / (time.process_time() - start)


def run(shared: Path, actions: int = 50_000, runs: int = 2) -> dict[str, Any]:
    from llmnav.catalog import load_catalog
    from llmnav.mapping.evaluate import Baseline
    from llmnav.mapping.model.corpus import attack_corpus

    texts = inputs(shared / "data" / "bench", actions)
    llmnav = str(Path(sys.executable).with_name("llmnav"))
    with tempfile.TemporaryDirectory() as work:
        source = Path(work) / "in.jsonl"
        with source.open("w") as out:
            for i, text in enumerate(texts):
                out.write(json.dumps({"id": i, "text": text}) + "\n")
        seconds = {
            f"llmnav_map_{w}": best_of(
                runs, [llmnav, "map", str(source), "-o", f"{work}/o{w}.jsonl", "--workers", str(w)]
            )
            for w in (1, 2)
        }
    docs = attack_corpus(load_catalog())
    baseline = Baseline([t for t, _ in docs], [y for _, y in docs])
    start = time.perf_counter()
    for i in range(0, len(texts), 512):
        baseline.neighbours(texts[i : i + 512], k=5)
    seconds["baseline_nn"] = time.perf_counter() - start
    return {
        "actions": actions,
        "seconds": seconds,
        "actions_per_s": {k: actions / v for k, v in seconds.items()},
        "engine_actions_per_cpu_s": engine_rate(texts[:10_000]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path(__file__).parents[2] / "shared")
    parser.add_argument("--actions", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=2, help="timed runs of each, best kept")
    args = parser.parse_args()
    print(json.dumps(run(args.shared, args.actions, args.runs), indent=2))


if __name__ == "__main__":
    main()
