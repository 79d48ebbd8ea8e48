"""The ensemble: candidates from every mapper become one calibrated ranking per action.

Confidence of a technique is a noisy-or over the mappers that propose it
(``1 - prod(1 - weight * score)``), so agreement raises it and no mapper can
lower another's finding. The evidence shown is the most specific one: a rule's
matched span before a model's telling words, with secrets (keys, tokens,
passwords) hidden, since it is shown and exported. Tactic scores combine their
techniques the same way, ranked by their best technique. Analyst labels
always win (confidence 1).

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
from functools import lru_cache

from llmnav.mapping.base import Candidate
from llmnav.redact import redact

__all__ = [
    "EVIDENCE_ORDER",
    "Ranked",
    "combine",
    "request_tactic_scores",
    "rule_named",
    "rules_first",
    "tactic_scores",
]

EVIDENCE_ORDER = {"analyst": 0, "rule": 1, "llm": 2, "model": 3}
"""Which kind of mapper's evidence is shown first when several agree."""

_shown = lru_cache(maxsize=1 << 16)(redact)
"""Evidence as it may be shown: the same few spans and words recur across actions."""


RULE_PRECEDENCE_SCORE = 0.5
"""A rule match at least this sure is precise evidence of what a command does."""


def rule_named(
    candidates: Mapping[str, Sequence[Candidate]], sources: Mapping[str, str]
) -> frozenset[str]:
    """The techniques rules named with at least ``RULE_PRECEDENCE_SCORE``."""
    return frozenset(
        c.technique_id
        for mapper, found in candidates.items()
        if sources.get(mapper) == "rule"
        for c in found
        if c.score >= RULE_PRECEDENCE_SCORE
    )


def rules_first(ranking: Sequence[Ranked], named: frozenset[str]) -> list[Ranked]:
    """The ranking with the techniques a rule named first, confidences unchanged.

    A rule names the technique from a precise pattern (a read of
    ``.bash_history`` is looking for passwords typed on the command line); a
    learned model beside it is often guessing from surface words (history ->
    Clear Command History, 0.8) and would otherwise come first. The model's
    other techniques keep their place after it and their confidence.

    Chosen on development commands only (Atomic holdout, LOLBAS, half of the
    Caldera corpus); not used for report sentences, where it cost TRAM accuracy.

    >>> ranking = [Ranked("T1070.003", 0.8, "model", ("model",), "history"),
    ...            Ranked("T1552.003", 0.65, "rule", ("rules",), "cat ~/.bash_history")]
    >>> [r.technique_id for r in rules_first(ranking, frozenset({"T1552.003"}))]
    ['T1552.003', 'T1070.003']
    """
    if not named:
        return list(ranking)
    return sorted(ranking, key=lambda ranked: ranked.technique_id not in named)


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
    detail: bool = True,
) -> list[Ranked]:
    """Merge each mapper's candidates (keyed by mapper name) into one ranking, best first.

    ``detail=False`` leaves out what backs each technique (``source``, ``mappers``
    and ``evidence`` stay empty), for callers that show only ids and confidences.
    """
    weights = weights or {}
    if not detail:
        return _confidences(candidates, sources, weights, limit)
    miss: dict[str, float] = {}
    support: dict[str, list[tuple[int, float, str, str]]] = {}
    for mapper, found in candidates.items():
        if not found:
            continue
        source = sources.get(mapper, "model")
        weight = weights.get(mapper, 1.0)
        order = EVIDENCE_ORDER.get(source, 9)
        analyst = source == "analyst"
        for candidate in found:
            technique_id = candidate.technique_id
            score = 1.0 if analyst else min(max(candidate.score, 0.0), 1.0) * weight
            miss[technique_id] = miss.get(technique_id, 1.0) * (1.0 - score)
            backer = (order, -score, mapper, candidate.evidence)
            backers = support.get(technique_id)
            if backers is None:
                support[technique_id] = [backer]
            else:
                backers.append(backer)
    scored = [(1.0 - remaining, technique_id) for technique_id, remaining in miss.items()]
    scored.sort(key=_best_first)
    ranking = []
    for confidence, technique_id in scored[:limit]:
        backers = support[technique_id]
        if len(backers) > 1:
            backers.sort()
            best = next((b for b in backers if b[3]), backers[0])
            mappers = tuple(dict.fromkeys(b[2] for b in backers))
        else:
            best = backers[0]
            mappers = (best[2],)
        source = sources.get(backers[0][2], "model")
        ranking.append(Ranked(technique_id, confidence, source, mappers, _shown(best[3])))
    return ranking


