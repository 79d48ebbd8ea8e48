"""The embedded DuckDB store: events, actions, sessions, actors and rejected records.

Writes are idempotent: events and rejected records are keyed by stable ids and
only ids not yet stored are inserted, each batch in its own transaction, so a
run that is killed keeps every batch it committed and a re-run adds only what
is missing.

>>> store = Store.open(":memory:")
>>> store.count("events")
0
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from operator import attrgetter
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from llmnav.errors import StoreError
from llmnav.records import (
    ACTION_FIELDS,
    AIO_HIT_FIELDS,
    EVENT_FIELDS,
    HIT_FIELDS,
    Action,
    AioHit,
    Event,
    Rejected,
    TechniqueHit,
)

__all__ = ["SCHEMA", "Store", "actions_table", "events_table"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    event_id VARCHAR NOT NULL,
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
    action_id VARCHAR NOT NULL,
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
CREATE TABLE IF NOT EXISTS hits (
    action_id VARCHAR NOT NULL,
    technique_id VARCHAR NOT NULL,
    tactic_ids VARCHAR[],
    confidence DOUBLE,
    source VARCHAR,
    mappers VARCHAR[],
    evidence VARCHAR,
    rank INTEGER,
    attack_version VARCHAR
);
CREATE TABLE IF NOT EXISTS action_intent (
    action_id VARCHAR NOT NULL,
    intent DOUBLE
);
CREATE TABLE IF NOT EXISTS aio_hits (
    session_id VARCHAR NOT NULL,
    actor_id VARCHAR NOT NULL,
    behaviour_id VARCHAR NOT NULL,
    strength DOUBLE,
    event_ids VARCHAR[],
    detail VARCHAR,
    config VARCHAR
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
CREATE TABLE IF NOT EXISTS scores (
    actor_id VARCHAR NOT NULL,
    rank INTEGER,
    aries DOUBLE,
    tier VARCHAR,
    threat DOUBLE,
    vulnerability DOUBLE,
    impact DOUBLE,
    n_techniques INTEGER,
    n_tactics INTEGER,
    interface VARCHAR,
    aio VARCHAR[],
    top_techniques VARCHAR[],
    first_seen TIMESTAMPTZ,
    last_seen TIMESTAMPTZ,
    config VARCHAR,
    components JSON
);
"""

