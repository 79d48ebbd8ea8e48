"""Detectors of the AIO behaviours, one class per behaviour of ``data/aio.yaml``.

Each reads a ``SessionGraph`` and returns at most one ``AioHit`` per session:
the strength says how far past its threshold the session went (0.5 at the
threshold, 1.0 at twice it) and the evidence names the steps behind it.
docs/aio.md defines every behaviour; the thresholds are the ``orchestration``
section of the configuration file.

To add a detector:

1. subclass ``Detector`` and set ``behaviour_id`` to an id of the taxonomy;
2. implement ``find(graph)``, returning a ``Finding`` or ``None``;
3. add the class to ``DETECTORS``, with a must-fire and a must-not-fire test.

>>> from llmnav.config import load_config
>>> [d.behaviour_id for d in builtin_detectors(load_config())][:3]
['AIO.T0001', 'AIO.T0002', 'AIO.T0003']
"""

from __future__ import annotations

import ipaddress
import re
import statistics
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from typing import ClassVar

from llmnav.config import Config, OrchestrationConfig
from llmnav.orchestration.entities import (
    Mention,
    extract_entities,
    host_matches,
    is_local_host,
)
from llmnav.orchestration.graph import SessionGraph, Step
from llmnav.records import AioHit

__all__ = [
    "DETECTORS",
    "Detector",
    "Finding",
    "builtin_detectors",
    "enterprise_tactics",
]

_EVIDENCE_CAP = 50
"""Steps kept as evidence of one hit: enough to audit, bounded for long sessions."""


@dataclass(frozen=True, slots=True)
class Finding:
    """What a detector saw: how strongly, in which steps, in one line."""

    strength: float
    steps: tuple[int, ...]
    detail: str


def saturate(value: float, threshold: float) -> float:
    """0.5 at the threshold, 1.0 at twice it (and beyond).

    >>> saturate(10, 10), saturate(15, 10), saturate(40, 10)
    (0.5, 0.75, 1.0)
    """
    return round(min(1.0, 0.5 * value / threshold), 4) if threshold > 0 else 1.0


@cache
def enterprise_tactics() -> Mapping[str, tuple[int, str]]:
    """Enterprise tactic id -> (kill-chain position, name), in matrix order."""
    from llmnav.catalog import load_catalog

    return {t.id: (i, t.name) for i, t in enumerate(load_catalog().tactics)}


class Detector:
    """Base class: one AIO behaviour, its thresholds, and ``find``."""

    behaviour_id: ClassVar[str]

    def __init__(
        self, config: OrchestrationConfig, fingerprint: str, tactics: Mapping[str, tuple[int, str]]
    ) -> None:
        self.config = config
        self.fingerprint = fingerprint
        self.tactics = tactics

    def find(self, graph: SessionGraph) -> Finding | None:
        raise NotImplementedError

    def detect(self, graph: SessionGraph) -> list[AioHit]:
        finding = self.find(graph)
        if finding is None:
            return []
        steps = sorted(set(finding.steps))[:_EVIDENCE_CAP]
        return [
            AioHit(
                session_id=graph.session_id,
                actor_id=graph.actor_id,
                behaviour_id=self.behaviour_id,
                strength=finding.strength,
                event_ids=tuple(graph.steps[i].event.event_id for i in steps),
                detail=finding.detail,
                config=self.fingerprint,
            )
        ]

    # Shared views of the graph --------------------------------------------------

    def counted_tactics(self, step: Step) -> tuple[str, ...]:
        """The Enterprise tactics a step is evidence of under the shared thresholds."""
        tactics = step.counts_as(self.config.min_confidence, self.config.min_intent)
        return tuple(t for t in tactics if t in self.tactics)

    def ignored(self, mention: Mention) -> bool:
        """Loopback, the agent's own sandbox, registries and code hosts are never targets."""
        host = mention.detail if mention.kind == "url" else mention.value
        if mention.kind not in ("host", "ip", "url") or not host:
            return False
        return is_local_host(host) or host_matches(host, self.config.ignore_hosts)

    def targets(self, step: Step) -> list[Mention]:
        """Hosts, IPs and URLs a tool call reaches, minus the ignored and the doubtful ones.

        A one-word host name counts only when it looks like a machine name
        (``dc01``, ``web-2``), not a word (``host``).
        """
        return [m for m in step.reaches if not self.ignored(m) and _plausible_host(_host(m))]

    def tactic_name(self, tactic_id: str) -> str:
        return self.tactics[tactic_id][1]


