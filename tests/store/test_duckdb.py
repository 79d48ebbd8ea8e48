"""The DuckDB store."""

from __future__ import annotations

from pathlib import Path

import pytest

from llmnav.errors import StoreError
from llmnav.records import Event, Rejected
from llmnav.store.duckdb import Store


def make_event(event_id: str, session_id: str = "s", seq: int = 0) -> Event:
    return Event(event_id, "actor", session_id, seq, "user", "message", f"text {event_id}")


def test_store_write_batch_counts_only_new_events() -> None:
    store = Store.open(":memory:")
    assert store.write_batch([make_event("a"), make_event("b")]) == 2
    assert store.write_batch([make_event("b"), make_event("c"), make_event("c")]) == 1
    assert store.count("events") == 3


def test_store_keeps_rejected_records_once() -> None:
    store = Store.open(":memory:")
    bad = Rejected("in.jsonl", 3, "ts", "timestamp 'x' is not ISO 8601", '{"ts": "x"}', "events")
    store.write_batch([], [bad])
    store.write_batch([], [bad])
    assert store.query("SELECT file, line, field FROM rejected") == [
        {"file": "in.jsonl", "line": 3, "field": "ts"}
    ]


def test_store_round_trips_events_with_attrs() -> None:
    store = Store.open(":memory:")
    event = Event(
        "a",
        "actor",
        "s",
        4,
        "assistant",
        "tool_call",
        tool_name="bash",
        tool_input="ls",
        attrs={"step": 2, "nested": {"k": [1, 2]}},
    )
    store.write_batch([event])
    assert store.session_events(["s"]) == {"s": [event]}


def test_store_read_only_open_of_a_missing_database_says_how_to_create_it(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match=r"No database at .*nope\.duckdb; create it with"):
        Store.open(tmp_path / "nope.duckdb", read_only=True)


def test_store_rejects_unknown_table_names() -> None:
    with pytest.raises(StoreError, match="Unknown table 'events; DROP TABLE events'"):
        Store.open(":memory:").count("events; DROP TABLE events")
