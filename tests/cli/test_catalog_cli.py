"""``llmnav catalog``: stats, show, search and import."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from llmnav.cli import app, main
from llmnav.errors import CatalogError

MINI = Path(__file__).resolve().parent.parent / "data" / "catalog" / "mini-attack.json"
BROKEN = MINI.with_name("broken.json")

runner = CliRunner()


def _words(text: str) -> str:
    return " ".join(text.split())


def test_catalog_stats_all_domains() -> None:
    result = runner.invoke(app, ["catalog", "stats", "--all"])
    assert result.exit_code == 0, result.output
    lines = {line.split("│")[1].strip(): line for line in result.output.splitlines() if "│" in line}
    assert [c.strip() for c in lines["tactics"].split("│")[2:5]] == ["14", "12", "12"]
    assert [c.strip() for c in lines["techniques"].split("│")[2:5]] == ["216", "77", "83"]
    assert [c.strip() for c in lines["sub-techniques"].split("│")[2:5]] == ["475", "47", "0"]
    assert [c.strip() for c in lines["procedure"].split("│")[2:5]] == ["16,017", "1,404", "246"]


def test_catalog_stats_json() -> None:
    result = runner.invoke(app, ["catalog", "stats", "--domain", "mobile", "--json"])
    assert result.exit_code == 0, result.output
    stats = json.loads(result.output)
    assert (stats["domain"], stats["techniques"], stats["subtechniques"]) == (
        "mobile-attack",
        77,
        47,
    )
    everything = json.loads(runner.invoke(app, ["catalog", "stats", "--all", "--json"]).output)
    assert [s["procedures"] for s in everything] == [16017, 1404, 246]


def test_catalog_stats_all_with_domain_is_a_usage_error() -> None:
    result = runner.invoke(app, ["catalog", "stats", "--all", "--domain", "ics"])
    assert result.exit_code == 2


def test_catalog_show_technique() -> None:
    result = runner.invoke(app, ["catalog", "show", "T1003.001", "--procedures", "3"])
    assert result.exit_code == 0, result.output
    text = _words(result.output)
    assert "T1003.001 LSASS Memory" in text
    assert "Tactics: TA0006 Credential Access" in text
    assert "Platforms: Windows" in text
    assert "Parent: T1003 OS Credential Dumping" in text
    assert "https://attack.mitre.org/techniques/T1003/001" in text
    assert "Procedure examples (3 of" in text
    assert "Detection strategy DET0363" in text


def test_catalog_show_revoked_shows_replacement() -> None:
    result = runner.invoke(app, ["catalog", "show", "T1002", "--json"])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert shown["followed"] and shown["technique"]["id"] == "T1560"
    assert shown["note"] == "T1002 was revoked and replaced by T1560 (Archive Collected Data)"
    text = _words(runner.invoke(app, ["catalog", "show", "T1002"]).output)
    assert text.startswith("Note: T1002 was revoked and replaced by T1560")


def test_catalog_show_group_by_alias() -> None:
    result = runner.invoke(app, ["catalog", "show", "Fancy Bear", "--json"])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert (shown["kind"], shown["group"]["id"]) == ("group", "G0007")


def test_catalog_show_unknown_id_is_an_error() -> None:
    result = runner.invoke(app, ["catalog", "show", "T9999"])
    assert result.exit_code == 1
    assert _words(result.output) == (
        "Error: Unknown ATT&CK technique 'T9999' in enterprise-attack 18.1; "
        "find techniques by name with `llmnav catalog search TEXT`"
    )


def test_catalog_show_unknown_id_raises_catalog_error_with_debug() -> None:
    result = runner.invoke(app, ["--debug", "catalog", "show", "T9999"])
    assert isinstance(result.exception, CatalogError)
    assert str(result.exception).startswith("Unknown ATT&CK technique 'T9999'")


def test_catalog_show_unknown_id_prints_error_and_exits_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "argv", ["llmnav", "catalog", "show", "T9999"])
    with pytest.raises(SystemExit) as info:
        main()
    assert info.value.code == 1
    assert _words(capsys.readouterr().err) == (
        "Error: Unknown ATT&CK technique 'T9999' in enterprise-attack 18.1; "
        "find techniques by name with `llmnav catalog search TEXT`"
    )


def test_catalog_search_ranked_table_and_json() -> None:
    result = runner.invoke(app, ["catalog", "search", "lsass", "memory", "--limit", "3"])
    assert result.exit_code == 0, result.output
    first_row = next(line for line in result.output.splitlines() if line.startswith("│ 1"))
    assert "T1003.001" in first_row and "LSASS Memory" in first_row
    hits = json.loads(runner.invoke(app, ["catalog", "search", "T1003", "--json"]).output)
    assert [(h["id"], h["match"]) for h in hits[:2]] == [("T1003", "id"), ("T1003.001", "parent")]


def test_catalog_import_fixture_bundle(tmp_path: Path) -> None:
    result = runner.invoke(app, ["catalog", "import", str(MINI), "--dest", str(tmp_path)])
    assert result.exit_code == 0, result.output
    text = _words(result.output)
    assert "Imported ATT&CK 99.1 enterprise-attack from" in text
    assert "3 tactics | 5 techniques | 1 sub-techniques | 5 procedure examples" in text
    assert (tmp_path / "enterprise-attack-99.1.jsonl.gz").exists()
    shown = runner.invoke(app, ["catalog", "show", "T1139", "--catalog", str(tmp_path), "--json"])
    assert json.loads(shown.output)["technique"]["id"] == "T1552"
    stats = runner.invoke(app, ["catalog", "stats", "--catalog", str(tmp_path), "--json"])
    assert json.loads(stats.output)["version"] == "99.1"


def test_catalog_import_json_output(tmp_path: Path) -> None:
    result = runner.invoke(app, ["catalog", "import", str(MINI), "--dest", str(tmp_path), "--json"])
    imported = json.loads(result.output)
    assert imported["path"] == str(tmp_path / "enterprise-attack-99.1.jsonl.gz")
    assert (imported["version"], imported["procedures"]) == ("99.1", 5)


def test_catalog_import_broken_bundle_names_the_file(tmp_path: Path) -> None:
    result = runner.invoke(app, ["catalog", "import", str(BROKEN), "--dest", str(tmp_path)])
    assert result.exit_code == 1
    assert _words(result.output) == (
        "Error: Cannot read STIX bundle: not valid JSON (Expecting property name enclosed in "
        f"double quotes, column 1) in {BROKEN}:3"
    )
