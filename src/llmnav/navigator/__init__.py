"""ATT&CK Navigator layers: the layer format 4.5 model, checker, writer and builder.

>>> from llmnav.navigator import TechniqueScore, build_layer
>>> build_layer(name="x", domain="enterprise-attack",
...             techniques=[TechniqueScore("T1059", 10)]).versions.layer
'4.5'
"""

from __future__ import annotations

from llmnav.navigator.layer import (
    ATTACK_DOMAINS,
    DEFAULT_GRADIENT_COLORS,
    LAYER_FORMAT,
    Divider,
    Filters,
    Gradient,
    Issue,
    Layer,
    Layout,
    LegendItem,
    Link,
    MetadataItem,
    Technique,
    TechniqueScore,
    Versions,
    attack_technique_url,
    build_layer,
    layer_json,
    load_layers,
    validate_layer,
    write_layer,
)

__all__ = [
    "ATTACK_DOMAINS",
    "DEFAULT_GRADIENT_COLORS",
    "LAYER_FORMAT",
    "Divider",
    "Filters",
    "Gradient",
    "Issue",
    "Layer",
    "Layout",
    "LegendItem",
    "Link",
    "MetadataItem",
    "Technique",
    "TechniqueScore",
    "Versions",
    "attack_technique_url",
    "build_layer",
    "layer_json",
    "load_layers",
    "validate_layer",
    "write_layer",
]
