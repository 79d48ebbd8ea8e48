"""Mapping the actions held in a store: hits and intent written next to them."""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor

from llmnav.mapping.base import MapInput
from llmnav.mapping.engine import MappingEngine
from llmnav.records import TechniqueHit
from llmnav.store.duckdb import Store

__all__ = ["map_stored_actions"]

BATCH = 1024

_Mapped = tuple[list[str], list[TechniqueHit], list[float]]

_ENGINE: MappingEngine | None = None


def _init_worker() -> None:
    global _ENGINE
    _ENGINE = MappingEngine.default()


def _map_items(engine: MappingEngine, items: Sequence[MapInput]) -> _Mapped:
    results = engine.map(items, tactics=False)
    version = engine.catalog.version
    hits = [hit for r in results for hit in r.hits(version, engine.tactics_of)]
    return [i.id for i in items], hits, [r.intent for r in results]


def _map_in_worker(items: Sequence[MapInput]) -> _Mapped:
    assert _ENGINE is not None
    return _map_items(_ENGINE, items)


def map_stored_actions(
    store: Store,
    engine: MappingEngine,
    *,
    session_ids: Iterable[str] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    workers: int = 1,
    batch_size: int = BATCH,
) -> int:
    """Map the store's actions (those of ``session_ids`` when given); returns how many.

    Re-mapping replaces an action's earlier hits and intent, so running it
    twice gives the same tables. With ``workers`` > 1 and enough actions,
    batches are mapped by that many processes (each loads the default engine,
    so ``engine`` must be ``MappingEngine.default()``); the store is written
    by this process only, and the rows are the same as with one worker.
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
    chunks = [
        [
            MapInput(
                a,
                text or "",
                kinds.get(kind, "request"),  # type: ignore[arg-type]
                tool,
                language,
                tuple(labels or ()),
            )
            for a, kind, text, tool, language, labels in rows[start : start + batch_size]
        ]
        for start in range(0, len(rows), batch_size)
    ]
    done = 0

    def store_mapped(mapped: _Mapped) -> None:
        nonlocal done
        ids, hits, intents = mapped
        store.replace_mappings(ids, hits, intents)
        done += len(ids)
        if on_progress:
            on_progress(done, len(rows))

    if workers <= 1 or len(chunks) < 2 * workers:
        for items in chunks:
            store_mapped(_map_items(engine, items))
        return len(rows)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker) as pool:
        pending: deque[Future[_Mapped]] = deque()
        for items in chunks:
            pending.append(pool.submit(_map_in_worker, items))
            if len(pending) > 2 * workers:
                store_mapped(pending.popleft().result())
        while pending:
            store_mapped(pending.popleft().result())
    return len(rows)
