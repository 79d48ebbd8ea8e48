"""OpenAI chat-completions messages: conversations with ``tool_calls`` and role ``tool``.

Two shapes, as JSONL (one conversation per line) or as one JSON document
(one conversation, or a list of them)::

    {"id": "conv-9", "user": "u-3", "model": "gpt-4o",
     "messages": [
       {"role": "system", "content": "You are a coding assistant."},
       {"role": "user", "content": "Which privileges do I have?"},
       {"role": "assistant", "content": null, "tool_calls": [
          {"id": "call_1", "type": "function",
           "function": {"name": "shell", "arguments": "{\\"cmd\\": \\"whoami /all\\"}"}}]},
       {"role": "tool", "tool_call_id": "call_1", "content": "The operation completed."}]}

    {"request": {"model": "gpt-4o", "user": "u-3", "messages": [...]},
     "response": {"id": "chatcmpl-1", "created": 1740823200,
                  "choices": [{"index": 0, "message": {...}, "finish_reason": "stop"}]}}

``developer`` maps to role ``system``. A tool call becomes a ``tool_call``
event (``tool_name`` = ``function.name``, ``tool_input`` = ``arguments`` as
given, ``call_id`` = the call id); a ``tool`` message becomes a
``tool_result`` with ``call_id`` = ``tool_call_id``. The legacy
``function_call`` and role ``function`` are read too, linked by a derived
call id. Content parts other than text leave a ``[type]`` placeholder; a
``refusal`` is kept in ``attrs["refusal"]`` and is the text when there is no content.
``actor_id`` is ``actor_id`` or ``user``, else the session id; ``interface``
defaults to ``agent`` when tools appear, else ``api``. A bad message is
rejected on its own (field ``messages[2].tool_calls[0].function.name``).

>>> from pathlib import Path
>>> OpenAIReader().sniff(Head(Path("c.jsonl"), b"", {"messages": [{"role": "tool"}]}))
90
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from llmnav.errors import RecordError
from llmnav.ingest.readers.base import Head, Reader, Source, as_text, reject
from llmnav.ingest.readers.dialects import anthropic_signals, openai_signals
from llmnav.ingest.readers.fields import check_choice
from llmnav.ingest.readers.jsonrecords import JsonRecord, iter_json_records, join_field
from llmnav.records import INTERFACES, Event, Rejected, stable_id

__all__ = ["OpenAIReader"]

_ROLES = ("system", "developer", "user", "assistant", "tool", "function")
_CONVERSATION_KEYS = frozenset(
    {
        "id",
        "session_id",
        "actor_id",
        "user",
        "model",
        "messages",
        "interface",
        "ts",
        "timestamp",
        "created_at",
        "created",
    }
)
_MESSAGE_KEYS = frozenset(
    {
        "role",
        "content",
        "tool_calls",
        "tool_call_id",
        "function_call",
        "name",
        "refusal",
        "ts",
        "timestamp",
        "created_at",
        "created",
    }
)


@dataclass(slots=True)
class _Part:
    """An event before it gets its ids and sequence number."""

    role: str
    kind: str
    text: str = ""
    tool_name: str | None = None
    tool_input: str | None = None
    call_id: str | None = None
    attrs: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class _Item:
    """One message to read, where it is, and what it adds beyond the message."""

    path: str
    message: Any
    model: str | None = None
    ts: datetime | None = None
    attrs: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class _Conversation:
    session_id: str
    actor_id: str
    interface: str
    model: str | None
    ts: datetime | None
    items: list[_Item]
    extras: dict[str, Any]
    tool_names: dict[str, str] = field(default_factory=dict)
    pending_functions: dict[str, str] = field(default_factory=dict)


class OpenAIReader(Reader):
    name = "openai"
    description = "OpenAI chat-completions messages and request/response logs (JSONL or JSON)"

    def sniff(self, head: Head) -> int:
        first = head.first
        if not isinstance(first, dict):
            return _sniff_text(head.text)
        request, response = first.get("request"), first.get("response")
        if isinstance(request, dict) and isinstance(request.get("messages"), list):
            if isinstance(response, dict) and isinstance(response.get("choices"), list):
                return 95
            if isinstance(response, dict) and "content" in response:
                return 0
            first = {**first, **request}
        messages = first.get("messages")
        if not isinstance(messages, list) or {"steps", "resourceSpans"} & first.keys():
            return 0
        if openai_signals(first, messages):
            return 90
        if anthropic_signals(first, messages):
            return 10
        return 50

    def read(self, source: Source) -> Iterator[Event | Rejected]:
        for record in iter_json_records(source, self.name):
            if isinstance(record, Rejected):
                yield record
                continue
            try:
                conversation = self._conversation(record)
            except RecordError as exc:
                yield reject(source, exc, record.raw, self.name)
                continue
            yield from self._events(source, record, conversation)

    def _conversation(self, rec: JsonRecord) -> _Conversation:
        obj = rec.value
        conv, base, response = obj, "", None
        if "request" in obj or "response" in obj:
            conv, base = _object(obj.get("request"), "request", rec), "request"
            if obj.get("response") is not None:
                response = _object(obj["response"], "response", rec)
        messages = conv.get("messages")
        if not isinstance(messages, list):
            raise RecordError(
                f"expected a list of messages, got {type(messages).__name__}",
                rec.at(join_field(base, "messages")),
            )
        items = [_Item(join_field(base, f"messages[{i}]"), m) for i, m in enumerate(messages)]
        if response is not None:
            items.extend(self._choices(rec, response))
        session_id = (
            rec.text(obj, "session_id")
            or rec.text(obj, "id")
            or (rec.text(response, "id", "response") if response else None)
            or stable_id("s", self.name, rec.line, rec.prefix, rec.raw)
        )
        actor_id = (
            rec.text(obj, "actor_id")
            or rec.text(obj, "user")
            or (rec.text(conv, "user", base) if base else None)
            or session_id
        )
        has_tools = bool(conv.get("tools") or conv.get("functions")) or any(
            _has_tools(item.message) for item in items
        )
        interface = check_choice(
            rec.text(obj, "interface"),
            rec.at("interface").field or "interface",
            INTERFACES,
            rec.at(),
        ) or ("agent" if has_tools else "api")
        model = (
            rec.text(obj, "model")
            or rec.text(conv, "model", base)
            or (rec.text(response, "model", "response") if response else None)
        )
        extras = {k: v for k, v in obj.items() if k not in _CONVERSATION_KEYS}
        extras.pop("request", None)
        extras.pop("response", None)
        if base:
            request_extras = {
                k: v for k, v in conv.items() if k not in ("model", "messages", "user")
            }
            if request_extras:
                extras["request"] = request_extras
        ts = rec.ts(obj)
        if ts is None and response is not None:
            ts = rec.ts(response, "response")
        return _Conversation(session_id, actor_id, interface, model, ts, items, extras)

    def _choices(self, rec: JsonRecord, response: dict[str, Any]) -> list[_Item]:
        choices = response.get("choices")
        if not isinstance(choices, list):
            raise RecordError(
                f"expected a list of choices, got {type(choices).__name__}",
                rec.at("response.choices"),
            )
        meta = {k: v for k, v in response.items() if k not in ("choices", "model")}
        model = rec.text(response, "model", "response")
        ts = rec.ts(response, "response")
        items = []
        for index, choice in enumerate(choices):
            path = f"response.choices[{index}]"
            choice = _object(choice, path, rec)
            attrs = {
                k: v for k, v in choice.items() if k not in ("message", "index") and v is not None
            }
            if len(choices) > 1:
                attrs["choice"] = choice.get("index", index)
            if index == 0 and meta:
                attrs["response"] = meta
            items.append(_Item(f"{path}.message", choice.get("message"), model, ts, attrs))
        return items

    def _events(
        self, source: Source, rec: JsonRecord, conv: _Conversation
    ) -> Iterator[Event | Rejected]:
        seq = 0
        for item in conv.items:
            try:
                parts, ts = self._message(rec, item, conv)
            except RecordError as exc:
                raw = json.dumps(item.message, ensure_ascii=False)
                yield reject(source, exc, raw, self.name)
                continue
            for index, part in enumerate(parts):
                part.attrs.update(item.attrs)
                if seq == 0 and conv.extras:
                    part.attrs["session"] = conv.extras
                yield Event(
                    event_id=stable_id(
                        "ev",
                        self.name,
                        conv.session_id,
                        item.path,
                        index,
                        part.role,
                        part.kind,
                        part.text,
                        part.tool_name,
                        part.tool_input,
                        part.call_id,
                    ),
                    actor_id=conv.actor_id,
                    session_id=conv.session_id,
                    seq=seq,
                    role=part.role,  # type: ignore[arg-type]
                    kind=part.kind,  # type: ignore[arg-type]
                    text=part.text,
                    ts=ts or item.ts or conv.ts,
                    interface=conv.interface,  # type: ignore[arg-type]
                    tool_name=part.tool_name,
                    tool_input=part.tool_input,
                    call_id=part.call_id,
                    model=item.model or conv.model,
                    attrs=part.attrs,
                    source=str(rec.at(item.path)),
                )
                seq += 1

    def _message(
        self, rec: JsonRecord, item: _Item, conv: _Conversation
    ) -> tuple[list[_Part], datetime | None]:
        path, message = item.path, item.message
        if not isinstance(message, dict):
            raise RecordError(
                f"expected a message object, got {type(message).__name__}", rec.at(path)
            )
        role = check_choice(
            rec.text(message, "role", path),
            rec.at(join_field(path, "role")).field or "role",
            _ROLES,
            rec.at(),
            required=True,
        )
        assert role is not None  # required=True
        ts = rec.ts(message, path)
        attrs = {k: v for k, v in message.items() if k not in _MESSAGE_KEYS}
        name = rec.text(message, "name", path)
        text = self._content(rec, join_field(path, "content"), message.get("content"), attrs)
        if role == "tool":
            call_id = rec.text(message, "tool_call_id", path)
            tool_name = (conv.tool_names.get(call_id) if call_id else None) or name
            return [_Part("tool", "tool_result", text, tool_name, None, call_id, attrs)], ts
        if role == "function":
            call_id = conv.pending_functions.pop(name, None) if name else None
            return [_Part("tool", "tool_result", text, name, None, call_id, attrs)], ts
        if name:
            attrs["name"] = name
        refusal = rec.text(message, "refusal", path) or attrs.get("refusal")
        if refusal:
            attrs["refusal"] = refusal
        role = "system" if role == "developer" else role
        calls = self._tool_calls(rec, path, message, conv)
        parts = []
        if text or refusal or not calls:
            parts.append(_Part(role, "message", text or refusal or "", attrs=dict(attrs)))
        for call in calls:
            call.attrs.update(attrs)
        return parts + calls, ts

    def _content(self, rec: JsonRecord, path: str, content: Any, attrs: dict[str, Any]) -> str:
        if content is None or isinstance(content, str):
            return content or ""
        if not isinstance(content, list):
            raise RecordError(
                f"expected text, a list of content parts or null, got {type(content).__name__}",
                rec.at(path),
            )
        texts: list[str] = []
        others: list[dict[str, Any]] = []
        for index, part in enumerate(content):
            where = f"{path}[{index}]"
            if not isinstance(part, dict):
                raise RecordError(
                    f"expected a content part object, got {type(part).__name__}", rec.at(where)
                )
            part_type = rec.text(part, "type", where) or ("text" if "text" in part else None)
            if part_type is None:
                raise RecordError("content part has no type", rec.at(join_field(where, "type")))
            if part_type in ("text", "input_text", "output_text"):
                value = part.get("text")
                if not isinstance(value, str):
                    raise RecordError(
                        f"expected text, got {type(value).__name__}",
                        rec.at(join_field(where, "text")),
                    )
                texts.append(value)
            elif part_type == "refusal" and isinstance(part.get("refusal"), str):
                attrs["refusal"] = part["refusal"]
            else:
                texts.append(f"[{part_type}]")
                others.append(_summary(part, part_type))
        if others:
            attrs["parts"] = others
        return "\n".join(texts)

    def _tool_calls(
        self, rec: JsonRecord, path: str, message: dict[str, Any], conv: _Conversation
    ) -> list[_Part]:
        calls: list[_Part] = []
        legacy = message.get("function_call")
        if legacy is not None:
            where = join_field(path, "function_call")
            function = _object(legacy, where, rec)
            name = _required_name(rec, function, where)
            legacy_id = stable_id("call", conv.session_id, path)
            conv.pending_functions[name] = legacy_id
            arguments = _arguments(function.get("arguments"))
            calls.append(_Part("assistant", "tool_call", "", name, arguments, legacy_id))
        tool_calls = message.get("tool_calls")
        if tool_calls is None:
            return calls
        if not isinstance(tool_calls, list):
            raise RecordError(
                f"expected a list of tool calls, got {type(tool_calls).__name__}",
                rec.at(join_field(path, "tool_calls")),
            )
        for index, call in enumerate(tool_calls):
            where = join_field(path, f"tool_calls[{index}]")
            call = _object(call, where, rec)
            call_type = rec.text(call, "type", where) or "function"
            body_key = "custom" if call_type == "custom" else "function"
            body = _object(call.get(body_key), join_field(where, body_key), rec)
            name = _required_name(rec, body, join_field(where, body_key))
            value = body.get("input") if body_key == "custom" else body.get("arguments")
            call_id = rec.text(call, "id", where)
            if call_id:
                conv.tool_names[call_id] = name
            attrs: dict[str, Any] = {} if call_type == "function" else {"call_type": call_type}
            calls.append(
                _Part("assistant", "tool_call", "", name, _arguments(value), call_id, attrs)
            )
        return calls


def _object(value: Any, name: str, rec: JsonRecord) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise RecordError(f"expected an object, got {type(value).__name__}", rec.at(name))
    return value


def _required_name(rec: JsonRecord, function: dict[str, Any], where: str) -> str:
    name = rec.text(function, "name", where)
    if not name:
        raise RecordError("tool call has no function name", rec.at(join_field(where, "name")))
    return name


def _arguments(value: Any) -> str:
    """Arguments as given when they are text (normally a JSON string), else compact JSON."""
    return value if isinstance(value, str) else as_text(value if value is not None else {})


def _summary(part: dict[str, Any], part_type: str) -> dict[str, Any]:
    """A content part without inline data (base64 audio, data: URLs)."""
    summary: dict[str, Any] = {"type": part_type}
    for key, value in part.items():
        if key == "type":
            continue
        if isinstance(value, dict):
            value = {
                k: v
                for k, v in value.items()
                if k != "data" and not (isinstance(v, str) and v.startswith("data:"))
            }
        elif isinstance(value, str) and value.startswith("data:"):
            continue
        summary[key] = value
    return summary


def _has_tools(message: Any) -> bool:
    if not isinstance(message, dict):
        return False
    return bool(
        message.get("tool_calls")
        or message.get("function_call")
        or message.get("role") in ("tool", "function")
    )


def _sniff_text(text: str) -> int:
    """A guess from the raw text when the first record is too long to parse whole."""
    start = text[:8192]
    if '"messages"' not in start or '"resourceSpans"' in start:
        return 0
    if any(f'"{word}"' in start for word in ("tool_calls", "tool_call_id", "choices")):
        return 60
    if any(f'"{word}"' in start for word in ("tool_use", "tool_result", "stop_reason")):
        return 10
    return 30
