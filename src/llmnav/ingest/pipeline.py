"""Ingest: read telemetry files, quarantine bad records, store events and actions.

>>> summary = ingest_files(["traces.jsonl"], db="x.duckdb")        # doctest: +SKIP
>>> summary.read == summary.stored + summary.rejected          # doctest: +SKIP
True
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from llmnav.errors import IngestError, RecordError, SourceLocation
from llmnav.ingest.batches import ParsedBatch, finish_batch, parse_chunk, split_lines
from llmnav.ingest.readers import Reader, Source, get_reader, sniff
from llmnav.ingest.readers.base import RAW_LIMIT
from llmnav.ingest.segment import segment_session
from llmnav.records import Event, Rejected
from llmnav.store.duckdb import Store

__all__ = ["FileSummary", "IngestSummary", "ProgressCallback", "ingest_files"]

BATCH_SIZE = 20_000
"""Events per transaction: what a killed run can lose at most (it is re-read next run)."""

CHUNK_BYTES = 4 << 20
"""Bytes of a line-based file parsed by one worker at a time."""

REJECTED_SHOWN = 5
"""Rejected records per file kept in the summary for display (all are stored)."""

SEGMENT_CHUNK = 2_000
"""Sessions segmented per round trip to the store."""

ProgressCallback = Callable[[int, int, "IngestSummary"], None]
"""Called with (bytes done, bytes total, running summary) while reading."""


@dataclass(slots=True)
class FileSummary:
    """What happened to one input file."""

    path: str
    format: str | None = None
    stored: int = 0
    new: int = 0
    rejected: int = 0
    error: str | None = None
    warning: str | None = None
    first_rejected: list[Rejected] = field(default_factory=list)
    """The first few records rejected in this file, to show the user."""

    @property
    def read(self) -> int:
        """Every record read is either stored or rejected."""
        return self.stored + self.rejected


@dataclass(slots=True)
class IngestSummary:
    """Totals of one ingest run. ``read == stored + rejected``; ``new`` counts first-time events."""

    files: list[FileSummary] = field(default_factory=list)
    actions: int = 0
    session_ids: set[str] = field(default_factory=set)
    """The sessions this run read (new or already stored)."""
    rejected_path: Path | None = None

    @property
    def sessions(self) -> int:
        return len(self.session_ids)

    @property
    def read(self) -> int:
        return sum(f.read for f in self.files)

    @property
    def stored(self) -> int:
        return sum(f.stored for f in self.files)

    @property
    def new(self) -> int:
        return sum(f.new for f in self.files)

    @property
    def rejected(self) -> int:
        return sum(f.rejected for f in self.files)

    @property
    def failed_files(self) -> list[FileSummary]:
        return [f for f in self.files if f.error]


def ingest_files(
    paths: Iterable[str | Path],
    db: str | Path,
    *,
    format: str | None = None,
    strict: bool = False,
    batch_size: int = BATCH_SIZE,
    workers: int | None = None,
    chunk_bytes: int = CHUNK_BYTES,
    on_progress: ProgressCallback | None = None,
) -> IngestSummary:
    """Read ``paths`` into the DuckDB store at ``db`` and segment the sessions they touch.

    Bad records are stored in the ``rejected`` table and in ``rejected.jsonl``
    next to the database; with ``strict`` the first one raises ``RecordError``
    (the records accepted before it are kept). A file that cannot be read at
    all is reported in its ``FileSummary.error`` and the other files go on.

    Line-based files of four chunks or more (``chunk_bytes`` each) are parsed
    by ``workers`` processes (default: one per CPU); the stored rows are the
    same as with ``workers=1``.
    """
    cpus = os.cpu_count() or 1
    options = _Options(
        strict=strict,
        batch_size=batch_size,
        workers=max(1, workers if workers is not None else cpus),
        chunk_bytes=chunk_bytes,
    )
    files = [Path(p) for p in paths]
    reader = get_reader(format) if format else None
    summary = IngestSummary()
    started = datetime.now(UTC)
    total_bytes = sum(p.stat().st_size for p in files if p.is_file())
    done_bytes = 0
    with Store.open(db) as store:
        sessions = _SessionTracker(known=store.session_ids())
        for path in files:
            file_summary = FileSummary(str(path))
            summary.files.append(file_summary)
            if not _usable(path, file_summary):
                continue
            try:
                file_reader = reader or sniff(path)
            except IngestError as exc:
                file_summary.error = str(exc)
                continue
            file_summary.format = file_reader.name

            def report(position: int, base: int = done_bytes) -> None:
                if on_progress:
                    on_progress(base + position, total_bytes, summary)

            _ingest_file(store, path, file_reader, file_summary, sessions, options, report)
            done_bytes += path.stat().st_size
        _segment(store, sorted(sessions.deferred))
        summary.session_ids = sessions.seen
        summary.actions = store.count_actions(sessions.seen)
        store.refresh_summaries()
        if store.path is not None:
            summary.rejected_path = store.path.parent / "rejected.jsonl"
            store.export_rejected(summary.rejected_path)
        store.record_run(
            {
                "started_at": started,
                "finished_at": datetime.now(UTC),
                "files": [str(p) for p in files],
                "read": summary.read,
                "stored": summary.stored,
                "new": summary.new,
                "rejected": summary.rejected,
                "complete": not summary.failed_files,
            }
        )
    return summary


def _usable(path: Path, file_summary: FileSummary) -> bool:
    if not path.exists():
        file_summary.error = f"File not found: {path}"
        return False
    if not path.is_file():
        file_summary.error = f"Not a file: {path}"
        return False
    if path.stat().st_size == 0:
        file_summary.warning = "empty file, nothing to read"
        return False
    return True


def _ingest_file(
    store: Store,
    path: Path,
    reader: Reader,
    file_summary: FileSummary,
    sessions: _SessionTracker,
    options: _Options,
    report: Callable[[int], None],
) -> None:
    parallel = options.workers > 1 and reader.splittable and not options.strict
    if parallel and path.stat().st_size >= 4 * options.chunk_bytes:
        batches = _parallel_batches(path, reader, options)
    else:
        batches = _serial_batches(path, reader, file_summary, options)
    for batch in batches:
        actions = sessions.keep_actions(batch)
        file_summary.new += store.write_tables(batch.events, batch.rejected, actions)
        file_summary.stored += batch.n_events
        file_summary.rejected += len(batch.rejected)
        room = REJECTED_SHOWN - len(file_summary.first_rejected)
        file_summary.first_rejected.extend(batch.rejected[: max(room, 0)])
        report(batch.end_offset)
        if options.strict and batch.rejected:
            first = batch.rejected[0]
            raise RecordError(first.reason, SourceLocation(first.path, first.line, first.field))


def _serial_batches(
    path: Path, reader: Reader, file_summary: FileSummary, options: _Options
) -> Iterator[ParsedBatch]:
    """Batches read in this process; in strict mode a batch ends at the first bad record."""
    records: list[Event | Rejected] = []
    n_events = 0
    with path.open("rb") as handle:
        try:
            for record in reader.read(Source(path, handle)):
                records.append(record)
                if isinstance(record, Rejected):
                    if options.strict:
                        break
                else:
                    n_events += 1
                    if n_events >= options.batch_size:
                        yield finish_batch(records, handle.tell())
                        records, n_events = [], 0
        except RecordError as exc:
            if options.strict:
                raise
            # A format read as one document failed as a whole: quarantine the file.
            handle.seek(0)
            records.append(
                Rejected(
                    path=str(path),
                    line=exc.location.line if exc.location else None,
                    field=exc.location.field if exc.location else None,
                    reason=exc.message,
                    raw=handle.read(RAW_LIMIT).decode("utf-8", "backslashreplace"),
                    format=reader.name,
                )
            )
        yield finish_batch(records, path.stat().st_size)


def _parallel_batches(path: Path, reader: Reader, options: _Options) -> Iterator[ParsedBatch]:
    """Chunks of a line-based file parsed by worker processes, yielded in file order."""
    chunks = split_lines(path, reader.name, options.chunk_bytes)
    context = multiprocessing.get_context("spawn")  # no fork: DuckDB runs threads
    with ProcessPoolExecutor(options.workers, mp_context=context) as pool:
        pending: deque[Future[ParsedBatch]] = deque()
        for chunk in chunks:
            pending.append(pool.submit(parse_chunk, chunk))
            if len(pending) > 2 * options.workers:  # bounded read-ahead: constant memory
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


@dataclass(frozen=True, slots=True)
class _Options:
    strict: bool
    batch_size: int
    workers: int
    chunk_bytes: int


class _SessionTracker:
    """Decides where each session is segmented.

    A session whose events all arrive in one batch and that had no stored
    events before keeps the actions segmented with its batch (the fast, usual
    case). Every other session (spread over batches or files, or already
    stored) is segmented again from the store at the end of the run.
    """

    def __init__(self, known: set[str]) -> None:
        self.known = known
        self.seen: set[str] = set()
        self.deferred: set[str] = set()

    def keep_actions(self, batch: ParsedBatch) -> pa.Table:
        """The batch's actions of sessions that are whole in it."""
        dropped = []
        for session_id in batch.session_ids:
            if session_id in self.known or session_id in self.seen:
                self.deferred.add(session_id)
                dropped.append(session_id)
            self.seen.add(session_id)
        if not dropped or not batch.actions.num_rows:
            return batch.actions
        mask = pc.invert(pc.is_in(batch.actions["session_id"], pa.array(dropped, pa.string())))
        return batch.actions.filter(mask)


def _segment(store: Store, session_ids: Sequence[str]) -> None:
    for start in range(0, len(session_ids), SEGMENT_CHUNK):
        chunk = session_ids[start : start + SEGMENT_CHUNK]
        actions = [
            action
            for events in store.session_events(chunk).values()
            for action in segment_session(events)
        ]
        store.replace_actions(chunk, actions)
