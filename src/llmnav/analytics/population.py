"""The scored population as one typed record: what every analysis and layer reads.

A :class:`Population` holds one :class:`ActorRecord` per scored actor: its
ARiES and parts, its interface and active time, the techniques and tactics
the pipeline mapped to its actions (with observation counts) and its AIO
behaviours. Techniques are the actor's profile counts (``llmnav.scoring.profile``:
an action counts when its intent is above the ``aries.intent.floor`` and the
hit has at least ``aries.min_confidence`` and rank ``aries.max_rank`` or
better), so an actor's ``n_techniques`` equals ``ActorScore.n_techniques``.

>>> from datetime import UTC, datetime
>>> actor = ActorRecord("acct-1", 61.0, "medium", threat=20.0, vulnerability=25.0,
...                     impact=16.0, sophistication=6.5, interface="agent",
...                     first_seen=datetime(2025, 1, 3, tzinfo=UTC),
...                     techniques={"T1003.001": 2, "T1021.004": 1},
...                     tactics={"TA0006": 2, "TA0008": 1})
>>> population = Population((actor,))
>>> population.n_actors, population.observations, actor.n_techniques
(1, 3, 2)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from llmnav.scoring.model import ActorScore

if TYPE_CHECKING:
    from llmnav.catalog import Catalog
    from llmnav.config import Config
    from llmnav.scoring.profile import ActorProfile
    from llmnav.store.duckdb import Store

__all__ = [
    "HIGH_TIERS",
    "SOPHISTICATION",
    "TIERS",
    "ActorRecord",
    "Population",
    "build_population",
    "population_from_profiles",
    "population_from_scores",
]

TIERS: tuple[str, ...] = ("low", "medium", "high", "critical")
"""ARiES tiers, lowest first."""

HIGH_TIERS: frozenset[str] = frozenset({"high", "critical"})
"""The tiers called "high-risk" in the analytics."""

SOPHISTICATION = "technical sophistication"
"""The name of the ARiES part the circularity check drops."""


@dataclass(frozen=True, slots=True)
class ActorRecord:
    """One scored actor as the analytics see it.

    ``techniques`` maps technique id to its observations (the actor's counted
    actions mapped to it); ``tactics`` maps tactic id (``TA0008``) to the
    actions mapped to any technique of that tactic. ``components`` maps each
    ARiES part name to its points.
    """

    actor_id: str
    aries: float
    tier: str
    threat: float = 0.0
    vulnerability: float = 0.0
    impact: float = 0.0
    sophistication: float = 0.0
    interface: str = "chat"
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    techniques: Mapping[str, int] = field(default_factory=dict)
    tactics: Mapping[str, int] = field(default_factory=dict)
    aio: tuple[str, ...] = ()
    components: Mapping[str, float] = field(default_factory=dict)
    n_actions: int = 0

    @property
    def n_techniques(self) -> int:
        """How many distinct techniques the actor used."""
        return len(self.techniques)

    @property
    def n_tactics(self) -> int:
        """How many distinct tactics the actor's techniques belong to."""
        return len(self.tactics)

    @property
    def observations(self) -> int:
        """Technique observations: (counted action, technique) pairs."""
        return sum(self.techniques.values())

    @property
    def high_risk(self) -> bool:
        """Tier high or critical."""
        return self.tier in HIGH_TIERS


@dataclass(frozen=True, slots=True)
class Population:
    """Every scored actor, ranked by ARiES (highest first, ties by actor id)."""

    actors: tuple[ActorRecord, ...]

    def __post_init__(self) -> None:
        ranked = tuple(sorted(self.actors, key=lambda a: (-a.aries, a.actor_id)))
        object.__setattr__(self, "actors", ranked)

    @property
    def n_actors(self) -> int:
        return len(self.actors)

    @property
    def observations(self) -> int:
        """Technique observations of all actors together."""
        return sum(a.observations for a in self.actors)

    @property
    def n_actions(self) -> int:
        """Actions of all actors (counted or not)."""
        return sum(a.n_actions for a in self.actors)

    def techniques(self) -> list[str]:
        """Every technique id used by at least one actor, sorted."""
        return sorted({t for a in self.actors for t in a.techniques})

    def tactics(self) -> list[str]:
        """Every tactic id used by at least one actor, sorted."""
        return sorted({t for a in self.actors for t in a.tactics})

    def span(self) -> tuple[datetime, datetime] | None:
        """First and last activity over the population (None when nothing is dated)."""
        starts = [a.first_seen for a in self.actors if a.first_seen is not None]
        ends = [a.last_seen or a.first_seen for a in self.actors if a.first_seen is not None]
        dated = [e for e in ends if e is not None]
        if not starts or not dated:
            return None
        return min(starts), max(dated)

    def actor(self, actor_id: str) -> ActorRecord:
        for actor in self.actors:
            if actor.actor_id == actor_id:
                return actor
        raise KeyError(actor_id)


def build_population(
    store: Store, scores: Sequence[ActorScore], catalog: Catalog, config: Config
) -> Population:
    """The population of ``scores``, with the techniques each actor was mapped to in ``store``.

    Reads the store through ``llmnav.scoring.build_profiles``, so techniques are
    counted by the one rule ARiES uses. ``analyze``, which has the profiles
    already, calls ``population_from_profiles``.

    >>> population = build_population(store, scores, catalog, config)   # doctest: +SKIP
    >>> population.actors[0].actor_id, population.actors[0].n_techniques  # doctest: +SKIP
    ('op-espionage', 37)
    """
    from llmnav.scoring.profile import build_profiles

    return population_from_profiles(build_profiles(store, catalog, config.aries), scores, catalog)


def population_from_profiles(
    profiles: Iterable[ActorProfile], scores: Sequence[ActorScore], catalog: Catalog
) -> Population:
    """The population of ``scores`` with each actor's technique and tactic counts taken from
    its profile (tactic shortnames become ids such as ``TA0008``)."""
    tactic_ids = {t.shortname: t.id for t in catalog.tactics}
    profiles = list(profiles)
    return population_from_scores(
        scores,
        {p.actor_id: p.techniques for p in profiles},
        {p.actor_id: {tactic_ids.get(t, t): n for t, n in p.tactics.items()} for p in profiles},
        {p.actor_id: len(p.actions) for p in profiles},
    )


def population_from_scores(
    scores: Iterable[ActorScore],
    techniques: Mapping[str, Mapping[str, int]],
    tactics: Mapping[str, Mapping[str, int]],
    n_actions: Mapping[str, int] | None = None,
) -> Population:
    """A population from scores and per-actor observation counts (for data not in a store)."""
    records = []
    for score in scores:
        parts = {c.name: c.points for c in score.components}
        records.append(
            ActorRecord(
                actor_id=score.actor_id,
                aries=score.aries,
                tier=score.tier,
                threat=score.threat,
                vulnerability=score.vulnerability,
                impact=score.impact,
                sophistication=parts.get(SOPHISTICATION, 0.0),
                interface=score.interface,
                first_seen=score.first_seen,
                last_seen=score.last_seen,
                techniques=dict(sorted(techniques.get(score.actor_id, {}).items())),
                tactics=dict(sorted(tactics.get(score.actor_id, {}).items())),
                aio=tuple(score.aio),
                components=parts,
                n_actions=(n_actions or {}).get(score.actor_id, 0),
            )
        )
    return Population(tuple(records))
