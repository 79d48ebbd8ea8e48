"""The native event JSONL reader."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from llmnav.ingest.readers import read_records
from llmnav.records import Event, Rejected


def read(path: Path) -> list[Event | Rejected]:
    return list(read_records(path, "events"))


def test_events_reader_reads_good_lines_and_rejects_bad_ones(ingest_data: Path) -> None:
    records = read(ingest_data / "native-events.jsonl")
    events = [r for r in records if isinstance(r, Event)]
    rejected = [r for r in records if isinstance(r, Rejected)]
    assert [e.text[:20] for e in events] == [
        "Write a PowerShell s",
        "```powershell\nrundll",
        "",
        "SeDebugPrivilege Ena",
        "now list the domain ",
    ]
    assert [(r.line, r.field) for r in rejected] == [
        (6, "role"),
        (7, "seq"),
        (8, "session_id"),
        (9, None),
        (10, "ts"),
        (11, None),
    ]
    assert rejected[0].reason == "'wizard' is not one of user, assistant, tool, system"
    assert rejected[3].reason == "expected a JSON object, got list"
    assert rejected[5].reason.startswith("invalid UTF-8 at byte")
    assert all(r.path.endswith("native-events.jsonl") and r.raw for r in rejected)


def test_events_reader_fills_defaults_and_keeps_unknown_fields(ingest_data: Path) -> None:
    events = [r for r in read(ingest_data / "native-events.jsonl") if isinstance(r, Event)]
    call, result, request = events[2], events[3], events[4]
    assert call.kind == "tool_call"
    assert call.interface == "agent"
    assert call.tool_input == '{"command":"whoami /priv"}'
    assert call.attrs == {"client": "cli/2.1"}
    assert call.ts == datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
    assert result.kind == "tool_result"
    assert result.call_id == call.call_id == "c1"
    assert result.ts == datetime(2025, 6, 1, 12, 0, 1, 500000, tzinfo=UTC)
    assert request.actor_id == "agent-1"  # defaults to the session id
    assert request.seq == 5  # the line number when no seq is given
    assert request.event_id.startswith("ev-")


def test_events_reader_ids_are_stable_across_reads(ingest_data: Path) -> None:
    first = [r.event_id for r in read(ingest_data / "native-events.jsonl") if isinstance(r, Event)]
    second = [r.event_id for r in read(ingest_data / "native-events.jsonl") if isinstance(r, Event)]
    assert first == second
    assert len(set(first)) == len(first)
    assert first[:2] == ["e-1", "e-2"]


def test_events_reader_accepts_a_10_mb_line(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    text = "A" * (10 * 1024 * 1024)
    path.write_text('{"session_id": "s", "role": "user", "text": "' + text + '"}\n')
    (event,) = read(path)
    assert isinstance(event, Event)
    assert len(event.text) == len(text)
