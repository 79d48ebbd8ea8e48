"""The reader seam: how one input format becomes Event and Rejected records.

To add a format:

1. subclass ``Reader``, set ``name`` and ``description``;
2. implement ``sniff(head)``: how sure you are (0-100) that the file is yours;
3. implement ``read(source)``: yield an ``Event`` per good record and a
   ``Rejected`` per bad one (never raise for a single bad record);
4. add the class to ``BUILTIN_READERS`` in ``llmnav.ingest.readers``.

Readers get a ``Source``: the path and an open binary handle. Helpers below do
the parts every format shares (JSON lines, timestamps, field checks).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO, ClassVar

import orjson

from llmnav.errors import RecordError, SourceLocation
from llmnav.records import Event, Rejected

__all__ = [
    "RAW_LIMIT",
    "Head",
    "Reader",
    "Source",
    "as_text",
    "iter_json_lines",
    "optional_str",
    "parse_ts",
    "read_json_document",
    "reject",
]

RAW_LIMIT = 4000
"""Rejected records keep at most this many characters of the raw input."""


@dataclass(slots=True)
class Source:
    """An input being read: the file's path, an open binary handle and the
    number of the handle's first line (not 1 when a worker reads a chunk)."""

    path: Path
    handle: BinaryIO
    first_line: int = 1

    @property
    def name(self) -> str:
        return str(self.path)


@dataclass(frozen=True, slots=True)
class Head:
    """What sniffing sees: the path, the first bytes, and the first JSON value if any."""

    path: Path
    data: bytes
    first: Any = None

    @property
    def text(self) -> str:
        return self.data.decode("utf-8", "replace")


class Reader:
    """Base class of input format readers."""

    name: ClassVar[str]
    description: ClassVar[str]
    splittable: ClassVar[bool] = False
    """True when each line is a whole record, so a file can be cut at line breaks."""

    def sniff(self, head: Head) -> int:
        """Confidence from 0 (not mine) to 100 (certainly mine)."""
        raise NotImplementedError

    def read(self, source: Source) -> Iterator[Event | Rejected]:
        """Yield events and rejected records, in input order."""
        raise NotImplementedError


def reject(source: Source, error: RecordError, raw: str | bytes, fmt: str) -> Rejected:
    """Turn a RecordError into a quarantined record."""
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", "backslashreplace")
    location = error.location or SourceLocation(source.name)
    return Rejected(
        path=source.name,
        line=location.line,
        field=location.field,
        reason=error.message,
        raw=raw[:RAW_LIMIT],
        format=fmt,
    )


def iter_json_lines(
    source: Source, fmt: str
) -> Iterator[tuple[int, bytes, dict[str, Any]] | Rejected]:
    """Yield ``(line_no, raw, object)`` for each JSON-object line, Rejected for bad lines.

    Blank lines are skipped. Invalid UTF-8, invalid JSON and non-object values
    are rejected with their line number.
    """
    for line_no, raw in enumerate(source.handle, start=source.first_line):
        stripped = raw.strip()
        if not stripped:
            continue
        try:
            value = orjson.loads(stripped)
        except orjson.JSONDecodeError as exc:
            yield reject(source, _decode_error(exc, stripped, source.name, line_no), stripped, fmt)
            continue
        if not isinstance(value, dict):
            where = SourceLocation(source.name, line_no)
            kind = type(value).__name__
            yield reject(
                source, RecordError(f"expected a JSON object, got {kind}", where), stripped, fmt
            )
            continue
        yield line_no, stripped, value


def _decode_error(
    exc: orjson.JSONDecodeError, data: bytes, path: str, line: int | None
) -> RecordError:
    """A RecordError that says whether the bytes were not UTF-8 or not JSON."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as bad:
        return RecordError(f"invalid UTF-8 at byte {bad.start}", SourceLocation(path, line))
    where = SourceLocation(path, line if line is not None else exc.lineno)
    return RecordError(f"invalid JSON: {exc.msg} at column {exc.colno}", where)


def read_json_document(source: Source) -> Any:
    """Parse the whole file as one JSON document (for formats that are not line based)."""
    data = source.handle.read()
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise _decode_error(exc, data, source.name, None) from exc


_EPOCH_LIMITS = ((1e17, 1e9), (1e14, 1e6), (1e11, 1e3))  # ns, µs, ms -> divisor


def parse_ts(value: Any, where: SourceLocation, field: str | None = None) -> datetime | None:
    """A timezone-aware UTC datetime from ISO 8601 text or epoch s/ms/µs/ns; None stays None.

    ``where`` (with ``field``, when given) locates the error of a bad value.

    >>> parse_ts("2025-03-01T10:00:00Z", SourceLocation("f")).isoformat()
    '2025-03-01T10:00:00+00:00'
    >>> parse_ts(1740823200000, SourceLocation("f")).year
    2025
    """
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return _parse_ts_slow(value, where, field)
        if parsed.tzinfo is None:
            return parsed.replace(tzinfo=UTC)
        return parsed if parsed.utcoffset() == _ZERO else parsed.astimezone(UTC)
    return _parse_ts_slow(value, where, field)


_ZERO = timedelta(0)


def _parse_ts_slow(value: Any, where: SourceLocation, field: str | None) -> datetime:
    if field is not None:
        where = SourceLocation(where.path, where.line, field)
    if isinstance(value, bool):
        raise RecordError("timestamp must be ISO 8601 text or a number, got a boolean", where)
    if isinstance(value, str):
        text = value.strip()
        if text.lstrip("-").isdigit():
            value = int(text)
        else:
            try:
                parsed = datetime.fromisoformat(text)
            except ValueError as exc:
                raise RecordError(f"timestamp {value!r} is not ISO 8601", where) from exc
            return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    if isinstance(value, int | float):
        seconds = float(value)
        for limit, divisor in _EPOCH_LIMITS:
            if abs(seconds) >= limit:
                seconds /= divisor
                break
        try:
            return datetime.fromtimestamp(seconds, tz=UTC)
        except (OverflowError, OSError, ValueError) as exc:
            raise RecordError(f"timestamp {value!r} is out of range", where) from exc
    raise RecordError(
        f"timestamp must be ISO 8601 text or a number, got {type(value).__name__}", where
    )


def optional_str(obj: dict[str, Any], key: str, where: SourceLocation) -> str | None:
    """``obj[key]`` as text: missing or null gives None, numbers are converted, others rejected."""
    value = obj.get(key)
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise RecordError(
        f"expected text, got {type(value).__name__}",
        SourceLocation(where.path, where.line, key),
    )


def as_text(value: Any) -> str:
    """Any JSON value as text: strings unchanged, structures as compact JSON."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
