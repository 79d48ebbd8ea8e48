"""The session graph: what the orchestration detectors read.

A session's events in order, grouped into *autonomous runs* (tool calls with
no human message between them), with the human decision points, the ATT&CK
mapping and intent of each step, and every entity (host, IP, URL, port,
account, key or token, cloud resource) with its *provenance*: whether it was
first seen in a human message, in the model's output, or in a tool result.

>>> from llmnav.records import Event
>>> events = [
...     Event("e1", "a", "s", 0, "user", "message", "check the web server"),
...     Event("e2", "a", "s", 1, "assistant", "tool_call", tool_name="bash",
...           tool_input="nmap -sV 10.0.0.0/24"),
...     Event("e3", "a", "s", 2, "tool", "tool_result", "Nmap scan report for 10.0.0.7"),
...     Event("e4", "a", "s", 3, "assistant", "tool_call", tool_name="bash",
...           tool_input="curl http://10.0.0.7/admin"),
... ]
>>> graph = build_graph(events)
>>> [len(run.calls) for run in graph.runs], graph.decision_points
([2], (0,))
>>> entity = graph.entity("ip", "10.0.0.7")
>>> entity.provenance, entity.first_step
('tool', 2)
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise
from typing import Any, Literal

from llmnav.ingest.segment import command_of, results_of_calls
from llmnav.orchestration.entities import Mention, extract_entities, network_targets
from llmnav.records import Event
from llmnav.redact import find_secrets

__all__ = [
    "Entity",
    "Provenance",
    "Run",
    "SessionGraph",
    "Step",
    "StepMapping",
    "build_graph",
    "provenance_of",
]

Provenance = Literal["human", "model", "tool"]


@dataclass(frozen=True, slots=True)
class StepMapping:
    """The ATT&CK mapping of one step's action: its best technique and confidence, each
    tactic of its techniques with the highest confidence behind it, and its intent."""

    action_id: str
    technique_id: str | None
    confidence: float
    tactics: tuple[tuple[str, float], ...]
    intent: float


@dataclass(frozen=True, slots=True)
class Step:
    """One event of the session, where it sits, and what is known about it."""

    index: int
    event: Event
    provenance: Provenance
    run: int | None
    text: str
    mentions: tuple[Mention, ...]
    mapping: StepMapping | None = None
    result: int | None = None
    reaches: tuple[Mention, ...] = ()
    """For a tool call: the hosts, IPs and URLs it reaches (``network_targets``)."""

    @property
    def is_tool_call(self) -> bool:
        return self.event.kind == "tool_call"

    @property
    def ts(self) -> datetime | None:
        return self.event.ts

    def counts_as(self, min_confidence: float, min_intent: float) -> tuple[str, ...]:
        """The tactics this step is evidence of at these thresholds (empty if none)."""
        mapping = self.mapping
        if mapping is None or mapping.intent < min_intent:
            return ()
        return tuple(tactic for tactic, conf in mapping.tactics if conf >= min_confidence)


@dataclass(frozen=True, slots=True)
class Run:
    """An autonomous run: the tool calls between two human messages, in order."""

    index: int
    calls: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Entity:
    """Something a step names, with where it first appeared and every step naming it."""

    kind: str
    value: str
    detail: str
    provenance: Provenance
    first_step: int
    steps: tuple[int, ...]


@dataclass(frozen=True)
class SessionGraph:
    """Everything the orchestration detectors need about one session."""

    session_id: str
    actor_id: str
    interface: str
    steps: tuple[Step, ...]
    runs: tuple[Run, ...]
    decision_points: tuple[int, ...]
    entities: Mapping[tuple[str, str], Entity]
    system_prompt: str = ""
    human_text: str = ""
    """Every human message and the system prompt, for "did a human say this" checks."""

    def entity(self, kind: str, value: str) -> Entity:
        return self.entities[(kind, value)]

    @property
    def tool_calls(self) -> list[Step]:
        return [step for step in self.steps if step.is_tool_call]

    @property
    def tempo(self) -> float | None:
        """Tool calls per minute at the session's median pace (None without two timestamps).

        >>> from llmnav.records import Event
        >>> from datetime import datetime, timedelta
        >>> t0 = datetime(2026, 1, 1)
        >>> calls = [Event(f"e{i}", "a", "s", i, "assistant", "tool_call", tool_input="ls",
        ...                ts=t0 + timedelta(seconds=5 * i)) for i in range(4)]
        >>> build_graph(calls).tempo
        12.0
        """
        stamps = [s.ts for s in self.tool_calls if s.ts is not None]
        gaps = [(b - a).total_seconds() for a, b in pairwise(stamps)]
        if not gaps:
            return None
        median = statistics.median(gaps)
        return round(60 / median, 1) if median > 0 else None

    def human_named(self, kind: str, value: str) -> bool:
        """Whether a human message or the system prompt names this entity.

        Besides the extracted mentions, the raw text counts: a human who writes
        "use password hunter2" named that password even without a ``password=``.
        """
        entity = self.entities.get((kind, value))
        if entity is not None and any(
            self.steps[index].provenance == "human" for index in entity.steps
        ):
            return True
        if kind == "secret":
            return value in self.human_text
        return _whole_words([value]).search(self.human_text) is not None


def provenance_of(event: Event) -> Provenance:
    """Who wrote an event's text: a human (user or system message), the model, or a tool."""
    if event.kind == "tool_result" or event.role == "tool":
        return "tool"
    if event.role in ("user", "system"):
        return "human"
    return "model"


