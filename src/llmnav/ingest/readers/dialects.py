"""Telling Anthropic Messages and OpenAI chat-completions conversations apart.

Both are ``{"messages": [{"role": ..., "content": ...}]}`` and a plain
user/assistant text chat is valid in either, so sniffing looks for what only
one of them has:

- Anthropic: a top-level ``system`` or ``stop_reason``, ``metadata.user_id``,
  a ``claude*`` model, content blocks of Anthropic-only types (``tool_use``,
  ``tool_result`` and their ``server_``/``mcp_`` variants, ``thinking``,
  ``redacted_thinking``, ``document``, an ``image`` with a ``source``).
- OpenAI: ``choices``, a ``user`` string, a ``gpt*`` / ``o1`` / ``o3`` /
  ``o4`` / ``chatgpt*`` model, messages with role ``system``, ``developer``,
  ``tool`` or ``function`` (Anthropic keeps the system prompt outside the
  messages), ``tool_calls`` / ``tool_call_id`` / ``function_call``, or content
  parts ``image_url``, ``input_audio``, ``refusal``, ``file``.

The readers weigh both: a conversation with signals of one dialect only goes
to that reader; a tool-free chat with neither goes to ``openai``.

>>> openai_signals({}, [{"role": "tool", "content": "ok"}])
True
>>> anthropic_signals({"model": "claude-sonnet-4-5"}, [])
True
"""

from __future__ import annotations

from typing import Any

__all__ = ["anthropic_signals", "openai_signals"]

_ANTHROPIC_BLOCKS = ("tool_use", "tool_result", "thinking", "redacted_thinking", "document")
_OPENAI_ROLES = ("system", "developer", "tool", "function")
_OPENAI_PARTS = ("image_url", "input_audio", "refusal", "file")


def anthropic_signals(obj: dict[str, Any], messages: list[Any]) -> bool:
    """Content that only the Anthropic Messages shape has."""
    if "system" in obj or "stop_reason" in obj:
        return True
    metadata = obj.get("metadata")
    if isinstance(metadata, dict) and "user_id" in metadata:
        return True
    if isinstance(obj.get("model"), str) and obj["model"].startswith("claude"):
        return True
    for message in messages:
        content = message.get("content") if isinstance(message, dict) else None
        for block in content if isinstance(content, list) else []:
            block_type = block.get("type") if isinstance(block, dict) else None
            if isinstance(block_type, str) and (
                block_type.endswith(_ANTHROPIC_BLOCKS)
                or (block_type == "image" and "source" in block)
            ):
                return True
    return False


def openai_signals(obj: dict[str, Any], messages: list[Any]) -> bool:
    """Content that only the OpenAI chat-completions shape has."""
    if "choices" in obj or isinstance(obj.get("user"), str):
        return True
    model = obj.get("model")
    if isinstance(model, str) and model.startswith(("gpt", "o1", "o3", "o4", "chatgpt")):
        return True
    for message in messages:
        if not isinstance(message, dict):
            continue
        if message.get("role") in _OPENAI_ROLES:
            return True
        if {"tool_calls", "tool_call_id", "function_call"} & message.keys():
            return True
        content = message.get("content")
        for part in content if isinstance(content, list) else []:
            if isinstance(part, dict) and part.get("type") in _OPENAI_PARTS:
                return True
    return False
