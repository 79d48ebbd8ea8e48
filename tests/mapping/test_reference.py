"""Explicit ATT&CK ids and technique names in text."""

from __future__ import annotations

from llmnav.mapping.base import MapInput
from llmnav.mapping.reference import ID_SCORE, NAME_SCORE, ReferenceMapper


def found(text: str) -> list[tuple[str, float, str]]:
    (candidates,) = ReferenceMapper().map_batch([MapInput("1", text)])
    return [(c.technique_id, c.score, c.evidence) for c in candidates]


def test_reference_finds_ids_in_paths_and_prose() -> None:
    assert found(r"Import-Module C:\AtomicRedTeam\atomics\T1003.001\src\x.ps1") == [
        ("T1003.001", ID_SCORE, "T1003.001")
    ]
    assert found("docker build -t t1046 .") == [("T1046", ID_SCORE, "t1046")]


def test_reference_follows_revoked_ids_and_ignores_unknown_ones() -> None:
    assert found("as in T1002") == [("T1560", ID_SCORE, "T1002")]
    assert found("ticket T9999 and build 2T1003") == []


def test_reference_finds_distinctive_technique_names() -> None:
    assert found("Can you explain Kerberoasting?") == [("T1558.003", NAME_SCORE, "Kerberoasting")]
    assert found("use domain fronting for the C2") == [("T1090.004", NAME_SCORE, "domain fronting")]


def test_reference_ignores_short_names_that_are_ordinary_words() -> None:
    assert found("the data is in the spreadsheet") == []