def _is_human_message(event: Event) -> bool:
    return event.kind == "message" and event.role == "user" and bool(event.text.strip())


def _step_text(event: Event) -> str:
    if event.kind == "tool_call":
        return command_of(event.tool_input)
    return event.text


def _system_prompt(events: Sequence[Event]) -> str:
    """System messages, and a system prompt recorded in the session's metadata."""
    parts = [e.text for e in events if e.role == "system" and e.text]
    for event in events[:1]:
        session: Any = event.attrs.get("session")
        meta = session.get("meta") if isinstance(session, dict) else None
        prompt = meta.get("system_prompt") if isinstance(meta, dict) else None
        if isinstance(prompt, str):
            parts.append(prompt)
    return "\n".join(parts)


def build_graph(
    events: Sequence[Event], mappings: Mapping[str, StepMapping] | None = None
) -> SessionGraph:
    """The graph of one session's events (given in session order).

    ``mappings`` gives the ATT&CK mapping of the action that starts at an
    event id (from the store: see ``graphs_from_store``).
    """
    if not events:
        raise ValueError("A session graph needs at least one event")
    mappings = mappings or {}
    results = results_of_calls(events)
    result_owner = {result: call for call, result in results.items()}
    steps: list[Step] = []
    runs: list[list[int]] = []
    decisions: list[int] = []
    in_run = False
    sightings: dict[tuple[str, str], list[int]] = {}
    details: dict[tuple[str, str], str] = {}
    for index, event in enumerate(events):
        if _is_human_message(event):
            decisions.append(index)
            in_run = False
        run: int | None = None
        if event.kind == "tool_call":
            if not in_run:
                runs.append([])
                in_run = True
            runs[-1].append(index)
            run = len(runs) - 1
        elif event.kind == "tool_result" and index in result_owner:
            run = steps[result_owner[index]].run
        text = _step_text(event)
        provenance = provenance_of(event)
        mentions = _mentions(text, acted_on=event.kind == "tool_call")
        for mention in mentions:
            key = (mention.kind, mention.value)
            seen = sightings.setdefault(key, [])
            if not seen or seen[-1] != index:
                seen.append(index)
            details.setdefault(key, mention.detail)
        steps.append(
            Step(
                index=index,
                event=event,
                provenance=provenance,
                run=run,
                text=text,
                mentions=mentions,
                mapping=mappings.get(event.event_id),
                result=results.get(index),
                reaches=_reaches(event, text),
            )
        )
    _add_occurrences(sightings, steps)
    entities = {
        key: Entity(
            kind=key[0],
            value=key[1],
            detail=details[key],
            provenance=steps[seen[0]].provenance,
            first_step=seen[0],
            steps=tuple(seen),
        )
        for key, seen in sightings.items()
    }
    system_prompt = _system_prompt(events)
    first = events[0]
    return SessionGraph(
        session_id=first.session_id,
        actor_id=first.actor_id,
        interface=max((e.interface for e in events), key=_INTERFACE_RANK.index),
        steps=tuple(steps),
        runs=tuple(Run(i, tuple(calls)) for i, calls in enumerate(runs)),
        decision_points=tuple(decisions),
        entities=entities,
        system_prompt=system_prompt,
        human_text="\n".join([system_prompt, *(s.text for s in steps if s.provenance == "human")]),
    )


