"""Field checks shared by the readers."""

from __future__ import annotations

from typing import Any

from llmnav.errors import RecordError, SourceLocation

__all__ = ["check_choice", "infer_kind"]


def check_choice(
    value: str | None,
    field: str,
    choices: tuple[str, ...],
    where: SourceLocation,
    *,
    required: bool = False,
) -> str | None:
    """``value`` if it is one of ``choices`` (case-insensitive); a RecordError naming the field."""
    location = SourceLocation(where.path, where.line, field)
    if value is None or value == "":
        if required:
            raise RecordError(f"missing required field {field!r}", location)
        return None
    lowered = value.strip().lower()
    if lowered not in choices:
        raise RecordError(f"{value!r} is not one of {', '.join(choices)}", location)
    return lowered


def infer_kind(role: str | None, tool_name: str | None, tool_input: Any) -> str:
    """The event kind implied by its role and tool fields."""
    if role == "tool":
        return "tool_result"
    if role == "assistant" and (tool_name or tool_input):
        return "tool_call"
    return "message"
