"""Helpers for analytics tests: the analyzed-run record, a hostile id, a random population."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from llmnav.analytics import ActorRecord, Population
from llmnav.catalog import Catalog
from llmnav.scoring import ActorScore

HOSTILE = "<script>alert('x')</script>&\"evil\""
"""The actor id of tests/data/analytics/hostile-actor.jsonl."""


@dataclass
class Analyzed:
    """One run of the pipeline plus the analytics outputs, as ``llmnav analyze`` makes them."""

    out: Path
    scores: list[ActorScore]
    population: Population
    analytics: dict[str, Any]
    layers: list[Path]
    report: Path
    analytics_json: Path


INTERFACES = ("chat", "api", "code_agent", "agent")
AIO = ("AIO.T0001", "AIO.T0003", "AIO.T0004", "AIO.T0005")


def make_population(catalog: Catalog, actors: int = 832, seed: int = 1) -> Population:
    """``actors`` actors over twelve months, loosely like the study."""
    rng = np.random.default_rng(seed)
    techniques = [t for t in catalog.techniques() if t.tactic_ids][:480]
    popularity = rng.pareto(1.2, len(techniques)) + 0.05
    popularity /= popularity.sum()
    start = datetime(2025, 1, 1, tzinfo=UTC)
    records = []
    for i in range(actors):
        breadth = int(max(0, rng.normal(16, 7)))
        chosen = rng.choice(
            len(techniques), size=min(breadth, len(techniques)), replace=False, p=popularity
        )
        used = {techniques[j].id: int(rng.integers(1, 4)) for j in chosen}
        tactics: dict[str, int] = {}
        for j in chosen:
            for tactic in techniques[j].tactic_ids:
                tactics[tactic] = tactics.get(tactic, 0) + used[techniques[j].id]
        aries = float(np.clip(rng.normal(30 + breadth, 15), 0, 100))
        tier = (
            "low"
            if aries < 50
            else "medium"
            if aries < 70
            else "high"
            if aries < 85
            else "critical"
        )
        first = start + timedelta(days=float(rng.uniform(0, 360)))
        soph = float(np.clip(aries / 10 + rng.normal(0, 1.5), 0, 10))
        records.append(
            ActorRecord(
                actor_id=f"acct-{i:05d}",
                aries=round(aries, 2),
                tier=tier,
                threat=round(aries * 0.35, 2),
                vulnerability=round(aries * 0.35, 2),
                impact=round(aries * 0.3, 2),
                sophistication=round(soph, 2),
                interface=INTERFACES[int(rng.choice(4, p=[0.1, 0.1, 0.6, 0.2]))],
                first_seen=first,
                last_seen=first + timedelta(hours=float(rng.uniform(0, 48))),
                techniques=used,
                tactics=tactics,
                aio=tuple(a for a in AIO if rng.random() < 0.15),
                n_actions=int(sum(used.values()) + rng.integers(0, 5)),
            )
        )
    return Population(tuple(records))
