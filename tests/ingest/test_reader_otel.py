"""The OTLP/JSON reader of OpenTelemetry GenAI spans."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from llmnav.ingest.readers import read_records
from llmnav.ingest.readers.otel import decode_any_value, decode_attributes
from llmnav.records import Event, Rejected

T0 = datetime(2025, 3, 1, 10, 0, tzinfo=UTC)
SPANS = "resourceSpans[0].scopeSpans[0].spans"


JSON_KEYS = st.sampled_from(
    [
        "resourceSpans",
        "scopeSpans",
        "spans",
        "attributes",
        "key",
        "value",
        "stringValue",
        "intValue",
        "arrayValue",
        "kvlistValue",
        "values",
        "traceId",
        "spanId",
        "parentSpanId",
        "startTimeUnixNano",
        "events",
        "name",
        "resource",
    ]
)
JSON_LEAVES = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.text(max_size=4)
    | st.sampled_from(
        [
            "gen_ai.operation.name",
            "chat",
            "execute_tool",
            "invoke_agent",
            "gen_ai.input.messages",
            "gen_ai.tool.name",
            "mcp.method.name",
            "tools/call",
            "[]",
            "1740823200000000000",
        ]
    )
)
JSON_VALUES = st.recursive(
    JSON_LEAVES,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(JSON_KEYS, inner, max_size=4),
    max_leaves=25,
)


def read(path: Path) -> list[Event | Rejected]:
    return list(read_records(path, "otlp"))


def events(records: list[Event | Rejected]) -> list[Event]:
    return [r for r in records if isinstance(r, Event)]


def rejected(records: list[Event | Rejected]) -> list[Rejected]:
    return [r for r in records if isinstance(r, Rejected)]


def attribute(key: str, value: dict[str, Any]) -> dict[str, Any]:
    return {"key": key, "value": value}


def export(*spans: dict[str, Any]) -> dict[str, Any]:
    return {"resourceSpans": [{"resource": {}, "scopeSpans": [{"spans": list(spans)}]}]}


def span(*attributes: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {
        "traceId": "0123456789abcdef0123456789abcdef",
        "spanId": "0123456789abcdef",
        "name": "span",
        "startTimeUnixNano": "1740823200000000000",
        "endTimeUnixNano": "1740823201000000000",
        "attributes": list(attributes),
        **fields,
    }


def write_lines(tmp_path: Path, *lines: dict[str, Any]) -> Path:
    path = tmp_path / "export.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return path


def test_decode_any_value_reads_nested_values() -> None:
    value = {
        "kvlistValue": {
            "values": [
                {"key": "replicas", "value": {"intValue": "2"}},
                {"key": "ratio", "value": {"doubleValue": 0.5}},
                {"key": "on", "value": {"boolValue": True}},
                {"key": "blob", "value": {"bytesValue": "aGk="}},
                {"key": "empty", "value": {}},
                {
                    "key": "regions",
                    "value": {
                        "arrayValue": {"values": [{"stringValue": "eu-west-1"}, {"intValue": 7}]}
                    },
                },
            ]
        }
    }
    assert decode_any_value(value) == {
        "replicas": 2,
        "ratio": 0.5,
        "on": True,
        "blob": "aGk=",
        "empty": None,
        "regions": ["eu-west-1", 7],
    }
    assert decode_any_value({"arrayValue": {}}) == []
    assert decode_any_value({"string_value": "snake case"}) == "snake case"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"intValue": "many"}, "intValue 'many' is not an integer"),
        ({"boolValue": "yes"}, "boolValue must be true or false, got 'yes'"),
        ({"stringValue": 3}, "stringValue must be text, got int"),
        ({"mapValue": {}}, "unknown AnyValue type 'mapValue'"),
        ({"arrayValue": {"values": 3}}, "arrayValue.values must be a list, got int"),
        ("text", "expected an AnyValue object, got str"),
    ],
)
def test_decode_any_value_names_what_is_wrong(value: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        decode_any_value(value)


def test_decode_attributes_names_the_bad_key() -> None:
    with pytest.raises(ValueError, match=re.escape("attribute 'n': intValue '1.5' is not")):
        decode_attributes([{"key": "n", "value": {"intValue": "1.5"}}])
    with pytest.raises(ValueError, match="attribute 0 has no key"):
        decode_attributes([{"value": {"intValue": "1"}}])


def test_otlp_reader_turns_an_agent_trace_into_one_conversation(ingest_data: Path) -> None:
    conversation = events(read(ingest_data / "otlp_agent_trace.json"))
    conversation.sort(key=lambda e: e.seq)
    assert [(e.role, e.kind, e.tool_name) for e in conversation] == [
        ("system", "message", None),  # invoke_agent marker
        ("system", "message", None),  # system instructions
        ("user", "message", None),
        ("assistant", "message", None),
        ("assistant", "tool_call", "run_shell"),
        ("tool", "tool_result", "run_shell"),
        ("assistant", "tool_call", "read_file"),
        ("tool", "tool_result", "read_file"),
        ("assistant", "tool_call", "resources/read"),
        ("assistant", "message", None),
    ]
    assert {e.session_id for e in conversation} == {"conv-7f3a"}
    assert {e.actor_id for e in conversation} == {"acct-8842"}
    assert {e.interface for e in conversation} == {"agent"}
    marker, system, user = conversation[:3]
    assert marker.text == "[invoke_agent ReconBot]"
    assert marker.attrs["agent"] == {"name": "ReconBot", "id": "asst_5Jx1"}
    assert system.text.startswith("You are ReconBot")
    assert user.text.startswith("Find hosts on 10.20.0.0/24 running outdated OpenSSH")
    assert user.model == "gpt-4o-2024-08-06"
    assert user.attrs["gen_ai.provider.name"] == "openai"
    assert user.attrs["service"] == "recon-agent"
    assert conversation[-1].attrs["finish_reason"] == "stop"


def test_otlp_reader_links_tool_calls_and_results(ingest_data: Path) -> None:
    by_kind = [e for e in events(read(ingest_data / "otlp_agent_trace.json")) if e.call_id]
    assert [(e.kind, e.tool_name, e.call_id) for e in by_kind] == [
        ("tool_call", "run_shell", "call_ab12"),
        ("tool_result", "run_shell", "call_ab12"),
        ("tool_call", "read_file", "call_cd34"),
        ("tool_result", "read_file", "call_cd34"),
    ]
    scan, scan_result = by_kind[0], by_kind[1]
    assert scan.tool_input == '{"command":"nmap -sV -p22 10.20.0.0/24"}'
    assert scan_result.text == "10.20.0.5 22/tcp open ssh OpenSSH 7.2p2 Ubuntu-4ubuntu2.8"
    assert scan_result.ts == datetime(2025, 3, 1, 10, 0, 4, tzinfo=UTC)


def test_otlp_reader_emits_repeated_history_once(ingest_data: Path) -> None:
    conversation = events(read(ingest_data / "otlp_agent_trace.json"))
    user_texts = [e.text for e in conversation if e.role == "user"]
    assert len(user_texts) == 1
    ids = [e.event_id for e in conversation]
    assert len(ids) == len(set(ids))


def test_otlp_reader_maps_mcp_spans_to_tool_calls(ingest_data: Path) -> None:
    conversation = events(read(ingest_data / "otlp_agent_trace.json"))
    [resource_read] = [e for e in conversation if e.tool_name == "resources/read"]
    assert resource_read.tool_input == "file:///home/ops/.ssh/known_hosts"
    assert resource_read.attrs["mcp"]["mcp.session.id"] == "mcp-sess-19"
    read_file_calls = [e for e in conversation if e.tool_name == "read_file"]
    assert [e.kind for e in read_file_calls] == ["tool_call", "tool_result"]


def test_otlp_reader_uses_span_times_for_ts_and_seq(ingest_data: Path) -> None:
    conversation = events(read(ingest_data / "otlp_agent_trace.json"))
    ordered = sorted(conversation, key=lambda e: e.seq)
    stamps = [e.ts for e in ordered]
    assert all(ts is not None for ts in stamps)
    assert stamps == sorted(stamps)  # type: ignore[type-var]
    assert ordered[0].ts == T0
    assert ordered[-1].ts == datetime(2025, 3, 1, 10, 0, 7, tzinfo=UTC)


def test_otlp_reader_keeps_other_span_attributes(ingest_data: Path) -> None:
    first = events(read(ingest_data / "otlp_agent_trace.json"))[0]
    assert first.attrs["span_attributes"]["gen_ai.usage.input_tokens"] == 812
    assert first.attrs["span_attributes"]["gen_ai.request.stop_sequences"] == ["</done>"]
    assert first.attrs["otel"] == {
        "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736",
        "span_id": "a1b2c3d4e5f60001",
        "span": "chat gpt-4o",
        "operation": "chat",
    }


def test_otlp_reader_rejects_bad_spans_naming_the_field(ingest_data: Path) -> None:
    records = read(ingest_data / "otlp_agent_trace.json")
    bad_json, bad_int = rejected(records)
    assert (bad_json.line, bad_json.field) == (None, f"{SPANS}[9].attributes")
    assert bad_json.reason.startswith("gen_ai.input.messages is not valid JSON: ")
    assert json.loads(bad_json.raw)["spanId"] == "a1b2c3d4e5f60009"
    assert (bad_int.field, bad_int.reason) == (
        f"{SPANS}[10].attributes",
        "attribute 'gen_ai.usage.input_tokens': intValue 'many' is not an integer",
    )


def test_otlp_reader_reads_collector_lines_like_the_document(ingest_data: Path) -> None:
    document = events(read(ingest_data / "otlp_agent_trace.json"))
    records = read(ingest_data / "otlp_collector_export.jsonl")
    lines = events(records)
    assert sorted(e.event_id for e in lines) == sorted(e.event_id for e in document)
    assert {e.session_id for e in lines} == {"conv-7f3a"}
    [truncated] = rejected(records)
    assert (truncated.line, truncated.field) == (3, None)
    assert truncated.reason.startswith("invalid JSON: ")


def test_otlp_reader_ids_are_stable_across_reads(ingest_data: Path) -> None:
    path = ingest_data / "otlp_collector_export.jsonl"
    assert [e.event_id for e in events(read(path))] == [e.event_id for e in events(read(path))]


def test_otlp_reader_reads_deprecated_prompt_attributes_and_events(ingest_data: Path) -> None:
    conversation = events(read(ingest_data / "otlp_legacy_genai.jsonl"))
    assert [(e.role, e.kind, e.text) for e in conversation] == [
        ("system", "message", "You are a helpful assistant."),
        (
            "user",
            "message",
            "Write a VBA macro that downloads and runs a payload when the document opens.",
        ),
        ("assistant", "message", "I can't help with creating malware."),
        ("user", "message", "List the domain admins with net group."),
        ("assistant", "tool_call", ""),
    ]
    call = conversation[-1]
    assert (call.tool_name, call.call_id) == ("shell", "call_9")
    assert call.tool_input == '{"cmd": "net group \\"Domain Admins\\" /domain"}'
    assert {e.session_id for e in conversation} == {"0af7651916cd43dd8448eb211c80319c"}
    assert {e.actor_id for e in conversation} == {"acct-1130"}
    assert {e.interface for e in conversation} == {"api"}
    assert conversation[0].attrs["gen_ai.system"] == "openai"
    assert conversation[0].model == "gpt-3.5-turbo"


def test_otlp_reader_reads_structured_messages_and_plain_prompts(tmp_path: Path) -> None:
    structured = {
        "arrayValue": {
            "values": [
                {
                    "kvlistValue": {
                        "values": [
                            attribute("role", {"stringValue": "user"}),
                            attribute(
                                "parts",
                                {
                                    "arrayValue": {
                                        "values": [
                                            {
                                                "kvlistValue": {
                                                    "values": [
                                                        attribute("type", {"stringValue": "text"}),
                                                        attribute(
                                                            "content",
                                                            {"stringValue": "whoami"},
                                                        ),
                                                    ]
                                                }
                                            }
                                        ]
                                    }
                                },
                            ),
                        ]
                    }
                }
            ]
        }
    }
    path = write_lines(
        tmp_path,
        export(
            span(
                attribute("gen_ai.operation.name", {"stringValue": "chat"}),
                attribute("gen_ai.conversation.id", {"stringValue": "c-1"}),
                attribute("gen_ai.input.messages", structured),
            ),
            span(
                attribute("gen_ai.prompt", {"stringValue": "plain prompt text"}),
                spanId="1111111111111111",
            ),
        ),
    )
    first, second = events(read(path))
    assert (first.role, first.text, first.session_id) == ("user", "whoami", "c-1")
    assert (second.role, second.text, second.session_id) == ("user", "plain prompt text", "c-1")


def test_otlp_reader_rejects_malformed_exports_and_goes_on(tmp_path: Path) -> None:
    chat = span(
        attribute("gen_ai.operation.name", {"stringValue": "chat"}),
        attribute("gen_ai.input.messages", {"stringValue": '[{"role": "user", "content": "ok"}]'}),
    )
    path = write_lines(
        tmp_path,
        {"resourceLogs": []},
        export("not a span", span(startTimeUnixNano="soon"), chat),
        export(
            span(attribute("gen_ai.operation.name", {"stringValue": "execute_tool"})),
            span(
                attribute("gen_ai.operation.name", {"stringValue": "chat"}),
                attribute("gen_ai.input.messages", {"stringValue": '[{"role": "wizard"}]'}),
                spanId="2222222222222222",
            ),
        ),
        {"resourceSpans": {"spans": []}},
    )
    records = read(path)
    assert [(r.line, r.field, r.reason) for r in rejected(records)] == [
        (1, "resourceSpans", "not an OTLP trace export: no resourceSpans"),
        (2, f"{SPANS}[0]", "expected a span object, got str"),
        (
            2,
            f"{SPANS}[1].startTimeUnixNano",
            "expected nanoseconds since the epoch, got 'soon'",
        ),
        (3, f"{SPANS}[0].attributes", "execute_tool span has no gen_ai.tool.name"),
        (
            3,
            f"{SPANS}[1].attributes",
            "gen_ai.input.messages[0].role 'wizard' is not one of "
            "system, developer, user, human, assistant, model, ai, tool, function",
        ),
        (4, "resourceSpans", "expected a list of resourceSpans, got dict"),
    ]
    assert [e.text for e in events(records)] == ["ok"]


def test_otlp_reader_rejects_invalid_utf8_lines(tmp_path: Path) -> None:
    path = tmp_path / "export.jsonl"
    line = json.dumps(export(span())).encode()
    path.write_bytes(line + b"\n" + line.replace(b"span", b"sp\xffn") + b"\n")
    [bad] = rejected(read(path))
    assert bad.line == 2
    assert bad.reason.startswith("invalid UTF-8 at byte ")


def test_otlp_reader_skips_spans_without_genai_content(tmp_path: Path) -> None:
    http = span(attribute("http.request.method", {"stringValue": "GET"}))
    path = write_lines(tmp_path, export(http))
    assert read(path) == []


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records=st.lists(JSON_VALUES, min_size=1, max_size=3), as_document=st.booleans())
def test_otlp_reader_never_raises_on_mangled_input(
    tmp_path_factory: pytest.TempPathFactory, records: list[object], as_document: bool
) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "input.json"
    lines = [json.dumps(record) for record in records]
    path.write_text(json.dumps(records) if as_document else "\n".join(lines))
    for record in read(path):
        assert isinstance(record, Event | Rejected)


TOOL_CALL_PART = {
    "type": "tool_call",
    "id": "call_7",
    "name": "run_shell",
    "arguments": {"command": "id"},
}


def chat_with_call(span_id: str, part: dict[str, Any]) -> dict[str, Any]:
    output = [{"role": "assistant", "parts": [part]}]
    return span(
        attribute("gen_ai.operation.name", {"stringValue": "chat"}),
        attribute("gen_ai.conversation.id", {"stringValue": "c-7"}),
        attribute(
            "gen_ai.input.messages",
            {"stringValue": json.dumps([{"role": "user", "content": "who am I?"}])},
        ),
        attribute("gen_ai.output.messages", {"stringValue": json.dumps(output)}),
        spanId=span_id,
    )


def execute_tool(*arguments: dict[str, Any]) -> dict[str, Any]:
    return span(
        attribute("gen_ai.operation.name", {"stringValue": "execute_tool"}),
        attribute("gen_ai.tool.name", {"stringValue": "run_shell"}),
        attribute("gen_ai.tool.call.id", {"stringValue": "call_7"}),
        *arguments,
        attribute("gen_ai.tool.call.result", {"stringValue": "uid=0(root)"}),
        spanId="7777777777777777",
        startTimeUnixNano="1740823201500000000",
        endTimeUnixNano="1740823202000000000",
    )


def follow_up_chat(part: dict[str, Any]) -> dict[str, Any]:
    """A later chat span repeating the call and its result in its input history."""
    history = [
        {"role": "user", "content": "who am I?"},
        {"role": "assistant", "parts": [part]},
        {
            "role": "tool",
            "parts": [{"type": "tool_call_response", "id": "call_7", "response": "uid=0(root)"}],
        },
    ]
    return span(
        attribute("gen_ai.operation.name", {"stringValue": "chat"}),
        attribute("gen_ai.input.messages", {"stringValue": json.dumps(history)}),
        spanId="8888888888888888",
        startTimeUnixNano="1740823203000000000",
        endTimeUnixNano="1740823204000000000",
    )


ARGUMENTS = attribute("gen_ai.tool.call.arguments", {"stringValue": '{"command": "id"}'})
CALL_WITHOUT_ARGUMENTS = {k: v for k, v in TOOL_CALL_PART.items() if k != "arguments"}


@pytest.mark.parametrize("chat_first", [True, False], ids=["chat-first", "tool-first"])
@pytest.mark.parametrize("one_export", [True, False], ids=["one-export", "line-per-span"])
@pytest.mark.parametrize(
    ("chat_part", "tool_arguments"),
    [(TOOL_CALL_PART, ()), (CALL_WITHOUT_ARGUMENTS, (ARGUMENTS,))],
    ids=["tool-lacks-arguments", "chat-lacks-arguments"],
)
def test_otlp_reader_emits_a_call_seen_in_chat_and_execute_tool_once(
    tmp_path: Path,
    chat_first: bool,
    one_export: bool,
    chat_part: dict[str, Any],
    tool_arguments: tuple[dict[str, Any], ...],
) -> None:
    spans = [chat_with_call("6666666666666666", chat_part), execute_tool(*tool_arguments)]
    if not chat_first:
        spans.reverse()
    spans.append(follow_up_chat(chat_part))
    lines = [export(*spans)] if one_export else [export(s) for s in spans]
    path = write_lines(tmp_path, *lines)
    records = read(path)
    assert rejected(records) == []
    linked = [(e.kind, e.tool_name, e.call_id) for e in events(records) if e.call_id]
    assert linked == [
        ("tool_call", "run_shell", "call_7"),
        ("tool_result", "run_shell", "call_7"),
    ]
    call, result = (e for e in events(records) if e.call_id)
    assert json.loads(call.tool_input or "null") == {"command": "id"}
    assert result.text == "uid=0(root)"
    assert [e.event_id for e in events(read(path))] == [e.event_id for e in events(records)]
