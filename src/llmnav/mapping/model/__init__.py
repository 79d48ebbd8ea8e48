"""The learned ATT&CK mapper and intent model (trained by ``scripts/train_model.py``)."""

from __future__ import annotations

from llmnav.mapping.model.artefact import DEFAULT_PATH, LinearLayer, ModelArtefact
from llmnav.mapping.model.mapper import ModelMapper, load_artefact

__all__ = ["DEFAULT_PATH", "LinearLayer", "ModelArtefact", "ModelMapper", "load_artefact"]
