"""``llmnav ingest``, ``sessions`` and ``actors`` as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from llmnav.cli import app

runner = CliRunner()


def test_ingest_prints_a_summary_and_where_the_rejected_records_are(
    tmp_path: Path, ingest_data: Path
) -> None:
    db = tmp_path / "x.duckdb"
    result = runner.invoke(
        app, ["ingest", str(ingest_data / "native-events.jsonl"), "--db", str(db)]
    )
    assert result.exit_code == 0, result.output
    assert "read 11 | stored 5 (new 5) | rejected 6" in result.output
    assert "rejected line 6, field role: 'wizard' is not one of" in result.output
    assert "rejected line 9: expected a JSON object, got list" in result.output
    assert "... and 1 more" in result.output
    assert "rejected.jsonl" in result.output
    again = runner.invoke(
        app, ["ingest", str(ingest_data / "native-events.jsonl"), "--db", str(db)]
    )
    assert "read 11 | stored 5 (new 0) | rejected 6" in again.output


def test_ingest_strict_exits_2_at_the_first_bad_record(tmp_path: Path, ingest_data: Path) -> None:
    result = runner.invoke(
        app,
        [
            "ingest",
            str(ingest_data / "native-events.jsonl"),
            "--db",
            str(tmp_path / "x.duckdb"),
            "--strict",
        ],
    )
    assert result.exit_code == 2
    assert "native-events.jsonl:6 (field role)" in result.output


def test_ingest_missing_file_exits_1_and_names_it(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["ingest", str(tmp_path / "nope.jsonl"), "--db", str(tmp_path / "x.duckdb")]
    )
    assert result.exit_code == 1
    assert f"File not found: {tmp_path / 'nope.jsonl'}" in result.output


def test_ingest_unknown_format_lists_the_choices(tmp_path: Path, ingest_data: Path) -> None:
    result = runner.invoke(
        app,
        [
            "ingest",
            str(ingest_data / "native-events.jsonl"),
            "--db",
            str(tmp_path / "x.duckdb"),
            "--format",
            "xml",
        ],
    )
    assert result.exit_code == 1
    assert "Unknown format 'xml'; choose one of: events, sessions" in result.output


def test_sessions_and_actors_list_what_is_stored(tmp_path: Path, ingest_data: Path) -> None:
    db = str(tmp_path / "x.duckdb")
    runner.invoke(app, ["ingest", str(ingest_data / "agent-sessions.jsonl"), "--db", db])
    sessions = runner.invoke(app, ["sessions", "--db", db, "--json"])
    assert sessions.exit_code == 0
    rows = json.loads(sessions.output)
    assert {r["session_id"] for r in rows} == {"op-7", "chat-3", "swe-2", "bad-steps"}
    actors = runner.invoke(app, ["actors", "--db", db])
    assert actors.exit_code == 0
    assert "acct-19" in actors.output
    assert "actors (4 of 4)" in actors.output


def test_listing_escapes_markup_in_telemetry(tmp_path: Path) -> None:
    events = tmp_path / "e.jsonl"
    events.write_text('{"session_id": "[bold red]x[/]\\u001b[2J", "role": "user", "text": "hi"}\n')
    db = str(tmp_path / "x.duckdb")
    runner.invoke(app, ["ingest", str(events), "--db", db])
    result = runner.invoke(app, ["sessions", "--db", db], env={"COLUMNS": "200"})
    assert "[bold red]x[/]?[2J" in result.output
    assert "\x1b[2J" not in result.output


def test_sessions_on_a_missing_database_is_a_clear_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["sessions", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 1
    assert "No database at" in result.output