class AutonomousKillChain(Detector):
    """AIO.T0001: one autonomous run advances through tactics in kill-chain order."""

    behaviour_id = "AIO.T0001"

    def find(self, graph: SessionGraph) -> Finding | None:
        best: tuple[int, list[tuple[int, str]]] = (0, [])
        for run in graph.runs:
            chain = self._longest_chain([graph.steps[i] for i in run.calls])
            if len(chain) > best[0]:
                best = (len(chain), chain)
        length, chain = best
        if length < self.config.T0001.min_tactics:
            return None
        names = " -> ".join(self.tactic_name(t) for _, t in chain)
        run_number = (graph.steps[chain[0][0]].run or 0) + 1
        return Finding(
            saturate(length, self.config.T0001.min_tactics),
            tuple(i for i, _ in chain),
            f"{length} tactics in kill-chain order in autonomous run {run_number}: {names}",
        )

    def _longest_chain(self, calls: Sequence[Step]) -> list[tuple[int, str]]:
        """Longest sequence of steps whose tactics strictly advance in kill-chain order."""
        chains: dict[str, list[tuple[int, str]]] = {}
        for step in calls:
            updates: dict[str, list[tuple[int, str]]] = {}
            for tactic in self.counted_tactics(step):
                position = self.tactics[tactic][0]
                before = [c for t, c in chains.items() if self.tactics[t][0] < position]
                longest = max(before, key=len, default=[])
                candidate = [*longest, (step.index, tactic)]
                if len(candidate) > len(chains.get(tactic, [])):
                    updates[tactic] = candidate
            chains.update(updates)
        return max(chains.values(), key=len, default=[])


class AutonomousStageExecution(Detector):
    """AIO.T0002: many tool calls of one tactic inside one autonomous run."""

    behaviour_id = "AIO.T0002"

    def find(self, graph: SessionGraph) -> Finding | None:
        best: tuple[int, str, list[int]] = (0, "", [])
        for run in graph.runs:
            by_tactic: dict[str, list[int]] = {}
            for index in run.calls:
                for tactic in self.counted_tactics(graph.steps[index]):
                    by_tactic.setdefault(tactic, []).append(index)
            for tactic, calls in by_tactic.items():
                if len(calls) > best[0]:
                    best = (len(calls), tactic, calls)
        count, tactic, calls = best
        threshold = self.config.T0002.min_calls
        if count < threshold:
            return None
        return Finding(
            saturate(count, threshold),
            tuple(calls),
            f"{count} {self.tactic_name(tactic)} tool calls in one autonomous run",
        )


class RealTimePivot(Detector):
    """AIO.T0003: a tool call targets an entity first seen in a tool result."""

    behaviour_id = "AIO.T0003"

    def find(self, graph: SessionGraph) -> Finding | None:
        pivots: list[tuple[int, int, tuple[str, str]]] = []
        seen: set[tuple[str, str]] = set()
        for step in graph.tool_calls:
            for key in self._targeted(step):
                entity = graph.entities.get(key)
                if key in seen or entity is None or entity.provenance != "tool":
                    continue
                if entity.first_step >= step.index or graph.human_named(*key):
                    continue
                seen.add(key)
                pivots.append((entity.first_step, step.index, key))
        if not pivots:
            return None
        shown = "; ".join(
            f"{kind} {_shown(graph, kind, value)} (from the tool result at step {first + 1}, "
            f"used at step {used + 1})"
            for first, used, (kind, value) in pivots[:3]
        )
        more = f" and {len(pivots) - 3} more" if len(pivots) > 3 else ""
        return Finding(
            saturate(len(pivots), 1),
            tuple(i for first, used, _ in pivots for i in (first, used)),
            f"{len(pivots)} pivot(s) to entities found in tool output: {shown}{more}",
        )

    def _targeted(self, step: Step) -> list[tuple[str, str]]:
        """Hosts the call reaches; accounts it uses against them; secrets it uses."""
        hosts = [_host_key(m) for m in self.targets(step)]
        keys = list(dict.fromkeys(hosts))
        for mention in step.mentions:
            if mention.kind == "secret" or (mention.kind == "account" and hosts):
                keys.append((mention.kind, mention.value))
        return keys


