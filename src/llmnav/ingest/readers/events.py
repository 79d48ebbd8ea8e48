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
from llmnav.records import EVENT_FIELDS, INTERFACES, KINDS, ROLES, Event, Rejected, line_id

__all__ = ["EventsReader"]

_KNOWN = frozenset(EVENT_FIELDS)
_ROLES = frozenset(ROLES)
_KINDS = frozenset(KINDS)
_INTERFACES = frozenset(INTERFACES)


class EventsReader(Reader):
    name = "events"
    description = "native event JSONL, one event per line"
    splittable = True

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
        # The hot path of ingest: plain checks first, the generic helpers only for odd values.
        role = obj.get("role")
        if role not in _ROLES:
            role = check_choice(
                optional_str(obj, "role", where), "role", ROLES, where, required=True
            )
        session_id = obj.get("session_id")
        actor_id = obj.get("actor_id")
        if not (isinstance(session_id, str) and isinstance(actor_id, str)):
            session_id = optional_str(obj, "session_id", where)
            actor_id = optional_str(obj, "actor_id", where)
            if not session_id and not actor_id:
                raise RecordError("needs session_id or actor_id", _at(where, "session_id"))
        tool_name = obj.get("tool_name")
        if tool_name is not None and not isinstance(tool_name, str):
            tool_name = optional_str(obj, "tool_name", where)
        tool_input = obj.get("tool_input")
        kind = obj.get("kind")
        if kind is None:
            kind = infer_kind(role, tool_name, tool_input)
        elif not (isinstance(kind, str) and kind in _KINDS):
            kind = check_choice(optional_str(obj, "kind", where), "kind", KINDS, where)
            kind = kind or infer_kind(role, tool_name, tool_input)
        interface = obj.get("interface")
        if not (isinstance(interface, str) and interface in _INTERFACES):
            interface = check_choice(
                optional_str(obj, "interface", where), "interface", INTERFACES, where
            ) or ("agent" if tool_name else "chat")
        seq = obj.get("seq", where.line)
        if not isinstance(seq, int) or isinstance(seq, bool):
            raise RecordError(f"expected an integer, got {type(seq).__name__}", _at(where, "seq"))
        attrs = obj.get("attrs") or {}
        if not isinstance(attrs, dict):
            raise RecordError(
                f"expected an object, got {type(attrs).__name__}", _at(where, "attrs")
            )
        if not _KNOWN.issuperset(obj):
            attrs = {**attrs, **{k: v for k, v in obj.items() if k not in _KNOWN}}
        event_id = obj.get("event_id")
        if not isinstance(event_id, str) or not event_id:
            event_id = optional_str(obj, "event_id", where) or line_id("ev", where.line, raw)
        text = obj.get("text")
        return Event(
            event_id=event_id,
            actor_id=actor_id or session_id or "",
            session_id=session_id or actor_id or "",
            seq=seq,
            role=role,  # type: ignore[arg-type]
            kind=kind,  # type: ignore[arg-type]
            text=text if isinstance(text, str) else as_text(text),
            ts=parse_ts(obj.get("ts"), where, "ts"),
            interface=interface,  # type: ignore[arg-type]
            tool_name=tool_name,
            tool_input=as_text(tool_input) if tool_input is not None else None,
            call_id=optional_str(obj, "call_id", where),
            model=optional_str(obj, "model", where),
            attrs=attrs,
            source=f"{where.path}:{where.line}",
        )


def _at(where: SourceLocation, field: str) -> SourceLocation:
    return SourceLocation(where.path, where.line, field)
