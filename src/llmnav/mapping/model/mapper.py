"""The learned mapper: a linear model over hashed n-grams, trained on ATT&CK's text.

>>> mapper = ModelMapper()                                   # doctest: +SKIP
>>> mapper.map_batch([MapInput("1", "procdump -ma lsass.exe out.dmp", "command")])[0][0]
Candidate(technique_id='T1003.001', score=0.9..., evidence='procdump, lsass', ...)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import cache, cached_property
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from llmnav.mapping.base import Candidate, MapInput, Mapper
from llmnav.mapping.model.artefact import DEFAULT_PATH, ModelArtefact
from llmnav.mapping.model.features import (
    N_FEATURES,
    featurize,
    featurize_words,
    tokens,
    word_column,
    words_of,
)
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

    def features_and_words(self, texts: Sequence[str]) -> tuple[sp.csr_matrix, list[list[str]]]:
        """``features(texts)`` and the words of each text (``map_features`` names the
        evidence from them without reading the texts again)."""
        return featurize_words(texts, self.artefact.idf)

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

    def tactic_probabilities(self, features: sp.csr_matrix) -> tuple[list[str], np.ndarray] | None:
        """The tactic ids and, per text, the probability that it serves each one
        (the artefact's request tactic model); None where the artefact has none."""
        layer = self.artefact.tactics
        if layer is None:
            return None
        scores = layer.scores(features)
        scores = np.exp(scores - scores.max(axis=1, keepdims=True))
        return [str(c) for c in layer.classes], scores / scores.sum(axis=1, keepdims=True)

    def map_batch(self, items: Sequence[MapInput]) -> list[list[Candidate]]:
        features, words = self.features_and_words([item.text for item in items])
        return self.map_features(items, features, words)

    def map_features(
        self,
        items: Sequence[MapInput],
        features: sp.csr_matrix,
        words: Sequence[Sequence[str]] | None = None,
        *,
        evidence: bool = True,
    ) -> list[list[Candidate]]:
        """Like ``map_batch``, on features already computed with ``features``.

        ``words``: each text's ``words_of`` where known (saves reading the texts
        again for the evidence); ``evidence=False`` leaves the evidence empty.
        """
        if not items:
            return []
        scores = self.scores(features)
        order = _top_columns(scores, self.top_k + 1)
        best = np.take_along_axis(scores, order, axis=1).tolist()
        columns = order.tolist()
        names = self._class_names
        telling = None
        if evidence:
            found_words = words if words is not None else [words_of(i.text) for i in items]
            telling = self._telling_words(found_words, [row[0] for row in columns])
        a, b, c = self.artefact.calibration
        exp = math.exp
        out: list[list[Candidate]] = []
        for index, (row, top_scores) in enumerate(zip(columns, best, strict=True)):
            top, second = top_scores[0], top_scores[1]
            first = _sigmoid(a * top + b * (top - second) + c)
            candidates = [
                Candidate(
                    names[column],
                    round(first * exp((score - top) / RANK_TEMPERATURE), 4),
                    "",
                    "model",
                )
                for column, score in zip(row[: self.top_k], top_scores, strict=False)
            ]
            if telling is not None and candidates:
                candidates[0] = Candidate(
                    candidates[0].technique_id, candidates[0].score, telling[index], "model"
                )
            out.append(candidates)
        return out

    @cached_property
    def _class_names(self) -> list[str]:
        return [str(name) for name in self.artefact.techniques.classes]

    @cached_property
    def _weight_keys(self) -> np.ndarray | None:
        """``class * N_FEATURES + feature`` of every technique weight, ascending (None
        where the weights' indices are not sorted: then ``evidence`` text by text)."""
        weights = self.artefact.techniques.weights
        rows = np.repeat(np.arange(weights.shape[0], dtype=np.int64), np.diff(weights.indptr))
        keys: np.ndarray = rows * N_FEATURES + np.asarray(weights.indices, dtype=np.int64)
        if not len(keys) or not bool(np.all(keys[1:] > keys[:-1])):
            return None
        return keys

    def _telling_words(
        self, words: Sequence[Sequence[str]], columns: Sequence[int], limit: int = 4
    ) -> list[str]:
        """``evidence(text, column)`` for each text's words and technique class, at once."""
        distinct = [list(dict.fromkeys(found)) for found in words]
        counts = np.fromiter(map(len, distinct), dtype=np.int64, count=len(distinct))
        weight_keys = self._weight_keys
        if weight_keys is None:
            return [
                self._evidence_of(found, column, limit)
                for found, column in zip(distinct, columns, strict=True)
            ]
        if not counts.sum():
            return [""] * len(distinct)
        features = np.fromiter(
            (word_column(w) for found in distinct for w in found),
            dtype=np.int64,
            count=int(counts.sum()),
        )
        rows = np.repeat(np.arange(len(distinct), dtype=np.int64), counts)
        keys = np.asarray(columns, dtype=np.int64)[rows] * N_FEATURES + features
        weights = self.artefact.techniques.weights.data
        positions = np.minimum(np.searchsorted(weight_keys, keys), len(weight_keys) - 1)
        weight = np.where(weight_keys[positions] == keys, weights[positions], 0.0)
        # Positive weights, best first, ties in word order; at most ``limit`` per text.
        (chosen,) = np.nonzero(weight > 0)
        starts = np.cumsum(counts) - counts
        chosen = chosen[np.lexsort((chosen, -weight[chosen], rows[chosen]))]
        chosen_rows = rows[chosen]
        group_start = np.searchsorted(chosen_rows, chosen_rows)
        keep = chosen[np.arange(len(chosen)) - group_start < limit]
        keep_rows = rows[keep]
        picked: dict[int, list[str]] = {}
        for row, position in zip(
            keep_rows.tolist(), (keep - starts[keep_rows]).tolist(), strict=True
        ):
            picked.setdefault(row, []).append(distinct[row][position])
        return [", ".join(picked.get(row, ())) for row in range(len(distinct))]

    def evidence(self, text: str, column: int, limit: int = 4) -> str:
        """The words of ``text`` that speak most for technique class ``column``."""
        return self._evidence_of([word for word, _ in tokens(text)], column, limit)

    def _evidence_of(self, distinct: Sequence[str], column: int, limit: int) -> str:
        weights = self.artefact.techniques.weights
        start, end = weights.indptr[column], weights.indptr[column + 1]
        indices, values = weights.indices[start:end], weights.data[start:end]
        if not distinct or not len(indices):
            return ""
        words = [(word, word_column(word)) for word in distinct]
        features = np.fromiter((f for _, f in words), dtype=np.int64, count=len(words))
        positions = np.minimum(np.searchsorted(indices, features), len(indices) - 1)
        weight = np.where(indices[positions] == features, values[positions], 0.0)
        best = [i for i in np.argsort(-weight, kind="stable")[:limit] if weight[i] > 0]
        return ", ".join(words[i][0] for i in best)


def _top_columns(scores: np.ndarray, k: int) -> np.ndarray:
    """``np.argsort(-row)[:k]`` for every row of ``scores``.

    The ``k + 1`` best of each row are taken one by one (``argmax``); where they
    are all distinct, the first ``k`` are the same whatever the sort. Rows with a
    tie among them are sorted in full, as before.
    """
    n_rows, n_columns = scores.shape
    if k + 1 >= n_columns or not bool(np.isfinite(scores).all()):
        return np.argsort(-scores, axis=1)[:, :k]
    rest = np.array(
        scores, dtype=np.float32 if scores.dtype == np.float32 else np.float64, order="C"
    )
    rows = np.arange(n_rows)
    best = np.empty((n_rows, k + 1), dtype=np.intp)
    values = np.empty((n_rows, k + 1), dtype=rest.dtype)
    for rank in range(k + 1):
        column = rest.argmax(axis=1)
        best[:, rank] = column
        values[:, rank] = rest[rows, column]
        rest[rows, column] = -np.inf
    (tied,) = np.nonzero((values[:, 1:] == values[:, :-1]).any(axis=1))
    order = best[:, :k]
    if len(tied):
        order[tied] = np.argsort(-scores[tied], axis=1)[:, :k]
    return order


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))
