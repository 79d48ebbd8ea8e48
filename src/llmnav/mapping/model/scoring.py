"""Scoring with the trained layers: technique scores lifted by their parent's score."""

from __future__ import annotations

import hashlib

import numpy as np
import scipy.sparse as sp

from llmnav.mapping.model.artefact import LinearLayer

__all__ = ["HOLDOUT_RULE", "combine_scores", "is_holdout", "lift_parents", "parent_of"]

HOLDOUT_RULE = "sha256('llmnav-holdout:' + record id)[0] < 52"
"""Development rows left out of training, so evaluation measures unseen rows.

Salted: the development files were themselves cut from their sources by an
unsalted sha256 of the id, and the same hash would pick a skewed subset."""


def is_holdout(record_id: str) -> bool:
    """Whether a development record is in the evaluation holdout (about a fifth).

    >>> is_holdout("tram2:a86f3cad5bc17afa") in (True, False)
    True
    """
    return hashlib.sha256(f"llmnav-holdout:{record_id}".encode()).digest()[0] < 52


def parent_of(technique_id: str) -> str:
    """``T1003.001`` -> ``T1003``."""
    return technique_id.split(".", 1)[0]


def combine_scores(
    techniques: LinearLayer, parents: LinearLayer, features: sp.csr_matrix, parent_weight: float
) -> np.ndarray:
    """Each technique's score plus ``parent_weight`` times its parent technique's score.

    The parent classifier sees all sub-techniques of a technique as one class,
    so it is surer about the family; adding it keeps sub-techniques of the
    right family on top.
    """
    return lift_parents(
        techniques.scores(features),
        parents.scores(features),
        techniques.classes,
        parents.classes,
        parent_weight,
    )


def lift_parents(
    scores: np.ndarray,
    parent_scores: np.ndarray,
    technique_classes: np.ndarray,
    parent_classes: np.ndarray,
    parent_weight: float,
) -> np.ndarray:
    """``scores`` plus ``parent_weight`` times the score of each technique's parent."""
    column = {name: i for i, name in enumerate(parent_classes)}
    index = np.asarray([column.get(parent_of(str(t)), -1) for t in technique_classes])
    lifted = np.where(index >= 0, parent_scores[:, np.maximum(index, 0)], 0.0)
    return np.asarray(scores + parent_weight * lifted, dtype=np.float32)
