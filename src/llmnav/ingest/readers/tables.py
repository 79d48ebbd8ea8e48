"""Investigator action tables: CSV or Parquet, one analyst-summarised action per row.

Columns (header names are case-insensitive; spaces and dashes count as ``_``)::

    actor        actor, actor_id, account, user, user_id          required
    time         time, ts, timestamp, date, datetime              ISO 8601 or epoch
    action text  action, text, summary, description               required, not empty
    techniques   techniques, technique_ids, technique, technique_id
                 ATT&CK ids separated by ``;``, ``,`` or spaces (T1059, T1003.001)
    session      session, session_id, conversation_id             default: the actor
    interface    interface                                        default: chat

Each row becomes one user ``message`` event; the technique ids go to
``attrs["analyst_techniques"]`` and other columns to ``attrs``. A row with no
actor, empty action text, a bad time, interface or technique id is rejected
naming its column; CSV lines are physical lines (the header is line 1),
Parquet rows count from 1. Text is stored as written (formula-looking text is
escaped by the outputs, not here).

    actor,time,action,techniques
    acct-17,2025-03-01T10:02:00Z,Asked for a PowerShell keylogger,T1056.001

>>> _technique_ids("T1059.001; t1003", "techniques")
['T1059.001', 'T1003']
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from llmnav.errors import IngestError, RecordError, SourceLocation
from llmnav.ingest.readers.base import Head, Reader, Source, parse_ts, reject
from llmnav.ingest.readers.fields import check_choice
from llmnav.records import INTERFACES, Event, Rejected, stable_id

__all__ = ["COLUMN_ALIASES", "TablesReader"]

COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "actor": ("actor", "actor_id", "account", "user", "user_id"),
    "time": ("time", "ts", "timestamp", "date", "datetime"),
    "action": ("action", "text", "summary", "description"),
    "techniques": ("techniques", "technique_ids", "technique", "technique_id"),
    "session": ("session", "session_id", "conversation_id"),
    "interface": ("interface",),
}
"""Each role a column can play, and the header names (normalised) that play it."""

TECHNIQUE_ID = re.compile(r"T\d{4}(\.\d{3})?")
_SEPARATORS = re.compile(r"[;,\s]+")
_PARQUET_MAGIC = b"PAR1"
_CSV_SUFFIXES = (".csv", ".tsv", ".txt")
_BATCH_ROWS = 4096


def _normalise(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().lstrip("\ufeff").lower())


def _roles(header: Sequence[str]) -> dict[str, int]:
    """Which column index plays each role (the first alias found wins)."""
    names = [_normalise(column) for column in header]
    found: dict[str, int] = {}
    for role, aliases in COLUMN_ALIASES.items():
        for alias in aliases:
            if alias in names:
                found[role] = names.index(alias)
                break
    return found


def _technique_ids(value: Any, column: str, where: SourceLocation | None = None) -> list[str]:
    """Technique ids from a cell (text or a list); a RecordError naming the column if one is bad."""
    items = value if isinstance(value, list) else _SEPARATORS.split(str(value or ""))
    ids: list[str] = []
    for item in items:
        text = str(item).strip().upper() if item is not None else ""
        if not text:
            continue
        if not TECHNIQUE_ID.fullmatch(text):
            location = SourceLocation(
                where.path if where else "", where.line if where else None, column
            )
            raise RecordError(
                f"{str(item).strip()!r} is not an ATT&CK technique id (like T1059 or T1059.001)",
                location,
            )
        if text not in ids:
            ids.append(text)
    return ids


class TablesReader(Reader):
    name = "tables"
    description = "investigator action tables (CSV or Parquet): actor, time, action, techniques"

    def sniff(self, head: Head) -> int:
        suffix = head.path.suffix.lower()
        if head.data.startswith(_PARQUET_MAGIC) or suffix == ".parquet":
            return _sniff_parquet(head.path)
        if head.first is not None or head.text.lstrip()[:1] in ("{", "["):
            return 0
        header_line = head.text.lstrip("\ufeff").split("\n", 1)[0]
        delimiter = _delimiter(header_line, suffix)
        header = next(csv.reader([header_line], delimiter=delimiter), [])
        roles = _roles(header)
        if "actor" not in roles or "action" not in roles:
            return 0
        return 90 if suffix in _CSV_SUFFIXES else 60

    def read(self, source: Source) -> Iterator[Event | Rejected]:
        start = source.handle.read(len(_PARQUET_MAGIC))
        is_parquet = start == _PARQUET_MAGIC
        if source.handle.seekable():
            source.handle.seek(0)
            handle: Any = source.handle
        else:
            handle = io.BytesIO(start + source.handle.read())
        if is_parquet:
            yield from self._parquet(source, handle)
        else:
            yield from self._csv(source, handle)

    def _csv(self, source: Source, handle: Any) -> Iterator[Event | Rejected]:
        lines = (raw.decode("utf-8", "surrogateescape") for raw in handle)
        first = next(lines, None)
        if first is None:
            return
        first = first.lstrip("\ufeff")
        delimiter = _delimiter(first, source.path.suffix.lower())
        reader = csv.reader(_chain(first, lines), delimiter=delimiter)
        header = next(reader, None)
        if not header:
            return
        roles = self._check_header(source, header)
        previous = reader.line_num
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                where = SourceLocation(source.name, reader.line_num)
                yield reject(source, RecordError(f"malformed CSV: {exc}", where), "", self.name)
                if reader.line_num == previous:
                    return
                previous = reader.line_num
                continue
            line_no, previous = previous + 1, reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            raw = delimiter.join(row).encode("utf-8", "surrogateescape")
            where = SourceLocation(source.name, line_no)
            try:
                yield self._event(header, roles, row, where)
            except RecordError as exc:
                yield reject(source, exc, raw, self.name)

    def _parquet(self, source: Source, handle: Any) -> Iterator[Event | Rejected]:
        import pyarrow.parquet as pq

        try:
            table = pq.ParquetFile(handle)
        except Exception as exc:  # pyarrow raises several unrelated types here
            raise IngestError(
                f"Cannot read {source.name} as Parquet ({exc}); is the file complete?",
                SourceLocation(source.name),
            ) from exc
        header = list(table.schema_arrow.names)
        roles = self._check_header(source, header)
        row_no = 0
        for batch in table.iter_batches(batch_size=_BATCH_ROWS):
            for record in batch.to_pylist():
                row_no += 1
                row = [record.get(name) for name in header]
                where = SourceLocation(source.name, row_no)
                try:
                    yield self._event(header, roles, row, where)
                except RecordError as exc:
                    raw = json.dumps(dict(zip(header, row, strict=True)), default=str)
                    yield reject(source, exc, raw, self.name)

    def _check_header(self, source: Source, header: Sequence[str]) -> dict[str, int]:
        roles = _roles(header)
        for role in ("actor", "action"):
            if role not in roles:
                names = ", ".join(COLUMN_ALIASES[role])
                raise IngestError(
                    f"No {role} column in {source.name} (expected one of: {names}; "
                    f"found: {', '.join(header)})",
                    SourceLocation(source.name, 1),
                )
        return roles

    def _event(
        self,
        header: Sequence[str],
        roles: dict[str, int],
        row: Sequence[Any],
        where: SourceLocation,
    ) -> Event:
        if len(row) > len(header):
            raise RecordError(f"row has {len(row)} fields, the header has {len(header)}", where)
        cells = list(row) + [None] * (len(header) - len(row))
        for column, value in zip(header, cells, strict=True):
            if isinstance(value, str) and _has_bad_bytes(value):
                raise RecordError("invalid UTF-8", _at(where, column))

        def cell(role: str) -> Any:
            return cells[roles[role]] if role in roles else None

        def text(role: str) -> str:
            value = cell(role)
            return "" if value is None else str(value).strip()

        actor = text("actor")
        if not actor:
            raise RecordError("missing actor", _at(where, header[roles["actor"]]))
        action = cell("action")
        action_text = "" if action is None else str(action)
        if not action_text.strip():
            raise RecordError("empty action text", _at(where, header[roles["action"]]))
        ts = _ts(cell("time"), _at(where, header[roles["time"]])) if "time" in roles else None
        interface = "chat"
        if "interface" in roles:
            column = header[roles["interface"]]
            interface = check_choice(text("interface"), column, INTERFACES, where) or "chat"
        used = set(roles.values())
        attrs: dict[str, Any] = {
            column: _plain(value)
            for index, (column, value) in enumerate(zip(header, cells, strict=True))
            if index not in used and value not in (None, "")
        }
        if "techniques" in roles:
            column = header[roles["techniques"]]
            attrs["analyst_techniques"] = _technique_ids(cell("techniques"), column, where)
        return Event(
            event_id=stable_id("ev", self.name, where.line, tuple(_plain(c) for c in cells)),
            actor_id=actor,
            session_id=text("session") or actor,
            seq=where.line or 0,
            role="user",
            kind="message",
            text=action_text,
            ts=ts,
            interface=interface,  # type: ignore[arg-type]
            attrs=attrs,
            source=str(where),
        )


def _sniff_parquet(path: Path) -> int:
    try:
        import pyarrow.parquet as pq

        names = list(pq.read_schema(path).names)
    except Exception:  # not readable as Parquet: not ours
        return 0
    roles = _roles(names)
    if "actor" not in roles or "action" not in roles:
        return 0
    normalised = {_normalise(name) for name in names}
    if "role" in normalised and normalised & {"kind", "event_id"}:
        return 10
    return 90


def _delimiter(header_line: str, suffix: str) -> str:
    if suffix == ".tsv":
        return "\t"
    counts = {sep: header_line.count(sep) for sep in (",", "\t", ";")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def _chain(first: str, rest: Iterator[str]) -> Iterator[str]:
    yield first
    yield from rest


def _has_bad_bytes(text: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in text)


def _at(where: SourceLocation, column: str) -> SourceLocation:
    return SourceLocation(where.path, where.line, column)


def _ts(value: Any, where: SourceLocation) -> datetime | None:
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if isinstance(value, date):
        return datetime.combine(value, time(), tzinfo=UTC)
    if isinstance(value, str):
        value = value.strip()
    return parse_ts(value, where)


def _plain(value: Any) -> Any:
    """A cell value that JSON can hold (dates as ISO text, bytes as hex)."""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)
