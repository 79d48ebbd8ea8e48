"""Analyst labels: technique ids a person gave an action, kept as the ranking's top.

Investigator tables carry them (``techniques`` column); they always win in the
ensemble (confidence 1) and stay in the store as feedback for the model.

>>> from llmnav.mapping.base import MapInput
>>> AnalystMapper().map_batch([MapInput("1", "dumped creds", labels=("T1003.001",))])
[[Candidate(technique_id='T1003.001', score=1.0, evidence='analyst label', detail='analyst')]]
"""

from __future__ import annotations

from collections.abc import Sequence

from llmnav.mapping.base import Candidate, MapInput, Mapper

__all__ = ["AnalystMapper"]


class AnalystMapper(Mapper):
    """Turns each input's ``labels`` into candidates."""

    name = "analyst"
    source = "analyst"

    def map_batch(self, items: Sequence[MapInput]) -> list[list[Candidate]]:
        return [
            [Candidate(label, 1.0, "analyst label", "analyst") for label in item.labels]
            for item in items
        ]
