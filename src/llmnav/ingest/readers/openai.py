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
>>> from llmnav.ingest.readers.base import Head
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
from llmnav.ingest.readers.base import Source, as_text, reject
from llmnav.ingest.readers.fields import check_choice
from llmnav.ingest.readers.jsonrecords import JsonRecord, join_field
from llmnav.ingest.readers.messages import MessagesReader, Part, object_at, split_log_record
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


class OpenAIReader(MessagesReader):
    name = "openai"
    description = "OpenAI chat-completions messages and request/response logs (JSONL or JSON)"
    signal_scores = (90, 10, 50)
    text_scores = (60, 10, 30)

    def _sniff_response(self, response: Any) -> int | None:
        if isinstance(response, dict) and isinstance(response.get("choices"), list):
            return 95
        if isinstance(response, dict) and "content" in response:
            return 0
        return None

    def _conversation(self, rec: JsonRecord) -> _Conversation:
        obj = rec.value
        conv, base, response, messages = split_log_record(rec)
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
            choice = object_at(choice, path, rec)
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
                yield self._event(
                    rec,
                    conv,
                    item.path,
                    index,
                    seq,
                    part,
                    ts or item.ts or conv.ts,
                    item.model or conv.model,
                )
                seq += 1

    def _message(
        self, rec: JsonRecord, item: _Item, conv: _Conversation
    ) -> tuple[list[Part], datetime | None]:
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
            return [Part("tool", "tool_result", text, tool_name, None, call_id, attrs)], ts
        if role == "function":
            call_id = conv.pending_functions.pop(name, None) if name else None
            return [Part("tool", "tool_result", text, name, None, call_id, attrs)], ts
        if name:
            attrs["name"] = name
        refusal = rec.text(message, "refusal", path) or attrs.get("refusal")
        if refusal:
            attrs["refusal"] = refusal
        role = "system" if role == "developer" else role
        calls = self._tool_calls(rec, path, message, conv)
        parts = []
        if text or refusal or not calls:
            parts.append(Part(role, "message", text or refusal or "", attrs=dict(attrs)))
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
    ) -> list[Part]:
        calls: list[Part] = []
        legacy = message.get("function_call")
        if legacy is not None:
            where = join_field(path, "function_call")
            function = object_at(legacy, where, rec)
            name = _required_name(rec, function, where)
            legacy_id = stable_id("call", conv.session_id, path)
            conv.pending_functions[name] = legacy_id
            arguments = _arguments(function.get("arguments"))
            calls.append(Part("assistant", "tool_call", "", name, arguments, legacy_id))
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
            call = object_at(call, where, rec)
            call_type = rec.text(call, "type", where) or "function"
            body_key = "custom" if call_type == "custom" else "function"
            body = object_at(call.get(body_key), join_field(where, body_key), rec)
            name = _required_name(rec, body, join_field(where, body_key))
            value = body.get("input") if body_key == "custom" else body.get("arguments")
            call_id = rec.text(call, "id", where)
            if call_id:
                conv.tool_names[call_id] = name
            attrs: dict[str, Any] = {} if call_type == "function" else {"call_type": call_type}
            calls.append(
                Part("assistant", "tool_call", "", name, _arguments(value), call_id, attrs)
            )
        return calls


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
