"""The catalogs shipped in the package: ATT&CK v18.1 Enterprise, Mobile and ICS.

Expected numbers come from the bundles' ``*.counts.json`` files (``techniques_active``,
``subtechniques_active``, ``uses_to_technique_active``, the active ``intrusion-set``,
``malware`` + ``tool`` and ``campaign`` objects) and their README.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from llmnav.catalog import load_catalog
from llmnav.catalog.load import DATA_DIR

EXPECTED = {
    # domain: tactics, techniques, sub-techniques, procedures, groups, software, campaigns
    "enterprise-attack": (14, 216, 475, 16017, 172, 784, 52),
    "mobile-attack": (12, 77, 47, 1404, 17, 122, 3),
    "ics-attack": (12, 83, 0, 246, 14, 23, 7),
}
KEYS = ("tactics", "techniques", "subtechniques", "procedures", "groups", "software", "campaigns")


@pytest.mark.parametrize("domain", sorted(EXPECTED))
def test_packaged_catalog_counts(domain: str) -> None:
    catalog = load_catalog(domain)
    stats = catalog.stats()
    assert (stats["domain"], stats["version"]) == (domain, "18.1")
    assert tuple(stats[key] for key in KEYS) == EXPECTED[domain]
    assert len(catalog.tactics) == EXPECTED[domain][0]
    active = catalog.techniques()
    assert sum(not t.is_subtechnique for t in active) == EXPECTED[domain][1]
    assert sum(t.is_subtechnique for t in active) == EXPECTED[domain][2]


def test_packaged_enterprise_procedure_examples_all_load() -> None:
    catalog = load_catalog()
    total = sum(len(catalog.procedures(t.id)) for t in catalog.techniques())
    assert total == 16017


def test_packaged_enterprise_tactics_in_matrix_order() -> None:
    assert [t.id for t in load_catalog().tactics] == [
        "TA0043",
        "TA0042",
        "TA0001",
        "TA0002",
        "TA0003",
        "TA0004",
        "TA0005",
        "TA0006",
        "TA0007",
        "TA0008",
        "TA0009",
        "TA0011",
        "TA0010",
        "TA0040",
    ]


def test_packaged_enterprise_lsass_memory() -> None:
    catalog = load_catalog()
    tech = catalog.technique("T1003.001").technique
    assert (tech.name, tech.parent, tech.tactic_ids) == ("LSASS Memory", "T1003", ("TA0006",))
    assert tech.url == "https://attack.mitre.org/techniques/T1003/001"
    assert "T1003.001" in catalog.technique("T1003").technique.children
    assert any(p.source_name == "Mimikatz" for p in catalog.procedures("T1003.001"))
    assert [d.id for d in catalog.detections("T1003.001")] == ["DET0363"]


def test_packaged_enterprise_revoked_and_deprecated() -> None:
    catalog = load_catalog()
    assert catalog.technique("T1002").id == "T1560"
    assert catalog.technique("T1150").via == ("T1150", "T1547.011")
    assert catalog.technique("T1150").id == "T1647"
    assert catalog.technique("T1062").deprecated
    assert catalog.group("Fancy Bear").id == "G0007"


def test_packaged_enterprise_search() -> None:
    catalog = load_catalog()
    assert catalog.search("lsass memory", limit=1)[0].id == "T1003.001"
    assert catalog.search("Mimikatz", limit=1)[0].id == "S0002"
    assert catalog.search("web shell", limit=1)[0].id == "T1505.003"


def test_packaged_catalog_ships_the_attack_notice() -> None:
    notice = (DATA_DIR / "NOTICE").read_text(encoding="utf-8")
    assert "This project makes use of ATT&CK®" in notice
    assert "© The MITRE Corporation" in notice
    license_text = (DATA_DIR / "LICENSE-ATTACK.txt").read_text(encoding="utf-8")
    assert "The MITRE Corporation (MITRE) hereby grants you" in license_text


def test_packaged_catalog_files_are_small() -> None:
    total = sum(p.stat().st_size for p in Path(DATA_DIR).iterdir())
    assert total < 4_000_000


def test_packaged_enterprise_loads_fast_in_a_fresh_interpreter() -> None:
    code = (
        "import time; t = time.perf_counter(); "
        "from llmnav.catalog import load_catalog; c = load_catalog(); "
        "print(time.perf_counter() - t)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert float(out.stdout) < 1.0  # budget 0.3 s; benchmarks/bench_catalog.py measures it
