"""Anthropic Messages transcripts: conversations of content blocks.

Two shapes, as JSONL (one conversation per line) or as one JSON document
(one conversation, or a list of them)::

    {"id": "conv-1", "metadata": {"user_id": "u-7"}, "model": "claude-sonnet-4-5",
     "system": "You are a helpful assistant.",
     "messages": [
       {"role": "user", "content": "What is listening on 10.0.0.5?"},
       {"role": "assistant", "content": [
          {"type": "text", "text": "Let me scan it."},
          {"type": "tool_use", "id": "toolu_01", "name": "bash",
           "input": {"command": "nmap -sV 10.0.0.5"}}]},
       {"role": "user", "content": [
          {"type": "tool_result", "tool_use_id": "toolu_01", "content": "22/tcp open ssh"}]}]}

    {"request": {"model": "...", "system": "...", "messages": [...]},
     "response": {"id": "msg_01", "content": [...], "model": "...", "stop_reason": "end_turn"}}

Text and other non-tool blocks of one message become one ``message`` event
(images, documents and other blocks leave a ``[type]`` placeholder in the text
and a summary in ``attrs["blocks"]``; thinking goes to ``attrs["blocks"]``
only). ``tool_use`` becomes a ``tool_call`` event (``call_id`` = the block
id, ``tool_input`` = compact JSON of ``input``);
``tool_result`` becomes a ``tool_result`` event with role ``tool`` and
``call_id`` = ``tool_use_id``. A response's content follows the request's
messages as assistant events. ``actor_id`` is ``actor_id`` or
``metadata.user_id``, else the session id; ``interface`` defaults to
``agent`` when tools appear, else ``api``. A bad message is rejected on its
own (field ``messages[2].content[1].type``, or ``[3].messages[2]...`` inside a
JSON list); the conversation's other messages are kept.

>>> from pathlib import Path
>>> from llmnav.ingest.readers.base import Head
>>> AnthropicReader().sniff(Head(Path("t.jsonl"), b"", {"messages": [], "system": "x"}))
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
from llmnav.ingest.readers.messages import MessagesReader, Part, split_log_record
from llmnav.records import INTERFACES, Event, Rejected, stable_id

__all__ = ["AnthropicReader"]

_TS_KEYS = ("ts", "timestamp", "created_at")
_CONVERSATION_KEYS = frozenset(
    {"id", "session_id", "actor_id", "model", "system", "messages", "interface", *_TS_KEYS}
)
_MESSAGE_KEYS = frozenset({"role", "content", *_TS_KEYS})
_TOOL_USE_KEYS = frozenset({"type", "id", "name", "input"})
_TOOL_RESULT_KEYS = frozenset({"type", "tool_use_id", "content", "is_error"})
_BULKY_KEYS = frozenset({"data", "signature", "encrypted_content"})
_UNSEEN_BLOCKS = frozenset({"thinking", "redacted_thinking"})
"""Blocks kept in ``attrs["blocks"]`` only: the model's reasoning is not what it said."""


@dataclass(slots=True)
class _Conversation:
    session_id: str
    actor_id: str
    interface: str
    model: str | None
    ts: datetime | None
    items: list[tuple[str, Any]]
    """(field path, message) in order: system, request messages, response."""
    extras: dict[str, Any]
    response_path: str | None = None
    response_extras: dict[str, Any] = field(default_factory=dict)
    tool_names: dict[str, str] = field(default_factory=dict)


