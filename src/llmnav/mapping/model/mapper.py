"""The learned mapper: a linear model over hashed n-grams, trained on ATT&CK's text.

>>> mapper = ModelMapper()                                   # doctest: +SKIP
>>> mapper.map_batch([MapInput("1", "procdump -ma lsass.exe out.dmp", "command")])[0][0]
Candidate(technique_id='T1003.001', score=0.9..., evidence='procdump, lsass', ...)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from llmnav.mapping.base import Candidate, MapInput, Mapper
from llmnav.mapping.model.artefact import DEFAULT_PATH, ModelArtefact
from llmnav.mapping.model.features import featurize, tokens
from llmnav.mapping.model.scoring import lift_parents

__all__ = ["ModelMapper", "load_artefact"]

TOP_K = 5
RANK_TEMPERATURE = 0.5
"""How fast confidence falls for candidates below the first (in score units)."""


@cache
def load_artefact(path: Path = DEFAULT_PATH) -> ModelArtefact:
    """The model artefact at ``path`` (the packaged one by default), loaded once."""
    return ModelArtefact.load(path)


class ModelMapper(Mapper):
    """Ranks every ATT&CK technique by the learned model; confidence is calibrated."""

    name = "model"
    source = "model"

    def __init__(self, artefact: ModelArtefact | None = None, *, top_k: int = TOP_K) -> None:
        self.artefact = artefact or load_artefact()
        self.top_k = top_k

    def features(self, texts: Sequence[str]) -> sp.csr_matrix:
        """The model's features of ``texts`` (shareable with the intent model)."""
        return featurize(texts, self.artefact.idf)

    def scores(self, features: sp.csr_matrix) -> np.ndarray:
        """Raw technique scores (one row per text, one column per technique class)."""
        layers = self.artefact.layer_scores(features)
        return lift_parents(
            layers["techniques"],
            layers["parents"],
            self.artefact.techniques.classes,
            self.artefact.parents.classes,
            self.artefact.parent_weight,
        )

    def map_batch(self, items: Sequence[MapInput]) -> list[list[Candidate]]:
        return self.map_features(items, self.features([item.text for item in items]))

    def map_features(
        self, items: Sequence[MapInput], features: sp.csr_matrix
    ) -> list[list[Candidate]]:
        """Like ``map_batch``, on features already computed with ``features``."""
        if not items:
            return []
        scores = self.scores(features)
        classes = self.artefact.techniques.classes
        a, b, c = self.artefact.calibration
        out: list[list[Candidate]] = []
        for item, row in zip(items, scores, strict=True):
            order = np.argsort(-row)[: self.top_k + 1]
            top, second = float(row[order[0]]), float(row[order[1]])
            first = _sigmoid(a * top + b * (top - second) + c)
            candidates = []
            for rank, column in enumerate(order[: self.top_k]):
                score = first * math.exp((float(row[column]) - top) / RANK_TEMPERATURE)
                technique = str(classes[column])
                evidence = self.evidence(item.text, int(column)) if rank == 0 else ""
                candidates.append(Candidate(technique, round(score, 4), evidence, "model"))
            out.append(candidates)
        return out

    def evidence(self, text: str, column: int, limit: int = 4) -> str:
        """The words of ``text`` that speak most for technique class ``column``."""
        weights = self.artefact.techniques.weights
        start, end = weights.indptr[column], weights.indptr[column + 1]
        indices, values = weights.indices[start:end], weights.data[start:end]
        words = tokens(text)
        if not words or not len(indices):
            return ""
        features = np.fromiter((f for _, f in words), dtype=np.int64, count=len(words))
        positions = np.minimum(np.searchsorted(indices, features), len(indices) - 1)
        weight = np.where(indices[positions] == features, values[positions], 0.0)
        best = [i for i in np.argsort(-weight, kind="stable")[:limit] if weight[i] > 0]
        return ", ".join(words[i][0] for i in best)


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))
