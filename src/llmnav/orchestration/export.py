"""The AIO taxonomy as a custom ATT&CK Navigator domain: a STIX 2.1 bundle and layers over it.

The stock Navigator (v5.x) draws any STIX bundle that has an ``x-mitre-matrix``
(``tactic_refs`` in column order), ``x-mitre-tactic`` objects (their
``x_mitre_shortname`` is the column key) and ``attack-pattern`` objects whose
``kill_chain_phases[].phase_name`` names a tactic shortname. Every matrix,
tactic and technique needs ``external_references[0].external_id`` (the id the
Navigator shows and that layers use as ``techniqueID``). The bundle is
deterministic: ids are uuid5 of the AIO ids and timestamps are fixed per
taxonomy version, so exporting twice gives the same bytes.

>>> bundle = aio_stix_bundle()
>>> [o["type"] for o in bundle["objects"]][:3]
['identity', 'x-mitre-matrix', 'x-mitre-tactic']
>>> technique = next(o for o in bundle["objects"] if o["type"] == "attack-pattern")
>>> technique["external_references"][0]["external_id"], technique["kill_chain_phases"]
('AIO.T0001', [{'kill_chain_name': 'llmnav-aio', 'phase_name': 'aio-autonomy'}])
>>> layer = aio_layer(name="actor-7", strengths={"AIO.T0001": 0.75, "AIO.T0008": 1.0})
>>> layer.domain, [(t.techniqueID, t.tactic, t.score) for t in layer.techniques or []]
('aio', [('AIO.T0001', 'aio-autonomy', 75), ('AIO.T0008', 'aio-autonomy', 100)])
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from llmnav.files import atomic_write
from llmnav.navigator.layer import (
    DEFAULT_GRADIENT_COLORS,
    Gradient,
    Layer,
    TechniqueScore,
    build_layer,
)
from llmnav.orchestration.taxonomy import Taxonomy, load_taxonomy

__all__ = [
    "AIO_DOMAIN",
    "AIO_KILL_CHAIN",
    "AIO_PLATFORM",
    "AIO_SOURCE",
    "aio_layer",
    "aio_navigator_domain",
    "aio_stix_bundle",
    "bundle_json",
    "write_aio_bundle",
]

# The Navigator domain identifier of the AIO matrix (layers say "domain": "aio").
AIO_DOMAIN = "aio"
# kill_chain_phases[].kill_chain_name; the Navigator only reads phase_name.
AIO_KILL_CHAIN = "llmnav-aio"
# external_references[0].source_name of every AIO object.
AIO_SOURCE = "llmnav-aio"
# The Navigator's platform filter hides techniques whose platforms match none of
# the selected ones, so every technique carries this one platform.
AIO_PLATFORM = "AI Agent"
# ATT&CK data model version the objects follow (ATT&CK v18 uses 3.3.0).
ATTACK_SPEC_VERSION = "3.3.0"
# Fixed namespace of the uuid5 ids: never change it, or every id changes.
NAMESPACE = uuid.UUID("6f1c2a44-6b0e-5d3a-9c55-0a1d3e7b9f10")
# created/modified of every object, per taxonomy version (add one when aio.yaml's version changes).
RELEASED: dict[str, str] = {"1.0": "2026-12-01T00:00:00.000Z"}
_FALLBACK_RELEASED = "2026-12-01T00:00:00.000Z"


def _id(kind: str, key: str) -> str:
    return f"{kind}--{uuid.uuid5(NAMESPACE, f'{kind}:{key}')}"


def _reference(external_id: str) -> list[dict[str, str]]:
    return [{"source_name": AIO_SOURCE, "external_id": external_id}]


def aio_stix_bundle(taxonomy: Taxonomy | None = None) -> dict[str, Any]:
    """The AIO matrix as a STIX 2.1 bundle the stock ATT&CK Navigator loads as a custom domain.

    Objects, in order: the llmnav ``identity``, one ``x-mitre-matrix``, the
    ``x-mitre-tactic`` objects in taxonomy order, then one ``attack-pattern``
    per technique (``description`` is the definition).
    """
    taxonomy = taxonomy or load_taxonomy()
    stamp = RELEASED.get(taxonomy.version, _FALLBACK_RELEASED)
    identity_id = _id("identity", "llmnav")
    common: dict[str, Any] = {
        "spec_version": "2.1",
        "created": stamp,
        "modified": stamp,
    }
    mitre: dict[str, Any] = {
        "created_by_ref": identity_id,
        "revoked": False,
        "x_mitre_deprecated": False,
        "x_mitre_domains": [AIO_DOMAIN],
        "x_mitre_version": taxonomy.version,
        "x_mitre_attack_spec_version": ATTACK_SPEC_VERSION,
    }
    identity = {
        "type": "identity",
        "id": identity_id,
        **common,
        "name": "llmnav",
        "description": "llmnav, the LLM ATT&CK Navigator: author of the AIO taxonomy export.",
        "identity_class": "system",
    }
    tactic_ids = {tactic.id: _id("x-mitre-tactic", tactic.id) for tactic in taxonomy.tactics}
    matrix = {
        "type": "x-mitre-matrix",
        "id": _id("x-mitre-matrix", AIO_DOMAIN),
        **common,
        "name": taxonomy.name,
        "description": taxonomy.description,
        "tactic_refs": [tactic_ids[tactic.id] for tactic in taxonomy.tactics],
        "external_references": _reference(AIO_DOMAIN),
        **mitre,
    }
    tactics = [
        {
            "type": "x-mitre-tactic",
            "id": tactic_ids[tactic.id],
            **common,
            "name": tactic.name,
            "description": tactic.description,
            "x_mitre_shortname": tactic.shortname,
            "external_references": _reference(tactic.id),
            **mitre,
        }
        for tactic in taxonomy.tactics
    ]
    techniques = [
        {
            "type": "attack-pattern",
            "id": _id("attack-pattern", technique.id),
            **common,
            "name": technique.name,
            "description": technique.definition,
            "kill_chain_phases": [
                {
                    "kill_chain_name": AIO_KILL_CHAIN,
                    "phase_name": taxonomy.tactic(technique.tactic).shortname,
                }
            ],
            "external_references": _reference(technique.id),
            "x_mitre_is_subtechnique": False,
            "x_mitre_platforms": [AIO_PLATFORM],
            **mitre,
        }
        for technique in taxonomy.techniques
    ]
    return {
        "type": "bundle",
        "id": _id("bundle", f"{AIO_DOMAIN}-{taxonomy.version}"),
        "objects": [identity, matrix, *tactics, *techniques],
    }


def bundle_json(bundle: Mapping[str, Any]) -> str:
    """The bundle's JSON text: indent 2, keys in a fixed order, newline at the end."""
    return json.dumps(bundle, indent=2, ensure_ascii=False) + "\n"


