"""The session JSONL reader (the shape of the agent-traces benchmark file)."""

from __future__ import annotations

from pathlib import Path

from llmnav.ingest.readers import read_records
from llmnav.records import Event, Rejected


def read(path: Path) -> list[Event | Rejected]:
    return list(read_records(path, "sessions"))


def events_of(records: list[Event | Rejected], session_id: str) -> list[Event]:
    return [r for r in records if isinstance(r, Event) and r.session_id == session_id]


def test_session_reader_turns_steps_into_events(ingest_data: Path) -> None:
    events = events_of(read(ingest_data / "agent-sessions.jsonl"), "op-7")
    assert [(e.role, e.kind) for e in events] == [
        ("user", "message"),
        ("assistant", "message"),  # the text before the tool call
        ("assistant", "tool_call"),
        ("tool", "tool_result"),
        ("assistant", "tool_call"),
        ("tool", "tool_result"),
        ("assistant", "message"),
    ]
    assert [e.seq for e in events] == [0, 2, 3, 4, 6, 8, 10]
    assert {e.actor_id for e in events} == {"acct-19"}
    assert {e.interface for e in events} == {"agent"}
    assert events[2].tool_input == "nmap -sV -p 22,80,443 10.0.5.0/24"
    assert events[3].attrs == {"duration_s": 66.2, "step": 2}
    assert events[0].attrs["session"] == {"label": "offensive"}
    assert events[0].ts is not None and events[0].ts.isoformat() == "2025-09-02T08:00:00+00:00"


def test_session_reader_defaults_actor_and_interface(ingest_data: Path) -> None:
    records = read(ingest_data / "agent-sessions.jsonl")
    chat = events_of(records, "chat-3")
    assert {e.actor_id for e in chat} == {"chat-3"}
    assert {e.interface for e in chat} == {"chat"}
    swe = events_of(records, "swe-2")
    assert {e.interface for e in swe} == {"code_agent"}
    assert swe[0].role == "system"
    assert {e.model for e in swe} == {"agent-model-1"}


def test_session_reader_rejects_bad_steps_and_keeps_the_rest(ingest_data: Path) -> None:
    records = read(ingest_data / "agent-sessions.jsonl")
    kept = events_of(records, "bad-steps")
    assert [e.text or e.tool_input for e in kept] == ["list the files", "a.txt"]
    rejected = [r for r in records if isinstance(r, Rejected)]
    assert [(r.line, r.field) for r in rejected] == [
        (4, "steps[1].role"),
        (4, "steps[2]"),
        (4, "steps[3].timestamp"),
        (5, "session_id"),
        (6, None),
    ]
    assert rejected[1].reason == "expected a step object, got str"
    assert rejected[2].reason == "timestamp 'yesterday' is not ISO 8601"
    assert rejected[4].reason.startswith("invalid JSON")


def test_session_reader_ids_are_stable_and_unique(ingest_data: Path) -> None:
    ids = [r.event_id for r in read(ingest_data / "agent-sessions.jsonl") if isinstance(r, Event)]
    again = [r.event_id for r in read(ingest_data / "agent-sessions.jsonl") if isinstance(r, Event)]
    assert ids == again
    assert len(set(ids)) == len(ids)
