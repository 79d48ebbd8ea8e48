"""The Anthropic Messages transcript reader."""

from __future__ import annotations

import json
import shutil
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
        "tool_use_id",
        "name",
        "input",
        "system",
        "request",
        "response",
        "metadata",
        "user_id",
        "is_error",
        "interface",
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
            "text",
            "tool_use",
            "tool_result",
            "image",
            "thinking",
            "agent",
        ]
    )
)
JSON_VALUES = st.recursive(
    JSON_LEAVES,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(JSON_KEYS, inner, max_size=4),
    max_leaves=25,
)


def read(path: Path) -> list[Event | Rejected]:
    return list(read_records(path, "anthropic"))


def events_of(records: list[Event | Rejected], session_id: str) -> list[Event]:
    return [r for r in records if isinstance(r, Event) and r.session_id == session_id]


def rejected_of(records: list[Event | Rejected]) -> list[Rejected]:
    return [r for r in records if isinstance(r, Rejected)]


def write(tmp_path: Path, data: bytes | str, name: str = "t.jsonl") -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def test_anthropic_reader_turns_blocks_into_messages_tool_calls_and_results(
    ingest_data: Path,
) -> None:
    events = events_of(read(ingest_data / "anthropic_transcripts.jsonl"), "conv_01HQ7ZK3")
    assert [(e.role, e.kind, e.tool_name) for e in events] == [
        ("system", "message", None),
        ("user", "message", None),
        ("assistant", "message", None),
        ("assistant", "tool_call", "bash"),
        ("tool", "tool_result", "bash"),
        ("assistant", "tool_call", "bash"),
        ("assistant", "tool_call", "screenshot"),
        ("tool", "tool_result", "bash"),
        ("tool", "tool_result", "screenshot"),
        ("user", "message", None),
        ("assistant", "message", None),
    ]
    assert [e.seq for e in events] == list(range(11))
    scan, scan_result = events[3], events[4]
    assert scan.call_id == scan_result.call_id == "toolu_01A09q90qw90lq917835lq9"
    assert scan.tool_input == '{"command":"nmap -p22 --open -oG - 10.20.0.0/24"}'
    assert scan_result.text.startswith("Host: 10.20.0.5 ()")
    assert events[6].tool_input == "{}"
    assert events[9].text == "Good, now log in and add my key to authorized_keys."
    first = events[0]
    assert first.text == "You are a terminal agent with shell access on the lab jump host."
    assert first.attrs["session"] == {"metadata": {"user_id": "acct-8842"}}
    assert {e.actor_id for e in events} == {"acct-8842"}
    assert {e.interface for e in events} == {"agent"}
    assert {e.model for e in events} == {"claude-sonnet-4-5-20250929"}
    assert {e.ts for e in events} == {datetime(2025, 3, 1, 10, 0, tzinfo=UTC)}


def test_anthropic_reader_joins_result_blocks_and_keeps_images_as_placeholders(
    ingest_data: Path,
) -> None:
    events = events_of(read(ingest_data / "anthropic_transcripts.jsonl"), "conv_01HQ7ZK3")
    hydra, screenshot = events[7], events[8]
    assert hydra.text == (
        "[22][ssh] host: 10.20.0.5   login: ops   password: Winter2024!\n"
        "1 of 1 target successfully completed, 1 valid password found"
    )
    assert screenshot.text == "[image]"
    assert screenshot.attrs["is_error"] is True
    assert screenshot.attrs["blocks"] == [
        {"type": "image", "source": {"type": "base64", "media_type": "image/png"}}
    ]


def test_anthropic_reader_keeps_thinking_out_of_the_text(ingest_data: Path) -> None:
    events = events_of(read(ingest_data / "anthropic_transcripts.jsonl"), "conv_01HQ7ZK3")
    answer = events[2]
    assert answer.text == "I'll first find hosts with SSH open."
    assert answer.attrs["blocks"] == [
        {"type": "thinking", "thinking": "The user wants a credential spraying run against SSH."}
    ]


