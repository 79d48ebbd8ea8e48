"""Mapping the actions held in a store: hits and intent written next to them."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from llmnav.mapping.base import MapInput
from llmnav.mapping.engine import MappingEngine
from llmnav.store.duckdb import Store

__all__ = ["map_stored_actions"]

BATCH = 1024


def map_stored_actions(
    store: Store,
    engine: MappingEngine,
    *,
    session_ids: Iterable[str] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> int:
    """Map the store's actions (those of ``session_ids`` when given); returns how many.

    Re-mapping replaces an action's earlier hits and intent, so running it
    twice gives the same tables.
    """
    sql = (
        "SELECT a.action_id, a.kind, a.text, a.tool_name, a.language, "
        "CAST(e.attrs -> 'analyst_techniques' AS VARCHAR[]) "
        "FROM actions a LEFT JOIN events e ON e.event_id = a.event_ids[1]"
    )
    params: list[object] = []
    if session_ids is not None:
        sql += " WHERE a.session_id IN (SELECT unnest(?))"
        params.append(sorted(session_ids))
    rows = store.conn.execute(sql + " ORDER BY a.action_id", params).fetchall()
    kinds = {"tool_call": "command", "code": "code", "request": "request"}
    version = engine.catalog.version
    for start in range(0, len(rows), BATCH):
        chunk = rows[start : start + BATCH]
        items = [
            MapInput(
                a,
                text or "",
                kinds.get(kind, "request"),  # type: ignore[arg-type]
                tool,
                language,
                tuple(labels or ()),
            )
            for a, kind, text, tool, language, labels in chunk
        ]
        results = engine.map(items)
        hits = [hit for r in results for hit in r.hits(version, engine.tactics_of)]
        store.replace_mappings([i.id for i in items], hits, [r.intent for r in results])
        if on_progress:
            on_progress(start + len(chunk), len(rows))
    return len(rows)
