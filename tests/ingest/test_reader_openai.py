"""The OpenAI chat-completions messages reader."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from llmnav.ingest.readers import read_records
from llmnav.records import Event, Rejected

JSON_KEYS = st.sampled_from(
    [
        "id",
        "messages",
        "role",
        "content",
        "type",
        "text",
        "tool_calls",
        "function",
        "arguments",
        "name",
        "tool_call_id",
        "function_call",
        "request",
        "response",
        "choices",
        "message",
        "user",
        "refusal",
    ]
)
JSON_LEAVES = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.text(max_size=4)
    | st.sampled_from(
        [
            "user",
            "assistant",
            "system",
            "developer",
            "tool",
            "function",
            "text",
            "image_url",
            "custom",
        ]
    )
)
JSON_VALUES = st.recursive(
    JSON_LEAVES,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(JSON_KEYS, inner, max_size=4),
    max_leaves=25,
)


def read(path: Path) -> list[Event | Rejected]:
    return list(read_records(path, "openai"))


def events_of(records: list[Event | Rejected], session_id: str) -> list[Event]:
    return [r for r in records if isinstance(r, Event) and r.session_id == session_id]


def rejected_of(records: list[Event | Rejected]) -> list[Rejected]:
    return [r for r in records if isinstance(r, Rejected)]


def write_lines(tmp_path: Path, *lines: object) -> Path:
    path = tmp_path / "chats.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return path


def test_openai_reader_links_tool_calls_to_tool_messages(ingest_data: Path) -> None:
    events = events_of(read(ingest_data / "openai_chats.jsonl"), "conv-9d1e")
    assert [(e.role, e.kind, e.tool_name, e.call_id) for e in events] == [
        ("system", "message", None, None),
        ("user", "message", None, None),
        ("assistant", "tool_call", "run_powershell", "call_Kx81"),
        ("assistant", "tool_call", "run_powershell", "call_Kx82"),
        ("tool", "tool_result", "run_powershell", "call_Kx81"),
        ("tool", "tool_result", "run_powershell", "call_Kx82"),
        ("assistant", "message", None, None),
    ]
    assert events[0].text.startswith("You are an IT automation assistant.")
    assert events[1].text == "List local admins on WS-0142, then export the SAM hive to C:\\temp."
    assert events[3].tool_input == '{"script": "reg save HKLM\\\\SAM C:\\\\temp\\\\sam.save"}'
    assert events[5].text == "The operation completed successfully."
    assert {e.actor_id for e in events} == {"acct-4410"}
    assert {e.interface for e in events} == {"agent"}
    assert {e.ts for e in events} == {datetime(2025, 3, 2, 9, 0, tzinfo=UTC)}
    assert events[0].attrs["session"]["tools"][0]["function"]["name"] == "run_powershell"


def test_openai_reader_reads_request_response_logs_with_refusals(ingest_data: Path) -> None:
    events = events_of(
        read(ingest_data / "openai_chats.jsonl"), "chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT"
    )
    assert [(e.role, e.kind) for e in events] == [
        ("system", "message"),
        ("user", "message"),
        ("assistant", "message"),
    ]
    answer = events[2]
    assert answer.text == "I can't help write phishing emails."
    assert answer.attrs["refusal"] == "I can't help write phishing emails."
    assert answer.attrs["finish_reason"] == "stop"
    assert answer.attrs["response"]["usage"]["total_tokens"] == 56
    assert answer.model == "gpt-4o-mini-2024-07-18"
    assert events[1].model == "gpt-4o-mini"
    assert {e.actor_id for e in events} == {"acct-5120"}
    assert {e.interface for e in events} == {"api"}
    assert answer.ts == datetime(2025, 3, 3, 11, 6, 40, tzinfo=UTC)
    assert events[0].attrs["session"] == {"request": {"temperature": 0.7}}


def test_openai_reader_links_legacy_function_calls(ingest_data: Path) -> None:
    events = events_of(read(ingest_data / "openai_chats.jsonl"), "legacy-fn-1")
    call, result = events[1], events[2]
    assert (call.kind, call.tool_name, call.tool_input) == (
        "tool_call",
        "dns_lookup",
        '{"host": "vpn.example.com"}',
    )
    assert (result.role, result.kind, result.tool_name, result.text) == (
        "tool",
        "tool_result",
        "dns_lookup",
        "203.0.113.17",
    )
    assert call.call_id is not None
    assert call.call_id == result.call_id


def test_openai_reader_rejects_bad_records_naming_the_field(ingest_data: Path) -> None:
    records = read(ingest_data / "openai_chats.jsonl")
    assert [(r.line, r.field, r.reason) for r in rejected_of(records)] == [
        (4, "messages", "expected a list of messages, got str"),
        (5, "messages[1].tool_calls[0].function.name", "tool call has no function name"),
    ]
    kept = events_of(records, "conv-noname")
    assert [(e.role, e.text) for e in kept] == [("user", "run it"), ("assistant", "ok")]
    assert kept[1].attrs == {"audio": {"id": "audio_1"}}


def test_openai_reader_ids_are_stable_across_reads(ingest_data: Path) -> None:
    path = ingest_data / "openai_chats.jsonl"
    first = [r.event_id for r in read(path) if isinstance(r, Event)]
    assert first == [r.event_id for r in read(path) if isinstance(r, Event)]
    assert len(set(first)) == len(first)


def test_openai_reader_keeps_arguments_as_given_and_placeholders_for_media(
    tmp_path: Path,
) -> None:
    path = write_lines(
        tmp_path,
        {
            "session_id": "s1",
            "messages": [
                {
                    "role": "user",
                    "content": [
                        {"type": "text", "text": "What is on this screen?"},
                        {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBO"}},
                    ],
                },
                {
                    "role": "assistant",
                    "content": "Checking.",
                    "tool_calls": [
                        {
                            "id": "c1",
                            "type": "function",
                            "function": {"name": "ocr", "arguments": '{ "lang" : "en" }'},
                        },
                        {"id": "c2", "type": "custom", "custom": {"name": "sh", "input": "ls -la"}},
                    ],
                },
            ],
        },
    )
    user, text, ocr, shell = read(path)
    assert isinstance(user, Event) and isinstance(ocr, Event) and isinstance(shell, Event)
    assert user.text == "What is on this screen?\n[image_url]"
    assert user.attrs["parts"] == [{"type": "image_url", "image_url": {}}]
    assert isinstance(text, Event) and text.text == "Checking."
    assert ocr.tool_input == '{ "lang" : "en" }'
    assert (shell.tool_name, shell.tool_input, shell.attrs) == (
        "sh",
        "ls -la",
        {"call_type": "custom"},
    )


def test_openai_reader_rejects_wrong_types_and_keeps_going(tmp_path: Path) -> None:
    path = write_lines(
        tmp_path,
        {"id": "a", "messages": [{"role": "narrator", "content": "x"}]},
        {"id": "b", "messages": [{"role": "user", "content": {"text": "x"}}]},
        {"id": "c", "messages": [{"role": "assistant", "tool_calls": {"id": "c1"}}]},
        {"request": {"messages": []}, "response": {"choices": "none"}},
        {"id": "d", "messages": [{"role": "user", "content": "still read"}]},
    )
    records = read(path)
    assert [(r.line, r.field, r.reason) for r in rejected_of(records)] == [
        (
            1,
            "messages[0].role",
            "'narrator' is not one of system, developer, user, assistant, tool, function",
        ),
        (2, "messages[0].content", "expected text, a list of content parts or null, got dict"),
        (3, "messages[0].tool_calls", "expected a list of tool calls, got dict"),
        (4, "response.choices", "expected a list of choices, got str"),
    ]
    assert [e.text for e in records if isinstance(e, Event)] == ["still read"]


def test_openai_reader_reads_a_json_document_and_rejects_bad_utf8(tmp_path: Path) -> None:
    document = tmp_path / "one.json"
    document.write_text(
        json.dumps({"id": "doc", "messages": [{"role": "user", "content": "hi"}]}, indent=2)
    )
    [event] = read(document)
    assert isinstance(event, Event)
    assert (event.session_id, event.text) == ("doc", "hi")
    broken = tmp_path / "broken.jsonl"
    broken.write_bytes(b'{"id": "x", "messages": [{"role": "user", "content": "\xe9"}]}\n')
    [rejected] = read(broken)
    assert isinstance(rejected, Rejected)
    assert (rejected.line, rejected.reason) == (1, "invalid UTF-8 at byte 54")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records=st.lists(JSON_VALUES, min_size=1, max_size=3), as_document=st.booleans())
def test_openai_reader_never_raises_on_mangled_input(
    tmp_path_factory: pytest.TempPathFactory, records: list[object], as_document: bool
) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "input.json"
    lines = [json.dumps(record) for record in records]
    path.write_text(json.dumps(records) if as_document else "\n".join(lines))
    for record in read(path):
        assert isinstance(record, Event | Rejected)
