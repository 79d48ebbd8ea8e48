"""Threat (0-35): intent clarity, technical sophistication, threat-intel signals, evasion.

Each function returns one ``Component`` with the evidence behind its points.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from llmnav.scoring.evidence import TechniqueStrength, cite, intent_level, quote
from llmnav.scoring.intel import IntelFeed, NameMatcher
from llmnav.scoring.model import Component
from llmnav.scoring.profile import ActorProfile
from llmnav.scoring.rubric import Grade

if TYPE_CHECKING:
    from llmnav.config import Config

__all__ = ["evasion", "intel", "intent_clarity", "sophistication"]


def intent_clarity(profile: ActorProfile, config: Config) -> Component:
    """How clearly the actor means harm: its intent level (``evidence.intent_level``)."""
    aries = config.aries
    level = intent_level(profile, aries)
    top = sorted(profile.actions, key=lambda a: (-a.intent, a.session_id, a.seq))
    evidence = [f"intent level {level:.2f} over {len(profile.actions)} actions"]
    evidence += [cite(a) for a in top[: aries.evidence_per_part] if a.weight > 0]
    points = aries.threat.intent_clarity * level
    return Component(
        "threat", "intent clarity", points, aries.threat.intent_clarity, tuple(evidence)
    )


def sophistication(grade: Grade, config: Config, llm: Grade | None = None) -> Component:
    """Technical sophistication from the rubric grade, blended with an LLM grade when given."""
    aries = config.aries
    value = grade.value(aries)
    evidence = list(grade.evidence)
    if llm is not None:
        share = aries.threat.llm_grader_share
        value = (1 - share) * value + share * llm.value(aries)
        evidence += [f"LLM grader ({share:.0%}): {line}" for line in llm.evidence]
    maximum = aries.threat.sophistication
    return Component(
        "threat", "technical sophistication", maximum * value, maximum, tuple(evidence)
    )


def intel(
    profile: ActorProfile, config: Config, names: NameMatcher, feed: IntelFeed | None
) -> Component:
    """ATT&CK groups and software named in the actor's own text; indicator feed matches.

    A name counts with the intent weight of the action naming it, so a defender
    writing a detection rule for Mimikatz gets nothing from it. Indicators from
    a feed count in full wherever they appear (text, tool input or result).
    """
    threat = config.aries.threat
    unit = {"group": threat.group_weight, "malware": threat.malware_weight}
    named: dict[str, tuple[float, str]] = {}
    matched: dict[str, str] = {}
    for action in profile.actions:
        if action.weight > 0:
            for hit in names.find(action.text):
                score = unit.get(hit.kind, threat.tool_weight) * action.weight
                if score > named.get(hit.entity_id, (0.0, ""))[0]:
                    line = cite(action, note=f"{hit.kind} {hit.entity_id} {hit.name}")
                    named[hit.entity_id] = (score, line)
        if feed is not None:
            for text in (action.text, action.result or ""):
                for indicator in feed.match(text):
                    label = f" ({indicator.label})" if indicator.label else ""
                    matched.setdefault(
                        indicator.value,
                        cite(action, note=f"indicator {quote(indicator.value, 60)}{label}"),
                    )
    units = sum(s for s, _ in named.values()) + threat.indicator_weight * len(matched)
    ranked = sorted(named.values(), key=lambda item: -item[0])
    evidence = [line for _, line in ranked] + list(matched.values())
    points = threat.intel * min(1.0, units / 2.0)
    limit = config.aries.evidence_per_part
    return Component(
        "threat", "threat-intel signals", points, threat.intel, tuple(evidence[:limit])
    )


def evasion(
    profile: ActorProfile, config: Config, strengths: dict[str, TechniqueStrength]
) -> Component:
    """Detection evasion: evasion techniques, persona framing, AIO.T0010 decomposition."""
    aries = config.aries
    threat = aries.threat
    evidence: list[str] = []
    evasive = [s for s in strengths.values() if "defense-evasion" in s.tactics]
    best = max(evasive, key=lambda s: s.strength, default=None)
    technique = best.strength if best else 0.0
    if best is not None:
        evidence.append(cite(best.action, best.evidence or None, note=best.technique_id))
    persona = 0.0
    patterns = [re.compile(p, re.IGNORECASE) for p in config.orchestration.T0010.persona_patterns]
    for action in profile.actions:
        if action.kind != "request" or action.weight <= 0:
            continue
        for pattern in patterns:
            found = pattern.search(action.text)
            if found and action.weight > persona:
                persona = action.weight
                evidence.append(cite(action, found.group(0), note="persona framing"))
                break
    decomposition = max(
        (h.strength for h in profile.aio if h.behaviour_id == "AIO.T0010"), default=0.0
    )
    evidence += [
        f"{h.behaviour_id} {h.session_id}: {quote(h.detail)}"
        for h in profile.aio
        if h.behaviour_id == "AIO.T0010"
    ]
    # Persona framing and decomposition are evasion only when what they hide is
    # harmful: the actor's intent gate (applied to the whole part) sees to that.
    value = min(
        1.0,
        threat.evasion_technique_share * technique
        + threat.persona_share * persona
        + threat.decomposition_share * decomposition,
    )
    limit = aries.evidence_per_part
    return Component(
        "threat",
        "detection evasion",
        threat.evasion * value,
        threat.evasion,
        tuple(evidence[:limit]),
    )
