"""Session JSONL: one session per line with its ``steps``.

The shape of ``agent-traces-dev.jsonl``::

    {"session_id": "s1", "actor_id": "a1", "interface": "agent", "label": "...",
     "steps": [{"role": "user", "content": "..."},
               {"role": "assistant", "content": "", "tool_name": "bash", "tool_input": "ls"},
               {"role": "tool", "content": "file.txt", "tool_name": "bash"}]}

``actor_id`` defaults to the session id, ``interface`` to ``agent`` when a
step calls a tool, else ``chat``. An assistant step with both text and a tool
call becomes two events (message, then tool call). A bad step is rejected on
its own (field ``steps[i].role``); the session's other steps are kept.
Session-level fields other than the steps travel in the first event's
``attrs["session"]``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from llmnav.errors import RecordError, SourceLocation
from llmnav.ingest.readers.base import (
    Head,
    Reader,
    Source,
    as_text,
    iter_json_lines,
    optional_str,
    parse_ts,
    reject,
)
from llmnav.ingest.readers.fields import check_choice, infer_kind
from llmnav.records import INTERFACES, ROLES, Event, Rejected, stable_id

__all__ = ["SessionsReader"]

_SESSION_KEYS = ("session_id", "actor_id", "interface", "steps", "model")
_STEP_KEYS = ("role", "content", "tool_name", "tool_input", "timestamp", "ts", "model", "call_id")


class SessionsReader(Reader):
    name = "sessions"
    description = "session JSONL, one session with its steps per line"
    splittable = True

    def sniff(self, head: Head) -> int:
        first = head.first
        if isinstance(first, dict) and isinstance(first.get("steps"), list):
            return 95
        return 0

    def read(self, source: Source) -> Iterator[Event | Rejected]:
        for item in iter_json_lines(source, self.name):
            if isinstance(item, Rejected):
                yield item
                continue
            line_no, raw, obj = item
            where = SourceLocation(source.name, line_no)
            try:
                header = self._header(obj, where)
            except RecordError as exc:
                yield reject(source, exc, raw, self.name)
                continue
            yield from self._steps(source, obj, header, where)

    def _header(self, obj: dict[str, Any], where: SourceLocation) -> dict[str, Any]:
        session_id = optional_str(obj, "session_id", where) or optional_str(obj, "id", where)
        if not session_id:
            raise RecordError("missing required field 'session_id'", _at(where, "session_id"))
        steps = obj.get("steps")
        if not isinstance(steps, list):
            raise RecordError(
                f"expected a list of steps, got {type(steps).__name__}", _at(where, "steps")
            )
        has_tools = any(
            isinstance(s, dict) and (s.get("tool_name") or s.get("tool_input")) for s in steps
        )
        interface = check_choice(
            optional_str(obj, "interface", where), "interface", INTERFACES, where
        ) or ("agent" if has_tools else "chat")
        extra = {k: v for k, v in obj.items() if k not in _SESSION_KEYS}
        return {
            "session_id": session_id,
            "actor_id": optional_str(obj, "actor_id", where) or session_id,
            "interface": interface,
            "model": optional_str(obj, "model", where),
            "extra": extra,
        }

    def _steps(
        self, source: Source, obj: dict[str, Any], header: dict[str, Any], where: SourceLocation
    ) -> Iterator[Event | Rejected]:
        first = True
        for index, step in enumerate(obj["steps"]):
            step_where = SourceLocation(where.path, where.line, f"steps[{index}]")
            try:
                events = self._step_events(step, index, header, step_where)
            except RecordError as exc:
                raw = json.dumps(step, ensure_ascii=False) if step is not None else "null"
                yield reject(source, exc, raw, self.name)
                continue
            for event in events:
                if first and header["extra"]:
                    event.attrs["session"] = header["extra"]
                first = False
                yield event

    def _step_events(
        self, step: Any, index: int, header: dict[str, Any], where: SourceLocation
    ) -> list[Event]:
        if not isinstance(step, dict):
            raise RecordError(f"expected a step object, got {type(step).__name__}", where)
        prefix = where.field or ""

        def field(key: str) -> SourceLocation:
            return SourceLocation(where.path, where.line, f"{prefix}.{key}")

        role = check_choice(
            optional_str(step, "role", where), f"{prefix}.role", ROLES, where, required=True
        )
        text = as_text(step.get("content"))
        tool_name = optional_str(step, "tool_name", where)
        tool_input = step.get("tool_input")
        ts_key = "timestamp" if "timestamp" in step else "ts"
        ts = parse_ts(step.get(ts_key), field(ts_key))
        attrs = {k: v for k, v in step.items() if k not in _STEP_KEYS}
        attrs["step"] = index
        kind = infer_kind(role, tool_name, tool_input)
        common: dict[str, Any] = {
            "actor_id": header["actor_id"],
            "session_id": header["session_id"],
            "role": role,
            "ts": ts,
            "interface": header["interface"],
            "model": optional_str(step, "model", where) or header["model"],
            "call_id": optional_str(step, "call_id", where),
            "source": str(SourceLocation(where.path, where.line)),
        }
        tool_input_text = as_text(tool_input) if tool_input is not None else None
        parts: list[tuple[str, str, str | None, str | None]] = []
        if kind == "tool_call":
            if text.strip():
                parts.append(("message", text, None, None))
            parts.append(("tool_call", "", tool_name, tool_input_text))
        else:
            parts.append((kind, text, tool_name, tool_input_text))
        events = []
        for part, (part_kind, part_text, part_tool, part_input) in enumerate(parts):
            events.append(
                Event(
                    event_id=stable_id(
                        "ev",
                        "sessions",
                        header["session_id"],
                        index,
                        part,
                        role,
                        part_text,
                        part_tool,
                        part_input,
                    ),
                    seq=index * 2 + part,
                    kind=part_kind,  # type: ignore[arg-type]
                    text=part_text,
                    tool_name=part_tool,
                    tool_input=part_input,
                    attrs=dict(attrs),
                    **common,
                )
            )
        return events


def _at(where: SourceLocation, field: str) -> SourceLocation:
    return SourceLocation(where.path, where.line, field)
