"""Per-technique risk weights and technique scores.

A technique's risk weight is the highest kill-chain stage weight of its tactics
(``aries.risk.tactics``), unless ``aries.risk.overrides`` names it or its
parent technique.

>>> from llmnav.config import load_config
>>> aries = load_config().aries
>>> risk_weight("T1021.004", ("lateral-movement",), aries)    # parent override
1.0
>>> risk_weight("T1083", ("discovery",), aries)
0.3
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from llmnav.scoring.model import ActorScore, TechniqueScore
from llmnav.scoring.profile import ActorProfile

if TYPE_CHECKING:
    from llmnav.catalog import Catalog
    from llmnav.config import Config
    from llmnav.scoring.config import AriesConfig

__all__ = ["risk_weight", "risk_weights", "technique_scores"]


def risk_weight(technique_id: str, tactics: Iterable[str], config: AriesConfig) -> float:
    """The risk weight of one technique given its tactic shortnames."""
    overrides = config.risk.overrides
    if technique_id in overrides:
        return overrides[technique_id]
    parent = technique_id.split(".", 1)[0]
    if parent in overrides:
        return overrides[parent]
    stages = [config.risk.tactics[t] for t in tactics if t in config.risk.tactics]
    return max(stages, default=config.risk.default)


def risk_weights(catalog: Catalog, config: AriesConfig) -> dict[str, float]:
    """The risk weight of every active technique of ``catalog``, by id."""
    return {t.id: risk_weight(t.id, t.tactics, config) for t in catalog.techniques()}


def technique_scores(
    scores: Sequence[ActorScore],
    profiles: Sequence[ActorProfile],
    config: Config,
    catalog: Catalog | None = None,
) -> list[TechniqueScore]:
    """Each technique used by a profiled actor: risk weight, actor count, mean ARiES.

    Sorted by mean ARiES, then actor count, then id. ``catalog`` supplies names
    and tactics for techniques the profiles do not carry tactics for.
    """
    aries = {s.actor_id: s.aries for s in scores}
    actors: dict[str, set[str]] = defaultdict(set)
    tactics: dict[str, tuple[str, ...]] = {}
    for profile in profiles:
        for action in profile.actions:
            if action.weight <= 0:
                continue
            for use in action.techniques:
                actors[use.technique_id].add(profile.actor_id)
                tactics.setdefault(use.technique_id, use.tactics)
    found = []
    for technique, who in actors.items():
        name = ""
        if catalog is not None:
            known = catalog.get_technique(technique)
            if known is not None:
                name = known.name
                tactics[technique] = tactics[technique] or known.tactics
        # Sorted, so the float sum (and its rounding) does not depend on set order.
        values = [aries[a] for a in sorted(who) if a in aries]
        mean = round(sum(values) / len(values), 2) if values else 0.0
        weight = risk_weight(technique, tactics[technique], config.aries)
        found.append(TechniqueScore(technique, name, weight, len(who), mean))
    found.sort(key=lambda t: (-t.mean_aries, -t.n_actors, t.technique_id))
    return found
