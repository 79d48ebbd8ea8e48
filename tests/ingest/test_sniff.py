"""Format sniffing: each input goes to the reader made for it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from llmnav.errors import IngestError
from llmnav.ingest.readers import BUILTIN_READERS, reader_names, sniff


def test_builtin_readers_are_all_registered() -> None:
    assert {"events", "sessions", "anthropic", "openai", "otlp", "tables"} <= set(reader_names())
    assert all(cls.description for cls in BUILTIN_READERS)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("sniff_events.jsonl", "events"),
        ("sniff_sessions.jsonl", "sessions"),
        ("anthropic_transcripts.jsonl", "anthropic"),
        ("anthropic_messages.json", "anthropic"),
        ("openai_chats.jsonl", "openai"),
        ("sniff_plain_chat.jsonl", "openai"),
        ("otlp_agent_trace.json", "otlp"),
        ("otlp_collector_export.jsonl", "otlp"),
        ("otlp_legacy_genai.jsonl", "otlp"),
        ("investigator_actions.csv", "tables"),
    ],
)
def test_sniff_picks_the_reader_for_each_fixture(
    ingest_data: Path, name: str, expected: str
) -> None:
    assert sniff(ingest_data / name).name == expected


def write(tmp_path: Path, name: str, *lines: object) -> Path:
    path = tmp_path / name
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return path


@pytest.mark.parametrize(
    ("first", "expected"),
    [
        ({"system": "Be brief.", "messages": [{"role": "user", "content": "hi"}]}, "anthropic"),
        (
            {"model": "claude-opus-4-1", "messages": [{"role": "user", "content": "hi"}]},
            "anthropic",
        ),
        ({"messages": [{"role": "system", "content": "Be brief."}]}, "openai"),
        ({"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]}, "openai"),
        ({"messages": [{"role": "user", "content": [{"type": "text", "text": "hi"}]}]}, "openai"),
        (
            {"request": {"messages": []}, "response": {"type": "message", "content": []}},
            "anthropic",
        ),
        ({"request": {"messages": []}, "response": {"choices": []}}, "openai"),
        ({"role": "user", "text": "hi", "session_id": "s"}, "events"),
        ({"session_id": "s", "steps": []}, "sessions"),
        ({"resourceSpans": []}, "otlp"),
    ],
)
def test_sniff_tells_conversation_shapes_apart_by_content(
    tmp_path: Path, first: dict[str, object], expected: str
) -> None:
    assert sniff(write(tmp_path, "input.jsonl", first)).name == expected


def test_sniff_reads_documents_larger_than_the_sniff_window(tmp_path: Path) -> None:
    span = {"traceId": "ab" * 16, "spanId": "cd" * 8, "attributes": []}
    document = {"resourceSpans": [{"scopeSpans": [{"spans": [span] * 2000}]}]}
    path = tmp_path / "big.json"
    path.write_text(json.dumps(document, indent=2))
    assert path.stat().st_size > 1 << 16
    assert sniff(path).name == "otlp"


def test_sniff_guesses_from_text_when_the_first_line_is_too_long(tmp_path: Path) -> None:
    content = [{"type": "tool_use", "id": "t1", "name": "bash", "input": {"c": "x" * 70000}}]
    line = {"messages": [{"role": "user", "content": content}]}
    anthropic = write(tmp_path, "long.jsonl", line, line)
    assert sniff(anthropic).name == "anthropic"
    spans = {"resourceSpans": [{"scopeSpans": [{"spans": [{"name": "x" * 70000}]}]}]}
    otlp = write(tmp_path, "long-otlp.jsonl", spans, spans)
    assert sniff(otlp).name == "otlp"


def test_sniff_reads_csv_headers_with_other_delimiters_and_extensions(tmp_path: Path) -> None:
    tsv = tmp_path / "actions.tsv"
    tsv.write_text("Account\tDate\tDescription\nacct-1\t2025-01-01\tscan\n")
    assert sniff(tsv).name == "tables"
    exported = tmp_path / "export.dat"
    exported.write_text("actor_id;timestamp;text\nacct-1;2025-01-01;scan\n")
    assert sniff(exported).name == "tables"


def test_sniff_names_the_choices_when_nothing_fits(tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    path.write_text("who,when,what\n")
    with pytest.raises(IngestError, match=r"Cannot tell the format of .*notes.csv"):
        sniff(path)


def test_read_records_sniffs_the_format_when_none_is_given(ingest_data: Path) -> None:
    from llmnav.ingest import read_records
    from llmnav.records import Event

    records = list(read_records(ingest_data / "agent-sessions.jsonl"))
    assert {r.session_id for r in records if isinstance(r, Event)} == {
        "op-7",
        "chat-3",
        "swe-2",
        "bad-steps",
    }


def test_sniff_reads_a_first_session_longer_than_the_sniffed_bytes(tmp_path: Path) -> None:
    steps = [{"role": "tool", "content": "x" * 1000} for _ in range(200)]
    path = tmp_path / "long.jsonl"
    path.write_text(json.dumps({"session_id": "s1", "steps": steps}) + "\n")
    assert path.stat().st_size > 1 << 16
    assert sniff(path).name == "sessions"
