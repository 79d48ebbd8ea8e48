"""Parsed batches: the unit of work between reading and storing.

A batch is a run of input records turned into Arrow tables of events and of
the actions of every session in it, plus the rejected records. The same
function finishes a batch whether it runs in this process or in a worker, so
serial and parallel ingest store exactly the same rows.

Line-based formats (``Reader.splittable``) of large files are cut into
line-aligned chunks that worker processes parse side by side.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from llmnav.ingest.readers import get_reader
from llmnav.ingest.readers.base import Source
from llmnav.ingest.segment import segment_session
from llmnav.records import Event, Rejected
from llmnav.store.duckdb import actions_table, events_table

__all__ = ["Chunk", "ParsedBatch", "finish_batch", "parse_chunk", "split_lines"]


@dataclass(slots=True)
class ParsedBatch:
    """Events and candidate actions of one batch, ready for the store."""

    events: pa.Table
    actions: pa.Table
    session_ids: list[str]
    rejected: list[Rejected]
    end_offset: int = 0

    @property
    def n_events(self) -> int:
        return int(self.events.num_rows)


@dataclass(frozen=True, slots=True)
class Chunk:
    """A line-aligned byte range of a file and the number of its first line."""

    path: str
    reader: str
    start: int
    end: int
    first_line: int


def finish_batch(records: Sequence[Event | Rejected], end_offset: int = 0) -> ParsedBatch:
    """Segment every session of the batch (in session order) and build the tables.

    Duplicate event ids inside the batch count once, as they will in the store.
    """
    by_session: dict[str, dict[str, Event]] = {}
    rejected: list[Rejected] = []
    for record in records:
        if isinstance(record, Rejected):
            rejected.append(record)
        else:
            by_session.setdefault(record.session_id, {})[record.event_id] = record
    events = [e for session in by_session.values() for e in session.values()]
    actions = [
        action
        for session in by_session.values()
        for action in segment_session(sorted(session.values(), key=_session_order))
    ]
    return ParsedBatch(
        events=events_table(events),
        actions=actions_table(actions),
        session_ids=list(by_session),
        rejected=rejected,
        end_offset=end_offset,
    )


def _session_order(event: Event) -> tuple[int, str]:
    return (event.seq, event.event_id)


def parse_chunk(chunk: Chunk) -> ParsedBatch:
    """Read one chunk of a line-based file (runs in a worker process)."""
    with open(chunk.path, "rb") as handle:
        handle.seek(chunk.start)
        data = handle.read(chunk.end - chunk.start)
    source = Source(Path(chunk.path), io.BytesIO(data), first_line=chunk.first_line)
    records = list(get_reader(chunk.reader).read(source))
    return finish_batch(records, end_offset=chunk.end)


def split_lines(path: Path, reader: str, chunk_bytes: int) -> Iterator[Chunk]:
    """Cut ``path`` into chunks of about ``chunk_bytes`` that end at line breaks."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        start, first_line = 0, 1
        while start < size:
            handle.seek(min(start + chunk_bytes, size))
            if handle.tell() < size:
                handle.readline()
            end = handle.tell()
            yield Chunk(str(path), reader, start, end, first_line)
            handle.seek(start)
            first_line += handle.read(end - start).count(b"\n")
            start = end
