"""Mapping engine: runs the configured mappers, the ensemble and the intent model.

>>> engine = MappingEngine.default()                                # doctest: +SKIP
>>> result = engine.map([MapInput("a1", "procdump -ma lsass.exe", "command")])[0]
>>> result.techniques[0].technique_id, result.tactics[0][0]        # doctest: +SKIP
('T1003.001', 'TA0006')
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from llmnav.catalog import Catalog, load_catalog
from llmnav.mapping.base import MapInput, Mapper
from llmnav.mapping.combine import (
    Ranked,
    combine,
    request_tactic_scores,
    rule_named,
    rules_first,
    tactic_scores,
)
from llmnav.mapping.focus import request_focus
from llmnav.mapping.intent import IntentModel
from llmnav.mapping.model import ModelMapper
from llmnav.mapping.rules.mapper import EVIDENCE_CHARS
from llmnav.records import TechniqueHit
from llmnav.redact import redact

__all__ = ["MappingEngine", "MappingResult"]

DEFAULT_WEIGHTS: Mapping[str, float] = {"model": 1.0, "rules": 1.0, "reference": 1.0, "llm": 0.8}


@dataclass(frozen=True, slots=True)
class MappingResult:
    """The ranking of one input: techniques, tactics and intent."""

    id: str
    techniques: list[Ranked]
    tactics: list[tuple[str, float]]
    intent: float
    goal: str = ""
    """The clause a request's tactics were read from, as shown (secrets hidden, cut
    like evidence); empty where the tactics are those of its techniques, and kept
    only when evidence is asked for."""

    def hits(
        self, attack_version: str, tactics_of: Mapping[str, Sequence[str]]
    ) -> list[TechniqueHit]:
        """The ranking as stored TechniqueHit records."""
        return [
            TechniqueHit(
                action_id=self.id,
                technique_id=r.technique_id,
                tactic_ids=tuple(tactics_of.get(r.technique_id, ())),
                confidence=round(r.confidence, 4),
                source=r.source,
                mappers=r.mappers,
                evidence=r.evidence,
                rank=rank,
                attack_version=attack_version,
            )
            for rank, r in enumerate(self.techniques, start=1)
        ]


@dataclass
class MappingEngine:
    """The mappers to run and how to combine them."""

    mappers: Sequence[Mapper]
    catalog: Catalog
    intent: IntentModel | None = None
    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    limit: int = 10
    tactics_of: dict[str, tuple[str, ...]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.tactics_of = {t.id: t.tactic_ids for t in self.catalog.techniques()}

    @classmethod
    def default(
        cls,
        catalog: Catalog | None = None,
        *,
        sigma_dir: Path | None = None,
        llm_config: Path | None = None,
        semantic: bool = False,
        extra: Sequence[Mapper] = (),
    ) -> MappingEngine:
        """Analyst labels, rules, explicit references and the learned model, plus Sigma
        rules, an LLM mapper and the (slow, optional) semantic mapper when asked for."""
        from llmnav.mapping.registry import builtin_mappers

        catalog = catalog or load_catalog()
        mappers: list[Mapper] = [*builtin_mappers(catalog), *extra]
        if sigma_dir is not None:
            from llmnav.mapping.sigma import SigmaMapper

            mappers.append(SigmaMapper.from_directory(sigma_dir))
        if llm_config is not None:
            from llmnav.mapping.llm import build_llm_mapper, load_llm_settings

            mappers.append(build_llm_mapper(load_llm_settings(llm_config), catalog))
        if semantic:
            from llmnav.mapping.semantic.mapper import SemanticMapper

            mappers.append(SemanticMapper())
        return cls(mappers, catalog, IntentModel())

    def map(
        self, items: Sequence[MapInput], *, evidence: bool = True, tactics: bool = True
    ) -> list[MappingResult]:
        """Map a batch of inputs (one result per input, same order).

        ``evidence=False`` is for callers that show only ids and scores: the same
        rankings, confidences, tactics and intents, without what backs each
        technique (``source``, ``mappers`` and ``evidence`` stay empty).
        ``tactics=False`` is for callers that keep only the techniques (stored hits
        carry their techniques' tactics): the tactic ranking stays empty.
        """
        if not items:
            return []
        texts = [item.text for item in items]
        model = next((m for m in self.mappers if isinstance(m, ModelMapper)), None)
        features = words = None
        if model is not None:
            features, words = model.features_and_words(texts)
        per_mapper = {
            m.name: m.map_features(items, features, words, evidence=evidence)
            if isinstance(m, ModelMapper) and features is not None
            else m.map_batch(items)
            for m in self.mappers
        }
        sources = {m.name: m.source for m in self.mappers}
        if self.intent is None:
            intents = [0.0] * len(items)
        elif features is not None and model is not None and model.artefact is self.intent.artefact:
            intents = self.intent.predict_features(features)
        else:
            intents = self.intent.predict(texts)
        tactic_ids, probabilities_of, clauses = (
            self._request_tactics(items, model) if tactics else ([], {}, {})
        )
        found = list(per_mapper.values())
        names = list(per_mapper)
        weights, limit, tactics_of = self.weights, self.limit, self.tactics_of
        results = []
        for index, item in enumerate(items):
            candidates = dict(zip(names, [f[index] for f in found], strict=True))
            ranking = combine(
                candidates, sources=sources, weights=weights, limit=limit, detail=evidence
            )
            if item.kind == "command":
                # Chosen on commands only; on report sentences it cost TRAM accuracy.
                ranking = rules_first(ranking, rule_named(candidates, sources))
            probabilities = probabilities_of.get(index)
            if not tactics:
                ranked_tactics = []
            elif probabilities is None:
                ranked_tactics = tactic_scores(ranking, tactics_of)
            else:
                ranked_tactics = request_tactic_scores(probabilities, tactic_ids, ranking)
            clause = clauses.get(index, "") if evidence else ""
            goal = redact(clause)[:EVIDENCE_CHARS] if clause else ""
            results.append(MappingResult(item.id, ranking, ranked_tactics, intents[index], goal))
        return results

    @staticmethod
    def _request_tactics(
        items: Sequence[MapInput], model: ModelMapper | None
    ) -> tuple[list[str], dict[int, list[float]], dict[int, str]]:
        """The tactic ids of the tactic model and its probabilities for each request
        (by position), read from the clause naming what the request asks for
        (``request_focus``), and that clause (by position); none when there are no
        requests or no tactic model.

        Techniques are still ranked on the whole request: asking a model to write
        a tool is itself Develop Capabilities (T1587), which the clause leaves out.
        """
        requests = [i for i, item in enumerate(items) if item.kind == "request"]
        if model is None or not requests:
            return [], {}, {}
        texts = [request_focus(items[i].text) or items[i].text for i in requests]
        found = model.tactic_probabilities(model.features(texts))
        if found is None:
            return [], {}, {}
        tactics, probabilities = found
        return (
            tactics,
            dict(zip(requests, probabilities.tolist(), strict=True)),
            dict(zip(requests, texts, strict=True)),
        )
