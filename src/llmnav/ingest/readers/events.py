"""Native event JSONL: one ``Event`` per line (the canonical record, DESIGN section 2).

Required: ``role`` and one of ``session_id`` / ``actor_id``. ``event_id`` is
derived from the line's content and position when absent; ``kind`` from the
role and tool fields; unknown fields are kept in ``attrs``.
"""

from __future__ import annotations

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
from llmnav.records import EVENT_FIELDS, INTERFACES, KINDS, ROLES, Event, Rejected, stable_id

__all__ = ["EventsReader"]

_KNOWN = frozenset(EVENT_FIELDS)


class EventsReader(Reader):
    name = "events"
    description = "native event JSONL, one event per line"

    def sniff(self, head: Head) -> int:
        first = head.first
        if not isinstance(first, dict) or "role" not in first:
            return 0
        if {"steps", "messages", "resourceSpans"} & first.keys():
            return 0
        return 90 if {"kind", "event_id", "session_id", "actor_id"} & first.keys() else 40

    def read(self, source: Source) -> Iterator[Event | Rejected]:
        for item in iter_json_lines(source, self.name):
            if isinstance(item, Rejected):
                yield item
                continue
            line_no, raw, obj = item
            try:
                yield self._event(obj, raw, SourceLocation(source.name, line_no))
            except RecordError as exc:
                yield reject(source, exc, raw, self.name)

    def _event(self, obj: dict[str, Any], raw: bytes, where: SourceLocation) -> Event:
        def text_field(key: str) -> str | None:
            return optional_str(obj, key, where)

        role = check_choice(text_field("role"), "role", ROLES, where, required=True)
        session_id = text_field("session_id")
        actor_id = text_field("actor_id")
        if not session_id and not actor_id:
            raise RecordError(
                "needs session_id or actor_id", SourceLocation(where.path, where.line, "session_id")
            )
        tool_name = text_field("tool_name")
        tool_input = obj.get("tool_input")
        kind = check_choice(text_field("kind"), "kind", KINDS, where) or infer_kind(
            role, tool_name, tool_input
        )
        interface = check_choice(text_field("interface"), "interface", INTERFACES, where)
        seq = obj.get("seq", where.line)
        if not isinstance(seq, int) or isinstance(seq, bool):
            raise RecordError(
                f"expected an integer, got {type(seq).__name__}",
                SourceLocation(where.path, where.line, "seq"),
            )
        attrs = obj.get("attrs") or {}
        if not isinstance(attrs, dict):
            raise RecordError(
                f"expected an object, got {type(attrs).__name__}",
                SourceLocation(where.path, where.line, "attrs"),
            )
        extra = {k: v for k, v in obj.items() if k not in _KNOWN}
        if extra:
            attrs = {**attrs, **extra}
        return Event(
            event_id=text_field("event_id") or stable_id("ev", "events", where.line, raw),
            actor_id=actor_id or session_id or "",
            session_id=session_id or actor_id or "",
            seq=seq,
            role=role,  # type: ignore[arg-type]
            kind=kind,  # type: ignore[arg-type]
            text=as_text(obj.get("text")),
            ts=parse_ts(obj.get("ts"), SourceLocation(where.path, where.line, "ts")),
            interface=interface or ("agent" if tool_name else "chat"),  # type: ignore[arg-type]
            tool_name=tool_name,
            tool_input=as_text(tool_input) if tool_input is not None else None,
            call_id=text_field("call_id"),
            model=text_field("model"),
            attrs=attrs,
            source=str(where),
        )