class AnthropicReader(MessagesReader):
    name = "anthropic"
    description = "Anthropic Messages transcripts and request/response logs (JSONL or JSON)"
    signal_scores = (10, 90, 40)
    text_scores = (10, 60, 20)

    def _sniff_response(self, response: Any) -> int | None:
        if isinstance(response, dict) and "choices" in response:
            return 0
        if isinstance(response, dict) and (
            response.get("type") == "message" or isinstance(response.get("content"), list)
        ):
            return 95
        return None

    def _conversation(self, rec: JsonRecord) -> _Conversation:
        obj = rec.value
        conv, base, response, messages = split_log_record(rec)
        items: list[tuple[str, Any]] = []
        if conv.get("system") not in (None, "", []):
            items.append(
                (join_field(base, "system"), {"role": "system", "content": conv["system"]})
            )
        items.extend((join_field(base, f"messages[{i}]"), m) for i, m in enumerate(messages))
        response_path = None
        response_extras: dict[str, Any] = {}
        if response is not None:
            response_path = "response"
            items.append((response_path, {**response, "role": "assistant"}))
            response_extras = {
                k: v for k, v in response.items() if k not in ("content", "role", "model", "type")
            }
        metadata = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else None
        if metadata is None and isinstance(conv.get("metadata"), dict):
            metadata = conv["metadata"]
        session_id = (
            rec.text(obj, "session_id")
            or rec.text(obj, "id")
            or (rec.text(response, "id", "response") if response else None)
            or stable_id("s", self.name, rec.line, rec.prefix, rec.raw)
        )
        actor_id = (
            rec.text(obj, "actor_id")
            or (rec.text(metadata, "user_id", "metadata") if metadata else None)
            or session_id
        )
        has_tools = bool(conv.get("tools")) or any(
            _has_tool_blocks(message) for _, message in items
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
        extras = {k: v for k, v in obj.items() if k not in _CONVERSATION_KEYS | {"request"}}
        extras.pop("response", None)
        if base:
            request_extras = {
                k: v for k, v in conv.items() if k not in ("model", "system", "messages")
            }
            if request_extras:
                extras["request"] = request_extras
        return _Conversation(
            session_id=session_id,
            actor_id=actor_id,
            interface=interface,
            model=model,
            ts=rec.ts(obj),
            items=items,
            extras=extras,
            response_path=response_path,
            response_extras=response_extras,
        )

    def _events(
        self, source: Source, rec: JsonRecord, conv: _Conversation
    ) -> Iterator[Event | Rejected]:
        seq = 0
        for path, message in conv.items:
            try:
                parts, ts = self._message(rec, path, message, conv)
            except RecordError as exc:
                raw = json.dumps(message, ensure_ascii=False)
                yield reject(source, exc, raw, self.name)
                continue
            if path == conv.response_path and parts and conv.response_extras:
                parts[0].attrs["response"] = conv.response_extras
            for index, part in enumerate(parts):
                if seq == 0 and conv.extras:
                    part.attrs["session"] = conv.extras
                yield self._event(rec, conv, path, index, seq, part, ts or conv.ts, conv.model)
                seq += 1

    def _message(
        self, rec: JsonRecord, path: str, message: Any, conv: _Conversation
    ) -> tuple[list[Part], datetime | None]:
        if not isinstance(message, dict):
            raise RecordError(
                f"expected a message object, got {type(message).__name__}", rec.at(path)
            )
        role = check_choice(
            rec.text(message, "role", path),
            rec.at(join_field(path, "role")).field or "role",
            ("user", "assistant", "system"),
            rec.at(),
            required=True,
        )
        assert role is not None  # required=True
        if "content" not in message:
            raise RecordError(
                "missing required field 'content'", rec.at(join_field(path, "content"))
            )
        ts = rec.ts(message, path)
        extras = (
            {}
            if path == conv.response_path
            else {k: v for k, v in message.items() if k not in _MESSAGE_KEYS}
        )
        parts = self._content(rec, join_field(path, "content"), message["content"], role, conv)
        for part in parts:
            part.attrs.update(extras)
        return parts, ts

    def _content(
        self, rec: JsonRecord, path: str, content: Any, role: str, conv: _Conversation
    ) -> list[Part]:
        if isinstance(content, str):
            return [Part(role, "message", content)]
        if content is None:
            return []
        if not isinstance(content, list):
            raise RecordError(
                f"expected text or a list of content blocks, got {type(content).__name__}",
                rec.at(path),
            )
        parts: list[Part] = []
        texts: list[str] = []
        summaries: list[dict[str, Any]] = []

        def flush() -> None:
            if texts or summaries:
                attrs: dict[str, Any] = {"blocks": list(summaries)} if summaries else {}
                parts.append(Part(role, "message", "\n".join(texts), attrs=attrs))
            texts.clear()
            summaries.clear()

        for index, block in enumerate(content):
            where = f"{path}[{index}]"
            block_type = _block_type(rec, where, block)
            if block_type.endswith("tool_use"):
                flush()
                parts.append(self._tool_use(rec, where, block, block_type, conv))
            elif block_type.endswith("tool_result"):
                flush()
                parts.append(self._tool_result(rec, where, block, block_type, conv))
            elif block_type == "text":
                text = block.get("text")
                if not isinstance(text, str):
                    raise RecordError(
                        f"expected text, got {type(text).__name__}",
                        rec.at(join_field(where, "text")),
                    )
                texts.append(text)
                extra = {k: v for k, v in block.items() if k not in ("type", "text")}
                if extra:
                    summaries.append({"type": "text", **extra})
            else:
                if block_type not in _UNSEEN_BLOCKS:
                    texts.append(_placeholder(block, block_type))
                summaries.append(_summary(block))
        flush()
        return parts

    def _tool_use(
        self,
        rec: JsonRecord,
        where: str,
        block: dict[str, Any],
        block_type: str,
        conv: _Conversation,
    ) -> Part:
        name = rec.text(block, "name", where)
        if not name:
            raise RecordError("tool_use block has no name", rec.at(join_field(where, "name")))
        call_id = rec.text(block, "id", where)
        if call_id:
            conv.tool_names[call_id] = name
        attrs = {k: v for k, v in block.items() if k not in _TOOL_USE_KEYS}
        if block_type != "tool_use":
            attrs["block_type"] = block_type
        return Part(
            "assistant", "tool_call", "", name, as_text(block.get("input", {})), call_id, attrs
        )

    def _tool_result(
        self,
        rec: JsonRecord,
        where: str,
        block: dict[str, Any],
        block_type: str,
        conv: _Conversation,
    ) -> Part:
        call_id = rec.text(block, "tool_use_id", where)
        attrs = {k: v for k, v in block.items() if k not in _TOOL_RESULT_KEYS}
        if block_type != "tool_result":
            attrs["block_type"] = block_type
        if block.get("is_error"):
            attrs["is_error"] = True
        text = self._result_text(rec, join_field(where, "content"), block.get("content"), attrs)
        tool_name = conv.tool_names.get(call_id) if call_id else None
        return Part("tool", "tool_result", text, tool_name, None, call_id, attrs)

    def _result_text(self, rec: JsonRecord, path: str, content: Any, attrs: dict[str, Any]) -> str:
        if not isinstance(content, list):
            return as_text(content)
        texts: list[str] = []
        summaries: list[dict[str, Any]] = []
        for index, block in enumerate(content):
            where = f"{path}[{index}]"
            block_type = _block_type(rec, where, block)
            if block_type == "text" and isinstance(block.get("text"), str):
                texts.append(block["text"])
            else:
                texts.append(_placeholder(block, block_type))
                summaries.append(_summary(block))
        if summaries:
            attrs["blocks"] = summaries
        return "\n".join(texts)


def _block_type(rec: JsonRecord, where: str, block: Any) -> str:
    if not isinstance(block, dict):
        raise RecordError(
            f"expected a content block object, got {type(block).__name__}", rec.at(where)
        )
    block_type = block.get("type")
    if not isinstance(block_type, str) or not block_type:
        reason = (
            "content block has no type"
            if block_type is None
            else (f"expected text, got {type(block_type).__name__}")
        )
        raise RecordError(reason, rec.at(join_field(where, "type")))
    return block_type


def _placeholder(block: dict[str, Any], block_type: str) -> str:
    for key in ("title", "url", "name"):
        label = block.get(key)
        if isinstance(label, str) and label:
            return f"[{block_type}: {label}]"
    return f"[{block_type}]"


def _summary(block: dict[str, Any]) -> dict[str, Any]:
    """A content block without its bulky payload (base64 data, signatures)."""
    summary = {k: v for k, v in block.items() if k not in _BULKY_KEYS}
    source = summary.get("source")
    if isinstance(source, dict):
        summary["source"] = {k: v for k, v in source.items() if k not in _BULKY_KEYS}
    return summary


def _has_tool_blocks(message: Any) -> bool:
    if not isinstance(message, dict) or not isinstance(message.get("content"), list):
        return False
    return any(
        isinstance(block, dict)
        and isinstance(block.get("type"), str)
        and block["type"].endswith(("tool_use", "tool_result"))
        for block in message["content"]
    )
