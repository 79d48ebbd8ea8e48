"""Synthetic LLM telemetry: the calibrated demo population of ``llmnav demo``.

``synthesize(actors, seed)`` yields raw telemetry records (the ``sessions``
format of docs/formats.md): chat, API and coding-agent sessions with prompts,
model answers with code, tool calls and their results, over twelve months.
``write_population(path, actors, seed)`` writes them to a JSONL file and the
generator's ground truth (per action, the technique it was written for) to a
separate labels file next to it, which the pipeline never reads.

>>> records = list(synthesize(actors=5, seed=1))
>>> sorted(records[0])
['actor_id', 'interface', 'model', 'session_id', 'steps']
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from llmnav.synth.generate import ActorPlan, plan_population, synthesize, synthesize_labelled

__all__ = [
    "ActorPlan",
    "SynthSummary",
    "labels_path",
    "plan_population",
    "synthesize",
    "synthesize_labelled",
    "write_population",
]


@dataclass
class SynthSummary:
    """What ``write_population`` wrote."""

    path: Path
    labels: Path
    actors: int
    sessions: int = 0
    actions: int = 0
    interfaces: dict[str, int] = field(default_factory=dict)
    campaign_actors: list[str] = field(default_factory=list)


def labels_path(path: str | Path) -> Path:
    """The labels file that goes with a telemetry file: ``pop.jsonl`` -> ``pop.labels.jsonl``."""
    p = Path(path)
    suffix = p.suffix or ".jsonl"
    return p.with_name(f"{p.stem if p.suffix else p.name}.labels{suffix}")


def write_population(
    path: str | Path,
    actors: int = 832,
    seed: int = 0,
    *,
    labels: str | Path | None = None,
    on_actor: Callable[[int], None] | None = None,
) -> SynthSummary:
    """Write the population's telemetry to ``path`` and its labels beside it (or to ``labels``).

    ``on_actor(n)`` is told how many actors are done, for progress bars.
    """
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    label_file = Path(labels) if labels is not None else labels_path(out)
    label_file.parent.mkdir(parents=True, exist_ok=True)
    plans = plan_population(actors, seed)
    summary = SynthSummary(
        out,
        label_file,
        actors,
        campaign_actors=[p.actor_id for p in plans if p.campaign],
    )
    seen: set[str] = set()
    interfaces: dict[str, int] = {}
    with out.open("wb") as telemetry, label_file.open("wb") as truth:
        for record, record_labels in synthesize_labelled(actors, seed):
            telemetry.write(orjson.dumps(record) + b"\n")
            for label in record_labels:
                truth.write(orjson.dumps(label) + b"\n")
            summary.sessions += 1
            summary.actions += len(record_labels)
            actor = str(record["actor_id"])
            if actor not in seen:
                seen.add(actor)
                kind = str(record["interface"])
                interfaces[kind] = interfaces.get(kind, 0) + 1
                if on_actor is not None:
                    on_actor(len(seen))
    summary.interfaces = dict(sorted(interfaces.items()))
    return summary
