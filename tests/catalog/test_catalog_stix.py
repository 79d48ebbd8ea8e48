"""``build_catalog_data``: from a STIX bundle dict to the catalog tables."""

from __future__ import annotations

from typing import Any

import pytest

from llmnav.catalog import build_catalog_data
from llmnav.catalog.stix import COLUMNS, Table, attack_id
from llmnav.errors import CatalogError


def _rows(table: Table) -> dict[str, dict[str, Any]]:
    return {row[0]: dict(zip(table["columns"], row, strict=True)) for row in table["rows"]}


def test_build_records_version_domain_and_counts(mini_bundle: dict[str, Any]) -> None:
    meta = build_catalog_data(mini_bundle, source="mini-attack.json")["meta"]
    assert (meta["domain"], meta["version"], meta["name"]) == (
        "enterprise-attack",
        "99.1",
        "Mini ATT&CK",
    )
    assert meta["source"] == "mini-attack.json"
    assert meta["counts"] == {
        "tactics": 3,
        "techniques": 5,
        "subtechniques": 1,
        "techniques_revoked": 2,
        "techniques_deprecated": 1,
        "procedures": 5,
        "groups": 2,
        "software": 2,
        "campaigns": 1,
        "detection_strategies": 1,
        "analytics": 1,
        "data_components": 1,
    }


def test_build_keeps_tactics_in_matrix_order(mini_bundle: dict[str, Any]) -> None:
    tactics = build_catalog_data(mini_bundle)["core"]["tactics"]
    assert [row[0] for row in tactics["rows"]] == ["TA0043", "TA0001", "TA0006"]
    assert tactics["columns"] == list(COLUMNS["tactics"])


def test_build_links_subtechnique_to_parent(mini_bundle: dict[str, Any]) -> None:
    techniques = _rows(build_catalog_data(mini_bundle)["core"]["techniques"])
    sub = techniques["T1003.001"]
    assert sub["is_subtechnique"] and sub["parent"] == "T1003"
    assert sub["tactics"] == ["credential-access"] and sub["tactic_ids"] == ["TA0006"]
    assert techniques["T1003"]["children"] == ["T1003.001"]
    assert techniques["T1003"]["parent"] is None


def test_build_keeps_revoked_with_replacement_and_drops_their_text(
    mini_bundle: dict[str, Any],
) -> None:
    techniques = _rows(build_catalog_data(mini_bundle)["core"]["techniques"])
    assert techniques["T1081"]["revoked"] and techniques["T1081"]["revoked_by"] == "T1552"
    assert techniques["T1139"]["revoked_by"] == "T1081"
    assert techniques["T1081"]["description"] == ""
    deprecated = techniques["T1062"]
    assert deprecated["deprecated"] and deprecated["revoked_by"] is None
    assert deprecated["description"].startswith("A type-1 hypervisor")


def test_build_strips_citations_but_keeps_links(mini_bundle: dict[str, Any]) -> None:
    data = build_catalog_data(mini_bundle)
    techniques = _rows(data["core"]["techniques"])
    assert techniques["T1595"]["description"].endswith("used during targeting.")
    link = "[Mimikatz](https://attack.mitre.org/software/S0002)"
    assert link in techniques["T1003"]["description"]


def test_build_groups_software_campaigns_with_aliases(mini_bundle: dict[str, Any]) -> None:
    core = build_catalog_data(mini_bundle)["core"]
    groups = _rows(core["groups"])
    assert groups["G0007"]["aliases"] == ["Fancy Bear", "Sofacy"]
    assert groups["G0099"]["revoked"] and groups["G0099"]["revoked_by"] == "G0007"
    software = _rows(core["software"])
    assert software["S0002"]["type"] == "tool" and software["S0154"]["type"] == "malware"
    assert software["S0154"]["aliases"] == ["Beacon"]
    campaign = _rows(core["campaigns"])["C0001"]
    assert campaign["groups"] == ["G0007"]
    assert (campaign["first_seen"], campaign["last_seen"]) == ("2024-01-01", "2024-03-01")


def test_build_procedures_skip_deprecated_and_software_uses(mini_bundle: dict[str, Any]) -> None:
    rows = build_catalog_data(mini_bundle)["procedures"]["procedures"]["rows"]
    assert [(r[0], r[1]) for r in rows] == [
        ("S0154", "T1003"),
        ("G0007", "T1003.001"),
        ("S0002", "T1003.001"),
        ("G0016", "T1566"),
        ("C0001", "T1595"),
    ]


def test_build_detection_strategy_with_analytic_and_component(
    mini_bundle: dict[str, Any],
) -> None:
    detections = build_catalog_data(mini_bundle)["detections"]
    strategy = _rows(detections["strategies"])["DET0001"]
    assert strategy["techniques"] == ["T1003.001"] and strategy["analytics"] == ["AN0001"]
    analytic = _rows(detections["analytics"])["AN0001"]
    assert analytic["platforms"] == ["Windows"]
    assert analytic["log_sources"] == [["DC0035", "WinEventLog:Sysmon", "EventCode=10"]]
    component = _rows(detections["data_components"])["DC0035"]
    assert component["log_sources"] == [["WinEventLog:Sysmon", "EventCode=10"]]


def test_build_is_deterministic(mini_bundle: dict[str, Any]) -> None:
    reordered = dict(mini_bundle, objects=list(reversed(mini_bundle["objects"])))
    assert build_catalog_data(mini_bundle) == build_catalog_data(reordered)


def test_attack_id_reads_mobile_and_ics_sources() -> None:
    obj = {"external_references": [{"source_name": "mitre-mobile-attack", "external_id": "T1404"}]}
    assert attack_id(obj) == "T1404"
    capec = {"external_references": [{"source_name": "capec", "external_id": "1"}]}
    assert attack_id(capec) is None


def test_build_rejects_non_bundle() -> None:
    with pytest.raises(CatalogError) as info:
        build_catalog_data({"type": "indicator"}, source="x.json")
    assert str(info.value) == (
        "Not a STIX bundle: expected a JSON object with type 'bundle' and an 'objects' list "
        "in x.json"
    )


def test_build_rejects_bad_object_with_its_position(mini_bundle: dict[str, Any]) -> None:
    mini_bundle["objects"].insert(2, ["not", "an", "object"])
    with pytest.raises(CatalogError) as info:
        build_catalog_data(mini_bundle, source="mini.json")
    assert info.value.location is not None and info.value.location.field == "objects[2]"
    assert "in mini.json (field objects[2])" in str(info.value)


def test_build_rejects_bundle_without_techniques(mini_bundle: dict[str, Any]) -> None:
    mini_bundle["objects"] = [o for o in mini_bundle["objects"] if o["type"] != "attack-pattern"]
    with pytest.raises(CatalogError, match=r"no attack-pattern objects with ATT&CK ids in m\.json"):
        build_catalog_data(mini_bundle, source="m.json")


def test_build_requires_version_without_collection(mini_bundle: dict[str, Any]) -> None:
    mini_bundle["objects"] = [
        o for o in mini_bundle["objects"] if o["type"] != "x-mitre-collection"
    ]
    with pytest.raises(CatalogError, match="Cannot tell the ATT&CK version"):
        build_catalog_data(mini_bundle, source="m.json")
    assert build_catalog_data(mini_bundle, version="8.2")["meta"]["version"] == "8.2"
