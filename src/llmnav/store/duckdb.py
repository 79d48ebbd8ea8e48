"""The embedded DuckDB store: events, actions, sessions, actors and rejected records.

Writes are idempotent: events and rejected records are keyed by stable ids and
inserted with ``INSERT OR IGNORE``, each batch in its own transaction, so a run
that is killed keeps every batch it committed and a re-run adds only what is
missing.

>>> store = Store.open(":memory:")
>>> store.count("events")
0
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from llmnav.errors import StoreError
from llmnav.records import ACTION_FIELDS, EVENT_FIELDS, Action, Event, Rejected

__all__ = ["SCHEMA", "Store"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    event_id VARCHAR PRIMARY KEY,
    actor_id VARCHAR NOT NULL,
    session_id VARCHAR NOT NULL,
    seq BIGINT NOT NULL,
    role VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    text VARCHAR,
    ts TIMESTAMPTZ,
    interface VARCHAR NOT NULL,
    tool_name VARCHAR,
    tool_input VARCHAR,
    call_id VARCHAR,
    model VARCHAR,
    attrs JSON,
    source VARCHAR
);
CREATE TABLE IF NOT EXISTS actions (
    action_id VARCHAR PRIMARY KEY,
    actor_id VARCHAR NOT NULL,
    session_id VARCHAR NOT NULL,
    seq BIGINT NOT NULL,
    kind VARCHAR NOT NULL,
    text VARCHAR,
    interface VARCHAR NOT NULL,
    event_ids VARCHAR[],
    ts TIMESTAMPTZ,
    tool_name VARCHAR,
    language VARCHAR,
    result VARCHAR
);
CREATE TABLE IF NOT EXISTS rejected (
    rejected_id VARCHAR PRIMARY KEY,
    file VARCHAR,
    line BIGINT,
    field VARCHAR,
    reason VARCHAR,
    format VARCHAR,
    raw VARCHAR,
    first_seen TIMESTAMPTZ
);
CREATE TABLE IF NOT EXISTS ingest_runs (
    started_at TIMESTAMPTZ,
    finished_at TIMESTAMPTZ,
    files VARCHAR[],
    read BIGINT,
    stored BIGINT,
    new BIGINT,
    rejected BIGINT,
    complete BOOLEAN
);
"""

_INTERFACE_RANK = "list_position(['chat', 'api', 'code_agent', 'agent'], interface)"

_SUMMARIES = f"""
CREATE OR REPLACE TABLE sessions AS
SELECT session_id,
       any_value(actor_id ORDER BY seq) AS actor_id,
       ['chat', 'api', 'code_agent', 'agent'][max({_INTERFACE_RANK})] AS interface,
       min(ts) AS first_ts,
       max(ts) AS last_ts,
       count(*) AS n_events,
       count(*) FILTER (WHERE role = 'user' AND kind = 'message') AS n_user_messages,
       count(*) FILTER (WHERE kind = 'tool_call') AS n_tool_calls,
       any_value(model ORDER BY seq) FILTER (WHERE model IS NOT NULL) AS model,
       any_value((attrs -> 'session') ORDER BY seq)
           FILTER (WHERE (attrs -> 'session') IS NOT NULL) AS session_attrs
FROM events GROUP BY session_id;
CREATE OR REPLACE TABLE actors AS
SELECT e.actor_id,
       count(DISTINCT e.session_id) AS n_sessions,
       count(*) AS n_events,
       coalesce(max(a.n_actions), 0) AS n_actions,
       ['chat', 'api', 'code_agent', 'agent'][max({_INTERFACE_RANK})] AS interface,
       list_sort(list_distinct(list(e.interface))) AS interfaces,
       min(e.ts) AS first_ts,
       max(e.ts) AS last_ts
FROM events e
LEFT JOIN (SELECT actor_id, count(*) AS n_actions FROM actions GROUP BY actor_id) a
       ON a.actor_id = e.actor_id
GROUP BY e.actor_id;
"""


def _event_table(events: Sequence[Event]) -> pa.Table:
    columns: dict[str, list[Any]] = {name: [] for name in EVENT_FIELDS}
    for event in events:
        for name in EVENT_FIELDS:
            columns[name].append(getattr(event, name))
    columns["attrs"] = [
        json.dumps(a, ensure_ascii=False, default=str) if a else None for a in columns["attrs"]
    ]
    schema = pa.schema(
        [
            (name, pa.int64() if name == "seq" else pa.string())
            if name != "ts"
            else (name, pa.timestamp("us", tz="UTC"))
            for name in EVENT_FIELDS
        ]
    )
    return pa.Table.from_pydict(columns, schema=schema)


def _action_table(actions: Sequence[Action]) -> pa.Table:
    columns: dict[str, list[Any]] = {name: [] for name in ACTION_FIELDS}
    for action in actions:
        for name in ACTION_FIELDS:
            columns[name].append(getattr(action, name))
    columns["event_ids"] = [list(ids) for ids in columns["event_ids"]]
    types = {
        "seq": pa.int64(),
        "ts": pa.timestamp("us", tz="UTC"),
        "event_ids": pa.list_(pa.string()),
    }
    schema = pa.schema([(name, types.get(name, pa.string())) for name in ACTION_FIELDS])
    return pa.Table.from_pydict(columns, schema=schema)


