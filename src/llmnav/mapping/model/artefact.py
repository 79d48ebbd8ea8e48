"""The trained model artefact: what ``scripts/train_model.py`` writes and the mapper reads.

One ``.npz`` file (no pickle) holding the IDF weights, two linear classifiers
(techniques and parent techniques, pruned to their strongest weights), the
intent classifier, the tactic classifier for requests, the confidence
calibration and a JSON header describing how it was trained.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

try:
    from scipy.sparse import _sparsetools
except ImportError:  # pragma: no cover - a scipy without it: the plain product
    _sparsetools = None

__all__ = ["DEFAULT_PATH", "LinearLayer", "ModelArtefact"]

DEFAULT_PATH = Path(__file__).parent / "data" / "attack-model.npz"


@dataclass(frozen=True)
class LinearLayer:
    """Scores = X @ weights.T + bias, one column per class."""

    classes: np.ndarray
    weights: sp.csr_matrix
    bias: np.ndarray

    @cached_property
    def _by_feature(self) -> sp.csr_matrix:
        # Transposed once: sparse features times a feature-major matrix is the fast product.
        return sp.csr_matrix(self.weights.T)

    def scores(self, features: sp.csr_matrix) -> np.ndarray:
        product = features @ self._by_feature
        dense = product.toarray() if sp.issparse(product) else np.asarray(product)
        return np.asarray(dense + self.bias, dtype=np.float32)


@dataclass(frozen=True)
class ModelArtefact:
    """Everything the model mapper and the intent scorer need."""

    idf: np.ndarray
    techniques: LinearLayer
    parents: LinearLayer
    intent: LinearLayer
    header: dict[str, Any]
    tactics: LinearLayer | None = None
    """Which tactic a request serves (None in artefacts trained before it existed)."""

    @property
    def _shared_layers(self) -> dict[str, LinearLayer]:
        """The layers every text is scored by; the tactic model reads only requests."""
        return {"techniques": self.techniques, "parents": self.parents, "intent": self.intent}

    @property
    def layers(self) -> dict[str, LinearLayer]:
        """The classifiers by name, in the order they are saved."""
        if self.tactics is None:
            return self._shared_layers
        return {**self._shared_layers, "tactics": self.tactics}

    @cached_property
    def _stacked(self) -> tuple[sp.csr_matrix, dict[str, slice]]:
        # The shared layers in one feature-major matrix: one sparse product per batch.
        layers = self._shared_layers
        stacked = sp.csr_matrix(sp.vstack([layer.weights for layer in layers.values()]).T)
        columns, start = {}, 0
        for name, layer in layers.items():
            columns[name] = slice(start, start + layer.weights.shape[0])
            start += layer.weights.shape[0]
        return stacked, columns

    @cached_property
    def _compact(self) -> tuple[np.ndarray, sp.csr_matrix, np.ndarray]:
        """The stacked layers without the features no layer weighs (most of the hashed
        space), the new index of each feature (-1: none) and the stacked biases.

        A batch's features are renumbered the same way (in the same order) before
        the product: the same sums in the same order, over a far smaller matrix.
        """
        stacked, _ = self._stacked
        present = np.diff(stacked.indptr) > 0
        remap = np.where(present, np.cumsum(present) - 1, -1).astype(np.int32)
        compact = sp.csr_matrix(stacked[present], dtype=np.float32)
        bias = np.concatenate([np.asarray(layer.bias) for layer in self._shared_layers.values()])
        return remap, compact, bias

    def layer_scores(self, features: sp.csr_matrix) -> dict[str, np.ndarray]:
        """Scores of the shared layers (``techniques``, ``parents``, ``intent``) for
        ``features``.

        The last batch's result is kept, so the mapper and the intent model
        reading the same features share one product.
        """
        last = self.__dict__.get("_last")
        if last is not None and last[0] is features:
            return last[1]  # type: ignore[no-any-return]
        stacked, columns = self._stacked
        remap, compact, bias = self._compact
        dense = None
        if features.shape[1] == len(remap):
            dense = _dense_product(_renumber(features, remap, compact.shape[0]), compact, bias)
        if dense is not None:
            scores = {name: np.ascontiguousarray(dense[:, cols]) for name, cols in columns.items()}
        else:
            product = features @ stacked
            dense = product.toarray() if sp.issparse(product) else np.asarray(product)
            layers = self._shared_layers
            scores = {
                name: np.asarray(dense[:, cols] + layers[name].bias, dtype=np.float32)
                for name, cols in columns.items()
            }
        self.__dict__["_last"] = (features, scores)
        return scores

    @property
    def parent_weight(self) -> float:
        return float(self.header["parent_weight"])

    @property
    def calibration(self) -> tuple[float, float, float]:
        a, b, c = self.header["calibration"]
        return float(a), float(b), float(c)

    def save(self, path: Path) -> None:
        arrays: dict[str, np.ndarray] = {"idf": self.idf.astype(np.float16)}
        for name, layer in self.layers.items():
            weights = layer.weights.tocsr()
            arrays[f"{name}_classes"] = np.asarray(layer.classes, dtype=str)
            arrays[f"{name}_data"] = weights.data.astype(np.float16)
            arrays[f"{name}_indices"] = weights.indices.astype(np.int32)
            arrays[f"{name}_indptr"] = weights.indptr.astype(np.int64)
            arrays[f"{name}_shape"] = np.asarray(weights.shape, dtype=np.int64)
            arrays[f"{name}_bias"] = layer.bias.astype(np.float32)
        arrays["header"] = np.asarray(json.dumps(self.header, sort_keys=True))
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as out:
            np.savez_compressed(out, allow_pickle=False, **arrays)

    @classmethod
    def load(cls, path: Path = DEFAULT_PATH) -> ModelArtefact:
        with np.load(path, allow_pickle=False) as data:

            def layer(name: str) -> LinearLayer:
                shape = tuple(int(x) for x in data[f"{name}_shape"])
                weights = sp.csr_matrix(
                    (
                        data[f"{name}_data"].astype(np.float32),
                        data[f"{name}_indices"],
                        data[f"{name}_indptr"],
                    ),
                    shape=shape,
                )
                return LinearLayer(data[f"{name}_classes"], weights, data[f"{name}_bias"])

            return cls(
                idf=data["idf"].astype(np.float32),
                techniques=layer("techniques"),
                parents=layer("parents"),
                intent=layer("intent"),
                header=json.loads(str(data["header"])),
                tactics=layer("tactics") if "tactics_shape" in data else None,
            )


def _renumber(features: sp.csr_matrix, remap: np.ndarray, n_columns: int) -> sp.csr_matrix:
    """``features`` with columns renumbered by ``remap``; columns mapped to -1 dropped."""
    columns = remap[features.indices]
    keep = columns >= 0
    kept = np.zeros(len(keep) + 1, dtype=np.int64)
    np.cumsum(keep, out=kept[1:])
    return sp.csr_matrix(
        (features.data[keep], columns[keep], kept[features.indptr]),
        shape=(features.shape[0], n_columns),
        copy=False,
    )


def _dense_product(
    features: sp.csr_matrix, weights: sp.csr_matrix, bias: np.ndarray
) -> np.ndarray | None:
    """``(features @ weights).toarray() + bias`` in float32, computed the same way
    (scipy's ``csr_matmat``: each cell summed in float32 in feature order) without
    its first pass, which only counts the nonzeros of the result to size it: the
    result of a batch is dense anyway, so it gets room for every cell. None where
    that routine is not at hand or the inputs do not suit it (then use ``@``)."""
    n_rows, n_columns = features.shape[0], weights.shape[1]
    if (
        _sparsetools is None
        or features.dtype != np.float32
        or weights.dtype != np.float32
        or bias.dtype != np.float32
        or bias.shape != (n_columns,)
        or features.shape[1] != weights.shape[0]
        or n_rows * n_columns >= 2**31
        or features.nnz >= 2**31
        or weights.nnz >= 2**31
    ):
        return None
    index = np.int32
    indptr = np.empty(n_rows + 1, dtype=index)
    indices = np.empty(n_rows * n_columns, dtype=index)
    data = np.empty(n_rows * n_columns, dtype=np.float32)
    _sparsetools.csr_matmat(
        n_rows,
        n_columns,
        np.asarray(features.indptr, dtype=index),
        np.asarray(features.indices, dtype=index),
        features.data,
        np.asarray(weights.indptr, dtype=index),
        np.asarray(weights.indices, dtype=index),
        weights.data,
        indptr,
        indices,
        data,
    )
    # Each cell is bias + sum (float addition commutes: the same as sum + bias).
    dense = np.repeat(bias.reshape(1, -1), n_rows, axis=0)
    _sparsetools.csr_todense(n_rows, n_columns, indptr, indices, data, dense)
    return dense
