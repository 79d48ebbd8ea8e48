"""OpenTelemetry GenAI spans as OTLP/JSON: the ``otlp`` format.

The file is one export request (or a list of them) as a JSON document, or one
export request per line, as the collector's file exporter writes it::

    {"resourceSpans": [{"resource": {"attributes": [...]},
      "scopeSpans": [{"scope": {"name": "..."}, "spans": [
        {"traceId": "5b8e...", "spanId": "051f...", "parentSpanId": "...",
         "name": "chat gpt-4o", "startTimeUnixNano": "1740823200000000000",
         "endTimeUnixNano": "...", "attributes": [
           {"key": "gen_ai.operation.name", "value": {"stringValue": "chat"}},
           {"key": "gen_ai.input.messages", "value": {"stringValue": "[{\\"role\\": ...}]"}}],
         "events": [...], "status": {...}}]}]}]}

Spans map by ``gen_ai.operation.name``:

- ``chat`` / ``text_completion`` / ``generate_content`` (and any span carrying
  messages): events from ``gen_ai.system_instructions``, ``gen_ai.input.messages``
  and ``gen_ai.output.messages`` (JSON text or structured; parts ``text``,
  ``tool_call``, ``tool_call_response``; others leave a ``[type]`` placeholder),
  else from the deprecated ``gen_ai.prompt`` / ``gen_ai.completion`` (JSON,
  plain text, or flattened ``gen_ai.prompt.0.content``), else from span events
  (``gen_ai.user.message``, ``gen_ai.assistant.message``, ``gen_ai.tool.message``,
  ``gen_ai.choice``, ...). Input messages get the span's start time, output
  messages its end time.
- ``execute_tool``: a ``tool_call`` (``gen_ai.tool.name``, ``gen_ai.tool.call.id``,
  ``gen_ai.tool.call.arguments``) and a ``tool_result`` (``gen_ai.tool.call.result``).
- ``invoke_agent`` / ``invoke_workflow``: a system marker event (agent name in
  ``attrs["agent"]``) that makes the trace's interface ``agent``; its messages,
  if any, are read like a chat span's.
- MCP spans (``mcp.method.name``): ``tools/call`` is a tool call (tool from
  ``gen_ai.tool.name`` or ``mcp.tool.name``), ``resources/read`` and
  ``prompts/get`` are tool calls named after the method. An MCP span under an
  ``execute_tool`` or ``tools/call`` span adds nothing (the parent has it).

Other spans (HTTP, database, ...) produce no events. The session is
``gen_ai.conversation.id`` (learned for the whole trace from any of its spans),
else the trace id; the actor ``user.id`` / ``enduser.id`` of the span or
resource, else the session. Chat spans repeat the whole history, so event ids
come from content (role, text, occurrence) and an id already read is not
emitted again. A tool call and a tool result with a call id are keyed by the id
alone: a call in a chat span's messages and in its ``execute_tool`` span is one
event, which takes its arguments from whichever span has them (spans of a
seekable file in any order; of a pipe, within one export request). ``seq`` is
the event time in microseconds times 1000 plus its position in the span. A bad
span is rejected on its own, naming its field
(``resourceSpans[0].scopeSpans[0].spans[3].attributes``).

>>> decode_any_value({"kvlistValue": {"values": [{"key": "n", "value": {"intValue": "3"}}]}})
{'n': 3}
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from llmnav.errors import RecordError
from llmnav.ingest.readers.base import Head, Reader, Source, as_text, reject
from llmnav.ingest.readers.jsonrecords import JsonRecord, iter_json_records
from llmnav.records import Event, Rejected, stable_id

__all__ = ["OtlpReader", "decode_any_value", "decode_attributes"]

CHAT_OPERATIONS = frozenset({"chat", "text_completion", "generate_content"})
AGENT_OPERATIONS = frozenset({"invoke_agent", "invoke_workflow"})
_AGENTIC = AGENT_OPERATIONS | {"execute_tool", "create_agent"}
_ROLES = {
    "system": "system",
    "developer": "system",
    "user": "user",
    "human": "user",
    "assistant": "assistant",
    "model": "assistant",
    "ai": "assistant",
    "tool": "tool",
    "function": "tool",
}
_MESSAGE_EVENTS = {
    "gen_ai.system.message": "system",
    "gen_ai.user.message": "user",
    "gen_ai.assistant.message": "assistant",
    "gen_ai.tool.message": "tool",
}
_CONSUMED = frozenset(
    {
        "gen_ai.operation.name",
        "gen_ai.input.messages",
        "gen_ai.output.messages",
        "gen_ai.system_instructions",
        "gen_ai.prompt",
        "gen_ai.completion",
        "gen_ai.conversation.id",
        "gen_ai.request.model",
        "gen_ai.response.model",
        "gen_ai.system",
        "gen_ai.provider.name",
        "gen_ai.tool.name",
        "gen_ai.tool.call.id",
        "gen_ai.tool.call.arguments",
        "gen_ai.tool.call.result",
        "gen_ai.agent.name",
        "gen_ai.agent.id",
        "gen_ai.agent.description",
        "session.id",
        "user.id",
        "enduser.id",
    }
)
_FLATTENED = re.compile(r"^gen_ai\.(prompt|completion)\.\d+\.")
_ANY_VALUE_KEYS = (
    "stringValue",
    "boolValue",
    "intValue",
    "doubleValue",
    "arrayValue",
    "kvlistValue",
    "bytesValue",
)
_SEQ_SLOTS = 1000


def _snake(name: str) -> str:
    return re.sub(r"([A-Z])", r"_\1", name).lower()


def _get(obj: dict[str, Any], name: str) -> Any:
    """``obj[name]``, also accepting the protobuf snake_case spelling of the key."""
    if name in obj:
        return obj[name]
    return obj.get(_snake(name))


def decode_any_value(value: Any) -> Any:
    """An OTLP/JSON ``AnyValue`` as a Python value (nested arrays and kvlists too).

    ``intValue`` may be a JSON string; ``bytesValue`` stays base64 text; an
    empty value is None. Raises ValueError naming what is wrong.

    >>> decode_any_value({"arrayValue": {"values": [{"stringValue": "a"}, {"boolValue": True}]}})
    ['a', True]
    """
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ValueError(f"expected an AnyValue object, got {type(value).__name__}")
    for key in _ANY_VALUE_KEYS:
        if key in value or _snake(key) in value:
            return _decode_typed(key, _get(value, key))
    if not value:
        return None
    raise ValueError(f"unknown AnyValue type {next(iter(value))!r}")


def _decode_typed(key: str, raw: Any) -> Any:
    if key == "stringValue" or key == "bytesValue":
        if not isinstance(raw, str):
            raise ValueError(f"{key} must be text, got {type(raw).__name__}")
        return raw
    if key == "boolValue":
        if not isinstance(raw, bool):
            raise ValueError(f"boolValue must be true or false, got {raw!r}")
        return raw
    if key == "intValue":
        if isinstance(raw, int) and not isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.strip().lstrip("-").isdigit():
            return int(raw)
        raise ValueError(f"intValue {raw!r} is not an integer")
    if key == "doubleValue":
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            return float(raw)
        if isinstance(raw, str):
            try:
                return float(raw)
            except ValueError:
                pass
        raise ValueError(f"doubleValue {raw!r} is not a number")
    values = (raw or {}).get("values", []) if isinstance(raw, dict) else raw
    if not isinstance(values, list):
        raise ValueError(f"{key}.values must be a list, got {type(values).__name__}")
    if key == "arrayValue":
        return [decode_any_value(item) for item in values]
    return decode_attributes(values)


def decode_attributes(items: Any) -> dict[str, Any]:
    """An OTLP ``attributes`` list (``[{"key", "value"}]``) as a dict; ValueError if malformed.

    >>> decode_attributes([{"key": "gen_ai.tool.name", "value": {"stringValue": "bash"}}])
    {'gen_ai.tool.name': 'bash'}
    """
    if items is None:
        return {}
    if not isinstance(items, list):
        raise ValueError(f"expected a list of attributes, got {type(items).__name__}")
    decoded: dict[str, Any] = {}
    for index, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("key"), str):
            raise ValueError(f"attribute {index} has no key")
        try:
            decoded[item["key"]] = decode_any_value(item.get("value"))
        except ValueError as exc:
            raise ValueError(f"attribute {item['key']!r}: {exc}") from exc
    return decoded


class _BadMessages(ValueError):
    """Malformed message content of a span; ``where`` is the field that holds it."""

    def __init__(self, reason: str, where: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.where = where


@dataclass(frozen=True, slots=True)
class _SpanEvent:
    name: str
    time_ns: int | None
    attrs: dict[str, Any]
    path: str


@dataclass(frozen=True, slots=True)
class _Span:
    path: str
    value: dict[str, Any]
    trace_id: str
    span_id: str
    parent_id: str
    name: str
    start_ns: int | None
    end_ns: int | None
    attrs: dict[str, Any]
    resource: dict[str, Any]
    events: tuple[_SpanEvent, ...]
    status: dict[str, Any]

    @property
    def raw(self) -> str:
        return json.dumps(self.value, ensure_ascii=False)

    @property
    def operation(self) -> str | None:
        op = self.attrs.get("gen_ai.operation.name")
        return op if isinstance(op, str) else None

    @property
    def mcp_method(self) -> str | None:
        method = self.attrs.get("mcp.method.name")
        return method if isinstance(method, str) else None


@dataclass(slots=True)
class _Draft:
    """An event before its session, ids and sequence number are known."""

    role: str
    kind: str
    text: str = ""
    tool_name: str | None = None
    tool_input: str | None = None
    call_id: str | None = None
    time_ns: int | None = None
    attrs: dict[str, Any] = field(default_factory=dict)
    key: tuple[Any, ...] = ()


@dataclass(slots=True)
class _State:
    """What a read learns across spans: trace context and the event ids already emitted."""

    conversations: dict[str, str] = field(default_factory=dict)
    actors: dict[str, str] = field(default_factory=dict)
    agentic: set[str] = field(default_factory=set)
    tool_spans: set[tuple[str, str]] = field(default_factory=set)
    tool_names: dict[tuple[str, str], str] = field(default_factory=dict)
    calls: dict[tuple[str, str], _Draft] = field(default_factory=dict)
    seen: set[str] = field(default_factory=set)
    fallback_seq: int = 0

    def learn(self, span: _Span) -> None:
        conversation = _id_text(span.attrs.get("gen_ai.conversation.id")) or _id_text(
            span.attrs.get("session.id")
        )
        if conversation:
            self.conversations.setdefault(span.trace_id, conversation)
        actor = _actor(span)
        if actor:
            self.actors.setdefault(span.trace_id, actor)
        if span.operation in _AGENTIC or span.mcp_method or _mentions_tools(span.attrs):
            self.agentic.add(span.trace_id)
        if span.operation == "execute_tool" or span.mcp_method == "tools/call":
            self.tool_spans.add((span.trace_id, span.span_id))

    def learn_calls(self, span: _Span, drafts: list[_Draft]) -> None:
        """Keep, per trace and call id, a tool call draft that has a name and arguments."""
        for draft in drafts:
            if draft.kind != "tool_call" or not draft.call_id:
                continue
            known = self.calls.setdefault((span.trace_id, draft.call_id), draft)
            if known.tool_input is None and draft.tool_input is not None:
                self.calls[(span.trace_id, draft.call_id)] = draft

    def call(self, span: _Span, call_id: str | None) -> _Draft | None:
        return self.calls.get((span.trace_id, call_id)) if call_id else None


class OtlpReader(Reader):
    name = "otlp"
    description = "OpenTelemetry GenAI spans as OTLP/JSON (a document or one export per line)"

    def sniff(self, head: Head) -> int:
        first = head.first
        if isinstance(first, dict) and ("resourceSpans" in first or "resource_spans" in first):
            return 95
        start = head.text[:4096]
        if '"resourceSpans"' in start or '"resource_spans"' in start:
            return 80
        return 0

    def read(self, source: Source) -> Iterator[Event | Rejected]:
        state = _State()
        if source.handle.seekable():
            # A first pass learns each trace's conversation, actor, tool spans and tool
            # calls, so that spans exported before their parent still land in the right
            # session and a call keeps its arguments whichever of its spans comes first.
            start = source.handle.tell()
            for record in iter_json_records(source, self.name):
                if isinstance(record, JsonRecord):
                    self._drafted(source, record, state)
            source.handle.seek(start)
        for record in iter_json_records(source, self.name):
            if isinstance(record, Rejected):
                yield record
                continue
            yield from self._request(source, record, state)

    def _request(
        self, source: Source, rec: JsonRecord, state: _State
    ) -> Iterator[Event | Rejected]:
        for item in self._drafted(source, rec, state):
            if isinstance(item, Rejected):
                yield item
            else:
                yield from self._emit(*item, rec, state)

    def _drafted(
        self, source: Source, rec: JsonRecord, state: _State
    ) -> list[tuple[_Span, list[_Draft]] | Rejected]:
        """The drafts of each span of an export request, learning from all of them first."""
        spans = list(self._spans(source, rec))
        for span in spans:
            if isinstance(span, _Span):
                state.learn(span)
        drafted: list[tuple[_Span, list[_Draft]] | Rejected] = []
        for span in spans:
            if isinstance(span, Rejected):
                drafted.append(span)
                continue
            try:
                drafts = self._drafts(span, state, rec)
            except RecordError as exc:
                drafted.append(reject(source, exc, span.raw, self.name))
                continue
            state.learn_calls(span, drafts)
            drafted.append((span, drafts))
        return drafted

    def _spans(self, source: Source, rec: JsonRecord) -> Iterator[_Span | Rejected]:
        def bad(reason: str, where: str, raw: Any) -> Rejected:
            error = RecordError(reason, rec.at(where))
            return reject(source, error, json.dumps(raw, ensure_ascii=False), self.name)

        resource_spans = _get(rec.value, "resourceSpans")
        if not isinstance(resource_spans, list):
            reason = (
                "not an OTLP trace export: no resourceSpans"
                if resource_spans is None
                else f"expected a list of resourceSpans, got {type(resource_spans).__name__}"
            )
            yield bad(reason, "resourceSpans", rec.value)
            return
        for r, resource_span in enumerate(resource_spans):
            r_path = f"resourceSpans[{r}]"
            if not isinstance(resource_span, dict):
                yield bad(
                    f"expected an object, got {type(resource_span).__name__}", r_path, resource_span
                )
                continue
            resource = _get(resource_span, "resource") or {}
            try:
                resource_attrs = decode_attributes(
                    resource.get("attributes") if isinstance(resource, dict) else resource
                )
            except ValueError as exc:
                yield bad(str(exc), f"{r_path}.resource.attributes", resource_span)
                continue
            scope_spans = _get(resource_span, "scopeSpans")
            if scope_spans is None:
                scope_spans = _get(resource_span, "instrumentationLibrarySpans") or []
            if not isinstance(scope_spans, list):
                yield bad(
                    f"expected a list, got {type(scope_spans).__name__}",
                    f"{r_path}.scopeSpans",
                    resource_span,
                )
                continue
            for s, scope_span in enumerate(scope_spans):
                s_path = f"{r_path}.scopeSpans[{s}]"
                spans = _get(scope_span, "spans") if isinstance(scope_span, dict) else None
                if not isinstance(spans, list):
                    yield bad("expected an object with a list of spans", s_path, scope_span)
                    continue
                for k, span in enumerate(spans):
                    path = f"{s_path}.spans[{k}]"
                    try:
                        yield self._span(rec, path, span, resource_attrs)
                    except RecordError as exc:
                        yield reject(source, exc, json.dumps(span, ensure_ascii=False), self.name)

    def _span(self, rec: JsonRecord, path: str, span: Any, resource: dict[str, Any]) -> _Span:
        if not isinstance(span, dict):
            raise RecordError(f"expected a span object, got {type(span).__name__}", rec.at(path))
        try:
            attrs = decode_attributes(_get(span, "attributes"))
        except ValueError as exc:
            raise RecordError(str(exc), rec.at(f"{path}.attributes")) from exc
        events = []
        raw_events = _get(span, "events") or []
        if not isinstance(raw_events, list):
            raise RecordError(
                f"expected a list of events, got {type(raw_events).__name__}",
                rec.at(f"{path}.events"),
            )
        for index, item in enumerate(raw_events):
            where = f"{path}.events[{index}]"
            if not isinstance(item, dict):
                raise RecordError(
                    f"expected an event object, got {type(item).__name__}", rec.at(where)
                )
            try:
                event_attrs = decode_attributes(_get(item, "attributes"))
            except ValueError as exc:
                raise RecordError(str(exc), rec.at(f"{where}.attributes")) from exc
            events.append(
                _SpanEvent(
                    name=str(item.get("name") or ""),
                    time_ns=_nanos(rec, f"{where}.timeUnixNano", _get(item, "timeUnixNano")),
                    attrs=event_attrs,
                    path=where,
                )
            )
        trace_id = _get(span, "traceId")
        if not isinstance(trace_id, str) or not trace_id:
            raise RecordError("span has no traceId", rec.at(f"{path}.traceId"))
        status = _get(span, "status")
        return _Span(
            path=path,
            value=span,
            trace_id=trace_id,
            span_id=str(_get(span, "spanId") or ""),
            parent_id=str(_get(span, "parentSpanId") or ""),
            name=str(span.get("name") or ""),
            start_ns=_nanos(rec, f"{path}.startTimeUnixNano", _get(span, "startTimeUnixNano")),
            end_ns=_nanos(rec, f"{path}.endTimeUnixNano", _get(span, "endTimeUnixNano")),
            attrs=attrs,
            resource=resource,
            events=tuple(events),
            status=status if isinstance(status, dict) else {},
        )

    def _drafts(self, span: _Span, state: _State, rec: JsonRecord) -> list[_Draft]:
        operation, method = span.operation, span.mcp_method
        try:
            if operation == "execute_tool":
                return self._tool_drafts(span)
            if method and operation not in CHAT_OPERATIONS:
                return self._mcp_drafts(span, state)
            drafts = self._agent_drafts(span) if operation in AGENT_OPERATIONS else []
            drafts.extend(_chat_drafts(span))
        except _BadMessages as exc:
            raise RecordError(exc.reason, rec.at(exc.where)) from exc
        return drafts

    def _agent_drafts(self, span: _Span) -> list[_Draft]:
        agent = {
            key.removeprefix("gen_ai.agent."): value
            for key, value in span.attrs.items()
            if key.startswith("gen_ai.agent.")
        }
        name = agent.get("name") or span.name.removeprefix(f"{span.operation} ").strip()
        text = f"[{span.operation} {name}]" if name else f"[{span.operation}]"
        attrs = {"marker": span.operation, "agent": agent}
        return [
            _Draft(
                "system",
                "message",
                text,
                time_ns=span.start_ns,
                attrs=attrs,
                key=("marker", span.span_id),
            )
        ]

    def _tool_drafts(self, span: _Span) -> list[_Draft]:
        attrs = span.attrs
        name = _id_text(attrs.get("gen_ai.tool.name")) or _id_text(attrs.get("mcp.tool.name"))
        if not name and span.name.startswith("execute_tool "):
            name = span.name.removeprefix("execute_tool ").strip()
        if not name:
            raise _BadMessages(
                "execute_tool span has no gen_ai.tool.name", f"{span.path}.attributes"
            )
        arguments = attrs.get("gen_ai.tool.call.arguments")
        if arguments is None:
            arguments = attrs.get("mcp.tool.arguments")
        if "gen_ai.tool.call.result" in attrs:
            result: Any = attrs["gen_ai.tool.call.result"]
        else:
            result = attrs.get("mcp.tool.result.content")
        return _call_and_result(span, name, arguments, result)

    def _mcp_drafts(self, span: _Span, state: _State) -> list[_Draft]:
        method = span.mcp_method or ""
        if (span.trace_id, span.parent_id) in state.tool_spans:
            return []
        attrs = span.attrs
        if method == "tools/call":
            name = _id_text(attrs.get("gen_ai.tool.name")) or _id_text(attrs.get("mcp.tool.name"))
            if not name and span.name.startswith("tools/call "):
                name = span.name.removeprefix("tools/call ").strip()
            if not name:
                raise _BadMessages(
                    "MCP tools/call span has no gen_ai.tool.name or mcp.tool.name",
                    f"{span.path}.attributes",
                )
            arguments = attrs.get("gen_ai.tool.call.arguments", attrs.get("mcp.tool.arguments"))
            if arguments is None:
                prefix = "mcp.request.argument."
                found = {
                    k.removeprefix(prefix): v for k, v in attrs.items() if k.startswith(prefix)
                }
                arguments = found or None
            result = attrs.get("gen_ai.tool.call.result", attrs.get("mcp.tool.result.content"))
            return _call_and_result(span, name, arguments, result)
        if method == "resources/read":
            return _call_and_result(span, method, attrs.get("mcp.resource.uri"), None)
        if method == "prompts/get":
            return _call_and_result(span, method, attrs.get("gen_ai.prompt.name"), None)
        return []

    def _emit(
        self, span: _Span, drafts: list[_Draft], rec: JsonRecord, state: _State
    ) -> Iterator[Event]:
        session_id = (
            _id_text(span.attrs.get("gen_ai.conversation.id"))
            or _id_text(span.attrs.get("session.id"))
            or state.conversations.get(span.trace_id)
            or span.trace_id
        )
        actor_id = _actor(span) or state.actors.get(span.trace_id) or session_id
        interface = "agent" if span.trace_id in state.agentic else "api"
        model = _id_text(span.attrs.get("gen_ai.response.model")) or _id_text(
            span.attrs.get("gen_ai.request.model")
        )
        common: dict[str, Any] = {
            "otel": {
                "trace_id": span.trace_id,
                "span_id": span.span_id,
                "span": span.name,
                "operation": span.operation or span.mcp_method,
            }
        }
        for key in ("gen_ai.system", "gen_ai.provider.name"):
            if span.attrs.get(key) is not None:
                common[key] = span.attrs[key]
        service = span.resource.get("service.name")
        if service is not None:
            common["service"] = service
        first = True
        for position, draft in enumerate(drafts):
            event_id = stable_id("ev", self.name, session_id, *draft.key)
            if event_id in state.seen:
                continue
            state.seen.add(event_id)
            attrs = {**common, **draft.attrs}
            if first:
                leftover = _leftover(span.attrs)
                if leftover:
                    attrs["span_attributes"] = leftover
                first = False
            known = state.call(span, draft.call_id)
            tool_input = draft.tool_input
            if draft.kind == "tool_call" and tool_input is None and known is not None:
                tool_input = known.tool_input
            if draft.kind == "tool_call" and draft.call_id and draft.tool_name:
                state.tool_names[(session_id, draft.call_id)] = draft.tool_name
            tool_name = draft.tool_name
            if draft.kind == "tool_result" and not tool_name and draft.call_id:
                tool_name = state.tool_names.get((session_id, draft.call_id)) or (
                    known.tool_name if known is not None else None
                )
            if draft.time_ns is None:
                seq = state.fallback_seq
                state.fallback_seq += 1
            else:
                seq = draft.time_ns // 1000 * _SEQ_SLOTS + min(position, _SEQ_SLOTS - 1)
            yield Event(
                event_id=event_id,
                actor_id=actor_id,
                session_id=session_id,
                seq=seq,
                role=draft.role,  # type: ignore[arg-type]
                kind=draft.kind,  # type: ignore[arg-type]
                text=draft.text,
                ts=_datetime(draft.time_ns),
                interface=interface,  # type: ignore[arg-type]
                tool_name=tool_name,
                tool_input=tool_input,
                call_id=draft.call_id,
                model=model,
                attrs=attrs,
                source=str(rec.at(span.path)),
            )


def _call_and_result(span: _Span, name: str, arguments: Any, result: Any) -> list[_Draft]:
    call_id = _id_text(span.attrs.get("gen_ai.tool.call.id"))
    tool_input = _arguments(arguments)
    attrs: dict[str, Any] = {}
    mcp = {k: v for k, v in span.attrs.items() if k.startswith("mcp.")}
    if mcp:
        attrs["mcp"] = mcp
    call_key: tuple[Any, ...] = (
        ("tool_call", call_id) if call_id else ("tool_call", "span", span.span_id)
    )
    drafts = [
        _Draft(
            "assistant",
            "tool_call",
            "",
            name,
            tool_input,
            call_id,
            span.start_ns,
            dict(attrs),
            call_key,
        )
    ]
    failed = span.status.get("code") in (2, "STATUS_CODE_ERROR")
    if result is None and not failed:
        return drafts
    text = as_text(result) if result is not None else str(span.status.get("message") or "")
    if failed:
        attrs["is_error"] = True
    result_key: tuple[Any, ...] = (
        ("tool_result", call_id) if call_id else ("tool_result", "span", span.span_id)
    )
    drafts.append(
        _Draft(
            "tool",
            "tool_result",
            text,
            name,
            None,
            call_id,
            span.end_ns or span.start_ns,
            attrs,
            result_key,
        )
    )
    return drafts


def _chat_drafts(span: _Span) -> list[_Draft]:
    """Message drafts of a span; _BadMessages when its messages are malformed."""
    attrs_path = f"{span.path}.attributes"
    sources: list[tuple[str, str, Any, str]] = []  # (name, default role, value, field)
    details = next(
        (e for e in span.events if e.name == "gen_ai.client.inference.operation.details"), None
    )
    for name, role in (
        ("gen_ai.system_instructions", "system"),
        ("gen_ai.input.messages", "user"),
        ("gen_ai.output.messages", "assistant"),
    ):
        if name in span.attrs:
            sources.append((name, role, span.attrs[name], attrs_path))
        elif details is not None and name in details.attrs:
            sources.append((name, role, details.attrs[name], f"{details.path}.attributes"))
    if not any(name != "gen_ai.system_instructions" for name, *_ in sources):
        sources.extend(_deprecated_sources(span))
    drafts: list[_Draft] = []
    occurrences: dict[tuple[Any, ...], int] = {}
    for name, default_role, value, where in sources:
        messages = _parse_messages(value, name, where)
        output = default_role == "assistant"
        time_ns = (span.end_ns or span.start_ns) if output else span.start_ns
        for index, message in enumerate(messages):
            label = f"{name}[{index}]"
            if name == "gen_ai.system_instructions":
                message = {"role": "system", "parts": messages}
            for draft in _message_drafts(message, default_role, label, where):
                draft.time_ns = draft.time_ns or time_ns
                _keyed(draft, occurrences)
                drafts.append(draft)
            if name == "gen_ai.system_instructions":
                break
    if not drafts:
        drafts = _event_drafts(span, occurrences)
    return drafts


def _deprecated_sources(span: _Span) -> list[tuple[str, str, Any, str]]:
    attrs_path = f"{span.path}.attributes"
    sources: list[tuple[str, str, Any, str]] = []
    for name, role in (("gen_ai.prompt", "user"), ("gen_ai.completion", "assistant")):
        if isinstance(span.attrs.get(name), str | list | dict):
            sources.append((name, role, span.attrs[name], attrs_path))
            continue
        flattened = _unflatten(span.attrs, name)
        if flattened:
            sources.append((name, role, flattened, attrs_path))
            continue
        event_name = f"gen_ai.content.{name.removeprefix('gen_ai.')}"
        for event in span.events:
            if event.name == event_name and name in event.attrs:
                sources.append((name, role, event.attrs[name], f"{event.path}.attributes"))
    return sources


def _event_drafts(span: _Span, occurrences: dict[tuple[Any, ...], int]) -> list[_Draft]:
    """Drafts from the per-message span events of older GenAI conventions."""
    drafts: list[_Draft] = []
    for event in span.events:
        role = _MESSAGE_EVENTS.get(event.name)
        if role is None and event.name != "gen_ai.choice":
            continue
        body = _event_body(event)
        message: Any = body
        if event.name == "gen_ai.choice":
            role = "assistant"
            message = body.get("message") if isinstance(body.get("message"), dict) else body
            if body.get("finish_reason") is not None:
                message = {**message, "finish_reason": body["finish_reason"]}
        where = f"{event.path}.attributes"
        for draft in _message_drafts(message, role or "user", event.name, where):
            draft.time_ns = event.time_ns or span.start_ns
            _keyed(draft, occurrences)
            drafts.append(draft)
    return drafts


def _event_body(event: _SpanEvent) -> dict[str, Any]:
    for key in ("gen_ai.event.content", "body", "event.body"):
        value = event.attrs.get(key)
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                value = {"content": value}
        if isinstance(value, dict):
            return value
    return {k: v for k, v in event.attrs.items() if not k.startswith("gen_ai.system")}


def _parse_messages(value: Any, name: str, where: str) -> list[Any]:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError as exc:
            if name in ("gen_ai.prompt", "gen_ai.completion", "gen_ai.system_instructions"):
                return [{"content": value}]
            raise _BadMessages(f"{name} is not valid JSON: {exc}", where) from exc
        if isinstance(value, str):
            return [{"content": value}]
    if isinstance(value, dict):
        return [value]
    if not isinstance(value, list):
        raise _BadMessages(f"{name} must be a list of messages, got {type(value).__name__}", where)
    return value


def _message_drafts(message: Any, default_role: str, label: str, where: str) -> list[_Draft]:
    """Drafts from one message: semconv ``{role, parts}`` or OpenAI-like ``{role, content}``."""
    if isinstance(message, str):
        message = {"content": message}
    if not isinstance(message, dict):
        raise _BadMessages(f"{label} must be a message object, got {type(message).__name__}", where)
    raw_role = message.get("role", default_role)
    role = _ROLES.get(raw_role.lower()) if isinstance(raw_role, str) else None
    if role is None:
        raise _BadMessages(f"{label}.role {raw_role!r} is not one of {', '.join(_ROLES)}", where)
    extra: dict[str, Any] = {}
    if message.get("finish_reason") is not None:
        extra["finish_reason"] = message["finish_reason"]
    if isinstance(message.get("name"), str):
        extra["name"] = message["name"]
    if "parts" in message:
        parts = message["parts"]
        if not isinstance(parts, list):
            raise _BadMessages(f"{label}.parts must be a list, got {type(parts).__name__}", where)
    else:
        parts = _openai_parts(message, role, label, where)
    drafts: list[_Draft] = []
    texts: list[str] = []
    others: list[dict[str, Any]] = []

    def flush() -> None:
        if texts or others:
            attrs: dict[str, Any] = {**extra, "parts": list(others)} if others else dict(extra)
            drafts.append(_Draft(role, "message", "\n".join(texts), attrs=attrs))
        texts.clear()
        others.clear()

    for index, part in enumerate(parts):
        part_label = f"{label}.parts[{index}]"
        if isinstance(part, str):
            texts.append(part)
            continue
        if not isinstance(part, dict):
            raise _BadMessages(f"{part_label} must be an object, got {type(part).__name__}", where)
        part_type = part.get("type", "text")
        if part_type == "text":
            texts.append(as_text(part.get("content", part.get("text"))))
        elif part_type in ("tool_call", "function_call"):
            flush()
            name = part.get("name")
            if not isinstance(name, str) or not name:
                raise _BadMessages(f"{part_label} tool_call has no name", where)
            call_id = _id_text(part.get("id"))
            arguments = part.get("arguments")
            drafts.append(
                _Draft(
                    "assistant",
                    "tool_call",
                    "",
                    name,
                    _arguments(arguments),
                    call_id,
                    attrs=dict(extra),
                    key=("args", _normal(arguments)),
                )
            )
        elif part_type in ("tool_call_response", "tool_result", "function_call_output"):
            flush()
            response = part.get("response", part.get("result", part.get("content")))
            call_id = _id_text(part.get("id"))
            drafts.append(
                _Draft(
                    "tool",
                    "tool_result",
                    as_text(response),
                    None,
                    None,
                    call_id,
                    attrs=dict(extra),
                    key=("result", _normal(response)),
                )
            )
        else:
            summary = {k: v for k, v in part.items() if k not in ("content", "data")}
            texts.append(f"[{part_type}]")
            others.append(summary)
    flush()
    return drafts


def _openai_parts(message: dict[str, Any], role: str, label: str, where: str) -> list[Any]:
    """Semconv parts from a ``{role, content, tool_calls, tool_call_id}`` message."""
    content = message.get("content")
    parts: list[Any] = []
    if role == "tool":
        call_id = message.get("tool_call_id", message.get("id"))
        return [{"type": "tool_call_response", "id": call_id, "response": content}]
    if isinstance(content, list):
        for part in content:
            if isinstance(part, dict) and "text" in part and "content" not in part:
                parts.append({**part, "type": "text", "content": part["text"]})
            else:
                parts.append(part)
    elif content is not None:
        parts.append({"type": "text", "content": as_text(content)})
    tool_calls = message.get("tool_calls") or []
    if not isinstance(tool_calls, list):
        raise _BadMessages(f"{label}.tool_calls must be a list", where)
    for call in tool_calls:
        if not isinstance(call, dict):
            raise _BadMessages(f"{label}.tool_calls must hold objects", where)
        function: dict[str, Any] = (
            call["function"] if isinstance(call.get("function"), dict) else call
        )
        parts.append(
            {
                "type": "tool_call",
                "id": call.get("id"),
                "name": function.get("name"),
                "arguments": function.get("arguments"),
            }
        )
    return parts


def _keyed(draft: _Draft, occurrences: dict[tuple[Any, ...], int]) -> None:
    """Give a draft its content key: the call id of a tool call or result (one of each
    per call id in a session, whichever span tells it), else content and occurrence."""
    if draft.call_id and draft.kind in ("tool_call", "tool_result"):
        draft.key = (draft.kind, draft.call_id)
        return
    base = (draft.role, draft.kind, draft.text, draft.tool_name, *draft.key)
    count = occurrences.get(base, 0)
    occurrences[base] = count + 1
    draft.key = (*base, count)


def _unflatten(attrs: dict[str, Any], prefix: str) -> list[Any] | None:
    """``gen_ai.prompt.0.role`` style attributes as a list of message objects."""
    tree: dict[str, Any] = {}
    for key, value in attrs.items():
        if not key.startswith(prefix + ".") or not _FLATTENED.match(key):
            continue
        node = tree
        *parents, leaf = key[len(prefix) + 1 :].split(".")
        for part in parents:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                break
            node = child
        else:
            node[leaf] = value
    listed = _listify(tree)
    return listed if isinstance(listed, list) and listed else None


def _listify(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    if node and all(key.isdigit() for key in node):
        return [_listify(node[key]) for key in sorted(node, key=int)]
    return {key: _listify(value) for key, value in node.items()}


def _leftover(attrs: dict[str, Any]) -> dict[str, Any]:
    return {
        k: v
        for k, v in attrs.items()
        if k not in _CONSUMED and not _FLATTENED.match(k) and not k.startswith("mcp.")
    }


def _mentions_tools(attrs: dict[str, Any]) -> bool:
    if "gen_ai.tool.definitions" in attrs:
        return True
    for key in ("gen_ai.input.messages", "gen_ai.output.messages"):
        value = attrs.get(key)
        if value is not None and "tool_call" in as_text(value):
            return True
    return False


def _actor(span: _Span) -> str | None:
    for attrs in (span.attrs, span.resource):
        for key in ("user.id", "enduser.id"):
            actor = _id_text(attrs.get(key))
            if actor:
                return actor
    return None


def _id_text(value: Any) -> str | None:
    if isinstance(value, str):
        return value or None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def _arguments(value: Any) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else as_text(value)


def _normal(value: Any) -> str:
    """A value as compact JSON, parsing JSON text first, so both spellings give one key."""
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except ValueError:
            return value
        if isinstance(parsed, dict | list):
            return as_text(parsed)
        return value
    return as_text(value)


def _nanos(rec: JsonRecord, where: str, value: Any) -> int | None:
    if value is None or value == "" or value == 0 or value == "0":
        return None
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    if isinstance(value, float) and math.isfinite(value) and value > 0:
        return int(value)
    raise RecordError(f"expected nanoseconds since the epoch, got {value!r}", rec.at(where))


def _datetime(nanos: int | None) -> datetime | None:
    if nanos is None:
        return None
    try:
        return datetime.fromtimestamp(nanos / 1e9, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None
