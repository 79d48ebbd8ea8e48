"""``llmnav map``: map a JSONL file of texts, one action per line, as a stream.

Each input line is a JSON object with ``id`` and a text field (``text`` by
default) and optionally ``kind`` (command, request, code, sentence; guessed
when absent). Each output line is::

    {"id": ..., "techniques": [{"id": "T1003.001", "score": 0.93}, ...],
     "tactics": [{"id": "TA0006", "score": 0.93}, ...], "intent": 0.87}

Malformed lines are reported with their line number and skipped.
"""

from __future__ import annotations

import multiprocessing
import sys
import types
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import IO, Any

import orjson

from llmnav.errors import IngestError
from llmnav.mapping.base import MapInput, TextKind
from llmnav.mapping.engine import MappingEngine, MappingResult
from llmnav.mapping.kinds import guess_kind

__all__ = ["MapSummary", "map_file", "result_json"]

BATCH = 512
KINDS: tuple[TextKind, ...] = ("command", "request", "code", "sentence")


@dataclass
class MapSummary:
    """Counts of one ``map_file`` run; ``bad_lines`` holds (line, reason) of skipped lines."""

    read: int = 0
    mapped: int = 0
    bad_lines: list[tuple[int, str]] = field(default_factory=list)


def result_json(
    result: MappingResult,
    *,
    explain: bool = False,
    ident: object = None,
    tactics_of: Mapping[str, Sequence[str]] | None = None,
) -> dict[str, Any]:
    """The output contract of one mapped line (DESIGN section 10).

    ``ident`` is the input's ``id`` as it was given (a number stays a number).
    With ``explain``, each technique says what backs it (``source``, ``mappers``,
    ``evidence``) and each tactic where it comes from: ``goal`` with the request's
    clause the tactic model read, or ``techniques`` with the ranked techniques
    ATT&CK files under it (``tactics_of``).
    """
    techniques: list[dict[str, Any]] = []
    for ranked in result.techniques:
        entry: dict[str, Any] = {"id": ranked.technique_id, "score": round(ranked.confidence, 4)}
        if explain:
            entry.update(
                source=ranked.source, mappers=list(ranked.mappers), evidence=ranked.evidence
            )
        techniques.append(entry)
    filed_under = tactics_of or {}
    tactics: list[dict[str, Any]] = []
    for tactic, score in result.tactics:
        tactic_entry: dict[str, Any] = {"id": tactic, "score": round(score, 4)}
        if explain and result.goal:
            tactic_entry.update(source="goal", evidence=result.goal)
        elif explain:
            filed = [
                r.technique_id
                for r in result.techniques
                if tactic in filed_under.get(r.technique_id, ())
            ]
            tactic_entry.update(source="techniques", evidence=", ".join(filed[:3]))
        tactics.append(tactic_entry)
    return {
        "id": result.id if ident is None else ident,
        "techniques": techniques,
        "tactics": tactics,
        "intent": round(result.intent, 4),
    }


_Line = tuple[str, str, TextKind | None, object]
"""(internal id, text, kind or None to guess, the id as given): cheap to send to a worker."""


def parse_line(raw: bytes, line: int, text_field: str) -> _Line | str:
    """The parts of a mappable line, or the reason the line is skipped."""
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        return f"invalid JSON: {exc}"
    if not isinstance(value, dict):
        return f"expected a JSON object, got {type(value).__name__}"
    ident = value.get("id")
    if isinstance(ident, bool) or not isinstance(ident, str | int) or ident == "":
        return "missing or invalid field 'id' (text or integer)"
    text = value.get(text_field)
    if not isinstance(text, str):
        return f"missing or non-text field {text_field!r}"
    kind = value.get("kind")
    if kind is not None and kind not in KINDS:
        return f"field 'kind' must be one of {', '.join(KINDS)}"
    return f"{line}:{ident}", text, kind, ident


_Batch = list[_Line]

_Chunk = tuple[bytes, int, int, list[tuple[int, str]]]
"""What mapping a chunk of raw lines gives: the output lines (JSONL), the count of
non-blank lines read, the count mapped, and the (line, reason) of skipped lines."""

CHUNK_LINES = 1024
"""Raw input lines handed to a worker at a time (read and parsed there)."""


def _raw_chunks(handle: IO[bytes], size: int) -> Iterator[tuple[int, list[bytes], int]]:
    """(number of the first line, the raw lines, byte position after them) per chunk."""
    first, position, chunk = 1, 0, []
    for raw in handle:
        chunk.append(raw)
        position += len(raw)
        if len(chunk) >= size:
            yield first, chunk, position
            first += len(chunk)
            chunk = []
    if chunk:
        yield first, chunk, position