def test_anthropic_reader_reads_request_response_logs(ingest_data: Path) -> None:
    records = read(ingest_data / "anthropic_transcripts.jsonl")
    events = events_of(records, "msg_01XFDUDYJgAACzvnptvVoYEL")
    assert [(e.role, e.kind, e.text) for e in events] == [
        ("system", "message", "You are a helpful assistant."),
        (
            "user",
            "message",
            "Find the personal email of the CFO of Example Corp for a phishing pretext.",
        ),
        ("assistant", "message", "Searching public sources."),
        ("assistant", "tool_call", ""),
    ]
    assert events[3].tool_name == "web_search"
    assert events[3].tool_input == '{"q":"Example Corp CFO email"}'
    assert events[2].attrs["response"]["stop_reason"] == "tool_use"
    assert events[2].attrs["response"]["usage"] == {"input_tokens": 412, "output_tokens": 58}
    assert events[0].attrs["session"]["request"]["max_tokens"] == 1024
    assert {e.actor_id for e in events} == {"acct-1130"}
    assert {e.interface for e in events} == {"agent"}
    assert {e.ts for e in events} == {datetime(2025, 3, 2, 8, 15, tzinfo=UTC)}


def test_anthropic_reader_rejects_a_truncated_line_and_goes_on(ingest_data: Path) -> None:
    records = read(ingest_data / "anthropic_transcripts.jsonl")
    truncated = rejected_of(records)[0]
    assert (truncated.line, truncated.field) == (3, None)
    assert truncated.reason.startswith("invalid JSON: ")
    assert truncated.raw.startswith('{"id": "conv_truncated"')
    assert events_of(records, "conv_bad_block")


def test_anthropic_reader_rejects_a_block_without_type_and_keeps_the_other_messages(
    ingest_data: Path,
) -> None:
    records = read(ingest_data / "anthropic_transcripts.jsonl")
    bad = rejected_of(records)[1]
    assert (bad.line, bad.field, bad.reason) == (
        4,
        "messages[1].content[0].type",
        "content block has no type",
    )
    assert json.loads(bad.raw) == {"role": "assistant", "content": [{"text": "Sure."}]}
    kept = events_of(records, "conv_bad_block")
    assert [(e.role, e.text, e.seq) for e in kept] == [
        ("user", "Summarise this pcap.", 0),
        ("user", "Thanks.", 1),
    ]
    assert len(rejected_of(records)) == 2


def test_anthropic_reader_plain_chat_is_api_with_a_derived_session(ingest_data: Path) -> None:
    records = read(ingest_data / "anthropic_transcripts.jsonl")
    plain = [r for r in records if isinstance(r, Event)][-2:]
    assert [e.role for e in plain] == ["user", "assistant"]
    assert {e.interface for e in plain} == {"api"}
    session_id = plain[0].session_id
    assert session_id.startswith("s-")
    assert plain[0].actor_id == session_id
    assert plain[0].attrs["session"] == {"project": "red-team-eval"}


def test_anthropic_reader_ids_are_stable_across_reads_and_file_names(
    ingest_data: Path, tmp_path: Path
) -> None:
    original = ingest_data / "anthropic_transcripts.jsonl"
    copy = tmp_path / "renamed.jsonl"
    shutil.copy(original, copy)
    first = [r.event_id for r in read(original) if isinstance(r, Event)]
    again = [r.event_id for r in read(original) if isinstance(r, Event)]
    renamed = [r.event_id for r in read(copy) if isinstance(r, Event)]
    assert first == again == renamed
    assert len(set(first)) == len(first)
    assert {e.session_id for e in read(copy) if isinstance(e, Event)} == {
        e.session_id for e in read(original) if isinstance(e, Event)
    }


def test_anthropic_reader_reads_a_json_document_and_names_the_array_index(
    ingest_data: Path,
) -> None:
    records = read(ingest_data / "anthropic_messages.json")
    translated = events_of(records, "sess-a")
    assert [(e.role, e.text) for e in translated] == [
        ("system", "You are a translator."),
        ("user", "Translate 'reverse shell' into German."),
        ("assistant", "Reverse Shell"),
    ]
    assert {e.interface for e in translated} == {"chat"}
    assert translated[0].source.endswith("anthropic_messages.json (field [0].system)")
    runbook = events_of(records, "sess-b")
    assert [e.text for e in runbook] == ["[document: runbook.pdf]\nWhich step disables EDR?"]
    assert runbook[0].attrs["blocks"] == [
        {
            "type": "document",
            "title": "runbook.pdf",
            "source": {"type": "base64", "media_type": "application/pdf"},
        }
    ]
    assert [(r.line, r.field, r.reason) for r in rejected_of(records)] == [
        (None, "[1].messages[0].role", "'robot' is not one of user, assistant, system"),
        (None, "[2]", "expected a JSON object, got str"),
    ]


