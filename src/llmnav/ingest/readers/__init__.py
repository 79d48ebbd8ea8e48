"""Input format readers and format sniffing.

>>> sorted(reader_names())[:2]
['anthropic', 'events']
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from llmnav.errors import IngestError
from llmnav.ingest.readers.anthropic import AnthropicReader
from llmnav.ingest.readers.base import Head, Reader, Source
from llmnav.ingest.readers.events import EventsReader
from llmnav.ingest.readers.openai import OpenAIReader
from llmnav.ingest.readers.otel import OtlpReader
from llmnav.ingest.readers.sessions import SessionsReader
from llmnav.ingest.readers.tables import TablesReader
from llmnav.records import Event, Rejected

__all__ = [
    "BUILTIN_READERS",
    "Head",
    "Reader",
    "Source",
    "get_reader",
    "read_records",
    "reader_names",
    "sniff",
]

BUILTIN_READERS: tuple[type[Reader], ...] = (
    EventsReader,
    SessionsReader,
    AnthropicReader,
    OpenAIReader,
    OtlpReader,
    TablesReader,
)

SNIFF_BYTES = 1 << 16
FIRST_RECORD_MAX = 64 << 20
"""A first line longer than the sniffed bytes is read on up to this size."""
WHOLE_DOCUMENT_LIMIT = 256 << 20
"""Sniffing parses a pretty-printed JSON document whole only below this size."""


def _readers() -> dict[str, Reader]:
    return {cls.name: cls() for cls in BUILTIN_READERS}


def reader_names() -> list[str]:
    """Names accepted by ``--format``."""
    return list(_readers())


def get_reader(name: str) -> Reader:
    """The reader called ``name``; an IngestError lists the valid names."""
    readers = _readers()
    if name not in readers:
        raise IngestError(f"Unknown format {name!r}; choose one of: {', '.join(readers)}")
    return readers[name]


def read_records(path: str | Path, format: str | None = None) -> Iterator[Event | Rejected]:
    """Events and rejected records of one file, read with ``format`` or the sniffed reader.

    >>> records = list(read_records("tests/data/ingest/agent-sessions.jsonl"))  # doctest: +SKIP
    """
    path = Path(path)
    reader = get_reader(format) if format else sniff(path)
    with path.open("rb") as handle:
        yield from reader.read(Source(path, handle))


def read_head(path: Path) -> Head:
    """The first bytes of a file and, when they hold one, its first JSON value."""
    with path.open("rb") as handle:
        data = handle.read(SNIFF_BYTES)
        if len(data) == SNIFF_BYTES and b"\n" not in data:
            # One long first record (an agent session of many steps): read it whole,
            # or its JSON cannot be parsed and the format cannot be told.
            data += handle.readline(FIRST_RECORD_MAX)
    first = None
    text = data.lstrip(b"\xef\xbb\xbf").decode("utf-8", "replace")
    first_line = text.split("\n", 1)[0].strip()
    for candidate in (first_line, text.strip()):
        try:
            first = json.loads(candidate)
            break
        except ValueError:
            continue
    if first is None and text.lstrip()[:1] in ("{", "["):
        first = _partial_document(path)
    if isinstance(first, list) and first and isinstance(first[0], dict):
        first = first[0]
    return Head(path=path, data=data, first=first)


def _partial_document(path: Path) -> object:
    """A JSON document larger than the sniff window: parse it whole, if it parses."""
    if path.stat().st_size > WHOLE_DOCUMENT_LIMIT:
        return None
    try:
        return json.loads(path.read_bytes().decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return None


def sniff(path: Path) -> Reader:
    """The reader most confident it can read ``path``.

    Raises IngestError naming the file, what it starts with, and the ``--format`` choices.
    """
    head = read_head(path)
    readers = _readers()
    scored = sorted(((r.sniff(head), name) for name, r in readers.items()), reverse=True)
    if not scored or scored[0][0] <= 0:
        start = head.text.lstrip()[:20]
        hint = f"starts with {start!r}" if start else "is empty"
        raise IngestError(
            f"Cannot tell the format of {path} (it {hint}); pass --format {'|'.join(readers)}"
        )
    return readers[scored[0][1]]
