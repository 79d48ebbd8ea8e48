"""Run the AIO detectors: over session graphs in memory, or over a whole store.

>>> from llmnav.config import load_config
>>> from llmnav.records import Event
>>> events = [Event("e1", "a", "s", 0, "user", "message", "what is lateral movement?")]
>>> detect_sessions([events], load_config())
[]
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from llmnav.config import Config
from llmnav.orchestration.detectors import Detector, builtin_detectors
from llmnav.orchestration.graph import SessionGraph, StepMapping, build_graph
from llmnav.records import AioHit, Event
from llmnav.store.duckdb import Store

__all__ = ["detect_graph", "detect_sessions", "detect_store", "graphs_from_store"]

_SESSIONS_PER_BATCH = 500

_MAPPINGS = """
WITH tactics AS (
    SELECT action_id, tactic, max(confidence) AS confidence
    FROM (SELECT action_id, unnest(tactic_ids) AS tactic, confidence FROM hits)
    GROUP BY ALL
)
SELECT a.session_id, a.event_ids[1] AS event_id, a.action_id,
       any_value(h.technique_id) AS technique_id,
       coalesce(any_value(h.confidence), 0.0) AS confidence,
       list({'tactic': t.tactic, 'confidence': t.confidence} ORDER BY t.tactic)
           FILTER (WHERE t.tactic IS NOT NULL) AS tactics,
       coalesce(any_value(i.intent), 0.0) AS intent
FROM actions a
LEFT JOIN hits h ON h.action_id = a.action_id AND h.rank = 1
LEFT JOIN action_intent i ON i.action_id = a.action_id
LEFT JOIN tactics t ON t.action_id = a.action_id
WHERE a.session_id IN (SELECT unnest(?))
GROUP BY a.session_id, a.event_ids[1], a.action_id
"""


def detect_graph(graph: SessionGraph, detectors: Sequence[Detector]) -> list[AioHit]:
    """Every behaviour the detectors find in one session graph."""
    return [hit for detector in detectors for hit in detector.detect(graph)]


def detect_sessions(sessions: Iterable[Sequence[Event]], config: Config) -> list[AioHit]:
    """Detect over sessions given as event lists (in order), without ATT&CK mappings."""
    detectors = builtin_detectors(config)
    return [hit for events in sessions for hit in detect_graph(build_graph(events), detectors)]


def graphs_from_store(store: Store, session_ids: Sequence[str]) -> list[SessionGraph]:
    """The session graphs of stored sessions, with each action's best technique and intent."""
    events = store.session_events(session_ids, attrs=False)
    mappings: dict[str, dict[str, StepMapping]] = {}
    for row in store.query(_MAPPINGS, [list(session_ids)]):
        mapping = StepMapping(
            action_id=row["action_id"],
            technique_id=row["technique_id"],
            confidence=float(row["confidence"]),
            tactics=tuple((t["tactic"], float(t["confidence"])) for t in row["tactics"] or ()),
            intent=float(row["intent"]),
        )
        by_event = mappings.setdefault(row["session_id"], {})
        known = by_event.get(row["event_id"])
        # An answer with several code blocks is one step: keep its most malicious block.
        if known is None or mapping.intent > known.intent:
            by_event[row["event_id"]] = mapping
    return [build_graph(events[sid], mappings.get(sid, {})) for sid in session_ids if sid in events]


def detect_store(
    store: Store,
    config: Config,
    session_ids: Sequence[str] | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[AioHit]:
    """Detect over stored sessions (all by default) and make the hits their ``aio_hits``.

    ``progress`` is called with the number of sessions done after each batch.
    """
    ids = sorted(store.session_ids() if session_ids is None else session_ids)
    detectors = builtin_detectors(config)
    found: list[AioHit] = []
    for start in range(0, len(ids), _SESSIONS_PER_BATCH):
        batch = ids[start : start + _SESSIONS_PER_BATCH]
        hits = [h for g in graphs_from_store(store, batch) for h in detect_graph(g, detectors)]
        store.replace_aio_hits(batch, hits)
        found.extend(hits)
        if progress is not None:
            progress(len(batch))
    return found
