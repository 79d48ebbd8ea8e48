"""Segmentation: a session's events become the actions a mapper reads.

* a user message is one ``request`` action;
* each fenced code block in an assistant message is one ``code`` action;
* each tool call is one ``tool_call`` action whose text is the command it ran,
  with the tool's result attached (by ``call_id``, else the next result).

>>> from llmnav.records import Event
>>> events = [
...     Event("e1", "a", "s", 0, "user", "message", "list files"),
...     Event("e2", "a", "s", 1, "assistant", "tool_call", tool_name="bash",
...           tool_input='{"command": "ls -la"}'),
...     Event("e3", "a", "s", 2, "tool", "tool_result", "a.txt", tool_name="bash"),
... ]
>>> [(a.kind, a.text, a.result) for a in segment_session(events)]
[('request', 'list files', None), ('tool_call', 'ls -la', 'a.txt')]
"""

from __future__ import annotations

import json
import re
from collections import deque
from collections.abc import Sequence

from llmnav.records import Action, Event

__all__ = ["code_blocks", "command_of", "results_of_calls", "segment_session"]

_FENCE = re.compile(
    r"^[ \t]*(`{3,}|~{3,})[ \t]*([\w+#.-]*)[^\n]*\n(.*?)^[ \t]*\1[ \t]*$", re.M | re.S
)

COMMAND_KEYS = ("command", "cmd", "commands", "script", "code", "query", "input", "args", "url")
"""Keys of a JSON tool input that hold what the tool ran, in order of preference."""


def code_blocks(text: str) -> list[tuple[str | None, str]]:
    """The fenced code blocks of a markdown answer as ``(language, code)`` pairs.

    >>> code_blocks("Run:\\n```bash\\nwhoami\\n```\\n")
    [('bash', 'whoami')]
    """
    blocks = []
    for match in _FENCE.finditer(text):
        code = match.group(3).strip("\n")
        if code.strip():
            blocks.append((match.group(2).lower() or None, code))
    return blocks


def command_of(tool_input: str | None) -> str:
    """What a tool call ran: the command in a JSON input, or the input itself.

    >>> command_of('{"command": ["nmap", "-sV", "10.0.0.5"]}')
    'nmap -sV 10.0.0.5'
    >>> command_of("cat /etc/passwd")
    'cat /etc/passwd'
    """
    if not tool_input:
        return ""
    text = tool_input.strip()
    if not text.startswith(("{", '"')):
        return tool_input
    try:
        value = json.loads(text)
    except ValueError:
        return tool_input
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        for key in COMMAND_KEYS:
            found = value.get(key)
            if isinstance(found, str) and found.strip():
                return found
            if isinstance(found, list) and all(isinstance(x, str | int | float) for x in found):
                return " ".join(str(x) for x in found)
    return tool_input


def segment_session(events: Sequence[Event]) -> list[Action]:
    """The actions of one session's events (given in session order)."""
    results = results_of_calls(events)
    actions: list[Action] = []
    for position, event in enumerate(events):
        if event.kind == "tool_call":
            result = events[results[position]] if position in results else None
            actions.append(_action(event, "tool_call", command_of(event.tool_input), 0, result))
        elif event.kind == "message" and event.role == "user" and event.text.strip():
            actions.append(_action(event, "request", event.text.strip(), 0))
        elif event.kind == "message" and event.role == "assistant" and _may_fence(event.text):
            executed = _commands_following(events, position)
            for index, (language, code) in enumerate(code_blocks(event.text)):
                if code.strip() not in executed:
                    actions.append(_action(event, "code", code, index, language=language))
    return actions


def _may_fence(text: str) -> bool:
    return "```" in text or "~~~" in text


def results_of_calls(events: Sequence[Event]) -> dict[int, int]:
    """Position of each tool call -> position of its result: by ``call_id``, else the
    oldest call still waiting for one.

    >>> events = [
    ...     Event("c1", "a", "s", 0, "assistant", "tool_call", tool_input="id"),
    ...     Event("r1", "a", "s", 1, "tool", "tool_result", "uid=0(root)"),
    ... ]
    >>> results_of_calls(events)
    {0: 1}
    """
    by_call_id = {
        e.call_id: i for i, e in enumerate(events) if e.kind == "tool_result" and e.call_id
    }
    linked = set(by_call_id.values())
    results: dict[int, int] = {}
    waiting: deque[int] = deque()
    for position, event in enumerate(events):
        if event.kind == "tool_call":
            if event.call_id and event.call_id in by_call_id:
                results[position] = by_call_id[event.call_id]
            elif not event.call_id:
                waiting.append(position)
        elif event.kind == "tool_result" and position not in linked and waiting:
            results[waiting.popleft()] = position
    return results


def _commands_following(events: Sequence[Event], position: int) -> set[str]:
    """Commands of the tool calls right after an assistant message.

    Agents that run the code block they wrote (mini-swe-agent, for example)
    would otherwise count the same command twice: as code and as a tool call.
    """
    commands = set()
    for event in events[position + 1 :]:
        if event.kind != "tool_call":
            break
        commands.add(command_of(event.tool_input).strip())
    return commands


def _action(
    event: Event,
    kind: str,
    text: str,
    index: int,
    result: Event | None = None,
    language: str | None = None,
) -> Action:
    return Action(
        action_id=f"{event.event_id}#{index}",
        actor_id=event.actor_id,
        session_id=event.session_id,
        seq=event.seq,
        kind=kind,  # type: ignore[arg-type]
        text=text,
        interface=event.interface,
        event_ids=(event.event_id, result.event_id) if result else (event.event_id,),
        ts=event.ts,
        tool_name=event.tool_name,
        language=language,
        result=result.text if result else None,
    )
