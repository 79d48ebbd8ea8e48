"""The AIO STIX bundle (custom Navigator domain) and AIO Navigator layers."""

from __future__ import annotations

import doctest
import json
import re
from pathlib import Path
from typing import Any

import pytest

import llmnav.orchestration.export
from llmnav.errors import CatalogError
from llmnav.navigator import Layer, validate_layer, write_layer
from llmnav.orchestration.export import (
    AIO_DOMAIN,
    AIO_KILL_CHAIN,
    AIO_SOURCE,
    RELEASED,
    aio_layer,
    aio_navigator_domain,
    aio_stix_bundle,
    bundle_json,
    write_aio_bundle,
)
from llmnav.orchestration.taxonomy import load_taxonomy

STIX_ID = re.compile(
    r"[a-z][a-z0-9-]*--[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
)
TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")


def of_type(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [o for o in bundle["objects"] if o["type"] == kind]


def test_export_docstrings_run() -> None:
    result = doctest.testmod(llmnav.orchestration.export, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def test_bundle_is_a_stix_bundle_of_unique_objects() -> None:
    bundle = aio_stix_bundle()
    assert set(bundle) == {"type", "id", "objects"}
    assert bundle["type"] == "bundle" and STIX_ID.fullmatch(bundle["id"])
    ids = [o["id"] for o in bundle["objects"]]
    assert len(ids) == len(set(ids))
    kinds = [o["type"] for o in bundle["objects"]]
    assert (
        kinds == ["identity", "x-mitre-matrix"] + ["x-mitre-tactic"] * 4 + ["attack-pattern"] * 10
    )


def test_bundle_objects_have_the_common_stix_properties() -> None:
    for obj in aio_stix_bundle()["objects"]:
        for key in ("type", "id", "spec_version", "created", "modified"):
            assert key in obj, (obj["id"], key)
        assert obj["spec_version"] == "2.1"
        assert obj["id"].startswith(obj["type"] + "--") and STIX_ID.fullmatch(obj["id"])
        assert TIMESTAMP.fullmatch(obj["created"]) and obj["modified"] >= obj["created"]


def test_bundle_has_one_matrix_whose_tactic_refs_resolve_in_taxonomy_order() -> None:
    bundle = aio_stix_bundle()
    [matrix] = of_type(bundle, "x-mitre-matrix")
    tactics = {o["id"]: o for o in of_type(bundle, "x-mitre-tactic")}
    resolved = [tactics[ref] for ref in matrix["tactic_refs"]]
    taxonomy = load_taxonomy()
    assert [t["external_references"][0]["external_id"] for t in resolved] == [
        t.id for t in taxonomy.tactics
    ]
    assert [t["x_mitre_shortname"] for t in resolved] == [t.shortname for t in taxonomy.tactics]
    assert [t["name"] for t in resolved] == [t.name for t in taxonomy.tactics]
    assert matrix["name"] == taxonomy.name
    assert matrix["external_references"][0] == {"source_name": AIO_SOURCE, "external_id": "aio"}


def test_bundle_has_every_technique_once_under_its_tactic_shortname() -> None:
    bundle = aio_stix_bundle()
    taxonomy = load_taxonomy()
    patterns = of_type(bundle, "attack-pattern")
    by_id = {p["external_references"][0]["external_id"]: p for p in patterns}
    assert len(by_id) == len(patterns) == len(taxonomy.techniques)
    shortnames = {t["x_mitre_shortname"] for t in of_type(bundle, "x-mitre-tactic")}
    for technique in taxonomy.techniques:
        pattern = by_id[technique.id]
        assert pattern["name"] == technique.name
        assert pattern["description"] == technique.definition
        assert pattern["kill_chain_phases"] == [
            {
                "kill_chain_name": AIO_KILL_CHAIN,
                "phase_name": taxonomy.tactic_of(technique.id).shortname,
            }
        ]
        assert pattern["kill_chain_phases"][0]["phase_name"] in shortnames
        assert pattern["x_mitre_is_subtechnique"] is False
        assert pattern["x_mitre_platforms"]


def test_bundle_navigator_fields_on_matrix_tactics_and_techniques() -> None:
    bundle = aio_stix_bundle()
    [identity] = of_type(bundle, "identity")
    assert identity["identity_class"] == "system" and identity["name"] == "llmnav"
    for obj in bundle["objects"][1:]:
        # The Navigator takes the shown id from external_references[0].external_id.
        reference = obj["external_references"][0]
        assert reference["source_name"] == AIO_SOURCE and reference["external_id"]
        assert obj["created_by_ref"] == identity["id"]
        assert obj["x_mitre_domains"] == [AIO_DOMAIN]
        assert obj["x_mitre_version"] == load_taxonomy().version
        assert obj["x_mitre_deprecated"] is False and obj["revoked"] is False


def test_bundle_ids_and_bytes_are_stable_across_calls(tmp_path: Path) -> None:
    first, second = aio_stix_bundle(), aio_stix_bundle()
    assert first == second
    assert bundle_json(first) == bundle_json(second)
    one = write_aio_bundle(tmp_path / "a" / "aio-bundle.json").read_bytes()
    two = write_aio_bundle(tmp_path / "b" / "aio-bundle.json").read_bytes()
    assert one == two
    assert json.loads(one) == first
    assert [p.name for p in (tmp_path / "a").iterdir()] == ["aio-bundle.json"]


def test_bundle_ids_are_pinned() -> None:
    # Changing these breaks every Navigator layer and workbench import made before.
    bundle = aio_stix_bundle()
    by_external = {
        o["external_references"][0]["external_id"]: o["id"] for o in bundle["objects"][1:]
    }
    assert bundle["id"] == "bundle--9bea9430-e3b0-58cf-98f9-ababff1768ae"
    assert by_external["aio"] == "x-mitre-matrix--09510bbb-ea95-5b6e-97c1-da6b0fc3ad37"
    assert by_external["AIO.T0001"] == "attack-pattern--b50f0b1b-96b2-5863-a5bc-86ab0f3d65d1"


def test_bundle_timestamps_are_fixed_for_the_taxonomy_version() -> None:
    assert load_taxonomy().version in RELEASED
    stamps = {o["created"] for o in aio_stix_bundle()["objects"]}
    assert stamps == {RELEASED[load_taxonomy().version]}


def test_navigator_config_domain_entry() -> None:
    assert aio_navigator_domain("assets/aio-bundle.json") == {
        "name": "AI Orchestration (AIO)",
        "identifier": "aio",
        "data": ["assets/aio-bundle.json"],
    }


def test_aio_layer_validates_through_the_layer_model(tmp_path: Path) -> None:
    layer = aio_layer(
        name="actor-7 AIO",
        strengths={"AIO.T0010": 0.5, "AIO.T0001": 1.0, "AIO.T0006": 0.734},
        counts={"AIO.T0001": 4},
        comments={"AIO.T0001": "recon to exfiltration in one run"},
        description="AIO behaviours of actor-7",
        metadata={"actor": "actor-7"},
    )
    assert validate_layer(layer.to_dict()) == []
    path = write_layer(layer, tmp_path / "layers" / "aio-actor-7.json")
    assert validate_layer(path) == []
    assert Layer.from_file(path) == layer
    assert layer.domain == "aio" and layer.versions.layer == "4.5"
    assert layer.versions.attack == "18"
    techniques = layer.techniques or []
    assert [(t.techniqueID, t.tactic, t.score) for t in techniques] == [
        ("AIO.T0001", "aio-autonomy", 100),
        ("AIO.T0006", "aio-leverage", 73),
        ("AIO.T0010", "aio-evasion", 50),
    ]
    assert techniques[0].comment == "recon to exfiltration in one run"
    assert [m.model_dump() for m in techniques[0].metadata or []] == [
        {"name": "strength", "value": "1"},
        {"name": "count", "value": "4"},
    ]
    assert all(not t.links and t.showSubtechniques is None for t in techniques)
    assert layer.gradient and (layer.gradient.minValue, layer.gradient.maxValue) == (0, 100)
    assert layer.metadata and [m.model_dump() for m in layer.metadata] == [
        {"name": "taxonomy", "value": "AIO 1.0"},
        {"name": "actor", "value": "actor-7"},
    ]
    assert layer.customDataURL is None


def test_aio_layer_techniques_all_exist_in_the_bundle() -> None:
    bundle = aio_stix_bundle()
    known = {
        (o["external_references"][0]["external_id"], o["kill_chain_phases"][0]["phase_name"])
        for o in of_type(bundle, "attack-pattern")
    }
    strengths = {t.id: 0.6 for t in load_taxonomy().techniques}
    layer = aio_layer(name="all", strengths=strengths)
    assert {(t.techniqueID, t.tactic) for t in layer.techniques or []} == known


def test_aio_layer_can_carry_a_custom_data_url() -> None:
    url = "https://example.org/aio-bundle.json"
    layer = aio_layer(name="x", strengths={"AIO.T0003": 1}, custom_data_url=url)
    assert layer.to_dict()["customDataURL"] == url


def test_aio_layer_rejects_unknown_ids_and_bad_strengths() -> None:
    with pytest.raises(CatalogError, match="Unknown AIO technique 'T1059'"):
        aio_layer(name="x", strengths={"T1059": 0.5})
    with pytest.raises(CatalogError, match=r"Unknown AIO technique 'AIO\.T0099'"):
        aio_layer(name="x", strengths={}, counts={"AIO.T0099": 1})
    with pytest.raises(ValueError, match=r"Strength of AIO\.T0001 must be within 0-1, not 1\.5"):
        aio_layer(name="x", strengths={"AIO.T0001": 1.5})
