"""Typed records passed between pipeline stages.

Records are frozen, slotted dataclasses. ``FIELDS`` of each class gives the
column order used by the store, so the schema and the record cannot drift.

>>> ev = Event(event_id="e1", actor_id="a", session_id="s", seq=0, role="user",
...            kind="message", text="scan 10.0.0.0/24")
>>> ev.interface
'chat'
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime
from typing import Any, Literal

__all__ = [
    "INTERFACES",
    "KINDS",
    "ROLES",
    "Action",
    "ActionKind",
    "AioHit",
    "Event",
    "EventKind",
    "Interface",
    "Rejected",
    "Role",
    "TechniqueHit",
    "line_id",
    "stable_id",
]

Interface = Literal["chat", "api", "code_agent", "agent"]
Role = Literal["user", "assistant", "tool", "system"]
EventKind = Literal["message", "tool_call", "tool_result"]
ActionKind = Literal["request", "code", "tool_call"]

INTERFACES: tuple[str, ...] = ("chat", "api", "code_agent", "agent")
ROLES: tuple[str, ...] = ("user", "assistant", "tool", "system")
KINDS: tuple[str, ...] = ("message", "tool_call", "tool_result")


def stable_id(prefix: str, *parts: object) -> str:
    """A short deterministic id from the given parts (content and position).

    >>> stable_id("ev", "sess-1", 3) == stable_id("ev", "sess-1", 3)
    True
    """
    text = "\x1f".join(map(str, parts))
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=12)
    return f"{prefix}-{digest.hexdigest()}"


def line_id(prefix: str, line: int | None, raw: bytes) -> str:
    """A deterministic id for one input line from its number and bytes (no decoding).

    >>> line_id("ev", 3, b'{"role": "user"}') == line_id("ev", 3, b'{"role": "user"}')
    True
    """
    digest = hashlib.blake2b(raw, digest_size=12, salt=str(line).encode()[:16])
    return f"{prefix}-{digest.hexdigest()}"


@dataclass(frozen=True, slots=True)
class Event:
    """One thing that happened in an LLM conversation or agent session.

    ``seq`` orders events inside a session when timestamps are missing or tied.
    ``call_id`` links a tool call to its result.
    """

    event_id: str
    actor_id: str
    session_id: str
    seq: int
    role: Role
    kind: EventKind
    text: str = ""
    ts: datetime | None = None
    interface: Interface = "chat"
    tool_name: str | None = None
    tool_input: str | None = None
    call_id: str | None = None
    model: str | None = None
    attrs: dict[str, Any] = field(default_factory=dict)
    source: str = ""

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["ts"] = self.ts.isoformat() if self.ts else None
        return data


@dataclass(frozen=True, slots=True)
class Action:
    """One unit that can be mapped to ATT&CK: a request, a code block or a tool call.

    ``text`` is what a mapper reads: the request, the code, or the tool input.
    A tool call carries its result in ``result``.
    """

    action_id: str
    actor_id: str
    session_id: str
    seq: int
    kind: ActionKind
    text: str
    interface: Interface
    event_ids: tuple[str, ...]
    ts: datetime | None = None
    tool_name: str | None = None
    language: str | None = None
    result: str | None = None


@dataclass(frozen=True, slots=True)
class TechniqueHit:
    """One ATT&CK technique mapped to one action, with why.

    ``source`` is the kind of mapper that found it (rule, model, llm, analyst),
    ``mappers`` names every mapper that agreed, ``evidence`` is the span of the
    action's text behind it, ``rank`` its place in the action's ranking (1 =
    best). ``attack_version`` is the catalog version the id belongs to.
    """

    action_id: str
    technique_id: str
    tactic_ids: tuple[str, ...]
    confidence: float
    source: str
    mappers: tuple[str, ...]
    evidence: str
    rank: int
    attack_version: str


@dataclass(frozen=True, slots=True)
class AioHit:
    """One AI-orchestration behaviour (AIO taxonomy) detected in one session.

    ``strength`` is 0-1 (1 = far past the threshold), ``event_ids`` are the
    steps that triggered it, in session order, and ``detail`` says what was
    seen in one line. ``config`` is the fingerprint of the configuration whose
    thresholds were used.
    """

    session_id: str
    actor_id: str
    behaviour_id: str
    strength: float
    event_ids: tuple[str, ...]
    detail: str
    config: str


@dataclass(frozen=True, slots=True)
class Rejected:
    """A record that could not be read: where it was, which field, why, and the raw text."""

    path: str
    line: int | None
    field: str | None
    reason: str
    raw: str
    format: str

    @property
    def rejected_id(self) -> str:
        return stable_id("rej", self.line, self.field, self.reason, self.raw)

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.path,
            "line": self.line,
            "field": self.field,
            "reason": self.reason,
            "format": self.format,
            "raw": self.raw,
        }


EVENT_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Event))
ACTION_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Action))
HIT_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(TechniqueHit))
AIO_HIT_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(AioHit))
