"""ARiES, the AI Risk Enablement Score: threat + vulnerability + impact, 0-100.

The score is additive (a dimension with nothing in it never zeroes the
others) and every part carries its evidence. ``score_store`` scores every
actor of a store, ranks them, and keeps the result in the store's ``scores``
table, from which ``load_scores`` reads it back.

>>> from llmnav.catalog import load_catalog
>>> from llmnav.config import load_config
>>> from llmnav.scoring.profile import ActorProfile
>>> score = score_profile(ActorProfile("acct-1", "chat"), load_config(), load_catalog())
>>> score.aries, score.tier, len(score.components)
(0.0, 'low', 8)
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

import pyarrow as pa

from llmnav.scoring import impact, threat, vulnerability
from llmnav.scoring.evidence import actor_gate, technique_strengths
from llmnav.scoring.intel import IntelFeed, NameMatcher
from llmnav.scoring.model import ActorScore, Component
from llmnav.scoring.profile import ActorProfile, build_profiles
from llmnav.scoring.rubric import LlmGrader, grade_rubric, try_grade

if TYPE_CHECKING:
    from llmnav.catalog import Catalog
    from llmnav.config import Config
    from llmnav.store.duckdb import Store

__all__ = ["load_scores", "save_scores", "score_profile", "score_profiles", "score_store"]


GATED = frozenset(
    {
        "technical sophistication",
        "detection evasion",
        "model enablement",
        "interface risk",
        "observed impact",
        "potential impact",
    }
)
"""Parts scaled by the actor's intent gate: capability applied to harmless work is not risk."""


def _gated(part: Component, gate: float) -> Component:
    if gate >= 1.0:
        return part
    note = f"scaled by the actor's intent gate {gate:.2f}"
    return Component(
        part.dimension, part.name, part.points * gate, part.max_points, (*part.evidence, note)
    )


def score_profile(
    profile: ActorProfile,
    config: Config,
    catalog: Catalog,
    intel: IntelFeed | None = None,
    *,
    grader: LlmGrader | None = None,
    names: NameMatcher | None = None,
) -> ActorScore:
    """Score one actor: eight parts in three dimensions, the total and its tier."""
    aries = config.aries
    names = names or NameMatcher.from_catalog(catalog, aries)
    strengths = technique_strengths(profile, aries)
    llm_grade, failure = try_grade(grader, profile)
    soph = threat.sophistication(grade_rubric(profile, strengths, config), config, llm_grade)
    if failure:
        soph = Component(
            soph.dimension, soph.name, soph.points, soph.max_points, (*soph.evidence, failure)
        )
    parts: tuple[Component, ...] = (
        threat.intent_clarity(profile, config),
        soph,
        threat.intel(profile, config, names, intel),
        threat.evasion(profile, config, strengths),
        vulnerability.enablement(profile, config),
        vulnerability.interface_risk(profile, config),
        impact.observed_impact(profile, config),
        impact.potential_impact(profile, config, strengths),
    )
    gate = actor_gate(profile, aries)
    parts = tuple(_gated(p, gate) if p.name in GATED else p for p in parts)
    parts = tuple(
        Component(
            p.dimension,
            p.name,
            round(min(p.max_points, max(0.0, p.points)), 2),
            p.max_points,
            p.evidence,
        )
        for p in parts
    )
    dims = {
        name: round(min(top, sum(p.points for p in parts if p.dimension == name)), 2)
        for name, top in (("threat", 35.0), ("vulnerability", 35.0), ("impact", 30.0))
    }
    total = round(dims["threat"] + dims["vulnerability"] + dims["impact"], 2)
    ranked = sorted(strengths.values(), key=lambda s: (-s.risk * s.strength, s.technique_id))
    return ActorScore(
        actor_id=profile.actor_id,
        aries=total,
        tier=aries.tier(total),
        threat=dims["threat"],
        vulnerability=dims["vulnerability"],
        impact=dims["impact"],
        components=parts,
        n_techniques=len(strengths),
        n_tactics=len({t for s in strengths.values() for t in s.tactics}),
        interface=profile.interface,
        aio=profile.aio_ids,
        top_techniques=tuple(s.technique_id for s in ranked[: aries.top_techniques]),
        first_seen=profile.first_seen,
        last_seen=profile.last_seen,
        config=config.fingerprint,
    )