_INTERFACE_RANK = ["chat", "api", "code_agent", "agent"]


_WRITTEN_HEREDOC = re.compile(
    r"\b(?:cat|tee)\b[^\n]*?<<-?\s*(['\"]?)(\w+)\1[^\n]*\n.*?^\s*\2\s*$", re.M | re.S
)


def _reaches(event: Event, command: str) -> tuple[Mention, ...]:
    """What a tool call reaches over the network.

    The bodies of heredocs that ``cat`` or ``tee`` write to files are left out:
    writing a test file full of example URLs reaches none of them.
    """
    if event.kind != "tool_call" or not command:
        return ()
    if "<<" in command:
        command = _WRITTEN_HEREDOC.sub(lambda m: m.group(0).split("\n", 1)[0], command)
    return tuple(network_targets(event.tool_name, command))


def _mentions(text: str, *, acted_on: bool) -> tuple[Mention, ...]:
    """Every entity of what a tool call ran; credentials only in other text.

    Messages and tool output are where most text is and where entities are
    merely named or listed; ``_add_occurrences`` still finds there every entity
    that a tool call acted on, so its provenance (a human gave it, the model
    made it up, a tool printed it) is exact at a fraction of the cost.
    """
    if not text:
        return ()
    if acted_on:
        return tuple(extract_entities(text))
    return tuple(Mention("secret", s.value, s.start, s.end, s.detail) for s in find_secrets(text))


def _add_occurrences(sightings: dict[tuple[str, str], list[int]], steps: Sequence[Step]) -> None:
    """Add to each entity's sightings every step whose text contains it as a whole word.

    One case-insensitive scan of each step for all entities (secrets excluded:
    they are found wherever they are, and matched case-sensitively).
    """
    values: dict[str, list[tuple[str, str]]] = {}
    for kind, value in sightings:
        if kind != "secret" and len(value) >= _MIN_OCCURRENCE:
            values.setdefault(value.lower(), []).append((kind, value))
    if not values:
        return
    pattern = _whole_words(values)
    for step in steps:
        for found in {m.group().lower() for m in pattern.finditer(step.text)}:
            for key in values[found]:
                sightings[key].append(step.index)
    for seen in sightings.values():
        seen[:] = sorted(set(seen))


def _whole_words(values: Iterable[str]) -> re.Pattern[str]:
    """Any of ``values`` as a whole word, case-insensitive: "10.0.0.7" is not in "10.0.0.70"."""
    alternatives = "|".join(re.escape(v) for v in sorted(values, key=len, reverse=True))
    return re.compile(rf"(?<![\w.\-])(?:{alternatives})(?![\w\-]|\.\w)", re.IGNORECASE)


_MIN_OCCURRENCE = 3
"""Shorter values (a port "22") would match everywhere: they keep their extracted sightings."""