class ExternalTargets(Detector):
    """AIO.T0004: model-issued tool calls reach hosts outside the operator's machine."""

    behaviour_id = "AIO.T0004"

    def find(self, graph: SessionGraph) -> Finding | None:
        calls: list[int] = []
        hosts: Counter[str] = Counter()
        for step in graph.tool_calls:
            targets = self.targets(step)
            if targets:
                calls.append(step.index)
                hosts.update({_host(m) for m in targets})
        threshold = self.config.T0004.min_calls
        if len(calls) < threshold:
            return None
        top = ", ".join(host for host, _ in hosts.most_common(3))
        return Finding(
            saturate(len(calls), threshold),
            tuple(calls),
            f"{len(calls)} tool call(s) reaching {len(hosts)} external host(s): {top}",
        )


class TargetSelection(Detector):
    """AIO.T0005: the model picks some targets out of a set a tool discovered."""

    behaviour_id = "AIO.T0005"

    def find(self, graph: SessionGraph) -> Finding | None:
        threshold = self.config.T0005.min_candidates
        targeted = [
            (call.index, {_host_key(m) for m in self.targets(call)}) for call in graph.tool_calls
        ]
        for index in self._listing_results(graph, targeted):
            candidates = {
                _host_key(m)
                for m in extract_entities(graph.steps[index].text)
                if m.kind in ("host", "ip", "url")
                and not self.ignored(m)
                and not graph.human_named(*_host_key(m))
            }
            if len(candidates) < threshold:
                continue
            chosen: dict[tuple[str, str], int] = {}
            for call, keys in targeted:
                if call > index:
                    for key in keys & candidates:
                        chosen.setdefault(key, call)
            if chosen and len(chosen) < len(candidates):
                picked = ", ".join(sorted(value for _, value in chosen)[:3])
                return Finding(
                    saturate(len(candidates), threshold),
                    (index, *chosen.values()),
                    f"picked {len(chosen)} of {len(candidates)} hosts listed by the tool result "
                    f"at step {index + 1}: {picked}",
                )
        return None

    @staticmethod
    def _listing_results(
        graph: SessionGraph, targeted: list[tuple[int, set[tuple[str, str]]]]
    ) -> list[int]:
        """Tool results, in order, that name a host some later tool call reaches."""
        found: set[int] = set()
        for call, keys in targeted:
            for key in keys:
                entity = graph.entities.get(key)
                if entity is not None:
                    found.update(
                        i for i in entity.steps if i < call and graph.steps[i].provenance == "tool"
                    )
        return sorted(found)


class ToolAugmentedOperation(Detector):
    """AIO.T0006: offensive tools given to the model as tools or MCP servers."""

    behaviour_id = "AIO.T0006"

    def find(self, graph: SessionGraph) -> Finding | None:
        offensive = {name.lower() for name in self.config.T0006.offensive_tools}
        tools: dict[str, int] = {}
        calls: list[int] = []
        for step in graph.tool_calls:
            name = step.event.tool_name or ""
            words = set(re.split(r"[_\-./:\s]+", name.lower()))
            if words & offensive:
                tools.setdefault(name, step.index)
                calls.append(step.index)
        if not tools:
            return None
        return Finding(
            saturate(len(tools), 1),
            tuple(calls),
            f"offensive tool(s) given to the model: {', '.join(sorted(tools))} "
            f"({len(calls)} call(s))",
        )