def _confidences(
    candidates: Mapping[str, Sequence[Candidate]],
    sources: Mapping[str, str],
    weights: Mapping[str, float],
    limit: int,
) -> list[Ranked]:
    """``combine`` without the backing: the same confidences, the same order."""
    miss: dict[str, float] = {}
    for mapper, found in candidates.items():
        if not found:
            continue
        if sources.get(mapper, "model") == "analyst":
            for candidate in found:
                miss[candidate.technique_id] = miss.get(candidate.technique_id, 1.0) * 0.0
            continue
        weight = weights.get(mapper, 1.0)
        for candidate in found:
            score = min(max(candidate.score, 0.0), 1.0) * weight
            miss[candidate.technique_id] = miss.get(candidate.technique_id, 1.0) * (1.0 - score)
    scored = [(1.0 - remaining, technique_id) for technique_id, remaining in miss.items()]
    scored.sort(key=_best_first)
    return [Ranked(technique_id, conf, "", (), "") for conf, technique_id in scored[:limit]]


def _best_first(scored: tuple[float, str]) -> tuple[float, str]:
    return -scored[0], scored[1]


def tactic_scores(
    ranking: Sequence[Ranked], tactics_of: Mapping[str, Sequence[str]]
) -> list[tuple[str, float]]:
    """Tactic ids with a noisy-or of their techniques' confidence, ranked by their best technique.

    The order follows the most confident technique of each tactic (ties: the
    noisy-or), so a tactic with many techniques (Defense Evasion has over 200)
    cannot pass the tactic of the first technique on a pile of weak candidates.
    The score stays the noisy-or, which thresholds read as "this tactic is there".

    >>> ranking = [Ranked("T1071.001", 0.6, "model", ("model",), ""),
    ...            Ranked("T1027", 0.4, "model", ("model",), ""),
    ...            Ranked("T1027.013", 0.4, "model", ("model",), "")]
    >>> [(t, round(s, 2)) for t, s in tactic_scores(ranking, {"T1071.001": ["TA0011"],
    ...     "T1027": ["TA0005"], "T1027.013": ["TA0005"]})]
    [('TA0011', 0.6), ('TA0005', 0.64)]
    """
    miss: dict[str, float] = {}
    best: dict[str, float] = {}
    for ranked in ranking:
        for tactic in tactics_of.get(ranked.technique_id, ()):
            miss[tactic] = miss.get(tactic, 1.0) * (1.0 - ranked.confidence)
            best[tactic] = max(best.get(tactic, 0.0), ranked.confidence)
    order = sorted(miss, key=lambda tactic: (-best[tactic], miss[tactic], tactic))
    return [(tactic, 1.0 - miss[tactic]) for tactic in order]


MIN_TACTIC_PROBABILITY = 0.1
"""Tactics the tactic model gives less than this are left out of a request's ranking."""


def request_tactic_scores(
    probabilities: Sequence[float], tactics: Sequence[str], ranking: Sequence[Ranked]
) -> list[tuple[str, float]]:
    """A request's tactics: ranked by the tactic model (which tactic the request's goal
    serves), scaled by the confidence of its first technique (whether it asks for an
    ATT&CK technique at all), so a harmless question keeps low tactic scores.

    A request names its goal ("so it survives a reboot", "to run as SYSTEM") more
    clearly than its mechanism, and many mechanisms serve several tactics.

    >>> first = Ranked("T1053.005", 0.8, "model", ("model",), "")
    >>> [(t, round(s, 2)) for t, s in request_tactic_scores([0.7, 0.25, 0.05],
    ...                                                    ["TA0003", "TA0002", "TA0004"],
    ...                                                    [first])]
    [('TA0003', 0.56), ('TA0002', 0.2)]
    """
    if not ranking:
        return []
    strength = ranking[0].confidence
    ranked = sorted(zip(tactics, probabilities, strict=True), key=lambda pair: (-pair[1], pair[0]))
    return [(tactic, p * strength) for tactic, p in ranked if p >= MIN_TACTIC_PROBABILITY]