def _map_chunk(
    engine: MappingEngine, first: int, lines: list[bytes], text_field: str, explain: bool
) -> _Chunk:
    """Parse and map raw input lines (the first numbered ``first``)."""
    read = 0
    bad: list[tuple[int, str]] = []
    out: list[bytes] = []
    batch: _Batch = []
    for line, raw in enumerate(lines, start=first):
        if not raw.strip():
            continue
        read += 1
        parsed = parse_line(raw, line, text_field)
        if isinstance(parsed, str):
            bad.append((line, parsed))
            continue
        batch.append(parsed)
        if len(batch) >= BATCH:
            out.extend(_map_lines(engine, batch, explain))
            batch = []
    if batch:
        out.extend(_map_lines(engine, batch, explain))
    mapped = len(out)
    out.append(b"")
    return b"\n".join(out) if mapped else b"", read, mapped, bad


_ENGINE: MappingEngine | None = None


def _init_worker(options: dict[str, Any]) -> None:
    global _ENGINE
    _ENGINE = MappingEngine.default(**options)


def _map_lines(engine: MappingEngine, batch: _Batch, explain: bool) -> list[bytes]:
    items = [MapInput(key, text, kind or guess_kind(text)) for key, text, kind, _ in batch]
    dumps = orjson.dumps
    return [
        dumps(result_json(r, explain=explain, ident=line[3], tactics_of=engine.tactics_of))
        for r, line in zip(engine.map(items, evidence=explain), batch, strict=True)
    ]


def _map_in_worker(first: int, lines: list[bytes], text_field: str, explain: bool) -> _Chunk:
    assert _ENGINE is not None
    return _map_chunk(_ENGINE, first, lines, text_field, explain)


@contextmanager
def _without_main_module() -> Iterator[None]:
    """Spawn workers without re-running the parent's ``__main__`` in each of them.

    A spawned worker normally runs the parent's main script again first, in case
    it defines what the tasks need. Ours need only this module; the ``llmnav``
    script would import the whole command line (about a second per worker).
    """
    main = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if main is not None:
            sys.modules["__main__"] = main


def map_file(
    source: Path,
    out: Path,
    *,
    text_field: str = "text",
    workers: int = 1,
    explain: bool = False,
    sigma_dir: Path | None = None,
    llm_config: Path | None = None,
    semantic: bool = False,
    engine: MappingEngine | None = None,
    on_progress: Callable[[int, int, MapSummary], None] | None = None,
) -> MapSummary:
    """Map every line of ``source`` into ``out`` (JSONL), in input order.

    Workers get raw lines and parse them, so the parent only reads and writes.
    """
    if not source.is_file():
        raise IngestError(f"File not found: {source}")
    total = source.stat().st_size
    summary = MapSummary()
    options: dict[str, Any] = {
        "sigma_dir": sigma_dir,
        "llm_config": llm_config,
        "semantic": semantic,
    }

    def write(done: _Chunk, position: int) -> None:
        lines, read, mapped, bad = done
        sink.write(lines)
        summary.read += read
        summary.mapped += mapped
        summary.bad_lines.extend(bad)
        if on_progress:
            on_progress(position, total, summary)

    with source.open("rb") as handle, out.open("wb") as sink:
        if workers <= 1:
            engine = engine or MappingEngine.default(**options)
            for first, lines, position in _raw_chunks(handle, BATCH):
                write(_map_chunk(engine, first, lines, text_field, explain), position)
            return summary
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(
            workers, mp_context=context, initializer=_init_worker, initargs=(options,)
        ) as pool:
            pending: deque[tuple[Future[_Chunk], int]] = deque()
            chunks = _raw_chunks(handle, CHUNK_LINES)
            # The pool starts a worker per task until it has them all: the first ones.
            with _without_main_module():
                for first, lines, position in islice(chunks, workers):
                    task = pool.submit(_map_in_worker, first, lines, text_field, explain)
                    pending.append((task, position))
            for first, lines, position in chunks:
                task = pool.submit(_map_in_worker, first, lines, text_field, explain)
                pending.append((task, position))
                if len(pending) > 2 * workers:
                    done, at = pending.popleft()
                    write(done.result(), at)
            while pending:
                done, at = pending.popleft()
                write(done.result(), at)
    return summary