class LowHumanIntervention(Detector):
    """AIO.T0007: few human decision points per 100 tool calls."""

    behaviour_id = "AIO.T0007"

    def find(self, graph: SessionGraph) -> Finding | None:
        settings = self.config.T0007
        calls = len(graph.tool_calls)
        if calls < settings.min_tool_calls:
            return None
        per_100 = 100 * len(graph.decision_points) / calls
        if per_100 > settings.max_decisions_per_100:
            return None
        limit = settings.max_decisions_per_100
        strength = 1.0 if limit == 0 else round(1 - 0.5 * per_100 / limit, 4)
        return Finding(
            strength,
            graph.decision_points,
            f"{len(graph.decision_points)} human decision point(s) for {calls} tool calls "
            f"({per_100:.1f} per 100)",
        )


class MachineTempo(Detector):
    """AIO.T0008: a sustained tool-call rate no human operator keeps."""

    behaviour_id = "AIO.T0008"

    def find(self, graph: SessionGraph) -> Finding | None:
        settings = self.config.T0008
        timed = [s for s in graph.tool_calls if s.ts is not None]
        best: tuple[float, int] = (0.0, -1)
        for start in range(len(timed) - settings.min_actions + 1):
            window = timed[start : start + settings.min_actions]
            gaps = [
                (b.ts - a.ts).total_seconds()  # type: ignore[operator]
                for a, b in pairwise(window)
            ]
            if max(gaps) <= 0:
                continue  # identical stamps say when a batch was logged, not the pace
            median = statistics.median(gaps)
            rate = 60 / median if median > 0 else 60.0 * settings.min_per_minute
            if rate > best[0]:
                best = (rate, start)
        rate, start = best
        if start < 0 or rate < settings.min_per_minute:
            return None
        window = timed[start : start + settings.min_actions]
        return Finding(
            saturate(rate, settings.min_per_minute),
            tuple(s.index for s in window),
            f"{settings.min_actions} consecutive tool calls at {rate:.0f} per minute",
        )


class HarvestedCredentialChaining(Detector):
    """AIO.T0009: credentials found in tool output reused in a later tool call."""

    behaviour_id = "AIO.T0009"

    def find(self, graph: SessionGraph) -> Finding | None:
        from llmnav.orchestration.entities import auth_files

        harvested = [
            e
            for e in graph.entities.values()
            if e.kind == "secret"
            and e.provenance == "tool"
            and not graph.human_named(e.kind, e.value)
        ]
        if not harvested:
            return None
        uses: list[tuple[int, int, str]] = []
        for entity in harvested:
            source_call = _call_of_result(graph, entity.first_step)
            key_files = (
                _read_files(graph.steps[source_call].text) if source_call is not None else []
            )
            for step in graph.tool_calls:
                if step.index <= entity.first_step:
                    continue
                by_value = step.index in entity.steps or (
                    len(entity.value) >= _MIN_SECRET_MATCH and entity.value in step.text
                )
                files = auth_files(step.text)
                by_file = any(_same_file(f, k) for f in files for k in key_files)
                if by_value or by_file:
                    uses.append((entity.first_step, step.index, entity.detail or "secret"))
                    break
        if not uses:
            return None
        kinds = ", ".join(sorted({kind for _, _, kind in uses}))
        return Finding(
            saturate(len(uses), 1),
            tuple(i for first, used, _ in uses for i in (first, used)),
            f"{len(uses)} credential(s) from tool output reused in later tool calls ({kinds}); "
            f"first found at step {uses[0][0] + 1}, used at step {uses[0][1] + 1}",
        )


