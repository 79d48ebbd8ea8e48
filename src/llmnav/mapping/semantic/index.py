"""The packaged semantic index: one MiniLM centroid per ATT&CK technique and per tactic.

A technique's centroid is the normalised mean of three unit vectors: the
embedding of its name, of its name and description, and the mean embedding of
its procedure examples (where it has any). A tactic's centroid is the
normalised mean of its description's embedding and its techniques' centroids.
Only ATT&CK's own text goes in; ``scripts/build_semantic_index.py`` writes the
file, with float16 vectors so that the index stays small.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from llmnav.catalog import Catalog
from llmnav.mapping.model.corpus import clean

__all__ = ["DEFAULT_INDEX", "SemanticIndex", "build_index", "technique_texts"]

DEFAULT_INDEX = Path(__file__).parent / "data" / "attack-index.npz"
MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"

Encode = Callable[[Sequence[str]], np.ndarray]
"""Texts to unit-length embeddings, one row per text."""


@dataclass(frozen=True)
class SemanticIndex:
    """Technique and tactic centroids (unit rows) and the ATT&CK version they came from."""

    technique_ids: tuple[str, ...]
    techniques: np.ndarray
    tactic_ids: tuple[str, ...]
    tactics: np.ndarray
    attack_version: str
    model: str = MODEL_NAME

    def save(self, path: Path) -> None:
        """Write the index as a compressed ``.npz`` (float16 vectors)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            np.savez_compressed(
                handle,
                technique_ids=np.asarray(self.technique_ids),
                techniques=self.techniques.astype(np.float16),
                tactic_ids=np.asarray(self.tactic_ids),
                tactics=self.tactics.astype(np.float16),
                attack_version=np.asarray(self.attack_version),
                model=np.asarray(self.model),
            )

    @classmethod
    def load(cls, path: Path = DEFAULT_INDEX) -> SemanticIndex:
        """Read an index written by ``save`` (vectors come back as float32)."""
        with np.load(path, allow_pickle=False) as data:
            return cls(
                technique_ids=tuple(str(x) for x in data["technique_ids"]),
                techniques=data["techniques"].astype(np.float32),
                tactic_ids=tuple(str(x) for x in data["tactic_ids"]),
                tactics=data["tactics"].astype(np.float32),
                attack_version=str(data["attack_version"]),
                model=str(data["model"]),
            )


def technique_texts(catalog: Catalog) -> list[tuple[str, str, str]]:
    """``(technique id, part, text)`` for every active technique; part is ``name``,
    ``description`` or ``procedure``."""
    rows = []
    for technique in catalog.techniques():
        if not technique.active:
            continue
        rows.append((technique.id, "name", technique.name))
        description = clean(technique.description)[:1500]
        rows.append((technique.id, "description", f"{technique.name}. {description}"))
        rows.extend(
            (technique.id, "procedure", clean(p.description))
            for p in catalog.procedures(technique.id)
        )
    return rows


def _unit(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    unit: np.ndarray = vectors / np.maximum(norms, 1e-12)
    return unit


def build_index(catalog: Catalog, encode: Encode) -> SemanticIndex:
    """Embed ATT&CK's text with ``encode`` and average it per technique and per tactic."""
    rows = technique_texts(catalog)
    vectors = encode([text for _, _, text in rows])
    parts: dict[str, dict[str, list[np.ndarray]]] = {}
    for (technique_id, part, _), vector in zip(rows, vectors, strict=True):
        parts.setdefault(technique_id, {}).setdefault(part, []).append(vector)
    technique_ids = tuple(sorted(parts))
    centroids = np.stack(
        [
            _unit(np.mean([_unit(np.mean(v, axis=0)) for v in parts[t].values()], axis=0))
            for t in technique_ids
        ]
    )
    row_of = {t: i for i, t in enumerate(technique_ids)}
    tactics = [t for t in catalog.tactics if not t.deprecated]
    described = encode([f"{t.name}. {clean(t.description)}" for t in tactics])
    tactic_vectors = []
    for tactic, description in zip(tactics, described, strict=True):
        members = [
            row_of[t.id]
            for t in catalog.techniques()
            if tactic.id in t.tactic_ids and t.id in row_of
        ]
        own = _unit(centroids[members].mean(axis=0)) if members else description
        tactic_vectors.append(_unit((own + description) / 2.0))
    return SemanticIndex(
        technique_ids=technique_ids,
        techniques=centroids.astype(np.float32),
        tactic_ids=tuple(t.id for t in tactics),
        tactics=np.stack(tactic_vectors).astype(np.float32),
        attack_version=str(catalog.version),
    )