def write_aio_bundle(path: str | os.PathLike[str], taxonomy: Taxonomy | None = None) -> Path:
    """Write :func:`aio_stix_bundle` to ``path`` atomically; returns the path."""
    return atomic_write(path, bundle_json(aio_stix_bundle(taxonomy)))


def aio_navigator_domain(data_url: str, taxonomy: Taxonomy | None = None) -> dict[str, Any]:
    """The entry to add to a ``domains`` list of the Navigator's ``config.json``.

    >>> aio_navigator_domain("assets/aio-bundle.json")
    {'name': 'AI Orchestration (AIO)', 'identifier': 'aio', 'data': ['assets/aio-bundle.json']}
    """
    taxonomy = taxonomy or load_taxonomy()
    return {"name": taxonomy.name, "identifier": AIO_DOMAIN, "data": [data_url]}


def aio_layer(
    *,
    name: str,
    strengths: Mapping[str, float],
    counts: Mapping[str, int] | None = None,
    comments: Mapping[str, str] | None = None,
    description: str = "",
    metadata: Mapping[str, str | int | float] | None = None,
    taxonomy: Taxonomy | None = None,
    attack_version: str = "18",
    custom_data_url: str | None = None,
) -> Layer:
    """A Navigator layer over the AIO matrix: score = round(100 x strength), gradient 0-100.

    ``strengths`` maps AIO technique ids to 0-1; ``counts`` (for example the
    number of sessions) and ``comments`` are added where given. Techniques are
    written in taxonomy order with their tactic's shortname. ``attack_version``
    must match the ``version`` of the Navigator config entry that holds the AIO
    domain. Set ``custom_data_url`` only when the Navigator has no such entry:
    it then fetches the bundle from that URL (see docs/aio.md).

    Unknown ids raise ``CatalogError``; a strength outside 0-1 raises ``ValueError``.
    """
    taxonomy = taxonomy or load_taxonomy()
    counts = counts or {}
    comments = comments or {}
    for key in (*strengths, *counts, *comments):
        taxonomy.technique(key)  # CatalogError for an unknown id
    entries: list[TechniqueScore] = []
    for technique in taxonomy.techniques:
        if technique.id not in strengths:
            continue
        strength = strengths[technique.id]
        if not 0 <= strength <= 1:
            raise ValueError(f"Strength of {technique.id} must be within 0-1, not {strength!r}")
        extra: dict[str, str | int | float] = {"strength": round(strength, 3)}
        if technique.id in counts:
            extra["count"] = counts[technique.id]
        entries.append(
            TechniqueScore(
                technique_id=technique.id,
                score=round(strength * 100),
                comment=comments.get(technique.id, ""),
                metadata=extra,
                tactic=taxonomy.tactic(technique.tactic).shortname,
            )
        )
    layer_metadata: dict[str, str | int | float] = {"taxonomy": f"AIO {taxonomy.version}"}
    layer_metadata.update(metadata or {})
    return build_layer(
        name=name,
        domain=AIO_DOMAIN,
        techniques=entries,
        description=description,
        attack_version=attack_version,
        gradient=Gradient(colors=list(DEFAULT_GRADIENT_COLORS), minValue=0, maxValue=100),
        metadata=layer_metadata,
        links_base=None,
        custom_data_url=custom_data_url,
    )
