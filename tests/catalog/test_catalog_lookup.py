"""``Catalog``: technique lookups, revoked-id following, entities, procedures, detections."""

from __future__ import annotations

import pytest

from llmnav.catalog import Catalog
from llmnav.errors import CatalogError


def test_technique_found_directly_is_not_followed(mini_catalog: Catalog) -> None:
    lookup = mini_catalog.technique("t1003/001")
    assert lookup.requested == "T1003.001" and lookup.id == "T1003.001"
    assert not lookup.followed and lookup.note == ""
    assert lookup.technique.tactics == ("credential-access",)


def test_technique_revoked_id_follows_replacement_and_says_so(mini_catalog: Catalog) -> None:
    lookup = mini_catalog.technique("T1081")
    assert lookup.id == "T1552" and lookup.followed and lookup.via == ("T1081",)
    assert lookup.note == "T1081 was revoked and replaced by T1552 (Unsecured Credentials)"


def test_technique_revoked_chain_is_followed_to_the_end(mini_catalog: Catalog) -> None:
    lookup = mini_catalog.technique("T1139")
    assert lookup.id == "T1552" and lookup.via == ("T1139", "T1081")
    assert lookup.note.endswith("via T1139 -> T1081 -> T1552")


def test_technique_deprecated_is_returned_flagged(mini_catalog: Catalog) -> None:
    lookup = mini_catalog.technique("T1062")
    assert lookup.id == "T1062" and lookup.deprecated and not lookup.followed
    assert lookup.note == "T1062 is deprecated and has no replacement"


def test_technique_unknown_id_raises_catalog_error(mini_catalog: Catalog) -> None:
    with pytest.raises(CatalogError) as info:
        mini_catalog.technique("T9999")
    assert str(info.value) == (
        "Unknown ATT&CK technique 'T9999' in enterprise-attack 99.1; "
        "find techniques by name with `llmnav catalog search TEXT`"
    )


def test_get_technique_does_not_follow(mini_catalog: Catalog) -> None:
    revoked = mini_catalog.get_technique("T1081")
    assert revoked is not None and revoked.revoked and not revoked.active
    assert mini_catalog.get_technique("T0000") is None


def test_techniques_active_only_and_filters(mini_catalog: Catalog) -> None:
    assert [t.id for t in mini_catalog.techniques()] == [
        "T1003",
        "T1003.001",
        "T1110",
        "T1552",
        "T1566",
        "T1595",
    ]
    assert len(mini_catalog.techniques(active_only=False)) == 9
    assert [t.id for t in mini_catalog.techniques(tactic="TA0006", subtechniques=False)] == [
        "T1003",
        "T1110",
        "T1552",
    ]


def test_tactic_by_id_shortname_or_name(mini_catalog: Catalog) -> None:
    assert mini_catalog.tactic("credential-access").id == "TA0006"
    assert mini_catalog.tactic("Initial Access").id == "TA0001"
    with pytest.raises(CatalogError, match="Unknown ATT&CK tactic 'impact'"):
        mini_catalog.tactic("impact")


def test_group_by_alias_any_case_and_revoked_follows(mini_catalog: Catalog) -> None:
    assert mini_catalog.group("fancy bear").id == "G0007"
    assert mini_catalog.group("g0016").name == "APT29"
    assert mini_catalog.group("G0099").id == "G0007"
    assert mini_catalog.group("Sednit Team").id == "G0007"
    with pytest.raises(CatalogError, match="Unknown ATT&CK group 'Lazarus'"):
        mini_catalog.group("Lazarus")


def test_software_and_campaign_lookups(mini_catalog: Catalog) -> None:
    assert mini_catalog.software("beacon").id == "S0154"
    assert mini_catalog.software("Mimikatz").type == "tool"
    assert mini_catalog.campaign("Mini Storm").groups == ("G0007",)
    assert [g.id for g in mini_catalog.groups()] == ["G0007", "G0016"]
    assert len(mini_catalog.groups(active_only=False)) == 3
    assert [s.id for s in mini_catalog.all_software()] == ["S0002", "S0154"]
    assert [c.id for c in mini_catalog.campaigns()] == ["C0001"]


def test_procedures_are_loaded_lazily(mini_catalog: Catalog) -> None:
    assert mini_catalog._procedures is None
    procs = mini_catalog.procedures("T1003.001")
    assert [(p.source_id, p.source_name, p.source_type) for p in procs] == [
        ("G0007", "APT28", "intrusion-set"),
        ("S0002", "Mimikatz", "tool"),
    ]
    assert procs[0].description.startswith("[APT28](https://attack.mitre.org/groups/G0007)")
    assert mini_catalog._procedures is not None


def test_procedures_with_subtechniques_and_by_source(mini_catalog: Catalog) -> None:
    assert [p.technique_id for p in mini_catalog.procedures("T1003")] == ["T1003"]
    with_subs = mini_catalog.procedures("T1003", include_subtechniques=True)
    assert [p.technique_id for p in with_subs] == ["T1003", "T1003.001", "T1003.001"]
    assert [p.technique_id for p in mini_catalog.procedures_of("Cozy Bear")] == ["T1566"]
    assert [p.source_type for p in mini_catalog.procedures_of("C0001")] == ["campaign"]


def test_procedures_unknown_technique_raises(mini_catalog: Catalog) -> None:
    with pytest.raises(CatalogError, match="Unknown ATT&CK technique 'T4242'"):
        mini_catalog.procedures("T4242")


def test_detections_for_technique(mini_catalog: Catalog) -> None:
    (strategy,) = mini_catalog.detections("T1003.001")
    assert (strategy.id, strategy.name) == ("DET0001", "Detect LSASS memory access")
    (analytic,) = strategy.analytics
    assert analytic.id == "AN0001" and analytic.platforms == ("Windows",)
    assert analytic.log_sources[0].data_component == "DC0035"
    assert analytic.mutable_elements == (("TargetImage", "Path of the LSASS binary."),)
    assert mini_catalog.detections("T1566") == []
    assert mini_catalog.data_component("dc0035").name == "Process Access"
    assert mini_catalog.detection_strategy("DET0001") is strategy
    assert mini_catalog.analytic("an0001") is analytic
    with pytest.raises(CatalogError, match="Unknown ATT&CK analytic 'AN9999'"):
        mini_catalog.analytic("AN9999")


def test_stats_reads_stored_counts(mini_catalog: Catalog) -> None:
    stats = mini_catalog.stats()
    assert stats["domain"] == "enterprise-attack" and stats["version"] == "99.1"
    assert (stats["tactics"], stats["techniques"], stats["subtechniques"]) == (3, 5, 1)
    assert stats["procedures"] == 5


def test_tactics_property_is_matrix_order(mini_catalog: Catalog) -> None:
    assert [t.shortname for t in mini_catalog.tactics] == [
        "reconnaissance",
        "initial-access",
        "credential-access",
    ]
