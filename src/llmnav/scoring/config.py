"""The ``aries:`` section of the configuration file: every weight ARiES uses.

The section lives in ``llmnav/data/llmnav.yaml`` with a comment on each key;
``docs/aries.md`` explains what each part measures. This module holds only the
validated model, so ``llmnav.config`` can import it without pulling in the
scoring code.

>>> from llmnav.config import load_config
>>> aries = load_config().aries
>>> aries.tiers.medium, aries.tiers.high, aries.tiers.critical
(50.0, 70.0, 85.0)
>>> aries.tier(84.9), aries.tier(85)
('high', 'critical')
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "AriesConfig",
    "ImpactWeights",
    "IntentWeights",
    "RiskWeights",
    "ThreatWeights",
    "Tier",
    "TierCuts",
    "VulnerabilityWeights",
]

Tier = Literal["low", "medium", "high", "critical"]

_Unit = Field(ge=0, le=1)


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class IntentWeights(_Section):
    """How an action's intent probability turns into its weight (0 below floor, 1 at full)."""

    floor: float = _Unit
    full: float = _Unit
    peak_actions: int = Field(ge=1)
    peak_share: float = _Unit
    request_share: float = _Unit
    gate_full: float = Field(gt=0, le=1)

    @model_validator(mode="after")
    def _ordered(self) -> IntentWeights:
        if self.full <= self.floor:
            raise ValueError("intent.full must be above intent.floor")
        if self.peak_share + self.request_share > 1.0 + 1e-9:
            raise ValueError("intent.peak_share + intent.request_share must be at most 1")
        return self


class ThreatWeights(_Section):
    """Points of the four threat parts (their sum is the threat maximum, 35 by default)."""

    intent_clarity: float = Field(ge=0)
    sophistication: float = Field(ge=0)
    intel: float = Field(ge=0)
    evasion: float = Field(ge=0)
    rubric: dict[str, float]
    llm_grader_share: float = _Unit
    advanced_techniques: tuple[str, ...]
    malware_weight: float = Field(ge=0)
    group_weight: float = Field(ge=0)
    tool_weight: float = Field(ge=0)
    indicator_weight: float = Field(ge=0)
    ignore_names: tuple[str, ...]
    persona_share: float = _Unit
    decomposition_share: float = _Unit
    evasion_technique_share: float = _Unit


class VulnerabilityWeights(_Section):
    """Points of model enablement and interface risk (sum: 35 by default)."""

    enablement: float = Field(ge=0)
    interface: float = Field(ge=0)
    executed: float = _Unit
    issued: float = _Unit
    delivered: float = _Unit
    advised: float = _Unit
    refused: float = _Unit
    peak_share: float = _Unit
    saturation: float = Field(gt=0)
    interfaces: dict[str, float]
    aio_raise: dict[str, float]


class ImpactWeights(_Section):
    """Points of observed and potential impact (sum: 30 by default)."""

    observed: float = Field(ge=0)
    potential: float = Field(ge=0)
    observed_kinds: dict[str, float]
    observed_saturation: float = Field(gt=0)
    post_compromise_tactics: tuple[str, ...]
    peak_share: float = _Unit
    saturation: float = Field(gt=0)


class RiskWeights(_Section):
    """Per-technique risk: the highest stage weight of its tactics unless overridden."""

    tactics: dict[str, float]
    overrides: dict[str, float]
    default: float = _Unit


class TierCuts(_Section):
    """Lowest ARiES of each tier above ``low``."""

    medium: float = Field(ge=0, le=100)
    high: float = Field(ge=0, le=100)
    critical: float = Field(ge=0, le=100)

    @model_validator(mode="after")
    def _ordered(self) -> TierCuts:
        if not self.medium <= self.high <= self.critical:
            raise ValueError("tiers must satisfy medium <= high <= critical")
        return self


class AriesConfig(_Section):
    """Everything ARiES needs besides the data: parts, weights, tiers."""

    intent: IntentWeights
    threat: ThreatWeights
    vulnerability: VulnerabilityWeights
    impact: ImpactWeights
    risk: RiskWeights
    tiers: TierCuts
    min_confidence: float = _Unit
    full_confidence: float = Field(gt=0, le=1)
    max_rank: int = Field(ge=1)
    top_techniques: int = Field(ge=1)
    evidence_per_part: int = Field(ge=1)

    @model_validator(mode="after")
    def _dimension_totals(self) -> AriesConfig:
        # The published split (35/35/30) is a contract of the score's range, so
        # the parts of each dimension must add up to it exactly.
        t, v, i = self.threat, self.vulnerability, self.impact
        totals = {
            "threat": (t.intent_clarity + t.sophistication + t.intel + t.evasion, 35.0),
            "vulnerability": (v.enablement + v.interface, 35.0),
            "impact": (i.observed + i.potential, 30.0),
        }
        for name, (got, want) in totals.items():
            if abs(got - want) > 1e-9:
                raise ValueError(f"the parts of {name} must add up to {want:g}, not {got:g}")
        if abs(sum(t.rubric.values()) - 1.0) > 1e-9 or set(t.rubric) != set(RUBRIC):
            raise ValueError(f"threat.rubric needs weights adding up to 1 for {', '.join(RUBRIC)}")
        return self

    def tier(self, aries: float) -> Tier:
        """The tier of a score under these cut-points."""
        if aries >= self.tiers.critical:
            return "critical"
        if aries >= self.tiers.high:
            return "high"
        if aries >= self.tiers.medium:
            return "medium"
        return "low"


RUBRIC: tuple[str, ...] = ("expertise", "operator_skill", "bespoke_tooling", "capability_depth")
"""The criteria of the sophistication rubric, in the order they are shown."""
