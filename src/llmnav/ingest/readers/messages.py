"""What the Anthropic and OpenAI messages readers share.

Both read JSONL or JSON conversations ``{"messages": [...]}`` and
request/response logs ``{"request": {"messages": [...]}, "response": {...}}``;
they differ in the messages and the response. ``MessagesReader`` sniffs and
reads for both, and ``split_log_record`` takes a record apart.

>>> rec = JsonRecord("t.jsonl", 1, "", "{}", {"request": {"messages": []}})
>>> split_log_record(rec)
({'messages': []}, 'request', None, [])
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, Protocol

from llmnav.errors import RecordError
from llmnav.ingest.readers.base import Head, Reader, Source, reject
from llmnav.ingest.readers.dialects import anthropic_signals, openai_signals
from llmnav.ingest.readers.jsonrecords import JsonRecord, iter_json_records, join_field
from llmnav.records import Event, Rejected, stable_id

__all__ = ["Conversation", "MessagesReader", "Part", "object_at", "split_log_record"]


@dataclass(slots=True)
class Part:
    """An event before it gets its ids and sequence number."""

    role: str
    kind: str
    text: str = ""
    tool_name: str | None = None
    tool_input: str | None = None
    call_id: str | None = None
    attrs: dict[str, Any] = field(default_factory=dict)


class Conversation(Protocol):
    """What every event of a conversation takes from it."""

    session_id: str
    actor_id: str
    interface: str


class MessagesReader(Reader):
    """Sniffing and reading shared by the messages dialects.

    A subclass sets its scores, says what a logged response of its own looks
    like (``_sniff_response``) and turns a record into events (``_conversation``,
    ``_events``).
    """

    signal_scores: ClassVar[tuple[int, int, int]]
    """Sniff scores for a conversation with OpenAI signals, Anthropic signals, neither."""
    text_scores: ClassVar[tuple[int, int, int]]
    """The same, guessed from the raw text when the first record does not parse."""

    def sniff(self, head: Head) -> int:
        first = head.first
        if not isinstance(first, dict):
            return self._sniff_text(head.text)
        request, response = first.get("request"), first.get("response")
        if isinstance(request, dict) and isinstance(request.get("messages"), list):
            score = self._sniff_response(response)
            if score is not None:
                return score
            first = {**first, **request}
        messages = first.get("messages")
        if not isinstance(messages, list) or {"steps", "resourceSpans"} & first.keys():
            return 0
        openai, anthropic, neither = self.signal_scores
        if openai_signals(first, messages):
            return openai
        if anthropic_signals(first, messages):
            return anthropic
        return neither

    def _sniff_response(self, response: Any) -> int | None:
        """The score a logged response decides on its own, else None."""
        raise NotImplementedError

    def _sniff_text(self, text: str) -> int:
        """A guess from the raw text when the first record is too long to parse whole."""
        start = text[:8192]
        if '"messages"' not in start or '"resourceSpans"' in start:
            return 0
        openai, anthropic, neither = self.text_scores
        if any(f'"{word}"' in start for word in ("tool_calls", "tool_call_id", "choices")):
            return openai
        if any(f'"{word}"' in start for word in ("tool_use", "tool_result", "stop_reason")):
            return anthropic
        return neither

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

    def _conversation(self, rec: JsonRecord) -> Any:
        """The record as the subclass's conversation; RecordError rejects it whole."""
        raise NotImplementedError

    def _events(self, source: Source, rec: JsonRecord, conv: Any) -> Iterator[Event | Rejected]:
        """The conversation's events, and its bad messages rejected one by one."""
        raise NotImplementedError

    def _event(
        self,
        rec: JsonRecord,
        conv: Conversation,
        path: str,
        index: int,
        seq: int,
        part: Part,
        ts: datetime | None,
        model: str | None,
    ) -> Event:
        """The event of ``part``, the ``index``-th from the message at ``path``."""
        return Event(
            event_id=stable_id(
                "ev",
                self.name,
                conv.session_id,
                path,
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
            ts=ts,
            interface=conv.interface,  # type: ignore[arg-type]
            tool_name=part.tool_name,
            tool_input=part.tool_input,
            call_id=part.call_id,
            model=model,
            attrs=part.attrs,
            source=str(rec.at(path)),
        )


def split_log_record(
    rec: JsonRecord,
) -> tuple[dict[str, Any], str, dict[str, Any] | None, list[Any]]:
    """``(conversation, field base, response, messages)`` of a record.

    A ``{"request", "response"}`` log record gives its request, ``"request"``
    and its response (None when absent); a plain conversation gives itself,
    ``""`` and None. RecordError when the messages are not a list.
    """
    obj = rec.value
    conv, base, response = obj, "", None
    if "request" in obj or "response" in obj:
        conv, base = object_at(obj.get("request"), "request", rec), "request"
        if obj.get("response") is not None:
            response = object_at(obj["response"], "response", rec)
    messages = conv.get("messages")
    if not isinstance(messages, list):
        raise RecordError(
            f"expected a list of messages, got {type(messages).__name__}",
            rec.at(join_field(base, "messages")),
        )
    return conv, base, response, messages


def object_at(value: Any, name: str, rec: JsonRecord) -> dict[str, Any]:
    """``value`` when it is a JSON object, else RecordError at field ``name``."""
    if not isinstance(value, dict):
        raise RecordError(f"expected an object, got {type(value).__name__}", rec.at(name))
    return value