class SafeguardEvasion(Detector):
    """AIO.T0010: persona framing, or an operation split into innocuous sub-tasks."""

    behaviour_id = "AIO.T0010"

    def __init__(
        self, config: OrchestrationConfig, fingerprint: str, tactics: Mapping[str, tuple[int, str]]
    ) -> None:
        super().__init__(config, fingerprint, tactics)
        self.persona = re.compile(
            "|".join(f"(?:{pattern})" for pattern in config.T0010.persona_patterns), re.I
        )

    def find(self, graph: SessionGraph) -> Finding | None:
        intents = [s.mapping.intent for s in graph.steps if s.mapping is not None]
        if not intents or max(intents) < self.config.min_intent:
            return None
        return self._persona(graph) or self._decomposition(graph)

    def _persona(self, graph: SessionGraph) -> Finding | None:
        framed = [(s.index, s.text) for s in graph.steps if s.provenance == "human"]
        if graph.system_prompt:
            framed.append((-1, graph.system_prompt))
        for index, text in framed:
            match = self.persona.search(text)
            if match:
                where = "the system prompt" if index < 0 else f"step {index + 1}"
                return Finding(
                    1.0 if index >= 0 else 0.5,
                    (index,) if index >= 0 else (),
                    f"persona framing in {where}: {match.group(0)!r}",
                )
        return None

    def _decomposition(self, graph: SessionGraph) -> Finding | None:
        settings = self.config.T0010
        requests = [
            s
            for s in graph.steps
            if s.provenance == "human"
            and s.mapping is not None
            and s.mapping.intent < settings.max_subtask_intent
        ]
        tactics: set[str] = set()
        for step in requests:
            mapping = step.mapping
            assert mapping is not None
            tactics.update(
                t
                for t, conf in mapping.tactics
                if conf >= self.config.min_confidence and t in self.tactics
            )
        if len(requests) < settings.min_subtasks or len(tactics) < settings.min_tactics:
            return None
        return Finding(
            saturate(len(tactics), settings.min_tactics),
            tuple(s.index for s in requests),
            f"{len(requests)} low-intent requests that together cover {len(tactics)} tactics",
        )


def _shown(graph: SessionGraph, kind: str, value: str) -> str:
    from llmnav.redact import redact_value

    entity = graph.entities.get((kind, value))
    return redact_value(kind, entity.detail if entity else "", value)


def _host(mention: Mention) -> str:
    return mention.detail if mention.kind == "url" and mention.detail else mention.value


def _plausible_host(host: str) -> bool:
    if not host:
        return False
    if "." in host or ":" in host:
        return True
    return any(c.isdigit() or c == "-" for c in host)


def _host_key(mention: Mention) -> tuple[str, str]:
    """The (kind, value) of the host a host, IP or URL mention points at."""
    host = _host(mention)
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return ("host", host)
    return ("ip", host)


def _call_of_result(graph: SessionGraph, result_index: int) -> int | None:
    for step in graph.tool_calls:
        if step.result == result_index:
            return step.index
    return None


_MIN_SECRET_MATCH = 6
"""Shorter secrets are matched only where the extractor recognises them, not as substrings."""

_PATH = re.compile(r"(?:~|\.{0,2})?/[\w.\-/]+|[\w.\-]+\.(?:pem|key|ppk)\b|\bid_[a-z0-9]+\b")


def _paths_in(command: str) -> list[str]:
    return _PATH.findall(command)


def _read_files(command: str) -> list[str]:
    """Files a command names other than those it authenticates with: where a credential
    in its output was read from."""
    from llmnav.orchestration.entities import auth_files

    used = set(auth_files(command))
    return [path for path in _paths_in(command) if path not in used]


def _same_file(a: str, b: str) -> bool:
    """Two references to one file: equal, or the same file name (copied or downloaded)."""
    return a == b or a.rsplit("/", 1)[-1] == b.rsplit("/", 1)[-1]


DETECTORS: tuple[type[Detector], ...] = (
    AutonomousKillChain,
    AutonomousStageExecution,
    RealTimePivot,
    ExternalTargets,
    TargetSelection,
    ToolAugmentedOperation,
    LowHumanIntervention,
    MachineTempo,
    HarvestedCredentialChaining,
    SafeguardEvasion,
)


def builtin_detectors(
    config: Config, tactics: Mapping[str, tuple[int, str]] | None = None
) -> list[Detector]:
    """One detector per AIO behaviour, with the thresholds of ``config``."""
    tactics = tactics if tactics is not None else enterprise_tactics()
    return [cls(config.orchestration, config.fingerprint, tactics) for cls in DETECTORS]