class Store:
    """A DuckDB database holding ingested telemetry."""

    def __init__(self, conn: duckdb.DuckDBPyConnection, path: Path | None) -> None:
        self.conn = conn
        self.path = path

    @classmethod
    def open(cls, path: str | Path, *, read_only: bool = False) -> Store:
        """Open (and create, unless read-only) the store at ``path``; ``":memory:"`` works."""
        if str(path) == ":memory:":
            store = cls(duckdb.connect(":memory:"), None)
        else:
            db_path = Path(path)
            if read_only and not db_path.exists():
                raise StoreError(f"No database at {db_path}; create it with `llmnav ingest`")
            if not read_only:
                db_path.parent.mkdir(parents=True, exist_ok=True)
            try:
                conn = duckdb.connect(str(db_path), read_only=read_only)
            except duckdb.Error as exc:
                raise StoreError(f"Cannot open database {db_path}: {exc}") from exc
            store = cls(conn, db_path)
        if not read_only:
            store.conn.execute(SCHEMA)
        return store

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def count(self, table: str) -> int:
        row = self.conn.execute(f"SELECT count(*) FROM {_table(table)}").fetchone()
        return int(row[0]) if row else 0

    def write_batch(self, events: Sequence[Event], rejected: Sequence[Rejected]) -> int:
        """Store one batch in one transaction; returns how many events were new."""
        self.conn.execute("BEGIN TRANSACTION")
        try:
            before = self.count("events")
            if events:
                batch = _event_table(events)  # noqa: F841 - read by DuckDB by name
                self.conn.execute("INSERT OR IGNORE INTO events SELECT * FROM batch")
            new = self.count("events") - before
            if rejected:
                now = datetime.now(UTC)
                self.conn.executemany(
                    "INSERT OR IGNORE INTO rejected VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        [r.rejected_id, r.path, r.line, r.field, r.reason, r.format, r.raw, now]
                        for r in rejected
                    ],
                )
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        return new

    def session_events(self, session_ids: Iterable[str]) -> dict[str, list[Event]]:
        """The stored events of the given sessions, in session order."""
        ids = list(session_ids)
        if not ids:
            return {}
        rows = self.conn.execute(
            f"SELECT {', '.join(EVENT_FIELDS)} FROM events "
            "WHERE session_id IN (SELECT unnest(?)) ORDER BY session_id, seq, event_id",
            [ids],
        ).fetchall()
        grouped: dict[str, list[Event]] = {}
        for row in rows:
            data = dict(zip(EVENT_FIELDS, row, strict=True))
            data["attrs"] = json.loads(data["attrs"]) if data["attrs"] else {}
            event = Event(**data)
            grouped.setdefault(event.session_id, []).append(event)
        return grouped

    def replace_actions(self, session_ids: Sequence[str], actions: Sequence[Action]) -> None:
        """Make ``actions`` the actions of ``session_ids`` (one transaction)."""
        self.conn.execute("BEGIN TRANSACTION")
        try:
            self.conn.execute(
                "DELETE FROM actions WHERE session_id IN (SELECT unnest(?))", [list(session_ids)]
            )
            if actions:
                batch = _action_table(actions)  # noqa: F841 - read by DuckDB by name
                self.conn.execute("INSERT OR IGNORE INTO actions SELECT * FROM batch")
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise

    def refresh_summaries(self) -> None:
        """Rebuild the sessions and actors tables from events and actions."""
        self.conn.execute(_SUMMARIES)

    def export_rejected(self, path: Path) -> int:
        """Write every rejected record to ``path`` as JSONL (file, line, field, reason, raw)."""
        rows = self.conn.execute(
            "SELECT file, line, field, reason, format, raw FROM rejected "
            "ORDER BY file, line NULLS FIRST, field"
        ).fetchall()
        keys = ("file", "line", "field", "reason", "format", "raw")
        tmp = path.with_suffix(path.suffix + ".tmp")
        with tmp.open("w", encoding="utf-8") as out:
            for row in rows:
                out.write(json.dumps(dict(zip(keys, row, strict=True)), ensure_ascii=False))
                out.write("\n")
        tmp.replace(path)
        return len(rows)

    def record_run(self, run: dict[str, Any]) -> None:
        self.conn.execute(
            "INSERT INTO ingest_runs VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                run["started_at"],
                run["finished_at"],
                run["files"],
                run["read"],
                run["stored"],
                run["new"],
                run["rejected"],
                run["complete"],
            ],
        )

    def query(self, sql: str, params: Sequence[Any] | None = None) -> list[dict[str, Any]]:
        """Run a read query and return rows as dicts."""
        cursor = self.conn.execute(sql, params or [])
        names = [d[0] for d in cursor.description or []]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


_TABLES = frozenset({"events", "actions", "sessions", "actors", "rejected", "ingest_runs"})


def _table(name: str) -> str:
    if name not in _TABLES:
        raise StoreError(f"Unknown table {name!r}")
    return name