def score_profiles(
    profiles: Sequence[ActorProfile],
    config: Config,
    catalog: Catalog,
    intel: IntelFeed | None = None,
    *,
    grader: LlmGrader | None = None,
) -> list[ActorScore]:
    """Score many actors; ranked by ARiES, highest first (ties by actor id)."""
    names = NameMatcher.from_catalog(catalog, config.aries)
    scores = [
        score_profile(p, config, catalog, intel, grader=grader, names=names) for p in profiles
    ]
    return sorted(scores, key=lambda s: (-s.aries, s.actor_id))


def score_store(
    store: Store,
    config: Config,
    catalog: Catalog,
    intel: IntelFeed | None = None,
    *,
    grader: LlmGrader | None = None,
) -> list[ActorScore]:
    """Profile and score every actor in ``store``; ranked, and saved in its ``scores`` table.

    >>> scores = score_store(store, load_config(), load_catalog())   # doctest: +SKIP
    >>> scores[0].actor_id, scores[0].aries, scores[0].tier            # doctest: +SKIP
    ('acct-50217', 91.4, 'critical')
    """
    profiles = build_profiles(store, catalog, config.aries)
    scores = score_profiles(profiles, config, catalog, intel, grader=grader)
    save_scores(store, scores)
    return scores


def save_scores(store: Store, scores: Sequence[ActorScore]) -> None:
    """Make ``scores`` (ranked) the store's ``scores`` table, as ``score_store`` does."""
    store.replace_scores(_scores_table(scores))


def load_scores(store: Store) -> list[ActorScore]:
    """The scores saved by the last ``score_store``, ranked; empty when there are none."""
    if not store.has_table("scores"):
        return []
    rows = store.query("SELECT * FROM scores ORDER BY rank, actor_id")
    return [
        ActorScore(
            actor_id=row["actor_id"],
            aries=row["aries"],
            tier=row["tier"],
            threat=row["threat"],
            vulnerability=row["vulnerability"],
            impact=row["impact"],
            components=tuple(Component.from_dict(c) for c in json.loads(row["components"])),
            n_techniques=row["n_techniques"],
            n_tactics=row["n_tactics"],
            interface=row["interface"],
            aio=tuple(row["aio"] or ()),
            top_techniques=tuple(row["top_techniques"] or ()),
            first_seen=row["first_seen"],
            last_seen=row["last_seen"],
            config=row["config"],
        )
        for row in rows
    ]


def _scores_table(scores: Sequence[ActorScore]) -> pa.Table:
    ts = pa.timestamp("us", tz="UTC")
    columns: dict[str, pa.Array] = {
        "actor_id": pa.array([s.actor_id for s in scores], pa.string()),
        "rank": pa.array(range(1, len(scores) + 1), pa.int32()),
        "aries": pa.array([s.aries for s in scores], pa.float64()),
        "tier": pa.array([s.tier for s in scores], pa.string()),
        "threat": pa.array([s.threat for s in scores], pa.float64()),
        "vulnerability": pa.array([s.vulnerability for s in scores], pa.float64()),
        "impact": pa.array([s.impact for s in scores], pa.float64()),
        "n_techniques": pa.array([s.n_techniques for s in scores], pa.int32()),
        "n_tactics": pa.array([s.n_tactics for s in scores], pa.int32()),
        "interface": pa.array([s.interface for s in scores], pa.string()),
        "aio": pa.array([list(s.aio) for s in scores], pa.list_(pa.string())),
        "top_techniques": pa.array([list(s.top_techniques) for s in scores], pa.list_(pa.string())),
        "first_seen": pa.array([s.first_seen for s in scores], ts),
        "last_seen": pa.array([s.last_seen for s in scores], ts),
        "config": pa.array([s.config for s in scores], pa.string()),
        "components": pa.array([s.components_json() for s in scores], pa.string()),
    }
    return pa.table(columns)
