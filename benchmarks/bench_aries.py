"""Benchmark: does ARiES separate offensive from benign agent sessions?

Ingests ``agent-traces-dev.jsonl`` (57 sessions labelled ``offensive`` CTF
solving or ``benign`` coding and shell work; each session is its own actor)
into a temporary store, maps it, detects AIO behaviours, scores every actor, and
reports the ROC AUC of ARiES (offensive vs benign) and tier shares by label,
with and without AIO hits. Targets: AUC >= 0.90, >= 90% of benign in tier low.

A second, chat-only check scores each CyberSecEval prompt of
``cyberseceval-prompts-dev.jsonl`` as a one-request chat actor (``malicious``
vs ``benign``): there is no answer, tool or result, so only intent and the
requested techniques can separate them.

The shipped intent model learned from the benign steps of these very traces
(``scripts/train_model.py``), so the numbers above are optimistic. ``--heldout``
measures honestly: for each of two folds it retrains the intent model (in
memory, the package is untouched) without that fold's benign sessions, then
scores that fold's benign sessions against all offensive ones (which the intent
model never learns from). ``--by-harness`` is stricter still: each fold is one
benign harness, so the intent model never saw a session of that kind.

Usage::

    python benchmarks/bench_aries.py --shared ../shared [--heldout] [--by-harness] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from llmnav.catalog import load_catalog
from llmnav.config import load_config
from llmnav.ingest import ingest_files
from llmnav.mapping.engine import MappingEngine
from llmnav.mapping.stored import map_stored_actions
from llmnav.orchestration import detect_store
from llmnav.scoring import ActorScore, score_store
from llmnav.store.duckdb import Store

TIERS = ("low", "medium", "high", "critical")


def roc_auc(positive: Sequence[float], negative: Sequence[float]) -> float:
    """Probability that a random positive outscores a random negative (ties count half)."""
    if not positive or not negative:
        return float("nan")
    wins = sum((p > n) + 0.5 * (p == n) for p in positive for n in negative)
    return wins / (len(positive) * len(negative))


def labels(path: Path) -> dict[str, str]:
    found = {}
    for line in path.open(encoding="utf-8"):
        row = json.loads(line)
        found[str(row.get("actor_id") or row["session_id"])] = str(row["label"])
    return found


def summarise(scores: Sequence[ActorScore], label_of: dict[str, str]) -> dict[str, Any]:
    by_label: dict[str, list[ActorScore]] = {}
    for score in scores:
        by_label.setdefault(label_of.get(score.actor_id, "?"), []).append(score)
    offensive = [s.aries for s in by_label.get("offensive", [])]
    benign = [s.aries for s in by_label.get("benign", [])]
    tiers = {
        label: {t: sum(s.tier == t for s in group) / len(group) for t in TIERS}
        for label, group in sorted(by_label.items())
    }
    return {
        "auc": roc_auc(offensive, benign),
        "tiers": tiers,
        "mean": {k: sum(s.aries for s in v) / len(v) for k, v in sorted(by_label.items())},
        "max_benign": max(benign, default=0.0),
        "min_offensive": min(offensive, default=0.0),
        "n": {k: len(v) for k, v in by_label.items()},
    }


def prompts(shared: Path, config: Any, catalog: Any) -> dict[str, Any]:
    """Each CyberSecEval prompt as a one-request chat session of its own actor."""
    source = shared / "data" / "bench" / "cyberseceval-prompts-dev.jsonl"
    rows = [json.loads(line) for line in source.open(encoding="utf-8")]
    label_of = {str(r["id"]): "offensive" if r["label"] == "malicious" else "benign" for r in rows}
    with tempfile.TemporaryDirectory() as tmp:
        sessions = Path(tmp) / "prompts.jsonl"
        with sessions.open("w", encoding="utf-8") as out:
            for r in rows:
                step = {"role": "user", "content": r["text"]}
                out.write(json.dumps({"session_id": r["id"], "steps": [step]}) + "\n")
        db = Path(tmp) / "prompts.duckdb"
        ingest_files([sessions], db)
        with Store.open(db) as store:
            map_stored_actions(store, MappingEngine.default())
            return summarise(score_store(store, config, catalog), label_of)


def score_traces(
    traces: Sequence[dict[str, Any]], config: Any, catalog: Any, detect: bool = True
) -> dict[str, Any]:
    """Ingest, map, detect and score ``traces`` (session dicts with a ``label``) in a temp store."""
    label_of = {str(t.get("actor_id") or t["session_id"]): str(t["label"]) for t in traces}
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "traces.jsonl"
        source.write_text("".join(json.dumps(t) + "\n" for t in traces), encoding="utf-8")
        db = Path(tmp) / "traces.duckdb"
        ingest_files([source], db)
        with Store.open(db) as store:
            map_stored_actions(store, MappingEngine.default())
            if detect:
                detect_store(store, config)
            return summarise(score_store(store, config, catalog), label_of)


def heldout(
    shared: Path, config: Any, catalog: Any, folds: int = 2, by_harness: bool = False
) -> list[dict[str, Any]]:
    """Per fold: retrain intent without the fold's benign traces, score them vs all offensive.

    ``by_harness`` makes each fold one benign harness (``meta.harness``, such as
    InterCode-Bash or mini-swe-agent), so the intent model never saw a session
    of that kind: stricter than the default folds, which split sessions.
    """
    from dataclasses import replace

    import llmnav.mapping.intent as intent_module
    import llmnav.mapping.model.mapper as mapper_module
    from llmnav.mapping.model.corpus import DevData

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
    import train_model

    dev = DevData.load(shared / "data" / "bench", catalog)
    base = mapper_module.load_artefact()
    benign = [t for t in dev.traces if t["label"] == "benign"]
    offensive = [t for t in dev.traces if t["label"] != "benign"]
    original = mapper_module.load_artefact
    harness = sorted({str(t.get("meta", {}).get("harness", "")) for t in benign})
    if by_harness:
        groups = [[t for t in benign if t.get("meta", {}).get("harness", "") == h] for h in harness]
    else:
        groups = [benign[fold::folds] for fold in range(folds)]
    results = []
    try:
        for fold, held in enumerate(groups):
            held_ids = {t["session_id"] for t in held}
            train = [t for t in dev.traces if t["session_id"] not in held_ids]
            layer, _ = train_model.train_intent(replace(dev, traces=train), catalog, base.idf)
            artefact = replace(base, intent=layer)

            def patched(path: Any = None, artefact: Any = artefact) -> Any:
                return artefact

            mapper_module.load_artefact = patched  # type: ignore[assignment]
            intent_module.load_artefact = patched  # type: ignore[assignment]
            # Offensive first: the sessions reader tells the file's format from
            # its first line, which a long coding session can exceed.
            summary = score_traces(offensive + held, config, catalog)
            summary["fold"] = fold
            if by_harness:
                summary["harness"] = harness[fold]
            results.append(summary)
    finally:
        mapper_module.load_artefact = original
        intent_module.load_artefact = original
    return results


def run(shared: Path) -> dict[str, Any]:
    traces = shared / "data" / "bench" / "agent-traces-dev.jsonl"
    config, catalog = load_config(), load_catalog()
    label_of = labels(traces)
    result: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.duckdb"
        start = time.perf_counter()
        ingest_files([traces], db)
        with Store.open(db) as store:
            map_stored_actions(store, MappingEngine.default())
            result["prepare_s"] = time.perf_counter() - start
            start = time.perf_counter()
            result["without_aio"] = summarise(score_store(store, config, catalog), label_of)
            result["score_s"] = time.perf_counter() - start
            result["aio_hits"] = len(detect_store(store, config))
            result["with_aio"] = summarise(score_store(store, config, catalog), label_of)
    result["chat_prompts"] = prompts(shared, config, catalog)
    return result


def _line(name: str, summary: dict[str, Any]) -> str:
    shares = " | ".join(
        f"{label}: " + ", ".join(f"{t} {share:.0%}" for t, share in tiers.items())
        for label, tiers in summary["tiers"].items()
    )
    means = ", ".join(f"{k} {v:.1f}" for k, v in summary["mean"].items())
    return (
        f"{name}: AUC {summary['auc']:.3f} | mean {means} | max benign "
        f"{summary['max_benign']:.1f}, min offensive {summary['min_offensive']:.1f}\n  {shares}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--shared", type=Path, default=Path("../shared"))
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument(
        "--heldout", action="store_true", help="also measure with intent retrained per fold"
    )
    parser.add_argument(
        "--by-harness",
        action="store_true",
        help="also hold out each benign harness in turn (intent never saw its sessions)",
    )
    args = parser.parse_args(argv)
    result = run(args.shared)
    if args.heldout:
        result["heldout"] = heldout(args.shared, load_config(), load_catalog())
    if args.by_harness:
        result["heldout_harness"] = heldout(
            args.shared, load_config(), load_catalog(), by_harness=True
        )
    if args.json:
        print(json.dumps(result, indent=1))
        return 0
    print(_line("without AIO", result["without_aio"]))
    print(_line(f"with AIO ({result['aio_hits']} hits)", result["with_aio"]))
    print(_line("chat prompts (offensive = malicious)", result["chat_prompts"]))
    for fold in result.get("heldout", []):
        print(_line(f"held-out fold {fold['fold']} (intent retrained without it)", fold))
    for fold in result.get("heldout_harness", []):
        print(_line(f"held-out harness {fold['harness']} (intent never saw it)", fold))
    return 0


if __name__ == "__main__":
    sys.exit(main())