# Event ids are unique by construction of this statement rather than by a
# PRIMARY KEY: DuckDB's index makes bulk inserts about three times slower.
_INSERT_NEW_EVENTS = """
INSERT INTO events
SELECT * FROM batch
WHERE event_id NOT IN (SELECT event_id FROM events)
QUALIFY row_number() OVER (PARTITION BY event_id) = 1
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


def _arrow_table(records: Sequence[Any], names: Sequence[str], types: dict[str, Any]) -> pa.Table:
    """Records to an Arrow table, one column per field (non-listed types are text)."""
    columns = {name: list(map(attrgetter(name), records)) for name in names}
    schema = pa.schema([(name, types.get(name, pa.string())) for name in names])
    return pa.Table.from_pydict(columns, schema=schema)


_TS = pa.timestamp("us", tz="UTC")
_EVENT_TYPES = {"seq": pa.int64(), "ts": _TS}
_ACTION_TYPES = {"seq": pa.int64(), "ts": _TS, "event_ids": pa.list_(pa.string())}
_HIT_TYPES = {
    "tactic_ids": pa.list_(pa.string()),
    "confidence": pa.float64(),
    "mappers": pa.list_(pa.string()),
    "rank": pa.int32(),
}
_AIO_HIT_TYPES = {"strength": pa.float64(), "event_ids": pa.list_(pa.string())}


def events_table(events: Sequence[Event]) -> pa.Table:
    """Events as an Arrow table in the column order of the ``events`` table."""
    table = _arrow_table(events, [n for n in EVENT_FIELDS if n != "attrs"], _EVENT_TYPES)
    attrs = [
        json.dumps(e.attrs, ensure_ascii=False, default=str) if e.attrs else None for e in events
    ]
    return table.append_column("attrs", pa.array(attrs, pa.string())).select(list(EVENT_FIELDS))


def actions_table(actions: Sequence[Action]) -> pa.Table:
    """Actions as an Arrow table in the column order of the ``actions`` table."""
    return _arrow_table(actions, ACTION_FIELDS, _ACTION_TYPES)


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

    def _insert(self, sql: str, batch: pa.Table) -> None:
        """Run ``sql`` with the Arrow table ``batch`` visible to it as ``batch``."""
        self.conn.register("batch", batch)
        try:
            self.conn.execute(sql)
        finally:
            self.conn.unregister("batch")

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Everything inside commits together or not at all."""
        self.conn.execute("BEGIN TRANSACTION")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def count(self, table: str) -> int:
        return self._scalar(f"SELECT count(*) FROM {_table(table)}")

    def _scalar(self, sql: str, params: Sequence[Any] = ()) -> int:
        # fetchall, not fetchone: DuckDB refuses new work while a result is unread.
        rows = self.conn.execute(sql, list(params)).fetchall()
        return int(rows[0][0]) if rows else 0

    def write_batch(
        self,
        events: Sequence[Event],
        rejected: Sequence[Rejected] = (),
        actions: Sequence[Action] = (),
    ) -> int:
        """Store records in one transaction; returns how many events were new."""
        return self.write_tables(events_table(events), rejected, actions_table(actions))

    def write_tables(
        self, events: pa.Table, rejected: Sequence[Rejected] = (), actions: pa.Table | None = None
    ) -> int:
        """Store one batch in one transaction; returns how many events were new.

        Events already stored are skipped. ``actions`` are those of sessions
        wholly inside this batch, so a killed run never leaves such a session's
        events without its actions.
        """
        with self.transaction():
            before = self.count("events")
            if events.num_rows:
                self._insert(_INSERT_NEW_EVENTS, events)
            new = self.count("events") - before
            if actions is not None and actions.num_rows:
                self._insert("INSERT INTO actions SELECT * FROM batch", actions)
            if rejected:
                now = datetime.now(UTC)
                self.conn.executemany(
                    "INSERT OR IGNORE INTO rejected VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        [r.rejected_id, r.path, r.line, r.field, r.reason, r.format, r.raw, now]
                        for r in rejected
                    ],
                )
        return new

    def count_actions(self, session_ids: Iterable[str]) -> int:
        """How many actions the given sessions have."""
        return self._scalar(
            "SELECT count(*) FROM actions WHERE session_id IN (SELECT unnest(?))",
            [list(session_ids)],
        )

    def session_ids(self) -> set[str]:
        """Ids of every session that has stored events."""
        return {
            row[0] for row in self.conn.execute("SELECT DISTINCT session_id FROM events").fetchall()
        }

    def session_events(
        self, session_ids: Iterable[str], *, attrs: bool = True
    ) -> dict[str, list[Event]]:
        """The stored events of the given sessions, in session order.

        With ``attrs=False`` only the session's own metadata (``attrs["session"]``,
        on its first event) is read back: what the session graphs need, at a
        fraction of the cost for large stores.
        """
        ids = list(session_ids)
        if not ids:
            return {}
        columns = ", ".join(EVENT_FIELDS)
        if not attrs:
            columns = columns.replace(
                "attrs", "CASE WHEN attrs LIKE '%\"session\"%' THEN attrs END AS attrs"
            )
        rows = self.conn.execute(
            f"SELECT {columns} FROM events "
            "WHERE session_id IN (SELECT unnest(?)) ORDER BY session_id, seq, event_id",
            [ids],
        ).fetchall()
        grouped: dict[str, list[Event]] = {}
        position = EVENT_FIELDS.index("attrs")
        for row in rows:
            values = list(row)
            raw = values[position]
            values[position] = json.loads(raw) if raw else {}
            if not attrs and values[position]:
                values[position] = {"session": values[position].get("session")}
            event = Event(*values)
            grouped.setdefault(event.session_id, []).append(event)
        return grouped

    def replace_actions(self, session_ids: Sequence[str], actions: Sequence[Action]) -> None:
        """Make ``actions`` the actions of ``session_ids`` (one transaction)."""
        with self.transaction():
            self.conn.execute(
                "DELETE FROM actions WHERE session_id IN (SELECT unnest(?))", [list(session_ids)]
            )
            if actions:
                self._insert("INSERT INTO actions SELECT * FROM batch", actions_table(actions))

    def replace_mappings(
        self, action_ids: Sequence[str], hits: Sequence[TechniqueHit], intents: Sequence[float]
    ) -> None:
        """Make ``hits`` and ``intents`` the mapping of ``action_ids`` (one transaction)."""
        with self.transaction():
            ids = list(action_ids)
            for table in ("hits", "action_intent"):
                self.conn.execute(
                    f"DELETE FROM {table} WHERE action_id IN (SELECT unnest(?))", [ids]
                )
            if hits:
                hit_table = _arrow_table(hits, HIT_FIELDS, _HIT_TYPES)
                self._insert("INSERT INTO hits SELECT * FROM batch", hit_table)
            if ids:
                intent = pa.table({"action_id": ids, "intent": pa.array(intents, pa.float64())})
                self._insert("INSERT INTO action_intent SELECT * FROM batch", intent)

    def replace_aio_hits(self, session_ids: Sequence[str], hits: Sequence[AioHit]) -> None:
        """Make ``hits`` the orchestration behaviours of ``session_ids`` (one transaction)."""
        with self.transaction():
            self.conn.execute(
                "DELETE FROM aio_hits WHERE session_id IN (SELECT unnest(?))", [list(session_ids)]
            )
            if hits:
                table = _arrow_table(hits, AIO_HIT_FIELDS, _AIO_HIT_TYPES)
                self._insert("INSERT INTO aio_hits SELECT * FROM batch", table)

    def replace_scores(self, scores: pa.Table) -> None:
        """Make ``scores`` (the columns of the ``scores`` table, ranked) the stored ARiES scores."""
        with self.transaction():
            self.conn.execute("DELETE FROM scores")
            if scores.num_rows:
                self._insert("INSERT INTO scores SELECT * FROM batch", scores)

    def has_table(self, name: str) -> bool:
        """Whether the table exists (a read-only store made by an older version may lack one)."""
        return bool(
            self._scalar(
                "SELECT count(*) FROM information_schema.tables WHERE table_name = ?",
                [_table(name)],
            )
        )

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


_TABLES = frozenset(
    {
        "events",
        "actions",
        "sessions",
        "actors",
        "rejected",
        "ingest_runs",
        "hits",
        "action_intent",
        "aio_hits",
        "scores",
    }
)


def _table(name: str) -> str:
    if name not in _TABLES:
        raise StoreError(f"Unknown table {name!r}")
    return name
