"""Intent: how likely an action advances malicious cyber activity (0-1).

The learned part is a logistic model over the same features as the mapper,
trained on offensive text (procedure examples, attack commands, requests for
offensive capabilities) against defensive and everyday text (detection
strategies, requests for detections and explanations, developers' sessions).
It answers "what is being asked for", so a defender who names a technique in
a detection request scores low while a request to carry it out scores high.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import scipy.sparse as sp

from llmnav.mapping.model.artefact import ModelArtefact
from llmnav.mapping.model.features import featurize
from llmnav.mapping.model.mapper import load_artefact

__all__ = ["IntentModel"]


class IntentModel:
    """Probability of malicious intent for each text.

    >>> IntentModel().predict(["Write a Sigma rule that detects LSASS dumping"])[0] < 0.5
    True
    """

    def __init__(self, artefact: ModelArtefact | None = None) -> None:
        self.artefact = artefact or load_artefact()

    def predict(self, texts: Sequence[str]) -> list[float]:
        if not texts:
            return []
        return self.predict_features(featurize(texts, self.artefact.idf))

    def predict_features(self, features: sp.csr_matrix) -> list[float]:
        """Like ``predict``, on features the model mapper already computed."""
        scores = self.artefact.layer_scores(features)["intent"][:, 0].tolist()
        exp = math.exp
        return [1.0 / (1.0 + exp(-s)) for s in scores]