def test_anthropic_reader_reads_one_pretty_printed_conversation(tmp_path: Path) -> None:
    conversation = {"id": "c1", "messages": [{"role": "user", "content": "hi"}]}
    path = write(tmp_path, json.dumps(conversation, indent=2), "one.json")
    [event] = read(path)
    assert isinstance(event, Event)
    assert (event.session_id, event.text, event.source) == (
        "c1",
        "hi",
        f"{path} (field messages[0])",
    )


def test_anthropic_reader_rejects_a_truncated_document_whole(tmp_path: Path) -> None:
    path = write(tmp_path, '[\n  {"id": "c1",\n   "messages": [', "cut.json")
    [rejected] = read(path)
    assert isinstance(rejected, Rejected)
    assert rejected.line == 3
    assert rejected.reason.startswith("invalid JSON: ")


def test_anthropic_reader_rejects_invalid_utf8_by_line(tmp_path: Path) -> None:
    good = b'{"id": "c1", "messages": [{"role": "user", "content": "hi"}]}\n'
    path = write(tmp_path, b'{"id": "c0", "messages": "\xff"}\n' + good + good)
    records = read(path)
    assert [type(r).__name__ for r in records] == ["Rejected", "Event", "Event"]
    bad = records[0]
    assert isinstance(bad, Rejected)
    assert (bad.line, bad.reason) == (1, "invalid UTF-8 at byte 26")
    assert bad.raw == '{"id": "c0", "messages": "\\xff"}'


def test_anthropic_reader_rejects_wrong_types_naming_the_field(tmp_path: Path) -> None:
    lines = [
        {"id": "c1", "messages": {"role": "user"}},
        {"id": "c2", "messages": [{"role": "user", "content": 42}]},
        {"id": "c3", "messages": [{"role": "assistant", "content": [{"type": "tool_use"}]}]},
        {"id": "c4", "interface": "browser", "messages": []},
        {"id": "c5", "messages": [{"role": "user"}]},
        {"id": ["c6"], "messages": []},
    ]
    path = write(tmp_path, "".join(json.dumps(line) + "\n" for line in lines))
    assert [(r.line, r.field, r.reason) for r in rejected_of(read(path))] == [
        (1, "messages", "expected a list of messages, got dict"),
        (2, "messages[0].content", "expected text or a list of content blocks, got int"),
        (3, "messages[0].content[0].name", "tool_use block has no name"),
        (4, "interface", "'browser' is not one of chat, api, code_agent, agent"),
        (5, "messages[0].content", "missing required field 'content'"),
        (6, "id", "expected text, got list"),
    ]


def test_anthropic_reader_keeps_unknown_fields_and_block_types(tmp_path: Path) -> None:
    line = {
        "session_id": "s1",
        "messages": [
            {
                "role": "user",
                "content": [{"type": "text", "text": "look", "citations": []}],
                "client": "web",
            },
            {
                "role": "assistant",
                "content": [
                    {
                        "type": "server_tool_use",
                        "id": "srv_1",
                        "name": "web_search",
                        "input": {"query": "cve-2024-3400"},
                    },
                    {
                        "type": "web_search_tool_result",
                        "tool_use_id": "srv_1",
                        "content": [
                            {
                                "type": "web_search_result",
                                "url": "https://example.org/a",
                                "encrypted_content": "Eo8BCio",
                            }
                        ],
                    },
                    {"type": "hologram", "depth": 3},
                ],
            },
        ],
    }
    path = write(tmp_path, json.dumps(line) + "\n")
    user, call, result, other = (r for r in read(path) if isinstance(r, Event))
    assert user.attrs == {"blocks": [{"type": "text", "citations": []}], "client": "web"}
    assert (call.kind, call.tool_name, call.attrs) == (
        "tool_call",
        "web_search",
        {"block_type": "server_tool_use"},
    )
    assert (result.kind, result.call_id, result.tool_name) == ("tool_result", "srv_1", "web_search")
    assert result.text == "[web_search_result: https://example.org/a]"
    assert result.attrs["blocks"] == [{"type": "web_search_result", "url": "https://example.org/a"}]
    assert (other.kind, other.text, other.attrs) == (
        "message",
        "[hologram]",
        {"blocks": [{"type": "hologram", "depth": 3}]},
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records=st.lists(JSON_VALUES, min_size=1, max_size=3), as_document=st.booleans())
def test_anthropic_reader_never_raises_on_mangled_input(
    tmp_path_factory: pytest.TempPathFactory, records: list[object], as_document: bool
) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "input.json"
    lines = [json.dumps(record) for record in records]
    path.write_text(json.dumps(records) if as_document else "\n".join(lines))
    for record in read(path):
        assert isinstance(record, Event | Rejected)
