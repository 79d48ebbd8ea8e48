"""Build small sessions by hand for the orchestration tests.

>>> events = session(user("scan it"), call("nmap 10.0.0.1"), result("22/tcp open"))
>>> [e.kind for e in events]
['message', 'tool_call', 'tool_result']
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from llmnav.orchestration.graph import SessionGraph, StepMapping, build_graph
from llmnav.records import Event

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class StepSpec:
    role: str
    kind: str
    text: str = ""
    tool: str | None = None
    mapping: tuple[str, float, tuple[str, ...], float] | None = None


def user(text: str, mapping: tuple[str, float, tuple[str, ...], float] | None = None) -> StepSpec:
    return StepSpec("user", "message", text, mapping=mapping)


def system(text: str) -> StepSpec:
    return StepSpec("system", "message", text)


def say(text: str) -> StepSpec:
    return StepSpec("assistant", "message", text)


def call(
    command: str,
    tool: str = "bash",
    mapping: tuple[str, float, tuple[str, ...], float] | None = None,
) -> StepSpec:
    """A tool call; ``mapping`` is (technique, confidence, tactics, intent)."""
    return StepSpec("assistant", "tool_call", command, tool, mapping)


def result(text: str, tool: str = "bash") -> StepSpec:
    return StepSpec("tool", "tool_result", text, tool)


def session(*specs: StepSpec, gap: float | None = 5.0, sid: str = "s1") -> list[Event]:
    """Events of one session; ``gap`` seconds between steps (``None``: no timestamps)."""
    events = []
    for seq, spec in enumerate(specs):
        events.append(
            Event(
                event_id=f"{sid}-e{seq}",
                actor_id="actor-1",
                session_id=sid,
                seq=seq,
                role=spec.role,  # type: ignore[arg-type]
                kind=spec.kind,  # type: ignore[arg-type]
                text="" if spec.kind == "tool_call" else spec.text,
                tool_name=spec.tool,
                tool_input=spec.text if spec.kind == "tool_call" else None,
                interface="agent",
                ts=None if gap is None else START + timedelta(seconds=seq * gap),
            )
        )
    return events


def graph_of(*specs: StepSpec, gap: float | None = 5.0) -> SessionGraph:
    """The graph of a hand-built session, with the mappings given in the specs."""
    events = session(*specs, gap=gap)
    mappings: Mapping[str, StepMapping] = {
        event.event_id: StepMapping(
            action_id=f"{event.event_id}#0",
            technique_id=spec.mapping[0],
            confidence=spec.mapping[1],
            tactics=tuple((t, spec.mapping[1]) for t in spec.mapping[2]),
            intent=spec.mapping[3],
        )
        for event, spec in zip(events, specs, strict=True)
        if spec.mapping is not None
    }
    return build_graph(events, mappings)
