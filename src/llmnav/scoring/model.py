"""ARiES records: one part of a score, an actor's score, a technique's score.

>>> part = Component("threat", "intent clarity", 9.5, 12.0, ("action a1: 'dump lsass'",))
>>> part.share
0.7916666666666666
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any, Literal

__all__ = ["DIMENSIONS", "ActorScore", "Component", "Dimension", "TechniqueScore"]

Dimension = Literal["threat", "vulnerability", "impact"]
DIMENSIONS: tuple[Dimension, ...] = ("threat", "vulnerability", "impact")


@dataclass(frozen=True, slots=True)
class Component:
    """One part of a dimension: its points out of ``max_points`` and the evidence behind them.

    ``evidence`` lines cite the action or session and the text span, already
    passed through ``llmnav.redact`` when it is available.
    """

    dimension: Dimension
    name: str
    points: float
    max_points: float
    evidence: tuple[str, ...] = ()

    @property
    def share(self) -> float:
        """Points as a share of the maximum (0 when the part has no points to give)."""
        return self.points / self.max_points if self.max_points else 0.0

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["evidence"] = list(self.evidence)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Component:
        return cls(
            dimension=data["dimension"],
            name=data["name"],
            points=float(data["points"]),
            max_points=float(data["max_points"]),
            evidence=tuple(data.get("evidence") or ()),
        )


@dataclass(frozen=True, slots=True)
class ActorScore:
    """An actor's ARiES: the total (0-100), its tier, its three dimensions and their parts.

    ``aries`` is exactly ``threat + vulnerability + impact`` (each rounded to
    two decimals first); ``config`` is the fingerprint of the configuration
    that produced it.
    """

    actor_id: str
    aries: float
    tier: str
    threat: float
    vulnerability: float
    impact: float
    components: tuple[Component, ...]
    n_techniques: int
    n_tactics: int
    interface: str
    aio: tuple[str, ...]
    top_techniques: tuple[str, ...]
    first_seen: datetime | None
    last_seen: datetime | None
    config: str

    def dimension(self, name: Dimension) -> tuple[Component, ...]:
        """The parts of one dimension, in the order they were scored."""
        return tuple(c for c in self.components if c.dimension == name)

    def components_json(self) -> str:
        return json.dumps([c.to_dict() for c in self.components], ensure_ascii=False)


@dataclass(frozen=True, slots=True)
class TechniqueScore:
    """A technique across the population: its risk weight and the actors using it."""

    technique_id: str
    name: str
    risk_weight: float
    n_actors: int
    mean_aries: float
