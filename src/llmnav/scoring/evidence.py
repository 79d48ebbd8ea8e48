"""What every score part shares: technique strengths, the actor's intent level, evidence lines.

Evidence lines cite the session, the action's position and intent, and a short
span of its text, with secrets hidden by ``llmnav.redact.redact`` (so a
dumped key or password never reaches a report or a terminal).

>>> saturate(0.0, 2.0), round(saturate(2.0, 2.0), 3)
(0.0, 0.632)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from llmnav.redact import redact
from llmnav.scoring.profile import ActionEvidence, ActorProfile
from llmnav.scoring.techniques import risk_weight

if TYPE_CHECKING:
    from llmnav.scoring.config import AriesConfig

__all__ = [
    "TechniqueStrength",
    "actor_gate",
    "cite",
    "intent_level",
    "quote",
    "saturate",
    "technique_strengths",
]


def saturate(x: float, scale: float) -> float:
    """``1 - e^(-x/scale)``: grows with ``x``, never past 1, 63% at ``x = scale``."""
    return 1.0 - math.exp(-x / scale) if x > 0 else 0.0


def quote(text: str, limit: int = 80) -> str:
    """One redacted line of at most ``limit`` characters.

    >>> quote("nmap -sV\\n 10.0.0.0/24")
    'nmap -sV 10.0.0.0/24'
    """
    line = " ".join(redact(text).split())
    return line if len(line) <= limit else line[: limit - 3] + "..."


def cite(action: ActionEvidence, span: str | None = None, note: str = "") -> str:
    """One evidence line for an action: where it is, its intent, what it says."""
    where = f"{action.session_id} #{action.seq} {action.kind}"
    if action.tool_name:
        where += f" {action.tool_name}"
    extra = f", {note}" if note else ""
    return f"{where} (intent {action.intent:.2f}{extra}): '{quote(span or action.text)}'"


@dataclass(frozen=True, slots=True)
class TechniqueStrength:
    """How strongly an actor shows one technique: the best action's intent weight x confidence."""

    technique_id: str
    tactics: tuple[str, ...]
    strength: float
    risk: float
    action: ActionEvidence
    evidence: str


def technique_strengths(profile: ActorProfile, config: AriesConfig) -> dict[str, TechniqueStrength]:
    """Per technique, its strongest showing across the actor's actions (only weight > 0)."""
    found: dict[str, TechniqueStrength] = {}
    for action in profile.actions:
        if action.weight <= 0:
            continue
        for use in action.techniques:
            strength = action.weight * min(1.0, use.confidence / config.full_confidence)
            best = found.get(use.technique_id)
            if best is None or strength > best.strength:
                risk = risk_weight(use.technique_id, use.tactics, config)
                found[use.technique_id] = TechniqueStrength(
                    use.technique_id, use.tactics, strength, risk, action, use.evidence
                )
    return found


def intent_level(profile: ActorProfile, config: AriesConfig) -> float:
    """The actor's intent clarity, 0-1: mean action weight mixed with its peak and its requests.

    ``(1 - peak_share - request_share) x mean weight + peak_share x mean weight
    of the peak_actions most malicious actions + request_share x mean weight of
    the actor's requests`` (an actor without requests uses its mean weight
    there). What an actor asks for states its task, which a long run of
    ordinary commands (``ls``, ``cat``, ``python3 -c``) that any task needs
    does not.

    >>> from llmnav.config import load_config
    >>> intent_level(ActorProfile("a", "chat"), load_config().aries)
    0.0
    """
    weights = sorted((a.weight for a in profile.actions), reverse=True)
    if not weights:
        return 0.0
    mean = sum(weights) / len(weights)
    peak_n = weights[: config.intent.peak_actions]
    peak = sum(peak_n) / len(peak_n)
    asked = [a.weight for a in profile.actions if a.kind == "request"]
    request = sum(asked) / len(asked) if asked else mean
    peak_share, request_share = config.intent.peak_share, config.intent.request_share
    return (1 - peak_share - request_share) * mean + peak_share * peak + request_share * request


def actor_gate(profile: ActorProfile, config: AriesConfig) -> float:
    """How much the capability parts count, 0-1: the actor's mean intent / ``intent.gate_full``.

    The mean is ``(1 - request_share) x mean action weight + request_share x
    mean weight of its requests`` (the mean action weight alone for an actor
    without requests), capped at 1. The per-action weights already ignore
    harmless actions; the gate also keeps a long harmless session, whose few
    borderline actions add up, from scoring like an attack. It takes no peak:
    a few spikes must not unlock the capability points of a mostly harmless
    actor, while the task the actor asked for (a request to crack a password
    or to fix a failing test) says what its ordinary commands serve.
    """
    if not profile.actions:
        return 0.0
    mean = sum(a.weight for a in profile.actions) / len(profile.actions)
    asked = [a.weight for a in profile.actions if a.kind == "request"]
    request = sum(asked) / len(asked) if asked else mean
    share = config.intent.request_share
    return min(1.0, ((1 - share) * mean + share * request) / config.intent.gate_full)
