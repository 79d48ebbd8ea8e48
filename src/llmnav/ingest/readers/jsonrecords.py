"""JSON records from a JSONL file or from one JSON document.

A JSON-based format may come either way: JSONL, one object per line, or one
document holding a single object or a list of them (pretty-printed or not).
``iter_json_records`` tells which and yields each object as a ``JsonRecord``.

Errors are located differently in the two cases. In JSONL a record has its
file line and field paths start at the record (``messages[2].role``). Inside
a whole document the line is None and the field path starts with the array
index (``[1].messages[2].role``); a document that does not parse at all is one
rejected record located at the line of the JSON error.

>>> join_field("[1]", "messages[2].role")
'[1].messages[2].role'
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from llmnav.errors import RecordError, SourceLocation
from llmnav.ingest.readers.base import (
    Source,
    iter_json_lines,
    parse_ts,
    read_json_document,
    reject,
)
from llmnav.records import Rejected

__all__ = ["JsonRecord", "iter_json_records", "join_field"]

_BOM = b"\xef\xbb\xbf"
_TS_KEYS = ("ts", "timestamp", "created_at", "created")


def join_field(prefix: str, name: str) -> str:
    """A field path below ``prefix``: ``join_field("[3]", "messages[2]") == "[3].messages[2]"``."""
    if not prefix:
        return name
    if not name:
        return prefix
    return prefix + name if name.startswith("[") else f"{prefix}.{name}"


@dataclass(frozen=True, slots=True)
class JsonRecord:
    """One JSON object from a JSONL line or from a whole JSON document.

    ``line`` is the JSONL line (None inside a whole document); ``prefix`` is the
    array index inside a document (``"[3]"``), empty otherwise.
    """

    path: str
    line: int | None
    prefix: str
    raw: str
    value: dict[str, Any]

    def at(self, name: str = "") -> SourceLocation:
        """The location of field ``name`` of this record."""
        return SourceLocation(self.path, self.line, join_field(self.prefix, name) or None)

    def text(self, obj: dict[str, Any], key: str, parent: str = "") -> str | None:
        """``obj[key]`` as text (numbers converted, null is None); other types are rejected.

        Like ``base.optional_str``, but the error names the full field path
        (``[3].messages[2].role``), not only ``key``.
        """
        value = obj.get(key)
        if value is None:
            return None
        if isinstance(value, str):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        raise RecordError(
            f"expected text, got {type(value).__name__}", self.at(join_field(parent, key))
        )

    def ts(self, obj: dict[str, Any], parent: str = "") -> datetime | None:
        """The first of ``ts`` / ``timestamp`` / ``created_at`` / ``created`` in ``obj``."""
        for key in _TS_KEYS:
            if obj.get(key) not in (None, ""):
                return parse_ts(obj[key], self.at(join_field(parent, key)))
        return None


def iter_json_records(source: Source, fmt: str) -> Iterator[JsonRecord | Rejected]:
    """Yield each JSON object of a JSONL file or of a JSON document (one object or a list).

    A file whose first line holds a whole JSON value is read as JSONL, line by
    line; one that starts with ``[`` or a lone ``{``, or that parses only as a
    whole, is one document. Bad lines and non-object list items are rejected.

    >>> from pathlib import Path
    >>> data = io.BytesIO(b'[{"messages": []}, 3]')
    >>> [type(r).__name__ for r in iter_json_records(Source(Path("x"), data), "t")]
    ['JsonRecord', 'Rejected']
    """
    start = source.handle.tell() if source.handle.seekable() else 0
    consumed = b""
    first = b""
    while not first:
        line = source.handle.readline()
        if not line:
            return
        consumed += line
        first = line.strip()
    first = first.removeprefix(_BOM).strip()
    document: bytes | None = None
    if first.startswith(b"[") or first == b"{":
        document = consumed + source.handle.read()
    else:
        try:
            json.loads(first)
        except ValueError:
            rest = source.handle.read()
            consumed += rest
            try:
                json.loads(consumed.removeprefix(_BOM))
                document = consumed
            except ValueError:
                pass
    if document is not None:
        yield from _document_records(source, document.removeprefix(_BOM), fmt)
        return
    if source.handle.seekable():
        source.handle.seek(start)
        lines = source
    else:
        lines = Source(source.path, io.BytesIO(consumed + source.handle.read()))
    for item in iter_json_lines(lines, fmt):
        if isinstance(item, Rejected):
            yield item
            continue
        line_no, raw, obj = item
        yield JsonRecord(source.name, line_no, "", raw.decode("utf-8"), obj)


def _document_records(source: Source, data: bytes, fmt: str) -> Iterator[JsonRecord | Rejected]:
    """The objects of one JSON document: the document itself, or each item of a list."""
    try:
        value = read_json_document(Source(source.path, io.BytesIO(data)))
    except RecordError as exc:
        yield reject(source, exc, data, fmt)
        return
    items = list(enumerate(value)) if isinstance(value, list) else [(None, value)]
    for index, item in items:
        prefix = "" if index is None else f"[{index}]"
        raw = json.dumps(item, ensure_ascii=False)
        if not isinstance(item, dict):
            where = SourceLocation(source.name, None, prefix or None)
            error = RecordError(f"expected a JSON object, got {type(item).__name__}", where)
            yield reject(source, error, raw, fmt)
            continue
        yield JsonRecord(source.name, None, prefix, raw, item)
