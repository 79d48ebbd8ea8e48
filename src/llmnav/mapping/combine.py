"""The ensemble: candidates from every mapper become one calibrated ranking per action.

Confidence of a technique is a noisy-or over the mappers that propose it
(``1 - prod(1 - weight * score)``), so agreement raises it and no mapper can
lower another's finding. The evidence shown is the most specific one: a rule's
matched span before a model's telling words. Tactic scores combine their
techniques the same way. Analyst labels always win (confidence 1).

>>> from llmnav.mapping.base import Candidate
>>> ranking = combine({"rules": [Candidate("T1003.001", 0.9, "procdump -ma lsass")],
...                    "model": [Candidate("T1003.001", 0.6, "lsass")]},
...                   sources={"rules": "rule", "model": "model"})
>>> ranking[0].technique_id, round(ranking[0].confidence, 2), ranking[0].evidence
('T1003.001', 0.96, 'procdump -ma lsass')
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from llmnav.mapping.base import Candidate

__all__ = ["EVIDENCE_ORDER", "Ranked", "combine", "tactic_scores"]

EVIDENCE_ORDER = {"analyst": 0, "rule": 1, "llm": 2, "model": 3}
"""Which kind of mapper's evidence is shown first when several agree."""


@dataclass(frozen=True, slots=True)
class Ranked:
    """One technique in an action's ranking."""

    technique_id: str
    confidence: float
    source: str
    mappers: tuple[str, ...]
    evidence: str


def combine(
    candidates: Mapping[str, Sequence[Candidate]],
    *,
    sources: Mapping[str, str],
    weights: Mapping[str, float] | None = None,
    limit: int = 10,
) -> list[Ranked]:
    """Merge each mapper's candidates (keyed by mapper name) into one ranking, best first."""
    weights = weights or {}
    miss: dict[str, float] = {}
    support: dict[str, list[tuple[int, float, str, str]]] = {}
    for mapper, found in candidates.items():
        source = sources.get(mapper, "model")
        weight = weights.get(mapper, 1.0)
        for candidate in found:
            score = 1.0 if source == "analyst" else min(max(candidate.score, 0.0), 1.0) * weight
            miss[candidate.technique_id] = miss.get(candidate.technique_id, 1.0) * (1.0 - score)
            support.setdefault(candidate.technique_id, []).append(
                (EVIDENCE_ORDER.get(source, 9), -score, mapper, candidate.evidence)
            )
    ranking = []
    for technique_id, remaining in miss.items():
        backers = sorted(support[technique_id])
        best = next((b for b in backers if b[3]), backers[0])
        mappers = tuple(dict.fromkeys(b[2] for b in backers))
        source = sources.get(backers[0][2], "model")
        ranking.append(Ranked(technique_id, 1.0 - remaining, source, mappers, best[3]))
    ranking.sort(key=lambda r: (-r.confidence, r.technique_id))
    return ranking[:limit]


def tactic_scores(
    ranking: Sequence[Ranked], tactics_of: Mapping[str, Sequence[str]]
) -> list[tuple[str, float]]:
    """Tactic ids with a noisy-or of their techniques' confidence, best first."""
    miss: dict[str, float] = {}
    for ranked in ranking:
        for tactic in tactics_of.get(ranked.technique_id, ()):
            miss[tactic] = miss.get(tactic, 1.0) * (1.0 - ranked.confidence)
    scored = [(tactic, 1.0 - remaining) for tactic, remaining in miss.items()]
    scored.sort(key=lambda item: (-item[1], item[0]))
    return scored
